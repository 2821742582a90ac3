/*
 * AES-CMAC (RFC 4493). See cmac.h.
 *
 * Nothing key- or data-dependent stays on the stack below the caller: aes_cmac_update,
 * aes_cmac_final and the one-block path of aes_cmac run in noinline cores, then clear the scratch
 * registers and the stack below them (CRYPTO_SCRUB), where the cores spilled values and the AES
 * calls pushed the cores' registers. aes_cmac_init handles the key only through aes128_ctx_init,
 * and the longer messages of aes_cmac go through the streaming functions, which clear after
 * themselves.
 */
#include "cmac.h"

/* Stack cleared after a core: its frame (at most 64 bytes: saved registers, spills, L) and the
 * deepest AES call it makes (the bench's aes stackBytes: 184 bytes with the T-table AES, 376
 * bitsliced; the ECB backend's driver needs less). */
#if defined(CRYPTO_AES_SW_TTABLE)
#define CMAC_BURN_BYTES (64 + 192)
#else
#define CMAC_BURN_BYTES (64 + 384)
#endif

#define CMAC_MAGIC 0x434d4143u

/* Doubling in GF(2^128) (RFC 4493 2.3): out = in << 1, then XOR 0x87 into the last byte when the
 * top bit of in was set, without a branch. */
static void dbl(uint8_t out[16], const uint8_t in[16])
{
    uint8_t carry = (uint8_t)(0x87 & (0u - (uint32_t)(in[0] >> 7)));
    unsigned i;
    for (i = 0; i < 15; i++) {
        out[i] = (uint8_t)((in[i] << 1) | (in[i + 1] >> 7));
    }
    out[15] = (uint8_t)((in[15] << 1) ^ carry);
}

/* Subkeys from L = AES-128(K, 0^128): K1 = dbl(L); K2 = dbl(K1). */
static void subkeys(aes_cmac_ctx *ctx, uint8_t l[16])
{
    dbl(ctx->k1, l);
    dbl(ctx->k2, ctx->k1);
    crypto_wipe(l, 16);
    ctx->have_subkeys = 1;
}

int aes_cmac_init(aes_cmac_ctx *ctx, const uint8_t key[16])
{
    unsigned i;
    int rc;

    if (!ctx || !key) {
        return CRYPTO_ERR_NULL;
    }
    rc = aes128_ctx_init(&ctx->aes, key);
    if (rc != CRYPTO_OK) {
        return rc;
    }
    for (i = 0; i < 16; i++) {
        ctx->x[i] = 0;
    }
    /* L is computed together with the first block that is not the last (one two-block AES call),
     * or at final. */
    ctx->have_subkeys = 0;
    ctx->buf_len = 0;
    ctx->magic = CMAC_MAGIC;
    return CRYPTO_OK;
}

/* aes_cmac_update after its argument checks. */
static CRYPTO_NOINLINE void update_core(aes_cmac_ctx *ctx, const uint8_t *data, size_t len)
{
    unsigned i;

    while (len) {
        if (ctx->buf_len == 16) {
            /* More data follows, so the buffered block is not the last one: chain it. */
            for (i = 0; i < 16; i++) {
                ctx->x[i] ^= ctx->buf[i];
            }
            if (!ctx->have_subkeys) {
                static const uint8_t zero[16] = { 0 };
                uint8_t l[16];
                aes128_ctx_encrypt2(&ctx->aes, ctx->x, zero, ctx->x, l);
                subkeys(ctx, l);
            } else {
                aes128_ctx_encrypt(&ctx->aes, ctx->x, ctx->x);
            }
            ctx->buf_len = 0;
        }
        while (len && ctx->buf_len < 16) {
            ctx->buf[ctx->buf_len++] = *data++;
            len--;
        }
    }
}

int aes_cmac_update(aes_cmac_ctx *ctx, const uint8_t *data, size_t len)
{
    if (!ctx) {
        return CRYPTO_ERR_NULL;
    }
    if (ctx->magic != CMAC_MAGIC || ctx->buf_len > 16) {
        return CRYPTO_ERR_STATE;
    }
    if (len == 0) {
        return CRYPTO_OK;
    }
    if (!data) {
        return CRYPTO_ERR_NULL;
    }
    update_core(ctx, data, len);
    CRYPTO_SCRUB(CMAC_BURN_BYTES);
    return CRYPTO_OK;
}

