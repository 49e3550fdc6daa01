/* test_stats.c: lib/stats.c against published worked examples and against
 * independent computations (exact enumeration, Newton-Raphson in long
 * double), each with its tolerance stated. */
#include "stats.h"
#include "tap.h"

#include <gsl/gsl_errno.h>
#include <time.h>

/* tap.h's is_near expands to `if (...) ;`, which -Wextra flags
 * (-Wempty-body); the same check (relative unless expected is 0) without it. */
#undef is_near
#define is_near(got, expected, tol, name)                                        \
    do {                                                                         \
        double g_ = (got), e_ = (expected);                                      \
        double d_ = e_ != 0 ? fabs((g_ - e_) / e_) : fabs(g_);                   \
        ok(d_ <= (tol), "%s: %.10g vs %.10g (tol %g)", name, g_, e_,             \
           (double)(tol));                                                       \
    } while (0)

/* Absolute tolerance (is_near is relative unless the expected value is 0). */
#define is_abs(got, expected, tol, name)                                         \
    do {                                                                         \
        double g_ = (got), e_ = (expected);                                      \
        ok(fabs(g_ - e_) <= (tol), "%s: %.10g vs %.10g (abs tol %g)", name, g_,  \
           e_, (double)(tol));                                                   \
    } while (0)

/* ---- Wilson ------------------------------------------------------------- */

static void test_wilson(void)
{
    /* Newcombe RG (1998), "Two-sided confidence intervals for the single
     * proportion: comparison of seven methods", Stat Med 17:857-872: its
     * worked examples, method 3 (score method without continuity correction).
     * Published to 4 decimals, so 1e-3 absolute is ample; the published
     * figures are matched to 5e-5 in fact (rounding of the last digit). */
    static const struct {
        double x, n, lo, hi;
    } rows[] = {
        {81, 263, 0.2553, 0.3662},
        {15, 148, 0.0624, 0.1605},
        {0, 20, 0.0000, 0.1611},
        {1, 29, 0.0061, 0.1718},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
        double lo, hi;
        char name[64];
        ok(p2p_wilson(rows[i].x, rows[i].n, P2P_Z95, &lo, &hi),
           "wilson %g/%g computed", rows[i].x, rows[i].n);
        g_snprintf(name, sizeof name, "wilson %g/%g lower", rows[i].x, rows[i].n);
        is_abs(lo, rows[i].lo, 1e-3, name);
        is_abs(lo, rows[i].lo, 5e-5, name);
        g_snprintf(name, sizeof name, "wilson %g/%g upper", rows[i].x, rows[i].n);
        is_abs(hi, rows[i].hi, 1e-3, name);
        is_abs(hi, rows[i].hi, 5e-5, name);
    }

    double lo = 0, hi = 0;
    ok(!p2p_wilson(0, 0, P2P_Z95, &lo, &hi), "wilson n = 0 is FALSE");
    ok(isnan(lo) && isnan(hi), "wilson n = 0 leaves NAN bounds");
    /* x = n: upper bound exactly 1, lower = n/(n+z²) (closed form). */
    ok(p2p_wilson(20, 20, P2P_Z95, &lo, &hi), "wilson 20/20 computed");
    ok(hi == 1.0, "wilson 20/20 upper is exactly 1");
    is_near(lo, 20 / (20 + P2P_Z95 * P2P_Z95), 1e-12, "wilson 20/20 lower = n/(n+z^2)");
    ok(!p2p_wilson(5, 4, P2P_Z95, &lo, &hi) && isnan(lo), "wilson x > n is FALSE");
    ok(p2p_wilson(3, 10, P2P_Z95, NULL, &hi), "wilson accepts a NULL out");
}

/* ---- Katz risk ratio ---------------------------------------------------- */

