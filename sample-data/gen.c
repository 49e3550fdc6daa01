/* gen.c: p2p-gen-sample's main(), its CSV writer, calendar and country table.
 *
 * The generator is deterministic: the same arguments give the same bytes.
 * Every country draws from its own GSL Mersenne Twister seeded from --seed
 * and the country's position in the table, so choosing --countries or the
 * partner export does not change any other country's rows. Nothing iterates
 * a hash table (they are used for membership only) and no clock is read. */
#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>
#include <gsl/gsl_errno.h>
#include "p2p.h"
#include "gen.h"

/* ---- CSV output ------------------------------------------------------
 * Canonical files quote a field only where RFC 4180 needs it (libcsv's
 * writers quote every field), so the writer is these few lines. */

CsvOut *csv_out_new(const char *path, char delim, const char *eol,
                    const char *to_charset, GError **error)
{
    FILE *fp = fopen(path, "wb");
    if (!fp) {
        int e = errno;
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e),
                    "cannot write %s: %s", path, g_strerror(e));
        return NULL;
    }
    CsvOut *o = g_new0(CsvOut, 1);
    o->fp = fp;
    o->path = g_strdup(path);
    o->delim = delim;
    o->eol = eol;
    o->rec = g_string_sized_new(256);
    o->to_charset = to_charset;
    return o;
}

void csv_field(CsvOut *o, const char *s)
{
    if (o->nfield++ > 0)
        g_string_append_c(o->rec, o->delim);
    if (!s || !*s)
        return;
    size_t n = strlen(s);
    gboolean quote = s[0] == ' ' || s[n - 1] == ' ' || s[0] == '\t' ||
                     s[n - 1] == '\t';
    for (const char *p = s; *p && !quote; p++)
        if (*p == o->delim || *p == '"' || *p == '\n' || *p == '\r')
            quote = TRUE;
    if (!quote) {
        g_string_append_len(o->rec, s, (gssize)n);
        return;
    }
    g_string_append_c(o->rec, '"');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            g_string_append_c(o->rec, '"');
        g_string_append_c(o->rec, *p);
    }
    g_string_append_c(o->rec, '"');
}

void csv_int(CsvOut *o, long v)
{
    char buf[32];
    g_snprintf(buf, sizeof buf, "%ld", v);
    csv_field(o, buf);
}

gboolean csv_end(CsvOut *o, GError **error)
{
    g_string_append(o->rec, o->eol);
    o->nfield = 0;
    if (!o->to_charset) {
        fwrite(o->rec->str, 1, o->rec->len, o->fp);
    } else {
        gsize len = 0;
        gchar *conv = g_convert(o->rec->str, (gssize)o->rec->len, o->to_charset,
                                "UTF-8", NULL, &len, error);
        if (!conv) {
            g_prefix_error(error, "%s: ", o->path);
            g_string_truncate(o->rec, 0);
            return FALSE;
        }
        fwrite(conv, 1, len, o->fp);
        g_free(conv);
    }
    g_string_truncate(o->rec, 0);
    return TRUE;
}

gboolean csv_header(CsvOut *o, const char *const *cols, GError **error)
{
    for (int i = 0; cols[i]; i++)
        csv_field(o, cols[i]);
    return csv_end(o, error);
}

gboolean csv_out_close(CsvOut *o, GError **error)
{
    gboolean ok = TRUE;
    if (ferror(o->fp) | (fclose(o->fp) != 0)) {
        int e = errno;
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e),
                    "cannot write %s: %s", o->path, g_strerror(e));
        ok = FALSE;
    }
    g_string_free(o->rec, TRUE);
    g_free(o->path);
    g_free(o);
    return ok;
}

/* ---- Calendar: 2019-03-01 .. 2020-10-31 ---------------------------- */

#define NDAYS_MAX 700
static int ndays;
static char day_str[NDAYS_MAX][11];
static unsigned char day_month[NDAYS_MAX], day_mon[NDAYS_MAX], day_mday[NDAYS_MAX];
static short day_year[NDAYS_MAX];
static int month_first[GEN_MONTHS];

