/* text.h: UTF-8 checks and the normalisations the contract asks of fields. */
#ifndef P2P_TEXT_H
#define P2P_TEXT_H

#include <glib.h>
#include <stddef.h>

/* Why a field's text is not acceptable, or P2P_TEXT_OK. */
typedef enum {
    P2P_TEXT_OK = 0,
    P2P_TEXT_BAD_UTF8,   /* not valid UTF-8 */
    P2P_TEXT_CONTROL,    /* NUL or a control character other than tab/CR/LF */
    P2P_TEXT_TOO_LONG,   /* over P2P_FIELD_MAX bytes */
} P2pTextError;

#define P2P_FIELD_MAX 65536

/* Check s[0..len) against the contract's text rule. out bad_offset: byte
 * offset of the first offending byte (may be NULL). */
P2pTextError p2p_text_check(const char *s, size_t len, size_t *bad_offset);

/* Human wording of a P2pTextError ("invalid UTF-8", ...). Static string. */
const char *p2p_text_error_str(P2pTextError e);

/* TRUE when s[0..len) is plain ASCII (no normalisation can change it). */
gboolean p2p_text_is_ascii(const char *s, size_t len);

/* s[0..len) in Unicode NFC; caller g_frees. s must be valid UTF-8. */
char *p2p_text_nfc(const char *s, size_t len);

/* Bounds of s[0..len) without surrounding spaces and tabs.
 * out start: offset of the first kept byte. Returns the kept length. */
size_t p2p_text_trim(const char *s, size_t len, size_t *start);

/* Append s[0..len) to out, bytes that are not valid UTF-8 (and NUL) written
 * as \xNN so rejected text can be stored and printed safely. */
void p2p_text_append_escaped(GString *out, const char *s, size_t len);

/* Normalised client code: NFC, surrounding white space trimmed (Unicode's,
 * no-break space included), Unicode upper case. NULL when the trimmed code
 * is empty. s must be valid UTF-8. Caller g_frees. */
char *p2p_text_client_code(const char *s, size_t len);

#endif
