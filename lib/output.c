/* output.c: output files written through a temporary file and rename(2),
 * refused when they would overwrite the study database, its key or another
 * SQLite file. */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include "keyhash.h"

struct P2pOutput {
    char *name;    /* the path as given, or "stdout"; g_malloc'd */
    char *target;  /* the file the temporary replaces (symbolic links
                      resolved), g_malloc'd; NULL when writing directly */
    char *tmp;     /* the temporary file, g_malloc'd; NULL when direct */
    FILE *fp;      /* stdout, the device or pipe, or the temporary file;
                      owned unless it is stdout */
    int err;       /* errno of the first failed p2p_output_write, 0 */
};

/* ---- refusing what must not be overwritten ----------------------------- */

/* path's directory resolved (realpath) joined with its name; NULL when the
 * directory does not resolve. Caller g_frees. */
static char *resolved_name(const char *path)
{
    char *dir = g_path_get_dirname(path);
    char *base = g_path_get_basename(path);
    char *real = realpath(dir, NULL);
    char *out = real ? g_build_filename(real, base, NULL) : NULL;
    free(real);
    g_free(dir);
    g_free(base);
    return out;
}

/* Whether path (st: its stat, NULL when it does not exist) is the file
 * other: the same inode when both exist, else the same resolved name. */
static gboolean same_file(const char *path, const struct stat *st,
                          const char *other)
{
    struct stat so;
    gboolean other_exists = stat(other, &so) == 0;
    if (st && other_exists)
        return st->st_dev == so.st_dev && st->st_ino == so.st_ino;
    if (st || other_exists)
        return FALSE;
    char *a = resolved_name(path), *b = resolved_name(other);
    gboolean same = a && b && strcmp(a, b) == 0;
    g_free(a);
    g_free(b);
    return same;
}

/* What kind of SQLite file the regular file at path is, from its first
 * bytes (the database header, the WAL and rollback-journal magic numbers
 * of sqlite.org/fileformat.html), or NULL. */
static const char *sqlite_kind(const char *path)
{
    static const unsigned char journal[8] = { 0xd9, 0xd5, 0x05, 0xf9,
                                              0x20, 0xa1, 0x63, 0xd7 };
    unsigned char h[16];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return NULL; /* unreadable: the other checks still apply */
    ssize_t n = read(fd, h, sizeof h);
    close(fd);
    if (n == 16 && memcmp(h, "SQLite format 3", 16) == 0)
        return "an SQLite database";
    if (n >= 4 && h[0] == 0x37 && h[1] == 0x7f && h[2] == 0x06
        && (h[3] == 0x82 || h[3] == 0x83))
        return "an SQLite write-ahead log";
    if (n >= 8 && memcmp(h, journal, 8) == 0)
        return "an SQLite rollback journal";
    return NULL;
}

static gboolean refuse(GError **error, const char *path, const char *why)
{
    g_set_error(error, P2P_ERROR, P2P_EXIT_USAGE,
                "refusing to write the output to %s: it is %s", path, why);
    return FALSE;
}

gboolean p2p_output_check(const char *path, const char *db_path,
                          const char *key_path, GError **error)
{
    if (!path || strcmp(path, "-") == 0)
        return TRUE;
    struct stat st;
    gboolean exists = stat(path, &st) == 0;
    const struct stat *sp = exists ? &st : NULL;
    if (db_path) {
        static const struct { const char *suffix, *why; } own[] = {
            { "", "the study database" },
            { "-wal", "the study database's write-ahead log" },
            { "-shm", "the study database's shared-memory index" },
            { "-journal", "the study database's rollback journal" },
        };
        for (size_t i = 0; i < G_N_ELEMENTS(own); i++) {
            char *p = g_strconcat(db_path, own[i].suffix, NULL);
            gboolean same = same_file(path, sp, p);
            g_free(p);
            if (same)
                return refuse(error, path, own[i].why);
        }
        char *key = key_path ? g_strdup(key_path)
                             : p2p_key_default_path(db_path);
        gboolean same = same_file(path, sp, key);
        g_free(key);
        if (same)
            return refuse(error, path, "the study database's key file");
    }
    const char *kind = exists && S_ISREG(st.st_mode) ? sqlite_kind(path)
                                                     : NULL;
    if (kind)
        return refuse(error, path, kind);
    return TRUE;
}

/* ---- writing ------------------------------------------------------------ */

static void set_errno_error(GError **error, const char *name, int err,
                            const char *what)
{
    g_set_error(error, P2P_ERROR, P2P_EXIT_DB, "%s: %s (%s)", name,
                g_strerror(err), what);
}

static void output_free(P2pOutput *o)
{
    g_free(o->name);
    g_free(o->target);
    g_free(o->tmp);
    g_free(o);
}

/* A device, pipe or socket the user named: written in place (there is
 * nothing to rename over). */
static gboolean open_direct(P2pOutput *o, const char *path, GError **error)
{
    int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (fd < 0 || !(o->fp = fdopen(fd, "w"))) {
        set_errno_error(error, o->name, errno, "opening");
        if (fd >= 0)
            close(fd);
        return FALSE;
    }
    return TRUE;
}

