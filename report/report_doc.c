/* report_doc.c: the national and consortium reports — title page, the
 * sections the contract lists, the data-quality and methods annexes and the
 * provenance line — typeset twice so that every page says "page N of M". */
#include "report_doc.h"

#include <cairo-pdf.h>
#include <math.h>
#include <string.h>
#include "charts.h"
#include "indicators.h"
#include "layout.h"

/* State while one pass of the document is set. */
typedef struct {
    Doc *doc;              /* the document, borrowed */
    const ReportData *rd;  /* borrowed */
    gboolean all;          /* consortium report */
    int figure_no;         /* last figure number used */
    GPtrArray *cols;       /* of const char *: the scopes shown side by side
                              (countries then ALL; just CC nationally) */
} Rep;

static const char *const wgroups[4] = {
    "worker_type=peer", "worker_type=professional", "worker_type=mixed", "all"
};
static const char *const wlabels[4] = {
    "Peer educators", "Professionals", "Mixed teams", "All"
};

/* ---- formatting helpers ------------------------------------------------ */

static const P2pResult *find(const Rep *r, const char *cc, const char *ind,
                             const char *grp)
{
    return rd_find(r->rd, cc, ind, grp);
}

static char *val(const Rep *r, const char *cc, const char *ind,
                 const char *grp, RFmt fmt)
{
    return rd_format(r->rd, find(r, cc, ind, grp), P2P_F_VALUE, fmt);
}

/* "12.3% (10.1–14.8%)", or the suppression mark alone. */
static char *val_ci(const Rep *r, const P2pResult *row, RFmt fmt)
{
    char *v = rd_format(r->rd, row, P2P_F_VALUE, fmt);
    if (!row || row->state[P2P_F_VALUE] != P2P_CELL_SHOWN
        || isnan(row->f[P2P_F_LO]) || isnan(row->f[P2P_F_HI]))
        return v;
    char *lo = rd_format(r->rd, row, P2P_F_LO, fmt);
    char *hi = rd_format(r->rd, row, P2P_F_HI, fmt);
    char *t = g_strdup_printf("%s (%s–%s)", v, lo, hi);
    g_free(v);
    g_free(lo);
    g_free(hi);
    return t;
}

/* "123 / 456", or the suppression marks. */
static char *num_den(const Rep *r, const P2pResult *row)
{
    if (!row || isnan(row->f[P2P_F_DEN]))
        return g_strdup("–");
    char *n = rd_format(r->rd, row, P2P_F_NUM, FMT_COUNT);
    char *d = rd_format(r->rd, row, P2P_F_DEN, FMT_COUNT);
    char *t = g_strdup_printf("%s / %s", n, d);
    g_free(n);
    g_free(d);
    return t;
}

/* A source file as a reader tells it apart: its folder and name
 * ("GR/encounters.csv"), since partners' files often share a name.
 * Caller g_frees. */
static char *short_path(const char *path)
{
    char *base = g_path_get_basename(path);
    char *dir = g_path_get_dirname(path);
    char *parent = g_path_get_basename(dir);
    char *out = strcmp(dir, ".") == 0 || strcmp(parent, "/") == 0
                    ? g_strdup(base) : g_strconcat(parent, "/", base, NULL);
    g_free(base);
    g_free(dir);
    g_free(parent);
    return out;
}

static const char *scope_name(const char *cc)
{
    return strcmp(cc, "ALL") == 0 ? "All" : cc;
}

/* A table header: first label then one column per scope (consortium) or
 * the given labels. */
static RTable *scope_table(const Rep *r, const char *first)
{
    GString *align = g_string_new("l");
    for (guint i = 0; i < r->cols->len; i++)
        g_string_append_c(align, 'r');
    RTable *t = rtable_new(1 + r->cols->len, align->str);
    g_string_free(align, TRUE);
    if (r->cols->len > 5)
        rtable_set_size(t, 7.5);
    rtable_cell(t, first);
    for (guint i = 0; i < r->cols->len; i++)
        rtable_cell(t, scope_name(r->cols->pdata[i]));
    return t;
}

/* ---- figures ------------------------------------------------------------ */

typedef struct {
    Rep *rep;               /* the report */
    const ChartDef *def;    /* the chart */
    const char *country;    /* scope drawn */
    const char *indicator;  /* country_comparison's indicator */
    const char *note;       /* extra caption text or NULL */
} FigArgs;

static char *draw_chart(cairo_t *cr, double w, double h, void *data)
{
    FigArgs *a = data;
    ChartCtx ctx = { 0 };
    ctx.rd = a->rep->rd;
    ctx.country = a->country;
    ctx.embedded = TRUE;
    ctx.base = 8.5;
    ctx.indicator = a->indicator;
    a->def->draw(cr, w, h, &ctx);
    char *src = chart_source_line(a->rep->rd);
    char *t = lay_escape(ctx.title ? ctx.title : "");
    char *n = lay_escape(ctx.n_text ? ctx.n_text : "");
    char *note = a->note ? lay_escape(a->note) : g_strdup("");
    char *cap = g_strdup_printf("<b>Figure %d.</b> %s. %s.%s%s %s.",
                                ++a->rep->figure_no, t, n,
                                *note ? " " : "", note, src);
    g_free(src);
    g_free(t);
    g_free(n);
    g_free(note);
    chart_ctx_clear(&ctx);
    return cap;
}

/* A subheading kept on one page with the figure of height h under it. */
static void heading_fig(Rep *r, const char *text, double h)
{
    doc_need(r->doc, h + 70);
    doc_heading(r->doc, 2, text);
}

static void figure(Rep *r, const char *chart, const char *country, double h,
                   const char *indicator, const char *note)
{
    FigArgs a = { r, chart_find(chart), country, indicator, note };
    doc_figure(r->doc, h, draw_chart, &a);
}

/* ---- title page ---------------------------------------------------------- */

