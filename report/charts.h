/* charts.h: the evidence charts, one draw function per chart, declared in
 * one table; each draws onto any cairo surface (PNG, SVG, PDF or a report
 * page). */
#ifndef P2P_REPORT_CHARTS_H
#define P2P_REPORT_CHARTS_H

#include <cairo.h>
#include "data.h"

/* What a chart draws from and what it tells its caller. */
typedef struct {
    const ReportData *rd;  /* borrowed */
    const char *country;   /* CC or ALL */
    gboolean embedded;     /* inside a report: no source line (the caption
                              carries it) */
    double base;           /* base font size in user units; 0 = from size */
    const char *label;     /* prefix of the title (small multiples), or NULL */
    const char *indicator; /* country_comparison: the indicator (NULL:
                              clients_reached) */
    char *title;           /* out: the message, g_malloc'd */
    char *n_text;          /* out: the n behind the chart, g_malloc'd */
    gboolean message;      /* out: the title states a finding from the data
                              (not a generic title for missing figures) */
} ChartCtx;

/* Draw on cr within (0, 0, w, h). */
typedef void (*ChartDrawFn)(cairo_t *cr, double w, double h, ChartCtx *ctx);

/* One entry of the chart table. */
typedef struct {
    const char *name;  /* as given to --chart */
    const char *what;  /* one line for --chart list */
    ChartDrawFn draw;  /* the draw function */
} ChartDef;

/* The charts, ending with a NULL name. */
extern const ChartDef chart_table[];

/* The entry named name, or NULL. */
const ChartDef *chart_find(const char *name);

/* Release the out-strings of ctx. */
void chart_ctx_clear(ChartCtx *ctx);

/* Render chart def for rd/country into path ("-": stdout), through a
 * temporary file renamed over path once whole (lib/output.h); the format
 * comes from the extension (.png, .svg, .pdf; anything else is PNG). FALSE
 * and error (P2P_EXIT_DB, "PATH: strerror (what)") when the file cannot be
 * written; path is then left as it was. */
gboolean chart_render_file(const ChartDef *def, const ReportData *rd,
                           const char *country, int width, int height,
                           const char *path, GError **error);

/* The source line: "Source: Peer2Peer consortium data, analysis run N,
 * generated YYYY-MM-DD". Caller g_frees. */
char *chart_source_line(const ReportData *rd);

#endif
