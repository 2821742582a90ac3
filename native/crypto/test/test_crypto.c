/*
 * Test vectors for the native crypto module: AES-128 (FIPS-197, SP 800-38A), AES-CMAC (RFC 4493),
 * AES-CCM (RFC 3610 packet vectors, 4-byte MIC cases computed with OpenSSL), SHA-256 (FIPS 180-4 /
 * NIST examples, including one million 'a'), HMAC-SHA256 (RFC 4231), the Bluetooth Mesh provisioning
 * sample data (Mesh Protocol 1.1 section 8.17: s1/k1/s2/k5 derivations, EncData and MIC), argument
 * errors, and cross-checks on pseudo-random inputs (the software AES, T-table or bitsliced, against a
 * plain byte-wise reference, streaming against one-shot, CCM round trips and tampering). On the
 * Cortex-M4, also that no AES, CCM, CMAC, SHA-256 or HMAC call leaves a key- or data-dependent word
 * on the stack.
 *
 * Builds on the host (stdio) and bare-metal on the Cortex-M4 harness (CRYPTO_TEST_EMBEDDED: output
 * through test_out() from native/bench). Ends with the line "N passed, N failed"; exit status 1 on
 * any failure.
 *
 * With CRYPTO_AES_BACKEND_NRF52_ECB and NRF52_ECB_TEST, a simulated ECB peripheral stands in for the
 * hardware; it succeeds, reports ERRORECB, or never finishes, in turn, so every vector also exercises
 * the software fallback. With CRYPTO_HAVE_P256, the P-256 API (p256.h) is checked on the Mesh sample keys.
 */
#include <stddef.h>
#include <stdint.h>

#include "aes.h"
#include "ccm.h"
#include "cmac.h"
#include "crypto_common.h"
#include "hmac_sha256.h"
#include "sha256.h"
#if defined(CRYPTO_AES_BACKEND_NRF52_ECB)
#include "nrf52/ecb.h"
#endif
#if defined(CRYPTO_HAVE_P256)
#include "p256.h"
#endif

/* ------------------------------------------------------------------ output and checks */

#if defined(CRYPTO_TEST_EMBEDDED)
void test_out(const char *s);
#else
#include <stdio.h>
static void test_out(const char *s)
{
    fputs(s, stdout);
}
#endif

static unsigned passed, failed;

static void out_u32(uint32_t v)
{
    char buf[11];
    int i = 10;
    buf[i] = 0;
    do {
        buf[--i] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v);
    test_out(buf + i);
}

static void out_hex(const uint8_t *b, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    char buf[3];
    size_t i;
    buf[2] = 0;
    for (i = 0; i < n; i++) {
        buf[0] = digits[b[i] >> 4];
        buf[1] = digits[b[i] & 15];
        test_out(buf);
    }
}

static void check(int cond, const char *name)
{
    if (cond) {
        passed++;
    } else {
        failed++;
        test_out("FAIL: ");
        test_out(name);
        test_out("\n");
    }
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Parses hex (no separators) into out; returns the byte count. */
static size_t unhex(uint8_t *out, size_t cap, const char *hex)
{
    size_t n = 0;
    while (hex[0] && hex[1] && n < cap) {
        out[n++] = (uint8_t)(hexval(hex[0]) * 16 + hexval(hex[1]));
        hex += 2;
    }
    return n;
}

static size_t slen(const char *s)
{
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

static int bytes_eq(const uint8_t *a, const uint8_t *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (a[i] != b[i]) return 0;
    }
    return 1;
}

static void check_hex(const uint8_t *got, size_t n, const char *want_hex, const char *name)
{
    uint8_t want[256];
    size_t wn = unhex(want, sizeof want, want_hex);
    int ok = wn == n && bytes_eq(got, want, n);
    check(ok, name);
    if (!ok) {
        test_out("  got  ");
        out_hex(got, n);
        test_out("\n  want ");
        test_out(want_hex);
        test_out("\n");
    }
}

static void fill(uint8_t *b, size_t n, uint8_t v)
{
    size_t i;
    for (i = 0; i < n; i++) b[i] = v;
}

/* xorshift32: deterministic pseudo-random test inputs. */
static uint32_t rng_state = 0x2545F491u;
static uint32_t rnd(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    rng_state = x;
    return x;
}

static void rnd_bytes(uint8_t *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) b[i] = (uint8_t)(rnd() >> 24);
}

/* ------------------------------------------------------------------ reference AES (tests only) */

/* A plain, byte-wise AES-128 (FIPS-197 as written), used only to cross-check the software AES. */
static uint8_t ref_sbox[256];

static uint8_t gmul(uint8_t a, uint8_t b)
{
    uint8_t r = 0;
    while (b) {
        if (b & 1) r ^= a;
        a = (uint8_t)((a << 1) ^ ((a & 0x80) ? 0x1b : 0));
        b >>= 1;
    }
    return r;
}

static void ref_init(void)
{
    unsigned x;
    for (x = 0; x < 256; x++) {
        uint8_t inv = 0, s;
        unsigned y;
        for (y = 1; y < 256 && x; y++) {
            if (gmul((uint8_t)x, (uint8_t)y) == 1) {
                inv = (uint8_t)y;
                break;
            }
        }
        s = inv;
        s ^= (uint8_t)((inv << 1) | (inv >> 7));
        s ^= (uint8_t)((inv << 2) | (inv >> 6));
        s ^= (uint8_t)((inv << 3) | (inv >> 5));
        s ^= (uint8_t)((inv << 4) | (inv >> 4));
        ref_sbox[x] = (uint8_t)(s ^ 0x63);
    }
}

static void ref_aes(const uint8_t key[16], const uint8_t in[16], uint8_t out[16])
{
    uint8_t w[176], s[16], t[16];
    uint8_t rc = 1;
    unsigned i, r, c;
    for (i = 0; i < 16; i++) w[i] = key[i];
    for (i = 16; i < 176; i += 4) {
        uint8_t a = w[i - 4], b = w[i - 3], cc = w[i - 2], d = w[i - 1];
        if (i % 16 == 0) {
            uint8_t tmp = a;
            a = (uint8_t)(ref_sbox[b] ^ rc);
            b = ref_sbox[cc];
            cc = ref_sbox[d];
            d = ref_sbox[tmp];
            rc = gmul(rc, 2);
        }
        w[i] = (uint8_t)(w[i - 16] ^ a);
        w[i + 1] = (uint8_t)(w[i - 15] ^ b);
        w[i + 2] = (uint8_t)(w[i - 14] ^ cc);
        w[i + 3] = (uint8_t)(w[i - 13] ^ d);
    }
    for (i = 0; i < 16; i++) s[i] = (uint8_t)(in[i] ^ w[i]);
    for (r = 1; r <= 10; r++) {
        for (i = 0; i < 16; i++) s[i] = ref_sbox[s[i]];
        for (c = 0; c < 4; c++) {
            for (i = 0; i < 4; i++) t[4 * c + i] = s[4 * ((c + i) % 4) + i];
        }
        if (r < 10) {
            for (c = 0; c < 4; c++) {
                uint8_t *a = t + 4 * c;
                uint8_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
                s[4 * c] = (uint8_t)(gmul(a0, 2) ^ gmul(a1, 3) ^ a2 ^ a3);
                s[4 * c + 1] = (uint8_t)(a0 ^ gmul(a1, 2) ^ gmul(a2, 3) ^ a3);
                s[4 * c + 2] = (uint8_t)(a0 ^ a1 ^ gmul(a2, 2) ^ gmul(a3, 3));
                s[4 * c + 3] = (uint8_t)(gmul(a0, 3) ^ a1 ^ a2 ^ gmul(a3, 2));
            }
        } else {
            for (i = 0; i < 16; i++) s[i] = t[i];
        }
        for (i = 0; i < 16; i++) s[i] ^= w[16 * r + i];
    }
    for (i = 0; i < 16; i++) out[i] = s[i];
}

/* ------------------------------------------------------------------ simulated nRF52 ECB */

#if defined(CRYPTO_AES_BACKEND_NRF52_ECB) && defined(NRF52_ECB_TEST)
volatile uint32_t nrf52_ecb_test_regs[0x600 / 4];

enum { ECB_OK, ECB_ERROR, ECB_HANG, ECB_ROTATE };
static int ecb_mode = ECB_ROTATE;
static unsigned ecb_calls, ecb_bad_ptr, ecb_stops;
static int ecb_current;

#define REG(off) nrf52_ecb_test_regs[(off) / 4]

