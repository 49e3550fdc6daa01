/* ingest_validate.c: checking and normalising one row's fields against the
 * kind table (contract "Inputs" and "Ingest rules"). */
#define _XOPEN_SOURCE 700  /* strptime */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "ingest_internal.h"
#include <sodium.h>
#include "text.h"

void p2p_reasons_init(P2pReasons *r)
{
    r->items = g_array_new(FALSE, FALSE, sizeof(P2pReason));
    r->text = g_string_new(NULL);
    r->open = 0;
}

void p2p_reasons_clear(P2pReasons *r)
{
    if (r->items)
        g_array_free(r->items, TRUE);
    if (r->text)
        g_string_free(r->text, TRUE);
    memset(r, 0, sizeof *r);
}

void p2p_reasons_reset(P2pReasons *r)
{
    g_array_set_size(r->items, 0);
    g_string_truncate(r->text, 0);
    r->open = 0;
}

void p2p_reasons_add(P2pReasons *r, int col, const char *code)
{
    P2pReason it = {col, code, r->open, r->text->len - r->open};
    g_array_append_val(r->items, it);
    r->open = r->text->len;
}

void p2p_reasons_addf(P2pReasons *r, int col, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_string_append_vprintf(r->text, fmt, ap);
    va_end(ap);
    p2p_reasons_add(r, col, code);
}

gboolean p2p_reasons_about(const P2pReasons *r, int col)
{
    for (guint i = 0; i < r->items->len; i++)
        if (p2p_reason_at(r, i)->col == col)
            return TRUE;
    return FALSE;
}

void p2p_row_init(P2pRow *row)
{
    memset(row, 0, sizeof *row);
    for (int c = 0; c < MAX_COLS; c++)
        row->val[c] = g_string_sized_new(32);
}

void p2p_row_clear(P2pRow *row)
{
    for (int c = 0; c < MAX_COLS; c++)
        if (row->val[c])
            g_string_free(row->val[c], TRUE);
    memset(row, 0, sizeof *row);
}

static void quoted(GString *reason, const char *s, size_t len)
{
    p2p_text_append_quoted(reason, s, len);
}

static void expected_list(GString *reason, const char *const *values)
{
    g_string_append(reason, " (expected ");
    for (int i = 0; values[i]; i++)
        g_string_append_printf(reason, "%s%s", i ? ", " : "", values[i]);
    g_string_append_c(reason, ')');
}

/* Canonical enumerated value matching s case-insensitively, or NULL. */
static const char *match_enum(const char *const *values, const char *s, size_t len)
{
    char first = g_ascii_tolower(len ? s[0] : 0);
    for (int i = 0; values[i]; i++)
        if (values[i][0] == first && strlen(values[i]) == len
            && g_ascii_strncasecmp(values[i], s, len) == 0)
            return values[i];
    return NULL;
}

/* Apply the mapping's recode to a trimmed value; out s, len replaced. */
static void recode(const P2pIngestContext *ctx, const P2pHeaderMap *hm,
                   const P2pColumn *col, const char **s, size_t *len)
{
    if (!p2p_mapping_has_recodes(ctx->map, hm->kind->id, col->name))
        return;
    const char *v = p2p_mapping_recode(ctx->map, hm->kind->id, col->name, *s, *len);
    if (v) {
        *s = v;
        *len = strlen(v);
    }
}

static const char *check_enum(const char *const *values, const char *s, size_t len,
                           GString *out, GString *reason, const char *what)
{
    const char *v = match_enum(values, s, len);
    if (v) {
        g_string_append(out, v);
        return NULL;
    }
    g_string_append_printf(reason, "invalid %s ", what);
    quoted(reason, s, len);
    expected_list(reason, values);
    return "invalid_value";
}

/* A list: items trimmed, recoded and matched like enumerated values, then
 * written once each in the kind table's order, so the same set of items is
 * the same value however a partner ordered it. Empty items are dropped. */
