/* csvsource.c: libcsv driven line by line so every record knows its line. */
#include "csvsource.h"

#include <csv.h>
#include <errno.h>
#include <string.h>
#include "sha256.h"

#define CHUNK (256 * 1024)

typedef struct {
    struct csv_parser parser;
    GString *buf;           /* the current record's field bytes */
    size_t *offs;           /* start of each field in buf (g_malloc'd) */
    size_t *lens;           /* length of each field (g_malloc'd) */
    size_t nf, cap;         /* fields in the record so far; room in offs/lens */
    GPtrArray *ptrs;        /* const char * per field, built at record end */
    long line;              /* line being fed (1-based) */
    long record_line;       /* line the record under way started on */
    gboolean in_record;     /* a field of the next record has been seen */
    gboolean stopped;       /* the callback asked to stop */
    P2pCsvRecordFn fn;
    void *data;
} Reader;

static int no_space(unsigned char c) { (void)c; return 0; }

static void on_field(void *s, size_t len, void *data)
{
    Reader *r = data;
    if (r->nf == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 32;
        r->offs = g_renew(size_t, r->offs, r->cap);
        r->lens = g_renew(size_t, r->lens, r->cap);
    }
    r->offs[r->nf] = r->buf->len;
    r->lens[r->nf++] = len;
    if (len > 0)
        g_string_append_len(r->buf, s, (gssize)len);
}

