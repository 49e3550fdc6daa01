/* layout.c: text boxes over pangocairo and the flowing A4 document. */
#include "layout.h"

#include <cairo-pdf.h>
#include <stdio.h>
#include <string.h>
#include "p2p.h"

#define A4_W 595.276
#define A4_H 841.890
#define MARGIN_X 56.7
#define MARGIN_TOP 56.7
#define MARGIN_BOTTOM 62.0
#define BODY_SIZE 9.5

RText rtext(double size)
{
    RText s = { size, FALSE, FALSE, FALSE, 0, PANGO_ALIGN_LEFT, GREY_TEXT, 0 };
    return s;
}

void lay_setup(cairo_t *cr)
{
    cairo_font_options_t *fo = cairo_font_options_create();
    /* Unhinted outlines and metrics: the same layout at every resolution and
     * on every machine with the same fonts, so reference images compare. */
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    cairo_set_font_options(cr, fo);
    cairo_font_options_destroy(fo);
}

static PangoLayout *lay_new(cairo_t *cr, const char *text, const RText *s)
{
    PangoLayout *l = pango_cairo_create_layout(cr);
    PangoFontDescription *fd = pango_font_description_from_string(FONT_FAMILY);
    pango_font_description_set_absolute_size(fd, s->size * PANGO_SCALE);
    if (s->bold)
        pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
    if (s->italic)
        pango_font_description_set_style(fd, PANGO_STYLE_ITALIC);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    if (s->width > 0) {
        pango_layout_set_width(l, (int)(s->width * PANGO_SCALE));
        pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
        pango_layout_set_alignment(l, s->align);
        if (s->lines > 0) {
            /* A negative height counts lines: wrap up to that many, then
             * ellipsize the last (pango_layout_set_height). */
            pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
            pango_layout_set_height(l, -s->lines);
        }
    }
    if (s->markup)
        pango_layout_set_markup(l, text, -1);
    else
        pango_layout_set_text(l, text, -1);
    return l;
}

void lay_size(cairo_t *cr, const char *text, const RText *style, double *w,
              double *h)
{
    PangoLayout *l = lay_new(cr, text, style);
    int pw, ph;
    pango_layout_get_size(l, &pw, &ph);
    if (w)
        *w = (double)pw / PANGO_SCALE;
    if (h)
        *h = (double)ph / PANGO_SCALE;
    g_object_unref(l);
}

double lay_draw(cairo_t *cr, double x, double y, const char *text,
                const RText *s)
{
    PangoLayout *l = lay_new(cr, text, s);
    int pw, ph;
    pango_layout_get_size(l, &pw, &ph);
    double w = (double)pw / PANGO_SCALE;
    if (s->width <= 0) {
        if (s->align == PANGO_ALIGN_RIGHT)
            x -= w;
        else if (s->align == PANGO_ALIGN_CENTER)
            x -= w / 2;
    }
    cairo_save(cr);
    cairo_set_source_rgb(cr, s->color.r, s->color.g, s->color.b);
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, l);
    cairo_restore(cr);
    g_object_unref(l);
    return (double)ph / PANGO_SCALE;
}

void lay_draw_vertical(cairo_t *cr, double x, double y, const char *text,
                       const RText *s)
{
    double w, h;
    lay_size(cr, text, s, &w, &h);
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_rotate(cr, -G_PI / 2);
    RText t = *s;
    t.width = 0;
    t.align = PANGO_ALIGN_LEFT;
    lay_draw(cr, -w / 2, -h / 2, text, &t);
    cairo_restore(cr);
}

char *lay_escape(const char *text)
{
    return g_markup_escape_text(text, -1);
}

/* ---- the document ----------------------------------------------------- */

struct Doc {
    cairo_surface_t *surface;  /* PDF surface, owned */
    cairo_t *cr;               /* owned */
    int page;                  /* current page, from 1 */
    int total;                 /* pages in all, 0 = unknown (first pass) */
    double y;                  /* cursor from the page top */
    gboolean page_dirty;       /* something was drawn on the current page */
    char *footer;              /* left footer text, owned */
    int outline_parent;        /* outline id of the current section */
};

static cairo_status_t discard(void *closure, const unsigned char *data,
                              unsigned int length)
{
    return CAIRO_STATUS_SUCCESS;
}

