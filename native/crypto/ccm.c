/*
 * AES-CCM (NIST SP 800-38C), 13-byte nonce. See ccm.h.
 *
 * Formatting (SP 800-38C appendix A.2), with q = 15 - 13 = 2:
 *   B0    = flags || N || [Plen]16,  flags = 64*Adata + 8*(t-2)/2 + (q-1)
 *   AAD   = [a]16 || A (0 < a < 2^16 - 2^8), or 0xFFFE || [a]32 || A, zero-padded to a block
 *   Ctr_i = (q-1) || N || [i]16;  MIC = T XOR MSB_t(E(Ctr_0)); payload uses Ctr_1, Ctr_2, ...
 */
#include "ccm.h"
#include "aes.h"

/* Decryption keeps plaintexts up to this size on the stack during the MIC check (one pass);
 * longer ones are decrypted a second time after the check. Mesh PDUs are far shorter. */
#ifndef CCM_KEEP_BYTES
#define CCM_KEEP_BYTES 64
#endif

/* CBC-MAC state: chaining value x, position in the current block. */
typedef struct {
    const aes128_ctx *aes;
    uint8_t x[16];
    unsigned pos;
} cbc_mac;

static void mac_bytes(cbc_mac *m, const uint8_t *p, size_t n)
{
    while (n--) {
        m->x[m->pos++] ^= *p++;
        if (m->pos == 16) {
            aes128_ctx_encrypt(m->aes, m->x, m->x);
            m->pos = 0;
        }
    }
}

/* Ends a zero-padded segment (AAD or payload). */
static void mac_pad(cbc_mac *m)
{
    if (m->pos) {
        aes128_ctx_encrypt(m->aes, m->x, m->x);
        m->pos = 0;
    }
}

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

/* Counter block Ctr_i. */
static void ctr_block(uint8_t a[16], const uint8_t nonce[13], unsigned i)
{
    unsigned k;
    a[0] = 1; /* q - 1 */
    for (k = 0; k < 13; k++) {
        a[1 + k] = nonce[k];
    }
    a[14] = (uint8_t)(i >> 8);
    a[15] = (uint8_t)i;
}

/* out = in XOR keystream (Ctr_1, Ctr_2, ...); block by block, so out == in is fine. */
static void ctr_crypt(const aes128_ctx *aes, const uint8_t nonce[13], const uint8_t *in, size_t len, uint8_t *out)
{
    uint8_t a[16], s[16];
    unsigned i = 1;
    size_t off = 0;

    while (off < len) {
        size_t n = len - off < 16 ? len - off : 16;
        size_t k;
        ctr_block(a, nonce, i++);
        aes128_ctx_encrypt(aes, a, s);
        for (k = 0; k < n; k++) {
            out[off + k] = (uint8_t)(in[off + k] ^ s[k]);
        }
        off += n;
    }
    crypto_wipe(s, sizeof s);
}

/*
 * The CBC-MAC tag T (16 bytes, before truncation) over B0, the AAD and the plaintext. With
 * decrypt != 0, data is the ciphertext and each block is decrypted into a stack buffer on the way
 * (nothing is written to the caller's output); with keep != NULL the plaintext is also kept there
 * (len bytes), so a short message needs no second decryption pass.
 */
