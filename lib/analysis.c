/* analysis.c: every indicator of the table (indicators.h) per country and
 * ALL, period and group, computed in passes over the in-memory data
 * (analysis_data.h), and the run stored for the reports. */
#include "analysis.h"

#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_data.h"
#include "db.h"
#include "indicators.h"
#include "stats.h"

#define N_GRP 4   /* tally groups: all, then worker type + 1 */
#define N_SVC 9   /* p2p_services */
#define N_ROLE 9  /* p2p_roles */

/* ---- parameters ---------------------------------------------------- */

static const char *const by_names[] = { "all", "year", "quarter", "month" };

gboolean p2p_period_by_parse(const char *s, P2pPeriodBy *out)
{
    for (int i = 0; i < 4; i++)
        if (s && strcmp(s, by_names[i]) == 0) {
            *out = (P2pPeriodBy)i;
            return TRUE;
        }
    return FALSE;
}

const char *p2p_period_by_name(P2pPeriodBy by)
{
    return by >= P2P_BY_ALL && by <= P2P_BY_MONTH ? by_names[by] : "all";
}

const char *p2p_analysis_country(const char *s)
{
    if (!s)
        return NULL;
    if (strcmp(s, "*") == 0)
        return "*";
    if (g_ascii_strcasecmp(s, "ALL") == 0)
        return "ALL";
    if (g_ascii_strcasecmp(s, "EL") == 0)
        return "GR";
    for (int i = 0; i < AD_N_COUNTRIES; i++)
        if (g_ascii_strcasecmp(s, ad_countries[i]) == 0)
            return ad_countries[i];
    return NULL;
}

gboolean p2p_date_valid(const char *s)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return FALSE;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !g_ascii_isdigit(s[i]))
            return FALSE;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    return y >= 1 && m >= 1 && m <= 12 && d >= 1
           && g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y);
}

gboolean p2p_analysis_check(const P2pAnalysisParams *p, GError **error)
{
    if (p->country && !p2p_analysis_country(p->country)) {
        g_set_error(error, P2P_ERROR, P2P_EXIT_USAGE,
                    "unknown country '%s' (expected one of BE FR GR HU LT NL "
                    "PL PT, or ALL)", p->country);
        return FALSE;
    }
    const char *dates[2] = { p->date_from, p->date_to };
    const char *names[2] = { "--from", "--to" };
    for (int i = 0; i < 2; i++)
        if (dates[i] && !p2p_date_valid(dates[i])) {
            g_set_error(error, P2P_ERROR, P2P_EXIT_USAGE,
                        "%s: invalid date '%s' (expected YYYY-MM-DD)", names[i],
                        dates[i]);
            return FALSE;
        }
    if (p->date_from && p->date_to && strcmp(p->date_from, p->date_to) > 0) {
        g_set_error(error, P2P_ERROR, P2P_EXIT_USAGE,
                    "--from %s is after --to %s", p->date_from, p->date_to);
        return FALSE;
    }
    if (p->by < P2P_BY_ALL || p->by > P2P_BY_MONTH) {
        g_set_error(error, P2P_ERROR, P2P_EXIT_USAGE, "invalid --by");
        return FALSE;
    }
    return TRUE;
}

/* ---- periods --------------------------------------------------------- */

typedef struct {
    char key[16];   /* "all", "2019", "2019-Q2", "2019-05" */
    gint32 lo, hi;  /* YYYYMMDD, inclusive */
} Period;

static gint32 date_num(const char *s)
{
    return s ? atoi(s) * 10000 + atoi(s + 5) * 100 + atoi(s + 8) : 0;
}

static int month_index(gint32 date) { return (date / 10000) * 12 + (date / 100) % 100 - 1; }

/* Periods: "all", then (by != all) every period from the one holding
 * first to the one holding last (YYYYMMDD; 0 = no data), clipped to the
 * filter [lo, hi]. */
static GArray *periods_make(P2pPeriodBy by, gint32 lo, gint32 hi, gint32 first,
                            gint32 last)
{
    GArray *a = g_array_new(FALSE, TRUE, sizeof(Period));
    Period all = { "all", lo, hi };
    g_array_append_val(a, all);
    if (by == P2P_BY_ALL || !first)
        return a;
    int step = by == P2P_BY_YEAR ? 12 : by == P2P_BY_QUARTER ? 3 : 1;
    int m0 = month_index(first), m1 = month_index(last);
    m0 -= m0 % step;
    for (int m = m0; m <= m1; m += step) {
        Period p;
        int y = m / 12, mo = m % 12 + 1;
        if (by == P2P_BY_YEAR)
            g_snprintf(p.key, sizeof p.key, "%04d", y);
        else if (by == P2P_BY_QUARTER)
            g_snprintf(p.key, sizeof p.key, "%04d-Q%d", y, (mo - 1) / 3 + 1);
        else
            g_snprintf(p.key, sizeof p.key, "%04d-%02d", y, mo);
        int me = m + step - 1;
        p.lo = MAX(lo, y * 10000 + mo * 100 + 1);
        p.hi = MIN(hi, (me / 12) * 10000 + (me % 12 + 1) * 100 + 31);
        g_array_append_val(a, p);
    }
    return a;
}

/* ---- per-scope tallies ----------------------------------------------- */

/* Everything one scope (a country or ALL) and period needs; additive, so
 * ALL is the sum of its countries. */
typedef struct {
    P2pTally g[N_GRP];              /* per tally group */
    double svc_attended[N_SVC];     /* referrals attended, per service */
    double svc_decided[N_SVC];      /* attended or not_attended */
    double n1, n2, m;               /* capture-recapture lists */
    int month0;                     /* month_index of the first month with
                                       an encounter */
    int n_months;                   /* through the last; 0 = none */
    double *monthly;                /* [N_GRP * n_months], g_malloc'd */
    double *site;                   /* period "all" only: [n_sites][N_GRP][2]
                                       clients, encounters; g_malloc'd */
    double setting[AD_N_SETTINGS][N_GRP][2]; /* the same per setting */
} Acc;

