/* test_ingest_lib.c: the ingest's library pieces on their own — text rules,
 * client-code normalisation, CSV records and their line numbers, the keyed
 * hash, mapping helpers. */
#include <sodium.h>
#include <stdio.h>
#include <unistd.h>
#include "csvsource.h"
#include "db.h"
#include "keyhash.h"
#include "mapping.h"
#include "sha256.h"
#include "tap.h"
#include "text.h"

static void test_text(void)
{
    is_str(p2p_text_error_str(p2p_text_check("Šiauliai", 9, NULL)), "ok", "Lithuanian text is text");
    ok(p2p_text_check("a\tb", 3, NULL) == P2P_TEXT_OK, "tab allowed");
    ok(p2p_text_check("a\nb\r", 4, NULL) == P2P_TEXT_OK, "line breaks allowed");
    size_t off = 99;
    ok(p2p_text_check("ab\0c", 4, &off) == P2P_TEXT_CONTROL && off == 2, "NUL is a control character at its offset");
    ok(p2p_text_check("a\x01", 2, NULL) == P2P_TEXT_CONTROL, "U+0001 refused");
    ok(p2p_text_check("a\xc2\x85", 3, NULL) == P2P_TEXT_CONTROL, "C1 control U+0085 refused");
    ok(p2p_text_check("caf\xe9", 4, &off) == P2P_TEXT_BAD_UTF8 && off == 3, "latin1 byte is invalid UTF-8 at its offset");
    char big[P2P_FIELD_MAX + 2];
    memset(big, 'x', sizeof big);
    ok(p2p_text_check(big, P2P_FIELD_MAX, NULL) == P2P_TEXT_OK, "65536 bytes allowed");
    ok(p2p_text_check(big, P2P_FIELD_MAX + 1, NULL) == P2P_TEXT_TOO_LONG, "65537 bytes too long");

    GString *e = g_string_new(NULL);
    p2p_text_append_escaped(e, "caf\xe9 ok\xff", 8);
    is_str(e->str, "caf\\xE9 ok\\xFF", "non-UTF-8 bytes escaped as \\xNN");
    g_string_free(e, TRUE);

    /* "e" + combining acute (decomposed) and é (composed) are one name. */
    char *a = p2p_text_nfc("Lie\xcc\x80ge", 7), *b = p2p_text_nfc("Li\xc3\xa8ge", 6);
    is_str(a, b, "NFC makes decomposed and composed names equal");
    g_free(a);
    g_free(b);
}

static void test_client_code(void)
{
    char *c = p2p_text_client_code("  abc1 ", 7);
    is_str(c, "ABC1", "client code trimmed and upper-cased");
    g_free(c);
    c = p2p_text_client_code("\xc5\xa1ias", 5);   /* šias */
    is_str(c, "\xc5\xa0IAS", "Unicode upper case (š -> Š)");
    g_free(c);
    c = p2p_text_client_code("s\xcc\x8c" "ias", 6);  /* s + combining caron */
    is_str(c, "\xc5\xa0IAS", "decomposed code normalised to the same NFC");
    g_free(c);
    ok(p2p_text_client_code("   ", 3) == NULL, "blank code is anonymous");
    c = p2p_text_client_code("\xef\xbc\xa1\xef\xbd\x82" "c1", 8);   /* full-width Ａｂ */
    is_str(c, "ABC1", "NFKC: full-width letters are plain ones");
    g_free(c);
    c = p2p_text_client_code("\xef\xac\x81n1", 5);   /* the ﬁ ligature */
    is_str(c, "FIN1", "NFKC: a ligature is its letters");
    g_free(c);
    c = p2p_text_client_code("AB\xe2\x80\x8b" "C1\xef\xbb\xbf", 10);  /* ZWSP, BOM */
    is_str(c, "ABC1", "zero-width space and BOM removed");
    g_free(c);
    ok(p2p_text_client_code("\xe2\x80\x8b \xc2\xa0", 6) == NULL,
       "only invisible characters and spaces: anonymous");
    char scripts[64] = "";
    ok(!p2p_text_mixed_scripts("\xce\x91\xce\x92" "1985", scripts), "Greek letters and digits: one script");
    ok(!p2p_text_mixed_scripts("MARIA-1985", scripts), "Latin and punctuation: one script");
    ok(p2p_text_mixed_scripts("A\xce\x92" "1985", scripts), "Latin A with Greek Beta: mixed");
    is_str(scripts, "Latin and Greek", "... naming the scripts");

    GString *q = g_string_new(NULL);
    p2p_text_append_quoted(q, "\xd0\xa0\xd0\xa2", 4);
    is_str(q->str, "'\xd0\xa0\xd0\xa2' (U+0420 U+0422)", "Cyrillic look-alike of PT shown with its code points");
    g_string_truncate(q, 0);
    p2p_text_append_quoted(q, "\xce\x91\xce\xb8\xce\xae\xce\xbd\xce\xb1", 10);
    is_str(q->str, "'\xce\x91\xce\xb8\xce\xae\xce\xbd\xce\xb1'", "a Greek word that does not pass for ASCII is quoted as is");
    g_string_truncate(q, 0);
    p2p_text_append_quoted(q, "a\nb\xff", 4);
    is_str(q->str, "'a\\nb\\xFF'", "line break and bad byte escaped");
    g_string_truncate(q, 0);
    char longv[200];
    memset(longv, 'x', sizeof longv);
    p2p_text_append_quoted(q, longv, sizeof longv);
    ok(q->len == P2P_QUOTE_MAX + 2 + 3 && g_str_has_suffix(q->str, "\xe2\x80\xa6'"),
       "a long value is cut with an ellipsis");
    g_string_free(q, TRUE);
}

