/*
 * The node table's capacity on the real record store (native/storage/store.c on a simulated 2 x 4096-byte
 * flash): writes the provisioner's own record (key "sa.self", SELF bytes), then for each of N nodes its pending
 * record and its complete record (key "n.XX", NODE bytes each), as modules/standalone/node-table.ts does.
 * Usage: store-fill N SELF NODE. Prints "ok N" or "full at node I: <status>"; exit 0 / 1.
 * Built and run by host-tests/standalone/node-table.test.ts (cc, -Wall -Wextra -Werror, ASan/UBSan).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/flash_ram.h"
#include "storage/store.h"

#define PAGE 4096u

int main(int argc, char **argv) {
    static uint8_t mem[2 * PAGE];
    flash_ram_t ram;
    flash_dev_t dev;
    store_t s;
    uint8_t value[STORE_MAX_VALUE];
    char key[8];
    int n, self, node, rc;
    if (argc != 4) {
        fprintf(stderr, "usage: store-fill N SELF NODE\n");
        return 2;
    }
    n = atoi(argv[1]);
    self = atoi(argv[2]);
    node = atoi(argv[3]);
    if (n < 0 || n > 255 || self < 1 || self > (int)STORE_MAX_VALUE || node < 1 || node > (int)STORE_MAX_VALUE) {
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
    if ((rc = store_write(&s, "sa.self", value, (size_t)self)) != STORE_OK) {
        printf("full at self: %s\n", store_strerror(rc));
        return 1;
    }
    for (int i = 0; i < n; i++) {
        snprintf(key, sizeof key, "n.%02x", (unsigned)i);
        value[0] = 2; /* pending */
        if ((rc = store_write(&s, key, value, (size_t)node)) != STORE_OK) {
            printf("full at node %d (pending): %s\n", i, store_strerror(rc));
            return 1;
        }
        value[0] = 1; /* complete */
        if ((rc = store_write(&s, key, value, (size_t)node)) != STORE_OK) {
            printf("full at node %d (complete): %s\n", i, store_strerror(rc));
            return 1;
        }
    }
    printf("ok %d\n", n);
    return 0;
}
