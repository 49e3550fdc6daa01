/* data.c: loading a stored analysis run, its figure series, the source files
 * and the provenance for a report, and publishing their numbers. */
#include "data.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include "db.h"

const char *const rd_all_countries[8] = {
    "PT", "GR", "PL", "LT", "BE", "FR", "NL", "HU"
};

/* English and own-language names, in the order of rd_all_countries. */
static const struct {
    const char *cc, *en, *own;
} country_names[] = {
    { "PT", "Portugal", "Portugal" },
    { "GR", "Greece", "Ελλάδα" },
    { "PL", "Poland", "Polska" },
    { "LT", "Lithuania", "Lietuva" },
    { "BE", "Belgium", "België · Belgique · Belgien" },
    { "FR", "France", "France" },
    { "NL", "the Netherlands", "Nederland" },
    { "HU", "Hungary", "Magyarország" },
    { "ALL", "All partner countries", "Peer2Peer consortium" },
};

const char *rd_country_en(const char *cc)
{
    for (size_t i = 0; i < G_N_ELEMENTS(country_names); i++)
        if (strcmp(cc, country_names[i].cc) == 0)
            return country_names[i].en;
    return cc;
}

const char *rd_country_own(const char *cc)
{
    for (size_t i = 0; i < G_N_ELEMENTS(country_names); i++)
        if (strcmp(cc, country_names[i].cc) == 0)
            return country_names[i].own;
    return cc;
}

/* "2019-03" -> "March 2019"; the key itself when it is not a month. */
static char *month_words(const char *key)
{
    static const char *const names[12] = {
        "January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December"
    };
    int y = 0, m = 0;
    char end = 0;
    if (sscanf(key, "%4d-%2d%c", &y, &m, &end) != 2 || m < 1 || m > 12)
        return g_strdup(key);
    return g_strdup_printf("%s %d", names[m - 1], y);
}

char *rd_period(const ReportData *rd)
{
    if (!*rd->month_first)
        return g_strdup("no encounter recorded");
    char *a = month_words(rd->month_first);
    if (strcmp(rd->month_first, rd->month_last) == 0)
        return a;
    char *b = month_words(rd->month_last);
    char *t = g_strdup_printf("%s – %s", a, b);
    g_free(a);
    g_free(b);
    return t;
}

GDateTime *rd_now(void)
{
    const char *epoch = g_getenv("SOURCE_DATE_EPOCH");
    if (epoch && *epoch) {
        char *end = NULL;
        gint64 t = g_ascii_strtoll(epoch, &end, 10);
        GDateTime *d = end && !*end ? g_date_time_new_from_unix_utc(t) : NULL;
        if (d)
            return d;
    }
    return g_date_time_new_now_utc();
}

int report_data_check(sqlite3 *db, const char *scope, gint64 *run_id,
                      char **message, GError **error)
{
    gint64 seen = 0;
    *message = NULL;
    *run_id = p2p_results_latest_run(db, scope, &seen, error);
    if (error && *error)
        return -1;
    if (*run_id == 0) {
        *message = g_strdup_printf(
            "no stored analysis over the whole period covers %s; "
            "run p2p-analyse --country %s first, or give --analyse", scope,
            scope);
        return REPORT_RUN_MISSING;
    }
    gint64 now = p2p_db_data_version(db);
    if (now > seen) {
        *message = g_strdup_printf(
            "the stored analysis (run %" G_GINT64_FORMAT ") is stale: the data "
            "changed after it (data version %" G_GINT64_FORMAT ", the run saw %"
            G_GINT64_FORMAT "); run p2p-analyse again, or give --analyse",
            *run_id, now, seen);
        return REPORT_RUN_STALE;
    }
    return REPORT_RUN_OK;
}

static void reason_free(gpointer p)
{
    ReportReason *r = p;
    g_free(r->column);
    g_free(r->reason);
    g_free(r);
}

static void source_free(gpointer p)
{
    ReportSource *s = p;
    g_free(s->path);
    g_free(s->sha256);
    g_free(s->kind);
    g_free(s->ingested_at);
    g_ptr_array_unref(s->reasons);
    g_free(s);
}

