/* mapping.c: reading a partner export's mapping file (GLib key file). */
#define _XOPEN_SOURCE 700  /* strptime */
#include "mapping.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "text.h"
#include "csvsource.h"

/* A mapping is a few kilobytes; a larger file given as --map is some
 * other file (an export, the database) and is not read whole. */
#define MAPPING_MAX (1 << 20)
/* Characters of a mapping line quoted in a parse error: enough to find
 * the line, too few to echo a secret pasted into it. */
#define LINE_QUOTE_MAX 16
/* Characters of a key or value quoted in other errors. */
#define ITEM_QUOTE_MAX 64

/* The text being loaded, and where each section and key is (filled by
 * scan(), which reads lines as GLib's key-file parser does). */
typedef struct {
    P2pMapping *m;       /* the mapping being filled (borrowed) */
    const char *text;    /* the file's bytes, NUL-terminated (borrowed) */
    gsize len;           /* bytes of text */
    GHashTable *where;   /* "group\037key" or "group\037" -> line; owned */
} Loader;

/* ---- quoting mapping text in messages --------------------------------- */

static gboolean is_hex(char c) { return g_ascii_isxdigit(c); }

/* Append s[0..len) to out for a message: at most max characters, printable
 * ASCII as it is, everything else escaped (\t, \xNN for bytes that are not
 * UTF-8, \u{XXXX} for other characters: a look-alike letter or an
 * invisible one shows as what it is). A run of 32 or more hex digits, as
 * a key file holds, is never quoted. "…" marks a cut. */
static void append_quoted(GString *out, const char *s, size_t len, size_t max)
{
    size_t shown = 0, i = 0;
    while (i < len && shown < max) {
        size_t run = 0;
        while (i + run < len && is_hex(s[i + run]))
            run++;
        if (run >= 32) {
            g_string_append_printf(out, "<%zu hex digits>", run);
            i += run;
            shown += 8;
            continue;
        }
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f) {
            if (c == '\\')
                g_string_append_c(out, '\\');
            g_string_append_c(out, (char)c);
            i++;
        } else if (c == '\t') {
            g_string_append(out, "\\t");
            i++;
        } else {
            gunichar u = g_utf8_get_char_validated(s + i, (gssize)(len - i));
            if (c >= 0x80 && u != (gunichar)-1 && u != (gunichar)-2) {
                g_string_append_printf(out, "\\u{%04X}", u);
                i = (size_t)(g_utf8_next_char(s + i) - s);
            } else {
                g_string_append_printf(out, "\\x%02X", c);
                i++;
            }
        }
        shown++;
    }
    if (i < len)
        g_string_append(out, "…");
}

/* s quoted for a message ('...'); caller g_frees. */
static char *quote(const char *s, size_t len, size_t max)
{
    GString *q = g_string_new("'");
    append_quoted(q, s, len, max);
    g_string_append_c(q, '\'');
    return g_string_free(q, FALSE);
}

/* ---- matching partner names and values ---------------------------------- */

/* Trimmed, case-folded key for matching partner headers and values. */
static char *fold(const char *s, size_t len)
{
    size_t start;
    size_t n = p2p_text_trim(s, len, &start);
    if (p2p_text_check(s + start, n, NULL) != P2P_TEXT_OK) {
        /* Not text: an escaped copy can still name it in a message. */
        GString *esc = g_string_new(NULL);
        p2p_text_append_escaped(esc, s + start, n);
        for (gsize i = 0; i < esc->len; i++)
            if ((unsigned char)esc->str[i] < 0x20)
                esc->str[i] = '?';
        return g_string_free(esc, FALSE);
    }
    char *nfc = p2p_text_nfc(s + start, n);
    char *f = g_utf8_casefold(nfc, -1);
    g_free(nfc);
    return f;
}

/* ---- the file's lines ------------------------------------------------- */

static int where(const Loader *ld, const char *group, const char *key)
{
    char *k = g_strconcat(group, "\037", key ? key : "", NULL);
    int line = GPOINTER_TO_INT(g_hash_table_lookup(ld->where, k));
    g_free(k);
    return line;
}

