/* kinds.h: the six canonical input kinds, their columns and rules (the
 * contract's "Inputs" tables), declared once as data. */
#ifndef P2P_KINDS_H
#define P2P_KINDS_H

#include <glib.h>

typedef enum {
    P2P_COL_TEXT,     /* free text, NFC */
    P2P_COL_ID,       /* identifier: spaces trimmed, NFC */
    P2P_COL_DATE,     /* YYYY-MM-DD (or the mapping's format), not after today */
    P2P_COL_COUNTRY,  /* PT GR PL LT BE FR NL HU (EL = GR) */
    P2P_COL_ENUM,     /* one of values[] */
    P2P_COL_LIST,     /* ';'-joined items of values[] */
    P2P_COL_INT,      /* integer in [min, max] */
    P2P_COL_YEAR,     /* 4-digit year, min ≤ y */
    P2P_COL_CLIENT,   /* client code: normalised, then keyed hash */
} P2pColType;

/* The earliest date any date column may hold (contract "Inputs"). */
#define P2P_DATE_MIN "1990-01-01"

typedef struct {
    const char *name;            /* canonical column name */
    P2pColType type;
    gboolean required;
    const char *const *values;   /* allowed values (ENUM, LIST), NULL-ended */
    gint64 min, max;             /* INT, YEAR bounds (max 0 = none) */
    const char *missing;         /* stored when empty (e.g. "0"), or NULL */
} P2pColumn;

typedef enum {
    P2P_KIND_CODEBOOK, P2P_KIND_FOCUS_GROUPS, P2P_KIND_FG_PARTICIPANTS,
    P2P_KIND_FG_SEGMENTS, P2P_KIND_ENCOUNTERS, P2P_KIND_REFERRALS,
    P2P_KIND_COUNT
} P2pKindId;   /* in dependency (load) order */

typedef struct {
    P2pKindId id;
    const char *name;            /* "encounters", also the table name */
    const P2pColumn *columns;
    size_t ncolumns;
    const int *key;              /* column indexes of the row's id, -1 ended */
    int country_col;             /* index of 'country', or -1 */
} P2pKind;

/* The kind table, P2P_KIND_COUNT entries in load order. */
const P2pKind *p2p_kinds(void);
/* By name ("encounters"), or NULL. */
const P2pKind *p2p_kind_find(const char *name);
/* Column index in kind by canonical name, or -1. */
int p2p_kind_column(const P2pKind *kind, const char *name);

/* The countries, and the canonical code of a country written any case
 * (EL → GR), or NULL. Static strings. */
extern const char *const p2p_countries[];
const char *p2p_country_canonical(const char *s, size_t len);

#endif
