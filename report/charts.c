/* charts.c: the evidence charts — a frame (title, subtitle, n, source), a
 * few plot primitives (axes, bars with patterns, intervals) and one draw
 * function per chart. */
#include "charts.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <math.h>
#include <string.h>
#include "indicators.h"
#include "layout.h"
#include "palette.h"

static const char *const worker_groups[3] = {
    "worker_type=peer", "worker_type=professional", "worker_type=mixed"
};
static const char *const worker_labels[3] = {
    "Peer educators", "Professionals", "Mixed teams"
};

/* Result rows, largest value first (empty last), then by group. */
static int cmp_most_frequent(gconstpointer a, gconstpointer b)
{
    const P2pResult *x = *(const P2pResult *const *)a, *y = *(const P2pResult *const *)b;
    double vx = isnan(x->f[P2P_F_VALUE]) ? -1 : x->f[P2P_F_VALUE];
    double vy = isnan(y->f[P2P_F_VALUE]) ? -1 : y->f[P2P_F_VALUE];
    return vx != vy ? (vx < vy ? 1 : -1) : strcmp(x->grp, y->grp);
}

/* A rectangle in user units. */
typedef struct {
    double x, y, w, h; /* top left corner and size */
} Box;

void chart_ctx_clear(ChartCtx *c)
{
    g_free(c->title);
    g_free(c->n_text);
    c->title = c->n_text = NULL;
}

char *chart_source_line(const ReportData *rd)
{
    return g_strdup_printf("Source: Peer2Peer consortium data, analysis run %"
                           G_GINT64_FORMAT ", generated %s", rd->run_id,
                           rd->generated);
}

static const char *place(const ChartCtx *c)
{
    return strcmp(c->country, "ALL") == 0 ? "all partner countries"
                                          : rd_country_en(c->country);
}

/* ---- the frame ---------------------------------------------------------- */

