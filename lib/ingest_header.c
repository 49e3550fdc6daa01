/* ingest_header.c: recognising a file's kind from its header. */
#include <string.h>
#include "ingest_internal.h"
#include "text.h"

void p2p_header_map_clear(P2pHeaderMap *hm)
{
    g_free(hm->to_canon);
    g_free(hm->is_code);
    g_free(hm->twice);
    if (hm->unknown)
        g_ptr_array_free(hm->unknown, TRUE);
    memset(hm, 0, sizeof *hm);
}

/* Map hdr onto kind k; out score: columns matched; out missing: first
 * required column absent (static), or NULL. */
static void try_kind(const P2pIngestContext *ctx, const P2pKind *k,
                     const P2pCsvRecord *hdr, P2pHeaderMap *hm, int *score,
                     const char **missing)
{
    hm->kind = k;
    hm->nfile = hdr->nfields;
    hm->to_canon = g_new(int, hdr->nfields ? hdr->nfields : 1);
    hm->is_code = g_new0(gboolean, hdr->nfields ? hdr->nfields : 1);
    hm->unknown = g_ptr_array_new_with_free_func(g_free);
    for (int c = 0; c < MAX_COLS; c++)
        hm->from_file[c] = -1;
    *score = 0;
    for (size_t i = 0; i < hdr->nfields; i++) {
        char *name = p2p_mapping_column(ctx->map, k->id, hdr->field[i], hdr->len[i]);
        char *plain = p2p_mapping_column(NULL, k->id, hdr->field[i], hdr->len[i]);
        int c = p2p_kind_column(k, name);
        hm->to_canon[i] = c;
        hm->is_code[i] = strcmp(name, "client_code") == 0
                         || strcmp(plain, "client_code") == 0;
        g_free(plain);
        if (c >= 0 && hm->from_file[c] >= 0 && !hm->twice)
            hm->twice = g_strdup(name);
        if (c >= 0 && hm->from_file[c] < 0) {
            hm->from_file[c] = (int)i;
            (*score)++;
            g_free(name);
        } else if (*name) {
            /* Named as written (not case-folded) in the warning. */
            GString *esc = g_string_new(NULL);
            p2p_text_append_escaped(esc, hdr->field[i], hdr->len[i]);
            g_ptr_array_add(hm->unknown, g_string_free(esc, FALSE));
            g_free(name);
        } else {
            g_free(name);
        }
    }
    *missing = NULL;
    for (size_t c = 0; c < k->ncolumns && !*missing; c++)
        if (k->columns[c].required && hm->from_file[c] < 0)
            *missing = k->columns[c].name;
}

static gboolean check_duplicates(const P2pCsvRecord *hdr, long line, GError **error)
{
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    gboolean ok = TRUE;
    for (size_t i = 0; ok && i < hdr->nfields; i++) {
        char *name = p2p_mapping_column(NULL, 0, hdr->field[i], hdr->len[i]);
        /* Empty cells (a spreadsheet's trailing columns) name no column. */
        if (g_hash_table_contains(seen, name) && *name) {
            GString *esc = g_string_new(NULL);
            p2p_text_append_escaped(esc, hdr->field[i], hdr->len[i]);
            g_set_error(error, P2P_ERROR, P2P_EXIT_FILE,
                        "%ld: column '%s': duplicated in the header", line, esc->str);
            g_string_free(esc, TRUE);
            ok = FALSE;
        }
        g_hash_table_add(seen, name);
    }
    g_hash_table_destroy(seen);
    return ok;
}

/* Would another delimiter make the header one of ours? Returns it or 0. */
static char other_delimiter(const P2pCsvRecord *hdr)
{
    static const char cands[] = ";\t|";
    if (hdr->nfields != 1)
        return 0;
    for (const char *d = cands; *d; d++) {
        char **parts = g_strsplit(hdr->field[0], (char[]){*d, 0}, -1);
        int found = 0;
        for (int i = 0; parts[i]; i++) {
            char *n = g_ascii_strdown(g_strstrip(parts[i]), -1);
            for (int k = 0; k < P2P_KIND_COUNT; k++)
                found += p2p_kind_column(&p2p_kinds()[k], n) >= 0
                         && p2p_kinds()[k].columns[p2p_kind_column(&p2p_kinds()[k], n)].required;
            g_free(n);
        }
        g_strfreev(parts);
        if (found >= 2)
            return *d;
    }
    return 0;
}

