/* gen-fg.c: focus groups, their participants, coded segments and the codebook.
 *
 * Each segment has a "true" set of codes; every coder of the group applies
 * each true code with their own sensitivity and now and then a stray code,
 * so coders agree most of the time but not always. family_stigma is a code
 * only coder JR ever applies (agreement statistics must cope with it). */
#include <string.h>
#include <gsl/gsl_randist.h>
#include "gen.h"

enum { TH_TRUST, TH_ACCESS, TH_STIGMA, TH_COOP, TH_POLICING, NTHEMES };
static const char *const themes[NTHEMES] = {"trust", "access", "stigma", "cooperation",
                                            "policing"};

typedef struct {
    const char *code;        /* snake_case ASCII */
    int theme;               /* TH_* */
    const char *description; /* for codebook.csv */
} Code;

static const Code codebook[] = {
    {"trust_in_peers", TH_TRUST, "Trust placed in peer workers because of shared experience"},
    {"confidentiality", TH_TRUST, "Worries or reassurance about what is recorded, shared or reported"},
    {"distrust_of_services", TH_TRUST, "Distrust of formal services, staff or their motives"},
    {"opening_hours", TH_ACCESS, "Opening hours, appointments, \"come back tomorrow\""},
    {"distance_to_services", TH_ACCESS, "Distance, transport and travel costs to a service"},
    {"low_threshold", TH_ACCESS, "Low-threshold, no-questions-asked access"},
    {"waiting_lists", TH_ACCESS, "Waiting lists for treatment, OST or housing"},
    {"self_stigma", TH_STIGMA, "Shame, self-blame, feeling unworthy of help"},
    {"service_stigma", TH_STIGMA, "Stigma met in health, social or other services"},
    {"family_stigma", TH_STIGMA, "Stigma from family, partners or neighbours"},
    {"peer_professional_cooperation", TH_COOP, "Peers and professionals working together, or failing to"},
    {"role_clarity", TH_COOP, "Who does what: tasks, boundaries, pay and recognition of peers"},
    {"referral_pathways", TH_COOP, "How referrals are made, accompanied and followed up"},
    {"police_harassment", TH_POLICING, "Police stops, confiscation of equipment, moving people on"},
    {"fear_of_arrest", TH_POLICING, "Fear of arrest or fines keeping people from services"},
};
#define NCODES ((int)G_N_ELEMENTS(codebook))
#define FAMILY_STIGMA 9

/* Excerpts by language: one per theme, then two without a code. Some hold
 * commas, quotes and line breaks on purpose, to exercise CSV quoting. */
typedef struct {
    const char *lang;            /* ISO 639-1 */
    const char *text[NTHEMES + 2];
} Excerpts;