static void title_page(Rep *r)
{
    const ReportData *rd = r->rd;
    Doc *d = r->doc;
    cairo_t *cr = doc_cairo(d);
    /* A coloured band across the top. */
    cairo_save(cr);
    cairo_set_source_rgb(cr, OI_BLUE.r, OI_BLUE.g, OI_BLUE.b);
    cairo_rectangle(cr, 0, 0, 595.276, 12);
    cairo_fill(cr);
    cairo_restore(cr);
    doc_goto(d, 130);
    RText s = rtext(12);
    s.color = OI_BLUE;
    s.bold = TRUE;
    doc_text(d, r->all ? "PEER2PEER · CONSORTIUM REPORT"
                       : "PEER2PEER · NATIONAL REPORT", &s);
    doc_skip(d, 14);
    doc_bookmark(d, 1, "Title page");
    RText big = rtext(30);
    big.bold = TRUE;
    doc_text(d, rd_country_en(rd->scope), &big);
    doc_skip(d, 4);
    RText own = rtext(20);
    own.color = GREY_AXIS;
    doc_text(d, rd_country_own(rd->scope), &own);
    doc_skip(d, 24);
    RText sub = rtext(13);
    doc_text(d, "Peer educators and professional outreach workers: who they "
                "reach, who is new, and which referrals are taken up", &sub);
    doc_skip(d, 40);
    RText meta = rtext(10);
    meta.markup = TRUE;
    char *period = rd_period(rd);
    int nfiles = rd->sources->len;
    GString *src = g_string_new(NULL);
    for (int i = 0; i < nfiles && i < 12; i++) {
        const ReportSource *f = rd->sources->pdata[i];
        char *base = short_path(f->path);
        char *e = lay_escape(base);
        g_string_append_printf(src, "%s%s (%s)", i ? ", " : "", e, f->kind);
        g_free(e);
        g_free(base);
    }
    if (nfiles > 12)
        g_string_append_printf(src, " and %d more", nfiles - 12);
    if (nfiles == 0)
        g_string_append(src, "none");
    char *countries = NULL;
    if (r->all) {
        GString *c = g_string_new(NULL);
        for (guint i = 0; i < rd->countries->len; i++) {
            const char *cc = rd->countries->pdata[i];
            g_string_append_printf(c, "%s%s (%s)", i ? ", " : "",
                                   rd_country_en(cc), rd_country_own(cc));
        }
        countries = g_string_free(c, FALSE);
    }
    char *ec = countries ? lay_escape(countries) : NULL;
    char *files = g_strdup_printf(rd_plural(nfiles, "%d file loaded",
                                            "%d files loaded"), nfiles);
    char *txt = g_strdup_printf(
        "<b>Period</b>   %s\n%s%s%s"
        "<b>Sources</b>   %s: %s\n"
        "<b>Analysis</b>   run %" G_GINT64_FORMAT " of %s\n"
        "<b>Small cells</b>   counts below %d are not published\n"
        "<b>Generated</b>   %s",
        period, ec ? "<b>Countries</b>   " : "", ec ? ec : "", ec ? "\n" : "",
        files, src->str, rd->run_id, rd->run_time,
        rd->k, rd->generated);
    doc_text(d, txt, &meta);
    g_free(txt);
    g_free(files);
    g_free(ec);
    g_free(countries);
    g_free(period);
    g_string_free(src, TRUE);
    doc_goto(d, 690);
    RText fine = rtext(8.5);
    fine.color = GREY_AXIS;
    fine.markup = TRUE;
    doc_text(d, "The figures come from the partners' pseudonymised outreach "
                "records and focus-group transcripts. Counts between 1 and "
                "the small-cell threshold are shown as <i>&lt;K</i>, and "
                "figures withheld so that they cannot be worked back by "
                "subtraction as <i>c</i> (confidential); the methods annex "
                "gives the rule.", &fine);
    doc_page_break(d);
}

/* ---- sections ------------------------------------------------------------ */

typedef struct {
    const char *ind;    /* indicator */
    const char *label;  /* row label */
    RFmt fmt;           /* how the value reads */
    gboolean ci;        /* with its interval */
} KeyRow;

static const KeyRow key_rows[] = {
    { "encounters", "Encounters", FMT_COUNT, FALSE },
    { "anonymous_encounters", "Anonymous encounters", FMT_COUNT, FALSE },
    { "clients_reached", "Clients reached", FMT_COUNT, FALSE },
    { "new_clients", "New clients", FMT_COUNT, FALSE },
    { "first_contacts", "First contacts (partners' record)", FMT_COUNT, FALSE },
    { "retained_clients", "Clients seen twice or more", FMT_PERCENT, TRUE },
    { "contacts_per_client", "Contacts per client", FMT_RATIO, FALSE },
    { "share_female", "Women", FMT_PERCENT, TRUE },
    { "share_under25", "Aged 24 or under", FMT_PERCENT, TRUE },
    { "share_early_career", "Early career (0–2 years of use)", FMT_PERCENT,
      TRUE },
    { "share_injecting", "Injecting", FMT_PERCENT, TRUE },
    { "syringes_distributed", "Syringes distributed", FMT_COUNT, FALSE },
    { "naloxone_distributed", "Naloxone kits distributed", FMT_COUNT, FALSE },
    { "syringes_per_injecting_client", "Syringes per injecting client",
      FMT_RATIO, FALSE },
    { "referrals", "Referrals", FMT_COUNT, FALSE },
    { "referral_rate", "Encounters with a referral", FMT_PERCENT, TRUE },
    { "clients_referred", "Clients referred", FMT_COUNT, FALSE },
    { "clients_attended", "Clients attending a referral", FMT_COUNT, FALSE },
    { "referral_uptake", "Referral uptake", FMT_PERCENT, TRUE },
    { "population_estimate", "Estimated hidden population", FMT_COUNT, TRUE },
    { "coverage", "Coverage of that population", FMT_PERCENT, TRUE },
    { "encounter_trend", "Monthly trend in encounters (rate ratio)",
      FMT_RATIO, TRUE },
};

/* The findings the charts state, as a bulleted list: each chart is drawn
 * once on a recording surface to learn its message. */
static void key_messages(Rep *r)
{
    static const char *const charts[] = {
        "reach_by_worker_type", "demographics", "forest_plot",
        "referral_cascade", "uptake_by_service", "monthly_trend", "coverage",
    };
    const char *scope = r->all ? "ALL" : r->rd->scope;
    cairo_surface_t *rec = cairo_recording_surface_create(
        CAIRO_CONTENT_COLOR, NULL);
    cairo_t *cr = cairo_create(rec);
    GString *list = g_string_new(NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(charts); i++) {
        ChartCtx ctx = { 0 };
        ctx.rd = r->rd;
        ctx.country = scope;
        ctx.embedded = TRUE;
        ctx.base = 8.5;
        chart_find(charts[i])->draw(cr, 480, 270, &ctx);
        if (ctx.message && ctx.title) {
            char *e = lay_escape(ctx.title);
            g_string_append_printf(list, "%s• %s.", list->len ? "\n" : "", e);
            g_free(e);
        }
        chart_ctx_clear(&ctx);
    }
    cairo_destroy(cr);
    cairo_surface_destroy(rec);
    if (list->len) {
        doc_heading(r->doc, 2, "Key messages");
        doc_para(r->doc, list->str);
    }
    g_string_free(list, TRUE);
}

