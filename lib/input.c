/* input.c: an input opened once, read from its start again by seeking back
 * (regular files) or by replaying what was read (streams). */
#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "p2p.h"

struct P2pInput {
    char *name;            /* the path as given (g_malloc'd) */
    int fd;                /* open descriptor; 0 when borrowed (stdin) */
    gboolean borrowed;     /* standard input: not ours to close */
    gboolean seekable;     /* a regular file */
    off_t start;           /* offset where reading starts (stdin may be past 0) */
    gint64 size;           /* bytes from start (regular files), else 0 */
    GByteArray *kept;      /* stream: bytes read before the rewind, or NULL */
    gboolean overflow;     /* stream: more than P2P_INPUT_KEEP_MAX were read */
    gboolean rewound;      /* stream: the one rewind has happened */
    gsize replay;          /* stream, after the rewind: next byte of kept */
    gint64 pos;            /* bytes delivered since the start or the rewind */
};

P2pInput *p2p_input_open(const char *path, GError **error)
{
    gboolean std = strcmp(path, "-") == 0;
    int fd = std ? 0 : open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
        int err = errno;
        g_set_error(error, P2P_ERROR, P2P_EXIT_FILE, "%s: %s", path,
                    fd >= 0 && S_ISDIR(st.st_mode) ? "is a directory"
                    : err == EMFILE ? "too many files open at once" : g_strerror(err));
        if (fd > 0)
            close(fd);
        return NULL;
    }
    P2pInput *in = g_new0(P2pInput, 1);
    in->name = g_strdup(path);
    in->fd = fd;
    in->borrowed = std;
    in->start = S_ISREG(st.st_mode) ? lseek(fd, 0, SEEK_CUR) : -1;
    in->seekable = in->start >= 0;
    in->size = in->seekable && st.st_size > in->start ? st.st_size - in->start : 0;
    if (!in->seekable)
        in->kept = g_byte_array_new();
    return in;
}

void p2p_input_free(P2pInput *in)
{
    if (!in)
        return;
    if (!in->borrowed)
        close(in->fd);
    if (in->kept)
        g_byte_array_free(in->kept, TRUE);
    g_free(in->name);
    g_free(in);
}

const char *p2p_input_name(const P2pInput *in) { return in->name; }
gint64 p2p_input_size(const P2pInput *in) { return in->size; }
gboolean p2p_input_seekable(const P2pInput *in) { return in->seekable; }

/* read(2) until size bytes or the end. */
static gssize read_full(int fd, char *buf, size_t size, GError **error)
{
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, buf + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            g_set_error(error, P2P_ERROR, P2P_EXIT_FILE, "read error: %s",
                        g_strerror(errno));
            return -1;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (gssize)got;
}

gssize p2p_input_read(void *src, char *buf, size_t size, GError **error)
{
    P2pInput *in = src;
    size_t from_kept = 0;
    if (in->rewound && in->kept) {
        /* Replay first; once replayed, the bytes are of no more use. */
        from_kept = MIN(size, in->kept->len - in->replay);
        memcpy(buf, in->kept->data + in->replay, from_kept);
        in->replay += from_kept;
        if (in->replay == in->kept->len) {
            g_byte_array_free(in->kept, TRUE);
            in->kept = NULL;
        }
        if (from_kept == size) {
            in->pos += (gint64)size;
            return (gssize)size;
        }
    }
    gssize n = read_full(in->fd, buf + from_kept, size - from_kept, error);
    if (n < 0)
        return -1;
    in->pos += (gint64)from_kept + n;
    if (!in->rewound && in->kept && !in->overflow) {
        if (in->kept->len + (size_t)n > P2P_INPUT_KEEP_MAX)
            in->overflow = TRUE;
        else
            g_byte_array_append(in->kept, (const guint8 *)buf, (guint)n);
    }
    return (gssize)from_kept + n;
}

gboolean p2p_input_rewind(P2pInput *in, GError **error)
{
    if (in->seekable) {
        if (lseek(in->fd, in->start, SEEK_SET) == in->start) {
            in->pos = 0;
            return TRUE;
        }
        g_set_error(error, P2P_ERROR, P2P_EXIT_FILE, "%s: cannot seek back: %s",
                    in->name, g_strerror(errno));
        return FALSE;
    }
    if (in->pos == 0)
        return TRUE;   /* still at the start */
    if (in->rewound || in->overflow) {
        g_set_error(error, P2P_ERROR, P2P_EXIT_FILE, "%s: a pipe can be read "
                    "only once, and its start was not kept", in->name);
        return FALSE;
    }
    in->rewound = TRUE;
    in->replay = 0;
    in->pos = 0;
    if (in->kept && in->kept->len == 0) {
        g_byte_array_free(in->kept, TRUE);
        in->kept = NULL;
    }
    return TRUE;
}
