/* csvsource.c: libcsv in strict mode, fed piece by piece (a piece ends at a
 * line break), so every record knows its line, a quoting slip is decided
 * where libcsv stops on it, and no input makes the reader hold more than a
 * few megabytes. */
#include "csvsource.h"

#include <csv.h>
#include <errno.h>
#include <string.h>
#include "sha256.h"

#define CHUNK (256 * 1024)   /* bytes read at a time */
#define PIECE (64 * 1024)    /* most bytes given to one csv_parse call */
#define STRICT (CSV_STRICT | CSV_STRICT_FINI)
/* libcsv's state inside a field (FIELD_BEGUN in libcsv.c). csv.h does not
 * name it, but struct csv_parser is public and libcsv 3.0.3 is the last
 * release. Only in this state can bytes be skipped or the buffer cut: just
 * after a quote in a quoted field (FIELD_MIGHT_HAVE_ENDED) the next byte
 * decides whether the field ended. */
#define LIBCSV_FIELD_BEGUN 2
/* A field past this many bytes is too long whatever follows: libcsv's
 * buffer is cut back to it, and bytes that cannot end the field are
 * skipped without being parsed. */
#define SKIP_AT (P2P_CSV_FIELD_KEEP + 1)

typedef struct {
    struct csv_parser parser;
    /* the record under way */
    GString *buf;           /* its kept field bytes */
    size_t *offs, *lens;    /* start and length of each kept field (g_malloc'd) */
    size_t nf, cap;         /* fields kept; room in offs/lens */
    size_t nseen;           /* fields seen (more than nf past P2P_CSV_MAX_FIELDS) */
    int damaged_field;      /* see P2pCsvRecord */
    const char *damage;     /* NULL or damage_buf */
    const char *damage_code; /* its reason code (static) */
    char damage_buf[160];
    gboolean in_record;     /* a byte of the record has been fed */
    gboolean record_done;   /* libcsv ended the record; not yet delivered */
    long record_line;       /* line the record starts on */
    long field_line;        /* line the field under way starts on */
    gint64 record_bytes;    /* bytes of text the record took so far */
    GString *span;          /* the record's text as read, to read it again */
    gboolean span_full;     /* ... over P2P_CSV_RESYNC_MAX: not kept */
    /* text waiting to be fed before the next new byte */
    GString *replay;        /* the lines after a run-on record, or a BOM's start */
    size_t replay_pos;      /* next byte of replay */
    GString *resync_tail;   /* set by resync(): what replay becomes */
    /* the file */
    long line;              /* line of the next byte (1-based) */
    gboolean after_cr;      /* the last byte was CR: an LF now ends no line */
    gboolean header_seen;   /* the first record was delivered */
    size_t header_fields;   /* ... and had this many fields */
    GPtrArray *ptrs;        /* const char * per field, built at delivery */
    gboolean stopped;       /* the callback asked to stop */
    P2pCsvRecordFn fn;
    void *data;
} Reader;

static int no_space(unsigned char c) { (void)c; return 0; }

static void set_damage(Reader *r, int field, const char *code, const char *msg)
{
    if (r->damage)
        return;   /* the first (leftmost) problem is the one reported */
    r->damaged_field = field;
    r->damage_code = code;
    g_strlcpy(r->damage_buf, msg, sizeof r->damage_buf);
    r->damage = r->damage_buf;
}

