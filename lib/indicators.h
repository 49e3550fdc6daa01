/* indicators.h: THE table of indicators (CONTRACT.md "Indicators") — name,
 * definition for the methods annex, unit, small-cell sensitivity, groups and
 * how each is computed. The analysis, the export, the suppression rule, the
 * report's methods annex and the tests all read this one table. */
#ifndef P2P_INDICATORS_H
#define P2P_INDICATORS_H

#include <glib.h>
#include <stddef.h>

/* The shape of an indicator's rows (which export fields it fills). */
typedef enum {
    P2P_KIND_COUNT,       /* numerator = value; no denominator, no interval */
    P2P_KIND_PROPORTION,  /* numerator/denominator, 95% Wilson interval */
    P2P_KIND_MEAN,        /* numerator/denominator, no interval */
    P2P_KIND_RATIO,       /* numerator/denominator, no interval */
    P2P_KIND_COMPARISON,  /* risk ratio peer/professional of `base`: value,
                             Katz interval, Fisher p; no numerator/denominator */
    P2P_KIND_TREND,       /* monthly rate ratio, Wald interval and p */
    P2P_KIND_ESTIMATE,    /* capture-recapture estimate with interval */
    P2P_KIND_COEFFICIENT, /* agreement coefficient (alpha, kappa), value only */
} P2pIndicatorKind;

/* Which computation fills the rows. */
typedef enum {
    P2P_CALC_TALLY,       /* numerator/denominator read from P2pTally by
                             num_off/den_off (encounter-based indicators) */
    P2P_CALC_COMPARISON,  /* from the peer and professional rows of `base` */
    P2P_CALC_TREND,       /* Poisson regression on the monthly counts */
    P2P_CALC_ESTIMATE,    /* Chapman estimate from n1, n2, m */
    P2P_CALC_COVERAGE,    /* clients_reached / population_estimate */
    P2P_CALC_FG_SESSIONS, /* focus groups in scope */
    P2P_CALC_FG_PARTICIPANTS, /* participants, per role */
    P2P_CALC_CODE_FREQUENCY,  /* segments with a code / segments */
    P2P_CALC_CODE_COOCCURRENCE, /* segments carrying both codes */
    P2P_CALC_CODER_ALPHA,     /* Krippendorff's alpha per code */
    P2P_CALC_CODER_KAPPA,     /* Cohen's kappa per code */
} P2pIndicatorCalc;

/* The groups an indicator has besides "all" (bit flags). */
enum {
    P2P_GROUPS_WORKER = 1 << 0,   /* worker_type=peer|professional|mixed */
    P2P_GROUPS_SERVICE = 1 << 1,  /* service=S, every referral service */
    P2P_GROUPS_ROLE = 1 << 2,     /* role=R, every participant role */
    P2P_GROUPS_CODE = 1 << 3,     /* code=C, every code (codebook or used) */
    P2P_GROUPS_THEME = 1 << 4,    /* theme=T, every codebook theme */
    P2P_GROUPS_CODE_PAIR = 1 << 5 /* code=A&code=B, pairs that occur */
};

/* The per-group tallies of the encounter-based indicators in one scope
 * (country or ALL) and period. Every member is additive over countries, so
 * ALL is the member-wise sum of the countries' tallies. */
typedef struct {
    double encounters;       /* encounters of the group */
    double anonymous;        /* of which with no client code */
    double named;            /* of which with a client code */
    double syringes;         /* syringes given in the group's encounters */
    double naloxone;         /* naloxone given in the group's encounters */
    double enc_referred;     /* the group's encounters with >= 1 referral */
    double referrals;        /* referrals made in the group's encounters */
    double ref_attended;     /* of which outcome attended */
    double ref_decided;      /* of which outcome attended or not_attended */
    double clients;          /* clients reached (>= 1 encounter of group) */
    double first_contacts;   /* clients with first_contact=yes in the group */
    double new_clients;      /* first-ever encounter in scope, with group */
    double female;           /* clients whose sex is female */
    double sex_known;        /* clients whose sex is female, male or other */
    double under25;          /* aged <= 24 at first encounter in scope */
    double age_known;        /* clients with a birth year */
    double early_career;     /* 0..2 years of use at first encounter */
    double career_known;     /* years of use known and >= 0 */
    double injecting;        /* injecting=yes at an encounter in scope */
    double injecting_known;  /* injecting yes or no in scope */
    double retained;         /* >= 2 encounters in scope (any worker type) */
    double referred;         /* clients with >= 1 referral in the group */
    double attended;         /* clients with >= 1 attended such referral */
} P2pTally;

#define P2P_NO_FIELD ((ptrdiff_t)-1)

typedef struct {
    const char *name;         /* the export's `indicator` */
    P2pIndicatorKind kind;    /* which fields its rows fill */
    P2pIndicatorCalc calc;    /* how it is computed */
    const char *unit;         /* "count", "proportion", "mean", "ratio",
                                 "risk ratio", "rate ratio", "estimate",
                                 "coefficient" */
    const char *numerator;    /* text of the numerator, NULL when none */
    const char *denominator;  /* text of the denominator, NULL when none */
    const char *definition;   /* one sentence or two for the methods annex */
    gboolean sensitive;       /* built on sensitive counts: under the
                                 small-cell rule (a COUNT row: rule 1; others
                                 rule 2) */
    gboolean additive;        /* its worker-type (or role) groups add up to
                                 its "all" row: a rule-3 partition */
    unsigned groups;          /* P2P_GROUPS_* besides "all" */
    ptrdiff_t num_off;        /* CALC_TALLY: offsetof(P2pTally, x) of the
                                 numerator (count: the value) */
    ptrdiff_t den_off;        /* CALC_TALLY: denominator, P2P_NO_FIELD */
    const char *base;         /* COMPARISON: the proportion compared */
    const char *num_count;    /* count indicator whose row (same country,
                                 period, group) is this row's numerator:
                                 rule 4 spreads its suppression; NULL */
    const char *den_count;    /* the same for the denominator; NULL */
} P2pIndicator;

/* The table, in export order. out n: its length. Static, never freed. */
const P2pIndicator *p2p_indicators(size_t *n);

/* The indicator with that name or NULL. Borrowed (static). */
const P2pIndicator *p2p_indicator_find(const char *name);

/* Fixed lists of the enumerated groups, in the contract's order, each
 * NULL-terminated. Static. */
extern const char *const p2p_worker_types[];  /* peer, professional, mixed */
extern const char *const p2p_services[];      /* drug_treatment, ost, ... */
extern const char *const p2p_roles[];         /* pups, peer_educator, ... */

#endif