static void calendar_init(void)
{
    GDate *d = g_date_new_dmy(1, GEN_FIRST_MONTH, GEN_FIRST_YEAR);
    int m = -1, last_mon = 0;
    for (ndays = 0; ndays < NDAYS_MAX; ndays++) {
        int y = g_date_get_year(d), mo = g_date_get_month(d);
        if (mo != last_mon) {
            if (++m == GEN_MONTHS)
                break;
            month_first[m] = ndays;
            last_mon = mo;
        }
        g_snprintf(day_str[ndays], sizeof day_str[ndays], "%04d-%02d-%02d", y, mo,
                   g_date_get_day(d));
        day_month[ndays] = (unsigned char)m;
        day_mon[ndays] = (unsigned char)mo;
        day_mday[ndays] = (unsigned char)g_date_get_day(d);
        day_year[ndays] = (short)y;
        g_date_add_days(d, 1);
    }
    g_date_free(d);
}

int gen_ndays(void) { return ndays; }
const char *gen_day_str(int day) { return day_str[day]; }
int gen_day_month(int day) { return day_month[day]; }
int gen_day_year(int day) { return day_year[day]; }
int gen_day_mday(int day) { return day_mday[day]; }
int gen_day_mon(int day) { return day_mon[day]; }
int gen_month_first_day(int m) { return month_first[m]; }

/* Draws an index 0..N-1 with probability proportional to W[i]. */
int gen_pick(gsl_rng *r, const double *w, int n)
{
    double t = 0;
    for (int i = 0; i < n; i++)
        t += w[i];
    double u = gsl_rng_uniform(r) * t;
    for (int i = 0; i < n; i++) {
        if (u < w[i])
            return i;
        u -= w[i];
    }
    return n - 1;
}

/* ---- Countries ------------------------------------------------------ */

const char *const gen_substances[] = {"opioids", "stimulants", "cannabis", "alcohol",
                                      "benzodiazepines", "nps", "other"};

static const char *const pt_sites[] = {"Porto", "Lisboa", NULL};
static const double pt_sw[] = {0.45, 0.55};
static const char *const gr_sites[] = {"Αθήνα", "Θεσσαλονίκη", NULL};
static const double gr_sw[] = {0.7, 0.3};
static const char *const pl_sites[] = {"Warszawa", "Kraków", "Łódź", NULL};
static const double pl_sw[] = {0.5, 0.3, 0.2};
static const char *const lt_sites[] = {"Vilnius", "Kaunas", "Šiauliai", NULL};
static const double lt_sw[] = {0.55, 0.3, 0.15};
static const char *const be_sites[] = {"Antwerpen", "Bruxelles", "Liège", NULL};
static const double be_sw[] = {0.4, 0.4, 0.2};
static const char *const fr_sites[] = {"Paris", "Marseille", "Saint-Étienne", NULL};
static const double fr_sw[] = {0.5, 0.35, 0.15};
static const char *const nl_sites[] = {"Amsterdam", "Rotterdam", "'s-Hertogenbosch", NULL};
static const double nl_sw[] = {0.5, 0.35, 0.15};
static const char *const hu_sites[] = {"Budapest", "Győr", "Pécs", NULL};
static const double hu_sw[] = {0.65, 0.15, 0.2};

/* Local two-letter name starts, so some codes carry the country's letters
 * (and their lower-case forms exercise Unicode case mapping at ingest). */
static const char *const pt_names[] = {"JO", "AN", "RI", "FI", NULL};
static const char *const gr_names[] = {"GI", "KO", "DI", "EL", NULL};
static const char *const pl_names[] = {"ŁU", "ŚW", "ŻA", "KR", NULL};
static const char *const lt_names[] = {"ŠA", "ŽI", "ČE", "JU", NULL};
static const char *const be_names[] = {"JA", "WO", "LO", "DE", NULL};
static const char *const fr_names[] = {"ÉL", "JE", "LU", "CH", NULL};
static const char *const nl_names[] = {"BA", "VI", "JA", "DE", NULL};
static const char *const hu_names[] = {"ÖR", "ÉV", "ÁG", "ZS", NULL};