cairo_status_t lay_write_output(void *out, const unsigned char *data,
                                unsigned int length)
{
    return p2p_output_write(out, data, length) ? CAIRO_STATUS_SUCCESS
                                               : CAIRO_STATUS_WRITE_ERROR;
}

gboolean lay_output_finish(P2pOutput *out, cairo_status_t st, GError **error)
{
    /* A write error without an errno is not the output's: report cairo's. */
    if (st == CAIRO_STATUS_SUCCESS
        || (st == CAIRO_STATUS_WRITE_ERROR && p2p_output_errno(out)))
        return p2p_output_commit(out, error);
    g_set_error(error, P2P_ERROR, P2P_EXIT_DB, "%s: %s (rendering)",
                p2p_output_name(out), cairo_status_to_string(st));
    p2p_output_abort(out);
    return FALSE;
}

Doc *doc_new(P2pOutput *out, int total_pages)
{
    Doc *d = g_new0(Doc, 1);
    d->surface = out ? cairo_pdf_surface_create_for_stream(lay_write_output,
                                                           out, A4_W, A4_H)
                     : cairo_pdf_surface_create_for_stream(discard, NULL,
                                                           A4_W, A4_H);
    d->cr = cairo_create(d->surface);
    lay_setup(d->cr);
    d->page = 1;
    d->total = total_pages;
    d->y = MARGIN_TOP;
    d->footer = g_strdup("");
    return d;
}

cairo_surface_t *doc_surface(Doc *d) { return d->surface; }
cairo_t *doc_cairo(Doc *d) { return d->cr; }
double doc_content_width(const Doc *d) { return A4_W - 2 * MARGIN_X; }
double doc_space_left(const Doc *d) { return A4_H - MARGIN_BOTTOM - d->y; }
int doc_page(const Doc *d) { return d->page; }

void doc_set_footer(Doc *d, const char *text)
{
    g_free(d->footer);
    d->footer = g_strdup(text);
}

static void draw_footer(Doc *d)
{
    cairo_t *cr = d->cr;
    double y = A4_H - MARGIN_BOTTOM + 22;
    cairo_save(cr);
    cairo_set_source_rgb(cr, GREY_GRID.r, GREY_GRID.g, GREY_GRID.b);
    cairo_set_line_width(cr, 0.5);
    cairo_move_to(cr, MARGIN_X, y - 5);
    cairo_line_to(cr, A4_W - MARGIN_X, y - 5);
    cairo_stroke(cr);
    cairo_restore(cr);
    RText s = rtext(7.5);
    s.color = GREY_AXIS;
    lay_draw(cr, MARGIN_X, y, d->footer, &s);
    char *num = d->total > 0
        ? g_strdup_printf("page %d of %d", d->page, d->total)
        : g_strdup_printf("page %d of 999", d->page);
    s.align = PANGO_ALIGN_RIGHT;
    lay_draw(cr, A4_W - MARGIN_X, y, num, &s);
    g_free(num);
}

void doc_page_break(Doc *d)
{
    draw_footer(d);
    cairo_show_page(d->cr);
    d->page++;
    d->y = MARGIN_TOP;
    d->page_dirty = FALSE;
}

void doc_need(Doc *d, double h)
{
    if (d->page_dirty && doc_space_left(d) < h)
        doc_page_break(d);
}

void doc_skip(Doc *d, double h)
{
    d->y += h;
}

void doc_goto(Doc *d, double y)
{
    d->y = y;
}

cairo_status_t doc_finish(Doc *d, int *out_pages)
{
    draw_footer(d);
    cairo_show_page(d->cr);
    if (out_pages)
        *out_pages = d->page;
    cairo_status_t st = cairo_status(d->cr);
    cairo_destroy(d->cr);
    cairo_surface_finish(d->surface);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(d->surface);
    cairo_surface_destroy(d->surface);
    g_free(d->footer);
    g_free(d);
    return st;
}

void doc_bookmark(Doc *d, int level, const char *text)
{
    char *link = g_strdup_printf("page=%d pos=[%.1f %.1f]", d->page, MARGIN_X,
                                 d->y);
    int id = cairo_pdf_surface_add_outline(
        d->surface, level <= 1 ? CAIRO_PDF_OUTLINE_ROOT : d->outline_parent,
        text, link, 0);
    if (level <= 1)
        d->outline_parent = id;
    g_free(link);
}