static void section_key_figures(Rep *r)
{
    doc_heading(r->doc, 1, "1. Key figures");
    key_messages(r);
    doc_heading(r->doc, 2, r->all ? "Figures by country" : "Figures");
    if (r->all) {
        doc_para(r->doc, "Each column is one partner country; the last pools "
                         "them (a client stays a client of their country).");
        RTable *t = scope_table(r, "Indicator");
        for (size_t i = 0; i < G_N_ELEMENTS(key_rows); i++) {
            rtable_cell(t, key_rows[i].label);
            for (guint j = 0; j < r->cols->len; j++)
                rtable_take(t, val(r, r->cols->pdata[j], key_rows[i].ind,
                                   "all", key_rows[i].fmt));
        }
        doc_table(r->doc, t);
        figure(r, "country_comparison", "ALL", 210, "clients_reached", NULL);
        return;
    }
    const char *cc = r->rd->scope;
    if (!find(r, cc, "encounters", "all"))
        doc_para(r->doc, "<b>The stored analysis holds no figures for this "
                         "country</b>: no encounter of it was loaded when the "
                         "analysis ran. Every figure below reads –.");
    RTable *t = rtable_new(3, "lrr");
    rtable_cell(t, "Indicator");
    rtable_cell(t, "Value (95% CI)");
    rtable_cell(t, "Numerator / denominator");
    for (size_t i = 0; i < G_N_ELEMENTS(key_rows); i++) {
        const P2pResult *row = find(r, cc, key_rows[i].ind, "all");
        rtable_cell(t, key_rows[i].label);
        rtable_take(t, key_rows[i].ci ? val_ci(r, row, key_rows[i].fmt)
                                      : rd_format(r->rd, row, P2P_F_VALUE,
                                                  key_rows[i].fmt));
        rtable_take(t, key_rows[i].fmt == FMT_COUNT ? g_strdup("")
                                                    : num_den(r, row));
    }
    doc_table(r->doc, t);
}

/* A print table of 10,000 sites helps nobody: beyond SITES_ALL sites a
 * country shows its SITES_TOP largest and one row for the others. */
#define SITES_ALL 30
#define SITES_TOP 25

/* One site's row: clients by worker type, and its encounters — its "all"
 * row when stored, else the sum of the worker types when each of them is
 * published. */
static void site_row(Rep *r, RTable *t, const char *cc, const char *site)
{
    if (r->all)
        rtable_cell(t, cc);
    rtable_cell(t, *site ? site : "(no site recorded)");
    double enc = 0;
    gboolean enc_ok = TRUE, enc_any = FALSE;
    for (int w = 0; w < 3; w++) {
        const ReportFigure *f = rd_figure(r->rd, cc, "reach_by_site",
                                          wgroups[w], site);
        rtable_take(t, f ? rd_format_figure(r->rd, f, 1, FMT_COUNT)
                         : g_strdup("0"));
        if (f && !isnan(f->value2)) {
            enc_any = TRUE;
            if (f->state2 != P2P_CELL_SHOWN)
                enc_ok = FALSE;
            else
                enc += f->value2;
        }
    }
    const ReportFigure *fa = rd_figure(r->rd, cc, "reach_by_site", "all",
                                       site);
    if (fa)
        rtable_take(t, rd_format_figure(r->rd, fa, 2, FMT_COUNT));
    else if (enc_any && enc_ok)
        rtable_take(t, rd_format_number(enc, FMT_COUNT));
    else
        rtable_cell(t, enc_any ? "c" : "–");
}

/* The sites after the first SITES_TOP in one row: how many, and their
 * encounters added up — published only when every one of them is, since
 * the sum with a withheld site in it would give that site back by
 * subtraction. Clients are not additive across sites (a client meets
 * several), so their cells stay empty. */
static void other_sites_row(Rep *r, RTable *t, const char *cc,
                            GPtrArray *sites)
{
    guint n = sites->len - SITES_TOP;
    double enc = 0;
    gboolean shown = TRUE;
    for (guint i = SITES_TOP; i < sites->len; i++) {
        const ReportFigure *fa = rd_figure(r->rd, cc, "reach_by_site", "all",
                                           sites->pdata[i]);
        if (!fa || fa->state2 != P2P_CELL_SHOWN || isnan(fa->value2))
            shown = FALSE;
        else
            enc += fa->value2;
    }
    if (r->all)
        rtable_cell(t, cc);
    rtable_take(t, g_strdup_printf(rd_plural(n, "%u other site",
                                             "%u other sites"), n));
    for (int w = 0; w < 3; w++)
        rtable_cell(t, "");
    if (!shown)
        rtable_cell(t, "c");
    else if (enc >= 1 && enc < r->rd->k)
        rtable_take(t, g_strdup_printf("<%d", r->rd->k));
    else
        rtable_take(t, rd_format_number(enc, FMT_COUNT));
}

static void site_table(Rep *r)
{
    doc_heading(r->doc, 2, "Reach by site");
    RTable *t = rtable_new(r->all ? 6 : 5, r->all ? "llrrrr" : "lrrrr");
    if (r->all)
        rtable_cell(t, "Country");
    rtable_cell(t, "Site");
    rtable_cell(t, "Peer");
    rtable_cell(t, "Professional");
    rtable_cell(t, "Mixed");
    rtable_cell(t, "Encounters");
    guint any = 0, cut = 0;
    for (guint c = 0; c < r->rd->countries->len; c++) {
        const char *cc = r->rd->countries->pdata[c];
        GPtrArray *sites = rd_sites(r->rd, cc);
        gboolean many = sites->len > SITES_ALL;
        guint shown = many ? SITES_TOP : sites->len;
        for (guint i = 0; i < shown; i++)
            site_row(r, t, cc, sites->pdata[i]);
        if (many) {
            other_sites_row(r, t, cc, sites);
            cut++;
        }
        any += sites->len;
        g_ptr_array_unref(sites);
    }
    if (!any) {
        rtable_free(t);
        doc_para(r->doc, "No site was recorded.");
        return;
    }
    GString *p = g_string_new(
        "Clients reached at each site by worker type, and the site's "
        "encounters, the sites with most encounters first. Encounters with "
        "no site recorded are left out, so the sites need not add up to all "
        "encounters.");
    if (cut)
        g_string_append_printf(p, " Where a country has more than %d sites, "
                               "its %d largest are listed and the others "
                               "share one row: their number and their "
                               "encounters, shown only when every one of "
                               "them is published (clients are not added up "
                               "across sites: a client can be met at "
                               "several).", SITES_ALL, SITES_TOP);
    doc_para(r->doc, p->str);
    g_string_free(p, TRUE);
    doc_table(r->doc, t);
    if (!r->all)
        figure(r, "reach_by_site", r->rd->scope, 260, NULL, NULL);
}

