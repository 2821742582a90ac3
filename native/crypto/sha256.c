/*
 * SHA-256 (FIPS 180-4 sections 4.1.2, 4.2.2, 5.1.1, 6.2). See sha256.h.
 *
 * The compression function keeps the message schedule in a 16-word ring and runs the rounds
 * unrolled 16 at a time with the working variables renamed instead of moved, so each round is
 * only the arithmetic of T1 and T2 (about 25 Cortex-M4 instructions with rotations folded into
 * the operands) and each schedule word about 12.
 *
 * The message and the hash state can be secret (HMAC keys, the Mesh ECDH secret): sha256_update,
 * sha256_final and sha256 do their work in noinline cores, then clear the scratch registers and the
 * cores' frames (CRYPTO_SCRUB), where the compression function spilled its working variables.
 */
#include "sha256.h"

#define SHA256_MAGIC 0x53484132u

static const uint32_t K[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u, 0xab1c5ed5u,
    0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u,
    0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
    0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u, 0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u,
    0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u,
    0xa2bfe8a1u, 0xa81a664bu, 0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
    0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))
#define BSIG0(x) (ROR((x), 2) ^ ROR((x), 13) ^ ROR((x), 22))
#define BSIG1(x) (ROR((x), 6) ^ ROR((x), 11) ^ ROR((x), 25))
#define SSIG0(x) (ROR((x), 7) ^ ROR((x), 18) ^ ((x) >> 3))
#define SSIG1(x) (ROR((x), 17) ^ ROR((x), 19) ^ ((x) >> 10))
#define CH(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))

/*
 * One round; the caller rotates the roles of a..h. w is the schedule word of this round.
 * Maj(a, b, c) = b ^ ((a ^ b) & (b ^ c)), and this round's b ^ c is the previous round's a ^ b:
 * xab / xbc alternate between two variables (16 rounds per block keeps them in step).
 */
#define ROUND(a, b, c, d, e, f, g, h, i, w, xab, xbc) do { \
        uint32_t t1_ = (h) + BSIG1(e) + CH((e), (f), (g)) + kk[i] + (w); \
        (xab) = (a) ^ (b); \
        (d) += t1_; \
        (h) = t1_ + BSIG0(a) + ((b) ^ ((xab) & (xbc))); \
    } while (0)

/* Schedule word for round j + i (j >= 16), in the ring W[0..15]. */
#define SCHED(i) (W[(i) & 15] += SSIG1(W[((i) + 14) & 15]) + W[((i) + 9) & 15] + SSIG0(W[((i) + 1) & 15]))

#define ROUNDS16(WORD) do { \
        ROUND(a, b, c, d, e, f, g, h, 0, WORD(0), x0, x1); \
        ROUND(h, a, b, c, d, e, f, g, 1, WORD(1), x1, x0); \
        ROUND(g, h, a, b, c, d, e, f, 2, WORD(2), x0, x1); \
        ROUND(f, g, h, a, b, c, d, e, 3, WORD(3), x1, x0); \
        ROUND(e, f, g, h, a, b, c, d, 4, WORD(4), x0, x1); \
        ROUND(d, e, f, g, h, a, b, c, 5, WORD(5), x1, x0); \
        ROUND(c, d, e, f, g, h, a, b, 6, WORD(6), x0, x1); \
        ROUND(b, c, d, e, f, g, h, a, 7, WORD(7), x1, x0); \
        ROUND(a, b, c, d, e, f, g, h, 8, WORD(8), x0, x1); \
        ROUND(h, a, b, c, d, e, f, g, 9, WORD(9), x1, x0); \
        ROUND(g, h, a, b, c, d, e, f, 10, WORD(10), x0, x1); \
        ROUND(f, g, h, a, b, c, d, e, 11, WORD(11), x1, x0); \
        ROUND(e, f, g, h, a, b, c, d, 12, WORD(12), x0, x1); \
        ROUND(d, e, f, g, h, a, b, c, 13, WORD(13), x1, x0); \
        ROUND(c, d, e, f, g, h, a, b, 14, WORD(14), x0, x1); \
        ROUND(b, c, d, e, f, g, h, a, 15, WORD(15), x1, x0); \
    } while (0)

#define WLOAD(i) W[i]

