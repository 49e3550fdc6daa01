/* csvsource.h: reading one delimited file as records with their physical
 * line numbers, over libcsv: BOM skipped, CRLF or LF, charset conversion to
 * UTF-8 (GLib iconv), the SHA-256 of exactly the bytes read. */
#ifndef P2P_CSVSOURCE_H
#define P2P_CSVSOURCE_H

#include <stdio.h>
#include "p2p.h"

/* One record; fields are borrowed and valid only during the callback.
 * Fields are not NUL-terminated (they may contain NUL bytes); they lie one
 * after another in one buffer, field[0] first, so a record can be copied
 * with one memcpy. */
typedef struct {
    size_t nfields;
    const char *const *field;   /* field[i] points into the reader's buffer */
    const size_t *len;          /* len[i]: bytes of field i */
    long line;                  /* physical line the record starts on */
} P2pCsvRecord;

/* Called per record, the header first. Return FALSE to stop reading (the
 * callback then owns the reason: the parse returns FALSE without an error). */
typedef gboolean (*P2pCsvRecordFn)(const P2pCsvRecord *rec, void *data);

/* Called now and then with bytes read so far, for progress display. */
typedef void (*P2pCsvProgressFn)(gint64 bytes, void *data);

typedef struct {
    char delimiter;          /* ',' by default */
    const char *encoding;    /* NULL or "UTF-8": no conversion */
    P2pCsvProgressFn progress; /* may be NULL */
} P2pCsvOptions;

/* Read all of fp (named name in messages), calling fn per record.
 * out sha256_hex: hash of every byte read (65 bytes), or NULL for none; when
 * fn stops the read early it covers the bytes read so far.
 * On a read error, a conversion error or an unterminated quote returns FALSE
 * with error (P2P_EXIT_FILE) "LINE: reason" (the caller adds the file name);
 * when fn stopped the read, returns FALSE with no error set. */
gboolean p2p_csv_read(FILE *fp, const P2pCsvOptions *opt, P2pCsvRecordFn fn,
                      void *data, char *sha256_hex, GError **error);

/* The iconv name to read an encoding with: exports labelled latin1 (or
 * ISO-8859-1) are read as windows-1252, which agrees on every printable
 * latin1 character and gives 0x80-0x9F their spreadsheet meaning (curly
 * quotes, the euro sign) instead of control characters. Static or name. */
const char *p2p_csv_encoding(const char *name);

/* Append the field to out as one RFC 4180 field (quoted when needed). */
void p2p_csv_append_field(GString *out, const char *s, size_t len);

#endif
