/* db.c: opening the study database, schema upgrades and the meta table. */
#include "db.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Generated from schemas/NNN-*.sql by tools/embed-sql.sh. */
extern const char *const p2p_schema_scripts[];
extern const int p2p_schema_version;

int p2p_db_schema_version(void) { return p2p_schema_version; }

gboolean p2p_db_fail(sqlite3 *db, const char *what, GError **error)
{
    g_set_error(error, P2P_ERROR, P2P_EXIT_DB, "%s: %s", what,
                db ? sqlite3_errmsg(db) : "out of memory");
    return FALSE;
}

gboolean p2p_db_exec(sqlite3 *db, const char *sql, GError **error)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
        return TRUE;
    g_set_error(error, P2P_ERROR, P2P_EXIT_DB, "database: %s",
                msg ? msg : "error");
    sqlite3_free(msg);
    return FALSE;
}

char *p2p_now_iso(void)
{
    GDateTime *now = g_date_time_new_now_utc();
    char *s = g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
    g_date_time_unref(now);
    return s;
}

static int user_version(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK
        && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

gboolean p2p_db_upgrade(sqlite3 *db, GError **error)
{
    /* BEGIN IMMEDIATE so two programs opening a new database at once do not
     * both run the scripts: the second waits, then sees the new version. */
    if (!p2p_db_exec(db, "BEGIN IMMEDIATE", error))
        return FALSE;
    int v = user_version(db);
    if (v > p2p_schema_version) {
        p2p_db_exec(db, "ROLLBACK", NULL);
        g_set_error(error, P2P_ERROR, P2P_EXIT_DB,
                    "database schema version %d is newer than this toolkit's (%d)",
                    v, p2p_schema_version);
        return FALSE;
    }
    for (; v >= 0 && v < p2p_schema_version; v++) {
        char pragma[64];
        g_snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
        if (!p2p_db_exec(db, p2p_schema_scripts[v], error)
            || !p2p_db_exec(db, pragma, error)) {
            p2p_db_exec(db, "ROLLBACK", NULL);
            return FALSE;
        }
    }
    if (v < 0) {
        p2p_db_exec(db, "ROLLBACK", NULL);
        return p2p_db_fail(db, "reading schema version", error);
    }
    return p2p_db_exec(db, "COMMIT", error);
}

/* Create the file ourselves so it is 0600 from its first byte, whatever the
 * umask; sqlite would create it with 0644. */
static gboolean create_private(const char *path, GError **error)
{
    int fd = open(path, O_WRONLY | O_CREAT, 0600);
    if (fd < 0) {
        g_set_error(error, P2P_ERROR, P2P_EXIT_DB, "%s: %s", path,
                    g_strerror(errno));
        return FALSE;
    }
    close(fd);
    return TRUE;
}

sqlite3 *p2p_db_open(const char *path, gboolean create, GError **error)
{
    sqlite3 *db = NULL;
    gboolean exists = g_file_test(path, G_FILE_TEST_EXISTS);
    if (!exists && !create) {
        g_set_error(error, P2P_ERROR, P2P_EXIT_DB, "%s: no such database", path);
        return NULL;
    }
    if (!exists && !create_private(path, error))
        return NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        p2p_db_fail(db, path, error);
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 600000);
    /* WAL: readers never block the writer, and a killed writer leaves the
     * last committed state. synchronous=NORMAL is durable per transaction
     * against a process kill (not against power loss of the last commit). */
    /* Switching a new database to WAL needs an exclusive lock, and SQLite
     * answers SQLITE_BUSY at once, without the busy handler, when another
     * process opening it at the same moment holds one: retry a while. */
    for (int i = 0; i < 6000; i++) {
        int rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
        if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
            break;
        g_usleep(10000);
    }
    if (!p2p_db_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                         "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
                         "PRAGMA cache_size=-32000;", error)
        || !p2p_db_upgrade(db, error)) {
        g_prefix_error(error, "%s: ", path);
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

char *p2p_db_meta_get(sqlite3 *db, const char *key)
{
    sqlite3_stmt *st = NULL;
    char *value = NULL;
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?1", -1,
                           &st, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        value = g_strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return value;
}

gboolean p2p_db_meta_set(sqlite3 *db, const char *key, const char *value,
                         GError **error)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
            "INSERT INTO meta(key, value) VALUES (?1, ?2) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            -1, &st, NULL) != SQLITE_OK)
        return p2p_db_fail(db, "meta", error);
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return p2p_db_fail(db, "meta", error);
    return TRUE;
}

gint64 p2p_db_data_version(sqlite3 *db)
{
    char *s = p2p_db_meta_get(db, "data_version");
    gint64 v = s ? g_ascii_strtoll(s, NULL, 10) : 0;
    g_free(s);
    return v;
}

gboolean p2p_db_bump_data_version(sqlite3 *db, GError **error)
{
    char buf[32];
    g_snprintf(buf, sizeof buf, "%" G_GINT64_FORMAT, p2p_db_data_version(db) + 1);
    return p2p_db_meta_set(db, "data_version", buf, error);
}
