#!/bin/sh
# t2001: p2p-analyse on a dataset small enough to work out by hand
# (tests/data/analyse: 2 countries, 17 encounters, 7 referrals, 2 focus
# groups). Every expected figure below was computed by hand from those files;
# the comments show the arithmetic. Intervals and p-values are compared to
# 1e-4 (relative above 1).
. "$(dirname "$0")/lib.sh"
A=$DATA/analyse

t_ok "ingest the hand-made files" ingest --db study.db \
    "$A/codebook.csv" "$A/focus_groups.csv" "$A/fg_participants.csv" \
    "$A/fg_segments.csv" "$A/encounters.csv" "$A/referrals.csv"
t_ok "analyse every country and ALL" analyse --db study.db --format csv -o out.csv

# check_rows CSV < expected: each expected line (country,period,indicator,
# group,numerator,denominator,value,ci_low,ci_high,p_value) must be a row of
# CSV with the same fields: empty where empty, numbers within tolerance.
check_rows() {
    grep -v '^#' | grep -v '^$' >expect.rows
    while IFS= read -r want; do
        key=$(echo "$want" | cut -d, -f1-4)
        got=$(grep -F "$key," "$1" | awk -F, -v k="$key" '$1","$2","$3","$4 == k')
        res=$(awk -F, -v w="$want" -v g="$got" 'BEGIN {
            if (g == "") { print "missing row"; exit }
            n = split(w, a, ","); m = split(g, b, ",")
            if (m != 10) { print "row has " m " fields"; exit }
            for (i = 5; i <= 10; i++) {
                if (a[i] == "" || b[i] == "") {
                    if (a[i] != b[i]) { print "field " i ": " b[i] " != " a[i]; exit }
                    continue
                }
                d = a[i] - b[i]; if (d < 0) d = -d
                t = a[i] < 0 ? -a[i] : a[i]; if (t < 1) t = 1
                if (d > 1e-4 * t) { print "field " i ": " b[i] " != " a[i]; exit }
            }
            print "ok" }')
        t_eq "$key" "ok" "$res"
        [ "$res" = ok ] || echo "#   row: $got"
    done <expect.rows
}

