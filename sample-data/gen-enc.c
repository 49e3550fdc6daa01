/* gen-enc.c: one country's clients, encounters and referrals.
 *
 * Two passes. The first makes clients (each with a planned number of
 * encounters and which arm reaches them: peers only, professionals only, or
 * both) and draws the dates; the encounters are then sorted by date so ids
 * follow the contract's order (date, then id). The second pass walks them in
 * that order, so a client's first encounter is known when it is written, and
 * writes each row with its referrals. */
#include <math.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include "gen.h"

/* Reach arms of a client. */
enum { ARM_PEER, ARM_PROF, ARM_BOTH };
/* Worker types of an encounter. */
enum { WT_PEER, WT_PROF, WT_MIXED };
static const char *const wt_names[] = {"peer", "professional", "mixed"};

typedef struct {
    int day;    /* day index */
    int seq;    /* generation order: tie-break so the sort is total */
    int client; /* index in the client array, -1 = anonymous contact */
} Enc;

typedef struct {
    GenClient pub;      /* what the partner export links to; pub.code owned */
    int arm;            /* ARM_* */
    int k;              /* encounters this client has */
    int seen;           /* encounters written so far */
    gboolean seen_peer; /* had a peer encounter already */
    gboolean seen_prof; /* had a professional encounter already */
    gboolean young;     /* under 25 at the start */
    gboolean messy;     /* code sometimes typed in lower case or with spaces */
    gboolean sex_flip;  /* first recorded as unknown, later as female */
    int site;           /* usual site */
    int peer_worker;    /* usual peer worker */
    int prof_worker;    /* usual professional */
    unsigned subst;     /* bit set over gen_substances */
} Client;

static const char *const name_starts[] = {
    "MA", "JO", "AN", "PE", "NI", "KA", "EL", "GI", "DA", "SO", "LU", "RA",
    "TI", "VA", "MI", "AL", "IS", "FE", "RO", "CA", "HE", "IN", "BE", "OL",
    "TO", "SE", "AG", "KR", "SI", "ZO", "MO", "LE", "DI", "PA", "EM", "ST"};

static const char *const settings[] = {"street", "nightlife", "shelter", "drop_in",
                                       "prison", "online", "home", "other"};
/* Where each worker type meets people (weights over settings[]). */
static const double setting_w[3][8] = {
    {0.38, 0.25, 0.08, 0.07, 0.02, 0.09, 0.08, 0.03},
    {0.30, 0.05, 0.20, 0.30, 0.07, 0.02, 0.02, 0.04},
    {0.40, 0.15, 0.12, 0.20, 0.03, 0.03, 0.04, 0.03}};

static const char *const services[] = {"drug_treatment", "ost", "hiv_hcv_testing",
                                       "housing", "social", "medical",
                                       "mental_health", "legal", "other"};
static const double service_w[] = {0.14, 0.10, 0.26, 0.08, 0.12, 0.12, 0.08, 0.05, 0.05};
/* Uptake differs by service: testing is easy to reach, housing is not. */
static const double service_uptake[] = {0.30, 0.55, 0.78, 0.20, 0.50,
                                        0.62, 0.38, 0.45, 0.50};

