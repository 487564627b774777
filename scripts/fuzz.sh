#!/usr/bin/env bash
# Builds the HAR reader's libFuzzer target (clang, ASan+UBSan) in build-fuzz/
# and runs it for [seconds] (default 60), seeded from tests/fixtures/har and,
# when present, ../shared/corpus/har. Exits non-zero when the fuzzer finds a
# crash, leak or timeout; the reproducer is left in build-fuzz/artifacts/.
set -euo pipefail
seconds=${1:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
jobs=${FUZZ_BUILD_JOBS:-2}

# The whole project when its CMakeLists.txt adds tests/fuzz (that needs V8 and
# CAF to configure); otherwise tests/fuzz on its own, which needs neither.
if grep -q 'tests/fuzz' "$root/CMakeLists.txt"; then
  source_dir=$root
  extra=(-DWARDEN_BUILD_TESTS=OFF -DWARDEN_BUILD_BENCH=OFF
         "-DLIBNODE_PREFIX=${LIBNODE_PREFIX:-$root/build/_deps/libnode}")
else
  source_dir=$root/tests/fuzz
  extra=()
fi
CC=clang CXX=clang++ cmake -S "$source_dir" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DWARDEN_FUZZ=ON "${extra[@]}" >/dev/null
targets=(har_reader_fuzz)
[ "$source_dir" = "$root" ] && targets+=(transaction_view_fuzz)
cmake --build "$build" -j "$jobs" "${targets[@]/#/--target=}"

corpus=$build/corpus/har_reader
mkdir -p "$corpus" "$build/artifacts"
find "$root/tests/fixtures/har" -type f -name '*.har' -exec cp -f {} "$corpus/" \;
if [[ -d "$root/../shared/corpus/har" ]]; then
  cp -f "$root/../shared/corpus/har/"*.har "$corpus/"
fi

# -max_len (FUZZ_MAX_LEN) keeps executions fast: the large corpus files are read up to
# it, which yields truncated HARs, themselves worth fuzzing. The time is split
# between the targets. transaction_view_fuzz runs without leak detection: the
# V8 heap (uninstrumented, mmap'd) holds the only pointers to live external
# strings, so LeakSanitizer would report them as leaks between inputs.
share=$(( seconds / ${#targets[@]} ))
[ "$share" -ge 1 ] || share=1
status=0
for target in "${targets[@]}"; do
  fuzzer=$(find "$build" -type f -name "$target" -perm -u+x | head -n 1)
  extra_flags=()
  [ "$target" = transaction_view_fuzz ] && extra_flags+=(-detect_leaks=0)
  echo "fuzz: $target for ${share}s"
  "$fuzzer" "$corpus" -dict="$root/tests/fuzz/har.dict" -max_total_time="$share" \
    -max_len="${FUZZ_MAX_LEN:-16384}" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/$target-" "${extra_flags[@]}" || status=1
done
exit "$status"
