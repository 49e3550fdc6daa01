/* stats.c: the indicators' statistics (Wilson, Katz, Fisher, Poisson trend,
 * Chapman, Krippendorff's alpha, Cohen's kappa) on top of GSL. */
#include "stats.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

/* Out-parameters may be NULL when the caller does not want that figure. */
static void put(double *out, double v)
{
    if (out)
        *out = v;
}

gboolean p2p_wilson(double x, double n, double z, double *lo, double *hi)
{
    put(lo, NAN);
    put(hi, NAN);
    if (!(n > 0) || !isfinite(n) || !(x >= 0) || x > n || !(z > 0))
        return FALSE;
    double z2 = z * z;
    double denom = n + z2;
    double centre = (x + z2 / 2) / denom;
    /* x(n-x)/n rather than n·p(1-p): no cancellation when p is near 0 or 1. */
    double half = z * sqrt(x * (n - x) / n + z2 / 4) / denom;
    /* At x = 0 or x = n one bound is 0 or 1 exactly; rounding must not push
     * it outside [0, 1]. */
    put(lo, x == 0 ? 0.0 : fmax(0.0, centre - half));
    put(hi, x == n ? 1.0 : fmin(1.0, centre + half));
    return TRUE;
}

gboolean p2p_risk_ratio_katz(double a, double n1, double c, double n2,
                             double z, double *rr, double *lo, double *hi)
{
    put(rr, NAN);
    put(lo, NAN);
    put(hi, NAN);
    if (!(n1 > 0) || !(n2 > 0) || !(c > 0) || !(a >= 0) || a > n1 || c > n2
        || !isfinite(n1) || !isfinite(n2))
        return FALSE;
    double r = (a / n1) / (c / n2);
    put(rr, r);
    if (a == 0 || a == n1 || c == n2)
        return TRUE; /* no continuity correction: the interval stays empty */
    /* 1/a - 1/n1 written as (n1-a)/(a·n1) so that it never cancels. */
    double se = sqrt((n1 - a) / (a * n1) + (n2 - c) / (c * n2));
    double lr = log(r);
    put(lo, exp(lr - z * se));
    put(hi, exp(lr + z * se));
    return TRUE;
}

/* ---- Fisher's exact test ------------------------------------------------ */

/* Terms whose log ratio to the reference falls below this underflow to 0 in
 * a double anyway (exp(-745) is the smallest subnormal), so the walks stop. */
#define LOG_NEGLIGIBLE 750.0

/* R's fisher.test: a table counts when P(x) <= P(observed)·(1 + 1e-7). */
#define FISHER_REL_ERR 1e-7

/* The tables with the margins of [[a,b],[c,d]] are [[x, r1-x], [c1-x,
 * r2-c1+x]] for x in [lo, hi]. Their log probabilities relative to the mode
 * are built by the exact ratio P(x+1)/P(x) = (r1-x)(c1-x) / ((x+1)(r2-c1+x+1))
 * (both products below 2^53, so exact in a double): each step adds one
 * rounding of a small log, so two tables of equal probability come out equal
 * to ~1e-12 even at n ~ 10^6, where differences of lgamma(n) values would
 * carry errors of ~1e-8, too close to the 1e-7 tie tolerance. */
typedef struct {
    double r1; /* first row total */
    double r2; /* second row total */
    double c1; /* first column total */
} Hyper;

/* ln P(x+1) − ln P(x) */
static double hyper_step_up(const Hyper *h, double x)
{
    return log(((h->r1 - x) * (h->c1 - x)) / ((x + 1) * (h->r2 - h->c1 + x + 1)));
}

