/* db.h: opening the study database, schema upgrades and the meta table. */
#ifndef P2P_DB_H
#define P2P_DB_H

#include <sqlite3.h>
#include "p2p.h"

/* Open (create=TRUE: creating, mode 0600) the database at path, apply any
 * schema upgrade, set the pragmas and a busy timeout so that two programs
 * writing at once wait for each other. Returns NULL and sets error
 * (P2P_EXIT_DB) on failure. Close with sqlite3_close(). */
sqlite3 *p2p_db_open(const char *path, gboolean create, GError **error);

/* The schema version this build writes (number of schemas/NNN-*.sql). */
int p2p_db_schema_version(void);

/* Bring db from its user_version up to p2p_db_schema_version() in one
 * transaction. A database newer than this build is refused. */
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

/* Run sql (no parameters, no data in it) or fail with the sqlite message. */
gboolean p2p_db_exec(sqlite3 *db, const char *sql, GError **error);

/* Set error from db's last message, prefixed by what. Returns FALSE. */
gboolean p2p_db_fail(sqlite3 *db, const char *what, GError **error);

/* Current time as ISO 8601 UTC ("2026-11-24T05:00:00Z"); caller g_frees. */
char *p2p_now_iso(void);

#endif