/* Main substance mix: opioids, stimulants, cannabis, alcohol, benzos, nps, other */
static const double pt_sub[] = {0.35, 0.35, 0.15, 0.08, 0.03, 0.02, 0.02};
static const double gr_sub[] = {0.50, 0.20, 0.12, 0.06, 0.07, 0.03, 0.02};
static const double pl_sub[] = {0.25, 0.30, 0.15, 0.10, 0.05, 0.13, 0.02};
static const double lt_sub[] = {0.55, 0.15, 0.08, 0.12, 0.04, 0.04, 0.02};
static const double be_sub[] = {0.30, 0.40, 0.15, 0.07, 0.03, 0.03, 0.02};
static const double fr_sub[] = {0.35, 0.35, 0.15, 0.07, 0.04, 0.02, 0.02};
static const double nl_sub[] = {0.20, 0.45, 0.15, 0.08, 0.03, 0.07, 0.02};
static const double hu_sub[] = {0.20, 0.25, 0.12, 0.08, 0.05, 0.28, 0.02};

/* Weights sum to 120: the default 12,000 encounters give 100 per unit. */
const CountryDef gen_countries[] = {
    {"PT", 20, FALSE, 0.020, -1, pt_sites, pt_sw, pt_names, pt_sub},
    {"GR", 15, FALSE, 0.010, -1, gr_sites, gr_sw, gr_names, gr_sub},
    {"PL", 22, FALSE, 0.015, -1, pl_sites, pl_sw, pl_names, pl_sub},
    {"LT", 9, FALSE, 0.000, 5, lt_sites, lt_sw, lt_names, lt_sub},
    {"BE", 14, FALSE, 0.010, -1, be_sites, be_sw, be_names, be_sub},
    {"FR", 20, FALSE, 0.020, -1, fr_sites, fr_sw, fr_names, fr_sub},
    {"NL", 12, TRUE, -0.010, -1, nl_sites, nl_sw, nl_names, nl_sub},
    {"HU", 8, TRUE, -0.015, -1, hu_sites, hu_sw, hu_names, hu_sub},
};
const int gen_ncountries = G_N_ELEMENTS(gen_countries);

const char *const gen_enc_cols[] = {
    "encounter_id", "date", "country", "site", "setting", "worker_id",
    "worker_type", "client_code", "sex", "birth_year", "first_contact",
    "substances", "injecting", "syringes_given", "naloxone_given",
    "condoms_given", "services", "age_first_use", NULL};
const char *const gen_ref_cols[] = {"referral_id", "encounter_id", "country",
                                    "service", "outcome", "outcome_date", NULL};

/* ---- main ----------------------------------------------------------- */

#define DEFAULT_SEED 20190301UL
#define DEFAULT_ENCOUNTERS 12000

static gchar *opt_out;
static gint opt_encounters = DEFAULT_ENCOUNTERS;
static gint64 opt_seed = (gint64)DEFAULT_SEED;
static gboolean opt_single;
static gchar *opt_countries;
static gchar *opt_partner;
static gboolean opt_version;

static const GOptionEntry entries[] = {
    {"out", 'o', 0, G_OPTION_ARG_FILENAME, &opt_out,
     "Write the files under DIR (required; created if missing)", "DIR"},
    {"encounters", 'n', 0, G_OPTION_ARG_INT, &opt_encounters,
     "Total encounters over all countries (default 12000)", "N"},
    {"seed", 's', 0, G_OPTION_ARG_INT64, &opt_seed,
     "Random seed (default 20190301)", "N"},
    {"single-file", 0, 0, G_OPTION_ARG_NONE, &opt_single,
     "Write DIR/encounters.csv and DIR/referrals.csv for all countries, "
     "no focus groups (for benchmarks)", NULL},
    {"countries", 'c', 0, G_OPTION_ARG_STRING, &opt_countries,
     "Only these countries, comma-separated (default all eight)", "PT,GR,..."},
    {"partner-pt", 0, 0, G_OPTION_ARG_FILENAME, &opt_partner,
     "Also write the Portuguese partner export PT-outreach-export.csv "
     "(windows-1252, ';', DD/MM/YYYY) into DIR", "DIR"},
    {"version", 'V', 0, G_OPTION_ARG_NONE, &opt_version,
     "Print the version and exit", NULL},
    G_OPTION_ENTRY_NULL};

