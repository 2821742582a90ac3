/*
 * NIST P-256 (secp256r1) key generation and ECDH for the native crypto module.
 *
 * Used by Mesh Protocol 1.1 section 5.4.2.3 (public key exchange) and 5.4.2.4
 * (ECDHSecret = the x coordinate of the shared point).
 *
 * Portable C99, no heap, constant time in the secret scalar. On Cortex-M4
 * (__ARM_ARCH_7EM__) the field multiplication uses inline assembly.
 *
 * All byte strings are big-endian. A public key is X || Y (64 bytes, no 0x04 prefix).
 * Every function returns 0 on success or a negative P256_ERR_* code; a NULL
 * argument gives P256_ERR_ARG. On error the output buffers are zeroed.
 */
#ifndef P256_H
#define P256_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define P256_OK 0
#define P256_ERR_INVALID_POINT (-1)  /* coordinate >= p, not on the curve, or (0,0) */
#define P256_ERR_INVALID_SCALAR (-2) /* private key not in [1, n-1] */
#define P256_ERR_RNG (-3)            /* the RNG failed, or gave no valid scalar in the allowed tries */
#define P256_ERR_ARG (-4)            /* NULL argument */

/* Random source: fill out[0..len) with random bytes; return 0 on success. */
typedef int (*p256_rng_fn)(void *ctx, uint8_t *out, size_t len);

/* Draws 32 bytes until 1 <= d < n (rejection sampling, at most P256_KEYGEN_TRIES
 * draws, then P256_ERR_RNG), and computes pub = d*G. */
#define P256_KEYGEN_TRIES 64
int p256_keygen(uint8_t priv[32], uint8_t pub[64], p256_rng_fn rng, void *rng_ctx);

/* pub = priv*G. P256_ERR_INVALID_SCALAR unless 1 <= priv < n. */
int p256_public_from_private(uint8_t pub[64], const uint8_t priv[32]);

/* secret = x coordinate of priv*peer_pub. Validates peer_pub first
 * (P256_ERR_INVALID_POINT), then priv (P256_ERR_INVALID_SCALAR). */
int p256_ecdh(uint8_t secret[32], const uint8_t priv[32], const uint8_t peer_pub[64]);

/* 0 if pub is a valid point: x, y < p and y^2 = x^3 - 3x + b (so (0,0) is
 * rejected); P256_ERR_INVALID_POINT otherwise. Not secret: variable time. */
int p256_validate_public(const uint8_t pub[64]);

#ifdef __cplusplus
}
#endif

#endif /* P256_H */