/* A line that is not a mapping line: PATH:LINE, why, and a short escaped
 * prefix of the line (none when it holds a key's hex digits). */
static gboolean bad_line(const Loader *ld, int line, const char *s, size_t len,
                         const char *why, GError **error)
{
    size_t run = 0, longest = 0;
    for (size_t i = 0; i < len; i++) {
        run = is_hex(s[i]) ? run + 1 : 0;
        longest = run > longest ? run : longest;
    }
    char *q = longest >= 32 ? g_strdup("(not quoted: it holds a key's hex digits)")
                            : quote(s, len, LINE_QUOTE_MAX);
    g_set_error(error, P2P_ERROR, P2P_EXIT_USAGE, "%s:%d: %s: %s", ld->m->path, line,
                why, q);
    g_free(q);
    return FALSE;
}

/* What one line is, as GLib reads it: blank or comment, "[group]" (out
 * group), "key = value" (out key, with its group), or else an error. */
static gboolean scan_line(Loader *ld, int line, const char *s, size_t len,
                          char **group, GError **error)
{
    if (len > 0 && s[len - 1] == '\r')
        len--;
    P2pTextError te = p2p_text_check(s, len, NULL);
    if (te == P2P_TEXT_BAD_UTF8)
        return bad_line(ld, line, s, len, "not UTF-8 (a mapping is UTF-8 text)", error);
    if (te == P2P_TEXT_TOO_LONG)
        return bad_line(ld, line, s, len, "line too long for a mapping", error);
    if (te != P2P_TEXT_OK)
        return bad_line(ld, line, s, len, "control character in a mapping line", error);
    size_t i = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i == len || s[i] == '#')
        return TRUE;
    if (s[i] == '[') {
        const char *close = memchr(s + i, ']', len - i);
        size_t j = close ? (size_t)(close - s) + 1 : len;
        while (j < len && (s[j] == ' ' || s[j] == '\t'))
            j++;
        if (!close || j < len || close == s + i + 1 || memchr(s + i + 1, '[', (size_t)(close - s - i - 1)))
            return bad_line(ld, line, s, len, "not a [section] line", error);
        g_free(*group);
        *group = g_strndup(s + i + 1, (gsize)(close - s - i - 1));
        char *k = g_strconcat(*group, "\037", NULL);
        if (!g_hash_table_contains(ld->where, k))
            g_hash_table_insert(ld->where, k, GINT_TO_POINTER(line));
        else
            g_free(k);
        return TRUE;
    }
    const char *eq = memchr(s + i, '=', len - i);
    size_t kend = eq ? (size_t)(eq - s) : i;
    while (kend > i && (s[kend - 1] == ' ' || s[kend - 1] == '\t'))
        kend--;
    if (!eq || kend == i)
        return bad_line(ld, line, s, len, "not a [section], key = value or # comment line",
                        error);
    if (memchr(s + i, '[', kend - i) || memchr(s + i, ']', kend - i))
        return bad_line(ld, line, s, len, "a key may not hold '[' or ']'", error);
    if (!*group)
        return bad_line(ld, line, s, len, "key = value before any [section]", error);
    /* The last line of a key wins, as in GLib. */
    char *key = g_strndup(s + i, kend - i);
    g_hash_table_replace(ld->where, g_strconcat(*group, "\037", key, NULL),
                         GINT_TO_POINTER(line));
    g_free(key);
    return TRUE;
}

static gboolean scan(Loader *ld, GError **error)
{
    char *group = NULL;
    gboolean ok = TRUE;
    int line = 1;
    for (const char *p = ld->text, *end = ld->text + ld->len; ok && p < end; line++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        ok = scan_line(ld, line, p, n, &group, error);
        p += n + 1;
    }
    g_free(group);
    return ok;
}

/* One line of 64 hex digits: the study's key file, given by mistake. */
static gboolean looks_like_key(const char *text, gsize len)
{
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
        len--;
    if (len != 64)
        return FALSE;
    for (gsize i = 0; i < len; i++)
        if (!is_hex(text[i]))
            return FALSE;
    return TRUE;
}

