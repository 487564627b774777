#!/usr/bin/env bash
# Installs what is missing, then configures and builds Warden (Release) in
# BUILD_DIR (default build/).
#   scripts/build.sh [TARGET...]     (default: everything)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build}
"$root/scripts/setup.sh" "$build_dir"
cmake -S "$root" -B "$build_dir" -G Ninja >/dev/null
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build "$build_dir" -j "$(nproc)" "${targets[@]}"