/* Per-client scratch during one pass, valid when stamp matches. */
typedef struct {
    guint32 first;       /* first encounter in scope */
    guint8 n_enc;        /* encounters in scope, saturating at 2 */
    guint8 groups;       /* bit g: an encounter of tally group g (1..3) */
    guint8 first_contact;/* bit g: first_contact=yes at an encounter of g */
    guint8 referred;     /* bit g: a referral made at an encounter of g */
    guint8 attended;     /* bit g: such a referral attended */
    guint8 inj_yes;      /* injecting=yes at an encounter in scope */
    guint8 inj_known;    /* injecting yes or no */
    guint32 settings;    /* bit s*4+g: an encounter in setting s with g */
} ClientScratch;

typedef struct {
    const AdData *d;
    guint32 *stamp;        /* per client: the pass it was last seen in */
    ClientScratch *cs;     /* per client */
    guint32 pass;          /* current pass number */
    GArray *touched;       /* clients seen in this pass (guint32) */
    /* (client, site) pairs seen, for reach by site: open addressing */
    guint64 *pair_key;     /* client << 32 | site, +1; 0 = empty */
    guint8 *pair_groups;   /* bit g */
    guint32 pair_mask;     /* size - 1 */
} Pass;

/* The range [*a, *b) of country c's encounters dated within [lo, hi]. */
static void enc_range(const AdData *d, int c, gint32 lo, gint32 hi,
                      guint32 *a, guint32 *b)
{
    guint32 l = d->country_start[c], r = d->country_start[c + 1];
    guint32 x = l, y = r;
    while (x < y) {
        guint32 mid = x + (y - x) / 2;
        if (d->enc[mid].date < lo) x = mid + 1; else y = mid;
    }
    *a = x;
    y = r;
    while (x < y) {
        guint32 mid = x + (y - x) / 2;
        if (d->enc[mid].date <= hi) x = mid + 1; else y = mid;
    }
    *b = x;
}

static guint8 *pair_slot(Pass *ps, guint32 client, guint32 site)
{
    guint64 key = (((guint64)client << 32) | site) + 1;
    guint64 h = key * 0x9E3779B97F4A7C15ull;
    guint32 i = (guint32)(h >> 32) & ps->pair_mask;
    while (ps->pair_key[i] && ps->pair_key[i] != key)
        i = (i + 1) & ps->pair_mask;
    ps->pair_key[i] = key;
    return &ps->pair_groups[i];
}

/* Tally country c's encounters in [lo, hi] into acc (zeroed by caller).
 * with_reach: also reach by site and setting (period "all"). */
static void acc_compute(Pass *ps, int c, const Period *p, Acc *acc,
                        gboolean with_reach)
{
    const AdData *d = ps->d;
    guint32 a, b;
    enc_range(d, c, p->lo, p->hi, &a, &b);
    ps->pass++;
    g_array_set_size(ps->touched, 0);
    if (a < b) {
        acc->month0 = month_index(d->enc[a].date);
        acc->n_months = month_index(d->enc[b - 1].date) - acc->month0 + 1;
        acc->monthly = g_new0(double, (gsize)N_GRP * acc->n_months);
    }
    gsize n_sites = d->sites->len;
    if (with_reach) {
        acc->site = g_new0(double, n_sites * N_GRP * 2);
        if (b - a > 0) {
            guint32 size = 16;
            while (size < 2 * (b - a))
                size <<= 1;
            ps->pair_key = g_new0(guint64, size);
            ps->pair_groups = g_new0(guint8, size);
            ps->pair_mask = size - 1;
        }
    }
    for (guint32 i = a; i < b; i++) {
        const AdEncounter *e = &d->enc[i];
        int g = e->wt + 1;
        guint32 nref = d->ref_start[i + 1] - d->ref_start[i];
        gboolean att = FALSE;
        int dec = 0, attn = 0;
        for (guint32 r = d->ref_start[i]; r < d->ref_start[i + 1]; r++) {
            const AdReferral *rf = &d->refs[r];
            if (rf->outcome == AD_OUT_ATTENDED) {
                att = TRUE;
                attn++;
                dec++;
                acc->svc_attended[rf->service]++;
                acc->svc_decided[rf->service]++;
            } else if (rf->outcome == AD_OUT_NOT_ATTENDED) {
                dec++;
                acc->svc_decided[rf->service]++;
            }
        }
        int mi = month_index(e->date) - acc->month0;
        int gs[2] = { 0, g };
        for (int k = 0; k < 2; k++) {
            P2pTally *t = &acc->g[gs[k]];
            t->encounters++;
            if (e->client == AD_NO_CLIENT)
                t->anonymous++;
            else
                t->named++;
            t->syringes += e->syringes;
            t->naloxone += e->naloxone;
            if (nref) {
                t->enc_referred++;
                t->referrals += nref;
                t->ref_attended += attn;
                t->ref_decided += dec;
            }
            acc->monthly[gs[k] * acc->n_months + mi]++;
            if (with_reach && e->site)
                acc->site[(e->site * N_GRP + gs[k]) * 2 + 1]++;
            if (with_reach && e->setting)
                acc->setting[e->setting - 1][gs[k]][1]++;
        }
        if (e->client == AD_NO_CLIENT)
            continue;
        guint32 cl = e->client;
        ClientScratch *cs = &ps->cs[cl];
        if (ps->stamp[cl] != ps->pass) {
            ps->stamp[cl] = ps->pass;
            memset(cs, 0, sizeof *cs);
            cs->first = i;
            g_array_append_val(ps->touched, cl);
        }
        if (cs->n_enc < 2)
            cs->n_enc++;
        cs->groups |= (guint8)(1u << g);
        if (e->first_contact == AD_YES)
            cs->first_contact |= (guint8)(1u << g);
        if (nref)
            cs->referred |= (guint8)(1u << g);
        if (att)
            cs->attended |= (guint8)(1u << g);
        if (e->injecting == AD_YES)
            cs->inj_yes = 1;
        if (e->injecting != AD_UNKNOWN)
            cs->inj_known = 1;
        if (with_reach && e->setting)
            cs->settings |= 1u << ((e->setting - 1) * 4 + g);
        if (with_reach && e->site)
            *pair_slot(ps, cl, e->site) |= (guint8)(1u << g);
    }
    for (guint k = 0; k < ps->touched->len; k++) {
        guint32 cl = g_array_index(ps->touched, guint32, k);
        const ClientScratch *cs = &ps->cs[cl];
        int sex = d->client_sex[cl];
        int by = d->client_birth_year[cl], afu = d->client_afu[cl];
        int year = d->enc[cs->first].date / 10000;
        int age = year - by;
        gboolean age_known = by != 0;
        gboolean career_known = age_known && afu && age - afu >= 0;
        guint32 fi = d->client_first[cl];
        gboolean is_new = fi >= a && fi < b;
        int new_group = is_new ? d->enc[fi].wt + 1 : -1;
        gboolean peer = !!(cs->groups & (1u << (AD_PEER + 1)));
        gboolean prof = !!(cs->groups & (1u << (AD_PROFESSIONAL + 1)));
        acc->n1 += peer;
        acc->n2 += prof;
        acc->m += peer && prof;
        for (int g = 0; g < N_GRP; g++) {
            guint8 bit = (guint8)(1u << g);
            if (g > 0 && !(cs->groups & bit))
                continue;
            P2pTally *t = &acc->g[g];
            t->clients++;
            t->first_contacts += g ? !!(cs->first_contact & bit) : !!cs->first_contact;
            t->referred += g ? !!(cs->referred & bit) : !!cs->referred;
            t->attended += g ? !!(cs->attended & bit) : !!cs->attended;
            t->new_clients += is_new && (g == 0 || g == new_group);
            t->female += sex == AD_SEX_FEMALE;
            t->sex_known += sex != AD_SEX_UNKNOWN;
            t->age_known += age_known;
            t->under25 += age_known && age <= 24;
            t->career_known += career_known;
            t->early_career += career_known && age - afu <= 2;
            t->injecting += cs->inj_yes;
            t->injecting_known += cs->inj_known;
            t->retained += cs->n_enc >= 2;
        }
        if (with_reach)
            for (int s = 0; s < AD_N_SETTINGS; s++) {
                guint32 bits = (cs->settings >> (s * 4)) & 0xe;
                if (!bits)
                    continue;
                acc->setting[s][0][0]++;
                for (int g = 1; g < N_GRP; g++)
                    acc->setting[s][g][0] += !!(bits & (1u << g));
            }
    }
    if (with_reach && ps->pair_key) {
        for (guint32 i = 0; i <= ps->pair_mask; i++) {
            if (!ps->pair_key[i])
                continue;
            guint32 site = (guint32)((ps->pair_key[i] - 1) & 0xffffffffu);
            guint8 bits = ps->pair_groups[i];
            acc->site[(site * N_GRP) * 2]++;
            for (int g = 1; g < N_GRP; g++)
                if (bits & (1u << g))
                    acc->site[(site * N_GRP + g) * 2]++;
        }
        g_clear_pointer(&ps->pair_key, g_free);
        g_clear_pointer(&ps->pair_groups, g_free);
    }
}

