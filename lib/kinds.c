/* kinds.c: the six canonical input kinds as data (contract "Inputs"). */
#include "kinds.h"

#include <string.h>

const char *const p2p_countries[] = {"PT", "GR", "PL", "LT", "BE", "FR", "NL",
                                     "HU", NULL};

static const char *const SETTINGS[] = {"street", "nightlife", "shelter", "drop_in",
    "prison", "online", "home", "other", NULL};
static const char *const WORKER_TYPES[] = {"peer", "professional", "mixed", NULL};
static const char *const SEXES[] = {"female", "male", "other", "unknown", NULL};
static const char *const YES_NO[] = {"yes", "no", "unknown", NULL};
static const char *const SUBSTANCES[] = {"opioids", "stimulants", "cannabis",
    "alcohol", "benzodiazepines", "nps", "other", NULL};
static const char *const SERVICES_GIVEN[] = {"information", "counselling",
    "harm_reduction_kit", "first_aid", "testing", "accompaniment", "other", NULL};
static const char *const SERVICES[] = {"drug_treatment", "ost", "hiv_hcv_testing",
    "housing", "social", "medical", "mental_health", "legal", "other", NULL};
static const char *const OUTCOMES[] = {"attended", "not_attended", "pending",
    "unknown", NULL};
static const char *const PURPOSES[] = {"needs_assessment", "case_study",
    "validation", "other", NULL};
static const char *const ROLES[] = {"pups", "peer_educator", "outreach_worker",
    "professional", "law_enforcement", "policy_maker", "dealer", "researcher",
    "other", NULL};
static const char *const AGE_GROUPS[] = {"18-24", "25-34", "35-44", "45+",
    "unknown", NULL};

#define REQ(n, t) {n, t, TRUE, NULL, 0, 0, NULL}
#define OPT(n, t) {n, t, FALSE, NULL, 0, 0, NULL}
#define ENUM(n, req, v) {n, P2P_COL_ENUM, req, v, 0, 0, NULL}
#define LIST(n, v) {n, P2P_COL_LIST, FALSE, v, 0, 0, NULL}
#define COUNT(n) {n, P2P_COL_INT, FALSE, NULL, 0, G_MAXINT32, "0"}

static const P2pColumn ENCOUNTERS[] = {
    REQ("encounter_id", P2P_COL_ID), REQ("date", P2P_COL_DATE),
    REQ("country", P2P_COL_COUNTRY), OPT("site", P2P_COL_TEXT),
    ENUM("setting", FALSE, SETTINGS), REQ("worker_id", P2P_COL_ID),
    ENUM("worker_type", TRUE, WORKER_TYPES), OPT("client_code", P2P_COL_CLIENT),
    ENUM("sex", FALSE, SEXES), {"birth_year", P2P_COL_YEAR, FALSE, NULL, 1900, 0, NULL},
    ENUM("first_contact", FALSE, YES_NO), LIST("substances", SUBSTANCES),
    ENUM("injecting", FALSE, YES_NO), COUNT("syringes_given"),
    COUNT("naloxone_given"), COUNT("condoms_given"),
    LIST("services", SERVICES_GIVEN),
    {"age_first_use", P2P_COL_INT, FALSE, NULL, 5, 99, NULL},
};
static const int ENCOUNTERS_KEY[] = {2, 0, -1};

static const P2pColumn REFERRALS[] = {
    REQ("referral_id", P2P_COL_ID), REQ("encounter_id", P2P_COL_ID),
    REQ("country", P2P_COL_COUNTRY), ENUM("service", TRUE, SERVICES),
    ENUM("outcome", TRUE, OUTCOMES), OPT("outcome_date", P2P_COL_DATE),
};
static const int REFERRALS_KEY[] = {2, 0, -1};

static const P2pColumn FOCUS_GROUPS[] = {
    REQ("group_id", P2P_COL_ID), REQ("country", P2P_COL_COUNTRY),
    REQ("date", P2P_COL_DATE), OPT("city", P2P_COL_TEXT),
    ENUM("purpose", FALSE, PURPOSES), OPT("moderator", P2P_COL_TEXT),
    {"duration_min", P2P_COL_INT, FALSE, NULL, 1, G_MAXINT32, NULL},
};
static const int FOCUS_GROUPS_KEY[] = {0, -1};

static const P2pColumn FG_PARTICIPANTS[] = {
    REQ("group_id", P2P_COL_ID), REQ("participant_code", P2P_COL_ID),
    ENUM("role", TRUE, ROLES), ENUM("sex", FALSE, SEXES),
    ENUM("age_group", FALSE, AGE_GROUPS),
};
static const int FG_PARTICIPANTS_KEY[] = {0, 1, -1};

static const P2pColumn FG_SEGMENTS[] = {
    REQ("group_id", P2P_COL_ID), REQ("segment_id", P2P_COL_ID),
    OPT("participant_code", P2P_COL_ID), REQ("coder", P2P_COL_ID),
    OPT("code", P2P_COL_ID), OPT("excerpt", P2P_COL_TEXT),
};
static const int FG_SEGMENTS_KEY[] = {0, 1, 3, 4, -1};

static const P2pColumn CODEBOOK[] = {
    REQ("code", P2P_COL_ID), REQ("theme", P2P_COL_ID),
    OPT("description", P2P_COL_TEXT),
};
static const int CODEBOOK_KEY[] = {0, -1};

#define KIND(id, name, cols, key, cc) {id, name, cols, G_N_ELEMENTS(cols), key, cc}
static const P2pKind KINDS[P2P_KIND_COUNT] = {
    KIND(P2P_KIND_CODEBOOK, "codebook", CODEBOOK, CODEBOOK_KEY, -1),
    KIND(P2P_KIND_FOCUS_GROUPS, "focus_groups", FOCUS_GROUPS, FOCUS_GROUPS_KEY, 1),
    KIND(P2P_KIND_FG_PARTICIPANTS, "fg_participants", FG_PARTICIPANTS,
         FG_PARTICIPANTS_KEY, -1),
    KIND(P2P_KIND_FG_SEGMENTS, "fg_segments", FG_SEGMENTS, FG_SEGMENTS_KEY, -1),
    KIND(P2P_KIND_ENCOUNTERS, "encounters", ENCOUNTERS, ENCOUNTERS_KEY, 2),
    KIND(P2P_KIND_REFERRALS, "referrals", REFERRALS, REFERRALS_KEY, 2),
};

const P2pKind *p2p_kinds(void) { return KINDS; }

const P2pKind *p2p_kind_find(const char *name)
{
    for (int i = 0; i < P2P_KIND_COUNT; i++)
        if (strcmp(KINDS[i].name, name) == 0)
            return &KINDS[i];
    return NULL;
}

int p2p_kind_column(const P2pKind *kind, const char *name)
{
    for (size_t i = 0; i < kind->ncolumns; i++)
        if (strcmp(kind->columns[i].name, name) == 0)
            return (int)i;
    return -1;
}

const char *p2p_country_canonical(const char *s, size_t len)
{
    if (len != 2)
        return NULL;
    char cc[3] = {g_ascii_toupper(s[0]), g_ascii_toupper(s[1]), 0};
    if (strcmp(cc, "EL") == 0)
        return "GR";
    for (int i = 0; p2p_countries[i]; i++)
        if (strcmp(cc, p2p_countries[i]) == 0)
            return p2p_countries[i];
    return NULL;
}
