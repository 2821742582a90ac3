/*
 * Cortex-M4 benchmark of the native crypto module on QEMU mps2-an386 (-icount shift=0).
 * Prints JSON lines:
 *   {"calibration": ...}                          SysTick ticks of a loop of known length
 *   {"op": "...", "instructions": N}              per operation call (arguments set up + call + return)
 *   {"module": "...", "textBytes": N, "dataBytes": N, "stackBytes": N}
 *       textBytes: code + read-only data (flash); dataBytes: initialised data + bss (RAM; the T-table
 *       AES's tables, which must be in SRAM); the "aes" line also names the software AES ("impl").
 *
 * Instruction counts: each op runs `reps` times back to back between two SysTick reads, and so does
 * an empty function; the difference, times the calibrated instructions per tick (40: SysTick runs at
 * the 25 MHz SYSCLK while each instruction is 1 ns of virtual time), divided by reps, plus the empty
 * function's single `bx lr`. reps is chosen so one measurement spans >= 8 million instructions, so
 * the granularity (40 / reps instructions) is below 0.05 for every op under 160,000 instructions.
 *
 * Stack: the stack below the caller is painted with a pattern, the op runs once, and the deepest
 * overwritten word gives the bytes it used (stackBytes of a module = its deepest op). The ECB driver
 * cannot run here (no ECB peripheral in QEMU); its figure is the sum of the static frames from
 * -fstack-usage (it calls only crypto_wipe).
 */
#include <stdint.h>

#include "aes.h"
#include "board.h"
#include "ccm.h"
#include "cmac.h"
#include "hmac_sha256.h"
#include "sha256.h"
#include "sizes.h"
#if defined(CRYPTO_HAVE_P256)
#include "p256.h"
#endif

typedef void (*op_fn)(void);

static uint8_t key[16] = { 0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c };
static uint8_t hkey[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32 };
static uint8_t nonce[13] = { 0xda, 0x7d, 0xdb, 0xe7, 0x8b, 0x5f, 0x62, 0xb8, 0x1d, 0x68, 0x47, 0x48, 0x7e };
static uint8_t msg[64];
static uint8_t ct[64];
static uint8_t out[64];
static aes128_key_schedule ks, ks2;
static sha256_ctx sha;

static void op_empty(void) {}
static void op_aes128_block(void) { aes128_encrypt(key, msg, out); }
static void op_aes128_block_expanded(void) { aes128_encrypt_expanded(&ks, msg, out); }
static void op_aes128_expand_key(void) { aes128_expand_key(&ks2, key); }
static void op_aes128_2blocks_expanded(void) { aes128_encrypt2_expanded(&ks, msg, msg + 16, out, out + 16); }
static void op_cmac_16(void) { aes_cmac(key, msg, 16, out); }
static void op_cmac_32(void) { aes_cmac(key, msg, 32, out); }
static void op_ccm_encrypt_25(void) { aes_ccm_encrypt(key, nonce, 0, 0, msg, 25, 8, out); }
static void op_ccm_decrypt_25(void) { aes_ccm_decrypt(key, nonce, 0, 0, ct, 33, 8, out); }
static void op_sha256_block(void) { sha256_update(&sha, msg, 64); }
static void op_sha256_64(void) { sha256(msg, 64, out); }
static void op_hmac_sha256_64(void) { hmac_sha256(hkey, 32, msg, 64, out); }

