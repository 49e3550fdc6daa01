#!/bin/sh
# t3004-report-pipeline: ingest the sample data, let the report analyse it
# (--analyse), and check the reports against the database: every partner's
# site names as text, key figures equal to the records' counts.
. "$(dirname "$0")/lib.sh"
S=$TOP/sample-data/csv
[ -d "$S" ] || { echo "1..0 # SKIP no sample-data/csv"; exit 0; }
ingest --db study.db "$S"/codebook.csv "$S"/*/*.csv >/dev/null 2>ingest.err ||
    { echo "Bail out! ingest failed: $(head -3 ingest.err)"; exit 1; }

t_exit 5 "no analysis yet: exit 5" report --db study.db --country ALL -o all.pdf
t_ok "--analyse, consortium report" report --db study.db --country ALL --analyse -o all.pdf
t_ok "qpdf --check" qpdf --check all.pdf
t_eq "one run, over every country" "1|*" "$(q "SELECT count(*), max(country) FROM analysis_runs")"
pdftotext -layout all.pdf - | tr -s ' ' >all.txt
for w in Θεσσαλονίκη Αθήνα Łódź Kraków Šiauliai Győr Pécs Saint-Étienne Liège \
         "'s-Hertogenbosch" Bruxelles Lisboa Ελλάδα Lietuva Magyarország België; do
    t_grep "consortium report has '$w'" "$w" all.txt
done
t_grep "consortium demographics country by country, with intervals" "All clients (95% CI)" all.txt
t_grep "consortium coder agreement has Cohen's kappa too" "Code (κ)" all.txt
t_ok "national report (GR) from the same run" report --db study.db --country GR -o gr.pdf
t_eq "still one run" 1 "$(q "SELECT count(*) FROM analysis_runs")"
pdftotext -layout gr.pdf - | tr -s ' ' >gr.txt
n=$(q "SELECT count(*) FROM encounters WHERE country = 'GR'")
t_grep "GR encounters equal the records ($n)" "Encounters $n" gr.txt
c=$(q "SELECT count(DISTINCT client_code) FROM encounters WHERE country = 'GR' AND client_code IS NOT NULL")
t_grep "GR clients reached equal the distinct codes ($c)" "Clients reached $c" gr.txt
t_grep "Greek site on the national report" "Θεσσαλονίκη" gr.txt
t_grep "the sample files in the annex" "$(q "SELECT sha256 FROM source_files WHERE path LIKE '%/GR/encounters.csv'")" gr.txt
t_eq "every font embedded" "" "$(pdffonts gr.pdf | tail -n +3 | awk '$(NF-4) != "yes"')"
for c in monthly_trend coverage fg_themes cooccurrence_heatmap uptake_by_service; do
    t_ok "chart $c from the sample run" report --db study.db --chart $c --country HU -o $c.svg
done
t_done