static void ccm_tag(const aes128_ctx *aes, const uint8_t nonce[13], const uint8_t *aad, size_t aad_len,
                    const uint8_t *data, size_t len, int decrypt, uint8_t *keep, size_t mic_len, uint8_t tag[16])
{
    cbc_mac m;
    uint8_t hdr[6];
    unsigned i;

    m.aes = aes;
    m.pos = 0;
    m.x[0] = (uint8_t)((aad_len ? 64 : 0) + 8 * ((mic_len - 2) / 2) + 1);
    for (i = 0; i < 13; i++) {
        m.x[1 + i] = nonce[i];
    }
    m.x[14] = (uint8_t)(len >> 8);
    m.x[15] = (uint8_t)len;
    aes128_ctx_encrypt(aes, m.x, m.x);
    if (aad_len) {
        if (aad_len < 0xFF00u) {
            hdr[0] = (uint8_t)(aad_len >> 8);
            hdr[1] = (uint8_t)aad_len;
            mac_bytes(&m, hdr, 2);
        } else {
            uint32_t a = (uint32_t)aad_len;
            hdr[0] = 0xFF;
            hdr[1] = 0xFE;
            hdr[2] = (uint8_t)(a >> 24);
            hdr[3] = (uint8_t)(a >> 16);
            hdr[4] = (uint8_t)(a >> 8);
            hdr[5] = (uint8_t)a;
            mac_bytes(&m, hdr, 6);
        }
        mac_bytes(&m, aad, aad_len);
        mac_pad(&m);
    }
    if (!decrypt) {
        mac_bytes(&m, data, len);
    } else {
        uint8_t ctr[16], p[16];
        size_t off = 0, k;
        unsigned n = 1;
        while (off < len) {
            size_t chunk = len - off < 16 ? len - off : 16;
            ctr_block(ctr, nonce, n++);
            aes128_ctx_encrypt(aes, ctr, p);
            for (k = 0; k < chunk; k++) {
                p[k] ^= data[off + k];
                if (keep) {
                    keep[off + k] = p[k];
                }
            }
            mac_bytes(&m, p, chunk);
            off += chunk;
        }
        crypto_wipe(p, sizeof p);
    }
    mac_pad(&m);
    for (i = 0; i < 16; i++) {
        tag[i] = m.x[i];
    }
    crypto_wipe(&m, sizeof m);
}

int aes_ccm_encrypt(const uint8_t key[16], const uint8_t nonce[13],
                    const uint8_t *aad, size_t aad_len,
                    const uint8_t *pt, size_t pt_len,
                    size_t mic_len, uint8_t *out)
{
    aes128_ctx aes;
    uint8_t tag[16], a[16], s0[16];
    size_t i;
    int rc = check_args(key, nonce, aad, aad_len, pt, pt_len, mic_len, out);

    if (rc != CRYPTO_OK) {
        return rc;
    }
    if (pt_len > AES_CCM_MAX_PAYLOAD) {
        return CRYPTO_ERR_LENGTH;
    }
    aes128_ctx_init(&aes, key);
    /* Tag over the plaintext first: out may alias pt. */
    ccm_tag(&aes, nonce, aad, aad_len, pt, pt_len, 0, 0, mic_len, tag);
    ctr_crypt(&aes, nonce, pt, pt_len, out);
    ctr_block(a, nonce, 0);
    aes128_ctx_encrypt(&aes, a, s0);
    for (i = 0; i < mic_len; i++) {
        out[pt_len + i] = (uint8_t)(tag[i] ^ s0[i]);
    }
    crypto_wipe(tag, sizeof tag);
    crypto_wipe(s0, sizeof s0);
    aes128_ctx_wipe(&aes);
    return CRYPTO_OK;
}

int aes_ccm_decrypt(const uint8_t key[16], const uint8_t nonce[13],
                    const uint8_t *aad, size_t aad_len,
                    const uint8_t *in, size_t in_len,
                    size_t mic_len, uint8_t *out)
{
    aes128_ctx aes;
    uint8_t tag[16], a[16], s0[16];
    uint8_t keep[CCM_KEEP_BYTES];
    size_t pt_len, i;
    int ok, short_msg;
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
    aes128_ctx_init(&aes, key);
    /* Pass 1: the tag of the decrypted payload, decrypted only into stack buffers. */
    short_msg = pt_len <= sizeof keep;
    ccm_tag(&aes, nonce, aad, aad_len, in, pt_len, 1, short_msg ? keep : 0, mic_len, tag);
    ctr_block(a, nonce, 0);
    aes128_ctx_encrypt(&aes, a, s0);
    for (i = 0; i < mic_len; i++) {
        tag[i] ^= s0[i];
    }
    ok = crypto_ct_equal(tag, in + pt_len, mic_len);
    /* Only with a valid MIC: the plaintext into out (kept from pass 1, or decrypted again). */
    if (ok && short_msg) {
        for (i = 0; i < pt_len; i++) {
            out[i] = keep[i];
        }
    } else if (ok) {
        ctr_crypt(&aes, nonce, in, pt_len, out);
    }
    crypto_wipe(keep, short_msg ? pt_len : 0);
    crypto_wipe(tag, sizeof tag);
    crypto_wipe(s0, sizeof s0);
    aes128_ctx_wipe(&aes);
    return ok ? CRYPTO_OK : CRYPTO_ERR_AUTH;
}