double p2p_fisher_exact(unsigned long a, unsigned long b, unsigned long c,
                        unsigned long d)
{
    /* Counts are carried as doubles: exact up to 2^53. */
    Hyper h = {(double)a + (double)b, (double)c + (double)d, (double)a + (double)c};
    double n = h.r1 + h.r2, xa = (double)a;
    double lo = fmax(0.0, h.c1 - h.r2), hi = fmin(h.r1, h.c1);
    if (lo >= hi)
        return 1.0; /* an empty margin: only the observed table exists */

    /* The mode of the hypergeometric, nudged in case the closed form was
     * rounded one off. */
    double m = fmin(hi, fmax(lo, floor((h.r1 + 1) * (h.c1 + 1) / (n + 2))));
    while (m < hi && hyper_step_up(&h, m) > 0)
        m++;
    while (m > lo && hyper_step_up(&h, m - 1) < 0)
        m--;

    /* ga = ln P(a) − ln P(mode) */
    double ga = 0;
    for (double x = m; x < xa; x++)
        ga += hyper_step_up(&h, x);
    for (double x = m; x > xa; x--)
        ga -= hyper_step_up(&h, x - 1);
    double cut = ga + log1p(FISHER_REL_ERR);
    if (cut >= 0)
        return 1.0; /* no table is more likely than the observed one */

    /* Walk out from the mode on both sides (the distribution is log-concave,
     * so terms only shrink) until they are negligible against both the mode
     * and the observed table. The total is summed relative to the mode, the
     * counted tables relative to the observed one, so neither overflows and
     * a p below DBL_MIN·total is still computed before the final exp. */
    double total = 1, tails = 0;
    for (int dir = -1; dir <= 1; dir += 2) {
        double g = 0;
        for (double x = m + dir; x >= lo && x <= hi; x += dir) {
            g += dir > 0 ? hyper_step_up(&h, x - 1) : -hyper_step_up(&h, x);
            if (g < ga - LOG_NEGLIGIBLE)
                break;
            total += exp(g);
            if (g <= cut)
                tails += exp(g - ga);
        }
    }
    return fmin(1.0, exp(log(tails) + ga - log(total)));
}

/* ---- Poisson trend ------------------------------------------------------ */

/* Poisson deviance 2 Σ [y ln(y/μ) − (y − μ)], the y = 0 terms being 2μ. */
static double poisson_deviance(const double *y, const double *mu, size_t n)
{
    double dev = 0;
    for (size_t i = 0; i < n; i++)
        dev += (y[i] > 0 ? y[i] * log(y[i] / mu[i]) : 0) - (y[i] - mu[i]);
    return 2 * dev;
}

/* μ_i = exp(α + β(i − c)) for every i, and the deviance; +inf when a μ
 * overflows or underflows to 0 (the step is then halved). */
static double poisson_fit(const double *y, size_t n, double c, double alpha,
                          double beta, double *mu)
{
    for (size_t i = 0; i < n; i++) {
        mu[i] = exp(alpha + beta * ((double)i - c));
        if (!isfinite(mu[i]) || mu[i] <= 0)
            return INFINITY;
    }
    double dev = poisson_deviance(y, mu, n);
    return isfinite(dev) ? dev : INFINITY;
}

#define IRLS_MAX_ITER 50
#define IRLS_TOL 1e-10
#define IRLS_MAX_HALVING 30

/* IRLS for the canonical log link is Newton's method: each step solves
 * (X'WX) δ = X'(y − μ) with W = diag(μ). The step is solved from these sums
 * rather than by weighted least squares on the working response
 * z = η + (y − μ)/μ, because a month with y > 0 and a tiny fitted μ (a quiet
 * start before a busy period) gives a z of ~1/μ whose rounding swamps the
 * solution; the sums stay of the size of the counts. The month index is
 * centred at c = (n−1)/2 to keep X'WX well conditioned. The fit starts from
 * the no-trend model (β = 0, μ = ȳ) and halves a step that raises the
 * deviance, so it converges whenever the MLE exists (the log-likelihood is
 * concave). */
