/* test_indicators.c: the indicator table is consistent with the contract
 * (names, groups, sensitivity, the links the suppression follows) and the
 * analysis emits exactly its rows. */
#include <string.h>

#include "indicators.h"
#include "tap.h"

/* Every name of CONTRACT.md "Indicators", in its order. */
static const char *const contract[] = {
    "encounters", "anonymous_encounters", "clients_reached", "first_contacts",
    "new_clients", "share_female", "share_under25", "share_early_career",
    "share_injecting", "retained_clients", "contacts_per_client",
    "syringes_distributed", "naloxone_distributed",
    "syringes_per_injecting_client", "referral_rate", "clients_referred",
    "clients_attended", "referrals", "referral_uptake",
    "share_female_peer_vs_professional", "share_under25_peer_vs_professional",
    "share_early_career_peer_vs_professional",
    "referral_rate_peer_vs_professional", "referral_uptake_peer_vs_professional",
    "encounter_trend", "population_estimate", "coverage", "fg_sessions",
    "fg_participants", "code_frequency", "code_cooccurrence",
    "coder_agreement", "coder_kappa", NULL };

/* Rule 3's worker-type partitions, and the counts that are not sensitive. */
static const char *const additive[] = {
    "encounters", "anonymous_encounters", "new_clients",
    "syringes_distributed", "naloxone_distributed", "referrals",
    "fg_participants", NULL };
static const char *const not_sensitive[] = {
    "fg_sessions", "code_frequency", "code_cooccurrence", "coder_agreement",
    "coder_kappa", "encounter_trend", NULL };

static gboolean in(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (strcmp(*list, s) == 0)
            return TRUE;
    return FALSE;
}

int main(void)
{
    size_t n;
    const P2pIndicator *t = p2p_indicators(&n);
    size_t nc = 0;
    while (contract[nc])
        nc++;
    ok(n == nc, "the table has the contract's %zu indicators (%zu)", nc, n);
    for (size_t i = 0; i < n && i < nc; i++)
        is_str(t[i].name, contract[i], "in the contract's order");
    for (size_t i = 0; i < n; i++) {
        const P2pIndicator *x = &t[i];
        ok(p2p_indicator_find(x->name) == x, "%s: found by name", x->name);
        ok(x->definition && strlen(x->definition) > 20 && x->unit && *x->unit,
           "%s: has a definition and a unit for the methods annex", x->name);
        ok(x->sensitive == !in(not_sensitive, x->name),
           "%s: sensitive as the small-cell rule says", x->name);
        ok(x->additive == in(additive, x->name),
           "%s: a rule-3 partition exactly when its groups add up", x->name);
        if (x->calc == P2P_CALC_TALLY)
            ok(x->num_off >= 0 && x->num_off < (ptrdiff_t)sizeof(P2pTally)
               && (x->kind == P2P_KIND_COUNT) == (x->den_off == P2P_NO_FIELD),
               "%s: reads its tallies", x->name);
        if (x->kind == P2P_KIND_COMPARISON) {
            const P2pIndicator *b = p2p_indicator_find(x->base);
            ok(b && b->kind == P2P_KIND_PROPORTION
               && (b->groups & P2P_GROUPS_WORKER)
               && g_str_has_prefix(x->name, b->name),
               "%s: compares a proportion with worker-type groups", x->name);
        }
        const char *links[2] = { x->num_count, x->den_count };
        for (int k = 0; k < 2; k++)
            if (links[k]) {
                const P2pIndicator *c = p2p_indicator_find(links[k]);
                ok(c && c->kind == P2P_KIND_COUNT && c->sensitive,
                   "%s: links to the sensitive count %s", x->name, links[k]);
            }
        gboolean client_encounter = x->calc == P2P_CALC_TALLY;
        ok(client_encounter == !!(x->groups & P2P_GROUPS_WORKER),
           "%s: worker-type groups exactly for the encounter indicators",
           x->name);
    }
    ok(p2p_indicator_find("nope") == NULL, "an unknown name is NULL");
    ok(p2p_indicator_find("referral_uptake")->groups & P2P_GROUPS_SERVICE,
       "referral_uptake per service");
    ok(p2p_indicator_find("fg_participants")->groups & P2P_GROUPS_ROLE,
       "fg_participants per role");
    ok((p2p_indicator_find("code_frequency")->groups
        & (P2P_GROUPS_CODE | P2P_GROUPS_THEME))
           == (P2P_GROUPS_CODE | P2P_GROUPS_THEME),
       "code_frequency per code and theme");
    ok(p2p_indicator_find("code_cooccurrence")->groups & P2P_GROUPS_CODE_PAIR,
       "code_cooccurrence per pair");
    is_str(p2p_indicator_find("retained_clients")->den_count, "clients_reached",
           "retained_clients' denominator is clients_reached (rule 4)");
    is_str(p2p_indicator_find("referral_rate")->den_count, "encounters",
           "referral_rate's denominator is encounters (rule 4)");
    is_str(p2p_indicator_find("coverage")->num_count, "clients_reached",
           "coverage's numerator is clients_reached (rule 4)");
    return tap_done();
}
