/* test_output.c: lib/output — what -o refuses to overwrite, and that an
 * output replaces its target only whole (temporary file, rename), leaving
 * neither an empty file nor a temporary one behind on failure. */
#include <errno.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include "output.h"
#include "tap.h"

static char *dir;

static char *at(const char *name) { return g_build_filename(dir, name, NULL); }

static void put(const char *name, const void *data, gsize len)
{
    char *p = at(name);
    g_file_set_contents(p, data, (gssize)len, NULL);
    g_free(p);
}

static char *get(const char *name)
{
    char *p = at(name), *s = NULL;
    if (!g_file_get_contents(p, &s, NULL, NULL))
        s = NULL;
    g_free(p);
    return s;
}

static int cmp_name(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Files in dir, sorted, joined by spaces (temporaries included). */
static char *listing(void)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    GPtrArray *names = g_ptr_array_new();
    const char *n;
    while ((n = g_dir_read_name(d)))
        g_ptr_array_add(names, g_strdup(n));
    g_dir_close(d);
    g_ptr_array_sort(names, cmp_name);
    g_ptr_array_add(names, NULL);
    char *s = g_strjoinv(" ", (char **)names->pdata);
    g_strfreev((char **)g_ptr_array_free(names, FALSE));
    return s;
}

/* check(path) refused with exit 2 and a message containing want. */
static void refused(const char *path, const char *db, const char *key,
                    const char *want, const char *name)
{
    GError *e = NULL;
    gboolean ok = p2p_output_check(path, db, key, &e);
    if (!ok(!ok && e && e->code == P2P_EXIT_USAGE && strstr(e->message, want),
            "%s", name))
        printf("#   %s\n", e ? e->message : "(accepted)");
    g_clear_error(&e);
}

static void accepted(const char *path, const char *db, const char *name)
{
    GError *e = NULL;
    if (!ok(p2p_output_check(path, db, NULL, &e), "%s", name))
        printf("#   %s\n", e->message);
    g_clear_error(&e);
}

static void test_check(void)
{
    put("study.db", "SQLite format 3\0rest", 20);
    put("study.db.key", "00\n", 3);
    put("other.sqlite", "SQLite format 3\0rest", 20);
    static const unsigned char wal[8] = { 0x37, 0x7f, 0x06, 0x82, 0, 0, 0, 1 };
    put("x-wal", wal, 8);
    static const unsigned char jr[8] = { 0xd9, 0xd5, 0x05, 0xf9,
                                         0x20, 0xa1, 0x63, 0xd7 };
    put("x-journal", jr, 8);
    put("report.pdf", "%PDF-old", 8);
    put("my.key", "11\n", 3);
    char *db = at("study.db"), *cwd = g_get_current_dir();
    g_chdir(dir);
    refused("study.db", db, NULL, "refusing to write the output to study.db: "
            "it is the study database", "the database itself");
    refused("./study.db", "study.db", NULL, "the study database",
            "./study.db is study.db");
    char *abs = at("sub/../study.db");
    g_mkdir("sub", 0755);
    refused(abs, "study.db", NULL, "the study database", "by another path");
    g_free(abs);
    ok(symlink("study.db", "link.db") == 0, "set-up: a symbolic link");
    refused("link.db", "study.db", NULL, "the study database",
            "a symbolic link to the database");
    ok(link("study.db", "hard.db") == 0, "set-up: a hard link");
    refused("hard.db", "study.db", NULL, "the study database",
            "a hard link to the database");
    refused("study.db.key", "study.db", NULL, "the study database's key file",
            "the default key beside the database");
    refused("my.key", "study.db", "my.key", "key file", "the --key file");
    accepted("study.db.key2", "study.db", "another name passes");
    refused("study.db-wal", "study.db", NULL, "write-ahead log",
            "the -wal companion, not there yet");
    refused("./sub/../study.db-journal", "study.db", NULL, "rollback journal",
            "the -journal companion by another path");
    refused("study.db-shm", "study.db", NULL, "shared-memory",
            "the -shm companion");
    refused("other.sqlite", "study.db", NULL, "it is an SQLite database",
            "another SQLite database");
    refused("other.sqlite", NULL, NULL, "an SQLite database",
            "another SQLite database, no --db known");
    refused("x-wal", "study.db", NULL, "an SQLite write-ahead log",
            "another database's write-ahead log");
    refused("x-journal", "study.db", NULL, "an SQLite rollback journal",
            "another database's rollback journal");
    accepted("report.pdf", "study.db", "an existing report passes");
    accepted("new.pdf", "study.db", "a new file passes");
    accepted("-", "study.db", "stdout passes");
    accepted(NULL, "study.db", "no -o passes");
    g_chdir(cwd);
    g_free(cwd);
    g_free(db);
}

