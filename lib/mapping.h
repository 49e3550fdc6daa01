/* mapping.h: a partner export's mapping file (INI, GLib key file): the
 * file's delimiter, encoding and date format, and per kind the column
 * renames and value recodes that make it canonical (schemas/mapping-format.md). */
#ifndef P2P_MAPPING_H
#define P2P_MAPPING_H

#include "kinds.h"
#include "p2p.h"

typedef struct {
    char *path;                 /* the mapping file, for messages */
    char delimiter;             /* ',' unless [file] delimiter says */
    char *encoding;             /* iconv name, NULL = UTF-8 */
    char *date_format;          /* strptime format, NULL = %Y-%m-%d */
    GHashTable *rename[P2P_KIND_COUNT]; /* folded partner header -> canonical */
    GHashTable *recode[P2P_KIND_COUNT]; /* "column\037folded value" -> canonical */
} P2pMapping;

/* Parse path. Errors (P2P_EXIT_USAGE) name the file and line. Caller
 * p2p_mapping_frees. */
P2pMapping *p2p_mapping_load(const char *path, GError **error);
void p2p_mapping_free(P2pMapping *m);

/* The canonical name a header cell has for kind under m (m may be NULL):
 * renamed if the mapping says so, else the cell trimmed and lower-cased.
 * Caller g_frees. */
char *p2p_mapping_column(const P2pMapping *m, P2pKindId kind, const char *s,
                         size_t len);

/* The canonical value for a partner value of column col, or NULL when the
 * mapping has no recode for it. Borrowed. */
const char *p2p_mapping_recode(const P2pMapping *m, P2pKindId kind,
                               const char *col, const char *s, size_t len);

/* TRUE when the mapping recodes any value of column col (fast path). */
gboolean p2p_mapping_has_recodes(const P2pMapping *m, P2pKindId kind,
                                 const char *col);

/* Human form of a strptime format for messages: "%d/%m/%Y" → "DD/MM/YYYY".
 * Caller g_frees. */
char *p2p_mapping_date_hint(const char *format);

#endif
