/* test_suppress.c: the small-cell rule (CONTRACT.md "Small-cell
 * suppression") on small hand-built result sets, and how a published field
 * is written. */
#include <math.h>

#include "export.h"
#include "results.h"
#include "tap.h"

static P2pResult *row(P2pResultSet *rs, const char *country, const char *ind,
                      const char *grp, double num, double den, double value)
{
    double f[P2P_F_COUNT] = { num, den, value, NAN, NAN, NAN };
    return p2p_results_add(rs, country, "all", ind, grp, f);
}

/* A count row: numerator and value. */
static P2pResult *count(P2pResultSet *rs, const char *country, const char *ind,
                        const char *grp, double n)
{
    return row(rs, country, ind, grp, n, NAN, n);
}

static P2pResult *prop(P2pResultSet *rs, const char *country, const char *ind,
                       const char *grp, double num, double den)
{
    P2pResult *r = row(rs, country, ind, grp, num, den, num / den);
    r->f[P2P_F_LO] = 0.1;
    r->f[P2P_F_HI] = 0.9;
    return r;
}

static int state(const P2pResultSet *rs, const char *country, const char *ind,
                 const char *grp)
{
    const P2pResult *r = p2p_results_find(rs, country, "all", ind, grp);
    return r ? r->state[P2P_F_VALUE] : -1;
}

static gboolean whole(const P2pResultSet *rs, const char *country,
                      const char *ind, const char *grp, int st)
{
    const P2pResult *r = p2p_results_find(rs, country, "all", ind, grp);
    if (!r)
        return FALSE;
    for (int i = 0; i < P2P_F_COUNT; i++)
        if (r->state[i] != st)
            return FALSE;
    return TRUE;
}

#define SH P2P_CELL_SHOWN
#define PR P2P_CELL_PRIMARY
#define SE P2P_CELL_SECONDARY

static void test_primary_and_worker_partition(void)
{
    P2pResultSet *rs = p2p_results_new();
    count(rs, "PT", "encounters", "all", 20);
    count(rs, "PT", "encounters", "worker_type=peer", 3);
    count(rs, "PT", "encounters", "worker_type=professional", 8);
    count(rs, "PT", "encounters", "worker_type=mixed", 9);
    /* A tie between professional and mixed: byte order picks mixed. */
    count(rs, "PT", "referrals", "all", 19);
    count(rs, "PT", "referrals", "worker_type=peer", 3);
    count(rs, "PT", "referrals", "worker_type=professional", 8);
    count(rs, "PT", "referrals", "worker_type=mixed", 8);
    /* 0 is shown, K-1 suppressed; clients_reached is no partition. */
    count(rs, "PT", "clients_reached", "all", 12);
    count(rs, "PT", "clients_reached", "worker_type=peer", 4);
    count(rs, "PT", "clients_reached", "worker_type=professional", 0);
    count(rs, "PT", "clients_reached", "worker_type=mixed", 8);
    count(rs, "PT", "new_clients", "all", 5);
    count(rs, "PT", "new_clients", "worker_type=peer", 5);
    count(rs, "PT", "new_clients", "worker_type=professional", 0);
    count(rs, "PT", "new_clients", "worker_type=mixed", 0);
    p2p_results_suppress(rs, 5);
    ok(state(rs, "PT", "encounters", "worker_type=peer") == PR, "3 < 5: primary");
    const P2pResult *r = p2p_results_find(rs, "PT", "all", "encounters",
                                          "worker_type=peer");
    ok(r->state[P2P_F_NUM] == PR, "a count's numerator goes with its value");
    ok(state(rs, "PT", "encounters", "worker_type=professional") == SE,
       "secondary: the smallest other non-zero cell (8)");
    ok(state(rs, "PT", "encounters", "worker_type=mixed") == SH, "9 shown");
    ok(state(rs, "PT", "encounters", "all") == SH, "total shown");
    ok(state(rs, "PT", "referrals", "worker_type=mixed") == SE
       && state(rs, "PT", "referrals", "worker_type=professional") == SH,
       "tie on 8: worker_type=mixed before worker_type=professional");
    ok(state(rs, "PT", "clients_reached", "worker_type=peer") == PR,
       "4 = K-1 suppressed");
    ok(state(rs, "PT", "clients_reached", "worker_type=professional") == SH,
       "0 shown");
    ok(state(rs, "PT", "clients_reached", "worker_type=mixed") == SH,
       "clients_reached's groups overlap: no partition, 8 shown");
    ok(state(rs, "PT", "new_clients", "all") == SH
       && state(rs, "PT", "new_clients", "worker_type=peer") == SH,
       "5 = K shown");

    /* K <= 1 shows everything, and a second call starts afresh. */
    p2p_results_suppress(rs, 1);
    ok(state(rs, "PT", "encounters", "worker_type=peer") == SH
       && state(rs, "PT", "encounters", "worker_type=professional") == SH,
       "K = 1: nothing suppressed");
    p2p_results_suppress(rs, 0);
    ok(state(rs, "PT", "clients_reached", "worker_type=peer") == SH,
       "K = 0: nothing suppressed");
    p2p_results_free(rs);
}