static void test_katz(void)
{
    double rr, lo, hi;
    /* 15/100 vs 10/100: RR = 1.5; se = sqrt(1/15 - 1/100 + 1/10 - 1/100)
     * = sqrt(0.1466667) = 0.3829708; ln 1.5 = 0.4054651;
     * CI = exp(0.4054651 ∓ 1.959964·0.3829708) = 0.7081184 .. 3.1774347
     * (computed independently in Python; the 0.7094–3.1718 quoted in the
     * brief does not follow from the formula). */
    ok(p2p_risk_ratio_katz(15, 100, 10, 100, P2P_Z95, &rr, &lo, &hi), "katz 15/100 vs 10/100");
    is_near(rr, 1.5, 1e-12, "katz rr");
    is_near(lo, 0.7081184072, 1e-8, "katz lower");
    is_near(hi, 3.1774347016, 1e-8, "katz upper");
    /* The same from the formula written out here. */
    double se = sqrt(1.0 / 15 - 1.0 / 100 + 1.0 / 10 - 1.0 / 100);
    is_near(lo, exp(log(1.5) - P2P_Z95 * se), 1e-12, "katz lower = formula");
    is_near(hi, exp(log(1.5) + P2P_Z95 * se), 1e-12, "katz upper = formula");

    /* An unbalanced case checked against the formula: 7/40 vs 22/61. */
    ok(p2p_risk_ratio_katz(7, 40, 22, 61, P2P_Z95, &rr, &lo, &hi), "katz 7/40 vs 22/61");
    double r = (7.0 / 40) / (22.0 / 61);
    se = sqrt(1.0 / 7 - 1.0 / 40 + 1.0 / 22 - 1.0 / 61);
    is_near(rr, r, 1e-12, "katz 7/40 vs 22/61 rr");
    is_near(lo, r * exp(-P2P_Z95 * se), 1e-12, "katz 7/40 vs 22/61 lower");
    is_near(hi, r * exp(P2P_Z95 * se), 1e-12, "katz 7/40 vs 22/61 upper");

    /* Empty rules (contract: no continuity correction). */
    ok(!p2p_risk_ratio_katz(3, 10, 0, 10, P2P_Z95, &rr, &lo, &hi) && isnan(rr)
           && isnan(lo) && isnan(hi),
       "katz c = 0: everything empty");
    ok(!p2p_risk_ratio_katz(0, 0, 3, 10, P2P_Z95, &rr, &lo, &hi) && isnan(rr),
       "katz n1 = 0: empty");
    ok(!p2p_risk_ratio_katz(3, 10, 0, 0, P2P_Z95, &rr, &lo, &hi) && isnan(rr),
       "katz n2 = 0: empty");
    ok(p2p_risk_ratio_katz(0, 10, 3, 10, P2P_Z95, &rr, &lo, &hi) && rr == 0
           && isnan(lo) && isnan(hi),
       "katz a = 0: rr 0, interval empty");
    ok(p2p_risk_ratio_katz(10, 10, 3, 10, P2P_Z95, &rr, &lo, &hi)
           && fabs(rr - 10.0 / 3) < 1e-12 && isnan(lo) && isnan(hi),
       "katz a = n1: rr set, interval empty");
    ok(p2p_risk_ratio_katz(3, 10, 10, 10, P2P_Z95, &rr, &lo, &hi)
           && fabs(rr - 0.3) < 1e-12 && isnan(lo) && isnan(hi),
       "katz c = n2: rr set, interval empty");
}

/* ---- Fisher ------------------------------------------------------------- */

/* Independent reference: enumerate every table with the margins, each
 * probability from long-double log-gamma, and apply R's rule literally
 * (d <= d_obs * (1 + 1e-7) over the whole support, normalised by its max). */
static double fisher_reference(unsigned long a, unsigned long b, unsigned long c,
                               unsigned long d)
{
    long double r1 = a + b, r2 = c + d, c1 = a + c;
    long double lo = c1 > r2 ? c1 - r2 : 0, hi = r1 < c1 ? r1 : c1;
    size_t k = (size_t)(hi - lo) + 1;
    long double *lp = g_new(long double, k), max = -INFINITY;
    for (size_t i = 0; i < k; i++) {
        long double x = lo + i;
        lp[i] = -lgammal(x + 1) - lgammal(r1 - x + 1) - lgammal(c1 - x + 1)
                - lgammal(r2 - c1 + x + 1);
        if (lp[i] > max)
            max = lp[i];
    }
    long double obs = expl(lp[(size_t)(a - lo)] - max), tot = 0, s = 0;
    for (size_t i = 0; i < k; i++) {
        long double di = expl(lp[i] - max);
        tot += di;
        if (di <= obs * (1 + 1e-7L))
            s += di;
    }
    g_free(lp);
    return (double)(s / tot);
}

