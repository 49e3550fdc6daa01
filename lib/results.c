/* results.c: result sets (rows and figures of an analysis run), loading a
 * stored run, finding the latest one, and formatting a published field. */
#include "results.h"

#include <math.h>
#include <string.h>

#include "db.h"

static void result_free(gpointer p)
{
    P2pResult *r = p;
    g_free(r->country);
    g_free(r->period);
    g_free(r->indicator);
    g_free(r->grp);
    g_free(r);
}

static void figure_free(gpointer p)
{
    P2pFigure *f = p;
    g_free(f->country);
    g_free(f->period);
    g_free(f->figure);
    g_free(f->grp);
    g_free(f->key);
    g_free(f);
}

P2pResultSet *p2p_results_new(void)
{
    P2pResultSet *rs = g_new0(P2pResultSet, 1);
    rs->rows = g_ptr_array_new_with_free_func(result_free);
    rs->index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    rs->figures = g_ptr_array_new_with_free_func(figure_free);
    rs->findex = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return rs;
}

void p2p_results_free(P2pResultSet *rs)
{
    if (!rs)
        return;
    g_hash_table_destroy(rs->index);
    g_ptr_array_free(rs->rows, TRUE);
    g_hash_table_destroy(rs->findex);
    g_ptr_array_free(rs->figures, TRUE);
    g_free(rs);
}

static char *row_key(const char *country, const char *period,
                     const char *indicator, const char *grp)
{
    return g_strjoin("|", country, period, indicator, grp, NULL);
}

P2pResult *p2p_results_add(P2pResultSet *rs, const char *country,
                           const char *period, const char *indicator,
                           const char *grp, const double f[P2P_F_COUNT])
{
    P2pResult *r = g_new0(P2pResult, 1);
    r->country = g_strdup(country);
    r->period = g_strdup(period);
    r->indicator = g_strdup(indicator);
    r->grp = g_strdup(grp);
    for (int i = 0; i < P2P_F_COUNT; i++)
        r->f[i] = f ? f[i] : NAN;
    g_ptr_array_add(rs->rows, r);
    g_hash_table_replace(rs->index, row_key(country, period, indicator, grp), r);
    return r;
}

P2pResultSet *p2p_results_cut(const P2pResultSet *rs, const char *country)
{
    P2pResultSet *cut = p2p_results_new();
    cut->run_id = rs->run_id;
    for (guint i = 0; i < rs->rows->len; i++) {
        const P2pResult *r = rs->rows->pdata[i];
        if (strcmp(r->country, country) != 0)
            continue;
        P2pResult *c = p2p_results_add(cut, r->country, r->period, r->indicator,
                                       r->grp, r->f);
        memcpy(c->state, r->state, sizeof c->state);
    }
    return cut;
}

const P2pResult *p2p_results_find(const P2pResultSet *rs, const char *country,
                                  const char *period, const char *indicator,
                                  const char *grp)
{
    char *key = row_key(country, period, indicator, grp);
    const P2pResult *r = g_hash_table_lookup(rs->index, key);
    g_free(key);
    return r;
}

static char *figure_key(const char *country, const char *period,
                        const char *figure, const char *grp, const char *key)
{
    return g_strjoin("|", country, period, figure, grp, key, NULL);
}

P2pFigure *p2p_results_add_figure(P2pResultSet *rs, const char *country,
                                  const char *period, const char *figure,
                                  const char *grp, const char *key,
                                  double value, double value2)
{
    P2pFigure *f = g_new0(P2pFigure, 1);
    f->country = g_strdup(country);
    f->period = g_strdup(period);
    f->figure = g_strdup(figure);
    f->grp = g_strdup(grp);
    f->key = g_strdup(key);
    f->value = value;
    f->value2 = value2;
    g_ptr_array_add(rs->figures, f);
    g_hash_table_replace(rs->findex,
                         figure_key(country, period, figure, grp, key), f);
    return f;
}

const P2pFigure *p2p_results_find_figure(const P2pResultSet *rs,
                                         const char *country,
                                         const char *period,
                                         const char *figure, const char *grp,
                                         const char *key)
{
    char *k = figure_key(country, period, figure, grp, key);
    const P2pFigure *f = g_hash_table_lookup(rs->findex, k);
    g_free(k);
    return f;
}

static double column_or_nan(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL
               ? NAN : sqlite3_column_double(st, i);
}

static const char *column_str(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s ? s : "";
}

