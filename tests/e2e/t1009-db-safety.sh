#!/bin/sh
# t1009-db-safety.sh: the database at the edges. --db is a plain file name
# (never an SQLite URI or :memory:); a study database carries its own
# application_id and another program's SQLite file is refused untouched; a
# database or -wal readable by others draws a warning in every program; a
# damaged database (PRAGMA quick_check) and a read-only one are refused
# before anything is written, an erasure too; a full disk names the file,
# loads nothing of it and leaves no empty database behind.
. "$(dirname "$0")/lib.sh"

# t_skip REASON: a TAP "ok # skip" line, for what this machine cannot do.
t_skip() { T_N=$((T_N + 1)); echo "ok $T_N # skip $1"; }
printf '%064x\n' 7 >fixed.key
chmod 600 fixed.key
printf 'encounter_id,date,country,worker_id,worker_type,client_code\nE1,2019-05-01,LT,W1,peer,AB12\n' >e.csv
# 4000 encounters: a database of some 800 KB, more than the small disk holds.
awk 'BEGIN { print "encounter_id,date,country,worker_id,worker_type,client_code,site"
             for (i = 0; i < 4000; i++)
                 printf "E%d,2020-01-10,PT,W%d,peer,C%d,Lisboa site number %d with some text\n", i, i % 7, i, i }' >big.csv

# --- plain file names ---------------------------------------------------------
t_ok "--db 'file:u.db?mode=memory' loads" ingest --db 'file:u.db?mode=memory' e.csv
t_eq "... into a file of exactly that name, not an in-memory database" 1 \
    "$(DB='./file:u.db?mode=memory' q 'SELECT count(*) FROM encounters')"
t_eq "... and no u.db (the URI's path) made" "" "$(ls u.db 2>/dev/null)"
t_ok "... opened again by name" ingest --db 'file:u.db?mode=memory' --force e.csv
t_eq "... it finds the row it stored" "e.csv: encounters: 0 inserted, 0 updated, 1 unchanged, 0 rejected, 0 skipped" "$(cat t_out)"
t_ok "--db :memory: loads" ingest --db :memory: e.csv
t_eq "... into a file named :memory:" 1 "$(DB=./:memory: q 'SELECT count(*) FROM encounters')"
t_exit 2 "--db '' is a usage error" ingest --db '' e.csv

# --- application_id -----------------------------------------------------------
t_ok "a new database" ingest --db study.db --key fixed.key e.csv
t_eq "... carries the toolkit's application_id (0x50325074, \"P2Pt\")" 1345474676 "$(q 'PRAGMA application_id')"
sqlite3 other.db "PRAGMA application_id = 1234; CREATE TABLE t(x); INSERT INTO t VALUES (1);"
sum=$(sha256sum other.db)
t_exit 6 "another application's SQLite database is refused" ingest --db other.db e.csv
t_eq "... saying whose it is" "p2p-ingest: other.db is an SQLite database of another application (application_id 0x000004d2), not a p2p study database; it was left as it was" "$(cat t_err)"
t_eq "... the file untouched" "$sum" "$(sha256sum other.db)"
t_eq "... still in its own journal mode, no -wal made, no key made" "delete|" \
    "$(DB=other.db q 'PRAGMA journal_mode')|$(ls other.db-wal other.db.key 2>/dev/null)"
t_exit 6 "... by p2p-analyse too" analyse --db other.db
t_exit 6 "... and by p2p-report" report --db other.db --country PT -o r.pdf
t_eq "... still untouched" "$sum" "$(sha256sum other.db)"
sqlite3 plain.db "CREATE TABLE t(x);"
sum=$(sha256sum plain.db)
t_exit 6 "an SQLite file of application_id 0 with other tables is refused" ingest --db plain.db e.csv
t_eq "... saying it is not a study database" "p2p-ingest: plain.db is an SQLite database but not a p2p study database (its tables are not the toolkit's); it was left as it was" "$(cat t_err)"
t_eq "... untouched" "$sum" "$(sha256sum plain.db)"
t_exit 6 "the key file given as --db is refused" ingest --db fixed.key e.csv
t_eq "... without quoting it" "p2p-ingest: fixed.key is not an SQLite database, so not a p2p study database; it was left as it was" "$(cat t_err)"
cp study.db old.db
DB=old.db q "PRAGMA application_id = 0" >/dev/null
t_ok "a study database of an earlier toolkit (application_id 0) opens" ingest --db old.db --key fixed.key big.csv
t_eq "... is given the id, its rows kept" "1345474676|4001" "$(DB=old.db q 'PRAGMA application_id; SELECT count(*) FROM encounters' | tr '\n' '|' | sed 's/|$//')"
: >empty.db
t_exit 6 "an empty file is no database to analyse" analyse --db empty.db
t_eq "... saying so" "p2p-analyse: empty.db is empty, not a p2p study database (p2p-ingest creates one)" "$(cat t_err)"
t_ok "... but p2p-ingest makes it a new one" ingest --db empty.db e.csv
t_eq "... with the id" 1345474676 "$(DB=empty.db q 'PRAGMA application_id')"

# --- a database others can read -----------------------------------------------
t_ok "a private database: no warning" ingest --db study.db --key fixed.key --force e.csv
t_eq "... stderr empty" "" "$(cat t_err)"
chmod 644 study.db
# The -wal and -shm SQLite makes beside it take its mode: named too.
warn="warning: database study.db (mode 0644), study.db-wal (mode 0644), study.db-shm (mode 0644) can be read by others; anyone with it can read every record loaded: chmod 600 study.db study.db-wal study.db-shm"
t_ok "a database others can read still loads" ingest --db study.db --key fixed.key --force e.csv
t_eq "... with a warning like the key file's, naming its -wal and -shm" "p2p-ingest: $warn" "$(cat t_err)"
t_ok "p2p-analyse warns too" analyse --db study.db
t_eq "... the same words" "p2p-analyse: $warn" "$(cat t_err)"
t_exit 0 "p2p-report warns too" report --db study.db --country LT -o r.pdf
t_grep "... the same words" "p2p-report: $warn" t_err
chmod 600 study.db