static gboolean mkdir_p(const char *dir, GError **error)
{
    if (g_mkdir_with_parents(dir, 0755) != 0) {
        int e = errno;
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e),
                    "cannot create %s: %s", dir, g_strerror(e));
        return FALSE;
    }
    return TRUE;
}

/* Writes one country's encounters and referrals into its own directory. */
static gboolean write_country_dir(const CountryDef *c, int n, unsigned long seed,
                                  GPtrArray **clients, GError **error)
{
    gboolean ok = FALSE;
    gchar *dir = g_build_filename(opt_out, c->cc, NULL);
    gchar *pe = g_build_filename(dir, "encounters.csv", NULL);
    gchar *pr = g_build_filename(dir, "referrals.csv", NULL);
    CsvOut *enc = NULL, *ref = NULL;
    if (!mkdir_p(dir, error))
        goto out;
    if (!(enc = csv_out_new(pe, ',', "\n", NULL, error)) ||
        !(ref = csv_out_new(pr, ',', "\n", NULL, error)))
        goto out;
    if (!csv_header(enc, gen_enc_cols, error) || !csv_header(ref, gen_ref_cols, error))
        goto out;
    if (!gen_country(c, n, seed, enc, ref, clients, error))
        goto out;
    ok = TRUE;
out:
    if (enc && !csv_out_close(enc, ok ? error : NULL))
        ok = FALSE;
    if (ref && !csv_out_close(ref, ok ? error : NULL))
        ok = FALSE;
    if (ok)
        ok = gen_focus_groups(c, seed, dir, error);
    g_free(dir);
    g_free(pe);
    g_free(pr);
    return ok;
}