check_rows out.csv <<'EXPECT'
# Portugal, sorted: PT-01 01-05 peer A | PT-02 01-05 prof B | PT-03 01-20 peer
# anon | PT-04 03-02 prof A | PT-05 03-10 peer C | PT-06 03-10 mixed D |
# PT-07 04-01 prof B | PT-08 04-15 peer B | PT-09 04-15 prof anon |
# PT-10 04-20 peer E. Clients A and B are seen by peers and professionals.
PT,all,encounters,all,10,,10,,,
# peer: 01 03 05 08 10; professional: 02 04 07 09; mixed: 06
PT,all,encounters,worker_type=peer,5,,5,,,
PT,all,encounters,worker_type=professional,4,,4,,,
PT,all,encounters,worker_type=mixed,1,,1,,,
PT,all,anonymous_encounters,all,2,,2,,,
PT,all,anonymous_encounters,worker_type=mixed,0,,0,,,
# clients A B C D E; peer {A C B E}; professional {B A}; mixed {D}
PT,all,clients_reached,all,5,,5,,,
PT,all,clients_reached,worker_type=peer,4,,4,,,
PT,all,clients_reached,worker_type=professional,2,,2,,,
PT,all,clients_reached,worker_type=mixed,1,,1,,,
# first_contact=yes at 01 (A peer), 02 (B prof), 05 (C peer), 06 (D mixed),
# 10 (E peer); A's 'no' at 04 (prof) does not count for professionals
PT,all,first_contacts,all,5,,5,,,
PT,all,first_contacts,worker_type=peer,3,,3,,,
PT,all,first_contacts,worker_type=professional,1,,1,,,
# first-ever: A 01 peer, B 02 prof, C 05 peer, D 06 mixed, E 10 peer
PT,all,new_clients,worker_type=peer,3,,3,,,
PT,all,new_clients,worker_type=professional,1,,1,,,
# sex, latest known: A female (04 'unknown' is not known), B female (male at
# 02, female at 07, unknown at 08), C female, D other, E male -> 3 of 5;
# Wilson 3/5: (0.6 + z²/10 ∓ z·sqrt(0.24/5 + z²/100)) / (1 + z²/5)
PT,all,share_female,all,3,5,0.6,0.2307243,0.8823792,
PT,all,share_female,worker_type=peer,3,4,0.75,0.3006418,0.9544127,
PT,all,share_female,worker_type=professional,2,2,1,0.3423802,1,
PT,all,share_female,worker_type=mixed,0,1,0,0,0.7934507,
# age in 2024: A 24, B 44, C 34, D 23, E 29 -> A, D under 25
PT,all,share_under25,all,2,5,0.4,0.1176208,0.7692757,
PT,all,share_under25,worker_type=peer,1,4,0.25,0.0455873,0.6993582,
# years of use: A 24-22=2, B 44-20=24, C 34-30=4, D 23-23=0, E 29-25=4
PT,all,share_early_career,all,2,5,0.4,0.1176208,0.7692757,
PT,all,share_early_career,worker_type=professional,1,2,0.5,0.0945312,0.9054688,
# injecting: A yes (01, 04), B no (02), C unknown, D no, E yes -> 2 of 4
PT,all,share_injecting,all,2,4,0.5,0.1500390,0.8499610,
PT,all,share_injecting,worker_type=peer,2,3,0.6666667,0.2076596,0.9385081,
# A (01, 04) and B (02, 07, 08) seen twice or more
PT,all,retained_clients,all,2,5,0.4,0.1176208,0.7692757,
PT,all,retained_clients,worker_type=professional,2,2,1,0.3423802,1,
# named encounters / clients: 8/5; peer 01 05 08 10 / 4; prof 02 04 07 / 2
PT,all,contacts_per_client,all,8,5,1.6,,,
PT,all,contacts_per_client,worker_type=peer,4,4,1,,,
PT,all,contacts_per_client,worker_type=professional,3,2,1.5,,,
# syringes 01:10 03:5 04:4 10:20; naloxone 01:1 10:2
PT,all,syringes_distributed,all,39,,39,,,
PT,all,syringes_distributed,worker_type=peer,35,,35,,,
PT,all,naloxone_distributed,worker_type=peer,3,,3,,,
# per injecting client (A, E): 39/2; peer 35/2; prof 4/1 (A); mixed 0/0
PT,all,syringes_per_injecting_client,all,39,2,19.5,,,
PT,all,syringes_per_injecting_client,worker_type=peer,35,2,17.5,,,
PT,all,syringes_per_injecting_client,worker_type=professional,4,1,4,,,
PT,all,syringes_per_injecting_client,worker_type=mixed,0,0,,,,
# referrals: R1 R2 at 01, R3 at 02, R4 at 05, R5 at 07, R6 at 09 (anon),
# R7 at 10 -> encounters referred 01 02 05 07 09 10
PT,all,referral_rate,all,6,10,0.6,0.3126738,0.8318197,
PT,all,referral_rate,worker_type=peer,3,5,0.6,0.2307243,0.8823792,
PT,all,referrals,worker_type=professional,3,,3,,,
# referred clients A B C E (R6's encounter has no client); attended R1 (A)
# R4 (C) R5 (B)
PT,all,clients_referred,all,4,,4,,,
PT,all,clients_referred,worker_type=professional,1,,1,,,
PT,all,clients_attended,all,3,,3,,,
PT,all,clients_attended,worker_type=peer,2,,2,,,
# attended R1 R4 R5 of attended/not_attended R1 R2 R4 R5 R6 (R3 pending and
# R7 unknown left out)
PT,all,referral_uptake,all,3,5,0.6,0.2307243,0.8823792,
PT,all,referral_uptake,worker_type=mixed,0,0,,,,
PT,all,referral_uptake,service=ost,1,1,1,0.2065493,1,
PT,all,referral_uptake,service=social,0,1,0,0,0.7934507,
PT,all,referral_uptake,service=legal,0,0,,,,
# share_female 3/4 vs 2/2: RR 0.75; a cell is 0 -> no interval; Fisher on
# [[3,1],[2,0]]: P(a=3)=4/6, P(a=4)=2/6, both <= 4/6 -> p = 1
PT,all,share_female_peer_vs_professional,all,,,0.75,,,1
# under25 1/4 vs 1/2: RR 0.5, se = sqrt(1/1-1/4+1/1-1/2) = 1.118034,
# 0.5·exp(∓1.959964·1.118034) = 0.0558853, 4.4734467
PT,all,share_under25_peer_vs_professional,all,,,0.5,0.0558853,4.4734467,1
# referral_rate 3/5 vs 3/4: RR 0.8, se = sqrt(1/3-1/5+1/3-1/4) = 0.465475
PT,all,referral_rate_peer_vs_professional,all,,,0.8,0.3212752,1.9920615,1
# uptake 2/3 vs 1/2: RR 4/3, se = sqrt(1/2-1/3+1-1/2) = 0.816497
PT,all,referral_uptake_peer_vs_professional,all,,,1.3333333,0.2691136,6.6060505,1
# monthly counts Jan 3, Feb 0 (empty month inside the span), Mar 3, Apr 4:
# Poisson MLE b1 = 0.2440257, se 0.2900009 (Newton iterations by hand/calc)
PT,all,encounter_trend,all,,,1.2763771,0.7229858,2.2533479,0.4000874
# n1 = peer {A C B E} 4, n2 = prof {B A} 2, m = {A B} 2 (D mixed counts for
# neither): 5·3/3 - 1 = 4, Var = 5·3·2·0/(9·4) = 0, lower bound n1+n2-m = 4
PT,all,population_estimate,all,,,4,4,4,
# 5/4 capped at 1; bounds 5/4, 5/4 capped
PT,all,coverage,all,5,4,1,1,1,
PT,all,fg_sessions,all,1,,1,,,
PT,all,fg_participants,all,4,,4,,,
PT,all,fg_participants,role=pups,2,,2,,,
PT,all,fg_participants,role=dealer,0,,0,,,
# FG-PT-01 segments S1 {trust}, S2 {trust, stigma}, S3 {police: rui only},
# S4 {cooperation}
PT,all,code_frequency,all,4,4,1,0.5101092,1,
PT,all,code_frequency,code=trust,2,4,0.5,0.1500390,0.8499610,
PT,all,code_frequency,code=police,1,4,0.25,0.0455873,0.6993582,
PT,all,code_frequency,theme=relations,3,4,0.75,0.3006418,0.9544127,
PT,all,code_frequency,theme=barriers,2,4,0.5,0.1500390,0.8499610,
PT,all,code_cooccurrence,all,1,,1,,,
PT,all,code_cooccurrence,code=stigma&code=trust,1,,1,,,
# trust: ana 1 1 0 0, rui 1 0 0 0; coincidences o11=2, o10=o01=1, o00=4,
# n=8, n1=3, n0=5: alpha = 1 - (2/8)/(2·3·5/(8·7)) = 0.5333333;
# kappa: po = 3/4, pe = .5·.25 + .5·.75 = .5 -> 0.5
PT,all,coder_agreement,code=trust,,,0.5333333,,,
PT,all,coder_kappa,code=trust,,,0.5,,,
# police (only rui used it): ana 0 0 0 0, rui 0 0 1 0: D_o = 2/8,
# D_e = 2·1·7/56 = 2/8 -> alpha 0; po = 3/4 = pe -> kappa 0
PT,all,coder_agreement,code=police,,,0,,,
PT,all,coder_kappa,code=police,,,0,,,
PT,all,coder_agreement,code=stigma,,,1,,,
# every code pooled (16 segment×code units): o11=6, o10=o01=2, o00=22,
# n1=8, n0=24: 1 - (4/32)/(2·8·24/(32·31)) = 0.6770833;
# kappa: po = 14/16, pe = (4/16)² + (12/16)² = 0.625 -> 0.6666667
PT,all,coder_agreement,all,,,0.6770833,,,
PT,all,coder_kappa,all,,,0.6666667,,,

