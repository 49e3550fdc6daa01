/* main.c: p2p-report — the command line: national and consortium PDF
 * reports and evidence charts from the stored analysis. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "analysis.h"
#include "charts.h"
#include "data.h"
#include "db.h"
#include "output.h"
#include "report_doc.h"

static char *opt_db, *opt_country, *opt_output, *opt_chart;
static int opt_min_cell = 5, opt_width = 1600, opt_height = 900;
static gboolean opt_analyse, opt_version;

static const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &opt_db,
      "the study database", "FILE" },
    { "country", 0, 0, G_OPTION_ARG_STRING, &opt_country,
      "the country (PT GR PL LT BE FR NL HU) or ALL for the consortium",
      "CC|ALL" },
    { "min-cell", 0, 0, G_OPTION_ARG_INT, &opt_min_cell,
      "small-cell threshold K: counts 1..K-1 are not published (default 5)",
      "K" },
    { "analyse", 0, 0, G_OPTION_ARG_NONE, &opt_analyse,
      "run the analysis first when the stored one is missing or stale", NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output,
      "output file: the report's PDF (default stdout), or the chart's .png, "
      ".svg or .pdf",
      "FILE" },
    { "chart", 0, 0, G_OPTION_ARG_STRING, &opt_chart,
      "draw one evidence chart instead of the report ('list' lists them)",
      "NAME|list" },
    { "width", 0, 0, G_OPTION_ARG_INT, &opt_width,
      "chart width (pixels for PNG, points otherwise; default 1600)", "W" },
    { "height", 0, 0, G_OPTION_ARG_INT, &opt_height,
      "chart height (default 900)", "H" },
    { "version", 0, 0, G_OPTION_ARG_NONE, &opt_version,
      "print the version and exit", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
};

static int fail(int code, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static int fail(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    fprintf(stderr, "p2p-report: %s\n", msg);
    g_free(msg);
    return code;
}

static int fail_error(GError *error)
{
    int code = error->domain == P2P_ERROR ? error->code : P2P_EXIT_DB;
    fprintf(stderr, "p2p-report: %s\n", error->message);
    g_error_free(error);
    return code;
}

static void progress(double done, void *data)
{
    fprintf(stderr, "\rp2p-report: analysing %3.0f%%", 100 * done);
    if (done >= 1)
        fputc('\n', stderr);
}

/* Make sure a current analysis covers scope, running one with --analyse.
 * Returns 0 and the run, or the exit status. */
static int current_run(sqlite3 *db, const char *scope, gint64 *run_id)
{
    GError *error = NULL;
    char *why = NULL;
    int state = report_data_check(db, scope, run_id, &why, &error);
    if (state < 0)
        return fail_error(error);
    if (state == REPORT_RUN_OK)
        return 0;
    if (!opt_analyse) {
        int rc = fail(P2P_EXIT_STALE, "%s", why);
        g_free(why);
        return rc;
    }
    g_free(why);
    /* Analyse every country and ALL, for a national report too: the
     * secondary suppression runs across the countries of ALL, and a
     * national report suppressed without them could give back a cell the
     * consortium report hides. */
    P2pAnalysisParams params = { 0 };
    params.country = "*";
    params.by = P2P_BY_ALL;
    if (isatty(STDERR_FILENO))
        params.progress = progress;
    if (p2p_analysis_run(db, &params, NULL, &error) == 0)
        return fail_error(error);
    state = report_data_check(db, scope, run_id, &why, &error);
    if (state < 0)
        return fail_error(error);
    if (state != REPORT_RUN_OK) {
        int rc = fail(P2P_EXIT_STALE, "%s", why);
        g_free(why);
        return rc;
    }
    return 0;
}