int main(int argc, char **argv)
{
    int status = P2P_EXIT_OK;
    GError *error = NULL;
    gboolean selected[16] = {FALSE};
    GPtrArray *pt_clients = NULL;
    CsvOut *enc = NULL, *ref = NULL;
    GOptionContext *ctx =
        g_option_context_new("- write the deterministic p2p sample data set");
    g_option_context_set_summary(
        ctx, "Writes canonical CSV files (encounters, referrals, focus groups,\n"
             "participants, coded segments, codebook) for the eight consortium\n"
             "countries. The same arguments always give the same bytes.");
    g_option_context_set_description(
        ctx, "Regenerate the committed sample (sample-data/README.md):\n"
             "  p2p-gen-sample --out sample-data/csv --partner-pt sample-data/partner\n\n"
             "Exit status: 0 ok, 2 usage error, 6 an output file could not be written.\n");
    g_option_context_add_main_entries(ctx, entries, NULL);
    gsl_set_error_handler_off();

    if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
        g_printerr("p2p-gen-sample: %s\n", error->message);
        status = P2P_EXIT_USAGE;
        goto out;
    }
    if (opt_version) {
        printf("p2p-gen-sample %s\n", P2P_VERSION);
        goto out;
    }
    if (argc > 1) {
        g_printerr("p2p-gen-sample: unexpected argument '%s'\n", argv[1]);
        status = P2P_EXIT_USAGE;
        goto out;
    }
    if (!opt_out) {
        g_printerr("p2p-gen-sample: --out DIR is required (see --help)\n");
        status = P2P_EXIT_USAGE;
        goto out;
    }
    if (opt_encounters < 0) {
        g_printerr("p2p-gen-sample: --encounters must be 0 or more\n");
        status = P2P_EXIT_USAGE;
        goto out;
    }
    if (opt_seed < 0) {
        g_printerr("p2p-gen-sample: --seed must be 0 or more\n");
        status = P2P_EXIT_USAGE;
        goto out;
    }
    if (opt_countries) {
        gchar **cc = g_strsplit(opt_countries, ",", -1);
        for (int i = 0; cc[i]; i++) {
            gchar *s = g_ascii_strup(g_strstrip(cc[i]), -1);
            int k;
            for (k = 0; k < gen_ncountries; k++)
                if (strcmp(s, gen_countries[k].cc) == 0)
                    break;
            if (k == gen_ncountries) {
                g_printerr("p2p-gen-sample: unknown country '%s' in --countries "
                           "(expected PT GR PL LT BE FR NL HU)\n", cc[i]);
                g_free(s);
                g_strfreev(cc);
                status = P2P_EXIT_USAGE;
                goto out;
            }
            selected[k] = TRUE;
            g_free(s);
        }
        g_strfreev(cc);
    } else {
        for (int k = 0; k < gen_ncountries; k++)
            selected[k] = TRUE;
    }
    if (opt_partner && !selected[0]) {
        g_printerr("p2p-gen-sample: --partner-pt needs PT among --countries\n");
        status = P2P_EXIT_USAGE;
        goto out;
    }

    calendar_init();
    if (!mkdir_p(opt_out, &error))
        goto fail;

    /* Split the total by weight with cumulative rounding, so the parts add
     * up to exactly --encounters. */
    int wsum = 0, wcum = 0, done = 0;
    for (int k = 0; k < gen_ncountries; k++)
        if (selected[k])
            wsum += gen_countries[k].weight;

    if (opt_single) {
        gchar *pe = g_build_filename(opt_out, "encounters.csv", NULL);
        gchar *pr = g_build_filename(opt_out, "referrals.csv", NULL);
        enc = csv_out_new(pe, ',', "\n", NULL, &error);
        if (enc)
            ref = csv_out_new(pr, ',', "\n", NULL, &error);
        g_free(pe);
        g_free(pr);
        if (!ref || !csv_header(enc, gen_enc_cols, &error) ||
            !csv_header(ref, gen_ref_cols, &error))
            goto fail;
    }
    for (int k = 0; k < gen_ncountries; k++) {
        if (!selected[k])
            continue;
        const CountryDef *c = &gen_countries[k];
        wcum += c->weight;
        int upto = (int)(((gint64)opt_encounters * wcum + wsum / 2) / wsum);
        int n = upto - done;
        done = upto;
        unsigned long seed = (unsigned long)opt_seed * 1009UL + (unsigned long)k * 7919UL;
        GPtrArray **keep = (k == 0 && opt_partner) ? &pt_clients : NULL;
        if (opt_single) {
            if (!gen_country(c, n, seed, enc, ref, keep, &error))
                goto fail;
        } else if (!write_country_dir(c, n, seed, keep, &error)) {
            goto fail;
        }
    }
    if (opt_single) {
        gboolean ok1 = csv_out_close(enc, &error);
        enc = NULL;
        gboolean ok2 = csv_out_close(ref, ok1 ? &error : NULL);
        ref = NULL;
        if (!ok1 || !ok2)
            goto fail;
    } else if (!gen_codebook(opt_out, &error)) {
        goto fail;
    }
    if (opt_partner) {
        if (!mkdir_p(opt_partner, &error) ||
            !gen_partner_pt(opt_partner, (unsigned long)opt_seed * 1009UL + 104729UL,
                            pt_clients, &error))
            goto fail;
    }
    goto out;
fail:
    g_printerr("p2p-gen-sample: %s\n", error->message);
    status = P2P_EXIT_DB; /* an output file could not be written */
out:
    if (enc)
        csv_out_close(enc, NULL);
    if (ref)
        csv_out_close(ref, NULL);
    if (pt_clients)
        gen_clients_free(pt_clients);
    g_clear_error(&error);
    g_option_context_free(ctx);
    g_free(opt_out);
    g_free(opt_countries);
    g_free(opt_partner);
    return status;
}
