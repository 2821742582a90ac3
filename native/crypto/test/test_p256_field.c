/*
 * Field arithmetic of p256.c against plain reference code, on random and on
 * structured inputs (words drawn from 0, 1, 2^32-1, 2^32-2, p's own words and
 * random ones, which drive the carry chains to their limits). Built for the host
 * (portable C) and for Cortex-M4 under QEMU (the assembly), see p256.mk.
 * On the M4 it also prints the instruction counts of the field and point operations.
 */
#include <stdio.h>
#include <string.h>

#include "../p256.c"

#if defined(P256_ASM_M4)
void semihost_puts(const char *s);
#define OUT(s) semihost_puts(s)
#else
#define OUT(s) fputs(s, stdout)
#endif

static int passed, failed;

static void check(int ok, const char *what)
{
    if (ok) {
        passed++;
    } else {
        failed++;
        OUT("FAIL: ");
        OUT(what);
        OUT("\n");
    }
}

static void put_u32(uint32_t v)
{
    char buf[12];
    int i = 11;
    buf[i] = 0;
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    OUT(buf + i);
}

/* reference: schoolbook product, then word-by-word Montgomery reduction with p's words */
static void ref_mul(fe r, const fe a, const fe b)
{
    uint32_t t[17], s[8], c;
    int i, j;
    memset(t, 0, sizeof t);
    for (i = 0; i < 8; i++) {
        uint64_t w = 0;
        for (j = 0; j < 8; j++) {
            w = (uint64_t)a[i] * b[j] + t[i + j] + (w >> 32);
            t[i + j] = (uint32_t)w;
        }
        t[i + 8] = (uint32_t)(w >> 32);
    }
    for (i = 0; i < 8; i++) {
        uint32_t m = t[i];
        uint64_t w = 0;
        for (j = 0; j < 8; j++) {
            w = (uint64_t)m * P256_P[j] + t[i + j] + (w >> 32);
            t[i + j] = (uint32_t)w;
        }
        for (j = i + 8; j < 17; j++) {
            w = (uint64_t)t[j] + (w >> 32);
            t[j] = (uint32_t)w;
        }
    }
    c = sub256(s, t + 8, P256_P); /* borrow */
    if (t[16] || !c)
        memcpy(r, s, 32);
    else
        memcpy(r, t + 8, 32);
}

/* reference add/sub via 288-bit arithmetic */
static void ref_addsub(fe r, const fe a, const fe b, int sub)
{
    uint32_t s[8];
    uint32_t c;
    if (sub) {
        uint64_t t = 0;
        int i;
        if (sub256(r, a, b)) {
            for (i = 0; i < 8; i++) {
                t = (uint64_t)r[i] + P256_P[i] + (t >> 32);
                r[i] = (uint32_t)t;
            }
        }
        return;
    } else {
        uint64_t t = 0;
        int i;
        for (i = 0; i < 8; i++) {
            t = (uint64_t)a[i] + b[i] + (t >> 32);
            r[i] = (uint32_t)t;
        }
        c = (uint32_t)(t >> 32);
        if (c || !sub256(s, r, P256_P)) sub256(r, r, P256_P);
    }
}

static uint32_t rs = 0x12345678;
static uint32_t rnd(void)
{
    rs ^= rs << 13;
    rs ^= rs >> 17;
    rs ^= rs << 5;
    return rs;
}

/* a random element < p: random words, or structured ones */
static void rnd_fe(fe a)
{
    static const uint32_t special[] = {0, 1, 2, 0xFFFFFFFF, 0xFFFFFFFE, 0x80000000, 0x7FFFFFFF};
    uint32_t mode = rnd() & 3, t[8];
    int j;
    for (j = 0; j < 8; j++) {
        uint32_t r = rnd();
        if (mode == 0)
            a[j] = r;
        else if (mode == 1)
            a[j] = special[r % 7];
        else if (mode == 2)
            a[j] = (r & 8) ? P256_P[j] - (r & 3) : special[(r >> 4) % 7];
        else
            a[j] = (r & 1) ? special[(r >> 1) % 7] : rnd();
    }
    if (!sub256(t, a, P256_P)) memcpy(a, t, 32); /* a >= p: a - p */
}

#if defined(P256_ASM_M4)
#define SYST_CSR (*(volatile uint32_t *)0xE000E010)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018)
/* instructions of one call, averaged over 64 (SysTick ticks 40 instructions each,
 * see the calibration in m4/bench_p256.c); includes the loop overhead (~3) */
