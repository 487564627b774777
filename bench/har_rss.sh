#!/usr/bin/env bash
# Claim: `warden scan` needs about constant memory whatever the input size.
#
# Prints peak RSS (and wall/CPU time) of `warden scan` with a plugin that
# returns nothing, over generated HARs of about 60 MB, 250 MB and 1 GB: the
# entries of `node bench/gen-har.mjs --entries 10500 --seed 42` once, 4 and 17
# times over. The files go to ${WARDEN_BENCH_DIR:-/tmp/warden-bench} (made
# once, never in the repository).
#
#   bench/har_rss.sh [WARDEN_BIN]      (default: build/bin/warden)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
warden=${1:-$root/build/bin/warden}
dir=${WARDEN_BENCH_DIR:-/tmp/warden-bench}
mkdir -p "$dir"

base=$dir/gen-10500-s42.har
if [ ! -s "$base" ]; then
  node "$root/bench/gen-har.mjs" --entries 10500 --seed 42 >"$base.part"
  mv "$base.part" "$base"
fi

# The base file's entries `times` times over, in one log (streamed out).
repeat() {
  local times=$1 out=$dir/gen-10500-s42-x$1.har
  if [ ! -s "$out" ]; then
    node -e '
      const fs = require("fs");
      const [file, times, out] = process.argv.slice(1);
      const text = fs.readFileSync(file, "latin1");
      const open = text.indexOf("\"entries\": [") + "\"entries\": [".length;
      const close = text.lastIndexOf("]");
      const entries = text.slice(open, close).trimEnd();
      const fd = fs.openSync(out, "w");
      fs.writeSync(fd, text.slice(0, open), null, "latin1");
      for (let i = 0; i < Number(times); i++)
        fs.writeSync(fd, (i ? "," : "") + entries, null, "latin1");
      fs.writeSync(fd, "\n" + text.slice(close), null, "latin1");
      fs.closeSync(fd);
    ' "$base" "$times" "$out.part"
    mv "$out.part" "$out"
  fi
  echo "$out"
}

plugin=$dir/returns-nothing.js
cat >"$plugin" <<'EOF'
export default { id: "returns-nothing", name: "returns nothing", version: "1.0.0", scan() { return []; } };
EOF

printf '%-28s %10s %12s %12s %10s %10s\n' file "input MB" transactions "peak RSS MB" "wall s" "CPU s"
for times in 1 4 17; do
  file=$(repeat "$times")
  stats=$dir/stats.json
  /usr/bin/time -f '%M %e %U %S' -o "$dir/time.txt" \
    "$warden" scan --quiet --format jsonl --stats --plugins "$plugin" "$file" >/dev/null 2>"$stats"
  read -r rss_kb wall user sys <"$dir/time.txt"
  transactions=$(grep -o '"transactions":[0-9]*' "$stats" | head -1 | cut -d: -f2)
  size=$(stat -c %s "$file")
  awk -v f="$(basename "$file")" -v s="$size" -v t="$transactions" -v r="$rss_kb" -v w="$wall" \
      -v u="$user" -v y="$sys" \
      'BEGIN { printf "%-28s %10.1f %12s %12.1f %10.2f %10.2f\n", f, s / 1e6, t, r / 1024, w, u + y }'
done