P2pResultSet *p2p_results_load(sqlite3 *db, gint64 run_id, const char *country,
                               GError **error)
{
    sqlite3_stmt *st = NULL;
    P2pResultSet *rs = p2p_results_new();
    rs->run_id = run_id;
    int rc;
    /* rowid order is the order the run stored them: the export's order. */
    if (sqlite3_prepare_v2(db,
            "SELECT country, period, indicator, grp, numerator, denominator, "
            "value, ci_low, ci_high, p_value FROM indicator_results "
            "WHERE run_id = ?1 AND (?2 IS NULL OR country = ?2) ORDER BY rowid",
            -1, &st, NULL) != SQLITE_OK)
        goto fail;
    sqlite3_bind_int64(st, 1, run_id);
    if (country)
        sqlite3_bind_text(st, 2, country, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        double f[P2P_F_COUNT];
        for (int i = 0; i < P2P_F_COUNT; i++)
            f[i] = column_or_nan(st, 4 + i);
        p2p_results_add(rs, column_str(st, 0), column_str(st, 1),
                        column_str(st, 2), column_str(st, 3), f);
    }
    if (rc != SQLITE_DONE)
        goto fail;
    sqlite3_finalize(st);
    st = NULL;
    /* ALL's suppression reads the countries' capture-recapture figures. */
    if (sqlite3_prepare_v2(db,
            "SELECT country, period, figure, grp, key, value, value2 "
            "FROM analysis_figures WHERE run_id = ?1 AND (?2 IS NULL "
            "OR country = ?2 OR (?2 = 'ALL' AND figure = 'capture_recapture')) "
            "ORDER BY rowid", -1, &st, NULL) != SQLITE_OK)
        goto fail;
    sqlite3_bind_int64(st, 1, run_id);
    if (country)
        sqlite3_bind_text(st, 2, country, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        p2p_results_add_figure(rs, column_str(st, 0), column_str(st, 1),
                               column_str(st, 2), column_str(st, 3),
                               column_str(st, 4), column_or_nan(st, 5),
                               column_or_nan(st, 6));
    if (rc != SQLITE_DONE)
        goto fail;
    sqlite3_finalize(st);
    return rs;
fail:
    p2p_db_fail(db, "loading analysis results", error);
    sqlite3_finalize(st);
    p2p_results_free(rs);
    return NULL;
}

gint64 p2p_results_latest_run(sqlite3 *db, const char *country,
                              gint64 *data_version, GError **error)
{
    sqlite3_stmt *st = NULL;
    gint64 run_id = 0;
    if (data_version)
        *data_version = 0;
    /* A country is covered by a run of every country ('*') or of itself;
     * ALL needs '*' (its report shows the countries side by side). */
    if (sqlite3_prepare_v2(db,
            "SELECT run_id, data_version FROM analysis_runs "
            "WHERE date_from IS NULL AND date_to IS NULL "
            "AND finished_at IS NOT NULL "
            "AND (country = '*' OR (country = ?1 AND ?1 <> 'ALL')) "
            "ORDER BY run_id DESC LIMIT 1", -1, &st, NULL) != SQLITE_OK) {
        p2p_db_fail(db, "finding the latest analysis", error);
        return -1;
    }
    sqlite3_bind_text(st, 1, country ? country : "ALL", -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        run_id = sqlite3_column_int64(st, 0);
        if (data_version)
            *data_version = sqlite3_column_int64(st, 1);
    } else if (rc != SQLITE_DONE) {
        p2p_db_fail(db, "finding the latest analysis", error);
        run_id = -1;
    }
    sqlite3_finalize(st);
    return run_id;
}

char *p2p_format_number(double v)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    if (isnan(v) || isinf(v))
        return g_strdup("");
    if (v == 0)
        return g_strdup("0"); /* never "-0" */
    if (v == floor(v) && fabs(v) < 1e15)
        return g_strdup(g_ascii_formatd(buf, sizeof buf, "%.0f", v));
    return g_strdup(g_ascii_formatd(buf, sizeof buf, "%.10g", v));
}

char *p2p_result_format(const P2pResult *r, int field, int k)
{
    switch (r->state[field]) {
    case P2P_CELL_PRIMARY:
        return g_strdup_printf("<%d", k);
    case P2P_CELL_SECONDARY:
        return g_strdup("c");
    default:
        return p2p_format_number(r->f[field]);
    }
}