static void section_reach(Rep *r)
{
    static const KeyRow rows[] = {
        { "encounters", "Encounters", FMT_COUNT, FALSE },
        { "anonymous_encounters", "Anonymous encounters", FMT_COUNT, FALSE },
        { "clients_reached", "Clients reached", FMT_COUNT, FALSE },
        { "new_clients", "New clients", FMT_COUNT, FALSE },
        { "first_contacts", "First contacts", FMT_COUNT, FALSE },
        { "contacts_per_client", "Contacts per client", FMT_RATIO, FALSE },
        { "retained_clients", "Seen twice or more", FMT_PERCENT, FALSE },
    };
    doc_heading(r->doc, 1, "2. Reach by worker type and by site");
    doc_para(r->doc, "A client met by both peer educators and professionals "
                     "counts in both columns, so the worker types do not add "
                     "up to <i>All</i> for clients; encounters do.");
    if (r->all) {
        for (size_t i = 0; i < 3; i++) {
            char *h = g_strdup_printf("%s by worker type", rows[i].label);
            doc_heading(r->doc, 2, h);
            g_free(h);
            RTable *t = scope_table(r, "Worker type");
            for (int w = 0; w < 4; w++) {
                rtable_cell(t, wlabels[w]);
                for (guint j = 0; j < r->cols->len; j++)
                    rtable_take(t, val(r, r->cols->pdata[j], rows[i].ind,
                                       wgroups[w], rows[i].fmt));
            }
            doc_table(r->doc, t);
        }
        figure(r, "reach_by_worker_type", "ALL", 330, NULL, NULL);
    } else {
        const char *cc = r->rd->scope;
        RTable *t = rtable_new(5, "lrrrr");
        rtable_cell(t, "");
        for (int w = 0; w < 4; w++)
            rtable_cell(t, wlabels[w]);
        for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
            rtable_cell(t, rows[i].label);
            for (int w = 0; w < 4; w++)
                rtable_take(t, val(r, cc, rows[i].ind, wgroups[w],
                                   rows[i].fmt));
        }
        doc_table(r->doc, t);
        figure(r, "reach_by_worker_type", cc, 190, NULL, NULL);
    }
    site_table(r);
}

static void section_demographics(Rep *r)
{
    static const KeyRow rows[] = {
        { "share_female", "Women", FMT_PERCENT, TRUE },
        { "share_under25", "Aged 24 or under", FMT_PERCENT, TRUE },
        { "share_early_career", "Early career (0–2 years)", FMT_PERCENT, TRUE },
        { "share_injecting", "Injecting", FMT_PERCENT, TRUE },
    };
    doc_heading(r->doc, 1, "3. Who is reached");
    doc_para(r->doc, "Shares among the clients reached whose value is known, "
                     "with 95% Wilson score intervals. Sex, birth year and "
                     "age at first use come from each client's latest "
                     "encounter where they are known.");
    if (r->all) {
        RTable *t = scope_table(r, "Share of clients");
        for (size_t i = 0; i < G_N_ELEMENTS(rows); i++)
            for (int w = 0; w < 3; w += 1) {
                if (w == 2)
                    continue;
                char *l = g_strdup_printf("%s — %s", rows[i].label,
                                          w == 0 ? "peers" : "professionals");
                rtable_take(t, l);
                for (guint j = 0; j < r->cols->len; j++)
                    rtable_take(t, val(r, r->cols->pdata[j], rows[i].ind,
                                       wgroups[w], FMT_PERCENT));
            }
        doc_table(r->doc, t);
        /* The same shares country by country, with their intervals and
         * the numerator / denominator behind them. */
        RTable *ci = rtable_new(1 + G_N_ELEMENTS(rows), "lrrrr");
        rtable_cell(ci, "All clients (95% CI)");
        for (size_t i = 0; i < G_N_ELEMENTS(rows); i++)
            rtable_cell(ci, rows[i].label);
        for (guint j = 0; j < r->cols->len; j++) {
            const char *cc = r->cols->pdata[j];
            rtable_cell(ci, scope_name(cc));
            for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
                const P2pResult *row = find(r, cc, rows[i].ind, "all");
                char *v = val_ci(r, row, FMT_PERCENT);
                char *nd = num_den(r, row);
                rtable_take(ci, g_strdup_printf("%s\n%s", v, nd));
                g_free(v);
                g_free(nd);
            }
        }
        rtable_set_size(ci, 7.5);
        doc_table(r->doc, ci);
        figure(r, "demographics", "ALL", 260, NULL, NULL);
        figure(r, "country_comparison", "ALL", 210, "share_under25", NULL);
        return;
    }
    const char *cc = r->rd->scope;
    RTable *t = rtable_new(5, "lrrrr");
    rtable_cell(t, "Share of clients");
    for (int w = 0; w < 4; w++)
        rtable_cell(t, wlabels[w]);
    for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
        rtable_cell(t, rows[i].label);
        for (int w = 0; w < 4; w++) {
            const P2pResult *row = find(r, cc, rows[i].ind, wgroups[w]);
            char *v = val_ci(r, row, FMT_PERCENT);
            char *nd = num_den(r, row);
            rtable_take(t, g_strdup_printf("%s\n%s", v, nd));
            g_free(v);
            g_free(nd);
        }
    }
    rtable_set_size(t, 8);
    doc_table(r->doc, t);
    figure(r, "demographics", cc, 250, NULL, NULL);
}

/* The distinct groups with a prefix (e.g. "role=") of an indicator over the
 * shown scopes, in byte order. */
static GPtrArray *groups_of(const Rep *r, const char *ind, const char *prefix)
{
    GPtrArray *out = g_ptr_array_new();
    for (guint i = 0; i < r->rd->rs->rows->len; i++) {
        const P2pResult *row = r->rd->rs->rows->pdata[i];
        if (strcmp(row->period, "all") != 0 || strcmp(row->indicator, ind) != 0
            || !g_str_has_prefix(row->grp, prefix))
            continue;
        gboolean in = FALSE;
        for (guint j = 0; j < r->cols->len; j++)
            in |= strcmp(r->cols->pdata[j], row->country) == 0;
        for (guint j = 0; j < out->len && in; j++)
            if (strcmp(out->pdata[j], row->grp) == 0)
                in = FALSE;
        if (in)
            g_ptr_array_add(out, row->grp);
    }
    g_ptr_array_sort(out, rd_cmp_str);
    return out;
}