static void test_fisher(void)
{
    /* Fisher's tea-tasting table, R: fisher.test(matrix(c(3,1,1,3),2))
     * p = 0.4857. Exactly: tables x = 0..4 have weights 1,16,36,16,1 (/70),
     * the observed x = 3 has 16, so p = 34/70 = 17/35. */
    is_near(p2p_fisher_exact(3, 1, 1, 3), 17.0 / 35, 1e-12, "fisher tea tasting 17/35");
    /* Exact rationals by enumerating C(r1,x)C(r2,c1-x) with Python's
     * fractions module; [[1,9],[11,3]] is Wikipedia's "Fisher's exact test"
     * example (two-sided p = 0.002759). */
    is_near(p2p_fisher_exact(10, 2, 3, 15), 3571.0 / 6653325, 1e-10,
            "fisher [[10,2],[3,15]] = 3571/6653325 (0.0005367)");
    is_near(p2p_fisher_exact(1, 9, 11, 3), 41.0 / 14858, 1e-10,
            "fisher [[1,9],[11,3]] = 41/14858 (0.002759)");
    is_near(p2p_fisher_exact(2, 7, 8, 2), 1063.0 / 46189, 1e-10,
            "fisher [[2,7],[8,2]] = 1063/46189");
    is_near(p2p_fisher_exact(0, 5, 5, 0), 1.0 / 126, 1e-10, "fisher [[0,5],[5,0]] = 1/126");
    is_near(p2p_fisher_exact(5, 5, 5, 5), 1.0, 1e-15, "fisher symmetric table p = 1");
    is_near(p2p_fisher_exact(0, 0, 3, 4), 1.0, 0, "fisher empty row: p = 1");
    is_near(p2p_fisher_exact(0, 3, 0, 4), 1.0, 0, "fisher empty column: p = 1");
    is_near(p2p_fisher_exact(0, 0, 0, 0), 1.0, 0, "fisher empty table: p = 1");

    /* Every small table against the enumeration. */
    int bad = 0;
    for (unsigned long a = 0; a <= 6; a++)
        for (unsigned long b = 0; b <= 6; b++)
            for (unsigned long c = 0; c <= 6; c++)
                for (unsigned long d = 0; d <= 6; d++) {
                    double got = p2p_fisher_exact(a, b, c, d);
                    double want = a + b + c + d == 0 ? 1 : fisher_reference(a, b, c, d);
                    if (!(fabs(got - want) <= 1e-12 * want))
                        bad++;
                }
    ok(bad == 0, "fisher: all 2401 tables with cells 0..6 match enumeration (%d off)", bad);

    /* A large table: the exact p (Python fractions over all 7001 tables) is
     * 9.500780189605897e-50. Pearson's chi-square without correction is
     * 20000·(4000·7000 − 6000·3000)² / (10⁴·10⁴·7000·13000) = 219.78, whose
     * upper tail is ~1e-49: same magnitude. */
    double p = p2p_fisher_exact(4000, 6000, 3000, 7000);
    ok(p >= 0 && p <= 1, "fisher large table p in [0,1]");
    is_near(p, 9.500780189605897e-50, 1e-9, "fisher [[4000,6000],[3000,7000]] exact");
    double chisq_p = erfc(sqrt(219.78022) / sqrt(2.0));
    ok(fabs(log10(p) - log10(chisq_p)) < 1, "fisher large table within a decade of "
                                             "chi-square p %.3g", chisq_p);
    is_near(p2p_fisher_exact(4000, 6000, 3000, 7000),
            fisher_reference(4000, 6000, 3000, 7000), 1e-9, "fisher large = enumeration");

    /* n = 10^6: exactly tied mirror tables must be counted (symmetric
     * margins); compared with the long-double enumeration, and timed. */
    clock_t t0 = clock();
    p = p2p_fisher_exact(249500, 250500, 250500, 249500);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    is_near(p, fisher_reference(249500, 250500, 250500, 249500), 1e-8,
            "fisher n = 10^6 tied tails = enumeration");
    ok(secs < 0.5, "fisher n = 10^6 takes %.4f s", secs);
    p = p2p_fisher_exact(251000, 249000, 250000, 250000);
    is_near(p, fisher_reference(251000, 249000, 250000, 250000), 1e-8,
            "fisher n = 10^6 = enumeration");
    is_near(p2p_fisher_exact(250000, 250000, 250000, 250000), 1.0, 1e-15,
            "fisher n = 10^6 balanced p = 1");
    /* Mirror images give the same p. */
    is_near(p2p_fisher_exact(300, 200, 200, 300), p2p_fisher_exact(200, 300, 300, 200),
            1e-13, "fisher mirror tables equal");
    /* Far tail: below DBL_MIN relative to the mode, still a number >= 0. */
    p = p2p_fisher_exact(100000, 0, 0, 100000);
    ok(p >= 0 && p < 1e-300, "fisher extreme table p = %g", p);
}

