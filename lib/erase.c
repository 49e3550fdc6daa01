/* erase.c: removing a client who withdrew consent (GDPR Art. 17). */
#include <string.h>
#include "db.h"
#include "ingest.h"
#include "text.h"

/* Run one statement binding (country, hash); out n: rows changed. */
static gboolean run(sqlite3 *db, const char *sql, const char *country,
                    const char *hash, gint64 *n, GError **error)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return p2p_db_fail(db, "erase", error);
    sqlite3_bind_text(st, 1, country, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
    /* The message is taken before finalize, which would clear it. */
    gboolean ok = sqlite3_step(st) == SQLITE_DONE || p2p_db_fail(db, "erase", error);
    if (ok && n)
        *n = sqlite3_changes(db);
    sqlite3_finalize(st);
    return ok;
}

static gboolean log_erasure(sqlite3 *db, const char *country, gint64 e, gint64 r,
                            gint64 j, GError **error)
{
    sqlite3_stmt *st = NULL;
    char *now = p2p_now_iso();
    gboolean ok = sqlite3_prepare_v2(db, "INSERT INTO erasures(erased_at, country, "
        "encounters_deleted, referrals_deleted, rejects_deleted) VALUES (?1, ?2, ?3, ?4, ?5)",
        -1, &st, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, country, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, e);
        sqlite3_bind_int64(st, 4, r);
        sqlite3_bind_int64(st, 5, j);
        ok = sqlite3_step(st) == SQLITE_DONE;
    }
    if (!ok)
        p2p_db_fail(db, "erasures", error);
    sqlite3_finalize(st);
    g_free(now);
    return ok;
}

/* Keep the keyed hashes of the client's encounters, so their referrals in an
 * old export are skipped rather than rejected as orphans. */
static gboolean list_encounters(sqlite3 *db, const P2pKey *key, const char *country,
                                const char *hash, GError **error)
{
    sqlite3_stmt *sel = NULL, *ins = NULL;
    gboolean ok = sqlite3_prepare_v2(db, "SELECT encounter_id FROM encounters "
                                     "WHERE country = ?1 AND client_code = ?2",
                                     -1, &sel, NULL) == SQLITE_OK
        && sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO erased_encounters(encounter_ref) "
                              "VALUES (?1)", -1, &ins, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(sel, 1, country, -1, SQLITE_STATIC);
        sqlite3_bind_text(sel, 2, hash, -1, SQLITE_STATIC);
    }
    int rc = SQLITE_ROW;
    while (ok && (rc = sqlite3_step(sel)) == SQLITE_ROW) {
        char ref[P2P_HASH_HEX + 1];
        p2p_key_hash_encounter(key, country, (const char *)sqlite3_column_text(sel, 0), ref);
        sqlite3_bind_text(ins, 1, ref, -1, SQLITE_STATIC);
        ok = sqlite3_step(ins) == SQLITE_DONE;
        if (ok)
            sqlite3_reset(ins);
    }
    /* The failing statement's message, before another statement's
     * finalize replaces it with "not an error". */
    if (!ok || rc != SQLITE_DONE) {
        p2p_db_fail(db, "erase", error);
        ok = FALSE;
    }
    sqlite3_finalize(sel);
    sqlite3_finalize(ins);
    return ok;
}

gboolean p2p_ingest_erase_client(sqlite3 *db, const P2pKey *key, const char *code,
                                 const char *country, gint64 *encounters,
                                 gint64 *referrals, gint64 *rejects, GError **error)
{
    const char *cc = p2p_country_canonical(country, strlen(country));
    char *norm = p2p_text_check(code, strlen(code), NULL) == P2P_TEXT_OK
                 ? p2p_text_client_code(code, strlen(code)) : NULL;
    if (!cc || !norm) {
        g_set_error(error, P2P_ERROR, P2P_EXIT_USAGE, "%s",
                    !cc ? "--country needs a country code (PT GR PL LT BE FR NL HU)"
                        : "--erase-client needs a non-empty client code");
        g_free(norm);
        return FALSE;
    }
    if (sqlite3_db_readonly(db, "main") == 1) {
        g_set_error(error, P2P_ERROR, P2P_EXIT_DB, "%s: the database is read-only "
                    "(attempt to write a readonly database): nothing was erased",
                    sqlite3_db_filename(db, "main"));
        sodium_memzero(norm, strlen(norm));
        g_free(norm);
        return FALSE;
    }
    char hash[P2P_HASH_HEX + 1];
    p2p_key_hash(key, norm, strlen(norm), hash);
    sodium_memzero(norm, strlen(norm));
    g_free(norm);
    gint64 e = 0, r = 0, j = 0;
    gboolean ok = p2p_db_exec(db, "BEGIN IMMEDIATE", error)
        && list_encounters(db, key, cc, hash, error)
        && run(db, "DELETE FROM referrals WHERE country = ?1 AND encounter_id IN "
               "(SELECT encounter_id FROM encounters WHERE country = ?1 AND client_code = ?2)",
               cc, hash, &r, error)
        && run(db, "DELETE FROM encounters WHERE country = ?1 AND client_code = ?2",
               cc, hash, &e, error)
        /* A reject whose fields were out of line keeps every field that
         * may be the code as a hash, without naming which: find it in raw. */
        && run(db, "DELETE FROM rejects WHERE (country = ?1 OR country IS NULL) AND "
               "(client_code = ?2 OR instr(raw, ?2) > 0)", cc, hash, &j, error)
        && run(db, "INSERT OR IGNORE INTO erased_clients(country, client_code) VALUES (?1, ?2)",
               cc, hash, NULL, error)
        && log_erasure(db, cc, e, r, j, error)
        && p2p_db_bump_data_version(db, error)
        && p2p_db_exec(db, "COMMIT", error);
    if (!ok) {
        p2p_db_exec(db, "ROLLBACK", NULL);
        return FALSE;
    }
    if (encounters) *encounters = e;
    if (referrals) *referrals = r;
    if (rejects) *rejects = j;
    return TRUE;
}
