#!/usr/bin/env bash
# Runs an example host against a real node: starts `warden serve` with the
# bundled plugins on 127.0.0.1:0 (MODE tls: mutual TLS, certificates made by
# scripts/make-test-certs.sh), runs examples/remote_host against it, checks
# its closing line (every transaction answered, findings, no failure), and
# stops the node with SIGTERM, which must end it with exit 0. In tls mode the
# host without certificates must be refused.
#   remote_node_test.sh WARDEN REMOTE_HOST HAR MODE(plain|tls)
set -euo pipefail
warden=$1 host=$2 har=$3 mode=$4
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
node=""
cleanup() {
  if [ -n "$node" ] && kill -0 "$node" 2>/dev/null; then
    kill -KILL "$node" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

node_tls=() host_tls=()
if [ "$mode" = tls ]; then
  "$root/scripts/make-test-certs.sh" "$work/certs" >/dev/null
  node_tls=(--tls-cert "$work/certs/node.pem" --tls-key "$work/certs/node.key"
            --tls-ca "$work/certs/ca.pem")
  host_tls=(--tls-cert "$work/certs/client.pem" --tls-key "$work/certs/client.key"
            --tls-ca "$work/certs/ca.pem")
fi

: >"$work/node.log"  # exists before the node's shell opens it: the loop below reads it
"$warden" serve --plugins "$root/plugins" --listen 127.0.0.1:0 "${node_tls[@]}" \
  >/dev/null 2>"$work/node.log" &
node=$!
port=""
for _ in $(seq 600); do  # up to 60 s on a loaded machine
  port=$(sed -n 's/.*listening on [^ ]*:\([0-9][0-9]*\).*/\1/p' "$work/node.log" | head -n 1) || true
  [ -n "$port" ] && break
  if ! kill -0 "$node" 2>/dev/null; then
    echo "FAIL: warden serve ended before listening:"; cat "$work/node.log"; exit 1
  fi
  sleep 0.1
done
if [ -z "$port" ]; then
  echo "FAIL: warden serve did not listen within 60 s:"; cat "$work/node.log"; exit 1
fi
echo "node: 127.0.0.1:$port ($mode)"

status=0
out=$("$host" "127.0.0.1:$port" "$har" "${host_tls[@]}" 2>&1) || status=$?
echo "$out"
if [ "$status" != 0 ]; then
  echo "FAIL: warden_remote_host exited $status"; cat "$work/node.log"; exit 1
fi
if ! grep -Eq "^remote_host: [1-9][0-9]* transactions scanned on 127\.0\.0\.1:$port, [1-9][0-9]* plugins, [1-9][0-9]* findings, 0 failures$" <<<"$out"; then
  echo "FAIL: unexpected closing line"; exit 1
fi

if [ "$mode" = tls ]; then
  status=0
  out=$("$host" "127.0.0.1:$port" "$har" 2>&1) || status=$?
  echo "without certificates: exit $status: $(tail -n 1 <<<"$out")"
  if [ "$status" = 0 ]; then
    echo "FAIL: a host without certificates was let in"; exit 1
  fi
fi

kill -TERM "$node"
status=0
wait "$node" || status=$?
node=""
if [ "$status" != 0 ]; then
  echo "FAIL: warden serve exited $status after SIGTERM:"; cat "$work/node.log"; exit 1
fi
echo "PASS"
