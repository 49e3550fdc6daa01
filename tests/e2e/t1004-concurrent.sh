#!/bin/sh
# t1004-concurrent.sh: two p2p-ingest processes into one database at the same
# time both complete (one waits for the other) and nothing is lost.
. "$(dirname "$0")/lib.sh"

gen() { # gen FILE PREFIX COUNTRY N: N encounters, every client code also in the other file
    awk -v p="$2" -v c="$3" -v n="$4" 'BEGIN {
        print "encounter_id,date,country,worker_id,worker_type,client_code,syringes_given"
        for (i = 1; i <= n; i++)
            printf "%s%05d,2020-%02d-%02d,%s,W%d,peer,code%d,%d\n", p, i, i % 12 + 1, i % 28 + 1, c, i % 9, i % 500, i % 5
    }' >"$1"
}
gen a.csv A PT 4000
gen b.csv B LT 4000
gen c.csv C PT 40000
gen d.csv D LT 40000

round() { # round DB FILE1 FILE2: both at once; prints "rc1 rc2"
    "$BIN/p2p-ingest" --db "$1" "$2" >"$1.1.out" 2>"$1.1.err" &
    p1=$!
    "$BIN/p2p-ingest" --db "$1" "$3" >"$1.2.out" 2>"$1.2.err" &
    p2=$!
    wait $p1; r1=$?
    wait $p2; r2=$?
    echo "$r1 $r2"
}

# The database and its key exist (a first ingest made them); racing on a
# database being created is t1007.
printf 'code,theme\ntrust,relationships\n' >codebook.csv
ingest --db study.db codebook.csv >/dev/null 2>&1
cp study.db same.db
cp study.db.key same.db.key
cp study.db held.db
cp study.db.key held.db.key

t_eq "two ingests at once both exit 0" "0 0" "$(round study.db a.csv b.csv)"
t_eq "... no diagnostics" "" "$(cat study.db.1.err study.db.2.err)"
t_eq "... every row of both files is there" "LT|4000
PT|4000" "$(q "SELECT country, count(*) FROM encounters GROUP BY country ORDER BY country")"
t_eq "... one key: a code hashes the same in both files" 500 \
    "$(q "SELECT count(DISTINCT client_code) FROM encounters")"

t_eq "on a database in use: two larger files at once both exit 0" "0 0" "$(round study.db c.csv d.csv)"
t_eq "... summaries" "c.csv: encounters: 40000 inserted, 0 updated, 0 unchanged, 0 rejected, 0 skipped
d.csv: encounters: 40000 inserted, 0 updated, 0 unchanged, 0 rejected, 0 skipped" \
    "$(cat study.db.1.out study.db.2.out)"
t_eq "... every row of all four files is there" "LT|44000|4000|40000
PT|44000|4000|40000" \
    "$(q "SELECT country, count(*), sum(encounter_id LIKE 'A%' OR encounter_id LIKE 'B%'),
                              sum(encounter_id LIKE 'C%' OR encounter_id LIKE 'D%')
                       FROM encounters GROUP BY country ORDER BY country")"
t_eq "... five source_files rows with their counts" "a.csv:4000 b.csv:4000 c.csv:40000 codebook.csv:1 d.csv:40000" \
    "$(q "SELECT group_concat(path || ':' || inserted, ' ') FROM (SELECT * FROM source_files ORDER BY path)")"
t_eq "... integrity check" ok "$(q 'PRAGMA integrity_check')"
# Another writer holds the database for a second: the ingest waits, then loads.
(echo "BEGIN IMMEDIATE; INSERT INTO meta VALUES ('t1004', 'held');"; sleep 1; echo "COMMIT;") |
    sqlite3 held.db &
holder=$!
sleep 0.3
start=$(date +%s%N)
t_ok "an ingest while another connection holds the write lock completes" ingest --db held.db c.csv
waited=$((($(date +%s%N) - start) / 1000000))
wait $holder
t_ok "... after waiting for it (${waited} ms)" test $waited -ge 500
t_eq "... both writes are there" "held|40000" \
    "$(DB=held.db q "SELECT (SELECT value FROM meta WHERE key = 't1004'), (SELECT count(*) FROM encounters WHERE encounter_id LIKE 'C%')")"
t_eq "the same file twice at once: loaded once, the other skipped" "0 0" "$(round same.db a.csv a.csv)"
t_eq "... one summary says skipped" 1 "$(cat same.db.1.out same.db.2.out | grep -c 'already ingested')"
t_eq "... rows not duplicated" "4000|1" \
    "$(DB=same.db q "SELECT (SELECT count(*) FROM encounters), (SELECT count(*) FROM source_files WHERE path = 'a.csv')")"
t_done
