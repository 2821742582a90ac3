/*
 * crypto_cli: a line-oriented front end to the native crypto module, for differential tests
 * (host-tests/native-crypto/crypto-cli.test.ts compares it with node:crypto and @noble).
 *
 * Reads lines "op arg arg ..." from stdin and writes one line per input line to stdout.
 * Arguments are hex strings ("-" is the empty string) or decimal numbers where noted.
 * Results are hex ("-" when empty); errors are "ERR <code>" with the module's negative error code
 * (e.g. "ERR -3" = CRYPTO_ERR_AUTH), or "ERR usage" / "ERR hex" for malformed lines.
 *
 *   aes128 KEY BLOCK                   AES-128 (configured backend)
 *   aes128_expanded KEY BLOCK          aes128_expand_key + aes128_encrypt_expanded
 *   aes128_2 KEY BLOCK0 BLOCK1         aes128_encrypt2_expanded: both ciphertexts, concatenated
 *   cmac KEY MSG                       AES-CMAC, 16 bytes
 *   cmac_stream KEY MSG CHUNK          the same through init/update(CHUNK bytes at a time)/final
 *   ccm_enc KEY NONCE MICLEN AAD PT    ciphertext || MIC
 *   ccm_dec KEY NONCE MICLEN AAD CTMIC plaintext, or ERR -3 when the MIC does not match
 *   sha256 MSG                         digest
 *   sha256_stream MSG CHUNK            the same through init/update(CHUNK bytes at a time)/final
 *   hmac KEY MSG                       HMAC-SHA256
 *   hmac_stream KEY MSG CHUNK          the same, streamed
 * P-256 (compiled in when native/crypto/p256.c exists; the build defines CRYPTO_HAVE_P256):
 *   p256_keygen_from_seed SEED         "PRIV PUB": p256_keygen with a deterministic RNG, the stream
 *                                      SHA-256(SEED || [0]32) || SHA-256(SEED || [1]32) || ...
 *   p256_pub PRIV                      public key X || Y
 *   p256_ecdh PRIV PEERPUB             shared secret X
 *   p256_valid PUB                     the return code of p256_validate_public ("0" = valid)
 * Any other op prints "ERR unknown-op".
 */
#include <stdio.h>
#include <string.h>

#include "aes.h"
#include "ccm.h"
#include "cmac.h"
#include "hmac_sha256.h"
#include "sha256.h"
#if defined(CRYPTO_HAVE_P256)
#include "p256.h"
#endif

#define MAX_LINE (1u << 21)
#define MAX_ARGS 8
#define MAX_BYTES (MAX_LINE / 2)

static char line[MAX_LINE];
/* Decoded arguments: each one its own buffer, so results never alias inputs by accident. */
static uint8_t argbuf[MAX_ARGS][MAX_BYTES];
static size_t arglen[MAX_ARGS];
static uint8_t result[MAX_BYTES + 64];

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int decode(const char *tok, uint8_t *out, size_t *len)
{
    size_t n = strlen(tok), i;
    if (strcmp(tok, "-") == 0) {
        *len = 0;
        return 0;
    }
    if (n % 2 || n / 2 > MAX_BYTES) {
        return -1;
    }
    for (i = 0; i < n / 2; i++) {
        int hi = hexval((unsigned char)tok[2 * i]), lo = hexval((unsigned char)tok[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return -1;
        }
        out[i] = (uint8_t)(hi * 16 + lo);
    }
    *len = n / 2;
    return 0;
}

static void print_hex(const uint8_t *b, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;
    if (n == 0) {
        fputc('-', stdout);
        return;
    }
    for (i = 0; i < n; i++) {
        fputc(digits[b[i] >> 4], stdout);
        fputc(digits[b[i] & 15], stdout);
    }
}

static void print_err(int code)
{
    printf("ERR %d", code);
}

/* A decimal argument (MIC length, chunk size). */
static int number(int i, size_t *v)
{
    size_t k;
    *v = 0;
    if (arglen[i] == 0) {
        return -1;
    }
    for (k = 0; k < arglen[i]; k++) {
        if (argbuf[i][k] < '0' || argbuf[i][k] > '9') {
            return -1;
        }
        *v = *v * 10 + (size_t)(argbuf[i][k] - '0');
    }
    return 0;
}

/* ------------------------------------------------------------------ operations */

typedef void (*op_fn)(void);

static void op_aes128(void)
{
    int rc;
    if (arglen[0] != 16 || arglen[1] != 16) {
        print_err(CRYPTO_ERR_LENGTH);
        return;
    }
    rc = aes128_encrypt(argbuf[0], argbuf[1], result);
    if (rc) print_err(rc); else print_hex(result, 16);
}

static void op_aes128_expanded(void)
{
    aes128_key_schedule ks;
    if (arglen[0] != 16 || arglen[1] != 16) {
        print_err(CRYPTO_ERR_LENGTH);
        return;
    }
    aes128_expand_key(&ks, argbuf[0]);
    aes128_encrypt_expanded(&ks, argbuf[1], result);
    print_hex(result, 16);
}

static void op_aes128_2(void)
{
    aes128_key_schedule ks;
    if (arglen[0] != 16 || arglen[1] != 16 || arglen[2] != 16) {
        print_err(CRYPTO_ERR_LENGTH);
        return;
    }
    aes128_expand_key(&ks, argbuf[0]);
    aes128_encrypt2_expanded(&ks, argbuf[1], argbuf[2], result, result + 16);
    print_hex(result, 32);
}

static void op_cmac(void)
{
    int rc;
    if (arglen[0] != 16) {
        print_err(CRYPTO_ERR_LENGTH);
        return;
    }
    rc = aes_cmac(argbuf[0], argbuf[1], arglen[1], result);
    if (rc) print_err(rc); else print_hex(result, 16);
}

/* Streams argument 1 in pieces of the size given by argument 2 (decimal, > 0) into the update function. */
#define STREAM(update, ctx) do { \
        size_t chunk_, off_ = 0; \
        if (number(2, &chunk_) || chunk_ == 0) { printf("ERR usage"); return; } \
        while (off_ < arglen[1]) { \
            size_t n_ = arglen[1] - off_ < chunk_ ? arglen[1] - off_ : chunk_; \
            update(ctx, argbuf[1] + off_, n_); \
            off_ += n_; \
        } \
    } while (0)