gboolean p2p_poisson_trend(const double *counts, size_t n, double *b0,
                           double *b1, double *se1, double *p)
{
    put(b0, NAN);
    put(b1, NAN);
    put(se1, NAN);
    put(p, NAN);
    if (!counts || n < 3)
        return FALSE;
    double sy = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(counts[i] >= 0) || !isfinite(counts[i]))
            return FALSE;
        sy += counts[i];
    }
    if (!(sy > 0))
        return FALSE;

    gboolean converged = FALSE;
    double c = ((double)n - 1) / 2;
    double alpha = log(sy / (double)n), beta = 0;
    double *mu = g_new(double, n);
    gsl_matrix *info = gsl_matrix_alloc(2, 2);
    gsl_vector *score = gsl_vector_alloc(2);
    gsl_vector *step = gsl_vector_alloc(2);
    double dev = poisson_fit(counts, n, c, alpha, beta, mu);

    for (int iter = 0; iter < IRLS_MAX_ITER && !converged; iter++) {
        double s0 = 0, s1 = 0, i00 = 0, i01 = 0, i11 = 0;
        for (size_t i = 0; i < n; i++) {
            double x = (double)i - c, r = counts[i] - mu[i];
            s0 += r;
            s1 += x * r;
            i00 += mu[i];
            i01 += x * mu[i];
            i11 += x * x * mu[i];
        }
        gsl_matrix_set(info, 0, 0, i00);
        gsl_matrix_set(info, 0, 1, i01);
        gsl_matrix_set(info, 1, 0, i01);
        gsl_matrix_set(info, 1, 1, i11);
        gsl_vector_set(score, 0, s0);
        gsl_vector_set(score, 1, s1);
        if (gsl_linalg_cholesky_decomp1(info) != GSL_SUCCESS
            || gsl_linalg_cholesky_solve(info, score, step) != GSL_SUCCESS)
            goto out;
        double da = gsl_vector_get(step, 0), db = gsl_vector_get(step, 1);
        double dev_new = INFINITY;
        for (int h = 0; h <= IRLS_MAX_HALVING; h++) {
            dev_new = poisson_fit(counts, n, c, alpha + da, beta + db, mu);
            if (dev_new <= dev
                || fabs(dev_new - dev) / (fabs(dev_new) + 0.1) < IRLS_TOL)
                break;
            da /= 2;
            db /= 2;
        }
        if (!isfinite(dev_new))
            goto out;
        alpha += da;
        beta += db;
        /* R's glm.control criterion, with a tighter epsilon. */
        converged = fabs(dev_new - dev) / (fabs(dev_new) + 0.1) < IRLS_TOL;
        dev = dev_new;
    }
    if (!converged)
        goto out;

    /* Var(β) = [(X'WX)^-1]_11 at the fitted μ, which for the centred design
     * is 1 / Σ μ_i (x_i − x̄)², x̄ the μ-weighted mean: the centred sum avoids
     * the cancellation in det = Σμ·Σμx² − (Σμx)². (mu holds the fit at the
     * final α, β: the last accepted step.) */
    double sm = 0, smx = 0;
    for (size_t i = 0; i < n; i++) {
        sm += mu[i];
        smx += mu[i] * (double)i;
    }
    double xbar = smx / sm, ss = 0;
    for (size_t i = 0; i < n; i++)
        ss += mu[i] * ((double)i - xbar) * ((double)i - xbar);
    double se = 1 / sqrt(ss);
    if (!isfinite(se) || !(se > 0)) {
        converged = FALSE;
        goto out;
    }
    put(b0, alpha - beta * c);
    put(b1, beta);
    put(se1, se);
    put(p, 2 * gsl_cdf_ugaussian_Q(fabs(beta / se)));

out:
    gsl_vector_free(step);
    gsl_vector_free(score);
    gsl_matrix_free(info);
    g_free(mu);
    return converged;
}

/* ---- Chapman ------------------------------------------------------------ */

gboolean p2p_chapman(double n1, double n2, double m, double z, double *est,
                     double *var, double *lo, double *hi)
{
    put(est, NAN);
    put(var, NAN);
    put(lo, NAN);
    put(hi, NAN);
    if (!(n1 > 0) || !(n2 > 0) || !(m >= 0) || m > n1 || m > n2
        || !isfinite(n1) || !isfinite(n2))
        return FALSE;
    double e = (n1 + 1) * (n2 + 1) / (m + 1) - 1;
    double v = (n1 + 1) * (n2 + 1) * (n1 - m) * (n2 - m)
               / ((m + 1) * (m + 1) * (m + 2));
    double half = z * sqrt(v);
    put(est, e);
    put(var, v);
    /* Fewer than the n1 + n2 - m distinct clients seen is impossible. */
    put(lo, fmax(e - half, n1 + n2 - m));
    put(hi, e + half);
    return TRUE;
}

