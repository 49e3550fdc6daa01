/* suppress.c: the small-cell rule (CONTRACT.md "Small-cell suppression")
 * applied to a result set: 1 primary, 2 proportions and estimates,
 * 3 secondary over partitions to a fixed point, 4 consistency. */
#include "results.h"

#include <math.h>
#include <string.h>

#include "indicators.h"

/* Working state of one suppression pass. */
typedef struct {
    P2pResultSet *rs;   /* the rows, borrowed */
    int k;              /* threshold */
    GHashTable *ind;    /* row (P2pResult *) -> its P2pIndicator *, borrowed */
} Supp;

static gboolean small(double v, int k) { return !isnan(v) && v > 0 && v < k; }

static gboolean count_suppressed(const P2pResult *r)
{
    return r && r->state[P2P_F_VALUE] != P2P_CELL_SHOWN;
}

static void suppress_whole(P2pResult *r)
{
    for (int i = 0; i < P2P_F_COUNT; i++)
        if (r->state[i] == P2P_CELL_SHOWN)
            r->state[i] = P2P_CELL_SECONDARY;
}

static void suppress_count(P2pResult *r, P2pCellState how)
{
    r->state[P2P_F_NUM] = r->state[P2P_F_VALUE] = how;
}

static P2pResult *find(Supp *s, const P2pResult *like, const char *country,
                       const char *indicator, const char *grp)
{
    return (P2pResult *)p2p_results_find(s->rs, country ? country : like->country,
                                         like->period, indicator,
                                         grp ? grp : like->grp);
}

/* A cell of a partition: a sensitive count or an estimate. */
static gboolean cell_suppressed(const P2pResult *r)
{
    return r->state[P2P_F_VALUE] != P2P_CELL_SHOWN;
}

/* Partition key -> GPtrArray of rows, total first if present. */
static void partition_add(GHashTable *parts, char *key, P2pResult *r,
                          gboolean total)
{
    GPtrArray *a = g_hash_table_lookup(parts, key);
    if (!a) {
        a = g_ptr_array_new();
        g_ptr_array_add(a, NULL); /* slot 0: the total */
        g_hash_table_insert(parts, key, a);
    } else {
        g_free(key);
    }
    if (total)
        a->pdata[0] = r;
    else
        g_ptr_array_add(a, r);
}

/* Secondary suppression in one partition (pdata[0] total, then parts).
 * Returns TRUE when it suppressed something. */
static gboolean partition_fix(GPtrArray *a, gboolean by_country)
{
    P2pResult *total = a->pdata[0];
    if (!total || isnan(total->f[P2P_F_VALUE]))
        return FALSE; /* no total to subtract from */
    int n_supp = cell_suppressed(total) ? 1 : 0;
    for (guint i = 1; i < a->len; i++)
        n_supp += cell_suppressed(a->pdata[i]) ? 1 : 0;
    if (n_supp != 1)
        return FALSE;
    P2pResult *best = NULL;
    for (guint i = 1; i < a->len; i++) {
        P2pResult *r = a->pdata[i];
        double v = r->f[P2P_F_VALUE];
        if (cell_suppressed(r) || isnan(v) || v <= 0)
            continue;
        if (!best || v < best->f[P2P_F_VALUE])
            best = r;
        else if (v == best->f[P2P_F_VALUE]) {
            int c = strcmp(r->grp, best->grp);
            if (c == 0 && by_country)
                c = strcmp(r->country, best->country);
            if (c < 0)
                best = r;
        }
    }
    if (!best && !cell_suppressed(total))
        best = total;
    if (!best)
        return FALSE;
    if (best->state[P2P_F_NUM] == P2P_CELL_SHOWN && !isnan(best->f[P2P_F_NUM]))
        best->state[P2P_F_NUM] = P2P_CELL_SECONDARY;
    best->state[P2P_F_VALUE] = P2P_CELL_SECONDARY;
    /* An estimate's interval would give it back. */
    best->state[P2P_F_LO] = best->state[P2P_F_HI] =
        isnan(best->f[P2P_F_LO]) ? best->state[P2P_F_LO] : P2P_CELL_SECONDARY;
    return TRUE;
}

static gboolean partitions_fix(GHashTable *parts, gboolean by_country)
{
    gboolean changed = FALSE;
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init(&it, parts);
    while (g_hash_table_iter_next(&it, NULL, &v))
        changed |= partition_fix(v, by_country);
    return changed;
}

