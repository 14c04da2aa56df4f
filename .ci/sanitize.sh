#!/bin/sh
# CI: the whole test suite under AddressSanitizer, LeakSanitizer and
# UndefinedBehaviorSanitizer (docs/robustness.md).
#
# Builds build-sanitize/ with gcc (.ci/fuzz.sh covers clang) and runs
#   1. the core and command-line tests with leak detection and full stack
#      traces, so that the suppressions in tests/lsan.supp and
#      tests/ubsan.supp can only hide what they name;
#   2. the app tests under a virtual X server, with leak detection and fast
#      stack traces (the slow unwinder deadlocks on llvmpipe's JIT), with the
#      library suppressions of tests/lsan.supp (fontconfig, Mesa).
# Any memory error, leak or undefined behaviour fails the run.
# Self-contained: installs what it needs.
set -eu
cd "$(dirname "$0")/.."

BUILD="${CLS_SANITIZE_BUILD:-build-sanitize}"
start=$(date +%s)

./dev.sh deps

if [ ! -f "$BUILD/build.ninja" ]; then
  CC="${CC:-gcc}" meson setup "$BUILD" -Db_sanitize=address,undefined -Db_lundef=false \
    -Dbench=false --buildtype=debugoptimized
fi
ninja -C "$BUILD"
echo "built in $(($(date +%s) - start)) s"

supp="$PWD/tests"
export G_SLICE=always-malloc
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$supp/ubsan.supp"
export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"

status=0

ASAN_OPTIONS="detect_leaks=1:fast_unwind_on_malloc=0:detect_stack_use_after_return=1" \
  meson test -C "$BUILD" --no-rebuild --print-errorlogs --timeout-multiplier 3 \
    --suite core --suite cli || status=1

# App tests with a known leak that fast stack traces cannot attribute (so no
# suppression can name it) go here, by name, each with the bug it waits for:
# they still run under ASan and UBSan, without leak detection, until the fix.
KNOWN_LEAKS=""

checked=""
unchecked=""
for t in $(meson test -C "$BUILD" --list --suite app 2>/dev/null | sed 's/.* \([^ ]*\)$/\1/'); do
  case " $KNOWN_LEAKS " in
    *" $t "*) unchecked="$unchecked $t" ;;
    *) checked="$checked $t" ;;
  esac
done
# intercept_tls_get_addr=0: gcc 12's LeakSanitizer reads a bogus dynamic-TLS
# range of the main thread once Mesa is loaded and its tracer dies with
# SIGSEGV ("LeakSanitizer has encountered a fatal error"), in about one run
# of three. Without the interception dynamic TLS is simply not scanned: that
# can only add leak reports, never hide one.
APP_ASAN="intercept_tls_get_addr=0"
app_tests() {
  xvfb-run -a -s "-screen 0 1600x1000x24" \
    meson test -C "$BUILD" --no-rebuild --print-errorlogs --timeout-multiplier 3 "$@"
}
if [ -n "$checked" ]; then
  ASAN_OPTIONS="detect_leaks=1:$APP_ASAN" app_tests $checked || status=1
fi
if [ -n "$unchecked" ]; then
  echo "without leak detection (known leaks):$unchecked"
  ASAN_OPTIONS="detect_leaks=0:$APP_ASAN" app_tests $unchecked || status=1
fi

echo "sanitized tests took $(($(date +%s) - start)) s"
exit $status