#if defined(CRYPTO_HAVE_P256)
/* Mesh sample data (8.17): PrivProv and PubDev. */
static const uint8_t priv_prov[32] = {
    0x06, 0xa5, 0x16, 0x69, 0x3c, 0x9a, 0xa3, 0x1a, 0x60, 0x84, 0x54, 0x5d, 0x0c, 0x5d, 0xb6, 0x41,
    0xb4, 0x85, 0x72, 0xb9, 0x72, 0x03, 0xdd, 0xff, 0xb7, 0xac, 0x73, 0xf7, 0xd0, 0x45, 0x76, 0x63,
};
static const uint8_t pub_dev[64] = {
    0xf4, 0x65, 0xe4, 0x3f, 0xf2, 0x3d, 0x3f, 0x1b, 0x9d, 0xc7, 0xdf, 0xc0, 0x4d, 0xa8, 0x75, 0x81,
    0x84, 0xdb, 0xc9, 0x66, 0x20, 0x47, 0x96, 0xec, 0xcf, 0x0d, 0x6c, 0xf5, 0xe1, 0x65, 0x00, 0xcc,
    0x02, 0x01, 0xd0, 0x48, 0xbc, 0xbb, 0xd8, 0x99, 0xee, 0xef, 0xc4, 0x24, 0x16, 0x4e, 0x33, 0xc2,
    0x01, 0xc2, 0xb0, 0x10, 0xca, 0x6b, 0x4d, 0x43, 0xa8, 0xa1, 0x55, 0xca, 0xd8, 0xec, 0xb2, 0x79,
};
static uint8_t p256_priv[32], p256_pub[64];
static uint32_t rng_state = 1;

static int bench_rng(void *ctx, uint8_t *o, size_t n)
{
    (void)ctx;
    while (n--) {
        rng_state = rng_state * 1103515245u + 12345u;
        *o++ = (uint8_t)(rng_state >> 16);
    }
    return 0;
}

static void op_p256_keygen(void) { p256_keygen(p256_priv, p256_pub, bench_rng, 0); }
static void op_p256_ecdh(void) { p256_ecdh(out, priv_prov, pub_dev); }
static void op_p256_validate(void) { p256_validate_public(pub_dev); }
#endif

static const struct {
    const char *name;
    const char *module;
    op_fn fn;
} ops[] = {
    { "aes128_block", "aes", op_aes128_block },
    { "aes128_block_expanded", "aes", op_aes128_block_expanded },
    { "aes128_expand_key", "aes", op_aes128_expand_key },
    { "aes128_2blocks_expanded", "aes", op_aes128_2blocks_expanded },
    { "cmac_16", "cmac", op_cmac_16 },
    { "cmac_32", "cmac", op_cmac_32 },
    { "ccm_encrypt_25", "ccm", op_ccm_encrypt_25 },
    { "ccm_decrypt_25", "ccm", op_ccm_decrypt_25 },
    { "sha256_block", "sha256", op_sha256_block },
    { "sha256_64", "sha256", op_sha256_64 },
    { "hmac_sha256_64", "hmac_sha256", op_hmac_sha256_64 },
#if defined(CRYPTO_HAVE_P256)
    { "p256_keygen", "p256", op_p256_keygen },
    { "p256_ecdh", "p256", op_p256_ecdh },
    { "p256_validate", "p256", op_p256_validate },
#endif
};
#define NOPS (sizeof ops / sizeof ops[0])

static const struct {
    const char *name;
    uint32_t text;
    uint32_t data;
} modules[] = {
    { "aes", TEXT_aes, DATA_aes },
    { "cmac", TEXT_cmac, DATA_cmac },
    { "ccm", TEXT_ccm, DATA_ccm },
    { "sha256", TEXT_sha256, DATA_sha256 },
    { "hmac_sha256", TEXT_hmac_sha256, DATA_hmac_sha256 },
#if defined(CRYPTO_HAVE_P256)
    { "p256", TEXT_p256, DATA_p256 },
#endif
    { "crypto_common", TEXT_crypto_common, DATA_crypto_common },
    { "aes_nrf52_ecb", TEXT_nrf52_ecb, DATA_nrf52_ecb },
};
#define NMODULES (sizeof modules / sizeof modules[0])

static uint32_t instructions_per_tick;

