/* ingest_segments.c: an fg_segments file replaces, per (group, coder) pair,
 * every coding loaded before — unless one of the pair's rows was rejected,
 * in which case the pair keeps its earlier codings (contract). */
#include "ingest_segments.h"

#include <string.h>
#include "db.h"

enum { G, SEG, PART, CODER, CODE, EXCERPT, NCOL };

typedef struct {
    char *v[NCOL];         /* canonical values (g_malloc'd); NULL = missing */
    long line;
} SegRow;

typedef struct {
    char *group, *coder;   /* g_malloc'd */
    GPtrArray *rows;       /* of SegRow *, owned */
    gboolean tainted;      /* a row of the pair was rejected */
} Pair;

struct P2pSegments {
    GHashTable *pairs;     /* "group\037coder" -> Pair *, owned */
    GPtrArray *order;      /* Pair * in first-seen order, borrowed */
    GHashTable *seen;      /* "g\037s\037c\037code" -> line, for duplicates */
};

static void seg_row_free(gpointer p)
{
    SegRow *r = p;
    for (int i = 0; i < NCOL; i++)
        g_free(r->v[i]);
    g_free(r);
}

static void pair_free(gpointer p)
{
    Pair *pr = p;
    g_free(pr->group);
    g_free(pr->coder);
    g_ptr_array_free(pr->rows, TRUE);
    g_free(pr);
}

P2pSegments *p2p_segments_new(void)
{
    P2pSegments *s = g_new0(P2pSegments, 1);
    s->pairs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, pair_free);
    s->order = g_ptr_array_new();
    s->seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return s;
}

void p2p_segments_free(P2pSegments *s)
{
    if (!s)
        return;
    g_hash_table_destroy(s->pairs);
    g_ptr_array_free(s->order, TRUE);
    g_hash_table_destroy(s->seen);
    g_free(s);
}

static Pair *pair_get(P2pSegments *s, const char *group, const char *coder)
{
    char *key = g_strconcat(group, "\037", coder, NULL);
    Pair *p = g_hash_table_lookup(s->pairs, key);
    if (p) {
        g_free(key);
        return p;
    }
    p = g_new0(Pair, 1);
    p->group = g_strdup(group);
    p->coder = g_strdup(coder);
    p->rows = g_ptr_array_new_with_free_func(seg_row_free);
    g_hash_table_insert(s->pairs, key, p);
    g_ptr_array_add(s->order, p);
    return p;
}

gboolean p2p_segments_check_dup(P2pSegments *s, const P2pRow *row, long line,
                                GString *reason)
{
    char *key = g_strjoin("\037", row->val[G]->str, row->val[SEG]->str,
                          row->val[CODER]->str, row->val[CODE]->str, NULL);
    gpointer first;
    if (g_hash_table_lookup_extended(s->seen, key, NULL, &first)) {
        g_string_append_printf(reason, "duplicate coding of segment '%s' by '%s' with "
                               "code '%s' (first on line %d)", row->val[SEG]->str,
                               row->val[CODER]->str, row->val[CODE]->str,
                               GPOINTER_TO_INT(first));
        g_free(key);
        return FALSE;
    }
    g_hash_table_insert(s->seen, key, GINT_TO_POINTER((int)line));
    return TRUE;
}

void p2p_segments_add(P2pSegments *s, const P2pRow *row, long line)
{
    Pair *p = pair_get(s, row->val[G]->str, row->val[CODER]->str);
    SegRow *r = g_new0(SegRow, 1);
    for (int i = 0; i < NCOL; i++)
        r->v[i] = row->null[i] && i != CODE ? NULL : g_strdup(row->val[i]->str);
    r->line = line;
    g_ptr_array_add(p->rows, r);
}

void p2p_segments_taint(P2pSegments *s, const char *group, const char *coder)
{
    if (*group && *coder)   /* a row with no group or coder names no pair */
        pair_get(s, group, coder)->tainted = TRUE;
}

