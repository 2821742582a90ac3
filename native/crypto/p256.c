/*
 * NIST P-256 for the native crypto module: see p256.h.
 *
 * Field elements: 8 little-endian 32-bit words, always fully reduced (< p).
 * Multiplication: 256x256 -> 512-bit schoolbook product, then the NIST fast
 * (Solinas) reduction for p = 2^256 - 2^224 + 2^192 + 2^96 - 1 (FIPS 186-4 D.2.3).
 * Points: Jacobian coordinates (X/Z^2, Y/Z^3), a = -3.
 * Variable-base multiplication: regular signed 4-bit windows (all digits odd,
 * never zero), constant-time scan of a table of P, 3P, ..., 15P.
 *
 * Constant time: no branch and no memory index depends on the secret scalar
 * or on secret intermediate values.
 */
#include "p256.h"

#include <string.h>

typedef uint32_t fe[8];

/* p, little-endian words */
static const fe P256_P = {0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0x00000000,
                          0x00000000, 0x00000000, 0x00000001, 0xFFFFFFFF};
/* n, the group order */
static const uint32_t P256_N[8] = {0xFC632551, 0xF3B9CAC2, 0xA7179E84, 0xBCE6FAAD,
                                   0xFFFFFFFF, 0xFFFFFFFF, 0x00000000, 0xFFFFFFFF};
/* b */
static const fe P256_B = {0x27D2604B, 0x3BCE3C3E, 0xCC53B0F6, 0x651D06B0,
                          0x769886BC, 0xB3EBBD55, 0xAA3A93E7, 0x5AC635D8};
/* G */
static const fe P256_GX = {0xD898C296, 0xF4A13945, 0x2DEB33A0, 0x77037D81,
                           0x63A440F2, 0xF8BCE6E5, 0xE12C4247, 0x6B17D1F2};
static const fe P256_GY = {0x37BF51F5, 0xCBB64068, 0x6B315ECE, 0x2BCE3357,
                           0x7C0F9E16, 0x8EE7EB4A, 0xFE1A7F9B, 0x4FE342E2};

/* ---------------------------------------------------------------- helpers */

static void wipe(void *p, size_t len)
{
    volatile uint8_t *v = (volatile uint8_t *)p;
    while (len--) *v++ = 0;
}

static void fe_from_bytes(fe r, const uint8_t b[32])
{
    int i;
    for (i = 0; i < 8; i++) {
        const uint8_t *q = b + 28 - 4 * i;
        r[i] = ((uint32_t)q[0] << 24) | ((uint32_t)q[1] << 16) | ((uint32_t)q[2] << 8) | q[3];
    }
}

static void fe_to_bytes(uint8_t b[32], const fe a)
{
    int i;
    for (i = 0; i < 8; i++) {
        uint8_t *q = b + 28 - 4 * i;
        q[0] = (uint8_t)(a[i] >> 24);
        q[1] = (uint8_t)(a[i] >> 16);
        q[2] = (uint8_t)(a[i] >> 8);
        q[3] = (uint8_t)a[i];
    }
}

static void fe_copy(fe r, const fe a) { memcpy(r, a, sizeof(fe)); }

/* all-ones if a == 0, else 0 (constant time) */
static uint32_t fe_is_zero(const fe a)
{
    uint32_t t = a[0] | a[1] | a[2] | a[3] | a[4] | a[5] | a[6] | a[7];
    return ((t | (0u - t)) >> 31) - 1u;
}

/* r = mask ? a : r (mask all-ones or zero) */
static void fe_cmov(fe r, const fe a, uint32_t mask)
{
    int i;
    for (i = 0; i < 8; i++) r[i] ^= mask & (r[i] ^ a[i]);
}

/* r = a - b over 256 bits; returns the borrow (0 or 1) */
static uint32_t sub256(uint32_t r[8], const uint32_t a[8], const uint32_t b[8])
{
    uint64_t t = 0;
    int i;
    for (i = 0; i < 8; i++) {
        t = (uint64_t)a[i] - b[i] - (uint32_t)(t >> 63);
        r[i] = (uint32_t)t;
    }
    return (uint32_t)(t >> 63);
}

/* r = a + b over 256 bits; returns the carry */
static uint32_t add256(uint32_t r[8], const uint32_t a[8], const uint32_t b[8])
{
    uint64_t t = 0;
    int i;
    for (i = 0; i < 8; i++) {
        t = (uint64_t)a[i] + b[i] + (t >> 32);
        r[i] = (uint32_t)t;
    }
    return (uint32_t)(t >> 32);
}