static gboolean no_kind(const P2pCsvRecord *hdr, GError **error)
{
    char d = other_delimiter(hdr);
    if (d)
        g_set_error(error, P2P_ERROR, P2P_EXIT_FILE,
                    "%ld: header matches no kind of file; it looks %s-separated: "
                    "use --map with a mapping whose [file] delimiter is %s",
                    hdr->line, d == '\t' ? "tab" : (char[]){'\'', d, '\'', 0},
                    d == '\t' ? "tab" : (char[]){d, 0});
    else
        g_set_error(error, P2P_ERROR, P2P_EXIT_FILE,
                    "%ld: header matches no kind of file (encounters, referrals, "
                    "focus_groups, fg_participants, fg_segments, codebook)", hdr->line);
    return FALSE;
}

gboolean p2p_header_map(const P2pIngestContext *ctx, const P2pCsvRecord *hdr,
                        P2pHeaderMap *out, GError **error)
{
    /* A slip in the header cannot be rejected alone: every row needs it. */
    if (hdr->damage) {
        if (hdr->damaged_field >= 0)
            g_set_error(error, P2P_ERROR, P2P_EXIT_FILE, "%ld: header column %d: %s",
                        hdr->line, hdr->damaged_field + 1, hdr->damage);
        else
            g_set_error(error, P2P_ERROR, P2P_EXIT_FILE, "%ld: header: %s", hdr->line,
                        hdr->damage);
        return FALSE;
    }
    if (!check_duplicates(hdr, hdr->line, error))
        return FALSE;
    int best = -1, best_score = 0;
    const char *best_missing = NULL;
    gboolean best_complete = FALSE;
    for (int k = 0; k < P2P_KIND_COUNT; k++) {
        const P2pKind *kind = &p2p_kinds()[k];
        if (ctx->kind && ctx->kind != kind)
            continue;
        P2pHeaderMap hm = {0};
        int score;
        const char *missing;
        try_kind(ctx, kind, hdr, &hm, &score, &missing);
        gboolean complete = missing == NULL;
        /* A complete match beats any partial one; then more columns win. */
        if (score > 0 && (best < 0 || (complete && !best_complete)
                          || (complete == best_complete && score > best_score))) {
            p2p_header_map_clear(out);
            *out = hm;
            best = k;
            best_score = score;
            best_missing = missing;
            best_complete = complete;
        } else {
            p2p_header_map_clear(&hm);
        }
    }
    if (ctx->kind && best < 0) {
        /* --kind named it: say what that kind lacks, not that none fits. */
        for (size_t c = 0; c < ctx->kind->ncolumns; c++)
            if (ctx->kind->columns[c].required) {
                g_set_error(error, P2P_ERROR, P2P_EXIT_FILE,
                            "%ld: missing required column '%s' (read as %s)", hdr->line,
                            ctx->kind->columns[c].name, ctx->kind->name);
                return FALSE;
            }
    }
    if (best < 0 || (!best_complete && best_score < 2 && !ctx->kind)) {
        p2p_header_map_clear(out);
        return no_kind(hdr, error);
    }
    if (best_complete && out->twice) {
        g_set_error(error, P2P_ERROR, P2P_EXIT_FILE,
                    "%ld: column '%s': given twice (two columns of the header "
                    "are read as it)", hdr->line, out->twice);
        p2p_header_map_clear(out);
        return FALSE;
    }
    if (!best_complete) {
        g_set_error(error, P2P_ERROR, P2P_EXIT_FILE,
                    "%ld: missing required column '%s' (read as %s)", hdr->line,
                    best_missing, out->kind->name);
        p2p_header_map_clear(out);
        return FALSE;
    }
    return TRUE;
}
