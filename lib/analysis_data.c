/* analysis_data.c: reading the study data once into compact arrays (one
 * read transaction, one pass per table, sorting in memory). */
#include "analysis_data.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "indicators.h"

const char *const ad_countries[AD_N_COUNTRIES] = {
    "BE", "FR", "GR", "HU", "LT", "NL", "PL", "PT" };
const char *const ad_settings[AD_N_SETTINGS] = {
    "street", "nightlife", "shelter", "drop_in", "prison", "online", "home",
    "other" };

int ad_country_index(const char *cc)
{
    if (!cc)
        return -1;
    for (int i = 0; i < AD_N_COUNTRIES; i++)
        if (cc[0] == ad_countries[i][0] && strcmp(cc, ad_countries[i]) == 0)
            return i;
    return -1;
}

static int list_index(const char *const *list, int n, const char *s)
{
    if (!s)
        return -1;
    /* First character first: a million rows times a few enumerations. */
    for (int i = 0; i < n && list[i]; i++)
        if (s[0] == list[i][0] && strcmp(s, list[i]) == 0)
            return i;
    return -1;
}

static int yes_no(const char *s)
{
    if (!s)
        return AD_UNKNOWN;
    if (strcmp(s, "yes") == 0)
        return AD_YES;
    if (strcmp(s, "no") == 0)
        return AD_NO;
    return AD_UNKNOWN;
}

static int sex_of(const char *s)
{
    if (!s)
        return AD_SEX_UNKNOWN;
    if (strcmp(s, "female") == 0)
        return AD_SEX_FEMALE;
    if (strcmp(s, "male") == 0)
        return AD_SEX_MALE;
    if (strcmp(s, "other") == 0)
        return AD_SEX_OTHER;
    return AD_SEX_UNKNOWN;
}

/* "YYYY-MM-DD" -> YYYYMMDD; 0 when malformed. By hand: atoi three times a
 * row showed in the profile. */
static gint32 date_num(const char *s)
{
    if (!s)
        return 0;
    gint32 v = 0;
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            if (s[i] != '-')
                return 0;
            continue;
        }
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

void ad_data_free(AdData *d)
{
    if (!d)
        return;
    g_free(d->enc);
    g_free(d->ref_start);
    g_free(d->refs);
    g_free(d->client_sex);
    g_free(d->client_birth_year);
    g_free(d->client_afu);
    g_free(d->client_first);
    if (d->sites)
        g_ptr_array_free(d->sites, TRUE);
    if (d->strings)
        g_string_chunk_free(d->strings);
    if (d->groups)
        g_ptr_array_free(d->groups, TRUE);
    if (d->codes)
        g_ptr_array_free(d->codes, TRUE);
    if (d->themes)
        g_ptr_array_free(d->themes, TRUE);
    g_free(d->code_theme);
    if (d->coders)
        g_ptr_array_free(d->coders, TRUE);
    g_free(d->unit_group);
    if (d->codings)
        g_array_free(d->codings, TRUE);
    g_free(d);
}

static void group_free(gpointer p)
{
    AdFocusGroup *g = p;
    g_free(g->group_id);
    g_free(g);
}

/* Sort key of an encounter: country, date and client packed in one integer
 * (3 + 27 + 32 bits). Only one client's encounters need the contract's
 * order (first, latest); within a day other clients' encounters may come
 * in any order, so the id (byte order) breaks ties of one client's
 * encounters on one day only. Anonymous encounters tie on the id too, so
 * the order is the same on every run. */
typedef struct {
    guint64 key;
    guint32 idx;
} SortKey;

/* data: the unsorted encounters, for the tie-break. */
static int sort_key_cmp(gconstpointer pa, gconstpointer pb, gpointer data)
{
    const SortKey *a = pa, *b = pb;
    const AdEncounter *base = data;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return strcmp(base[a->idx].eid, base[b->idx].eid);
}

/* Client codes are keyed hashes, hex: their first bytes hash well enough,
 * and g_str_hash over all 64 characters costs a third of the lookups. */
static guint code_hash(gconstpointer p)
{
    const unsigned char *s = p;
    guint h = 2166136261u;
    for (int i = 0; i < 16 && s[i]; i++)
        h = (h ^ s[i]) * 16777619u;
    return h;
}

/* Open-addressing table (country, encounter_id) -> encounter index: a
 * GHashTable of a million string keys would cost several times the memory. */
typedef struct {
    guint32 *slot;   /* encounter index + 1, 0 = empty */
    guint32 mask;    /* size - 1 */
} EidIndex;