static void test_commit(void)
{
    GError *e = NULL;
    char *p = at("new.csv");
    mode_t old_mask = umask(027);
    P2pOutput *o = p2p_output_open(p, &e);
    ok(o != NULL, "open a new file");
    fputs("a,b\n", p2p_output_stream(o));
    char *l = listing();
    ok(strstr(l, ".new.csv.") != NULL && !strstr(l, " new.csv"),
       "while writing, only a temporary beside it (%s)", l);
    g_free(l);
    ok(p2p_output_commit(o, &e), "commit");
    char *s = get("new.csv");
    is_str(s, "a,b\n", "the new file holds what was written");
    g_free(s);
    struct stat st;
    stat(p, &st);
    ok((st.st_mode & 0777) == 0640, "a new file: 0666 less the umask 027 "
       "(%o)", st.st_mode & 0777);
    umask(old_mask);
    g_free(p);

    put("old.csv", "old\n", 4);
    p = at("old.csv");
    chmod(p, 0604);
    o = p2p_output_open(p, &e);
    fputs("new\n", p2p_output_stream(o));
    p2p_output_abort(o);
    s = get("old.csv");
    is_str(s, "old\n", "abort leaves the old file as it was");
    g_free(s);
    o = p2p_output_open(p, &e);
    p2p_output_write(o, "new\n", 4);
    ok(p2p_output_commit(o, &e), "commit over an existing file");
    s = get("old.csv");
    is_str(s, "new\n", "the existing file is replaced");
    g_free(s);
    stat(p, &st);
    ok((st.st_mode & 0777) == 0604, "it keeps its mode (%o)",
       st.st_mode & 0777);
    g_free(p);

    char *cwd = g_get_current_dir();
    g_chdir(dir);
    ok(symlink("old.csv", "link.csv") == 0, "set-up: a symbolic link");
    o = p2p_output_open("link.csv", &e);
    fputs("linked\n", p2p_output_stream(o));
    ok(p2p_output_commit(o, &e), "commit through a symbolic link");
    struct stat ls;
    ok(lstat("link.csv", &ls) == 0 && S_ISLNK(ls.st_mode),
       "the link stays a link");
    s = get("old.csv");
    is_str(s, "linked\n", "the file it names is replaced");
    g_free(s);
    g_chdir(cwd);
    g_free(cwd);
    l = listing();
    ok(!strstr(l, ".old.csv.") && !strstr(l, ".new.csv.")
       && !strstr(l, ".link.csv."), "no temporary left (%s)", l);
    g_free(l);
}

static void test_failures(void)
{
    GError *e = NULL;
    char *p = at("nodir/x.pdf");
    P2pOutput *o = p2p_output_open(p, &e);
    ok(!o && e && e->code == P2P_EXIT_DB, "a missing directory: exit 6");
    char *want = g_strdup_printf("%s: No such file or directory (creating a "
                                 "temporary file in %s/nodir)", p, dir);
    is_str(e ? e->message : NULL, want, "the message names the file and errno");
    g_free(want);
    g_clear_error(&e);
    g_free(p);

    p = at("sub");
    o = p2p_output_open(p, &e);
    ok(!o && e && strstr(e->message, "Is a directory"), "a directory: refused");
    g_clear_error(&e);
    g_free(p);

    if (access("/dev/full", W_OK) == 0) {
        o = p2p_output_open("/dev/full", &e);
        ok(o != NULL, "/dev/full is written in place");
        for (int i = 0; i < 100; i++)
            fputs("0123456789012345678901234567890123456789012345678901234567890"
                  "123456789012345678901234567890123456789\n",
                  p2p_output_stream(o));
        ok(!p2p_output_commit(o, &e), "a full device fails");
        is_str(e ? e->message : NULL,
               "/dev/full: No space left on device (writing)",
               "and says so with errno");
        g_clear_error(&e);
    } else {
        ok(1, "# SKIP no writable /dev/full");
        ok(1, "# SKIP no writable /dev/full");
        ok(1, "# SKIP no writable /dev/full");
    }

    /* A file-size limit stands in for a full disk on the rename path (it
     * stops root too); SIGXFSZ ignored, write(2) fails with EFBIG. */
    put("big.pdf", "old\n", 4);
    p = at("big.pdf");
    struct rlimit was, lim;
    getrlimit(RLIMIT_FSIZE, &was);
    lim = was;
    lim.rlim_cur = 4096;
    signal(SIGXFSZ, SIG_IGN);
    o = p2p_output_open(p, &e);
    setrlimit(RLIMIT_FSIZE, &lim);
    char block[1024];
    memset(block, 'x', sizeof block);
    gboolean wrote = TRUE;
    for (int i = 0; i < 64 && wrote; i++)
        wrote = p2p_output_write(o, block, sizeof block);
    gboolean committed = p2p_output_commit(o, &e);
    setrlimit(RLIMIT_FSIZE, &was);
    ok(!committed && e && e->code == P2P_EXIT_DB, "a write beyond the limit "
       "fails the commit");
    want = g_strdup_printf("%s: File too large (writing)", p);
    is_str(e ? e->message : NULL, want, "with errno");
    g_free(want);
    g_clear_error(&e);
    char *s = get("big.pdf");
    is_str(s, "old\n", "the old file is untouched");
    g_free(s);
    char *l = listing();
    ok(!strstr(l, ".big.pdf."), "no temporary left (%s)", l);
    g_free(l);
    g_free(p);
}

int main(void)
{
    dir = g_dir_make_tmp("p2p-output-XXXXXX", NULL);
    test_check();
    test_commit();
    test_failures();
    char *cmd = g_strdup_printf("rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", dir);
    g_free(cmd);
    g_free(dir);
    return tap_done();
}