void report_data_free(ReportData *rd)
{
    if (!rd)
        return;
    g_free(rd->scope);
    g_free(rd->run_time);
    g_free(rd->run_version);
    g_free(rd->key_fingerprint);
    g_free(rd->generated);
    g_free(rd->month_first);
    g_free(rd->month_last);
    p2p_results_free(rd->rs);
    if (rd->figures)
        g_ptr_array_unref(rd->figures);
    if (rd->series)
        g_hash_table_unref(rd->series);
    if (rd->by_key)
        g_hash_table_unref(rd->by_key);
    if (rd->sources)
        g_ptr_array_unref(rd->sources);
    if (rd->countries)
        g_ptr_array_unref(rd->countries);
    g_free(rd);
}

static char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return g_strdup(t ? (const char *)t : "");
}

static gboolean load_run(sqlite3 *db, ReportData *rd, GError **error)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
            "SELECT coalesce(finished_at, started_at), toolkit_version "
            "FROM analysis_runs WHERE run_id = ?1", -1, &st, NULL) != SQLITE_OK)
        return p2p_db_fail(db, "reading analysis_runs", error);
    sqlite3_bind_int64(st, 1, rd->run_id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        rd->run_time = col_text(st, 0);
        rd->run_version = col_text(st, 1);
    } else {
        rd->run_time = g_strdup("");
        rd->run_version = g_strdup("");
    }
    sqlite3_finalize(st);
    return TRUE;
}

/* Index keys: the fields joined by U+001F, a control character that no
 * stored text holds (ingest rejects them). Caller g_frees. */
static char *series_key(const char *country, const char *figure)
{
    return g_strconcat(country, "\x1f", figure, NULL);
}

static char *figure_key(const char *country, const char *figure,
                        const char *grp, const char *key)
{
    return g_strconcat(country, "\x1f", figure, "\x1f", grp, "\x1f", key,
                       NULL);
}

/* The run's whole-period figures, as p2p_results_load read them, indexed
 * by series and by key. */
static void take_figures(ReportData *rd)
{
    rd->figures = g_ptr_array_new();
    rd->series = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify)g_ptr_array_unref);
    rd->by_key = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; i < rd->rs->figures->len; i++) {
        P2pFigure *f = rd->rs->figures->pdata[i];
        if (strcmp(f->period, "all") != 0)
            continue;
        g_ptr_array_add(rd->figures, f);
        char *sk = series_key(f->country, f->figure);
        GPtrArray *series = g_hash_table_lookup(rd->series, sk);
        if (!series) {
            series = g_ptr_array_new();
            g_hash_table_insert(rd->series, sk, series);
        } else {
            g_free(sk);
        }
        g_ptr_array_add(series, f);
        char *fk = figure_key(f->country, f->figure, f->grp, f->key);
        if (!g_hash_table_contains(rd->by_key, fk))
            g_hash_table_insert(rd->by_key, fk, f);
        else
            g_free(fk);
    }
}

/* A reject reason without its values, so that rejects group by their kind
 * and the annex publishes no field of a rejected row: quoted values and
 * numbers become "…", except inside "(expected …)", which states the rule
 * ("invalid date '…' (expected YYYY-MM-DD)", "year … before …"). */
static char *reason_kind(const char *reason)
{
    GString *s = g_string_new(NULL);
    gboolean in_quote = FALSE, in_expected = FALSE, in_number = FALSE;
    for (const char *p = reason; *p; p++) {
        if (!in_quote && *p == '(' && g_str_has_prefix(p, "(expected"))
            in_expected = TRUE;
        else if (!in_quote && *p == ')')
            in_expected = FALSE;
        if (*p == '\'') {
            in_quote = !in_quote;
            g_string_append(s, in_quote ? "'…" : "'");
            in_number = FALSE;
            continue;
        }
        if (in_quote)
            continue;
        gboolean digit = g_ascii_isdigit(*p)
            || (in_number && (*p == '.' || *p == ':' || *p == '-')
                && g_ascii_isdigit(p[1]));
        /* Digits that are part of a word stay: "UTF-8". */
        gboolean in_word = !in_number && p > reason
            && (g_ascii_isalpha(p[-1])
                || (p[-1] == '-' && p - 1 > reason && g_ascii_isalpha(p[-2])));
        if (digit && !in_expected && !in_word) {
            if (!in_number)
                g_string_append(s, "…");
            in_number = TRUE;
            continue;
        }
        in_number = FALSE;
        g_string_append_c(s, *p);
    }
    return g_string_free(s, FALSE);
}

/* The files behind a scope: for a country, the files with a loaded or
 * rejected row of it (the shared codebook belongs to every country); for
 * ALL every file. */