static void section_referrals(Rep *r)
{
    static const KeyRow rows[] = {
        { "clients_reached", "Clients reached", FMT_COUNT, FALSE },
        { "clients_referred", "Clients referred", FMT_COUNT, FALSE },
        { "clients_attended", "Clients attending a referral", FMT_COUNT, FALSE },
        { "referrals", "Referrals made", FMT_COUNT, FALSE },
        { "referral_rate", "Encounters with a referral", FMT_PERCENT, TRUE },
        { "referral_uptake", "Uptake (attended / known outcome)", FMT_PERCENT,
          TRUE },
    };
    doc_heading(r->doc, 1, "4. Referrals: the cascade and uptake");
    doc_para(r->doc, "The cascade follows clients from the first contact to a "
                     "service: reached, referred at least once, and attending "
                     "at least one referral. Uptake counts referrals whose "
                     "outcome is known (attended or not attended).");
    if (r->all) {
        RTable *t = scope_table(r, "");
        for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
            rtable_cell(t, rows[i].label);
            for (guint j = 0; j < r->cols->len; j++)
                rtable_take(t, val(r, r->cols->pdata[j], rows[i].ind, "all",
                                   rows[i].fmt));
        }
        doc_table(r->doc, t);
    } else {
        const char *cc = r->rd->scope;
        RTable *t = rtable_new(5, "lrrrr");
        rtable_cell(t, "");
        for (int w = 0; w < 4; w++)
            rtable_cell(t, wlabels[w]);
        for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
            rtable_cell(t, rows[i].label);
            for (int w = 0; w < 4; w++)
                rtable_take(t, rows[i].ci
                    ? val_ci(r, find(r, cc, rows[i].ind, wgroups[w]),
                             rows[i].fmt)
                    : val(r, cc, rows[i].ind, wgroups[w], rows[i].fmt));
        }
        rtable_set_size(t, 8.5);
        doc_table(r->doc, t);
    }
    const char *scope = r->all ? "ALL" : r->rd->scope;
    figure(r, "referral_cascade", scope, 240, NULL, NULL);
    doc_heading(r->doc, 2, "Uptake by service");
    GPtrArray *svc = groups_of(r, "referral_uptake", "service=");
    if (svc->len == 0) {
        doc_para(r->doc, "No referral with a known outcome was recorded.");
    } else {
        RTable *t;
        if (r->all) {
            t = scope_table(r, "Service");
        } else {
            t = rtable_new(3, "lrr");
            rtable_cell(t, "Service");
            rtable_cell(t, "Uptake (95% CI)");
            rtable_cell(t, "Attended / known outcome");
        }
        for (guint i = 0; i < svc->len; i++) {
            const char *grp = svc->pdata[i];
            rtable_cell(t, grp + 8);
            for (guint j = 0; j < r->cols->len; j++) {
                const P2pResult *row = find(r, r->cols->pdata[j],
                                            "referral_uptake", grp);
                rtable_take(t, r->all ? rd_format(r->rd, row, P2P_F_VALUE,
                                                  FMT_PERCENT)
                                      : val_ci(r, row, FMT_PERCENT));
                if (!r->all)
                    rtable_take(t, num_den(r, row));
            }
        }
        doc_table(r->doc, t);
        figure(r, "uptake_by_service", scope, 230, NULL, NULL);
        if (r->all)
            figure(r, "country_comparison", "ALL", 210, "referral_uptake",
                   NULL);
    }
    g_ptr_array_unref(svc);
}

static void section_forest(Rep *r)
{
    static const struct { const char *base, *label; } cmp[] = {
        { "share_female", "Women" },
        { "share_under25", "Aged 24 or under" },
        { "share_early_career", "Early career (0–2 years)" },
        { "referral_rate", "Encounters with a referral" },
        { "referral_uptake", "Referral uptake" },
    };
    doc_heading(r->doc, 1, "5. Peers compared with professionals");
    doc_para(r->doc, "Risk ratios compare the share among clients (or "
                     "encounters, or referrals) of peer educators with the "
                     "share among those of professionals: above 1, the "
                     "feature is more common among peers' clients. Intervals "
                     "are Katz log intervals; p-values are two-sided Fisher "
                     "exact tests. Clients seen by both sit in both arms.");
    const char *scope = r->all ? "ALL" : r->rd->scope;
    RTable *t = rtable_new(5, "lrrrr");
    rtable_cell(t, "Compared");
    rtable_cell(t, "Peers");
    rtable_cell(t, "Professionals");
    rtable_cell(t, "Risk ratio (95% CI)");
    rtable_cell(t, "p");
    for (size_t i = 0; i < G_N_ELEMENTS(cmp); i++) {
        char *name = g_strconcat(cmp[i].base, "_peer_vs_professional", NULL);
        const P2pResult *row = find(r, scope, name, "all");
        rtable_cell(t, cmp[i].label);
        rtable_take(t, num_den(r, find(r, scope, cmp[i].base, wgroups[0])));
        rtable_take(t, num_den(r, find(r, scope, cmp[i].base, wgroups[1])));
        rtable_take(t, val_ci(r, row, FMT_RATIO));
        rtable_take(t, rd_format(r->rd, row, P2P_F_P, FMT_P));
        g_free(name);
    }
    doc_table(r->doc, t);
    if (r->all) {
        doc_para(r->doc, "Country by country: risk ratio peer / professional "
                         "(p-value).");
        RTable *c = scope_table(r, "Compared");
        for (size_t i = 0; i < G_N_ELEMENTS(cmp); i++) {
            char *name = g_strconcat(cmp[i].base, "_peer_vs_professional",
                                     NULL);
            rtable_cell(c, cmp[i].label);
            for (guint j = 0; j < r->cols->len; j++) {
                const P2pResult *row = find(r, r->cols->pdata[j], name, "all");
                char *v = rd_format(r->rd, row, P2P_F_VALUE, FMT_RATIO);
                if (row && row->state[P2P_F_VALUE] == P2P_CELL_SHOWN
                    && !isnan(row->f[P2P_F_VALUE]) && !isnan(row->f[P2P_F_P])) {
                    char *p = rd_format(r->rd, row, P2P_F_P, FMT_P);
                    char *t = g_strdup_printf("%s\n(%s)", v, p);
                    g_free(v);
                    g_free(p);
                    v = t;
                }
                rtable_take(c, v);
            }
            g_free(name);
        }
        doc_table(r->doc, c);
    }
    figure(r, "forest_plot", scope, 220, NULL, NULL);
}

/* Small multiples: each country's monthly trend, two to a row. */
static char *draw_trend_multiples(cairo_t *cr, double w, double h, void *data)
{
    Rep *r = data;
    guint n = r->rd->countries->len;
    double cw = w / 2, ch = h / ((n + 1) / 2);
    for (guint i = 0; i < n; i++) {
        ChartCtx ctx = { 0 };
        ctx.rd = r->rd;
        ctx.country = r->rd->countries->pdata[i];
        /* The name opens the panel's title: "The Netherlands", capitalised. */
        const char *name = rd_country_en(ctx.country);
        char *label = g_str_has_prefix(name, "the ") ? g_strconcat("The", name + 3, NULL)
                                                     : g_strdup(name);
        ctx.label = label;
        ctx.embedded = TRUE;
        ctx.base = 7.5;   /* legible in print at half the page width */
        cairo_save(cr);
        cairo_translate(cr, (i % 2) * cw, (i / 2) * ch);
        cairo_rectangle(cr, 0, 0, cw - 8, ch - 6);
        cairo_clip(cr);
        chart_find("monthly_trend")->draw(cr, cw - 8, ch - 6, &ctx);
        cairo_restore(cr);
        chart_ctx_clear(&ctx);
        g_free(label);
    }
    char *src = chart_source_line(r->rd);
    char *cap = g_strdup_printf("<b>Figure %d.</b> Monthly encounters and the "
                                "fitted Poisson trend in each partner country "
                                "(each on its own scale). %s.",
                                ++r->figure_no, src);
    g_free(src);
    return cap;
}

