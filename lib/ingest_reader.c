/* ingest_reader.c: parsing and validation in a thread of their own. */
#include "ingest_reader.h"

#include <string.h>

#define BATCH_ROWS 256
#define BATCH_BYTES (1 << 20)  /* a batch goes out once its fields hold this much */
#define BATCHES 6              /* in flight at most: bounds memory */
/* A canonical value grown past this is given back when its item is used
 * again, so one long row does not keep its memory in every item. */
#define VAL_KEEP 1024

typedef struct {
    P2pRowItem items[BATCH_ROWS];
    size_t n;              /* items filled */
    GString *bytes;        /* every item's field bytes, one after another */
    GArray *offs, *lens;   /* size_t per field of every item: offset in bytes, length */
    GPtrArray *ptrs;       /* const char * per field, set when the batch is sent */
    gint64 read;           /* file bytes read when the batch was sent */
    gboolean end;          /* the last batch: the reader is done */
} Batch;

struct P2pRowReader {
    const P2pIngestContext *ctx;  /* borrowed */
    P2pCsvReadFn read_fn;         /* and its src (borrowed) */
    void *src;
    P2pCsvOptions opt;
    GThread *thread;
    GAsyncQueue *full;            /* batches for the caller, in order */
    GAsyncQueue *empty;           /* batches back for the reader */
    Batch *pool[BATCHES];         /* every batch, owned */
    Batch *fill;                  /* reader side: the batch being filled */
    Batch *take;                  /* caller side: the batch being read */
    size_t next;                  /* caller side: next item of take */
    gboolean at_end;              /* caller side: the end batch was seen */
    gint stop;                    /* atomic: caller asks the reader to stop */
    gint64 bytes;                 /* reader side: bytes read so far */
    P2pHeaderMap hm;              /* reader side: the header's mapping */
    gboolean header_done;
    gboolean ok;                  /* result of p2p_csv_read */
    char sha256[65];              /* of the bytes the reader consumed */
    GError *error;                /* its error, or the header's */
};

static Batch *batch_new(void)
{
    Batch *b = g_new0(Batch, 1);
    b->bytes = g_string_new(NULL);
    b->offs = g_array_new(FALSE, FALSE, sizeof(size_t));
    b->lens = g_array_new(FALSE, FALSE, sizeof(size_t));
    b->ptrs = g_ptr_array_new();
    return b;
}

/* Items are set up on first use: a small file touches only a few of the
 * pool's, and a pool costs a thousand allocations per item otherwise. */
static void item_clear(P2pRowItem *it)
{
    if (!it->why.items)
        return;   /* never used */
    p2p_row_clear(&it->row);
    p2p_reasons_clear(&it->why);
}

static void batch_free(Batch *b)
{
    for (int j = 0; j < BATCH_ROWS; j++)
        item_clear(&b->items[j]);
    g_string_free(b->bytes, TRUE);
    g_array_free(b->offs, TRUE);
    g_array_free(b->lens, TRUE);
    g_ptr_array_free(b->ptrs, TRUE);
    g_free(b);
}

/* Empty a batch for the reader, giving back what a long row made it grow. */
static void batch_reset(Batch *b)
{
    b->n = 0;
    if (b->bytes->allocated_len > 2 * BATCH_BYTES) {
        g_string_free(b->bytes, TRUE);
        b->bytes = g_string_new(NULL);
    }
    if (b->offs->len > 16384) {
        g_array_free(b->offs, TRUE);
        g_array_free(b->lens, TRUE);
        b->offs = g_array_new(FALSE, FALSE, sizeof(size_t));
        b->lens = g_array_new(FALSE, FALSE, sizeof(size_t));
    }
    g_string_truncate(b->bytes, 0);
    g_array_set_size(b->offs, 0);
    g_array_set_size(b->lens, 0);
}

static P2pRowItem *item_next(Batch *b)
{
    P2pRowItem *it = &b->items[b->n++];
    if (!it->why.items) {
        p2p_row_init(&it->row);
        p2p_reasons_init(&it->why);
    }
    for (int c = 0; c < MAX_COLS; c++)
        if (it->row.val[c]->allocated_len > VAL_KEEP) {
            g_string_free(it->row.val[c], TRUE);
            it->row.val[c] = g_string_new(NULL);
        }
    p2p_reasons_reset(&it->why);
    it->ok = TRUE;
    return it;
}

/* Copy a record into the batch; its view is made when the batch is sent
 * (the batch's arrays may move until then). */
static void item_copy(Batch *b, P2pRowItem *it, const P2pCsvRecord *rec)
{
    it->first = b->offs->len;
    it->rec = (P2pCsvRecord){.nfields = rec->nfields, .line = rec->line,
                             .damaged_field = rec->damaged_field,
                             .damage_code = rec->damage_code};
    it->damage[0] = '\0';
    if (rec->damage)
        g_strlcpy(it->damage, rec->damage, sizeof it->damage);
    /* The fields are contiguous (csvsource.h): one copy takes them all. */
    size_t n = rec->nfields, total = 0, base = b->bytes->len;
    if (n > 0)
        total = (size_t)(rec->field[n - 1] - rec->field[0]) + rec->len[n - 1];
    if (total > 0)
        g_string_append_len(b->bytes, rec->field[0], (gssize)total);
    for (size_t i = 0; i < n; i++) {
        size_t off = base + (size_t)(rec->field[i] - rec->field[0]);
        g_array_append_val(b->offs, off);
        g_array_append_val(b->lens, rec->len[i]);
    }
}

