/*
 * AES-128 encryption, constant time (see aes.h for the API and for the choice between the two
 * software implementations below: T-table on the Cortex-M3/M4, bitsliced elsewhere).
 */
#include "aes.h"

#if defined(CRYPTO_AES_BACKEND_NRF52_ECB)
#include "nrf52/ecb.h"
#endif

/* Little-endian words (FIPS-197 byte order: byte 4c + r of a block is bits 8r..8r+7 of word c). */
static uint32_t load32_le(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void store32_le(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/*
 * After a core returns, its last intermediate values may still be in the caller-saved registers
 * (r0-r3, r12 on Arm), and the next function called can push one of them as padding of its frame
 * (crypto_burn_stack does), putting a secret back on the stack: clear them first.
 */
#if defined(__GNUC__) && defined(__arm__) && defined(__thumb2__)
#define CLEAR_SCRATCH_REGS() \
    __asm__ volatile("movs r0, #0\n\tmovs r1, #0\n\tmovs r2, #0\n\tmovs r3, #0\n\tmov r12, r0" \
                     ::: "r0", "r1", "r2", "r3", "r12", "cc", "memory")
#else
#define CLEAR_SCRATCH_REGS() ((void)0)
#endif

#if defined(CRYPTO_AES_SW_TTABLE)
/* ================================================================== T-table implementation
 *
 * State: four little-endian words s0..s3, word c = column c (byte 4c + r = row r in bits 8r..8r+7),
 * as FIPS-197 orders the bytes. A full round, for output column j (indices mod 4):
 *
 *     t_j = T0[row 0 of s_j] ^ rotl8(T0[row 1 of s_j+1]) ^ rotl16(T0[row 2 of s_j+2])
 *           ^ rotl24(T0[row 3 of s_j+3]) ^ rk_j
 *
 * which is SubBytes, ShiftRows (the column offsets), MixColumns (T0[x] is the column (2,1,1,3) times
 * S(x); rotating it by 8 bits per row gives the column for an input in row r) and AddRoundKey. On the
 * Cortex-M4 each term is one byte extraction (UXTB/UBFX/LSR), one LDR with the index scaled by 4, and
 * one EOR whose rotation is done by the barrel shifter: 12 instructions per column. The last round
 * uses the S-box: t_j = S[row 0 of s_j] | S[row 1 of s_j+1] << 8 | ... ^ rk_j.
 *
 * Constant time on the Cortex-M3/M4 because the tables are in SRAM (see aes.h for the precondition):
 * the only secret-dependent thing is the address of a load, and such a load takes the same time at
 * every address. There is no branch on secrets and the instruction sequence is fixed.
 *
 * The work is done by noinline cores; the public functions then clear the scratch registers and
 * the cores' frames (crypto_burn_stack, AES_TT_BURN_BYTES), where the compiler spilled state values.
 */
#include "aes_ttable.inc"

/*
 * Initialised data (not const), so the tables live in RAM (.data), never in flash (.rodata). With
 * GCC/Clang on ELF targets they have their own section, .data.aes_tables (matched by the linker
 * scripts' *(.data .data.*) > RAM), 1024-byte aligned: T0 (1 KB) and the S-box (at +1 KB) then each
 * lie inside one RAM block (AHB slave), as blocks start at multiples of 1 KB or more.
 */
#if defined(__GNUC__) && defined(__ELF__)
#define AES_TABLE_ATTR __attribute__((section(".data.aes_tables"), aligned(1024)))
#else
#define AES_TABLE_ATTR
#endif

static struct {
    uint32_t te0[256];
    uint8_t sbox[256];
} aes_tables AES_TABLE_ATTR = { { AES_TE0_INIT }, { AES_SBOX_INIT } };

/* Stack cleared after the cores (their frames: `make -C native stack-usage`; checked by the Cortex-M4
 * test run, which compares the stack left behind for two different keys and data): one block or the
 * key expansion, and two blocks (tt_encrypt2's frame, with its copy of in1, above tt_encrypt's). */
#define AES_TT_BURN_BYTES 80
#define AES_TT_BURN2_BYTES 128

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

#define B0(x) ((x) & 0xFFu)
#define B1(x) (((x) >> 8) & 0xFFu)
#define B2(x) (((x) >> 16) & 0xFFu)
#define B3(x) ((x) >> 24)

/* One output column of a full round: a, b, c, d are columns j, j+1, j+2, j+3 of the input. */
#define TT_COL(a, b, c, d, k) \
    (te[B0(a)] ^ ROR(te[B1(b)], 24) ^ ROR(te[B2(c)], 16) ^ ROR(te[B3(d)], 8) ^ (k))

#define TT_ROUND(t0, t1, t2, t3, s0, s1, s2, s3, k0, k1, k2, k3) do { \
        t0 = TT_COL(s0, s1, s2, s3, k0); \
        t1 = TT_COL(s1, s2, s3, s0, k1); \
        t2 = TT_COL(s2, s3, s0, s1, k2); \
        t3 = TT_COL(s3, s0, s1, s2, k3); \
    } while (0)

/* One output column of the last round (SubBytes, ShiftRows, AddRoundKey). */
#define SB_COL(a, b, c, d, k) \
    ((uint32_t)sb[B0(a)] ^ ((uint32_t)sb[B1(b)] << 8) ^ ((uint32_t)sb[B2(c)] << 16) ^ \
     ((uint32_t)sb[B3(d)] << 24) ^ (k))

/* SubWord(RotWord(w)) of the key schedule (FIPS-197 5.2). */
#define SUB_ROT(w) \
    ((uint32_t)sb[B1(w)] ^ ((uint32_t)sb[B2(w)] << 8) ^ ((uint32_t)sb[B3(w)] << 16) ^ \
     ((uint32_t)sb[B0(w)] << 24))

/* The next round key (k0..k3 = w[4i..4i+3] -> w[4i+4..4i+7]) with round constant rc. */
#define KEY_STEP(k0, k1, k2, k3, rc) do { \
        k0 ^= SUB_ROT(k3) ^ (rc); \
        k1 ^= k0; \
        k2 ^= k1; \
        k3 ^= k2; \
    } while (0)