void nrf52_ecb_test_poll(uint8_t block[48])
{
    if (REG(NRF52_ECB_TASKS_STOPECB)) {
        ecb_stops++;
        REG(NRF52_ECB_TASKS_STOPECB) = 0;
    }
    if (!REG(NRF52_ECB_TASKS_STARTECB)) {
        return;
    }
    REG(NRF52_ECB_TASKS_STARTECB) = 0;
    if (REG(NRF52_ECB_ECBDATAPTR) != (uint32_t)(uintptr_t)block) {
        ecb_bad_ptr++;
    }
    ecb_calls++;
    ecb_current = ecb_mode == ECB_ROTATE ? (int)(ecb_calls % 3) : ecb_mode;
    if (ecb_current == ECB_OK) {
        aes128_encrypt_sw(block, block + 16, block + 32);
        REG(NRF52_ECB_EVENTS_ENDECB) = 1;
    } else if (ecb_current == ECB_ERROR) {
        REG(NRF52_ECB_EVENTS_ERRORECB) = 1;
    }
    /* ECB_HANG: no event at all. */
}

static void test_ecb_driver(void)
{
    static const char *key = "2b7e151628aed2a6abf7158809cf4f3c";
    uint8_t k[16], in[16], out[16], want[16];
    unhex(k, 16, key);
    unhex(in, 16, "6bc1bee22e409f96e93d7e117393172a");
    unhex(want, 16, "3ad77bb40d7a3660a89ecaf32466ef97");

    ecb_mode = ECB_OK;
    fill(out, 16, 0);
    check(nrf52_ecb_encrypt(k, in, out) == CRYPTO_OK && bytes_eq(out, want, 16), "ecb: ENDECB gives the ciphertext");
    check(ecb_bad_ptr == 0, "ecb: ECBDATAPTR points at the 48-byte block");
    check(REG(NRF52_ECB_EVENTS_ENDECB) == 0 && REG(NRF52_ECB_EVENTS_ERRORECB) == 0, "ecb: events cleared after use");

    ecb_mode = ECB_ERROR;
    fill(out, 16, 0xEE);
    check(nrf52_ecb_encrypt(k, in, out) == CRYPTO_ERR_HW, "ecb: ERRORECB -> CRYPTO_ERR_HW");
    check(out[0] == 0xEE && out[15] == 0xEE, "ecb: output untouched on ERRORECB");

    ecb_mode = ECB_HANG;
    REG(NRF52_ECB_TASKS_STOPECB) = 0;
    ecb_stops = 0;
    check(nrf52_ecb_encrypt(k, in, out) == CRYPTO_ERR_HW, "ecb: timeout -> CRYPTO_ERR_HW");
    {
        uint8_t dummy[48];
        nrf52_ecb_test_poll(dummy); /* let the simulation see the STOPECB written after the last poll */
    }
    check(ecb_stops == 1, "ecb: STOPECB after a timeout");

    /* The backend falls back to software in both failure modes. */
    ecb_mode = ECB_ERROR;
    fill(out, 16, 0);
    check(aes128_encrypt(k, in, out) == CRYPTO_OK && bytes_eq(out, want, 16), "ecb backend: fallback after ERRORECB");
    ecb_mode = ECB_HANG;
    fill(out, 16, 0);
    check(aes128_encrypt(k, in, out) == CRYPTO_OK && bytes_eq(out, want, 16), "ecb backend: fallback after timeout");
    check(nrf52_ecb_encrypt(0, in, out) == CRYPTO_ERR_NULL, "ecb: NULL key");
    ecb_mode = ECB_ROTATE;
    (void)key;
}
#endif

/* ------------------------------------------------------------------ AES */

static void test_aes(void)
{
    static const struct { const char *key, *pt, *ct; } v[] = {
        /* FIPS-197 appendix C.1 */
        { "000102030405060708090a0b0c0d0e0f", "00112233445566778899aabbccddeeff", "69c4e0d86a7b0430d8cdb78070b4c55a" },
        /* FIPS-197 appendix B */
        { "2b7e151628aed2a6abf7158809cf4f3c", "3243f6a8885a308d313198a2e0370734", "3925841d02dc09fbdc118597196a0b32" },
        /* SP 800-38A F.1.1 ECB-AES128.Encrypt */
        { "2b7e151628aed2a6abf7158809cf4f3c", "6bc1bee22e409f96e93d7e117393172a", "3ad77bb40d7a3660a89ecaf32466ef97" },
        { "2b7e151628aed2a6abf7158809cf4f3c", "ae2d8a571e03ac9c9eb76fac45af8e51", "f5d3d58503b9699de785895a96fdbaaf" },
        { "2b7e151628aed2a6abf7158809cf4f3c", "30c81c46a35ce411e5fbc1191a0a52ef", "43b1cd7f598ece23881b00e3ed030688" },
        { "2b7e151628aed2a6abf7158809cf4f3c", "f69f2445df4f9b17ad2b417be66c3710", "7b0c785e27e8ad3f8223207104725dd4" },
        /* all-zero key and block */
        { "00000000000000000000000000000000", "00000000000000000000000000000000", "66e94bd4ef8a2c3b884cfa59ca342b2e" },
    };
    uint8_t key[16], pt[16], out[16], out2[16], ref[16];
    aes128_key_schedule ks;
    unsigned i, bad = 0, bad_x = 0, bad_sw = 0;

    for (i = 0; i < sizeof v / sizeof v[0]; i++) {
        unhex(key, 16, v[i].key);
        unhex(pt, 16, v[i].pt);
        check(aes128_encrypt(key, pt, out) == CRYPTO_OK, "aes128_encrypt returns OK");
        check_hex(out, 16, v[i].ct, "aes128_encrypt vector");
        aes128_encrypt_sw(key, pt, out);
        check_hex(out, 16, v[i].ct, "aes128_encrypt_sw vector");
        check(aes128_expand_key(&ks, key) == CRYPTO_OK, "aes128_expand_key OK");
        aes128_encrypt_expanded(&ks, pt, out);
        check_hex(out, 16, v[i].ct, "aes128_encrypt_expanded vector");
        /* in place */
        for (int j = 0; j < 16; j++) out[j] = pt[j];
        aes128_encrypt(key, out, out);
        check_hex(out, 16, v[i].ct, "aes128_encrypt in place");
    }

    /* Against the reference on pseudo-random keys and blocks (covers every S-box input many times). */
    ref_init();
    for (i = 0; i < 300; i++) {
        rnd_bytes(key, 16);
        rnd_bytes(pt, 16);
        ref_aes(key, pt, ref);
        aes128_encrypt(key, pt, out);
        aes128_encrypt_sw(key, pt, out2);
        bad += !bytes_eq(out, ref, 16);
        bad_sw += !bytes_eq(out2, ref, 16);
        aes128_expand_key(&ks, key);
        aes128_encrypt_expanded(&ks, pt, out);
        bad_x += !bytes_eq(out, ref, 16);
    }
    check(bad == 0, "aes128_encrypt == reference on 300 random inputs");
    /* Two blocks at once, including aliasing of inputs and outputs. */
    {
        uint8_t b1[16], o1[16], ref1[16];
        unsigned bad2 = 0;
        for (i = 0; i < 200; i++) {
            rnd_bytes(key, 16);
            rnd_bytes(pt, 16);
            rnd_bytes(b1, 16);
            ref_aes(key, pt, ref);
            ref_aes(key, b1, ref1);
            aes128_expand_key(&ks, key);
            bad2 += aes128_encrypt2_expanded(&ks, pt, b1, out, o1) != CRYPTO_OK;
            bad2 += !bytes_eq(out, ref, 16) || !bytes_eq(o1, ref1, 16);
            /* swapped in place: out0 = in1, out1 = in0 */
            aes128_encrypt2_expanded(&ks, b1, pt, pt, b1);
            bad2 += !bytes_eq(b1, ref, 16) || !bytes_eq(pt, ref1, 16);
        }
        check(bad2 == 0, "aes128_encrypt2_expanded == reference on 200 random pairs (also aliased)");
        check(aes128_encrypt2_expanded(0, pt, b1, out, o1) == CRYPTO_ERR_NULL, "aes128_encrypt2_expanded NULL ks");
        check(aes128_encrypt2_expanded(&ks, pt, 0, out, o1) == CRYPTO_ERR_NULL, "aes128_encrypt2_expanded NULL in1");
        check(aes128_encrypt2_expanded(&ks, pt, b1, out, 0) == CRYPTO_ERR_NULL, "aes128_encrypt2_expanded NULL out1");
        {
            aes128_ctx c2;
            aes128_ctx_init(&c2, key);
            aes128_ctx_encrypt2(&c2, pt, b1, out, o1);
            ref_aes(key, pt, ref);
            ref_aes(key, b1, ref1);
            check(bytes_eq(out, ref, 16) && bytes_eq(o1, ref1, 16), "aes128_ctx_encrypt2 == reference");
            check(aes128_ctx_encrypt2(0, pt, b1, out, o1) == CRYPTO_ERR_NULL, "aes128_ctx_encrypt2 NULL ctx");
            aes128_ctx_wipe(&c2);
        }
    }
    check(bad_sw == 0, "aes128_encrypt_sw == reference on 300 random inputs");
    check(bad_x == 0, "aes128_encrypt_expanded == reference on 300 random inputs");

    /* FIPS-197-style chained test: 1000 encryptions, each output the next input. */
    {
        unsigned n;
        fill(key, 16, 0);
        fill(pt, 16, 0);
        fill(ref, 16, 0);
        for (n = 0; n < 1000; n++) {
            aes128_encrypt(key, pt, pt);
            ref_aes(key, ref, ref);
        }
        check(bytes_eq(pt, ref, 16), "aes128 1000 chained encryptions == reference");
    }

    check(aes128_encrypt(0, pt, out) == CRYPTO_ERR_NULL, "aes128_encrypt NULL key");
    check(aes128_encrypt(key, 0, out) == CRYPTO_ERR_NULL, "aes128_encrypt NULL in");
    check(aes128_encrypt(key, pt, 0) == CRYPTO_ERR_NULL, "aes128_encrypt NULL out");
    check(aes128_encrypt_sw(0, pt, out) == CRYPTO_ERR_NULL, "aes128_encrypt_sw NULL key");
    check(aes128_expand_key(0, key) == CRYPTO_ERR_NULL, "aes128_expand_key NULL ks");
    check(aes128_expand_key(&ks, 0) == CRYPTO_ERR_NULL, "aes128_expand_key NULL key");
    check(aes128_encrypt_expanded(0, pt, out) == CRYPTO_ERR_NULL, "aes128_encrypt_expanded NULL ks");
    check(aes128_encrypt_expanded(&ks, pt, 0) == CRYPTO_ERR_NULL, "aes128_encrypt_expanded NULL out");
    {
        aes128_ctx c;
        check(aes128_ctx_init(0, key) == CRYPTO_ERR_NULL, "aes128_ctx_init NULL ctx");
        check(aes128_ctx_init(&c, 0) == CRYPTO_ERR_NULL, "aes128_ctx_init NULL key");
        unhex(key, 16, v[0].key);
        unhex(pt, 16, v[0].pt);
        aes128_ctx_init(&c, key);
        check(aes128_ctx_encrypt(&c, pt, out) == CRYPTO_OK, "aes128_ctx_encrypt OK");
        check_hex(out, 16, v[0].ct, "aes128_ctx_encrypt vector");
        check(aes128_ctx_encrypt(0, pt, out) == CRYPTO_ERR_NULL, "aes128_ctx_encrypt NULL ctx");
        aes128_ctx_wipe(&c);
    }
    aes128_ctx_wipe(0);
}