/* acc += x (the ALL scope). */
static void acc_add(Acc *acc, const Acc *x, gsize n_sites)
{
    double *t = (double *)acc->g;
    const double *s = (const double *)x->g;
    for (gsize i = 0; i < (sizeof acc->g) / (sizeof(double)); i++)
        t[i] += s[i];
    for (int i = 0; i < N_SVC; i++) {
        acc->svc_attended[i] += x->svc_attended[i];
        acc->svc_decided[i] += x->svc_decided[i];
    }
    acc->n1 += x->n1;
    acc->n2 += x->n2;
    acc->m += x->m;
    if (x->n_months) {
        int m0 = acc->n_months ? MIN(acc->month0, x->month0) : x->month0;
        int m1 = acc->n_months ? MAX(acc->month0 + acc->n_months,
                                     x->month0 + x->n_months)
                               : x->month0 + x->n_months;
        double *mo = g_new0(double, (gsize)N_GRP * (m1 - m0));
        for (int g = 0; g < N_GRP; g++) {
            for (int i = 0; i < acc->n_months; i++)
                mo[g * (m1 - m0) + acc->month0 - m0 + i] +=
                    acc->monthly[g * acc->n_months + i];
            for (int i = 0; i < x->n_months; i++)
                mo[g * (m1 - m0) + x->month0 - m0 + i] +=
                    x->monthly[g * x->n_months + i];
        }
        g_free(acc->monthly);
        acc->monthly = mo;
        acc->month0 = m0;
        acc->n_months = m1 - m0;
    }
    if (x->site) {
        if (!acc->site)
            acc->site = g_new0(double, n_sites * N_GRP * 2);
        for (gsize i = 0; i < n_sites * N_GRP * 2; i++)
            acc->site[i] += x->site[i];
        double *st = &acc->setting[0][0][0];
        const double *sx = &x->setting[0][0][0];
        for (gsize i = 0; i < sizeof acc->setting / sizeof(double); i++)
            st[i] += sx[i];
    }
}

static void acc_clear(Acc *acc)
{
    g_free(acc->monthly);
    g_free(acc->site);
}

/* ---- focus groups ------------------------------------------------------ */

/* Focus-group figures of one scope and period. */
typedef struct {
    double sessions, participants, role[N_ROLE];
    guint n_codes, n_themes, n_coders;
    double units;              /* segments in scope */
    double units_coded;        /* with any code */
    double units_multi;        /* with two codes or more */
    double *code_units;        /* [n_codes] segments with the code */
    double *theme_units;       /* [n_themes] */
    GHashTable *pairs;         /* (a * n_codes + b + 1) -> count */
    double *alpha;             /* [n_codes + 1]: [0] pooled, then per code */
    double *kappa;             /* the same */
} Fg;

static int uint_cmp(const void *pa, const void *pb)
{
    guint a = *(const guint *)pa, b = *(const guint *)pb;
    return a < b ? -1 : a > b;
}