static uint32_t load32_be(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static void store32_be(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Stack cleared after the cores: update_core / final_core (24 bytes at -O2 and -Os) and compress
 * (208: W, the spilled working variables, the saved registers); `make -C native stack-usage`. */
#define SHA256_BURN_BYTES 256

#ifndef CRYPTO_SHA256_COMPACT
static void compress(uint32_t state[8], const uint8_t *block)
{
    uint32_t W[16];
    uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
    uint32_t x0, x1 = b ^ c;
    const uint32_t *kk = K;
    unsigned i;

    for (i = 0; i < 16; i++) {
        W[i] = load32_be(block + 4 * i);
    }
    ROUNDS16(WLOAD);
    for (kk = K + 16; kk < K + 64; kk += 16) {
        ROUNDS16(SCHED);
    }
    state[0] += a; state[1] += b; state[2] += c; state[3] += d;
    state[4] += e; state[5] += f; state[6] += g; state[7] += h;
    crypto_wipe(W, sizeof W);
}
#else
/*
 * CRYPTO_SHA256_COMPACT (the firmware images: SHA-256 runs once per provisioning, for HMAC-SHA256 Confirmation,
 * so its flash matters more than its speed): the same compression one round at a time, the working variables
 * moved each round, about 300 bytes of Thumb-2 instead of about 3 KB.
 */
static void compress(uint32_t state[8], const uint8_t *block)
{
    uint32_t W[16], v[8];
    unsigned i, j;

    for (i = 0; i < 16; i++) {
        W[i] = load32_be(block + 4 * i);
    }
    for (j = 0; j < 8; j++) {
        v[j] = state[j];
    }
    for (i = 0; i < 64; i++) {
        uint32_t w = i < 16 ? W[i] : SCHED(i);
        uint32_t t1 = v[7] + BSIG1(v[4]) + CH(v[4], v[5], v[6]) + K[i] + w;
        uint32_t t2 = BSIG0(v[0]) + ((v[0] & v[1]) | (v[2] & (v[0] | v[1])));
        for (j = 7; j > 0; j--) {
            v[j] = v[j - 1];
        }
        v[4] += t1;
        v[0] = t1 + t2;
    }
    for (j = 0; j < 8; j++) {
        state[j] += v[j];
    }
    crypto_wipe(W, sizeof W);
    crypto_wipe(v, sizeof v);
}
#endif

int sha256_init(sha256_ctx *ctx)
{
    static const uint32_t H0[8] = {
        0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au, 0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u,
    };
    unsigned i;
    if (!ctx) {
        return CRYPTO_ERR_NULL;
    }
    for (i = 0; i < 8; i++) {
        ctx->state[i] = H0[i];
    }
    ctx->total = 0;
    ctx->buf_len = 0;
    ctx->magic = SHA256_MAGIC;
    return CRYPTO_OK;
}

/* sha256_update after its argument checks. */
static CRYPTO_NOINLINE void update_core(sha256_ctx *ctx, const uint8_t *data, size_t len)
{
    size_t i;
    ctx->total += (uint64_t)len;
    if (ctx->buf_len) {
        size_t take = 64 - ctx->buf_len;
        if (take > len) {
            take = len;
        }
        for (i = 0; i < take; i++) {
            ctx->buf[ctx->buf_len + i] = data[i];
        }
        ctx->buf_len += (uint32_t)take;
        data += take;
        len -= take;
        if (ctx->buf_len < 64) {
            return;
        }
        compress(ctx->state, ctx->buf);
        ctx->buf_len = 0;
    }
    while (len >= 64) {
        compress(ctx->state, data);
        data += 64;
        len -= 64;
    }
    for (i = 0; i < len; i++) {
        ctx->buf[i] = data[i];
    }
    ctx->buf_len = (uint32_t)len;
}

/* The checks of sha256_update: CRYPTO_OK when update_core may run. */
static int update_check(const sha256_ctx *ctx, const uint8_t *data, size_t len)
{
    if (!ctx) {
        return CRYPTO_ERR_NULL;
    }
    if (ctx->magic != SHA256_MAGIC || ctx->buf_len >= 64) {
        return CRYPTO_ERR_STATE;
    }
    if (len && !data) {
        return CRYPTO_ERR_NULL;
    }
    /* FIPS 180-4 5.1.1: the message length in bits must fit in 64 bits. */
    if ((uint64_t)len > ((uint64_t)1 << 61) - 1 - ctx->total) {
        return CRYPTO_ERR_LENGTH;
    }
    return CRYPTO_OK;
}

int sha256_update(sha256_ctx *ctx, const uint8_t *data, size_t len)
{
    int rc = update_check(ctx, data, len);
    if (rc != CRYPTO_OK || len == 0) {
        return rc;
    }
    update_core(ctx, data, len);
    CRYPTO_SCRUB(SHA256_BURN_BYTES);
    return CRYPTO_OK;
}

/* sha256_final after its argument checks (wipes the context). */
static CRYPTO_NOINLINE void final_core(sha256_ctx *ctx, uint8_t digest[32])
{
    uint64_t bits;
    uint32_t n;
    unsigned i;

    /* Padding (5.1.1): 0x80, zeros to 56 mod 64, the length in bits big-endian. */
    bits = ctx->total << 3;
    n = ctx->buf_len;
    ctx->buf[n++] = 0x80;
    if (n > 56) {
        while (n < 64) {
            ctx->buf[n++] = 0;
        }
        compress(ctx->state, ctx->buf);
        n = 0;
    }
    while (n < 56) {
        ctx->buf[n++] = 0;
    }
    store32_be(ctx->buf + 56, (uint32_t)(bits >> 32));
    store32_be(ctx->buf + 60, (uint32_t)bits);
    compress(ctx->state, ctx->buf);
    for (i = 0; i < 8; i++) {
        store32_be(digest + 4 * i, ctx->state[i]);
    }
    crypto_wipe(ctx, sizeof *ctx);
}

int sha256_final(sha256_ctx *ctx, uint8_t digest[32])
{
    if (!ctx || !digest) {
        return CRYPTO_ERR_NULL;
    }
    if (ctx->magic != SHA256_MAGIC || ctx->buf_len >= 64) {
        return CRYPTO_ERR_STATE;
    }
    final_core(ctx, digest);
    CRYPTO_SCRUB(SHA256_BURN_BYTES);
    return CRYPTO_OK;
}

int sha256(const uint8_t *data, size_t len, uint8_t digest[32])
{
    sha256_ctx ctx;
    int rc;
    if (!digest || (!data && len)) {
        return CRYPTO_ERR_NULL;
    }
    sha256_init(&ctx);
    rc = update_check(&ctx, data, len);
    if (rc == CRYPTO_OK) {
        /* The cores directly: one clean-up for the whole hash. */
        if (len) {
            update_core(&ctx, data, len);
        }
        final_core(&ctx, digest);
    }
    CRYPTO_CLEAR_SCRATCH_REGS();
    crypto_wipe(&ctx, sizeof ctx);
    crypto_burn_stack(SHA256_BURN_BYTES);
    return rc;
}
