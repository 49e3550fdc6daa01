#!/bin/sh
# t2006: a suppressed export of one country hides what the full export
# hides (the countries of ALL are a partition of the small-cell rule, so a
# country's cells can be suppressed to protect another country's).
. "$(dirname "$0")/lib.sh"
S=$TOP/sample-data/csv
ingest --db study.db "$S"/codebook.csv "$S"/*/*.csv >/dev/null 2>&1
t_ok "full export, K=5, by quarter" analyse --db study.db --by quarter --min-cell 5 --format csv -o full.csv
for cc in PT GR PL LT BE FR NL HU; do
    analyse --db study.db --country $cc --by quarter --min-cell 5 --format csv -o one.csv
    { head -1 full.csv; grep "^$cc," full.csv; } >want.csv
    t_cmp "--country $cc --min-cell 5 equals the full export's $cc rows" want.csv one.csv
done
analyse --db study.db --country ALL --by quarter --min-cell 5 --format csv -o all.csv
{ head -1 full.csv; grep "^ALL," full.csv; } >want.csv
t_cmp "--country ALL --min-cell 5 equals the full export's pooled rows" want.csv all.csv
t_eq "every stored run covers every country and ALL" "*" \
    "$(q 'SELECT DISTINCT country FROM analysis_runs')"
# The case that showed it: HU's naloxone by worker type is suppressed only to
# keep PT's professional count (secondary to PT mixed = 3) from subtraction.
analyse --db study.db --country HU --min-cell 5 --format csv -o hu.csv
t_eq "HU naloxone by peers stays hidden in HU's own export" \
    "HU,all,naloxone_distributed,worker_type=peer,,,,,," \
    "$(grep '^HU,all,naloxone_distributed,worker_type=peer,' hu.csv)"
printf 'encounter_id,date,country,worker_id,worker_type\nE1,2019-05-01,LT,W1,peer\n' >lt.csv
ingest --db lt.db lt.csv >/dev/null
analyse --db lt.db --country PT --min-cell 5 --format csv -o pt.csv
t_eq "a country with no data still gets its rows (zeros)" "PT,all,encounters,all,0,,0,,," \
    "$(grep '^PT,all,encounters,all,' pt.csv)"
t_done
