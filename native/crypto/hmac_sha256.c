/* HMAC-SHA256 (RFC 2104). See hmac_sha256.h. */
#include "hmac_sha256.h"

int hmac_sha256_init(hmac_sha256_ctx *ctx, const uint8_t *key, size_t key_len)
{
    uint8_t k0[64];
    uint8_t pad[64];
    unsigned i;
    int rc;

    if (!ctx || (!key && key_len)) {
        return CRYPTO_ERR_NULL;
    }
    /* K0 (RFC 2104 section 2): the key, hashed when longer than the block, zero-padded to 64 bytes. */
    for (i = 0; i < 64; i++) {
        k0[i] = 0;
    }
    if (key_len > 64) {
        rc = sha256(key, key_len, k0);
        if (rc != CRYPTO_OK) {
            return rc;
        }
    } else {
        for (i = 0; i < key_len; i++) {
            k0[i] = key[i];
        }
    }
    for (i = 0; i < 64; i++) {
        pad[i] = (uint8_t)(k0[i] ^ 0x36);
    }
    sha256_init(&ctx->inner);
    sha256_update(&ctx->inner, pad, 64);
    for (i = 0; i < 64; i++) {
        pad[i] = (uint8_t)(k0[i] ^ 0x5c);
    }
    sha256_init(&ctx->outer);
    sha256_update(&ctx->outer, pad, 64);
    crypto_wipe(k0, sizeof k0);
    crypto_wipe(pad, sizeof pad);
    return CRYPTO_OK;
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
    crypto_burn_stack(320); /* the compression function's spilled working variables */
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
