#!/bin/sh
# CI: fuzz the readers of untrusted files for a bounded time.
#
# Builds the libFuzzer targets of tests/fuzz with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer (the core instrumented too) in build-fuzz/, makes
# the seed corpus by running the hostile-input catalogue (tests/test-hostile.c
# with CLS_FUZZ_CORPUS), then runs every target at once for CLS_FUZZ_SECONDS
# (default 60). Any crash, leak, sanitizer report or broken promise fails the
# run; the input that caused it is printed in base64 so that it can be
# replayed (docs/robustness.md). Self-contained: installs what it needs.
set -eu
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET="${CLS_FUZZ_SECONDS:-60}"
BUILD="${CLS_FUZZ_BUILD:-build-fuzz}"
OUT="$BUILD/fuzz-out"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

./dev.sh deps
missing=""
for p in clang libclang-rt-14-dev llvm; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "Installing:$missing"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
fi

start=$(date +%s)
if [ ! -f "$BUILD/build.ninja" ]; then
  CC=clang meson setup "$BUILD" -Dfuzzing=true -Db_sanitize=address,undefined \
    -Db_lundef=false -Dc_args=-fsanitize=fuzzer-no-link -Dapp=disabled -Dbench=false \
    --buildtype=debugoptimized
fi
ninja -C "$BUILD"

export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1:abort_on_error=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$PWD/tests/ubsan.supp"
export G_SLICE=always-malloc
export G_DEBUG=gc-friendly

# The seed corpus: every hostile and valid input the catalogue makes.
rm -rf "$OUT"
mkdir -p "$OUT"
CLS_FUZZ_CORPUS="$PWD/$OUT/seeds" meson test -C "$BUILD" --no-rebuild test-hostile --print-errorlogs
echo "built and seeded in $(($(date +%s) - start)) s"

targets=""
for t in volume manifest calibration summary-file; do
  [ -x "$BUILD/tests/fuzz/fuzz-$t" ] && targets="$targets $t"
done

for t in $targets; do
  mkdir -p "$OUT/corpus-$t" "$OUT/seeds/$t"
  dict=""
  [ -f "tests/fuzz/$t.dict" ] && dict="-dict=tests/fuzz/$t.dict"
  [ "$t" = volume ] && dict="-dict=tests/fuzz/nifti.dict"
  # new finds go to corpus-$t; the seeds are read only
  "$BUILD/tests/fuzz/fuzz-$t" -max_total_time="$SECONDS_PER_TARGET" -timeout=20 \
    -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 $dict \
    -artifact_prefix="$OUT/crash-$t-" "$OUT/corpus-$t" "$OUT/seeds/$t" \
    > "$OUT/fuzz-$t.log" 2>&1 &
  echo $! > "$OUT/fuzz-$t.pid"
done

status=0
for t in $targets; do
  if wait "$(cat "$OUT/fuzz-$t.pid")"; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$OUT/fuzz-$t.log" | tail -1)
    echo "fuzz-$t: ${runs:-?} executions, no finding"
  else
    status=1
    echo "fuzz-$t: FINDING"
    tail -n 60 "$OUT/fuzz-$t.log"
  fi
done

for f in "$OUT"/crash-* "$OUT"/leak-* "$OUT"/timeout-* "$OUT"/oom-*; do
  [ -f "$f" ] || continue
  echo "input that failed, $f (base64; replay with build/tests/fuzz/fuzz-TARGET FILE):"
  base64 "$f"
done

echo "fuzzing took $(($(date +%s) - start)) s"
exit $status