void doc_heading(Doc *d, int level, const char *text)
{
    RText s = rtext(level <= 1 ? 15 : 11.5);
    s.bold = TRUE;
    s.color = level <= 1 ? OI_BLUE : GREY_TEXT;
    s.width = doc_content_width(d);
    double h;
    lay_size(d->cr, text, &s, NULL, &h);
    /* Keep a heading with at least a few lines of what follows. */
    doc_need(d, h + 90);
    if (d->page_dirty)
        d->y += level <= 1 ? 10 : 6;
    doc_bookmark(d, level, text);
    d->y += lay_draw(d->cr, MARGIN_X, d->y, text, &s);
    d->y += level <= 1 ? 6 : 3;
    d->page_dirty = TRUE;
}

void doc_text(Doc *d, const char *text, const RText *style)
{
    RText s = *style;
    s.width = doc_content_width(d);
    double h;
    lay_size(d->cr, text, &s, NULL, &h);
    doc_need(d, h);
    d->y += lay_draw(d->cr, MARGIN_X, d->y, text, &s);
    d->page_dirty = TRUE;
}

void doc_para(Doc *d, const char *markup)
{
    RText s = rtext(BODY_SIZE);
    s.markup = TRUE;
    doc_text(d, markup, &s);
    d->y += 5;
}

void doc_figure(Doc *d, double h, DocDrawFn draw, void *data)
{
    RText s = rtext(8);
    s.italic = TRUE;
    s.markup = TRUE;
    s.width = doc_content_width(d);
    s.color = GREY_AXIS;
    /* Room for a caption of up to three lines. */
    doc_need(d, h + 40);
    cairo_save(d->cr);
    cairo_translate(d->cr, MARGIN_X, d->y);
    cairo_rectangle(d->cr, 0, 0, doc_content_width(d), h);
    cairo_clip(d->cr);
    char *caption = draw(d->cr, doc_content_width(d), h, data);
    cairo_restore(d->cr);
    d->y += h + 3;
    if (caption)
        d->y += lay_draw(d->cr, MARGIN_X, d->y, caption, &s);
    g_free(caption);
    d->y += 10;
    d->page_dirty = TRUE;
}

/* ---- tables ------------------------------------------------------------ */

struct RTable {
    int ncols;         /* columns */
    char *align;       /* 'l' or 'r' per column, owned */
    double size;       /* font size */
    GPtrArray *cells;  /* of char * markup, row-major, owned */
};

RTable *rtable_new(int ncols, const char *align)
{
    RTable *t = g_new0(RTable, 1);
    t->ncols = ncols;
    t->align = g_strdup(align);
    t->size = 9;
    t->cells = g_ptr_array_new_with_free_func(g_free);
    return t;
}

void rtable_free(RTable *t)
{
    if (!t)
        return;
    g_free(t->align);
    g_ptr_array_unref(t->cells);
    g_free(t);
}

void rtable_set_size(RTable *t, double size) { t->size = size; }
void rtable_markup(RTable *t, const char *m) { g_ptr_array_add(t->cells, g_strdup(m)); }
void rtable_cell(RTable *t, const char *text)
{
    g_ptr_array_add(t->cells, lay_escape(text ? text : ""));
}
void rtable_markup_take(RTable *t, char *m) { g_ptr_array_add(t->cells, m); }
void rtable_take(RTable *t, char *text)
{
    rtable_cell(t, text);
    g_free(text);
}

static RText cell_style(const RTable *t, int row, int col, double width)
{
    RText s = rtext(t->size);
    s.markup = TRUE;
    s.bold = row == 0;
    s.width = width;
    s.align = t->align[col] == 'r' ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT;
    return s;
}