/* xtime of the public round constant. */
#define RC_NEXT(rc) (((rc) << 1) ^ (((rc) >> 7) * 0x11Bu))

/* One block with an expanded key. in and out may alias (all of in is read before out is written). */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void tt_encrypt(const uint32_t *rk, const uint8_t in[16], uint8_t out[16])
{
    const uint32_t *te = aes_tables.te0;
    const uint8_t *sb = aes_tables.sbox;
    uint32_t s0, s1, s2, s3, t0, t1, t2, t3;
    unsigned r;

    s0 = load32_le(in) ^ rk[0];
    s1 = load32_le(in + 4) ^ rk[1];
    s2 = load32_le(in + 8) ^ rk[2];
    s3 = load32_le(in + 12) ^ rk[3];
    for (r = 0; r < 4; r++) {               /* rounds 1..8 */
        rk += 8;
        TT_ROUND(t0, t1, t2, t3, s0, s1, s2, s3, rk[-4], rk[-3], rk[-2], rk[-1]);
        TT_ROUND(s0, s1, s2, s3, t0, t1, t2, t3, rk[0], rk[1], rk[2], rk[3]);
    }
    rk += 4;                                 /* round 9 */
    TT_ROUND(t0, t1, t2, t3, s0, s1, s2, s3, rk[0], rk[1], rk[2], rk[3]);
    rk += 4;                                 /* round 10 */
    store32_le(out, SB_COL(t0, t1, t2, t3, rk[0]));
    store32_le(out + 4, SB_COL(t1, t2, t3, t0, rk[1]));
    store32_le(out + 8, SB_COL(t2, t3, t0, t1, rk[2]));
    store32_le(out + 12, SB_COL(t3, t0, t1, t2, rk[3]));
}

