/* fuzz_ingest.c: libFuzzer target — ingest one arbitrary file into a fresh
 * in-memory database, as p2p-ingest would. Built by `make fuzz`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "db.h"
#include "ingest.h"

static char input_path[64], key_path[64];
/* A database with the schema, a focus group and an encounter, serialised
 * once: each input starts from a copy (creating the schema per input cost
 * nine tenths of the fuzzer's time). */
static unsigned char *template_db;
static sqlite3_int64 template_size;

static void setup(void)
{
    snprintf(input_path, sizeof input_path, "/tmp/p2p-fuzz-%d.csv", (int)getpid());
    snprintf(key_path, sizeof key_path, "/tmp/p2p-fuzz-%d.key", (int)getpid());
    FILE *k = fopen(key_path, "w");
    fputs("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n", k);
    fclose(k);
    sqlite3 *db = NULL;
    GError *e = NULL;
    sqlite3_open(":memory:", &db);
    if (!p2p_db_upgrade(db, &e))
        abort();
    /* A focus group and an encounter, so links to them can resolve. */
    p2p_db_exec(db, "INSERT INTO focus_groups(group_id, country, date, file_id, line) "
                "VALUES ('FG-LT-01', 'LT', '2019-05-01', 0, 0);"
                "INSERT INTO encounters(country, encounter_id, date, worker_id, "
                "worker_type, file_id, line) VALUES ('LT', 'E1', '2019-05-01', 'W', "
                "'peer', 0, 0)", NULL);
    template_db = sqlite3_serialize(db, "main", &template_size, 0);
    sqlite3_close(db);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!input_path[0])
        setup();
    FILE *fp = fopen(input_path, "wb");
    fwrite(data, 1, size, fp);
    fclose(fp);
    sqlite3 *db = NULL;
    GError *e = NULL;
    sqlite3_open(":memory:", &db);
    unsigned char *copy = sqlite3_malloc64((sqlite3_uint64)template_size);
    memcpy(copy, template_db, (size_t)template_size);
    if (sqlite3_deserialize(db, "main", copy, template_size, template_size,
                            SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE)
        != SQLITE_OK)
        abort();
    P2pKey *key = p2p_key_open(db, key_path, &e);
    if (!key)
        abort();
    P2pIngestContext ctx;
    p2p_ingest_context_init(&ctx, db, key);
    P2pIngestStats stats;
    P2pInput *in = p2p_input_open(input_path, &e);
    if (!in)
        abort();
    if (p2p_ingest_run_begin(db, &ctx.run_id, &e) &&
        !p2p_ingest_file(&ctx, in, &stats, &e)) {
        if (e->code == P2P_EXIT_DB)
            abort();   /* input may be refused, never break the database */
    }
    p2p_input_free(in);
    g_clear_error(&e);
    p2p_key_free(key);
    sqlite3_close(db);
    return 0;
}