static void send(P2pRowReader *r, gboolean end)
{
    Batch *b = r->fill;
    g_ptr_array_set_size(b->ptrs, b->offs->len);
    for (guint j = 0; j < b->offs->len; j++)
        b->ptrs->pdata[j] = b->bytes->str + g_array_index(b->offs, size_t, j);
    for (size_t i = 0; i < b->n; i++) {
        P2pRowItem *it = &b->items[i];
        it->rec.field = (const char *const *)b->ptrs->pdata + it->first;
        it->rec.len = &g_array_index(b->lens, size_t, it->first);
        it->rec.damage = it->damage[0] ? it->damage : NULL;
    }
    b->read = r->bytes;
    b->end = end;
    g_async_queue_push(r->full, b);
    r->fill = end ? NULL : g_async_queue_pop(r->empty);
    if (r->fill)
        batch_reset(r->fill);
}

static gboolean on_record(const P2pCsvRecord *rec, void *data)
{
    P2pRowReader *r = data;
    if (g_atomic_int_get(&r->stop))
        return FALSE;
    Batch *b = r->fill;
    P2pRowItem *it = item_next(b);
    item_copy(b, it, rec);
    if (!r->header_done) {
        r->header_done = TRUE;
        it->ok = p2p_header_map(r->ctx, rec, &r->hm, NULL);
        if (!it->ok)
            return FALSE;   /* the caller reports it; no row can be read */
    } else {
        it->ok = p2p_row_validate(r->ctx, &r->hm, rec, &it->row, &it->why);
    }
    if (b->n == BATCH_ROWS || b->bytes->len + b->offs->len * 2 * sizeof(size_t) >= BATCH_BYTES)
        send(r, FALSE);
    return TRUE;
}

static void on_bytes(gint64 bytes, void *data)
{
    ((P2pRowReader *)data)->bytes = bytes;
}

static gpointer reader_main(gpointer data)
{
    P2pRowReader *r = data;
    r->fill = g_async_queue_pop(r->empty);
    batch_reset(r->fill);
    r->ok = p2p_csv_read(r->read_fn, r->src, &r->opt, on_record, r, r->sha256, &r->error);
    send(r, TRUE);
    return NULL;
}

P2pRowReader *p2p_row_reader_start(const P2pIngestContext *ctx, P2pCsvReadFn read_fn,
                                   void *src, const P2pCsvOptions *opt)
{
    P2pRowReader *r = g_new0(P2pRowReader, 1);
    r->ctx = ctx;
    r->read_fn = read_fn;
    r->src = src;
    r->opt = *opt;
    r->opt.progress = on_bytes;
    r->full = g_async_queue_new();
    r->empty = g_async_queue_new();
    for (int i = 0; i < BATCHES; i++) {
        r->pool[i] = batch_new();
        g_async_queue_push(r->empty, r->pool[i]);
    }
    r->thread = g_thread_new("p2p-reader", reader_main, r);
    return r;
}

P2pRowItem *p2p_row_reader_next(P2pRowReader *r, gint64 *bytes)
{
    while (!r->at_end) {
        if (r->take && r->next < r->take->n) {
            *bytes = r->take->read;
            return &r->take->items[r->next++];
        }
        if (r->take) {
            r->at_end = r->take->end;
            if (!r->at_end)
                g_async_queue_push(r->empty, r->take);
            r->take = NULL;
            continue;
        }
        r->take = g_async_queue_pop(r->full);
        r->next = 0;
    }
    return NULL;
}

void p2p_row_reader_stop(P2pRowReader *r)
{
    g_atomic_int_set(&r->stop, 1);
}

gboolean p2p_row_reader_finish(P2pRowReader *r, char sha256[65], GError **error)
{
    /* Drain what the reader still sends, so it is never left waiting. */
    while (!r->at_end) {
        if (r->take) {
            r->at_end = r->take->end;
            if (!r->at_end)
                g_async_queue_push(r->empty, r->take);
        }
        r->take = r->at_end ? NULL : g_async_queue_pop(r->full);
    }
    g_thread_join(r->thread);
    gboolean ok = r->ok && !g_atomic_int_get(&r->stop);
    memcpy(sha256, r->sha256, 65);
    if (r->error)
        g_propagate_error(error, r->error);
    for (int i = 0; i < BATCHES; i++)
        batch_free(r->pool[i]);
    g_async_queue_unref(r->full);
    g_async_queue_unref(r->empty);
    p2p_header_map_clear(&r->hm);
    g_free(r);
    return ok;
}
