/* ingest.c: one file into the study database, in one transaction. */
#include "ingest.h"

#include <string.h>
#include "db.h"
#include "ingest_internal.h"
#include "ingest_reader.h"
#include "ingest_segments.h"
#include "sha256.h"
#include "text.h"

/* Warnings of one kind named per file before the rest are only counted. */
#define P2P_WARN_MAX 20

void p2p_ingest_context_init(P2pIngestContext *ctx, sqlite3 *db, const P2pKey *key)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->db = db;
    ctx->key = key;
    GDateTime *now = g_date_time_new_now_local();
    char *d = g_date_time_format(now, "%Y-%m-%d");
    g_strlcpy(ctx->today, d, sizeof ctx->today);
    g_free(d);
    g_date_time_unref(now);
}

gboolean p2p_ingest_run_begin(sqlite3 *db, gint64 *run_id, GError **error)
{
    sqlite3_stmt *st = NULL;
    char *now = p2p_now_iso();
    gboolean ok = sqlite3_prepare_v2(db,
        "INSERT INTO ingest_runs(started_at, toolkit_version) VALUES (?1, ?2)",
        -1, &st, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, P2P_VERSION, -1, SQLITE_STATIC);
        ok = sqlite3_step(st) == SQLITE_DONE;
    }
    sqlite3_finalize(st);
    g_free(now);
    if (!ok)
        return p2p_db_fail(db, "ingest run", error);
    *run_id = sqlite3_last_insert_rowid(db);
    return TRUE;
}

/* ---- header probe ---------------------------------------------------- */

typedef struct {
    const P2pIngestContext *ctx;
    P2pHeaderMap hm;
    gboolean seen;
    GError *error;
} Probe;

static gboolean probe_record(const P2pCsvRecord *rec, void *data)
{
    Probe *p = data;
    p->seen = TRUE;
    p2p_header_map(p->ctx, rec, &p->hm, &p->error);
    return FALSE;   /* the header is all we want */
}

static void prefix_file(GError **error, const char *path)
{
    if (error && *error)
        g_prefix_error(error, "%s:", path);
}

const P2pKind *p2p_ingest_probe(const P2pIngestContext *ctx, P2pInput *in,
                                GError **error)
{
    const char *path = p2p_input_name(in);
    Probe p = {.ctx = ctx};
    P2pCsvOptions opt = {.delimiter = ctx->map ? ctx->map->delimiter : ',',
                         .encoding = ctx->map ? ctx->map->encoding : NULL};
    GError *e = NULL;
    if (!p2p_input_rewind(in, error))
        return NULL;
    p2p_csv_read(p2p_input_read, in, &opt, probe_record, &p, NULL, &e);
    const P2pKind *kind = p.hm.kind;
    if (e && !p.seen) {
        g_propagate_error(error, e);
        prefix_file(error, path);
        kind = NULL;
    } else if (p.error) {
        g_propagate_error(error, p.error);
        prefix_file(error, path);
        kind = NULL;
    } else if (!p.seen) {
        g_set_error(error, P2P_ERROR, P2P_EXIT_FILE, "%s: empty file (no header)", path);
        kind = NULL;
    }
    if (e && p.seen)
        g_error_free(e);
    p2p_header_map_clear(&p.hm);
    return kind;
}

/* ---- one file -------------------------------------------------------- */

typedef struct {
    const P2pIngestContext *ctx;
    const char *name;           /* the file as messages name it */
    gint64 size;                /* bytes, for progress */
    gint64 file_id;             /* source_files row of this read */
    P2pHeaderMap hm;            /* set once the header is read */
    gboolean header_done;
    P2pRow *row;                /* the row under way (the reader's) */
    P2pReasons *why;            /* why it is rejected (the reader's) */
    gint64 mixed_scripts;       /* rows whose client code mixes scripts */
    GString *raw;               /* the row as read, for the rejects table */
    P2pIngestStats *stats;
    GError *error;              /* a database failure stops the read */
    gboolean any_erased;        /* the erasure list is not empty */
    GHashTable *rejected_ids;   /* key of a rejected row -> its line */
    GHashTable *warned_codes;   /* codes not in the codebook, warned once */
    P2pSegments *segments;      /* fg_segments rows waiting for their pair */
    sqlite3_stmt *ins, *sel, *upd, *prov, *rej, *rej_reason, *erased, *enc_date,
                 *group, *codebook, *erased_enc; /* prepared once per file */
} FileState;

static void diag(const FileState *fs, P2pDiagKind kind, const char *msg)
{
    if (fs->ctx->diag)
        fs->ctx->diag(kind, msg, fs->ctx->data);
}

static gboolean prepare(FileState *fs, sqlite3_stmt **st, const char *sql)
{
    if (sqlite3_prepare_v3(fs->ctx->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st,
                           NULL) != SQLITE_OK)
        return p2p_db_fail(fs->ctx->db, "prepare", &fs->error);
    return TRUE;
}

/* The statements for kind k, written from the kind table (never from data):
 * insert, select by key, update by key, provenance-only update. */
