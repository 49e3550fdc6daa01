#!/bin/sh
# bench-analyse.sh DB: time p2p-analyse's full run (every country and ALL,
# csv to /dev/null) against sqlite3 running plain SQL for only the count
# indicators (encounters, distinct clients, referrals by country and worker
# type) on the same database; print both times, their ratio and
# p2p-analyse's peak RSS. The target (issue 3): ratio <= 1, RSS < 256 MB.
# Usage: tools/bench-analyse.sh DB   (programs from $P2P_BIN, default build/)
set -eu
[ $# -eq 1 ] || { echo "usage: $0 DB" >&2; exit 2; }
db=$1
[ -f "$db" ] || { echo "$0: $db: no such database" >&2; exit 2; }
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${P2P_BIN:-$top/build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C TZ=UTC

# Both read the same file; warm the page cache once so neither pays for it.
cat "$db" >/dev/null

/usr/bin/time -f '%e %M' -o "$tmp/analyse" \
    "$bin/p2p-analyse" --db "$db" --format csv >/dev/null

cat >"$tmp/counts.sql" <<'SQL'
SELECT country, worker_type, count(*), count(DISTINCT client_code)
  FROM encounters GROUP BY country, worker_type;
SELECT country, count(DISTINCT client_code) FROM encounters GROUP BY country;
SELECT e.country, e.worker_type, count(*)
  FROM referrals r JOIN encounters e
    ON e.country = r.country AND e.encounter_id = r.encounter_id
 GROUP BY e.country, e.worker_type;
SQL
/usr/bin/time -f '%e %M' -o "$tmp/sqlite" sqlite3 "$db" <"$tmp/counts.sql" >/dev/null

read -r a_s a_kb <"$tmp/analyse"
read -r s_s s_kb <"$tmp/sqlite"
awk -v a="$a_s" -v s="$s_s" -v kb="$a_kb" 'BEGIN {
    printf "p2p-analyse: %.2f s, peak RSS %.1f MB\n", a, kb / 1024
    printf "sqlite3 count queries: %.2f s\n", s
    if (s > 0) printf "ratio p2p-analyse / sqlite3: %.2f\n", a / s
}'