/* Krippendorff's alpha and Cohen's kappa of code ci (-1: every code pooled)
 * over the units in scope. */
static void fg_agreement(Fg *fg, const AdData *d, const guint32 *units,
                         guint n_units, const guint8 *pc, const guint8 *has,
                         const int *coder_col, guint n_cols, const int *kappa_pair,
                         int ci, double *alpha, double *kappa)
{
    guint nc = fg->n_codes, ncod = fg->n_coders;
    guint n_codes_used = ci < 0 ? nc : 1;
    gsize rows = (gsize)n_units * n_codes_used;
    int *v = g_new(int, rows * (n_cols ? n_cols : 1));
    int *k1 = kappa_pair ? g_new(int, rows ? rows : 1) : NULL;
    int *k2 = kappa_pair ? g_new(int, rows ? rows : 1) : NULL;
    gsize r = 0;
    for (guint i = 0; i < n_units; i++) {
        guint32 u = units[i];
        guint32 g = d->unit_group[u];
        for (guint cc = 0; cc < n_codes_used; cc++) {
            guint code = ci < 0 ? cc : (guint)ci;
            for (guint k = 0; k < ncod; k++) {
                if (coder_col[k] < 0)
                    continue;
                int val = has[(gsize)g * ncod + k]
                              ? pc[((gsize)i * ncod + k) * nc + code]
                              : P2P_MISSING;
                v[r * n_cols + coder_col[k]] = val;
                if (kappa_pair && (int)k == kappa_pair[0])
                    k1[r] = val;
                if (kappa_pair && (int)k == kappa_pair[1])
                    k2[r] = val;
            }
            r++;
        }
    }
    *alpha = NAN;
    *kappa = NAN;
    if (n_cols >= 2 && rows)
        p2p_krippendorff_alpha(v, rows, n_cols, alpha);
    if (kappa_pair && rows)
        p2p_cohen_kappa(k1, k2, rows, kappa);
    g_free(v);
    g_free(k1);
    g_free(k2);
}

static void fg_compute(Fg *fg, const AdData *d, const gboolean *cmask,
                       const Period *p)
{
    memset(fg, 0, sizeof *fg);
    guint ng = d->groups->len, nc = d->codes->len, ncod = d->coders->len;
    fg->n_codes = nc;
    fg->n_themes = d->themes->len;
    fg->n_coders = ncod;
    gboolean *gin = g_new0(gboolean, ng + 1);
    for (guint i = 0; i < ng; i++) {
        const AdFocusGroup *g = d->groups->pdata[i];
        if (g->country < 0 || !cmask[g->country] || g->date < p->lo
            || g->date > p->hi)
            continue;
        gin[i] = TRUE;
        fg->sessions++;
        fg->participants += g->n_participants;
        for (int r = 0; r < N_ROLE; r++)
            fg->role[r] += g->role_count[r];
    }
    /* Units in scope, numbered 0..n in their order; the rest -1. */
    gint64 *slot = g_new(gint64, d->n_units + 1);
    GArray *units = g_array_new(FALSE, FALSE, sizeof(guint32));
    for (guint32 u = 0; u < d->n_units; u++) {
        slot[u] = gin[d->unit_group[u]] ? (gint64)units->len : -1;
        if (slot[u] >= 0)
            g_array_append_val(units, u);
    }
    guint nu = units->len;
    fg->units = nu;
    guint8 *pc = g_new0(guint8, (gsize)nu * ncod * nc + 1);
    guint8 *any = g_new0(guint8, (gsize)nu * nc + 1);
    guint8 *has = g_new0(guint8, (gsize)ng * ncod + 1);
    gboolean *group_coded = g_new0(gboolean, ng + 1);
    for (guint i = 0; i < d->codings->len; i++) {
        const AdCoding *c = &g_array_index(d->codings, AdCoding, i);
        gint64 s = slot[c->unit];
        if (s < 0)
            continue;
        guint32 g = d->unit_group[c->unit];
        has[(gsize)g * ncod + c->coder] = 1;
        group_coded[g] = TRUE;
        if (c->code >= 0) {
            pc[((gsize)s * ncod + c->coder) * nc + c->code] = 1;
            any[(gsize)s * nc + c->code] = 1;
        }
    }
    fg->code_units = g_new0(double, nc + 1);
    fg->theme_units = g_new0(double, fg->n_themes + 1);
    fg->pairs = g_hash_table_new(g_direct_hash, g_direct_equal);
    guint *codes = g_new(guint, nc + 1);
    gboolean *theme_hit = g_new(gboolean, fg->n_themes + 1);
    for (guint s = 0; s < nu; s++) {
        guint n = 0;
        memset(theme_hit, 0, sizeof(gboolean) * (fg->n_themes + 1));
        for (guint c = 0; c < nc; c++)
            if (any[(gsize)s * nc + c]) {
                codes[n++] = c;
                fg->code_units[c]++;
                if (d->code_theme[c] >= 0)
                    theme_hit[d->code_theme[c]] = TRUE;
            }
        for (guint t = 0; t < fg->n_themes; t++)
            fg->theme_units[t] += theme_hit[t];
        fg->units_coded += n > 0;
        fg->units_multi += n > 1;
        qsort(codes, n, sizeof *codes, uint_cmp);
        for (guint i = 0; i < n; i++)
            for (guint j = i + 1; j < n; j++) {
                gpointer key = GUINT_TO_POINTER(codes[i] * nc + codes[j] + 1);
                g_hash_table_insert(fg->pairs, key,
                    GUINT_TO_POINTER(GPOINTER_TO_UINT(
                        g_hash_table_lookup(fg->pairs, key)) + 1));
            }
    }
    /* Coders in scope: those with a row in a focus group in scope. */
    int *coder_col = g_new(int, ncod + 1);
    guint n_cols = 0;
    for (guint k = 0; k < ncod; k++) {
        gboolean in = FALSE;
        for (guint g = 0; g < ng && !in; g++)
            in = gin[g] && has[(gsize)g * ncod + k];
        coder_col[k] = in ? (int)n_cols++ : -1;
    }
    /* Kappa: exactly two coders, both with rows in every coded group. */
    int pair[2] = { -1, -1 };
    gboolean kappa_ok = n_cols == 2;
    for (guint k = 0, j = 0; k < ncod; k++)
        if (coder_col[k] >= 0 && j < 2)
            pair[j++] = (int)k;
    for (guint g = 0; g < ng && kappa_ok; g++)
        if (gin[g] && group_coded[g])
            kappa_ok = has[(gsize)g * ncod + pair[0]]
                       && has[(gsize)g * ncod + pair[1]];
    fg->alpha = g_new(double, nc + 1);
    fg->kappa = g_new(double, nc + 1);
    for (int c = -1; c < (int)nc; c++)
        fg_agreement(fg, d, (guint32 *)units->data, nu, pc, has, coder_col,
                     n_cols, kappa_ok ? pair : NULL, c, &fg->alpha[c + 1],
                     &fg->kappa[c + 1]);
    g_free(gin);
    g_free(slot);
    g_array_free(units, TRUE);
    g_free(pc);
    g_free(any);
    g_free(has);
    g_free(group_coded);
    g_free(codes);
    g_free(theme_hit);
    g_free(coder_col);
}

