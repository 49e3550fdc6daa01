/* keyhash.h: the study key file and the keyed hash (keyed BLAKE2b-256,
 * libsodium's crypto_generichash) that replaces every client code before it
 * reaches the database. BLAKE2b rather than HMAC-SHA-256: both are what the
 * contract allows, and BLAKE2b costs half as much per row. */
#ifndef P2P_KEYHASH_H
#define P2P_KEYHASH_H

#include <sqlite3.h>
#include <sodium.h>
#include "p2p.h"

#define P2P_HASH_HEX 64   /* hex digits of a keyed hash, without the NUL */

typedef struct {
    crypto_generichash_state base;     /* keyed state, copied per code */
    char fingerprint[65];              /* SHA-256 of the key, hex */
    unsigned int exposed_mode;         /* the key file's mode when group or
                                          others may read it, else 0 */
} P2pKey;

/* The default key file for a database: "<db>.key" beside it. Caller g_frees. */
char *p2p_key_default_path(const char *db_path);

/* Load the key at path, or create it (exclusively, mode 0600, 32 random
 * bytes as 64 hex digits) when it does not exist and the database holds no
 * fingerprint yet. Records the fingerprint in the database on first use and
 * refuses (P2P_EXIT_KEY) a key whose fingerprint differs, or a missing key
 * when the database already has one. Returns NULL on error; caller
 * p2p_key_frees. */
P2pKey *p2p_key_open(sqlite3 *db, const char *path, GError **error);
void p2p_key_free(P2pKey *key);

/* out hex: keyed hash of the normalised code, 64 hex digits and a NUL. */
void p2p_key_hash(const P2pKey *key, const char *code, size_t len,
                  char hex[P2P_HASH_HEX + 1]);

/* out hex: keyed hash of an encounter's country and id, as the erasure list
 * keeps it (erased_encounters). */
void p2p_key_hash_encounter(const P2pKey *key, const char *country,
                            const char *encounter_id, char hex[P2P_HASH_HEX + 1]);

#endif
