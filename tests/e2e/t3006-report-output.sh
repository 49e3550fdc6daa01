#!/bin/sh
# t3006-report-output: p2p-report -o never overwrites the database, its key,
# their companions or another SQLite file (exit 2, saying which); reports
# and charts (PDF, PNG, SVG) replace their file only whole, and every output
# failure names the file and errno (exit 6), leaving no empty file and no
# temporary behind.
. "$(dirname "$0")/lib.sh"
. "$DATA/report/setup.sh"
mkdb study.db || { echo "Bail out! cannot build the test database"; exit 1; }
echo 3f9a1c2e7b5d4e60a8b1c2d3e4f5061700112233445566778899aabbccddeeff >study.db.key
before=$(cksum study.db study.db.key)

t_exit 2 "-o the database: exit 2" report --db study.db --country GR -o study.db
t_eq "-o the database: the message" \
    "p2p-report: refusing to write the output to study.db: it is the study database" "$(cat t_err)"
t_exit 2 "a chart -o ./study.db" report --db study.db --chart forest_plot -o ./study.db
ln -s study.db alias.db
t_exit 2 "-o a symbolic link to the database" report --db study.db --country GR -o alias.db
t_exit 2 "-o the key" report --db study.db --country GR -o study.db.key
t_grep "-o the key: said" "study.db.key: it is the study database's key file" t_err
t_exit 2 "-o the -wal companion" report --db study.db --country GR -o study.db-wal
t_grep "-o -wal: said" "it is the study database's write-ahead log" t_err
t_exit 2 "-o the -shm companion" report --db study.db --chart forest_plot -o study.db-shm
cp study.db other.png
t_exit 2 "-o another SQLite file" report --db study.db --chart forest_plot -o other.png
t_grep "another SQLite file: said" "refusing to write the output to other.png: it is an SQLite database" t_err
t_eq "database and key untouched" "$before" "$(cksum study.db study.db.key)"

t_exit 6 "a report into a missing directory: exit 6" report --db study.db --country GR -o nodir/x.pdf
t_eq "a missing directory: file and errno" \
    "p2p-report: nodir/x.pdf: No such file or directory (creating a temporary file in nodir)" "$(cat t_err)"
for f in png svg pdf; do
    t_exit 6 "a $f chart into a missing directory: exit 6" report --db study.db --chart forest_plot -o nodir/x.$f
    t_grep "a $f chart: file and errno" "p2p-report: nodir/x.$f: No such file or directory" t_err
done
if [ -w /dev/full ]; then
    t_exit 6 "a report onto /dev/full: exit 6" report --db study.db --country GR -o /dev/full
    t_eq "/dev/full: file and errno" "p2p-report: /dev/full: No space left on device (writing)" "$(cat t_err)"
    report --db study.db --country GR >/dev/full 2>t_err
    t_eq "a report onto a full stdout: exit 6" 6 $?
    t_eq "full stdout: named and errno" "p2p-report: stdout: No space left on device (writing)" "$(cat t_err)"
    for f in png svg pdf; do   # the format comes from the link's name
        ln -s /dev/full full.$f
        t_exit 6 "a $f chart onto /dev/full: exit 6" report --db study.db --chart forest_plot -o full.$f
        t_eq "a $f chart onto /dev/full: errno" "p2p-report: full.$f: No space left on device (writing)" "$(cat t_err)"
    done
else
    t_result 0 "# SKIP no writable /dev/full"
fi

# A full disk and a read-only directory on the rename path: small tmpfs
# mounts in a private mount namespace (as root, or as root of a user
# namespace), which vanish with it.
ns=""
for u in -m -rm; do
    unshare $u sh -c 'mount -t tmpfs -o size=4k tmpfs "$1"' sh . 2>/dev/null && { ns=$u; break; }
done
mkdir small ro
if [ -n "$ns" ]; then
    unshare $ns sh -c 'mount -t tmpfs -o size=16k tmpfs small && mount -t tmpfs -o ro tmpfs ro &&
        echo old >small/r.pdf && echo old >small/c.png &&
        { "$1" --db study.db --country GR -o small/r.pdf 2>err-r; echo $? >rc-r
          "$1" --db study.db --chart forest_plot -o small/c.png 2>err-c; echo $? >rc-c
          "$1" --db study.db --country GR -o small/new.pdf 2>err-n; echo $? >rc-n
          "$1" --db study.db --country GR -o ro/r.pdf 2>err-ro; echo $? >rc-ro
          cat small/r.pdf small/c.png >kept; ls -A small ro >left; }' sh "$BIN/p2p-report"
    t_eq "full disk, report: exit 6" 6 "$(cat rc-r)"
    t_eq "full disk, report: file and errno" "p2p-report: small/r.pdf: No space left on device (writing)" "$(cat err-r)"
    t_eq "full disk, chart: exit 6" 6 "$(cat rc-c)"
    t_grep "full disk, chart: file and errno" "p2p-report: small/c.png: No space left on device" err-c
    t_eq "full disk, new report: exit 6" 6 "$(cat rc-n)"
    t_eq "full disk: the old files survive" "old old" "$(cat kept | tr '\n' ' ' | sed 's/ $//')"
    t_eq "read-only directory: exit 6" 6 "$(cat rc-ro)"
    t_grep "read-only directory: file and errno" "p2p-report: ro/r.pdf: Read-only file system" err-ro
    t_eq "no empty file, no temporary left" "ro: small: c.png r.pdf" "$(cat left | tr '\n' ' ' | sed 's/ *$//; s/  */ /g')"
else
    t_result 0 "# SKIP cannot mount a small tmpfs (no mount namespace)"
fi

# Success replaces the file whole, in every format, keeping its mode.
echo old >r.pdf
chmod 640 r.pdf
t_ok "a report over an old file" report --db study.db --country GR -o r.pdf
t_eq "it is a PDF now" "%PDF" "$(head -c 4 r.pdf)"
t_eq "it keeps its mode" "-rw-r-----" "$(ls -l r.pdf | cut -c1-10)"
t_ok "a PNG chart" report --db study.db --chart forest_plot -o c.png
t_eq "a PNG" "PNG" "$(head -c 4 c.png | tail -c 3)"
t_ok "an SVG chart" report --db study.db --chart forest_plot -o c.svg
t_grep "an SVG" "<svg" c.svg
t_ok "a PDF chart" report --db study.db --chart forest_plot -o c.pdf
t_ok "the PDF chart is valid" qpdf --check c.pdf
umask 077
t_ok "a report under umask 077" report --db study.db --country GR -o private.pdf
t_eq "a new file's mode is 0666 less the umask" "-rw-------" "$(ls -l private.pdf | cut -c1-10)"
umask 022
t_eq "no temporary left" "" "$(ls -A | grep '^\.')"
t_done
