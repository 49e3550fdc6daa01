#!/bin/sh
# t2004: the order of one client's encounters on one day is the ids' byte
# order (not the locale's), and text that needs quoting is quoted in the csv
# (RFC 4180) and escaped in the json. Data: tests/data/analyse/ties.
. "$(dirname "$0")/lib.sh"
T=$DATA/analyse/ties
t_ok "ingest" ingest --db study.db "$T"/*.csv
t_ok "analyse" analyse --db study.db --country BE --format csv -o out.csv

# Client K has three encounters on 2024-05-02. Byte order: BE-Z (0x5A,
# peer, female, born 2000, age at first use 17) < BE-a (0x61, professional,
# male, born 1990) < BE-é (0xC3 0xA9, mixed, sex unknown) — a locale's
# collation would put BE-Z last. So K's first-ever encounter is BE-Z (peer)
# and K's latest known sex and birth year are BE-a's: male, 1990 (age 34).
# Client L: BE-b 05-01 (professional, female, 1999: 25), BE-c 06-10 (peer).
t_grep "K's first encounter (BE-Z) was with a peer" "BE,all,new_clients,worker_type=peer,1,,1,,," out.csv
t_grep "L's first (BE-b) with a professional" "BE,all,new_clients,worker_type=professional,1,,1,,," out.csv
t_grep "none with the mixed team (BE-é is K's last)" "BE,all,new_clients,worker_type=mixed,0,,0,,," out.csv
t_grep "K is male (BE-a, the latest known; BE-é's unknown does not count)" \
    "BE,all,share_female,all,1,2,0.5,0.09453120464,0.9054687954," out.csv
t_grep "K born 1990 (34), L 1999 (25): nobody under 25" \
    "BE,all,share_under25,all,0,2,0,0,0.657619776," out.csv
# K's age at first use comes from BE-Z, the only one: 34 - 17 = 17 years
t_grep "years of use from values of different encounters" \
    "BE,all,share_early_career,all,0,1,0,0,0.7934506882," out.csv

# Quoting: a code with a comma and a space.
t_grep "a group with a comma is quoted" \
    'BE,all,code_frequency,"code=hope, fear",2,3,0.6666666667,0.2076595988,0.938508056,' out.csv
t_grep "a pair with a comma is quoted" \
    'BE,all,code_cooccurrence,"code=hope, fear&code=trust",1,,1,,,' out.csv
t_eq "python's csv reads 10 fields on every row" "0" \
    "$(python3 -c 'import csv,sys; print(sum(len(r) != 10 for r in csv.reader(open(sys.argv[1], newline=""))))' out.csv)"
t_ok "json" analyse --db study.db --country BE --format json -o out.json
t_eq "json keeps the group's text" "code=hope, fear" \
    "$(python3 -c 'import json,sys; print([r["group"] for r in json.load(open(sys.argv[1])) if r["indicator"] == "code_frequency"][1])' out.json)"
run=$(q "SELECT max(run_id) FROM analysis_runs")
t_eq "a site name with a comma and a letter outside ASCII kept in the figures" \
    "Gent, centrum|1.0|1.0;Liège|2.0|4.0" \
    "$(q "SELECT group_concat(key || '|' || value || '|' || value2, ';') FROM (SELECT * FROM analysis_figures WHERE run_id = $run AND country = 'BE' AND figure = 'reach_by_site' AND grp = 'all' ORDER BY key)")"
t_done