/* One block, the round keys computed on the fly (none stored). */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void tt_encrypt_otf(const uint8_t key[16], const uint8_t in[16], uint8_t out[16])
{
    const uint32_t *te = aes_tables.te0;
    const uint8_t *sb = aes_tables.sbox;
    uint32_t s0, s1, s2, s3, t0, t1, t2, t3, k0, k1, k2, k3, rc = 1;
    unsigned r;

    k0 = load32_le(key);
    k1 = load32_le(key + 4);
    k2 = load32_le(key + 8);
    k3 = load32_le(key + 12);
    s0 = load32_le(in) ^ k0;
    s1 = load32_le(in + 4) ^ k1;
    s2 = load32_le(in + 8) ^ k2;
    s3 = load32_le(in + 12) ^ k3;
    for (r = 0; r < 4; r++) {               /* rounds 1..8 */
        KEY_STEP(k0, k1, k2, k3, rc);
        rc = RC_NEXT(rc);
        TT_ROUND(t0, t1, t2, t3, s0, s1, s2, s3, k0, k1, k2, k3);
        KEY_STEP(k0, k1, k2, k3, rc);
        rc = RC_NEXT(rc);
        TT_ROUND(s0, s1, s2, s3, t0, t1, t2, t3, k0, k1, k2, k3);
    }
    KEY_STEP(k0, k1, k2, k3, rc);           /* round 9 */
    rc = RC_NEXT(rc);
    TT_ROUND(t0, t1, t2, t3, s0, s1, s2, s3, k0, k1, k2, k3);
    KEY_STEP(k0, k1, k2, k3, rc);           /* round 10 */
    store32_le(out, SB_COL(t0, t1, t2, t3, k0));
    store32_le(out + 4, SB_COL(t1, t2, t3, t0, k1));
    store32_le(out + 8, SB_COL(t2, t3, t0, t1, k2));
    store32_le(out + 12, SB_COL(t3, t0, t1, t2, k3));
}

/* Key expansion (FIPS-197 5.2): w[0..43]. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void tt_expand(uint32_t w[44], const uint8_t key[16])
{
    const uint8_t *sb = aes_tables.sbox;
    uint32_t k0, k1, k2, k3, rc = 1;
    unsigned r;

    k0 = load32_le(key);
    k1 = load32_le(key + 4);
    k2 = load32_le(key + 8);
    k3 = load32_le(key + 12);
    w[0] = k0;
    w[1] = k1;
    w[2] = k2;
    w[3] = k3;
    for (r = 1; r <= 10; r++) {
        KEY_STEP(k0, k1, k2, k3, rc);
        rc = RC_NEXT(rc);
        w[4 * r] = k0;
        w[4 * r + 1] = k1;
        w[4 * r + 2] = k2;
        w[4 * r + 3] = k3;
    }
}

/* Two blocks: in1 is copied first, so out0 may alias in1. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void tt_encrypt2(const uint32_t *rk, const uint8_t in0[16], const uint8_t in1[16], uint8_t out0[16],
                        uint8_t out1[16])
{
    uint8_t b1[16];
    unsigned i;
    for (i = 0; i < 16; i += 4) {
        store32_le(b1 + i, load32_le(in1 + i));
    }
    tt_encrypt(rk, in0, out0);
    tt_encrypt(rk, b1, out1);
}


static void sw_encrypt(const uint8_t key[16], const uint8_t in[16], uint8_t out[16])
{
    tt_encrypt_otf(key, in, out);
    CLEAR_SCRATCH_REGS();
    crypto_burn_stack(AES_TT_BURN_BYTES);
}

static void sw_expand_key(aes128_key_schedule *ks, const uint8_t key[16])
{
    tt_expand(ks->rk, key);
    CLEAR_SCRATCH_REGS();
    crypto_burn_stack(AES_TT_BURN_BYTES);
}

static void sw_encrypt_expanded(const aes128_key_schedule *ks, const uint8_t in[16], uint8_t out[16])
{
    tt_encrypt(ks->rk, in, out);
    CLEAR_SCRATCH_REGS();
    crypto_burn_stack(AES_TT_BURN_BYTES);
}

static void sw_encrypt2_expanded(const aes128_key_schedule *ks, const uint8_t in0[16], const uint8_t in1[16],
                                 uint8_t out0[16], uint8_t out1[16])
{
    tt_encrypt2(ks->rk, in0, in1, out0, out1);
    CLEAR_SCRATCH_REGS();
    crypto_burn_stack(AES_TT_BURN2_BYTES);
}

#else /* CRYPTO_AES_SW_TTABLE */
/* ================================================================== bitsliced implementation
 *
 * Bitsliced layout. The state (16 bytes, FIPS-197 column-major: byte 4c+r is row r, column c) is held
 * in 8 words q0..q7; word i holds bit i of every byte, one bit ("lane") per byte:
 *
 *     lane of byte (row r, column c) = 8*c + r          (bits 0..3 of byte c of the word)
 *
 * so the high nibble of each byte of a word is spare. That gives cheap round functions:
 *   ShiftRows    row r is rotated by r columns = the word rotated by 8*r bits, for the bits of row r.
 *   MixColumns   needs row r+1 next to row r: with the rows duplicated into the spare nibble
 *                (y | y << 4), "row r+1" is simply y >> 1.
 *   SubBytes     the S-box circuit (aes_sbox.inc, generated by tools/gen_sbox.py) on all 32 lanes.
 * The 4 spare lanes of byte 3 (bits 28..31) carry RotWord(w3) of the previous round key through the
 * same S-box evaluation, so the key schedule costs no extra S-box (on-the-fly expansion).
 * Round keys use the same layout with clean (zero) spare nibbles (the expanded schedule stores them
 * duplicated into the spare nibbles, for the two-block pass); the word-by-word XOR of the key
 * schedule (w'c = w'c-1 ^ wc) is a prefix XOR over the bytes: k ^= k << 8; k ^= k << 16.
 *
 * Nothing here branches on or indexes memory with key or data: only shifts, masks, XOR, AND, NOT.
 */