/* ------------------------------------------------------------------ stack residue (Cortex-M4) */

#if defined(CRYPTO_TEST_EMBEDDED) && defined(__arm__)
/*
 * After each keyed or data-processing function returns, the stack below the caller must hold nothing
 * that depends on the key or the data (spilled state, round keys, table values, hash working
 * variables): crypto_burn_stack and the wipes must cover every frame. The stack below the caller is
 * painted, the operation runs on one key and data, the stack is saved; again with another key and
 * data; the two pictures must be identical (return addresses and pointers are the same in both runs,
 * secrets are not). Covers AES, CCM (both directions, with and without AAD, short and long payloads,
 * a failed MIC), CMAC, SHA-256 and HMAC-SHA256 (one-shot and each streaming function).
 */
#define RESIDUE_WORDS 400
static uint32_t residue_now[RESIDUE_WORDS], residue_pic[2][RESIDUE_WORDS];
static uint8_t rs_key[80], rs_nonce[13], rs_aad[24], rs_in[128], rs_ct[128], rs_out[128];
static aes128_key_schedule rs_ks;
static aes_cmac_ctx rs_cmac_ctx;
static sha256_ctx rs_sha_ctx;
static hmac_sha256_ctx rs_hmac_ctx;

static void rs_encrypt(void) { aes128_encrypt(rs_key, rs_in, rs_out); }
static void rs_expand(void) { aes128_expand_key(&rs_ks, rs_key); }
static void rs_encrypt_expanded(void) { aes128_encrypt_expanded(&rs_ks, rs_in, rs_out); }
static void rs_encrypt2(void) { aes128_encrypt2_expanded(&rs_ks, rs_in, rs_in + 16, rs_out, rs_out + 16); }

/* CCM: 25-byte payload (Mesh provisioning data) and 8-byte MIC; 20-byte AAD with 40 bytes; 80 bytes
 * (decrypted twice: longer than what decryption keeps on the stack). rs_ct holds the matching
 * ciphertexts (prepared outside the measured call). */
static void rs_ccm_enc(void) { aes_ccm_encrypt(rs_key, rs_nonce, 0, 0, rs_in, 25, 8, rs_out); }
static void rs_ccm_enc_aad(void) { aes_ccm_encrypt(rs_key, rs_nonce, rs_aad, 20, rs_in, 40, 4, rs_out); }
static void rs_ccm_prep(void) { aes_ccm_encrypt(rs_key, rs_nonce, 0, 0, rs_in, 25, 8, rs_ct); }
static void rs_ccm_prep_aad(void) { aes_ccm_encrypt(rs_key, rs_nonce, rs_aad, 20, rs_in, 40, 4, rs_ct); }
static void rs_ccm_prep_long(void) { aes_ccm_encrypt(rs_key, rs_nonce, 0, 0, rs_in, 80, 8, rs_ct); }
static void rs_ccm_prep_bad(void) { rs_ccm_prep(); rs_ct[30] ^= 1; }
static void rs_ccm_dec(void) { aes_ccm_decrypt(rs_key, rs_nonce, 0, 0, rs_ct, 25 + 8, 8, rs_out); }
static void rs_ccm_dec_aad(void) { aes_ccm_decrypt(rs_key, rs_nonce, rs_aad, 20, rs_ct, 40 + 4, 4, rs_out); }
static void rs_ccm_dec_long(void) { aes_ccm_decrypt(rs_key, rs_nonce, 0, 0, rs_ct, 80 + 8, 8, rs_out); }

static void rs_cmac_16(void) { aes_cmac(rs_key, rs_in, 16, rs_out); }
static void rs_cmac_40(void) { aes_cmac(rs_key, rs_in, 40, rs_out); }
static void rs_cmac_init(void) { aes_cmac_init(&rs_cmac_ctx, rs_key); }
static void rs_cmac_update(void) { aes_cmac_update(&rs_cmac_ctx, rs_in, 40); }
static void rs_cmac_prep_final(void) { rs_cmac_init(); rs_cmac_update(); }
static void rs_cmac_final(void) { aes_cmac_final(&rs_cmac_ctx, rs_out); }

static void rs_sha256(void) { sha256(rs_in, 100, rs_out); }
static void rs_sha256_init(void) { sha256_init(&rs_sha_ctx); }
static void rs_sha256_update(void) { sha256_update(&rs_sha_ctx, rs_in, 100); }
static void rs_sha256_prep_final(void) { rs_sha256_init(); rs_sha256_update(); }
static void rs_sha256_final(void) { sha256_final(&rs_sha_ctx, rs_out); }

static void rs_hmac(void) { hmac_sha256(rs_key, 32, rs_in, 64, rs_out); }
static void rs_hmac_long_key(void) { hmac_sha256(rs_key, 80, rs_in, 64, rs_out); }
static void rs_hmac_init(void) { hmac_sha256_init(&rs_hmac_ctx, rs_key, 32); }
static void rs_hmac_update(void) { hmac_sha256_update(&rs_hmac_ctx, rs_in, 100); }
static void rs_hmac_prep_final(void) { rs_hmac_init(); rs_hmac_update(); }
static void rs_hmac_final(void) { hmac_sha256_final(&rs_hmac_ctx, rs_out); }

/*
 * Runs op with the stack below painted and every register op can see set to the same value in both
 * runs (the caller's callee-saved r4-r11 are saved in memory, not on the stack, and replaced by r4 =
 * the save area, r5-r11 = 0), so only the operation's key and data differ between runs.
 */
static uint32_t residue_regs[8];