# Lithuania, no referrals: LT-1 02-01 peer X | LT-2 02-14 peer X |
# LT-3 03-03 prof Y | LT-4 03-03 prof anon | LT-5 03-20 mixed Z |
# LT-6 03-21 peer Y | LT-7 03-25 prof A (not Portugal's A: another client)
LT,all,encounters,all,7,,7,,,
LT,all,clients_reached,all,4,,4,,,
LT,all,clients_reached,worker_type=peer,2,,2,,,
LT,all,new_clients,worker_type=professional,2,,2,,,
# X male, Y female (LT-6 unknown), Z female, A male
LT,all,share_female,all,2,4,0.5,0.1500390,0.8499610,
# years of use: X 39-30=9, Y 21-18=3, Z and A unknown
LT,all,share_early_career,all,0,2,0,0,0.6576198,
LT,all,share_early_career,worker_type=mixed,0,0,,,,
# Y: no at LT-3, yes at LT-6 -> yes for professionals too
LT,all,share_injecting,worker_type=professional,1,1,1,0.2065493,1,
LT,all,referral_rate,all,0,7,0,0,0.3543304,
LT,all,referrals,all,0,,0,,,
LT,all,referral_uptake,all,0,0,,,,
# early career 0/2 vs 0/1: professional numerator 0 -> no ratio; p = 1
LT,all,share_early_career_peer_vs_professional,all,,,,,,1
LT,all,referral_uptake_peer_vs_professional,all,,,,,,
# two months (Feb, Mar): fewer than 3 -> empty
LT,all,encounter_trend,all,,,,,,
# n1 {X Y} 2, n2 {Y A} 2, m {Y} 1: 3·3/2 - 1 = 3.5, Var = 9·1·1/(4·3)
# = 0.75, 3.5 ∓ 1.959964·0.8660254 -> lower max(1.8026, 3) = 3, upper 5.1973786
LT,all,population_estimate,all,,,3.5,3,5.1973786,
LT,all,coverage,all,4,3.5,1,0.7696187,1,
# only one coder (ana) in Lithuania: no agreement figure
LT,all,coder_agreement,code=trust,,,,,,
LT,all,coder_kappa,all,,,,,,
LT,all,code_frequency,all,2,3,0.6666667,0.2076596,0.9385081,