static int enc_cmp(const void *a, const void *b)
{
    const Enc *x = a, *y = b;
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static gboolean coin(gsl_rng *r, double p) { return gsl_rng_uniform(r) < p; }

static int count_null_terminated(const char *const *v)
{
    int n = 0;
    while (v[n])
        n++;
    return n;
}

/* A partner-style UIC: two letters of the first name, two of the surname,
 * the birth year; a digit is added when the country already has it. */
static char *make_code(gsl_rng *r, const CountryDef *c, int birth_year,
                       GHashTable *used)
{
    int nlocal = count_null_terminated(c->name_extra);
    int nstart = G_N_ELEMENTS(name_starts);
    for (int attempt = 0;; attempt++) {
        const char *a = coin(r, 0.15) ? c->name_extra[gsl_rng_uniform_int(r, nlocal)]
                                       : name_starts[gsl_rng_uniform_int(r, nstart)];
        const char *b = coin(r, 0.15) ? c->name_extra[gsl_rng_uniform_int(r, nlocal)]
                                       : name_starts[gsl_rng_uniform_int(r, nstart)];
        char *code = attempt < 4 ? g_strdup_printf("%s%s%d", a, b, birth_year)
                                 : g_strdup_printf("%s%s%d%d", a, b, birth_year,
                                                   attempt % 10);
        if (!g_hash_table_contains(used, code)) {
            g_hash_table_add(used, code); /* the set owns this copy */
            return g_strdup(code);
        }
        g_free(code);
    }
}

static void make_client(gsl_rng *r, const CountryDef *c, Client *cl,
                        GHashTable *used, int nsites)
{
    memset(cl, 0, sizeof *cl);
    cl->young = coin(r, 0.22);
    double u = gsl_rng_uniform(r);
    cl->pub.sex = u < 0.27 ? 'f' : u < 0.28 ? 'o' : 'm';
    int age;
    if (cl->young)
        age = 17 + (int)gsl_rng_uniform_int(r, 8);
    else
        age = 25 + (int)fmin(40.0, floor(gsl_ran_gamma(r, 2.0, 6.0)));
    cl->pub.birth_year = GEN_FIRST_YEAR - age;

    /* Who reaches whom: peers get more of the young and of women, except
     * where peers_reverse says the opposite (the hypothesis must be able to
     * fail somewhere). */
    int score = cl->young + (cl->pub.sex == 'f');
    double p_peer = c->peers_reverse ? 0.40 - 0.16 * score : 0.40 + 0.16 * score;
    double p_both = 0.13;
    u = gsl_rng_uniform(r);
    cl->arm = u < p_peer ? ARM_PEER : u < p_peer + p_both ? ARM_BOTH : ARM_PROF;

    cl->pub.primary = gen_pick(r, c->subst_w, 7);
    cl->subst = 1u << cl->pub.primary;
    static const double extra_p[] = {0.08, 0.15, 0.25, 0.30, 0.10, 0.05, 0.02};
    for (int i = 0; i < 7; i++)
        if (coin(r, extra_p[i]))
            cl->subst |= 1u << i;
    static const double inj_p[] = {0.55, 0.30, 0.02, 0.02, 0.05, 0.20, 0.05};
    cl->pub.injects = coin(r, inj_p[cl->pub.primary]);

    /* Age at first use of the main substance: the young are often early in
     * their careers; a few older people started late. */
    int years;
    if (cl->young)
        years = (int)gsl_rng_uniform_int(r, (unsigned long)MIN(7, age - 11));
    else if (coin(r, 0.05))
        years = (int)gsl_rng_uniform_int(r, 3);
    else
        years = age - (int)lround(fmax(11.0, 18.0 + gsl_ran_gaussian(r, 4.0)));
    cl->pub.afu = CLAMP(age - years, 10, age);

    cl->site = gen_pick(r, c->site_w, nsites);
    cl->pub.code = make_code(r, c, cl->pub.birth_year, used);
}

/* One referral row; returns the next referral number. */
static gboolean write_referrals(gsl_rng *r, const CountryDef *c, CsvOut *ref,
                                const char *enc_id, int day, int wt,
                                const Client *cl, int *nref, GError **error)
{
    double p = wt == WT_PEER ? 0.24 : wt == WT_MIXED ? 0.22 : 0.19;
    if (!cl)
        p = 0.10;
    if (!coin(r, p))
        return TRUE;
    int n = coin(r, 0.22) ? 2 : 1;
    int ndays = gen_ndays();
    for (int i = 0; i < n; i++) {
        double w[9];
        memcpy(w, service_w, sizeof w);
        if (cl && cl->pub.primary == 0)
            w[1] *= 3; /* OST for opioid users */
        int s = gen_pick(r, w, 9);
        double up = service_uptake[s];
        if (wt == WT_PEER && !c->peers_reverse)
            up += 0.10;
        else if (wt == WT_MIXED)
            up += 0.05;
        const char *outcome;
        int odate = -1;
        if (coin(r, 0.07)) {
            outcome = "unknown";
        } else if (day > ndays - 45 && coin(r, 0.6)) {
            outcome = "pending";
        } else if (coin(r, up)) {
            outcome = "attended";
            odate = day + 1 + (int)gsl_ran_geometric(r, 0.12);
            if (coin(r, 0.05))
                odate = -1; /* attended, date not recorded */
        } else {
            outcome = "not_attended";
            odate = coin(r, 0.6) ? day + 2 + (int)gsl_ran_geometric(r, 0.10) : -1;
        }
        if (odate >= ndays) {
            /* The appointment lies after the data end: still open. */
            outcome = strcmp(outcome, "attended") == 0 ? "pending" : outcome;
            odate = -1;
        }
        char id[32];
        g_snprintf(id, sizeof id, "%s-R%06d", c->cc, ++*nref);
        csv_field(ref, id);
        csv_field(ref, enc_id);
        csv_field(ref, c->cc);
        csv_field(ref, services[s]);
        csv_field(ref, outcome);
        csv_field(ref, odate >= 0 ? gen_day_str(odate) : NULL);
        if (!csv_end(ref, error))
            return FALSE;
    }
    return TRUE;
}

static void append_item(GString *s, const char *item)
{
    if (s->len)
        g_string_append_c(s, ';');
    g_string_append(s, item);
}

gboolean gen_country(const CountryDef *c, int ntotal, unsigned long seed,
                     CsvOut *enc, CsvOut *ref, GPtrArray **clients_out,
                     GError **error)
{
    gboolean ok = FALSE;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    int ndays = gen_ndays();
    int nsites = count_null_terminated(c->sites);
    GHashTable *used = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GArray *clients = g_array_new(FALSE, FALSE, sizeof(Client));
    Enc *encs = g_new(Enc, MAX(ntotal, 1));
    GString *subst = g_string_new(NULL), *serv = g_string_new(NULL);

    /* Activity by month: a slow trend, a summer lull, the COVID-19 dip of
     * spring 2020 and, in one country, a month with almost no fieldwork. */
    double *w = g_new(double, ndays);
    for (int d = 0; d < ndays; d++) {
        int m = gen_day_month(d), mon = gen_day_mon(d), y = gen_day_year(d);
        double f = exp(c->growth * m);
        if (mon == 8)
            f *= 0.85;
        if (y == 2020 && mon == 3)
            f *= 0.70;
        if (y == 2020 && mon == 4)
            f *= 0.30;
        if (y == 2020 && mon == 5)
            f *= 0.60;
        if (m == c->quiet_month)
            f *= 0.06;
        w[d] = f;
    }
    gsl_ran_discrete_t *days = gsl_ran_discrete_preproc((size_t)ndays, w);
    g_free(w);

    int nanon = (int)lround(ntotal * (0.10 + 0.05 * gsl_rng_uniform(r)));
    int named = ntotal - nanon, ne = 0;
    while (ne < named) {
        Client cl;
        make_client(r, c, &cl, used, nsites);
        int k = cl.arm == ARM_BOTH ? 2 + (int)gsl_ran_geometric(r, 0.35)
                                   : (int)gsl_ran_geometric(r, 0.45);
        k = MIN(k, named - ne);
        if (k < 2 && cl.arm == ARM_BOTH)
            cl.arm = ARM_PEER;
        cl.k = k;
        cl.messy = k >= 2 && coin(r, 0.07);
        cl.sex_flip = k >= 2 && cl.pub.sex == 'f' && coin(r, 0.08);
        for (int i = 0; i < k; i++) {
            encs[ne].day = (int)gsl_ran_discrete(r, days);
            encs[ne].seq = ne;
            encs[ne].client = (int)clients->len;
            ne++;
        }
        g_array_append_val(clients, cl);
    }
    for (; ne < ntotal; ne++) {
        encs[ne].day = (int)gsl_ran_discrete(r, days);
        encs[ne].seq = ne;
        encs[ne].client = -1;
    }
    qsort(encs, (size_t)ntotal, sizeof *encs, enc_cmp);

    int npeer = 4 + (int)gsl_rng_uniform_int(r, 5), nprof = 3 + (int)gsl_rng_uniform_int(r, 4);
    for (guint i = 0; i < clients->len; i++) {
        Client *cl = &g_array_index(clients, Client, i);
        cl->peer_worker = (int)gsl_rng_uniform_int(r, (unsigned long)npeer);
        cl->prof_worker = (int)gsl_rng_uniform_int(r, (unsigned long)nprof);
    }

    int nref = 0;
    for (int e = 0; e < ntotal; e++) {
        const Enc *en = &encs[e];
        Client *cl = en->client >= 0 ? &g_array_index(clients, Client, en->client) : NULL;
        int visit = cl ? cl->seen++ : 0;
        int year = gen_day_year(en->day);
        char id[32], buf[64];
        g_snprintf(id, sizeof id, "%s-E%06d", c->cc, e + 1);

        /* Worker type. */
        int wt;
        double p_mixed = 0.06;
        if (!cl) {
            double pp = c->peers_reverse ? 0.40 : 0.55;
            wt = coin(r, p_mixed) ? WT_MIXED : coin(r, pp) ? WT_PEER : WT_PROF;
        } else if (cl->arm == ARM_PEER) {
            wt = coin(r, p_mixed) ? WT_MIXED : WT_PEER;
        } else if (cl->arm == ARM_PROF) {
            wt = coin(r, p_mixed) ? WT_MIXED : WT_PROF;
        } else if (visit == 0) {
            /* Whoever met a shared client first brought them in. */
            wt = coin(r, c->peers_reverse ? 0.30 : 0.70) ? WT_PEER : WT_PROF;
        } else if (visit == cl->k - 1 && !cl->seen_prof) {
            wt = WT_PROF;
        } else if (visit == cl->k - 1 && !cl->seen_peer) {
            wt = WT_PEER;
        } else {
            wt = coin(r, 0.5) ? WT_PEER : WT_PROF;
        }
        if (cl) {
            cl->seen_peer |= wt == WT_PEER;
            cl->seen_prof |= wt == WT_PROF;
        }

        csv_field(enc, id);
        csv_field(enc, gen_day_str(en->day));
        csv_field(enc, c->cc);
        /* site */
        if (coin(r, 0.02))
            csv_field(enc, NULL);
        else
            csv_field(enc, c->sites[cl && coin(r, 0.92) ? cl->site
                                                       : gen_pick(r, c->site_w, nsites)]);
        /* setting */
        int st = gen_pick(r, setting_w[wt], 8);
        csv_field(enc, coin(r, 0.02) ? NULL : settings[st]);
        /* worker */
        if (wt == WT_PEER)
            g_snprintf(buf, sizeof buf, "%s-PE%02d", c->cc,
                       1 + (cl && coin(r, 0.75) ? cl->peer_worker
                                                : (int)gsl_rng_uniform_int(r, (unsigned long)npeer)));
        else if (wt == WT_PROF)
            g_snprintf(buf, sizeof buf, "%s-PR%02d", c->cc,
                       1 + (cl && coin(r, 0.75) ? cl->prof_worker
                                                : (int)gsl_rng_uniform_int(r, (unsigned long)nprof)));
        else
            g_snprintf(buf, sizeof buf, "%s-MX%02d", c->cc, 1 + (int)gsl_rng_uniform_int(r, 2));
        csv_field(enc, buf);
        csv_field(enc, wt_names[wt]);

        /* client code, as typed on the day */
        if (!cl) {
            csv_field(enc, NULL);
        } else if (cl->messy && coin(r, 0.4)) {
            double u = gsl_rng_uniform(r);
            if (u < 0.5) {
                gchar *low = g_utf8_strdown(cl->pub.code, -1);
                csv_field(enc, low);
                g_free(low);
            } else {
                gchar *sp = g_strdup_printf(u < 0.75 ? " %s " : "%s ", cl->pub.code);
                csv_field(enc, sp);
                g_free(sp);
            }
        } else {
            csv_field(enc, cl->pub.code);
        }

        /* sex */
        const char *sex;
        char truth = cl ? cl->pub.sex : (coin(r, 0.3) ? 'f' : 'm');
        const char *tname = truth == 'f' ? "female" : truth == 'o' ? "other" : "male";
        if (cl && cl->sex_flip && visit == 0)
            sex = "unknown";
        else if (!cl)
            sex = coin(r, 0.45) ? NULL : coin(r, 0.25) ? "unknown" : tname;
        else
            sex = coin(r, 0.03) ? NULL : coin(r, 0.02) ? "unknown" : tname;
        csv_field(enc, sex);

        /* birth year */
        int by = cl ? cl->pub.birth_year : year - 18 - (int)gsl_rng_uniform_int(r, 40);
        gboolean by_known = cl ? coin(r, 0.93) : coin(r, 0.35);
        if (by_known)
            csv_int(enc, by);
        else
            csv_field(enc, NULL);

        /* first contact: the partner's own record */
        const char *fc;
        double u = gsl_rng_uniform(r);
        if (!cl)
            fc = u < 0.5 ? NULL : u < 0.8 ? "unknown" : "no";
        else if (visit == 0 && en->day < 60)
            fc = u < 0.45 ? "yes" : u < 0.9 ? "no" : "unknown"; /* known before the data */
        else if (visit == 0)
            fc = u < 0.85 ? "yes" : u < 0.95 ? "unknown" : "no";
        else
            fc = u < 0.88 ? "no" : u < 0.93 ? "unknown" : u < 0.99 ? NULL : "yes";
        csv_field(enc, fc);

        /* substances */
        g_string_truncate(subst, 0);
        unsigned mask = 0;
        if (cl && coin(r, 0.85))
            mask = cl->subst | (coin(r, 0.08) ? 1u << 3 : 0);
        else if (!cl && coin(r, 0.4))
            mask = 1u << gen_pick(r, c->subst_w, 7);
        for (int i = 0; i < 7; i++)
            if (mask & (1u << i))
                append_item(subst, gen_substances[i]);
        csv_field(enc, subst->str);

        /* injecting */
        gboolean injects = cl ? cl->pub.injects : coin(r, 0.3);
        u = gsl_rng_uniform(r);
        if (cl)
            csv_field(enc, u < 0.80 ? (injects ? "yes" : "no") : u < 0.88 ? "unknown" : NULL);
        else
            csv_field(enc, u < 0.5 ? (injects ? "yes" : "no") : NULL);

        /* supplies */
        int syr = 0, nal = 0, con = 0;
        if (injects && st != 5 && coin(r, 0.75))
            syr = 1 + (int)gsl_ran_poisson(r, wt == WT_PEER ? 10.0 : 8.0);
        if (cl && cl->pub.primary == 0 && coin(r, 0.12))
            nal = coin(r, 0.3) ? 2 : 1;
        if (coin(r, 0.45))
            con = 1 + (int)gsl_ran_poisson(r, 2.0);
        csv_int(enc, syr);
        csv_int(enc, nal);
        if (con == 0 && coin(r, 0.05))
            csv_field(enc, NULL); /* missing = 0 */
        else
            csv_int(enc, con);

        /* services */
        g_string_truncate(serv, 0);
        if (coin(r, 0.6))
            append_item(serv, "information");
        if (coin(r, wt == WT_PROF ? 0.40 : 0.28))
            append_item(serv, "counselling");
        if ((syr > 0 || con > 0) && coin(r, 0.9))
            append_item(serv, "harm_reduction_kit");
        if (coin(r, 0.03))
            append_item(serv, "first_aid");
        if (coin(r, 0.07))
            append_item(serv, "testing");
        if (coin(r, wt == WT_PROF ? 0.03 : 0.08))
            append_item(serv, "accompaniment");
        if (coin(r, 0.02))
            append_item(serv, "other");
        csv_field(enc, serv->str);

        /* age at first use (valid: at most the age at any encounter) */
        if (cl && coin(r, visit == 0 ? 0.85 : 0.5))
            csv_int(enc, cl->pub.afu);
        else
            csv_field(enc, NULL);

        if (!csv_end(enc, error))
            goto out;
        if (!write_referrals(r, c, ref, id, en->day, wt, cl, &nref, error))
            goto out;
    }

    if (clients_out) {
        GPtrArray *keep = g_ptr_array_new();
        for (guint i = 0; i < clients->len; i++) {
            Client *cl = &g_array_index(clients, Client, i);
            GenClient *gc = g_new(GenClient, 1);
            *gc = cl->pub;
            cl->pub.code = NULL; /* ownership moves to the kept copy */
            g_ptr_array_add(keep, gc);
        }
        *clients_out = keep;
    }
    ok = TRUE;
out:
    for (guint i = 0; i < clients->len; i++)
        g_free(g_array_index(clients, Client, i).pub.code);
    g_array_free(clients, TRUE);
    g_hash_table_destroy(used);
    gsl_ran_discrete_free(days);
    g_free(encs);
    g_string_free(subst, TRUE);
    g_string_free(serv, TRUE);
    gsl_rng_free(r);
    return ok;
}

void gen_clients_free(GPtrArray *clients)
{
    for (guint i = 0; i < clients->len; i++) {
        GenClient *gc = g_ptr_array_index(clients, i);
        g_free(gc->code);
        g_free(gc);
    }
    g_ptr_array_free(clients, TRUE);
}