__attribute__((noinline)) static void residue_run(void (*op)(void))
{
    uintptr_t sp;
    volatile uint32_t *top;
    unsigned i;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    top = (volatile uint32_t *)(sp & ~(uintptr_t)3);
    for (i = 1; i <= RESIDUE_WORDS; i++) {
        top[-(int)i] = 0xA5C3E1F0u;
    }
    __asm__ volatile(
        "mov r12, %[save]\n\t"
        "stmia r12, {r4-r11}\n\t"
        "mov r0, %[op]\n\t"
        "mov r4, r12\n\t"
        "movs r5, #0\n\t"
        "movs r6, #0\n\t"
        "movs r7, #0\n\t"
        "mov r8, r5\n\t"
        "mov r9, r5\n\t"
        "mov r10, r5\n\t"
        "mov r11, r5\n\t"
        "movs r1, #0\n\t"
        "movs r2, #0\n\t"
        "movs r3, #0\n\t"
        "blx r0\n\t"
        "ldmia r4, {r4-r11}"
        :
        : [save] "r"(residue_regs), [op] "r"(op)
        : "r0", "r1", "r2", "r3", "r12", "lr", "memory", "cc");
    for (i = 1; i <= RESIDUE_WORDS; i++) {
        residue_now[i - 1] = top[-(int)i];
    }
}

typedef struct {
    void (*op)(void);
    void (*prep)(void);  /* run before op, outside the measurement (may be NULL) */
    const void *result;  /* what op writes (must differ between the runs; NULL: not checked) */
    size_t result_len;
    const char *name;
} residue_op;

static void residue_check(const residue_op *ops, size_t n_ops)
{
    size_t k;
    unsigned run, i;
    for (k = 0; k < n_ops; k++) {
        uint8_t first[64];
        size_t rn = ops[k].result_len < sizeof first ? ops[k].result_len : sizeof first;
        unsigned same = 1, deepest = 0;
        for (run = 0; run < 2; run++) {
            rnd_bytes(rs_key, sizeof rs_key);
            rnd_bytes(rs_nonce, sizeof rs_nonce);
            rnd_bytes(rs_aad, sizeof rs_aad);
            rnd_bytes(rs_in, sizeof rs_in);
            aes128_expand_key(&rs_ks, rs_key);
            if (ops[k].prep) {
                ops[k].prep();
            }
            residue_run(ops[k].op);
            for (i = 0; i < RESIDUE_WORDS; i++) residue_pic[run][i] = residue_now[i];
            if (run == 0 && ops[k].result) {
                for (i = 0; i < rn; i++) first[i] = ((const uint8_t *)ops[k].result)[i];
            }
        }
        for (i = 0; i < RESIDUE_WORDS; i++) {
            if (residue_pic[0][i] != residue_pic[1][i]) {
                same = 0;
                deepest = 4 * (i + 1);
            }
        }
        /* The deepest painted word must be untouched: otherwise the picture was too small. */
        if (residue_pic[0][RESIDUE_WORDS - 1] != 0xA5C3E1F0u) {
            same = 0;
            test_out("stack used beyond the residue test's picture\n");
        }
        if (!same) {
            for (i = 0; i < RESIDUE_WORDS; i++) {
                if (residue_pic[0][i] != residue_pic[1][i]) break;
            }
            test_out("stack words between -");
            out_u32(4 * (i + 1));
            test_out(" and -");
            out_u32(deepest);
            test_out(" bytes depend on the key or data:\n");
        }
        check(same && (!ops[k].result || !bytes_eq(first, (const uint8_t *)ops[k].result, rn)), ops[k].name);
    }
}

static void test_aes_residue(void)
{
    static const residue_op ops[] = {
        { rs_encrypt, 0, rs_out, 16, "aes128_encrypt leaves no secret on the stack" },
        { rs_expand, 0, 0, 0, "aes128_expand_key leaves no secret on the stack" },
        { rs_encrypt_expanded, 0, rs_out, 16, "aes128_encrypt_expanded leaves no secret on the stack" },
        { rs_encrypt2, 0, rs_out, 32, "aes128_encrypt2_expanded leaves no secret on the stack" },
    };
    residue_check(ops, sizeof ops / sizeof ops[0]);
}

static void test_modes_residue(void)
{
    static const residue_op ops[] = {
        { rs_ccm_enc, 0, rs_out, 33, "aes_ccm_encrypt (25 bytes) leaves no secret on the stack" },
        { rs_ccm_enc_aad, 0, rs_out, 44, "aes_ccm_encrypt (AAD, 40 bytes) leaves no secret on the stack" },
        { rs_ccm_dec, rs_ccm_prep, rs_out, 25, "aes_ccm_decrypt (25 bytes) leaves no secret on the stack" },
        { rs_ccm_dec_aad, rs_ccm_prep_aad, rs_out, 40, "aes_ccm_decrypt (AAD, 40 bytes) leaves no secret on the stack" },
        { rs_ccm_dec_long, rs_ccm_prep_long, rs_out, 64, "aes_ccm_decrypt (80 bytes) leaves no secret on the stack" },
        { rs_ccm_dec, rs_ccm_prep_bad, 0, 0, "aes_ccm_decrypt (bad MIC) leaves no secret on the stack" },
        { rs_cmac_16, 0, rs_out, 16, "aes_cmac (16 bytes) leaves no secret on the stack" },
        { rs_cmac_40, 0, rs_out, 16, "aes_cmac (40 bytes) leaves no secret on the stack" },
        { rs_cmac_init, 0, &rs_cmac_ctx, sizeof rs_cmac_ctx, "aes_cmac_init leaves no secret on the stack" },
        { rs_cmac_update, rs_cmac_init, &rs_cmac_ctx, sizeof rs_cmac_ctx, "aes_cmac_update leaves no secret on the stack" },
        { rs_cmac_final, rs_cmac_prep_final, rs_out, 16, "aes_cmac_final leaves no secret on the stack" },
        { rs_sha256, 0, rs_out, 32, "sha256 (100 bytes) leaves no data on the stack" },
        { rs_sha256_update, rs_sha256_init, &rs_sha_ctx, sizeof rs_sha_ctx, "sha256_update leaves no data on the stack" },
        { rs_sha256_final, rs_sha256_prep_final, rs_out, 32, "sha256_final leaves no data on the stack" },
        { rs_hmac, 0, rs_out, 32, "hmac_sha256 leaves no secret on the stack" },
        { rs_hmac_long_key, 0, rs_out, 32, "hmac_sha256 (80-byte key) leaves no secret on the stack" },
        { rs_hmac_init, 0, &rs_hmac_ctx, sizeof rs_hmac_ctx, "hmac_sha256_init leaves no secret on the stack" },
        { rs_hmac_update, rs_hmac_init, &rs_hmac_ctx, sizeof rs_hmac_ctx, "hmac_sha256_update leaves no secret on the stack" },
        { rs_hmac_final, rs_hmac_prep_final, rs_out, 32, "hmac_sha256_final leaves no secret on the stack" },
    };
    residue_check(ops, sizeof ops / sizeof ops[0]);
}
#endif

/* ------------------------------------------------------------------ CMAC */

static const char M64[] =
    "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";

static void test_cmac(void)
{
    static const struct { size_t len; const char *mac; } v[] = {
        /* RFC 4493 section 4, key 2b7e1516... */
        { 0, "bb1d6929e95937287fa37d129b756746" },
        { 16, "070a16b46b4d4144f79bdd9dd04a287c" },
        { 40, "dfa66747de9ae63030ca32611497c827" },
        { 64, "51f0bebf7e3b9d92fc49741779363cfe" },
    };
    uint8_t key[16], msg[64], mac[16], mac2[16];
    aes_cmac_ctx c;
    unsigned i;

    unhex(key, 16, "2b7e151628aed2a6abf7158809cf4f3c");
    unhex(msg, 64, M64);
    for (i = 0; i < 4; i++) {
        check(aes_cmac(key, msg, v[i].len, mac) == CRYPTO_OK, "aes_cmac OK");
        check_hex(mac, 16, v[i].mac, "aes_cmac RFC 4493 example");
        /* streaming, byte by byte */
        {
            size_t k;
            aes_cmac_init(&c, key);
            for (k = 0; k < v[i].len; k++) aes_cmac_update(&c, msg + k, 1);
            aes_cmac_final(&c, mac);
            check_hex(mac, 16, v[i].mac, "aes_cmac streaming byte by byte");
        }
    }
    check(aes_cmac(key, 0, 0, mac) == CRYPTO_OK, "aes_cmac NULL message of length 0");
    check_hex(mac, 16, v[0].mac, "aes_cmac NULL empty message");

    /* Streaming in random pieces against one-shot, random lengths 0..100. */
    {
        uint8_t m[100];
        unsigned bad = 0;
        for (i = 0; i < 100; i++) {
            size_t len = rnd() % 101, off = 0;
            rnd_bytes(key, 16);
            rnd_bytes(m, len);
            aes_cmac(key, m, len, mac);
            aes_cmac_init(&c, key);
            while (off < len) {
                size_t n = rnd() % 20;
                if (n > len - off) n = len - off;
                aes_cmac_update(&c, m + off, n);
                off += n;
            }
            aes_cmac_final(&c, mac2);
            bad += !bytes_eq(mac, mac2, 16);
        }
        check(bad == 0, "aes_cmac streaming == one-shot on 100 random messages");
    }

    check(aes_cmac(0, msg, 16, mac) == CRYPTO_ERR_NULL, "aes_cmac NULL key");
    check(aes_cmac(key, 0, 16, mac) == CRYPTO_ERR_NULL, "aes_cmac NULL message with length");
    check(aes_cmac(key, msg, 16, 0) == CRYPTO_ERR_NULL, "aes_cmac NULL mac");
    check(aes_cmac_init(0, key) == CRYPTO_ERR_NULL, "aes_cmac_init NULL ctx");
    check(aes_cmac_update(0, msg, 1) == CRYPTO_ERR_NULL, "aes_cmac_update NULL ctx");
    aes_cmac_init(&c, key);
    check(aes_cmac_update(&c, 0, 5) == CRYPTO_ERR_NULL, "aes_cmac_update NULL data");
    check(aes_cmac_final(&c, 0) == CRYPTO_ERR_NULL, "aes_cmac_final NULL mac");
    aes_cmac_final(&c, mac);
    check(aes_cmac_update(&c, msg, 1) == CRYPTO_ERR_STATE, "aes_cmac_update after final");
    check(aes_cmac_final(&c, mac) == CRYPTO_ERR_STATE, "aes_cmac_final twice");
}