static guint32 eid_hash(int country, const char *eid)
{
    guint32 h = 2166136261u ^ (guint32)country;
    for (const unsigned char *p = (const unsigned char *)eid; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h ^ (h >> 15);
}

static void eid_index_build(EidIndex *ix, const AdData *d)
{
    guint32 size = 16;
    while (size < 2 * d->n_enc)
        size <<= 1;
    ix->slot = g_new0(guint32, size);
    ix->mask = size - 1;
    for (guint32 i = 0; i < d->n_enc; i++) {
        guint32 h = eid_hash(d->enc[i].country, d->enc[i].eid) & ix->mask;
        while (ix->slot[h])
            h = (h + 1) & ix->mask;
        ix->slot[h] = i + 1;
    }
}

static gint64 eid_index_find(const EidIndex *ix, const AdData *d, int country,
                             const char *eid)
{
    guint32 h = eid_hash(country, eid) & ix->mask;
    while (ix->slot[h]) {
        const AdEncounter *e = &d->enc[ix->slot[h] - 1];
        if (e->country == country && strcmp(e->eid, eid) == 0)
            return ix->slot[h] - 1;
        h = (h + 1) & ix->mask;
    }
    return -1;
}

static const char *col(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

static gboolean load_encounters(sqlite3 *db, AdData *d, GError **error)
{
    sqlite3_stmt *st = NULL;
    gboolean ok = FALSE;
    GHashTable *clients[AD_N_COUNTRIES] = { NULL };
    GHashTable *sites = g_hash_table_new(g_str_hash, g_str_equal);
    GStringChunk *codes = g_string_chunk_new(1 << 20);
    gsize cap = 1024;
    AdEncounter *raw = g_new(AdEncounter, cap);
    guint32 n = 0;
    int rc;

    for (int i = 0; i < AD_N_COUNTRIES; i++)
        clients[i] = g_hash_table_new(code_hash, g_str_equal);
    d->sites = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(d->sites, g_strdup(""));
    d->strings = g_string_chunk_new(1 << 20);
    /* No ORDER BY: a sort in SQLite costs more than sorting the compact
     * array below. */
    if (sqlite3_prepare_v2(db,
            "SELECT country, encounter_id, date, site, setting, worker_type, "
            "client_code, sex, birth_year, first_contact, injecting, "
            "syringes_given, naloxone_given, age_first_use FROM encounters",
            -1, &st, NULL) != SQLITE_OK)
        goto fail_db;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        d->n_rows[0]++;
        int c = ad_country_index(col(st, 0));
        int wt = list_index(p2p_worker_types, 3, col(st, 5));
        gint32 date = date_num(col(st, 2));
        if (c < 0 || wt < 0 || !date)
            continue; /* ingest never stores such a row */
        if (n == cap) {
            cap *= 2;
            raw = g_renew(AdEncounter, raw, cap);
        }
        AdEncounter *e = &raw[n];
        memset(e, 0, sizeof *e);
        e->country = (guint8)c;
        e->wt = (guint8)wt;
        e->date = date;
        e->eid = g_string_chunk_insert(d->strings, col(st, 1));
        const char *site = col(st, 3);
        if (site && *site) {
            gpointer v;
            if (!g_hash_table_lookup_extended(sites, site, NULL, &v)) {
                char *s = g_strdup(site);
                v = GUINT_TO_POINTER(d->sites->len);
                g_ptr_array_add(d->sites, s);
                g_hash_table_insert(sites, s, v);
            }
            e->site = GPOINTER_TO_UINT(v);
        }
        e->setting = (guint8)(list_index(ad_settings, AD_N_SETTINGS, col(st, 4)) + 1);
        const char *code = col(st, 6);
        e->client = AD_NO_CLIENT;
        if (code && *code) {
            gpointer v;
            if (!g_hash_table_lookup_extended(clients[c], code, NULL, &v)) {
                v = GUINT_TO_POINTER(d->n_clients);
                g_hash_table_insert(clients[c],
                                    g_string_chunk_insert(codes, code), v);
                d->n_clients++;
            }
            e->client = GPOINTER_TO_UINT(v);
        }
        e->sex = (guint8)sex_of(col(st, 7));
        e->birth_year = (gint16)sqlite3_column_int(st, 8);
        e->first_contact = (guint8)yes_no(col(st, 9));
        e->injecting = (guint8)yes_no(col(st, 10));
        e->syringes = (guint32)MAX(0, sqlite3_column_int64(st, 11));
        e->naloxone = (guint32)MAX(0, sqlite3_column_int64(st, 12));
        int afu = sqlite3_column_int(st, 13);
        e->age_first_use = (guint8)CLAMP(afu, 0, 255);
        d->country_has_data[c] = TRUE;
        n++;
    }
    if (rc != SQLITE_DONE)
        goto fail_db;

    /* Sort by (country, date, client, encounter_id) through a key array,
     * then permute the encounters in place (cycle by cycle) rather than
     * into a second 40 MB array. */
    SortKey *keys = g_new(SortKey, n ? n : 1);
    for (guint32 i = 0; i < n; i++) {
        keys[i].key = ((guint64)raw[i].country << 59)
                      | ((guint64)(guint32)raw[i].date << 32) | raw[i].client;
        keys[i].idx = i;
    }
    g_qsort_with_data(keys, (gint)n, sizeof *keys, sort_key_cmp, raw);
    for (guint32 i = 0; i < n; i++) {
        if (keys[i].idx == G_MAXUINT32 || keys[i].idx == i)
            continue;
        AdEncounter tmp = raw[i];
        guint32 j = i;
        for (;;) {
            guint32 from = keys[j].idx;
            keys[j].idx = G_MAXUINT32;
            if (from == i) {
                raw[j] = tmp;
                break;
            }
            raw[j] = raw[from];
            j = from;
        }
    }
    g_free(keys);
    d->enc = raw;
    raw = NULL;
    d->n_enc = n;
    for (int c = 0, i = 0; c <= AD_N_COUNTRIES; c++) {
        while ((guint32)i < n && d->enc[i].country < c)
            i++;
        d->country_start[c] = (guint32)i;
    }
    d->country_start[AD_N_COUNTRIES] = n;

    /* Clients' attributes: the latest known value wins, walking in order. */
    d->client_sex = g_new0(guint8, d->n_clients + 1);
    d->client_birth_year = g_new0(gint16, d->n_clients + 1);
    d->client_afu = g_new0(guint8, d->n_clients + 1);
    d->client_first = g_new(guint32, d->n_clients + 1);
    memset(d->client_first, 0xff, sizeof(guint32) * (d->n_clients + 1));
    for (guint32 i = 0; i < n; i++) {
        const AdEncounter *e = &d->enc[i];
        if (e->client == AD_NO_CLIENT)
            continue;
        if (d->client_first[e->client] == G_MAXUINT32)
            d->client_first[e->client] = i;
        if (e->sex != AD_SEX_UNKNOWN)
            d->client_sex[e->client] = e->sex;
        if (e->birth_year)
            d->client_birth_year[e->client] = e->birth_year;
        if (e->age_first_use)
            d->client_afu[e->client] = e->age_first_use;
    }
    ok = TRUE;
    goto done;
fail_db:
    p2p_db_fail(db, "reading encounters", error);
done:
    sqlite3_finalize(st);
    g_free(raw);
    for (int i = 0; i < AD_N_COUNTRIES; i++)
        g_hash_table_destroy(clients[i]);
    g_hash_table_destroy(sites);
    g_string_chunk_free(codes);
    return ok;
}

static gboolean load_referrals(sqlite3 *db, AdData *d, GError **error)
{
    sqlite3_stmt *st = NULL;
    EidIndex ix;
    eid_index_build(&ix, d);
    GArray *enc_of = g_array_new(FALSE, FALSE, sizeof(guint32));
    GArray *refs = g_array_new(FALSE, FALSE, sizeof(AdReferral));
    gboolean ok = FALSE;
    int rc;
    if (sqlite3_prepare_v2(db,
            "SELECT country, encounter_id, service, outcome FROM referrals",
            -1, &st, NULL) != SQLITE_OK)
        goto fail_db;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        d->n_rows[1]++;
        int c = ad_country_index(col(st, 0));
        const char *eid = col(st, 1);
        int svc = list_index(p2p_services, 9, col(st, 2));
        if (c < 0 || !eid || svc < 0)
            continue;
        gint64 i = eid_index_find(&ix, d, c, eid);
        if (i < 0)
            continue; /* ingest keeps referrals to existing encounters */
        const char *out = col(st, 3);
        AdReferral r = { (guint8)svc, AD_OUT_OTHER };
        if (out && strcmp(out, "attended") == 0)
            r.outcome = AD_OUT_ATTENDED;
        else if (out && strcmp(out, "not_attended") == 0)
            r.outcome = AD_OUT_NOT_ATTENDED;
        guint32 ei = (guint32)i;
        g_array_append_val(enc_of, ei);
        g_array_append_val(refs, r);
    }
    if (rc != SQLITE_DONE)
        goto fail_db;
    /* Group by encounter (counting sort). */
    d->n_refs = refs->len;
    d->ref_start = g_new0(guint32, d->n_enc + 1);
    d->refs = g_new(AdReferral, refs->len ? refs->len : 1);
    for (guint i = 0; i < refs->len; i++)
        d->ref_start[g_array_index(enc_of, guint32, i) + 1]++;
    for (guint32 i = 0; i < d->n_enc; i++)
        d->ref_start[i + 1] += d->ref_start[i];
    guint32 *fill = g_memdup2(d->ref_start, sizeof(guint32) * (d->n_enc + 1));
    for (guint i = 0; i < refs->len; i++)
        d->refs[fill[g_array_index(enc_of, guint32, i)]++] =
            g_array_index(refs, AdReferral, i);
    g_free(fill);
    ok = TRUE;
    goto done;
fail_db:
    p2p_db_fail(db, "reading referrals", error);
done:
    sqlite3_finalize(st);
    g_free(ix.slot);
    g_array_free(enc_of, TRUE);
    g_array_free(refs, TRUE);
    return ok;
}