/* aes_cmac_final after its argument checks (wipes the context). */
static CRYPTO_NOINLINE void final_core(aes_cmac_ctx *ctx, uint8_t mac[16])
{
    unsigned i;

    if (!ctx->have_subkeys) {
        static const uint8_t zero[16] = { 0 };
        uint8_t l[16];
        aes128_ctx_encrypt(&ctx->aes, zero, l);
        subkeys(ctx, l);
    }
    if (ctx->buf_len == 16) {
        /* Complete last block: M_last = M_n XOR K1. */
        for (i = 0; i < 16; i++) {
            ctx->x[i] ^= ctx->buf[i] ^ ctx->k1[i];
        }
    } else {
        /* Incomplete (or empty message): padding 10..0, M_last = padded XOR K2. */
        for (i = 0; i < 16; i++) {
            uint8_t b = (uint8_t)(i < ctx->buf_len ? ctx->buf[i] : (i == ctx->buf_len ? 0x80 : 0));
            ctx->x[i] ^= b ^ ctx->k2[i];
        }
    }
    aes128_ctx_encrypt(&ctx->aes, ctx->x, mac);
    aes128_ctx_wipe(&ctx->aes);
    crypto_wipe(ctx, sizeof *ctx);
}

int aes_cmac_final(aes_cmac_ctx *ctx, uint8_t mac[16])
{
    if (!ctx || !mac) {
        return CRYPTO_ERR_NULL;
    }
    if (ctx->magic != CMAC_MAGIC || ctx->buf_len > 16) {
        return CRYPTO_ERR_STATE;
    }
    final_core(ctx, mac);
    CRYPTO_SCRUB(CMAC_BURN_BYTES);
    return CRYPTO_OK;
}

/* A message of at most one block: two AES calls with on-the-fly key expansion (cheaper than
 * expanding the key, and no 352-byte schedule on the stack). The buffers are in cmac_one_block's
 * frame (wiped there), the work in a core with a small frame (cleared after it). */
typedef struct {
    uint8_t l[16], k1[16], k2[16], x[16];
} cmac_one_work;

static CRYPTO_NOINLINE void one_block_core(cmac_one_work *w, const uint8_t key[16], const uint8_t *msg, size_t len,
                                           uint8_t mac[16])
{
    static const uint8_t zero[16] = { 0 };
    unsigned i;

    aes128_encrypt(key, zero, w->l);
    dbl(w->k1, w->l);
    dbl(w->k2, w->k1);
    for (i = 0; i < 16; i++) {
        if (len == 16) {
            w->x[i] = (uint8_t)(msg[i] ^ w->k1[i]);
        } else {
            w->x[i] = (uint8_t)((i < len ? msg[i] : (i == len ? 0x80 : 0)) ^ w->k2[i]);
        }
    }
    aes128_encrypt(key, w->x, mac);
}

/* (noinline: the long messages' path does not carry the work area.) */
static CRYPTO_NOINLINE void cmac_one_block(const uint8_t key[16], const uint8_t *msg, size_t len, uint8_t mac[16])
{
    cmac_one_work w;
    one_block_core(&w, key, msg, len, mac);
    CRYPTO_CLEAR_SCRATCH_REGS();
    crypto_wipe(&w, sizeof w);
    crypto_burn_stack(CMAC_BURN_BYTES);
}

/* Longer messages: the streaming code (a separate function, so the short path's stack frame does
 * not carry the context). */
static CRYPTO_NOINLINE int cmac_blocks(const uint8_t key[16], const uint8_t *msg, size_t len, uint8_t mac[16])
{
    aes_cmac_ctx ctx;
    int rc;

    rc = aes_cmac_init(&ctx, key);
    if (rc == CRYPTO_OK) {
        rc = aes_cmac_update(&ctx, msg, len);
    }
    if (rc == CRYPTO_OK) {
        rc = aes_cmac_final(&ctx, mac);
    }
    crypto_wipe(&ctx, sizeof ctx);
    return rc;
}

int aes_cmac(const uint8_t key[16], const uint8_t *msg, size_t len, uint8_t mac[16])
{
    if (!key || !mac || (!msg && len)) {
        return CRYPTO_ERR_NULL;
    }
    if (len <= 16) {
        cmac_one_block(key, msg, len, mac);
        return CRYPTO_OK;
    }
    return cmac_blocks(key, msg, len, mac);
}