/* ---- Poisson trend ------------------------------------------------------ */

/* Newton-Raphson on the Poisson score equations in long double, from b = 0
 * and the log mean: Σ(y−μ) = 0, Σx(y−μ) = 0. */
static void poisson_reference(const double *y, size_t n, long double *b0,
                              long double *b1, long double *se1)
{
    long double sy = 0;
    for (size_t i = 0; i < n; i++)
        sy += y[i];
    long double a = logl(sy / n), b = 0;
    for (int it = 0; it < 200; it++) {
        long double s0 = 0, s1 = 0, i00 = 0, i01 = 0, i11 = 0;
        for (size_t i = 0; i < n; i++) {
            long double mu = expl(a + b * i);
            s0 += y[i] - mu;
            s1 += i * (y[i] - mu);
            i00 += mu;
            i01 += i * mu;
            i11 += (long double)i * i * mu;
        }
        long double det = i00 * i11 - i01 * i01;
        long double da = (i11 * s0 - i01 * s1) / det, db = (i00 * s1 - i01 * s0) / det;
        a += da;
        b += db;
        if (fabsl(da) < 1e-16L && fabsl(db) < 1e-16L)
            break;
    }
    long double i00 = 0, i01 = 0, i11 = 0;
    for (size_t i = 0; i < n; i++) {
        long double mu = expl(a + b * i);
        i00 += mu;
        i01 += i * mu;
        i11 += (long double)i * i * mu;
    }
    *b0 = a;
    *b1 = b;
    *se1 = sqrtl(i00 / (i00 * i11 - i01 * i01));
}