static const char *check_list(const P2pIngestContext *ctx, const P2pHeaderMap *hm,
                           const P2pColumn *col, const char *s, size_t len,
                           GString *out, GString *reason)
{
    guint32 seen = 0;   /* bit k: values[k] is in the list */
    size_t i = 0;
    while (i <= len) {
        const char *semi = memchr(s + i, ';', len - i);
        size_t end = semi ? (size_t)(semi - s) : len;
        size_t st, n = p2p_text_trim(s + i, end - i, &st);
        const char *item = s + i + st;
        recode(ctx, hm, col, &item, &n);
        if (n > 0) {
            const char *v = match_enum(col->values, item, n);
            if (!v) {
                g_string_append(reason, "invalid item ");
                quoted(reason, item, n);
                expected_list(reason, col->values);
                return "invalid_item";
            }
            int k = 0;
            while (col->values[k] != v)
                k++;
            seen |= 1u << k;
        }
        i = end + 1;
    }
    for (int k = 0; col->values[k]; k++)
        if (seen & (1u << k)) {
            if (out->len)
                g_string_append_c(out, ';');
            g_string_append(out, col->values[k]);
        }
    return NULL;
}

/* A decimal integer with an optional sign, nothing else, at most 18
 * digits (so no overflow). Hand-written because strtoll's locale and
 * errno handling cost more than the rest of the row's checks. */
static gboolean parse_int(const char *s, size_t len, gint64 *v)
{
    size_t i = 0;
    gboolean neg = FALSE;
    if (len > 0 && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        i = 1;
    }
    if (i == len || len - i > 18)
        return FALSE;
    gint64 x = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return FALSE;
        x = x * 10 + (s[i] - '0');
    }
    *v = neg ? -x : x;
    return TRUE;
}

static void append_int(GString *out, gint64 v)
{
    char buf[24], *p = buf + sizeof buf;
    guint64 u = v < 0 ? (guint64)0 - (guint64)v : (guint64)v;
    do
        *--p = (char)('0' + u % 10);
    while ((u /= 10) > 0);
    if (v < 0)
        *--p = '-';
    g_string_append_len(out, p, (gssize)(buf + sizeof buf - p));
}

static const char *check_int(const P2pColumn *col, const char *s, size_t len,
                          GString *out, GString *reason)
{
    gint64 v;
    if (!parse_int(s, len, &v)) {
        g_string_append(reason, "invalid integer ");
        quoted(reason, s, len);
        return "invalid_integer";
    }
    if (v < col->min || (col->max && v > col->max)) {
        g_string_append_printf(reason, "value %" G_GINT64_FORMAT " out of range ", v);
        if (col->max == G_MAXINT32 && v >= col->min)
            g_string_append_printf(reason, "(%" G_GINT64_FORMAT " to %d)", col->min,
                                   G_MAXINT32);
        else if (col->max == G_MAXINT32)
            g_string_append_printf(reason, "(%" G_GINT64_FORMAT " or more)", col->min);
        else
            g_string_append_printf(reason, "(%" G_GINT64_FORMAT " to %" G_GINT64_FORMAT ")",
                                   col->min, col->max);
        return "out_of_range";
    }
    append_int(out, v);
    return NULL;
}

static const char *check_year(const P2pColumn *col, const char *s, size_t len,
                           GString *out, GString *reason)
{
    gboolean digits = len == 4;
    for (size_t i = 0; digits && i < len; i++)
        digits = g_ascii_isdigit(s[i]);
    if (!digits) {
        g_string_append(reason, "invalid year ");
        quoted(reason, s, len);
        g_string_append(reason, " (expected 4 digits)");
        return "invalid_year";
    }
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    if (y < col->min) {
        g_string_append_printf(reason, "year %d before %" G_GINT64_FORMAT, y, col->min);
        return "out_of_range";
    }
    g_string_append_len(out, s, 4);
    return NULL;
}

/* A date in the mapping's format (default YYYY-MM-DD), a real calendar day,
 * from P2P_DATE_MIN to today; out is YYYY-MM-DD. Returns NULL or the
 * reason's code (its wording appended to reason). */
