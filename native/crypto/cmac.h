/*
 * AES-CMAC with AES-128 (RFC 4493; NIST SP 800-38B), streaming and one-shot, 16-byte tag.
 * The Mesh functions s1, k1..k4 and the provisioning confirmations are built on it (Mesh Protocol 1.1
 * section 3.9.2). aes_cmac_final wipes the context. Truncated tags: take the first bytes of the tag.
 * All functions return CRYPTO_OK or a negative CRYPTO_ERR_* (crypto_common.h).
 */
#ifndef CRYPTO_CMAC_H
#define CRYPTO_CMAC_H

#include <stddef.h>
#include <stdint.h>
#include "aes.h"

#define AES_CMAC_BYTES 16

typedef struct {
    aes128_ctx aes;
    uint8_t k1[16], k2[16];  /* subkeys (RFC 4493 2.3) */
    uint8_t x[16];           /* CBC chaining value */
    uint8_t buf[16];         /* last, possibly complete, block: kept until final */
    uint32_t buf_len;
    uint32_t have_subkeys;   /* L is computed with the first chained block, or at final */
    uint32_t magic;
} aes_cmac_ctx;

int aes_cmac_init(aes_cmac_ctx *ctx, const uint8_t key[16]);
/** data may be NULL when len is 0. */
int aes_cmac_update(aes_cmac_ctx *ctx, const uint8_t *data, size_t len);
int aes_cmac_final(aes_cmac_ctx *ctx, uint8_t mac[16]);

/** One-shot AES-CMAC of msg (NULL allowed when len is 0). */
int aes_cmac(const uint8_t key[16], const uint8_t *msg, size_t len, uint8_t mac[16]);

#endif
