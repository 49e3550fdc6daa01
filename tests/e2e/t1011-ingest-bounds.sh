#!/bin/sh
# t1011: endless and huge inputs end with a clear error (or a rejected row)
# in bounded memory and no temporary space, and the other files of the run
# still load: /dev/zero, a FIFO that never ends, a 10-million-column header,
# a 1 GB field between good rows, an endless row after a good header.
# Nothing here is stored: every big input is generated on the fly.
. "$(dirname "$0")/lib.sh"
printf 'encounter_id,date,country,worker_id,worker_type\nG1,2020-01-10,PT,W1,peer\n' >good.csv
H=encounter_id,date,country,worker_id,worker_type,site
# No spool: whatever comes in, nothing is written under TMPDIR.
mkdir tmp
export TMPDIR="$T_DIR/tmp"
good_loaded() { DB=$1 q "SELECT count(*) FROM encounters WHERE encounter_id = 'G1'"; }

t_exit 3 "/dev/zero with a good file" ingest --db z.db /dev/zero good.csv
t_eq "... a clear error for /dev/zero" \
    "p2p-ingest: /dev/zero:1: header longer than 1 MiB (is this a CSV file?)" "$(cat t_err)"
t_eq "... the good file loads" 1 "$(good_loaded z.db)"

mkfifo fifo
cat /dev/zero >fifo 2>/dev/null &
writer=$!
t_exit 3 "a FIFO that never ends, with a good file" ingest --db f.db fifo good.csv
t_eq "... a clear error for the FIFO" \
    "p2p-ingest: fifo:1: header longer than 1 MiB (is this a CSV file?)" "$(cat t_err)"
t_eq "... the good file loads" 1 "$(good_loaded f.db)"
kill "$writer" 2>/dev/null
wait "$writer" 2>/dev/null

t_exit 3 "a header of 10 million columns (standard input), with a good file" \
    sh -c "head -c 10000000 /dev/zero | tr '\\0' , | '$BIN/p2p-ingest' --db w.db - good.csv"
t_eq "... a clear error" "p2p-ingest: -:1: header has more than 4096 columns" "$(cat t_err)"
t_eq "... the good file loads" 1 "$(good_loaded w.db)"

big_field() { # a 1 GB unquoted field, then a 200 MB quoted one, between good rows
    echo "$H"
    echo "E1,2020-01-10,PT,W1,peer,Lisboa"
    printf 'E2,2020-01-10,PT,W1,peer,'
    head -c 1000000000 /dev/zero | tr '\0' x
    printf '\nE3,2020-01-10,PT,W1,peer,"a ""quote""\n'
    head -c 200000000 /dev/zero | tr '\0' y
    printf '\n"\nE4,2020-01-10,PT,W1,peer,Faro\n'
}
mkfifo big
big_field >big &
t_ok "a 1 GB field and a 200 MB one between good rows (a FIFO), with a good file" ingest --db b.db big good.csv
wait
t_eq "... each is a rejected row, named on its own line" \
"big:3: column 'site': field longer than 65536 bytes
big:4: column 'site': field longer than 65536 bytes" "$(cat t_err)"
t_eq "... the rows around them load, their lines counted across the line breaks" \
    "E1|2 E4|7 G1|2" \
    "$(DB=b.db q "SELECT encounter_id, line FROM encounters ORDER BY 1" | tr '\n' ' ' | sed 's/ $//')"
t_eq "... the rejects keep a bounded prefix" "65561|65565" \
    "$(DB=b.db q "SELECT group_concat(length(raw), '|') FROM (SELECT raw FROM rejects ORDER BY line)")"

t_exit 3 "an endless row after a good header, with a good file" \
    sh -c "{ echo '$H'; echo E1,2020-01-10,PT,W1,peer,a; cat /dev/zero; } | '$BIN/p2p-ingest' --db e.db - good.csv"
t_eq "... a clear error naming the row's line" \
    "p2p-ingest: -:3: row longer than 1 GiB; the file cannot be read past it" "$(cat t_err)"
t_eq "... nothing of it loads; the good file does" "0|1" \
    "$(DB=e.db q "SELECT (SELECT count(*) FROM encounters WHERE encounter_id = 'E1'), (SELECT count(*) FROM encounters WHERE encounter_id = 'G1')")"
t_eq "no temporary file was written" "" "$(ls -A tmp)"
t_done