#include "aes_sbox.inc"

/* Stack cleared after the cipher functions (their local planes, the S-box pass's and the round
 * functions' spilled intermediate values: the deepest chain is encrypt2_expanded -> sub_bytes; see
 * `make -C native stack-usage AES_SW=bitsliced`; checked by the Cortex-M4 test run). */
#define AES_BURN_BYTES 320

#define LO 0x0F0F0F0Fu

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

/* Exchanges the bits of b selected by mask with the bits of a n places higher. */
#define SWAPMOVE(a, b, mask, n) do { \
        uint32_t t_ = (((a) >> (n)) ^ (b)) & (mask); \
        (b) ^= t_; \
        (a) ^= t_ << (n); \
    } while (0)

/*
 * Bytes -> planes. Word c = bytes 4c..4c+3 little-endian: bit position (r1 r0 i2 i1 i0) = 8r + i,
 * word index (c1 c0). Four SWAPMOVEs exchange index bits until the word index is (i1 i0) and the bit
 * position is (c1 c0 i2 r1 r0) = 8c + 4*i2 + r; plane i is then the low or high nibbles of word i&3.
 */
static void to_planes(uint32_t p[8], const uint8_t b[16])
{
    uint32_t w0 = load32_le(b), w1 = load32_le(b + 4), w2 = load32_le(b + 8), w3 = load32_le(b + 12);
    SWAPMOVE(w0, w1, 0x00FF00FFu, 8);    /* c0 <-> r0 */
    SWAPMOVE(w2, w3, 0x00FF00FFu, 8);
    SWAPMOVE(w0, w1, 0x55555555u, 1);    /* r0 <-> i0 */
    SWAPMOVE(w2, w3, 0x55555555u, 1);
    SWAPMOVE(w0, w2, 0x0000FFFFu, 16);   /* c1 <-> r1 */
    SWAPMOVE(w1, w3, 0x0000FFFFu, 16);
    SWAPMOVE(w0, w2, 0x33333333u, 2);    /* r1 <-> i1 */
    SWAPMOVE(w1, w3, 0x33333333u, 2);
    p[0] = w0 & LO;
    p[1] = w1 & LO;
    p[2] = w2 & LO;
    p[3] = w3 & LO;
    p[4] = (w0 >> 4) & LO;
    p[5] = (w1 >> 4) & LO;
    p[6] = (w2 >> 4) & LO;
    p[7] = (w3 >> 4) & LO;
}