static const char *sources_sql_cc =
    "SELECT file_id, path, sha256, kind, ingested_at, rows_read, inserted, "
    "updated, unchanged, rejected, skipped FROM source_files WHERE file_id IN ("
    " SELECT file_id FROM encounters WHERE country = ?1"
    " UNION SELECT file_id FROM referrals WHERE country = ?1"
    " UNION SELECT file_id FROM focus_groups WHERE country = ?1"
    " UNION SELECT p.file_id FROM fg_participants p JOIN focus_groups g"
    "   USING (group_id) WHERE g.country = ?1"
    " UNION SELECT s.file_id FROM fg_segments s JOIN focus_groups g"
    "   USING (group_id) WHERE g.country = ?1"
    " UNION SELECT file_id FROM rejects WHERE country = ?1"
    " UNION SELECT file_id FROM codebook"
    " UNION SELECT file_id FROM source_files WHERE kind = 'codebook')"
    " ORDER BY file_id";
static const char *sources_sql_all =
    "SELECT file_id, path, sha256, kind, ingested_at, rows_read, inserted, "
    "updated, unchanged, rejected, skipped FROM source_files ORDER BY file_id";

static gboolean load_sources(sqlite3 *db, ReportData *rd, GError **error)
{
    sqlite3_stmt *st = NULL, *rj = NULL;
    gboolean all = strcmp(rd->scope, "ALL") == 0;
    gboolean ok = FALSE;
    rd->sources = g_ptr_array_new_with_free_func(source_free);
    if (sqlite3_prepare_v2(db, all ? sources_sql_all : sources_sql_cc, -1, &st,
                           NULL) != SQLITE_OK
        || sqlite3_prepare_v2(db,
            "SELECT coalesce(column_name, ''), reason FROM rejects "
            "WHERE file_id = ?1 ORDER BY line", -1, &rj, NULL) != SQLITE_OK) {
        p2p_db_fail(db, "reading source_files", error);
        goto out;
    }
    if (!all)
        sqlite3_bind_text(st, 1, rd->scope, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        ReportSource *s = g_new0(ReportSource, 1);
        s->file_id = sqlite3_column_int64(st, 0);
        s->path = col_text(st, 1);
        s->sha256 = col_text(st, 2);
        s->kind = col_text(st, 3);
        s->ingested_at = col_text(st, 4);
        s->rows_read = sqlite3_column_int64(st, 5);
        s->inserted = sqlite3_column_int64(st, 6);
        s->updated = sqlite3_column_int64(st, 7);
        s->unchanged = sqlite3_column_int64(st, 8);
        s->rejected = sqlite3_column_int64(st, 9);
        s->skipped = sqlite3_column_int64(st, 10);
        s->reasons = g_ptr_array_new_with_free_func(reason_free);
        g_ptr_array_add(rd->sources, s);
        /* Rejects by column and reason, in order of first appearance. */
        GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal,
                                                 g_free, NULL);
        sqlite3_reset(rj);
        sqlite3_bind_int64(rj, 1, s->file_id);
        while (sqlite3_step(rj) == SQLITE_ROW) {
            char *column = col_text(rj, 0);
            char *kind = reason_kind((const char *)sqlite3_column_text(rj, 1));
            char *key = g_strconcat(column, "\x1f", kind, NULL);
            ReportReason *r = g_hash_table_lookup(seen, key);
            if (!r) {
                r = g_new0(ReportReason, 1);
                r->column = column;
                r->reason = kind;
                g_ptr_array_add(s->reasons, r);
                g_hash_table_insert(seen, key, r);
            } else {
                g_free(column);
                g_free(kind);
                g_free(key);
            }
            r->n++;
        }
        g_hash_table_unref(seen);
    }
    if (rc != SQLITE_DONE) {
        p2p_db_fail(db, "reading source_files", error);
        goto out;
    }
    ok = TRUE;
out:
    sqlite3_finalize(st);
    sqlite3_finalize(rj);
    return ok;
}

static gboolean load_dates(sqlite3 *db, ReportData *rd, GError **error)
{
    sqlite3_stmt *st = NULL;
    gboolean all = strcmp(rd->scope, "ALL") == 0;
    /* Two statements so that a country's query uses the primary key; only
     * the months leave the database. */
    if (sqlite3_prepare_v2(db, all
            ? "SELECT substr(min(date), 1, 7), substr(max(date), 1, 7) "
              "FROM encounters"
            : "SELECT substr(min(date), 1, 7), substr(max(date), 1, 7) "
              "FROM encounters WHERE country = ?1",
            -1, &st, NULL) != SQLITE_OK)
        return p2p_db_fail(db, "reading encounters", error);
    if (!all)
        sqlite3_bind_text(st, 1, rd->scope, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        rd->month_first = col_text(st, 0);
        rd->month_last = col_text(st, 1);
    }
    sqlite3_finalize(st);
    if (!rd->month_first) {
        rd->month_first = g_strdup("");
        rd->month_last = g_strdup("");
    }
    return TRUE;
}

