/* export.c: the researchers' export of a result set (csv, json, table). */
#include "export.h"

#include <errno.h>
#include <string.h>

const char *const p2p_export_columns[] = {
    "country", "period", "indicator", "group", "numerator", "denominator",
    "value", "ci_low", "ci_high", "p_value", NULL };

gboolean p2p_format_parse(const char *s, P2pFormat *out)
{
    static const char *const names[] = { "table", "csv", "json" };
    for (int i = 0; i < 3; i++)
        if (s && strcmp(s, names[i]) == 0) {
            *out = (P2pFormat)i;
            return TRUE;
        }
    return FALSE;
}

char *p2p_export_field(const P2pResult *r, int i)
{
    if (r->state[i] != P2P_CELL_SHOWN)
        return g_strdup("");
    return p2p_format_number(r->f[i]);
}

/* RFC 4180: quote a field holding a comma, a quote or a line break. */
static void csv_text(GString *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        g_string_append(out, s);
        return;
    }
    g_string_append_c(out, '"');
    for (; *s; s++) {
        if (*s == '"')
            g_string_append_c(out, '"');
        g_string_append_c(out, *s);
    }
    g_string_append_c(out, '"');
}

static void json_text(GString *out, const char *s)
{
    g_string_append_c(out, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            g_string_append_printf(out, "\\%c", *p);
        else if (*p < 0x20)
            g_string_append_printf(out, "\\u%04x", *p);
        else
            g_string_append_c(out, (char)*p);
    }
    g_string_append_c(out, '"');
}

static const char *text_field(const P2pResult *r, int col)
{
    switch (col) {
    case 0: return r->country;
    case 1: return r->period;
    case 2: return r->indicator;
    default: return r->grp;
    }
}

static void write_csv(GString *o, const P2pResultSet *rs)
{
    for (int c = 0; p2p_export_columns[c]; c++)
        g_string_append_printf(o, "%s%s", c ? "," : "", p2p_export_columns[c]);
    g_string_append_c(o, '\n');
    for (guint i = 0; i < rs->rows->len; i++) {
        const P2pResult *r = rs->rows->pdata[i];
        for (int c = 0; c < 4; c++) {
            if (c)
                g_string_append_c(o, ',');
            csv_text(o, text_field(r, c));
        }
        for (int f = 0; f < P2P_F_COUNT; f++) {
            char *s = p2p_export_field(r, f);
            g_string_append_c(o, ',');
            g_string_append(o, s);
            g_free(s);
        }
        g_string_append_c(o, '\n');
    }
}

static void write_json(GString *o, const P2pResultSet *rs)
{
    g_string_append_c(o, '[');
    for (guint i = 0; i < rs->rows->len; i++) {
        const P2pResult *r = rs->rows->pdata[i];
        g_string_append(o, i ? ",\n  {" : "\n  {");
        for (int c = 0; c < 4; c++) {
            if (c)
                g_string_append(o, ", ");
            json_text(o, p2p_export_columns[c]);
            g_string_append(o, ": ");
            json_text(o, text_field(r, c));
        }
        for (int f = 0; f < P2P_F_COUNT; f++) {
            char *s = p2p_export_field(r, f);
            g_string_append(o, ", ");
            json_text(o, p2p_export_columns[4 + f]);
            g_string_append_printf(o, ": %s", *s ? s : "null");
            g_free(s);
        }
        g_string_append_c(o, '}');
    }
    g_string_append(o, rs->rows->len ? "\n]\n" : "]\n");
}

/* Pad s to width w in characters (UTF-8), right-aligned when right. */
static void pad(GString *o, const char *s, int w, gboolean right)
{
    int n = w - (int)g_utf8_strlen(s, -1);
    if (right)
        for (int i = 0; i < n; i++)
            g_string_append_c(o, ' ');
    g_string_append(o, s);
    if (!right)
        for (int i = 0; i < n; i++)
            g_string_append_c(o, ' ');
}

/* One block per country: a heading, then period .. p_value aligned. */
static void write_table(GString *o, const P2pResultSet *rs)
{
    guint n = rs->rows->len;
    guint start = 0;
    while (start < n) {
        const char *country = ((P2pResult *)rs->rows->pdata[start])->country;
        guint end = start;
        while (end < n
               && strcmp(((P2pResult *)rs->rows->pdata[end])->country, country) == 0)
            end++;
        int w[10];
        for (int c = 1; c < 10; c++)
            w[c] = (int)strlen(p2p_export_columns[c]);
        char **cells = g_new0(char *, (gsize)(end - start) * 10);
        for (guint i = start; i < end; i++) {
            const P2pResult *r = rs->rows->pdata[i];
            char **row = &cells[(gsize)(i - start) * 10];
            for (int c = 1; c < 4; c++)
                row[c] = g_strdup(text_field(r, c));
            for (int f = 0; f < P2P_F_COUNT; f++)
                row[4 + f] = p2p_export_field(r, f);
            for (int c = 1; c < 10; c++)
                w[c] = MAX(w[c], (int)g_utf8_strlen(row[c], -1));
        }
        g_string_append_printf(o, "%s== %s ==\n", start ? "\n" : "", country);
        for (int c = 1; c < 10; c++) {
            pad(o, p2p_export_columns[c], w[c], c >= 4);
            g_string_append(o, c < 9 ? "  " : "\n");
        }
        for (guint i = start; i < end; i++) {
            char **row = &cells[(gsize)(i - start) * 10];
            GString *line = g_string_new(NULL);
            for (int c = 1; c < 10; c++) {
                pad(line, row[c], w[c], c >= 4);
                if (c < 9)
                    g_string_append(line, "  ");
            }
            while (line->len && line->str[line->len - 1] == ' ')
                g_string_truncate(line, line->len - 1);
            g_string_append_printf(o, "%s\n", line->str);
            g_string_free(line, TRUE);
            for (int c = 1; c < 10; c++)
                g_free(row[c]);
        }
        g_free(cells);
        start = end;
    }
}

gboolean p2p_export_write(FILE *out, const P2pResultSet *rs, P2pFormat fmt,
                          GError **error)
{
    GString *o = g_string_sized_new(1 << 16);
    if (fmt == P2P_FORMAT_CSV)
        write_csv(o, rs);
    else if (fmt == P2P_FORMAT_JSON)
        write_json(o, rs);
    else
        write_table(o, rs);
    size_t w = fwrite(o->str, 1, o->len, out);
    gboolean ok = w == o->len && fflush(out) == 0 && !ferror(out);
    if (!ok)
        g_set_error(error, P2P_ERROR, P2P_EXIT_DB, "writing the results: %s",
                    g_strerror(errno ? errno : EIO));
    g_string_free(o, TRUE);
    return ok;
}