/* One row at the cursor: zebra stripe, cells, the rule under the header. */
static void table_row(Doc *d, const RTable *t, int row, const double *w,
                      double h, double total)
{
    cairo_t *cr = d->cr;
    double x0 = MARGIN_X, x = x0;
    if (row > 0 && row % 2 == 0) {
        cairo_set_source_rgb(cr, 0.955, 0.955, 0.955);
        cairo_rectangle(cr, x0, d->y, total, h);
        cairo_fill(cr);
    }
    for (int c = 0; c < t->ncols; c++) {
        RText s = cell_style(t, row, c, w[c] - 8);
        lay_draw(cr, x + 4, d->y + 2.5, t->cells->pdata[row * t->ncols + c],
                 &s);
        x += w[c];
    }
    d->y += h;
    if (row == 0) {
        cairo_set_source_rgb(cr, GREY_AXIS.r, GREY_AXIS.g, GREY_AXIS.b);
        cairo_set_line_width(cr, 0.6);
        cairo_move_to(cr, x0, d->y);
        cairo_line_to(cr, x0 + total, d->y);
        cairo_stroke(cr);
    }
    d->page_dirty = TRUE;
}

void doc_table(Doc *d, RTable *t)
{
    int nrows = (int)t->cells->len / t->ncols;
    if (nrows <= 0) {
        rtable_free(t);
        return;
    }
    double pad = 4, full = doc_content_width(d);
    double *w = g_new0(double, t->ncols);
    /* Natural single-line widths; numbers keep theirs, and the text
     * columns share what is left, wrapping when they must. */
    for (int r = 0; r < nrows; r++)
        for (int c = 0; c < t->ncols; c++) {
            RText s = cell_style(t, r, c, 0);
            double cw;
            lay_size(d->cr, t->cells->pdata[r * t->ncols + c], &s, &cw, NULL);
            if (cw + 2 * pad > w[c])
                w[c] = cw + 2 * pad;
        }
    double total = 0, text_total = 0;
    for (int c = 0; c < t->ncols; c++) {
        total += w[c];
        if (t->align[c] != 'r')
            text_total += w[c];
    }
    /* Figures too wide even alone: let every column wrap. */
    gboolean all_wrap = total - text_total > full - 60;
    if (all_wrap)
        text_total = total;
    if (total > full && text_total > 0) {
        /* Water-filling: narrow text columns keep their natural width, the
         * wide ones share what is left equally (and wrap). */
        double room = all_wrap ? full : MAX(full - (total - text_total), 60);
        int left = 0;
        gboolean *fixed = g_new0(gboolean, t->ncols);
        for (int c = 0; c < t->ncols; c++)
            if (t->align[c] != 'r' || all_wrap)
                left++;
        gboolean changed = TRUE;
        while (changed && left > 0) {
            changed = FALSE;
            double share = room / left;
            for (int c = 0; c < t->ncols; c++)
                if ((t->align[c] != 'r' || all_wrap) && !fixed[c]
                    && w[c] <= share) {
                    fixed[c] = TRUE;
                    room -= w[c];
                    left--;
                    changed = TRUE;
                }
        }
        for (int c = 0; c < t->ncols; c++)
            if ((t->align[c] != 'r' || all_wrap) && !fixed[c])
                w[c] = room / left;
        g_free(fixed);
    } else if (total > full) {
        for (int c = 0; c < t->ncols; c++)
            w[c] *= full / total;
    }
    total = 0;
    for (int c = 0; c < t->ncols; c++)
        total += w[c];
    double *rh = g_new0(double, (gsize)nrows);
    for (int r = 0; r < nrows; r++)
        for (int c = 0; c < t->ncols; c++) {
            RText s = cell_style(t, r, c, w[c] - 2 * pad);
            double ch;
            lay_size(d->cr, t->cells->pdata[r * t->ncols + c], &s, NULL, &ch);
            if (ch + 2 * 2.5 > rh[r])
                rh[r] = ch + 2 * 2.5;
        }
    cairo_t *cr = d->cr;
    double x0 = MARGIN_X;
    doc_need(d, rh[0] + (nrows > 1 ? rh[1] : 0) + 4);
    for (int r = 0; r < nrows; r++) {
        if (r > 0 && doc_space_left(d) < rh[r]) {
            doc_page_break(d);
            table_row(d, t, 0, w, rh[0], total);
        }
        table_row(d, t, r, w, rh[r], total);
    }
    cairo_set_source_rgb(cr, GREY_AXIS.r, GREY_AXIS.g, GREY_AXIS.b);
    cairo_set_line_width(cr, 0.6);
    cairo_move_to(cr, x0, d->y);
    cairo_line_to(cr, x0 + total, d->y);
    cairo_stroke(cr);
    d->y += 8;
    g_free(w);
    g_free(rh);
    rtable_free(t);
}
