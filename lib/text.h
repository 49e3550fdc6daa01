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

/* Normalised client code (contract "Ingest rules"): default-ignorable
 * characters (zero-width space, BOM, soft hyphen...) removed, Unicode NFKC
 * (full-width letters and ligatures become plain ones), surrounding white
 * space trimmed (Unicode's, no-break space included), Unicode upper case.
 * NULL when nothing is left. s must be valid UTF-8. Caller g_frees. */
char *p2p_text_client_code(const char *s, size_t len);

/* TRUE when the letters of s (valid UTF-8) come from more than one script,
 * Common and Inherited (digits, punctuation, combining marks) aside: a code
 * typed with a Cyrillic or Greek look-alike in a Latin one. out scripts:
 * when TRUE, the two first scripts' names, "Latin and Cyrillic" (static
 * parts in a buffer of at least 64 bytes; may be NULL). */
gboolean p2p_text_mixed_scripts(const char *s, char *scripts);

/* Append s[0..len) to out as a diagnostic quotes a value: in single quotes,
 * on one line (\n, \r), bytes that are not UTF-8 as \xNN, and when the
 * value passes for ASCII text without being it (Cyrillic РТ for PT,
 * full-width letters, invisible characters) the code points of its non-ASCII
 * characters after it: 'РТ' (U+0420 U+0422). Values over P2P_QUOTE_MAX
 * bytes are cut there. */
void p2p_text_append_quoted(GString *out, const char *s, size_t len);

/* Bytes of a value a diagnostic quotes at most; a longer one ends in "…". */
#define P2P_QUOTE_MAX 80

#endif