typedef struct { GPtrArray *lines; } Got;

static gboolean collect(const P2pCsvRecord *rec, void *data)
{
    Got *g = data;
    GString *s = g_string_new(NULL);
    g_string_append_printf(s, "%ld:", rec->line);
    for (size_t i = 0; i < rec->nfields; i++) {
        g_string_append(s, i ? "|" : "");
        g_string_append_len(s, rec->field[i], (gssize)rec->len[i]);
    }
    g_ptr_array_add(g->lines, g_string_free(s, FALSE));
    return TRUE;
}

static char *read_all(const char *text, size_t len, const char *enc, char delim,
                      GError **error)
{
    FILE *fp = fmemopen((void *)text, len, "rb");
    Got g = {g_ptr_array_new_with_free_func(g_free)};
    P2pCsvOptions opt = {.delimiter = delim, .encoding = enc};
    char sha[65] = "", want[65];
    gboolean okk = p2p_csv_read(fp, &opt, collect, &g, sha, error);
    P2pSha256 *h = p2p_sha256_new();
    p2p_sha256_update(h, text, len);
    p2p_sha256_finish(h, want);
    if (okk)
        is_str(sha, want, "the read's SHA-256 is that of the bytes read");
    fclose(fp);
    g_ptr_array_add(g.lines, NULL);
    char *joined = okk ? g_strjoinv("/", (char **)g.lines->pdata) : NULL;
    g_ptr_array_free(g.lines, TRUE);
    return joined;
}

