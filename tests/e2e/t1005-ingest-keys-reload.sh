#!/bin/sh
# t1005-ingest-keys-reload.sh: the key file and database modes, a wrong or
# missing key refused, a file read twice skipped, --force, a corrected
# re-export counted as updated/unchanged, provenance of every loaded row,
# and --strict refusing a file with one bad row.
. "$(dirname "$0")/lib.sh"
cp "$DATA"/ingest/* .

# --- key file and modes -------------------------------------------------------
t_ok "first ingest creates database and key" ingest --db study.db encounters.csv referrals.csv
t_eq "database mode 0600" 600 "$(stat -c %a study.db)"
t_eq "key file beside it, mode 0600" 600 "$(stat -c %a study.db.key)"
t_eq "the key file is one line of 64 hex digits" "1 65" "$(wc -lc <study.db.key | tr -s ' ' ' ' | sed 's/^ //')"
t_ok "... and nothing else" grep -qx '[0-9a-f]\{64\}' study.db.key
fp=$(xxd -r -p study.db.key | sha256sum | cut -c1-64)
t_eq "the database records the key's fingerprint (SHA-256 of the key bytes)" "$fp" \
    "$(q "SELECT value FROM meta WHERE key = 'key_fingerprint'")"
(umask 0; ingest --db open.db --key open.key codebook.csv >/dev/null 2>&1)
t_eq "modes are 0600 whatever the umask" "600 600" "$(stat -c %a open.db open.key | tr '\n' ' ' | sed 's/ $//')"

counts() { q "SELECT (SELECT count(*) FROM encounters) || ' ' || (SELECT count(*) FROM referrals) || ' ' || (SELECT count(*) FROM source_files) || ' ' || (SELECT count(*) FROM rejects)"; }
before=$(counts)
printf '%064x\n' 42 >other.key
t_exit 4 "a different key is refused" ingest --db study.db --key other.key encounters-v2.csv
t_eq "... with a clear message naming both fingerprints" \
    "p2p-ingest: other.key: key does not match the database (database key $(echo "$fp" | cut -c1-16)…, this key $(xxd -r -p other.key | sha256sum | cut -c1-16)…); use the key file the database was made with" \
    "$(cat t_err)"
t_eq "... and nothing loaded" "$before" "$(counts)"
t_exit 4 "a missing key for a database with a fingerprint is refused" \
    ingest --db study.db --key lost.key encounters-v2.csv
t_eq "... with a clear message" \
    "p2p-ingest: lost.key: no such key file, and the database was made with key $(echo "$fp" | cut -c1-16)…; refusing to create a new key (it would split every client in two): give --key the database's key file" \
    "$(cat t_err)"
t_eq "... no key file created" "" "$(ls lost.key 2>/dev/null)"
t_eq "... and nothing loaded" "$before" "$(counts)"
cp study.db moved.db
t_exit 4 "a copied database without its key beside it is refused too" ingest --db moved.db encounters-v2.csv
t_eq "... no key created beside it" "" "$(ls moved.db.key 2>/dev/null)"
t_ok "the right key given with --key works" ingest --db moved.db --key study.db.key codebook.csv
cp study.db.key shared.key && chmod 644 shared.key
t_ok "a key file others can read still works" ingest --db moved.db --key shared.key codebook.csv
t_eq "... with a warning" \
    "p2p-ingest: warning: key file shared.key can be read by others (mode 0644); anyone with it can link client codes: chmod 600 shared.key" \
    "$(cat t_err)"
printf 'not a key\n' >bad.key
t_exit 4 "a malformed key file is refused" ingest --db fresh.db --key bad.key codebook.csv
t_eq "... naming the file" "p2p-ingest: bad.key: not a key file (expected one line of 64 hex digits)" "$(cat t_err)"

# --- the same file twice, --force, a corrected re-export ---------------------
dv() { q "SELECT value FROM meta WHERE key = 'data_version'"; }
dv0=$(dv)
t_ok "data_version is set once data is loaded" test -n "$dv0"
sha=$(sha256sum encounters.csv | cut -c1-64)
t_ok "the same file again" ingest --db study.db encounters.csv
t_eq "... leaves data_version alone" "$dv0" "$(dv)"
t_eq "... is skipped with a message" \
    "encounters.csv: already ingested (sha256 $(echo "$sha" | cut -c1-16)…), skipped; --force reads it again" "$(cat t_out)"
t_eq "... nothing duplicated or recorded" "$before" "$(counts)"
cp encounters.csv renamed.csv
t_ok "the same bytes under another name" ingest --db study.db renamed.csv
t_eq "... are skipped too" "renamed.csv: already ingested (sha256 $(echo "$sha" | cut -c1-16)…), skipped; --force reads it again" "$(cat t_out)"
t_ok "--force reads it again" ingest --db study.db --force encounters.csv
t_eq "... every row unchanged" "encounters.csv: encounters: 0 inserted, 0 updated, 7 unchanged, 0 rejected, 0 skipped" "$(cat t_out)"
t_eq "... no row duplicated" 7 "$(q "SELECT count(*) FROM encounters")"
t_eq "... a second source_files row for the same sha256" 2 "$(q "SELECT count(*) FROM source_files WHERE sha256 = '$sha'")"
t_ok "a corrected re-export (E1 changed, E10 new)" ingest --db study.db encounters-v2.csv
t_eq "... counted as inserted, updated and unchanged" \
    "encounters-v2.csv: encounters: 1 inserted, 1 updated, 3 unchanged, 0 rejected, 0 skipped" "$(cat t_out)"
t_ok "... moves data_version (stored analyses are now stale)" test "$(dv)" != "$dv0"
t_eq "... the new value stored" 12 "$(q "SELECT syringes_given FROM encounters WHERE country = 'PT' AND encounter_id = 'E1'")"
t_eq "... rows not in it untouched" "8|5" "$(q "SELECT count(*), (SELECT count(*) FROM encounters WHERE country = 'PT') FROM encounters")"
v2=$(q "SELECT file_id FROM source_files WHERE path = 'encounters-v2.csv'")
t_eq "... updated, unchanged and new rows now point at it" "E1|2 E10|6 E2|3 E3|4 E9|5" \
    "$(q "SELECT group_concat(encounter_id || '|' || line, ' ') FROM (SELECT encounter_id, line FROM encounters WHERE file_id = $v2 ORDER BY encounter_id)")"
t_eq "source_files holds the counts" "5|1|1|3|0|0" \
    "$(q "SELECT rows_read, inserted, updated, unchanged, rejected, skipped FROM source_files WHERE file_id = $v2")"

# --- provenance ---------------------------------------------------------------
for t in encounters referrals; do
    t_eq "every $t row names a source file of its kind and a run" 0 \
        "$(q "SELECT count(*) FROM $t x LEFT JOIN source_files s ON s.file_id = x.file_id AND s.kind = '$t'
              LEFT JOIN ingest_runs r ON r.run_id = s.run_id WHERE r.run_id IS NULL OR x.line < 2")"
done
bad_sha=
for f in encounters.csv referrals.csv encounters-v2.csv; do
    [ "$(q "SELECT DISTINCT sha256 FROM source_files WHERE path = '$f'")" = "$(sha256sum "$f" | cut -c1-64)" ] ||
        bad_sha="$bad_sha $f"
done
t_eq "source_files.sha256 is sha256sum of each file" "" "$bad_sha"
t_eq "source_files.size is the file's size" "$(stat -c %s referrals.csv)" \
    "$(q "SELECT size FROM source_files WHERE path = 'referrals.csv'")"
# Each row's line is the line of the file holding its id (file order).
awk -F, 'NR > 1 { print toupper($3) "|" $2 "|" NR }' encounters.csv |
    sed 's/^EL|/GR|/' | grep -v '^PT|' | sort >expected
q "SELECT e.country, e.encounter_id, e.line FROM encounters e JOIN source_files s USING (file_id)
   WHERE s.path = 'encounters.csv'" | sort >actual
t_cmp "line numbers of the rows last loaded from encounters.csv (GR, LT; PT came again in v2)" expected actual
t_eq "referral lines" "LT|R1|4 PT|R1|2 PT|R2|3 PT|R9|5" \
    "$(q "SELECT group_concat(country || '|' || referral_id || '|' || line, ' ') FROM (SELECT * FROM referrals ORDER BY country, referral_id)")"
t_eq "one ingest_runs row per invocation that read a file, with the toolkit version" "0.1.0" \
    "$(q "SELECT DISTINCT toolkit_version FROM ingest_runs")"
t_eq "the --force re-read has its own run" 2 \
    "$(q "SELECT count(DISTINCT run_id) FROM source_files WHERE sha256 = '$sha'")"

# --- --strict -----------------------------------------------------------------
before=$(counts)
t_exit 1 "--strict with one bad row: exit 1" ingest --db study.db --strict encounters-bad.csv
t_eq "... the row diagnostics and the refusal" \
    "encounters-bad.csv:2: column 'birth_year': year 1890 before 1900
encounters-bad.csv:3: column 'birth_year': year 1890 before 1900
p2p-ingest: encounters-bad.csv: 2 rows rejected; with --strict nothing of the file was loaded" "$(cat t_err)"
t_eq "... nothing of the file loaded (not its good row, not its rejects)" "$before" "$(counts)"
t_eq "... no E22" 0 "$(q "SELECT count(*) FROM encounters WHERE encounter_id = 'E22'")"
t_exit 1 "--strict: a good file beside the bad one still loads, the exit is the worst" \
    ingest --db study.db --strict encounters-bad.csv codebook.csv
t_eq "... the good file's rows are there" 3 "$(q "SELECT count(*) FROM codebook")"
t_ok "without --strict the same file loads its good row" ingest --db study.db encounters-bad.csv
t_eq "... and keeps two rejects" "1|2" \
    "$(q "SELECT inserted, rejected FROM source_files WHERE path = 'encounters-bad.csv'")"
t_done