static void test_poisson(void)
{
    double b0, b1, se, p;
    /* Counts exactly 10·2^x: μ = y solves the score equations, so the MLE is
     * b0 = ln 10, b1 = ln 2; Var(b1) = 1/Σ y(x − x̄_y)² with x̄_y = 980/310,
     * Σ y x² = 3460, so Σ y(x − x̄)² = 3460 − 980²/310 = 361.9354839. */
    const double geo[] = {10, 20, 40, 80, 160};
    ok(p2p_poisson_trend(geo, 5, &b0, &b1, &se, &p), "poisson 10·2^x fitted");
    is_near(b0, log(10.0), 1e-9, "poisson 10·2^x b0 = ln 10");
    is_near(b1, log(2.0), 1e-9, "poisson 10·2^x b1 = ln 2");
    is_near(se, 1 / sqrt(3460 - 980.0 * 980 / 310), 1e-9, "poisson 10·2^x se1");
    is_near(p, erfc(fabs(b1 / se) / sqrt(2.0)), 1e-9, "poisson 10·2^x Wald p");

    /* Symmetric counts 5, 9, 5: the score equations hold at b1 = 0,
     * μ = 19/3, so b0 = ln(19/3), se1 = 1/sqrt(Σ μ(x − 1)²) = 1/sqrt(38/3),
     * z = 0 and p = 1. */
    const double sym[] = {5, 9, 5};
    ok(p2p_poisson_trend(sym, 3, &b0, &b1, &se, &p), "poisson 5,9,5 fitted");
    is_near(b0, log(19.0 / 3), 1e-9, "poisson 5,9,5 b0 = ln(19/3)");
    is_abs(b1, 0, 1e-9, "poisson 5,9,5 b1 = 0");
    is_near(se, 1 / sqrt(38.0 / 3), 1e-9, "poisson 5,9,5 se1");
    is_near(p, 1, 1e-8, "poisson 5,9,5 p = 1");

    /* Irregular months with zeros against Newton-Raphson in long double. */
    const double irr[] = {0, 3, 0, 2, 5, 4, 0, 8, 6, 9, 0, 12};
    long double rb0, rb1, rse;
    poisson_reference(irr, G_N_ELEMENTS(irr), &rb0, &rb1, &rse);
    ok(p2p_poisson_trend(irr, G_N_ELEMENTS(irr), &b0, &b1, &se, &p),
       "poisson with zero months fitted");
    is_near(b0, (double)rb0, 1e-6, "poisson zeros b0 = Newton-Raphson");
    is_near(b1, (double)rb1, 1e-6, "poisson zeros b1 = Newton-Raphson");
    is_near(se, (double)rse, 1e-6, "poisson zeros se1 = Newton-Raphson");
    is_near(p, erfc(fabs((double)(rb1 / rse)) / sqrt(2.0)), 1e-6, "poisson zeros Wald p");

    /* A long, large, decreasing series (10 years of months). */
    double big[120];
    for (size_t i = 0; i < 120; i++)
        big[i] = floor(5000 * exp(-0.01 * i) + 300 * sin(i * 0.7));
    poisson_reference(big, 120, &rb0, &rb1, &rse);
    ok(p2p_poisson_trend(big, 120, &b0, &b1, &se, &p), "poisson 120 months fitted");
    is_near(b0, (double)rb0, 1e-6, "poisson 120 months b0");
    is_near(b1, (double)rb1, 1e-6, "poisson 120 months b1");
    is_near(se, (double)rse, 1e-6, "poisson 120 months se1");

    /* A quiet start before a busy period: 1 encounter, 38 empty months,
     * then 10000. The fitted first month is ~1e-90, where weighted least
     * squares on the working response z ~ 1/μ loses every digit; the MLE
     * (slope ≈ ln 257) must still come out. */
    double quiet[40] = {1};
    quiet[39] = 10000;
    poisson_reference(quiet, 40, &rb0, &rb1, &rse);
    ok(p2p_poisson_trend(quiet, 40, &b0, &b1, &se, &p), "poisson quiet start fitted");
    is_near(b0, (double)rb0, 1e-6, "poisson quiet start b0");
    is_near(b1, (double)rb1, 1e-6, "poisson quiet start b1");
    is_near(se, (double)rse, 1e-6, "poisson quiet start se1");

    const double zeros[] = {0, 0, 0, 0};
    b1 = 0;
    ok(!p2p_poisson_trend(zeros, 4, &b0, &b1, &se, &p) && isnan(b1) && isnan(p),
       "poisson all-zero counts: FALSE, NAN");
    const double two[] = {3, 4};
    ok(!p2p_poisson_trend(two, 2, &b0, &b1, &se, &p) && isnan(b0) && isnan(se),
       "poisson n < 3: FALSE, NAN");
    const double neg[] = {3, -1, 4};
    ok(!p2p_poisson_trend(neg, 3, &b0, &b1, &se, &p), "poisson negative count: FALSE");
}

/* ---- Chapman ------------------------------------------------------------ */