static int ptr_strcmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Index of s in a sorted string array, -1 when absent. */
static int sorted_find(GPtrArray *a, const char *s)
{
    int lo = 0, hi = (int)a->len - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        int c = strcmp(s, a->pdata[mid]);
        if (c == 0)
            return mid;
        if (c < 0)
            hi = mid - 1;
        else
            lo = mid + 1;
    }
    return -1;
}

/* Add s to set (a string hash set of owned strings). */
static void set_add(GHashTable *set, const char *s)
{
    if (s && *s && !g_hash_table_contains(set, s))
        g_hash_table_add(set, g_strdup(s));
}

static GPtrArray *set_sorted(GHashTable *set)
{
    GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
    GHashTableIter it;
    gpointer k;
    g_hash_table_iter_init(&it, set);
    while (g_hash_table_iter_next(&it, &k, NULL))
        g_ptr_array_add(a, g_strdup(k));
    g_ptr_array_sort(a, ptr_strcmp);
    return a;
}

static gboolean load_focus_groups(sqlite3 *db, AdData *d, GError **error)
{
    sqlite3_stmt *st = NULL;
    gboolean ok = FALSE;
    int rc;
    const char *what = "reading focus groups";
    GHashTable *gix = g_hash_table_new(g_str_hash, g_str_equal);
    GHashTable *codes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GHashTable *themes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GHashTable *coders = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GHashTable *theme_of = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    GHashTable *units = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GArray *unit_group = g_array_new(FALSE, FALSE, sizeof(guint32));
    /* Raw codings, resolved to indices once every code and coder is known. */
    GPtrArray *raw = g_ptr_array_new_with_free_func(g_free);

    d->groups = g_ptr_array_new_with_free_func(group_free);
    if (sqlite3_prepare_v2(db, "SELECT group_id, country, date FROM focus_groups "
                               "ORDER BY group_id", -1, &st, NULL) != SQLITE_OK)
        goto fail_db;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        d->n_rows[2]++;
        AdFocusGroup *g = g_new0(AdFocusGroup, 1);
        g->group_id = g_strdup(col(st, 0) ? col(st, 0) : "");
        g->country = ad_country_index(col(st, 1));
        g->date = date_num(col(st, 2));
        if (g->country >= 0)
            d->country_has_data[g->country] = TRUE;
        g_hash_table_insert(gix, g->group_id, GUINT_TO_POINTER(d->groups->len));
        g_ptr_array_add(d->groups, g);
    }
    if (rc != SQLITE_DONE)
        goto fail_db;
    sqlite3_finalize(st);
    st = NULL;

    what = "reading focus-group participants";
    if (sqlite3_prepare_v2(db, "SELECT group_id, role FROM fg_participants",
                           -1, &st, NULL) != SQLITE_OK)
        goto fail_db;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        d->n_rows[3]++;
        gpointer v;
        if (!col(st, 0) || !g_hash_table_lookup_extended(gix, col(st, 0), NULL, &v))
            continue;
        AdFocusGroup *g = d->groups->pdata[GPOINTER_TO_UINT(v)];
        g->n_participants++;
        int role = list_index(p2p_roles, 16, col(st, 1));
        if (role >= 0)
            g->role_count[role]++;
    }
    if (rc != SQLITE_DONE)
        goto fail_db;
    sqlite3_finalize(st);
    st = NULL;

    what = "reading the codebook";
    if (sqlite3_prepare_v2(db, "SELECT code, theme FROM codebook", -1, &st,
                           NULL) != SQLITE_OK)
        goto fail_db;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        d->n_rows[5]++;
        const char *code = col(st, 0), *theme = col(st, 1);
        if (!code || !*code)
            continue;
        set_add(codes, code);
        if (theme && *theme) {
            set_add(themes, theme);
            g_hash_table_replace(theme_of, g_strdup(code), g_strdup(theme));
        }
    }
    if (rc != SQLITE_DONE)
        goto fail_db;
    sqlite3_finalize(st);
    st = NULL;

    what = "reading coded segments";
    if (sqlite3_prepare_v2(db, "SELECT group_id, segment_id, coder, code "
                               "FROM fg_segments", -1, &st, NULL) != SQLITE_OK)
        goto fail_db;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        d->n_rows[4]++;
        gpointer v;
        const char *gid = col(st, 0), *sid = col(st, 1), *coder = col(st, 2);
        const char *code = col(st, 3) ? col(st, 3) : "";
        if (!gid || !sid || !coder
            || !g_hash_table_lookup_extended(gix, gid, NULL, &v))
            continue;
        char *ukey = g_strconcat(gid, "\x1f", sid, NULL);
        gpointer u;
        if (!g_hash_table_lookup_extended(units, ukey, NULL, &u)) {
            u = GUINT_TO_POINTER(unit_group->len);
            guint32 gi = GPOINTER_TO_UINT(v);
            g_array_append_val(unit_group, gi);
            g_hash_table_insert(units, ukey, u);
        } else {
            g_free(ukey);
        }
        set_add(codes, code);
        set_add(coders, coder);
        /* unit \x1f coder \x1f code, split again below */
        g_ptr_array_add(raw, g_strdup_printf("%u\x1f%s\x1f%s",
                                             GPOINTER_TO_UINT(u), coder, code));
    }
    if (rc != SQLITE_DONE)
        goto fail_db;

    d->codes = set_sorted(codes);
    d->themes = set_sorted(themes);
    d->coders = set_sorted(coders);
    d->code_theme = g_new(int, d->codes->len + 1);
    for (guint i = 0; i < d->codes->len; i++) {
        const char *t = g_hash_table_lookup(theme_of, d->codes->pdata[i]);
        d->code_theme[i] = t ? sorted_find(d->themes, t) : -1;
    }
    d->n_units = unit_group->len;
    d->unit_group = (guint32 *)g_array_free(unit_group, FALSE);
    unit_group = NULL;
    d->codings = g_array_sized_new(FALSE, FALSE, sizeof(AdCoding), raw->len);
    for (guint i = 0; i < raw->len; i++) {
        char **f = g_strsplit(raw->pdata[i], "\x1f", 3);
        AdCoding c;
        c.unit = (guint32)g_ascii_strtoull(f[0], NULL, 10);
        c.coder = (guint16)sorted_find(d->coders, f[1]);
        c.code = *f[2] ? sorted_find(d->codes, f[2]) : -1;
        g_array_append_val(d->codings, c);
        g_strfreev(f);
    }
    ok = TRUE;
    goto done;