/* Keep a field, within the limits of a record. */
static void keep_field(Reader *r, const char *s, size_t len)
{
    if (++r->nseen > P2P_CSV_MAX_FIELDS) {
        set_damage(r, -1, "too_many_fields", "row has more than " G_STRINGIFY(P2P_CSV_MAX_FIELDS) " fields");
        return;
    }
    len = MIN(len, P2P_CSV_FIELD_KEEP);
    if (r->buf->len + len > P2P_CSV_ROW_KEEP) {
        set_damage(r, -1, "too_long", "row longer than 4 MiB");
        len = 0;
    }
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

static void on_field(void *s, size_t len, void *data)
{
    Reader *r = data;
    keep_field(r, s, len);
    /* A piece holds no line break but its last byte: the next field starts
     * on the line being fed. */
    r->field_line = r->line;
}

static void on_record(int term, void *data)
{
    (void)term;
    ((Reader *)data)->record_done = TRUE;
}

/* Forget libcsv's state (the record under way is being dropped). */
static void reset_parser(Reader *r)
{
    csv_set_opts(&r->parser, 0);
    csv_fini(&r->parser, NULL, NULL, NULL);
    r->parser.status = 0;
    csv_set_opts(&r->parser, STRICT);
}

static void clear_record(Reader *r)
{
    g_string_truncate(r->buf, 0);
    g_string_truncate(r->span, 0);
    r->nf = r->nseen = 0;
    r->damage = NULL;
    r->damaged_field = -1;
    r->in_record = r->record_done = r->span_full = FALSE;
    r->record_bytes = 0;
}

static void start_record(Reader *r)
{
    r->in_record = TRUE;
    r->record_line = r->field_line = r->line;
}

static gboolean blank_record(const Reader *r)
{
    if (r->nf != 1 || r->damage)
        return FALSE;
    for (size_t i = 0; i < r->buf->len; i++)
        if (r->buf->str[i] != ' ' && r->buf->str[i] != '\t')
            return FALSE;
    return TRUE;
}

/* Hand the record to the callback (a line of spaces is no record). */
static void deliver(Reader *r)
{
    if (!r->stopped && !blank_record(r)) {
        g_ptr_array_set_size(r->ptrs, 0);
        for (size_t i = 0; i < r->nf; i++)
            g_ptr_array_add(r->ptrs, r->buf->str + r->offs[i]);
        P2pCsvRecord rec = {
            .nfields = r->nf,
            .field = (const char *const *)r->ptrs->pdata,
            .len = r->lens,
            .line = r->record_line,
            .damaged_field = r->damage ? r->damaged_field : -1,
            .damage = r->damage,
            .damage_code = r->damage_code,
        };
        if (!r->header_seen) {
            r->header_seen = TRUE;
            r->header_fields = r->nf;
        }
        if (!r->fn(&rec, r->data))
            r->stopped = TRUE;
    }
    clear_record(r);
}

/* Count the line breaks of t[0..n): LF, CRLF or a lone CR each end a line. */
static void advance_lines(Reader *r, const char *t, size_t n)
{
    const char *p = t, *end = t + n;
    while (p < end) {
        const char *lf = memchr(p, '\n', (size_t)(end - p));
        const char *cr = memchr(p, '\r', (size_t)((lf ? lf : end) - p));
        const char *e = cr ? cr : lf;
        if (!e) {
            r->after_cr = FALSE;
            return;
        }
        if (e > p)
            r->after_cr = FALSE;
        if (*e == '\r')
            r->line++;
        else if (!r->after_cr)
            r->line++;
        r->after_cr = *e == '\r';
        p = e + 1;
    }
}

/* Bytes of t from its start to its first line break (included), at most
 * PIECE. */
static size_t piece_len(const char *t, size_t n)
{
    size_t lim = MIN(n, (size_t)PIECE);
    const char *lf = memchr(t, '\n', lim);
    if (lf)
        lim = (size_t)(lf - t) + 1;
    const char *cr = memchr(t, '\r', lim);
    if (cr)
        lim = (size_t)(cr - t) + 1;
    return lim;
}

/* Bytes at the start of t that cannot change the field under way (libcsv
 * in LIBCSV_FIELD_BEGUN): anything but a quote in a quoted field; anything
 * but a quote, the delimiter or a line break in an unquoted one. */
static size_t skippable(const Reader *r, const char *t, size_t n)
{
    const char stops[] = {'"', (char)r->parser.delim_char, '\n', '\r'};
    size_t e = n;
    for (size_t i = 0; i < (r->parser.quoted ? 1u : G_N_ELEMENTS(stops)); i++) {
        const char *q = memchr(t, stops[i], e);
        if (q)
            e = (size_t)(q - t);
    }
    return e;
}

/* One byte through libcsv without strictness: it is taken as a character. */
static void feed_loose(Reader *r, const char *t)
{
    csv_set_opts(&r->parser, CSV_STRICT_FINI);
    csv_parse(&r->parser, t, 1, on_field, on_record, r);
    csv_set_opts(&r->parser, STRICT);
}

static gboolean only_spaces(const struct csv_parser *p)
{
    for (size_t i = 0; i < p->entry_pos; i++)
        if (p->entry_buf[i] != ' ' && p->entry_buf[i] != '\t')
            return FALSE;
    return p->entry_pos > 0;
}

/* Feed t[0..n) (no line break but maybe the last byte) to libcsv, deciding
 * each place strict mode stops at:
 * - a byte after a closing quote: the field goes on unquoted, as Python's
 *   csv reads it, and the record is damaged; but when the field began on
 *   an earlier line, a quote was probably left open there: stop before the
 *   byte with *run_on set, for resync();
 * - a quote inside an unquoted field is a character (5" screen), and damages
 *   the record when only spaces come before it (a space before an opening
 *   quote).
 * Returns the bytes consumed, or -1 with error (libcsv out of memory). */
static gssize feed_strict(Reader *r, const char *t, size_t n, gboolean *run_on,
                          GError **error)
{
    struct csv_parser *p = &r->parser;
    size_t done = 0;
    while (done < n) {
        done += csv_parse(p, t + done, n - done, on_field, on_record, r);
        if (p->pstate == LIBCSV_FIELD_BEGUN && p->entry_pos > SKIP_AT)
            p->entry_pos = SKIP_AT;   /* too long already: keep no more */
        if (done == n)
            break;
        int status = p->status;
        p->status = 0;
        if (status != CSV_EPARSE) {
            g_set_error(error, P2P_ERROR, P2P_EXIT_FILE, "%ld: %s", r->line,
                        csv_strerror(status));
            return -1;
        }
        if (p->quoted) {
            if (r->field_line < r->line) {
                *run_on = TRUE;
                return (gssize)done;
            }
            set_damage(r, (int)r->nseen, "quote_slip", "text after closing quote");
            p->quoted = 0;      /* the rest of the field is unquoted ... */
            p->entry_pos--;     /* ... and the closing quote is no character */
        } else if (only_spaces(p)) {
            set_damage(r, (int)r->nseen, "quote_slip", "space before opening quote");
        }
        feed_loose(r, t + done);
        done++;
    }
    return (gssize)done;
}

/* A record was read past its first line through a quote probably left open
 * there (why: the reason, naming the line it ran on to). Deliver the first
 * line alone as a damaged record, the open field split at the delimiters
 * so the columns after it stay in place, and set resync_tail to the text
 * after that line, to be read again as new records. */
static gboolean resync(Reader *r, const char *why, GError **error)
{
    if (r->span_full) {
        g_set_error(error, P2P_ERROR, P2P_EXIT_FILE, "%ld: a quoted field runs on "
                    "for more than 1 MiB and then %s; the file cannot be read past it",
                    r->record_line, why);
        return FALSE;
    }
    GString *span = r->span;
    size_t eol = 0;
    while (eol < span->len && span->str[eol] != '\n' && span->str[eol] != '\r')
        eol++;
    if (eol == span->len) {   /* cannot be: the record spans lines */
        reset_parser(r);
        set_damage(r, -1, "quote_slip", why);
        deliver(r);
        return TRUE;
    }
    size_t next = eol + 1 + (span->str[eol] == '\r' && span->str[eol + 1] == '\n');
    r->resync_tail = g_string_new_len(span->str + next, (gssize)(span->len - next));
    char msg[sizeof r->damage_buf];
    g_strlcpy(msg, why, sizeof msg);

    long first = r->record_line;
    r->span = g_string_new(NULL);   /* span is read from while clear_record runs */
    reset_parser(r);
    clear_record(r);
    r->line = first;
    start_record(r);
    gboolean run_on = FALSE;
    for (size_t at = 0; at < eol;) {
        gssize k = feed_strict(r, span->str + at, MIN(eol - at, (size_t)PIECE), &run_on, error);
        if (k < 0) {
            g_string_free(span, TRUE);
            return FALSE;
        }
        at += (size_t)k;
    }
    g_string_free(span, TRUE);
    int open = -1;
    if (r->parser.quoted) {
        /* libcsv holds the open field's text after its quote. */
        open = (int)r->nseen;
        const char *s = (const char *)r->parser.entry_buf;
        size_t n = r->parser.entry_pos;
        char delim = (char)r->parser.delim_char;
        GString *f = g_string_new("\"");
        for (size_t i = 0; i <= n; i++) {
            if (i == n || s[i] == delim) {
                keep_field(r, f->str, f->len);
                g_string_truncate(f, 0);
            } else {
                g_string_append_c(f, s[i]);
            }
        }
        g_string_free(f, TRUE);
        reset_parser(r);
    } else {
        csv_set_opts(&r->parser, 0);
        csv_fini(&r->parser, on_field, on_record, r);
        csv_set_opts(&r->parser, STRICT);
    }
    set_damage(r, open, "quote_slip", msg);
    deliver(r);
    r->line = first + 1;
    r->after_cr = FALSE;
    return TRUE;
}

/* libcsv ended a record whose last line is last: deliver it, unless it
 * ran over line breaks into the wrong number of fields — then a quote was
 * probably left open on its first line. */
static gboolean end_record(Reader *r, long last, GError **error)
{
    r->record_done = FALSE;
    if (r->header_seen && last > r->record_line && r->nseen != r->header_fields) {
        char why[120];
        g_snprintf(why, sizeof why, "quoted field runs on to line %ld and the row "
                   "would have %zu fields, not %zu", last, r->nseen, r->header_fields);
        return resync(r, why, error);
    }
    deliver(r);
    return TRUE;
}

static void span_add(Reader *r, const char *t, size_t n)
{
    if (r->span_full)
        return;
    if (r->span->len + n > P2P_CSV_RESYNC_MAX) {
        r->span_full = TRUE;
        g_string_truncate(r->span, 0);
        return;
    }
    g_string_append_len(r->span, t, (gssize)n);
}

static gboolean check_size(Reader *r, GError **error)
{
    if (!r->in_record)
        return TRUE;
    const char *what = NULL;
    if (!r->header_seen && r->nseen > P2P_CSV_MAX_FIELDS)
        what = "header has more than " G_STRINGIFY(P2P_CSV_MAX_FIELDS) " columns";
    else if (!r->header_seen && r->record_bytes > P2P_CSV_HEADER_MAX)
        what = "header longer than 1 MiB (is this a CSV file?)";
    else if (r->record_bytes > P2P_CSV_ROW_MAX)
        what = "row longer than 1 GiB; the file cannot be read past it";
    if (what)
        g_set_error(error, P2P_ERROR, P2P_EXIT_FILE, "%ld: %s", r->record_line, what);
    return what == NULL;
}

/* Take the next bytes of t[0..n): blank lines, a BOM starting a record,
 * bytes a too-long field skips, or one piece through libcsv. Returns the
 * bytes taken (0: a BOM may start here, wait for more unless eof), or -1
 * with error. */
static gssize step(Reader *r, const char *t, size_t n, gboolean eof, GError **error)
{
    if (!r->in_record) {
        size_t k = 0;
        while (k < n && (t[k] == '\n' || t[k] == '\r'))
            k++;
        if (k > 0) {
            advance_lines(r, t, k);
            return (gssize)k;
        }
        /* A BOM: at the start of the file, or of a file appended to it. */
        if (memcmp(t, "\xEF\xBB\xBF", MIN(n, 3)) == 0 && (n >= 3 || !eof))
            return n >= 3 ? 3 : 0;
        start_record(r);
    }
    struct csv_parser *p = &r->parser;
    gboolean run_on = FALSE;
    size_t k = 0;
    if (p->pstate == LIBCSV_FIELD_BEGUN && p->entry_pos >= SKIP_AT)
        k = skippable(r, t, n);
    if (k == 0) {
        gssize fed = feed_strict(r, t, piece_len(t, n), &run_on, error);
        if (fed < 0)
            return -1;
        k = (size_t)fed;
    }
    advance_lines(r, t, k);
    span_add(r, t, k);
    r->record_bytes += (gint64)k;
    if (!check_size(r, error))
        return -1;
    if (run_on) {
        char why[120];
        g_snprintf(why, sizeof why, "quoted field runs on to line %ld, where text "
                   "follows its closing quote", r->line);
        if (!resync(r, why, error))
            return -1;
    } else if (r->record_done && !end_record(r, r->line - 1, error)) {
        return -1;
    }
    return (gssize)k;
}

/* Keep s[0..n) to be fed before anything newer. */
static void replay_keep(Reader *r, const char *s, size_t n)
{
    g_string_erase(r->replay, 0, (gssize)r->replay_pos);
    r->replay_pos = 0;
    g_string_append_len(r->replay, s, (gssize)n);
}

/* Feed text: what waits in replay first, then s[0..n). eof: nothing follows. */
static gboolean feed(Reader *r, const char *s, size_t n, gboolean eof, GError **error)
{
    while (!r->stopped) {
        gboolean from_replay = r->replay_pos < r->replay->len;
        const char *t = from_replay ? r->replay->str + r->replay_pos : s;
        size_t tn = from_replay ? r->replay->len - r->replay_pos : n;
        if (tn == 0)
            break;
        gssize k = step(r, t, tn, eof && (!from_replay || n == 0), error);
        if (k < 0)
            return FALSE;
        if (r->resync_tail) {
            GString *next = r->resync_tail;
            r->resync_tail = NULL;
            if (from_replay) {
                g_string_append_len(next, t + k, (gssize)(tn - (size_t)k));
            } else {
                s += k;
                n -= (size_t)k;
            }
            g_string_free(r->replay, TRUE);
            r->replay = next;
            r->replay_pos = 0;
            continue;
        }
        if (k == 0) {   /* maybe a BOM: wait for its other bytes */
            if (!from_replay) {
                replay_keep(r, s, n);
                n = 0;
                break;
            }
            if (n == 0)
                break;
            replay_keep(r, s, n);
            n = 0;
            continue;
        }
        if (from_replay) {
            r->replay_pos += (size_t)k;
        } else {
            s += k;
            n -= (size_t)k;
        }
    }
    if (r->replay_pos == r->replay->len) {
        g_string_truncate(r->replay, 0);
        r->replay_pos = 0;
    }
    return TRUE;
}

/* The end of the text: what waits, then the last record if no line break
 * ended it. */
static gboolean finish(Reader *r, GError **error)
{
    for (;;) {
        if (!feed(r, NULL, 0, TRUE, error))
            return FALSE;
        if (r->stopped || !r->in_record)
            return TRUE;
        if (csv_fini(&r->parser, on_field, on_record, r) != 0) {
            g_set_error(error, P2P_ERROR, P2P_EXIT_FILE, "%ld: unterminated quoted field",
                        r->field_line);
            return FALSE;
        }
        if (r->record_done && !end_record(r, r->line, error))
            return FALSE;
        if (!r->resync_tail)
            return TRUE;
        g_string_free(r->replay, TRUE);
        r->replay = r->resync_tail;
        r->replay_pos = 0;
        r->resync_tail = NULL;
    }
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

/* A file read as UTF-8 that is UTF-16 or UTF-32 (a byte-order mark, or
 * ASCII letters with NUL bytes between them) would match no kind, for a
 * reason nobody could guess: say what it is and what to do. */
static gboolean check_not_wide(const unsigned char *b, size_t n, GError **error)
{
    const char *what = NULL, *name = NULL;
    gboolean le16 = n >= 8, be16 = n >= 8, le32 = n >= 8, be32 = n >= 8;
    for (size_t i = 0; i < 8 && i < n; i++) {
        gboolean z = b[i] == 0;
        le16 = le16 && z == (i % 2 == 1);
        be16 = be16 && z == (i % 2 == 0);
        le32 = le32 && z == (i % 4 != 0);
        be32 = be32 && z == (i % 4 != 3);
    }
    if (n >= 4 && memcmp(b, "\xFF\xFE\0\0", 4) == 0)
        what = "UTF-32 (little-endian)", name = "UTF-32";
    else if (n >= 4 && memcmp(b, "\0\0\xFE\xFF", 4) == 0)
        what = "UTF-32 (big-endian)", name = "UTF-32";
    else if (n >= 2 && memcmp(b, "\xFF\xFE", 2) == 0)
        what = "UTF-16 (little-endian)", name = "UTF-16";
    else if (n >= 2 && memcmp(b, "\xFE\xFF", 2) == 0)
        what = "UTF-16 (big-endian)", name = "UTF-16";
    else if (le32 || be32)
        what = "UTF-32 without a byte-order mark", name = le32 ? "UTF-32LE" : "UTF-32BE";
    else if (le16 || be16)
        what = "UTF-16 without a byte-order mark", name = le16 ? "UTF-16LE" : "UTF-16BE";
    if (what)
        g_set_error(error, P2P_ERROR, P2P_EXIT_FILE, "1: this file is %s; add "
                    "'encoding = %s' to the [file] section of a mapping (--map)",
                    what, name);
    return what == NULL;
}

static void reader_init(Reader *r, const P2pCsvOptions *opt, P2pCsvRecordFn fn,
                        void *data)
{
    memset(r, 0, sizeof *r);
    csv_init(&r->parser, STRICT);
    csv_set_delim(&r->parser, (unsigned char)(opt->delimiter ? opt->delimiter : ','));
    csv_set_space_func(&r->parser, no_space);
    csv_set_blk_size(&r->parser, 16384);
    r->buf = g_string_sized_new(1024);
    r->span = g_string_sized_new(1024);
    r->replay = g_string_new(NULL);
    r->ptrs = g_ptr_array_new();
    r->line = 1;
    r->damaged_field = -1;
    r->fn = fn;
    r->data = data;
}

static void reader_clear(Reader *r)
{
    csv_free(&r->parser);
    g_string_free(r->buf, TRUE);
    g_string_free(r->span, TRUE);
    g_string_free(r->replay, TRUE);
    if (r->resync_tail)
        g_string_free(r->resync_tail, TRUE);
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

/* One chunk of raw bytes through conversion into the reader. */
static gboolean take_chunk(Reader *r, GIConv cd, GString *pending, GString *text,
                           const char *raw, size_t n, GError **error)
{
    if (cd == (GIConv)-1)
        return feed(r, raw, n, FALSE, error);
    g_string_append_len(pending, raw, (gssize)n);
    g_string_truncate(text, 0);
    return convert(cd, pending, text, r->line, error)
           && feed(r, text->str, text->len, FALSE, error);
}

gboolean p2p_csv_read(P2pCsvReadFn read_fn, void *src, const P2pCsvOptions *opt,
                      P2pCsvRecordFn fn, void *data, char *sha256_hex,
                      GError **error)
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
    char *raw = g_malloc(CHUNK);
    P2pSha256 *sha = sha256_hex ? p2p_sha256_new() : NULL;
    gboolean ok = TRUE, first = TRUE;
    gint64 total = 0;
    gssize n;
    GError *e = NULL;
    while (ok && !r.stopped && (n = read_fn(src, raw, CHUNK, &e)) > 0) {
        total += n;
        if (sha)
            p2p_sha256_update(sha, raw, (size_t)n);
        if (first && cd == (GIConv)-1)
            ok = check_not_wide((const unsigned char *)raw, (size_t)n, error);
        first = FALSE;
        ok = ok && take_chunk(&r, cd, pending, text, raw, (size_t)n, error);
        if (opt->progress)
            opt->progress(total, data);
    }
    if (e) {
        if (ok && !r.stopped)
            g_set_error(error, P2P_ERROR, P2P_EXIT_FILE, "%ld: %s", r.line, e->message);
        ok = FALSE;
        g_error_free(e);
    }
    if (ok && !r.stopped && pending->len > 0) {
        g_set_error(error, P2P_ERROR, P2P_EXIT_FILE,
                    "%ld: incomplete character at the end of the file", r.line);
        ok = FALSE;
    }
    ok = ok && (r.stopped || finish(&r, error));
    if (sha)
        p2p_sha256_finish(sha, sha256_hex);
    if (cd != (GIConv)-1)
        g_iconv_close(cd);
    g_free(raw);
    g_string_free(pending, TRUE);
    g_string_free(text, TRUE);
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