/* Planes -> bytes (the inverse of to_planes; spare lanes are ignored). */
static void from_planes(uint8_t b[16], const uint32_t p[8])
{
    uint32_t w0 = (p[0] & LO) | ((p[4] & LO) << 4);
    uint32_t w1 = (p[1] & LO) | ((p[5] & LO) << 4);
    uint32_t w2 = (p[2] & LO) | ((p[6] & LO) << 4);
    uint32_t w3 = (p[3] & LO) | ((p[7] & LO) << 4);
    SWAPMOVE(w1, w3, 0x33333333u, 2);
    SWAPMOVE(w0, w2, 0x33333333u, 2);
    SWAPMOVE(w1, w3, 0x0000FFFFu, 16);
    SWAPMOVE(w0, w2, 0x0000FFFFu, 16);
    SWAPMOVE(w2, w3, 0x55555555u, 1);
    SWAPMOVE(w0, w1, 0x55555555u, 1);
    SWAPMOVE(w2, w3, 0x00FF00FFu, 8);
    SWAPMOVE(w0, w1, 0x00FF00FFu, 8);
    store32_le(b, w0);
    store32_le(b + 4, w1);
    store32_le(b + 8, w2);
    store32_le(b + 12, w3);
}

/*
 * ShiftRows on the low nibbles of x (row r of column c moves to column c - r), result duplicated
 * into the high nibbles for MixColumns.
 */
#define SHIFT_ROWS(x) do { \
        uint32_t y_ = (x) & 0x01010101u, t_; \
        t_ = (x) & 0x02020202u; y_ ^= ROR(t_, 8); \
        t_ = (x) & 0x04040404u; y_ ^= ROR(t_, 16); \
        t_ = (x) & 0x08080808u; y_ ^= ROR(t_, 24); \
        (x) = y_; \
    } while (0)

#define SHIFT_ROWS_DUP(x) do { \
        SHIFT_ROWS(x); \
        (x) |= (x) << 4; \
    } while (0)

/* RotWord(w3) of round key plane k into lanes 28..31 of state plane q: lane 28+r <- row r+1 of column 3. */
#define KEY_LANES(q, k) (((q) & 0x0FFFFFFFu) | (((k) & 0x0E000000u) << 3) | (((k) & 0x01000000u) << 7))

/*
 * SubBytes on the 8 planes in memory: all 32 lanes go through the S-box circuit, the state's 16 and
 * the 4 key lanes. A separate function on purpose: the circuit gets all registers to itself.
 */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void sub_bytes(uint32_t out[8], const uint32_t in[8])
{
    /* The generated code is register-allocated already: it re-reads inputs and spilled values
     * through volatile accesses, so the compiler keeps that schedule. */
    volatile uint32_t spill[AES_SBOX_SPILL_SLOTS];
    const volatile uint32_t *vin = in;
    AES_SBOX_BODY(vin, out, spill);
}

/* Next round key plane from the S-box output lanes 28..31 (SubWord(RotWord(w3))) and Rcon bit i. */
#define NEXT_KEY(k, s, i, rc) do { \
        (k) ^= ((s) >> 28) ^ (((rc) >> (i)) & 1u); \
        (k) ^= (k) << 8; \
        (k) ^= (k) << 16; \
    } while (0)

/*
 * The rest of a round after SubBytes, plane by plane: (key schedule step,) ShiftRows, MixColumns,
 * AddRoundKey (, key lanes for the next SubBytes). MixColumns plane i needs t(i-1) and t7, so
 * plane 7 is started first and finished last. KEYED is a compile-time constant.
 */
#define TAIL_START(KEYED) \
    uint32_t s7 = s[7], k7 = k[7], a7, t7, tp; \
    if (KEYED) { NEXT_KEY(k7, s7, 7, rc); kout[7] = k7; } \
    a7 = s7; SHIFT_ROWS_DUP(a7); \
    t7 = a7 ^ (a7 >> 1); \
    tp = t7

#define TAIL_PLANE(KEYED, i, xor7) do { \
        uint32_t s_ = s[i], k_ = k[i], t_, b_; \
        if (KEYED) { NEXT_KEY(k_, s_, i, rc); kout[i] = k_; } \
        SHIFT_ROWS_DUP(s_); \
        t_ = s_ ^ (s_ >> 1); \
        b_ = tp ^ (xor7) ^ (s_ >> 1) ^ (t_ >> 2) ^ k_; \
        q[i] = (KEYED) ? KEY_LANES(b_, k_) : b_; \
        tp = t_; \
    } while (0)