/* given r = v - 2^256*hi_borrow... : reduce a value v = carry*2^256 + r, v < 2p, into [0, p) */
static void fe_reduce_once(fe r, uint32_t carry)
{
    fe t;
    uint32_t borrow = sub256(t, r, P256_P);
    /* keep t when carry, or when no borrow */
    uint32_t use_t = (0u - carry) | (borrow - 1u);
    fe_cmov(r, t, use_t);
}

static void fe_add(fe r, const fe a, const fe b)
{
    uint32_t c = add256(r, a, b);
    fe_reduce_once(r, c);
}

static void fe_sub(fe r, const fe a, const fe b)
{
    uint32_t borrow = sub256(r, a, b);
    uint32_t mask = 0u - borrow;
    uint64_t t = 0;
    int i;
    for (i = 0; i < 8; i++) {
        t = (uint64_t)r[i] + (P256_P[i] & mask) + (t >> 32);
        r[i] = (uint32_t)t;
    }
}

/* r = a / 2 mod p */
static void fe_half(fe r, const fe a)
{
    uint32_t mask = 0u - (a[0] & 1);
    uint64_t t = 0;
    uint32_t w[8];
    int i;
    for (i = 0; i < 8; i++) {
        t = (uint64_t)a[i] + (P256_P[i] & mask) + (t >> 32);
        w[i] = (uint32_t)t;
    }
    for (i = 0; i < 7; i++) r[i] = (w[i] >> 1) | (w[i + 1] << 31);
    r[7] = (w[7] >> 1) | ((uint32_t)(t >> 32) << 31);
}

/* Reduce the 512-bit c[0..15] mod p (FIPS 186-4 D.2.3), r fully reduced. */
static void fe_reduce512(fe r, const uint32_t c[16])
{
    int64_t acc;
    int64_t carry;
    int k;

#define C(i) ((int64_t)c[i])
    acc = C(0) + C(8) + C(9) - C(11) - C(12) - C(13) - C(14);
    r[0] = (uint32_t)acc; acc >>= 32;
    acc += C(1) + C(9) + C(10) - C(12) - C(13) - C(14) - C(15);
    r[1] = (uint32_t)acc; acc >>= 32;
    acc += C(2) + C(10) + C(11) - C(13) - C(14) - C(15);
    r[2] = (uint32_t)acc; acc >>= 32;
    acc += C(3) + 2 * C(11) + 2 * C(12) + C(13) - C(15) - C(8) - C(9);
    r[3] = (uint32_t)acc; acc >>= 32;
    acc += C(4) + 2 * C(12) + 2 * C(13) + C(14) - C(9) - C(10);
    r[4] = (uint32_t)acc; acc >>= 32;
    acc += C(5) + 2 * C(13) + 2 * C(14) + C(15) - C(10) - C(11);
    r[5] = (uint32_t)acc; acc >>= 32;
    acc += C(6) + 3 * C(14) + 2 * C(15) + C(13) - C(8) - C(9);
    r[6] = (uint32_t)acc; acc >>= 32;
    acc += C(7) + 3 * C(15) + C(8) - C(10) - C(11) - C(12) - C(13);
    r[7] = (uint32_t)acc; acc >>= 32;
#undef C
    /* v = acc*2^256 + r with small signed acc; 2^256 = 2^224 - 2^192 - 2^96 + 1 (mod p).
       Two folds bring the carry to 0 (see the design notes in the file header). */
    for (k = 0; k < 2; k++) {
        carry = acc;
        acc = (int64_t)r[0] + carry;
        r[0] = (uint32_t)acc; acc >>= 32;
        acc += r[1]; r[1] = (uint32_t)acc; acc >>= 32;
        acc += r[2]; r[2] = (uint32_t)acc; acc >>= 32;
        acc += (int64_t)r[3] - carry; r[3] = (uint32_t)acc; acc >>= 32;
        acc += r[4]; r[4] = (uint32_t)acc; acc >>= 32;
        acc += r[5]; r[5] = (uint32_t)acc; acc >>= 32;
        acc += (int64_t)r[6] - carry; r[6] = (uint32_t)acc; acc >>= 32;
        acc += (int64_t)r[7] + carry; r[7] = (uint32_t)acc; acc >>= 32;
    }
    /* now 0 <= r < 2^256 < 2p */
    fe_reduce_once(r, 0);
}