static void section_trend(Rep *r)
{
    doc_heading(r->doc, 1, "6. Encounters over time");
    doc_para(r->doc, "A Poisson regression (log link) of monthly encounter "
                     "counts on the month index, over every month from the "
                     "first to the last with an encounter (months with none "
                     "count as 0). The rate ratio is the fitted change from "
                     "one month to the next.");
    if (r->all) {
        RTable *t = scope_table(r, "");
        rtable_cell(t, "Monthly rate ratio");
        for (guint j = 0; j < r->cols->len; j++)
            rtable_take(t, val(r, r->cols->pdata[j], "encounter_trend", "all",
                               FMT_RATIO));
        rtable_cell(t, "p");
        for (guint j = 0; j < r->cols->len; j++)
            rtable_take(t, rd_format(r->rd, find(r, r->cols->pdata[j],
                                                 "encounter_trend", "all"),
                                     P2P_F_P, FMT_P));
        doc_table(r->doc, t);
    } else {
        const P2pResult *row = find(r, r->rd->scope, "encounter_trend", "all");
        char *v = val_ci(r, row, FMT_RATIO);
        char *p = rd_format(r->rd, row, P2P_F_P, FMT_P);
        char *e = lay_escape(v);
        char *ep = lay_escape(p);
        char *txt = g_strdup_printf("Monthly rate ratio: <b>%s</b>, Wald p "
                                    "%s%s.", e, p[0] == '<' ? "" : "= ", ep);
        g_free(ep);
        doc_para(r->doc, txt);
        g_free(txt);
        g_free(e);
        g_free(v);
        g_free(p);
    }
    figure(r, "monthly_trend", r->all ? "ALL" : r->rd->scope, 220, NULL, NULL);
    if (r->all && r->rd->countries->len > 1) {
        int rows = (r->rd->countries->len + 1) / 2;
        doc_figure(r->doc, rows * 175.0, draw_trend_multiples, r);
    }
}

static void section_coverage(Rep *r)
{
    doc_heading(r->doc, 1, "7. Coverage of the hidden population");
    doc_para(r->doc, "The size of the population of people who use drugs in "
                     "the outreach areas is estimated by two-source "
                     "capture–recapture (Chapman): clients seen by peer "
                     "educators (n1), by professionals (n2) and by both (m); "
                     "mixed-team encounters count for neither. Coverage is "
                     "the clients reached divided by the estimate. The "
                     "estimate assumes a <b>closed population</b> over the "
                     "period, <b>independent lists</b> (meeting a peer does "
                     "not change the chance of meeting a professional) and "
                     "<b>equal catchability</b> (everyone equally likely to be "
                     "met). Peers and professionals working the same scenes "
                     "or referring to each other break independence, usually "
                     "making the estimate too low. With fewer than 7 clients "
                     "on both lists (m &lt; 7) the estimate is "
                     "<b>unreliable</b> and flagged so.");
    /* One row per scope: the lists, the estimate, coverage, reliability. */
    RTable *t = rtable_new(8, "lrrrrrrl");
    rtable_set_size(t, r->all ? 7.5 : 8.5);
    static const char *const head[8] = {
        "", "n1 (peers)", "n2 (prof.)", "m (both)", "Clients reached",
        "Estimate (95% CI)", "Coverage (95% CI)", "Reliability"
    };
    for (int k = 0; k < 8; k++)
        rtable_cell(t, head[k]);
    static const char *const keys[3] = { "n1", "n2", "m" };
    for (guint j = 0; j < r->cols->len; j++) {
        const char *cc = r->cols->pdata[j];
        rtable_cell(t, strcmp(cc, "ALL") == 0 ? "All" : rd_country_en(cc));
        for (int k = 0; k < 3; k++)
            rtable_take(t, rd_format_figure(
                r->rd, rd_figure(r->rd, cc, "capture_recapture", "all",
                                 keys[k]), 1, FMT_COUNT));
        rtable_take(t, val(r, cc, "clients_reached", "all", FMT_COUNT));
        rtable_take(t, val_ci(r, find(r, cc, "population_estimate", "all"),
                              FMT_COUNT));
        rtable_take(t, val_ci(r, find(r, cc, "coverage", "all"),
                              FMT_PERCENT));
        const ReportFigure *m = rd_figure(r->rd, cc, "capture_recapture",
                                          "all", "m");
        const P2pResult *pe = find(r, cc, "population_estimate", "all");
        if (!pe || isnan(pe->f[P2P_F_VALUE]))
            rtable_cell(t, "no estimate");
        else if (m && !isnan(m->value) && m->value < 7)
            rtable_markup(t, "<b>unreliable (m &lt; 7)</b>");
        else
            rtable_cell(t, "m ≥ 7");
    }
    doc_table(r->doc, t);
    figure(r, "coverage", r->all ? "ALL" : r->rd->scope, r->all ? 300 : 170,
           NULL, NULL);
}

