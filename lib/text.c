/* text.c: UTF-8 checks and the normalisations the contract asks of fields. */
#include "text.h"

#include <string.h>

gboolean p2p_text_is_ascii(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] & 0x80)
            return FALSE;
    return TRUE;
}

P2pTextError p2p_text_check(const char *s, size_t len, size_t *bad_offset)
{
    size_t off = 0;
    P2pTextError e = P2P_TEXT_OK;
    if (len > P2P_FIELD_MAX) {
        e = P2P_TEXT_TOO_LONG;
        goto out;
    }
    /* Fast path: printable ASCII needs no UTF-8 decoding. */
    for (off = 0; off < len; off++) {
        unsigned char c = (unsigned char)s[off];
        if (c >= 0x80 || (c < 0x20 && c != '\t') || c == 0x7f)
            break;
    }
    if (off == len) {
        off = 0;
        goto out;
    }
    const char *end = NULL;
    if (!g_utf8_validate_len(s, len, &end)) {
        off = (size_t)(end - s);
        /* A NUL byte stops g_utf8_validate: call it a control character. */
        e = s[off] == '\0' ? P2P_TEXT_CONTROL : P2P_TEXT_BAD_UTF8;
        goto out;
    }
    for (off = 0; off < len; off++) {
        unsigned char c = (unsigned char)s[off];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
            e = P2P_TEXT_CONTROL;
            goto out;
        }
        /* C1 controls U+0080..U+009F are encoded C2 80..C2 9F. */
        if (c == 0xc2 && off + 1 < len && (unsigned char)s[off + 1] < 0xa0) {
            e = P2P_TEXT_CONTROL;
            goto out;
        }
    }
    off = 0;
out:
    if (bad_offset)
        *bad_offset = off;
    return e;
}

const char *p2p_text_error_str(P2pTextError e)
{
    switch (e) {
    case P2P_TEXT_OK: return "ok";
    case P2P_TEXT_BAD_UTF8: return "invalid UTF-8";
    case P2P_TEXT_CONTROL: return "control character in text";
    case P2P_TEXT_TOO_LONG: return "field longer than 65536 bytes";
    }
    return "?";
}

char *p2p_text_nfc(const char *s, size_t len)
{
    if (p2p_text_is_ascii(s, len))
        return g_strndup(s, len);
    char *n = g_utf8_normalize(s, (gssize)len, G_NORMALIZE_NFC);
    return n ? n : g_strndup(s, len);
}

size_t p2p_text_trim(const char *s, size_t len, size_t *start)
{
    size_t a = 0, b = len;
    while (a < b && (s[a] == ' ' || s[a] == '\t'))
        a++;
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
        b--;
    *start = a;
    return b - a;
}

void p2p_text_append_escaped(GString *out, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        const char *end = NULL;
        if (g_utf8_validate_len(s + i, len - i, &end)) {
            g_string_append_len(out, s + i, (gssize)(len - i));
            return;
        }
        size_t good = (size_t)(end - (s + i));
        g_string_append_len(out, s + i, (gssize)good);
        i += good;
        g_string_append_printf(out, "\\x%02X", (unsigned char)s[i]);
        i++;
    }
}

/* Bounds of s without surrounding Unicode white space (no-break space and
 * the like, which spreadsheets leave around codes). s is valid UTF-8. */
static size_t trim_unicode(const char *s, size_t len, size_t *start)
{
    const char *a = s, *b = s + len;
    while (a < b && g_unichar_isspace(g_utf8_get_char(a)))
        a = g_utf8_next_char(a);
    while (b > a) {
        const char *p = g_utf8_find_prev_char(a, b);
        if (!p || !g_unichar_isspace(g_utf8_get_char(p)))
            break;
        b = p;
    }
    *start = (size_t)(a - s);
    return (size_t)(b - a);
}

char *p2p_text_client_code(const char *s, size_t len)
{
    size_t start;
    size_t n = p2p_text_is_ascii(s, len) ? p2p_text_trim(s, len, &start)
                                         : trim_unicode(s, len, &start);
    if (n == 0)
        return NULL;
    s += start;
    if (p2p_text_is_ascii(s, n)) {
        char *r = g_malloc(n + 1);
        for (size_t i = 0; i < n; i++)
            r[i] = g_ascii_toupper(s[i]);
        r[n] = '\0';
        return r;
    }
    char *nfc = g_utf8_normalize(s, (gssize)n, G_NORMALIZE_NFC);
    char *up = g_utf8_strup(nfc, -1);
    g_free(nfc);
    /* Upper-casing can decompose (e.g. ŉ): normalise once more. */
    char *r = g_utf8_normalize(up, -1, G_NORMALIZE_NFC);
    g_free(up);
    return r;
}
