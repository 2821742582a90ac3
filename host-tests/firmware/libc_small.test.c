// sources:
/*
 * Host tests of native/xs/nrf52/libc_small.c (the device's qsort, strcmp, strlen, strchr, strcpy, __udivmoddi4,
 * floor, ceil, trunc and abort, and what two engine functions call in place of libm: xsrRadixExponent, which sizes
 * Number.prototype.toString(radix)'s buffer, and xsrRoundHalfEven, Uint8ClampedArray's rounding): against the host's
 * C library and libm, on random inputs.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIBC_SMALL(name) small_##name
#include "../../native/xs/nrf52/libc_small.c"
#include "test.h"

static uint64_t rng = 0x9E3779B97F4A7C15u;
static uint64_t next_random(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static int compare_int(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return x < y ? -1 : x > y;
}

/* records of an odd size: the key, then bytes that must travel with it */
typedef struct {
    uint16_t key;
    uint8_t tag[5];
} record_t;
static int compare_record(const void *a, const void *b) {
    const record_t *x = a, *y = b;
    return (int)x->key - (int)y->key;
}

static int compare_string(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

static int sign(int v) { return v < 0 ? -1 : v > 0; }

static void test_qsort_ints(void) {
    for (int run = 0; run < 2000; run++) {
        size_t n = run < 40 ? (size_t)run : (size_t)(next_random() % 300);
        int mine[300], ref[300];
        int range = run % 3 == 0 ? 4 : 1000000; /* many equal keys, or few */
        for (size_t i = 0; i < n; i++) mine[i] = ref[i] = (int)(next_random() % (uint64_t)range) - range / 2;
        if (run % 7 == 1) for (size_t i = 0; i < n; i++) mine[i] = ref[i] = (int)i; /* sorted */
        if (run % 7 == 2) for (size_t i = 0; i < n; i++) mine[i] = ref[i] = (int)(n - i); /* reversed */
        small_qsort(mine, n, sizeof mine[0], compare_int);
        qsort(ref, n, sizeof ref[0], compare_int);
        REQUIRE(memcmp(mine, ref, n * sizeof mine[0]) == 0);
    }
}

static void test_qsort_records_and_keys(void) {
    for (int run = 0; run < 500; run++) {
        size_t n = (size_t)(next_random() % 200);
        record_t mine[200], ref[200];
        /* distinct keys (as the engine's callers sort): the same order as the host's, each record whole */
        for (size_t i = 0; i < n; i++) {
            ref[i].key = (uint16_t)i;
            for (int k = 0; k < 5; k++) ref[i].tag[k] = (uint8_t)(i * 7 + (size_t)k);
        }
        for (size_t i = n; i > 1; i--) { /* shuffle */
            size_t j = (size_t)(next_random() % i);
            record_t t = ref[i - 1];
            ref[i - 1] = ref[j];
            ref[j] = t;
        }
        memcpy(mine, ref, sizeof mine);
        small_qsort(mine, n, sizeof mine[0], compare_record);
        qsort(ref, n, sizeof ref[0], compare_record);
        REQUIRE(memcmp(mine, ref, n * sizeof mine[0]) == 0);
        for (size_t i = 0; i < n; i++) CHECK_EQ(mine[i].tag[4], (uint8_t)(i * 7 + 4));
    }
    /* strings, as a module namespace's keys */
    const char *keys[] = {"z", "default", "a", "Aa", "aa", "a0", "", "\xff", "constructor", "zz", "b"};
    const char *mine[11], *ref[11];
    memcpy(mine, keys, sizeof keys);
    memcpy(ref, keys, sizeof keys);
    small_qsort(mine, 11, sizeof mine[0], compare_string);
    qsort(ref, 11, sizeof ref[0], compare_string);
    for (int i = 0; i < 11; i++) CHECK(mine[i] == ref[i]);
    small_qsort(NULL, 0, 4, compare_int); /* nothing to sort: base not touched */
}

static void test_strcmp(void) {
    static const char *edge[] = {"", "a", "ab", "abc", "abd", "b", "\x7f", "\x80", "\xff", "a\xff", "a\x01", "A"};
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++)
        for (size_t j = 0; j < sizeof edge / sizeof edge[0]; j++)
            CHECK_EQ(sign(small_strcmp(edge[i], edge[j])), sign(strcmp(edge[i], edge[j])));
    for (int run = 0; run < 100000; run++) {
        char a[24], b[24];
        size_t la = (size_t)(next_random() % 24), lb = (size_t)(next_random() % 24);
        for (size_t i = 0; i < la; i++) a[i] = (char)(1 + next_random() % (run % 2 ? 3 : 255));
        a[la ? la - 1 : 0] = 0;
        memcpy(b, a, sizeof b);
        if (run % 3) { /* a common prefix, then anything */
            for (size_t i = lb; i < 23; i++) b[i] = (char)(1 + next_random() % (run % 2 ? 3 : 255));
            b[23] = 0;
            b[lb] = (char)(next_random() % 256);
        }
        CHECK_EQ(sign(small_strcmp(a, b)), sign(strcmp(a, b)));
        CHECK_EQ(sign(small_strcmp(b, a)), sign(strcmp(b, a)));
    }
}

