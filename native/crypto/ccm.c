/*
 * AES-CCM (NIST SP 800-38C), 13-byte nonce. See ccm.h.
 *
 * Formatting (SP 800-38C appendix A.2), with q = 15 - 13 = 2:
 *   B0    = flags || N || [Plen]16,  flags = 64*Adata + 8*(t-2)/2 + (q-1)
 *   AAD   = [a]16 || A (0 < a < 2^16 - 2^8), or 0xFFFE || [a]32 || A, zero-padded to a block
 *   Ctr_i = (q-1) || N || [i]16;  MIC = T XOR MSB_t(E(Ctr_0)); payload block j uses E(Ctr_j)
 *
 * The CBC-MAC is a chain, but the counter blocks are independent, so every CBC-MAC step is paired
 * with one counter block in a single two-block AES call (aes128_ctx_encrypt2): a message of n
 * payload blocks and nA AAD blocks costs 1 + nA + n calls for both halves.
 *   Encryption: the CBC step of payload block j runs with Ctr_j (the plaintext block is read before
 *     the ciphertext block is written, so out may be pt); Ctr_0 runs with B0.
 *   Decryption: the CBC-MAC needs plaintext block j = C_j XOR E(Ctr_j) first, so the counter blocks
 *     run one step ahead (Ctr_1 with the step before the first payload block, Ctr_j+1 with block j);
 *     Ctr_0 takes the first step left free. Plaintext goes to a stack buffer; out is written only
 *     after the MIC matched (short messages: from that buffer; long: decrypted again).
 *
 * Nothing key- or data-dependent stays on the stack: the public functions keep every buffer in a
 * work area in their own frame (wiped at the end) and run the computation in a noinline core with
 * a small frame; then they clear the scratch registers and the stack below them (CRYPTO_SCRUB),
 * where the core spilled values and the AES calls pushed the core's registers.
 */
#include <stddef.h>

#include "ccm.h"
#include "aes.h"

/* Stack cleared below the public functions after the core: the core's frame (at most 96 bytes:
 * saved registers and spills) and the deepest AES call it makes (the bench's aes stackBytes: 184
 * bytes with the T-table AES, 376 bitsliced; the ECB backend's driver needs less). */
#if defined(CRYPTO_AES_SW_TTABLE)
#define CCM_BURN_BYTES (96 + 192)
#else
#define CCM_BURN_BYTES (96 + 384)
#endif

/* Decryption keeps plaintexts up to this size on the stack during the MIC check (one pass);
 * longer ones are decrypted a second time after the check. Mesh PDUs are far shorter. */
#ifndef CCM_KEEP_BYTES
#define CCM_KEEP_BYTES 64
#endif

typedef struct {
    const aes128_ctx *aes;
    const uint8_t *nonce;
    uint8_t hdr[6];        /* AAD length encoding */
    size_t hdr_len;
    const uint8_t *aad;
    size_t aad_len;
    size_t n_aad;          /* CBC blocks of hdr || aad */
    size_t n_data;         /* payload blocks */
    size_t len;            /* payload bytes */
    size_t mic_len;
    uint8_t x[16];         /* CBC-MAC chaining value */
} ccm_state;

static int check_args(const uint8_t *key, const uint8_t *nonce, const uint8_t *aad, size_t aad_len,
                      const uint8_t *data, size_t data_len, size_t mic_len, const uint8_t *out)
{
    if (!key || !nonce || !out || (!aad && aad_len) || (!data && data_len)) {
        return CRYPTO_ERR_NULL;
    }
    if (mic_len < 4 || mic_len > 16 || (mic_len & 1)) {
        return CRYPTO_ERR_LENGTH;
    }
#if SIZE_MAX > 0xFFFFFFFFu
    if (aad_len > 0xFFFFFFFFu) {
        return CRYPTO_ERR_LENGTH;
    }
#endif
    return CRYPTO_OK;
}

static void setup(ccm_state *st, const aes128_ctx *aes, const uint8_t nonce[13], const uint8_t *aad,
                  size_t aad_len, size_t len, size_t mic_len)
{
    st->aes = aes;
    st->nonce = nonce;
    st->aad = aad;
    st->aad_len = aad_len;
    st->len = len;
    st->mic_len = mic_len;
    st->hdr_len = 0;
    if (aad_len && aad_len < 0xFF00u) {
        st->hdr[0] = (uint8_t)(aad_len >> 8);
        st->hdr[1] = (uint8_t)aad_len;
        st->hdr_len = 2;
    } else if (aad_len) {
        uint32_t a = (uint32_t)aad_len;
        st->hdr[0] = 0xFF;
        st->hdr[1] = 0xFE;
        st->hdr[2] = (uint8_t)(a >> 24);
        st->hdr[3] = (uint8_t)(a >> 16);
        st->hdr[4] = (uint8_t)(a >> 8);
        st->hdr[5] = (uint8_t)a;
        st->hdr_len = 6;
    }
    st->n_aad = aad_len ? (st->hdr_len + aad_len + 15) / 16 : 0;
    st->n_data = (len + 15) / 16;
}