static const char *check_date(const P2pIngestContext *ctx, const char *s, size_t len,
                              GString *out, GString *reason)
{
    const char *fmt = ctx->map && ctx->map->date_format ? ctx->map->date_format
                                                        : "%Y-%m-%d";
    char buf[64];
    struct tm tm = {0};
    gboolean ok = len < sizeof buf;
    if (ok) {
        memcpy(buf, s, len);
        buf[len] = '\0';
        char *end = strptime(buf, fmt, &tm);
        ok = end && *end == '\0';
    }
    /* strptime accepts "2020-2-30" loosely: demand the canonical width and a
     * real day (GDate knows the calendar). The canonical format is in use
     * whenever the mapping (if any) sets no date_format of its own. */
    if (ok && !(ctx->map && ctx->map->date_format)) {
        ok = len == 10 && buf[4] == '-' && buf[7] == '-';
        for (size_t i = 0; ok && i < 10; i++)
            ok = i == 4 || i == 7 || g_ascii_isdigit(buf[i]);
    }
    int y = tm.tm_year + 1900, m = tm.tm_mon + 1, d = tm.tm_mday;
    ok = ok && y >= 1000 && y <= 9999
         && g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y);
    if (!ok) {
        char *hint = p2p_mapping_date_hint(fmt);
        g_string_append(reason, "invalid date ");
        quoted(reason, s, len);
        g_string_append_printf(reason, " (expected %s)", hint);
        g_free(hint);
        return "invalid_date";
    }
    char iso[11] = {(char)('0' + y / 1000), (char)('0' + y / 100 % 10),
                    (char)('0' + y / 10 % 10), (char)('0' + y % 10), '-',
                    (char)('0' + m / 10), (char)('0' + m % 10), '-',
                    (char)('0' + d / 10), (char)('0' + d % 10), 0};
    if (strcmp(iso, ctx->today) > 0) {
        g_string_append_printf(reason, "date %s is after today (%s)", iso, ctx->today);
        return "date_out_of_range";
    }
    /* A year mistyped as 1020 would stretch the trend over 12,000 empty
     * months: the study's data begin long after P2P_DATE_MIN. */
    if (strcmp(iso, P2P_DATE_MIN) < 0) {
        g_string_append_printf(reason, "date %s is before " P2P_DATE_MIN, iso);
        return "date_out_of_range";
    }
    g_string_append(out, iso);
    return NULL;
}

/* Text and ids: taken as written (ids trimmed), stored in NFC. */
static void take_text(const char *s, size_t len, GString *out)
{
    if (p2p_text_is_ascii(s, len)) {
        g_string_append_len(out, s, (gssize)len);
        return;
    }
    char *n = p2p_text_nfc(s, len);
    g_string_append(out, n);
    g_free(n);
}

/* A client code: normalised, then only its keyed hash is kept. A code
 * typed with look-alike letters of another script is kept (it may be the
 * partner's real code) but the row carries a warning. */
static void take_client(const P2pIngestContext *ctx, int c, const char *s,
                        size_t len, P2pRow *row)
{
    char *code = p2p_text_client_code(s, len);
    if (!code) {            /* only white space or invisible characters */
        row->null[c] = TRUE;
        return;
    }
    if (!p2p_text_is_ascii(code, strlen(code))
        && p2p_text_mixed_scripts(code, row->scripts))
        row->warnings |= P2P_ROW_WARN_MIXED_SCRIPTS;
    p2p_key_hash(ctx->key, code, strlen(code), row->client);
    sodium_memzero(code, strlen(code));
    g_free(code);
    g_string_append(row->val[c], row->client);
}

/* Check and normalise one field into row->val[c]. Returns NULL, or the
 * reason's code with its wording appended to reason. */
static const char *check_field(const P2pIngestContext *ctx, const P2pHeaderMap *hm,
                               int c, const char *raw, size_t rawlen, P2pRow *row,
                               GString *reason)
{
    const P2pColumn *col = &hm->kind->columns[c];
    GString *out = row->val[c];
    P2pTextError te = p2p_text_check(raw, rawlen, NULL);
    if (te != P2P_TEXT_OK) {
        g_string_append(reason, p2p_text_error_str(te));
        return te == P2P_TEXT_TOO_LONG ? "too_long"
             : te == P2P_TEXT_CONTROL ? "control_character" : "invalid_utf8";
    }
    size_t st, len = p2p_text_trim(raw, rawlen, &st);
    const char *s = raw + st;
    /* The mapping's recodes apply to every column (a list: to each item),
     * before any check: "NA = " makes a partner's NA a missing value. */
    if (col->type != P2P_COL_LIST) {
        const char *before = s;
        recode(ctx, hm, col, &s, &len);
        if (col->type == P2P_COL_TEXT && s == before) {
            len = rawlen;   /* text is taken as written */
            s = raw;
        }
    }
    if (len == 0) {
        row->null[c] = col->missing == NULL;
        if (col->missing)
            g_string_append(out, col->missing);
        if (col->required) {
            g_string_append(reason, "required value missing");
            return "required";
        }
        return NULL;
    }
    switch (col->type) {
    case P2P_COL_TEXT:
    case P2P_COL_ID:
        take_text(s, len, out);
        return NULL;
    case P2P_COL_CLIENT:
        take_client(ctx, c, s, len, row);
        return NULL;
    case P2P_COL_COUNTRY:
        row->country = p2p_country_canonical(s, len);
        if (!row->country) {
            g_string_append(reason, "invalid country ");
            quoted(reason, s, len);
            g_string_append(reason, " (expected PT, GR, PL, LT, BE, FR, NL, HU)");
            return "invalid_country";
        }
        g_string_append(out, row->country);
        return NULL;
    case P2P_COL_ENUM: return check_enum(col->values, s, len, out, reason, "value");
    case P2P_COL_LIST: {
        const char *bad = check_list(ctx, hm, col, s, len, out, reason);
        row->null[c] = out->len == 0;   /* only separators: missing */
        return bad;
    }
    case P2P_COL_INT: return check_int(col, s, len, out, reason);
    case P2P_COL_YEAR: return check_year(col, s, len, out, reason);
    case P2P_COL_DATE: return check_date(ctx, s, len, out, reason);
    }
    return NULL;
}

