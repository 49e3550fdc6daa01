#!/bin/sh
# t2002: p2p-analyse's export formats (csv, json, table), --min-cell,
# --country, usage errors, a missing database, and the stored run.
. "$(dirname "$0")/lib.sh"
A=$DATA/analyse
ingest --db study.db "$A"/*.csv >/dev/null 2>&1

t_ok "csv" analyse --db study.db --format csv -o out.csv
t_eq "csv header" "country,period,indicator,group,numerator,denominator,value,ci_low,ci_high,p_value" \
    "$(head -1 out.csv)"
t_eq "no BOM" "country" "$(head -c 7 out.csv)"
t_eq "LF line ends, no CR" "0" "$(tr -cd '\r' <out.csv | wc -c)"
rows=$(($(wc -l <out.csv) - 1))
python3 - out.csv >py.out 2>&1 <<'PY'
import csv, sys
with open(sys.argv[1], newline='') as f:
    rows = list(csv.reader(f))
bad = [r for r in rows if len(r) != 10]
nums = [x for r in rows[1:] for x in r[4:] if x != '']
for x in nums:
    float(x)
print(len(rows) - 1, len(bad))
PY
t_eq "python csv: every row has 10 fields, every number parses" "$rows 0" "$(cat py.out)"
if command -v Rscript >/dev/null 2>&1; then
    t_eq "R read.csv: every row, 10 columns, numeric figures" \
        "$rows 10 numeric numeric numeric" \
        "$(Rscript -e 'd <- read.csv("out.csv"); cat(nrow(d), ncol(d), class(d$value), class(d$ci_low), class(d$p_value))' 2>/dev/null)"
else
    t_result 0 "# SKIP R read.csv (no Rscript)"
fi
t_ok "-o - is stdout" analyse --db study.db --format csv -o -
t_eq "-o - writes the same csv to stdout" "$(cat out.csv)" "$(cat t_out)"
t_eq "no NaN or inf in csv" "0" "$(grep -ciwE 'nan|inf|infinity' out.csv)"
t_grep "an empty figure is an empty field" "LT,all,encounter_trend,all,,,,,," out.csv
t_grep "a count in numerator and value" "PT,all,encounters,all,10,,10,,," out.csv

t_ok "json" analyse --db study.db --format json -o out.json
t_ok "json parses" python3 -m json.tool out.json
python3 - out.json >py.out 2>&1 <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
keys = ["country", "period", "indicator", "group", "numerator",
        "denominator", "value", "ci_low", "ci_high", "p_value"]
assert all(list(r.keys()) == keys for r in rows), "keys"
assert all(r[k] is None or isinstance(r[k], (int, float)) for r in rows
           for k in keys[4:]), "numbers"
t = [r for r in rows if r["country"] == "LT" and r["indicator"] == "encounter_trend"][0]
e = [r for r in rows if r["country"] == "PT" and r["indicator"] == "encounters"
     and r["group"] == "all"][0]
print(len(rows), t["value"], e["value"])
PY
t_eq "json: same rows as csv, keys in order, null for empty" "$rows None 10" "$(cat py.out)"
t_eq "no NaN in json" "0" "$(grep -ciwE 'nan|inf|infinity' out.json)"

t_ok "table" analyse --db study.db -o out.txt
t_eq "table: a heading per country" "== LT ==|== PT ==|== ALL ==" \
    "$(grep '^== ' out.txt | tr '\n' '|' | sed 's/|$//')"
t_eq "table: one line per row plus headings" \
    "$((rows + 3 * 2 + 2))" "$(wc -l <out.txt)"
t_eq "table: columns aligned (every value column ends where its header does)" "1" \
    "$(awk '/^period/ { e = index($0, " value") + 5; next }
            $2 ~ /^(encounters|share_female|fg_participants)$/ {
              n++; c = substr($0, e, 1); if (c !~ /[0-9]/) bad++ }
            END { print (n > 0 && !bad) ? 1 : 0 }' out.txt)"
t_eq "no NaN in table" "0" "$(grep -ciwE 'nan|inf' out.txt)"

# --min-cell 5: no sensitive count 1..4 anywhere; proportions built on them
# go whole; fg_sessions (1) and text-unit counts stay.
t_ok "--min-cell 5" analyse --db study.db --min-cell 5 --format csv -o k5.csv
t_eq "no sensitive count between 1 and 4 printed" "0" "$(awk -F, '
    $3 ~ /^(encounters|anonymous_encounters|clients_reached|first_contacts|new_clients|syringes_distributed|naloxone_distributed|clients_referred|clients_attended|referrals|fg_participants)$/ &&
    (($5 >= 1 && $5 <= 4) || ($7 >= 1 && $7 <= 4)) { n++ }
    $3 ~ /^(share_|retained_clients|contacts_per_client|referral_rate|referral_uptake)/ && $3 !~ /vs_professional/ &&
    (($5 >= 1 && $5 <= 4) || ($6 >= 1 && $6 <= 4) || ($6 != "" && $6 - $5 >= 1 && $6 - $5 <= 4)) { n++ }
    END { print n + 0 }' k5.csv)"
t_grep "a primary count is an empty field" "PT,all,encounters,worker_type=professional,,,,,," k5.csv
t_grep "a 1-participant role is empty" "LT,all,fg_participants,role=pups,,,,,," k5.csv
t_grep "fg_sessions is never suppressed" "PT,all,fg_sessions,all,1,,1,,," k5.csv
t_grep "code_cooccurrence is never suppressed" "PT,all,code_cooccurrence,code=stigma&code=trust,1,,1,,," k5.csv
t_grep "0 is shown" "LT,all,referrals,all,0,,0,,," k5.csv
t_grep "10 encounters shown" "PT,all,encounters,all,10,,10,,," k5.csv
t_eq "same rows with and without --min-cell" "$rows" "$(($(wc -l <k5.csv) - 1))"

# --country
t_ok "--country pt" analyse --db study.db --country pt --format csv -o pt.csv
t_eq "--country pt: PT rows only" "PT" "$(sed 1d pt.csv | cut -d, -f1 | sort -u | tr '\n' ' ' | sed 's/ $//')"
t_ok "--country ALL" analyse --db study.db --country ALL --format csv -o all.csv
t_eq "--country ALL: pooled rows only" "ALL" "$(sed 1d all.csv | cut -d, -f1 | sort -u)"
t_eq "ALL rows are the same with or without countries" \
    "$(grep '^ALL,' out.csv | md5sum)" "$(grep '^ALL,' all.csv | md5sum)"

# usage errors: exit 2, the program's name first
for args in "--country XX" "--from 2024-13-01" "--to 2024-02-30" "--by week" \
            "--min-cell -1" "--format xml" "stray" "--from 2024-05-01 --to 2024-01-01" \
            "--no-such-option"; do
    # shellcheck disable=SC2086
    t_exit 2 "usage error: $args" analyse --db study.db $args
    t_eq "usage error message: $args" "p2p-analyse:" "$(head -1 t_err | cut -d' ' -f1)"
done
t_exit 2 "no --db" analyse
analyse --db study.db --by week 2>msg.txt
t_grep "diagnosis names the bad value" "p2p-analyse: invalid --by 'week'" msg.txt
analyse --db study.db --from 2024-13-01 2>msg.txt
t_grep "bad date diagnosis" "p2p-analyse: --from: invalid date '2024-13-01' (expected YYYY-MM-DD)" msg.txt
t_exit 6 "missing database" analyse --db nothere.db
t_grep "missing database diagnosis" "p2p-analyse: nothere.db: no such database" t_err
t_eq "a missing database is not created" "no" "$([ -e nothere.db ] && echo yes || echo no)"
t_exit 6 "unwritable -o" analyse --db study.db -o /nonexistent/dir/out.csv
t_ok "--version" analyse --version
t_grep "--version names the program" "p2p-analyse 0." t_out
t_ok "--help" analyse --help
t_grep "--help lists --min-cell" "--min-cell" t_out

# the stored runs
n=$(q "SELECT count(*) FROM analysis_runs")
t_ok "one more run" analyse --db study.db --format csv -o last.csv
t_eq "a run is stored per invocation" "$((n + 1))" "$(q "SELECT count(*) FROM analysis_runs")"
run=$(q "SELECT max(run_id) FROM analysis_runs")
t_eq "indicator_results holds every exported row" "$rows" \
    "$(q "SELECT count(*) FROM indicator_results WHERE run_id = $run")"
t_eq "empty figures are NULL, never NaN" "0" \
    "$(q "SELECT count(*) FROM indicator_results WHERE run_id = $run AND (typeof(value) NOT IN ('real', 'null') OR value != value)")"
t_eq "stored unsuppressed" "1.0" \
    "$(q "SELECT value FROM indicator_results WHERE run_id = $run AND country = 'LT' AND indicator = 'fg_participants' AND grp = 'role=pups'")"
t_eq "figures stored" "1" "$(q "SELECT count(*) > 20 FROM analysis_figures WHERE run_id = $run")"
t_eq "run parameters" "*|||all|0.1.0" \
    "$(q "SELECT country, ifnull(date_from, ''), ifnull(date_to, ''), by_period, toolkit_version FROM analysis_runs WHERE run_id = $run")"
t_eq "run data_version is the database's" \
    "$(q "SELECT value FROM meta WHERE key = 'data_version'")" \
    "$(q "SELECT data_version FROM analysis_runs WHERE run_id = $run")"
t_eq "run key_fingerprint is the database's" \
    "$(q "SELECT value FROM meta WHERE key = 'key_fingerprint'")" \
    "$(q "SELECT key_fingerprint FROM analysis_runs WHERE run_id = $run")"
t_eq "data_fingerprint is SHA-256 hex" "1" \
    "$(q "SELECT length(data_fingerprint) = 64 AND data_fingerprint NOT GLOB '*[^0-9a-f]*' FROM analysis_runs WHERE run_id = $run")"
t_eq "run finished" "1" \
    "$(q "SELECT finished_at >= started_at FROM analysis_runs WHERE run_id = $run")"
t_ok "--country LT --from --by quarter" analyse --db study.db --country LT \
    --from 2024-02-01 --to 2024-03-31 --by quarter --format csv -o q.csv
t_eq "a one-country export is cut from a run stored over every country and ALL" "*|2024-02-01|2024-03-31|quarter" \
    "$(q "SELECT country, date_from, date_to, by_period FROM analysis_runs ORDER BY run_id DESC LIMIT 1")"
t_eq "quarter periods" "2024-Q1 all" "$(sed 1d q.csv | cut -d, -f2 | sort -u | tr '\n' ' ' | sed 's/ $//')"
t_done
