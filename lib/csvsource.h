/* csvsource.h: reading one delimited file as records with their physical
 * line numbers, over libcsv in strict mode: a BOM skipped at the start of
 * any record, CRLF, LF or CR, charset conversion to UTF-8 (GLib iconv), the
 * SHA-256 of exactly the bytes read, quoting slips kept inside their own
 * record, and memory bounded whatever the input (the limits below). */
#ifndef P2P_CSVSOURCE_H
#define P2P_CSVSOURCE_H

#include <stdio.h>
#include "p2p.h"

/* Limits. Beyond the first three a record is delivered damaged (a rejected
 * row); beyond the others the read stops with an error (a refused file). */
#define P2P_CSV_MAX_FIELDS 4096          /* fields of a record, columns of a header */
#define P2P_CSV_FIELD_KEEP 65537         /* bytes kept of a field: one more than the
                                            64 KiB a field may hold, so a longer
                                            one is still seen to be too long */
#define P2P_CSV_ROW_KEEP (4 << 20)       /* bytes kept of a record's fields (4 MiB) */
#define P2P_CSV_HEADER_MAX (1 << 20)     /* bytes of the header record (1 MiB) */
#define P2P_CSV_ROW_MAX ((gint64)1 << 30) /* bytes of one record as read (1 GiB):
                                            an endless input ends here */
#define P2P_CSV_RESYNC_MAX (1 << 20)     /* bytes of a record kept so it can be read
                                            again line by line after a run-on quote */

/* One record; fields are borrowed and valid only during the callback.
 * Fields are not NUL-terminated (they may contain NUL bytes); they lie one
 * after another in one buffer, field[0] first, so a record can be copied
 * with one memcpy.
 *
 * A damaged record is one whose quoting or size cannot be trusted; its
 * fields are as Python's csv module would read them, and it must be
 * rejected whole, never loaded:
 *   "text after closing quote"      "Lisboa" ,  or  "Lisboa"x
 *   "space before opening quote"    ,  "Lisboa",  (read literally)
 *   "quoted field runs on to line N, where text follows its closing quote"
 *   "quoted field runs on to line N and the row would have K fields, not H"
 *       a quote left open (a forgotten closing quote): the record is its
 *       first line alone, and the lines after it are read again as records
 *   "row has more than 4096 fields", "row longer than 4 MiB" */
typedef struct {
    size_t nfields;
    const char *const *field;   /* field[i] points into the reader's buffer */
    const size_t *len;          /* len[i]: bytes of field i */
    long line;                  /* physical line the record starts on */
    int damaged_field;          /* with damage: the field it is about, or -1
                                   for the whole record */
    const char *damage;         /* NULL, or why the record is damaged (a
                                   complete reason; borrowed like the fields) */
    const char *damage_code;    /* with damage: its reason code (static):
                                   quote_slip, too_many_fields, too_long */
} P2pCsvRecord;

/* Called per record, the header first. Return FALSE to stop reading (the
 * callback then owns the reason: the parse returns FALSE without an error). */
typedef gboolean (*P2pCsvRecordFn)(const P2pCsvRecord *rec, void *data);

/* Called now and then with bytes read so far, for progress display. */
typedef void (*P2pCsvProgressFn)(gint64 bytes, void *data);

/* Where the bytes come from: read up to size bytes into buf, fewer only at
 * the end (like fread); 0 at the end, -1 with error on failure.
 * p2p_input_read (input.h) is one. */
typedef gssize (*P2pCsvReadFn)(void *src, char *buf, size_t size, GError **error);

typedef struct {
    char delimiter;          /* ',' by default */
    const char *encoding;    /* NULL or "UTF-8": no conversion */
    P2pCsvProgressFn progress; /* may be NULL */
} P2pCsvOptions;

/* Read everything read_fn gives from src, calling fn per record.
 * out sha256_hex: hash of every byte read (65 bytes), or NULL for none; when
 * fn stops the read early it covers the bytes read so far.
 * Returns FALSE with error (P2P_EXIT_FILE) "LINE: reason" (the caller adds
 * the file name) on a read error, a conversion error, a UTF-16 or UTF-32
 * file read as UTF-8, a quote never closed, a header over its limits, a
 * record over P2P_CSV_ROW_MAX, or a run-on quote too long to read again;
 * when fn stopped the read, returns FALSE with no error set. */
gboolean p2p_csv_read(P2pCsvReadFn read_fn, void *src, const P2pCsvOptions *opt,
                      P2pCsvRecordFn fn, void *data, char *sha256_hex,
                      GError **error);

/* The iconv name to read an encoding with: exports labelled latin1 (or
 * ISO-8859-1) are read as windows-1252, which agrees on every printable
 * latin1 character and gives 0x80-0x9F their spreadsheet meaning (curly
 * quotes, the euro sign) instead of control characters. Static or name. */
const char *p2p_csv_encoding(const char *name);

/* Append the field to out as one RFC 4180 field (quoted when needed). */
void p2p_csv_append_field(GString *out, const char *s, size_t len);

#endif
