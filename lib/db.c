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

G_DEFINE_QUARK(p2p-disk-full-quark, p2p_disk_full)

int p2p_db_schema_version(void) { return p2p_schema_version; }

static void set_db_error(GError **error, int rc, const char *what, const char *msg)
{
    if ((rc & 0xff) == SQLITE_FULL)
        g_set_error(error, P2P_DISK_FULL, P2P_EXIT_DB, "%s: disk full", what);
    else
        g_set_error(error, P2P_ERROR, P2P_EXIT_DB, "%s: %s", what, msg);
}

gboolean p2p_db_fail(sqlite3 *db, const char *what, GError **error)
{
    set_db_error(error, db ? sqlite3_errcode(db) : SQLITE_NOMEM, what,
                 db ? sqlite3_errmsg(db) : "out of memory");
    return FALSE;
}

gboolean p2p_db_exec(sqlite3 *db, const char *sql, GError **error)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc == SQLITE_OK)
        return TRUE;
    set_db_error(error, rc, "database", msg ? msg : sqlite3_errstr(rc));
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

/* One integer from sql (a pragma or a count). Returns the SQLite status;
 * out value is left alone unless a row came. */
static int query_int(sqlite3 *db, const char *sql, int *value)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
            *value = sqlite3_column_int(st, 0);
        if (rc == SQLITE_ROW || rc == SQLITE_DONE)
            rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

gboolean p2p_db_upgrade(sqlite3 *db, GError **error)
{
    /* BEGIN IMMEDIATE so two programs opening a new database at once do not
     * both run the scripts: the second waits, then sees the new version. */
    if (!p2p_db_exec(db, "BEGIN IMMEDIATE", error))
        return FALSE;
    int v = -1, app = 0;
    int rc = query_int(db, "PRAGMA user_version", &v);
    if (rc == SQLITE_OK)
        rc = query_int(db, "PRAGMA application_id", &app);
    if (rc != SQLITE_OK || v < 0) {
        set_db_error(error, rc, "reading schema version", sqlite3_errstr(rc));
        p2p_db_exec(db, "ROLLBACK", NULL);
        return FALSE;
    }
    if (v > p2p_schema_version || (app != 0 && app != P2P_APPLICATION_ID)) {
        p2p_db_exec(db, "ROLLBACK", NULL);
        if (app != 0 && app != P2P_APPLICATION_ID)
            g_set_error(error, P2P_ERROR, P2P_EXIT_DB, "an SQLite database of another "
                        "application (application_id 0x%08x)", (unsigned)app);
        else
            g_set_error(error, P2P_ERROR, P2P_EXIT_DB,
                        "database schema version %d is newer than this toolkit's (%d)",
                        v, p2p_schema_version);
        return FALSE;
    }
    for (; v < p2p_schema_version; v++) {
        char pragma[64];
        g_snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
        if (!p2p_db_exec(db, p2p_schema_scripts[v], error)
            || !p2p_db_exec(db, pragma, error)) {
            p2p_db_exec(db, "ROLLBACK", NULL);
            return FALSE;
        }
    }
    /* A new database, or one an earlier toolkit made without the id. */
    char pragma[64];
    g_snprintf(pragma, sizeof pragma, "PRAGMA application_id = %d", P2P_APPLICATION_ID);
    if (app == 0 && !p2p_db_exec(db, pragma, error)) {
        p2p_db_exec(db, "ROLLBACK", NULL);
        return FALSE;
    }
    if (!p2p_db_exec(db, "COMMIT", error)) {
        p2p_db_exec(db, "ROLLBACK", NULL);
        return FALSE;
    }
    return TRUE;
}

/* ---- opening ---------------------------------------------------------- */

/* The name to give SQLite for a plain path. SQLite reads "file:..." as a
 * URI whatever the open flags (Debian builds it with SQLITE_USE_URI), and
 * ":memory:" as an in-memory database that would report success and keep
 * nothing: "./" makes either a file of exactly that name. Caller g_frees. */
static char *plain_name(const char *path)
{
    if (path[0] == ':' || g_ascii_strncasecmp(path, "file:", 5) == 0)
        return g_strconcat("./", path, NULL);
    return g_strdup(path);
}

/* Create the file ourselves so it is 0600 from its first byte, whatever the
 * umask; sqlite would create it with 0644. out created: this call made it
 * (FALSE when another process made it a moment before). */
