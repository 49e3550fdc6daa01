/* layout.h: typesetting over pangocairo — text boxes for charts and pages,
 * and a flowing A4 document (headings with PDF bookmarks, wrapped
 * paragraphs, tables with right-aligned figures, figures with captions,
 * running "page N of M" footers). */
#ifndef P2P_REPORT_LAYOUT_H
#define P2P_REPORT_LAYOUT_H

#include <cairo.h>
#include <pango/pangocairo.h>
#include "output.h"
#include "palette.h"

/* Font families, first with full coverage of the partners' scripts. */
#define FONT_FAMILY "Noto Sans,DejaVu Sans"

/* How a text box is set. */
typedef struct {
    double size;            /* font size in user units (points on a page) */
    gboolean bold;          /* bold weight */
    gboolean italic;        /* italic style */
    gboolean markup;        /* text is Pango markup, not plain text */
    double width;           /* wrap width; <= 0: one line, no wrapping */
    PangoAlignment align;   /* within width (or around x when width <= 0:
                               LEFT starts at x, RIGHT ends at x, CENTER
                               centres on x) */
    RColor color;           /* text colour */
    int lines;              /* with width > 0: at most this many lines, the
                               last one cut with an ellipsis ("…"), so free
                               text (site names, codes) keeps to its slot;
                               0 = as many as it takes */
} RText;

/* A default style of the given size. */
RText rtext(double size);

/* Set cr's font options for reproducible output (no hinting) once per
 * surface. */
void lay_setup(cairo_t *cr);

/* Draw text with its top at y. Returns the height used. */
double lay_draw(cairo_t *cr, double x, double y, const char *text,
                const RText *style);
/* Draw text rotated 90° anticlockwise, centred on (x, y). */
void lay_draw_vertical(cairo_t *cr, double x, double y, const char *text,
                       const RText *style);
/* Measure text. out w, h (either may be NULL). */
void lay_size(cairo_t *cr, const char *text, const RText *style, double *w,
              double *h);

/* ---- output ------------------------------------------------------------ */

/* A cairo_write_func_t writing to the P2pOutput given as closure. */
cairo_status_t lay_write_output(void *out, const unsigned char *data,
                                unsigned int length);
/* After cairo rendered into out with status st: commit out on success, and
 * on a write error too, so that the error names the file and errno; on any
 * other failure abort it (nothing is left behind) and say what cairo said.
 * FALSE and error (P2P_EXIT_DB) on failure. Frees out either way. */
gboolean lay_output_finish(P2pOutput *out, cairo_status_t st, GError **error);

/* Escape text for use inside markup. Caller g_frees. */
char *lay_escape(const char *text);

/* ---- the flowing document -------------------------------------------- */

typedef struct Doc Doc;

/* A table: the first row added is the header. Cells hold Pango markup. */
typedef struct RTable RTable;

/* A new document writing to out (borrowed; the caller commits it after
 * doc_finish), or counting pages only when out is NULL. total_pages is the
 * page count for the footers (0: unknown). A failure is cairo's sticky
 * status, returned by doc_finish. */
Doc *doc_new(P2pOutput *out, int total_pages);
/* Finish the last page and the PDF. out pages (may be NULL): the page
 * count. Returns cairo's status (CAIRO_STATUS_WRITE_ERROR when out could
 * not be written). Frees doc either way. */
cairo_status_t doc_finish(Doc *doc, int *out_pages);

cairo_surface_t *doc_surface(Doc *doc);   /* borrowed */
cairo_t *doc_cairo(Doc *doc);             /* borrowed */
double doc_content_width(const Doc *doc); /* between the margins */
double doc_space_left(const Doc *doc);    /* from the cursor to the bottom */
int doc_page(const Doc *doc);             /* current page, from 1 */

/* Footer text at the left of every page from the next footer drawn on
 * (copied). */
void doc_set_footer(Doc *doc, const char *text);

/* Start a new page (the current one is closed with its footer). */
void doc_page_break(Doc *doc);
/* Break the page when less than h is left. */
void doc_need(Doc *doc, double h);
/* Move the cursor down. */
void doc_skip(Doc *doc, double h);
/* Move the cursor to y (from the page top). */
void doc_goto(Doc *doc, double y);

/* A heading: level 1 (a section, bookmarked at the top level) or 2 (a
 * subsection, bookmarked under its section). Kept with what follows. */
void doc_heading(Doc *doc, int level, const char *text);
/* A bookmark at the cursor without a visible heading. */
void doc_bookmark(Doc *doc, int level, const char *text);
/* A wrapped paragraph in body style (markup). */
void doc_para(Doc *doc, const char *markup);
/* A paragraph in a given style at the content width (style->width is
 * overridden). */
void doc_text(Doc *doc, const char *text, const RText *style);

/* A figure of height h: draw(cr, w, h, data) with the origin at the figure's
 * top left; it returns the caption (markup, g_malloc'd, or NULL), set below
 * the figure. */
typedef char *(*DocDrawFn)(cairo_t *cr, double w, double h, void *data);
void doc_figure(Doc *doc, double h, DocDrawFn draw, void *data);

RTable *rtable_new(int ncols, const char *align);
void rtable_free(RTable *t);
/* Font size of the table (default 9). */
void rtable_set_size(RTable *t, double size);
/* Append a cell (plain text, escaped) / markup / printf plain text. */
void rtable_cell(RTable *t, const char *text);
void rtable_markup(RTable *t, const char *markup);
void rtable_take(RTable *t, char *text);  /* takes a g_malloc'd plain text */
void rtable_markup_take(RTable *t, char *markup); /* takes g_malloc'd markup */
/* Set the table, breaking pages between rows (the header repeats). Frees t. */
void doc_table(Doc *doc, RTable *t);

#endif
