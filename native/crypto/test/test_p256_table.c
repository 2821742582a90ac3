/*
 * Generates (--print) or checks (default) the fixed-base comb table in p256.c:
 * T[e] = (1 + sum_(j=1..5) (2 e_j - 1) 2^(43 j)) G, affine, Montgomery form,
 * computed with the variable-base code. Prints "N passed, N failed" when checking.
 */
#include <stdio.h>
#include <string.h>

#include "../p256.c"

/* r = a + b or a - b (mod n) on 256-bit values < n */
static void scalar_addsub(uint32_t r[8], const uint32_t a[8], const uint32_t b[8], int sub)
{
    uint32_t t[8];
    uint64_t c = 0;
    int i;
    if (sub) {
        if (sub256(r, a, b)) { /* add n back */
            for (i = 0; i < 8; i++) {
                c = (uint64_t)r[i] + P256_N[i] + (c >> 32);
                r[i] = (uint32_t)c;
            }
        }
        return;
    }
    for (i = 0; i < 8; i++) {
        c = (uint64_t)a[i] + b[i] + (c >> 32);
        r[i] = (uint32_t)c;
    }
    if ((c >> 32) || !sub256(t, r, P256_N)) sub256(r, r, P256_N);
}

static void compute(uint32_t out[32][16])
{
    static const uint8_t gbytes[64] = {
        0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47, 0xf8, 0xbc, 0xe6, 0xe5, 0x63, 0xa4, 0x40, 0xf2,
        0x77, 0x03, 0x7d, 0x81, 0x2d, 0xeb, 0x33, 0xa0, 0xf4, 0xa1, 0x39, 0x45, 0xd8, 0x98, 0xc2, 0x96,
        0x4f, 0xe3, 0x42, 0xe2, 0xfe, 0x1a, 0x7f, 0x9b, 0x8e, 0xe7, 0xeb, 0x4a, 0x7c, 0x0f, 0x9e, 0x16,
        0x2b, 0xce, 0x33, 0x57, 0x6b, 0x31, 0x5e, 0xce, 0xcb, 0xb6, 0x40, 0x68, 0x37, 0xbf, 0x51, 0xf5};
    fe gx, gy;
    int e, j;
    if (!point_load(gx, gy, gbytes)) {
        printf("G not on the curve?\n");
        return;
    }
    for (e = 0; e < 32; e++) {
        uint32_t k[8] = {1, 0, 0, 0, 0, 0, 0, 0};
        jpoint q;
        for (j = 1; j < COMB_TEETH; j++) {
            uint32_t pw[8] = {0};
            int bit = COMB_SPACING * j;
            pw[bit >> 5] = 1u << (bit & 31);
            scalar_addsub(k, k, pw, !((e >> (j - 1)) & 1));
        }
        ecmult_var(&q, k, gx, gy);
        pt_to_affine(out[e], out[e] + 8, &q);
    }
}

int main(int argc, char **argv)
{
    static uint32_t t[32][16];
    int e, i, passed = 0, failed = 0;
    compute(t);
    if (argc > 1 && strcmp(argv[1], "--print") == 0) {
        printf("static const uint32_t P256_COMB[32][16] = {\n");
        for (e = 0; e < 32; e++) {
            printf("    {");
            for (i = 0; i < 16; i++) printf("0x%08X%s", (unsigned)t[e][i], i == 15 ? "" : (i == 7 ? ",\n     " : ", "));
            printf("},\n");
        }
        printf("};\n");
        return 0;
    }
    for (e = 0; e < 32; e++) {
        if (memcmp(t[e], P256_COMB[e], sizeof t[e]) == 0) {
            passed++;
        } else {
            failed++;
            printf("FAIL: comb table entry %d differs from the computed one\n", e);
        }
    }
    printf("p256 comb table: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
