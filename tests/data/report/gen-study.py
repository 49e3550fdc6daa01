#!/usr/bin/env python3
"""gen-study.py: writes study.sql, a small synthetic stored analysis for the
report tests (stdlib only). The numbers are chosen, not computed from
records: indicator_results and analysis_figures rows of one run over four
countries and ALL, source files with rejects, and a few encounters so that
--analyse has data to read. Some cells are small on purpose:
GR mixed-team counts (clients 3, encounters 4) are suppressed with K=5, and
GR professional encounters (137) go with them by the rule against
subtraction. Run: python3 gen-study.py > study.sql"""
import math

Z = 1.959964


def wilson(x, n):
    if n == 0:
        return None, None
    p = x / n
    d = 1 + Z * Z / n
    c = (p + Z * Z / (2 * n)) / d
    h = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / d
    return max(0.0, c - h), min(1.0, c + h)


def q(v):
    if v is None:
        return "NULL"
    if isinstance(v, str):
        return "'" + v.replace("'", "''") + "'"
    return repr(float(v))


rows = []
figs = []


def row(cc, ind, grp, num=None, den=None, val=None, lo=None, hi=None, p=None):
    rows.append((cc, ind, grp, num, den, val, lo, hi, p))


def fig(cc, name, grp, key, v, v2=None):
    figs.append((cc, name, grp, key, v, v2))


# Per country and worker type (peer, professional, mixed):
# encounters, anonymous, clients, first_contacts, new_clients, female,
# sex_known, under25, age_known, early, career_known, injecting, inj_known,
# retained, syringes, naloxone, enc_referred, referrals, attended, decided,
# referred_clients, attended_clients
W = ["peer", "professional", "mixed"]
DATA = {
    "GR": [
        [1059, 80, 412, 120, 150, 130, 400, 160, 380, 90, 300, 210, 390, 260,
         5200, 140, 160, 190, 110, 150, 120, 80],
        [137, 10, 96, 20, 30, 18, 95, 12, 90, 8, 70, 60, 92, 50,
         700, 20, 40, 44, 30, 40, 35, 25],
        [4, 0, 3, 1, 1, 1, 3, 1, 3, 0, 2, 2, 3, 1,
         10, 0, 1, 1, 1, 1, 1, 1],
    ],
    "PL": [
        [640, 40, 250, 70, 90, 60, 240, 90, 230, 50, 200, 140, 240, 150,
         3100, 90, 110, 120, 70, 100, 80, 50],
        [520, 30, 210, 40, 60, 40, 205, 50, 200, 25, 170, 120, 205, 120,
         2800, 70, 100, 115, 60, 95, 75, 45],
        [60, 5, 30, 8, 10, 9, 30, 8, 29, 5, 25, 20, 30, 15,
         300, 10, 12, 14, 8, 12, 10, 7],
    ],
    "LT": [
        [300, 20, 120, 40, 50, 35, 118, 45, 110, 30, 100, 70, 115, 70,
         1400, 40, 50, 60, 40, 55, 45, 30],
        [280, 25, 110, 20, 30, 20, 108, 22, 105, 12, 90, 65, 108, 60,
         1300, 35, 45, 50, 30, 45, 38, 25],
        [0] * 22,
    ],
    "HU": [
        [410, 30, 160, 50, 60, 48, 158, 62, 150, 40, 130, 90, 155, 95,
         2100, 60, 70, 80, 50, 70, 60, 40],
        [390, 20, 150, 30, 40, 30, 148, 35, 140, 20, 120, 85, 148, 80,
         2000, 55, 65, 70, 40, 60, 50, 35],
        [30, 2, 15, 5, 5, 5, 15, 5, 14, 3, 12, 9, 15, 8,
         150, 5, 6, 7, 4, 6, 5, 4],
    ],
}
# clients seen by both peers and professionals (m), per country
BOTH = {"GR": 40, "PL": 60, "LT": 5, "HU": 35}
SITES = {
    "GR": ["Θεσσαλονίκη", "Αθήνα", "Πάτρα"],
    "PL": ["Łódź", "Kraków", "Gdańsk"],
    "LT": ["Šiauliai", "Vilnius"],
    "HU": ["Győr", "Budapest"],
}
SERVICES = ["drug_treatment", "hiv_hcv_testing", "housing", "ost"]
CODES = [("access", "barriers"), ("stigma", "barriers"), ("trust", "relations"),
         ("police", "barriers"), ("peer_support", "relations")]
