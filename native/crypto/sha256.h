/*
 * SHA-256 (FIPS 180-4), streaming and one-shot.
 *
 *   sha256_ctx c;
 *   sha256_init(&c); sha256_update(&c, part1, n1); sha256_update(&c, part2, n2); sha256_final(&c, digest);
 *
 * Messages up to 2^61 - 1 bytes. sha256_final wipes the context; a finished context must be
 * initialised again before reuse (CRYPTO_ERR_STATE otherwise).
 * All functions return CRYPTO_OK or a negative CRYPTO_ERR_* (crypto_common.h).
 */
#ifndef CRYPTO_SHA256_H
#define CRYPTO_SHA256_H

#include <stddef.h>
#include <stdint.h>
#include "crypto_common.h"

#define SHA256_DIGEST_BYTES 32
#define SHA256_BLOCK_BYTES 64

typedef struct {
    uint32_t state[8];
    uint64_t total;        /* message bytes so far */
    uint8_t buf[64];       /* pending partial block */
    uint32_t buf_len;
    uint32_t magic;        /* SHA256_MAGIC while initialised */
} sha256_ctx;

int sha256_init(sha256_ctx *ctx);
/** data may be NULL when len is 0. */
int sha256_update(sha256_ctx *ctx, const uint8_t *data, size_t len);
int sha256_final(sha256_ctx *ctx, uint8_t digest[32]);

/** One-shot SHA-256 of data (NULL allowed when len is 0). */
int sha256(const uint8_t *data, size_t len, uint8_t digest[32]);

#endif
