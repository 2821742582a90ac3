/*
 * AES-CCM with AES-128 (NIST SP 800-38C) and a 13-byte nonce, as Bluetooth Mesh uses it
 * (Mesh Protocol 1.1 section 3.9.5: network, application, device and provisioning data encryption).
 *
 * With a 13-byte nonce the length field is 2 bytes (q = 2), so the payload is at most 65535 bytes.
 * mic_len is the MIC (tag) size in bytes: 4 or 8 for Mesh; any even value 4..16 is accepted.
 * aad may be NULL when aad_len is 0 (no associated data); the plaintext may be empty.
 *
 * aes_ccm_encrypt writes ciphertext || MIC, pt_len + mic_len bytes, to out.
 * aes_ccm_decrypt takes ciphertext || MIC (in_len >= mic_len), checks the MIC in constant time, and only
 * when it matches writes the in_len - mic_len plaintext bytes to out; otherwise it returns
 * CRYPTO_ERR_AUTH and out is untouched. out may be the same buffer as the input (in place), but the
 * buffers must not otherwise overlap.
 * All functions return CRYPTO_OK or a negative CRYPTO_ERR_* (crypto_common.h).
 */
#ifndef CRYPTO_CCM_H
#define CRYPTO_CCM_H

#include <stddef.h>
#include <stdint.h>
#include "crypto_common.h"

#define AES_CCM_NONCE_BYTES 13
#define AES_CCM_MAX_PAYLOAD 65535u

int aes_ccm_encrypt(const uint8_t key[16], const uint8_t nonce[13],
                    const uint8_t *aad, size_t aad_len,
                    const uint8_t *pt, size_t pt_len,
                    size_t mic_len, uint8_t *out);

int aes_ccm_decrypt(const uint8_t key[16], const uint8_t nonce[13],
                    const uint8_t *aad, size_t aad_len,
                    const uint8_t *in, size_t in_len,
                    size_t mic_len, uint8_t *out);

#endif