static gboolean prepare_kind(FileState *fs)
{
    const P2pKind *k = fs->hm.kind;
    GString *cols = g_string_new(NULL), *qs = g_string_new(NULL);
    GString *sets = g_string_new(NULL), *where = g_string_new(NULL);
    for (size_t c = 0; c < k->ncolumns; c++) {
        g_string_append_printf(cols, "%s%s", c ? ", " : "", k->columns[c].name);
        g_string_append_printf(qs, "%s?%zu", c ? ", " : "", c + 1);
        g_string_append_printf(sets, "%s%s = ?%zu", c ? ", " : "", k->columns[c].name, c + 1);
    }
    for (int i = 0; k->key[i] >= 0; i++)
        g_string_append_printf(where, "%s%s = ?%d", i ? " AND " : "",
                               k->columns[k->key[i]].name, k->key[i] + 1);
    size_t n = k->ncolumns;
    char *ins = g_strdup_printf("INSERT INTO %s (%s, file_id, line) VALUES (%s, ?%zu, ?%zu) "
                                "ON CONFLICT DO NOTHING", k->name, cols->str, qs->str, n + 1, n + 2);
    char *sel = g_strdup_printf("SELECT file_id, line, %s FROM %s WHERE %s", cols->str,
                                k->name, where->str);
    char *upd = g_strdup_printf("UPDATE %s SET %s, file_id = ?%zu, line = ?%zu WHERE %s",
                                k->name, sets->str, n + 1, n + 2, where->str);
    char *prov = g_strdup_printf("UPDATE %s SET file_id = ?%zu, line = ?%zu WHERE %s",
                                 k->name, n + 1, n + 2, where->str);
    gboolean ok = (k->id == P2P_KIND_FG_SEGMENTS)
                  || (prepare(fs, &fs->ins, ins) && prepare(fs, &fs->sel, sel)
                      && prepare(fs, &fs->upd, upd) && prepare(fs, &fs->prov, prov));
    g_free(ins); g_free(sel); g_free(upd); g_free(prov);
    g_string_free(cols, TRUE); g_string_free(qs, TRUE);
    g_string_free(sets, TRUE); g_string_free(where, TRUE);
    return ok
        && prepare(fs, &fs->rej, "INSERT INTO rejects(file_id, line, column_name, "
                   "reason, raw, country, client_code) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
        && prepare(fs, &fs->rej_reason, "INSERT INTO reject_reasons(reject_id, seq, "
                   "column_name, code, reason) VALUES (?1, ?2, ?3, ?4, ?5)")
        && prepare(fs, &fs->erased, "SELECT 1 FROM erased_clients WHERE country = ?1 "
                   "AND client_code = ?2")
        && prepare(fs, &fs->enc_date, "SELECT date FROM encounters WHERE country = ?1 "
                   "AND encounter_id = ?2")
        && prepare(fs, &fs->group, "SELECT 1 FROM focus_groups WHERE group_id = ?1")
        && prepare(fs, &fs->codebook, "SELECT 1 FROM codebook WHERE code = ?1")
        && prepare(fs, &fs->erased_enc, "SELECT 1 FROM erased_encounters "
                   "WHERE encounter_ref = ?1");
}

static void finalize_all(FileState *fs)
{
    sqlite3_stmt **all[] = {&fs->ins, &fs->sel, &fs->upd, &fs->prov, &fs->rej,
                            &fs->rej_reason, &fs->erased, &fs->enc_date, &fs->group, &fs->codebook,
                            &fs->erased_enc};
    for (size_t i = 0; i < G_N_ELEMENTS(all); i++) {
        sqlite3_finalize(*all[i]);
        *all[i] = NULL;
    }
}

/* Step a statement that returns no row; on failure record the error. */
static gboolean step_done(FileState *fs, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return p2p_db_fail(fs->ctx->db, fs->name, &fs->error);
    return TRUE;
}

/* Does a one-column lookup find a row? (binds already set) */
static gboolean exists(FileState *fs, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_ROW;
}

/* A row's id as one string (key columns joined by \037), from the raw
 * fields so rejected rows have one too. Caller g_frees. */
static char *raw_key(const FileState *fs, const P2pCsvRecord *rec)
{
    const P2pKind *k = fs->hm.kind;
    GString *key = g_string_new(NULL);
    for (int i = 0; k->key[i] >= 0; i++) {
        int f = fs->hm.from_file[k->key[i]];
        const char *s = "";
        size_t st = 0, n = 0;
        if (f >= 0 && (size_t)f < rec->nfields) {
            n = p2p_text_trim(rec->field[f], rec->len[f], &st);
            s = rec->field[f] + st;
        }
        const char *cc = k->key[i] == k->country_col ? p2p_country_canonical(s, n) : NULL;
        if (i)
            g_string_append_c(key, '\037');
        if (cc) {
            g_string_append(key, cc);
        } else if (p2p_text_check(s, n, NULL) == P2P_TEXT_OK) {
            char *nfc = p2p_text_nfc(s, n);   /* as a loaded id would be */
            g_string_append(key, nfc);
            g_free(nfc);
        } else {
            g_string_append_len(key, s, (gssize)n);
        }
    }
    return g_string_free(key, FALSE);
}

/* The file columns field i of a row with nfields fields may have come
 * from: with as many fields as the header, column i itself; with d more
 * (or fewer), a field may have shifted by up to d places. out lo, hi: the
 * range, clipped to the header. */
static void source_columns(const P2pHeaderMap *hm, size_t nfields, size_t i,
                           long *lo, long *hi)
{
    long d = (long)nfields - (long)hm->nfile;
    *lo = (long)i - (d > 0 ? d : 0);
    *hi = (long)i - (d < 0 ? d : 0);
    if (*lo < 0)
        *lo = 0;
    if (*hi > (long)hm->nfile - 1)
        *hi = (long)hm->nfile - 1;
}

/* Could field i hold a client code? Could it hold a column that is not the
 * kind's (a partner's notes, another identifier), which is never stored? */
static void field_origin(const P2pHeaderMap *hm, size_t nfields, size_t i,
                         gboolean *code, gboolean *foreign)
{
    long lo, hi;
    source_columns(hm, nfields, i, &lo, &hi);
    *code = *foreign = lo > hi;   /* beyond every column: unknown origin */
    for (long c = lo; c <= hi; c++) {
        *code = *code || hm->is_code[c];
        *foreign = *foreign || hm->to_canon[c] < 0;
    }
}

/* Append field s[0..n) to fs->raw as one CSV field: a possible client code
 * as its keyed hash, bytes that are not UTF-8 escaped, a field over the
 * limit cut to its first P2P_FIELD_MAX bytes. out hash: the code's hash. */
static void raw_field(FileState *fs, GString *esc, const char *s, size_t n,
                      gboolean code, char hash[P2P_HASH_HEX + 1])
{
    hash[0] = '\0';
    if (code) {
        char *norm = p2p_text_check(s, n, NULL) == P2P_TEXT_OK
                     ? p2p_text_client_code(s, n) : g_strndup(s, n);
        if (norm && *norm)
            p2p_key_hash(fs->ctx->key, norm, strlen(norm), hash);
        g_free(norm);
        s = hash;
        n = strlen(hash);
    }
    g_string_truncate(esc, 0);
    p2p_text_append_escaped(esc, s, n < P2P_FIELD_MAX ? n : P2P_FIELD_MAX);
    p2p_csv_append_field(fs->raw, esc->str, esc->len);
}

/* The record as one CSV line for the rejects table, with the kind's fields
 * only: a column that is not the kind's is never stored. With as many
 * fields as the header, the kind's columns in the file's order (the file's
 * source_files.header names them); otherwise every field in the file's
 * order, a field that may have shifted from a column that is not the
 * kind's left empty. Every field that may be a client code becomes its keyed
 * hash. out client: the hash of the client code when the row has the
 * header's shape (else ""), for erasure. */
static void raw_line(FileState *fs, const P2pCsvRecord *rec, char client[65])
{
    const P2pHeaderMap *hm = &fs->hm;
    int cc = p2p_kind_column(hm->kind, "client_code");
    gboolean shaped = rec->nfields == hm->nfile;
    int cf = cc >= 0 && shaped ? hm->from_file[cc] : -1;
    client[0] = '\0';
    g_string_truncate(fs->raw, 0);
    GString *esc = g_string_new(NULL);
    gboolean any = FALSE;
    for (size_t i = 0; i < rec->nfields; i++) {
        gboolean code, foreign;
        field_origin(hm, rec->nfields, i, &code, &foreign);
        if (shaped && foreign)
            continue;
        if (any)
            g_string_append_c(fs->raw, ',');
        any = TRUE;
        if (foreign && !code)
            continue;   /* may be a partner's own column: left empty */
        char hash[P2P_HASH_HEX + 1];
        raw_field(fs, esc, rec->field[i], rec->len[i], code, hash);
        if ((int)i == cf)
            memcpy(client, hash, sizeof hash);
    }
    g_string_free(esc, TRUE);
}

/* Each reason of the row as a reject_reasons row, and as a diagnostic. */
static gboolean reject_reasons(FileState *fs, long line, gint64 reject_id)
{
    const P2pKind *k = fs->hm.kind;
    sqlite3_stmt *st = fs->rej_reason;
    for (guint i = 0; i < p2p_reasons_n(fs->why); i++) {
        const P2pReason *r = p2p_reason_at(fs->why, i);
        const char *colname = r->col >= 0 ? k->columns[r->col].name : NULL;
        const char *text = fs->why->text->str + r->start;
        sqlite3_bind_int64(st, 1, reject_id);
        sqlite3_bind_int(st, 2, (int)i + 1);
        sqlite3_bind_text(st, 3, colname, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, r->code, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, text, (int)r->len, SQLITE_STATIC);
        if (!step_done(fs, st))
            return FALSE;
        char *msg = colname
            ? g_strdup_printf("%s:%ld: column '%s': %.*s", fs->name, line, colname,
                              (int)r->len, text)
            : g_strdup_printf("%s:%ld: %.*s", fs->name, line, (int)r->len, text);
        diag(fs, P2P_DIAG_ROW, msg);
        g_free(msg);
    }
    return TRUE;
}

/* Keep a bad row in the rejects table with every reason, and report them.
 * Returns FALSE only on a database failure. */
static gboolean reject(FileState *fs, const P2pCsvRecord *rec)
{
    char client[P2P_HASH_HEX + 1];
    raw_line(fs, rec, client);
    int ccol = fs->hm.kind->country_col;
    int cf = ccol >= 0 ? fs->hm.from_file[ccol] : -1;
    if (!fs->row->country && cf >= 0 && (size_t)cf < rec->nfields) {
        size_t st, n = p2p_text_trim(rec->field[cf], rec->len[cf], &st);
        fs->row->country = p2p_country_canonical(rec->field[cf] + st, n);
    }
    /* A bad row of an erased client is skipped like its good rows: kept in
     * rejects it would bring the client's hash and fields back. */
    if (fs->any_erased && client[0] && fs->row->country) {
        sqlite3_bind_text(fs->erased, 1, fs->row->country, -1, SQLITE_STATIC);
        sqlite3_bind_text(fs->erased, 2, client, -1, SQLITE_STATIC);
        if (exists(fs, fs->erased)) {
            fs->stats->skipped++;
            return TRUE;
        }
    }
    /* The row keeps its first reason (and column) too, for simple queries. */
    const P2pReason *first = p2p_reason_at(fs->why, 0);
    const char *colname = first->col >= 0 ? fs->hm.kind->columns[first->col].name : NULL;
    sqlite3_stmt *st = fs->rej;
    sqlite3_bind_int64(st, 1, fs->file_id);
    sqlite3_bind_int64(st, 2, rec->line);
    sqlite3_bind_text(st, 3, colname, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, fs->why->text->str + first->start, (int)first->len,
                      SQLITE_STATIC);
    sqlite3_bind_text(st, 5, fs->raw->str, (int)fs->raw->len, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, fs->row->country, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, client[0] ? client : NULL, -1, SQLITE_TRANSIENT);
    if (!step_done(fs, st)
        || !reject_reasons(fs, rec->line, sqlite3_last_insert_rowid(fs->ctx->db)))
        return FALSE;
    fs->stats->rejected++;
    char *key = raw_key(fs, rec);
    if (!g_hash_table_contains(fs->rejected_ids, key))
        g_hash_table_insert(fs->rejected_ids, key, GINT_TO_POINTER((int)rec->line));
    else
        g_free(key);
    return TRUE;
}

/* "duplicate encounter_id 'E1' (first on line 2)" as a reason of column c. */
static void add_duplicate(FileState *fs, int c, long first)
{
    GString *t = fs->why->text;
    g_string_append_printf(t, "duplicate %s ", fs->hm.kind->columns[c].name);
    p2p_text_append_quoted(t, fs->row->val[c]->str, fs->row->val[c]->len);
    g_string_append_printf(t, " (first on line %ld)", first);
    p2p_reasons_add(fs->why, c, "duplicate");
}

/* A validated integer (canonical: optional '-', then digits). */
static gint64 canon_int(const char *s)
{
    gboolean neg = *s == '-';
    gint64 v = 0;
    for (s += neg; *s; s++)
        v = v * 10 + (*s - '0');
    return neg ? -v : v;
}

static void bind_row(FileState *fs, sqlite3_stmt *st, long line)
{
    const P2pKind *k = fs->hm.kind;
    for (size_t c = 0; c < k->ncolumns; c++) {
        int p = (int)c + 1;
        P2pColType t = k->columns[c].type;
        if (fs->row->null[c])
            sqlite3_bind_null(st, p);
        else if (t == P2P_COL_INT || t == P2P_COL_YEAR)
            sqlite3_bind_int64(st, p, canon_int(fs->row->val[c]->str));
        else
            sqlite3_bind_text(st, p, fs->row->val[c]->str, (int)fs->row->val[c]->len,
                              SQLITE_STATIC);
    }
    sqlite3_bind_int64(st, (int)k->ncolumns + 1, fs->file_id);
    sqlite3_bind_int64(st, (int)k->ncolumns + 2, line);
}

/* Is the stored row (sel positioned on it, columns from 2) the same? */
static gboolean same_as_stored(FileState *fs)
{
    const P2pKind *k = fs->hm.kind;
    for (size_t c = 0; c < k->ncolumns; c++) {
        int i = (int)c + 2;
        gboolean stored_null = sqlite3_column_type(fs->sel, i) == SQLITE_NULL;
        if (stored_null || fs->row->null[c]) {
            if (stored_null != fs->row->null[c])
                return FALSE;
            continue;
        }
        const char *s = (const char *)sqlite3_column_text(fs->sel, i);
        size_t n = (size_t)sqlite3_column_bytes(fs->sel, i);
        if (n != fs->row->val[c]->len || memcmp(s, fs->row->val[c]->str, n) != 0)
            return FALSE;
    }
    return TRUE;
}

/* The column a duplicate message names: the last key column that is not the
 * country, i.e. the one that tells rows apart (participant_code, not the
 * group_id that every participant of the group shares). */
static int id_column(const P2pKind *k)
{
    int idc = -1;
    for (int i = 0; k->key[i] >= 0; i++)
        if (k->key[i] != k->country_col)
            idc = k->key[i];
    return idc;
}

/* Insert, or replace the row with the same id (counted as updated or
 * unchanged). A row whose id this file already delivered is a duplicate. */
static gboolean upsert(FileState *fs, const P2pCsvRecord *rec)
{
    bind_row(fs, fs->ins, rec->line);
    if (!step_done(fs, fs->ins))
        return FALSE;
    if (sqlite3_changes(fs->ctx->db) == 1) {
        fs->stats->inserted++;
        return TRUE;
    }
    bind_row(fs, fs->sel, rec->line);
    if (sqlite3_step(fs->sel) != SQLITE_ROW) {
        sqlite3_reset(fs->sel);
        return p2p_db_fail(fs->ctx->db, fs->name, &fs->error);
    }
    gint64 file_id = sqlite3_column_int64(fs->sel, 0);
    long first = (long)sqlite3_column_int64(fs->sel, 1);
    gboolean same = same_as_stored(fs);
    sqlite3_reset(fs->sel);
    if (file_id == fs->file_id) {
        add_duplicate(fs, id_column(fs->hm.kind), first);
        return reject(fs, rec);
    }
    sqlite3_stmt *st = same ? fs->prov : fs->upd;
    bind_row(fs, st, rec->line);
    if (!step_done(fs, st))
        return FALSE;
    if (same)
        fs->stats->unchanged++;
    else
        fs->stats->updated++;
    return TRUE;
}

/* Was this referral's encounter erased with its client? */
static gboolean encounter_erased(FileState *fs, const char *country, const char *id)
{
    if (!fs->any_erased)
        return FALSE;
    char ref[P2P_HASH_HEX + 1];
    p2p_key_hash_encounter(fs->ctx->key, country, id, ref);
    sqlite3_bind_text(fs->erased_enc, 1, ref, -1, SQLITE_TRANSIENT);
    return exists(fs, fs->erased_enc);
}

/* Rules that need the database, on fields that passed their own checks:
 * referrals name an encounter of their country and follow it; participants
 * and segments name a focus group. Adds its reasons to fs->why. Returns
 * FALSE when the row belongs to an erased client (skipped, not rejected). */
static gboolean check_links(FileState *fs)
{
    const P2pKind *k = fs->hm.kind;
    P2pRow *r = fs->row;
    P2pReasons *why = fs->why;
    if (k->id == P2P_KIND_REFERRALS) {
        int ce = p2p_kind_column(k, "encounter_id"), co = p2p_kind_column(k, "outcome_date");
        if (!r->country || p2p_reasons_about(why, ce))
            return TRUE;
        sqlite3_bind_text(fs->enc_date, 1, r->country, -1, SQLITE_STATIC);
        sqlite3_bind_text(fs->enc_date, 2, r->val[ce]->str, -1, SQLITE_STATIC);
        char date[11] = "";
        if (sqlite3_step(fs->enc_date) == SQLITE_ROW)
            g_strlcpy(date, (const char *)sqlite3_column_text(fs->enc_date, 0), sizeof date);
        sqlite3_reset(fs->enc_date);
        if (!date[0] && encounter_erased(fs, r->country, r->val[ce]->str))
            return FALSE;
        if (!date[0]) {
            g_string_append(why->text, "no encounter ");
            p2p_text_append_quoted(why->text, r->val[ce]->str, r->val[ce]->len);
            g_string_append_printf(why->text, " in %s (in this file set or the database)",
                                   r->country);
            p2p_reasons_add(why, ce, "no_encounter");
        } else if (!r->null[co] && !p2p_reasons_about(why, co)
                   && strcmp(r->val[co]->str, date) < 0) {
            p2p_reasons_addf(why, co, "outcome_before_encounter",
                             "outcome date %s is before the encounter (%s)",
                             r->val[co]->str, date);
        }
    } else if ((k->id == P2P_KIND_FG_PARTICIPANTS || k->id == P2P_KIND_FG_SEGMENTS)
               && !p2p_reasons_about(why, 0)) {
        sqlite3_bind_text(fs->group, 1, r->val[0]->str, -1, SQLITE_STATIC);
        if (!exists(fs, fs->group)) {
            g_string_append(why->text, "no focus group ");
            p2p_text_append_quoted(why->text, r->val[0]->str, r->val[0]->len);
            p2p_reasons_add(why, 0, "no_focus_group");
        }
    }
    return TRUE;
}

static void warn_codebook(FileState *fs, long line)
{
    const char *code = fs->row->val[4]->str;
    if (!*code || g_hash_table_contains(fs->warned_codes, code))
        return;
    sqlite3_bind_text(fs->codebook, 1, code, -1, SQLITE_STATIC);
    if (exists(fs, fs->codebook))
        return;
    g_hash_table_add(fs->warned_codes, g_strdup(code));
    char *msg = g_strdup_printf("%s:%ld: column 'code': warning: '%s' is not in the "
                                "codebook (kept, without a theme)", fs->name, line, code);
    diag(fs, P2P_DIAG_ROW, msg);
    g_free(msg);
}

static gboolean erased(FileState *fs)
{
    if (!fs->any_erased || !fs->row->client[0])
        return FALSE;
    sqlite3_bind_text(fs->erased, 1, fs->row->country, -1, SQLITE_STATIC);
    sqlite3_bind_text(fs->erased, 2, fs->row->client, -1, SQLITE_STATIC);
    return exists(fs, fs->erased);
}

/* Record which of the header's columns are the kind's (the columns of the
 * file's rejects.raw) and which are not (named, never stored). */
static gboolean record_header(FileState *fs)
{
    const P2pHeaderMap *hm = &fs->hm;
    GString *kind_cols = g_string_new(NULL), *others = g_string_new(NULL);
    for (size_t i = 0; i < hm->nfile; i++)
        if (hm->to_canon[i] >= 0)
            g_string_append_printf(kind_cols, "%s%s", kind_cols->len ? "," : "",
                                   hm->kind->columns[hm->to_canon[i]].name);
    for (guint i = 0; i < hm->unknown->len; i++) {
        if (i)
            g_string_append_c(others, ',');
        p2p_csv_append_field(others, hm->unknown->pdata[i], strlen(hm->unknown->pdata[i]));
    }
    sqlite3_stmt *st = NULL;
    gboolean ok = prepare(fs, &st, "UPDATE source_files SET header = ?2, "
                          "ignored_columns = ?3 WHERE file_id = ?1");
    if (ok) {
        sqlite3_bind_int64(st, 1, fs->file_id);
        sqlite3_bind_text(st, 2, kind_cols->str, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, others->len ? others->str : NULL, -1, SQLITE_STATIC);
        ok = step_done(fs, st);
    }
    sqlite3_finalize(st);
    g_string_free(kind_cols, TRUE);
    g_string_free(others, TRUE);
    return ok;
}

static gboolean source_row(FileState *fs, GError **error);

/* The header names the kind; only then is the file's source_files row made. */
static gboolean take_header(FileState *fs, const P2pCsvRecord *rec)
{
    if (!p2p_header_map(fs->ctx, rec, &fs->hm, &fs->error))
        return FALSE;
    fs->header_done = TRUE;
    fs->stats->kind = fs->hm.kind;
    if (!source_row(fs, &fs->error))
        return FALSE;
    if (fs->hm.unknown->len > 0) {
        GString *msg = g_string_new(NULL);
        g_string_append_printf(msg, "%s: warning: ignoring unknown column%s", fs->name,
                               fs->hm.unknown->len > 1 ? "s" : "");
        for (guint i = 0; i < fs->hm.unknown->len; i++)
            g_string_append_printf(msg, "%s '%s'", i ? "," : "",
                                   (char *)g_ptr_array_index(fs->hm.unknown, i));
        g_string_append(msg, " (never stored)");
        diag(fs, P2P_DIAG_WARNING, msg->str);
        g_string_free(msg, TRUE);
    }
    return prepare_kind(fs) && record_header(fs);
}

/* A duplicate of a row rejected earlier in this file is still a duplicate. */
static void duplicate_of_rejected(FileState *fs, const P2pCsvRecord *rec)
{
    if (g_hash_table_size(fs->rejected_ids) == 0)
        return;
    char *key = raw_key(fs, rec);
    gpointer line;
    if (g_hash_table_lookup_extended(fs->rejected_ids, key, NULL, &line))
        add_duplicate(fs, id_column(fs->hm.kind), GPOINTER_TO_INT(line));
    g_free(key);
}

/* A client code that mixes scripts is hashed as written, with a warning:
 * the first few such lines are named, the rest counted at the end. */
static void warn_row(FileState *fs, long line)
{
    if (!(fs->row->warnings & P2P_ROW_WARN_MIXED_SCRIPTS))
        return;
    if (++fs->mixed_scripts > P2P_WARN_MAX)
        return;
    char *msg = g_strdup_printf("%s:%ld: column 'client_code': warning: the code mixes "
                                "%s letters (a look-alike typed by mistake?); it is "
                                "hashed as written", fs->name, line, fs->row->scripts);
    diag(fs, P2P_DIAG_ROW, msg);
    g_free(msg);
}

/* One row from the reader thread, validated there; here the rules that
 * need the database, then the write. */
static gboolean take_item(FileState *fs, P2pRowItem *it)
{
    const P2pKind *k = fs->hm.kind;
    const P2pCsvRecord *rec = &it->rec;
    fs->row = &it->row;
    fs->why = &it->why;
    fs->stats->rows++;
    if (rec->nfields == fs->hm.nfile) {
        if (!check_links(fs)) {
            fs->stats->skipped++;
            return TRUE;
        }
        duplicate_of_rejected(fs, rec);
        warn_row(fs, rec->line);
    }
    gboolean ok = p2p_reasons_n(fs->why) == 0;
    if (k->id == P2P_KIND_FG_SEGMENTS) {
        if (!ok) {
            char *key = raw_key(fs, rec);   /* group \037 segment \037 coder \037 code */
            char **parts = g_strsplit(key, "\037", -1);
            if (g_strv_length(parts) == 4)
                p2p_segments_taint(fs->segments, parts[0], parts[2]);
            g_strfreev(parts);
            g_free(key);
            return reject(fs, rec);
        }
        if (!p2p_segments_check_dup(fs->segments, fs->row, rec->line, fs->why->text)) {
            p2p_reasons_add(fs->why, 1, "duplicate");
            p2p_segments_taint(fs->segments, fs->row->val[0]->str, fs->row->val[3]->str);
            return reject(fs, rec);
        }
        warn_codebook(fs, rec->line);
        p2p_segments_add(fs->segments, fs->row, rec->line);
        return TRUE;
    }
    if (!ok)
        return reject(fs, rec);
    if (erased(fs)) {
        fs->stats->skipped++;
        return TRUE;
    }
    return upsert(fs, rec);
}

/* SHA-256 of a whole file, read before the ingest when a file of the same
 * size was loaded before (otherwise it cannot be a repeat); then back to
 * its start for the rows. Only for a file that can be read twice. */
static gboolean hash_input(P2pInput *in, char hex[65], GError **error)
{
    P2pSha256 *h = p2p_sha256_new();
    char *buf = g_malloc(65536);
    gssize n;
    while ((n = p2p_input_read(in, buf, 65536, error)) > 0)
        p2p_sha256_update(h, buf, (size_t)n);
    p2p_sha256_finish(h, hex);
    g_free(buf);
    if (n < 0)
        g_prefix_error(error, "%s: ", p2p_input_name(in));
    return n == 0 && p2p_input_rewind(in, error);
}

static gboolean query_exists(sqlite3 *db, const char *sql, const char *text,
                             gint64 num)
{
    sqlite3_stmt *st = NULL;
    gboolean found = FALSE;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
        if (text)
            sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
        else
            sqlite3_bind_int64(st, 1, num);
        found = sqlite3_step(st) == SQLITE_ROW;
    }
    sqlite3_finalize(st);
    return found;
}