/* ------------------------------------------------------------------ CCM */

static void test_ccm(void)
{
    static const struct { const char *key, *nonce, *aad, *pt, *out; size_t mic; } v[] = {
        /* RFC 3610 packet vectors #1..#3 (8-byte header as AAD, M = 8) */
        { "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf", "00000003020100a0a1a2a3a4a5", "0001020304050607",
          "08090a0b0c0d0e0f101112131415161718191a1b1c1d1e",
          "588c979a61c663d2f066d0c2c0f989806d5f6b61dac38417e8d12cfdf926e0", 8 },
        { "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf", "00000004030201a0a1a2a3a4a5", "0001020304050607",
          "08090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
          "72c91a36e135f8cf291ca894085c87e3cc15c439c9e43a3ba091d56e10400916", 8 },
        { "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf", "00000005040302a0a1a2a3a4a5", "0001020304050607",
          "08090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20",
          "51b1e5f44a197d1da46b0f8e2d282ae871e838bb64da8596574adaa76fbd9fb0c5", 8 },
        /* 4-byte MIC, no AAD / AAD only / 1-byte payload; 8-byte MIC with 20-byte AAD, 40-byte payload
         * (computed with OpenSSL aes-128-ccm through node:crypto) */
        { "000102030405060708090a0b0c0d0e0f", "101112131415161718191a1b1c", "",
          "202122232425262728292a2b2c2d2e2f3031323334", "5cc052629c79c8f3937062ba032a42ae1ae2674a4b9cd81fc8", 4 },
        { "000102030405060708090a0b0c0d0e0f", "101112131415161718191a1b1c", "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
          "", "f752f7b8", 4 },
        { "000102030405060708090a0b0c0d0e0f", "101112131415161718191a1b1c", "", "aa", "d621ce0d87", 4 },
        { "8f8e8d8c8b8a89888786858483828180", "a0a1a2a3a4a5a6a7a8a9aaabac", "000102030405060708090a0b0c0d0e0f10111213",
          "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021222324252627",
          "85e7ad26f11c4af2e7ba6ad56c61212c3d07eabbc50999540fe2f9918b0879f7814815132665f5fe9c794255ec7a0e31", 8 },
    };
    uint8_t key[16], nonce[13], aad[32], pt[64], out[80], back[64];
    unsigned i;

    for (i = 0; i < sizeof v / sizeof v[0]; i++) {
        size_t al, pl;
        unhex(key, 16, v[i].key);
        unhex(nonce, 13, v[i].nonce);
        al = unhex(aad, sizeof aad, v[i].aad);
        pl = unhex(pt, sizeof pt, v[i].pt);
        check(aes_ccm_encrypt(key, nonce, al ? aad : 0, al, pl ? pt : 0, pl, v[i].mic, out) == CRYPTO_OK, "aes_ccm_encrypt OK");
        check_hex(out, pl + v[i].mic, v[i].out, "aes_ccm_encrypt vector");
        fill(back, sizeof back, 0x5a);
        check(aes_ccm_decrypt(key, nonce, al ? aad : 0, al, out, pl + v[i].mic, v[i].mic, back) == CRYPTO_OK, "aes_ccm_decrypt OK");
        check(bytes_eq(back, pt, pl), "aes_ccm_decrypt gives the plaintext");
        /* tampered ciphertext, MIC, AAD */
        fill(back, sizeof back, 0x5a);
        out[pl + v[i].mic - 1] ^= 0x01;
        check(aes_ccm_decrypt(key, nonce, aad, al, out, pl + v[i].mic, v[i].mic, back) == CRYPTO_ERR_AUTH, "aes_ccm_decrypt rejects a tampered MIC");
        check(back[0] == 0x5a && back[pl ? pl - 1 : 0] == 0x5a, "aes_ccm_decrypt writes nothing on failure");
        out[pl + v[i].mic - 1] ^= 0x01;
        if (pl) {
            out[0] ^= 0x80;
            check(aes_ccm_decrypt(key, nonce, aad, al, out, pl + v[i].mic, v[i].mic, back) == CRYPTO_ERR_AUTH, "aes_ccm_decrypt rejects a tampered ciphertext");
            out[0] ^= 0x80;
        }
        if (al) {
            aad[al - 1] ^= 0x01;
            check(aes_ccm_decrypt(key, nonce, aad, al, out, pl + v[i].mic, v[i].mic, back) == CRYPTO_ERR_AUTH, "aes_ccm_decrypt rejects a tampered AAD");
            aad[al - 1] ^= 0x01;
        }
        nonce[12] ^= 1;
        check(aes_ccm_decrypt(key, nonce, aad, al, out, pl + v[i].mic, v[i].mic, back) == CRYPTO_ERR_AUTH, "aes_ccm_decrypt rejects a wrong nonce");
        nonce[12] ^= 1;
        /* in place */
        {
            uint8_t buf[80];
            size_t k;
            for (k = 0; k < pl; k++) buf[k] = pt[k];
            aes_ccm_encrypt(key, nonce, aad, al, buf, pl, v[i].mic, buf);
            check_hex(buf, pl + v[i].mic, v[i].out, "aes_ccm_encrypt in place");
            check(aes_ccm_decrypt(key, nonce, aad, al, buf, pl + v[i].mic, v[i].mic, buf) == CRYPTO_OK && bytes_eq(buf, pt, pl), "aes_ccm_decrypt in place");
        }
    }

    /* Round trips on random sizes, MIC 4 and 8, with and without AAD; and truncated inputs. */
    {
        uint8_t a[40], p[70], c[90], d[70];
        unsigned bad = 0, bad_reject = 0;
        for (i = 0; i < 120; i++) {
            size_t pl = rnd() % 71, al = (i & 1) ? rnd() % 41 : 0, mic = (i & 2) ? 8 : 4;
            rnd_bytes(key, 16);
            rnd_bytes(nonce, 13);
            rnd_bytes(a, al);
            rnd_bytes(p, pl);
            aes_ccm_encrypt(key, nonce, a, al, p, pl, mic, c);
            bad += aes_ccm_decrypt(key, nonce, a, al, c, pl + mic, mic, d) != CRYPTO_OK || !bytes_eq(d, p, pl);
            if (pl) {
                /* drop the last byte: the MIC is misaligned, so it must fail */
                bad_reject += aes_ccm_decrypt(key, nonce, a, al, c, pl + mic - 1, mic, d) != CRYPTO_ERR_AUTH;
            }
            c[rnd() % (pl + mic)] ^= (uint8_t)(1u << (rnd() % 8));
            bad_reject += aes_ccm_decrypt(key, nonce, a, al, c, pl + mic, mic, d) != CRYPTO_ERR_AUTH;
        }
        check(bad == 0, "aes_ccm round trip on 120 random messages");
        check(bad_reject == 0, "aes_ccm rejects random bit flips and truncation");
    }

    /* AAD longer than 0xFF00 bytes uses the 6-byte length encoding: round trip through it. */
    {
        static uint8_t big[0xFF10];
        uint8_t c[20], d[4];
        size_t k;
        for (k = 0; k < sizeof big; k++) big[k] = (uint8_t)k;
        fill(key, 16, 7);
        fill(nonce, 13, 9);
        check(aes_ccm_encrypt(key, nonce, big, sizeof big, (const uint8_t *)"abcd", 4, 8, c) == CRYPTO_OK, "aes_ccm_encrypt with 65296-byte AAD");
        check(aes_ccm_decrypt(key, nonce, big, sizeof big, c, 12, 8, d) == CRYPTO_OK && d[0] == 'a', "aes_ccm_decrypt with 65296-byte AAD");
        big[0xFF00] ^= 1;
        check(aes_ccm_decrypt(key, nonce, big, sizeof big, c, 12, 8, d) == CRYPTO_ERR_AUTH, "aes_ccm long AAD tamper");
    }

    /* Argument errors */
    unhex(key, 16, v[0].key);
    unhex(nonce, 13, v[0].nonce);
    check(aes_ccm_encrypt(0, nonce, 0, 0, pt, 4, 4, out) == CRYPTO_ERR_NULL, "aes_ccm_encrypt NULL key");
    check(aes_ccm_encrypt(key, 0, 0, 0, pt, 4, 4, out) == CRYPTO_ERR_NULL, "aes_ccm_encrypt NULL nonce");
    check(aes_ccm_encrypt(key, nonce, 0, 3, pt, 4, 4, out) == CRYPTO_ERR_NULL, "aes_ccm_encrypt NULL aad with length");
    check(aes_ccm_encrypt(key, nonce, 0, 0, 0, 4, 4, out) == CRYPTO_ERR_NULL, "aes_ccm_encrypt NULL plaintext with length");
    check(aes_ccm_encrypt(key, nonce, 0, 0, pt, 4, 4, 0) == CRYPTO_ERR_NULL, "aes_ccm_encrypt NULL out");
    check(aes_ccm_encrypt(key, nonce, 0, 0, pt, 4, 3, out) == CRYPTO_ERR_LENGTH, "aes_ccm_encrypt MIC 3");
    check(aes_ccm_encrypt(key, nonce, 0, 0, pt, 4, 5, out) == CRYPTO_ERR_LENGTH, "aes_ccm_encrypt MIC 5");
    check(aes_ccm_encrypt(key, nonce, 0, 0, pt, 4, 18, out) == CRYPTO_ERR_LENGTH, "aes_ccm_encrypt MIC 18");
    check(aes_ccm_encrypt(key, nonce, 0, 0, pt, 65536, 4, out) == CRYPTO_ERR_LENGTH, "aes_ccm_encrypt payload 65536");
    check(aes_ccm_decrypt(key, nonce, 0, 0, out, 3, 4, back) == CRYPTO_ERR_LENGTH, "aes_ccm_decrypt input shorter than MIC");
    check(aes_ccm_decrypt(key, nonce, 0, 0, out, 65536 + 4, 4, back) == CRYPTO_ERR_LENGTH, "aes_ccm_decrypt payload 65536");
    check(aes_ccm_decrypt(key, nonce, 0, 0, 0, 8, 4, back) == CRYPTO_ERR_NULL, "aes_ccm_decrypt NULL input");
    check(aes_ccm_decrypt(key, nonce, 0, 0, out, 8, 4, 0) == CRYPTO_ERR_NULL, "aes_ccm_decrypt NULL out");
    check(aes_ccm_decrypt(key, nonce, 0, 0, out, 8, 7, back) == CRYPTO_ERR_LENGTH, "aes_ccm_decrypt MIC 7");
}

