/* tap.h: a minimal TAP producer for the unit tests; tests/run.sh counts the
 * "ok"/"not ok" lines. Each test file is one program with its own main(). */
#ifndef P2P_TAP_H
#define P2P_TAP_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

static inline int tap_ok(int pass, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#include <stdarg.h>
static inline int tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    printf("%s %d - ", pass ? "ok" : "not ok", ++tap_n);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    if (!pass) {
        tap_failed++;
        printf("#   failed at %s:%d\n", file, line);
    }
    return pass;
}

/* Relative tolerance when expected != 0, absolute otherwise (as gsl_test_rel). */
#define is_near(got, expected, tol, name)                                        \
    do {                                                                         \
        double g_ = (got), e_ = (expected);                                      \
        double d_ = e_ != 0 ? fabs((g_ - e_) / e_) : fabs(g_);                   \
        (void)ok(d_ <= (tol), "%s: %.10g vs %.10g (tol %g)", name, g_, e_,       \
                 (double)(tol));                                                 \
    } while (0)

#define is_str(got, expected, name)                                              \
    do {                                                                         \
        const char *g_ = (got), *e_ = (expected);                                \
        int p_ = (g_ && e_) ? strcmp(g_, e_) == 0 : g_ == e_;                    \
        if (!ok(p_, "%s", name))                                                 \
            printf("#   got '%s', expected '%s'\n", g_ ? g_ : "(null)",          \
                   e_ ? e_ : "(null)");                                          \
    } while (0)

static inline int tap_done(void)
{
    printf("1..%d\n", tap_n);
    return tap_failed ? 1 : 0;
}

#endif
