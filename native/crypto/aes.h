/*
 * AES-128 block encryption (FIPS-197), encryption direction only (all that CMAC, CCM and the
 * Mesh functions s1/k1..k4/e need).
 *
 * Backends (chosen at build time):
 *   default                         portable constant-time software (aes.c, implementation below)
 *   CRYPTO_AES_BACKEND_NRF52_ECB    nRF52840 ECB peripheral (nrf52/ecb.c); falls back to the
 *                                   software code when the peripheral reports ERRORECB or times out.
 *
 * Software implementations (chosen at build time, both constant time on their targets; the same
 * API and the same results):
 *
 *   CRYPTO_AES_SW_TTABLE     the default on Cortex-M3/M4 (__ARM_ARCH_7M__ / __ARM_ARCH_7EM__).
 *       T-table AES: each round is 16 lookups into one 1 KB table T0 (the tables of rows 1..3 are
 *       its rotations, applied by the barrel shifter for free), the last round and the key schedule
 *       look up a 256-byte S-box. The indices are key- and data-dependent; that is constant time
 *       only where every load takes the same time whatever its address (Schwabe and Stoffelen,
 *       "All the AES You Need on Cortex-M3 and M4", SAC 2016). The precondition, which the build
 *       must keep:
 *         - the tables are read from zero-wait-state SRAM with no data cache in the way. They are
 *           initialised data in the sections .data.aes_te0 and .data.aes_sbox, which every linker
 *           script of this project (native/nrf52/sections.ld, the twin's, native/bench's) places in
 *           RAM with the rest of .data (*(.data .data.*) > RAM AT > FLASH). Flash is not acceptable:
 *           the nRF52840 caches flash reads (NVMC ICACHE) and flash has wait states.
 *         - T0 is 1024-byte aligned and the S-box 256-byte aligned, so each lies inside one RAM
 *           block (AHB slave; 4 KB sections on the nRF52840): which block a load goes to never
 *           depends on the index, so bus contention with EasyDMA cannot depend on it either.
 *         - no other bus master is given priority over the CPU by address in a way that depends on
 *           the index (true of the nRF52840's AHB multilayer), and no cache is ever placed in
 *           front of that RAM (true of every Cortex-M3/M4; not of Cortex-M7 with its D-cache,
 *           where this backend must not be used: build that with CRYPTO_AES_SW_BITSLICED).
 *       Nothing else depends on secrets: no branch on key or data, a fixed instruction sequence.
 *       RAM cost: 1,280 bytes of initialised data (also in flash as the .data load image), plus
 *       alignment padding. Expanded key: 44 words (176 bytes).
 *
 *   CRYPTO_AES_SW_BITSLICED  the default everywhere else (hosts with data caches, where table
 *       lookups are NOT constant time). The 16 state bytes are held bit-sliced in 8 32-bit words
 *       (word i holds bit i of every byte), so SubBytes is a Boolean circuit evaluated on all bytes
 *       at once: no table lookup and no branch depends on the key or the data. The key schedule
 *       runs in the same S-box evaluation as the state (in 4 spare lanes), so aes128_encrypt needs
 *       no separate key expansion. Expanded key: 11 x 8 words (352 bytes), bitsliced.
 *
 * Define one of the two to override the choice (for example CRYPTO_AES_SW_TTABLE on the host to
 * test that code under the sanitizers, as `make -C native host-test` does; the tables are then not
 * constant time, which is fine for a test).
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
#if defined(__ARM_ARCH_7EM__) || defined(__ARM_ARCH_7M__)
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