/* Countries of ALL, the total when no other cell is non-zero, and the
 * repetition to a fixed point (worked through in the comments). */
static void test_country_partition_fixed_point(void)
{
    P2pResultSet *rs = p2p_results_new();
    /*            all  peer  prof  mixed
     *  PT          8     3     5      0
     *  GR         10    10     0      0
     *  ALL        18    13     5      0          K = 5
     * 1. PT peer 3 primary. PT's worker partition: one suppressed -> the
     *    smallest other non-zero, PT prof 5.
     * 2. countries, peer: PT suppressed alone -> GR peer 10.
     *    countries, prof: PT suppressed, GR 0 -> the total, ALL prof 5.
     * 3. GR's worker partition: peer alone, others 0 -> the total GR all.
     *    ALL's: prof alone -> smallest other non-zero, ALL peer 13.
     * 4. countries, all: GR all alone -> PT all 8.
     * 5. nothing left with exactly one suppressed cell. */
    const char *cc[3] = { "PT", "GR", "ALL" };
    double v[3][4] = { { 8, 3, 5, 0 }, { 10, 10, 0, 0 }, { 18, 13, 5, 0 } };
    const char *g[4] = { "all", "worker_type=peer", "worker_type=professional",
                         "worker_type=mixed" };
    for (int c = 0; c < 3; c++)
        for (int k = 0; k < 4; k++)
            count(rs, cc[c], "syringes_distributed", g[k], v[c][k]);
    p2p_results_suppress(rs, 5);
    int want[3][4] = { { SE, PR, SE, SH }, { SE, SE, SH, SH },
                       { SH, SE, SE, SH } };
    for (int c = 0; c < 3; c++)
        for (int k = 0; k < 4; k++)
            ok(state(rs, cc[c], "syringes_distributed", g[k]) == want[c][k],
               "fixed point: %s %s is %s", cc[c], g[k],
               want[c][k] == SH ? "shown" : want[c][k] == PR ? "primary"
                                                             : "secondary");
    p2p_results_free(rs);
}

