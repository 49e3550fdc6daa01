/* p2p.h: exit codes and the error domain shared by every program.
 *
 * Ownership rule for the whole library (stated once, as jq does): a function
 * named *_new returns memory the caller frees with the matching *_free; a
 * function taking `GError **error` sets it only when it returns FALSE/-1/NULL,
 * and the caller then owns the GError. Library code never prints or exits;
 * only main() does. Out-parameters are marked `out:` in the comments. */
#ifndef P2P_H
#define P2P_H

#include <glib.h>

/* Exit statuses, one table for all programs (README "Exit status").
 * Larger is more severe: when several files fail in different ways, the
 * program exits with the largest code seen. */
typedef enum {
    P2P_EXIT_OK = 0,       /* success (rows may have been rejected) */
    P2P_EXIT_REJECTED = 1, /* rows rejected under --strict */
    P2P_EXIT_USAGE = 2,    /* bad command line */
    P2P_EXIT_FILE = 3,     /* a file refused or unreadable */
    P2P_EXIT_KEY = 4,      /* key file does not match the database */
    P2P_EXIT_STALE = 5,    /* stored analysis missing or stale */
    P2P_EXIT_DB = 6,       /* database or output failure */
} P2pExit;

/* GError domain of the library; error->code is a P2pExit. */
#define P2P_ERROR (p2p_error_quark())
GQuark p2p_error_quark(void);

/* The most severe of two exit statuses. */
static inline int p2p_exit_worst(int a, int b) { return a > b ? a : b; }

#endif
