/* indicators.c: the table of indicators (CONTRACT.md "Indicators"). */
#include "indicators.h"

#include <string.h>

const char *const p2p_worker_types[] = { "peer", "professional", "mixed", NULL };
const char *const p2p_services[] = {
    "drug_treatment", "ost", "hiv_hcv_testing", "housing", "social",
    "medical", "mental_health", "legal", "other", NULL };
const char *const p2p_roles[] = {
    "pups", "peer_educator", "outreach_worker", "professional",
    "law_enforcement", "policy_maker", "dealer", "researcher", "other", NULL };

#define T(x) ((ptrdiff_t)offsetof(P2pTally, x))
#define NONE P2P_NO_FIELD
#define W P2P_GROUPS_WORKER

/* A count of encounters or clients from the tallies. */
#define COUNT(nm, field, add, num, def) \
    { nm, P2P_KIND_COUNT, P2P_CALC_TALLY, "count", num, NULL, def, TRUE, add, \
      W, T(field), NONE, NULL, NULL, NULL }
/* A proportion of clients or encounters from the tallies. */
#define PROP(nm, nf, df, num, den, def, ncount, dcount) \
    { nm, P2P_KIND_PROPORTION, P2P_CALC_TALLY, "proportion", num, den, def, \
      TRUE, FALSE, W, T(nf), T(df), NULL, ncount, dcount }
#define COMPARE(nm, base) \
    { nm, P2P_KIND_COMPARISON, P2P_CALC_COMPARISON, "risk ratio", NULL, NULL, \
      "Risk ratio of " base " for peers over professionals (clients seen by " \
      "both sit in both arms), 95% CI by Katz's log method (empty when a " \
      "cell is 0, no continuity correction), two-sided Fisher exact p " \
      "(minimum-likelihood rule, as R's fisher.test).", \
      TRUE, FALSE, 0, NONE, NONE, base, NULL, NULL }