static void test_proportions_and_consistency(void)
{
    P2pResultSet *rs = p2p_results_new();
    prop(rs, "PT", "share_female", "all", 3, 40);                 /* num */
    prop(rs, "PT", "share_female", "worker_type=peer", 38, 40);   /* diff */
    prop(rs, "PT", "share_female", "worker_type=professional", 20, 40);
    prop(rs, "PT", "share_female", "worker_type=mixed", 0, 40);
    prop(rs, "PT", "share_under25", "all", 2, 3);                 /* den */
    prop(rs, "PT", "share_under25", "worker_type=peer", 10, 30);
    prop(rs, "PT", "share_under25", "worker_type=professional", 12, 30);
    /* comparisons follow their peer and professional rows */
    row(rs, "PT", "share_female_peer_vs_professional", "all", NAN, NAN, 1.9);
    row(rs, "PT", "share_under25_peer_vs_professional", "all", NAN, NAN, 0.83);
    /* rule 4: clients_reached GR peer 3 primary -> PT peer 30 secondary
     * (countries of ALL) -> PT retained_clients peer, whose denominator it
     * is, suppressed whole although 10 and 30 are not small. */
    count(rs, "PT", "clients_reached", "worker_type=peer", 30);
    count(rs, "GR", "clients_reached", "worker_type=peer", 3);
    count(rs, "ALL", "clients_reached", "worker_type=peer", 33);
    prop(rs, "PT", "retained_clients", "worker_type=peer", 10, 30);
    row(rs, "PT", "contacts_per_client", "worker_type=peer", 70, 30, 70.0 / 30);
    /* rule-2 blanks do not spread: retained_clients all (3 of 50) goes,
     * clients_reached all (50) and contacts_per_client all stay. */
    count(rs, "PT", "clients_reached", "all", 50);
    count(rs, "GR", "clients_reached", "all", 40);
    count(rs, "ALL", "clients_reached", "all", 90);
    prop(rs, "PT", "retained_clients", "all", 3, 50);
    row(rs, "PT", "contacts_per_client", "all", 120, 50, 2.4);
    /* a ratio: no difference rule (7 of 8 would be a proportion's) */
    row(rs, "PT", "syringes_per_injecting_client", "all", 7, 8, 7.0 / 8);
    count(rs, "PT", "syringes_distributed", "all", 7);
    /* referral_rate's denominator is the encounters count */
    count(rs, "PT", "encounters", "worker_type=mixed", 4);
    prop(rs, "PT", "referral_rate", "worker_type=mixed", 0, 4);
    p2p_results_suppress(rs, 5);

    ok(whole(rs, "PT", "share_female", "all", SE),
       "numerator 3 < 5: the whole row suppressed (value, CI, num, den)");
    ok(whole(rs, "PT", "share_female", "worker_type=peer", SE),
       "38 of 40: difference 2 < 5 suppressed");
    ok(whole(rs, "PT", "share_female", "worker_type=professional", SH),
       "20 of 40 shown");
    ok(whole(rs, "PT", "share_female", "worker_type=mixed", SH),
       "0 of 40 shown");
    ok(whole(rs, "PT", "share_under25", "all", SE), "denominator 3 suppressed");
    ok(whole(rs, "PT", "share_female_peer_vs_professional", "all", SE),
       "comparison with a suppressed peer row suppressed");
    ok(whole(rs, "PT", "share_under25_peer_vs_professional", "all", SH),
       "comparison of two shown rows shown");
    ok(state(rs, "PT", "clients_reached", "worker_type=peer") == SE,
       "countries of ALL: PT peer 30 secondary");
    ok(whole(rs, "PT", "retained_clients", "worker_type=peer", SE),
       "rule 4: a row whose denominator is a suppressed count goes whole");
    ok(whole(rs, "PT", "contacts_per_client", "worker_type=peer", SE),
       "rule 4 for a mean");
    ok(whole(rs, "PT", "retained_clients", "all", SE), "3 of 50 suppressed");
    ok(state(rs, "PT", "clients_reached", "all") == SH,
       "rule-2 blanks do not spread to the count");
    ok(whole(rs, "PT", "contacts_per_client", "all", SH),
       "nor to other rows using it");
    ok(whole(rs, "PT", "syringes_per_injecting_client", "all", SH),
       "a ratio has no difference rule");
    ok(whole(rs, "PT", "referral_rate", "worker_type=mixed", SE),
       "rule 4 (and 2): denominator = suppressed encounters count");
    p2p_results_free(rs);
}

