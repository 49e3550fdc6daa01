/* results.h: stored indicator results (indicator_results table), the
 * small-cell rule applied to them, and how a published figure is written.
 * A result set owns its rows; rows own their strings. */
#ifndef P2P_RESULTS_H
#define P2P_RESULTS_H

#include <sqlite3.h>
#include "p2p.h"

/* The numeric fields of an export row, in export order. */
enum { P2P_F_NUM, P2P_F_DEN, P2P_F_VALUE, P2P_F_LO, P2P_F_HI, P2P_F_P,
       P2P_F_COUNT };

/* What publication shows in place of a figure. */
typedef enum {
    P2P_CELL_SHOWN = 0,   /* the number itself */
    P2P_CELL_PRIMARY,     /* a count between 1 and K-1: "<K" */
    P2P_CELL_SECONDARY,   /* any other suppressed figure: "c" */
} P2pCellState;

typedef struct {
    char *country;              /* "PT" ... or "ALL"; g_malloc'd */
    char *period;               /* "all", "2019", "2019-Q2", "2019-05" */
    char *indicator;            /* a name from the indicator table */
    char *grp;                  /* "all", "worker_type=peer", ... */
    double f[P2P_F_COUNT];      /* NAN = cannot be computed (empty field) */
    guint8 state[P2P_F_COUNT];  /* P2pCellState, set by p2p_results_suppress */
} P2pResult;

/* One analysis_figures row: a series point or parameter a report draws
 * (monthly_encounters, trend, capture_recapture, reach_by_site, ...). */
typedef struct {
    char *country;   /* CC or ALL; g_malloc'd */
    char *period;    /* as for P2pResult */
    char *figure;    /* figure name (schemas/002-analysis.sql) */
    char *grp;       /* "all", "worker_type=peer", ... */
    char *key;       /* "2019-05", "n1", "slope", a site name, ... */
    double value;    /* NAN = NULL */
    double value2;   /* NAN = NULL */
    guint8 state;    /* P2pCellState of value, set when a report publishes it */
    guint8 state2;   /* P2pCellState of value2 */
} P2pFigure;

typedef struct {
    gint64 run_id;      /* analysis_runs.run_id the rows came from, 0 = none */
    GPtrArray *rows;    /* of P2pResult *, owned (freed with the set) */
    GHashTable *index;  /* "country|period|indicator|grp" -> row, borrowed */
    GPtrArray *figures; /* of P2pFigure *, owned: the run's figures (the
                           suppression reads capture_recapture n1/n2/m) */
    GHashTable *findex; /* "country|period|figure|grp|key" -> figure,
                           borrowed */
} P2pResultSet;

P2pResultSet *p2p_results_new(void);
void p2p_results_free(P2pResultSet *rs);

/* Append a row (copies the strings); fields NAN for empty. Returns the row,
 * owned by rs. */
P2pResult *p2p_results_add(P2pResultSet *rs, const char *country,
                           const char *period, const char *indicator,
                           const char *grp, const double f[P2P_F_COUNT]);

/* Append a figure (copies the strings); value/value2 NAN for NULL.
 * Returns it, owned by rs. */
P2pFigure *p2p_results_add_figure(P2pResultSet *rs, const char *country,
                                  const char *period, const char *figure,
                                  const char *grp, const char *key,
                                  double value, double value2);

/* The figure with that key, or NULL. Borrowed. */
const P2pFigure *p2p_results_find_figure(const P2pResultSet *rs,
                                         const char *country,
                                         const char *period,
                                         const char *figure, const char *grp,
                                         const char *key);

/* A new set holding copies of the rows of one country, with their
 * publication states (no figures). Caller p2p_results_frees. */
P2pResultSet *p2p_results_cut(const P2pResultSet *rs, const char *country);

/* The row with that key, or NULL. Borrowed. */
const P2pResult *p2p_results_find(const P2pResultSet *rs, const char *country,
                                  const char *period, const char *indicator,
                                  const char *grp);

/* Load the rows and figures of one stored run (country NULL: every country
 * and ALL; "ALL" loads the countries' capture_recapture figures too, which
 * the suppression of ALL's estimate needs). NULL with error (P2P_EXIT_DB). */
P2pResultSet *p2p_results_load(sqlite3 *db, gint64 run_id, const char *country,
                               GError **error);

/* The latest stored run over the whole period (no --from/--to) covering
 * country (CC: a run of CC or of every country; ALL: a run of every country
 * and ALL). Returns its run_id, 0 when there is none, -1 with error on a
 * database failure; out data_version: what the run saw. */
gint64 p2p_results_latest_run(sqlite3 *db, const char *country,
                              gint64 *data_version, GError **error);

/* Apply the contract's small-cell rule (primary, proportions, secondary
 * against subtraction, consistency) with threshold k; k <= 1 shows all. */
void p2p_results_suppress(P2pResultSet *rs, int k);

/* A number as the export writes it: C locale, integers (|v| < 1e15) in
 * full, others with 10 significant digits ("%.10g"); "" for NAN.
 * Caller g_frees. */
char *p2p_format_number(double v);

/* The field as published: "" when empty, "<K" / "c" when suppressed, else
 * the number in the C locale with at least 6 significant digits.
 * Caller g_frees. */
char *p2p_result_format(const P2pResult *r, int field, int k);

#endif