/* ---- suppression of the figure series -------------------------------- */

static gboolean fig_suppressed(const ReportFigure *f, int which)
{
    return (which == 1 ? f->state : f->state2) != P2P_CELL_SHOWN;
}

static double fig_val(const ReportFigure *f, int which)
{
    return which == 1 ? f->value : f->value2;
}

static void fig_set(ReportFigure *f, int which, guint8 state)
{
    if (which == 1)
        f->state = state;
    else
        f->state2 = state;
}

/* Primary rule on a sensitive count. */
static void fig_primary(ReportFigure *f, int which, int k)
{
    double v = fig_val(f, which);
    if (!isnan(v) && v >= 1 && v <= k - 1)
        fig_set(f, which, P2P_CELL_PRIMARY);
}

/* Secondary rule on one partition (cells adding up to a total): with
 * exactly one cell suppressed, suppress the smallest other non-zero cell
 * (ties by key, then country), or the total (may be NULL) when no other
 * cell is non-zero. Returns TRUE on change. */
static gboolean fig_partition(GPtrArray *cells, ReportFigure *total, int which)
{
    int n_supp = 0;
    ReportFigure *best = NULL;
    for (guint i = 0; i < cells->len; i++) {
        ReportFigure *f = cells->pdata[i];
        if (fig_suppressed(f, which)) {
            n_supp++;
            continue;
        }
        double v = fig_val(f, which);
        if (isnan(v) || v == 0)
            continue;
        int cmp = best ? strcmp(f->key, best->key) : 0;
        if (!cmp && best)
            cmp = strcmp(f->country, best->country);
        if (!best || v < fig_val(best, which)
            || (v == fig_val(best, which) && cmp < 0))
            best = f;
    }
    if (n_supp != 1)
        return FALSE;
    if (best) {
        fig_set(best, which, P2P_CELL_SECONDARY);
        return TRUE;
    }
    if (total && !fig_suppressed(total, which)) {
        fig_set(total, which, P2P_CELL_SECONDARY);
        return TRUE;
    }
    return FALSE;
}

/* Group the figure rows named fig, value `which`, into partitions and
 * apply the secondary rule until nothing changes: the keys (months, sites)
 * of one (country, group) add up to the group's total; the worker types of
 * one (country, key) add up to its "all" row; the countries of one (group,
 * key) add up to ALL's row. */
