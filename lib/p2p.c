/* p2p.c: the library's error domain. */
#include "p2p.h"

G_DEFINE_QUARK(p2p-error-quark, p2p_error)
