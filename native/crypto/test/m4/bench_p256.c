/*
 * P-256 on Cortex-M4 under QEMU (mps2-an386, -icount shift=0): checks the
 * standard vectors on the target build (so the inline-assembly path is tested),
 * then counts instructions with SysTick (calibrated against a loop of known
 * length) and measures the stack used by each call (painted stack).
 * Prints JSON lines, then "p256-m4: N passed, N failed"; QEMU exits 0 on success.
 */
#include <stdint.h>
#include <string.h>

#include "../../p256.h"

void semihost_puts(const char *s);

#define SYST_CSR (*(volatile uint32_t *)0xE000E010)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018)

static int passed, failed;

static void put_u32(uint32_t v)
{
    char buf[12];
    int i = 11;
    buf[i] = 0;
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    semihost_puts(buf + i);
}

static void check(int ok, const char *what)
{
    if (ok) {
        passed++;
    } else {
        failed++;
        semihost_puts("FAIL: ");
        semihost_puts(what);
        semihost_puts("\n");
    }
}

static void unhex(uint8_t *out, size_t len, const char *h)
{
    size_t i;
    for (i = 0; i < len; i++) {
        int hi = h[2 * i], lo = h[2 * i + 1];
        hi = hi <= '9' ? hi - '0' : (hi | 32) - 'a' + 10;
        lo = lo <= '9' ? lo - '0' : (lo | 32) - 'a' + 10;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
}

static int eqhex(const uint8_t *b, size_t len, const char *h)
{
    uint8_t want[64];
    unhex(want, len, h);
    return memcmp(b, want, len) == 0;
}

static uint32_t ticks_now(void) { return SYST_CVR; }
static uint32_t ticks_since(uint32_t start) { return (start - SYST_CVR) & 0xFFFFFF; }

/* instructions per 1024 SysTick ticks */
static uint32_t calib;

static void calibrate(void)
{
    uint32_t t0, t;
    uint32_t n = 200000;
    t0 = ticks_now();
    __asm__ volatile("1: subs %0, %0, #1\n bne 1b" : "+r"(n) : : "cc");
    t = ticks_since(t0);
    /* 2 instructions per iteration */
    calib = (uint32_t)(((uint64_t)400000 * 1024 + t / 2) / t);
}

static uint32_t to_instr(uint32_t ticks) { return (uint32_t)(((uint64_t)ticks * calib + 512) / 1024); }

/* ---- stack painting */
#define PAINT_BYTES 6144
#define PAINT 0xA5A5A5A5u
static uint32_t *paint_lo;

static uintptr_t get_sp(void)
{
    uintptr_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}

static __attribute__((noinline)) void paint(void)
{
    uintptr_t sp = get_sp();
    uint32_t *p;
    paint_lo = (uint32_t *)(sp - PAINT_BYTES);
    for (p = paint_lo; (uintptr_t)p < sp - 64; p++) *p = PAINT;
}

static __attribute__((noinline)) uint32_t stack_used_below(uint32_t *top)
{
    uint32_t *p = paint_lo;
    while (p < top && *p == PAINT) p++;
    return (uint32_t)((uint8_t *)top - (uint8_t *)p);
}

static void report(const char *op, uint32_t instr, uint32_t stack)
{
    semihost_puts("{\"bench\":\"p256\",\"impl\":\"p256.c\",\"op\":\"");
    semihost_puts(op);
    semihost_puts("\",\"instructions\":");
    put_u32(instr);
    semihost_puts(",\"stack_bytes\":");
    put_u32(stack);
    semihost_puts("}\n");
}

static const char PRIV_PROV[] = "06a516693c9aa31a6084545d0c5db641b48572b97203ddffb7ac73f7d0457663";
static const char PUB_PROV[] =
    "2c31a47b5779809ef44cb5eaaf5c3e43d5f8faad4a8794cb987e9b03745c78dd"
    "919512183898dfbecd52e2408e43871fd021109117bd3ed4eaf8437743715d4f";
static const char PRIV_DEV[] = "529aa0670d72cd6497502ed473502b037e8803b5c60829a5a3caa219505530ba";
static const char PUB_DEV[] =
    "f465e43ff23d3f1b9dc7dfc04da8758184dbc966204796eccf0d6cf5e16500cc"
    "0201d048bcbbd899eeefc424164e33c201c2b010ca6b4d43a8a155cad8ecb279";
static const char ECDH_SECRET[] = "ab85843a2f6d883f62e5684b38e307335fe6e1945ecd19604105c6f23221eb69";

static int fixed_rng(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    if (len != 32) return -1;
    unhex(out, 32, PRIV_DEV);
    return 0;
}

static uint8_t g_priv[32], g_pub[64], g_peer[64], g_out[32];
static int g_rc;

typedef void (*op_fn)(void);
static void op_ecdh(void) { g_rc = p256_ecdh(g_out, g_priv, g_peer); }
static void op_pub(void) { g_rc = p256_public_from_private(g_pub, g_priv); }
static void op_keygen(void) { g_rc = p256_keygen(g_priv, g_pub, fixed_rng, 0); }
static void op_validate(void) { g_rc = p256_validate_public(g_peer); }

static void op_empty(void) {}

/* QEMU accounts the painting loop's instructions lazily, into the first timer read
 * after it: an empty call measured the same way gives the baseline to subtract. */
static uint32_t baseline;

static uint32_t measure_raw(op_fn fn, uint32_t *stack)
{
    uint32_t *top = (uint32_t *)get_sp();
    uint32_t t0, t;
    paint();
    t0 = ticks_now();
    fn();
    t = ticks_since(t0);
    *stack = stack_used_below(top);
    return to_instr(t);
}

static void measure(const char *name, op_fn fn)
{
    uint32_t stack, instr = measure_raw(fn, &stack);
    report(name, instr > baseline ? instr - baseline : 0, stack);
}

int main(void)
{
    uint8_t pub[64], out[32], priv[32], peer[64];

    SYST_RVR = 0xFFFFFF;
    SYST_CVR = 0;
    SYST_CSR = 5; /* processor clock, enabled, no interrupt */
    calibrate();
    semihost_puts("{\"bench\":\"p256\",\"op\":\"calibration\",\"instructions_per_1024_ticks\":");
    put_u32(calib);
    semihost_puts("}\n");

    /* vectors (Mesh Protocol 1.1 section 8.17 sample data, RFC 5903 section 8.1) */
    unhex(priv, 32, PRIV_PROV);
    check(p256_public_from_private(pub, priv) == 0 && eqhex(pub, 64, PUB_PROV), "mesh PubProv");
    unhex(peer, 64, PUB_DEV);
    check(p256_ecdh(out, priv, peer) == 0 && eqhex(out, 32, ECDH_SECRET), "mesh ECDHSecret");
    unhex(priv, 32, PRIV_DEV);
    check(p256_public_from_private(pub, priv) == 0 && eqhex(pub, 64, PUB_DEV), "mesh PubDev");
    unhex(peer, 64, PUB_PROV);
    check(p256_ecdh(out, priv, peer) == 0 && eqhex(out, 32, ECDH_SECRET), "mesh ECDHSecret 2");
    unhex(priv, 32, "c6ef9c5d78ae012a011164acb397ce2088685d8f06bf9be0b283ab46476bee53");
    unhex(peer, 64,
          "dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180"
          "5271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3");
    check(p256_ecdh(out, priv, peer) == 0 &&
              eqhex(out, 32, "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de"),
          "rfc5903");
    /* d = 2: the doubling case of the last window addition */
    unhex(priv, 32, "0000000000000000000000000000000000000000000000000000000000000002");
    check(p256_public_from_private(pub, priv) == 0 &&
              eqhex(pub, 64,
                    "7cf27b188d034f7e8a52380304b51ac3c08969e277f21b35a60b48fc47669978"
                    "07775510db8ed040293d9ac69f7430dbba7dade63ce982299e04b79d227873d1"),
          "2G");
    unhex(priv, 32, "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550");
    check(p256_public_from_private(pub, priv) == 0 &&
              eqhex(pub, 64,
                    "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
                    "b01cbd1c01e58065711814b583f061e9d431cca994cea1313449bf97c840ae0a"),
          "(n-1)G");
    peer[63] ^= 1;
    check(p256_ecdh(out, priv, peer) == P256_ERR_INVALID_POINT, "invalid point");

    /* measurements */
    {
        uint32_t st;
        baseline = measure_raw(op_empty, &st);
        measure_raw(op_empty, &st);
        baseline = measure_raw(op_empty, &st);
    }
    unhex(g_priv, 32, PRIV_PROV);
    unhex(g_peer, 64, PUB_DEV);
    measure("ecdh", op_ecdh);
    check(g_rc == 0 && eqhex(g_out, 32, ECDH_SECRET), "measured ecdh");
    measure("public_from_private", op_pub);
    check(g_rc == 0 && eqhex(g_pub, 64, PUB_PROV), "measured pub");
    measure("keygen", op_keygen);
    check(g_rc == 0 && eqhex(g_pub, 64, PUB_DEV), "measured keygen");
    measure("validate_public", op_validate);
    check(g_rc == 0, "measured validate");

    /* constant time: the instruction count must not depend on the scalar (QEMU -icount
       counts exactly; SysTick resolves 40 instructions) */
    {
        static const char *const scalars[] = {
            "0000000000000000000000000000000000000000000000000000000000000001",
            "0000000000000000000000000000000000000000000000000000000000000002",
            "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550",
            "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc63254f",
            "8000000000000000000000000000000000000000000000000000000000000000",
            "00000000000000000000000000000000ffffffffffffffffffffffffffffffff",
            "529aa0670d72cd6497502ed473502b037e8803b5c60829a5a3caa219505530ba",
        };
        uint32_t st, e0 = 0, p0 = 0, e, pp;
        int i, same_e = 1, same_p = 1;
        unhex(g_peer, 64, PUB_DEV);
        for (i = 0; i < (int)(sizeof scalars / sizeof scalars[0]); i++) {
            unhex(g_priv, 32, scalars[i]);
            e = measure_raw(op_ecdh, &st);
            pp = measure_raw(op_pub, &st);
            if (i == 0) {
                e0 = e;
                p0 = pp;
            }
            same_e &= e == e0;
            same_p &= pp == p0;
        }
        check(same_e, "ecdh instruction count independent of the scalar");
        check(same_p, "public_from_private instruction count independent of the scalar");
    }

    semihost_puts("p256-m4: ");
    put_u32((uint32_t)passed);
    semihost_puts(" passed, ");
    put_u32((uint32_t)failed);
    semihost_puts(" failed\n");
    return failed ? 1 : 0;
}