static gboolean already_loaded(sqlite3 *db, const char *sha)
{
    return query_exists(db, "SELECT 1 FROM source_files WHERE sha256 = ?1", sha, 0);
}

static gboolean source_row(FileState *fs, GError **error)
{
    const char *path = fs->name;
    sqlite3_stmt *st = NULL;
    char *now = p2p_now_iso();
    const P2pIngestContext *ctx = fs->ctx;
    gboolean ok = sqlite3_prepare_v2(ctx->db,
        "INSERT INTO source_files(run_id, path, sha256, size, kind, mapping, ingested_at) "
        "VALUES (?1, ?2, '', ?3, ?4, ?5, ?6)", -1, &st, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_int64(st, 1, ctx->run_id);
        sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, fs->size);
        sqlite3_bind_text(st, 4, fs->stats->kind->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, ctx->map ? ctx->map->path : NULL, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
        ok = sqlite3_step(st) == SQLITE_DONE;
    }
    sqlite3_finalize(st);
    g_free(now);
    if (!ok)
        return p2p_db_fail(ctx->db, path, error);
    fs->file_id = sqlite3_last_insert_rowid(ctx->db);
    return TRUE;
}

static gboolean source_counts(FileState *fs, GError **error)
{
    const P2pIngestStats *s = fs->stats;
    sqlite3_stmt *st = NULL;
    gboolean ok = sqlite3_prepare_v2(fs->ctx->db,
        "UPDATE source_files SET sha256 = ?2, rows_read = ?3, inserted = ?4, updated = ?5, "
        "unchanged = ?6, rejected = ?7, skipped = ?8, removed = ?9 WHERE file_id = ?1",
        -1, &st, NULL) == SQLITE_OK;
    if (ok) {
        gint64 v[] = {fs->file_id, 0, s->rows, s->inserted, s->updated, s->unchanged,
                      s->rejected, s->skipped, s->removed};
        for (int i = 0; i < 9; i++)
            sqlite3_bind_int64(st, i + 1, v[i]);
        sqlite3_bind_text(st, 2, s->sha256, -1, SQLITE_STATIC);
        ok = sqlite3_step(st) == SQLITE_DONE;
    }
    sqlite3_finalize(st);
    return ok || p2p_db_fail(fs->ctx->db, "source_files", error);
}

