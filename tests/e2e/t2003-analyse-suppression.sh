#!/bin/sh
# t2003: the small-cell rule's guarantees hold on the whole sample data set
# (8 countries, by quarter, K = 5 and K = 10): no small count shown, no
# partition left with exactly one suppressed cell, no row built on a
# suppressed count, comparisons and coverage with their parts.
. "$(dirname "$0")/lib.sh"
S=$TOP/sample-data/csv
ingest --db study.db "$S"/codebook.csv "$S"/*/*.csv >/dev/null 2>&1
t_eq "sample data ingested" "12000" "$(q 'SELECT count(*) FROM encounters')"

for k in 5 10; do
    t_ok "analyse --by quarter (exact)" analyse --db study.db --by quarter \
        --format csv -o exact.csv
    t_ok "analyse --by quarter --min-cell $k" analyse --db study.db --by quarter \
        --min-cell $k --format csv -o k.csv
    python3 - exact.csv k.csv $k >check.out 2>&1 <<'PY'
import csv, sys
K = int(sys.argv[3])
def load(p):
    with open(p, newline='') as f:
        r = csv.DictReader(f)
        return {(x['country'], x['period'], x['indicator'], x['group']): x for x in r}
exact, pub = load(sys.argv[1]), load(sys.argv[2])
counts = {'encounters', 'anonymous_encounters', 'clients_reached', 'first_contacts',
          'new_clients', 'syringes_distributed', 'naloxone_distributed',
          'clients_referred', 'clients_attended', 'referrals', 'fg_participants'}
additive = {'encounters', 'anonymous_encounters', 'new_clients', 'syringes_distributed',
            'naloxone_distributed', 'referrals', 'fg_participants'}
props = {'share_female', 'share_under25', 'share_early_career', 'share_injecting',
         'retained_clients', 'referral_rate', 'referral_uptake'}
links = {'retained_clients': 'clients_reached', 'contacts_per_client': 'clients_reached',
         'referral_rate': 'encounters', 'syringes_per_injecting_client': 'syringes_distributed'}
fails = {}
def fail(what, key):
    fails.setdefault(what, []).append(key)
small = lambda v: v != '' and 0 < float(v) < K
empty = lambda key: pub[key]['value'] == ''
assert exact.keys() == pub.keys()
n_supp = 0
for key, r in pub.items():
    e = exact[key]
    ind = key[2]
    if ind in counts:
        if small(r['value']) or small(r['numerator']):
            fail('small count shown', key)
        if r['value'] == '' and e['value'] != '':
            n_supp += 1
            if r['numerator'] != '':
                fail('numerator of a suppressed count shown', key)
    if ind in props and r['value'] != '':
        n, d = float(r['numerator']), float(r['denominator'])
        if small(r['numerator']) or small(r['denominator']) or 0 < d - n < K:
            fail('small proportion shown', key)
    if ind in links and r['value'] != '':
        base = (key[0], key[1], links[ind], key[3])
        if base in pub and empty(base):
            fail('row on a suppressed count shown', key)
    if ind.endswith('_peer_vs_professional') and r['value'] != '':
        b = ind[:-len('_peer_vs_professional')]
        for g in ('worker_type=peer', 'worker_type=professional'):
            if empty((key[0], key[1], b, g)) and exact[(key[0], key[1], b, g)]['value'] != '':
                fail('comparison with a suppressed part shown', key)
    if ind == 'coverage' and r['value'] != '':
        if empty((key[0], key[1], 'population_estimate', 'all')) or \
           empty((key[0], key[1], 'clients_reached', 'all')):
            fail('coverage with a suppressed estimate shown', key)
# partitions: worker types / roles within a scope, countries within ALL
parts = {}
for key, r in pub.items():
    c, p, ind, g = key
    if ind in additive and (g == 'all' or g.startswith('worker_type=') or g.startswith('role=')):
        parts.setdefault(('grp', c, p, ind), []).append(key)
    if ind in counts or ind == 'population_estimate':
        parts.setdefault(('cty', p, ind, g), []).append(key)
for pk, keys in parts.items():
    if not any(exact[k]['value'] != '' for k in keys):
        continue
    total = [k for k in keys if (k[3] == 'all' if pk[0] == 'grp' else k[0] == 'ALL')]
    if not total or exact[total[0]]['value'] == '':
        continue
    sup = [k for k in keys if empty(k) and exact[k]['value'] != '']
    if len(sup) == 1:
        fail('partition with exactly one suppressed cell', pk)
for w, ks in sorted(fails.items()):
    print('FAIL', w, len(ks), ks[:3])
print('suppressed counts', 'some' if n_supp > 0 else 'none')
PY
    t_eq "K=$k: every guarantee holds" "suppressed counts some" "$(cat check.out)"
done
t_done
