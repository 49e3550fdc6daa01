/* gen-partner.c: a Portuguese partner's own, non-canonical export.
 *
 * A second organisation in Portugal exports its outreach contacts the way
 * its spreadsheet does: ';'-separated, windows-1252, CRLF, Portuguese column
 * names and values, DD/MM/YYYY dates. Some of its clients are also clients of
 * the canonical PT file (same UIC), so they link after ingest. Exactly three
 * rows are wrong on purpose (see sample-data/README.md) so the data-quality
 * annex has rejects to show. sample-data/partner/PT-mapping.ini reads it. */
#include <string.h>
#include <gsl/gsl_randist.h>
#include "gen.h"

#define PARTNER_ROWS 300
#define PARTNER_LINKED 50   /* clients shared with the canonical PT file */
#define PARTNER_NEW 110     /* clients only this partner knows */
/* The deliberately bad rows (0-based data rows; file line = row + 2). */
#define BAD_DATE_ROW 40     /* 31/02/2020 */
#define BAD_BIRTH_ROW 150   /* birth year after the encounter's year */
#define BAD_SEX_ROW 250     /* sex code X */

static const char *const cols[] = {
    "N.º contacto", "Data do contacto", "País", "Local", "Contexto", "Técnico",
    "Tipo de técnico", "Código utente", "Sexo", "Ano de nascimento",
    "Primeiro contacto", "Substâncias", "Consumo injectado", "Seringas",
    "Naloxona", "Preservativos", "Serviços", "Idade início consumo",
    "Observações", NULL};

/* Partner names of the canonical substances, in gen_substances order. */
static const char *const subst_pt[] = {"opiáceos", "estimulantes", "canábis", "álcool",
                                       "benzodiazepinas", "novas substâncias", "outras"};
static const char *const notes[] = {
    "encaminhado para o CRI, voltar 2ª feira",
    "pediu preservativos; sem seringas",
    "contacto breve",
    "acompanhado ao centro de saúde",
    "utente refere \"dormir na rua\" há 3 meses",
};
static const char *const first_names[] = {"MA", "JO", "AN", "RI", "FI", "TE", "PA", "SU",
                                          "CA", "LU", "NU", "VA", "HE", "IS", "RU", "BE"};

typedef struct {
    const char *code; /* borrowed from the PT clients or from `owned` */
    char sex;         /* 'f','m','o' */
    int birth_year;
    int afu;
    int primary;
    gboolean injects;
    int seen;         /* rows written so far */
} PClient;

typedef struct {
    int day;    /* day index */
    int seq;    /* tie-break */
    int client; /* -1 anonymous */
} PRow;