#define TAIL_END(KEYED) do { \
        uint32_t b7 = tp ^ (a7 >> 1) ^ (t7 >> 2) ^ k7; \
        q[7] = (KEYED) ? KEY_LANES(b7, k7) : b7; \
    } while (0)

#define TAIL_BODY(KEYED) do { \
        TAIL_START(KEYED); \
        TAIL_PLANE(KEYED, 0, 0); \
        TAIL_PLANE(KEYED, 1, t7); \
        TAIL_PLANE(KEYED, 2, 0); \
        TAIL_PLANE(KEYED, 3, t7); \
        TAIL_PLANE(KEYED, 4, t7); \
        TAIL_PLANE(KEYED, 5, 0); \
        TAIL_PLANE(KEYED, 6, 0); \
        TAIL_END(KEYED); \
    } while (0)

/* On-the-fly schedule: k (round key r-1, updated in place to round key r), rc = Rcon of round r. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void round_tail_keyed(uint32_t q[8], const uint32_t s[8], uint32_t *k, uint32_t rc)
{
    uint32_t *kout = k;
    TAIL_BODY(1);
}

/* Expanded key: k is round key r. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void round_tail_expanded(uint32_t q[8], const uint32_t s[8], const uint32_t *k)
{
    uint32_t *kout = 0;  /* unused: KEYED is 0 */
    const uint32_t rc = 0;
    (void)kout;
    (void)rc;
    TAIL_BODY(0);
}

/* Last round: ShiftRows and AddRoundKey (advancing the key first with rc when kout != NULL). */
static void last_round_tail(uint32_t q[8], const uint32_t s8[8], const uint32_t *k, uint32_t *kout, uint32_t rc)
{
    unsigned i;
    for (i = 0; i < 8; i++) {
        uint32_t s = s8[i], kk = k[i];
        if (kout) {
            NEXT_KEY(kk, s, i, rc);
            kout[i] = kk;
        }
        SHIFT_ROWS(s);
        q[i] = s ^ kk;
    }
}

static const uint8_t rcon[10] = { 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1b, 0x36 };

/* The cipher with on-the-fly key expansion. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void encrypt_otf(const uint8_t key[16], const uint8_t in[16], uint8_t out[16])
{
    uint32_t q[8], s[8], k[8];
    unsigned r, i;

    to_planes(k, key);
    to_planes(q, in);
    for (i = 0; i < 8; i++) {
        q[i] = KEY_LANES(q[i] ^ k[i], k[i]);
    }
    for (r = 0; r < 9; r++) {
        sub_bytes(s, q);
        round_tail_keyed(q, s, k, rcon[r]);
    }
    sub_bytes(s, q);
    last_round_tail(q, s, k, k, rcon[9]);
    from_planes(out, q);
}

/*
 * Key expansion alone: each round runs the S-box circuit on the 4 key lanes only (the other lanes
 * are zero and their outputs ignored), then the same key step as the cipher. The stored round keys
 * are duplicated into the spare nibbles, so they serve one block (low nibbles) or two (both).
 */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void expand_key(const uint8_t key[16], uint32_t rk[11][8])
{
    uint32_t q[8], s[8], k[8];
    unsigned r, i;

    to_planes(k, key);
    for (i = 0; i < 8; i++) {
        rk[0][i] = k[i] | (k[i] << 4);
    }
    for (r = 0; r < 10; r++) {
        uint32_t rc = rcon[r];
        for (i = 0; i < 8; i++) {
            q[i] = KEY_LANES(0u, k[i]);
        }
        sub_bytes(s, q);
        for (i = 0; i < 8; i++) {
            uint32_t kk = k[i];
            NEXT_KEY(kk, s[i], i, rc);
            k[i] = kk;
            rk[r + 1][i] = kk | (kk << 4);
        }
    }
}