static const Excerpts excerpts[] = {
    {"pt", {"Com o par é diferente, ele já passou pelo mesmo, percebe-nos.",
            "O centro só abre às 9h, e a essa hora ainda estou a dormir na rua.",
            "Na farmácia olham para mim como se eu fosse \"um drogado\", sabe?",
            "A técnica liga ao par e ele vai comigo à consulta.\nAssim eu vou.",
            "Quando a polícia aparece, fugimos todos e perdemos o material.",
            "Sim, concordo.", "Não sei, depende do dia."}},
    {"el", {"Με τον ομότιμο μιλάω ελεύθερα, ξέρει τι περνάω.",
            "Η δομή είναι μακριά, και το εισιτήριο κοστίζει.",
            "Στο νοσοκομείο μου είπαν \"πάλι εσύ;\" και έφυγα.",
            "Ο κοινωνικός λειτουργός και ο ομότιμος δουλεύουν μαζί.\nΑυτό βοηθάει.",
            "Η αστυνομία μας διώχνει από την πλατεία κάθε βράδυ.",
            "Ναι, έτσι είναι.", "Δεν ξέρω, ίσως."}},
    {"pl", {"Streetworkerowi ufam, bo sam przez to przeszedł.",
            "Do punktu jest daleko, a autobus kosztuje, więc nie jeżdżę.",
            "W przychodni mówią \"znowu ćpun\" i każą czekać.",
            "Pani z ośrodka dzwoni do rówieśnika, on mnie zaprowadzi.\nTak jest łatwiej.",
            "Policja zabiera strzykawki, więc używamy starych.",
            "Tak, zgadzam się.", "Nie wiem, różnie bywa."}},
    {"lt", {"Su bendraamžiu kalbu atvirai, jis žino, kaip tai yra.",
            "Metadono kabinetas dirba tik rytais, o aš dirbu.",
            "Gydytoja pasakė \"tokių kaip tu čia nereikia\".",
            "Socialinė darbuotoja ir bendraamžis konsultantas dirba kartu.\nTai padeda.",
            "Policija sulaiko už švirkštą kišenėje, todėl jų nesinešiojam.",
            "Taip, sutinku.", "Nežinau, kaip kada."}},
    {"fr", {"Avec le pair, c'est pas pareil : il sait ce qu'on vit.",
            "Le CAARUD ferme à 17h, et le week-end il n'y a rien.",
            "À l'hôpital on m'a dit \"encore toi ?\", alors je n'y vais plus.",
            "L'éducatrice appelle le pair, et il m'accompagne.\nComme ça j'y vais.",
            "Quand la police passe, on jette tout, même le matériel propre.",
            "Oui, c'est ça.", "Je sais pas, ça dépend."}},
    {"nl", {"Met een ervaringsdeskundige praat ik makkelijker, hij snapt het.",
            "De gebruiksruimte is ver weg, en de tram kost geld.",
            "Bij de huisarts zeiden ze \"alweer jij?\" en ik ben weggegaan.",
            "De hulpverlener belt de peer, en die gaat met me mee.\nDan ga ik wel.",
            "Als de politie komt, gooien we alles weg, ook schone spuiten.",
            "Ja, klopt.", "Weet ik niet, hangt ervan af."}},
    {"hu", {"A sorstárssal őszintén beszélek, ő tudja, milyen ez.",
            "A tűcsereprogram bezárt, most nincs hová mennem.",
            "A kórházban azt mondták: \"már megint te?\", és elküldtek.",
            "A szociális munkás felhívja a sorstársat, ő elkísér.\nÍgy könnyebb.",
            "A rendőrség elveszi a tűket, ezért régit használunk.",
            "Igen, egyetértek.", "Nem tudom, attól függ."}},
};

/* The consortium's focus groups. Coders are listed per group: PT has exactly
 * two coders on every group (Cohen's kappa applies); in GR coder JR skipped
 * FG-GR-02 (Krippendorff's alpha with missing values). */
typedef struct {
    const char *cc;        /* country */
    const char *id;        /* group_id */
    const char *purpose;   /* needs_assessment, case_study, validation */
    const char *city;      /* local script */
    const char *lang;      /* excerpt language */
    const char *moderator; /* moderator's name */
    const char *coders;    /* comma-separated */
} GroupDef;

static const GroupDef groups[] = {
    {"PT", "FG-PT-01", "case_study", "Porto", "pt", "Ana Ribeiro", "AK,MS"},
    {"PT", "FG-PT-02", "validation", "Lisboa", "pt", "Ana Ribeiro", "AK,MS"},
    {"GR", "FG-GR-01", "case_study", "Αθήνα", "el", "Ελένη Παππά", "AK,MS,JR"},
    {"GR", "FG-GR-02", "validation", "Θεσσαλονίκη", "el", "Ελένη Παππά", "AK,MS"},
    {"PL", "FG-PL-01", "case_study", "Warszawa", "pl", "Łucja Wiśniewska", "MS,JR"},
    {"PL", "FG-PL-02", "case_study", "Łódź", "pl", "Łucja Wiśniewska", "MS,JR"},
    {"LT", "FG-LT-01", "needs_assessment", "Vilnius", "lt", "Rūta Žukauskienė", "AK,MS,JR"},
    {"BE", "FG-BE-01", "case_study", "Antwerpen", "nl", "Joke Peeters", "AK,JR"},
    {"BE", "FG-BE-02", "case_study", "Liège", "fr", "Hélène Dubois", "AK,JR"},
    {"BE", "FG-BE-03", "validation", "Bruxelles", "fr", "Hélène Dubois", "AK,JR"},
    {"FR", "FG-FR-01", "case_study", "Marseille", "fr", "Céline Moreau", "AK,MS,JR"},
    {"FR", "FG-FR-02", "validation", "Saint-Étienne", "fr", "Céline Moreau", "AK,MS,JR"},
    {"NL", "FG-NL-01", "case_study", "'s-Hertogenbosch", "nl", "Sanne de Vries", "AK,MS"},
    {"HU", "FG-HU-01", "case_study", "Budapest", "hu", "Győri Zsófia", "AK,MS,JR"},
    {"HU", "FG-HU-02", "validation", "Pécs", "hu", "Győri Zsófia", "AK,MS,JR"},
};