static void section_focus_groups(Rep *r)
{
    doc_heading(r->doc, 1, "8. Focus groups");
    const char *scope = r->all ? "ALL" : r->rd->scope;
    doc_para(r->doc, "Sessions held, who took part, the themes raised in the "
                     "coded transcripts, which codes were raised together, "
                     "and how far the coders agreed. Segment counts are "
                     "counts of text, not of people, and are not "
                     "suppressed.");
    RTable *t = scope_table(r, "");
    rtable_cell(t, "Sessions");
    for (guint j = 0; j < r->cols->len; j++)
        rtable_take(t, val(r, r->cols->pdata[j], "fg_sessions", "all",
                           FMT_COUNT));
    rtable_cell(t, "Participants");
    for (guint j = 0; j < r->cols->len; j++)
        rtable_take(t, val(r, r->cols->pdata[j], "fg_participants", "all",
                           FMT_COUNT));
    GPtrArray *roles = groups_of(r, "fg_participants", "role=");
    for (guint i = 0; i < roles->len; i++) {
        const char *g = roles->pdata[i];
        rtable_take(t, g_strdup_printf("   %s", g + 5));
        for (guint j = 0; j < r->cols->len; j++)
            rtable_take(t, val(r, r->cols->pdata[j], "fg_participants", g,
                               FMT_COUNT));
    }
    g_ptr_array_unref(roles);
    doc_table(r->doc, t);
    heading_fig(r, "Themes", 220);
    figure(r, "fg_themes", scope, 220, NULL, NULL);
    heading_fig(r, "Codes raised together", 300);
    figure(r, "cooccurrence_heatmap", scope, 300, NULL, NULL);
    doc_heading(r->doc, 2, "Coder agreement");
    GPtrArray *codes = groups_of(r, "coder_agreement", "code=");
    if (codes->len == 0) {
        doc_para(r->doc, "No agreement could be computed (a single coder, or "
                         "no coded segment).");
    } else {
        doc_para(r->doc, "Krippendorff's α (nominal) on the presence or "
                         "absence of each code on every segment, and Cohen's "
                         "κ where exactly two coders coded every focus group. "
                         "Values above 0.8 are conventionally good, below "
                         "0.667 too low for conclusions.");
        RTable *a;
        if (r->all) {
            a = scope_table(r, "Code (α)");
        } else {
            a = rtable_new(3, "lrr");
            rtable_cell(a, "Code");
            rtable_cell(a, "Krippendorff's α");
            rtable_cell(a, "Cohen's κ");
        }
        for (guint i = 0; i < codes->len; i++) {
            const char *g = codes->pdata[i];
            rtable_cell(a, g + 5);
            for (guint j = 0; j < r->cols->len; j++) {
                rtable_take(a, val(r, r->cols->pdata[j], "coder_agreement", g,
                                   FMT_RATIO));
                if (!r->all)
                    rtable_take(a, val(r, r->cols->pdata[j], "coder_kappa", g,
                                       FMT_RATIO));
            }
        }
        doc_table(r->doc, a);
        if (r->all) {
            /* Cohen's κ beside α, country by country, where it applies. */
            RTable *k = scope_table(r, "Code (κ)");
            for (guint i = 0; i < codes->len; i++) {
                const char *g = codes->pdata[i];
                rtable_cell(k, g + 5);
                for (guint j = 0; j < r->cols->len; j++)
                    rtable_take(k, val(r, r->cols->pdata[j], "coder_kappa", g,
                                       FMT_RATIO));
            }
            doc_table(r->doc, k);
        }
    }
    g_ptr_array_unref(codes);
}

static void annex_data_quality(Rep *r)
{
    const ReportData *rd = r->rd;
    doc_page_break(r->doc);
    doc_heading(r->doc, 1, "Annex A. Data quality");
    char *intro = g_strdup_printf(
        "%s Each file is identified by the SHA-256 of its bytes. "
        "<i>Read</i> counts the records in the file; <i>new</i>, "
        "<i>updated</i> and <i>unchanged</i> the rows loaded; "
        "<i>rejected</i> the rows not loaded, for the reasons listed below; "
        "<i>skipped</i> rows of erased clients or of coder pairs kept from an "
        "earlier file.",
        r->all ? "Every file loaded into the study database."
               : "The files holding this country's records (and the shared "
                 "codebook).");
    doc_para(r->doc, intro);
    g_free(intro);
    if (rd->sources->len == 0) {
        doc_para(r->doc, "No source file is recorded.");
        return;
    }
    RTable *t = rtable_new(7, "lrrrrrr");
    rtable_set_size(t, 7.5);
    rtable_cell(t, "File (kind) and SHA-256");
    rtable_cell(t, "read");
    rtable_cell(t, "new");
    rtable_cell(t, "updated");
    rtable_cell(t, "unchanged");
    rtable_cell(t, "rejected");
    rtable_cell(t, "skipped");
    for (guint i = 0; i < rd->sources->len; i++) {
        const ReportSource *s = rd->sources->pdata[i];
        char *p = lay_escape(s->path);
        rtable_markup_take(t, g_strdup_printf(
            "%s (%s, %s)\n<tt><small>%s</small></tt>", p, s->kind,
            s->ingested_at, s->sha256));
        g_free(p);
        rtable_take(t, g_strdup_printf("%" G_GINT64_FORMAT, s->rows_read));
        rtable_take(t, g_strdup_printf("%" G_GINT64_FORMAT, s->inserted));
        rtable_take(t, g_strdup_printf("%" G_GINT64_FORMAT, s->updated));
        rtable_take(t, g_strdup_printf("%" G_GINT64_FORMAT, s->unchanged));
        rtable_take(t, g_strdup_printf("%" G_GINT64_FORMAT, s->rejected));
        rtable_take(t, g_strdup_printf("%" G_GINT64_FORMAT, s->skipped));
    }
    doc_table(r->doc, t);
    doc_heading(r->doc, 2, "Rejected rows by reason");
    RTable *j = rtable_new(4, "lllr");
    rtable_set_size(j, 8);
    rtable_cell(j, "File");
    rtable_cell(j, "Column");
    rtable_cell(j, "Reason");
    rtable_cell(j, "Rows");
    gboolean any = FALSE;
    for (guint i = 0; i < rd->sources->len; i++) {
        const ReportSource *s = rd->sources->pdata[i];
        char *base = short_path(s->path);
        for (guint k = 0; k < s->reasons->len; k++) {
            const ReportReason *x = s->reasons->pdata[k];
            rtable_cell(j, base);
            rtable_cell(j, *x->column ? x->column : "(row)");
            rtable_cell(j, x->reason);
            rtable_take(j, g_strdup_printf("%" G_GINT64_FORMAT, x->n));
            any = TRUE;
        }
        g_free(base);
    }
    if (any) {
        doc_table(r->doc, j);
    } else {
        rtable_free(j);
        doc_para(r->doc, "No row was rejected.");
    }
}