static void test_chapman(void)
{
    double est, var, lo, hi;
    /* n1 = 60, n2 = 55, m = 20: est = 61·56/21 − 1 = 3416/21 − 1 = 161.6667;
     * var = 61·56·40·35/(21²·22) = 4782400/9702 = 492.9293;
     * est ± 1.959964·√var = 161.6667 ± 43.5153; lower bound clamp
     * n1 + n2 − m = 95 does not bite. */
    ok(p2p_chapman(60, 55, 20, P2P_Z95, &est, &var, &lo, &hi), "chapman 60/55/20");
    is_near(est, 3416.0 / 21 - 1, 1e-12, "chapman estimate 161.667");
    is_near(var, 4782400.0 / 9702, 1e-12, "chapman variance 492.929");
    is_near(lo, 3416.0 / 21 - 1 - P2P_Z95 * sqrt(4782400.0 / 9702), 1e-12, "chapman lower");
    is_near(hi, 3416.0 / 21 - 1 + P2P_Z95 * sqrt(4782400.0 / 9702), 1e-12, "chapman upper");
    is_near(lo, 118.1514, 1e-5, "chapman lower 118.151");
    is_near(hi, 205.1820, 1e-5, "chapman upper 205.182");

    /* n1 = n2 = 10, m = 9: est = 121/10 − 1 = 11.1, var = 121/(100·11) = 0.11,
     * est − z√var = 10.45 < n1 + n2 − m = 11, so the lower bound is 11. */
    ok(p2p_chapman(10, 10, 9, P2P_Z95, &est, &var, &lo, &hi), "chapman 10/10/9");
    is_near(est, 11.1, 1e-12, "chapman clamp estimate");
    is_near(var, 0.11, 1e-12, "chapman clamp variance");
    is_near(lo, 11, 0, "chapman lower clamped to n1+n2-m");
    is_near(hi, 11.1 + P2P_Z95 * sqrt(0.11), 1e-12, "chapman clamp upper");

    /* m = n1 = n2: variance 0, interval collapses to the estimate n. */
    ok(p2p_chapman(5, 5, 5, P2P_Z95, &est, &var, &lo, &hi) && est == 5 && var == 0
           && lo == 5 && hi == 5,
       "chapman complete overlap");
    ok(!p2p_chapman(0, 10, 0, P2P_Z95, &est, &var, &lo, &hi) && isnan(est)
           && isnan(var) && isnan(lo) && isnan(hi),
       "chapman n1 = 0: FALSE, NAN");
    ok(!p2p_chapman(10, 0, 0, P2P_Z95, &est, &var, &lo, &hi) && isnan(est),
       "chapman n2 = 0: FALSE, NAN");
    ok(!p2p_chapman(3, 10, 4, P2P_Z95, &est, &var, &lo, &hi), "chapman m > n1: FALSE");
}

/* ---- Agreement ---------------------------------------------------------- */

#define M P2P_MISSING

static void test_krippendorff(void)
{
    double alpha;
    /* Krippendorff K (2011), "Computing Krippendorff's Alpha-Reliability",
     * Annenberg School for Communication Departmental Papers 43, section C
     * (nominal data, any number of observers, missing data; titles
     * paraphrased): observers A..D (columns here), units 1..12 (rows);
     * α = 0.743 (exactly 113/152 from the coincidences: n = 40,
     * Σ_{c≠k} o_ck = 8). The data were taken, via the search tool, from the
     * doctest of the Python "krippendorff" package, which cites the paper
     * (page 8) and prints 0.743. */
    static const int nominal[12 * 4] = {
        1, 1, M, 1, /* unit 1 */
        2, 2, 3, 2, /* unit 2 */
        3, 3, 3, 3, /* unit 3 */
        3, 3, 3, 3, /* unit 4 */
        2, 2, 2, 2, /* unit 5 */
        1, 2, 3, 4, /* unit 6 */
        4, 4, 4, 4, /* unit 7 */
        1, 1, 2, 1, /* unit 8 */
        2, 2, 2, 2, /* unit 9 */
        M, 5, 5, 5, /* unit 10 */
        M, M, 1, 1, /* unit 11 */
        M, 3, M, M, /* unit 12: one value, not pairable */
    };
    ok(p2p_krippendorff_alpha(nominal, 12, 4, &alpha), "alpha nominal 4 coders computed");
    is_abs(alpha, 0.743, 1e-3, "alpha nominal 4 coders, missing values (published 0.743)");
    is_near(alpha, 113.0 / 152, 1e-12, "alpha nominal = 113/152 exactly");

    /* Same paper, section A (binary data, two observers, no missing data;
     * data as quoted in our brief, the paper's text itself not retrievable
     * here, so the value is also derived by hand below):
     * A = 0 1 0 0 0 0 0 0 1 0, B = 1 1 1 0 0 1 0 0 0 0; coincidences
     * o00 = 10, o01 = o10 = 4, o11 = 2; n0 = 14, n1 = 6, n = 20;
     * α = 1 − 19·4/(14·6) = 0.0952 (published 0.095). */
    static const int binary[10 * 2] = {0, 1, 1, 1, 0, 1, 0, 0, 0, 0,
                                       0, 1, 0, 0, 0, 0, 1, 0, 0, 0};
    ok(p2p_krippendorff_alpha(binary, 10, 2, &alpha), "alpha binary computed");
    is_abs(alpha, 0.095, 1e-3, "alpha binary two observers (published 0.095)");
    is_near(alpha, 1 - 76.0 / 84, 1e-12, "alpha binary = 1 - 76/84");

    static const int same[3 * 2] = {1, 1, 1, 1, 1, 1};
    alpha = 0;
    ok(!p2p_krippendorff_alpha(same, 3, 2, &alpha) && isnan(alpha),
       "alpha: every value the same is FALSE, NAN");
    static const int lonely[3 * 2] = {1, M, M, 0, M, M};
    ok(!p2p_krippendorff_alpha(lonely, 3, 2, &alpha) && isnan(alpha),
       "alpha: no pairable unit is FALSE");
    static const int perfect[4 * 3] = {1, 1, 1, 0, 0, M, 1, M, 1, 0, 0, 0};
    ok(p2p_krippendorff_alpha(perfect, 4, 3, &alpha) && alpha == 1,
       "alpha: perfect agreement with missing values is 1");
    ok(!p2p_krippendorff_alpha(binary, 10, 1, &alpha), "alpha: one coder is FALSE");
}

