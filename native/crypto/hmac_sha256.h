/*
 * HMAC-SHA256 (RFC 2104 with SHA-256; test vectors RFC 4231), streaming and one-shot.
 * Keys of any length (longer than 64 bytes are hashed first, RFC 2104 section 2); a NULL key is
 * allowed when key_len is 0. hmac_sha256_final wipes the context.
 * All functions return CRYPTO_OK or a negative CRYPTO_ERR_* (crypto_common.h).
 */
#ifndef CRYPTO_HMAC_SHA256_H
#define CRYPTO_HMAC_SHA256_H

#include <stddef.h>
#include <stdint.h>
#include "sha256.h"

#define HMAC_SHA256_BYTES 32

typedef struct {
    sha256_ctx inner;   /* H(K ^ ipad || ...) */
    sha256_ctx outer;   /* H(K ^ opad || ...), started at init */
} hmac_sha256_ctx;

int hmac_sha256_init(hmac_sha256_ctx *ctx, const uint8_t *key, size_t key_len);
int hmac_sha256_update(hmac_sha256_ctx *ctx, const uint8_t *data, size_t len);
int hmac_sha256_final(hmac_sha256_ctx *ctx, uint8_t mac[32]);

int hmac_sha256(const uint8_t *key, size_t key_len, const uint8_t *data, size_t len, uint8_t mac[32]);

#endif