fail_db:
    p2p_db_fail(db, what, error);
done:
    sqlite3_finalize(st);
    g_hash_table_destroy(gix);
    g_hash_table_destroy(codes);
    g_hash_table_destroy(themes);
    g_hash_table_destroy(coders);
    g_hash_table_destroy(theme_of);
    g_hash_table_destroy(units);
    if (unit_group)
        g_array_free(unit_group, TRUE);
    g_ptr_array_free(raw, TRUE);
    return ok;
}

AdData *ad_data_load(sqlite3 *db, GError **error)
{
    AdData *d = g_new0(AdData, 1);
    /* One pass over each table: a page cache only costs memory (32 MB of
     * page faults at the default), so keep it small while reading. */
    p2p_db_exec(db, "PRAGMA cache_size = -2000", NULL);
    /* One read transaction: data_version and the rows are one snapshot. */
    if (!p2p_db_exec(db, "BEGIN", error))
        goto fail;
    d->data_version = p2p_db_data_version(db);
    gboolean ok = load_encounters(db, d, error)
                  && load_referrals(db, d, error)
                  && load_focus_groups(db, d, error);
    p2p_db_exec(db, "COMMIT", NULL);
    p2p_db_exec(db, "PRAGMA cache_size = -32000", NULL); /* db.c's */
    if (!ok)
        goto fail;
    return d;
fail:
    ad_data_free(d);
    return NULL;
}