static void file_state_init(FileState *fs, const P2pIngestContext *ctx,
                            const char *path, P2pIngestStats *stats)
{
    memset(fs, 0, sizeof *fs);
    fs->ctx = ctx;
    fs->name = path;
    fs->stats = stats;
    fs->raw = g_string_new(NULL);
    fs->rejected_ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    fs->warned_codes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    fs->segments = p2p_segments_new();
}

static void file_state_clear(FileState *fs)
{
    finalize_all(fs);
    p2p_header_map_clear(&fs->hm);
    g_string_free(fs->raw, TRUE);
    g_hash_table_destroy(fs->rejected_ids);
    g_hash_table_destroy(fs->warned_codes);
    p2p_segments_free(fs->segments);
    if (fs->error)
        g_error_free(fs->error);
}

/* Read the rows (inside the file's transaction): a reader thread parses
 * and validates while this one writes. */
static gboolean read_rows(FileState *fs, P2pInput *in, GError **error)
{
    const P2pIngestContext *ctx = fs->ctx;
    P2pCsvOptions opt = {.delimiter = ctx->map ? ctx->map->delimiter : ',',
                         .encoding = ctx->map ? ctx->map->encoding : NULL};
    P2pRowReader *rr = p2p_row_reader_start(ctx, p2p_input_read, in, &opt);
    P2pRowItem *it;
    gint64 bytes = 0;
    while ((it = p2p_row_reader_next(rr, &bytes))) {
        gboolean ok = fs->header_done ? take_item(fs, it) && !fs->error
                                      : take_header(fs, &it->rec);
        if (!ok)
            p2p_row_reader_stop(rr);
        if (ctx->progress)
            ctx->progress(fs->name, bytes, fs->size, ctx->data);
    }
    GError *e = NULL;
    gboolean ok = p2p_row_reader_finish(rr, fs->stats->sha256, &e);
    if (fs->error) {
        g_propagate_error(error, fs->error);
        fs->error = NULL;
        if (e)
            g_error_free(e);
        prefix_file(error, fs->name);
        return FALSE;
    }
    if (!ok) {
        g_propagate_error(error, e);
        prefix_file(error, fs->name);
        return FALSE;
    }
    if (!fs->header_done) {
        g_set_error(error, P2P_ERROR, P2P_EXIT_FILE, "%s: empty file (no header)", fs->name);
        return FALSE;
    }
    if (fs->mixed_scripts > P2P_WARN_MAX) {
        char *m = g_strdup_printf("%s: warning: %" G_GINT64_FORMAT " more client codes "
                                  "mix scripts (not listed)", fs->name,
                                  fs->mixed_scripts - P2P_WARN_MAX);
        diag(fs, P2P_DIAG_WARNING, m);
        g_free(m);
    }
    if (fs->hm.kind->id == P2P_KIND_FG_SEGMENTS) {
        GPtrArray *msgs = g_ptr_array_new_with_free_func(g_free);
        ok = p2p_segments_write(fs->segments, ctx->db, fs->file_id, fs->stats, msgs, error);
        for (guint i = 0; i < msgs->len; i++) {
            char *m = g_strdup_printf("%s: %s", fs->name, (char *)msgs->pdata[i]);
            diag(fs, P2P_DIAG_WARNING, m);
            g_free(m);
        }
        g_ptr_array_free(msgs, TRUE);
    }
    return ok;
}

