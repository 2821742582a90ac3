/*
 * AES-128 block encryption (FIPS-197), encryption direction only (all that CMAC, CCM and the
 * Mesh functions s1/k1..k4/e need).
 *
 * Backends (chosen at build time):
 *   default                         portable constant-time software (aes.c, implementation below)
 *   CRYPTO_AES_BACKEND_NRF52_ECB    nRF52840 ECB peripheral (nrf52/ecb.c); falls back to the
 *                                   software code when the peripheral reports ERRORECB or times out.
 *
 * Software implementations (chosen at build time; the same API and the same results; each is
 * constant time in the key and the data on the targets it is chosen for):
 *
 *   CRYPTO_AES_SW_TTABLE     the default on Cortex-M3/M4 (__ARM_ARCH_7M__ / __ARM_ARCH_7EM__ without a
 *       double-precision FPU, which would mean a Cortex-M7).
 *       T-table AES: each round is 16 lookups into one 1 KB table T0 (the tables of rows 1..3 are
 *       its rotations, applied by the barrel shifter for free); the last round and the key schedule
 *       look up a 256-byte S-box. The table indices depend on the key and the data, and nothing else
 *       does (no branch on secrets, a fixed instruction sequence). Such lookups are constant time
 *       where a load takes the same time whatever its address, which holds on the Cortex-M3/M4 for
 *       SRAM: no data cache, single-cycle uniform access (Schwabe and Stoffelen, "All the AES You
 *       Need on Cortex-M3 and M4", SAC 2016). The precondition, which every build must keep:
 *         - the tables are read from zero-wait-state SRAM, with no cache in the way. They are
 *           initialised (non-const) data in their own section, .data.aes_tables, which every linker
 *           script of this project (native/nrf52/sections.ld, used by the nRF52840 image and its
 *           twin; native/bench/mps2_an386.ld) places in RAM with the rest of .data
 *           (*(.data .data.*) > RAM AT > FLASH); `make -C native m4-test` checks the address. Never
 *           move them to flash (.rodata): flash has wait states and the nRF52840 caches flash reads
 *           (NVMC ICACHE), so the time would depend on the index.
 *         - the tables are 1024-byte aligned (T0 at +0, the S-box at +1024), so each lies inside
 *           one RAM block (the nRF52840's RAM AHB slaves start at multiples of 8 KB): which slave a
 *           load goes to never depends on the index, so neither can a stall from another bus master
 *           (EasyDMA) using the same slave.
 *         - not for a core with a data cache (Cortex-M7, application processors): there, and on
 *           hosts, the bitsliced code is the default; do not force CRYPTO_AES_SW_TTABLE in a build
 *           that ships there.
 *       RAM: 1,280 bytes of tables (initialised data, so also 1,280 bytes of flash for the .data
 *       load image), plus up to 1,020 bytes of alignment padding before them, depending on the other
 *       .data of the image. Expanded key: 44 words (176 bytes).
 *
 *   CRYPTO_AES_SW_BITSLICED  the default everywhere else (hosts with data caches, where table
 *       lookups are NOT constant time). The 16 state bytes are held bit-sliced in 8 32-bit words
 *       (word i holds bit i of every byte), so SubBytes is a Boolean circuit evaluated on all bytes
 *       at once: no table lookup and no branch depends on the key or the data. The key schedule
 *       runs in the same S-box evaluation as the state (in 4 spare lanes), so aes128_encrypt needs
 *       no separate key expansion. Expanded key: 11 x 8 words (352 bytes), bitsliced.
 *
 * Define one of the two to override the choice: CRYPTO_AES_SW_BITSLICED on a Cortex-M4 (make -C
 * native m4-test runs the test vectors with both), CRYPTO_AES_SW_TTABLE on the host to test that
 * code under the sanitizers (make -C native host-test does; not constant time there, fine for a test).
 *
 * Both clear what they leave behind: the stack their inner functions used (crypto_burn_stack) and,
 * on Arm, the caller-saved registers, so no key- or data-dependent value stays on the stack after a
 * call (checked on the Cortex-M4 by comparing the stack after runs with different keys and data).
 *
 * All functions return CRYPTO_OK or a negative CRYPTO_ERR_* (crypto_common.h). in and out may alias.
 */
#ifndef CRYPTO_AES_H
#define CRYPTO_AES_H

#include <stdint.h>
#include "crypto_common.h"

#define AES128_KEY_BYTES 16
#define AES128_BLOCK_BYTES 16

#if defined(CRYPTO_AES_SW_TTABLE) && defined(CRYPTO_AES_SW_BITSLICED)
#error "define at most one of CRYPTO_AES_SW_TTABLE and CRYPTO_AES_SW_BITSLICED"
#endif
#if !defined(CRYPTO_AES_SW_TTABLE) && !defined(CRYPTO_AES_SW_BITSLICED)
#if (defined(__ARM_ARCH_7EM__) || defined(__ARM_ARCH_7M__)) && !(defined(__ARM_FP) && (__ARM_FP & 8))
#define CRYPTO_AES_SW_TTABLE 1
#else
#define CRYPTO_AES_SW_BITSLICED 1
#endif
#endif

/** The software implementation compiled in: "ttable" or "bitsliced" (for tests and benchmarks). */
#if defined(CRYPTO_AES_SW_TTABLE)
#define AES128_SW_IMPL "ttable"
#else
#define AES128_SW_IMPL "bitsliced"
#endif

/** Encrypts one block with the configured backend (hardware with software fallback, or software). */
int aes128_encrypt(const uint8_t key[16], const uint8_t in[16], uint8_t out[16]);

/** Encrypts one block with the portable software implementation, whatever the backend. */
int aes128_encrypt_sw(const uint8_t key[16], const uint8_t in[16], uint8_t out[16]);

/**
 * Round keys of the software implementation, in its own layout: 44 little-endian words w[0..43]
 * (FIPS-197 5.2; 176 bytes) for the T-table code, 11 x 8 bitsliced words (352 bytes) for the
 * bitsliced code. Opaque to callers. Wipe after use.
 */
typedef struct {
#if defined(CRYPTO_AES_SW_TTABLE)
    uint32_t rk[44];
#else
    uint32_t rk[11][8];
#endif
} aes128_key_schedule;

/** Expands key into ks (software), for many blocks under one key. */
int aes128_expand_key(aes128_key_schedule *ks, const uint8_t key[16]);

/** Encrypts one block with an expanded key (software). */
int aes128_encrypt_expanded(const aes128_key_schedule *ks, const uint8_t in[16], uint8_t out[16]);

/**
 * Encrypts two independent blocks with an expanded key (software). Bitsliced: in one pass, the
 * second block riding in the lanes the first leaves free, so two blocks cost about 1.2 times one;
 * T-table: one block after the other. Used for the CBC-MAC and CTR halves of CCM, and for CMAC's
 * subkey with its first block. Any aliasing is fine.
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