static void fg_clear(Fg *fg)
{
    g_free(fg->code_units);
    g_free(fg->theme_units);
    g_hash_table_destroy(fg->pairs);
    g_free(fg->alpha);
    g_free(fg->kappa);
}

/* ---- rows -------------------------------------------------------------- */

typedef struct {
    P2pResultSet *rs;
    const AdData *d;
    const char *country;   /* scope name */
    const Period *period;
    const Acc *acc;        /* the scope's tallies */
    const Acc *const *countries; /* ALL: the countries' tallies (same
                                    period), NULL-terminated; else NULL */
    const Fg *fg;
} Scope;

static void row_init(double f[P2P_F_COUNT])
{
    for (int i = 0; i < P2P_F_COUNT; i++)
        f[i] = NAN;
}

static void add_row(const Scope *s, const char *ind, const char *grp,
                    const double f[P2P_F_COUNT])
{
    p2p_results_add(s->rs, s->country, s->period->key, ind, grp, f);
}

static void add_count(const Scope *s, const char *ind, const char *grp, double n)
{
    double f[P2P_F_COUNT];
    row_init(f);
    f[P2P_F_NUM] = f[P2P_F_VALUE] = n;
    add_row(s, ind, grp, f);
}

static void add_fraction(const Scope *s, const P2pIndicator *ind,
                         const char *grp, double num, double den)
{
    double f[P2P_F_COUNT];
    row_init(f);
    f[P2P_F_NUM] = num;
    f[P2P_F_DEN] = den;
    if (den > 0) {
        f[P2P_F_VALUE] = num / den;
        if (ind->kind == P2P_KIND_PROPORTION)
            p2p_wilson(num, den, P2P_Z95, &f[P2P_F_LO], &f[P2P_F_HI]);
    }
    add_row(s, ind->name, grp, f);
}

static double tally_field(const P2pTally *t, ptrdiff_t off)
{
    return *(const double *)((const char *)t + off);
}

static void emit_tally(const Scope *s, const P2pIndicator *ind)
{
    for (int g = 0; g < N_GRP; g++) {
        char *grp = g ? g_strconcat("worker_type=", p2p_worker_types[g - 1], NULL)
                      : g_strdup("all");
        const P2pTally *t = &s->acc->g[g];
        double num = tally_field(t, ind->num_off);
        if (ind->kind == P2P_KIND_COUNT)
            add_count(s, ind->name, grp, num);
        else
            add_fraction(s, ind, grp, num, tally_field(t, ind->den_off));
        g_free(grp);
    }
    if (ind->groups & P2P_GROUPS_SERVICE)
        for (int i = 0; i < N_SVC; i++) {
            char *grp = g_strconcat("service=", p2p_services[i], NULL);
            add_fraction(s, ind, grp, s->acc->svc_attended[i],
                         s->acc->svc_decided[i]);
            g_free(grp);
        }
}

static void emit_comparison(const Scope *s, const P2pIndicator *ind)
{
    const P2pIndicator *base = p2p_indicator_find(ind->base);
    const P2pTally *p = &s->acc->g[AD_PEER + 1];
    const P2pTally *q = &s->acc->g[AD_PROFESSIONAL + 1];
    double a = tally_field(p, base->num_off), n1 = tally_field(p, base->den_off);
    double c = tally_field(q, base->num_off), n2 = tally_field(q, base->den_off);
    double f[P2P_F_COUNT];
    row_init(f);
    p2p_risk_ratio_katz(a, n1, c, n2, P2P_Z95, &f[P2P_F_VALUE], &f[P2P_F_LO],
                        &f[P2P_F_HI]);
    if (n1 > 0 && n2 > 0)
        f[P2P_F_P] = p2p_fisher_exact((unsigned long)a, (unsigned long)(n1 - a),
                                      (unsigned long)c, (unsigned long)(n2 - c));
    add_row(s, ind->name, "all", f);
}

static void emit_trend(const Scope *s, const P2pIndicator *ind)
{
    double f[P2P_F_COUNT], b0 = NAN, b1 = NAN, se = NAN, p = NAN;
    row_init(f);
    const Acc *acc = s->acc;
    if (acc->n_months >= 3
        && p2p_poisson_trend(acc->monthly, (size_t)acc->n_months, &b0, &b1,
                             &se, &p)) {
        f[P2P_F_VALUE] = exp(b1);
        f[P2P_F_LO] = exp(b1 - P2P_Z95 * se);
        f[P2P_F_HI] = exp(b1 + P2P_Z95 * se);
        f[P2P_F_P] = p;
    }
    add_row(s, ind->name, "all", f);
    const char *c = s->country, *pk = s->period->key;
    p2p_results_add_figure(s->rs, c, pk, "trend", "all", "intercept", b0, NAN);
    p2p_results_add_figure(s->rs, c, pk, "trend", "all", "slope", b1, NAN);
    p2p_results_add_figure(s->rs, c, pk, "trend", "all", "se", se, NAN);
    p2p_results_add_figure(s->rs, c, pk, "trend", "all", "months",
                           acc->n_months, NAN);
    p2p_results_add_figure(s->rs, c, pk, "trend", "all", "start",
                           acc->n_months ? (acc->month0 / 12) * 100
                                               + acc->month0 % 12 + 1
                                         : NAN, NAN);
}

