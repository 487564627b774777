#!/usr/bin/env bash
# The main job on bundled defaults: set up, build, then scan the bundled demo
# HAR with the bundled plugins and print the findings table.
#   scripts/run.sh [warden scan options] [FILE.har...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh" warden >&2
args=("$@")
[ ${#args[@]} -gt 0 ] || args=("$root/examples/demo.har")
exec "$root/build/bin/warden" scan "${args[@]}"