/* Proportions of encounters or referrals (not of clients): their numerator
 * and denominator add up over worker types, services and countries, so a
 * lone suppressed row beside its shown total and siblings would come back by
 * subtraction (GR: 205/363 - 127/208 - 74/143 = 4/12). The contract lists
 * only counts as partitions; these get the same protection. */
static const char *const additive_props[] = { "referral_rate", "referral_uptake",
                                              NULL };

static gboolean additive_prop(const char *indicator)
{
    for (int i = 0; additive_props[i]; i++)
        if (strcmp(indicator, additive_props[i]) == 0)
            return TRUE;
    return FALSE;
}

static gboolean row_hidden(const P2pResult *r)
{
    return r->state[P2P_F_VALUE] != P2P_CELL_SHOWN
           || r->state[P2P_F_DEN] != P2P_CELL_SHOWN;
}

/* Rule 3 for one partition of proportion rows (pdata[0] the total): with
 * exactly one row hidden, hide the one with the smallest non-zero
 * denominator too (ties: group, then country), or the total. */
static gboolean prop_partition_fix(GPtrArray *a, gboolean by_country)
{
    P2pResult *total = a->pdata[0];
    if (!total)
        return FALSE;
    int n_hidden = row_hidden(total) ? 1 : 0;
    for (guint i = 1; i < a->len; i++)
        n_hidden += row_hidden(a->pdata[i]) ? 1 : 0;
    if (n_hidden != 1)
        return FALSE;
    P2pResult *best = NULL;
    for (guint i = 1; i < a->len; i++) {
        P2pResult *r = a->pdata[i];
        double d = r->f[P2P_F_DEN];
        if (row_hidden(r) || isnan(d) || d <= 0)
            continue;
        int c = best ? (d < best->f[P2P_F_DEN] ? -1 : d > best->f[P2P_F_DEN] ? 1 : 0) : -1;
        if (c == 0)
            c = strcmp(r->grp, best->grp);
        if (c == 0 && by_country)
            c = strcmp(r->country, best->country);
        if (c < 0)
            best = r;
    }
    if (!best && !row_hidden(total) && total->f[P2P_F_DEN] > 0)
        best = total;
    if (!best)
        return FALSE;
    suppress_whole(best);
    return TRUE;
}

/* Rule 3 over the additive proportions: worker types and services within a
 * scope, then countries within ALL, to a fixed point. */