/* Read the file and check that it is a mapping before GLib sees it: GLib's
 * own errors quote the offending line whole (a key file given as --map
 * would be echoed), so every message here is ours. out text: the bytes,
 * NUL-terminated (a NUL inside is refused by scan()). */
static gboolean read_text(Loader *ld, const char *path, char **text, GError **error)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        g_set_error(error, P2P_ERROR, P2P_EXIT_USAGE, "%s: %s", path, g_strerror(errno));
        return FALSE;
    }
    /* At most one byte more than a mapping may hold: a large file given
     * as --map (an export, the database) is not read whole. */
    char *bytes = g_malloc(MAPPING_MAX + 2);
    size_t len = fread(bytes, 1, MAPPING_MAX + 1, fp);
    gboolean ok = !ferror(fp);
    int err = errno;
    fclose(fp);
    bytes[len] = '\0';
    *text = bytes;
    const char *refusal = NULL;
    if (!ok)
        refusal = g_strerror(err);
    else if (len > MAPPING_MAX)
        refusal = "more than 1 MiB, too large for a mapping file (a small INI file)";
    else if (looks_like_key(bytes, len))
        refusal = "this looks like a key file, not a mapping (--map takes the INI "
                  "file that describes an export)";
    else if (len >= 16 && memcmp(bytes, "SQLite format 3", 16) == 0)
        refusal = "this is an SQLite database, not a mapping (--map takes the INI "
                  "file that describes an export)";
    if (refusal) {
        g_set_error(error, P2P_ERROR, P2P_EXIT_USAGE, "%s: %s", path, refusal);
        return FALSE;
    }
    ld->text = bytes;
    ld->len = len;
    return scan(ld, error);
}

/* GLib refused what scan() accepted: find the line (the first whose prefix
 * of the file fails to load) and say so in our words. */
static gboolean glib_refused(const Loader *ld, GError **error)
{
    int line = 1;
    for (const char *p = ld->text, *end = ld->text + ld->len; p < end; line++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl + 1 : end;
        GKeyFile *kf = g_key_file_new();
        gboolean ok = g_key_file_load_from_data(kf, ld->text, (gsize)(stop - ld->text),
                                                G_KEY_FILE_NONE, NULL);
        g_key_file_free(kf);
        if (!ok)
            return bad_line(ld, line, p, (size_t)(stop - p - (nl ? 1 : 0)),
                            "not GLib key-file syntax", error);
        p = stop;
    }
    g_set_error(error, P2P_ERROR, P2P_EXIT_USAGE, "%s: not GLib key-file syntax", ld->m->path);
    return FALSE;
}

/* ---- semantic errors ---------------------------------------------------- */

/* "PATH:LINE: what 'item'" for key in group (item quoted, escaped). */
static gboolean bad(GError **error, const Loader *ld, const char *group,
                    const char *key, const char *what, const char *item)
{
    char *q = quote(item, strlen(item), ITEM_QUOTE_MAX);
    g_set_error(error, P2P_ERROR, P2P_EXIT_USAGE, "%s:%d: %s %s", ld->m->path,
                where(ld, group, key), what, q);
    g_free(q);
    return FALSE;
}

/* ---- [file] ----------------------------------------------------------- */

/* Without a year, month and day strptime would fill in 1900-01-01. */
static gboolean full_date_format(const char *f)
{
    return (strstr(f, "%Y") || strstr(f, "%y"))
           && (strstr(f, "%m") || strstr(f, "%b") || strstr(f, "%B"))
           && (strstr(f, "%d") || strstr(f, "%e"));
}

/* A [file] key other than these would be ignored: a typo ("delimeter")
 * would read the export with the default silently. */
static gboolean check_file_keys(Loader *ld, GKeyFile *kf, GError **error)
{
    char **keys = g_key_file_get_keys(kf, "file", NULL, NULL);
    gboolean ok = TRUE;
    for (int i = 0; ok && keys && keys[i]; i++)
        if (strcmp(keys[i], "delimiter") != 0 && strcmp(keys[i], "encoding") != 0
            && strcmp(keys[i], "date_format") != 0)
            ok = bad(error, ld, "file", keys[i], "unknown key in [file] (expected "
                     "delimiter, encoding or date_format):", keys[i]);
    g_strfreev(keys);
    return ok;
}

