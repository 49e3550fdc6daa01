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

/* One reason a row is rejected. */
typedef struct {
    int col;                 /* canonical column, or -1: the whole row */
    const char *code;        /* stable reason code (static; schemas/README.md) */
    gsize start, len;        /* its wording: the text's bytes [start, start+len) */
} P2pReason;

/* Every reason a row is rejected for, in the order they are reported (the
 * file's column order, then the rules across columns and the database's). */
typedef struct {
    GArray *items;           /* P2pReason (owned) */
    GString *text;           /* the wordings one after another (owned) */
    gsize open;              /* text->len when the last reason was added */
} P2pReasons;

void p2p_reasons_init(P2pReasons *r);
void p2p_reasons_clear(P2pReasons *r);
/* Forget every reason (the row is reused). */
void p2p_reasons_reset(P2pReasons *r);
/* Close what was appended to r->text since the last reason as a reason of
 * column col (-1: the row) with code (static). */
void p2p_reasons_add(P2pReasons *r, int col, const char *code);
/* Append the formatted wording and close it as a reason. */
void p2p_reasons_addf(P2pReasons *r, int col, const char *code, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);
/* Is any reason about column col? */
gboolean p2p_reasons_about(const P2pReasons *r, int col);
#define p2p_reasons_n(r) ((r)->items->len)
#define p2p_reason_at(r, i) (&g_array_index((r)->items, P2pReason, (i)))

/* Warnings a row may carry (bits of P2pRow.warnings). */
#define P2P_ROW_WARN_MIXED_SCRIPTS 1u   /* the client code mixes scripts */

/* The canonical values of one row after validation. */
typedef struct {
    GString *val[MAX_COLS];  /* canonical text per column (owned) */
    gboolean null[MAX_COLS]; /* TRUE: missing (stored as NULL) */
    char client[P2P_HASH_HEX + 1]; /* keyed hash of the client code, or "" */
    const char *country;     /* canonical country (static), or NULL */
    guint warnings;          /* P2P_ROW_WARN_* */
    char scripts[64];        /* with P2P_ROW_WARN_MIXED_SCRIPTS: which ones */
} P2pRow;

void p2p_row_init(P2pRow *row);
void p2p_row_clear(P2pRow *row);

/* Validate and normalise every field of rec into row, recording in why
 * every problem found (each bad field, then the rules across fields).
 * Returns TRUE when the row is good (why stays empty). */
gboolean p2p_row_validate(const P2pIngestContext *ctx, const P2pHeaderMap *hm,
                          const P2pCsvRecord *rec, P2pRow *row, P2pReasons *why);

#endif