static void fig_secondary(ReportData *rd, const char *fig, int which)
{
    gboolean changed = TRUE;
    while (changed) {
        changed = FALSE;
        GHashTable *parts = g_hash_table_new_full(
            g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
        GHashTable *totals = g_hash_table_new_full(g_str_hash, g_str_equal,
                                                   g_free, NULL);
        for (guint i = 0; i < rd->figures->len; i++) {
            ReportFigure *f = rd->figures->pdata[i];
            if (strcmp(f->figure, fig) != 0)
                continue;
            gboolean all_c = strcmp(f->country, "ALL") == 0;
            gboolean all_g = strcmp(f->grp, "all") == 0;
            char *keys[3] = {
                g_strdup_printf("g|%s|%s", f->country, f->grp),
                g_strdup_printf("k|%s|%s", f->country, f->key),
                g_strdup_printf("c|%s|%s", f->grp, f->key),
            };
            /* A row is a cell of a partition, or its total. */
            gboolean is_total[3] = { FALSE, all_g, all_c };
            for (int j = 0; j < 3; j++) {
                if (is_total[j]) {
                    g_hash_table_insert(totals, keys[j], f);
                    continue;
                }
                if (j == 1 && !g_str_has_prefix(f->grp, "worker_type=")) {
                    g_free(keys[j]);
                    continue;
                }
                GPtrArray *p = g_hash_table_lookup(parts, keys[j]);
                if (!p) {
                    p = g_ptr_array_new();
                    g_hash_table_insert(parts, keys[j], p);
                } else {
                    g_free(keys[j]);
                }
                g_ptr_array_add(p, f);
            }
        }
        GHashTableIter it;
        gpointer key, value;
        g_hash_table_iter_init(&it, parts);
        while (g_hash_table_iter_next(&it, &key, &value))
            if (fig_partition(value, g_hash_table_lookup(totals, key), which))
                changed = TRUE;
        g_hash_table_unref(parts);
        g_hash_table_unref(totals);
    }
}

static void suppress_figures(ReportData *rd)
{
    int k = rd->k;
    if (k <= 1)
        return;
    for (guint i = 0; i < rd->figures->len; i++) {
        ReportFigure *f = rd->figures->pdata[i];
        if (strcmp(f->figure, "monthly_encounters") == 0) {
            fig_primary(f, 1, k);
        } else if (strcmp(f->figure, "reach_by_site") == 0
                   || strcmp(f->figure, "reach_by_setting") == 0) {
            fig_primary(f, 1, k);
            fig_primary(f, 2, k);
        } else if (strcmp(f->figure, "capture_recapture") == 0) {
            fig_primary(f, 1, k);
            /* The estimate's lists go with the estimate: once it is
             * suppressed, n1, n2 and m are not published either. */
            const P2pResult *pe = rd_find(rd, f->country,
                                          "population_estimate", "all");
            if (f->state == P2P_CELL_SHOWN && pe
                && pe->state[P2P_F_VALUE] != P2P_CELL_SHOWN)
                f->state = P2P_CELL_SECONDARY;
            /* n1 and n2 are the clients reached by peers and by
             * professionals: suppressed there, suppressed here (rule 4). */
            const char *grp = strcmp(f->key, "n1") == 0
                ? "worker_type=peer"
                : strcmp(f->key, "n2") == 0 ? "worker_type=professional"
                                            : NULL;
            const P2pResult *cr = grp ? rd_find(rd, f->country,
                                                "clients_reached", grp)
                                      : NULL;
            if (f->state == P2P_CELL_SHOWN && cr
                && cr->state[P2P_F_VALUE] != P2P_CELL_SHOWN)
                f->state = cr->state[P2P_F_VALUE];
        }
    }
    /* Months add up to the encounters total, and so do sites; clients are
     * not additive across sites (a client meets several), so their
     * counts carry the primary rule only. */
    fig_secondary(rd, "monthly_encounters", 1);
    fig_secondary(rd, "reach_by_site", 2);
    fig_secondary(rd, "reach_by_setting", 2);
}

static int country_order(const char *cc)
{
    for (int i = 0; i < 8; i++)
        if (strcmp(cc, rd_all_countries[i]) == 0)
            return i;
    return 8;
}

static gint cmp_country(gconstpointer a, gconstpointer b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    int d = country_order(x) - country_order(y);
    return d ? d : strcmp(x, y);
}

ReportData *report_data_load(sqlite3 *db, const char *scope, gint64 run_id,
                             int k, gboolean sources, GError **error)
{
    ReportData *rd = g_new0(ReportData, 1);
    rd->scope = g_strdup(scope);
    rd->k = k;
    rd->run_id = run_id;
    GDateTime *now = rd_now();
    rd->generated = g_date_time_format(now, "%Y-%m-%d");
    g_date_time_unref(now);
    rd->key_fingerprint = p2p_db_meta_get(db, "key_fingerprint");
    if (!rd->key_fingerprint)
        rd->key_fingerprint = g_strdup("");
    /* Every country and ALL, whatever the scope: the secondary rule runs
     * across the countries of ALL, and a figure suppressed there must be
     * suppressed in the national report too. */
    rd->rs = p2p_results_load(db, run_id, NULL, error);
    if (rd->rs)
        take_figures(rd);
    if (!rd->rs || !load_run(db, rd, error)
        || (sources && !load_sources(db, rd, error))
        || (sources && !load_dates(db, rd, error))) {
        report_data_free(rd);
        return NULL;
    }
    if (!rd->sources)
        rd->sources = g_ptr_array_new_with_free_func(source_free);
    if (!rd->month_first) {
        rd->month_first = g_strdup("");
        rd->month_last = g_strdup("");
    }
    p2p_results_suppress(rd->rs, k);
    suppress_figures(rd);
    rd->countries = g_ptr_array_new_with_free_func(g_free);
    if (strcmp(scope, "ALL") == 0) {
        GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
        for (guint i = 0; i < rd->rs->rows->len; i++) {
            P2pResult *r = rd->rs->rows->pdata[i];
            if (strcmp(r->country, "ALL") != 0
                && !g_hash_table_contains(seen, r->country)) {
                g_hash_table_add(seen, r->country);
                g_ptr_array_add(rd->countries, g_strdup(r->country));
            }
        }
        g_hash_table_unref(seen);
        g_ptr_array_sort(rd->countries, cmp_country);
    } else {
        g_ptr_array_add(rd->countries, g_strdup(scope));
    }
    return rd;
}

const P2pResult *rd_find(const ReportData *rd, const char *country,
                         const char *indicator, const char *grp)
{
    return p2p_results_find(rd->rs, country, "all", indicator, grp);
}

gboolean rd_value(const P2pResult *r, int field, double *v)
{
    if (!r || r->state[field] != P2P_CELL_SHOWN || isnan(r->f[field]))
        return FALSE;
    *v = r->f[field];
    return TRUE;
}

GPtrArray *rd_figures(const ReportData *rd, const char *country,
                      const char *figure, const char *grp)
{
    GPtrArray *out = g_ptr_array_new();
    char *sk = series_key(country, figure);
    GPtrArray *series = g_hash_table_lookup(rd->series, sk);
    g_free(sk);
    for (guint i = 0; series && i < series->len; i++) {
        ReportFigure *f = series->pdata[i];
        if (!grp || strcmp(f->grp, grp) == 0)
            g_ptr_array_add(out, f);
    }
    return out;
}

const ReportFigure *rd_figure(const ReportData *rd, const char *country,
                              const char *figure, const char *grp,
                              const char *key)
{
    char *fk = figure_key(country, figure, grp, key);
    const ReportFigure *f = g_hash_table_lookup(rd->by_key, fk);
    g_free(fk);
    return f;
}

/* Site names by a name -> double * table of sizes, largest first. */
static int cmp_largest_site(gconstpointer a, gconstpointer b, gpointer size)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    double sx = *(double *)g_hash_table_lookup(size, x);
    double sy = *(double *)g_hash_table_lookup(size, y);
    return sx != sy ? (sx < sy ? 1 : -1) : strcmp(x, y);
}

