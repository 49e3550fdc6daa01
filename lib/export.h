/* export.h: writing a result set as the researchers' export — csv, json or
 * an aligned terminal table (CONTRACT.md "Researchers' export"). */
#ifndef P2P_EXPORT_H
#define P2P_EXPORT_H

#include <stdio.h>
#include "results.h"

typedef enum {
    P2P_FORMAT_TABLE = 0,  /* aligned columns, a heading per country */
    P2P_FORMAT_CSV,        /* RFC 4180, LF, no BOM, the contract's header */
    P2P_FORMAT_JSON,       /* an array of objects, the csv's keys */
} P2pFormat;

/* Parse "table", "csv", "json". FALSE when none. */
gboolean p2p_format_parse(const char *s, P2pFormat *out);

/* The export's columns, in order (NULL-terminated). Static. */
extern const char *const p2p_export_columns[];

/* The text of field i (P2P_F_*) of r as exported: "" when empty or
 * suppressed (any state but P2P_CELL_SHOWN), else p2p_format_number.
 * Caller g_frees. */
char *p2p_export_field(const P2pResult *r, int i);

/* Write every row of rs, in its order, to out. FALSE with error
 * (P2P_EXIT_DB) when writing fails. */
gboolean p2p_export_write(FILE *out, const P2pResultSet *rs, P2pFormat fmt,
                          GError **error);

#endif
