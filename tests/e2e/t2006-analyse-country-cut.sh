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
# Proportions of encounters and referrals add up over worker types, services
# and countries: no partition may be left with one hidden row beside a shown
# total (GR's 205/363 - 127/208 - 74/143 gave mixed teams' 4/12 back).
t_ok "exact export, by quarter" analyse --db study.db --by quarter --format csv -o exact.csv
python3 - exact.csv full.csv >parts.out 2>&1 <<'PY'
import csv, sys
exact = {(r['country'], r['period'], r['indicator'], r['group']): r for r in csv.DictReader(open(sys.argv[1]))}
shown = {(r['country'], r['period'], r['indicator'], r['group']): r for r in csv.DictReader(open(sys.argv[2]))}
def hidden(k):
    return exact[k]['denominator'] not in ('', '0') and shown[k]['denominator'] == ''
parts = {}   # partition key -> [total key, [cell keys]]
def add(key, k, is_total):
    entry = parts.setdefault(key, [None, []])
    if is_total:
        entry[0] = k
    else:
        entry[1].append(k)
for k in exact:
    c, p, ind, g = k
    if ind not in ('referral_rate', 'referral_uptake'):
        continue
    for dim in ('worker_type=', 'service='):
        if g == 'all' or g.startswith(dim):
            add((c, p, ind, dim), k, g == 'all')
    add((p, ind, g), k, c == 'ALL')
bad = 0
for key, (total, cells) in parts.items():
    if total is None or not cells: continue
    n = sum(hidden(x) for x in [total] + cells)
    if n == 1:
        bad += 1; print('lone hidden row in', key)
print('bad', bad)
PY
t_eq "no partition of referral_rate/referral_uptake has one lone hidden row" "bad 0" "$(tail -1 parts.out)"
t_eq "GR's mixed-team uptake is hidden with a sibling" "GR,all,referral_uptake,worker_type=professional,,,,,," \
    "$(grep '^GR,all,referral_uptake,worker_type=professional,' full.csv | head -1)"
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
