#!/bin/sh
# t1007-concurrent-create.sh: two p2p-ingest processes started at once on a
# database that does not exist yet both complete: one creates the schema and
# the key file, the other waits and uses them (contract: two ingests into one
# database at once both complete, and nothing is lost). Raced ten times.
. "$(dirname "$0")/lib.sh"
printf 'code,theme\ntrust,relationships\n' >a.csv
printf 'encounter_id,date,country,worker_id,worker_type,client_code\nE1,2020-01-10,PT,W1,peer,abc1\n' >b.csv
printf 'encounter_id,date,country,worker_id,worker_type,client_code\nE1,2020-01-10,LT,W1,peer,abc1\n' >c.csv
fails=
for i in 1 2 3 4 5 6 7 8 9 10; do
    db=race$i.db
    "$BIN/p2p-ingest" --db $db a.csv b.csv >$db.1.out 2>$db.1.err &
    p1=$!
    "$BIN/p2p-ingest" --db $db c.csv >$db.2.out 2>$db.2.err &
    p2=$!
    wait $p1; r1=$?
    wait $p2; r2=$?
    got="$r1 $r2|$(DB=$db q "SELECT (SELECT count(*) FROM codebook), (SELECT count(*) FROM encounters), (SELECT count(DISTINCT client_code) FROM encounters)" 2>&1)"
    [ "$got" = "0 0|1|2|1" ] || fails="$fails
round $i: exit $got: $(cat $db.1.err $db.2.err)"
done
t_eq "ten races on a fresh database: both ingests exit 0, every row there, one key" "" "$fails"
t_done
