/* ingest.h: loading one partner file into the study database — header
 * recognition, validation of every field against the kind table, keyed
 * hashing of client codes, upserts with provenance, rejects — in one
 * transaction per file. */
#ifndef P2P_INGEST_H
#define P2P_INGEST_H

#include <sqlite3.h>
#include <stdio.h>
#include "input.h"
#include "keyhash.h"
#include "kinds.h"
#include "mapping.h"

typedef enum {
    P2P_DIAG_ROW,      /* "FILE:LINE: column 'x': reason": print as is */
    P2P_DIAG_WARNING,  /* a warning about a file: print after the program name */
} P2pDiagKind;

/* Receives each diagnostic (a complete line without newline). */
typedef void (*P2pDiagFn)(P2pDiagKind kind, const char *msg, void *data);
/* Receives bytes read of a file of total bytes (total 0 = unknown). */
typedef void (*P2pProgressFn)(const char *name, gint64 bytes, gint64 total,
                              void *data);

typedef struct {
    sqlite3 *db;              /* borrowed */
    const P2pKey *key;        /* borrowed */
    const P2pMapping *map;    /* borrowed; NULL = canonical files */
    const P2pKind *kind;      /* --kind, or NULL to recognise from the header */
    gboolean strict;          /* one bad row refuses the file */
    gboolean force;           /* read a file already ingested again */
    gint64 run_id;            /* ingest_runs.run_id of this invocation */
    char today[11];           /* local date, YYYY-MM-DD: no date may follow it */
    P2pDiagFn diag;           /* may be NULL */
    P2pProgressFn progress;   /* may be NULL */
    void *data;               /* passed to diag and progress */
} P2pIngestContext;

typedef struct {
    const P2pKind *kind;      /* what the file was read as */
    gboolean already;         /* skipped whole: same SHA-256 loaded before */
    char sha256[65];
    gint64 rows, inserted, updated, unchanged, rejected, skipped, removed;
    gint64 pairs_kept;        /* fg_segments: (group, coder) pairs left as they were */
} P2pIngestStats;

/* Set up ctx for db: today's local date, no mapping/kind, not strict. */
void p2p_ingest_context_init(P2pIngestContext *ctx, sqlite3 *db,
                             const P2pKey *key);

/* Start an ingest run (ingest_runs row). out run_id. */
gboolean p2p_ingest_run_begin(sqlite3 *db, gint64 *run_id, GError **error);

/* Read the header of in (from its start) and say which kind it is.
 * Returns NULL with error P2P_EXIT_FILE "FILE:LINE: reason" when the file is
 * empty, unreadable, has a duplicated or missing column, or matches no kind.
 * A stream keeps the bytes it read, for p2p_ingest_file (input.h). */
const P2pKind *p2p_ingest_probe(const P2pIngestContext *ctx, P2pInput *in,
                                GError **error);

/* Ingest in (from its start; probed or not) in one transaction; messages
 * name it as p2p_input_name says. out stats (stats->kind: as its header
 * reads). Returns FALSE with error: P2P_EXIT_FILE (refused/unreadable:
 * nothing loaded), P2P_EXIT_REJECTED (--strict and rows rejected: nothing
 * loaded), P2P_EXIT_DB. Rejected rows without --strict are not an error. */
gboolean p2p_ingest_file(const P2pIngestContext *ctx, P2pInput *in,
                         P2pIngestStats *stats, GError **error);

/* Erase every record of a client (GDPR Art. 17) in country; the code's keyed
 * hash goes on the erasure list. out encounters, referrals, rejects: rows
 * deleted (may be NULL). */
gboolean p2p_ingest_erase_client(sqlite3 *db, const P2pKey *key,
                                 const char *code, const char *country,
                                 gint64 *encounters, gint64 *referrals,
                                 gint64 *rejects, GError **error);

#endif