static void op_cmac_stream(void)
{
    aes_cmac_ctx c;
    if (arglen[0] != 16) {
        print_err(CRYPTO_ERR_LENGTH);
        return;
    }
    aes_cmac_init(&c, argbuf[0]);
    STREAM(aes_cmac_update, &c);
    aes_cmac_final(&c, result);
    print_hex(result, 16);
}

static void op_ccm(int decrypt)
{
    size_t mic;
    int rc;
    if (number(2, &mic)) {
        printf("ERR usage");
        return;
    }
    if (arglen[0] != 16 || arglen[1] != 13) {
        print_err(CRYPTO_ERR_LENGTH);
        return;
    }
    if (!decrypt) {
        rc = aes_ccm_encrypt(argbuf[0], argbuf[1], argbuf[3], arglen[3], argbuf[4], arglen[4], mic, result);
        if (rc) print_err(rc); else print_hex(result, arglen[4] + mic);
    } else {
        /* Poison the output first: a failed decryption must leave it untouched. */
        size_t n = arglen[4] > mic ? arglen[4] - mic : 0, i;
        memset(result, 0xA5, n + 1);
        rc = aes_ccm_decrypt(argbuf[0], argbuf[1], argbuf[3], arglen[3], argbuf[4], arglen[4], mic, result);
        if (rc) {
            for (i = 0; i < n; i++) {
                if (result[i] != 0xA5) {
                    printf("ERR output-written-on-failure");
                    return;
                }
            }
            print_err(rc);
        } else {
            print_hex(result, n);
        }
    }
}

static void op_ccm_enc(void) { op_ccm(0); }
static void op_ccm_dec(void) { op_ccm(1); }

static void op_sha256(void)
{
    int rc = sha256(argbuf[0], arglen[0], result);
    if (rc) print_err(rc); else print_hex(result, 32);
}

static void op_sha256_stream(void)
{
    sha256_ctx c;
    /* arguments: MSG CHUNK -> shift so STREAM sees them as 1 and 2 */
    memmove(argbuf[2], argbuf[1], arglen[1]);
    arglen[2] = arglen[1];
    memmove(argbuf[1], argbuf[0], arglen[0]);
    arglen[1] = arglen[0];
    sha256_init(&c);
    STREAM(sha256_update, &c);
    sha256_final(&c, result);
    print_hex(result, 32);
}

static void op_hmac(void)
{
    int rc = hmac_sha256(argbuf[0], arglen[0], argbuf[1], arglen[1], result);
    if (rc) print_err(rc); else print_hex(result, 32);
}

static void op_hmac_stream(void)
{
    hmac_sha256_ctx c;
    hmac_sha256_init(&c, argbuf[0], arglen[0]);
    STREAM(hmac_sha256_update, &c);
    hmac_sha256_final(&c, result);
    print_hex(result, 32);
}

#if defined(CRYPTO_HAVE_P256)
/* ---- P-256 ops (extension point: compiled in when p256.c exists) ---- */

typedef struct {
    const uint8_t *seed;
    size_t seed_len;
    uint32_t counter;
    uint8_t block[32];
    size_t used;
} seed_rng;