/* Rules across fields of an encounter (birth year, age at first use), on
 * the fields that passed their own checks. */
static void check_encounter(const P2pHeaderMap *hm, P2pRow *row, P2pReasons *why)
{
    const P2pKind *k = hm->kind;
    int cd = p2p_kind_column(k, "date"), cb = p2p_kind_column(k, "birth_year");
    int ca = p2p_kind_column(k, "age_first_use");
    if (p2p_reasons_about(why, cd) || p2p_reasons_about(why, cb) || row->null[cb])
        return;
    int year = atoi(row->val[cd]->str), by = atoi(row->val[cb]->str);
    if (by > year) {
        p2p_reasons_addf(why, cb, "birth_after_encounter",
                         "birth year %d is after the encounter year %d", by, year);
        return;
    }
    if (!p2p_reasons_about(why, ca) && !row->null[ca]
        && atoi(row->val[ca]->str) > year - by)
        p2p_reasons_addf(why, ca, "first_use_after_age",
                         "age at first use %s is more than the age at the encounter (%d)",
                         row->val[ca]->str, year - by);
}

gboolean p2p_row_validate(const P2pIngestContext *ctx, const P2pHeaderMap *hm,
                          const P2pCsvRecord *rec, P2pRow *row, P2pReasons *why)
{
    const P2pKind *k = hm->kind;
    for (size_t c = 0; c < k->ncolumns; c++) {
        g_string_truncate(row->val[c], 0);
        row->null[c] = FALSE;
    }
    row->client[0] = '\0';
    row->country = NULL;
    row->warnings = 0;
    p2p_reasons_reset(why);
    /* A quoting slip or a record over its limits (csvsource.h): the fields
     * cannot be trusted, so the row is rejected on that alone. */
    if (rec->damage) {
        int f = rec->damaged_field;
        int col = f >= 0 && (size_t)f < hm->nfile ? hm->to_canon[f] : -1;
        g_string_append(why->text, rec->damage);
        if (col < 0 && f >= 0)
            g_string_append_printf(why->text, " (field %d)", f + 1);
        p2p_reasons_add(why, col, rec->damage_code ? rec->damage_code : "quote_slip");
        return FALSE;
    }
    if (rec->nfields != hm->nfile) {
        p2p_reasons_addf(why, -1, "field_count", "row has %zu field%s, header has %zu",
                         rec->nfields, rec->nfields == 1 ? "" : "s", hm->nfile);
        return FALSE;
    }
    /* Every field, in the file's order, so the problems are reported from
     * left to right, as an editor shows the line. */
    for (size_t i = 0; i < rec->nfields; i++) {
        int c = hm->to_canon[i];
        if (c < 0)
            continue;
        const char *code = check_field(ctx, hm, c, rec->field[i], rec->len[i], row,
                                       why->text);
        if (code)
            p2p_reasons_add(why, c, code);
    }
    for (size_t c = 0; c < k->ncolumns; c++) {
        if (hm->from_file[c] >= 0)
            continue;
        row->null[c] = k->columns[c].missing == NULL;
        if (k->columns[c].missing)
            g_string_append(row->val[c], k->columns[c].missing);
    }
    if (k->id == P2P_KIND_ENCOUNTERS)
        check_encounter(hm, row, why);
    return p2p_reasons_n(why) == 0;
}