static gboolean load_file_section(Loader *ld, GKeyFile *kf, GError **error)
{
    P2pMapping *m = ld->m;
    if (!check_file_keys(ld, kf, error))
        return FALSE;
    char *d = g_key_file_get_value(kf, "file", "delimiter", NULL);
    if (d) {
        g_strstrip(d);
        if (g_ascii_strcasecmp(d, "tab") == 0)
            m->delimiter = '\t';
        else if (strlen(d) == 1 && d[0] != '"' && d[0] != '\n')
            m->delimiter = d[0];
        else {
            bad(error, ld, "file", "delimiter", "delimiter must be one character or 'tab', not", d);
            g_free(d);
            return FALSE;
        }
        g_free(d);
    }
    m->encoding = g_key_file_get_value(kf, "file", "encoding", NULL);
    if (m->encoding) {
        /* Checked here, so a wrong name is a usage error naming the
         * mapping's line, not one error per input file. */
        g_strstrip(m->encoding);
        GIConv cd = g_iconv_open("UTF-8", p2p_csv_encoding(m->encoding));
        if (cd == (GIConv)-1)
            return bad(error, ld, "file", "encoding", "unknown encoding", m->encoding);
        g_iconv_close(cd);
    }
    m->date_format = g_key_file_get_value(kf, "file", "date_format", NULL);
    if (m->date_format)
        g_strstrip(m->date_format);
    if (m->date_format && !full_date_format(m->date_format))
        return bad(error, ld, "file", "date_format",
                   "date_format needs a year, a month and a day, not", m->date_format);
    return TRUE;
}

/* ---- renames -------------------------------------------------------------- */

/* Every way a rename could route the partner's client codes somewhere
 * other than the keyed hash is refused. The header reader (lib/
 * ingest_header.c) reads a cell through the renames, and falls back to
 * the cell's own name, trimmed and case-folded: so a cell named
 * client_code renamed to another column would have its raw codes stored
 * there (or quoted in a rejected row's reason), and a kind's own column
 * renamed to client_code makes the file's real client_code column a
 * second one. */
static gboolean check_rename_codes(const Loader *ld, const P2pKind *k,
                                   const char *key, const char *partner_folded,
                                   const char *canon, GError **error)
{
    const char *code = "client_code";
    char *msg = NULL;
    if (strcmp(partner_folded, code) == 0 && strcmp(canon, code) != 0)
        msg = g_strdup_printf("rename moves the client codes into '%s', where they "
                              "would be kept unhashed (only client_code is replaced by "
                              "its keyed hash; [%s] %s):", canon, k->name,
                              p2p_kind_column(k, code) >= 0
                                  ? "can only read it as client_code"
                                  : "has no client_code: leave it out, and the column is ignored");
    else if (strcmp(canon, code) == 0 && strcmp(partner_folded, code) != 0
             && p2p_kind_column(k, partner_folded) >= 0)
        msg = g_strdup_printf("rename reads the canonical column '%s' as client_code, "
                              "so a file's own client_code column would be read twice "
                              "or its codes not at all (only a partner's name for the "
                              "client code may be renamed to client_code):",
                              partner_folded);
    if (!msg)
        return TRUE;
    char *item = g_strdup_printf("%s = %s", key, canon);
    bad(error, ld, k->name, key, msg, item);
    g_free(item);
    g_free(msg);
    return FALSE;
}

