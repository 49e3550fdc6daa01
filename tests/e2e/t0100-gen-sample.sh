#!/bin/sh
# t0100-gen-sample: the sample-data generator is deterministic and the
# committed sample set (sample-data/csv, sample-data/partner) is its output.
. "$(dirname "$0")/lib.sh"
GEN=$BIN/p2p-gen-sample

t_ok "--help exits 0" "$GEN" --help
t_grep "--help lists --single-file" "--single-file" t_out
t_ok "--version exits 0" "$GEN" --version
t_grep "--version prints the program and version" "p2p-gen-sample 0." t_out
t_exit 2 "no --out is a usage error" "$GEN"
t_grep "usage error names the missing option" "p2p-gen-sample: --out DIR is required" t_err
t_exit 2 "an unknown country is a usage error" "$GEN" --out x --countries PT,XX
t_grep "unknown country is named" "unknown country 'XX'" t_err

# The defaults regenerate the committed set byte for byte.
t_ok "default run" "$GEN" --out gen --partner-pt partner
if diff -r "$TOP/sample-data/csv" gen >t_diff 2>&1; then t_result 0 "regenerated sample-data/csv is byte-identical"
else t_result 1 "regenerated sample-data/csv is byte-identical"; sed 's/^/#   /' t_diff | head -20; fi
if cmp "$TOP/sample-data/partner/PT-outreach-export.csv" partner/PT-outreach-export.csv >t_diff 2>&1
then t_result 0 "regenerated partner export is byte-identical"
else t_result 1 "regenerated partner export is byte-identical"; sed 's/^/#   /' t_diff; fi
t_eq "eight countries with five files each, plus the codebook" "41" \
    "$(find gen -name '*.csv' | wc -l | tr -d ' ')"
t_eq "default size: 12000 encounters in all" "12000" \
    "$(cat gen/*/encounters.csv | grep -vc '^encounter_id,')"
t_eq "LT's needs assessment has 8 participants" "8" \
    "$(grep -c '^FG-LT-01,' gen/LT/fg_participants.csv)"

# Same arguments, same bytes (a second run; also with another seed).
t_ok "second run" "$GEN" --out gen2 --partner-pt partner2
if diff -r gen gen2 >/dev/null && cmp -s partner/PT-outreach-export.csv partner2/PT-outreach-export.csv
then t_result 0 "two runs give the same bytes"; else t_result 1 "two runs give the same bytes"; fi
t_ok "run with another seed" "$GEN" --out gen3 --seed 7 --countries PT
if cmp -s gen/PT/encounters.csv gen3/PT/encounters.csv
then t_result 1 "another seed gives other data"; else t_result 0 "another seed gives other data"; fi
t_eq "--countries PT writes only PT" "PT codebook.csv" "$(ls gen3 | tr '\n' ' ' | sed 's/ $//')"

# The partner export: windows-1252 bytes, ';', CRLF, 300 rows.
pe=partner/PT-outreach-export.csv
t_eq "partner export has a header and 300 rows" "301" "$(wc -l <"$pe" | tr -d ' ')"
t_eq "every partner line ends in CRLF" "301" "$(grep -c "$(printf '\r')\$" "$pe")"
if iconv -f UTF-8 -t UTF-8 "$pe" >/dev/null 2>&1; then t_result 1 "partner export is not UTF-8"
else t_result 0 "partner export is not UTF-8"; fi
t_eq "partner header in windows-1252" "N.º contacto;Data do contacto;País" \
    "$(head -1 "$pe" | iconv -f WINDOWS-1252 -t UTF-8 | cut -d';' -f1-3)"
t_grep "the impossible date is on line 42" "AC-0041;31/02/2020;" "$pe"

# --single-file for benchmarks: one file per kind, every country.
t_ok "--single-file run" "$GEN" --single-file --encounters 2000 --out single
t_eq "--single-file --encounters 2000 gives 2001 lines" "2001" \
    "$(wc -l <single/encounters.csv | tr -d ' ')"
t_eq "--single-file writes only encounters and referrals" "encounters.csv referrals.csv" \
    "$(ls single | tr '\n' ' ' | sed 's/ $//')"
t_eq "--single-file holds all eight countries" "8" \
    "$(cut -d, -f3 single/encounters.csv | grep -v country | sort -u | wc -l | tr -d ' ')"
# Every committed canonical row is valid; the partner export has exactly the
# three documented bad rows (only when p2p-ingest is built).
if [ -x "$BIN/p2p-ingest" ]; then
    t_ok "the committed canonical set ingests" ingest --db study.db \
        "$TOP"/sample-data/csv/codebook.csv "$TOP"/sample-data/csv/*/*.csv
    t_eq "no canonical row is rejected" "0" "$(q 'select count(*) from rejects')"
    t_eq "12000 encounters loaded" "12000" "$(q 'select count(*) from encounters')"
    t_ok "the partner export ingests with its mapping" ingest --db study.db \
        --map "$TOP/sample-data/partner/PT-mapping.ini" "$TOP/sample-data/partner/PT-outreach-export.csv"
    t_eq "exactly the three documented partner rows are rejected" "42|date 152|birth_year 252|sex" \
        "$(q 'select line, column_name from rejects order by line' | tr '\n' ' ' | sed 's/ $//')"
    t_eq "43 partner clients link to canonical PT clients" "43" "$(q "select count(distinct client_code)
        from encounters where country = 'PT' and encounter_id like 'AC-%' and client_code in
        (select client_code from encounters where encounter_id like 'PT-E%')")"
else
    t_result 0 "# SKIP p2p-ingest not built"
fi
t_done