static gboolean blank_record(Reader *r)
{
    if (r->nf != 1)
        return FALSE;
    const char *s = r->buf->str;
    for (size_t i = 0; i < r->buf->len; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return FALSE;
    return TRUE;
}

static void on_record(int term, void *data)
{
    Reader *r = data;
    (void)term;
    if (!r->stopped && !blank_record(r)) {
        g_ptr_array_set_size(r->ptrs, 0);
        for (size_t i = 0; i < r->nf; i++)
            g_ptr_array_add(r->ptrs, r->buf->str + r->offs[i]);
        P2pCsvRecord rec = {
            .nfields = r->nf,
            .field = (const char *const *)r->ptrs->pdata,
            .len = r->lens,
            .line = r->record_line,
        };
        if (!r->fn(&rec, r->data))
            r->stopped = TRUE;
    }
    g_string_truncate(r->buf, 0);
    r->nf = 0;
    r->in_record = FALSE;
}

/* Feed one physical line (with its newline, if any). A record starts on the
 * first line after the previous one that holds anything but a line break. */
static gboolean feed_line(Reader *r, const char *s, size_t len, GError **error)
{
    if (!r->in_record) {
        size_t k = len;
        while (k > 0 && (s[k - 1] == '\n' || s[k - 1] == '\r'))
            k--;
        if (k > 0) {
            r->record_line = r->line;
            r->in_record = TRUE;
        }
    }
    if (csv_parse(&r->parser, s, len, on_field, on_record, r) != len) {
        g_set_error(error, P2P_ERROR, P2P_EXIT_FILE, "%ld: %s", r->line,
                    csv_strerror(csv_error(&r->parser)));
        return FALSE;
    }
    if (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r'))
        r->line++;
    return TRUE;
}

/* Split converted text into lines; a partial last line waits in carry. */
/* Length of the first whole line of s[0..len), its terminator included:
 * LF, CRLF, or a lone CR (old Mac exports). 0 when s holds no whole line
 * yet (no terminator, or a CR at the very end that an LF may follow). */
static size_t line_length(const char *s, size_t len)
{
    const char *nl = memchr(s, '\n', len);
    const char *cr = memchr(s, '\r', nl ? (size_t)(nl - s) : len);
    if (cr && cr + 1 < s + len && cr[1] != '\n')
        return (size_t)(cr - s) + 1;          /* a lone CR ends the line */
    if (cr && !nl)
        return 0;                             /* CR last: wait for the next byte */
    return nl ? (size_t)(nl - s) + 1 : 0;
}

/* Split converted text into physical lines; a partial last line waits in
 * carry (the caller feeds what is left at the end of the file). */
static gboolean feed_text(Reader *r, GString *carry, const char *s, size_t len,
                          GError **error)
{
    /* A line held back for ending in CR: an LF now makes it CRLF. */
    if (len > 0 && carry->len > 0 && carry->str[carry->len - 1] == '\r') {
        if (s[0] == '\n') {
            g_string_append_c(carry, '\n');
            s++;
            len--;
        }
        gboolean ok = feed_line(r, carry->str, carry->len, error);
        g_string_truncate(carry, 0);
        if (!ok)
            return FALSE;
    }
    while (len > 0 && !r->stopped) {
        size_t n = line_length(s, len);
        if (n == 0) {
            g_string_append_len(carry, s, (gssize)len);
            return TRUE;
        }
        gboolean ok;
        if (carry->len > 0) {
            g_string_append_len(carry, s, (gssize)n);
            ok = feed_line(r, carry->str, carry->len, error);
            g_string_truncate(carry, 0);
        } else {
            ok = feed_line(r, s, n, error);
        }
        if (!ok)
            return FALSE;
        s += n;
        len -= n;
    }
    return TRUE;
}

/* Convert raw bytes with cd, keeping an incomplete sequence for next time. */
static gboolean convert(GIConv cd, GString *pending, GString *out, long line,
                        GError **error)
{
    gchar *in = pending->str;
    gsize in_left = pending->len;
    char buf[65536];
    while (in_left > 0) {
        gchar *o = buf;
        gsize o_left = sizeof buf;
        gsize rc = g_iconv(cd, &in, &in_left, &o, &o_left);
        int err = errno;
        g_string_append_len(out, buf, (gssize)(sizeof buf - o_left));
        if (rc == (gsize)-1) {
            if (err == EINVAL)
                break;      /* incomplete sequence at the end: wait */
            if (err == E2BIG)
                continue;
            /* line is where this chunk starts: add the lines converted
             * before the bad byte, so the message names its own line. */
            for (gsize i = 0; i < out->len; i++)
                line += out->str[i] == '\n';
            g_set_error(error, P2P_ERROR, P2P_EXIT_FILE,
                        "%ld: byte 0x%02X cannot be read in the file's encoding",
                        line, (unsigned char)*in);
            return FALSE;
        }
    }
    g_string_erase(pending, 0, (gssize)(in - pending->str));
    return TRUE;
}

static void reader_init(Reader *r, const P2pCsvOptions *opt, P2pCsvRecordFn fn,
                        void *data)
{
    memset(r, 0, sizeof *r);
    csv_init(&r->parser, CSV_STRICT_FINI);
    csv_set_delim(&r->parser, (unsigned char)(opt->delimiter ? opt->delimiter : ','));
    csv_set_space_func(&r->parser, no_space);
    r->buf = g_string_sized_new(1024);
    r->ptrs = g_ptr_array_new();
    r->line = 1;
    r->fn = fn;
    r->data = data;
}

static void reader_clear(Reader *r)
{
    csv_free(&r->parser);
    g_string_free(r->buf, TRUE);
    g_free(r->offs);
    g_free(r->lens);
    g_ptr_array_free(r->ptrs, TRUE);
}

const char *p2p_csv_encoding(const char *name)
{
    static const char *const latin1[] = {"latin1", "latin-1", "iso-8859-1",
                                         "iso8859-1", "iso_8859-1", "l1", NULL};
    for (int i = 0; name && latin1[i]; i++)
        if (g_ascii_strcasecmp(name, latin1[i]) == 0)
            return "WINDOWS-1252";
    return name;
}

static gboolean is_utf8(const char *enc)
{
    return !enc || !*enc || g_ascii_strcasecmp(enc, "UTF-8") == 0
           || g_ascii_strcasecmp(enc, "UTF8") == 0;
}

/* One chunk of raw bytes through conversion and line splitting. */
static gboolean take_chunk(Reader *r, GIConv cd, GString *pending, GString *text,
                           GString *carry, const char *raw, size_t n,
                           gboolean *first, GError **error)
{
    const char *s = raw;
    if (cd != (GIConv)-1) {
        g_string_append_len(pending, raw, (gssize)n);
        g_string_truncate(text, 0);
        if (!convert(cd, pending, text, r->line, error))
            return FALSE;
        s = text->str;
        n = text->len;
    }
    if (*first && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        s += 3;  /* a BOM, after conversion too */
        n -= 3;
    }
    if (n > 0)
        *first = FALSE;
    return feed_text(r, carry, s, n, error);
}

gboolean p2p_csv_read(FILE *fp, const P2pCsvOptions *opt, P2pCsvRecordFn fn,
                      void *data, char *sha256_hex, GError **error)
{
    Reader r;
    reader_init(&r, opt, fn, data);
    GIConv cd = (GIConv)-1;
    if (!is_utf8(opt->encoding)) {
        cd = g_iconv_open("UTF-8", p2p_csv_encoding(opt->encoding));
        if (cd == (GIConv)-1) {
            g_set_error(error, P2P_ERROR, P2P_EXIT_USAGE,
                        "unknown encoding '%s'", opt->encoding);
            reader_clear(&r);
            return FALSE;
        }
    }
    GString *pending = g_string_new(NULL), *text = g_string_new(NULL);
    GString *carry = g_string_new(NULL);
    char *raw = g_malloc(CHUNK);
    P2pSha256 *sha = sha256_hex ? p2p_sha256_new() : NULL;
    gboolean ok = TRUE, first = TRUE;
    gint64 total = 0;
    size_t n;
    while (ok && !r.stopped && (n = fread(raw, 1, CHUNK, fp)) > 0) {
        total += (gint64)n;
        if (sha)
            p2p_sha256_update(sha, raw, n);
        ok = take_chunk(&r, cd, pending, text, carry, raw, n, &first, error);
        if (opt->progress)
            opt->progress(total, data);
    }
    if (ok && !r.stopped && ferror(fp)) {
        g_set_error(error, P2P_ERROR, P2P_EXIT_FILE, "%ld: read error: %s",
                    r.line, g_strerror(errno));
        ok = FALSE;
    }
    if (ok && !r.stopped && pending->len > 0) {
        g_set_error(error, P2P_ERROR, P2P_EXIT_FILE,
                    "%ld: incomplete character at the end of the file", r.line);
        ok = FALSE;
    }
    if (ok && !r.stopped && carry->len > 0)
        ok = feed_line(&r, carry->str, carry->len, error);
    /* libcsv reports an unclosed quote at csv_fini only in strict mode
     * (CSV_STRICT and CSV_STRICT_FINI together); without it the rest of the
     * file silently became one field. Turn strictness on for the final call
     * only, so a stray quote inside an unquoted field stays a character. */
    if (ok && !r.stopped)
        csv_set_opts(&r.parser, CSV_STRICT | CSV_STRICT_FINI);
    if (ok && !r.stopped
        && csv_fini(&r.parser, on_field, on_record, &r) != 0) {
        g_set_error(error, P2P_ERROR, P2P_EXIT_FILE,
                    "%ld: unterminated quoted field", r.record_line);
        ok = FALSE;
    }
    if (sha)
        p2p_sha256_finish(sha, sha256_hex);
    if (cd != (GIConv)-1)
        g_iconv_close(cd);
    g_free(raw);
    g_string_free(pending, TRUE);
    g_string_free(text, TRUE);
    g_string_free(carry, TRUE);
    reader_clear(&r);
    return ok && !r.stopped;
}

void p2p_csv_append_field(GString *out, const char *s, size_t len)
{
    gboolean quote = FALSE;
    for (size_t i = 0; i < len && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote) {
        g_string_append_len(out, s, (gssize)len);
        return;
    }
    g_string_append_c(out, '"');
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            g_string_append_c(out, '"');
        g_string_append_c(out, s[i]);
    }
    g_string_append_c(out, '"');
}