static void fe_mul(fe r, const fe a, const fe b)
{
    uint32_t c[16];
    int i, j;
    for (i = 0; i < 16; i++) c[i] = 0;
    for (i = 0; i < 8; i++) {
        uint64_t t = 0;
        for (j = 0; j < 8; j++) {
            t = (uint64_t)a[i] * b[j] + c[i + j] + (t >> 32);
            c[i + j] = (uint32_t)t;
        }
        c[i + 8] = (uint32_t)(t >> 32);
    }
    fe_reduce512(r, c);
}

static void fe_sqr(fe r, const fe a) { fe_mul(r, a, a); }

/* r = a^(p-2) = 1/a (0 -> 0) */
static void fe_inv(fe r, const fe a)
{
    fe x2, x3, x6, x12, x15, x30, x32, t;
    int i;
    fe_sqr(t, a); fe_mul(x2, t, a);
    fe_sqr(t, x2); fe_mul(x3, t, a);
    fe_copy(t, x3); for (i = 0; i < 3; i++) fe_sqr(t, t); fe_mul(x6, t, x3);
    fe_copy(t, x6); for (i = 0; i < 6; i++) fe_sqr(t, t); fe_mul(x12, t, x6);
    fe_copy(t, x12); for (i = 0; i < 3; i++) fe_sqr(t, t); fe_mul(x15, t, x3);
    fe_copy(t, x15); for (i = 0; i < 15; i++) fe_sqr(t, t); fe_mul(x30, t, x15);
    fe_copy(t, x30); for (i = 0; i < 2; i++) fe_sqr(t, t); fe_mul(x32, t, x2);
    /* p-2 = [32 ones][31 zeros][1][96 zeros][94 ones][0][1] */
    fe_copy(t, x32);
    for (i = 0; i < 32; i++) fe_sqr(t, t);
    fe_mul(t, t, a);
    for (i = 0; i < 128; i++) fe_sqr(t, t);
    fe_mul(t, t, x32);
    for (i = 0; i < 32; i++) fe_sqr(t, t);
    fe_mul(t, t, x32);
    for (i = 0; i < 30; i++) fe_sqr(t, t);
    fe_mul(t, t, x30);
    for (i = 0; i < 2; i++) fe_sqr(t, t);
    fe_mul(r, t, a);
}

/* ---------------------------------------------------------------- points */

typedef struct {
    fe x, y, z;
} jpoint;

/* r = 2a (dbl-2001-b, a = -3). Works in place; infinity (Z = 0) stays infinity. */
static void pt_double(jpoint *r, const jpoint *a)
{
    fe delta, gamma, beta, alpha, t;
    fe_sqr(delta, a->z);
    fe_sqr(gamma, a->y);
    fe_mul(beta, a->x, gamma);
    fe_sub(t, a->x, delta);
    fe_add(alpha, a->x, delta);
    fe_mul(alpha, alpha, t);
    fe_add(t, alpha, alpha);
    fe_add(alpha, alpha, t);          /* alpha = 3(X-delta)(X+delta) */
    fe_add(t, a->y, a->z);
    fe_sqr(t, t);
    fe_sub(t, t, gamma);
    fe_sub(r->z, t, delta);           /* Z3 = (Y+Z)^2 - gamma - delta */
    fe_add(beta, beta, beta);
    fe_add(beta, beta, beta);         /* 4 beta */
    fe_sqr(t, alpha);
    fe_sub(t, t, beta);
    fe_sub(r->x, t, beta);            /* X3 = alpha^2 - 8 beta */
    fe_sub(beta, beta, r->x);
    fe_mul(beta, beta, alpha);
    fe_sqr(gamma, gamma);
    fe_add(gamma, gamma, gamma);
    fe_add(gamma, gamma, gamma);
    fe_add(gamma, gamma, gamma);      /* 8 gamma^2 */
    fe_sub(r->y, beta, gamma);        /* Y3 = alpha(4beta - X3) - 8gamma^2 */
}

/* r = a + b (add-2007-bl). Incomplete: the caller guarantees a, b not infinity.
 * Returns all-ones if a == b (then r is garbage: the caller must double), else 0.
 * If a == -b the result has Z = 0 (infinity). r may alias a or b. */
