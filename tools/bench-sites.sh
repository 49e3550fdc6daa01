#!/bin/sh
# bench-sites.sh DIR [BUILD] [SITES]: a country with many sites (default
# 10,000) — generate an encounters CSV for Greece with awk (5 encounters a
# site on average, 20,000 clients, 2019-2020), load it with p2p-ingest,
# analyse it, then time one national report (the best of three). Prints
# seconds; asserts nothing. Target (issue "Trust at the edges", item 8):
# well under 2 s for 10,000 sites.
set -eu
dir=$1
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${2:-$top/build}
sites=${3:-10000}
export LC_ALL=C.UTF-8 TZ=UTC
mkdir -p "$dir"
csv=$dir/sites-encounters.csv
db=$dir/sites.db
rm -f "$db" "$db"-wal "$db"-shm "$db".key
awk -v sites="$sites" 'BEGIN {
    srand(8);
    print "encounter_id,date,country,site,worker_id,worker_type,client_code,sex,birth_year";
    split("peer professional mixed", wt, " ");
    split("female male other unknown", sx, " ");
    n = sites * 5;
    for (i = 1; i <= n; i++) {
        # Every site once, then sizes that fall off like a city list: a
        # few large, most small.
        s = i <= sites ? i : int(sites * rand() ^ 2) + 1;
        d = int(rand() * 730);
        y = 2019 + int(d / 365); doy = d % 365;
        m = int(doy / 31) + 1; if (m > 12) m = 12;
        dd = doy % 28 + 1;
        w = wt[1 + int(rand() * 3)];
        printf "E%07d,%04d-%02d-%02d,GR,Τοποθεσία %05d,W%03d,%s,C%05d,%s,%d\n", i, y, m, dd, s,
            int(rand() * 300), w, int(rand() * 20000), sx[1 + int(rand() * 4)], 1960 + int(rand() * 45);
    }
}' >"$csv"
echo "bench-sites: $(($(wc -l <"$csv") - 1)) encounters at up to $sites sites in one country"
"$bin/p2p-ingest" --db "$db" "$csv" >/dev/null
n_sites=$(sqlite3 -batch "$db" "SELECT count(DISTINCT site) FROM encounters")
t0=$(date +%s.%N)
"$bin/p2p-analyse" --db "$db" --format csv -o /dev/null
t1=$(date +%s.%N)
best=""
for i in 1 2 3; do
    a=$(date +%s.%N)
    "$bin/p2p-report" --db "$db" --country GR -o "$dir/sites-GR.pdf"
    b=$(date +%s.%N)
    best=$(echo "$a $b ${best:-1e9}" | awk '{ d = $2 - $1; print (d < $3 ? d : $3) }')
done
pages=$(pdfinfo "$dir/sites-GR.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
awk -v t0="$t0" -v t1="$t1" -v r="$best" -v n="$n_sites" -v p="${pages:-?}" 'BEGIN {
    printf "sites   analysis of %d sites in one country: %.2f s\n", n, t1 - t0
    printf "sites   national report with %d sites: %.3f s (%s pages; target well under 2 s: %s)\n", n, r, p, (r < 2 ? "met" : "MISSED")
}'