# ALL pools the records; clients stay their country's
ALL,all,encounters,all,17,,17,,,
ALL,all,clients_reached,all,9,,9,,,
ALL,all,share_female,all,5,9,0.5555556,0.2666513,0.8112215,
# Jan 3, Feb 2, Mar 8, Apr 4: b1 = 0.2145132, se 0.2211729
ALL,all,encounter_trend,all,,,1.2392584,0.8033396,1.9117215,0.3321019
# 4 + 3.5, Var 0 + 0.75; lower max(5.8026, 4 + 3) = 7
ALL,all,population_estimate,all,,,7.5,7,9.1973786,
ALL,all,coverage,all,9,7.5,1,0.9785397,1,
ALL,all,fg_sessions,all,2,,2,,,
ALL,all,code_frequency,code=trust,3,7,0.4285714,0.1582199,0.7495416,
# rui has no row for FG-LT-01: missing there, so alpha is Portugal's
ALL,all,coder_agreement,code=trust,,,0.5333333,,,
# rui did not code every focus group: no kappa
ALL,all,coder_kappa,code=trust,,,,,,
EXPECT

# Scope: the sex from the latest encounter over the whole database (B is
# female from PT-07 in April), first-ever encounters before the scope.
t_ok "analyse PT, January only" analyse --db study.db --country PT \
    --to 2024-01-31 --format csv -o jan.csv
