/* ingest_internal.h: state shared by the ingest modules (not public API). */
#ifndef P2P_INGEST_INTERNAL_H
#define P2P_INGEST_INTERNAL_H

#include "csvsource.h"
#include "ingest.h"

#define MAX_COLS 24   /* more than any kind has (encounters: 18) */

/* How a file's header maps onto its kind. */
typedef struct {
    const P2pKind *kind;
    size_t nfile;            /* columns in the file's header */
    int *to_canon;           /* file column -> canonical column or -1; g_malloc'd */
    int from_file[MAX_COLS]; /* canonical column -> file column or -1 */
    GPtrArray *unknown;      /* names of ignored columns (g_free'd strings) */
    gboolean *is_code;       /* file column holds a client code (read as
                                client_code, or so named even if ignored):
                                never stored raw; g_malloc'd */
    char *twice;             /* a canonical column two file columns map to
                                (g_malloc'd), or NULL */
} P2pHeaderMap;

/* Match a header record against kind (NULL: recognise). Returns FALSE with
 * error P2P_EXIT_FILE ("LINE: reason" without the file name). */
gboolean p2p_header_map(const P2pIngestContext *ctx, const P2pCsvRecord *hdr,
                        P2pHeaderMap *out, GError **error);
void p2p_header_map_clear(P2pHeaderMap *hm);

/* The canonical values of one row after validation. */
typedef struct {
    GString *val[MAX_COLS];  /* canonical text per column (owned) */
    gboolean null[MAX_COLS]; /* TRUE: missing (stored as NULL) */
    char client[P2P_HASH_HEX + 1]; /* keyed hash of the client code, or "" */
    const char *country;     /* canonical country (static), or NULL */
} P2pRow;

void p2p_row_init(P2pRow *row);
void p2p_row_clear(P2pRow *row);

/* Validate and normalise every field of rec into row. On the first problem
 * returns FALSE and sets out bad_col (canonical column, or -1 for the whole
 * row) and reason (g_string). */
gboolean p2p_row_validate(const P2pIngestContext *ctx, const P2pHeaderMap *hm,
                          const P2pCsvRecord *rec, P2pRow *row, int *bad_col,
                          GString *reason);

#endif