static void suppress_additive_props(P2pResultSet *rs)
{
    GHashTable *groups = g_hash_table_new_full(
        g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
    GHashTable *countries = g_hash_table_new_full(
        g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
    for (guint i = 0; i < rs->rows->len; i++) {
        P2pResult *r = rs->rows->pdata[i];
        if (!additive_prop(r->indicator))
            continue;
        gboolean total = strcmp(r->grp, "all") == 0;
        static const char *const dims[] = { "worker_type=", "service=", NULL };
        for (int d = 0; dims[d]; d++)
            if (total || g_str_has_prefix(r->grp, dims[d]))
                partition_add(groups, g_strjoin("|", r->country, r->period,
                                                r->indicator, dims[d], NULL),
                              r, total);
        partition_add(countries, g_strjoin("|", r->period, r->indicator, r->grp, NULL),
                      r, strcmp(r->country, "ALL") == 0);
    }
    gboolean changed;
    do {
        changed = FALSE;
        GHashTableIter it;
        gpointer v;
        g_hash_table_iter_init(&it, groups);
        while (g_hash_table_iter_next(&it, NULL, &v))
            changed |= prop_partition_fix(v, FALSE);
        g_hash_table_iter_init(&it, countries);
        while (g_hash_table_iter_next(&it, NULL, &v))
            changed |= prop_partition_fix(v, TRUE);
    } while (changed);
    g_hash_table_destroy(groups);
    g_hash_table_destroy(countries);
}

/* Rule 2 for an estimate: n1, n2 or m between 1 and K-1 (its figures). */
static gboolean estimate_small(Supp *s, const P2pResult *r)
{
    static const char *const keys[] = { "n1", "n2", "m" };
    for (int i = 0; i < 3; i++) {
        const P2pFigure *f = p2p_results_find_figure(
            s->rs, r->country, r->period, "capture_recapture", "all", keys[i]);
        if (f && small(f->value, s->k))
            return TRUE;
    }
    return FALSE;
}

void p2p_results_suppress(P2pResultSet *rs, int k)
{
    for (guint i = 0; i < rs->rows->len; i++)
        memset(((P2pResult *)rs->rows->pdata[i])->state, 0,
               sizeof ((P2pResult *)0)->state);
    if (k <= 1)
        return;
    Supp s = { rs, k, g_hash_table_new(g_direct_hash, g_direct_equal) };
    GHashTable *by_group = g_hash_table_new_full(
        g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
    GHashTable *by_country = g_hash_table_new_full(
        g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_ptr_array_unref);

    /* Rule 1, rule 2 for estimates, and the partitions of rule 3. */
    for (guint i = 0; i < rs->rows->len; i++) {
        P2pResult *r = rs->rows->pdata[i];
        const P2pIndicator *ind = p2p_indicator_find(r->indicator);
        if (!ind)
            continue;
        g_hash_table_insert(s.ind, r, (gpointer)ind);
        if (!ind->sensitive)
            continue;
        gboolean is_count = ind->kind == P2P_KIND_COUNT;
        if (is_count && small(r->f[P2P_F_VALUE], k))
            suppress_count(r, P2P_CELL_PRIMARY);
        if (ind->kind == P2P_KIND_ESTIMATE && estimate_small(&s, r))
            suppress_whole(r);
        if (!is_count && ind->kind != P2P_KIND_ESTIMATE)
            continue;
        if (ind->additive) {
            gboolean total = strcmp(r->grp, "all") == 0;
            if (total || g_str_has_prefix(r->grp, "worker_type=")
                || g_str_has_prefix(r->grp, "role="))
                partition_add(by_group,
                              g_strjoin("|", r->country, r->period,
                                        r->indicator, NULL), r, total);
        }
        partition_add(by_country,
                      g_strjoin("|", r->period, r->indicator, r->grp, NULL), r,
                      strcmp(r->country, "ALL") == 0);
    }
    /* Rule 3: groups first, then countries, until nothing changes. */
    do {
        while (partitions_fix(by_group, FALSE))
            ;
    } while (partitions_fix(by_country, TRUE));

    /* Rules 2 and 4 for the rows built on counts, then the comparisons and
     * coverage, which read those rows' states. */
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1)
            suppress_additive_props(rs);   /* before the comparisons read them */
        for (guint i = 0; i < rs->rows->len; i++) {
            P2pResult *r = rs->rows->pdata[i];
            const P2pIndicator *ind = g_hash_table_lookup(s.ind, r);
            if (!ind || !ind->sensitive || ind->kind == P2P_KIND_COUNT
                || ind->kind == P2P_KIND_ESTIMATE)
                continue;
            gboolean late = ind->calc == P2P_CALC_COMPARISON
                            || ind->calc == P2P_CALC_COVERAGE;
            if (late != (pass == 1))
                continue;
            gboolean hide = FALSE;
            if (ind->calc == P2P_CALC_COMPARISON) {
                P2pResult *p = find(&s, r, NULL, ind->base, "worker_type=peer");
                P2pResult *q = find(&s, r, NULL, ind->base,
                                    "worker_type=professional");
                hide = (p && p->state[P2P_F_VALUE] != P2P_CELL_SHOWN)
                       || (q && q->state[P2P_F_VALUE] != P2P_CELL_SHOWN);
            } else if (ind->calc == P2P_CALC_COVERAGE) {
                P2pResult *e = find(&s, r, NULL, ind->base, "all");
                hide = (e && e->state[P2P_F_VALUE] != P2P_CELL_SHOWN)
                       || small(r->f[P2P_F_NUM], k);
            } else {
                double n = r->f[P2P_F_NUM], d = r->f[P2P_F_DEN];
                hide = small(n, k) || small(d, k)
                       || (ind->kind == P2P_KIND_PROPORTION && small(d - n, k));
            }
            if (ind->num_count)
                hide |= count_suppressed(find(&s, r, NULL, ind->num_count, NULL));
            if (ind->den_count)
                hide |= count_suppressed(find(&s, r, NULL, ind->den_count, NULL));
            if (hide)
                suppress_whole(r);
        }
    }
    g_hash_table_destroy(by_group);
    g_hash_table_destroy(by_country);
    g_hash_table_destroy(s.ind);
}
