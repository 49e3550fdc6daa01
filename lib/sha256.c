/* sha256.c: SHA-256 of files through OpenSSL's EVP interface. */
#include "sha256.h"

#include <openssl/evp.h>

struct P2pSha256 {
    EVP_MD_CTX *ctx;   /* OpenSSL's; freed by p2p_sha256_finish */
};

P2pSha256 *p2p_sha256_new(void)
{
    P2pSha256 *h = g_new(P2pSha256, 1);
    h->ctx = EVP_MD_CTX_new();
    if (!h->ctx || EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1)
        g_error("OpenSSL cannot start a SHA-256 digest");  /* out of memory */
    return h;
}

void p2p_sha256_update(P2pSha256 *h, const void *data, size_t len)
{
    EVP_DigestUpdate(h->ctx, data, len);
}

void p2p_sha256_finish(P2pSha256 *h, char hex[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(h->ctx, md, &n);
    for (unsigned int i = 0; i < n && i < 32; i++)
        g_snprintf(hex + 2 * i, 3, "%02x", md[i]);
    hex[64] = '\0';
    EVP_MD_CTX_free(h->ctx);
    g_free(h);
}

gboolean p2p_sha256_stream(FILE *fp, char hex[65])
{
    P2pSha256 *h = p2p_sha256_new();
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
        p2p_sha256_update(h, buf, n);
    p2p_sha256_finish(h, hex);
    return !ferror(fp);
}