/* Deterministic RNG: SHA-256(seed || [counter]32) blocks, concatenated. */
static int seed_rng_fn(void *ctx, uint8_t *out, size_t len)
{
    seed_rng *r = (seed_rng *)ctx;
    while (len--) {
        if (r->used == 32) {
            sha256_ctx c;
            uint8_t ctr[4];
            ctr[0] = (uint8_t)(r->counter >> 24);
            ctr[1] = (uint8_t)(r->counter >> 16);
            ctr[2] = (uint8_t)(r->counter >> 8);
            ctr[3] = (uint8_t)r->counter;
            r->counter++;
            sha256_init(&c);
            sha256_update(&c, r->seed, r->seed_len);
            sha256_update(&c, ctr, 4);
            sha256_final(&c, r->block);
            r->used = 0;
        }
        *out++ = r->block[r->used++];
    }
    return 0;
}

static void op_p256_keygen_from_seed(void)
{
    seed_rng r;
    uint8_t priv[32], pub[64];
    int rc;
    r.seed = argbuf[0];
    r.seed_len = arglen[0];
    r.counter = 0;
    r.used = 32;
    rc = p256_keygen(priv, pub, seed_rng_fn, &r);
    if (rc) {
        print_err(rc);
        return;
    }
    print_hex(priv, 32);
    fputc(' ', stdout);
    print_hex(pub, 64);
}

static void op_p256_pub(void)
{
    int rc;
    if (arglen[0] != 32) {
        print_err(CRYPTO_ERR_LENGTH);
        return;
    }
    rc = p256_public_from_private(result, argbuf[0]);
    if (rc) print_err(rc); else print_hex(result, 64);
}

static void op_p256_ecdh(void)
{
    int rc;
    if (arglen[0] != 32 || arglen[1] != 64) {
        print_err(CRYPTO_ERR_LENGTH);
        return;
    }
    rc = p256_ecdh(result, argbuf[0], argbuf[1]);
    if (rc) print_err(rc); else print_hex(result, 32);
}

static void op_p256_valid(void)
{
    if (arglen[0] != 64) {
        print_err(CRYPTO_ERR_LENGTH);
        return;
    }
    printf("%d", p256_validate_public(argbuf[0]));
}
#endif

static const struct {
    const char *name;
    int nargs;
    const char *numeric;  /* per argument: 'n' = decimal number, 'h' = hex */
    op_fn fn;
} ops[] = {
    { "aes128", 2, "hh", op_aes128 },
    { "aes128_expanded", 2, "hh", op_aes128_expanded },
    { "aes128_2", 3, "hhh", op_aes128_2 },
    { "cmac", 2, "hh", op_cmac },
    { "cmac_stream", 3, "hhn", op_cmac_stream },
    { "ccm_enc", 5, "hhnhh", op_ccm_enc },
    { "ccm_dec", 5, "hhnhh", op_ccm_dec },
    { "sha256", 1, "h", op_sha256 },
    { "sha256_stream", 2, "hn", op_sha256_stream },
    { "hmac", 2, "hh", op_hmac },
    { "hmac_stream", 3, "hhn", op_hmac_stream },
#if defined(CRYPTO_HAVE_P256)
    { "p256_keygen_from_seed", 1, "h", op_p256_keygen_from_seed },
    { "p256_pub", 1, "h", op_p256_pub },
    { "p256_ecdh", 2, "hh", op_p256_ecdh },
    { "p256_valid", 1, "h", op_p256_valid },
#endif
};

static void run_line(char *l)
{
    char *tok[MAX_ARGS + 1];
    int n = 0, i;
    size_t k;
    char *p = strtok(l, " \t\r\n");
    while (p && n < MAX_ARGS + 1) {
        tok[n++] = p;
        p = strtok(0, " \t\r\n");
    }
    if (n == 0) {
        printf("ERR usage");
        return;
    }
    for (k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        if (strcmp(tok[0], ops[k].name) != 0) {
            continue;
        }
        if (n - 1 != ops[k].nargs || p) {
            printf("ERR usage");
            return;
        }
        for (i = 0; i < ops[k].nargs; i++) {
            if (ops[k].numeric[i] == 'n') {
                /* kept as ASCII digits, parsed by number() */
                size_t len = strlen(tok[1 + i]);
                if (len == 0 || len > 9) {
                    printf("ERR usage");
                    return;
                }
                memcpy(argbuf[i], tok[1 + i], len);
                arglen[i] = len;
            } else if (decode(tok[1 + i], argbuf[i], &arglen[i])) {
                printf("ERR hex");
                return;
            }
        }
        ops[k].fn();
        return;
    }
    printf("ERR unknown-op");
}

int main(void)
{
    while (fgets(line, sizeof line, stdin)) {
        size_t n = strlen(line);
        if (n == sizeof line - 1 && line[n - 1] != '\n') {
            int c;
            while ((c = getchar()) != EOF && c != '\n') {
            }
            printf("ERR line-too-long\n");
            continue;
        }
        run_line(line);
        fputc('\n', stdout);
    }
    return 0;
}
