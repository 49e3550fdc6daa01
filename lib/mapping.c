/* mapping.c: reading a partner export's mapping file (GLib key file). */
#include "mapping.h"

#include <string.h>
#include "text.h"
#include "csvsource.h"

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

/* The line of the mapping file where key appears, for messages. */
static int key_line(const char *text, const char *key)
{
    int line = 1;
    size_t klen = strlen(key);
    for (const char *p = text; *p; line++) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (strncmp(p, key, klen) == 0)
            return line;
        p = strchr(p, '\n');
        if (!p)
            break;
        p++;
    }
    return 0;
}

static gboolean bad(GError **error, const P2pMapping *m, const char *text,
                    const char *key, const char *fmt, const char *what)
{
    g_set_error(error, P2P_ERROR, P2P_EXIT_USAGE, "%s:%d: %s '%s'", m->path,
                key_line(text, key), fmt, what);
    return FALSE;
}

static gboolean load_file_section(P2pMapping *m, GKeyFile *kf, const char *text,
                                  GError **error)
{
    char *d = g_key_file_get_value(kf, "file", "delimiter", NULL);
    if (d) {
        g_strstrip(d);
        if (g_ascii_strcasecmp(d, "tab") == 0)
            m->delimiter = '\t';
        else if (strlen(d) == 1 && d[0] != '"' && d[0] != '\n')
            m->delimiter = d[0];
        else {
            bad(error, m, text, "delimiter", "delimiter must be one character or 'tab', not", d);
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
            return bad(error, m, text, "encoding", "unknown encoding", m->encoding);
        g_iconv_close(cd);
    }
    m->date_format = g_key_file_get_value(kf, "file", "date_format", NULL);
    if (m->date_format)
        g_strstrip(m->date_format);
    /* Without a year, month and day strptime would fill in 1900-01-01. */
    if (m->date_format
        && (!(strstr(m->date_format, "%Y") || strstr(m->date_format, "%y"))
            || !(strstr(m->date_format, "%m") || strstr(m->date_format, "%b")
                 || strstr(m->date_format, "%B"))
            || !(strstr(m->date_format, "%d") || strstr(m->date_format, "%e"))))
        return bad(error, m, text, "date_format",
                   "date_format needs a year, a month and a day, not", m->date_format);
    return TRUE;
}

static gboolean add_rename(P2pMapping *m, const P2pKind *k, const char *text,
                           const char *key, const char *value, GError **error)
{
    const char *partner = key + strlen("rename.");
    char *canon = g_strstrip(g_ascii_strdown(value, -1));
    if (p2p_kind_column(k, canon) < 0) {
        bad(error, m, text, key, "rename to a column that is not canonical:", value);
        g_free(canon);
        return FALSE;
    }
    g_hash_table_replace(m->rename[k->id], fold(partner, strlen(partner)), canon);
    return TRUE;
}

static gboolean add_recode(P2pMapping *m, const P2pKind *k, const char *text,
                           const char *key, const char *value, GError **error)
{
    const char *rest = key + strlen("recode.");
    const char *dot = strchr(rest, '.');
    char *col = dot ? g_strndup(rest, (gsize)(dot - rest)) : NULL;
    if (!col || p2p_kind_column(k, col) < 0 || dot[1] == '\0') {
        g_free(col);
        return bad(error, m, text, key,
                   "recode key must be recode.<canonical column>.<value>, not", key);
    }
    char *partner = fold(dot + 1, strlen(dot + 1));
    char *hkey = g_strconcat(col, "\037", partner, NULL);
    g_hash_table_replace(m->recode[k->id], hkey, g_strstrip(g_strdup(value)));
    g_hash_table_replace(m->recode[k->id], g_strconcat(col, "\037", NULL), g_strdup(""));
    g_free(partner);
    g_free(col);
    return TRUE;
}

static gboolean load_kind_section(P2pMapping *m, GKeyFile *kf, const char *text,
                                  const P2pKind *k, GError **error)
{
    gsize n = 0;
    char **keys = g_key_file_get_keys(kf, k->name, &n, NULL);
    gboolean ok = TRUE;
    for (gsize i = 0; ok && i < n; i++) {
        char *value = g_key_file_get_value(kf, k->name, keys[i], NULL);
        if (g_str_has_prefix(keys[i], "rename."))
            ok = add_rename(m, k, text, keys[i], value, error);
        else if (g_str_has_prefix(keys[i], "recode."))
            ok = add_recode(m, k, text, keys[i], value, error);
        else
            ok = bad(error, m, text, keys[i],
                     "unknown key (expected rename.<column> or recode.<column>.<value>):",
                     keys[i]);
        g_free(value);
    }
    g_strfreev(keys);
    return ok;
}

static gboolean check_sections(P2pMapping *m, GKeyFile *kf, const char *text,
                               GError **error)
{
    char **groups = g_key_file_get_groups(kf, NULL);
    gboolean ok = TRUE;
    for (int i = 0; ok && groups[i]; i++)
        if (strcmp(groups[i], "file") != 0 && !p2p_kind_find(groups[i])) {
            char *hdr = g_strdup_printf("[%s", groups[i]);
            ok = bad(error, m, text, hdr, "unknown section", groups[i]);
            g_free(hdr);
        }
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
    char *text = NULL;
    GError *e = NULL;
    GKeyFile *kf = g_key_file_new();
    gboolean ok = g_file_get_contents(path, &text, NULL, &e)
                  && g_key_file_load_from_data(kf, text, (gsize)-1, G_KEY_FILE_NONE, &e);
    if (!ok) {
        g_set_error(error, P2P_ERROR, P2P_EXIT_USAGE, "%s: %s", path, e->message);
        g_error_free(e);
    }
    ok = ok && check_sections(m, kf, text, error)
         && load_file_section(m, kf, text, error);
    for (int i = 0; ok && i < P2P_KIND_COUNT; i++)
        ok = load_kind_section(m, kf, text, &p2p_kinds()[i], error);
    g_key_file_free(kf);
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