static uint32_t pt_add(jpoint *r, const jpoint *a, const jpoint *b)
{
    fe z1z1, z2z2, u1, u2, s1, s2, h, i, j, rr, v;
    uint32_t same;
    fe_sqr(z1z1, a->z);
    fe_sqr(z2z2, b->z);
    fe_mul(u1, a->x, z2z2);
    fe_mul(u2, b->x, z1z1);
    fe_mul(s1, a->y, b->z);
    fe_mul(s1, s1, z2z2);
    fe_mul(s2, b->y, a->z);
    fe_mul(s2, s2, z1z1);
    fe_sub(h, u2, u1);
    fe_sub(rr, s2, s1);
    same = fe_is_zero(h) & fe_is_zero(rr);
    fe_add(rr, rr, rr);
    fe_add(i, h, h);
    fe_sqr(i, i);
    fe_mul(j, h, i);
    fe_mul(v, u1, i);
    /* Z3 = ((Z1+Z2)^2 - Z1Z1 - Z2Z2) * H */
    fe_add(u2, a->z, b->z);
    fe_sqr(u2, u2);
    fe_sub(u2, u2, z1z1);
    fe_sub(u2, u2, z2z2);
    fe_mul(r->z, u2, h);
    /* X3 = r^2 - J - 2V */
    fe_sqr(u1, rr);
    fe_sub(u1, u1, j);
    fe_sub(u1, u1, v);
    fe_sub(r->x, u1, v);
    /* Y3 = r(V - X3) - 2 S1 J */
    fe_sub(v, v, r->x);
    fe_mul(v, v, rr);
    fe_mul(s1, s1, j);
    fe_add(s1, s1, s1);
    fe_sub(r->y, v, s1);
    return same;
}

/* r = a + (x2, y2), complete: a may be infinity (Z = 0), a may equal +-(x2, y2).
 * Unified slope (x1^2 + x1x2 + x2^2 + a)/(y1 + y2), falling back to the chord
 * slope (y1 - y2)/(x1 - x2) when y1 + y2 = 0. 7M + 6S. r may alias a. */
static void pt_add_affine(jpoint *r, const jpoint *a, const fe x2, const fe y2)
{
    fe z1z1, u2, s2, t, m, rr, alt, n, q;
    uint32_t degenerate, inf;
    inf = fe_is_zero(a->z);
    fe_sqr(z1z1, a->z);
    fe_mul(u2, x2, z1z1);
    fe_mul(s2, a->z, z1z1);
    fe_mul(s2, s2, y2);
    fe_add(t, a->x, u2);              /* t = U1 + U2 */
    fe_add(m, a->y, s2);              /* m = S1 + S2 */
    fe_sqr(rr, t);
    fe_mul(n, a->x, u2);
    fe_sub(rr, rr, n);                /* U1^2 + U1U2 + U2^2 */
    fe_sqr(n, z1z1);
    fe_sub(rr, rr, n);
    fe_sub(rr, rr, n);
    fe_sub(rr, rr, n);                /* + a Z1^4 */
    degenerate = fe_is_zero(m);
    fe_sub(alt, a->y, s2);
    fe_cmov(rr, alt, degenerate);
    fe_sub(alt, a->x, u2);
    fe_cmov(m, alt, degenerate);
    fe_sqr(n, m);                     /* n = m'^2 */
    fe_mul(q, t, n);                  /* q = t m'^2 */
    fe_mul(r->z, a->z, m);            /* Z3 = Z1 m' */
    fe_sqr(t, rr);
    fe_sub(t, t, q);                  /* X3 = rr'^2 - q */
    fe_sqr(n, n);                     /* m'^4 */
    fe_sub(q, q, t);
    fe_sub(q, q, t);
    fe_mul(q, q, rr);
    fe_copy(r->x, t);
    fe_sub(t, q, n);
    fe_cmov(t, q, degenerate);        /* the m m'^3 term is 0 when m = 0 */
    fe_half(r->y, t);
    /* a = infinity: the result is (x2, y2, 1) */
    fe_cmov(r->x, x2, inf);
    fe_cmov(r->y, y2, inf);
    memset(t, 0, sizeof t);
    t[0] = 1;
    fe_cmov(r->z, t, inf);
}

/* affine output; returns -1 if a is infinity */
static int pt_to_affine(fe x, fe y, const jpoint *a)
{
    fe zi, zi2;
    uint32_t inf = fe_is_zero(a->z);
    fe_inv(zi, a->z);
    fe_sqr(zi2, zi);
    fe_mul(x, a->x, zi2);
    fe_mul(zi2, zi2, zi);
    fe_mul(y, a->y, zi2);
    return inf ? -1 : 0;
}