/* Inside BEGIN IMMEDIATE: skip a repeat, else read and record the file. */
static gboolean ingest_locked(FileState *fs, P2pInput *in, GError **error)
{
    const P2pIngestContext *ctx = fs->ctx;
    P2pIngestStats *stats = fs->stats;
    if (!p2p_input_rewind(in, error))
        return FALSE;
    if (!ctx->force && p2p_input_seekable(in)
        && query_exists(ctx->db, "SELECT 1 FROM source_files WHERE size = ?1", NULL, fs->size)) {
        if (!hash_input(in, stats->sha256, error))
            return FALSE;
        if (already_loaded(ctx->db, stats->sha256)) {
            stats->already = TRUE;
            return TRUE;
        }
    }
    fs->any_erased = query_exists(ctx->db, "SELECT 1 FROM erased_clients LIMIT ?1", NULL, 1);
    if (!read_rows(fs, in, error))
        return FALSE;
    if (!ctx->force && already_loaded(ctx->db, stats->sha256)) {
        stats->already = TRUE;   /* a stream: known only now */
        return TRUE;
    }
    if (ctx->strict && stats->rejected > 0) {
        g_set_error(error, P2P_ERROR, P2P_EXIT_REJECTED,
                    "%s: %" G_GINT64_FORMAT " row%s rejected; with --strict nothing "
                    "of the file was loaded", fs->name, stats->rejected,
                    stats->rejected == 1 ? "" : "s");
        return FALSE;
    }
    return source_counts(fs, error) && p2p_db_bump_data_version(ctx->db, error);
}