#define TIME(name, stmt)                                                    \
    do {                                                                    \
        uint32_t t0_, t1_;                                                  \
        int n_;                                                             \
        t0_ = SYST_CVR;                                                     \
        for (n_ = 0; n_ < 64; n_++) { stmt; }                               \
        t1_ = SYST_CVR;                                                     \
        OUT("{\"bench\":\"p256\",\"op\":\"" name "\",\"instructions\":"); \
        put_u32((((t0_ - t1_) & 0xFFFFFF) * 40 + 32) / 64);                 \
        OUT("}\n");                                                         \
    } while (0)

static void micro_bench(void)
{
    fe a, b, r;
    jpoint p, q, t;
    jpoint table[8];
    uint32_t k[8];
    rnd_fe(a);
    rnd_fe(b);
    SYST_RVR = 0xFFFFFF;
    SYST_CVR = 0;
    SYST_CSR = 5;
    memcpy(p.x, a, 32);
    memcpy(p.y, b, 32);
    memcpy(p.z, P256_ONE, 32);
    memcpy(q.x, b, 32);
    memcpy(q.y, a, 32);
    memcpy(q.z, a, 32);
    memset(table, 0, sizeof table);
    TIME("fe_mul", fe_mul(r, a, b));
    TIME("fe_sqr", fe_sqr(r, a));
    TIME("fe_add", fe_add(r, a, b));
    TIME("fe_sub", fe_sub(r, a, b));
    TIME("fe_half", fe_half(r, a));
    TIME("fe_mulsmall", fe_mulsmall(r, a, 8));
    TIME("pt_double", pt_double(&t, &p));
    TIME("pt_add", pt_add(&t, &p, &q));
    TIME("pt_add_affine", pt_add_affine(&t, &q, a, b));
    TIME("table_select", table_select(&t, table, 5));
    TIME("comb_select", comb_select(a, b, 5, 0));
    k[0] = rnd();
    TIME("comb_column", comb_column(k, 7, &k[1]));
    (void)r;
}
#endif

int main(void)
{
    int i, bad_small = 0, bad_mul = 0, bad_add = 0, bad_sub = 0, bad_half = 0, bad_inv = 0;
    fe a, b, r1, r2;
    for (i = 0; i < 20000; i++) {
        rnd_fe(a);
        rnd_fe(b);
        fe_mul(r1, a, b);
        ref_mul(r2, a, b);
        bad_mul += memcmp(r1, r2, 32) != 0;
        fe_sqr(r1, a);
        ref_mul(r2, a, a);
        bad_mul += memcmp(r1, r2, 32) != 0;
        fe_add(r1, a, b);
        ref_addsub(r2, a, b, 0);
        bad_add += memcmp(r1, r2, 32) != 0;
        fe_sub(r1, a, b);
        ref_addsub(r2, a, b, 1);
        bad_sub += memcmp(r1, r2, 32) != 0;
        {
            uint32_t k = 2 + (uint32_t)i % 7, j;
            fe_mulsmall(r1, a, k);
            memcpy(r2, a, 32);
            for (j = 1; j < k; j++) ref_addsub(r2, r2, a, 0);
            bad_small += memcmp(r1, r2, 32) != 0;
        }
        fe_half(r1, a);
        fe_add(r2, r1, r1);
        bad_half += memcmp(r2, a, 32) != 0;
    }
    for (i = 0; i < 20; i++) {
        rnd_fe(a);
        fe_inv(r1, a);
        fe_mul(r2, r1, a);
        bad_inv += memcmp(r2, fe_is_zero(a) ? (const uint32_t *)r1 : P256_ONE, 32) != 0;
    }
    check(bad_mul == 0, "fe_mul/fe_sqr match the reference (20000 random and structured pairs)");
    check(bad_add == 0, "fe_add matches the reference");
    check(bad_sub == 0, "fe_sub matches the reference");
    check(bad_half == 0, "fe_half doubles back");
    check(bad_small == 0, "fe_mulsmall matches repeated additions");
    check(bad_inv == 0, "fe_inv(a) * a == 1");
    /* Montgomery conversions round-trip */
    rnd_fe(a);
    fe_to_mont(r1, a);
    fe_from_mont(r2, r1);
    check(memcmp(a, r2, 32) == 0, "to/from Montgomery round trip");
#if defined(P256_ASM_M4)
    micro_bench();
#endif
    OUT("p256 field: ");
    put_u32((uint32_t)passed);
    OUT(" passed, ");
    put_u32((uint32_t)failed);
    OUT(" failed\n");
    return failed ? 1 : 0;
}