/* ---------------------------------------------------------------- scalars */

/* all-ones if 1 <= k < n, else 0 (constant time) */
static uint32_t scalar_in_range(const uint32_t k[8])
{
    uint32_t t[8];
    uint32_t lt = sub256(t, k, P256_N); /* 1 if k < n */
    uint32_t nz = k[0] | k[1] | k[2] | k[3] | k[4] | k[5] | k[6] | k[7];
    nz = (nz | (0u - nz)) >> 31;
    return 0u - (lt & nz);
}

/* k := k if odd, else n - k (odd); returns all-ones if k was replaced. k in [1, n-1]. */
static uint32_t scalar_make_odd(uint32_t k[8])
{
    uint32_t t[8];
    uint32_t even = (k[0] & 1) - 1u;
    int i;
    sub256(t, P256_N, k);
    for (i = 0; i < 8; i++) k[i] ^= even & (k[i] ^ t[i]);
    return even;
}

/* The regular signed 4-bit recoding of an odd k < 2^256: k = sum d_i 16^i with
 * d_i odd in [-15, 15]. From k's all-(+-1) binary form s_j = 2 b_(j+1) - 1
 * (j < 255), s_255 = 1: d_i = 2*bits(4i+1 .. 4i+4) - 15, with bit 256 taken as 1. */
static int32_t scalar_digit4(const uint32_t k[8], int i)
{
    int pos = 4 * i + 1;
    uint32_t w = k[pos >> 5] >> (pos & 31);
    if ((pos & 31) > 28 && (pos >> 5) < 7) w |= k[(pos >> 5) + 1] << (32 - (pos & 31));
    if (i == 63) w |= 8; /* bit 256 */
    return (int32_t)(2 * (w & 15)) - 15;
}

/* ---------------------------------------------------------------- scalar multiplication */

/* r = T[idx] for idx in 0..7, scanning the whole table */
static void table_select(jpoint *r, const jpoint table[8], uint32_t idx)
{
    uint32_t i, j;
    memset(r, 0, sizeof *r);
    for (i = 0; i < 8; i++) {
        uint32_t d = i ^ idx;
        uint32_t mask = ((d | (0u - d)) >> 31) - 1u;
        const uint32_t *src = (const uint32_t *)&table[i];
        uint32_t *dst = (uint32_t *)r;
        for (j = 0; j < 24; j++) dst[j] |= src[j] & mask;
    }
}

/* y := mask ? -y : y */
static void fe_cneg(fe y, uint32_t mask)
{
    fe t;
    static const fe zero = {0};
    fe_sub(t, zero, y);
    fe_cmov(y, t, mask);
}

/* out = k * (px, py) in affine coordinates, k in [1, n-1] (not checked here).
 * (px, py) must be a point of the curve (so of order n). Returns 0, or -1 if the
 * result is infinity (cannot happen for valid inputs). */
static int scalar_mult(fe outx, fe outy, const uint32_t kin[8], const fe px, const fe py)
{
    jpoint table[8];
    jpoint q, t;
    uint32_t k[8], neg, same;
    int i, ret;
    int32_t d;
    uint32_t sign, absd;

    memcpy(k, kin, sizeof k);
    neg = scalar_make_odd(k);

    /* table[j] = (2j+1) P */
    fe_copy(table[0].x, px);
    fe_copy(table[0].y, py);
    memset(table[0].z, 0, sizeof(fe));
    table[0].z[0] = 1;
    pt_double(&t, &table[0]);
    pt_add_affine(&table[1], &t, px, py);
    for (i = 2; i < 8; i++) pt_add(&table[i], &table[i - 1], &t);

    d = scalar_digit4(k, 63); /* positive */
    table_select(&q, table, (uint32_t)(d - 1) >> 1);
    for (i = 62; i >= 0; i--) {
        pt_double(&q, &q);
        pt_double(&q, &q);
        pt_double(&q, &q);
        pt_double(&q, &q);
        d = scalar_digit4(k, i);
        sign = (uint32_t)(d >> 31);          /* all-ones if negative */
        absd = ((uint32_t)d ^ sign) - sign;
        table_select(&t, table, (absd - 1) >> 1);
        fe_cneg(t.y, sign);
        if (i > 0) {
            /* intermediate sums are 16*odd in (15, n): never +-T (see notes) */
            pt_add(&q, &q, &t);
        } else {
            /* the last addition can hit q == t (k = n + 2 d_0): handle in constant time */
            jpoint dbl;
            pt_double(&dbl, &t);
            same = pt_add(&q, &q, &t);
            fe_cmov(q.x, dbl.x, same);
            fe_cmov(q.y, dbl.y, same);
            fe_cmov(q.z, dbl.z, same);
            wipe(&dbl, sizeof dbl);
        }
    }
    fe_cneg(q.y, neg);
    ret = pt_to_affine(outx, outy, &q);
    wipe(k, sizeof k);
    wipe(table, sizeof table);
    wipe(&q, sizeof q);
    wipe(&t, sizeof t);
    return ret;
}

