/* main.c: p2p-analyse — compute every indicator, store the run, print it. */
#include <errno.h>
#include <gsl/gsl_errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "analysis.h"
#include "db.h"
#include "export.h"
#include "output.h"
#include "p2p.h"
#include "results.h"

#define PROG "p2p-analyse"

/* Progress on a terminal once a run has taken about a second. */
typedef struct {
    gint64 start;   /* monotonic µs at the start */
    gboolean shown; /* a progress line is on screen */
} Progress;

static void progress_cb(double done, void *data)
{
    Progress *p = data;
    if (g_get_monotonic_time() - p->start < G_USEC_PER_SEC)
        return;
    fprintf(stderr, "\r" PROG ": computing... %3.0f%%", done * 100);
    fflush(stderr);
    p->shown = TRUE;
}

static int fail(GError *error)
{
    int code = error->domain == P2P_ERROR ? error->code : P2P_EXIT_DB;
    fprintf(stderr, PROG ": %s\n", error->message);
    g_error_free(error);
    return code;
}

int main(int argc, char **argv)
{
    char *db_path = NULL, *country = NULL, *from = NULL, *to = NULL;
    char *by = NULL, *format = NULL, *output = NULL;
    int min_cell = 0;
    gboolean version = FALSE;
    GOptionEntry entries[] = {
        { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path,
          "The study database (must exist)", "FILE" },
        { "country", 0, 0, G_OPTION_ARG_STRING, &country,
          "One country (PT GR PL LT BE FR NL HU) or ALL (pooled rows only); "
          "default: every country and ALL", "CC|ALL" },
        { "from", 0, 0, G_OPTION_ARG_STRING, &from,
          "First date in scope, inclusive", "YYYY-MM-DD" },
        { "to", 0, 0, G_OPTION_ARG_STRING, &to,
          "Last date in scope, inclusive", "YYYY-MM-DD" },
        { "by", 0, 0, G_OPTION_ARG_STRING, &by,
          "Periods besides the whole scope: all (default), year, quarter, "
          "month", "all|year|quarter|month" },
        { "min-cell", 0, 0, G_OPTION_ARG_INT, &min_cell,
          "Suppress small cells below K (default 0: exact figures)", "K" },
        { "format", 0, 0, G_OPTION_ARG_STRING, &format,
          "Output format (default table)", "table|csv|json" },
        { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
          "Write the results to FILE instead of stdout", "FILE" },
        { "version", 0, 0, G_OPTION_ARG_NONE, &version,
          "Print the version and exit", NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL }
    };
    GError *error = NULL;
    int rc = P2P_EXIT_OK;
    sqlite3 *db = NULL;
    P2pResultSet *rs = NULL;
    P2pOutput *out = NULL;

    setlocale(LC_ALL, "");
    gsl_set_error_handler_off();
    GOptionContext *ctx = g_option_context_new(
        "- compute the indicators, store the run and print it");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_description(ctx,
        "Exit status: 0 success, 2 usage error, 6 database or output failure.");
    if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
        fprintf(stderr, PROG ": %s (try --help)\n", error->message);
        g_clear_error(&error);
        rc = P2P_EXIT_USAGE;
        goto out;
    }
    if (version) {
        printf(PROG " " P2P_VERSION "\n");
        goto out;
    }
    P2pPeriodBy by_period = P2P_BY_ALL;
    P2pFormat fmt = P2P_FORMAT_TABLE;
    const char *usage = NULL;
    char *usage_buf = NULL;
    if (argc > 1)
        usage = usage_buf = g_strdup_printf("unexpected argument '%s'", argv[1]);
    else if (!db_path)
        usage = "--db is required";
    else if (by && !p2p_period_by_parse(by, &by_period))
        usage = usage_buf = g_strdup_printf(
            "invalid --by '%s' (expected all, year, quarter or month)", by);
    else if (format && !p2p_format_parse(format, &fmt))
        usage = usage_buf = g_strdup_printf(
            "invalid --format '%s' (expected table, csv or json)", format);
    else if (min_cell < 0)
        usage = "--min-cell must be 0 or more";
    if (usage) {
        fprintf(stderr, PROG ": %s (try --help)\n", usage);
        g_free(usage_buf);
        rc = P2P_EXIT_USAGE;
        goto out;
    }
    if (output && strcmp(output, "-") == 0)
        g_clear_pointer(&output, g_free); /* -o -: stdout */
    /* Before anything is computed: -o must never name the database, its
     * key or another SQLite file (a slip of the shell's completion). */
    if (!p2p_output_check(output, db_path, NULL, &error)) {
        rc = fail(error);
        goto out;
    }
    Progress prog = { g_get_monotonic_time(), FALSE };
    P2pAnalysisParams params = {
        country && strcmp(country, "*") != 0 ? country : NULL, from, to,
        by_period, isatty(STDERR_FILENO) ? progress_cb : NULL, &prog };
    if (!p2p_analysis_check(&params, &error)) {
        rc = fail(error);
        goto out;
    }
    db = p2p_db_open(db_path, FALSE, &error);
    if (!db) {
        rc = fail(error);
        goto out;
    }
    char *exposed = p2p_db_exposure_warning(db_path);
    if (exposed)
        fprintf(stderr, PROG ": warning: %s\n", exposed);
    g_free(exposed);
    /* The small-cell rule protects each country's cells within ALL too
     * (rule 3), so one country's export, or ALL's, is cut from a run over
     * every country and ALL: it then hides what the full export hides, and
     * the stored run serves every report with the same suppression. */
    const char *only = params.country ? p2p_analysis_country(params.country) : NULL;
    gboolean cut = only != NULL;
    if (cut)
        params.country = NULL;
    gint64 run_id = p2p_analysis_run(db, &params, &rs, &error);
    if (prog.shown)
        fprintf(stderr, "\r\033[K");
    if (!run_id) {
        rc = fail(error);
        goto out;
    }
    p2p_results_suppress(rs, min_cell);
    if (cut) {
        P2pResultSet *one = p2p_results_cut(rs, only);
        p2p_results_free(rs);
        rs = one;
    }
    if (cut && rs->rows->len == 0) {
        /* A country with no data is in no full run: its own run gives its
         * rows (zeros and empty fields, nothing to suppress). */
        p2p_results_free(rs);
        rs = NULL;
        params.country = only;
        if (!p2p_analysis_run(db, &params, &rs, &error)) {
            rc = fail(error);
            goto out;
        }
        p2p_results_suppress(rs, min_cell);
    }
    /* Written whole or not at all: a failure leaves no partial export. */
    out = p2p_output_open(output ? output : "-", &error);
    if (!out) {
        rc = fail(error);
        goto out;
    }
    if (!p2p_export_write(p2p_output_stream(out), rs, fmt, &error)) {
        g_prefix_error(&error, "%s: ", p2p_output_name(out));
        p2p_output_abort(out);
        rc = fail(error);
        goto out;
    }
    if (!p2p_output_commit(out, &error))
        rc = fail(error);
out:
    p2p_results_free(rs);
    if (db)
        sqlite3_close(db);
    g_option_context_free(ctx);
    g_free(db_path);
    g_free(country);
    g_free(from);
    g_free(to);
    g_free(by);
    g_free(format);
    g_free(output);
    /* A full disk on stdout is an output failure too. */
    if (fclose(stdout) != 0 && rc == P2P_EXIT_OK) {
        fprintf(stderr, PROG ": writing stdout: %s\n", g_strerror(errno));
        rc = P2P_EXIT_DB;
    }
    return rc;
}