static void test_csv(void)
{
    const char t1[] = "\xEF\xBB\xBF" "a,b\r\n1, x \r\n\r\n\"multi\nline\",\"q\"\"uote\"\n3,4";
    char *got = read_all(t1, sizeof t1 - 1, NULL, ',', NULL);
    is_str(got, "1:a|b/2:1| x /4:multi\nline|q\"uote/6:3|4",
           "BOM skipped, CRLF, blank line ignored, spaces kept, record line = first line");
    g_free(got);

    const char t2[] = "a;b\n\xe9t\xe9;2\n";   /* latin1 */
    got = read_all(t2, sizeof t2 - 1, "windows-1252", ';', NULL);
    is_str(got, "1:a|b/2:\xc3\xa9t\xc3\xa9|2", "windows-1252 converted to UTF-8, ';' delimiter");
    g_free(got);

    GError *e = NULL;
    const char t3[] = "a,b\n1,2\n3,\"open\n4,5\n";
    got = read_all(t3, sizeof t3 - 1, NULL, ',', &e);
    ok(got == NULL && e && strcmp(e->message, "3: unterminated quoted field") == 0,
       "unterminated quote refused naming its record's line (%s)", e ? e->message : "no error");
    g_clear_error(&e);

    const char t5[] = "a,b\r1,2\r\r3,4";   /* CR-only line ends */
    got = read_all(t5, sizeof t5 - 1, NULL, ',', NULL);
    is_str(got, "1:a|b/2:1|2/4:3|4", "lone CR ends a line too");
    g_free(got);

    const char t4[] = "a\n\"x\"\"y\",\n";
    got = read_all(t4, sizeof t4 - 1, NULL, ',', NULL);
    is_str(got, "1:a/2:x\"y|", "escaped quote, trailing empty field");
    g_free(got);

    GString *f = g_string_new(NULL);
    p2p_csv_append_field(f, "a,\"b\"", 5);
    g_string_append_c(f, ',');
    p2p_csv_append_field(f, "plain", 5);
    is_str(f->str, "\"a,\"\"b\"\"\",plain", "fields re-quoted as RFC 4180");
    g_string_free(f, TRUE);
}

static void test_key(void)
{
    GError *e = NULL;
    char dir[] = "/tmp/p2p-unit-XXXXXX";
    ok(g_mkdtemp(dir) != NULL, "temp dir");
    char *dbp = g_build_filename(dir, "t.db", NULL), *kp = g_build_filename(dir, "t.key", NULL);
    g_file_set_contents(kp, "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n", -1, NULL);
    sqlite3 *db = p2p_db_open(dbp, TRUE, &e);
    ok(db != NULL, "database created");
    ok(db && sqlite3_db_readonly(db, "main") == 0, "writable");
    P2pKey *k = db ? p2p_key_open(db, kp, &e) : NULL;
    ok(k != NULL, "key opened");
    if (k) {
        char h1[65], h2[65];
        p2p_key_hash(k, "ABC1", 4, h1);
        p2p_key_hash(k, "ABC1", 4, h2);
        is_str(h1, h2, "keyed hash is deterministic");
        /* keyed BLAKE2b-256 of "ABC1" under key 00..1f, from libsodium's
         * one-shot API (independent of the copied-state fast path). */
        unsigned char key[32], mac[32];
        for (int i = 0; i < 32; i++) key[i] = (unsigned char)i;
        crypto_generichash(mac, 32, (const unsigned char *)"ABC1", 4, key, 32);
        char want[65];
        sodium_bin2hex(want, sizeof want, mac, 32);
        is_str(h1, want, "hash = keyed BLAKE2b-256 of the normalised code");
        char *fp = p2p_db_meta_get(db, "key_fingerprint");
        is_str(fp, k->fingerprint, "fingerprint recorded in the database");
        g_free(fp);
    }
    p2p_key_free(k);
    g_file_set_contents(kp, "ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n", -1, NULL);
    k = db ? p2p_key_open(db, kp, &e) : NULL;
    ok(k == NULL && e && e->code == P2P_EXIT_KEY, "another key refused with the key exit status");
    g_clear_error(&e);
    p2p_key_free(k);
    sqlite3_close(db);
    unlink(kp);
    unlink(dbp);
    char *wal = g_strconcat(dbp, "-wal", NULL), *shm = g_strconcat(dbp, "-shm", NULL);
    unlink(wal);
    unlink(shm);
    rmdir(dir);
    g_free(wal); g_free(shm); g_free(dbp); g_free(kp);
}

static void test_misc(void)
{
    char *h = p2p_mapping_date_hint("%d/%m/%Y");
    is_str(h, "DD/MM/YYYY", "date format hint");
    g_free(h);
    P2pSha256 *s = p2p_sha256_new();
    p2p_sha256_update(s, "abc", 3);
    char hex[65];
    p2p_sha256_finish(s, hex);
    is_str(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
           "SHA-256('abc') as FIPS 180-2 gives it");
    ok(p2p_db_schema_version() == 3, "schema version 3");
}

int main(void)
{
    test_text();
    test_client_code();
    test_csv();
    test_key();
    test_misc();
    return tap_done();
}