/* A regular file: a temporary one beside it, which takes over the old
 * file's mode (and owner, where we may give it). */
static gboolean open_temporary(P2pOutput *o, const struct stat *old,
                               GError **error)
{
    char *dir = g_path_get_dirname(o->target);
    char *base = g_path_get_basename(o->target);
    char *tmpl = g_strdup_printf(".%s.XXXXXX", base);
    o->tmp = g_build_filename(dir, tmpl, NULL);
    g_free(tmpl);
    g_free(base);
    /* Exclusive creation (O_EXCL) with 0666: open(2) applies the umask, as
     * for any new output. */
    int fd = g_mkstemp_full(o->tmp, O_WRONLY | O_CLOEXEC, 0666);
    if (fd < 0) {
        char *what = g_strdup_printf("creating a temporary file in %s", dir);
        set_errno_error(error, o->name, errno, what);
        g_free(what);
        g_free(dir);
        return FALSE;
    }
    g_free(dir);
    if (old) {
        if (fchown(fd, old->st_uid, old->st_gid) != 0) {
            /* Not ours to give away: the new file keeps our owner. */
        }
        if (fchmod(fd, old->st_mode & 07777) != 0) {
            /* Our own new file: cannot fail short of a broken fs, and the
             * umask's mode is a safe fallback. */
        }
    }
    if (!(o->fp = fdopen(fd, "w"))) {
        set_errno_error(error, o->name, errno, "opening the temporary file");
        close(fd);
        g_unlink(o->tmp);
        return FALSE;
    }
    return TRUE;
}

P2pOutput *p2p_output_open(const char *path, GError **error)
{
    P2pOutput *o = g_new0(P2pOutput, 1);
    if (strcmp(path, "-") == 0) {
        o->name = g_strdup("stdout");
        o->fp = stdout;
        return o;
    }
    o->name = g_strdup(path);
    struct stat st, lst;
    gboolean exists = stat(path, &st) == 0;
    gboolean ok;
    if (!exists && errno != ENOENT) {
        set_errno_error(error, o->name, errno, "looking it up");
        ok = FALSE;
    } else if (!exists && lstat(path, &lst) == 0) {
        /* A link to nothing: which file it would create is anyone's
         * guess, so say so rather than replace the link. */
        set_errno_error(error, o->name, ENOENT,
                        "a symbolic link to a missing file");
        ok = FALSE;
    } else if (exists && S_ISDIR(st.st_mode)) {
        set_errno_error(error, o->name, EISDIR, "opening");
        ok = FALSE;
    } else if (exists && !S_ISREG(st.st_mode)) {
        ok = open_direct(o, path, error);
    } else {
        char *real = exists ? realpath(path, NULL) : NULL;
        o->target = g_strdup(real ? real : path);
        free(real);
        ok = open_temporary(o, exists ? &st : NULL, error);
    }
    if (!ok) {
        output_free(o);
        return NULL;
    }
    return o;
}

FILE *p2p_output_stream(P2pOutput *o) { return o->fp; }
const char *p2p_output_name(const P2pOutput *o) { return o->name; }
int p2p_output_errno(const P2pOutput *o) { return o->err; }

gboolean p2p_output_write(P2pOutput *o, const void *data, size_t len)
{
    if (o->err)
        return FALSE;
    errno = 0;
    if (fwrite(data, 1, len, o->fp) == len)
        return TRUE;
    o->err = errno ? errno : EIO;
    return FALSE;
}

/* fsync the directory holding path, so the rename itself survives a crash;
 * best effort (some file systems refuse to sync a directory). */
static void sync_dir(const char *path)
{
    char *dir = g_path_get_dirname(path);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        if (fsync(fd) != 0) {
            /* The file is complete either way. */
        }
        close(fd);
    }
    g_free(dir);
}

gboolean p2p_output_commit(P2pOutput *o, GError **error)
{
    const char *what = "writing";
    int err = o->err;
    errno = 0;
    if (!err && (fflush(o->fp) != 0 || ferror(o->fp)))
        err = errno ? errno : EIO;
    if (!o->tmp) {
        if (o->fp != stdout && fclose(o->fp) != 0 && !err)
            err = errno ? errno : EIO;
    } else {
        /* fsync before rename: otherwise a crash soon after can leave the
         * target empty on file systems that delay allocation. */
        if (!err && fsync(fileno(o->fp)) != 0) {
            err = errno;
            what = "flushing it to disk";
        }
        if (fclose(o->fp) != 0 && !err) {
            err = errno ? errno : EIO;
            what = "closing";
        }
        if (!err && rename(o->tmp, o->target) != 0) {
            err = errno;
            what = "renaming the temporary file over it";
        }
        if (err)
            g_unlink(o->tmp);
        else
            sync_dir(o->target);
    }
    o->fp = NULL;
    if (err)
        set_errno_error(error, o->name, err, what);
    output_free(o);
    return err == 0;
}

void p2p_output_abort(P2pOutput *o)
{
    if (!o)
        return;
    if (o->fp && o->fp != stdout)
        fclose(o->fp);
    if (o->tmp)
        g_unlink(o->tmp);
    output_free(o);
}