/* The scope's estimate (ALL: the sum of the countries'). FALSE when empty. */
static gboolean scope_estimate(const Scope *s, double *est, double *lo,
                               double *hi)
{
    double var;
    *est = *lo = *hi = NAN;
    if (!s->countries)
        return p2p_chapman(s->acc->n1, s->acc->n2, s->acc->m, P2P_Z95, est,
                           &var, lo, hi);
    double sum = 0, vsum = 0, bound = 0;
    gboolean any = FALSE;
    for (const Acc *const *c = s->countries; *c; c++) {
        const Acc *x = *c;
        if (x->g[0].clients <= 0)
            continue;
        double e, v, l, h;
        if (!p2p_chapman(x->n1, x->n2, x->m, P2P_Z95, &e, &v, &l, &h))
            return FALSE;
        sum += e;
        vsum += v;
        bound += x->n1 + x->n2 - x->m;
        any = TRUE;
    }
    if (!any)
        return FALSE;
    *est = sum;
    *lo = MAX(sum - P2P_Z95 * sqrt(vsum), bound);
    *hi = sum + P2P_Z95 * sqrt(vsum);
    return TRUE;
}

static void emit_estimate(const Scope *s, const P2pIndicator *ind)
{
    double f[P2P_F_COUNT];
    row_init(f);
    scope_estimate(s, &f[P2P_F_VALUE], &f[P2P_F_LO], &f[P2P_F_HI]);
    add_row(s, ind->name, "all", f);
    const char *c = s->country, *pk = s->period->key;
    p2p_results_add_figure(s->rs, c, pk, "capture_recapture", "all", "n1",
                           s->acc->n1, NAN);
    p2p_results_add_figure(s->rs, c, pk, "capture_recapture", "all", "n2",
                           s->acc->n2, NAN);
    p2p_results_add_figure(s->rs, c, pk, "capture_recapture", "all", "m",
                           s->acc->m, NAN);
}

static void emit_coverage(const Scope *s, const P2pIndicator *ind)
{
    double f[P2P_F_COUNT], est, lo, hi;
    row_init(f);
    double n = s->acc->g[0].clients;
    f[P2P_F_NUM] = n;
    if (scope_estimate(s, &est, &lo, &hi) && est > 0) {
        f[P2P_F_DEN] = est;
        f[P2P_F_VALUE] = MIN(1.0, n / est);
        f[P2P_F_LO] = MIN(1.0, n / hi);
        f[P2P_F_HI] = lo > 0 ? MIN(1.0, n / lo) : NAN;
    }
    add_row(s, ind->name, "all", f);
}

static void emit_fg(const Scope *s, const P2pIndicator *ind)
{
    const Fg *fg = s->fg;
    const AdData *d = s->d;
    double f[P2P_F_COUNT];
    switch (ind->calc) {
    case P2P_CALC_FG_SESSIONS:
        add_count(s, ind->name, "all", fg->sessions);
        break;
    case P2P_CALC_FG_PARTICIPANTS:
        add_count(s, ind->name, "all", fg->participants);
        for (int r = 0; r < N_ROLE; r++) {
            char *grp = g_strconcat("role=", p2p_roles[r], NULL);
            add_count(s, ind->name, grp, fg->role[r]);
            g_free(grp);
        }
        break;
    case P2P_CALC_CODE_FREQUENCY:
        add_fraction(s, ind, "all", fg->units_coded, fg->units);
        for (guint c = 0; c < fg->n_codes; c++) {
            char *grp = g_strconcat("code=", (char *)d->codes->pdata[c], NULL);
            add_fraction(s, ind, grp, fg->code_units[c], fg->units);
            g_free(grp);
        }
        for (guint t = 0; t < fg->n_themes; t++) {
            char *grp = g_strconcat("theme=", (char *)d->themes->pdata[t], NULL);
            add_fraction(s, ind, grp, fg->theme_units[t], fg->units);
            g_free(grp);
        }
        break;
    case P2P_CALC_CODE_COOCCURRENCE:
        add_count(s, ind->name, "all", fg->units_multi);
        /* Codes are numbered in byte order, so (a, b) with a < b and keys
         * walked in order give the rows sorted by A then B. */
        for (guint a = 0; a < fg->n_codes; a++)
            for (guint b = a + 1; b < fg->n_codes; b++) {
                guint n = GPOINTER_TO_UINT(g_hash_table_lookup(
                    fg->pairs, GUINT_TO_POINTER(a * fg->n_codes + b + 1)));
                if (!n)
                    continue;
                char *grp = g_strconcat("code=", (char *)d->codes->pdata[a],
                                        "&code=", (char *)d->codes->pdata[b],
                                        NULL);
                add_count(s, ind->name, grp, n);
                g_free(grp);
            }
        break;
    case P2P_CALC_CODER_ALPHA:
    case P2P_CALC_CODER_KAPPA: {
        const double *v = ind->calc == P2P_CALC_CODER_ALPHA ? fg->alpha : fg->kappa;
        for (guint c = 0; c <= fg->n_codes; c++) {
            row_init(f);
            f[P2P_F_VALUE] = v[c];
            char *grp = c ? g_strconcat("code=", (char *)d->codes->pdata[c - 1],
                                        NULL)
                          : g_strdup("all");
            add_row(s, ind->name, grp, f);
            g_free(grp);
        }
        break;
    }
    default:
        break;
    }
}

static void month_key(int mi, char buf[16])
{
    g_snprintf(buf, 16, "%04d-%02d", mi / 12, mi % 12 + 1);
}

