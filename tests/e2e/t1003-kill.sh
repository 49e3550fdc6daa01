#!/bin/sh
# t1003-kill.sh: an ingest killed (SIGKILL) in the middle of a large file
# leaves the database as it was before that file — it opens cleanly, passes
# its integrity check, holds exactly the earlier rows and source_files — and
# a new ingest of the same file then completes.
. "$(dirname "$0")/lib.sh"
cp "$DATA"/ingest/encounters.csv "$DATA"/ingest/referrals.csv .

ROWS=400000
awk -v n=$ROWS 'BEGIN {
    print "encounter_id,date,country,site,setting,worker_id,worker_type,client_code,sex,birth_year,first_contact,substances,injecting,syringes_given,naloxone_given,condoms_given,services,age_first_use"
    split("PT GR PL LT BE FR NL HU", cc, " ")
    for (i = 1; i <= n; i++)
        printf "K%07d,2020-%02d-%02d,%s,Site %d,street,W%d,peer,C%05d,female,1980,yes,opioids;cannabis,no,%d,0,1,information,20\n",
            i, i % 12 + 1, i % 28 + 1, cc[i % 8 + 1], i % 50, i % 40, i % 30000, i % 7
}' >big.csv
size=$(stat -c %s big.csv)

t_ok "a small ingest first" ingest --db study.db encounters.csv referrals.csv
state() { q "SELECT (SELECT count(*) FROM encounters) || ' ' || (SELECT count(*) FROM referrals) || ' ' ||
                    (SELECT count(*) FROM rejects) || ' ' || (SELECT group_concat(file_id || ':' || path || ':' || sha256 || ':' || inserted, ' ') FROM source_files)"; }
before=$(state)

# Start the large file and kill it once it has read a third of the file (its
# read position in /proc), i.e. well inside the file's transaction.
"$BIN/p2p-ingest" --db study.db big.csv >big.out 2>big.err &
pid=$!
pos=0
i=0
while kill -0 $pid 2>/dev/null && [ $i -lt 3000 ]; do
    fd=$(ls -l /proc/$pid/fd 2>/dev/null | awk '/big\.csv$/ { print $9 }' | head -1)
    if [ -n "$fd" ]; then
        pos=$(awk '/^pos:/ { print $2 }' /proc/$pid/fdinfo/$fd 2>/dev/null)
        [ "${pos:-0}" -gt $((size / 3)) ] && break
    fi
    sleep 0.01
    i=$((i + 1))
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
rc=$?
t_eq "the ingest was killed in the middle of the file (by SIGKILL)" 137 "$rc"
echo "# killed at byte ${pos:-?} of $size"
t_eq "it had printed no summary for the file" "" "$(cat big.out)"

t_eq "the database passes its integrity check" ok "$(q 'PRAGMA integrity_check')"
t_eq "rows, rejects and source_files are exactly as before the killed file" "$before" "$(state)"
t_eq "nothing of the killed file is there" 0 "$(q "SELECT count(*) FROM encounters WHERE encounter_id LIKE 'K%'")"

t_ok "a new ingest of the large file completes" ingest --db study.db big.csv
t_eq "... loading every row" "big.csv: encounters: $ROWS inserted, 0 updated, 0 unchanged, 0 rejected, 0 skipped" "$(cat t_out)"
t_eq "... with nothing on stderr (no progress when stderr is not a terminal)" "" "$(cat t_err)"
t_eq "... the database still passes its integrity check" ok "$(q 'PRAGMA integrity_check')"
t_eq "... and holds the earlier rows plus the file's" "$((ROWS + 7))|4|3" \
    "$(q "SELECT (SELECT count(*) FROM encounters), (SELECT count(*) FROM referrals), (SELECT count(*) FROM source_files)")"

# On a terminal the same kind of run shows progress on stderr, then clears it.
if command -v script >/dev/null 2>&1; then
    head -100001 big.csv >mid.csv
    # The bar waits a second (a short run shows none); the test shortens it.
    P2P_PROGRESS_AFTER_MS=0 script -qec "'$BIN/p2p-ingest' --db tty.db mid.csv" /dev/null >tty.out 2>&1
    t_grep "progress bar drawn on a terminal" "mid.csv [" tty.out
    t_grep "... and the summary follows it" "mid.csv: encounters: 100000 inserted" tty.out
    head -101 big.csv >short.csv
    script -qec "'$BIN/p2p-ingest' --db tty.db short.csv" /dev/null >tty2.out 2>&1
    t_eq "a run shorter than a second draws no bar" "" "$(grep -F 'short.csv [' tty2.out)"
fi
t_done
