/* main.c: p2p-ingest, loading partner CSV exports into the study database. */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include "db.h"
#include "ingest.h"

static char *opt_db, *opt_key, *opt_map, *opt_kind, *opt_erase, *opt_country;
static gboolean opt_strict, opt_force, opt_version;

static const GOptionEntry entries[] = {
    {"db", 0, 0, G_OPTION_ARG_FILENAME, &opt_db, "Study database (created if missing, mode 0600)", "FILE"},
    {"key", 0, 0, G_OPTION_ARG_FILENAME, &opt_key, "Key file for client codes (default: DB.key beside the database)", "KEYFILE"},
    {"map", 0, 0, G_OPTION_ARG_FILENAME, &opt_map, "Mapping file for non-canonical partner exports", "MAPPING.ini"},
    {"kind", 0, 0, G_OPTION_ARG_STRING, &opt_kind, "Read every file as this kind (default: recognise from the header)", "KIND"},
    {"strict", 0, 0, G_OPTION_ARG_NONE, &opt_strict, "Refuse a whole file when any row is bad", NULL},
    {"force", 0, 0, G_OPTION_ARG_NONE, &opt_force, "Read files already ingested again", NULL},
    {"erase-client", 0, 0, G_OPTION_ARG_STRING, &opt_erase, "Erase every record of a client (with --country)", "CODE"},
    {"country", 0, 0, G_OPTION_ARG_STRING, &opt_country, "Country of the client to erase", "CC"},
    {"version", 0, 0, G_OPTION_ARG_NONE, &opt_version, "Print the version and exit", NULL},
    {NULL, 0, 0, 0, NULL, NULL, NULL},
};

typedef struct {
    gboolean tty;           /* stderr is a terminal: draw progress */
    gint64 start_us;        /* when the run started */
    gint64 after_us;        /* draw only after this long (P2P_PROGRESS_AFTER_MS) */
    gint64 last_us;         /* when the bar was last drawn */
    gboolean drawn;         /* a bar is on the line */
} Ui;

static void clear_bar(Ui *ui)
{
    if (ui->drawn) {
        fputs("\r\033[K", stderr);
        ui->drawn = FALSE;
    }
}

static void on_diag(P2pDiagKind kind, const char *msg, void *data)
{
    clear_bar(data);
    if (kind == P2P_DIAG_WARNING)
        fprintf(stderr, "p2p-ingest: %s\n", msg);
    else
        fprintf(stderr, "%s\n", msg);
}

static void on_progress(const char *name, gint64 bytes, gint64 total, void *data)
{
    Ui *ui = data;
    gint64 now = g_get_monotonic_time();
    /* Only a long run shows progress: after a second, ten times a second. */
    if (!ui->tty || total <= 0 || now - ui->start_us < ui->after_us
        || now - ui->last_us < 100000)
        return;
    ui->last_us = now;
    int pct = (int)(100 * bytes / total), width = 30, fill = pct * width / 100;
    fprintf(stderr, "\r%s [%.*s%*s] %3d%%", name, fill,
            "##############################", width - fill, "", pct);
    ui->drawn = TRUE;
}

static int fail(GError *e)
{
    int code = e->code;
    fprintf(stderr, "p2p-ingest: %s\n", e->message);
    g_error_free(e);
    return code;
}

static void print_summary(const char *path, const P2pIngestStats *s)
{
    if (s->already) {
        printf("%s: already ingested (sha256 %.16s…), skipped; --force reads it again\n",
               path, s->sha256);
        return;
    }
    printf("%s: %s: %" G_GINT64_FORMAT " inserted, %" G_GINT64_FORMAT " updated, %"
           G_GINT64_FORMAT " unchanged, %" G_GINT64_FORMAT " rejected, %" G_GINT64_FORMAT
           " skipped", path, s->kind->name, s->inserted, s->updated, s->unchanged,
           s->rejected, s->skipped);
    if (s->kind->id == P2P_KIND_FG_SEGMENTS)
        printf(", %" G_GINT64_FORMAT " removed", s->removed);
    if (s->pairs_kept > 0)
        printf("; %" G_GINT64_FORMAT " (group, coder) pair%s kept as before (a row "
               "rejected)", s->pairs_kept, s->pairs_kept == 1 ? "" : "s");
    printf("\n");
}

/* Files load in dependency order (codebook, focus groups, participants,
 * segments, encounters, referrals) whatever the command line says. Each is
 * opened once: the probe of its header and its rows read the same input. */
typedef struct { P2pInput *in; const P2pKind *kind; int pos; } Input;

static int by_kind(const void *a, const void *b)
{
    const Input *x = a, *y = b;
    if (x->kind->id != y->kind->id)
        return x->kind->id < y->kind->id ? -1 : 1;
    return x->pos - y->pos;
}

/* Every input stays open from its probe to its ingest: let a run of
 * thousands of files have a descriptor each. */
static void raise_file_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

static int ingest_all(P2pIngestContext *ctx, char **files, int n)
{
    int worst = P2P_EXIT_OK, k = 0;
    Input *in = g_new0(Input, n);
    raise_file_limit();
    for (int i = 0; i < n; i++) {
        GError *e = NULL;
        P2pInput *input = p2p_input_open(files[i], &e);
        const P2pKind *kind = input ? p2p_ingest_probe(ctx, input, &e) : NULL;
        if (!kind) {
            worst = p2p_exit_worst(worst, fail(e));
            p2p_input_free(input);   /* a FIFO's writer is let go at once */
        } else {
            in[k++] = (Input){input, kind, i};
        }
    }
    qsort(in, (size_t)k, sizeof *in, by_kind);
    for (int i = 0; i < k; i++) {
        P2pIngestStats stats;
        GError *e = NULL;
        gboolean ok = worst < P2P_EXIT_DB && p2p_ingest_file(ctx, in[i].in, &stats, &e);
        clear_bar(ctx->data);
        if (ok)
            print_summary(p2p_input_name(in[i].in), &stats);
        else if (e)
            worst = p2p_exit_worst(worst, fail(e));
        fflush(stdout);
        p2p_input_free(in[i].in);
    }
    g_free(in);
    return worst;
}