static const P2pIndicator table[] = {
    COUNT("encounters", encounters, TRUE, "encounters in scope",
          "Outreach encounters in scope (a group: those with that worker type)."),
    COUNT("anonymous_encounters", anonymous, TRUE,
          "encounters with no client code",
          "Encounters recorded without a client code; they never make a client."),
    COUNT("clients_reached", clients, FALSE,
          "distinct clients with >= 1 encounter in scope",
          "Distinct clients, a client being a (country, client code) pair, with "
          "at least one encounter in scope (a group: with that worker type)."),
    COUNT("first_contacts", first_contacts, FALSE,
          "clients with first_contact = yes at an encounter of the group in scope",
          "Clients the partner recorded as a first contact (first_contact = "
          "yes) at an encounter of the group in scope."),
    COUNT("new_clients", new_clients, TRUE,
          "clients whose first-ever encounter in the country falls in scope "
          "and was with the group",
          "Clients whose first-ever encounter in that country (over the whole "
          "database) falls in scope and was with the group; everyone at the "
          "start of the data counts as new."),
    PROP("share_female", female, sex_known,
         "clients reached whose sex is female",
         "clients reached whose sex is female, male or other",
         "Share of women among clients reached with a known sex (from their "
         "latest encounter where sex is known; 'unknown' is not known).",
         NULL, NULL),
    PROP("share_under25", under25, age_known,
         "clients reached aged <= 24 at their first encounter in scope",
         "clients reached with a birth year",
         "Share of clients aged 24 or under (year of their first encounter in "
         "scope minus birth year).", NULL, NULL),
    PROP("share_early_career", early_career, career_known,
         "clients reached with 0 to 2 years of use at their first encounter "
         "in scope",
         "clients reached with a birth year and an age at first use giving "
         "0 years or more",
         "Share of clients early in their drug-using career: age at their "
         "first encounter in scope minus age at first use between 0 and 2; "
         "a negative figure counts as unknown.", NULL, NULL),
    PROP("share_injecting", injecting, injecting_known,
         "clients reached with injecting = yes at any encounter in scope",
         "clients reached with injecting yes or no",
         "Share of clients who reported injecting at an encounter in scope.",
         NULL, NULL),
    PROP("retained_clients", retained, clients,
         "clients reached with >= 2 encounters in scope", "clients reached",
         "Share of clients seen at least twice in scope (any worker type).",
         NULL, "clients_reached"),
    { "contacts_per_client", P2P_KIND_MEAN, P2P_CALC_TALLY, "mean",
      "non-anonymous encounters of the group", "clients reached of the group",
      "Mean number of encounters per client reached.", TRUE, FALSE, W,
      T(named), T(clients), NULL, NULL, "clients_reached" },
    COUNT("syringes_distributed", syringes, TRUE, "syringes given in scope",
          "Syringes given in the encounters in scope."),
    COUNT("naloxone_distributed", naloxone, TRUE, "naloxone given in scope",
          "Naloxone kits given in the encounters in scope."),
    { "syringes_per_injecting_client", P2P_KIND_RATIO, P2P_CALC_TALLY, "ratio",
      "syringes given in the group's encounters",
      "clients reached with injecting = yes (share_injecting's numerator)",
      "Syringes given per client who reported injecting.", TRUE, FALSE, W,
      T(syringes), T(injecting), NULL, "syringes_distributed", NULL },
    PROP("referral_rate", enc_referred, encounters,
         "encounters with >= 1 referral", "encounters",
         "Share of encounters at which at least one referral was made.",
         NULL, "encounters"),
    COUNT("clients_referred", referred, FALSE,
          "clients with >= 1 referral made in the group's encounters in scope",
          "Clients referred at least once in scope (referral cascade)."),
    COUNT("clients_attended", attended, FALSE,
          "clients with >= 1 such referral whose outcome is attended",
          "Clients who attended at least one referral made in scope "
          "(referral cascade)."),
    COUNT("referrals", referrals, TRUE,
          "referrals made in scope (by encounter date)",
          "Referrals made at encounters in scope."),
    { "referral_uptake", P2P_KIND_PROPORTION, P2P_CALC_TALLY, "proportion",
      "referrals with outcome attended",
      "referrals with outcome attended or not_attended",
      "Share of referrals with a known outcome that were attended (pending "
      "and unknown outcomes left out); also per service.", TRUE, FALSE,
      W | P2P_GROUPS_SERVICE, T(ref_attended), T(ref_decided), NULL, NULL,
      NULL },
    COMPARE("share_female_peer_vs_professional", "share_female"),
    COMPARE("share_under25_peer_vs_professional", "share_under25"),
    COMPARE("share_early_career_peer_vs_professional", "share_early_career"),
    COMPARE("referral_rate_peer_vs_professional", "referral_rate"),
    COMPARE("referral_uptake_peer_vs_professional", "referral_uptake"),
    { "encounter_trend", P2P_KIND_TREND, P2P_CALC_TREND, "rate ratio", NULL,
      NULL,
      "Monthly rate ratio exp(beta) from a Poisson regression (log link) of "
      "monthly encounter counts on the month index, over every month from "
      "the first to the last month with an encounter (months with none count "
      "as 0); 95% Wald interval and p; empty under 3 months.", FALSE, FALSE,
      0, NONE, NONE, NULL, NULL, NULL },
    { "population_estimate", P2P_KIND_ESTIMATE, P2P_CALC_ESTIMATE, "estimate",
      NULL, NULL,
      "Chapman two-source capture-recapture estimate of the hidden "
      "population from clients with a peer encounter (n1), a professional "
      "encounter (n2) and both (m); mixed-team encounters count for neither. "
      "95% interval est +/- z*sqrt(Var), lower bound at least n1+n2-m. "
      "Assumes a closed population, independent lists and equal "
      "catchability; unreliable when m < 7. ALL: the sum of the countries' "
      "estimates and variances.", TRUE, FALSE, 0, NONE, NONE, NULL, NULL,
      NULL },
    { "coverage", P2P_KIND_PROPORTION, P2P_CALC_COVERAGE, "proportion",
      "clients_reached (all groups)", "population_estimate",
      "Clients reached as a share of the estimated population; interval "
      "from the estimate's bounds; capped at 1.", TRUE, FALSE, 0, NONE, NONE,
      "population_estimate", "clients_reached", NULL },
    { "fg_sessions", P2P_KIND_COUNT, P2P_CALC_FG_SESSIONS, "count",
      "focus groups in scope", NULL,
      "Focus groups held in scope (by the group's country and date).", FALSE,
      FALSE, 0, NONE, NONE, NULL, NULL, NULL },
    { "fg_participants", P2P_KIND_COUNT, P2P_CALC_FG_PARTICIPANTS, "count",
      "participants of the focus groups in scope", NULL,
      "Participants of the focus groups in scope; also per role.", TRUE, TRUE,
      P2P_GROUPS_ROLE, NONE, NONE, NULL, NULL, NULL },
    { "code_frequency", P2P_KIND_PROPORTION, P2P_CALC_CODE_FREQUENCY,
      "proportion", "segments with the code by any coder",
      "segments in scope",
      "Share of transcript segments (group_id, segment_id) carrying a code "
      "applied by any coder; per code and per theme (group all: segments "
      "with any code).", FALSE, FALSE, P2P_GROUPS_CODE | P2P_GROUPS_THEME,
      NONE, NONE, NULL, NULL, NULL },
    { "code_cooccurrence", P2P_KIND_COUNT, P2P_CALC_CODE_COOCCURRENCE, "count",
      "segments carrying both codes, applied by any coders", NULL,
      "Segments carrying both codes of a pair (pairs that occur; group all: "
      "segments carrying two codes or more).", FALSE, FALSE,
      P2P_GROUPS_CODE_PAIR, NONE, NONE, NULL, NULL, NULL },
    { "coder_agreement", P2P_KIND_COEFFICIENT, P2P_CALC_CODER_ALPHA,
      "coefficient", NULL, NULL,
      "Krippendorff's alpha (nominal) on the presence or absence of a code "
      "on every segment in scope; a coder's value is missing on the "
      "segments of focus groups the coder has no row for (group all: every "
      "code's segment values pooled). Empty with a single coder.", FALSE,
      FALSE, P2P_GROUPS_CODE, NONE, NONE, NULL, NULL, NULL },
    { "coder_kappa", P2P_KIND_COEFFICIENT, P2P_CALC_CODER_KAPPA, "coefficient",
      NULL, NULL,
      "Cohen's kappa on the same presence/absence values, only where the "
      "scope has exactly two coders who both coded every focus group in it "
      "(group all: every code pooled).", FALSE, FALSE, P2P_GROUPS_CODE, NONE,
      NONE, NULL, NULL, NULL },
};

const P2pIndicator *p2p_indicators(size_t *n)
{
    *n = G_N_ELEMENTS(table);
    return table;
}

const P2pIndicator *p2p_indicator_find(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(table); i++)
        if (strcmp(table[i].name, name) == 0)
            return &table[i];
    return NULL;
}