#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void encrypt_expanded(const aes128_key_schedule *ks, const uint8_t in[16], uint8_t out[16])
{
    uint32_t q[8], s[8];
    unsigned r, i;

    to_planes(q, in);
    for (i = 0; i < 8; i++) {
        q[i] ^= ks->rk[0][i];
    }
    for (r = 1; r < 10; r++) {
        sub_bytes(s, q);
        round_tail_expanded(q, s, ks->rk[r]);
    }
    sub_bytes(s, q);
    last_round_tail(q, s, ks->rk[10], 0, 0);
    from_planes(out, q);
}

/*
 * Two blocks at once with an expanded key: block 0 in the low nibbles (lanes 8c + r), block 1 in the
 * spare high nibbles (lanes 8c + 4 + r), so one S-box evaluation serves both. With no spare lanes
 * left, MixColumns rotates the rows inside each nibble with masks instead of using a duplicate.
 */
#define ROT_ROWS1(x) ((((x) >> 1) & 0x77777777u) | (((x) & 0x11111111u) << 3))
#define ROT_ROWS2(x) ((((x) >> 2) & 0x33333333u) | (((x) & 0x33333333u) << 2))

#define SHIFT_ROWS2(x) do { \
        uint32_t y_ = (x) & 0x11111111u, t_; \
        t_ = (x) & 0x22222222u; y_ ^= ROR(t_, 8); \
        t_ = (x) & 0x44444444u; y_ ^= ROR(t_, 16); \
        t_ = (x) & 0x88888888u; y_ ^= ROR(t_, 24); \
        (x) = y_; \
    } while (0)

#define TAIL2_PLANE(i, xor7) do { \
        uint32_t a_ = s[i], a1_, t_; \
        SHIFT_ROWS2(a_); \
        a1_ = ROT_ROWS1(a_); \
        t_ = a_ ^ a1_; \
        q[i] = tp ^ (xor7) ^ a1_ ^ ROT_ROWS2(t_) ^ k[i]; \
        tp = t_; \
    } while (0)

#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void round_tail2(uint32_t q[8], const uint32_t s[8], const uint32_t *k)
{
    uint32_t a7 = s[7], a17, t7, tp;
    SHIFT_ROWS2(a7);
    a17 = ROT_ROWS1(a7);
    t7 = a7 ^ a17;
    tp = t7;
    TAIL2_PLANE(0, 0);
    TAIL2_PLANE(1, t7);
    TAIL2_PLANE(2, 0);
    TAIL2_PLANE(3, t7);
    TAIL2_PLANE(4, t7);
    TAIL2_PLANE(5, 0);
    TAIL2_PLANE(6, 0);
    q[7] = tp ^ a17 ^ ROT_ROWS2(t7) ^ k[7];
}

#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void encrypt2_expanded(const aes128_key_schedule *ks, const uint8_t in0[16], const uint8_t in1[16],
                              uint8_t out0[16], uint8_t out1[16])
{
    uint32_t q[8], p[8], s8[8];
    unsigned r, i;

    to_planes(q, in0);
    to_planes(p, in1);
    for (i = 0; i < 8; i++) {
        q[i] = (q[i] | (p[i] << 4)) ^ ks->rk[0][i];
    }
    for (r = 1; r < 10; r++) {
        sub_bytes(s8, q);
        round_tail2(q, s8, ks->rk[r]);
    }
    sub_bytes(s8, q);
    for (i = 0; i < 8; i++) {
        uint32_t s = s8[i];
        SHIFT_ROWS2(s);
        s ^= ks->rk[10][i];
        q[i] = s & LO;
        p[i] = (s >> 4) & LO;
    }
    from_planes(out0, q);
    from_planes(out1, p);
}

/* The public operations: a core, then its frames and the registers it used are cleared. */
static void sw_encrypt(const uint8_t key[16], const uint8_t in[16], uint8_t out[16])
{
    encrypt_otf(key, in, out);
    CLEAR_SCRATCH_REGS();
    crypto_burn_stack(AES_BURN_BYTES);
}

static void sw_expand_key(aes128_key_schedule *ks, const uint8_t key[16])
{
    expand_key(key, ks->rk);
    CLEAR_SCRATCH_REGS();
    crypto_burn_stack(AES_BURN_BYTES);
}

static void sw_encrypt_expanded(const aes128_key_schedule *ks, const uint8_t in[16], uint8_t out[16])
{
    encrypt_expanded(ks, in, out);
    CLEAR_SCRATCH_REGS();
    crypto_burn_stack(AES_BURN_BYTES);
}