static void annex_methods(Rep *r)
{
    doc_heading(r->doc, 1, "Annex B. Methods");
    doc_heading(r->doc, 2, "Indicators");
    doc_para(r->doc, "Every figure of this report is one of the toolkit's "
                     "indicators, computed per country and for all countries "
                     "pooled, over the whole period, and for each worker "
                     "type. Proportions carry 95% Wilson score intervals "
                     "(z = 1.959964).");
    size_t n = 0;
    const P2pIndicator *tab = p2p_indicators(&n);
    RTable *t = rtable_new(3, "lll");
    rtable_set_size(t, 7.5);
    rtable_cell(t, "Indicator");
    rtable_cell(t, "Unit");
    rtable_cell(t, "Definition");
    for (size_t i = 0; i < n; i++) {
        char *name = lay_escape(tab[i].name);
        rtable_markup_take(t, g_strdup_printf("<tt>%s</tt>", name));
        g_free(name);
        rtable_cell(t, tab[i].unit);
        GString *def = g_string_new(tab[i].definition);
        if (tab[i].numerator)
            g_string_append_printf(def, " Numerator: %s.", tab[i].numerator);
        if (tab[i].denominator)
            g_string_append_printf(def, " Denominator: %s.",
                                   tab[i].denominator);
        if (!tab[i].sensitive)
            g_string_append(def, " Not suppressed.");
        rtable_take(t, g_string_free(def, FALSE));
    }
    doc_table(r->doc, t);
    doc_heading(r->doc, 2, "Small-cell suppression");
    char *rule = g_strdup_printf(
        "Threshold K = %d. (1) A count of people, encounters or referrals "
        "between 1 and K − 1 is not published and reads <b>&lt;%d</b>; 0 is "
        "shown. (2) A proportion, mean or ratio is withheld — value, "
        "interval, numerator and denominator together — when its numerator "
        "or denominator is between 1 and K − 1, or, for a proportion, their "
        "difference is; a comparison when any of its four cells would be; a "
        "population estimate when n1, n2 or m is; coverage with its estimate "
        "or numerator. (3) Against subtraction: where a total and the groups "
        "adding up to it (worker types, participant roles, the countries of "
        "the pooled figures) have exactly one withheld cell, the smallest "
        "other non-zero cell is withheld too, repeated until no such "
        "partition remains; the monthly counts and the encounters by site, "
        "which add up to the encounters, are treated the same way, and so are "
        "the referral rate and referral uptake, whose numerators and "
        "denominators add up over worker types, services and countries (a "
        "withheld row is hidden with its smallest sibling). (4) A "
        "count withheld anywhere is withheld everywhere it appears. Every "
        "figure withheld by rules 2–4 reads <b>c</b> (confidential). Focus-"
        "group sessions, segment counts, counts of rows and files and "
        "agreement coefficients are not sensitive and always shown. "
        "Algebraic links between different indicators (encounters minus "
        "anonymous encounters, say) are not protected beyond these rules.",
        r->rd->k, r->rd->k);
    doc_para(r->doc, rule);
    g_free(rule);
    doc_heading(r->doc, 2, "Caveats for reading the figures");
    doc_para(r->doc, "• <b>Clients seen by both arms.</b> A client met by both "
                     "peer educators and professionals sits in both arms of "
                     "every peer-versus-professional comparison, while the "
                     "risk ratios and Fisher tests assume independent "
                     "groups; intervals and p-values are therefore "
                     "approximate.");
    doc_para(r->doc, "• <b>New clients.</b> <i>new_clients</i> counts every "
                     "client whose first encounter in the database falls in "
                     "the period, so everyone met at the start of the data "
                     "counts as new; <i>first_contacts</i> is the partners' "
                     "own record of a first contact.");
    doc_para(r->doc, "• <b>Capture–recapture.</b> The Chapman estimate assumes "
                     "a closed population, independent lists and equal "
                     "catchability; an estimate with fewer than 7 clients on "
                     "both lists (m &lt; 7) is unreliable.");
    doc_para(r->doc, "• <b>Attributes over time.</b> Sex, birth year and age "
                     "at first use are taken from each client's latest "
                     "encounter where known; ages are year of encounter "
                     "minus birth year.");
}

static void provenance(Rep *r)
{
    const ReportData *rd = r->rd;
    doc_heading(r->doc, 2, "Provenance");
    char *fp = *rd->key_fingerprint ? lay_escape(rd->key_fingerprint)
                                    : g_strdup("none recorded");
    char *txt = g_strdup_printf(
        "Produced by the p2p toolkit version %s (p2p-report) from analysis "
        "run %" G_GINT64_FORMAT " (finished %s, toolkit %s), small-cell "
        "threshold K = %d, generated %s. Client-code key fingerprint: "
        "<tt>%s</tt>.", P2P_VERSION, rd->run_id, rd->run_time,
        rd->run_version, rd->k, rd->generated, fp);
    RText s = rtext(8);
    s.markup = TRUE;
    s.color = GREY_AXIS;
    doc_text(r->doc, txt, &s);
    g_free(txt);
    g_free(fp);
}

/* One pass over the whole document. */
static void build(Doc *doc, const ReportData *rd)
{
    Rep r = { 0 };
    r.doc = doc;
    r.rd = rd;
    r.all = strcmp(rd->scope, "ALL") == 0;
    r.cols = g_ptr_array_new();
    for (guint i = 0; i < rd->countries->len; i++)
        g_ptr_array_add(r.cols, rd->countries->pdata[i]);
    if (r.all)
        g_ptr_array_add(r.cols, "ALL");
    char *footer = g_strdup_printf("Peer2Peer %s report · %s · analysis run %"
                                   G_GINT64_FORMAT " · generated %s",
                                   r.all ? "consortium" : "national",
                                   rd_country_en(rd->scope), rd->run_id,
                                   rd->generated);
    doc_set_footer(doc, footer);
    g_free(footer);
    title_page(&r);
    section_key_figures(&r);
    section_reach(&r);
    section_demographics(&r);
    section_referrals(&r);
    section_forest(&r);
    section_trend(&r);
    section_coverage(&r);
    section_focus_groups(&r);
    annex_data_quality(&r);
    annex_methods(&r);
    provenance(&r);
    g_ptr_array_unref(r.cols);
}

gboolean report_doc_write(const ReportData *rd, const char *path, int *pages,
                          GError **error)
{
    /* First pass counts the pages, the second writes "page N of M". */
    int total = 0;
    Doc *d = doc_new(NULL, 0);
    build(d, rd);
    cairo_status_t st = doc_finish(d, &total);
    if (st != CAIRO_STATUS_SUCCESS) {
        g_set_error(error, P2P_ERROR, P2P_EXIT_DB, "%s: %s (laying out the "
                    "report)", path, cairo_status_to_string(st));
        return FALSE;
    }
    P2pOutput *out = p2p_output_open(path, error);
    if (!out)
        return FALSE;
    d = doc_new(out, total);
    cairo_surface_t *sf = doc_surface(d);
    char *title = g_strdup_printf("Peer2Peer %s report: %s",
                                  strcmp(rd->scope, "ALL") == 0
                                      ? "consortium" : "national",
                                  rd_country_en(rd->scope));
    char *period = rd_period(rd);
    char *subject = g_strdup_printf(
        "Peer and professional outreach to people who use drugs, %s, %s; "
        "analysis run %" G_GINT64_FORMAT, rd_country_en(rd->scope), period,
        rd->run_id);
    g_free(period);
    GDateTime *now = rd_now();
    char *date = g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
    g_date_time_unref(now);
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_SUBJECT, subject);
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_AUTHOR,
                                   "p2p toolkit");
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR,
                                   "p2p-report " P2P_VERSION);
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATE_DATE, date);
    g_free(title);
    g_free(subject);
    g_free(date);
    build(d, rd);
    int second = 0;
    if (!lay_output_finish(out, doc_finish(d, &second), error))
        return FALSE;
    if (pages)
        *pages = second;
    return TRUE;
}