static gboolean add_rename(Loader *ld, const P2pKind *k, const char *key,
                           const char *value, GError **error)
{
    P2pMapping *m = ld->m;
    const char *partner = key + strlen("rename.");
    char *canon = g_strstrip(g_ascii_strdown(value, -1));
    char *folded = fold(partner, strlen(partner));
    const char *before = g_hash_table_lookup(m->rename[k->id], folded);
    gboolean ok = FALSE;
    if (p2p_kind_column(k, canon) < 0)
        bad(error, ld, k->name, key, "rename to a column that is not canonical:", value);
    else if (!check_rename_codes(ld, k, key, folded, canon, error))
        ;
    else if (before && strcmp(before, canon) != 0) {
        char *what = g_strdup_printf("column renamed twice (to '%s' and to '%s'):",
                                     before, canon);
        bad(error, ld, k->name, key, what, key);
        g_free(what);
    } else
        ok = TRUE;
    if (ok) {
        g_hash_table_replace(m->rename[k->id], folded, canon);
        return TRUE;
    }
    g_free(folded);
    g_free(canon);
    return FALSE;
}

/* ---- recodes ------------------------------------------------------------ */

static void expected_values(GString *why, const char *const *values)
{
    for (int i = 0; values[i]; i++)
        g_string_append_printf(why, "%s%s", i ? ", " : "", values[i]);
}

/* A decimal integer, optional sign, at most 18 digits. */
static gboolean parse_int(const char *s, gint64 *v)
{
    gboolean neg = *s == '-';
    s += *s == '-' || *s == '+';
    size_t n = strlen(s);
    if (n == 0 || n > 18 || strspn(s, "0123456789") != n)
        return FALSE;
    *v = g_ascii_strtoll(s, NULL, 10) * (neg ? -1 : 1);
    return TRUE;
}

/* A date as the mapping's date columns are read: the [file] date_format
 * (or exactly YYYY-MM-DD), a real day, 1990-01-01 to today. */
static gboolean date_ok(const P2pMapping *m, const char *s)
{
    const char *fmt = m->date_format ? m->date_format : "%Y-%m-%d";
    struct tm tm = {0};
    const char *end = strptime(s, fmt, &tm);
    if (!end || *end)
        return FALSE;
    if (!m->date_format && (strlen(s) != 10 || strspn(s, "0123456789-") != 10
                            || s[4] != '-' || s[7] != '-'))
        return FALSE;
    int y = tm.tm_year + 1900, mo = tm.tm_mon + 1, d = tm.tm_mday;
    if (y < 1000 || y > 9999 || !g_date_valid_dmy((GDateDay)d, (GDateMonth)mo, (GDateYear)y))
        return FALSE;
    char iso[16], today[16];
    g_snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, mo, d);
    GDateTime *now = g_date_time_new_now_local();
    char *t = g_date_time_format(now, "%Y-%m-%d");
    g_strlcpy(today, t, sizeof today);
    g_free(t);
    g_date_time_unref(now);
    return strcmp(iso, "1990-01-01") >= 0 && strcmp(iso, today) <= 0;
}

/* Is v (trimmed) a value column col accepts? out canon: the value as the
 * column stores it (g_malloc'd); else out why: what it accepts. An empty
 * v makes the partner's value missing, which a required column refuses. */
