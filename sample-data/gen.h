/* gen.h: shared declarations of the sample-data generator (p2p-gen-sample). */
#ifndef P2P_GEN_H
#define P2P_GEN_H

#include <stdio.h>
#include <glib.h>
#include <gsl/gsl_rng.h>

/* The study period every generated date falls in (inclusive). */
#define GEN_FIRST_YEAR 2019
#define GEN_FIRST_MONTH 3
#define GEN_MONTHS 20 /* 2019-03 .. 2020-10 */

/* One CSV output stream with minimal RFC 4180 quoting. */
typedef struct {
    FILE *fp;         /* owned: closed by csv_out_close() */
    char *path;       /* for messages; g_malloc'd */
    char delim;       /* field separator */
    const char *eol;  /* "\n" or "\r\n" */
    int nfield;       /* fields written on the current record */
    GString *rec;     /* current record, when it must be converted (else NULL) */
    const char *to_charset; /* convert each record to this charset, or NULL */
} CsvOut;

/* Opens PATH for writing; NULL + error when it cannot. */
CsvOut *csv_out_new(const char *path, char delim, const char *eol,
                    const char *to_charset, GError **error);
/* Writes one field, quoting it when it holds the delimiter, a quote, a line
 * break or surrounding spaces. NULL writes an empty field. */
void csv_field(CsvOut *o, const char *s);
void csv_int(CsvOut *o, long v);
/* Ends the record. FALSE + error when the charset conversion fails. */
gboolean csv_end(CsvOut *o, GError **error);
/* Writes a whole header from a NULL-terminated array. */
gboolean csv_header(CsvOut *o, const char *const *cols, GError **error);
/* Flushes and closes; FALSE + error on a write failure. Frees O either way. */
gboolean csv_out_close(CsvOut *o, GError **error);

/* Day index helpers: day 0 is 2019-03-01. */
int gen_ndays(void);
const char *gen_day_str(int day);       /* "YYYY-MM-DD"; borrowed */
int gen_day_month(int day);              /* 0 .. GEN_MONTHS-1 */
int gen_day_year(int day);
int gen_day_mday(int day);
int gen_day_mon(int day);                /* 1..12 */
/* Index of the first day of month index M. */
int gen_month_first_day(int m);

/* Draws an index 0..N-1 with probability proportional to W[i]. */
int gen_pick(gsl_rng *r, const double *w, int n);

/* A client of one country, kept for the partner export to link to. */
typedef struct {
    char *code;        /* canonical (upper-case) code; g_malloc'd */
    char sex;          /* 'f','m','o' */
    int birth_year;    /* true birth year */
    int afu;           /* age at first use */
    int primary;       /* index of main substance */
    gboolean injects;  /* injects (truth) */
} GenClient;

/* Per-country generation settings, from the table in gen.c. */
typedef struct {
    const char *cc;          /* country code */
    int weight;              /* share of the total encounters */
    gboolean peers_reverse;  /* peers reach fewer young/women, bring fewer new */
    double growth;           /* monthly log-growth of activity */
    int quiet_month;         /* month index with very few encounters, -1 none */
    const char *const *sites;/* NULL-terminated, local script */
    const double *site_w;    /* weights of sites */
    const char *const *name_extra; /* local two-letter name starts */
    const double *subst_w;   /* weights of main substance, 7 canonical */
} CountryDef;

extern const CountryDef gen_countries[];
extern const int gen_ncountries;
extern const char *const gen_substances[]; /* 7 canonical substance names */

/* Generates encounters and referrals of country C into the open outputs.
 * NTOTAL encounters are written. When CLIENTS_OUT is non-NULL it receives
 * the country's clients (caller frees with gen_clients_free). */
gboolean gen_country(const CountryDef *c, int ntotal, unsigned long seed,
                     CsvOut *enc, CsvOut *ref, GPtrArray **clients_out,
                     GError **error);
void gen_clients_free(GPtrArray *clients);

/* Writes the focus-group files of country C into DIR. */
gboolean gen_focus_groups(const CountryDef *c, unsigned long seed,
                          const char *dir, GError **error);
/* Writes DIR/codebook.csv. */
gboolean gen_codebook(const char *dir, GError **error);

/* Writes DIR/PT-outreach-export.csv, linking to PT's CLIENTS. */
gboolean gen_partner_pt(const char *dir, unsigned long seed,
                        GPtrArray *clients, GError **error);

/* Column headers, shared with the single-file writer. */
extern const char *const gen_enc_cols[];
extern const char *const gen_ref_cols[];

#endif
