/*
 * Tiny line-oriented driver of p256.c for the differential tests
 * (host-tests/native-crypto/p256.test.ts). One command per input line, hex arguments:
 *   pub  <priv32>              -> "<rc> <pub64>"
 *   ecdh <priv32> <peer64>     -> "<rc> <secret32>"
 *   valid <pub64>              -> "<rc>"
 *   keygen <seed...>           -> "<rc> <priv32> <pub64>" (RNG: the seed bytes, repeated)
 * rc is the function's return code. A malformed line prints "bad".
 */
#include <stdio.h>
#include <string.h>

#include "../p256.h"

static int unhex(uint8_t *out, size_t len, const char *hex)
{
    size_t i;
    if (strlen(hex) != 2 * len) return -1;
    for (i = 0; i < len; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1) return -1;
        out[i] = (uint8_t)v;
    }
    return 0;
}

static void puthex(const uint8_t *b, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++) printf("%02x", b[i]);
}

struct seed_rng {
    uint8_t buf[256];
    size_t len, pos;
};

static int seed_rng_fn(void *ctx, uint8_t *out, size_t len)
{
    struct seed_rng *s = (struct seed_rng *)ctx;
    size_t i;
    for (i = 0; i < len; i++) {
        out[i] = s->buf[s->pos % s->len];
        s->pos++;
    }
    return 0;
}

int main(void)
{
    static char line[1024];
    while (fgets(line, sizeof line, stdin)) {
        char cmd[16], a[600], b[600];
        uint8_t priv[32], pub[64], peer[64], sec[32];
        int n, rc;
        line[strcspn(line, "\r\n")] = 0;
        a[0] = b[0] = 0;
        n = sscanf(line, "%15s %599s %599s", cmd, a, b);
        if (n >= 2 && strcmp(cmd, "pub") == 0 && unhex(priv, 32, a) == 0) {
            rc = p256_public_from_private(pub, priv);
            printf("%d ", rc);
            puthex(pub, 64);
        } else if (n >= 3 && strcmp(cmd, "ecdh") == 0 && unhex(priv, 32, a) == 0 && unhex(peer, 64, b) == 0) {
            rc = p256_ecdh(sec, priv, peer);
            printf("%d ", rc);
            puthex(sec, 32);
        } else if (n >= 2 && strcmp(cmd, "valid") == 0 && unhex(pub, 64, a) == 0) {
            printf("%d", p256_validate_public(pub));
        } else if (n >= 2 && strcmp(cmd, "keygen") == 0 && strlen(a) % 2 == 0 && strlen(a) > 0 &&
                   strlen(a) <= 512) {
            struct seed_rng s;
            s.len = strlen(a) / 2;
            s.pos = 0;
            if (unhex(s.buf, s.len, a) != 0) {
                printf("bad\n");
                continue;
            }
            rc = p256_keygen(priv, pub, seed_rng_fn, &s);
            printf("%d ", rc);
            puthex(priv, 32);
            printf(" ");
            puthex(pub, 64);
        } else {
            printf("bad");
        }
        printf("\n");
        fflush(stdout);
    }
    return 0;
}