static gboolean recode_target(const P2pMapping *m, const P2pColumn *col,
                              const char *v, char **canon, GString *why)
{
    size_t n = strlen(v);
    *canon = NULL;
    if (n == 0) {
        if (col->required)
            return FALSE;   /* why stays empty: the caller says "required" */
        *canon = g_strdup("");
        return TRUE;
    }
    if (p2p_text_check(v, n, NULL) != P2P_TEXT_OK) {
        g_string_append(why, "text: UTF-8, no control characters, at most 65536 bytes");
        return FALSE;
    }
    gint64 x = 0;
    switch (col->type) {
    case P2P_COL_ENUM:
    case P2P_COL_LIST:
        for (int i = 0; col->values[i]; i++)
            if (g_ascii_strcasecmp(col->values[i], v) == 0) {
                *canon = g_strdup(col->values[i]);
                return TRUE;
            }
        g_string_append(why, col->type == P2P_COL_LIST ? "one item of " : "one of ");
        expected_values(why, col->values);
        return FALSE;
    case P2P_COL_COUNTRY: {
        const char *cc = p2p_country_canonical(v, n);
        if (cc) {
            *canon = g_strdup(cc);
            return TRUE;
        }
        g_string_append(why, "one of PT, GR, PL, LT, BE, FR, NL, HU");
        return FALSE;
    }
    case P2P_COL_INT:
        if (parse_int(v, &x) && x >= col->min && (!col->max || x <= col->max)) {
            *canon = g_strdup_printf("%" G_GINT64_FORMAT, x);
            return TRUE;
        }
        if (col->max == G_MAXINT32)
            g_string_append_printf(why, "an integer, %" G_GINT64_FORMAT " or more", col->min);
        else
            g_string_append_printf(why, "an integer from %" G_GINT64_FORMAT " to %"
                                   G_GINT64_FORMAT, col->min, col->max);
        return FALSE;
    case P2P_COL_YEAR:
        if (n == 4 && strspn(v, "0123456789") == 4 && g_ascii_strtoll(v, NULL, 10) >= col->min) {
            *canon = g_strdup(v);
            return TRUE;
        }
        g_string_append_printf(why, "a 4-digit year from %" G_GINT64_FORMAT, col->min);
        return FALSE;
    case P2P_COL_DATE:
        if (date_ok(m, v)) {
            *canon = g_strdup(v);
            return TRUE;
        }
        char *hint = p2p_mapping_date_hint(m->date_format);
        g_string_append_printf(why, "a date from 1990-01-01 to today, written %s", hint);
        g_free(hint);
        return FALSE;
    case P2P_COL_TEXT:
    case P2P_COL_ID:
    case P2P_COL_CLIENT:
        *canon = g_strdup(v);
        return TRUE;
    }
    return FALSE;
}

static gboolean add_recode(Loader *ld, const P2pKind *k, const char *key,
                           const char *value, GError **error)
{
    P2pMapping *m = ld->m;
    const char *rest = key + strlen("recode.");
    const char *dot = strchr(rest, '.');
    char *col = dot ? g_strndup(rest, (gsize)(dot - rest)) : NULL;
    int c = col ? p2p_kind_column(k, col) : -1;
    if (c < 0 || dot[1] == '\0') {
        g_free(col);
        return bad(error, ld, k->name, key,
                   "recode key must be recode.<canonical column>.<value>, not", key);
    }
    /* Checked here, once, rather than rejecting every row it recodes. */
    char *target = g_strstrip(g_strdup(value)), *canon = NULL;
    GString *why = g_string_new(NULL);
    if (!recode_target(m, &k->columns[c], target, &canon, why)) {
        char *what = why->len
            ? g_strdup_printf("recode to a value column '%s' does not allow (it takes "
                              "%s):", col, why->str)
            : g_strdup_printf("recode makes the required column '%s' missing:", col);
        char *item = g_strdup_printf("%s = %s", key, target);
        bad(error, ld, k->name, key, what, item);
        g_free(item);
        g_free(what);
        g_string_free(why, TRUE);
        g_free(target);
        g_free(col);
        return FALSE;
    }
    g_string_free(why, TRUE);
    g_free(target);
    char *partner = fold(dot + 1, strlen(dot + 1));
    g_hash_table_replace(m->recode[k->id], g_strconcat(col, "\037", partner, NULL), canon);
    g_hash_table_replace(m->recode[k->id], g_strconcat(col, "\037", NULL), g_strdup(""));
    g_free(partner);
    g_free(col);
    return TRUE;
}

static gboolean load_kind_section(Loader *ld, GKeyFile *kf, const P2pKind *k,
                                  GError **error)
{
    gsize n = 0;
    char **keys = g_key_file_get_keys(kf, k->name, &n, NULL);
    gboolean ok = TRUE;
    for (gsize i = 0; ok && i < n; i++) {
        char *value = g_key_file_get_value(kf, k->name, keys[i], NULL);
        if (g_str_has_prefix(keys[i], "rename."))
            ok = add_rename(ld, k, keys[i], value, error);
        else if (g_str_has_prefix(keys[i], "recode."))
            ok = add_recode(ld, k, keys[i], value, error);
        else
            ok = bad(error, ld, k->name, keys[i],
                     "unknown key (expected rename.<column> or recode.<column>.<value>):",
                     keys[i]);
        g_free(value);
    }
    g_strfreev(keys);
    return ok;
}