/* The pair's stored codings: "segment\037code" -> "participant\037excerpt". */
static GHashTable *stored_codings(sqlite3 *db, const Pair *p, GError **error)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT segment_id, code, participant_code, excerpt "
                           "FROM fg_segments WHERE group_id = ?1 AND coder = ?2",
                           -1, &st, NULL) != SQLITE_OK) {
        p2p_db_fail(db, "fg_segments", error);
        return NULL;
    }
    GHashTable *old = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    sqlite3_bind_text(st, 1, p->group, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, p->coder, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *c[4];
        for (int i = 0; i < 4; i++)
            c[i] = (const char *)sqlite3_column_text(st, i);
        g_hash_table_insert(old, g_strjoin("\037", c[0], c[1], NULL),
                            g_strjoin("\037", c[2] ? c[2] : "\001", c[3] ? c[3] : "\001", NULL));
    }
    sqlite3_finalize(st);
    return old;
}

static void count_against(GHashTable *old, const SegRow *r, P2pIngestStats *stats)
{
    char *key = g_strjoin("\037", r->v[SEG], r->v[CODE], NULL);
    char *val = g_strjoin("\037", r->v[PART] ? r->v[PART] : "\001",
                          r->v[EXCERPT] ? r->v[EXCERPT] : "\001", NULL);
    const char *was = g_hash_table_lookup(old, key);
    if (!was)
        stats->inserted++;
    else if (strcmp(was, val) == 0)
        stats->unchanged++;
    else
        stats->updated++;
    g_hash_table_remove(old, key);
    g_free(key);
    g_free(val);
}

static gboolean replace_pair(sqlite3 *db, const Pair *p, sqlite3_stmt *del,
                             sqlite3_stmt *ins, gint64 file_id, GError **error)
{
    sqlite3_bind_text(del, 1, p->group, -1, SQLITE_STATIC);
    sqlite3_bind_text(del, 2, p->coder, -1, SQLITE_STATIC);
    int rc = sqlite3_step(del);
    sqlite3_reset(del);
    if (rc != SQLITE_DONE)
        return p2p_db_fail(db, "fg_segments", error);
    for (guint i = 0; i < p->rows->len; i++) {
        const SegRow *r = p->rows->pdata[i];
        for (int c = 0; c < NCOL; c++)
            sqlite3_bind_text(ins, c + 1, r->v[c], -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins, 7, file_id);
        sqlite3_bind_int64(ins, 8, r->line);
        rc = sqlite3_step(ins);
        sqlite3_reset(ins);
        if (rc != SQLITE_DONE)
            return p2p_db_fail(db, "fg_segments", error);
    }
    return TRUE;
}

gboolean p2p_segments_write(P2pSegments *s, sqlite3 *db, gint64 file_id,
                            P2pIngestStats *stats, GPtrArray *msgs, GError **error)
{
    sqlite3_stmt *del = NULL, *ins = NULL;
    gboolean ok = sqlite3_prepare_v2(db, "DELETE FROM fg_segments WHERE group_id = ?1 "
                                     "AND coder = ?2", -1, &del, NULL) == SQLITE_OK
        && sqlite3_prepare_v2(db, "INSERT INTO fg_segments(group_id, segment_id, "
                              "participant_code, coder, code, excerpt, file_id, line) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", -1, &ins,
                              NULL) == SQLITE_OK;
    if (!ok)
        p2p_db_fail(db, "fg_segments", error);
    for (guint i = 0; ok && i < s->order->len; i++) {
        const Pair *p = s->order->pdata[i];
        if (p->tainted) {
            stats->skipped += p->rows->len;
            stats->pairs_kept++;
            if (p->rows->len > 0)
                g_ptr_array_add(msgs, g_strdup_printf(
                "warning: group '%s', coder '%s': a row was rejected, so none of the "
                "pair's %u other row%s loaded; its earlier codings are kept", p->group,
                p->coder, p->rows->len, p->rows->len == 1 ? "" : "s"));
            continue;
        }
        GHashTable *old = stored_codings(db, p, error);
        ok = old != NULL;
        for (guint j = 0; ok && j < p->rows->len; j++)
            count_against(old, p->rows->pdata[j], stats);
        if (ok) {
            stats->removed += g_hash_table_size(old);
            ok = replace_pair(db, p, del, ins, file_id, error);
        }
        if (old)
            g_hash_table_destroy(old);
    }
    sqlite3_finalize(del);
    sqlite3_finalize(ins);
    return ok;
}
