/* analysis.h: computing every indicator of the table (indicators.h) from the
 * study database, and storing the run (analysis_runs, indicator_results,
 * analysis_figures) for the reports. */
#ifndef P2P_ANALYSIS_H
#define P2P_ANALYSIS_H

#include <sqlite3.h>
#include "p2p.h"
#include "results.h"

/* --by: how the rows are split in time. Period "all" (the whole scope) is
 * always produced; year/quarter/month add one row set per period, from the
 * first to the last period with data in scope, empty periods included. */
typedef enum {
    P2P_BY_ALL = 0,
    P2P_BY_YEAR,
    P2P_BY_QUARTER,
    P2P_BY_MONTH,
} P2pPeriodBy;

/* Called now and then during a run with the fraction done (0..1); the
 * program decides whether to show it. */
typedef void (*P2pProgressFunc)(double done, void *data);

typedef struct {
    const char *country;    /* NULL or "*": every country with data and ALL;
                               "CC": that country; "ALL": the pooled rows */
    const char *date_from;  /* YYYY-MM-DD, inclusive; NULL = open */
    const char *date_to;    /* YYYY-MM-DD, inclusive; NULL = open */
    P2pPeriodBy by;         /* periods */
    P2pProgressFunc progress; /* NULL = none */
    void *progress_data;    /* passed to progress */
} P2pAnalysisParams;

/* Parse "all", "year", "quarter", "month". FALSE when none. */
gboolean p2p_period_by_parse(const char *s, P2pPeriodBy *out);
/* The name of by ("all", "year", ...). Static. */
const char *p2p_period_by_name(P2pPeriodBy by);

/* Canonical country: one of the eight codes (case-insensitive, EL -> GR),
 * "ALL", or "*" as given. NULL when not a country. Static string. */
const char *p2p_analysis_country(const char *s);

/* TRUE when s is a valid calendar date YYYY-MM-DD. */
gboolean p2p_date_valid(const char *s);

/* Check params (country, dates, from <= to). FALSE with error
 * (P2P_EXIT_USAGE) naming the bad value. */
gboolean p2p_analysis_check(const P2pAnalysisParams *params, GError **error);

/* Compute every indicator for params without storing anything. The data
 * and its data_version are read in one read transaction. Returns the rows
 * (unsuppressed; figures in rs->figures), NULL with error (P2P_EXIT_USAGE
 * for bad params, P2P_EXIT_DB for the database). out data_version,
 * out data_fingerprint (caller g_frees; may be NULL): what was read. */
P2pResultSet *p2p_analysis_compute(sqlite3 *db, const P2pAnalysisParams *params,
                                   gint64 *data_version,
                                   char **data_fingerprint, GError **error);

/* Compute, then store the run in one write transaction: analysis_runs
 * (parameters, times, P2P_VERSION, data_version, data_fingerprint,
 * key_fingerprint), indicator_results (every row, unsuppressed, NULL for
 * empty) and analysis_figures. Returns the new run_id, or 0 with error.
 * out out_results (may be NULL): the rows, unsuppressed, rs->run_id set;
 * caller frees with p2p_results_free. */
gint64 p2p_analysis_run(sqlite3 *db, const P2pAnalysisParams *params,
                        P2pResultSet **out_results, GError **error);

#endif