# --- a damaged database -------------------------------------------------------
ingest --db big.db --key fixed.key big.csv >/dev/null
cp big.db bad.db
size=$(stat -c %s bad.db)
# One page (4 KiB) in the middle overwritten: a b-tree page SQLite cannot read.
head -c 4096 /dev/zero | tr '\0' x | dd of=bad.db bs=4096 seek=$((size / 8192)) conv=notrunc 2>/dev/null
sum=$(sha256sum bad.db)
t_exit 6 "an ingest into a damaged database is refused" ingest --db bad.db --key fixed.key e.csv
t_grep "... after PRAGMA quick_check, saying so" "p2p-ingest: bad.db: the database is damaged (PRAGMA quick_check: " t_err
t_grep "... and that nothing was written" "); nothing was written to it: restore it from a backup" t_err
t_eq "... the file untouched" "$sum" "$(sha256sum bad.db)"
t_exit 6 "an erasure in it is refused too" ingest --db bad.db --key fixed.key --erase-client C5 --country PT
t_grep "... the same way" "p2p-ingest: bad.db: the database is damaged (PRAGMA quick_check: " t_err
t_eq "... untouched" "$sum" "$(sha256sum bad.db)"
t_ok "the undamaged copy still erases" ingest --db big.db --key fixed.key --erase-client C5 --country PT

# --- a read-only database -----------------------------------------------------
# As a user, chmod 444 makes it read-only; root writes through chmod, so
# root mounts the file read-only over itself in a mount namespace of its own.
cp big.db ro.db
ro() { # CMD...: run CMD with ro.db read-only; 99 when this machine cannot
    if [ "$(id -u)" != 0 ]; then
        chmod 444 ro.db; "$@"; r=$?; chmod 600 ro.db; return $r
    fi
    unshare -m sh -c 'mount --bind ro.db ro.db && mount -o remount,ro,bind ro.db ro.db || exit 99
                      exec "$@"' sh "$@"
}
ro true 2>/dev/null
if [ $? = 99 ] || { [ "$(id -u)" = 0 ] && ! unshare -m true 2>/dev/null; }; then
    t_skip "no way to make a file read-only here (root without mount namespaces)"
    t_skip "(read-only erasure message)"
    t_skip "(read-only ingest)"
else
    ro "$BIN/p2p-ingest" --db ro.db --key fixed.key --erase-client C6 --country PT >ro.out 2>ro.err
    t_eq "an erasure on a read-only database fails: exit 6" 6 $?
    t_ok "... saying why, naming the file" grep -qE "^p2p-ingest: ro\.db: the database is read-only \((Read-only file system|Permission denied)\): nothing can be written to it$" ro.err
    t_eq "... the client is still there" 1 "$(DB=ro.db q "SELECT count(*) FROM encounters WHERE encounter_id = 'E6'")"
    ro "$BIN/p2p-ingest" --db ro.db --key fixed.key e.csv >t_out 2>t_err
    t_eq "an ingest into it fails the same way" "6|1" "$?|$(grep -c 'the database is read-only' t_err)"
fi

# --- a full disk ----------------------------------------------------------------
# A 300 KiB tmpfs holds the schema and e.csv, not big.csv. Mounting needs a
# mount namespace: a user namespace gives one to a user, root has it anyway.
mkdir m
cat >full.sh <<'EOS'
mount -t tmpfs -o size=300k tmpfs m || exit 99
"$1/p2p-ingest" --db m/s.db --key fixed.key e.csv big.csv >full1.out 2>full1.err
echo $? >full1.rc
sqlite3 m/s.db "SELECT path FROM source_files; SELECT count(*) FROM encounters" >full1.db
dd if=/dev/zero of=m/fill bs=4096 2>/dev/null
"$1/p2p-ingest" --db m/new.db e.csv >full2.out 2>full2.err
echo $? >full2.rc
ls m >full2.ls
EOS
ns=
for u in "unshare -rm" "unshare -m"; do
    $u sh -c 'mount -t tmpfs -o size=4k tmpfs m' 2>/dev/null && { ns=$u; break; }
done
if [ -z "$ns" ]; then
    t_skip "no mount namespace to make a small disk in (unshare -rm and unshare -m both refused)"
    t_skip "(disk full: nothing loaded)"
    t_skip "(disk full: no empty database)"
else
    $ns sh full.sh "$BIN"
    t_eq "a full disk: exit 6, the file before it loaded" "6|e.csv: encounters: 1 inserted, 0 updated, 0 unchanged, 0 rejected, 0 skipped" \
        "$(cat full1.rc)|$(cat full1.out)"
    t_eq "... the message names the file and says nothing of it loaded" \
        "p2p-ingest: big.csv: disk full: nothing of it was loaded" "$(cat full1.err)"
    t_eq "... and nothing of it is in the database" "e.csv
1" "$(cat full1.db)"
    t_eq "a database that cannot be set up on a full disk: exit 6, said so" \
        "6|p2p-ingest: m/new.db: disk full: the database could not be set up, and the new file was removed" \
        "$(cat full2.rc)|$(cat full2.err)"
    t_eq "... no empty database (or key) left behind" "" "$(grep '^new\.db' full2.ls)"
fi
t_done
