/*
 * nRF52840 ECB peripheral (AES-128 block encryption in hardware), written from the nRF52840 Product
 * Specification, section "ECB - AES electronic codebook mode encryption".
 *
 * Used by aes128_encrypt when built with CRYPTO_AES_BACKEND_NRF52_ECB: that function falls back to the
 * software implementation whenever this one returns an error.
 *
 * Registers (base 0x4000E000):
 *   0x000 TASKS_STARTECB   start encrypting the block at ECBDATAPTR
 *   0x004 TASKS_STOPECB    abort
 *   0x100 EVENTS_ENDECB    done: CIPHERTEXT written
 *   0x104 EVENTS_ERRORECB  aborted (STOPECB, or the AES core was taken by CCM/AAR, which have priority)
 *   0x304 INTENSET, 0x308 INTENCLR
 *   0x504 ECBDATAPTR       address in Data RAM (EasyDMA) of the 48-byte block
 *                          KEY[16] | CLEARTEXT[16] | CIPHERTEXT[16], bytes in FIPS-197 order
 *
 * Not reentrant: the caller must not use the ECB from an interrupt while a call runs (and must not
 * use it at all while a SoftDevice owns it).
 */
#ifndef CRYPTO_NRF52_ECB_H
#define CRYPTO_NRF52_ECB_H

#include <stdint.h>
#include "../crypto_common.h"

#ifndef NRF52_ECB_BASE
#define NRF52_ECB_BASE 0x4000E000u
#endif

/* Polls of EVENTS_ENDECB before giving up (one block takes a few microseconds; this is far more). */
#ifndef NRF52_ECB_TIMEOUT_POLLS
#define NRF52_ECB_TIMEOUT_POLLS 20000u
#endif

#define NRF52_ECB_TASKS_STARTECB 0x000u
#define NRF52_ECB_TASKS_STOPECB 0x004u
#define NRF52_ECB_EVENTS_ENDECB 0x100u
#define NRF52_ECB_EVENTS_ERRORECB 0x104u
#define NRF52_ECB_INTENSET 0x304u
#define NRF52_ECB_INTENCLR 0x308u
#define NRF52_ECB_ECBDATAPTR 0x504u

/**
 * Encrypts one block with the ECB peripheral. Returns CRYPTO_OK, CRYPTO_ERR_NULL, or CRYPTO_ERR_HW when
 * the peripheral reported ERRORECB or did not finish in NRF52_ECB_TIMEOUT_POLLS polls (out is then not
 * written). The key and data are wiped from the DMA block afterwards.
 */
int nrf52_ecb_encrypt(const uint8_t key[16], const uint8_t in[16], uint8_t out[16]);

#if defined(NRF52_ECB_TEST)
/* Host tests: the registers live in this array (0x600 bytes), and the driver calls the hook on every
 * poll with the DMA block, so a test can play the peripheral (finish, fail, or never answer). */
extern volatile uint32_t nrf52_ecb_test_regs[0x600 / 4];
void nrf52_ecb_test_poll(uint8_t block[48]);
#endif

#endif
