/*
 * Shared definitions of the native crypto module: error codes and two helpers.
 *
 * Every function of the module returns CRYPTO_OK (0) on success or one of the negative codes below;
 * P-256 (p256.h) has its own P256_ERR_* codes. Portable C99, no allocation, no global state.
 */
#ifndef CRYPTO_COMMON_H
#define CRYPTO_COMMON_H

#include <stddef.h>
#include <stdint.h>

#define CRYPTO_OK 0
/** A required pointer argument is NULL. */
#define CRYPTO_ERR_NULL (-1)
/** A length argument is out of range (wrong key/nonce/MIC size, data too long, ...). */
#define CRYPTO_ERR_LENGTH (-2)
/** Authentication failed: the MIC does not match (CCM decryption). Nothing was written to the output. */
#define CRYPTO_ERR_AUTH (-3)
/** Misuse of a streaming context (used before init, or after final). */
#define CRYPTO_ERR_STATE (-4)
/** A hardware block reported an error or timed out (driver level; aes128_encrypt falls back to software). */
#define CRYPTO_ERR_HW (-5)

/** Overwrites n bytes at p with zeros in a way the compiler does not remove (for secrets). p may be NULL when n is 0. */
void crypto_wipe(void *p, size_t n);

/**
 * Overwrites about `bytes` (at most 512) of the stack just below the caller's frame, where the
 * functions it called kept spilled intermediate values. Called by the keyed operations before they
 * return; best effort (the stack layout is the compiler's). About 70 Cortex-M4 instructions for the
 * 128 bytes the AES functions clear; build with -DCRYPTO_NO_STACK_BURN to skip it.
 */
void crypto_burn_stack(size_t bytes);

/** Compares n bytes in time independent of the contents: returns 1 when equal, 0 otherwise. */
int crypto_ct_equal(const uint8_t *a, const uint8_t *b, size_t n);

#endif
