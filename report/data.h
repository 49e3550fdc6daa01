/* data.h: everything a report or a chart reads from the study database —
 * the stored analysis run (suppressed for publication), its figure series,
 * the source files with their rejects, and the provenance. */
#ifndef P2P_REPORT_DATA_H
#define P2P_REPORT_DATA_H

#include <sqlite3.h>
#include "p2p.h"
#include "results.h"

/* One analysis_figures row, with its publication state (the library's
 * figure: the report sets state and state2 when it suppresses). */
typedef P2pFigure ReportFigure;

/* One source file of the data-quality annex. */
typedef struct {
    gint64 file_id;        /* source_files.file_id */
    char *path;            /* as given to p2p-ingest */
    char *sha256;          /* lower-case hex */
    char *kind;            /* encounters, referrals, ... */
    char *ingested_at;     /* ISO 8601 UTC */
    gint64 rows_read, inserted, updated, unchanged, rejected, skipped;
    GPtrArray *reasons;    /* of ReportReason *, owned: rejects by reason */
} ReportSource;

/* Rejected rows of one file that share a column and reason. */
typedef struct {
    char *column;  /* column named, "" for a whole-row reason */
    char *reason;  /* the reason with the value stripped to its kind */
    gint64 n;      /* rows */
} ReportReason;

/* The data of one report or chart. Create with report_data_load, free with
 * report_data_free. */
typedef struct {
    char *scope;            /* CC or ALL, as asked */
    int k;                  /* suppression threshold */
    gint64 run_id;          /* the stored run used */
    char *run_time;         /* when it finished (or started), ISO 8601 */
    char *run_version;      /* toolkit version that ran it */
    char *key_fingerprint;  /* meta key_fingerprint, "" when none */
    char *generated;        /* today, YYYY-MM-DD (UTC) */
    char *month_first;      /* first month with an encounter in scope,
                               "YYYY-MM", "" when none: never the day, since
                               the first and last dates of a small scope can
                               point at one person's encounter */
    char *month_last;       /* last month with an encounter, "YYYY-MM" */
    P2pResultSet *rs;       /* the run's rows, suppressed with k; owned */
    GPtrArray *figures;     /* of ReportFigure *, borrowed from rs (period
                               'all'), suppressed */
    GHashTable *series;     /* "CC\x1ffigure" -> GPtrArray of ReportFigure *
                               (borrowed), in stored order; the table owns
                               its keys and arrays. Built once on loading, so
                               that 10,000 sites are not 10^8 comparisons */
    GHashTable *by_key;     /* "CC\x1ffigure\x1fgrp\x1fkey" -> ReportFigure *
                               (borrowed; the first stored); owns its keys */
    GPtrArray *sources;     /* of ReportSource *, owned */
    GPtrArray *countries;   /* of char * (owned): countries with results,
                               in the consortium's order; for CC just CC */
} ReportData;

/* Why the stored analysis cannot be used (report_data_check). */
typedef enum {
    REPORT_RUN_OK = 0,     /* a current run exists */
    REPORT_RUN_MISSING,    /* no run covers the scope */
    REPORT_RUN_STALE,      /* data changed after the latest run */
} ReportRunState;

/* Now, or SOURCE_DATE_EPOCH when set (reproducible output, as
 * reproducible-builds.org defines it). Caller g_date_time_unrefs. */
GDateTime *rd_now(void);

/* Find the latest stored run covering scope. out run_id (0 when none).
 * Returns the state; on a database error returns -1 and sets error. When
 * stale, message (caller frees) says what changed. */
int report_data_check(sqlite3 *db, const char *scope, gint64 *run_id,
                      char **message, GError **error);

/* Load run run_id for scope (CC or ALL) and apply suppression with k;
 * with sources, also the source files and their rejects (the report's
 * annex; a chart does without). NULL and error (P2P_EXIT_DB) on failure. */
ReportData *report_data_load(sqlite3 *db, const char *scope, gint64 run_id,
                             int k, gboolean sources, GError **error);
void report_data_free(ReportData *rd);

/* A result row or NULL (period "all"). Borrowed. */
const P2pResult *rd_find(const ReportData *rd, const char *country,
                         const char *indicator, const char *grp);

/* TRUE when row r exists and its field is shown (not suppressed, not
 * empty). out v: the number. */
gboolean rd_value(const P2pResult *r, int field, double *v);

/* Figure rows of one country and figure (grp NULL: any), in stored order.
 * Returns a new array of borrowed pointers (g_ptr_array_unref it). Costs
 * the series' length, not every figure's. */
GPtrArray *rd_figures(const ReportData *rd, const char *country,
                      const char *figure, const char *grp);
/* The sites of a country's reach_by_site figures, largest first by their
 * published encounters (the site's "all" row), then by name in byte order.
 * A withheld count sorts after every published one, so that the order
 * tells nothing about it. Returns a new array of borrowed names
 * (g_ptr_array_unref it). */
GPtrArray *rd_sites(const ReportData *rd, const char *country);

/* One figure row or NULL, by a hash lookup. Borrowed. */
const ReportFigure *rd_figure(const ReportData *rd, const char *country,
                              const char *figure, const char *grp,
                              const char *key);

/* The published text of a field: a suppressed one as "<K" or "c" (from
 * p2p_result_format), an empty one as "–", a shown one in the given style.
 * Caller g_frees. */
typedef enum {
    FMT_COUNT,    /* integer */
    FMT_PERCENT,  /* proportion as "12.3%" */
    FMT_RATIO,    /* 2 decimals */
    FMT_P,        /* p-value: "0.012", "<0.001" */
} RFmt;
char *rd_format(const ReportData *rd, const P2pResult *r, int field, RFmt fmt);
/* The same for a figure value (which = 1 value, 2 value2). */
char *rd_format_figure(const ReportData *rd, const ReportFigure *f, int which,
                       RFmt fmt);
/* A shown number in style fmt. Caller g_frees. */
char *rd_format_number(double v, RFmt fmt);

/* The period of rd's encounters as published, in months: "March 2019 –
 * October 2020", "March 2019" for a single month, "no encounter recorded".
 * Caller g_frees. */
char *rd_period(const ReportData *rd);

/* The singular or plural form of a message for a count n, as ngettext(3)
 * chooses it (English: one when n is 1, else many). one and many are whole
 * messages, usually printf formats taking the count, so that a later move
 * to ngettext changes only this function: never build a plural from parts
 * ("site%s"). Returns one or many (borrowed). */
const char *rd_plural(double n, const char *one, const char *many)
    G_GNUC_FORMAT(2) G_GNUC_FORMAT(3);
/* The same for a count as published (rd_format's text): singular for "1"
 * only, plural for any other number, "<5", "c" and "–". */
const char *rd_plural_text(const char *count, const char *one,
                           const char *many) G_GNUC_FORMAT(2) G_GNUC_FORMAT(3);

/* English name and the country's own name of a code ("GR" -> "Greece",
 * "Ελλάδα"); the code itself when unknown. Static strings. */
const char *rd_country_en(const char *cc);
const char *rd_country_own(const char *cc);

/* The eight countries in the consortium's order. */
extern const char *const rd_all_countries[8];

/* g_ptr_array_sort comparator for arrays of strings, in byte order. */
int rd_cmp_str(gconstpointer a, gconstpointer b);

#endif
