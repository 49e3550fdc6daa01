/* ingest_segments.h: fg_segments files replace each (group, coder) pair's
 * codings as a whole (contract "fg_segments"). Internal to the ingest. */
#ifndef P2P_INGEST_SEGMENTS_H
#define P2P_INGEST_SEGMENTS_H

#include "ingest_internal.h"

typedef struct P2pSegments P2pSegments;

P2pSegments *p2p_segments_new(void);
void p2p_segments_free(P2pSegments *s);

/* FALSE, with reason, when this (group, segment, coder, code) was already
 * in the file. */
gboolean p2p_segments_check_dup(P2pSegments *s, const P2pRow *row, long line,
                                GString *reason);
/* Keep a validated row (copied) for its pair. */
void p2p_segments_add(P2pSegments *s, const P2pRow *row, long line);
/* A row of the pair (group, coder) was rejected: none of its rows load. */
void p2p_segments_taint(P2pSegments *s, const char *group, const char *coder);

/* Write every untainted pair: count codings inserted, updated, unchanged
 * and removed against what the pair had; tainted pairs' rows are skipped.
 * out stats updated. msgs receives one warning per kept pair (g_free'd
 * strings, caller owns the array). */
gboolean p2p_segments_write(P2pSegments *s, sqlite3 *db, gint64 file_id,
                            P2pIngestStats *stats, GPtrArray *msgs,
                            GError **error);

#endif
