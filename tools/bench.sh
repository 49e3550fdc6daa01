#!/bin/sh
# make bench: generate 1,000,000 encounters (~250,000 referrals), then time
# ingest, analysis and reports against their reference tools in one run;
# then a national report over one country with 10,000 sites.
set -eu
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
export P2P_BIN=$top/$build
dir=$top/build/bench
mkdir -p "$dir"
echo "bench: generating 1,000,000 encounters into $dir"
"$P2P_BIN/p2p-gen-sample" --single-file --encounters 1000000 --out "$dir"
sh "$top/tools/bench-ingest.sh" "$dir"
sh "$top/tools/bench-analyse.sh" "$dir/bench.db"
if [ -f "$top/tools/bench-report.sh" ]; then
    sh "$top/tools/bench-report.sh" "$dir/bench.db"
fi
# One country with 10,000 sites: reach by site must not scan per site.
sh "$top/tools/bench-sites.sh" "$dir" "$P2P_BIN"