static void emit_figures(const Scope *s)
{
    const Acc *acc = s->acc;
    const char *c = s->country, *pk = s->period->key;
    char key[16];
    for (int g = 0; g < N_GRP; g++) {
        char *grp = g ? g_strconcat("worker_type=", p2p_worker_types[g - 1], NULL)
                      : g_strdup("all");
        for (int i = 0; i < acc->n_months; i++) {
            month_key(acc->month0 + i, key);
            p2p_results_add_figure(s->rs, c, pk, "monthly_encounters", grp, key,
                                   acc->monthly[g * acc->n_months + i], NAN);
        }
        if (acc->site)
            for (guint i = 1; i < s->d->sites->len; i++) {
                const double *v = &acc->site[(i * N_GRP) * 2];
                if (v[1] <= 0)
                    continue; /* no encounter there in scope */
                v = &acc->site[(i * N_GRP + g) * 2];
                p2p_results_add_figure(s->rs, c, pk, "reach_by_site", grp,
                                       s->d->sites->pdata[i], v[0], v[1]);
            }
        if (acc->site)
            for (int i = 0; i < AD_N_SETTINGS; i++) {
                if (acc->setting[i][0][1] <= 0)
                    continue;
                p2p_results_add_figure(s->rs, c, pk, "reach_by_setting", grp,
                                       ad_settings[i], acc->setting[i][g][0],
                                       acc->setting[i][g][1]);
            }
        g_free(grp);
    }
}

static void emit_scope(const Scope *s)
{
    size_t n;
    const P2pIndicator *tab = p2p_indicators(&n);
    for (size_t i = 0; i < n; i++) {
        const P2pIndicator *ind = &tab[i];
        switch (ind->calc) {
        case P2P_CALC_TALLY: emit_tally(s, ind); break;
        case P2P_CALC_COMPARISON: emit_comparison(s, ind); break;
        case P2P_CALC_TREND: emit_trend(s, ind); break;
        case P2P_CALC_ESTIMATE: emit_estimate(s, ind); break;
        case P2P_CALC_COVERAGE: emit_coverage(s, ind); break;
        default: emit_fg(s, ind); break;
        }
    }
    emit_figures(s);
}

/* ---- the run ----------------------------------------------------------- */

static char *fingerprint(const AdData *d)
{
    static const char *const tables[6] = {
        "encounters", "referrals", "focus_groups", "fg_participants",
        "fg_segments", "codebook" };
    GString *s = g_string_new(NULL);
    g_string_append_printf(s, "data_version=%" G_GINT64_FORMAT "\n",
                           d->data_version);
    for (int i = 0; i < 6; i++)
        g_string_append_printf(s, "%s=%" G_GINT64_FORMAT "\n", tables[i],
                               d->n_rows[i]);
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    crypto_hash_sha256(h, (const unsigned char *)s->str, s->len);
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    g_string_free(s, TRUE);
    return g_strdup(hex);
}

P2pResultSet *p2p_analysis_compute(sqlite3 *db, const P2pAnalysisParams *params,
                                   gint64 *data_version,
                                   char **data_fingerprint, GError **error)
{
    if (!p2p_analysis_check(params, error))
        return NULL;
    if (sodium_init() < 0) {
        g_set_error(error, P2P_ERROR, P2P_EXIT_DB, "libsodium failed to start");
        return NULL;
    }
    AdData *d = ad_data_load(db, error);
    if (!d)
        return NULL;
    if (params->progress)
        params->progress(0.5, params->progress_data);
    const char *want = params->country ? p2p_analysis_country(params->country)
                                       : "*";
    /* The countries computed: the one asked, or every one with data. */
    gboolean cmask[AD_N_COUNTRIES] = { FALSE };
    int only = ad_country_index(want);
    for (int c = 0; c < AD_N_COUNTRIES; c++)
        cmask[c] = only >= 0 ? c == only : d->country_has_data[c];
    gboolean show_countries = strcmp(want, "ALL") != 0;
    gboolean show_all = only < 0;

    gint32 lo = params->date_from ? date_num(params->date_from) : 0;
    gint32 hi = params->date_to ? date_num(params->date_to) : 99991231;
    gint32 first = 0, last = 0;
    for (int c = 0; c < AD_N_COUNTRIES; c++) {
        guint32 a, b;
        if (!cmask[c])
            continue;
        enc_range(d, c, lo, hi, &a, &b);
        if (a < b) {
            first = first ? MIN(first, d->enc[a].date) : d->enc[a].date;
            last = MAX(last, d->enc[b - 1].date);
        }
    }
    for (guint i = 0; i < d->groups->len; i++) {
        const AdFocusGroup *g = d->groups->pdata[i];
        if (g->country < 0 || !cmask[g->country] || g->date < lo || g->date > hi)
            continue;
        first = first ? MIN(first, g->date) : g->date;
        last = MAX(last, g->date);
    }
    GArray *periods = periods_make(params->by, lo, hi, first, last);
    guint np = periods->len;

    Pass ps = { d, g_new0(guint32, d->n_clients + 1),
                g_new(ClientScratch, d->n_clients + 1), 0,
                g_array_new(FALSE, FALSE, sizeof(guint32)), NULL, NULL, 0 };
    /* acc[c * np + p]; c == AD_N_COUNTRIES is ALL */
    Acc *acc = g_new0(Acc, (AD_N_COUNTRIES + 1) * np);
    for (int c = 0; c < AD_N_COUNTRIES; c++)
        for (guint p = 0; p < np; p++)
            if (cmask[c]) {
                acc_compute(&ps, c, &g_array_index(periods, Period, p),
                            &acc[c * np + p], p == 0);
                acc_add(&acc[AD_N_COUNTRIES * np + p], &acc[c * np + p],
                        d->sites->len);
            }

    P2pResultSet *rs = p2p_results_new();
    for (int c = 0; c <= AD_N_COUNTRIES; c++) {
        gboolean is_all = c == AD_N_COUNTRIES;
        if (is_all ? !show_all : !(cmask[c] && show_countries))
            continue;
        gboolean fmask[AD_N_COUNTRIES];
        for (int k = 0; k < AD_N_COUNTRIES; k++)
            fmask[k] = is_all ? cmask[k] : k == c;
        for (guint p = 0; p < np; p++) {
            const Acc *members[AD_N_COUNTRIES + 1];
            int nm = 0;
            for (int k = 0; k < AD_N_COUNTRIES; k++)
                if (cmask[k])
                    members[nm++] = &acc[k * np + p];
            members[nm] = NULL;
            Fg fg;
            fg_compute(&fg, d, fmask, &g_array_index(periods, Period, p));
            Scope s = { rs, d, is_all ? "ALL" : ad_countries[c],
                        &g_array_index(periods, Period, p), &acc[c * np + p],
                        is_all ? members : NULL, &fg };
            emit_scope(&s);
            fg_clear(&fg);
        }
    }
    if (data_version)
        *data_version = d->data_version;
    if (data_fingerprint)
        *data_fingerprint = fingerprint(d);
    for (guint i = 0; i < (AD_N_COUNTRIES + 1) * np; i++)
        acc_clear(&acc[i]);
    g_free(acc);
    g_free(ps.stamp);
    g_free(ps.cs);
    g_array_free(ps.touched, TRUE);
    g_array_free(periods, TRUE);
    ad_data_free(d);
    if (params->progress)
        params->progress(0.9, params->progress_data);
    return rs;
}