int main(int argc, char **argv)
{
    GError *error = NULL;
    GOptionContext *oc = g_option_context_new(
        "- national and consortium reports and evidence charts");
    g_option_context_set_summary(oc,
        "p2p-report --db study.db --country CC|ALL [--min-cell K] [--analyse] "
        "[-o report.pdf]\n"
        "p2p-report --db study.db --chart NAME|list [--country CC|ALL] "
        "[--min-cell K] [--width W --height H] -o chart.{png,svg,pdf}");
    g_option_context_set_description(oc,
        "Exit status: 0 success, 2 usage error, 5 stored analysis missing or "
        "stale (run p2p-analyse or give --analyse), 6 database or output "
        "failure.");
    g_option_context_add_main_entries(oc, entries, NULL);
    if (!g_option_context_parse(oc, &argc, &argv, &error)) {
        g_option_context_free(oc);
        int rc = fail(P2P_EXIT_USAGE, "%s (see --help)", error->message);
        g_error_free(error);
        return rc;
    }
    g_option_context_free(oc);
    if (opt_version) {
        printf("p2p-report %s\n", P2P_VERSION);
        return P2P_EXIT_OK;
    }
    if (argc > 1)
        return fail(P2P_EXIT_USAGE, "unexpected argument '%s' (see --help)",
                    argv[1]);
    if (opt_chart && strcmp(opt_chart, "list") == 0) {
        for (const ChartDef *d = chart_table; d->name; d++)
            printf("%s\t%s\n", d->name, d->what);
        return P2P_EXIT_OK;
    }
    const ChartDef *chart = NULL;
    if (opt_chart && !(chart = chart_find(opt_chart)))
        return fail(P2P_EXIT_USAGE, "unknown chart '%s' (--chart list lists "
                    "them)", opt_chart);
    if (!opt_db)
        return fail(P2P_EXIT_USAGE, "--db is required (see --help)");
    if (!opt_country && !chart)
        return fail(P2P_EXIT_USAGE, "--country CC|ALL is required");
    const char *scope = p2p_analysis_country(opt_country ? opt_country
                                                          : "ALL");
    if (!scope || strcmp(scope, "*") == 0)
        return fail(P2P_EXIT_USAGE, "--country '%s': not one of PT GR PL LT "
                    "BE FR NL HU ALL", opt_country);
    if (opt_min_cell < 0)
        return fail(P2P_EXIT_USAGE, "--min-cell %d: must be 0 or more",
                    opt_min_cell);
    if (chart && (opt_width < 16 || opt_height < 16 || opt_width > 20000
                  || opt_height > 20000))
        return fail(P2P_EXIT_USAGE, "--width/--height must be 16 to 20000");
    if (chart && !opt_output)
        return fail(P2P_EXIT_USAGE, "a chart needs -o FILE.png|svg|pdf");
    if (!opt_output && isatty(STDOUT_FILENO))
        return fail(P2P_EXIT_USAGE, "refusing to write a PDF to a terminal; "
                    "give -o FILE.pdf");

    /* Before the database is opened: -o must never name it, its key or
     * another SQLite file. */
    if (!p2p_output_check(opt_output, opt_db, NULL, &error))
        return fail_error(error);

    sqlite3 *db = p2p_db_open(opt_db, FALSE, &error);
    if (!db)
        return fail_error(error);
    char *exposed = p2p_db_exposure_warning(opt_db);
    if (exposed)
        fprintf(stderr, "p2p-report: warning: %s\n", exposed);
    g_free(exposed);
    gint64 run_id = 0;
    int rc = current_run(db, scope, &run_id);
    if (rc) {
        sqlite3_close(db);
        return rc;
    }
    ReportData *rd = report_data_load(db, scope, run_id, opt_min_cell,
                                      chart == NULL, &error);
    sqlite3_close(db);
    if (!rd)
        return fail_error(error);
    gboolean ok;
    if (chart)
        ok = chart_render_file(chart, rd, scope, opt_width, opt_height,
                               opt_output, &error);
    else
        ok = report_doc_write(rd, opt_output ? opt_output : "-", NULL, &error);
    report_data_free(rd);
    if (!ok)
        return fail_error(error);
    /* A full disk on stdout is an output failure too. */
    if (fclose(stdout) != 0)
        return fail(P2P_EXIT_DB, "stdout: %s (writing)", g_strerror(errno));
    return P2P_EXIT_OK;
}