static void test_estimate_and_unsensitive(void)
{
    P2pResultSet *rs = p2p_results_new();
    double est[2] = { 150, 80 };
    const char *cc[2] = { "PT", "GR" };
    double n[2][3] = { { 30, 20, 3 }, { 30, 20, 7 } };
    const char *keys[3] = { "n1", "n2", "m" };
    for (int c = 0; c < 2; c++) {
        P2pResult *r = row(rs, cc[c], "population_estimate", "all", NAN, NAN,
                           est[c]);
        r->f[P2P_F_LO] = est[c] - 10;
        r->f[P2P_F_HI] = est[c] + 10;
        for (int k = 0; k < 3; k++)
            p2p_results_add_figure(rs, cc[c], "all", "capture_recapture",
                                   "all", keys[k], n[c][k], NAN);
        prop(rs, cc[c], "coverage", "all", 40, est[c]);
        count(rs, cc[c], "clients_reached", "all", 40);
    }
    count(rs, "ALL", "clients_reached", "all", 80);
    row(rs, "ALL", "population_estimate", "all", NAN, NAN, 230);
    for (int k = 0; k < 3; k++)
        p2p_results_add_figure(rs, "ALL", "all", "capture_recapture", "all",
                               keys[k], n[0][k] + n[1][k], NAN);
    count(rs, "PT", "fg_sessions", "all", 2);
    count(rs, "PT", "code_cooccurrence", "code=a&code=b", 1);
    prop(rs, "PT", "code_frequency", "code=a", 1, 3);
    row(rs, "PT", "coder_agreement", "code=a", NAN, NAN, 0.4);
    count(rs, "PT", "fg_participants", "all", 12);
    count(rs, "PT", "fg_participants", "role=pups", 2);
    count(rs, "PT", "fg_participants", "role=peer_educator", 10);
    count(rs, "PT", "fg_participants", "role=dealer", 0);
    p2p_results_suppress(rs, 5);
    ok(whole(rs, "PT", "population_estimate", "all", SE)
           || (state(rs, "PT", "population_estimate", "all") == SE),
       "estimate with m = 3 < 5 suppressed");
    ok(whole(rs, "PT", "coverage", "all", SE), "coverage with its estimate");
    ok(state(rs, "GR", "population_estimate", "all") == SE,
       "countries of ALL: the other country's estimate suppressed too");
    ok(state(rs, "ALL", "population_estimate", "all") == SH,
       "ALL's estimate shown (m = 10)");
    ok(whole(rs, "PT", "fg_sessions", "all", SH), "fg_sessions never suppressed");
    ok(whole(rs, "PT", "code_cooccurrence", "code=a&code=b", SH),
       "text-unit counts never suppressed");
    ok(whole(rs, "PT", "code_frequency", "code=a", SH),
       "code_frequency never suppressed");
    ok(whole(rs, "PT", "coder_agreement", "code=a", SH),
       "agreement coefficients never suppressed");
    ok(state(rs, "PT", "fg_participants", "role=pups") == PR,
       "2 participants: primary");
    ok(state(rs, "PT", "fg_participants", "role=peer_educator") == SE,
       "role partition: the other non-zero role");
    ok(state(rs, "PT", "fg_participants", "all") == SH
       && state(rs, "PT", "fg_participants", "role=dealer") == SH,
       "total and the zero role shown");
    p2p_results_free(rs);
}

static void test_format(void)
{
    P2pResultSet *rs = p2p_results_new();
    P2pResult *a = count(rs, "PT", "encounters", "worker_type=peer", 3);
    P2pResult *b = count(rs, "PT", "encounters", "worker_type=professional", 8);
    P2pResult *c = count(rs, "PT", "encounters", "all", 1234567);
    count(rs, "PT", "encounters", "worker_type=mixed", 1234556);
    P2pResult *p = prop(rs, "PT", "retained_clients", "all", 1, 3);
    p->f[P2P_F_P] = 3.1e-15;
    p2p_results_suppress(rs, 5);
    char *s;
    is_str(s = p2p_result_format(a, P2P_F_VALUE, 5), "<5", "primary reads <K");
    g_free(s);
    is_str(s = p2p_result_format(b, P2P_F_VALUE, 5), "c", "secondary reads c");
    g_free(s);
    is_str(s = p2p_result_format(c, P2P_F_VALUE, 5), "1234567",
           "a count in full");
    g_free(s);
    is_str(s = p2p_result_format(c, P2P_F_DEN, 5), "", "empty field");
    g_free(s);
    is_str(s = p2p_export_field(a, P2P_F_VALUE), "",
           "the export leaves a suppressed field empty");
    g_free(s);
    p2p_results_suppress(rs, 0);
    is_str(s = p2p_result_format(p, P2P_F_VALUE, 0), "0.3333333333",
           "10 significant digits");
    g_free(s);
    is_str(s = p2p_result_format(p, P2P_F_P, 0), "3.1e-15", "exponent form");
    g_free(s);
    is_str(s = p2p_format_number(NAN), "", "NaN is empty, never 'nan'");
    g_free(s);
    is_str(s = p2p_format_number(-0.0), "0", "no negative zero");
    g_free(s);
    is_str(s = p2p_format_number(0.25), "0.25", "short numbers stay short");
    g_free(s);
    p2p_results_free(rs);
}

int main(void)
{
    test_primary_and_worker_partition();
    test_country_partition_fixed_point();
    test_proportions_and_consistency();
    test_estimate_and_unsensitive();
    test_format();
    return tap_done();
}