static int erase(sqlite3 *db, const P2pKey *key)
{
    gint64 e, r, j;
    GError *err = NULL;
    if (!opt_country) {
        fprintf(stderr, "p2p-ingest: --erase-client needs --country\n");
        return P2P_EXIT_USAGE;
    }
    if (!p2p_ingest_erase_client(db, key, opt_erase, opt_country, &e, &r, &j, &err))
        return fail(err);
    printf("erased one client in %s: %" G_GINT64_FORMAT " encounters, %" G_GINT64_FORMAT
           " referrals, %" G_GINT64_FORMAT " rejected rows deleted; the code's hash is "
           "on the erasure list\n", p2p_country_canonical(opt_country, strlen(opt_country)),
           e, r, j);
    return P2P_EXIT_OK;
}

static int usage(GOptionContext *oc, const char *msg)
{
    fprintf(stderr, "p2p-ingest: %s\nTry 'p2p-ingest --help'.\n", msg);
    g_option_context_free(oc);
    return P2P_EXIT_USAGE;
}

int main(int argc, char **argv)
{
    GError *e = NULL;
    GOptionContext *oc = g_option_context_new("FILE.csv... - load partner CSV exports into the study database");
    g_option_context_add_main_entries(oc, entries, NULL);
    g_option_context_set_description(oc,
        "Exit status: 0 ok (rows may be rejected), 1 rows rejected under --strict,\n"
        "2 usage, 3 a file refused or unreadable, 4 key mismatch, 6 database failure.\n"
        "FILE '-' reads standard input.");
    if (!g_option_context_parse(oc, &argc, &argv, &e)) {
        int rc = usage(oc, e->message);
        g_error_free(e);
        return rc;
    }
    if (opt_version) {
        printf("p2p-ingest %s\n", P2P_VERSION);
        g_option_context_free(oc);
        return 0;
    }
    if (!opt_db)
        return usage(oc, "--db is required");
    if (!*opt_db)
        return usage(oc, "--db needs a file name");
    if (!opt_erase && argc < 2)
        return usage(oc, "no input files");
    if (opt_erase && argc > 1)
        return usage(oc, "--erase-client takes no input files");
    if (opt_erase && !opt_country)
        return usage(oc, "--erase-client needs --country");
    if (opt_erase && !p2p_country_canonical(opt_country, strlen(opt_country)))
        return usage(oc, "--country needs a country code (PT GR PL LT BE FR NL HU)");
    g_option_context_free(oc);

    P2pMapping *map = NULL;
    const P2pKind *kind = NULL;
    if (opt_kind && !(kind = p2p_kind_find(opt_kind))) {
        fprintf(stderr, "p2p-ingest: unknown --kind '%s' (encounters, referrals, "
                "focus_groups, fg_participants, fg_segments, codebook)\n", opt_kind);
        return P2P_EXIT_USAGE;
    }
    if (opt_map && !(map = p2p_mapping_load(opt_map, &e)))
        return fail(e);
    int rc = P2P_EXIT_OK;
    /* An erasure on a mistyped path must fail, not report an empty success. */
    /* Checked (read-only, quick_check) before the first write. */
    sqlite3 *db = p2p_db_open(opt_db, (opt_erase ? 0 : P2P_DB_CREATE) | P2P_DB_WRITE, &e);
    char *exposed = db ? p2p_db_exposure_warning(opt_db) : NULL;
    if (exposed)
        fprintf(stderr, "p2p-ingest: warning: %s\n", exposed);
    g_free(exposed);
    char *keypath = opt_key ? g_strdup(opt_key) : p2p_key_default_path(opt_db);
    P2pKey *key = db ? p2p_key_open(db, keypath, &e) : NULL;
    if (key && key->exposed_mode)
        fprintf(stderr, "p2p-ingest: warning: key file %s can be read by others (mode "
                "%04o); anyone with it can link client codes: chmod 600 %s\n",
                keypath, key->exposed_mode, keypath);
    if (!key) {
        rc = fail(e);
    } else if (opt_erase) {
        rc = erase(db, key);
    } else {
        /* P2P_PROGRESS_AFTER_MS lets the tests see the bar on a short run. */
        const char *after = g_getenv("P2P_PROGRESS_AFTER_MS");
        Ui ui = {.tty = isatty(fileno(stderr)), .start_us = g_get_monotonic_time(),
                 .after_us = 1000 * (after ? g_ascii_strtoll(after, NULL, 10) : 1000)};
        P2pIngestContext ctx;
        p2p_ingest_context_init(&ctx, db, key);
        ctx.map = map;
        ctx.kind = kind;
        ctx.strict = opt_strict;
        ctx.force = opt_force;
        ctx.diag = on_diag;
        ctx.progress = on_progress;
        ctx.data = &ui;
        rc = p2p_ingest_run_begin(db, &ctx.run_id, &e) ? ingest_all(&ctx, argv + 1, argc - 1)
                                                      : fail(e);
    }
    p2p_key_free(key);
    g_free(keypath);
    p2p_mapping_free(map);
    if (db && sqlite3_close(db) != SQLITE_OK)
        rc = p2p_exit_worst(rc, P2P_EXIT_DB);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "p2p-ingest: write error on standard output\n");
        rc = p2p_exit_worst(rc, P2P_EXIT_DB);
    }
    return rc;
}