/* ---- storing ----------------------------------------------------------- */

static void bind_real(sqlite3_stmt *st, int i, double v)
{
    if (isnan(v) || isinf(v))
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_double(st, i, v);
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

gint64 p2p_analysis_run(sqlite3 *db, const P2pAnalysisParams *params,
                        P2pResultSet **out_results, GError **error)
{
    sqlite3_stmt *st = NULL;
    gint64 run_id = 0, data_version = 0;
    char *fp = NULL, *finished = NULL;
    char *started = p2p_now_iso();
    char *key_fp = NULL;
    if (out_results)
        *out_results = NULL;
    P2pResultSet *rs = p2p_analysis_compute(db, params, &data_version, &fp, error);
    if (!rs)
        goto out;
    key_fp = p2p_db_meta_get(db, "key_fingerprint");
    const char *want = params->country ? p2p_analysis_country(params->country)
                                       : "*";
    if (!p2p_db_exec(db, "BEGIN IMMEDIATE", error))
        goto out;
    if (sqlite3_prepare_v2(db,
            "INSERT INTO analysis_runs (started_at, toolkit_version, country, "
            "date_from, date_to, by_period, data_version, data_fingerprint, "
            "key_fingerprint) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            -1, &st, NULL) != SQLITE_OK)
        goto fail_db;
    sqlite3_bind_text(st, 1, started, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, P2P_VERSION, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, want, -1, SQLITE_STATIC);
    bind_text_or_null(st, 4, params->date_from);
    bind_text_or_null(st, 5, params->date_to);
    sqlite3_bind_text(st, 6, p2p_period_by_name(params->by), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, data_version);
    sqlite3_bind_text(st, 8, fp, -1, SQLITE_STATIC);
    bind_text_or_null(st, 9, key_fp);
    if (sqlite3_step(st) != SQLITE_DONE)
        goto fail_db;
    run_id = sqlite3_last_insert_rowid(db);
    sqlite3_finalize(st);
    st = NULL;

    if (sqlite3_prepare_v2(db,
            "INSERT INTO indicator_results (run_id, country, period, indicator, "
            "grp, numerator, denominator, value, ci_low, ci_high, p_value) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            -1, &st, NULL) != SQLITE_OK)
        goto fail_db;
    for (guint i = 0; i < rs->rows->len; i++) {
        const P2pResult *r = rs->rows->pdata[i];
        sqlite3_bind_int64(st, 1, run_id);
        sqlite3_bind_text(st, 2, r->country, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, r->period, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, r->indicator, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, r->grp, -1, SQLITE_STATIC);
        for (int f = 0; f < P2P_F_COUNT; f++)
            bind_real(st, 6 + f, r->f[f]);
        if (sqlite3_step(st) != SQLITE_DONE)
            goto fail_db;
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    st = NULL;

    if (sqlite3_prepare_v2(db,
            "INSERT INTO analysis_figures (run_id, country, period, figure, grp, "
            "key, value, value2) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            -1, &st, NULL) != SQLITE_OK)
        goto fail_db;
    for (guint i = 0; i < rs->figures->len; i++) {
        const P2pFigure *f = rs->figures->pdata[i];
        sqlite3_bind_int64(st, 1, run_id);
        sqlite3_bind_text(st, 2, f->country, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, f->period, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, f->figure, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, f->grp, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, f->key, -1, SQLITE_STATIC);
        bind_real(st, 7, f->value);
        bind_real(st, 8, f->value2);
        if (sqlite3_step(st) != SQLITE_DONE)
            goto fail_db;
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    st = NULL;

    finished = p2p_now_iso();
    if (sqlite3_prepare_v2(db, "UPDATE analysis_runs SET finished_at = ?1 "
                               "WHERE run_id = ?2", -1, &st, NULL) != SQLITE_OK)
        goto fail_db;
    sqlite3_bind_text(st, 1, finished, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, run_id);
    if (sqlite3_step(st) != SQLITE_DONE)
        goto fail_db;
    sqlite3_finalize(st);
    st = NULL;
    if (!p2p_db_exec(db, "COMMIT", error)) {
        p2p_db_exec(db, "ROLLBACK", NULL);
        run_id = 0;
        goto out;
    }
    rs->run_id = run_id;
    if (out_results) {
        *out_results = rs;
        rs = NULL;
    }
    goto out;
fail_db:
    p2p_db_fail(db, "storing the analysis", error);
    sqlite3_finalize(st);
    st = NULL;
    p2p_db_exec(db, "ROLLBACK", NULL);
    run_id = 0;
out:
    p2p_results_free(rs);
    g_free(fp);
    g_free(key_fp);
    g_free(started);
    g_free(finished);
    return run_id;
}
