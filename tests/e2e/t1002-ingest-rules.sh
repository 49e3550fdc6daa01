#!/bin/sh
# t1002-ingest-rules.sh: the contract's ingest rules end to end — command
# line, kinds recognised from the header (or --kind), dependency order, NFC,
# canonical enumerated values and countries, client codes hashed and never
# stored raw, standard input, and mapped partner exports.
# (Keys, re-reads and provenance: t1005; fg_segments and erasure: t1006.)
. "$(dirname "$0")/lib.sh"
cp "$DATA"/ingest/* .

# --- command line -----------------------------------------------------------
t_ok "--help exits 0" ingest --help
t_grep "--help documents the exit statuses" "2 usage, 3 a file refused or unreadable, 4 key mismatch" t_out
t_ok "--version exits 0" ingest --version
t_eq "--version prints the program and version" "p2p-ingest 0.1.0" "$(cat t_out)"
t_exit 2 "no --db: usage error" ingest encounters.csv
t_eq "no --db: the message" "p2p-ingest: --db is required
Try 'p2p-ingest --help'." "$(cat t_err)"
t_exit 2 "no input files: usage error" ingest --db u.db
t_eq "no input files: the message" "p2p-ingest: no input files
Try 'p2p-ingest --help'." "$(cat t_err)"
t_exit 2 "unknown option: usage error" ingest --db u.db --bogus encounters.csv
t_grep "unknown option named" "p2p-ingest: Unknown option --bogus" t_err
t_exit 2 "--erase-client with files: usage error" ingest --db u.db --erase-client X --country PT encounters.csv
t_exit 2 "--erase-client without --country: usage error" ingest --db u.db --erase-client X
t_eq "--erase-client without --country: the message" \
    "p2p-ingest: --erase-client needs --country" "$(head -1 t_err)"
t_eq "... and no database is made for it" "" "$(ls u.db 2>/dev/null)"
t_exit 2 "--erase-client with a bad country: usage error" ingest --db u.db --erase-client X --country XX
t_exit 2 "unknown --kind: usage error" ingest --db u.db --kind visits encounters.csv
t_exit 3 "a missing file: refused" ingest --db u.db no-such.csv
t_eq "a missing file: the message" "p2p-ingest: no-such.csv: No such file or directory" "$(cat t_err)"
t_exit 3 "a directory: refused" ingest --db u.db .
t_eq "a directory: the message" "p2p-ingest: .: is a directory" "$(cat t_err)"

cp codebook.csv notadb.db
t_exit 6 "a --db that is not a database: exit 6" ingest --db notadb.db codebook.csv
t_eq "... the message" "p2p-ingest: notadb.db is not an SQLite database, so not a p2p study database; it was left as it was" "$(cat t_err)"
t_ok "... the file is left as it was" cmp -s notadb.db codebook.csv
t_eq "... and no key made for it" "" "$(ls notadb.db.key 2>/dev/null)"

if [ -w /dev/full ]; then
    ingest --db full.db codebook.csv >/dev/full 2>t_err
    t_eq "a summary that cannot be written: exit 6 with a message" \
        "6|p2p-ingest: write error on standard output" "$?|$(cat t_err)"
fi

# Several files failing in different ways: the others load, the worst decides.
cp "$BAD"/empty.csv "$BAD"/strict-one-bad.csv .
t_exit 3 "a good, an empty and a --strict-bad file: exit 3 (refused beats rejected)" \
    ingest --db mixed.db --strict strict-one-bad.csv empty.csv codebook.csv
t_eq "... the good file loaded" "codebook.csv" "$(DB=mixed.db q "SELECT group_concat(path) FROM source_files")"
t_eq "... each failure reported" "p2p-ingest: empty.csv: empty file (no header)
strict-one-bad.csv:3: column 'worker_type': invalid value 'boss' (expected peer, professional, mixed)
p2p-ingest: strict-one-bad.csv: 1 row rejected; with --strict nothing of the file was loaded" "$(cat t_err)"

# --- six kinds, in dependency order whatever the command line says ----------
t_ok "six kinds given in reverse dependency order load" ingest --db study.db \
    referrals.csv fg_segments.csv encounters.csv fg_participants.csv focus_groups.csv codebook.csv
cat >expected <<'EOF'
codebook.csv: codebook: 3 inserted, 0 updated, 0 unchanged, 0 rejected, 0 skipped
focus_groups.csv: focus_groups: 2 inserted, 0 updated, 0 unchanged, 0 rejected, 0 skipped
fg_participants.csv: fg_participants: 3 inserted, 0 updated, 0 unchanged, 0 rejected, 0 skipped
fg_segments.csv: fg_segments: 5 inserted, 0 updated, 0 unchanged, 0 rejected, 0 skipped, 0 removed
encounters.csv: encounters: 7 inserted, 0 updated, 0 unchanged, 0 rejected, 0 skipped
referrals.csv: referrals: 4 inserted, 0 updated, 0 unchanged, 0 rejected, 0 skipped
EOF
t_cmp "each kind recognised from its header, loaded in dependency order" expected t_out
t_eq "no diagnostics (no missing encounter, group or code)" "" "$(cat t_err)"
t_eq "source_files records each file's kind, in load order" \
    "codebook focus_groups fg_participants fg_segments encounters referrals" \
    "$(q "SELECT group_concat(kind, ' ') FROM (SELECT kind FROM source_files ORDER BY file_id)")"
t_eq "one ingest run for the invocation" 1 "$(q "SELECT count(DISTINCT run_id) FROM source_files")"
for t in codebook focus_groups fg_participants fg_segments encounters referrals; do
    t_eq "provenance of every $t row: its file (path, sha256sum), run and line" \
        "$(sha256sum $t.csv | cut -c1-64)|$(($(wc -l <$t.csv) - 1))|1|2-$(wc -l <$t.csv | tr -d ' ')" \
        "$(q "SELECT s.sha256, count(*), count(DISTINCT r.run_id), min(x.line) || '-' || max(x.line)
              FROM $t x JOIN source_files s USING (file_id) JOIN ingest_runs r USING (run_id)
              WHERE s.path = '$t.csv' AND s.kind = '$t'")"
done

# --kind reads a file as that kind even when its header would say otherwise.
printf 'group_id,country,date,segment_id,coder\nFG-PT-01,PT,2020-03-01,S9,CK\n' >ambiguous.csv
t_ok "--kind fg_segments on a header that also fits focus_groups" \
    ingest --db study.db --kind fg_segments ambiguous.csv
t_eq "read as fg_segments" "ambiguous.csv: fg_segments: 1 inserted, 0 updated, 0 unchanged, 0 rejected, 0 skipped, 0 removed" "$(cat t_out)"
t_eq "its other columns ignored with one warning" \
    "p2p-ingest: ambiguous.csv: warning: ignoring unknown columns 'country', 'date' (never stored)" "$(cat t_err)"
t_eq "the uncoded segment stored with an empty code" "FG-PT-01|S9|CK|" \
    "$(q "SELECT group_id, segment_id, coder, code FROM fg_segments WHERE coder = 'CK'")"

# --- canonical values -------------------------------------------------------
t_eq "NFC: the site typed composed and decomposed is one value" "1|C389766F7261" \
    "$(q "SELECT count(DISTINCT site), hex(min(site)) FROM encounters WHERE country = 'PT' AND encounter_id IN ('E2', 'E3')")"
t_eq "NFC also in focus-group text" "C389766F7261" "$(q "SELECT hex(city) FROM focus_groups WHERE group_id = 'FG-PT-01'")"
t_eq "enumerated values stored canonically ('Peer ', PROFESSIONAL, Street, YES, Female)" \
    "E1|peer|street|female|yes|yes
E2|professional|street|female|yes|yes" \
    "$(q "SELECT encounter_id, worker_type, setting, sex, first_contact, injecting FROM encounters
          WHERE country = 'PT' AND encounter_id IN ('E1', 'E2') ORDER BY encounter_id")"
t_eq "list items trimmed, case-folded, re-joined with ';'" \
    "opioids;cannabis|information;harm_reduction_kit" \
    "$(q "SELECT substances, services FROM encounters WHERE country = 'PT' AND encounter_id = 'E1'")"
t_eq "list item of another row ('testing ; Accompaniment')" "testing;accompaniment" \
    "$(q "SELECT services FROM encounters WHERE country = 'GR' AND encounter_id = 'E2'")"
t_eq "countries: lt -> LT, EL and gr -> GR" "GR|2
LT|1
PT|4" "$(q "SELECT country, count(*) FROM encounters GROUP BY country ORDER BY country")"
t_eq "referral enums and country canonical (Social, Not_Attended)" "LT|R1|social|not_attended" \
    "$(q "SELECT country, referral_id, service, outcome FROM referrals WHERE country = 'LT'")"
t_eq "focus group EL stored as GR" "GR" "$(q "SELECT country FROM focus_groups WHERE group_id = 'FG-GR-01'")"
t_eq "participant role Peer_Educator -> peer_educator, code stored as given" "P02|peer_educator|45+" \
    "$(q "SELECT participant_code, role, age_group FROM fg_participants WHERE participant_code = 'P02'")"
t_eq "missing counts stored as 0" "0|0|0" \
    "$(q "SELECT syringes_given, naloxone_given, condoms_given FROM encounters WHERE country = 'PT' AND encounter_id = 'E2'")"
t_eq "empty optional fields stored as NULL" "1|1|1" \
    "$(q "SELECT birth_year IS NULL, substances IS NULL, age_first_use IS NULL FROM encounters WHERE country = 'PT' AND encounter_id = 'E2'")"
t_eq "an anonymous contact has no client code" "1" \
    "$(q "SELECT client_code IS NULL FROM encounters WHERE country = 'PT' AND encounter_id = 'E3'")"

printf 'encounter_id,date,country,site,worker_id,worker_type,substances\n E40 ,2020-01-10, PT , Lisboa  ,  W 1 , peer ,opioids;;Cannabis ; \n' >spaces.csv
t_ok "a row with spaces around every field" ingest --db study.db spaces.csv
t_eq "ids, codes and enums trimmed; text taken as written" "PT|E40| Lisboa  |W 1|peer|opioids;cannabis" \
    "$(q "SELECT country, encounter_id, site, worker_id, worker_type, substances FROM encounters WHERE encounter_id = 'E40'")"

# --- client codes: normalised, keyed hash, never stored raw ----------------
t_eq "'quiz7', ' QUIZ7', 'Quiz7 ' hash the same, across countries too" "1|3" \
    "$(q "SELECT count(DISTINCT client_code), count(*) FROM encounters WHERE encounter_id IN ('E1', 'E2') AND country IN ('PT', 'LT')")"
t_eq "'ŽALGIRIS5' composed and 'Žalgiris5' decomposed hash the same" "1" \
    "$(q "SELECT count(DISTINCT client_code) FROM encounters WHERE country = 'GR'")"
t_eq "different codes hash differently" "3" \
    "$(q "SELECT count(DISTINCT client_code) FROM encounters WHERE client_code IS NOT NULL")"
t_eq "the stored code is 64 lower-case hex digits" "6" \
    "$(q "SELECT count(*) FROM encounters WHERE length(client_code) = 64 AND client_code NOT GLOB '*[^0-9a-f]*'")"
# A rejected row with a code, then look for any raw code anywhere.
printf 'encounter_id,date,country,worker_id,worker_type,client_code\nE30,2099-01-01,PT,W1,peer,xenon4\n' >future.csv
t_ok "a rejected row with a client code" ingest --db study.db future.csv
t_eq "the reject holds the code's keyed hash" 64 "$(q "SELECT length(client_code) FROM rejects WHERE line = 2 AND reason LIKE 'date 2099%'")"
sqlite3 study.db .dump >dump.sql
raw_found=
for code in quiz7 jinx8 xenon4 algiris5; do
    grep -qi "$code" dump.sql && raw_found="$raw_found dump:$code"
    for f in study.db*; do grep -aqi "$code" "$f" && raw_found="$raw_found $f:$code"; done
done
t_eq "no raw client code in the database bytes or its dump" "" "$raw_found"
stored=$(q "SELECT client_code FROM encounters WHERE country = 'PT' AND encounter_id = 'E9'")
key=$(cat study.db.key)
hmac=$(printf 'JINX8' | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key" -r 2>/dev/null | cut -c1-64)
b2=$(printf 'JINX8' | openssl mac -macopt "hexkey:$key" -macopt size:32 BLAKE2BMAC 2>/dev/null | tr 'A-F' 'a-f')
t_ok "the stored code is the keyed hash (HMAC-SHA-256 or keyed BLAKE2b) of 'JINX8' under the key file" \
    sh -c "[ '$stored' = '$hmac' ] || [ '$stored' = '$b2' ]"

# --- standard input ----------------------------------------------------------
printf 'code,theme\nfear,barriers\n' >cb2.csv
ingest --db study.db - <cb2.csv >t_out 2>t_err
t_eq "'-' reads standard input" "0|-: codebook: 1 inserted, 0 updated, 0 unchanged, 0 rejected, 0 skipped" "$?|$(cat t_out)"
t_eq "standard input recorded as '-' with its sha256" "-|$(sha256sum <cb2.csv | cut -c1-64)" \
    "$(q "SELECT path, sha256 FROM source_files WHERE path = '-'")"
ingest --db study.db - <cb2.csv >t_out 2>t_err
t_eq "the same bytes again on standard input are skipped" "0|-: already ingested (sha256 $(sha256sum <cb2.csv | cut -c1-16)…), skipped; --force reads it again" "$?|$(cat t_out)"
t_eq "... and recorded once" 1 "$(q "SELECT count(*) FROM source_files WHERE path = '-'")"
printf 'code,theme\nhope,outcomes\nhope,outcomes\n' | ingest --db study.db - >t_out 2>t_err
t_eq "row diagnostics from standard input name '-'" "-:3: column 'code': duplicate code 'hope' (first on line 2)" "$(cat t_err)"

# --- a mapped partner export (windows-1252, ';', DD/MM/YYYY, renames, recodes)
t_ok "be-export.csv loads with its mapping" ingest --db map.db --map be-mapping.ini be-export.csv
t_eq "summary" "be-export.csv: encounters: 2 inserted, 0 updated, 0 unchanged, 2 rejected, 0 skipped" "$(cat t_out)"
cat >expected <<'EOF'
p2p-ingest: be-export.csv: warning: ignoring unknown column 'Remarques' (never stored)
be-export.csv:4: column 'date': invalid date '30/02/2020' (expected DD/MM/YYYY)
be-export.csv:5: column 'sex': invalid value 'X' (expected female, male, other, unknown)
EOF
t_cmp "diagnostics in the mapping's date format, unmapped values rejected" expected t_err
t_eq "renamed, converted to UTF-8, dates to ISO, values recoded" \
    "BE|BE-1|2020-02-03|Liège|BE-W1|peer|female|opioids;stimulants
BE|BE-2|2020-02-29|Bruxelles|BE-W2|professional|male|" \
    "$(DB=map.db q "SELECT country, encounter_id, date, site, worker_id, worker_type, sex, coalesce(substances, '') FROM encounters ORDER BY encounter_id")"
t_eq "source_files records the mapping" "be-mapping.ini" "$(DB=map.db q "SELECT mapping FROM source_files")"
t_eq "'élo12' (converted) and 'ÉLO12' hash the same, also in rejects" "1" \
    "$(DB=map.db q "SELECT count(DISTINCT client_code) FROM (SELECT client_code FROM encounters WHERE client_code IS NOT NULL UNION ALL SELECT client_code FROM rejects WHERE client_code IS NOT NULL)")"
t_eq "the reject's raw is UTF-8, the code replaced by its hash, 'Remarques' left out" \
    "BE-4;04/02/2020;Belgique;Namur;BE-W2;professionnel;$(DB=map.db q "SELECT client_code FROM encounters WHERE encounter_id = 'BE-1'");X;" \
    "$(DB=map.db q "SELECT replace(raw, ',', ';') FROM rejects WHERE line = 5")"
t_exit 3 "the same export without the mapping is refused" ingest --db map.db --force be-export.csv
t_eq "... with the hint at --map" "p2p-ingest: be-export.csv:1: header matches no kind of file; it looks ';'-separated: use --map with a mapping whose [file] delimiter is ;" "$(cat t_err)"

# The PT partner export shipped with the sample data, with its mapping.
pe=$TOP/sample-data/partner/PT-outreach-export.csv
if [ -f "$pe" ]; then
    t_ok "the PT partner export loads with its mapping" \
        ingest --db pt.db --map "$TOP/sample-data/partner/PT-mapping.ini" "$pe"
    rows=$(($(wc -l <"$pe") - 1))
    t_eq "every row of it loaded or rejected" "$rows" \
        "$(DB=pt.db q "SELECT inserted + rejected FROM source_files")"
    t_eq "all its encounters are PT, canonical values only" "PT|0" \
        "$(DB=pt.db q "SELECT group_concat(DISTINCT country), sum(worker_type NOT IN ('peer', 'professional', 'mixed')) FROM encounters")"
    t_eq "dates converted to ISO" 0 "$(DB=pt.db q "SELECT count(*) FROM encounters WHERE date NOT GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'")"
    # Its notes are never stored (in rows or rejects); the column is named.
    t_eq "its notes column is not in the database" 0 \
        "$(sqlite3 pt.db .dump | grep -ci -e 'contacto breve' -e 'dormir na rua' -e 'centro de sa')"
    t_eq "... only named, in source_files.ignored_columns" "Observações" \
        "$(DB=pt.db q "SELECT ignored_columns FROM source_files")"
else
    t_result 1 "sample-data/partner/PT-outreach-export.csv exists"
fi
t_done
