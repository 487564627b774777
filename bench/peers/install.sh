#!/usr/bin/env bash
# Installs the Node.js peers of the comparison benchmark (bench/compare.mjs):
# isolated-vm and piscina at the versions pinned in package-lock.json, and
# builds isolated-vm's native addon against the system's Node 20 headers.
# Idempotent: a second run with everything in place touches neither the
# network nor the compiler (offline-safe after the first run).
#
#   bash bench/peers/install.sh            # from anywhere
#   FORCE=1 bash bench/peers/install.sh    # reinstall and rebuild
set -euo pipefail
cd "$(dirname "$0")"

NODEDIR="${NODEDIR:-/usr}"  # Debian's nodejs: headers in /usr/include/node
JOBS="${JOBS:-2}"

node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" != 20 ]; then
  echo "install.sh: warning: pinned for Node 20 (isolated-vm 5.x), found $(node --version)" >&2
fi

# isolated-vm's own install script (prebuild-install, then node-gyp fetching
# headers from the internet) hangs here, hence --ignore-scripts and the build below.
deps_ok() {
  node -e '
    const lock = require("./package-lock.json").packages;
    for (const name of ["isolated-vm", "piscina", "node-gyp"]) {
      const want = lock["node_modules/" + name].version;
      const have = require("./node_modules/" + name + "/package.json").version;
      if (want !== have) process.exit(1);
    }' 2>/dev/null
}
if [ "${FORCE:-0}" = 1 ] || ! deps_ok; then
  echo "install.sh: npm ci (pinned versions, scripts ignored)" >&2
  npm ci --ignore-scripts --no-audit --no-fund --prefer-offline
fi

# The addon is rebuilt when missing or built for another Node (stamp = node
# version + ABI + isolated-vm version).
IVM=node_modules/isolated-vm
stamp="$(node -p 'process.version + " abi" + process.versions.modules')-ivm$(node -p 'require("./'$IVM'/package.json").version')"
addon_ok() {
  [ -f "$IVM/out/isolated_vm.node" ] && [ "$(cat "$IVM/.warden-build-stamp" 2>/dev/null)" = "$stamp" ] &&
    node --no-node-snapshot -e 'require("isolated-vm")' 2>/dev/null
}
if [ "${FORCE:-0}" = 1 ] || ! addon_ok; then
  echo "install.sh: building isolated-vm's addon (node-gyp, --nodedir=$NODEDIR, -j $JOBS; a few minutes)" >&2
  (cd "$IVM" && ../.bin/node-gyp rebuild --release --nodedir="$NODEDIR" -j "$JOBS")
  echo "$stamp" > "$IVM/.warden-build-stamp"
  node --no-node-snapshot -e 'require("isolated-vm")'
fi

# gnuplot draws the PNG plots; the driver still writes JSON and markdown without it.
if ! command -v gnuplot >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "install.sh: installing gnuplot-nox from Debian" >&2
    apt-get install -y gnuplot-nox >/dev/null || { apt-get update >/dev/null && apt-get install -y gnuplot-nox >/dev/null; } ||
      echo "install.sh: warning: gnuplot not installed; no PNG plots" >&2
  else
    echo "install.sh: warning: gnuplot not found (apt-get install gnuplot-nox); no PNG plots" >&2
  fi
fi

echo "install.sh: ok: isolated-vm $(node -p 'require("./'$IVM'/package.json").version'), piscina $(node -p 'require("./node_modules/piscina/package.json").version'), $(node --version)" >&2
