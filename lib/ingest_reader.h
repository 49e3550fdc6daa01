/* ingest_reader.h: a reader thread that parses and validates a file's rows
 * while the caller writes the previous ones to the database — the two
 * halves of an ingest cost about the same, and a machine has two cores.
 * Rows come out in file order, in batches recycled through a bounded pool
 * (at most BATCHES batches of BATCH_ROWS rows or about BATCH_BYTES of
 * fields each), so memory stays flat whatever the file's size. Internal
 * to the ingest. */
#ifndef P2P_INGEST_READER_H
#define P2P_INGEST_READER_H

#include "ingest_internal.h"

/* One record as read and as validated. Owned by the reader; valid until the
 * next call to p2p_row_reader_next. */
typedef struct {
    P2pCsvRecord rec;       /* fields as read (a view into its batch) */
    P2pRow row;             /* canonical values, when ok */
    gboolean ok;            /* p2p_row_validate passed (header: it matched) */
    P2pReasons why;         /* when !ok: every reason; callers may add more */
    size_t first;           /* its first field in the batch's field arrays */
    char damage[160];       /* rec.damage points here when it is set */
} P2pRowItem;

typedef struct P2pRowReader P2pRowReader;

/* Start reading what read_fn gives from src (borrowed: keep it until
 * finish) in a thread. The first item is the header record; every later
 * one a data row, validated against the kind the header maps to under ctx. */
P2pRowReader *p2p_row_reader_start(const P2pIngestContext *ctx, P2pCsvReadFn read_fn,
                                   void *src, const P2pCsvOptions *opt);

/* The next item in file order, or NULL at the end (or after stop).
 * out bytes: bytes of the file read so far (for progress). */
P2pRowItem *p2p_row_reader_next(P2pRowReader *r, gint64 *bytes);

/* Ask the thread to stop early (a database failure downstream). */
void p2p_row_reader_stop(P2pRowReader *r);

/* Wait for the thread and free r. Returns what p2p_csv_read returned
 * (FALSE with error on a read/parse failure; FALSE without error when
 * stopped or when the header matched no kind). out sha256: the SHA-256 of
 * exactly the bytes the reader consumed (65 bytes). */
gboolean p2p_row_reader_finish(P2pRowReader *r, char sha256[65], GError **error);

#endif