static void sw_encrypt2_expanded(const aes128_key_schedule *ks, const uint8_t in0[16], const uint8_t in1[16],
                                 uint8_t out0[16], uint8_t out1[16])
{
    encrypt2_expanded(ks, in0, in1, out0, out1);
    CLEAR_SCRATCH_REGS();
    crypto_burn_stack(AES_BURN_BYTES);
}

#endif /* CRYPTO_AES_SW_TTABLE */

int aes128_encrypt_sw(const uint8_t key[16], const uint8_t in[16], uint8_t out[16])
{
    if (!key || !in || !out) {
        return CRYPTO_ERR_NULL;
    }
    sw_encrypt(key, in, out);
    return CRYPTO_OK;
}

int aes128_expand_key(aes128_key_schedule *ks, const uint8_t key[16])
{
    if (!ks || !key) {
        return CRYPTO_ERR_NULL;
    }
    sw_expand_key(ks, key);
    return CRYPTO_OK;
}

int aes128_encrypt_expanded(const aes128_key_schedule *ks, const uint8_t in[16], uint8_t out[16])
{
    if (!ks || !in || !out) {
        return CRYPTO_ERR_NULL;
    }
    sw_encrypt_expanded(ks, in, out);
    return CRYPTO_OK;
}

int aes128_encrypt2_expanded(const aes128_key_schedule *ks, const uint8_t in0[16], const uint8_t in1[16],
                             uint8_t out0[16], uint8_t out1[16])
{
    if (!ks || !in0 || !in1 || !out0 || !out1) {
        return CRYPTO_ERR_NULL;
    }
    sw_encrypt2_expanded(ks, in0, in1, out0, out1);
    return CRYPTO_OK;
}

int aes128_encrypt(const uint8_t key[16], const uint8_t in[16], uint8_t out[16])
{
    if (!key || !in || !out) {
        return CRYPTO_ERR_NULL;
    }
#if defined(CRYPTO_AES_BACKEND_NRF52_ECB)
    if (nrf52_ecb_encrypt(key, in, out) == CRYPTO_OK) {
        return CRYPTO_OK;
    }
#endif
    sw_encrypt(key, in, out);
    return CRYPTO_OK;
}

int aes128_ctx_init(aes128_ctx *ctx, const uint8_t key[16])
{
    if (!ctx || !key) {
        return CRYPTO_ERR_NULL;
    }
#if defined(CRYPTO_AES_BACKEND_NRF52_ECB)
    {
        unsigned i;
        for (i = 0; i < 16; i++) {
            ctx->key[i] = key[i];
        }
    }
    return CRYPTO_OK;
#else
    return aes128_expand_key(&ctx->ks, key);
#endif
}

int aes128_ctx_encrypt(const aes128_ctx *ctx, const uint8_t in[16], uint8_t out[16])
{
    if (!ctx) {
        return CRYPTO_ERR_NULL;
    }
#if defined(CRYPTO_AES_BACKEND_NRF52_ECB)
    return aes128_encrypt(ctx->key, in, out);
#else
    return aes128_encrypt_expanded(&ctx->ks, in, out);
#endif
}

int aes128_ctx_encrypt2(const aes128_ctx *ctx, const uint8_t in0[16], const uint8_t in1[16],
                        uint8_t out0[16], uint8_t out1[16])
{
    int rc;
    if (!ctx) {
        return CRYPTO_ERR_NULL;
    }
#if defined(CRYPTO_AES_BACKEND_NRF52_ECB)
    /* The peripheral does one block at a time. out0 must not alias in1. */
    rc = aes128_encrypt(ctx->key, in0, out0);
    if (rc == CRYPTO_OK) {
        rc = aes128_encrypt(ctx->key, in1, out1);
    }
    return rc;
#else
    (void)rc;
    return aes128_encrypt2_expanded(&ctx->ks, in0, in1, out0, out1);
#endif
}

void aes128_ctx_wipe(aes128_ctx *ctx)
{
    if (ctx) {
        crypto_wipe(ctx, sizeof *ctx);
    }
}