ROLES = ["pups", "peer_educator", "outreach_worker", "professional"]


def tally_all(t):
    # clients etc. are not additive across worker types (overlap): the
    # "all" figure is the sum less the overlap for client counts.
    return t


def emit_country(cc, T, m):
    s = [sum(x) for x in zip(*T)]
    # clients in both arms count once in "all"
    s[2] -= m
    groups = [("worker_type=" + W[i], T[i]) for i in range(3)] + [("all", s)]
    for g, t in groups:
        (enc, anon, cl, fc, new, fem, sexk, u25, agek, early, cark, inj, injk,
         ret, syr, nal, encref, refs, att, dec, refcl, attcl) = t
        row(cc, "encounters", g, enc, None, enc)
        row(cc, "anonymous_encounters", g, anon, None, anon)
        row(cc, "clients_reached", g, cl, None, cl)
        row(cc, "first_contacts", g, fc, None, fc)
        row(cc, "new_clients", g, new, None, new)
        for name, x, n in [("share_female", fem, sexk), ("share_under25", u25, agek),
                           ("share_early_career", early, cark),
                           ("share_injecting", inj, injk),
                           ("retained_clients", ret, cl),
                           ("referral_rate", encref, enc),
                           ("referral_uptake", att, dec)]:
            lo, hi = wilson(x, n)
            row(cc, name, g, x, n, x / n if n else None, lo, hi)
        row(cc, "contacts_per_client", g, enc - anon, cl,
            (enc - anon) / cl if cl else None)
        row(cc, "syringes_distributed", g, syr, None, syr)
        row(cc, "naloxone_distributed", g, nal, None, nal)
        row(cc, "syringes_per_injecting_client", g, syr, inj,
            syr / inj if inj else None)
        row(cc, "clients_referred", g, refcl, None, refcl)
        row(cc, "clients_attended", g, attcl, None, attcl)
        row(cc, "referrals", g, refs, None, refs)
    for k, svc in enumerate(SERVICES):
        dec = 20 + 7 * k + len(cc)
        att = dec // 2 + k * 3
        lo, hi = wilson(att, dec)
        row(cc, "referral_uptake", "service=" + svc, att, dec, att / dec, lo, hi)
    P, R = T[0], T[1]
    for name, (xi, ni) in [("share_female", (5, 6)), ("share_under25", (7, 8)),
                           ("share_early_career", (9, 10)),
                           ("referral_rate", (16, 0)),
                           ("referral_uptake", (18, 19))]:
        a, n1, c, n2 = P[xi], P[ni], R[xi], R[ni]
        if n1 and n2 and c:
            rr = (a / n1) / (c / n2)
            se = math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2) if a else None
            lo = rr * math.exp(-Z * se) if se else None
            hi = rr * math.exp(Z * se) if se else None
            p = min(1.0, 0.5 * math.exp(-abs(math.log(rr)) * 8))
            row(cc, name + "_peer_vs_professional", "all", None, None, rr, lo, hi, p)
        else:
            row(cc, name + "_peer_vs_professional", "all")
    # monthly series, 2019-01 .. 2020-12, a trend and its fit
    total = s[0]
    months = 24
    b1 = 0.03 if cc != "LT" else -0.02
    w = [math.exp(b1 * i) for i in range(months)]
    counts = [round(total * x / sum(w)) for x in w]
    if cc == "GR":
        counts[3] = 2          # a small month: "<5"
    i = months - 1
    while sum(counts) != total:   # spread the rounding over the last months
        counts[i] += 1 if sum(counts) < total else -1
        i = i - 1 if i > 4 else months - 1
    b0 = math.log(total / sum(w))
    for i, n in enumerate(counts):
        fig(cc, "monthly_encounters", "all",
            "%04d-%02d" % (2019 + i // 12, i % 12 + 1), n)
    fig(cc, "trend", "all", "intercept", b0)
    fig(cc, "trend", "all", "slope", b1)
    fig(cc, "trend", "all", "months", months)
    row(cc, "encounter_trend", "all", None, None, math.exp(b1),
        math.exp(b1 - 0.006 * Z), math.exp(b1 + 0.006 * Z), 1e-6 if cc != "LT" else 0.002)
    n1, n2 = P[2], R[2]
    fig(cc, "capture_recapture", "all", "n1", n1)
    fig(cc, "capture_recapture", "all", "n2", n2)
    fig(cc, "capture_recapture", "all", "m", m)
    est = (n1 + 1) * (n2 + 1) / (m + 1) - 1
    var = (n1 + 1) * (n2 + 1) * (n1 - m) * (n2 - m) / ((m + 1) ** 2 * (m + 2))
    lo = max(n1 + n2 - m, est - Z * math.sqrt(var))
    hi = est + Z * math.sqrt(var)
    row(cc, "population_estimate", "all", None, None, est, lo, hi)
    reached = s[2]
    row(cc, "coverage", "all", reached, est, min(1, reached / est),
        min(1, reached / hi), min(1, reached / lo))
    for k, site in enumerate(SITES[cc]):
        for i in range(3):
            share = [0.6, 0.3, 0.1][k] if len(SITES[cc]) == 3 else [0.7, 0.3][k]
            cl = round(T[i][2] * share)
            en = round(T[i][0] * share)
            if T[i][2]:
                fig(cc, "reach_by_site", "worker_type=" + W[i], site, cl, en)
    # focus groups
    row(cc, "fg_sessions", "all", 2, None, 2)
    parts = [6, 3, 2, 1 if cc == "GR" else 2]
    row(cc, "fg_participants", "all", sum(parts), None, sum(parts))
    for r, n in zip(ROLES, parts):
        row(cc, "fg_participants", "role=" + r, n, None, n)
    segs = 40 + len(cc)
    themes = {}
    for k, (code, theme) in enumerate(CODES):
        n = 18 - 3 * k
        themes[theme] = themes.get(theme, 0) + n
        row(cc, "code_frequency", "code=" + code, n, segs, n / segs)
        row(cc, "coder_agreement", "code=" + code, None, None, 0.62 + 0.07 * k)
        row(cc, "coder_kappa", "code=" + code, None, None, 0.60 + 0.07 * k)
    for t, n in sorted(themes.items()):
        n = min(n, segs)
        row(cc, "code_frequency", "theme=" + t, n, segs, n / segs)
    names = sorted(c for c, _ in CODES)
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            n = (i * 3 + j * 2 + len(cc)) % 9
            if n:
                row(cc, "code_cooccurrence", "code=%s&code=%s" % (names[i], names[j]),
                    n, None, n)
    return s


sums = {}
for cc in DATA:
    emit_country(cc, DATA[cc], BOTH[cc])
# ALL: pool the countries' rows of additive counts; proportions from the
# pooled numerators and denominators.
pool = {}
for (cc, ind, grp, num, den, val, lo, hi, p) in list(rows):
    key = (ind, grp)
    e = pool.setdefault(key, [0, 0, True])
    if num is None:
        e[2] = False
        continue
    e[0] += num
    e[1] += den or 0
for (ind, grp), (num, den, ok) in sorted(pool.items()):
    if not ok or ind in ("coder_agreement", "coder_kappa"):
        continue
    if den:
        lo, hi = wilson(num, den) if ind not in ("contacts_per_client",
                                                   "syringes_per_injecting_client",
                                                   "coverage") else (None, None)
        row("ALL", ind, grp, num, den, num / den, lo, hi)
    elif ind in ("code_frequency",):
        continue
    else:
        row("ALL", ind, grp, num, None, num)
for ind in ["share_female", "share_under25", "share_early_career", "referral_rate",
            "referral_uptake"]:
    row("ALL", ind + "_peer_vs_professional", "all", None, None, 1.21, 1.05, 1.40, 0.008)
row("ALL", "encounter_trend", "all", None, None, 1.021, 1.015, 1.027, 1e-9)
row("ALL", "population_estimate", "all", None, None, 4100, 3300, 4900)
row("ALL", "coverage", "all", 1700, 4100, 1700 / 4100, 1700 / 4900, 1700 / 3300)
row("ALL", "coder_agreement", "code=trust", None, None, 0.81)
for k in ["n1", "n2", "m"]:
    fig("ALL", "capture_recapture", "all", k,
        sum(v for (c, n, g, kk, v, _) in figs if n == "capture_recapture" and kk == k))

out = []
w = out.append
w("-- study.sql: generated by gen-study.py (synthetic stored analysis for the report tests)")
w("BEGIN;")
w("INSERT INTO meta(key, value) VALUES ('key_fingerprint', "
  "'3f9a1c2e7b5d4e60a8b1c2d3e4f50617'), ('data_version', '1');")
w("INSERT INTO ingest_runs(run_id, started_at, toolkit_version) VALUES "
  "(1, '2026-11-20T09:00:00Z', '0.1.0');")
files = [
    (1, "partners/gr/encounters-2019-2020.csv", "encounters", 1218, 1200, 0, 0, 18, 0),
    (2, "partners/gr/referrals.csv", "referrals", 237, 235, 0, 0, 2, 0),
    (3, "partners/pl/eksport_spotkan.csv", "encounters", 1222, 1215, 5, 0, 2, 0),
    (4, "partners/lt/susitikimai.csv", "encounters", 590, 580, 0, 0, 10, 0),
    (5, "partners/hu/talalkozasok.csv", "encounters", 835, 830, 0, 0, 5, 0),
    (6, "consortium/codebook.csv", "codebook", 5, 5, 0, 0, 0, 0),
    (7, "partners/gr/focus_groups.csv", "focus_groups", 2, 2, 0, 0, 0, 0),
]
import hashlib
for f in files:
    sha = hashlib.sha256(f[1].encode()).hexdigest()
    w("INSERT INTO source_files(file_id, run_id, path, sha256, size, kind, ingested_at, "
      "rows_read, inserted, updated, unchanged, rejected, skipped) VALUES "
      "(%d, 1, %s, '%s', 1000, '%s', '2026-11-20T09:00:0%dZ', %d, %d, %d, %d, %d, %d);"
      % (f[0], q(f[1]), sha, f[2], f[0], f[3], f[4], f[5], f[6], f[7], f[8]))
rej = [(1, "GR", "date", "invalid date '31/02/2020' (expected YYYY-MM-DD)", 12),
       (1, "GR", "worker_type", "'volunteer' is not one of peer, professional, mixed", 6),
       (2, "GR", "encounter_id", "no encounter 'E-99' in GR", 2),
       (3, "PL", "birth_year", "birth year '2031' after the encounter", 2),
       (4, "LT", "sex", "'vyras' is not one of female, male, other, unknown", 10),
       (5, "HU", None, "duplicate encounter_id (first on line 12)", 5)]
line = 2
for fid, cc, col, reason, n in rej:
    for i in range(n):
        line += 1
        w("INSERT INTO rejects(file_id, line, column_name, reason, raw, country) "
          "VALUES (%d, %d, %s, %s, 'raw', '%s');" % (fid, line + i, q(col), q(reason), cc))
# A few encounters per country so that files are attributed to countries and
# --analyse has records to read.
enc_files = {"GR": 1, "PL": 3, "LT": 4, "HU": 5}
for cc, fid in enc_files.items():
    for i in range(12):
        w("INSERT INTO encounters(country, encounter_id, date, site, worker_id, "
          "worker_type, client_code, sex, birth_year, syringes_given, "
          "naloxone_given, condoms_given, file_id, line) VALUES "
          "('%s', 'E%03d', '2019-%02d-%02d', %s, 'W%d', '%s', 'c%02d', '%s', %d, 0, 0, 0, %d, %d);"
          % (cc, i, 1 + i % 12, 1 + i, q(SITES[cc][i % 2]), i % 3,
             ["peer", "professional"][i % 2], i % 7, ["female", "male"][i % 2],
             1990 + i, fid, i + 2))
w("INSERT INTO focus_groups(group_id, country, date, city, file_id, line) VALUES "
  "('FG-GR-01', 'GR', '2020-03-01', 'Θεσσαλονίκη', 7, 2);")
w("INSERT INTO analysis_runs(run_id, started_at, finished_at, toolkit_version, "
  "country, by_period, data_version, data_fingerprint, key_fingerprint) VALUES "
  "(1, '2026-11-20T10:00:00Z', '2026-11-20T10:00:02Z', '0.1.0', '*', 'all', 1, "
  "'synthetic', '3f9a1c2e7b5d4e60a8b1c2d3e4f50617');")
for r in rows:
    w("INSERT INTO indicator_results VALUES (1, %s, 'all', %s, %s, %s);"
      % (q(r[0]), q(r[1]), q(r[2]), ", ".join(q(x) for x in r[3:])))
for f in figs:
    w("INSERT INTO analysis_figures VALUES (1, %s, 'all', %s, %s, %s, %s, %s);"
      % tuple(q(x) for x in f))
w("COMMIT;")
print("\n".join(out))