static void test_kappa(void)
{
    double kappa;
    /* Wikipedia "Cohen's kappa", simple example: 20 yes-yes, 5 yes-no,
     * 10 no-yes, 15 no-no. po = 0.7, pe = 0.5·0.6 + 0.5·0.4 = 0.5,
     * κ = (0.7 − 0.5)/(1 − 0.5) = 0.4. */
    int c1[50], c2[50], k = 0;
    for (int i = 0; i < 20; i++, k++)
        c1[k] = 1, c2[k] = 1;
    for (int i = 0; i < 5; i++, k++)
        c1[k] = 1, c2[k] = 0;
    for (int i = 0; i < 10; i++, k++)
        c1[k] = 0, c2[k] = 1;
    for (int i = 0; i < 15; i++, k++)
        c1[k] = 0, c2[k] = 0;
    ok(p2p_cohen_kappa(c1, c2, 50, &kappa), "kappa Wikipedia example computed");
    is_near(kappa, 0.4, 1e-12, "kappa Wikipedia example = 0.4");

    /* Three categories, one coder using a code the other never does:
     * A = 1 1 2 2 3 3, B = 1 1 2 3 3 7: po = 4/6, pe = (2·2 + 2·1 + 2·2)/36
     * = 10/36, κ = (24 − 10)/(36 − 10) = 14/26. */
    const int a3[] = {1, 1, 2, 2, 3, 3}, b3[] = {1, 1, 2, 3, 3, 7};
    ok(p2p_cohen_kappa(a3, b3, 6, &kappa), "kappa 3 categories computed");
    is_near(kappa, 14.0 / 26, 1e-12, "kappa 3 categories = 14/26");

    const int p1[] = {0, 1, 1, 0, 1}, p2[] = {0, 1, 1, 0, 1};
    ok(p2p_cohen_kappa(p1, p2, 5, &kappa) && kappa == 1, "kappa perfect agreement = 1");
    const int s1[] = {1, 1, 1}, s2[] = {1, 1, 1};
    kappa = 0;
    ok(!p2p_cohen_kappa(s1, s2, 3, &kappa) && isnan(kappa),
       "kappa chance agreement 1: FALSE, NAN");
    ok(!p2p_cohen_kappa(s1, s2, 0, &kappa) && isnan(kappa), "kappa n = 0: FALSE");
    /* Both coders constant but different: pe = 0, po = 0, κ = 0. */
    const int d1[] = {1, 1}, d2[] = {0, 0};
    ok(p2p_cohen_kappa(d1, d2, 2, &kappa) && kappa == 0, "kappa constant, different = 0");
}

int main(void)
{
    gsl_set_error_handler_off();
    test_wilson();
    test_katz();
    test_fisher();
    test_poisson();
    test_chapman();
    test_krippendorff();
    test_kappa();
    return tap_done();
}
