/* db.h: opening the study database, schema upgrades and the meta table. */
#ifndef P2P_DB_H
#define P2P_DB_H

#include <sqlite3.h>
#include "p2p.h"

/* The SQLite header's application_id of a study database: ASCII "P2Pt".
 * Set when a database is created (or adopted, when an earlier toolkit made
 * it with 0), so another program's SQLite file is never taken for ours. */
#define P2P_APPLICATION_ID 0x50325074

/* GError domain of a write that failed because the disk (or quota) is full
 * (SQLITE_FULL); its code is P2P_EXIT_DB. Callers that know which input
 * was being loaded say so (lib/ingest.c: "FILE: disk full: ..."). */
#define P2P_DISK_FULL (p2p_disk_full_quark())
GQuark p2p_disk_full_quark(void);

/* How p2p_db_open opens a database (flags may be or'ed; FALSE/TRUE as
 * earlier callers pass them mean P2P_DB_EXISTING/P2P_DB_CREATE). */
typedef enum {
    P2P_DB_EXISTING = 0,       /* the file must exist and be a study database */
    P2P_DB_CREATE = 1 << 0,    /* create it (mode 0600) when missing */
    P2P_DB_WRITE = 1 << 1,     /* the caller will write: refuse a read-only
                                  database, and one that fails PRAGMA
                                  quick_check, before anything is written */
} P2pDbFlags;

/* Open the database at path, a plain file name: never an SQLite URI or
 * ":memory:" (a name starting with "file:" or ":" is a file of that name
 * in the current directory). A missing file is created (mode 0600) only
 * with P2P_DB_CREATE. A file is refused, untouched, when it is not an
 * SQLite database, is one of another application (application_id), or an
 * SQLite file of application_id 0 holding tables that are not ours; an
 * empty file is a new database (with P2P_DB_CREATE). Then the schema is
 * upgraded, the pragmas set (WAL) and a busy timeout installed so that two
 * programs writing at once wait for each other. A database this call
 * created and could not set up (a full disk) is removed with its -wal and
 * -shm. Returns NULL and sets error (P2P_EXIT_DB) on failure. Close with
 * sqlite3_close(). */
sqlite3 *p2p_db_open(const char *path, unsigned flags, GError **error);

/* When the database at path, or its -wal or -shm beside it, can be read or
 * written by group or others: a warning naming each such file and its mode
 * and how to fix it ("database study.db can be read by others (mode
 * 0644); ...: chmod 600 study.db"), without a program name. NULL when all
 * are private (or absent). Caller g_frees. */
char *p2p_db_exposure_warning(const char *path);

/* The schema version this build writes (number of schemas/NNN-*.sql). */
int p2p_db_schema_version(void);

/* Bring db from its user_version up to p2p_db_schema_version() in one
 * transaction, and set the application_id when it is 0. A database newer
 * than this build, or of another application, is refused. */
gboolean p2p_db_upgrade(sqlite3 *db, GError **error);

/* meta table. p2p_db_meta_get returns a newly allocated string (g_free) or
 * NULL when the key is absent. */
char *p2p_db_meta_get(sqlite3 *db, const char *key);
gboolean p2p_db_meta_set(sqlite3 *db, const char *key, const char *value,
                         GError **error);

/* data_version counts changes to the study data; every transaction that
 * changes rows bumps it, and an analysis records the value it saw. */
gint64 p2p_db_data_version(sqlite3 *db);
gboolean p2p_db_bump_data_version(sqlite3 *db, GError **error);

/* Run sql (no parameters, no data in it) or fail with the sqlite message
 * (domain P2P_DISK_FULL when the disk is full). */
gboolean p2p_db_exec(sqlite3 *db, const char *sql, GError **error);

/* Set error from db's last message, prefixed by what (domain P2P_DISK_FULL
 * when that error was SQLITE_FULL). Call it before stepping, resetting or
 * finalizing another statement: that sets db's last error anew ("not an
 * error"). Returns FALSE. */
gboolean p2p_db_fail(sqlite3 *db, const char *what, GError **error);

/* Current time as ISO 8601 UTC ("2026-11-24T05:00:00Z"); caller g_frees. */
char *p2p_now_iso(void);

#endif
