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
 * return; best effort (the stack layout is the compiler's). About 10 + 3 per 16 bytes Cortex-M4
 * instructions (45 for the 128 bytes the T-table AES clears); build with -DCRYPTO_NO_STACK_BURN to
 * skip it.
 */
void crypto_burn_stack(size_t bytes);

/*
 * Module-internal, for the crypto sources: the clean-up every public function that handles a key or
 * secret data does after its work. The work runs in a noinline inner function; when it returns, its
 * last values may still be in the caller-saved registers (r0-r3, r12 on Arm), and the next function
 * called (crypto_burn_stack, crypto_wipe) could push one of them into its frame: CRYPTO_CLEAR_SCRATCH_REGS
 * zeroes them first. CRYPTO_SCRUB(bytes) then clears `bytes` of stack below the public function: the
 * inner function's frame and every frame below it (spilled state, and the caller-saved and callee-saved
 * registers its callees pushed, which can hold the inner function's secrets). Size `bytes` to the
 * inner call tree (make -C native stack-usage); the Cortex-M4 test run checks it
 * (native/crypto/test/test_crypto.c, stack residue).
 */
#if defined(__GNUC__) && defined(__arm__) && defined(__thumb2__)
#define CRYPTO_CLEAR_SCRATCH_REGS() \
    __asm__ volatile("movs r0, #0\n\tmovs r1, #0\n\tmovs r2, #0\n\tmovs r3, #0\n\tmov r12, r0" \
                     ::: "r0", "r1", "r2", "r3", "r12", "cc", "memory")
#else
#define CRYPTO_CLEAR_SCRATCH_REGS() ((void)0)
#endif
#define CRYPTO_SCRUB(bytes) do { CRYPTO_CLEAR_SCRATCH_REGS(); crypto_burn_stack(bytes); } while (0)
#if defined(__GNUC__)
#define CRYPTO_NOINLINE __attribute__((noinline))
#else
#define CRYPTO_NOINLINE
#endif

/** Compares n bytes in time independent of the contents: returns 1 when equal, 0 otherwise. */
int crypto_ct_equal(const uint8_t *a, const uint8_t *b, size_t n);

#endif
