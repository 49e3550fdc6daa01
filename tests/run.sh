#!/bin/sh
# Run every test against each build (plain, then sanitized) and print one
# closing line "N passed, N failed". Each unit test program and e2e script
# prints TAP ("ok N - ...", "not ok N - ..."); a test program that dies
# without its plan counts as one more failure.
# Usage: tests/run.sh [BUILD_DIR ...]   (default: build build/asan)
export LC_ALL=C.UTF-8 TZ=UTC
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ $# -gt 0 ] || set -- build build/asan
# Sanitizers: leaks in third-party caches only (fontconfig, pango, glib).
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0"
export LSAN_OPTIONS="suppressions=$top/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
log=$(mktemp -d)
passed=0; failed=0
count() { # file: add its ok/not ok lines
    p=$(grep -c '^ok ' "$1"); f=$(grep -c '^not ok ' "$1")
    passed=$((passed + p)); failed=$((failed + f))
}
run_one() { # name, command...
    name=$1; shift
    out="$log/$(echo "$name" | tr '/ ' '__').out"
    "$@" >"$out" 2>&1; rc=$?
    count "$out"
    if ! grep -q '^1\.\.[0-9]' "$out" || { [ $rc -ne 0 ] && ! grep -q '^not ok ' "$out"; }; then
        echo "not ok - $name exited $rc without finishing its plan" >>"$out"
        failed=$((failed + 1))
    fi
    if grep -q '^not ok ' "$out"; then
        echo "FAIL $name"; grep -B2 -A12 '^not ok ' "$out" | head -60
    else
        echo "PASS $name"
    fi
}
for b in "$@"; do
    [ -d "$b" ] || { echo "no build in $b"; failed=$((failed + 1)); continue; }
    export P2P_BIN="$top/$b"
    for t in "$b"/tests/test_*; do
        [ -x "$t" ] && run_one "$t" "$t"
    done
    for t in tests/e2e/t[0-9]*.sh; do
        [ -f "$t" ] && run_one "$b: $t" sh "$t"
    done
done
if [ -x build/fuzz/fuzz-ingest ]; then
    run_one "fuzz (few seconds)" sh tests/fuzz/run-fuzz.sh build/fuzz/fuzz-ingest 5 --tap
fi
rm -rf "$log"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