static void test_strlen_strchr_strcpy(void) {
    for (int run = 0; run < 100000; run++) {
        char s[40], mine[40], ref[40];
        size_t n = (size_t)(next_random() % 40);
        for (size_t i = 0; i < n; i++) s[i] = (char)(1 + next_random() % (run % 2 ? 4 : 255));
        s[n ? n - 1 : 0] = 0;
        CHECK_EQ(small_strlen(s), strlen(s));
        int c = run % 5 == 0 ? 0 : run % 5 == 1 ? (int)(next_random() % 256) - 128 : 1 + (int)(next_random() % 255);
        CHECK(small_strchr(s, c) == strchr(s, c));
        memset(mine, 'x', sizeof mine);
        memset(ref, 'x', sizeof ref);
        CHECK(small_strcpy(mine, s) == mine);
        strcpy(ref, s);
        CHECK(memcmp(mine, ref, sizeof mine) == 0);
    }
    CHECK_EQ(small_strlen(""), 0);
    const char *abc = "abc";
    CHECK(small_strchr(abc, 0) == abc + 3);
    CHECK(small_strchr(abc, 'c' + 256) == abc + 2); /* c converted to char */
}

/* the characters the engine's toString(radix) writes for an integer part (its loop: zeros while the value exceeds
 * 2^53 * radix, dividing by the radix in floating point, then one digit per fmod) */
static int engine_integer_chars(double integer, int radix) {
    int n = 0;
    double modulo = 9007199254740991.0 * radix;
    while (integer > modulo) {
        n++;
        integer = integer / radix;
    }
    do {
        double m = fmod(integer, radix);
        n++;
        integer = (integer - m) / radix;
    } while (integer >= 1);
    return n;
}

/* floor(log_radix(v)) exactly, for 1 <= v < 2^64 */
static int exact_exponent(uint64_t v, int radix) {
    unsigned __int128 p = (unsigned)radix;
    int e = 0;
    while (p <= v) {
        p *= (unsigned)radix;
        e++;
    }
    return e;
}

static void check_radix(double integer, int radix) {
    int e = xsrRadixExponent(integer, radix);
    /* enough room for the integer part, and for it plus one (the fraction's rounding carries) */
    CHECK(engine_integer_chars(integer, radix) <= e + 1);
    if (integer + 1 < 9007199254740992.0) {
        CHECK(engine_integer_chars(integer + 1, radix) <= e + 1);
        CHECK_EQ(e, exact_exponent((uint64_t)integer + 1, radix));
        /* never more than the engine's own estimate */
        CHECK(e <= (integer ? (int)round(log1p(integer) / log(radix)) : 0));
    } else {
        CHECK(e <= (int)(log(integer) / log(radix)) + 3); /* a bound, not a waste */
    }
}

static void test_radix_exponent(void) {
    for (int radix = 2; radix <= 36; radix++) {
        check_radix(0, radix);
        /* each power of the radix, and its neighbours */
        for (double p = 1; p < 1e300; p *= radix) {
            for (int d = -2; d <= 2; d++) if (p + d >= 0) check_radix(floor(p + d), radix);
        }
        for (int i = 0; i < 3000; i++) {
            int bits = 1 + (int)(next_random() % 64);
            uint64_t v = next_random() >> (64 - bits);
            check_radix((double)(v & ((1ull << 53) - 1)), radix);
        }
        for (int i = 0; i < 300; i++) check_radix(ldexp((double)(next_random() >> 11), (int)(next_random() % 971)), radix);
        check_radix(9007199254740990.0, radix);
        check_radix(9007199254740991.0, radix);
        check_radix(9007199254740992.0, radix);
        check_radix(1.7976931348623157e308, radix);
    }
    /* a radix the engine never passes gets the widest bound, not a read out of the table */
    CHECK(xsrRadixExponent(255, 0) >= 7);
    CHECK(xsrRadixExponent(255, 99) >= 7);
}

