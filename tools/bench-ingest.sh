#!/bin/sh
# bench-ingest.sh DIR: time p2p-ingest on DIR/encounters.csv (full
# validation, keyed hashing, unique key, one transaction) against sqlite3
# importing the same file into an untyped table (.import --csv, which
# checks nothing); print both times, rows per second, the ratio and
# p2p-ingest's peak RSS. Then load DIR/referrals.csv into the same database
# (DIR/bench.db, used by the analysis and report benchmarks).
# Target (issue 2): ratio <= 1.5, peak memory < 128 MB.
# Usage: tools/bench-ingest.sh DIR   (programs from $P2P_BIN, default build/)
set -eu
dir=$1
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${P2P_BIN:-$top/build}
export LC_ALL=C TZ=UTC
enc=$dir/encounters.csv
rows=$(($(wc -l <"$enc") - 1))
rm -f "$dir"/bench.db* "$dir"/import.db*
cat "$enc" >/dev/null    # both read it from the page cache

/usr/bin/time -f '%e %M' -o "$dir/t-ingest" \
    "$bin/p2p-ingest" --db "$dir/bench.db" "$enc" >"$dir/ingest.out"
/usr/bin/time -f '%e %M' -o "$dir/t-import" \
    sqlite3 "$dir/import.db" ".import --csv $enc raw"
/usr/bin/time -f '%e %M' -o "$dir/t-ref" \
    "$bin/p2p-ingest" --db "$dir/bench.db" "$dir/referrals.csv" >>"$dir/ingest.out"

read -r ti mi <"$dir/t-ingest"
read -r ts ms <"$dir/t-import"
read -r tr mr <"$dir/t-ref"
refs=$(($(wc -l <"$dir/referrals.csv") - 1))
cat "$dir/ingest.out"
awk -v rows="$rows" -v ti="$ti" -v mi="$mi" -v ts="$ts" -v refs="$refs" \
    -v tr="$tr" -v mr="$mr" 'BEGIN {
    printf "ingest  %d encounters: p2p-ingest %.2f s (%.0f rows/s, peak %.1f MB)\n", rows, ti, rows / ti, mi / 1024
    printf "ingest  %d encounters: sqlite3 .import %.2f s (%.0f rows/s)\n", rows, ts, rows / ts
    printf "ingest  ratio p2p-ingest / sqlite3 = %.2f (target <= 1.5); memory %s 128 MB\n", ti / ts, (mi / 1024 < 128 ? "under" : "OVER")
    printf "ingest  %d referrals (each checked against its encounter): %.2f s, peak %.1f MB\n", refs, tr, mr / 1024
}'
rm -f "$dir"/import.db*