/* ------------------------------------------------------------------ SHA-256 */

static void test_sha256(void)
{
    static const struct { const char *msg, *digest; } v[] = {
        { "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
        { "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
        { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
        { "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
          "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
    };
    uint8_t d[32], d2[32];
    sha256_ctx c;
    unsigned i;

    for (i = 0; i < sizeof v / sizeof v[0]; i++) {
        check(sha256((const uint8_t *)v[i].msg, slen(v[i].msg), d) == CRYPTO_OK, "sha256 OK");
        check_hex(d, 32, v[i].digest, "sha256 FIPS 180-4 example");
    }
    /* One million 'a' (NIST), fed in 1000-byte pieces */
    {
        uint8_t a[1000];
        fill(a, sizeof a, 'a');
        sha256_init(&c);
        for (i = 0; i < 1000; i++) sha256_update(&c, a, sizeof a);
        sha256_final(&c, d);
        check_hex(d, 32, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", "sha256 one million 'a'");
    }
    /* Padding boundaries: lengths 55, 56, 63, 64, 65 streamed vs one-shot */
    {
        uint8_t m[200];
        unsigned bad = 0;
        for (i = 0; i < 150; i++) {
            size_t len = i < 20 ? 50 + i : rnd() % 201, off = 0;
            rnd_bytes(m, len);
            sha256(m, len, d);
            sha256_init(&c);
            while (off < len) {
                size_t n = rnd() % 70;
                if (n > len - off) n = len - off;
                sha256_update(&c, m + off, n);
                off += n;
            }
            sha256_final(&c, d2);
            bad += !bytes_eq(d, d2, 32);
        }
        check(bad == 0, "sha256 streaming == one-shot (lengths 50..69 and random)");
    }
    check(sha256(0, 0, d) == CRYPTO_OK, "sha256 NULL empty message");
    check_hex(d, 32, v[0].digest, "sha256 NULL empty message digest");
    check(sha256(0, 3, d) == CRYPTO_ERR_NULL, "sha256 NULL data with length");
    check(sha256((const uint8_t *)"abc", 3, 0) == CRYPTO_ERR_NULL, "sha256 NULL digest");
    check(sha256_init(0) == CRYPTO_ERR_NULL, "sha256_init NULL");
    check(sha256_update(0, d, 1) == CRYPTO_ERR_NULL, "sha256_update NULL ctx");
    sha256_init(&c);
    check(sha256_update(&c, 0, 1) == CRYPTO_ERR_NULL, "sha256_update NULL data");
    check(sha256_update(&c, 0, 0) == CRYPTO_OK, "sha256_update NULL data of length 0");
    check(sha256_final(&c, 0) == CRYPTO_ERR_NULL, "sha256_final NULL digest");
    sha256_final(&c, d);
    check(sha256_update(&c, d, 1) == CRYPTO_ERR_STATE, "sha256_update after final");
    check(sha256_final(&c, d) == CRYPTO_ERR_STATE, "sha256_final twice");
    sha256_init(&c);
    c.total = ((uint64_t)1 << 61) - 2;
    check(sha256_update(&c, d, 2) == CRYPTO_ERR_LENGTH, "sha256_update beyond 2^64 bits");
    check(sha256_update(&c, d, 1) == CRYPTO_OK, "sha256_update up to the limit");
}

/* ------------------------------------------------------------------ HMAC-SHA256 */

static void test_hmac(void)
{
    static const char t6[] = "Test Using Larger Than Block-Size Key - Hash Key First";
    static const char t7[] = "This is a test using a larger than block-size key and a larger than block-size data."
                             " The key needs to be hashed before being used by the HMAC algorithm.";
    uint8_t key[131], data[160], mac[32], mac2[32];
    hmac_sha256_ctx c;

    /* RFC 4231 test cases 1..7 */
    fill(key, 20, 0x0b);
    hmac_sha256(key, 20, (const uint8_t *)"Hi There", 8, mac);
    check_hex(mac, 32, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7", "hmac RFC 4231 case 1");
    hmac_sha256((const uint8_t *)"Jefe", 4, (const uint8_t *)"what do ya want for nothing?", 28, mac);
    check_hex(mac, 32, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", "hmac RFC 4231 case 2");
    fill(key, 20, 0xaa);
    fill(data, 50, 0xdd);
    hmac_sha256(key, 20, data, 50, mac);
    check_hex(mac, 32, "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe", "hmac RFC 4231 case 3");
    unhex(key, 25, "0102030405060708090a0b0c0d0e0f10111213141516171819");
    fill(data, 50, 0xcd);
    hmac_sha256(key, 25, data, 50, mac);
    check_hex(mac, 32, "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b", "hmac RFC 4231 case 4");
    fill(key, 20, 0x0c);
    hmac_sha256(key, 20, (const uint8_t *)"Test With Truncation", 20, mac);
    check_hex(mac, 16, "a3b6167473100ee06e0c796c2955552b", "hmac RFC 4231 case 5 (truncated)");
    fill(key, 131, 0xaa);
    hmac_sha256(key, 131, (const uint8_t *)t6, slen(t6), mac);
    check_hex(mac, 32, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54", "hmac RFC 4231 case 6");
    hmac_sha256(key, 131, (const uint8_t *)t7, slen(t7), mac);
    check_hex(mac, 32, "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2", "hmac RFC 4231 case 7");
    /* streaming case 7 */
    hmac_sha256_init(&c, key, 131);
    hmac_sha256_update(&c, (const uint8_t *)t7, 50);
    hmac_sha256_update(&c, (const uint8_t *)t7 + 50, slen(t7) - 50);
    hmac_sha256_final(&c, mac2);
    check(bytes_eq(mac, mac2, 32), "hmac streaming == one-shot");
    /* empty key and message (RFC 2104 allows both) */
    check(hmac_sha256(0, 0, 0, 0, mac) == CRYPTO_OK, "hmac empty key and message");
    check_hex(mac, 32, "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad", "hmac empty key and message value");
    /* a 64-byte key is used as is, a 65-byte key is hashed */
    fill(key, 65, 0x42);
    hmac_sha256(key, 64, (const uint8_t *)"x", 1, mac);
    sha256(key, 65, data);
    hmac_sha256(key, 65, (const uint8_t *)"x", 1, mac2);
    hmac_sha256(data, 32, (const uint8_t *)"x", 1, data + 32);
    check(bytes_eq(mac2, data + 32, 32) && !bytes_eq(mac, mac2, 32), "hmac key of 65 bytes is hashed first");

    check(hmac_sha256(0, 5, data, 1, mac) == CRYPTO_ERR_NULL, "hmac NULL key with length");
    check(hmac_sha256(key, 5, 0, 1, mac) == CRYPTO_ERR_NULL, "hmac NULL data with length");
    check(hmac_sha256(key, 5, data, 1, 0) == CRYPTO_ERR_NULL, "hmac NULL mac");
    check(hmac_sha256_init(0, key, 5) == CRYPTO_ERR_NULL, "hmac_init NULL ctx");
    check(hmac_sha256_update(0, data, 1) == CRYPTO_ERR_NULL, "hmac_update NULL ctx");
    hmac_sha256_init(&c, key, 5);
    check(hmac_sha256_final(&c, 0) == CRYPTO_ERR_NULL, "hmac_final NULL mac");
    hmac_sha256_final(&c, mac);
    check(hmac_sha256_update(&c, data, 1) == CRYPTO_ERR_STATE, "hmac_update after final");
    check(hmac_sha256_final(&c, mac) == CRYPTO_ERR_STATE, "hmac_final twice");
}

/* ------------------------------------------------------------------ Mesh sample data (8.17) */

/* Mesh Protocol 1.1 section 3.9.2: s1(M) = AES-CMAC_ZERO(M); k1(N, SALT, P) = AES-CMAC_T(P) with
 * T = AES-CMAC_SALT(N); s2(M) = HMAC-SHA-256_ZERO(M); k5(N, SALT, P) = HMAC-SHA-256_T(P), T = HMAC-SHA-256_SALT(N). */
static void s1(const uint8_t *m, size_t n, uint8_t out[16])
{
    static const uint8_t zero[16] = { 0 };
    aes_cmac(zero, m, n, out);
}

static void k1(const uint8_t *n, size_t nl, const uint8_t salt[16], const char *p, uint8_t out[16])
{
    uint8_t t[16];
    aes_cmac(salt, n, nl, t);
    aes_cmac(t, (const uint8_t *)p, slen(p), out);
}

static void s2(const uint8_t *m, size_t n, uint8_t out[32])
{
    static const uint8_t zero[32] = { 0 };
    hmac_sha256(zero, 32, m, n, out);
}

static void k5(const uint8_t *n, size_t nl, const uint8_t salt[32], const char *p, uint8_t out[32])
{
    uint8_t t[32];
    hmac_sha256(salt, 32, n, nl, t);
    hmac_sha256(t, 32, (const uint8_t *)p, slen(p), out);
}

/* Values copied from the sample data (8.17.1 and 8.17.2). */
static const char PUB_PROV[] = "2c31a47b5779809ef44cb5eaaf5c3e43d5f8faad4a8794cb987e9b03745c78dd"
                               "919512183898dfbecd52e2408e43871fd021109117bd3ed4eaf8437743715d4f";
static const char PUB_DEV[] = "f465e43ff23d3f1b9dc7dfc04da8758184dbc966204796eccf0d6cf5e16500cc"
                              "0201d048bcbbd899eeefc424164e33c201c2b010ca6b4d43a8a155cad8ecb279";
static const char ECDH_SECRET[] = "ab85843a2f6d883f62e5684b38e307335fe6e1945ecd19604105c6f23221eb69";
static const char PROV_DATA[] = "efb2255e6422d330088e09bb015ed707056700010203040b0c";

static void test_mesh_cmac(void)
{
    uint8_t inputs[145], salt[16], ck[16], buf[64], conf[16], psalt[16], sk[16], sn[16], dk[16], ecdh[32];
    uint8_t pd[25], enc[33], dec[25];
    size_t n = 0;

    n += unhex(inputs + n, 1, "00");                          /* Invite */
    n += unhex(inputs + n, 11, "0100010000000000000000");     /* Capabilities */
    n += unhex(inputs + n, 5, "0000000000");                  /* Start */
    n += unhex(inputs + n, 64, PUB_PROV);
    n += unhex(inputs + n, 64, PUB_DEV);
    check(n == 145, "mesh: ConfirmationInputs is 145 bytes");
    unhex(ecdh, 32, ECDH_SECRET);
    s1(inputs, n, salt);
    check_hex(salt, 16, "5faabe187337c71cc6c973369dcaa79a", "mesh cmac: ConfirmationSalt = s1(ConfirmationInputs)");
    k1(ecdh, 32, salt, "prck", ck);
    check_hex(ck, 16, "e31fe046c68ec339c425fc6629f0336f", "mesh cmac: ConfirmationKey = k1(ECDHSecret, salt, 'prck')");
    /* ConfirmationProvisioner = AES-CMAC_ConfirmationKey(RandomProvisioner || AuthValue) */
    unhex(buf, 16, "8b19ac31d58b124c946209b5db1021b9");
    fill(buf + 16, 16, 0);
    aes_cmac(ck, buf, 32, conf);
    check_hex(conf, 16, "b38a114dfdca1fe153bd2c1e0dc46ac2", "mesh cmac: ConfirmationProvisioner");
    unhex(buf, 16, "55a2a2bca04cd32ff6f346bd0a0c1a3a");
    aes_cmac(ck, buf, 32, conf);
    check_hex(conf, 16, "eeba521c196b52cc2e37aa40329f554e", "mesh cmac: ConfirmationDevice");
    /* ProvisioningSalt = s1(ConfirmationSalt || RandomProvisioner || RandomDevice) */
    for (n = 0; n < 16; n++) buf[n] = salt[n];
    unhex(buf + 16, 16, "8b19ac31d58b124c946209b5db1021b9");
    unhex(buf + 32, 16, "55a2a2bca04cd32ff6f346bd0a0c1a3a");
    s1(buf, 48, psalt);
    check_hex(psalt, 16, "a21c7d45f201cf9489a2fb57145015b4", "mesh cmac: ProvisioningSalt");
    k1(ecdh, 32, psalt, "prsk", sk);
    check_hex(sk, 16, "c80253af86b33dfa450bbdb2a191fea3", "mesh cmac: SessionKey");
    k1(ecdh, 32, psalt, "prsn", sn);
    check_hex(sn + 3, 13, "da7ddbe78b5f62b81d6847487e", "mesh cmac: SessionNonce");
    k1(ecdh, 32, psalt, "prdk", dk);
    check_hex(dk, 16, "0520adad5e0142aa3e325087b4ec16d8", "mesh cmac: DeviceKey");
    /* Provisioning Data: EncData || MIC = AES-CCM(SessionKey, SessionNonce, ProvData), 8-byte MIC, no AAD */
    unhex(pd, 25, PROV_DATA);
    check(aes_ccm_encrypt(sk, sn + 3, 0, 0, pd, 25, 8, enc) == CRYPTO_OK, "mesh cmac: ccm OK");
    check_hex(enc, 25, "d0bd7f4a89a2ff6222af59a90a60ad58acfe3123356f5cec29", "mesh cmac: EncProvisioningData");
    check_hex(enc + 25, 8, "73e0ec50783b10c7", "mesh cmac: ProvisioningDataMIC");
    check(aes_ccm_decrypt(sk, sn + 3, 0, 0, enc, 33, 8, dec) == CRYPTO_OK && bytes_eq(dec, pd, 25), "mesh cmac: decrypt ProvData");
}

static void test_mesh_hmac(void)
{
    uint8_t inputs[145], salt[32], ck[32], nk[64], conf[32], buf[96], psalt[16], sk[16], sn[16], dk[16], ecdh[32];
    uint8_t pd[25], enc[33];
    size_t n = 0;

    n += unhex(inputs + n, 1, "00");
    n += unhex(inputs + n, 11, "0100030001000000000000");
    n += unhex(inputs + n, 5, "0100010000");
    n += unhex(inputs + n, 64, PUB_PROV);
    n += unhex(inputs + n, 64, PUB_DEV);
    unhex(ecdh, 32, ECDH_SECRET);
    s2(inputs, n, salt);
    check_hex(salt, 32, "a71141ba8cb6b40f4f52b622e1c091614c73fc308f871b78ca775e769bc3ae69", "mesh hmac: ConfirmationSalt = s2(ConfirmationInputs)");
    /* ConfirmationKey = k5(ECDHSecret || AuthValue, ConfirmationSalt, "prck256") */
    for (n = 0; n < 32; n++) nk[n] = ecdh[n];
    unhex(nk + 32, 32, "906d73a3c7a7cb3ff730dca68a46b9c18d673f50e078202311473ebbe253669f");
    k5(nk, 64, salt, "prck256", ck);
    check_hex(ck, 32, "210c3c448152e8d59ef742aa7d22ee5ba59a38648bda6bf05c74f3e46fc2c0bb", "mesh hmac: ConfirmationKey");
    /* ConfirmationProvisioner = HMAC-SHA-256_ConfirmationKey(RandomProvisioner) */
    unhex(buf, 32, "36f968b94a13000e64b223576390db6bcc6d62f02617c369ee3f5b3e89df7e1f");
    hmac_sha256(ck, 32, buf, 32, conf);
    check_hex(conf, 32, "c99b54617ae646f5f32cf7e1ea6fcc49fd69066078eba9580fa6c7031833e6c8", "mesh hmac: ConfirmationProvisioner");
    unhex(buf, 32, "5b9b1fc6a64b2de8bece53187ee989c6566db1fc7dc8580a73dafdd6211d56a5");
    hmac_sha256(ck, 32, buf, 32, conf);
    check_hex(conf, 32, "56e3722d291373d38c995d6f942c02928c96abb015c233557d7974b6e2df662b", "mesh hmac: ConfirmationDevice");
    /* ProvisioningSalt = s1(ConfirmationSalt || RandomProvisioner || RandomDevice) */
    for (n = 0; n < 32; n++) buf[n] = salt[n];
    unhex(buf + 32, 32, "36f968b94a13000e64b223576390db6bcc6d62f02617c369ee3f5b3e89df7e1f");
    unhex(buf + 64, 32, "5b9b1fc6a64b2de8bece53187ee989c6566db1fc7dc8580a73dafdd6211d56a5");
    s1(buf, 96, psalt);
    check_hex(psalt, 16, "d1cb10ad8d51286067e348fc4b692122", "mesh hmac: ProvisioningSalt");
    k1(ecdh, 32, psalt, "prsk", sk);
    check_hex(sk, 16, "df4a494da3d45405e402f1d6a6cea338", "mesh hmac: SessionKey");
    k1(ecdh, 32, psalt, "prsn", sn);
    check_hex(sn + 3, 13, "11b987db2ae41fbb9e96b80446", "mesh hmac: SessionNonce");
    k1(ecdh, 32, psalt, "prdk", dk);
    check_hex(dk, 16, "2770852a737cf05d8813768f22af3a2d", "mesh hmac: DeviceKey");
    unhex(pd, 25, PROV_DATA);
    aes_ccm_encrypt(sk, sn + 3, 0, 0, pd, 25, 8, enc);
    check_hex(enc, 25, "f9df98cbb736be1f600659ac4c37821a82db31e410a03de769", "mesh hmac: EncProvisioningData");
    check_hex(enc + 25, 8, "3a2a0428fbdaf321", "mesh hmac: ProvisioningDataMIC");
}

/* ------------------------------------------------------------------ P-256 (when p256.c is built) */

#if defined(CRYPTO_HAVE_P256)
static const char PRIV_PROV[] = "06a516693c9aa31a6084545d0c5db641b48572b97203ddffb7ac73f7d0457663";
static const char PRIV_DEV[] = "529aa0670d72cd6497502ed473502b037e8803b5c60829a5a3caa219505530ba";

static int counter_rng(void *ctx, uint8_t *out, size_t len)
{
    uint32_t *seed = (uint32_t *)ctx;
    size_t i;
    for (i = 0; i < len; i++) {
        *seed = *seed * 1103515245u + 12345u;
        out[i] = (uint8_t)(*seed >> 16);
    }
    return 0;
}

static int failing_rng(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    (void)out;
    (void)len;
    return -1;
}

static void test_p256_api(void)
{
    uint8_t priv[32], pub[64], pub2[64], peer[64], secret[32], secret2[32];
    uint32_t seed = 42;

    unhex(priv, 32, PRIV_PROV);
    check(p256_public_from_private(pub, priv) == 0, "p256_public_from_private OK");
    check_hex(pub, 64, PUB_PROV, "p256: PubProv from PrivProv (Mesh 8.17)");
    unhex(priv, 32, PRIV_DEV);
    p256_public_from_private(pub, priv);
    check_hex(pub, 64, PUB_DEV, "p256: PubDev from PrivDev");
    unhex(peer, 64, PUB_PROV);
    check(p256_ecdh(secret, priv, peer) == 0, "p256_ecdh OK");
    check_hex(secret, 32, ECDH_SECRET, "p256: ECDHSecret (device side)");
    unhex(priv, 32, PRIV_PROV);
    unhex(peer, 64, PUB_DEV);
    p256_ecdh(secret2, priv, peer);
    check_hex(secret2, 32, ECDH_SECRET, "p256: ECDHSecret (provisioner side)");
    check(p256_validate_public(peer) == 0, "p256_validate_public accepts PubDev");
    peer[63] ^= 1;
    check(p256_validate_public(peer) != 0, "p256_validate_public rejects a point off the curve");
    check(p256_ecdh(secret, priv, peer) < 0, "p256_ecdh rejects a peer key off the curve");
    fill(peer, 64, 0);
    check(p256_validate_public(peer) != 0, "p256_validate_public rejects all zeros");
    fill(peer, 64, 0xff);
    check(p256_validate_public(peer) != 0, "p256_validate_public rejects coordinates >= p");
    check(p256_keygen(priv, pub, counter_rng, &seed) == 0, "p256_keygen OK");
    check(p256_validate_public(pub) == 0, "p256_keygen public key is on the curve");
    p256_public_from_private(pub2, priv);
    check(bytes_eq(pub, pub2, 64), "p256_keygen public key matches its private key");
    check(p256_keygen(priv, pub, failing_rng, 0) < 0, "p256_keygen reports a failing RNG");
    check(p256_keygen(0, pub, counter_rng, &seed) < 0, "p256_keygen NULL priv");
    check(p256_public_from_private(0, priv) < 0, "p256_public_from_private NULL out");
    check(p256_ecdh(secret, 0, pub) < 0, "p256_ecdh NULL priv");
    check(p256_validate_public(0) < 0, "p256_validate_public NULL");
    fill(priv, 32, 0);
    check(p256_public_from_private(pub, priv) < 0, "p256_public_from_private rejects 0");
}
#endif

/* ------------------------------------------------------------------ helpers of crypto_common */

static void test_common(void)
{
    uint8_t a[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, b[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    check(crypto_ct_equal(a, b, 8) == 1, "crypto_ct_equal equal");
    b[7] ^= 0x80;
    check(crypto_ct_equal(a, b, 8) == 0, "crypto_ct_equal differs in the last byte");
    check(crypto_ct_equal(a, b, 0) == 1, "crypto_ct_equal of nothing");
    crypto_wipe(a, 8);
    check(a[0] == 0 && a[7] == 0, "crypto_wipe");
    crypto_wipe(0, 0);
    crypto_burn_stack(0);
    crypto_burn_stack(100);
    crypto_burn_stack(100000); /* clamped to its own frame */
    check(1, "crypto_burn_stack");
}

int main(void)
{
    test_common();
    test_out("software AES: " AES128_SW_IMPL "\n");
    test_aes();
#if defined(CRYPTO_TEST_EMBEDDED) && defined(__arm__)
    test_aes_residue();
    test_modes_residue();
#endif
    test_cmac();
    test_ccm();
    test_sha256();
    test_hmac();
    test_mesh_cmac();
    test_mesh_hmac();
#if defined(CRYPTO_AES_BACKEND_NRF52_ECB) && defined(NRF52_ECB_TEST)
    test_ecb_driver();
#endif
#if defined(CRYPTO_HAVE_P256)
    test_p256_api();
#endif
    out_u32(passed);
    test_out(" passed, ");
    out_u32(failed);
    test_out(" failed\n");
    return failed ? 1 : 0;
}