t_ok "analyse from March" analyse --db study.db --from 2024-03-01 \
    --format csv -o mar.csv
t_ok "analyse by month" analyse --db study.db --by month --format csv -o month.csv
check_rows jan.csv <<'EXPECT'
# January: A (female) and B (female at PT-07, outside the scope)
PT,all,share_female,all,2,2,1,0.3423802,1,
PT,all,encounters,all,3,,3,,,
EXPECT
check_rows mar.csv <<'EXPECT'
# from March: clients A B C D E; A and B were first seen in January
PT,all,clients_reached,all,5,,5,,,
PT,all,new_clients,all,3,,3,,,
PT,all,new_clients,worker_type=peer,2,,2,,,
PT,all,new_clients,worker_type=professional,0,,0,,,
# months Mar 3, Apr 4: too short for a trend
PT,all,encounter_trend,all,,,,,,
EXPECT
check_rows month.csv <<'EXPECT'
PT,all,encounters,all,10,,10,,,
# February: no Portuguese encounter, the rows are still there
PT,2024-02,encounters,all,0,,0,,,
PT,2024-02,clients_reached,all,0,,0,,,
PT,2024-02,share_female,all,0,0,,,,
LT,2024-01,encounters,all,0,,0,,,
LT,2024-02,fg_sessions,all,1,,1,,,
# March: A (first seen in Jan), C, D new
PT,2024-03,clients_reached,all,3,,3,,,
PT,2024-03,new_clients,all,2,,2,,,
# April: B (female), E (male)
PT,2024-04,share_female,all,1,2,0.5,0.0945312,0.9054688,
ALL,2024-03,encounters,all,8,,8,,,
EXPECT
t_eq "periods with --by month" "2024-01 2024-02 2024-03 2024-04 all" \
    "$(cut -d, -f2 month.csv | sed 1d | sort -u | tr '\n' ' ' | sed 's/ $//')"

# The stored run: what the report draws besides the export's rows.
run=$(q "SELECT run_id FROM analysis_runs WHERE country = '*' AND by_period = 'all' AND date_from IS NULL ORDER BY run_id LIMIT 1")
fig() { q "SELECT value || '|' || ifnull(value2, '') FROM analysis_figures WHERE run_id = $run AND country = '$1' AND period = 'all' AND figure = '$2' AND grp = '$3' AND key = '$4'"; }
t_eq "monthly_encounters PT 2024-02 stored as 0" "0.0|" "$(fig PT monthly_encounters all 2024-02)"
t_eq "monthly_encounters PT peer 2024-04 (PT-08, PT-10)" "2.0|" \
    "$(fig PT monthly_encounters worker_type=peer 2024-04)"
t_eq "capture_recapture LT n1" "2.0|" "$(fig LT capture_recapture all n1)"
t_eq "capture_recapture LT m" "1.0|" "$(fig LT capture_recapture all m)"
t_eq "trend PT months" "4.0|" "$(fig PT trend all months)"
t_eq "trend PT slope" "0.244026" \
    "$(q "SELECT printf('%.6f', value) FROM analysis_figures WHERE run_id = $run AND country = 'PT' AND figure = 'trend' AND key = 'slope' AND period = 'all'")"
# Lisboa: clients A B E, encounters 01 02 04 07 09 10; peers: A E, 01 10
t_eq "reach_by_site PT Lisboa" "3.0|6.0" "$(fig PT reach_by_site all Lisboa)"
t_eq "reach_by_site PT Lisboa peers" "2.0|2.0" "$(fig PT reach_by_site worker_type=peer Lisboa)"
t_eq "reach_by_setting PT street" "3.0|6.0" "$(fig PT reach_by_setting all street)"
t_eq "reach_by_site ALL Kaunas (LT-3, LT-4, LT-7)" "2.0|3.0" "$(fig ALL reach_by_site all Kaunas)"
t_done
