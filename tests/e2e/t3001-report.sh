#!/bin/sh
# t3001-report: the national and consortium PDF reports from a stored run —
# a valid PDF with metadata, outline and page numbers, fonts embedded, the
# partners' letters as text, key figures, and no suppressed count in sight.
. "$(dirname "$0")/lib.sh"
. "$DATA/report/setup.sh"
mkdb study.db || { echo "Bail out! cannot build the test database"; exit 1; }

t_ok "national report (GR) is written" report --db study.db --country GR -o gr.pdf
t_ok "qpdf --check passes" qpdf --check gr.pdf
pdfinfo gr.pdf >info 2>&1
t_grep "title metadata" "Title:           Peer2Peer national report: Greece" info
t_grep "author metadata" "Author:          p2p toolkit" info
t_grep "creator metadata" "Creator:         p2p-report" info
t_grep "subject metadata" "Subject:         Peer and professional outreach" info
t_grep "creation date from SOURCE_DATE_EPOCH" "CreationDate:    Tue Nov 24 00:00:00 2026" info
t_grep "A4 pages" "Page size:       595.276 x 841.89 pts (A4)" info
pages=$(sed -n 's/^Pages: *//p' info)
t_eq "at least ten pages" yes "$([ "${pages:-0}" -ge 10 ] && echo yes)"

pdffonts gr.pdf >fonts 2>&1
t_eq "fonts listed" yes "$([ "$(tail -n +3 fonts | wc -l)" -ge 2 ] && echo yes)"
t_eq "every font embedded" "" "$(tail -n +3 fonts | awk '$(NF-4) != "yes"')"
t_grep "Noto Sans is the text face" "NotoSans-Regular" fonts

pdftotext -layout gr.pdf - | tr -s ' ' >gr.txt
t_grep "running page numbers" "page 1 of $pages" gr.txt
t_grep "last page number" "page $pages of $pages" gr.txt
t_grep "country in English" "Greece" gr.txt
t_grep "country in its own language" "Ελλάδα" gr.txt
t_grep "Greek site name" "Θεσσαλονίκη" gr.txt
t_grep "period in months" "Period January 2019 – December 2019" gr.txt
# The first and last encounter dates of a small scope can point at one
# person: no published page or metadata gives them.
t_eq "no first encounter date in the text" 0 "$(grep -c '2019-01-01' gr.txt)"
t_eq "no last encounter date in the text" 0 "$(grep -c '2019-12-12' gr.txt)"
t_grep "subject metadata: the period in months" "Greece, January 2019 – December 2019; analysis run 1" info
t_eq "no encounter date in the metadata" 0 "$(grep -c '2019-01-01\|2019-12-12' info)"
t_grep "generated date" "Generated 2026-11-24" gr.txt
t_grep "sources on the title page" "encounters-2019-2020.csv (encounters)" gr.txt
# Key figures: encounters, clients reached, share of women with its interval.
t_grep "key figure: encounters" "Encounters 1200" gr.txt
t_grep "key figure: clients reached" "Clients reached 471" gr.txt
t_grep "key figure: women with interval" "29.9% (26.1%–34.1%)" gr.txt
t_grep "key figure: population estimate" "976 (763–1189)" gr.txt
# Suppression, K = 5: mixed-team counts (3 clients, 4 encounters) read <5,
# professional encounters (137) go with them, and never show.
t_grep "primary suppression reads <5" "Encounters 1059 c <5 1200" gr.txt
t_eq "suppressed count 137 nowhere" 0 "$(grep -cw 137 gr.txt)"
t_grep "suppressed bars are said so" "suppressed (<5)" gr.txt
t_grep "suppressed month marked on the trend" "months marked <5 or c: suppressed" gr.txt
# Sections and annexes.
for s in "1. Key figures" "2. Reach by worker type and by site" "3. Who is reached" \
         "4. Referrals: the cascade and uptake" "5. Peers compared with professionals" \
         "6. Encounters over time" "7. Coverage of the hidden population" \
         "8. Focus groups" "Annex A. Data quality" "Annex B. Methods"; do
    t_grep "section '$s'" "$s" gr.txt
