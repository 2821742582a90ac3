/*
 * HMAC-SHA256 (RFC 2104). See hmac_sha256.h.
 *
 * Leaves no key- or data-dependent word on the stack below its caller: the SHA-256 functions clear
 * after themselves, and hmac_sha256_init, which handles key bytes in registers, clears the registers
 * and the stack below it after its core (CRYPTO_SCRUB).
 */
#include "hmac_sha256.h"

/*
 * Stack cleared after init_core: its frame (24 bytes at -O2 and -Os) and the sha256_update calls
 * below it (about 290 bytes with their own clean-up), which push init_core's registers (bytes of the
 * key) into their frames. (The long-key hash, sha256, runs before init_core holds key bytes in
 * registers, and cleans up after itself.) The other functions need no clean-up of their own: they
 * handle the secrets only through the SHA-256 functions, which clear after themselves.
 */
#define HMAC_INIT_BURN_BYTES 320

typedef struct {
    uint8_t k0[64];
    uint8_t pad[64];
} hmac_init_work;

/* hmac_sha256_init after its argument checks; w is wiped by the caller. */
static CRYPTO_NOINLINE int init_core(hmac_sha256_ctx *ctx, const uint8_t *key, size_t key_len, hmac_init_work *w)
{
    unsigned i;
    int rc;

    /* K0 (RFC 2104 section 2): the key, hashed when longer than the block, zero-padded to 64 bytes. */
    for (i = 0; i < 64; i++) {
        w->k0[i] = 0;
    }
    if (key_len > 64) {
        rc = sha256(key, key_len, w->k0);
        if (rc != CRYPTO_OK) {
            return rc;
        }
    } else {
        for (i = 0; i < key_len; i++) {
            w->k0[i] = key[i];
        }
    }
    for (i = 0; i < 64; i++) {
        w->pad[i] = (uint8_t)(w->k0[i] ^ 0x36);
    }
    sha256_init(&ctx->inner);
    sha256_update(&ctx->inner, w->pad, 64);
    for (i = 0; i < 64; i++) {
        w->pad[i] = (uint8_t)(w->k0[i] ^ 0x5c);
    }
    sha256_init(&ctx->outer);
    sha256_update(&ctx->outer, w->pad, 64);
    return CRYPTO_OK;
}

int hmac_sha256_init(hmac_sha256_ctx *ctx, const uint8_t *key, size_t key_len)
{
    hmac_init_work w;
    int rc;

    if (!ctx || (!key && key_len)) {
        return CRYPTO_ERR_NULL;
    }
    rc = init_core(ctx, key, key_len, &w);
    CRYPTO_CLEAR_SCRATCH_REGS();
    crypto_wipe(&w, sizeof w);
    crypto_burn_stack(HMAC_INIT_BURN_BYTES);
    return rc;
}

int hmac_sha256_update(hmac_sha256_ctx *ctx, const uint8_t *data, size_t len)
{
    if (!ctx) {
        return CRYPTO_ERR_NULL;
    }
    return sha256_update(&ctx->inner, data, len);
}

int hmac_sha256_final(hmac_sha256_ctx *ctx, uint8_t mac[32])
{
    uint8_t inner[32];
    int rc;

    if (!ctx || !mac) {
        return CRYPTO_ERR_NULL;
    }
    rc = sha256_final(&ctx->inner, inner);
    if (rc == CRYPTO_OK) {
        rc = sha256_update(&ctx->outer, inner, sizeof inner);
    }
    if (rc == CRYPTO_OK) {
        rc = sha256_final(&ctx->outer, mac);
    }
    crypto_wipe(inner, sizeof inner);
    crypto_wipe(ctx, sizeof *ctx);
    return rc;
}

int hmac_sha256(const uint8_t *key, size_t key_len, const uint8_t *data, size_t len, uint8_t mac[32])
{
    hmac_sha256_ctx ctx;
    int rc;

    if (!mac || (!key && key_len) || (!data && len)) {
        return CRYPTO_ERR_NULL;
    }
    rc = hmac_sha256_init(&ctx, key, key_len);
    if (rc == CRYPTO_OK) {
        rc = hmac_sha256_update(&ctx, data, len);
    }
    if (rc == CRYPTO_OK) {
        rc = hmac_sha256_final(&ctx, mac);
    }
    crypto_wipe(&ctx, sizeof ctx);
    return rc;
}
