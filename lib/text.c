/* text.c: UTF-8 checks and the normalisations the contract asks of fields. */
#include "text.h"

#include <string.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/uspoof.h>

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

/* s without its default-ignorable code points (invisible: zero-width
 * space and joiners, BOM, soft hyphen, variation selectors). */
static char *drop_ignorables(const char *s, size_t len)
{
    GString *out = g_string_sized_new(len);
    for (const char *p = s; p < s + len; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (!u_hasBinaryProperty((UChar32)c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT))
            g_string_append_unichar(out, c);
    }
    return g_string_free(out, FALSE);
}

char *p2p_text_client_code(const char *s, size_t len)
{
    size_t start;
    if (p2p_text_is_ascii(s, len)) {
        size_t n = p2p_text_trim(s, len, &start);
        if (n == 0)
            return NULL;
        char *r = g_malloc(n + 1);
        for (size_t i = 0; i < n; i++)
            r[i] = g_ascii_toupper(s[start + i]);
        r[n] = '\0';
        return r;
    }
    char *visible = drop_ignorables(s, len);
    char *nfkc = g_utf8_normalize(visible, -1, G_NORMALIZE_NFKC);
    g_free(visible);
    size_t n = trim_unicode(nfkc, strlen(nfkc), &start);
    char *up = n ? g_utf8_strup(nfkc + start, (gssize)n) : NULL;
    g_free(nfkc);
    if (!up)
        return NULL;
    /* Upper-casing can decompose (e.g. ŉ): normalise once more. */
    char *r = g_utf8_normalize(up, -1, G_NORMALIZE_NFKC);
    g_free(up);
    return r;
}

gboolean p2p_text_mixed_scripts(const char *s, char *scripts)
{
    UScriptCode first = USCRIPT_COMMON;
    for (const char *p = s; *p; p = g_utf8_next_char(p)) {
        UErrorCode err = U_ZERO_ERROR;
        UScriptCode sc = uscript_getScript((UChar32)g_utf8_get_char(p), &err);
        if (U_FAILURE(err) || sc == USCRIPT_COMMON || sc == USCRIPT_INHERITED
            || sc == USCRIPT_UNKNOWN)
            continue;
        if (first == USCRIPT_COMMON) {
            first = sc;
        } else if (sc != first) {
            if (scripts)
                g_snprintf(scripts, 64, "%s and %s", uscript_getName(first),
                           uscript_getName(sc));
            return TRUE;
        }
    }
    return FALSE;
}

/* ICU's confusable-skeleton checker (Unicode TR 39), made once: const use
 * from several threads is safe. NULL if ICU could not set it up. */
static const USpoofChecker *spoof_checker(void)
{
    static gsize once;
    static USpoofChecker *sc;
    if (g_once_init_enter(&once)) {
        UErrorCode err = U_ZERO_ERROR;
        sc = uspoof_open(&err);
        if (U_FAILURE(err))
            sc = NULL;
        g_once_init_leave(&once, 1);
    }
    return sc;
}

/* Does valid UTF-8 s (not plain ASCII) pass for ASCII: is its confusable
 * skeleton ASCII, or does it hide an invisible character? */
static gboolean passes_for_ascii(const char *s, size_t len)
{
    for (const char *p = s; p < s + len; p = g_utf8_next_char(p))
        if (u_hasBinaryProperty((UChar32)g_utf8_get_char(p),
                                UCHAR_DEFAULT_IGNORABLE_CODE_POINT))
            return TRUE;
    const USpoofChecker *sc = spoof_checker();
    if (!sc || len > 1024)
        return FALSE;
    char skel[4096];
    UErrorCode err = U_ZERO_ERROR;
    int32_t n = uspoof_getSkeletonUTF8(sc, 0, s, (int32_t)len, skel, sizeof skel, &err);
    return U_SUCCESS(err) && p2p_text_is_ascii(skel, (size_t)n);
}

void p2p_text_append_quoted(GString *out, const char *s, size_t len)
{
    /* A value is quoted to be recognised, not reproduced: a long one is cut
     * (at a character boundary) so a stray 64 KiB field cannot flood a log. */
    gboolean cut = len > P2P_QUOTE_MAX;
    if (cut) {
        len = P2P_QUOTE_MAX;
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--;
    }
    g_string_append_c(out, '\'');
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n' || s[i] == '\r') {
            g_string_append(out, s[i] == '\n' ? "\\n" : "\\r");
            continue;
        }
        size_t j = i;
        while (j < len && s[j] != '\n' && s[j] != '\r')
            j++;
        p2p_text_append_escaped(out, s + i, j - i);
        i = j - 1;
    }
    g_string_append(out, cut ? "\xE2\x80\xA6'" : "'");
    if (p2p_text_is_ascii(s, len) || !g_utf8_validate_len(s, len, NULL)
        || !passes_for_ascii(s, len))
        return;
    g_string_append(out, " (");
    gboolean first = TRUE;
    for (const char *p = s; p < s + len; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (c < 0x80)
            continue;
        g_string_append_printf(out, "%sU+%04X", first ? "" : " ", c);
        first = FALSE;
    }
    g_string_append_c(out, ')');
}