static gboolean check_sections(Loader *ld, GKeyFile *kf, GError **error)
{
    char **groups = g_key_file_get_groups(kf, NULL);
    gboolean ok = TRUE;
    for (int i = 0; ok && groups[i]; i++)
        if (strcmp(groups[i], "file") != 0 && !p2p_kind_find(groups[i]))
            ok = bad(error, ld, groups[i], NULL, "unknown section", groups[i]);
    g_strfreev(groups);
    return ok;
}

P2pMapping *p2p_mapping_load(const char *path, GError **error)
{
    P2pMapping *m = g_new0(P2pMapping, 1);
    m->path = g_strdup(path);
    m->delimiter = ',';
    for (int i = 0; i < P2P_KIND_COUNT; i++) {
        m->rename[i] = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        m->recode[i] = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    }
    Loader ld = {.m = m, .where = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL)};
    char *text = NULL;
    GKeyFile *kf = g_key_file_new();
    gboolean ok = read_text(&ld, path, &text, error);
    if (ok && !g_key_file_load_from_data(kf, text, ld.len, G_KEY_FILE_NONE, NULL))
        ok = glib_refused(&ld, error);
    ok = ok && check_sections(&ld, kf, error) && load_file_section(&ld, kf, error);
    for (int i = 0; ok && i < P2P_KIND_COUNT; i++)
        ok = load_kind_section(&ld, kf, &p2p_kinds()[i], error);
    g_key_file_free(kf);
    g_hash_table_destroy(ld.where);
    g_free(text);
    if (!ok) {
        p2p_mapping_free(m);
        return NULL;
    }
    return m;
}

void p2p_mapping_free(P2pMapping *m)
{
    if (!m)
        return;
    for (int i = 0; i < P2P_KIND_COUNT; i++) {
        g_hash_table_destroy(m->rename[i]);
        g_hash_table_destroy(m->recode[i]);
    }
    g_free(m->path);
    g_free(m->encoding);
    g_free(m->date_format);
    g_free(m);
}

char *p2p_mapping_column(const P2pMapping *m, P2pKindId kind, const char *s,
                         size_t len)
{
    char *f = fold(s, len);
    const char *canon = m ? g_hash_table_lookup(m->rename[kind], f) : NULL;
    if (canon) {
        g_free(f);
        return g_strdup(canon);
    }
    return f;
}

gboolean p2p_mapping_has_recodes(const P2pMapping *m, P2pKindId kind,
                                 const char *col)
{
    if (!m || g_hash_table_size(m->recode[kind]) == 0)
        return FALSE;
    char *k = g_strconcat(col, "\037", NULL);
    gboolean has = g_hash_table_contains(m->recode[kind], k);
    g_free(k);
    return has;
}

const char *p2p_mapping_recode(const P2pMapping *m, P2pKindId kind,
                               const char *col, const char *s, size_t len)
{
    char *f = fold(s, len);
    char *k = g_strconcat(col, "\037", f, NULL);
    const char *v = g_hash_table_lookup(m->recode[kind], k);
    g_free(k);
    g_free(f);
    return v;
}

char *p2p_mapping_date_hint(const char *format)
{
    GString *s = g_string_new(NULL);
    for (const char *p = format ? format : "%Y-%m-%d"; *p; p++) {
        if (*p != '%' || !p[1]) {
            g_string_append_c(s, *p);
            continue;
        }
        p++;
        switch (*p) {
        case 'Y': g_string_append(s, "YYYY"); break;
        case 'y': g_string_append(s, "YY"); break;
        case 'm': g_string_append(s, "MM"); break;
        case 'd': g_string_append(s, "DD"); break;
        case 'e': g_string_append(s, "D"); break;
        default: g_string_append_c(s, '%'); g_string_append_c(s, *p);
        }
    }
    return g_string_free(s, FALSE);
}
