#!/usr/bin/env bash
# The whole test suite: set up, build (Release), run every ctest case, keep the
# benchmarks alive with one short run each, rebuild and rerun the suite under
# AddressSanitizer + UndefinedBehaviorSanitizer and under ThreadSanitizer, fuzz
# the HAR reader for a minute, and check the layering and the formatting. Ends
# with one "N passed, N failed" line (Release, ASan and TSan runs together).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
jobs=$(nproc)
failed_steps=()
step() {  # step NAME COMMAND...: runs a step, remembers failures, goes on
  local name=$1; shift
  echo "=== $name"
  if ! "$@"; then failed_steps+=("$name"); fi
}

if [ -d "$root/../shared/corpus/har" ]; then
  echo "shared corpus present: tests and benchmarks over ../shared/corpus/har will run"
else
  echo "shared corpus absent (../shared/corpus/har): tests over it are skipped and say so"
fi

"$root/scripts/setup.sh" build

# ccache when it is installed: a machine that built these sources before gets
# its objects back (a clean clone on a fresh machine has no cache and gains
# nothing). The sloppiness lets it cache objects built with a precompiled header.
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_SLOPPINESS=pch_defines,time_macros
fi
# The sanitizer builds, from scratch, were most of this script's time. They
# precompile the CAF and Catch2 headers (the Release build does not, so that it
# still catches a missing #include) and keep line tables only (-g1): what the
# sanitizers' reports need (function, file, line), without the variable
# locations of -g, whose tracking made an instrumented compile a quarter slower.
# ASan+UBSan builds at -O1, the level the sanitizers' documentation suggests: the
# same checks are instrumented, and it compiles a third faster than -O2. TSan
# keeps -O2: its cases hold time budgets that slower host code would eat into.
sanitizer_build=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DWARDEN_PRECOMPILE_HEADERS=ON
                 -DWARDEN_BUILD_BENCH=OFF "${launcher[@]}")

# 1. Release build and the full suite.
cmake -S . -B build -G Ninja "${launcher[@]}" >/dev/null
cmake --build build -j "$jobs"
run_ctest() {  # run_ctest DIR LOG [ctest args]: keeps the summary for the closing line
  local dir=$1 log=$2; shift 2
  ctest --test-dir "$dir" --output-on-failure -j "$jobs" "$@" 2>&1 | tee "$log"
  return "${PIPESTATUS[0]}"
}
step "ctest (Release)" run_ctest build build/ctest.log --timeout 600