static const char *const roles[] = {"pups", "peer_educator", "outreach_worker",
                                    "professional", "law_enforcement", "policy_maker",
                                    "researcher", "other"};
static const double role_w[] = {0.40, 0.22, 0.13, 0.15, 0.03, 0.03, 0.02, 0.02};
/* The Lithuanian needs assessment brought every stakeholder to one table. */
static const char *const lt_roles[8] = {"pups", "pups", "peer_educator", "peer_educator",
                                        "outreach_worker", "professional",
                                        "policy_maker", "law_enforcement"};
static const char *const sexes[] = {"female", "male", "other", "unknown"};
static const double sex_w[] = {0.40, 0.55, 0.02, 0.03};
static const char *const ages[] = {"18-24", "25-34", "35-44", "45+", "unknown"};
static const double age_w[] = {0.15, 0.35, 0.30, 0.17, 0.03};

static const Excerpts *find_lang(const char *lang)
{
    for (size_t i = 0; i < G_N_ELEMENTS(excerpts); i++)
        if (strcmp(excerpts[i].lang, lang) == 0)
            return &excerpts[i];
    return &excerpts[0];
}

/* Coder traits: how often a true code is seen, how often a stray one added. */
static void coder_traits(const char *coder, double *sens, double *stray)
{
    if (strcmp(coder, "AK") == 0) {
        *sens = 0.95;
        *stray = 0.03;
    } else if (strcmp(coder, "MS") == 0) {
        *sens = 0.93;
        *stray = 0.04;
    } else {
        *sens = 0.88;
        *stray = 0.06;
    }
}

static gboolean write_group(gsl_rng *r, const GroupDef *g, CsvOut *fg, CsvOut *part,
                            CsvOut *seg, GError **error)
{
    /* focus_groups row */
    int day = (int)gsl_rng_uniform_int(r, (unsigned long)gen_ndays());
    csv_field(fg, g->id);
    csv_field(fg, g->cc);
    csv_field(fg, gen_day_str(day));
    csv_field(fg, g->city);
    csv_field(fg, g->purpose);
    csv_field(fg, g->moderator);
    csv_int(fg, 60 + 15 * (long)gsl_rng_uniform_int(r, 5));
    if (!csv_end(fg, error))
        return FALSE;

    /* participants */
    gboolean lt = strcmp(g->purpose, "needs_assessment") == 0;
    int np = lt ? 8 : 5 + (int)gsl_rng_uniform_int(r, 6);
    for (int i = 0; i < np; i++) {
        char pc[8];
        g_snprintf(pc, sizeof pc, "P%02d", i + 1);
        csv_field(part, g->id);
        csv_field(part, pc);
        csv_field(part, lt ? lt_roles[i] : roles[gen_pick(r, role_w, G_N_ELEMENTS(role_w))]);
        csv_field(part, sexes[gen_pick(r, sex_w, 4)]);
        csv_field(part, ages[gen_pick(r, age_w, 5)]);
        if (!csv_end(part, error))
            return FALSE;
    }

    /* what this group talked about */
    double theme_w[NTHEMES], code_w[NCODES];
    for (int t = 0; t < NTHEMES; t++)
        theme_w[t] = 0.5 + 2.0 * gsl_rng_uniform(r);
    if (lt) {
        theme_w[TH_ACCESS] *= 3;
        theme_w[TH_POLICING] *= 3;
    }
    for (int k = 0; k < NCODES; k++)
        code_w[k] = theme_w[codebook[k].theme] * (0.5 + gsl_rng_uniform(r));

    gchar **coders = g_strsplit(g->coders, ",", -1);
    const Excerpts *ex = find_lang(g->lang);
    int nseg = 20 + (int)gsl_rng_uniform_int(r, 41);
    for (int s = 0; s < nseg; s++) {
        char sid[8], speaker[8];
        g_snprintf(sid, sizeof sid, "S%03d", s + 1);
        gboolean moderator = gsl_rng_uniform(r) < 0.08;
        g_snprintf(speaker, sizeof speaker, "P%02d",
                   1 + (int)gsl_rng_uniform_int(r, (unsigned long)np));

        gboolean truth[NCODES] = {FALSE};
        double u = gsl_rng_uniform(r);
        int ntrue = u < 0.15 ? 0 : u < 0.70 ? 1 : u < 0.95 ? 2 : 3;
        int first = -1;
        for (int i = 0; i < ntrue; i++) {
            double w[NCODES];
            for (int k = 0; k < NCODES; k++)
                w[k] = truth[k] ? 0 : code_w[k];
            int k = gen_pick(r, w, NCODES);
            truth[k] = TRUE;
            if (first < 0)
                first = k;
        }
        const char *excerpt = first >= 0 ? ex->text[codebook[first].theme]
                                         : ex->text[NTHEMES + (gsl_rng_uniform(r) < 0.5)];

        for (int ci = 0; coders[ci]; ci++) {
            double sens, stray;
            coder_traits(coders[ci], &sens, &stray);
            gboolean is_jr = strcmp(coders[ci], "JR") == 0;
            gboolean applied[NCODES] = {FALSE};
            for (int k = 0; k < NCODES; k++)
                if (truth[k] && gsl_rng_uniform(r) < sens)
                    applied[k] = k != FAMILY_STIGMA || is_jr;
            if (gsl_rng_uniform(r) < stray) {
                int k = (int)gsl_rng_uniform_int(r, NCODES);
                applied[k] = k != FAMILY_STIGMA || is_jr;
            }
            gboolean any = FALSE;
            for (int k = 0; k <= NCODES; k++) {
                if (k == NCODES && any)
                    break;
                if (k < NCODES && !applied[k])
                    continue;
                any = TRUE;
                csv_field(seg, g->id);
                csv_field(seg, sid);
                csv_field(seg, moderator ? NULL : speaker);
                csv_field(seg, coders[ci]);
                csv_field(seg, k < NCODES ? codebook[k].code : NULL); /* empty: read, no code */
                csv_field(seg, excerpt);
                if (!csv_end(seg, error)) {
                    g_strfreev(coders);
                    return FALSE;
                }
            }
        }
    }
    g_strfreev(coders);
    return TRUE;
}