/* ---- Agreement ---------------------------------------------------------- */

static int cmp_int(const void *pa, const void *pb)
{
    int x = *(const int *)pa, y = *(const int *)pb;
    return (x > y) - (x < y);
}

/* Σ over distinct values of (count of that value)² in v[0..k-1], which is
 * sorted here in place. */
static double sum_sq_counts(int *v, size_t k)
{
    qsort(v, k, sizeof *v, cmp_int);
    double s = 0;
    for (size_t i = 0; i < k;) {
        size_t j = i;
        while (j < k && v[j] == v[i])
            j++;
        s += (double)(j - i) * (double)(j - i);
        i = j;
    }
    return s;
}

/* Coincidence-matrix method (Krippendorff 2011, "Computing Krippendorff's
 * Alpha-Reliability"), nominal metric. With m_u values in unit u, n_uc of
 * them equal to c, the off-diagonal coincidences sum to
 * Σ_u (m_u² − Σ_c n_uc²)/(m_u − 1), and with n = Σ m_u, n_c = Σ_u n_uc:
 * α = 1 − (n − 1) · Σ_{c≠k} o_ck / (n² − Σ_c n_c²). */
gboolean p2p_krippendorff_alpha(const int *values, size_t n_units,
                                size_t n_coders, double *alpha)
{
    put(alpha, NAN);
    if (!values || n_units == 0 || n_coders < 2)
        return FALSE;
    int *unit = g_new(int, n_coders);
    int *all = g_new(int, n_units * n_coders); /* pairable values */
    size_t n = 0;
    double disagree = 0;
    for (size_t u = 0; u < n_units; u++) {
        size_t mu = 0;
        for (size_t c = 0; c < n_coders; c++) {
            int v = values[u * n_coders + c];
            if (v != P2P_MISSING)
                unit[mu++] = v;
        }
        if (mu < 2)
            continue; /* not pairable */
        for (size_t i = 0; i < mu; i++)
            all[n++] = unit[i];
        double dm = (double)mu;
        disagree += (dm * dm - sum_sq_counts(unit, mu)) / (dm - 1);
    }
    gboolean ok = FALSE;
    if (n >= 2) {
        double dn = (double)n;
        double expected = dn * dn - sum_sq_counts(all, n);
        if (expected > 0) {
            put(alpha, 1 - (dn - 1) * disagree / expected);
            ok = TRUE;
        }
    }
    g_free(all);
    g_free(unit);
    return ok;
}

gboolean p2p_cohen_kappa(const int *coder1, const int *coder2, size_t n,
                         double *kappa)
{
    put(kappa, NAN);
    if (!coder1 || !coder2 || n == 0)
        return FALSE;
    int *s1 = g_new(int, n), *s2 = g_new(int, n);
    double agree = 0;
    for (size_t i = 0; i < n; i++) {
        s1[i] = coder1[i];
        s2[i] = coder2[i];
        agree += coder1[i] == coder2[i];
    }
    qsort(s1, n, sizeof *s1, cmp_int);
    qsort(s2, n, sizeof *s2, cmp_int);
    /* Σ_c n1_c·n2_c by merging the two sorted code lists; integers in a
     * double are exact here (n² < 2^53 for any n we meet), so "chance
     * agreement is 1" is an exact test: chance == n². */
    double chance = 0;
    for (size_t i = 0, j = 0; i < n && j < n;) {
        if (s1[i] < s2[j]) {
            i++;
        } else if (s2[j] < s1[i]) {
            j++;
        } else {
            int v = s1[i];
            size_t k1 = 0, k2 = 0;
            while (i < n && s1[i] == v)
                i++, k1++;
            while (j < n && s2[j] == v)
                j++, k2++;
            chance += (double)k1 * (double)k2;
        }
    }
    g_free(s2);
    g_free(s1);
    double dn = (double)n, nn = dn * dn;
    if (chance >= nn)
        return FALSE;
    /* κ = (po − pe)/(1 − pe), multiplied through by n² */
    put(kappa, (agree * dn - chance) / (nn - chance));
    return TRUE;
}