static gboolean create_private(const char *path, gboolean *created, GError **error)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    *created = fd >= 0;
    if (fd < 0 && errno != EEXIST) {
        g_set_error(error, P2P_ERROR, P2P_EXIT_DB, "%s: %s", path, g_strerror(errno));
        return FALSE;
    }
    if (fd >= 0)
        close(fd);
    return TRUE;
}

/* A database this run created and could not set up is not left behind
 * (a 0-byte file would later open as a new, empty study). */
static void remove_new(const char *path)
{
    static const char *const tails[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < G_N_ELEMENTS(tails); i++) {
        char *f = g_strconcat(path, tails[i], NULL);
        unlink(f);
        g_free(f);
    }
}

/* Why the database cannot be written, from the file system's view. */
static const char *write_problem(const char *path)
{
    if (access(path, W_OK) != 0)
        return g_strerror(errno);
    char *dir = g_path_get_dirname(path);
    int ok = access(dir, W_OK);
    int err = errno;
    g_free(dir);
    return ok != 0 ? g_strerror(err) : NULL;
}

/* The message for a database SQLite could not read (rc), in words a user
 * can act on. */
static void open_fail(sqlite3 *db, const char *path, int rc, GError **error)
{
    const char *why;
    switch (rc & 0xff) {
    case SQLITE_NOTADB:
        g_set_error(error, P2P_ERROR, P2P_EXIT_DB, "%s is not an SQLite database, so "
                    "not a p2p study database; it was left as it was", path);
        return;
    case SQLITE_CORRUPT:
        g_set_error(error, P2P_ERROR, P2P_EXIT_DB, "%s: the database is damaged (%s); "
                    "nothing was written to it: restore it from a backup", path,
                    sqlite3_errstr(rc));
        return;
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
        if ((why = write_problem(path))) {
            /* A database in WAL mode is read through its -wal and -shm
             * files, which SQLite must be able to create beside it. */
            g_set_error(error, P2P_ERROR, P2P_EXIT_DB, "%s: cannot open the database: "
                        "it or its directory is read-only (%s); the -wal and -shm "
                        "files beside it must be writable", path, why);
            return;
        }
        break;
    }
    set_db_error(error, rc, path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

/* Is the file ours? Read before anything is written (not even the switch
 * to WAL), so another program's database is refused untouched.
 * out is_new: an empty file (no table, application_id 0). */
static gboolean identify(sqlite3 *db, const char *path, gboolean *is_new,
                         GError **error)
{
    int app = 0, tables = 0, ours = 0, version = 0;
    int rc = query_int(db, "PRAGMA application_id", &app);
    if (rc == SQLITE_OK)
        rc = query_int(db, "SELECT count(*) FROM sqlite_master", &tables);
    if (rc == SQLITE_OK)
        rc = query_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                       "AND name IN ('meta', 'source_files', 'encounters')", &ours);
    if (rc == SQLITE_OK)
        rc = query_int(db, "PRAGMA user_version", &version);
    if (rc != SQLITE_OK) {
        open_fail(db, path, rc, error);
        return FALSE;
    }
    *is_new = app == 0 && tables == 0;
    /* application_id 0 with our tables: made by a toolkit before the id
     * (p2p_db_upgrade adopts it). */
    if (app == P2P_APPLICATION_ID || *is_new || (app == 0 && ours == 3 && version >= 1))
        return TRUE;
    if (app != 0)
        g_set_error(error, P2P_ERROR, P2P_EXIT_DB, "%s is an SQLite database of another "
                    "application (application_id 0x%08x), not a p2p study database; "
                    "it was left as it was", path, (unsigned)app);
    else
        g_set_error(error, P2P_ERROR, P2P_EXIT_DB, "%s is an SQLite database but not a "
                    "p2p study database (its tables are not the toolkit's); it was "
                    "left as it was", path);
    return FALSE;
}

static gboolean check_writable(sqlite3 *db, const char *path, GError **error)
{
    if (sqlite3_db_readonly(db, "main") != 1)
        return TRUE;
    const char *why = write_problem(path);
    g_set_error(error, P2P_ERROR, P2P_EXIT_DB, "%s: the database is read-only (%s): "
                "nothing can be written to it", path, why ? why : "opened read-only");
    return FALSE;
}

/* PRAGMA quick_check before the first write: a damaged database is
 * refused, not written into (which could spread the damage). It reads
 * every page but checks no index against its table (integrity_check does,
 * at many times the cost). */
static gboolean check_integrity(sqlite3 *db, const char *path, GError **error)
{
    sqlite3_stmt *st = NULL;
    GString *why = g_string_new(NULL);
    int rc = sqlite3_prepare_v2(db, "PRAGMA quick_check(3)", -1, &st, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *m = (const char *)sqlite3_column_text(st, 0);
        /* The first message opens with a "*** in database main ***" line. */
        if (m && g_str_has_prefix(m, "*** ") && strchr(m, '\n'))
            m = strchr(m, '\n') + 1;
        if (m && strcmp(m, "ok") != 0)
            g_string_append_printf(why, "%s%s", why->len ? "; " : "", m);
        rc = SQLITE_OK;
    }
    if (rc != SQLITE_DONE && why->len == 0)
        g_string_append(why, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    gboolean ok = why->len == 0;
    if (!ok) {
        g_string_replace(why, "\n", "; ", 0);
        if (why->len > 200)
            g_string_truncate(why, 200);
        g_set_error(error, P2P_ERROR, P2P_EXIT_DB, "%s: the database is damaged "
                    "(PRAGMA quick_check: %s); nothing was written to it: restore it "
                    "from a backup", path, why->str);
    }
    g_string_free(why, TRUE);
    return ok;
}

static gboolean set_pragmas(sqlite3 *db, GError **error)
{
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
    return p2p_db_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                           "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
                           "PRAGMA cache_size=-32000;", error);
}

sqlite3 *p2p_db_open(const char *path, unsigned flags, GError **error)
{
    sqlite3 *db = NULL;
    gboolean created = FALSE, is_new = FALSE;
    if (!path || !*path) {
        g_set_error(error, P2P_ERROR, P2P_EXIT_DB, "no database file name");
        return NULL;
    }
    char *name = plain_name(path);
    gboolean exists = g_file_test(path, G_FILE_TEST_EXISTS);
    if (!exists && !(flags & P2P_DB_CREATE)) {
        g_set_error(error, P2P_ERROR, P2P_EXIT_DB, "%s: no such database", path);
        goto fail;
    }
    if (!exists && !create_private(path, &created, error))
        goto fail;
    /* No SQLITE_OPEN_URI: the name is a file name (see plain_name). */
    int rc = sqlite3_open_v2(name, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        open_fail(db, path, rc, error);
        goto fail;
    }
    sqlite3_busy_timeout(db, 600000);
    if (!identify(db, path, &is_new, error))
        goto fail;
    if (is_new && !(flags & P2P_DB_CREATE)) {
        g_set_error(error, P2P_ERROR, P2P_EXIT_DB, "%s is empty, not a p2p study "
                    "database (p2p-ingest creates one)", path);
        goto fail;
    }
    if ((flags & P2P_DB_WRITE)
        && (!check_writable(db, path, error)
            || (!is_new && !check_integrity(db, path, error))))
        goto fail;
    if (!set_pragmas(db, error) || !p2p_db_upgrade(db, error)) {
        if (error && *error && (*error)->domain == P2P_DISK_FULL) {
            g_clear_error(error);
            g_set_error(error, P2P_DISK_FULL, P2P_EXIT_DB, "%s: disk full: the database "
                        "could not be set up%s", path,
                        created ? ", and the new file was removed" : "");
        } else {
            g_prefix_error(error, "%s: ", path);
        }
        goto fail;
    }
    g_free(name);
    return db;
fail:
    sqlite3_close(db);
    if (created)
        remove_new(path);
    g_free(name);
    return NULL;
}

/* path quoted for a shell command line when it needs it. Caller g_frees. */
static char *shell_word(const char *path)
{
    for (const char *p = path; *p; p++)
        if (!g_ascii_isalnum(*p) && !strchr("._/+-,", *p))
            return g_shell_quote(path);
    return g_strdup(path);
}

char *p2p_db_exposure_warning(const char *path)
{
    static const char *const tails[] = {"", "-wal", "-shm"};
    GString *files = g_string_new(NULL), *words = g_string_new(NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(tails); i++) {
        char *f = g_strconcat(path, tails[i], NULL);
        struct stat st;
        if (stat(f, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077)) {
            char *w = shell_word(f);
            g_string_append_printf(files, "%s%s (mode %04o)", files->len ? ", " : "", f,
                                   (unsigned)(st.st_mode & 0777));
            g_string_append_printf(words, " %s", w);
            g_free(w);
        }
        g_free(f);
    }
    char *msg = files->len
        ? g_strdup_printf("database %s can be read by others; anyone with it can read "
                          "every record loaded: chmod 600%s", files->str, words->str)
        : NULL;
    g_string_free(files, TRUE);
    g_string_free(words, TRUE);
    return msg;
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
