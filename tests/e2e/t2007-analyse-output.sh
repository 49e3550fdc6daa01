#!/bin/sh
# t2007-analyse-output: p2p-analyse -o never overwrites the database, its
# key, their companions or another SQLite file (exit 2, saying which), and
# writes its export whole or not at all (exit 6 naming the file and errno;
# no empty file, no temporary left behind).
. "$(dirname "$0")/lib.sh"
A=$DATA/analyse
ingest --db study.db "$A"/*.csv >/dev/null 2>&1
sum() { cksum "$@" 2>/dev/null; }
before=$(sum study.db study.db.key)

t_exit 2 "-o the database: exit 2" analyse --db study.db --format csv -o study.db
t_eq "-o the database: the message" \
    "p2p-analyse: refusing to write the output to study.db: it is the study database" "$(cat t_err)"
t_exit 2 "-o ./study.db" analyse --db study.db -o ./study.db
t_exit 2 "-o \$PWD/study.db" analyse --db study.db -o "$PWD/study.db"
ln -s study.db alias.db
t_exit 2 "-o a symbolic link to the database" analyse --db study.db -o alias.db
t_exit 2 "-o the key" analyse --db study.db -o study.db.key
t_grep "-o the key: said" "study.db.key: it is the study database's key file" t_err
t_exit 2 "-o the -wal companion" analyse --db study.db -o study.db-wal
t_grep "-o -wal: said" "it is the study database's write-ahead log" t_err
t_exit 2 "-o the -journal companion" analyse --db study.db -o study.db-journal
t_exit 2 "-o the -shm companion" analyse --db study.db -o study.db-shm
cp study.db other.db
t_exit 2 "-o another SQLite file" analyse --db study.db -o other.db
t_grep "another SQLite file: said" "refusing to write the output to other.db: it is an SQLite database" t_err
t_eq "database and key untouched" "$before" "$(sum study.db study.db.key)"
t_eq "nothing stored by a refused run" 0 "$(q "SELECT count(*) FROM analysis_runs")"

t_exit 6 "a missing directory: exit 6" analyse --db study.db --format csv -o nodir/x.csv
t_eq "a missing directory: file and errno" \
    "p2p-analyse: nodir/x.csv: No such file or directory (creating a temporary file in nodir)" "$(cat t_err)"
if [ -w /dev/full ]; then
    t_exit 6 "-o /dev/full: exit 6" analyse --db study.db --format csv -o /dev/full
    t_eq "-o /dev/full: errno" \
        "p2p-analyse: /dev/full: writing the results: No space left on device" "$(cat t_err)"
    analyse --db study.db --format csv -o - >/dev/full 2>t_err
    t_eq "-o - onto a full stdout: exit 6" 6 $?
    t_grep "-o - onto a full stdout: errno" "No space left on device" t_err
else
    t_result 0 "# SKIP no writable /dev/full"
fi

# A full disk on the rename path: a 4 KiB tmpfs in a private mount
# namespace (as root, or as root of a user namespace), which vanishes with
# it. The old export survives.
ns=""
for u in -m -rm; do
    unshare $u sh -c 'mount -t tmpfs -o size=4k tmpfs "$1"' sh . 2>/dev/null && { ns=$u; break; }
done
mkdir small ro
if [ -n "$ns" ]; then
    unshare $ns sh -c 'mount -t tmpfs -o size=4k tmpfs small &&
        echo "old export" >small/x.csv &&
        { "$1" --db study.db --format csv -o small/x.csv 2>err; echo $? >rc;
          cat small/x.csv >kept; ls -A small >left; }' sh "$BIN/p2p-analyse"
    t_eq "full disk: exit 6" 6 "$(cat rc)"
    t_grep "full disk: file and errno" "p2p-analyse: small/x.csv: writing the results: No space left on device" err
    t_eq "full disk: the old export survives" "old export" "$(cat kept)"
    t_eq "full disk: no temporary left" "x.csv" "$(cat left)"
else
    t_result 0 "# SKIP cannot mount a small tmpfs (no mount namespace)"
fi

# An unwritable directory: permissions for a user, a read-only tmpfs as
# root (permissions do not stop root).
if [ "$(id -u)" != 0 ]; then
    chmod 555 ro
    t_exit 6 "an unwritable directory: exit 6" analyse --db study.db --format csv -o ro/x.csv
    t_grep "an unwritable directory: errno" "p2p-analyse: ro/x.csv: Permission denied" t_err
    t_eq "an unwritable directory: nothing left" "" "$(ls -A ro)"
    chmod 755 ro
elif [ -n "$ns" ]; then
    unshare $ns sh -c 'mount -t tmpfs -o ro tmpfs ro &&
        { "$1" --db study.db --format csv -o ro/x.csv 2>err; echo $? >rc;
          ls -A ro >left; }' sh "$BIN/p2p-analyse"
    t_eq "a read-only directory: exit 6" 6 "$(cat rc)"
    t_grep "a read-only directory: errno" "p2p-analyse: ro/x.csv: Read-only file system" err
    t_eq "a read-only directory: nothing left" "" "$(cat left)"
else
    t_result 0 "# SKIP root without a mount namespace: no unwritable directory to test"
fi

t_ok "-o a new file" analyse --db study.db --format csv -o new.csv
t_eq "it holds the export" "country,period,indicator,group,numerator,denominator,value,ci_low,ci_high,p_value" \
    "$(head -1 new.csv)"
umask 027
t_ok "-o with umask 027" analyse --db study.db --format csv -o masked.csv
t_eq "a new export's mode is 0666 less the umask" "-rw-r-----" "$(ls -l masked.csv | cut -c1-10)"
umask 022
chmod 600 new.csv
t_ok "-o over an existing export" analyse --db study.db --format json -o new.csv
t_eq "it is replaced" "[" "$(head -c 1 new.csv)"
t_eq "and keeps its mode" "-rw-------" "$(ls -l new.csv | cut -c1-10)"
t_eq "no temporary left anywhere" "" "$(ls -A | grep '^\.' )"
t_done