gboolean p2p_ingest_file(const P2pIngestContext *ctx, P2pInput *in,
                         P2pIngestStats *stats, GError **error)
{
    memset(stats, 0, sizeof *stats);
    FileState fs;
    file_state_init(&fs, ctx, p2p_input_name(in), stats);
    fs.size = p2p_input_size(in);
    gboolean ok = p2p_db_exec(ctx->db, "BEGIN IMMEDIATE", error);
    if (ok) {
        ok = ingest_locked(&fs, in, error);
        /* A repeat changes nothing: roll back its (empty) work too. */
        const char *end = ok && !stats->already ? "COMMIT" : "ROLLBACK";
        finalize_all(&fs);
        if (!p2p_db_exec(ctx->db, end, ok ? error : NULL)) {
            /* A COMMIT that failed (a full disk) may leave the transaction
             * open: end it, so nothing of the file stays. */
            if (ok)
                p2p_db_exec(ctx->db, "ROLLBACK", NULL);
            ok = FALSE;
        }
    }
    if (!ok && error && *error && (*error)->domain == P2P_DISK_FULL) {
        g_clear_error(error);
        g_set_error(error, P2P_DISK_FULL, P2P_EXIT_DB,
                    "%s: disk full: nothing of it was loaded", fs.name);
    }
    file_state_clear(&fs);
    return ok;
}