/* Counter block Ctr_i. */
static void ctr_block(uint8_t a[16], const uint8_t nonce[13], size_t i)
{
    unsigned k;
    a[0] = 1; /* q - 1 */
    for (k = 0; k < 13; k++) {
        a[1 + k] = nonce[k];
    }
    a[14] = (uint8_t)(i >> 8);
    a[15] = (uint8_t)i;
}

/*
 * x XOR (CBC input of step k) into in: B0 (k = 0), a block of hdr || aad (1 <= k <= n_aad), or
 * payload block k - n_aad given by p (n bytes, zero-padded).
 */
static void cbc_input(const ccm_state *st, size_t k, const uint8_t *p, size_t n, uint8_t in[16])
{
    unsigned i;
    if (k == 0) {
        in[0] = (uint8_t)((st->aad_len ? 64 : 0) + 8 * ((st->mic_len - 2) / 2) + 1);
        for (i = 0; i < 13; i++) {
            in[1 + i] = st->nonce[i];
        }
        in[14] = (uint8_t)(st->len >> 8);
        in[15] = (uint8_t)st->len;
    } else if (k <= st->n_aad) {
        size_t off = 16 * (k - 1);
        for (i = 0; i < 16; i++, off++) {
            uint8_t b = 0;
            if (off < st->hdr_len) {
                b = st->hdr[off];
            } else if (off - st->hdr_len < st->aad_len) {
                b = st->aad[off - st->hdr_len];
            }
            in[i] = b;
        }
    } else {
        for (i = 0; i < 16; i++) {
            in[i] = (uint8_t)(i < n ? p[i] : 0);
        }
    }
    for (i = 0; i < 16; i++) {
        in[i] ^= st->x[i];
    }
}

/* One CBC-MAC step, with counter block ctr (or none when ctr is NULL) in the same AES call. */
static void step(ccm_state *st, const uint8_t in[16], const uint8_t *ctr, uint8_t *s)
{
    if (ctr) {
        aes128_ctx_encrypt2(st->aes, in, ctr, st->x, s);
    } else {
        aes128_ctx_encrypt(st->aes, in, st->x);
    }
}

static size_t min16(size_t a)
{
    return a < 16 ? a : 16;
}

/* The buffers of an encryption, and of a decryption, in the public function's frame (wiped there). */
typedef struct {
    aes128_ctx aes;
    ccm_state st;
    uint8_t in[16], a[16], s[16], s0[16];
} ccm_work;

typedef struct {
    ccm_work w;
    uint8_t p[16], tag[16];
    uint8_t keep[CCM_KEEP_BYTES];
} ccm_dec_work;

/* aes_ccm_encrypt after its argument checks. */
static CRYPTO_NOINLINE void encrypt_core(ccm_work *w, const uint8_t key[16], const uint8_t nonce[13],
                                         const uint8_t *aad, size_t aad_len, const uint8_t *pt, size_t pt_len,
                                         size_t mic_len, uint8_t *out)
{
    ccm_state *st = &w->st;
    size_t k, steps, i;

    aes128_ctx_init(&w->aes, key);
    setup(st, &w->aes, nonce, aad, aad_len, pt_len, mic_len);
    for (i = 0; i < 16; i++) {
        st->x[i] = 0;
    }
    steps = 1 + st->n_aad + st->n_data;
    for (k = 0; k < steps; k++) {
        if (k > st->n_aad) {
            /* payload block j with Ctr_j: read the plaintext, then write the ciphertext */
            size_t j = k - st->n_aad, off = 16 * (j - 1), n = min16(pt_len - off);
            cbc_input(st, k, pt + off, n, w->in);
            ctr_block(w->a, nonce, j);
            step(st, w->in, w->a, w->s);
            for (i = 0; i < n; i++) {
                out[off + i] = (uint8_t)(pt[off + i] ^ w->s[i]);
            }
        } else if (k == 0) {
            cbc_input(st, 0, 0, 0, w->in);
            ctr_block(w->a, nonce, 0);
            step(st, w->in, w->a, w->s0);
        } else {
            cbc_input(st, k, 0, 0, w->in);
            step(st, w->in, 0, 0);
        }
    }
    for (i = 0; i < mic_len; i++) {
        out[pt_len + i] = (uint8_t)(st->x[i] ^ w->s0[i]);
    }
}

int aes_ccm_encrypt(const uint8_t key[16], const uint8_t nonce[13],
                    const uint8_t *aad, size_t aad_len,
                    const uint8_t *pt, size_t pt_len,
                    size_t mic_len, uint8_t *out)
{
    ccm_work w;
    int rc = check_args(key, nonce, aad, aad_len, pt, pt_len, mic_len, out);

    if (rc != CRYPTO_OK) {
        return rc;
    }
    if (pt_len > AES_CCM_MAX_PAYLOAD) {
        return CRYPTO_ERR_LENGTH;
    }
    encrypt_core(&w, key, nonce, aad, aad_len, pt, pt_len, mic_len, out);
    CRYPTO_CLEAR_SCRATCH_REGS();
    crypto_wipe(&w, sizeof w);
    crypto_burn_stack(CCM_BURN_BYTES);
    return CRYPTO_OK;
}