done
t_grep "file SHA-256 in the annex" "$(q "SELECT sha256 FROM source_files WHERE file_id = 1")" gr.txt
t_grep "rejects by reason" "invalid date '…' (expected YYYY-MM-DD)" gr.txt
t_eq "no rejected value published" 0 "$(grep -c '31/02/2020' gr.txt)"
t_grep "indicator definitions from the table" "syringes_per_injecting_client" gr.txt
t_grep "caveat: both arms" "sits in both arms" gr.txt
t_grep "caveat: new clients" "everyone met at the start of the data" gr.txt
t_grep "caveat: algebraic links" "Algebraic links between different indicators" gr.txt
t_grep "capture-recapture assumptions" "independent lists" gr.txt
tr -d '\n' <gr.txt | tr -s ' ' >gr.flat
t_grep "provenance: toolkit version and run" "p2p toolkit version 0.1.0 (p2p-report) from analysis run 1" gr.flat
t_grep "provenance: key fingerprint" "3f9a1c2e7b5d4e60a8b1c2d3e4f50617" gr.flat
t_grep "key message: reach" "• Peer educators reached 412 clients, professionals 96." gr.flat
t_grep "key message: young people, a clear difference" "• Peers reach more young people than professionals (risk ratio 3.16)." gr.flat
t_grep "key message: trend" "• Encounters grew by 3.0% a month." gr.flat
t_eq "provenance on the last page" 1 "$(pdftotext -f "$pages" -l "$pages" gr.pdf - | grep -c 'Client-code key fingerprint')"

qpdf --json --json-key=outlines gr.pdf >outline
t_grep "outline: sections" '"title": "1. Key figures"' outline
t_grep "outline: annex" '"title": "Annex B. Methods"' outline
t_grep "outline: subsection" '"title": "Uptake by service"' outline

# K = 0 shows everything, including the 137.
t_ok "report with --min-cell 0" report --db study.db --country GR --min-cell 0 -o gr0.pdf
pdftotext gr0.pdf gr0.txt
t_eq "unsuppressed 137 present with K=0" yes "$(grep -qw 137 gr0.txt && echo yes)"

# Consortium report: every country side by side, every partner's letters.
t_ok "consortium report (ALL)" report --db study.db --country ALL -o all.pdf
t_ok "consortium qpdf --check" qpdf --check all.pdf
pdfinfo all.pdf >ainfo 2>&1
t_grep "consortium title" "Title:           Peer2Peer consortium report: All partner countries" ainfo
pdftotext -layout all.pdf - | tr -s ' ' >all.txt
for w in Θεσσαλονίκη Łódź Šiauliai Győr Gdańsk Kraków Ελλάδα Polska Lietuva Magyarország; do
    t_grep "consortium text has '$w'" "$w" all.txt
done
t_grep "countries side by side" "Indicator GR PL LT HU All" all.txt
t_grep "all files in the annex" "talalkozasok.csv" all.txt
t_grep "rejects by reason: line numbers stripped" "duplicate encounter_id (first on line …)" all.txt
t_eq "consortium fonts embedded" "" "$(pdffonts all.pdf | tail -n +3 | awk '$(NF-4) != "yes"')"

# A scope with one month of encounters names that month alone.
cp study.db one.db
DB=one.db q "DELETE FROM encounters WHERE country = 'PL' AND substr(date, 1, 7) <> '2019-05'"
t_ok "a report over one month" report --db one.db --country PL -o one.pdf
pdftotext one.pdf - | tr -s ' ' >one.txt
t_grep "a single month alone" "Period May 2019" one.txt
t_eq "no range for a single month" 0 "$(grep -c 'May 2019 –' one.txt)"

# Output to stdout when -o is absent (stdout not a terminal).
report --db study.db --country PL >pl.pdf 2>err
t_eq "PDF on stdout" "%PDF" "$(head -c 4 pl.pdf)"
t_done
