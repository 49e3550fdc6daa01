/* keyhash.c: the study key file and the keyed hash of client codes. */
#include "keyhash.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "db.h"

#define KEY_BYTES 32

char *p2p_key_default_path(const char *db_path)
{
    return g_strconcat(db_path, ".key", NULL);
}

static gboolean key_parse(const char *path, const char *text,
                          unsigned char key[KEY_BYTES], GError **error)
{
    size_t bin_len = 0;
    const char *end = NULL;
    if (sodium_hex2bin(key, KEY_BYTES, text, strlen(text), "\n\r", &bin_len,
                       &end) != 0 || bin_len != KEY_BYTES || *end != '\0') {
        g_set_error(error, P2P_ERROR, P2P_EXIT_KEY,
                    "%s: not a key file (expected one line of 64 hex digits)", path);
        return FALSE;
    }
    return TRUE;
}

/* Write a new random key; FALSE with errno EEXIST when another process won.
 * Written to a temporary file, then linked into place: the key file appears
 * whole, so a second ingest starting at once never reads it half-written. */
static gboolean key_create(const char *path, unsigned char key[KEY_BYTES],
                           GError **error)
{
    char *tmp = g_strconcat(path, ".XXXXXX", NULL);
    int fd = g_mkstemp_full(tmp, O_WRONLY, 0600);
    if (fd < 0) {
        g_set_error(error, P2P_ERROR, P2P_EXIT_KEY, "%s: cannot create the key file: %s",
                    path, g_strerror(errno));
        g_free(tmp);
        return FALSE;
    }
    char hex[2 * KEY_BYTES + 2];
    randombytes_buf(key, KEY_BYTES);
    sodium_bin2hex(hex, sizeof hex - 1, key, KEY_BYTES);
    strcat(hex, "\n");
    ssize_t n = write(fd, hex, strlen(hex));
    sodium_memzero(hex, sizeof hex);
    gboolean ok = n == (ssize_t)(2 * KEY_BYTES + 1) && fsync(fd) == 0;
    int err = errno;
    close(fd);
    if (ok && link(tmp, path) != 0) {
        ok = FALSE;
        err = errno;
    }
    unlink(tmp);
    if (!ok) {
        g_set_error(error, P2P_ERROR, P2P_EXIT_KEY, "%s: %s", path, g_strerror(err));
        errno = err;
    }
    g_free(tmp);
    return ok;
}

/* A key file is 65 bytes; a large file given as --key by mistake (the
 * database, an export) is not read whole into memory. */
#define KEY_FILE_MAX 256

static gboolean key_read(const char *path, unsigned char key[KEY_BYTES],
                         GError **error)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        g_set_error(error, P2P_ERROR, P2P_EXIT_KEY, "%s: %s", path, g_strerror(errno));
        return FALSE;
    }
    char text[KEY_FILE_MAX + 2];
    size_t n = fread(text, 1, KEY_FILE_MAX + 1, fp);
    int err = ferror(fp) ? errno : 0;
    fclose(fp);
    text[n] = '\0';
    gboolean ok;
    if (err) {
        g_set_error(error, P2P_ERROR, P2P_EXIT_KEY, "%s: %s", path, g_strerror(err));
        ok = FALSE;
    } else {
        /* A NUL inside, or more than KEY_FILE_MAX bytes, fails the parse. */
        ok = n <= KEY_FILE_MAX && strlen(text) == n && key_parse(path, text, key, error);
        if (!ok && !(error && *error))
            key_parse(path, "", key, error);
    }
    sodium_memzero(text, sizeof text);
    return ok;
}

static void fingerprint(const unsigned char key[KEY_BYTES], char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, key, KEY_BYTES);
    sodium_bin2hex(out, 65, h, sizeof h);
}

/* Under the write lock, so two first ingests agree on one key. */
static gboolean key_check(sqlite3 *db, const char *path, const char *fp,
                          GError **error)
{
    if (!p2p_db_exec(db, "BEGIN IMMEDIATE", error))
        return FALSE;
    char *known = p2p_db_meta_get(db, "key_fingerprint");
    gboolean ok = TRUE;
    if (!known)
        ok = p2p_db_meta_set(db, "key_fingerprint", fp, error);
    else if (strcmp(known, fp) != 0) {
        g_set_error(error, P2P_ERROR, P2P_EXIT_KEY,
                    "%s: key does not match the database (database key %.16s…, "
                    "this key %.16s…); use the key file the database was made with",
                    path, known, fp);
        ok = FALSE;
    }
    g_free(known);
    if (!p2p_db_exec(db, ok ? "COMMIT" : "ROLLBACK", ok ? error : NULL))
        return FALSE;
    return ok;
}

P2pKey *p2p_key_open(sqlite3 *db, const char *path, GError **error)
{
    unsigned char key[KEY_BYTES];
    if (sodium_init() < 0) {
        g_set_error(error, P2P_ERROR, P2P_EXIT_KEY, "libsodium failed to initialise");
        return NULL;
    }
    if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
        char *known = p2p_db_meta_get(db, "key_fingerprint");
        /* Another ingest may have made the key between our two looks: it
         * links the key file before it records the fingerprint. */
        if (known && g_file_test(path, G_FILE_TEST_EXISTS)) {
            g_free(known);
            known = NULL;
        }
        if (known) {
            g_set_error(error, P2P_ERROR, P2P_EXIT_KEY,
                        "%s: no such key file, and the database was made with key "
                        "%.16s…; refusing to create a new key (it would split every "
                        "client in two): give --key the database's key file",
                        path, known);
            g_free(known);
            return NULL;
        }
        GError *e = NULL;
        if (!key_create(path, key, &e)) {
            if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
                g_propagate_error(error, e);
                return NULL;
            }
            g_error_free(e); /* another ingest created it first: use theirs */
            if (!key_read(path, key, error))
                return NULL;
        }
    } else if (!key_read(path, key, error)) {
        return NULL;
    }
    P2pKey *k = g_new0(P2pKey, 1);
    struct stat st;
    if (stat(path, &st) == 0 && (st.st_mode & 077))
        k->exposed_mode = st.st_mode & 0777;
    fingerprint(key, k->fingerprint);
    crypto_generichash_init(&k->base, key, KEY_BYTES, 32);
    sodium_memzero(key, sizeof key);
    if (!key_check(db, path, k->fingerprint, error)) {
        p2p_key_free(k);
        return NULL;
    }
    return k;
}

void p2p_key_free(P2pKey *key)
{
    if (!key)
        return;
    sodium_memzero(key, sizeof *key);
    g_free(key);
}

void p2p_key_hash(const P2pKey *key, const char *code, size_t len,
                  char hex[P2P_HASH_HEX + 1])
{
    crypto_generichash_state st = key->base;
    unsigned char mac[32];
    crypto_generichash_update(&st, (const unsigned char *)code, len);
    crypto_generichash_final(&st, mac, sizeof mac);
    sodium_bin2hex(hex, P2P_HASH_HEX + 1, mac, sizeof mac);
}

void p2p_key_hash_encounter(const P2pKey *key, const char *country,
                            const char *encounter_id, char hex[P2P_HASH_HEX + 1])
{
    char *ref = g_strconcat(country, "\037", encounter_id, NULL);
    p2p_key_hash(key, ref, strlen(ref), hex);
    g_free(ref);
}