GPtrArray *rd_sites(const ReportData *rd, const char *country)
{
    GPtrArray *rows = rd_figures(rd, country, "reach_by_site", NULL);
    GHashTable *size = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                             g_free);
    GPtrArray *names = g_ptr_array_new();
    for (guint i = 0; i < rows->len; i++) {
        const ReportFigure *f = rows->pdata[i];
        if (g_hash_table_contains(size, f->key))
            continue;
        const ReportFigure *all = rd_figure(rd, country, "reach_by_site",
                                            "all", f->key);
        double *v = g_new(double, 1);
        *v = all && all->state2 == P2P_CELL_SHOWN && !isnan(all->value2)
                 ? all->value2 : -1;
        g_hash_table_insert(size, f->key, v);
        g_ptr_array_add(names, f->key);
    }
    g_ptr_array_sort_with_data(names, cmp_largest_site, size);
    g_hash_table_unref(size);
    g_ptr_array_unref(rows);
    return names;
}

char *rd_format_number(double v, RFmt fmt)
{
    switch (fmt) {
    case FMT_COUNT:
        return g_strdup_printf("%.0f", v);
    case FMT_PERCENT:
        return g_strdup_printf("%.1f%%", 100.0 * v);
    case FMT_RATIO:
        return g_strdup_printf("%.2f", v);
    case FMT_P:
        if (v < 0.001)
            return g_strdup("<0.001");
        return g_strdup_printf("%.3f", v);
    }
    return g_strdup("");
}

char *rd_format(const ReportData *rd, const P2pResult *r, int field, RFmt fmt)
{
    if (!r)
        return g_strdup("–");
    if (r->state[field] != P2P_CELL_SHOWN)
        return p2p_result_format(r, field, rd->k);
    if (isnan(r->f[field]))
        return g_strdup("–");
    return rd_format_number(r->f[field], fmt);
}

char *rd_format_figure(const ReportData *rd, const ReportFigure *f, int which,
                       RFmt fmt)
{
    if (!f)
        return g_strdup("–");
    guint8 state = which == 1 ? f->state : f->state2;
    double v = which == 1 ? f->value : f->value2;
    if (state == P2P_CELL_PRIMARY)
        return g_strdup_printf("<%d", rd->k);
    if (state != P2P_CELL_SHOWN)
        return g_strdup("c");
    if (isnan(v))
        return g_strdup("–");
    return rd_format_number(v, fmt);
}

const char *rd_plural(double n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

const char *rd_plural_text(const char *count, const char *one,
                           const char *many)
{
    return strcmp(count, "1") == 0 ? one : many;
}

int rd_cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}