static void test_udivmoddi4(void) {
    static const uint64_t edge[] = {0, 1, 2, 3, 7, 10, 1000, 32768, 0xFFFFFFFFu, 0x100000000u, 0x100000001u,
                                    0x7FFFFFFFFFFFFFFFu, 0x8000000000000000u, 0xFFFFFFFFFFFFFFFFu, 0xFFFFFFFF00000000u};
    const size_t count = sizeof edge / sizeof edge[0];
    for (size_t i = 0; i < count; i++)
        for (size_t j = 0; j < count; j++) {
            if (!edge[j]) continue;
            uint64_t r = 12345, q = small___udivmoddi4(edge[i], edge[j], &r);
            CHECK(q == edge[i] / edge[j]);
            CHECK(r == edge[i] % edge[j]);
        }
    for (int run = 0; run < 200000; run++) {
        uint64_t n = next_random() >> (next_random() % 64), d = next_random() >> (next_random() % 64);
        if (!d) d = 1;
        uint64_t r = 0, q = small___udivmoddi4(n, d, &r);
        CHECK(q == n / d);
        CHECK(r == n % d);
        CHECK(small___udivmoddi4(n, d, NULL) == n / d);
    }
}

static void test_round_half_even(void) {
    /* every half and its neighbours, and random values: as nearbyint (the default rounding mode: ties to even) */
    for (int i = 0; i < 255 * 4; i++) {
        double v = i / 4.0;
        if (v <= 0) continue;
        CHECK(xsrRoundHalfEven(v) == nearbyint(v));
        CHECK(xsrRoundHalfEven(nextafter(v, 0)) == nearbyint(nextafter(v, 0)));
        CHECK(xsrRoundHalfEven(nextafter(v, 255)) == nearbyint(nextafter(v, 255)));
    }
    for (int run = 0; run < 100000; run++) {
        double v = (double)(next_random() >> 11) / 9007199254740992.0 * 255;
        if (v <= 0 || v >= 255) continue;
        CHECK(xsrRoundHalfEven(v) == nearbyint(v));
    }
    CHECK(xsrRoundHalfEven(4.9e-324) == 0);
    CHECK(xsrRoundHalfEven(254.5) == 254);
    CHECK(xsrRoundHalfEven(253.5) == 254);
}

static int same_double(double a, double b) { return memcmp(&a, &b, sizeof a) == 0 || (isnan(a) && isnan(b)); }

static void check_floor_ceil(double x) {
    CHECK(same_double(small_floor(x), floor(x)));
    CHECK(same_double(small_ceil(x), ceil(x)));
    CHECK(same_double(small_trunc(x), trunc(x)));
}

static void test_floor_ceil_trunc(void) {
    static const double edge[] = {0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 1.5, -1.5, 2.5, -2.5, 0.9999999999999999,
                                  -0.9999999999999999, 4.9e-324, -4.9e-324, 2.2250738585072014e-308, 4503599627370495.5,
                                  -4503599627370495.5, 4503599627370496.0, 9007199254740993.0, 1e300, -1e300,
                                  1.7976931348623157e308, -1.7976931348623157e308, 255.99999999999997, -255.99999999999997};
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) check_floor_ceil(edge[i]);
    check_floor_ceil(INFINITY);
    check_floor_ceil(-INFINITY);
    check_floor_ceil(NAN);
    for (int run = 0; run < 1000000; run++) {
        uint64_t bits = next_random();
        double x;
        if (run % 2) { /* exponents around the integer boundary */
            bits = (bits & 0x800FFFFFFFFFFFFFu) | ((uint64_t)(1023 - 4 + next_random() % 60) << 52);
        }
        memcpy(&x, &bits, sizeof x);
        check_floor_ceil(x);
        check_floor_ceil(nextafter(floor(x), INFINITY));
        check_floor_ceil(nextafter(ceil(x), -INFINITY));
    }
}

static void test_abort(void) {
    /* as newlib's with no SIGABRT handler and no kill: _exit(1) */
    fflush(stdout);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) small_abort();
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 1);
}

int main(void) {
    RUN(test_qsort_ints);
    RUN(test_qsort_records_and_keys);
    RUN(test_strcmp);
    RUN(test_strlen_strchr_strcpy);
    RUN(test_radix_exponent);
    RUN(test_udivmoddi4);
    RUN(test_round_half_even);
    RUN(test_floor_ceil_trunc);
    RUN(test_abort);
    return test_summary();
}