static uint32_t time_reps(op_fn f, uint32_t reps)
{
    uint32_t start = board_systick_sync(), i;
    for (i = 0; i < reps; i++) {
        f();
    }
    return board_systick_elapsed(start, board_systick_now());
}

static uint32_t count_instructions(op_fn f)
{
    uint32_t est, reps, t_op, t_empty;
    /* Rough estimate from a few runs, then enough reps for >= 8M instructions (<= 1000 reps). */
    est = time_reps(f, 4) * instructions_per_tick / 4 + 1;
    reps = 8000000u / est;
    if (reps < 1) reps = 1;
    if (reps > 1000) reps = 1000;
    t_op = time_reps(f, reps);
    t_empty = time_reps(op_empty, reps);
    return (uint32_t)(((uint64_t)(t_op - t_empty) * instructions_per_tick + reps / 2) / reps) + 1;
}

#define PAINT 0xA5C3E1F0u

static uint32_t stack_bytes(op_fn f)
{
    uintptr_t sp = board_sp();
    volatile uint32_t *lo = (volatile uint32_t *)board_stack_bottom();
    volatile uint32_t *hi = (volatile uint32_t *)(sp & ~(uintptr_t)3);
    volatile uint32_t *p;
    for (p = lo; p < hi; p++) {
        *p = PAINT;
    }
    f();
    for (p = lo; p < hi && *p == PAINT; p++) {
    }
    return (uint32_t)(sp - (uintptr_t)p);
}

static int streq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

static void calibrate(void)
{
    /* 2,000,000 instructions exactly: the difference of two runs of the 2-instruction loop. */
    uint32_t s, t1, t2;
    s = board_systick_sync();
    board_spin(1000000);
    t1 = board_systick_elapsed(s, board_systick_now());
    s = board_systick_sync();
    board_spin(2000000);
    t2 = board_systick_elapsed(s, board_systick_now());
    instructions_per_tick = (2000000u + (t2 - t1) / 2) / (t2 - t1);
    board_puts("{\"calibration\": {\"loopInstructions\": 2000000, \"ticks\": ");
    board_put_u32(t2 - t1);
    board_puts(", \"instructionsPerTick\": ");
    board_put_u32(instructions_per_tick);
    board_puts(", \"opt\": \"" BENCH_OPT "\"}}\n");
}

int main(void)
{
    uint32_t stack[NOPS];
    unsigned i, m;

    board_systick_start();
    calibrate();
    for (i = 0; i < sizeof msg; i++) {
        msg[i] = (uint8_t)(i * 7 + 1);
    }
    aes128_expand_key(&ks, key);
    aes_ccm_encrypt(key, nonce, 0, 0, msg, 25, 8, ct);
    sha256_init(&sha);

    for (i = 0; i < NOPS; i++) {
        uint32_t n = count_instructions(ops[i].fn);
        stack[i] = stack_bytes(ops[i].fn);
        board_puts("{\"op\": \"");
        board_puts(ops[i].name);
        board_puts("\", \"instructions\": ");
        board_put_u32(n);
        board_puts("}\n");
    }
    for (m = 0; m < NMODULES; m++) {
        uint32_t s = 0;
        for (i = 0; i < NOPS; i++) {
            if (streq(ops[i].module, modules[m].name) && stack[i] > s) {
                s = stack[i];
            }
        }
        if (streq(modules[m].name, "aes_nrf52_ecb")) {
            s = SU_nrf52_ecb;
        }
        board_puts("{\"module\": \"");
        board_puts(modules[m].name);
        if (streq(modules[m].name, "aes")) {
            board_puts("\", \"impl\": \"" AES128_SW_IMPL);
        }
        board_puts("\", \"textBytes\": ");
        board_put_u32(modules[m].text);
        board_puts(", \"dataBytes\": ");
        board_put_u32(modules[m].data);
        board_puts(", \"stackBytes\": ");
        board_put_u32(s);
        board_puts("}\n");
    }
    return 0;
}