# 2. Benchmarks: one short run each, only to keep them alive.
for b in build/bin/*_bench; do
  [ -x "$b" ] || continue
  step "bench smoke $(basename "$b")" env WARDEN_BENCH_SMOKE=1 "$b" --benchmark_min_time=0.01
done

# 3. The same suite under ASan + UBSan (V8 itself stays uninstrumented).
if [ "${WARDEN_SKIP_ASAN:-0}" != 1 ]; then
  "$root/scripts/setup.sh" build-asan >/dev/null
  cmake -S . -B build-asan -G Ninja -DWARDEN_SANITIZE=ON "${sanitizer_build[@]}" \
        "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" >/dev/null
  # The runtime and actor suites hold the guarantees; the CLI suite only drives
  # the same code through a process, so it stays out of the slower ASan run.
  cmake --build build-asan -j "$jobs" --target runtime_tests actors_tests
  step "ctest (ASan+UBSan)" env ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
       UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
       bash -c "$(declare -f run_ctest); jobs=$jobs; run_ctest build-asan build-asan/ctest.log --timeout 900 -R '^(runtime|actors):'"
fi

# 4. ThreadSanitizer: our code instrumented, V8 (libnode) and CAF (libcaf) as Debian built
# them. tests/tsan.supp lists the reports TSan makes because it cannot see those libraries'
# own atomics, each with its reason; any other report fails the step (halt_on_error).
# intercept_intrin=0: V8's garbage collector copies and clears memory with memcpy/memset,
# which TSan would check byte by byte against its shadow memory; that made GC-heavy scans
# overrun their 300 ms test budgets. Our own loads and stores are still checked. One case
# at a time: two TSan processes on two cores pushed those scans past their budgets too.
# The subset: the runtime suite (engines on many threads, the watchdog, limits) and
# the actor cases tagged [pure], which start no actor system (tests/CMakeLists.txt
# discovers only those in a TSan build). The cases with an actor system stay out:
# CAF hands messages and actors between threads through atomics inside the
# uninstrumented libcaf, so TSan reports a message's data as a race between sender
# and receiver (docs/contributing.md, "ThreadSanitizer").
tsan_cases='^(runtime|actors):'
if [ "${WARDEN_SKIP_TSAN:-0}" != 1 ]; then
  "$root/scripts/setup.sh" build-tsan >/dev/null
  cmake -S . -B build-tsan -G Ninja -DWARDEN_SANITIZE=thread "${sanitizer_build[@]}" \
        "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG" >/dev/null
  cmake --build build-tsan -j "$jobs" --target runtime_tests actors_tests
  step "ctest (TSan)" env TSAN_OPTIONS="suppressions=$root/tests/tsan.supp:halt_on_error=1:second_deadlock_stack=1:intercept_intrin=0" \
       bash -c "$(declare -f run_ctest); jobs=1; run_ctest build-tsan build-tsan/ctest.log --timeout 900 -R '$tsan_cases'"
fi

# 5. Fuzz the HAR reader for about a minute.
if [ -x "$root/scripts/fuzz.sh" ] && [ "${WARDEN_SKIP_FUZZ:-0}" != 1 ]; then
  step "fuzz (60 s)" "$root/scripts/fuzz.sh" "${WARDEN_FUZZ_SECONDS:-60}"
fi

# 6. Layering: runtime/ knows nothing of CAF, actors/ nothing of V8.
# The public headers in include/warden/ belong to one layer each: these are the
# runtime's (no CAF); every other one is the actor layer's (no V8).
runtime_public='v8_platform|transaction|finding|error|result|engine|plugin_source|worker_process|har_reader'
layering() {
  local bad runtime_files actor_headers
  runtime_files=$(find runtime/ -type f; ls include/warden/*.hpp | grep -E "/($runtime_public)\.hpp$")
  actor_headers=$(ls include/warden/*.hpp | grep -vE "/($runtime_public)\.hpp$")
  # shellcheck disable=SC2086
  bad=$(grep -lE '#[[:space:]]*include[[:space:]]*[<"]caf/' $runtime_files || true)
  # shellcheck disable=SC2086
  bad+=$(grep -HoE '#[[:space:]]*include[[:space:]]*[<"]warden/[a-z_]+\.hpp' $runtime_files |
         grep -vE "/($runtime_public)\.hpp$" | cut -d: -f1 || true)
  # shellcheck disable=SC2086
  bad+=$(grep -rlE '#[[:space:]]*include[[:space:]]*[<"](v8[-.]|v8\.h|libplatform/)' actors/ apps/ $actor_headers || true)
  [ -z "$bad" ] || { echo "layering violated in: $bad"; return 1; }
}
step "layering" layering

# 7. Test names: ctest splits a discovered name at ';', and the two halves match
# no Catch2 case, so such a case silently never runs (four did, until found).
test_names() {
  local bad
  bad=$(grep -rnE 'TEST_CASE\("[^"]*;' tests/ || true)
  [ -z "$bad" ] || { echo "test names with ';' never run under ctest:"; echo "$bad"; return 1; }
}
step "test names" test_names

# One concept per file: no source in runtime/, actors/ or apps/ over 500 lines,
# and each opens (in its first three lines) with a comment saying what it is.
file_shape() {
  local bad=""
  for f in $(git ls-files 'runtime/*.cpp' 'runtime/*.hpp' 'actors/*.cpp' 'actors/*.hpp' 'include/*.hpp' \
                            'apps/*.cpp' 'apps/*.hpp'); do
    [ "$(wc -l < "$f")" -le 500 ] || bad+="$f: over 500 lines"$'\n'
    head -3 "$f" | grep -q '^//' || bad+="$f: no opening comment"$'\n'
  done
  [ -z "$bad" ] || { printf '%s' "$bad"; return 1; }
}
step "file shape" file_shape

# 8. Formatting: clang-format 14 with the repository's .clang-format (docs/contributing.md).
formatting() {
  command -v clang-format >/dev/null || { echo "clang-format not installed: skipped"; return 0; }
  git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run --Werror
}
step "clang-format" formatting

total=${#failed_steps[@]}
if [ "$total" -eq 0 ]; then
  echo "all steps passed"
else
  echo "failed steps: ${failed_steps[*]}"
fi
# The ctest summaries of the Release, ASan and TSan runs, as the closing line.
passed=0; failed=0
for log in build/ctest.log build-asan/ctest.log build-tsan/ctest.log; do
  summary=$(grep -hoE '[0-9]+ tests failed out of [0-9]+' "$log" 2>/dev/null | tail -1 || true)
  [ -n "$summary" ] || continue
  f=$(echo "$summary" | awk '{print $1}'); a=$(echo "$summary" | awk '{print $NF}')
  passed=$((passed + a - f)); failed=$((failed + f))
done
echo "tests: $passed passed, $failed failed"
[ "$total" -eq 0 ]