static int prow_cmp(const void *a, const void *b)
{
    const PRow *x = a, *y = b;
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

gboolean gen_partner_pt(const char *dir, unsigned long seed, GPtrArray *pt,
                        GError **error)
{
    gboolean ok = FALSE;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    GHashTable *used = g_hash_table_new(g_str_hash, g_str_equal);
    GPtrArray *owned = g_ptr_array_new_with_free_func(g_free);
    GString *list = g_string_new(NULL);
    gchar *path = g_build_filename(dir, "PT-outreach-export.csv", NULL);
    CsvOut *o = NULL;

    /* Clients: some borrowed from the canonical PT file, the rest new. */
    int nlinked = MIN(PARTNER_LINKED, (int)pt->len);
    int nclients = nlinked + PARTNER_NEW;
    PClient *cl = g_new0(PClient, nclients);
    for (guint i = 0; i < pt->len; i++)
        g_hash_table_add(used, ((GenClient *)g_ptr_array_index(pt, i))->code);
    for (int i = 0; i < nlinked; i++) {
        const GenClient *g = g_ptr_array_index(pt, gsl_rng_uniform_int(r, pt->len));
        cl[i] = (PClient){g->code, g->sex, g->birth_year, g->afu, g->primary, g->injects, 0};
    }
    static const double sub_w[] = {0.35, 0.35, 0.15, 0.08, 0.03, 0.02, 0.02};
    for (int i = nlinked; i < nclients; i++) {
        PClient *p = &cl[i];
        double u = gsl_rng_uniform(r);
        p->sex = u < 0.3 ? 'f' : u < 0.32 ? 'o' : 'm';
        int age = 18 + (int)gsl_rng_uniform_int(r, 40);
        p->birth_year = GEN_FIRST_YEAR - age;
        int years = (int)gsl_rng_uniform_int(r, 20); /* CLAMP evaluates twice */
        p->afu = CLAMP(age - years, 12, age);
        double t = 0, v = gsl_rng_uniform(r);
        for (p->primary = 0; p->primary < 6; p->primary++) {
            t += sub_w[p->primary];
            if (v < t)
                break;
        }
        p->injects = gsl_rng_uniform(r) < (p->primary == 0 ? 0.5 : 0.15);
        for (;;) {
            gchar *code = g_strdup_printf(
                "%s%s%d", first_names[gsl_rng_uniform_int(r, G_N_ELEMENTS(first_names))],
                first_names[gsl_rng_uniform_int(r, G_N_ELEMENTS(first_names))],
                p->birth_year);
            if (!g_hash_table_contains(used, code)) {
                g_ptr_array_add(owned, code);
                g_hash_table_add(used, code);
                p->code = code;
                break;
            }
            g_free(code);
        }
    }

    PRow rows[PARTNER_ROWS];
    int ndays = gen_ndays();
    for (int i = 0; i < PARTNER_ROWS; i++) {
        rows[i].day = (int)gsl_rng_uniform_int(r, (unsigned long)ndays);
        rows[i].seq = i;
        rows[i].client = gsl_rng_uniform(r) < 0.1 ? -1
                                                  : (int)gsl_rng_uniform_int(r, (unsigned long)nclients);
    }
    qsort(rows, PARTNER_ROWS, sizeof rows[0], prow_cmp);

    if (!(o = csv_out_new(path, ';', "\r\n", "WINDOWS-1252", error)) ||
        !csv_header(o, cols, error))
        goto out;
    for (int i = 0; i < PARTNER_ROWS; i++) {
        PClient *p = rows[i].client >= 0 ? &cl[rows[i].client] : NULL;
        int day = rows[i].day, year = gen_day_year(day);
        int visit = p ? p->seen++ : 0;
        char buf[64];
        int wt = gsl_rng_uniform(r) < 0.08 ? 2 : gsl_rng_uniform(r) < 0.6 ? 0 : 1;

        g_snprintf(buf, sizeof buf, "AC-%04d", i + 1);
        csv_field(o, buf);
        if (i == BAD_DATE_ROW)
            csv_field(o, "31/02/2020");
        else {
            g_snprintf(buf, sizeof buf, "%02d/%02d/%04d", gen_day_mday(day),
                       gen_day_mon(day), year);
            csv_field(o, buf);
        }
        csv_field(o, "Portugal");
        csv_field(o, gsl_rng_uniform(r) < 0.8 ? "Lisboa" : "Porto");
        static const char *const ctx[] = {"rua", "noite", "abrigo"};
        csv_field(o, ctx[wt == 0 ? (gsl_rng_uniform(r) < 0.6 ? 0 : 1)
                                 : (int)gsl_rng_uniform_int(r, 3)]);
        g_snprintf(buf, sizeof buf, "%s%d", wt == 0 ? "PAR" : wt == 1 ? "TEC" : "EQ",
                   1 + (int)gsl_rng_uniform_int(r, 3));
        csv_field(o, buf);
        static const char *const wts[] = {"Par", "Técnico", "Misto"};
        csv_field(o, wts[wt]);
        csv_field(o, p ? p->code : NULL);

        /* Sexo: H(omem), M(ulher), O(utro); X is the deliberate error. */
        if (i == BAD_SEX_ROW)
            csv_field(o, "X");
        else if (!p || gsl_rng_uniform(r) < 0.04)
            csv_field(o, NULL);
        else
            csv_field(o, p->sex == 'f' ? "M" : p->sex == 'o' ? "O" : "H");

        if (i == BAD_BIRTH_ROW)
            csv_int(o, year + 1);
        else if (p && gsl_rng_uniform(r) < 0.9)
            csv_int(o, p->birth_year);
        else
            csv_field(o, NULL);

        double u = gsl_rng_uniform(r);
        if (!p)
            csv_field(o, NULL);
        else if (visit == 0)
            csv_field(o, u < 0.75 ? "Sim" : u < 0.8 ? "sim" : "Não");
        else
            csv_field(o, "Não");

        g_string_truncate(list, 0);
        if (p && gsl_rng_uniform(r) < 0.9) {
            g_string_append(list, subst_pt[p->primary]);
            if (p->primary != 3 && gsl_rng_uniform(r) < 0.25)
                g_string_append(list, ";álcool");
        }
        csv_field(o, list->str);

        u = gsl_rng_uniform(r);
        gboolean inj = p && p->injects;
        if (p && u < 0.85)
            csv_field(o, inj ? (u < 0.05 ? "sim" : "Sim") : "Não");
        else
            csv_field(o, NULL);

        int syr = inj && gsl_rng_uniform(r) < 0.8 ? 1 + (int)gsl_ran_poisson(r, 8) : 0;
        int nal = p && p->primary == 0 && gsl_rng_uniform(r) < 0.1 ? 1 : 0;
        int con = gsl_rng_uniform(r) < 0.4 ? 1 + (int)gsl_ran_poisson(r, 2) : 0;
        csv_int(o, syr);
        csv_int(o, nal);
        csv_int(o, con);

        g_string_truncate(list, 0);
        if (gsl_rng_uniform(r) < 0.6)
            g_string_append(list, "informação");
        if (syr > 0 || con > 0)
            g_string_append(list, list->len ? ";kit" : "kit");
        if (gsl_rng_uniform(r) < 0.2)
            g_string_append(list, list->len ? ";aconselhamento" : "aconselhamento");
        if (gsl_rng_uniform(r) < 0.08)
            g_string_append(list, list->len ? ";acompanhamento" : "acompanhamento");
        if (gsl_rng_uniform(r) < 0.05)
            g_string_append(list, list->len ? ";rastreio" : "rastreio");
        csv_field(o, list->str);

        if (p && i != BAD_BIRTH_ROW && gsl_rng_uniform(r) < 0.7)
            csv_int(o, p->afu);
        else
            csv_field(o, NULL);

        csv_field(o, gsl_rng_uniform(r) < 0.1
                         ? notes[gsl_rng_uniform_int(r, G_N_ELEMENTS(notes))]
                         : NULL);
        if (!csv_end(o, error))
            goto out;
    }
    ok = TRUE;
out:
    if (o && !csv_out_close(o, ok ? error : NULL))
        ok = FALSE;
    g_free(path);
    g_free(cl);
    g_string_free(list, TRUE);
    g_hash_table_destroy(used);
    g_ptr_array_free(owned, TRUE);
    gsl_rng_free(r);
    return ok;
}
