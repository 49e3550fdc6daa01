/* stats.h: the statistics behind the indicators, on top of GSL.
 * Every function is pure (no I/O, no globals) and returns FALSE where the
 * figure cannot be computed (zero denominator, degenerate data), leaving its
 * out-parameters set to NAN; callers store that as an empty field. Every
 * out-parameter may be NULL when that figure is not wanted. Inputs outside
 * their domain (negative or non-finite counts, x > n) also give FALSE.
 * GSL's default error handler aborts: programs call
 * gsl_set_error_handler_off() once at start (p2p_poisson_trend solves with GSL's
 * Cholesky and checks its status). For a comparison, Fisher's table is
 * [[a, n1-a], [c, n2-c]] in p2p_risk_ratio_katz's terms. */
#ifndef P2P_STATS_H
#define P2P_STATS_H

#include <glib.h>
#include <stddef.h>

/* z = Φ⁻¹(0.975), the contract's constant for every 95% interval. */
#define P2P_Z95 1.959964

/* Wilson score interval for x successes out of n (Newcombe 1998, method 3);
 * bounds clamped to [0, 1], exactly 0 at x = 0 and 1 at x = n.
 * FALSE when n == 0. */
gboolean p2p_wilson(double x, double n, double z, double *lo, double *hi);

/* Risk ratio (a/n1)/(c/n2) with the Katz log interval.
 * out rr: empty (NAN, returns FALSE) when n1 == 0, n2 == 0 or c == 0.
 * out lo, hi: NAN when any of the four cells a, n1-a, c, n2-c is 0
 * (no continuity correction). Returns TRUE when rr is set. */
gboolean p2p_risk_ratio_katz(double a, double n1, double c, double n2,
                             double z, double *rr, double *lo, double *hi);

/* Two-sided Fisher exact p for [[a,b],[c,d]] by the minimum-likelihood rule
 * (sum over tables with the same margins whose probability is at most the
 * observed one's × (1 + 1e-7)), as R's fisher.test. Never NAN: an empty
 * margin leaves only the observed table, so p = 1. Only the tables that are
 * not negligible are visited (~√n of them for ordinary p values): 0.3 ms at
 * n = 10^6; a wildly extreme table may visit its whole support (≤ n/2).
 * A p below ~1e-308 comes back as 0 (R gives 0 there too). */
double p2p_fisher_exact(unsigned long a, unsigned long b, unsigned long c,
                        unsigned long d);

/* Poisson regression (log link) of counts[i] on i = 0..n-1 by IRLS, i.e.
 * Newton's method for this canonical link (from the no-trend fit, halving a
 * step that raises the deviance; stop when the deviance changes by less than
 * 1e-10 relative, as R's glm criterion; at most 50 iterations). The same MLE
 * as R's glm(y ~ x, poisson). exp(b1) is the monthly rate ratio.
 * out b0, b1: intercept and slope; out se1: standard error of b1 from
 * (X'WX)^-1 at the fit;
 * out p: two-sided Wald p for b1 = 0. FALSE when n < 3, when every count is 0,
 * or when the fit does not converge. */
gboolean p2p_poisson_trend(const double *counts, size_t n, double *b0,
                           double *b1, double *se1, double *p);

/* Chapman estimate (n1+1)(n2+1)/(m+1) - 1 with variance
 * (n1+1)(n2+1)(n1-m)(n2-m)/((m+1)^2 (m+2)); interval est ± z·√var, the lower
 * bound no less than n1+n2-m. FALSE when n1 or n2 is 0 (or m > n1, m > n2). */
gboolean p2p_chapman(double n1, double n2, double m, double z, double *est,
                     double *var, double *lo, double *hi);

/* Krippendorff's alpha, nominal, for a units × coders matrix of category
 * codes (values[u * n_coders + c]), P2P_MISSING where coder c gave no value;
 * any other int is a category. Coincidence-matrix method of Krippendorff
 * (2011), "Computing Krippendorff's Alpha-Reliability".
 * Units with fewer than two values are not pairable and are left out.
 * FALSE (alpha NAN) when fewer than two pairable values exist or the expected
 * disagreement is 0 (every value the same). */
#define P2P_MISSING (-1)
gboolean p2p_krippendorff_alpha(const int *values, size_t n_units,
                                size_t n_coders, double *alpha);

/* Cohen's kappa for two coders' category codes (any ints) over n units
 * (no missing).
 * FALSE (kappa NAN) when n == 0 or chance agreement is 1. */
gboolean p2p_cohen_kappa(const int *coder1, const int *coder2, size_t n,
                         double *kappa);

#endif
