/* analysis_data.h: the study data as the analysis holds it in memory —
 * compact arrays read once from the database (internal to lib/analysis*.c). */
#ifndef P2P_ANALYSIS_DATA_H
#define P2P_ANALYSIS_DATA_H

#include <sqlite3.h>
#include "p2p.h"

#define AD_NO_CLIENT G_MAXUINT32
#define AD_N_COUNTRIES 8
#define AD_N_SETTINGS 8

/* Worker types, in p2p_worker_types order; a tally's group is wt + 1. */
enum { AD_PEER, AD_PROFESSIONAL, AD_MIXED };
/* Sex as the analysis needs it. */
enum { AD_SEX_UNKNOWN, AD_SEX_FEMALE, AD_SEX_MALE, AD_SEX_OTHER };
/* yes/no/unknown fields. */
enum { AD_UNKNOWN, AD_YES, AD_NO };
/* Referral outcomes that matter. */
enum { AD_OUT_OTHER, AD_OUT_ATTENDED, AD_OUT_NOT_ATTENDED };

/* One encounter, 40 bytes: a million fit in 40 MB. */
typedef struct {
    const char *eid;      /* encounter_id, in AdData.strings */
    guint32 client;       /* index into the client arrays, AD_NO_CLIENT */
    gint32 date;          /* YYYYMMDD as a number (orders like the text) */
    guint32 syringes;     /* syringes_given */
    guint32 naloxone;     /* naloxone_given */
    guint32 site;         /* index into AdData.sites, 0 = none */
    gint16 birth_year;    /* 0 = missing */
    guint8 country;       /* index into ad_countries */
    guint8 wt;            /* AD_PEER.. */
    guint8 sex;           /* AD_SEX_* */
    guint8 first_contact; /* AD_YES, AD_NO, AD_UNKNOWN */
    guint8 injecting;     /* AD_YES, AD_NO, AD_UNKNOWN */
    guint8 setting;       /* 1 + index into ad_settings, 0 = none */
    guint8 age_first_use; /* 0 = missing */
} AdEncounter;

/* One referral: its service and outcome (the encounter is implicit). */
typedef struct {
    guint8 service;   /* index into p2p_services */
    guint8 outcome;   /* AD_OUT_* */
} AdReferral;

typedef struct {
    char *group_id;   /* g_malloc'd */
    int country;      /* index into ad_countries, -1 unknown */
    gint32 date;      /* YYYYMMDD */
    int n_participants; /* rows in fg_participants */
    int role_count[16]; /* participants per role (p2p_roles order) */
} AdFocusGroup;

/* One coded-segment row: (unit, coder, code). */
typedef struct {
    guint32 unit;     /* index into AdData.unit_group */
    guint16 coder;    /* index into AdData.coders */
    gint32 code;      /* index into AdData.codes, -1 = read, no code */
} AdCoding;

typedef struct {
    /* encounters, sorted by country, date, encounter_id (byte order) */
    AdEncounter *enc;       /* g_malloc'd array of n_enc */
    guint32 n_enc;
    guint32 country_start[AD_N_COUNTRIES + 1]; /* block of each country */
    guint32 *ref_start;     /* referrals of encounter i: refs[ref_start[i]
                               .. ref_start[i+1]) (n_enc + 1 entries) */
    AdReferral *refs;       /* g_malloc'd, grouped by encounter */
    guint32 n_refs;
    /* clients: (country, client code) pairs */
    guint32 n_clients;
    guint8 *client_sex;     /* latest known over every encounter */
    gint16 *client_birth_year; /* latest known, 0 none */
    guint8 *client_afu;     /* latest known age at first use, 0 none */
    guint32 *client_first;  /* index of the first-ever encounter */
    GPtrArray *sites;       /* of char * (owned), [0] = "" (none) */
    GStringChunk *strings;  /* encounter ids */
    /* focus groups */
    GPtrArray *groups;      /* of AdFocusGroup *, owned, by group_id */
    GPtrArray *codes;       /* of char *, owned, byte order */
    GPtrArray *themes;      /* of char *, owned, byte order */
    int *code_theme;        /* theme index of each code, -1 none */
    GPtrArray *coders;      /* of char *, owned, byte order */
    guint32 n_units;        /* segments (group_id, segment_id) */
    guint32 *unit_group;    /* index into groups of each unit */
    GArray *codings;        /* of AdCoding */
    /* what was read */
    gint64 data_version;
    gint64 n_rows[6];       /* rows of encounters, referrals, focus_groups,
                               fg_participants, fg_segments, codebook */
    gboolean country_has_data[AD_N_COUNTRIES]; /* encounters or groups */
} AdData;

extern const char *const ad_countries[AD_N_COUNTRIES]; /* byte order */
extern const char *const ad_settings[AD_N_SETTINGS];

/* Read everything in one read transaction. NULL with error (P2P_EXIT_DB). */
AdData *ad_data_load(sqlite3 *db, GError **error);
void ad_data_free(AdData *d);

/* Index of a country code in ad_countries, -1 when none. */
int ad_country_index(const char *cc);

#endif