gboolean gen_focus_groups(const CountryDef *c, unsigned long seed, const char *dir,
                          GError **error)
{
    static const char *const fg_cols[] = {"group_id", "country", "date", "city",
                                          "purpose", "moderator", "duration_min", NULL};
    static const char *const part_cols[] = {"group_id", "participant_code", "role",
                                            "sex", "age_group", NULL};
    static const char *const seg_cols[] = {"group_id", "segment_id", "participant_code",
                                           "coder", "code", "excerpt", NULL};
    gboolean ok = FALSE;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed + 31337UL);
    gchar *p1 = g_build_filename(dir, "focus_groups.csv", NULL);
    gchar *p2 = g_build_filename(dir, "fg_participants.csv", NULL);
    gchar *p3 = g_build_filename(dir, "fg_segments.csv", NULL);
    CsvOut *fg = NULL, *part = NULL, *seg = NULL;
    if (!(fg = csv_out_new(p1, ',', "\n", NULL, error)) ||
        !(part = csv_out_new(p2, ',', "\n", NULL, error)) ||
        !(seg = csv_out_new(p3, ',', "\n", NULL, error)))
        goto out;
    if (!csv_header(fg, fg_cols, error) || !csv_header(part, part_cols, error) ||
        !csv_header(seg, seg_cols, error))
        goto out;
    for (size_t i = 0; i < G_N_ELEMENTS(groups); i++)
        if (strcmp(groups[i].cc, c->cc) == 0 &&
            !write_group(r, &groups[i], fg, part, seg, error))
            goto out;
    ok = TRUE;
out:
    if (fg && !csv_out_close(fg, ok ? error : NULL))
        ok = FALSE;
    if (part && !csv_out_close(part, ok ? error : NULL))
        ok = FALSE;
    if (seg && !csv_out_close(seg, ok ? error : NULL))
        ok = FALSE;
    g_free(p1);
    g_free(p2);
    g_free(p3);
    gsl_rng_free(r);
    return ok;
}

gboolean gen_codebook(const char *dir, GError **error)
{
    static const char *const cols[] = {"code", "theme", "description", NULL};
    gchar *path = g_build_filename(dir, "codebook.csv", NULL);
    CsvOut *o = csv_out_new(path, ',', "\n", NULL, error);
    g_free(path);
    if (!o)
        return FALSE;
    gboolean ok = csv_header(o, cols, error);
    for (int k = 0; ok && k < NCODES; k++) {
        csv_field(o, codebook[k].code);
        csv_field(o, themes[codebook[k].theme]);
        csv_field(o, codebook[k].description);
        ok = csv_end(o, error);
    }
    if (!csv_out_close(o, ok ? error : NULL))
        ok = FALSE;
    return ok;
}
