/* ingest_reader.c: parsing and validation in a thread of their own. */
#include "ingest_reader.h"

#include <string.h>

#define BATCH_ROWS 256
#define BATCHES 6          /* in flight at most: bounds memory */

typedef struct {
    P2pRowItem items[BATCH_ROWS];
    size_t n;              /* items filled */
    gint64 bytes;          /* file bytes read when the batch was sent */
    gboolean end;          /* the last batch: the reader is done */
} Batch;

struct P2pRowReader {
    const P2pIngestContext *ctx;  /* borrowed */
    FILE *fp;                     /* borrowed */
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

/* Items are set up on first use: a small file touches only a few of the
 * pool's, and a pool costs a thousand allocations per item otherwise. */
static void item_init(P2pRowItem *it)
{
    p2p_row_init(&it->row);
    p2p_reasons_init(&it->why);
    it->buf = g_string_sized_new(256);
    it->ptrs = g_ptr_array_new();
}

static void item_clear(P2pRowItem *it)
{
    if (!it->buf)
        return;   /* never used */
    p2p_row_clear(&it->row);
    p2p_reasons_clear(&it->why);
    g_string_free(it->buf, TRUE);
    g_ptr_array_free(it->ptrs, TRUE);
    g_free(it->offs);
    g_free(it->lens);
}

/* Copy a record into an item, which then holds its own view of it. */
static void item_copy(P2pRowItem *it, const P2pCsvRecord *rec)
{
    if (!it->buf)
        item_init(it);
    if (rec->nfields > it->cap) {
        it->cap = rec->nfields;
        it->offs = g_renew(size_t, it->offs, it->cap);
        it->lens = g_renew(size_t, it->lens, it->cap);
    }
    /* The fields are contiguous (csvsource.h): one copy takes them all. */
    size_t n = rec->nfields, total = 0;
    if (n > 0)
        total = (size_t)(rec->field[n - 1] - rec->field[0]) + rec->len[n - 1];
    g_string_truncate(it->buf, 0);
    if (total > 0)
        g_string_append_len(it->buf, rec->field[0], (gssize)total);
    g_ptr_array_set_size(it->ptrs, (guint)n);
    for (size_t i = 0; i < n; i++) {
        it->offs[i] = (size_t)(rec->field[i] - rec->field[0]);
        it->lens[i] = rec->len[i];
        it->ptrs->pdata[i] = it->buf->str + it->offs[i];
    }
    it->rec = (P2pCsvRecord){.nfields = rec->nfields,
                             .field = (const char *const *)it->ptrs->pdata,
                             .len = it->lens, .line = rec->line};
    p2p_reasons_reset(&it->why);
    it->ok = TRUE;
}

static void send(P2pRowReader *r, gboolean end)
{
    r->fill->bytes = r->bytes;
    r->fill->end = end;
    g_async_queue_push(r->full, r->fill);
    r->fill = end ? NULL : g_async_queue_pop(r->empty);
    if (r->fill)
        r->fill->n = 0;
}

static gboolean on_record(const P2pCsvRecord *rec, void *data)
{
    P2pRowReader *r = data;
    if (g_atomic_int_get(&r->stop))
        return FALSE;
    P2pRowItem *it = &r->fill->items[r->fill->n++];
    item_copy(it, rec);
    if (!r->header_done) {
        r->header_done = TRUE;
        it->ok = p2p_header_map(r->ctx, rec, &r->hm, NULL);
        if (!it->ok)
            return FALSE;   /* the caller reports it; no row can be read */
    } else {
        it->ok = p2p_row_validate(r->ctx, &r->hm, rec, &it->row, &it->why);
    }
    if (r->fill->n == BATCH_ROWS)
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
    r->fill->n = 0;
    r->ok = p2p_csv_read(r->fp, &r->opt, on_record, r, r->sha256, &r->error);
    send(r, TRUE);
    return NULL;
}

P2pRowReader *p2p_row_reader_start(const P2pIngestContext *ctx, FILE *fp,
                                   const P2pCsvOptions *opt)
{
    P2pRowReader *r = g_new0(P2pRowReader, 1);
    r->ctx = ctx;
    r->fp = fp;
    r->opt = *opt;
    r->opt.progress = on_bytes;
    r->full = g_async_queue_new();
    r->empty = g_async_queue_new();
    for (int i = 0; i < BATCHES; i++) {
        r->pool[i] = g_new0(Batch, 1);
        g_async_queue_push(r->empty, r->pool[i]);
    }
    r->thread = g_thread_new("p2p-reader", reader_main, r);
    return r;
}

P2pRowItem *p2p_row_reader_next(P2pRowReader *r, gint64 *bytes)
{
    while (!r->at_end) {
        if (r->take && r->next < r->take->n) {
            *bytes = r->take->bytes;
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
    for (int i = 0; i < BATCHES; i++) {
        for (int j = 0; j < BATCH_ROWS; j++)
            item_clear(&r->pool[i]->items[j]);
        g_free(r->pool[i]);
    }
    g_async_queue_unref(r->full);
    g_async_queue_unref(r->empty);
    p2p_header_map_clear(&r->hm);
    g_free(r);
    return ok;
}
