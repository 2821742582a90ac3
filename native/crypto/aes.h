/*
 * AES-128 block encryption (FIPS-197), encryption direction only (all that CMAC, CCM and the
 * Mesh functions s1/k1..k4/e need).
 *
 * Backends (chosen at build time):
 *   default                         portable constant-time software (bitsliced; aes.c)
 *   CRYPTO_AES_BACKEND_NRF52_ECB    nRF52840 ECB peripheral (nrf52/ecb.c); falls back to the
 *                                   software code when the peripheral reports ERRORECB or times out.
 *
 * Software implementation: the 16 state bytes are held bit-sliced in 8 32-bit words (word i holds
 * bit i of every byte), so SubBytes is a Boolean circuit evaluated on all bytes at once: no table
 * lookup and no branch depends on the key or the data. The key schedule runs in the same S-box
 * evaluation as the state (in 4 spare lanes), so aes128_encrypt needs no separate key expansion.
 *
 * All functions return CRYPTO_OK or a negative CRYPTO_ERR_* (crypto_common.h). in and out may alias.
 */
#ifndef CRYPTO_AES_H
#define CRYPTO_AES_H

#include <stdint.h>
#include "crypto_common.h"

#define AES128_KEY_BYTES 16
#define AES128_BLOCK_BYTES 16

/** Encrypts one block with the configured backend (hardware with software fallback, or software). */
int aes128_encrypt(const uint8_t key[16], const uint8_t in[16], uint8_t out[16]);

/** Encrypts one block with the portable software implementation, whatever the backend. */
int aes128_encrypt_sw(const uint8_t key[16], const uint8_t in[16], uint8_t out[16]);

/** Round keys in the bitsliced layout of the software implementation (352 bytes). Wipe after use. */
typedef struct {
    uint32_t rk[11][8];
} aes128_key_schedule;

/** Expands key into ks (software), for many blocks under one key. */
int aes128_expand_key(aes128_key_schedule *ks, const uint8_t key[16]);

/** Encrypts one block with an expanded key (software). */
int aes128_encrypt_expanded(const aes128_key_schedule *ks, const uint8_t in[16], uint8_t out[16]);

/**
 * Encrypts two independent blocks with an expanded key in one pass (software): the second block
 * rides in the lanes the first leaves free, so two blocks cost about 1.1 times one. Used for the
 * CBC-MAC and CTR halves of CCM, and for CMAC's subkey with its first block. Any aliasing is fine.
 */
int aes128_encrypt2_expanded(const aes128_key_schedule *ks, const uint8_t in0[16], const uint8_t in1[16],
                             uint8_t out0[16], uint8_t out1[16]);

/**
 * A key ready for several blocks, used by CMAC and CCM: the key itself for the hardware backend,
 * the expanded key for the software backend. Init, encrypt blocks, then aes128_ctx_wipe.
 */
typedef struct {
#if defined(CRYPTO_AES_BACKEND_NRF52_ECB)
    uint8_t key[16];
#else
    aes128_key_schedule ks;
#endif
} aes128_ctx;

int aes128_ctx_init(aes128_ctx *ctx, const uint8_t key[16]);
int aes128_ctx_encrypt(const aes128_ctx *ctx, const uint8_t in[16], uint8_t out[16]);
/** Two independent blocks (one pass in software; two peripheral runs with the ECB backend, where
 * out0 must not alias in1). */
int aes128_ctx_encrypt2(const aes128_ctx *ctx, const uint8_t in0[16], const uint8_t in1[16],
                        uint8_t out0[16], uint8_t out1[16]);
void aes128_ctx_wipe(aes128_ctx *ctx);

#endif