static void set_rgb(cairo_t *cr, RColor c)
{
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

/* Background, title, subtitle, n and source; returns the plot box. The
 * title and n go to ctx for the report's caption. */
static Box frame(cairo_t *cr, double w, double h, ChartCtx *c,
                 const char *title, const char *subtitle, const char *n_text)
{
    double s = c->base;
    g_free(c->title);
    g_free(c->n_text);
    c->title = c->label ? g_strdup_printf("%s: %s", c->label, title)
                        : g_strdup(title);
    c->n_text = g_strdup(n_text);
    title = c->title;
    cairo_save(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, 0, 0, w, h);
    cairo_fill(cr);
    cairo_restore(cr);
    double pad = c->embedded ? 2 : s * 1.2;
    double y = pad;
    RText t = rtext(s * 1.35);
    t.bold = TRUE;
    t.width = w - 2 * pad;
    t.lines = 3;  /* a title quoting free text (a theme, two codes) */
    y += lay_draw(cr, pad, y, title, &t);
    RText st = rtext(s * 0.95);
    st.color = GREY_AXIS;
    st.width = w - 2 * pad;
    st.lines = 2;
    y += lay_draw(cr, pad, y + s * 0.15, subtitle, &st) + s * 0.8;
    double bottom = h - pad;
    RText ft = rtext(s * 0.8);
    ft.color = GREY_AXIS;
    if (!c->embedded) {
        char *src = chart_source_line(c->rd);
        double fh;
        lay_size(cr, src, &ft, NULL, &fh);
        bottom -= fh;
        lay_draw(cr, pad, bottom, src, &ft);
        g_free(src);
        ft.align = PANGO_ALIGN_RIGHT;
        lay_draw(cr, w - pad, bottom, n_text, &ft);
        bottom -= s * 0.6;
    }
    Box b = { pad, y, w - 2 * pad, bottom - y };
    return b;
}

static void no_data(cairo_t *cr, Box b, ChartCtx *c, const char *why)
{
    RText t = rtext(c->base);
    t.color = GREY_AXIS;
    t.align = PANGO_ALIGN_CENTER;
    lay_draw(cr, b.x + b.w / 2, b.y + b.h / 2 - c->base, why, &t);
}

/* ---- primitives --------------------------------------------------------- */

static RColor lighten(RColor c, double f)
{
    RColor r = { c.r + (1 - c.r) * f, c.g + (1 - c.g) * f, c.b + (1 - c.b) * f };
    return r;
}

static RColor darken(RColor c, double f)
{
    RColor r = { c.r * (1 - f), c.g * (1 - f), c.b * (1 - f) };
    return r;
}

/* A bar (or legend swatch) in a series style: colour plus a pattern that
 * still tells it apart in greyscale. */
static void fill_box(cairo_t *cr, double x, double y, double w, double h,
                     RStyle st, double unit)
{
    if (w <= 0 || h <= 0)
        return;
    cairo_save(cr);
    cairo_rectangle(cr, x, y, w, h);
    switch (st.fill) {
    case FILL_SOLID:
        set_rgb(cr, st.color);
        cairo_fill_preserve(cr);
        break;
    case FILL_HATCH:
    case FILL_DOTS:
        set_rgb(cr, lighten(st.color, 0.55));
        cairo_fill_preserve(cr);
        cairo_save(cr);
        cairo_clip_preserve(cr);
        set_rgb(cr, darken(st.color, 0.25));
        if (st.fill == FILL_HATCH) {
            double step = unit * 0.55;
            cairo_set_line_width(cr, unit * 0.16);
            for (double d = -h; d < w + h; d += step) {
                cairo_move_to(cr, x + d, y + h);
                cairo_line_to(cr, x + d + h, y);
            }
            cairo_stroke(cr);
        } else {
            double step = unit * 0.5;
            for (double yy = y + step / 2; yy < y + h; yy += step)
                for (double xx = x + step / 2; xx < x + w; xx += step) {
                    cairo_new_sub_path(cr);
                    cairo_arc(cr, xx, yy, unit * 0.09, 0, 2 * G_PI);
                }
            cairo_fill(cr);
        }
        cairo_restore(cr);
        break;
    case FILL_OUTLINE:
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_fill_preserve(cr);
        break;
    }
    set_rgb(cr, darken(st.color, 0.35));
    cairo_set_line_width(cr, st.fill == FILL_OUTLINE ? unit * 0.15
                                                     : unit * 0.05);
    cairo_stroke(cr);
    cairo_restore(cr);
}

/* A "nice" tick step for an axis from 0 to max with about n ticks. */
static double nice_step(double max, int n)
{
    if (max <= 0)
        return 1;
    double raw = max / n, mag = pow(10, floor(log10(raw))), f = raw / mag;
    double nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
    return nf * mag;
}

/* Vertical grid lines and labels of a linear x axis from 0 to max over
 * [x, x+w], labels under y_bottom. Returns the axis maximum used. */
static double x_axis(cairo_t *cr, double x, double w, double y_top,
                     double y_bottom, double max, gboolean percent,
                     double size, const char *title)
{
    double step = nice_step(max, 5);
    double top = ceil(max / step - 1e-9) * step;
    if (top <= 0)
        top = step;
    RText t = rtext(size);
    t.color = GREY_AXIS;
    t.align = PANGO_ALIGN_CENTER;
    cairo_save(cr);
    cairo_set_line_width(cr, size * 0.06);
    for (double v = 0; v <= top + step / 2; v += step) {
        double xx = x + w * v / top;
        set_rgb(cr, v == 0 ? GREY_AXIS : GREY_GRID);
        cairo_move_to(cr, xx, y_top);
        cairo_line_to(cr, xx, y_bottom);
        cairo_stroke(cr);
        char *lab = percent ? g_strdup_printf("%.0f%%", v * 100)
                            : g_strdup_printf("%g", v);
        lay_draw(cr, xx, y_bottom + size * 0.3, lab, &t);
        g_free(lab);
    }
    cairo_restore(cr);
    if (title) {
        double th;
        lay_size(cr, title, &t, NULL, &th);
        lay_draw(cr, x + w / 2, y_bottom + size * 1.6, title, &t);
    }
    return top;
}

/* An interval whisker from lo to hi at height y (x in user units). */
static void whisker(cairo_t *cr, double x0, double x1, double y, double cap,
                    double lw)
{
    cairo_save(cr);
    set_rgb(cr, GREY_TEXT);
    cairo_set_line_width(cr, lw);
    cairo_move_to(cr, x0, y);
    cairo_line_to(cr, x1, y);
    cairo_move_to(cr, x0, y - cap);
    cairo_line_to(cr, x0, y + cap);
    cairo_move_to(cr, x1, y - cap);
    cairo_line_to(cr, x1, y + cap);
    cairo_stroke(cr);
    cairo_restore(cr);
}

/* ---- horizontal grouped bars -------------------------------------------- */

/* A grouped bar chart: categories down the page, series within each. Every
 * bar carries its series name and its value as text, so neither colour nor
 * a legend is needed to read it. */
typedef struct {
    int ncat, nser;           /* categories, series per category */
    const char **cat;         /* category labels */
    const char *const *ser;   /* series labels (NULL when nser == 1) */
    const RStyle *styles;     /* per series; with nser == 1 per category */
    double *v;                /* ncat × nser values, NAN = absent */
    double *lo, *hi;          /* intervals or NULL */
    char **text;              /* ncat × nser labels (owned by the caller) */
    gboolean *supp;           /* ncat × nser: suppressed, draw no bar */
    gboolean percent;         /* axis in percent (values are proportions) */
    const char *axis_title;   /* under the axis */
} Bars;

static Bars *bars_new(int ncat, int nser)
{
    Bars *b = g_new0(Bars, 1);
    b->ncat = ncat;
    b->nser = nser;
    b->cat = g_new0(const char *, ncat);
    b->v = g_new(double, ncat * nser);
    b->lo = g_new(double, ncat * nser);
    b->hi = g_new(double, ncat * nser);
    b->text = g_new0(char *, ncat * nser);
    b->supp = g_new0(gboolean, ncat * nser);
    for (int i = 0; i < ncat * nser; i++)
        b->v[i] = b->lo[i] = b->hi[i] = NAN;
    return b;
}

static void bars_free(Bars *b)
{
    for (int i = 0; i < b->ncat * b->nser; i++)
        g_free(b->text[i]);
    g_free(b->cat);
    g_free(b->v);
    g_free(b->lo);
    g_free(b->hi);
    g_free(b->text);
    g_free(b->supp);
    g_free(b);
}

/* Fill cell i from a result row: value, interval, and its text (the value,
 * or "suppressed (<5)" / "suppressed (c)"). */
static void bars_from_result(Bars *b, int i, const ReportData *rd,
                             const P2pResult *r, RFmt fmt, gboolean interval)
{
    if (!r) {
        b->text[i] = g_strdup("no data");
        return;
    }
    if (r->state[P2P_F_VALUE] != P2P_CELL_SHOWN) {
        char *f = rd_format(rd, r, P2P_F_VALUE, fmt);
        b->text[i] = g_strdup_printf("suppressed (%s)", f);
        b->supp[i] = TRUE;
        g_free(f);
        return;
    }
    if (isnan(r->f[P2P_F_VALUE])) {
        b->text[i] = g_strdup("not computable");
        return;
    }
    b->v[i] = r->f[P2P_F_VALUE];
    char *f = rd_format(rd, r, P2P_F_VALUE, fmt);
    if (interval && !isnan(r->f[P2P_F_LO]) && !isnan(r->f[P2P_F_HI])) {
        b->lo[i] = r->f[P2P_F_LO];
        b->hi[i] = r->f[P2P_F_HI];
        char *lo = rd_format_number(b->lo[i], fmt);
        char *hi = rd_format_number(b->hi[i], fmt);
        b->text[i] = g_strdup_printf("%s (%s–%s)", f, lo, hi);
        g_free(lo);
        g_free(hi);
        g_free(f);
    } else {
        b->text[i] = f;
    }
}

static void bars_draw(cairo_t *cr, Box box, ChartCtx *c, Bars *b)
{
    double s = c->base, lab = s * 0.85;
    RText ct = rtext(lab);
    ct.bold = TRUE;
    RText st = rtext(lab * 0.92);
    st.color = GREY_AXIS;
    /* Left columns: category names, then series names when several. */
    double cat_w = 0, ser_w = 0;
    for (int i = 0; i < b->ncat; i++) {
        double w;
        lay_size(cr, b->cat[i], &ct, &w, NULL);
        cat_w = MAX(cat_w, w);
    }
    cat_w = MIN(cat_w + s * 0.6, box.w * (b->nser > 1 ? 0.2 : 0.3));
    for (int j = 0; b->nser > 1 && j < b->nser; j++) {
        double w;
        lay_size(cr, b->ser[j], &st, &w, NULL);
        ser_w = MAX(ser_w, w);
    }
    if (b->nser > 1)
        ser_w = MIN(ser_w + s * 0.6, box.w * 0.18);
    double left = cat_w + ser_w;
    /* Right room for the value labels. */
    double right = 0;
    for (int i = 0; i < b->ncat * b->nser; i++) {
        double w;
        if (!b->text[i])
            continue;
        lay_size(cr, b->text[i], &st, &w, NULL);
        right = MAX(right, w);
    }
    right = MIN(right + s * 0.6, box.w * 0.34);
    double axis_h = s * (b->axis_title ? 3.0 : 1.7);
    Box p = { box.x + left, box.y, box.w - left - right, box.h - axis_h };
    double max = 0;
    for (int i = 0; i < b->ncat * b->nser; i++) {
        if (!isnan(b->v[i]))
            max = MAX(max, b->v[i]);
        if (!isnan(b->hi[i]))
            max = MAX(max, b->hi[i]);
    }
    if (b->percent && max <= 0)
        max = 1;
    double top = x_axis(cr, p.x, p.w, p.y, p.y + p.h, max, b->percent, lab,
                        b->axis_title);
    double band = p.h / b->ncat;
    double gap = band * (b->nser > 1 ? 0.22 : 0.3);
    double bar_h = (band - gap) / b->nser;
    for (int i = 0; i < b->ncat; i++) {
        double y0 = p.y + i * band + gap / 2;
        /* Free text (a site's name) keeps to its slot: up to two lines
         * where the band has room, the last cut with "…". */
        RText cl = ct;
        cl.width = cat_w - s * 0.5;
        cl.lines = CLAMP((int)(band / (lab * 1.5)), 1, 2);
        double th;
        lay_size(cr, b->cat[i], &cl, NULL, &th);
        lay_draw(cr, box.x, p.y + i * band + band / 2 - th / 2, b->cat[i],
                 &cl);
        for (int j = 0; j < b->nser; j++) {
            int k = i * b->nser + j;
            double y = y0 + j * bar_h;
            double by = y + bar_h * 0.08, bh = bar_h * 0.84;
            RStyle sty = b->styles[b->nser > 1 ? j : i];
            if (b->nser > 1) {
                RText sl = st;
                sl.align = PANGO_ALIGN_RIGHT;
                double sh;
                lay_size(cr, b->ser[j], &sl, NULL, &sh);
                lay_draw(cr, p.x - s * 0.3, y + bar_h / 2 - sh / 2, b->ser[j],
                         &sl);
            }
            double end = p.x;
            if (!isnan(b->v[k])) {
                double bw = p.w * b->v[k] / top;
                fill_box(cr, p.x, by, bw, bh, sty, s);
                end = p.x + bw;
            }
            if (!isnan(b->lo[k]) && !isnan(b->hi[k])) {
                double x0 = p.x + p.w * b->lo[k] / top;
                double x1 = p.x + p.w * b->hi[k] / top;
                whisker(cr, x0, x1, by + bh / 2, bh * 0.3, s * 0.09);
                end = MAX(end, x1);
            }
            if (b->text[k]) {
                double lh;
                RText vt = st;
                vt.color = b->supp[k] ? GREY_LIGHT : GREY_TEXT;
                vt.italic = b->supp[k];
                lay_size(cr, b->text[k], &vt, NULL, &lh);
                lay_draw(cr, end + s * 0.5, by + bh / 2 - lh / 2, b->text[k],
                         &vt);
            }
        }
    }
}

/* ---- helpers over the results ------------------------------------------ */

static char *fmt_result(const ReportData *rd, const char *cc,
                        const char *ind, const char *grp, RFmt f)
{
    return rd_format(rd, rd_find(rd, cc, ind, grp), P2P_F_VALUE, f);
}

static char *n_clients(ChartCtx *c)
{
    char *n = fmt_result(c->rd, c->country, "clients_reached", "all",
                         FMT_COUNT);
    char *t = g_strdup_printf(rd_plural_text(n, "n = %s client reached",
                                             "n = %s clients reached"), n);
    g_free(n);
    return t;
}

static gboolean is_all(const ChartCtx *c)
{
    return strcmp(c->country, "ALL") == 0;
}

/* ---- the charts ---------------------------------------------------------- */

static void chart_reach_by_worker_type(cairo_t *cr, double w, double h,
                                       ChartCtx *c)
{
    const ReportData *rd = c->rd;
    double vp, vq;
    gboolean hp = rd_value(rd_find(rd, c->country, "clients_reached",
                                   worker_groups[0]), P2P_F_VALUE, &vp);
    gboolean hq = rd_value(rd_find(rd, c->country, "clients_reached",
                                   worker_groups[1]), P2P_F_VALUE, &vq);
    char *title = hp && hq
        ? g_strdup_printf(rd_plural(vp, "Peer educators reached %.0f client, "
                                        "professionals %.0f%s",
                                    "Peer educators reached %.0f clients, "
                                    "professionals %.0f%s"),
                          vp, vq, is_all(c) ? " (all countries)" : "")
        : g_strdup("Clients reached by peer educators and professionals");
    c->message = hp && hq;
    char *sub = g_strdup_printf(
        is_all(c) ? "Clients reached by worker type, %s. A client met by "
                    "both peers and professionals counts in both."
                  : "Clients reached and encounters by worker type, %s. A "
                    "client met by both peers and professionals counts in both.",
        place(c));
    char *n = n_clients(c);
    Box b = frame(cr, w, h, c, title, sub, n);
    Bars *bars;
    if (is_all(c)) {
        /* Countries side by side, the worker types within each; the
         * pooled figures (a larger scale) are in the title and n. */
        int nc = MAX(1, (int)rd->countries->len);
        bars = bars_new(nc, 3);
        bars->ser = worker_labels;
        bars->styles = STYLE_WORKER;
        for (int i = 0; i < nc; i++) {
            const char *cc = i < (int)rd->countries->len
                ? rd->countries->pdata[i] : "ALL";
            bars->cat[i] = rd_country_en(cc);
            for (int j = 0; j < 3; j++)
                bars_from_result(bars, i * 3 + j, rd,
                                 rd_find(rd, cc, "clients_reached",
                                         worker_groups[j]), FMT_COUNT, FALSE);
        }
    } else {
        bars = bars_new(3, 1);
        bars->styles = STYLE_WORKER;
        for (int i = 0; i < 3; i++) {
            bars->cat[i] = worker_labels[i];
            bars_from_result(bars, i, rd,
                             rd_find(rd, c->country, "clients_reached",
                                     worker_groups[i]), FMT_COUNT, FALSE);
            char *e = fmt_result(rd, c->country, "encounters",
                                 worker_groups[i], FMT_COUNT);
            char *cl = g_strdup_printf(
                rd_plural_text(bars->text[i], "%s client", "%s clients"),
                bars->text[i]);
            char *t = g_strdup_printf(
                rd_plural_text(e, "%s · %s encounter", "%s · %s encounters"),
                cl, e);
            g_free(cl);
            g_free(bars->text[i]);
            bars->text[i] = t;
            g_free(e);
        }
    }
    bars->axis_title = "clients reached";
    bars_draw(cr, b, c, bars);
    bars_free(bars);
    g_free(title);
    g_free(sub);
    g_free(n);
}

/* The largest sites of a country (rd_sites), at most max. out total: the
 * number of sites before the cut. */
static GPtrArray *top_sites(const ReportData *rd, const char *cc, int max,
                            guint *total)
{
    GPtrArray *names = rd_sites(rd, cc);
    *total = names->len;
    if ((int)names->len > max)
        g_ptr_array_set_size(names, max);
    return names;
}

static void chart_reach_by_site(cairo_t *cr, double w, double h, ChartCtx *c)
{
    const ReportData *rd = c->rd;
    guint nsites = 0;
    GPtrArray *sites = top_sites(rd, c->country, 10, &nsites);
    char *title = sites->len > 0
        ? g_strdup_printf(rd_plural(nsites,
                                    "Where clients were reached: %u site in %s",
                                    "Where clients were reached: %u sites in "
                                    "%s"), nsites, place(c))
        : g_strdup_printf("Clients reached by site, %s", place(c));
    char *sub = g_strdup("Clients reached at each site by worker type "
                         "(the sites with most encounters first, at most "
                         "ten)");
    char *n = n_clients(c);
    Box b = frame(cr, w, h, c, title, sub, n);
    if (sites->len == 0) {
        no_data(cr, b, c, "No site was recorded.");
    } else {
        Bars *bars = bars_new(sites->len, 3);
        bars->ser = worker_labels;
        bars->styles = STYLE_WORKER;
        for (guint i = 0; i < sites->len; i++) {
            const char *site = sites->pdata[i];
            bars->cat[i] = *site ? site : "(no site)";
            for (int j = 0; j < 3; j++) {
                int k = i * 3 + j;
                const ReportFigure *f = rd_figure(rd, c->country,
                                                  "reach_by_site",
                                                  worker_groups[j], site);
                if (!f || isnan(f->value)) {
                    bars->text[k] = g_strdup("0");
                    bars->v[k] = 0;
                } else if (f->state != P2P_CELL_SHOWN) {
                    char *t = rd_format_figure(rd, f, 1, FMT_COUNT);
                    bars->text[k] = g_strdup_printf("suppressed (%s)", t);
                    bars->supp[k] = TRUE;
                    g_free(t);
                } else {
                    bars->v[k] = f->value;
                    bars->text[k] = rd_format_number(f->value, FMT_COUNT);
                }
            }
        }
        bars->axis_title = "clients reached";
        bars_draw(cr, b, c, bars);
        bars_free(bars);
    }
    g_ptr_array_unref(sites);
    g_free(title);
    g_free(sub);
    g_free(n);
}

static void chart_referral_cascade(cairo_t *cr, double w, double h,
                                   ChartCtx *c)
{
    const ReportData *rd = c->rd;
    static const char *const stages[3] = {
        "clients_reached", "clients_referred", "clients_attended"
    };
    static const char *const stage_labels[3] = {
        "reached", "referred", "attended a service"
    };
    double reached, attended;
    gboolean ok = rd_value(rd_find(rd, c->country, stages[0], "all"),
                           P2P_F_VALUE, &reached)
               && rd_value(rd_find(rd, c->country, stages[2], "all"),
                           P2P_F_VALUE, &attended) && reached > 0;
    char *title = ok
        ? g_strdup_printf(rd_plural(reached,
                              "%.0f of %.0f client reached (%.0f%%) attended a "
                              "service they were referred to",
                              "%.0f of %.0f clients reached (%.0f%%) attended "
                              "a service they were referred to"),
                          attended, reached, 100 * attended / reached)
        : g_strdup("From contact to service: the referral cascade");
    c->message = ok;
    char *sub = g_strdup_printf("Clients reached, referred and attending a "
                                "referral, by worker type, %s", place(c));
    char *n = n_clients(c);
    Box b = frame(cr, w, h, c, title, sub, n);
    Bars *bars = bars_new(3, 3);
    bars->ser = stage_labels;

    static const RStyle cascade[3] = {
        { {0.337, 0.706, 0.914}, FILL_OUTLINE },
        { {0.000, 0.447, 0.698}, FILL_HATCH },
        { {0.000, 0.447, 0.698}, FILL_SOLID },
    };
    bars->styles = cascade;
    for (int i = 0; i < 3; i++) {
        bars->cat[i] = worker_labels[i];
        double base = NAN;
        for (int j = 0; j < 3; j++) {
            int k = i * 3 + j;
            const P2pResult *r = rd_find(rd, c->country, stages[j],
                                         worker_groups[i]);
            bars_from_result(bars, k, rd, r, FMT_COUNT, FALSE);
            if (j == 0)
                base = bars->v[k];
            else if (!isnan(bars->v[k]) && !isnan(base) && base > 0) {
                char *t = g_strdup_printf("%s (%.0f%%)", bars->text[k],
                                          100 * bars->v[k] / base);
                g_free(bars->text[k]);
                bars->text[k] = t;
            }
        }
    }
    bars->axis_title = "clients";
    bars_draw(cr, b, c, bars);
    bars_free(bars);
    g_free(title);
    g_free(sub);
    g_free(n);
}

static void chart_demographics(cairo_t *cr, double w, double h, ChartCtx *c)
{
    const ReportData *rd = c->rd;
    static const char *const inds[3] = {
        "share_female", "share_under25", "share_early_career"
    };
    static const char *const labels[3] = {
        "Women", "Aged 24 or under", "Early in drug-using career (0–2 years)"
    };
    double fp, fq;
    gboolean ok = rd_value(rd_find(rd, c->country, "share_under25",
                                   worker_groups[0]), P2P_F_VALUE, &fp)
               && rd_value(rd_find(rd, c->country, "share_under25",
                                   worker_groups[1]), P2P_F_VALUE, &fq);
    char *title = ok
        ? g_strdup_printf("%.0f%% of clients reached by peers were 24 or "
                          "under, %.0f%% of those reached by professionals",
                          100 * fp, 100 * fq)
        : g_strdup("Who is reached: women, young people, new users");
    c->message = ok;
    char *sub = g_strdup_printf("Share of clients reached by worker type with "
                                "95%% Wilson intervals, %s", place(c));
    char *n = n_clients(c);
    Box b = frame(cr, w, h, c, title, sub, n);
    Bars *bars = bars_new(3, 3);
    bars->ser = worker_labels;
    bars->styles = STYLE_WORKER;
    bars->percent = TRUE;
    for (int i = 0; i < 3; i++) {
        bars->cat[i] = labels[i];
        for (int j = 0; j < 3; j++)
            bars_from_result(bars, i * 3 + j, rd,
                             rd_find(rd, c->country, inds[i],
                                     worker_groups[j]), FMT_PERCENT, TRUE);
    }
    bars->axis_title = "share of clients reached";
    bars_draw(cr, b, c, bars);
    bars_free(bars);
    g_free(title);
    g_free(sub);
    g_free(n);
}

/* Services of the run's referral_uptake rows for a country, in byte order. */
static GPtrArray *uptake_services(const ReportData *rd, const char *cc)
{
    GPtrArray *out = g_ptr_array_new();
    for (guint i = 0; i < rd->rs->rows->len; i++) {
        const P2pResult *r = rd->rs->rows->pdata[i];
        if (strcmp(r->country, cc) == 0 && strcmp(r->period, "all") == 0
            && strcmp(r->indicator, "referral_uptake") == 0
            && g_str_has_prefix(r->grp, "service="))
            g_ptr_array_add(out, r->grp + 8);
    }
    g_ptr_array_sort(out, rd_cmp_str);
    return out;
}

static void chart_uptake_by_service(cairo_t *cr, double w, double h,
                                    ChartCtx *c)
{
    const ReportData *rd = c->rd;
    GPtrArray *svc = uptake_services(rd, c->country);
    const P2pResult *all = rd_find(rd, c->country, "referral_uptake", "all");
    double v;
    char *title = rd_value(all, P2P_F_VALUE, &v)
        ? g_strdup_printf("%.0f%% of referrals with a known outcome were "
                          "taken up", 100 * v)
        : g_strdup("Referral uptake by service");
    c->message = rd_value(all, P2P_F_VALUE, &v);
    char *sub = g_strdup_printf("Referrals attended among those attended or "
                                "not attended, by service, with 95%% Wilson "
                                "intervals, %s", place(c));
    char *d = rd_format(rd, all, P2P_F_DEN, FMT_COUNT);
    char *n = g_strdup_printf(rd_plural_text(d, "n = %s referral with a known "
                                                "outcome",
                                             "n = %s referrals with a known "
                                             "outcome"), d);
    g_free(d);
    Box b = frame(cr, w, h, c, title, sub, n);
    if (svc->len == 0) {
        no_data(cr, b, c, "No referral was recorded.");
    } else {
        guint ns = MIN(svc->len, 32);
        Bars *bars = bars_new(ns, 1);
        static RStyle one[32];
        for (guint i = 0; i < ns; i++)
            one[i] = STYLE_SERIES[0];
        bars->styles = one;
        bars->percent = TRUE;
        for (guint i = 0; i < ns; i++) {
            char *grp = g_strconcat("service=", svc->pdata[i], NULL);
            bars->cat[i] = svc->pdata[i];
            bars_from_result(bars, i, rd,
                             rd_find(rd, c->country, "referral_uptake", grp),
                             FMT_PERCENT, TRUE);
            g_free(grp);
        }
        bars->axis_title = "uptake (attended / known outcome)";
        bars_draw(cr, b, c, bars);
        bars_free(bars);
    }
    g_ptr_array_unref(svc);
    g_free(title);
    g_free(sub);
    g_free(n);
}

static void chart_forest_plot(cairo_t *cr, double w, double h, ChartCtx *c)
{
    const ReportData *rd = c->rd;
    static const char *const inds[5] = {
        "share_female_peer_vs_professional",
        "share_under25_peer_vs_professional",
        "share_early_career_peer_vs_professional",
        "referral_rate_peer_vs_professional",
        "referral_uptake_peer_vs_professional",
    };
    static const char *const labels[5] = {
        "Women", "Aged 24 or under", "Early career (0–2 years)",
        "Encounters with a referral", "Referral uptake",
    };
    double v;
    gboolean ok = rd_value(rd_find(rd, c->country, inds[1], "all"),
                           P2P_F_VALUE, &v);
    const P2pResult *yr = rd_find(rd, c->country, inds[1], "all");
    /* Claim a difference only when the interval excludes 1. */
    gboolean clear = ok && !isnan(yr->f[P2P_F_LO]) && !isnan(yr->f[P2P_F_HI])
                     && (yr->f[P2P_F_LO] > 1 || yr->f[P2P_F_HI] < 1);
    char *title = clear
        ? g_strdup_printf("Peers reach %s young people than professionals "
                          "(risk ratio %.2f)", v >= 1 ? "more" : "fewer", v)
        : ok ? g_strdup_printf("No clear difference between peers and "
                               "professionals in reaching young people (risk "
                               "ratio %.2f)", v)
             : g_strdup("Peers compared with professionals");
    c->message = ok;
    char *sub = g_strdup_printf(
        "Risk ratio peer / professional with 95%% Katz intervals (log scale) "
        "and Fisher exact p, %s", place(c));
    char *n1 = fmt_result(rd, c->country, "clients_reached", worker_groups[0],
                          FMT_COUNT);
    char *n2 = fmt_result(rd, c->country, "clients_reached", worker_groups[1],
                          FMT_COUNT);
    char *n = g_strdup_printf(rd_plural_text(n1, "n = %s client reached by "
                                                 "peers, %s by professionals",
                                             "n = %s clients reached by peers, "
                                             "%s by professionals"), n1, n2);
    g_free(n1);
    g_free(n2);
    Box b = frame(cr, w, h, c, title, sub, n);
    double s = c->base, lab = s * 0.85;
    RText lt = rtext(lab);
    RText rt = rtext(lab * 0.92);
    double left = 0, right = 0;
    char *texts[5];
    double rr[5], lo[5], hi[5];
    double mn = 1, mx = 1;
    for (int i = 0; i < 5; i++) {
        const P2pResult *r = rd_find(rd, c->country, inds[i], "all");
        rr[i] = lo[i] = hi[i] = NAN;
        double lw, rw;
        lay_size(cr, labels[i], &lt, &lw, NULL);
        left = MAX(left, lw);
        if (!r) {
            texts[i] = g_strdup("no data");
        } else if (r->state[P2P_F_VALUE] != P2P_CELL_SHOWN) {
            char *f = rd_format(rd, r, P2P_F_VALUE, FMT_RATIO);
            texts[i] = g_strdup_printf("suppressed (%s)", f);
            g_free(f);
        } else if (isnan(r->f[P2P_F_VALUE])) {
            texts[i] = g_strdup("not computable");
        } else {
            rr[i] = r->f[P2P_F_VALUE];
            lo[i] = r->f[P2P_F_LO];
            hi[i] = r->f[P2P_F_HI];
            char *p = isnan(r->f[P2P_F_P]) ? g_strdup("–")
                                           : rd_format_number(r->f[P2P_F_P],
                                                              FMT_P);
            if (!isnan(lo[i]) && !isnan(hi[i]))
                texts[i] = g_strdup_printf("%.2f (%.2f–%.2f)  p %s%s", rr[i],
                                           lo[i], hi[i],
                                           p[0] == '<' ? "" : "= ", p);
            else
                texts[i] = g_strdup_printf("%.2f (no interval)  p %s%s", rr[i],
                                           p[0] == '<' ? "" : "= ", p);
            g_free(p);
            double a = isnan(lo[i]) ? rr[i] : lo[i];
            double z = isnan(hi[i]) ? rr[i] : hi[i];
            if (a > 0)
                mn = MIN(mn, a);
            mx = MAX(mx, z);
        }
        lay_size(cr, texts[i], &rt, &rw, NULL);
        right = MAX(right, rw);
    }
    left += s;
    right += s;
    double axis_h = s * 3.0;
    Box p = { b.x + left, b.y, b.w - left - right, b.h - axis_h };
    /* Symmetric log range around 1, in powers of two. */
    double span = MAX(log2(mx), -log2(mn));
    span = MAX(1, ceil(span + 0.05));
    double lmin = -span, lmax = span;
#define FX(v) (p.x + p.w * (log2(v) - lmin) / (lmax - lmin))
    RText at = rtext(lab);
    at.color = GREY_AXIS;
    at.align = PANGO_ALIGN_CENTER;
    cairo_save(cr);
    cairo_set_line_width(cr, s * 0.06);
    for (double e = lmin; e <= lmax + 1e-9; e += 1) {
        double x = FX(pow(2, e));
        set_rgb(cr, e == 0 ? GREY_AXIS : GREY_GRID);
        cairo_move_to(cr, x, p.y);
        cairo_line_to(cr, x, p.y + p.h);
        cairo_stroke(cr);
        char *l = e >= 0 ? g_strdup_printf("%g", pow(2, e))
                         : g_strdup_printf("1/%g", pow(2, -e));
        lay_draw(cr, x, p.y + p.h + lab * 0.3, l, &at);
        g_free(l);
    }
    cairo_restore(cr);
    lay_draw(cr, FX(1) - s * 0.5, p.y + p.h + lab * 1.6,
             "◀ more among professionals' clients", &(RText){
                 lab * 0.9, FALSE, FALSE, FALSE, 0, PANGO_ALIGN_RIGHT,
                 GREY_AXIS, 0 });
    lay_draw(cr, FX(1) + s * 0.5, p.y + p.h + lab * 1.6,
             "more among peers' clients ▶", &(RText){
                 lab * 0.9, FALSE, FALSE, FALSE, 0, PANGO_ALIGN_LEFT,
                 GREY_AXIS, 0 });
    double band = p.h / 5;
    for (int i = 0; i < 5; i++) {
        double y = p.y + band * (i + 0.5);
        double th;
        lay_size(cr, labels[i], &lt, NULL, &th);
        lay_draw(cr, b.x, y - th / 2, labels[i], &lt);
        RText tt = rt;
        tt.color = isnan(rr[i]) ? GREY_LIGHT : GREY_TEXT;
        tt.italic = isnan(rr[i]);
        lay_size(cr, texts[i], &tt, NULL, &th);
        lay_draw(cr, p.x + p.w + s * 0.8, y - th / 2, texts[i], &tt);
        if (!isnan(rr[i]) && rr[i] > 0) {
            if (!isnan(lo[i]) && !isnan(hi[i]) && lo[i] > 0)
                whisker(cr, FX(lo[i]), FX(hi[i]), y, band * 0.12, s * 0.09);
            double sq = s * 0.55;
            cairo_save(cr);
            set_rgb(cr, OI_BLUE);
            cairo_rectangle(cr, FX(rr[i]) - sq / 2, y - sq / 2, sq, sq);
            cairo_fill(cr);
            cairo_restore(cr);
        }
        g_free(texts[i]);
    }
#undef FX
    g_free(title);
    g_free(sub);
    g_free(n);
}

static void chart_monthly_trend(cairo_t *cr, double w, double h, ChartCtx *c)
{
    const ReportData *rd = c->rd;
    GPtrArray *months = rd_figures(rd, c->country, "monthly_encounters",
                                   "all");
    const ReportFigure *b0 = rd_figure(rd, c->country, "trend", "all",
                                       "intercept");
    const ReportFigure *b1 = rd_figure(rd, c->country, "trend", "all",
                                       "slope");
    const P2pResult *tr = rd_find(rd, c->country, "encounter_trend", "all");
    double rr;
    char *title;
    if (rd_value(tr, P2P_F_VALUE, &rr) && !isnan(tr->f[P2P_F_LO])
        && (tr->f[P2P_F_LO] > 1 || tr->f[P2P_F_HI] < 1))
        title = g_strdup_printf("Encounters %s by %.1f%% a month",
                                rr >= 1 ? "grew" : "fell",
                                100 * fabs(rr - 1));
    else if (rd_value(tr, P2P_F_VALUE, &rr))
        title = g_strdup_printf("Encounters held steady (no clear monthly "
                                "trend, rate ratio %.3f)", rr);
    else
        title = g_strdup("Encounters month by month");
    c->message = rd_value(tr, P2P_F_VALUE, &rr);
    char *sub;
    if (tr && rd_value(tr, P2P_F_VALUE, &rr) && !isnan(tr->f[P2P_F_LO]))
        sub = g_strdup_printf("Monthly encounters and the fitted Poisson trend "
                              "(rate ratio %.3f a month, 95%% CI %.3f–%.3f), "
                              "%s", rr, tr->f[P2P_F_LO], tr->f[P2P_F_HI],
                              place(c));
    else
        sub = g_strdup_printf("Monthly encounters, %s", place(c));
    char *e = fmt_result(rd, c->country, "encounters", "all", FMT_COUNT);
    /* Two counts, two messages: each agrees with its own number. */
    char *ne = g_strdup_printf(rd_plural_text(e, "n = %s encounter",
                                              "n = %s encounters"), e);
    char *n = g_strdup_printf(rd_plural(months->len, "%s over %u month",
                                        "%s over %u months"), ne, months->len);
    g_free(ne);
    g_free(e);
    Box b = frame(cr, w, h, c, title, sub, n);
    if (months->len == 0) {
        no_data(cr, b, c, "No encounter was recorded.");
        goto out;
    }
    double s = c->base, lab = s * 0.8;
    double max = 0;
    guint nm = months->len;
    for (guint i = 0; i < nm; i++) {
        const ReportFigure *f = months->pdata[i];
        if (f->state == P2P_CELL_SHOWN && !isnan(f->value))
            max = MAX(max, f->value);
    }
    gboolean fit = b0 && b1 && !isnan(b0->value) && !isnan(b1->value);
    if (fit)
        for (guint i = 0; i < nm; i++)
            max = MAX(max, exp(b0->value + b1->value * i));
    double step = nice_step(max, 5), top = ceil(max / step - 1e-9) * step;
    if (top <= 0)
        top = step;
    RText yt = rtext(lab);
    yt.color = GREY_AXIS;
    yt.align = PANGO_ALIGN_RIGHT;
    char *toplab = g_strdup_printf("%g", top);
    double lw;
    lay_size(cr, toplab, &yt, &lw, NULL);
    g_free(toplab);
    Box p = { b.x + lw + s * 2.2, b.y + s * 0.5, 0, b.h - s * 3.6 };
    p.w = b.x + b.w - p.x;
#define PY(v) (p.y + p.h - p.h * (v) / top)
    cairo_save(cr);
    cairo_set_line_width(cr, s * 0.06);
    for (double v = 0; v <= top + step / 2; v += step) {
        set_rgb(cr, v == 0 ? GREY_AXIS : GREY_GRID);
        cairo_move_to(cr, p.x, PY(v));
        cairo_line_to(cr, p.x + p.w, PY(v));
        cairo_stroke(cr);
        char *l = g_strdup_printf("%g", v);
        lay_draw(cr, p.x - s * 0.3, PY(v) - lab * 0.7, l, &yt);
        g_free(l);
    }
    cairo_restore(cr);
    lay_draw_vertical(cr, b.x + lab * 0.7, p.y + p.h / 2, "encounters", &yt);
    double band = p.w / nm;
    int every = (int)ceil(nm / (p.w / (lab * 5.5)));
    if (every < 1)
        every = 1;
    RText xt = rtext(lab);
    xt.color = GREY_AXIS;
    xt.align = PANGO_ALIGN_CENTER;
    RText sx = rtext(lab * 0.85);
    sx.color = GREY_LIGHT;
    sx.italic = TRUE;
    sx.align = PANGO_ALIGN_CENTER;
    gboolean any_supp = FALSE;
    for (guint i = 0; i < nm; i++) {
        const ReportFigure *f = months->pdata[i];
        double x = p.x + band * i;
        if (f->state == P2P_CELL_SHOWN && !isnan(f->value)) {
            fill_box(cr, x + band * 0.12, PY(f->value), band * 0.76,
                     p.h * f->value / top, (RStyle){ lighten(OI_SKYBLUE, 0.2),
                                                     FILL_SOLID }, s);
        } else if (f->state != P2P_CELL_SHOWN) {
            char *t = rd_format_figure(rd, f, 1, FMT_COUNT);
            lay_draw(cr, x + band / 2, PY(0) - lab * 1.4, t, &sx);
            g_free(t);
            any_supp = TRUE;
        }
        if (i % every == 0) {
            lay_draw(cr, x + band / 2, p.y + p.h + lab * 0.3, f->key, &xt);
        }
    }
    if (fit) {
        cairo_save(cr);
        set_rgb(cr, OI_VERMILLION);
        cairo_set_line_width(cr, s * 0.2);
        for (guint i = 0; i < nm; i++) {
            double x = p.x + band * (i + 0.5);
            double y = PY(exp(b0->value + b1->value * i));
            if (i == 0)
                cairo_move_to(cr, x, y);
            else
                cairo_line_to(cr, x, y);
        }
        cairo_stroke(cr);
        cairo_restore(cr);
    }
    {
        /* Legend under the axis: a bar swatch, a line swatch, and what
         * suppression did to the months. */
        RText nt = rtext(lab * 0.9);
        nt.color = GREY_AXIS;
        double x = p.x, y = p.y + p.h + lab * 1.9, tw, th;
        fill_box(cr, x, y + lab * 0.1, lab * 0.9, lab * 0.9,
                 (RStyle){ lighten(OI_SKYBLUE, 0.2), FILL_SOLID }, s);
        x += lab * 1.3;
        lay_size(cr, "encounters per month", &nt, &tw, &th);
        lay_draw(cr, x, y, "encounters per month", &nt);
        x += tw + lab * 1.5;
        if (fit) {
            cairo_save(cr);
            set_rgb(cr, OI_VERMILLION);
            cairo_set_line_width(cr, s * 0.2);
            cairo_move_to(cr, x, y + th / 2);
            cairo_line_to(cr, x + lab * 2, y + th / 2);
            cairo_stroke(cr);
            cairo_restore(cr);
            x += lab * 2.4;
            lay_size(cr, "fitted Poisson trend", &nt, &tw, NULL);
            lay_draw(cr, x, y, "fitted Poisson trend", &nt);
            x += tw + lab * 1.5;
        }
        if (any_supp) {
            char *supp = g_strdup_printf("months marked <%d or c: suppressed "
                                         "(small counts), not drawn", rd->k);
            lay_draw(cr, x, y, supp, &nt);
            g_free(supp);
        }
    }
#undef PY
out:
    g_ptr_array_unref(months);
    g_free(title);
    g_free(sub);
    g_free(n);
}

static void chart_fg_themes(cairo_t *cr, double w, double h, ChartCtx *c)
{
    const ReportData *rd = c->rd;
    GPtrArray *rows = g_ptr_array_new();
    for (guint i = 0; i < rd->rs->rows->len; i++) {
        const P2pResult *r = rd->rs->rows->pdata[i];
        if (strcmp(r->country, c->country) == 0
            && strcmp(r->period, "all") == 0
            && strcmp(r->indicator, "code_frequency") == 0
            && g_str_has_prefix(r->grp, "theme="))
            g_ptr_array_add(rows, (gpointer)r);
    }
    g_ptr_array_sort(rows, cmp_most_frequent);
    char *title = rows->len > 0
        ? g_strdup_printf("Most discussed theme: %s",
                          ((const P2pResult *)rows->pdata[0])->grp + 6)
        : g_strdup("Focus-group themes");
    char *sub = g_strdup_printf("Share of coded transcript segments carrying "
                                "each theme (any coder), %s", place(c));
    const P2pResult *any = rows->len > 0 ? rows->pdata[0] : NULL;
    char *d = rd_format(rd, any, P2P_F_DEN, FMT_COUNT);
    char *n = g_strdup_printf(rd_plural_text(d, "n = %s transcript segment",
                                             "n = %s transcript segments"), d);
    g_free(d);
    Box b = frame(cr, w, h, c, title, sub, n);
    if (rows->len == 0) {
        no_data(cr, b, c, "No coded focus-group segment.");
    } else {
        guint nr = MIN(rows->len, 12);
        Bars *bars = bars_new(nr, 1);
        static RStyle one[12];
        for (guint i = 0; i < 12; i++)
            one[i] = STYLE_SERIES[2];
        bars->styles = one;
        bars->percent = TRUE;
        for (guint i = 0; i < nr; i++) {
            const P2pResult *r = rows->pdata[i];
            bars->cat[i] = r->grp + 6;
            bars_from_result(bars, i, rd, r, FMT_PERCENT, FALSE);
            double num;
            if (rd_value(r, P2P_F_NUM, &num)) {
                char *t = g_strdup_printf(rd_plural(num, "%s (%.0f segment)",
                                                    "%s (%.0f segments)"),
                                          bars->text[i], num);
                g_free(bars->text[i]);
                bars->text[i] = t;
            }
        }
        bars->axis_title = "share of segments";
        bars_draw(cr, b, c, bars);
        bars_free(bars);
    }
    g_ptr_array_unref(rows);
    g_free(title);
    g_free(sub);
    g_free(n);
}

static void chart_cooccurrence_heatmap(cairo_t *cr, double w, double h,
                                       ChartCtx *c)
{
    const ReportData *rd = c->rd;
    GPtrArray *codes = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *pairs = g_ptr_array_new();
    double max = 0;
    for (guint i = 0; i < rd->rs->rows->len; i++) {
        const P2pResult *r = rd->rs->rows->pdata[i];
        if (strcmp(r->country, c->country) != 0
            || strcmp(r->period, "all") != 0
            || strcmp(r->indicator, "code_cooccurrence") != 0)
            continue;
        const char *amp = strstr(r->grp, "&code=");
        if (!g_str_has_prefix(r->grp, "code=") || !amp)
            continue;
        g_ptr_array_add(pairs, (gpointer)r);
        char *a = g_strndup(r->grp + 5, amp - (r->grp + 5));
        char *bb = g_strdup(amp + 6);
        gboolean ha = FALSE, hb = FALSE;
        for (guint j = 0; j < codes->len; j++) {
            ha |= strcmp(codes->pdata[j], a) == 0;
            hb |= strcmp(codes->pdata[j], bb) == 0;
        }
        if (!ha)
            g_ptr_array_add(codes, a);
        else
            g_free(a);
        if (!hb)
            g_ptr_array_add(codes, bb);
        else
            g_free(bb);
        if (!isnan(r->f[P2P_F_VALUE]))
            max = MAX(max, r->f[P2P_F_VALUE]);
    }
    g_ptr_array_sort(codes, rd_cmp_str);
    const P2pResult *top = NULL;
    for (guint i = 0; i < pairs->len; i++) {
        const P2pResult *r = pairs->pdata[i];
        if (!top || r->f[P2P_F_VALUE] > top->f[P2P_F_VALUE])
            top = r;
    }
    int ties = 0;   /* other pairs as frequent as the top one */
    for (guint i = 0; top && i < pairs->len; i++) {
        const P2pResult *r = pairs->pdata[i];
        ties += r != top && r->f[P2P_F_VALUE] == top->f[P2P_F_VALUE];
    }
    char *title;
    if (top) {
        char *g = g_strdup(top->grp + 5);
        char *amp = strstr(g, "&code=");
        *amp = 0;
        double nseg = top->f[P2P_F_VALUE];
        char *segs = g_strdup_printf(rd_plural(nseg, "%.0f segment",
                                               "%.0f segments"), nseg);
        if (ties > 0)
            title = g_strdup_printf(rd_plural(ties,
                "“%s” and “%s”, with %d other pair, are raised together most "
                "often (%s)",
                "“%s” and “%s”, with %d other pairs, are raised together most "
                "often (%s)"), g, amp + 6, ties, segs);
        else
            title = g_strdup_printf("“%s” and “%s” are raised together most "
                                    "often (%s)", g, amp + 6, segs);
        g_free(segs);
        g_free(g);
    } else {
        title = g_strdup("Codes raised together");
    }
    char *sub = g_strdup_printf("Transcript segments carrying both codes (any "
                                "coders), %s", place(c));
    char *n = g_strdup_printf(rd_plural(pairs->len, "n = %u code pair that "
                                                    "occurs",
                                        "n = %u code pairs that occur"),
                              pairs->len);
    Box b = frame(cr, w, h, c, title, sub, n);
    guint nc = codes->len;
    if (nc < 2) {
        no_data(cr, b, c, "No two codes were applied to one segment.");
        goto out;
    }
    double s = c->base, lab = s * 0.8;
    RText lt = rtext(lab);
    double lw = 0;
    for (guint i = 0; i < nc; i++) {
        double tw;
        lay_size(cr, codes->pdata[i], &lt, &tw, NULL);
        lw = MAX(lw, tw);
    }
    lw = MIN(lw + s * 0.5, b.w * 0.3);
    guint nm = nc - 1;  /* rows and columns of the lower triangle */
    double cell = MIN((b.w - lw - s * 4) / nm, (b.h - lw * 0.75) / nm);
    double x0 = b.x + lw, y0 = b.y;
    RText ct = rtext(lab * 0.9);
    ct.align = PANGO_ALIGN_CENTER;
    /* Codes are free text: each label is cut with "…" to its slot, one
     * line, right-aligned against the matrix. */
    double slot = MAX(lw - s * 0.5, s);
    for (guint i = 0; i < nm; i++) {
        RText rl = lt;
        rl.align = PANGO_ALIGN_RIGHT;
        rl.width = slot;
        rl.lines = 1;
        double th;
        lay_size(cr, codes->pdata[i + 1], &rl, NULL, &th);
        lay_draw(cr, x0 - s * 0.3 - slot, y0 + cell * (i + 0.5) - th / 2,
                 codes->pdata[i + 1], &rl);
        /* Column labels slanted under the matrix. */
        cairo_save(cr);
        /* Rising to the column from the lower left, ending at it. */
        cairo_translate(cr, x0 + cell * (i + 0.5), y0 + cell * nm + s * 0.3);
        cairo_rotate(cr, -G_PI / 4);
        /* At 45°, as long as the room to the left and below allows. */
        double room = MIN(x0 + cell * (i + 0.5) - b.x,
                          b.y + b.h - (y0 + cell * nm + s * 0.3));
        RText cl = lt;
        cl.align = PANGO_ALIGN_RIGHT;
        cl.width = MAX(MIN(slot, room * G_SQRT2 - lab), s);
        cl.lines = 1;
        lay_draw(cr, -cl.width, -lab * 0.7, codes->pdata[i], &cl);
        cairo_restore(cr);
    }
    for (guint i = 0; i < pairs->len; i++) {
        const P2pResult *r = pairs->pdata[i];
        char *g = g_strdup(r->grp + 5);
        char *amp = strstr(g, "&code=");
        *amp = 0;
        int ia = -1, ib = -1;
        for (guint j = 0; j < nc; j++) {
            if (strcmp(codes->pdata[j], g) == 0)
                ia = j;
            if (strcmp(codes->pdata[j], amp + 6) == 0)
                ib = j;
        }
        g_free(g);
        if (ia < 0 || ib < 0 || isnan(r->f[P2P_F_VALUE]))
            continue;
        /* Lower triangle: row the later code (from the second), column
         * the earlier (up to the last but one). */
        int row = MAX(ia, ib) - 1, col = MIN(ia, ib);
        double f = max > 0 ? r->f[P2P_F_VALUE] / max : 0;
        RColor fill = { 1 - f * (1 - OI_BLUE.r), 1 - f * (1 - OI_BLUE.g),
                        1 - f * (1 - OI_BLUE.b) };
        cairo_save(cr);
        set_rgb(cr, fill);
        cairo_rectangle(cr, x0 + col * cell + 1, y0 + row * cell + 1, cell - 2,
                        cell - 2);
        cairo_fill(cr);
        cairo_restore(cr);
        char *t = rd_format(rd, r, P2P_F_VALUE, FMT_COUNT);
        RText tt = ct;
        tt.color = f > 0.55 ? (RColor){ 1, 1, 1 } : GREY_TEXT;
        double th;
        lay_size(cr, t, &tt, NULL, &th);
        lay_draw(cr, x0 + (col + 0.5) * cell, y0 + (row + 0.5) * cell - th / 2,
                 t, &tt);
        g_free(t);
    }
    cairo_save(cr);
    set_rgb(cr, GREY_GRID);
    cairo_set_line_width(cr, s * 0.04);
    for (guint i = 0; i < nm; i++)
        for (guint j = 0; j <= i; j++)
            cairo_rectangle(cr, x0 + j * cell, y0 + i * cell, cell, cell);
    cairo_stroke(cr);
    cairo_restore(cr);
out:
    g_ptr_array_unref(codes);
    g_ptr_array_unref(pairs);
    g_free(title);
    g_free(sub);
    g_free(n);
}

static void chart_coverage(cairo_t *cr, double w, double h, ChartCtx *c)
{
    const ReportData *rd = c->rd;
    int ncat = is_all(c) ? (int)rd->countries->len + 1 : 1;
    const P2pResult *cov = rd_find(rd, c->country, "coverage", "all");
    double v;
    char *title = rd_value(cov, P2P_F_VALUE, &v)
        ? g_strdup_printf("Outreach reached an estimated %.0f%% of the hidden "
                          "population", 100 * v)
        : g_strdup("Clients reached against the estimated hidden population");
    c->message = rd_value(cov, P2P_F_VALUE, &v);
    char *sub = g_strdup_printf(
        "Clients reached (bar) and the Chapman capture–recapture estimate "
        "with its 95%% interval (whisker), %s", place(c));
    const ReportFigure *m = rd_figure(rd, c->country, "capture_recapture",
                                      "all", "m");
    const ReportFigure *n1 = rd_figure(rd, c->country, "capture_recapture",
                                       "all", "n1");
    const ReportFigure *n2 = rd_figure(rd, c->country, "capture_recapture",
                                       "all", "n2");
    char *a = rd_format_figure(rd, n1, 1, FMT_COUNT);
    char *bq = rd_format_figure(rd, n2, 1, FMT_COUNT);
    char *cm = rd_format_figure(rd, m, 1, FMT_COUNT);
    char *n = g_strdup_printf("n1 = %s (peers), n2 = %s (professionals), "
                              "m = %s (both)", a, bq, cm);
    g_free(a);
    g_free(bq);
    g_free(cm);
    Box b = frame(cr, w, h, c, title, sub, n);
    Bars *bars = bars_new(ncat, 2);
    static const char *const ser[2] = { "clients reached",
                                        "estimated population" };
    static const RStyle st[2] = {
        { {0.000, 0.447, 0.698}, FILL_SOLID },
        { {0.902, 0.624, 0.000}, FILL_OUTLINE },
    };
    bars->ser = ser;
    bars->styles = st;
    for (int i = 0; i < ncat; i++) {
        const char *cc = is_all(c) && i < ncat - 1 ? rd->countries->pdata[i]
                                                     : c->country;
        bars->cat[i] = strcmp(cc, "ALL") == 0 ? "All countries"
                                              : rd_country_en(cc);
        bars_from_result(bars, i * 2, rd,
                         rd_find(rd, cc, "clients_reached", "all"), FMT_COUNT,
                         FALSE);
        const P2pResult *pe = rd_find(rd, cc, "population_estimate", "all");
        bars_from_result(bars, i * 2 + 1, rd, pe, FMT_COUNT, TRUE);
        const P2pResult *cv = rd_find(rd, cc, "coverage", "all");
        if (!bars->supp[i * 2 + 1] && !isnan(bars->v[i * 2 + 1])) {
            char *cf = rd_format(rd, cv, P2P_F_VALUE, FMT_PERCENT);
            const ReportFigure *mm = rd_figure(rd, cc, "capture_recapture",
                                               "all", "m");
            gboolean weak = mm && !isnan(mm->value) && mm->value < 7;
            char *t = g_strdup_printf("%s; coverage %s%s", bars->text[i * 2 + 1],
                                      cf, weak ? "; UNRELIABLE (m < 7)" : "");
            g_free(bars->text[i * 2 + 1]);
            bars->text[i * 2 + 1] = t;
            g_free(cf);
        }
    }
    bars->axis_title = "people";
    bars_draw(cr, b, c, bars);
    bars_free(bars);
    g_free(title);
    g_free(sub);
    g_free(n);
}

static const char *indicator_label(const char *ind)
{
    static const struct { const char *ind, *label; } l[] = {
        { "clients_reached", "clients reached" },
        { "encounters", "encounters" },
        { "share_female", "share of women among clients" },
        { "share_under25", "share aged 24 or under" },
        { "share_early_career", "share early in their drug-using career" },
        { "referral_uptake", "referral uptake" },
        { "referral_rate", "encounters with a referral" },
        { "coverage", "coverage of the estimated population" },
        { "new_clients", "new clients" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(l); i++)
        if (strcmp(l[i].ind, ind) == 0)
            return l[i].label;
    return ind;
}

static void chart_country_comparison(cairo_t *cr, double w, double h,
                                     ChartCtx *c)
{
    const ReportData *rd = c->rd;
    const char *ind = c->indicator ? c->indicator : "clients_reached";
    gboolean prop = !(strcmp(ind, "clients_reached") == 0
                      || strcmp(ind, "encounters") == 0
                      || strcmp(ind, "new_clients") == 0);
    /* Every country with results, and ALL. */
    GPtrArray *ccs = g_ptr_array_new();
    for (int i = 0; i < 8; i++)
        if (rd_find(rd, rd_all_countries[i], ind, "all"))
            g_ptr_array_add(ccs, (gpointer)rd_all_countries[i]);
    char *title;
    double best = -1;
    const char *best_cc = NULL;
    for (guint i = 0; i < ccs->len; i++) {
        double v;
        if (rd_value(rd_find(rd, ccs->pdata[i], ind, "all"), P2P_F_VALUE, &v)
            && v > best) {
            best = v;
            best_cc = ccs->pdata[i];
        }
    }
    if (best_cc)
        title = g_strdup_printf("%s: highest in %s", indicator_label(ind),
                                rd_country_en(best_cc));
    else
        title = g_strdup_printf("%s by country", indicator_label(ind));
    title[0] = g_ascii_toupper(title[0]);
    char *sub = g_strdup_printf("%s%s in each partner country and pooled",
                                indicator_label(ind),
                                prop ? " with 95% intervals" : "");
    sub[0] = g_ascii_toupper(sub[0]);
    char *n;
    const P2pIndicator *def = p2p_indicator_find(ind);
    if (prop && def && def->denominator) {
        /* A proportion's n is its pooled denominator. */
        char *d = rd_format(rd, rd_find(rd, "ALL", ind, "all"), P2P_F_DEN,
                            FMT_COUNT);
        n = g_strdup_printf(rd_plural(ccs->len, "n = %s %s, %u country",
                                      "n = %s %s, %u countries"),
                            d, def->denominator, ccs->len);
        g_free(d);
    } else {
        char *tot = fmt_result(rd, "ALL", "clients_reached", "all",
                               FMT_COUNT);
        char *nc = g_strdup_printf(rd_plural_text(tot, "n = %s client reached",
                                                  "n = %s clients reached"),
                                   tot);
        n = g_strdup_printf(rd_plural(ccs->len, "%s in %u country",
                                      "%s in %u countries"), nc, ccs->len);
        g_free(nc);
        g_free(tot);
    }
    Box b = frame(cr, w, h, c, title, sub, n);
    if (ccs->len == 0) {
        no_data(cr, b, c, "No country has results.");
    } else {
        gboolean with_all = rd_find(rd, "ALL", ind, "all") != NULL;
        int ncat = ccs->len + (with_all ? 1 : 0);
        Bars *bars = bars_new(ncat, 1);
        static RStyle one[9];
        for (int i = 0; i < 9; i++)
            one[i] = STYLE_SERIES[0];
        one[ccs->len] = STYLE_SERIES[1];
        if (with_all)
            one[ccs->len] = (RStyle){ OI_BLUE, FILL_HATCH };
        bars->styles = one;
        bars->percent = prop;
        for (int i = 0; i < ncat; i++) {
            const char *cc = i < (int)ccs->len ? ccs->pdata[i] : "ALL";
            bars->cat[i] = strcmp(cc, "ALL") == 0 ? "All countries"
                                                  : rd_country_en(cc);
            bars_from_result(bars, i, rd, rd_find(rd, cc, ind, "all"),
                             prop ? FMT_PERCENT : FMT_COUNT, prop);
        }
        bars->axis_title = indicator_label(ind);
        bars_draw(cr, b, c, bars);
        bars_free(bars);
    }
    g_ptr_array_unref(ccs);
    g_free(title);
    g_free(sub);
    g_free(n);
}

const ChartDef chart_table[] = {
    { "reach_by_worker_type", "clients reached and encounters by worker type "
      "(countries side by side for ALL)", chart_reach_by_worker_type },
    { "reach_by_site", "clients reached at each site by worker type",
      chart_reach_by_site },
    { "referral_cascade", "clients reached, referred and attending a referral, "
      "by worker type", chart_referral_cascade },
    { "demographics", "share of women, of people aged 24 or under and early in "
      "their drug-using career, by worker type, with intervals",
      chart_demographics },
    { "uptake_by_service", "referral uptake by service, with intervals",
      chart_uptake_by_service },
    { "forest_plot", "peer versus professional risk ratios on a log scale, "
      "with intervals and Fisher p-values", chart_forest_plot },
    { "monthly_trend", "monthly encounters with the fitted Poisson trend line",
      chart_monthly_trend },
    { "fg_themes", "share of focus-group segments carrying each theme",
      chart_fg_themes },
    { "cooccurrence_heatmap", "focus-group segments carrying both of two codes",
      chart_cooccurrence_heatmap },
    { "coverage", "clients reached against the capture-recapture estimate of "
      "the hidden population", chart_coverage },
    { "country_comparison", "clients reached in each partner country and "
      "pooled (consortium)", chart_country_comparison },
    { NULL, NULL, NULL },
};

const ChartDef *chart_find(const char *name)
{
    for (const ChartDef *d = chart_table; d->name; d++)
        if (strcmp(d->name, name) == 0)
            return d;
    return NULL;
}

gboolean chart_render_file(const ChartDef *def, const ReportData *rd,
                           const char *country, int width, int height,
                           const char *path, GError **error)
{
    enum { PNG, SVG, PDF } kind = PNG;
    if (g_str_has_suffix(path, ".svg") || g_str_has_suffix(path, ".SVG"))
        kind = SVG;
    else if (g_str_has_suffix(path, ".pdf") || g_str_has_suffix(path, ".PDF"))
        kind = PDF;
    /* Every format through the output's stream, so that a chart replaces
     * its file only once whole. */
    P2pOutput *out = p2p_output_open(path, error);
    if (!out)
        return FALSE;
    cairo_surface_t *sf;
    if (kind == SVG)
        sf = cairo_svg_surface_create_for_stream(lay_write_output, out, width,
                                                 height);
    else if (kind == PDF)
        sf = cairo_pdf_surface_create_for_stream(lay_write_output, out, width,
                                                 height);
    else
        sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
    if (kind == PDF) {
        char *t = g_strdup_printf("%s (%s)", def->name, country);
        cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, t);
        cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_AUTHOR,
                                       "p2p toolkit");
        cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR,
                                       "p2p-report " P2P_VERSION);
        g_free(t);
    }
    cairo_t *cr = cairo_create(sf);
    lay_setup(cr);
    ChartCtx ctx = { 0 };
    ctx.rd = rd;
    ctx.country = country;
    ctx.base = MAX(6.0, MIN(width / 1600.0, height / 900.0) * 20.0);
    def->draw(cr, width, height, &ctx);
    if (kind == PDF && ctx.title) {
        /* The message is the document's title; the chart's name its
         * subject. */
        cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE,
                                       ctx.title);
        char *subj = g_strdup_printf("p2p chart %s, %s", def->name, country);
        cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_SUBJECT, subj);
        g_free(subj);
    }
    chart_ctx_clear(&ctx);
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    if (st == CAIRO_STATUS_SUCCESS && kind == PNG)
        st = cairo_surface_write_to_png_stream(sf, lay_write_output, out);
    cairo_surface_finish(sf);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(sf);
    cairo_surface_destroy(sf);
    return lay_output_finish(out, st, error);
}
