/*
 * The node table's capacity on the real record store (native/storage/store.c on a simulated 2 x 4096-byte
 * flash), written as the standalone provisioner does (modules/standalone/provisioner-app.ts standaloneRecords):
 * its fixed records first (its network, its AppKey, its mesh node's records), then for each of N nodes each
 * per-node record written its number of times (the node record: pending, complete, configured; its replay
 * protection entry: once per status the node answers), and then REWRITE_ROUNDS rounds of rewriting every record
 * once (the mesh node's SEQ blocks, replay protection entries, over the device's life): each round writes about a
 * page, so the store compacts with every record live, the one being rewritten included (store.h): the table is
 * within the page only when the live records and the largest one fit.
 *
 * Usage: store-fill N FIXED PERNODE, FIXED = "KLEN:VLEN,..." and PERNODE = "KLEN:VLEN:WRITES,..." (key lengths
 * 4..STORE_MAX_KEY, value lengths 1..STORE_MAX_VALUE, writes 1..16; keys are made up at those lengths).
 * Prints "ok N" or "full at ...: <status>"; exit 0 / 1 (2: bad arguments).
 * Built and run by host-tests/standalone/node-table.test.ts (cc, -Wall -Wextra -Werror, ASan/UBSan).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/flash_ram.h"
#include "storage/store.h"

#define PAGE 4096u
#define MAX_RECORDS 8
#define REWRITE_ROUNDS 8

typedef struct {
    int klen, vlen, writes;
} spec_t;

/* Parses "a:b[:c],..." into specs (c only when `withWrites`); the count, or -1 when malformed. */
static int parse(const char *text, spec_t *out, int withWrites) {
    int n = 0;
    const char *p = text;
    while (*p) {
        spec_t s = {0, 0, 1};
        char *end;
        if (n == MAX_RECORDS) return -1;
        s.klen = (int)strtol(p, &end, 10);
        if (*end != ':') return -1;
        s.vlen = (int)strtol(end + 1, &end, 10);
        if (withWrites) {
            if (*end != ':') return -1;
            s.writes = (int)strtol(end + 1, &end, 10);
        }
        if (s.klen < 4 || s.klen > (int)STORE_MAX_KEY || s.vlen < 1 || s.vlen > (int)STORE_MAX_VALUE || s.writes < 1 || s.writes > 16) return -1;
        out[n++] = s;
        if (*end == ',') end++;
        else if (*end) return -1;
        p = end;
    }
    return n;
}

/* A key of `len` characters (4 or more, unique among the records): tag, index (0..7), node (two hex digits) or
 * "--", then 'x's. */
static void makeKey(char *key, int len, char tag, int index, int node) {
    char head[8];
    if (node >= 0) snprintf(head, sizeof head, "%c%d%02x", tag, index, (unsigned)node & 0xffu);
    else snprintf(head, sizeof head, "%c%d--", tag, index);
    memset(key, 'x', (size_t)len);
    memcpy(key, head, 4);
    key[len] = '\0';
}

int main(int argc, char **argv) {
    static uint8_t mem[2 * PAGE];
    flash_ram_t ram;
    flash_dev_t dev;
    store_t s;
    uint8_t value[STORE_MAX_VALUE];
    char key[STORE_MAX_KEY + 1];
    spec_t fixed[MAX_RECORDS], perNode[MAX_RECORDS];
    int n, nf, np, rc;
    if (argc != 4) {
        fprintf(stderr, "usage: store-fill N FIXED PERNODE\n");
        return 2;
    }
    n = atoi(argv[1]);
    nf = parse(argv[2], fixed, 0);
    np = parse(argv[3], perNode, 1);
    if (n < 0 || n > 255 || nf < 0 || np < 1) {
        fprintf(stderr, "store-fill: bad arguments\n");
        return 2;
    }
    flash_ram_init(&ram, mem, NULL, sizeof mem, 0, PAGE, 1);
    dev = flash_ram_dev(&ram);
    if ((rc = store_open(&s, &dev, 0)) != STORE_OK) {
        printf("open: %s\n", store_strerror(rc));
        return 1;
    }
    memset(value, 0xA5, sizeof value);
    for (int f = 0; f < nf; f++) {
        makeKey(key, fixed[f].klen, 'F', f, -1);
        if ((rc = store_write(&s, key, value, (size_t)fixed[f].vlen)) != STORE_OK) {
            printf("full at fixed record %d: %s\n", f, store_strerror(rc));
            return 1;
        }
    }
    for (int i = 0; i < n; i++) {
        for (int r = 0; r < np; r++) {
            makeKey(key, perNode[r].klen, 'N', r, i);
            for (int w = 0; w < perNode[r].writes; w++) {
                value[0] = (uint8_t)w;
                if ((rc = store_write(&s, key, value, (size_t)perNode[r].vlen)) != STORE_OK) {
                    printf("full at node %d (record %d, write %d): %s\n", i, r, w, store_strerror(rc));
                    return 1;
                }
            }
        }
    }
    for (int round = 0; round < REWRITE_ROUNDS; round++) {
        value[0] = (uint8_t)(0x50 + round);
        for (int f = 0; f < nf; f++) {
            makeKey(key, fixed[f].klen, 'F', f, -1);
            if ((rc = store_write(&s, key, value, (size_t)fixed[f].vlen)) != STORE_OK) {
                printf("full at the rewrite of fixed record %d: %s\n", f, store_strerror(rc));
                return 1;
            }
        }
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < np; r++) {
                makeKey(key, perNode[r].klen, 'N', r, i);
                if ((rc = store_write(&s, key, value, (size_t)perNode[r].vlen)) != STORE_OK) {
                    printf("full at the rewrite of node %d (record %d): %s\n", i, r, store_strerror(rc));
                    return 1;
                }
            }
        }
    }
    printf("ok %d\n", n);
    return 0;
}