/* aes_ccm_decrypt after its argument checks: 1 when the MIC matched (and out was written). */
static CRYPTO_NOINLINE int decrypt_core(ccm_dec_work *d, const uint8_t key[16], const uint8_t nonce[13],
                                        const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t pt_len,
                                        size_t mic_len, uint8_t *out)
{
    ccm_work *w = &d->w;
    ccm_state *st = &w->st;
    size_t k, steps, i, j;
    int ok, short_msg = pt_len <= sizeof d->keep, have_s0 = 0;

    aes128_ctx_init(&w->aes, key);
    setup(st, &w->aes, nonce, aad, aad_len, pt_len, mic_len);
    for (i = 0; i < 16; i++) {
        st->x[i] = 0;
    }
    steps = 1 + st->n_aad + st->n_data;
    for (k = 0; k < steps; k++) {
        size_t n = 0;
        const uint8_t *pp = 0;
        size_t ctr_j = (size_t)-1;
        if (k > st->n_aad) {
            /* payload block j: plaintext = ciphertext XOR E(Ctr_j), computed at the previous step */
            size_t off;
            j = k - st->n_aad;
            off = 16 * (j - 1);
            n = min16(pt_len - off);
            for (i = 0; i < n; i++) {
                d->p[i] = (uint8_t)(in[off + i] ^ w->s[i]);
                if (short_msg) {
                    d->keep[off + i] = d->p[i];
                }
            }
            pp = d->p;
        }
        /* The counter block of this step: the next payload block's, else Ctr_0 once. */
        if (k >= st->n_aad && k - st->n_aad + 1 <= st->n_data) {
            ctr_j = k - st->n_aad + 1;
        } else if (!have_s0) {
            ctr_j = 0;
        }
        cbc_input(st, k, pp, n, w->in);
        if (ctr_j == (size_t)-1) {
            step(st, w->in, 0, 0);
        } else {
            ctr_block(w->a, nonce, ctr_j);
            step(st, w->in, w->a, ctr_j ? w->s : w->s0);
            if (!ctr_j) {
                have_s0 = 1;
            }
        }
    }
    if (!have_s0) {
        ctr_block(w->a, nonce, 0);
        aes128_ctx_encrypt(&w->aes, w->a, w->s0);
    }
    for (i = 0; i < mic_len; i++) {
        d->tag[i] = (uint8_t)(st->x[i] ^ w->s0[i]);
    }
    ok = crypto_ct_equal(d->tag, in + pt_len, mic_len);
    /* Only with a valid MIC: the plaintext into out (kept from the pass above, or decrypted again,
     * two counter blocks per AES call). */
    if (ok && short_msg) {
        for (i = 0; i < pt_len; i++) {
            out[i] = d->keep[i];
        }
    } else if (ok) {
        for (j = 1; j <= st->n_data; j += 2) {
            size_t off = 16 * (j - 1), n = min16(pt_len - off);
            ctr_block(w->a, nonce, j);
            if (j + 1 <= st->n_data) {
                size_t n2 = min16(pt_len - off - 16);
                ctr_block(w->in, nonce, j + 1);
                aes128_ctx_encrypt2(&w->aes, w->a, w->in, w->s, d->p);
                for (i = 0; i < n2; i++) {
                    out[off + 16 + i] = (uint8_t)(in[off + 16 + i] ^ d->p[i]);
                }
            } else {
                aes128_ctx_encrypt(&w->aes, w->a, w->s);
            }
            for (i = 0; i < n; i++) {
                out[off + i] = (uint8_t)(in[off + i] ^ w->s[i]);
            }
        }
    }
    return ok;
}

int aes_ccm_decrypt(const uint8_t key[16], const uint8_t nonce[13],
                    const uint8_t *aad, size_t aad_len,
                    const uint8_t *in, size_t in_len,
                    size_t mic_len, uint8_t *out)
{
    ccm_dec_work w;
    size_t pt_len;
    int ok;
    int rc = check_args(key, nonce, aad, aad_len, in, in_len, mic_len, out);

    if (rc != CRYPTO_OK) {
        return rc;
    }
    if (in_len < mic_len) {
        return CRYPTO_ERR_LENGTH;
    }
    pt_len = in_len - mic_len;
    if (pt_len > AES_CCM_MAX_PAYLOAD) {
        return CRYPTO_ERR_LENGTH;
    }
    ok = decrypt_core(&w, key, nonce, aad, aad_len, in, pt_len, mic_len, out);
    CRYPTO_CLEAR_SCRATCH_REGS();
    /* The work area; of keep, only what this message used. */
    crypto_wipe(&w, offsetof(ccm_dec_work, keep) + (pt_len < sizeof w.keep ? pt_len : sizeof w.keep));
    crypto_burn_stack(CCM_BURN_BYTES);
    return ok ? CRYPTO_OK : CRYPTO_ERR_AUTH;
}