/* ---------------------------------------------------------------- API */

static int point_on_curve(const fe x, const fe y)
{
    fe l, r, t;
    uint32_t bt[8];
    /* x, y < p */
    if (!sub256(bt, x, P256_P) || !sub256(bt, y, P256_P)) return 0;
    fe_sqr(l, y);
    fe_sqr(r, x);
    fe_mul(r, r, x);
    fe_add(t, x, x);
    fe_add(t, t, x);
    fe_sub(r, r, t);
    fe_add(r, r, P256_B);
    fe_sub(l, l, r);
    return fe_is_zero(l) != 0;
}

int p256_validate_public(const uint8_t pub[64])
{
    fe x, y;
    if (!pub) return P256_ERR_ARG;
    fe_from_bytes(x, pub);
    fe_from_bytes(y, pub + 32);
    return point_on_curve(x, y) ? P256_OK : P256_ERR_INVALID_POINT;
}

static int public_from_scalar(uint8_t pub[64], const uint32_t k[8])
{
    fe x, y;
    int ret = scalar_mult(x, y, k, P256_GX, P256_GY);
    if (ret == 0) {
        fe_to_bytes(pub, x);
        fe_to_bytes(pub + 32, y);
    } else {
        memset(pub, 0, 64);
        ret = P256_ERR_INVALID_SCALAR;
    }
    return ret;
}

int p256_public_from_private(uint8_t pub[64], const uint8_t priv[32])
{
    uint32_t k[8];
    int ret;
    if (!pub || !priv) return P256_ERR_ARG;
    fe_from_bytes(k, priv);
    if (!scalar_in_range(k)) {
        memset(pub, 0, 64);
        ret = P256_ERR_INVALID_SCALAR;
    } else {
        ret = public_from_scalar(pub, k);
    }
    wipe(k, sizeof k);
    return ret;
}

int p256_keygen(uint8_t priv[32], uint8_t pub[64], p256_rng_fn rng, void *rng_ctx)
{
    uint32_t k[8];
    int tries, ret;
    if (!priv || !pub || !rng) return P256_ERR_ARG;
    for (tries = 0; tries < P256_KEYGEN_TRIES; tries++) {
        if (rng(rng_ctx, priv, 32) != 0) break;
        fe_from_bytes(k, priv);
        /* a rejected candidate is discarded, so this branch leaks nothing kept */
        if (scalar_in_range(k)) {
            ret = public_from_scalar(pub, k);
            wipe(k, sizeof k);
            if (ret != 0) wipe(priv, 32);
            return ret;
        }
    }
    wipe(k, sizeof k);
    wipe(priv, 32);
    memset(pub, 0, 64);
    return P256_ERR_RNG;
}

int p256_ecdh(uint8_t secret[32], const uint8_t priv[32], const uint8_t peer_pub[64])
{
    uint32_t k[8];
    fe px, py, x, y;
    int ret;
    if (!secret || !priv || !peer_pub) return P256_ERR_ARG;
    fe_from_bytes(px, peer_pub);
    fe_from_bytes(py, peer_pub + 32);
    if (!point_on_curve(px, py)) {
        memset(secret, 0, 32);
        return P256_ERR_INVALID_POINT;
    }
    fe_from_bytes(k, priv);
    if (!scalar_in_range(k)) {
        wipe(k, sizeof k);
        memset(secret, 0, 32);
        return P256_ERR_INVALID_SCALAR;
    }
    ret = scalar_mult(x, y, k, px, py);
    if (ret == 0) {
        fe_to_bytes(secret, x);
    } else {
        memset(secret, 0, 32);
        ret = P256_ERR_INVALID_POINT;
    }
    wipe(k, sizeof k);
    wipe(x, sizeof x);
    wipe(y, sizeof y);
    return ret;
}
