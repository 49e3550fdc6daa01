#!/bin/sh
# Run the ingest fuzzer for a bounded time, seeded from the bad-input corpus
# and the test data. Usage: run-fuzz.sh FUZZ_BINARY SECONDS [--tap]
# A crash leaves its input in build/fuzz/artifacts/: make it a test case in
# tests/bad/ and fix the cause.
bin=$1; secs=${2:-60}; tap=${3:-}
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$top/build/fuzz
mkdir -p "$work/corpus" "$work/artifacts"
find "$top/tests/bad" "$top/tests/data" "$top/sample-data/partner" -type f \
     \( -name '*.csv' -o -name '*.txt' \) -size -64k 2>/dev/null |
    while read -r f; do cp "$f" "$work/corpus/"; done
export ASAN_OPTIONS="detect_leaks=1" LSAN_OPTIONS="suppressions=$top/tests/lsan.supp"
"$bin" -max_total_time="$secs" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix="$work/artifacts/" "$work/corpus" >"$work/fuzz.log" 2>&1
rc=$?
runs=$(grep -ao 'Done [0-9]* runs' "$work/fuzz.log" | grep -o '[0-9][0-9]*')
if [ "$tap" = --tap ]; then
    if [ $rc = 0 ]; then echo "ok 1 - fuzz ingest ${secs}s, ${runs:-?} inputs, no crash"
    else echo "not ok 1 - fuzz ingest found a crash (build/fuzz/artifacts)"; tail -n 30 "$work/fuzz.log" | sed 's/^/#   /'; fi
    echo "1..1"
else
    tail -n 5 "$work/fuzz.log"
    echo "fuzz: $secs s, ${runs:-?} inputs, exit $rc"
fi
exit $rc
