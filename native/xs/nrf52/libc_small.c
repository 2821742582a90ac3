/*
 * Small replacements for the C library code the device engine links (docs/xs.md "libc and libm"): newlib's qsort
 * (1,548 B: the engine sorts a module namespace's keys with it), its unrolled ARMv7 strcmp (732 B), strlen, strchr and
 * strcpy (612 B), libgcc's
 * __udivmoddi4 (700 B), newlib's abort (its signal emulation, some 650 B), floor, ceil and trunc (632 B) for less each. The firmware's objects come before the C library on the link
 * line, so these definitions are the ones linked and the libraries' are not pulled in. Besides, what two engine
 * functions call in place of libm (tools/fw/lean.mjs ENGINE_EDITS): xsrRadixExponent, which sizes
 * Number.prototype.toString(radix)'s buffer (for log1p and log), and xsrRoundHalfEven (Uint8ClampedArray, for rint).
 *
 * host-tests/firmware/libc_small.test.c includes this file with LIBC_SMALL(name) renaming the functions, and checks
 * them against the host's C library and libm under AddressSanitizer and UndefinedBehaviorSanitizer.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifndef LIBC_SMALL
#define LIBC_SMALL(name) name
#endif

void LIBC_SMALL(qsort)(void* base, size_t count, size_t size, int (*compare)(const void*, const void*));
int LIBC_SMALL(strcmp)(const char* a, const char* b);
size_t LIBC_SMALL(strlen)(const char* s);
char* LIBC_SMALL(strchr)(const char* s, int c);
char* LIBC_SMALL(strcpy)(char* to, const char* from);
uint64_t LIBC_SMALL(__udivmoddi4)(uint64_t n, uint64_t d, uint64_t* remainder);
double LIBC_SMALL(floor)(double x);
double LIBC_SMALL(ceil)(double x);
double LIBC_SMALL(trunc)(double x);
void LIBC_SMALL(abort)(void) __attribute__((noreturn));
void _exit(int status) __attribute__((noreturn));
int xsrRadixExponent(double integer, int radix);
double xsrRoundHalfEven(double value);

static void swapBytes(unsigned char* a, unsigned char* b, size_t size)
{
	while (size--) {
		unsigned char t = *a;
		*a++ = *b;
		*b++ = t;
	}
}

/* Heapsort: O(n log n) comparisons whatever the order, no recursion, no allocation. Like any qsort it is not stable
 * (the engine's callers sort distinct keys). */
void LIBC_SMALL(qsort)(void* base, size_t count, size_t size, int (*compare)(const void*, const void*))
{
	unsigned char* a = base;
	size_t start = count / 2, end = count;
	if (count < 2 || size == 0)
		return;
	for (;;) {
		size_t root, child;
		if (start > 0)
			start--; /* building the max-heap, from the last parent to the root */
		else if (--end > 0)
			swapBytes(a, a + end * size, size); /* the largest goes to the end; the heap shrinks */
		else
			return;
		for (root = start; (child = 2 * root + 1) < end; root = child) {
			if (child + 1 < end && compare(a + child * size, a + (child + 1) * size) < 0)
				child++;
			if (compare(a + root * size, a + child * size) >= 0)
				break;
			swapBytes(a + root * size, a + child * size, size);
		}
	}
}

/* The bytes compare as unsigned char (C99 7.21.4). */
int LIBC_SMALL(strcmp)(const char* a, const char* b)
{
	const unsigned char* p = (const unsigned char*)a;
	const unsigned char* q = (const unsigned char*)b;
	while (*p && *p == *q) {
		p++;
		q++;
	}
	return (int)*p - (int)*q;
}

/* strlen, strchr and strcpy a byte at a time (newlib's word-at-a-time ones: 220, 206 and 186 B; the engine's strings
 * are mostly short keys). */
size_t LIBC_SMALL(strlen)(const char* s)
{
	const char* p = s;
	while (*p)
		p++;
	return (size_t)(p - s);
}

char* LIBC_SMALL(strchr)(const char* s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char*)s;
		if (!*s)
			return NULL;
	}
}

char* LIBC_SMALL(strcpy)(char* to, const char* from)
{
	char* p = to;
	while ((*p++ = *from++) != 0)
		;
	return to;
}

/*
 * 64-bit unsigned division: libgcc's __aeabi_uldivmod (the `/` and `%` of uint64_t: the HAL's RTC arithmetic and its
 * log formatter) calls __udivmoddi4, whose libgcc version is 700 bytes of unrolled normalisation. This one divides in
 * 32 bits when both fit (one udiv), else bit by bit from the divisor's top bit aligned on the dividend's. `d` is not 0
 * (__aeabi_uldivmod handles that before calling). `used`: with LTO nothing but libgcc's object refers to it.
 */
__attribute__((used)) uint64_t LIBC_SMALL(__udivmoddi4)(uint64_t n, uint64_t d, uint64_t* remainder)
{
	uint64_t q = 0;
	if (d == 0) {
		/* (undefined; never called so) */
	}
	else if ((n >> 32) == 0 && (d >> 32) == 0) {
		q = (uint32_t)n / (uint32_t)d;
		n -= q * d;
	}
	else if (d <= n) {
		int shift = __builtin_clzll(d) - __builtin_clzll(n);
		d <<= shift;
		for (; shift >= 0; shift--) {
			q <<= 1;
			if (n >= d) {
				n -= d;
				q |= 1;
			}
			d >>= 1;
		}
	}
	if (remainder)
		*remainder = n;
	return q;
}

/*
 * floor, ceil and trunc (newlib's: 264, 256 and 112 B; the engine's number conversions, Math.floor/ceil, the HAL)
 * on the bits of the double: an integral value (|x| >= 2^52, an infinity, a NaN, a zero) is returned as it is;
 * otherwise the fraction's bits are cleared, after adding one unit at the integer position when rounding away from
 * zero (a negative x for floor, a positive one for ceil, never for trunc; the carry may raise the exponent). |x| < 1
 * gives 0 or 1 with x's sign (floor(-0.5) is -1, ceil(-0.5) is -0). `up`: 1 toward +infinity, 0 toward -infinity,
 * -1 toward zero.
 */
static double roundToIntegral(double x, int up)
{
	uint64_t bits;
	int exponent;
	int away;
	memcpy(&bits, &x, sizeof(bits));
	exponent = (int)((bits >> 52) & 0x7FF) - 1023;
	away = up < 0 ? 0 : (bits >> 63) ? !up : up; /* toward -infinity from a negative x is away from zero */
	if (exponent >= 52 || (bits << 1) == 0)
		return x;
	if (exponent < 0) {
		/* 0 < |x| < 1: the signed zero, or the signed one away from zero */
		bits = (bits & 0x8000000000000000u) | (away ? 0x3FF0000000000000u : 0);
	}
	else {
		uint64_t fraction = 0x000FFFFFFFFFFFFFu >> exponent;
		if ((bits & fraction) == 0)
			return x;
		if (away)
			bits += fraction + 1;
		bits &= ~fraction;
	}
	memcpy(&x, &bits, sizeof(bits));
	return x;
}

double LIBC_SMALL(floor)(double x)
{
	return roundToIntegral(x, 0);
}

double LIBC_SMALL(ceil)(double x)
{
	return roundToIntegral(x, 1);
}

double LIBC_SMALL(trunc)(double x)
{
	return roundToIntegral(x, -1);
}

/*
 * newlib's abort (reached through __assert_func: newlib's rand asserts its state's allocation) raises SIGABRT, which
 * links newlib's signal emulation (some 650 B; its table of handlers is malloc'ed on the first raise); no handler is
 * ever installed and libnosys's kill fails, so it then calls _exit(1). The same, directly.
 */
__attribute__((used)) void LIBC_SMALL(abort)(void)
{
	_exit(1);
}

/* For Uint8ClampedArray's setter (xsDataView.c, through tools/fw/lean.mjs ENGINE_EDITS): `value` in (0, 255), rounded
 * to the nearest integer, ties to even, as nearbyint in the default rounding mode, without libm's rint (304 B). */
double xsrRoundHalfEven(double value)
{
	double whole = (double)(int32_t)value; /* truncated: value > 0 */
	double fraction = value - whole; /* exact */
	if (fraction > 0.5 || (fraction == 0.5 && ((int32_t)whole & 1)))
		whole += 1;
	return whole;
}

/*
 * For Number.prototype.toString(radix) (xsNumber.c, through tools/fw/lean.mjs ENGINE_EDITS): `integer` is the
 * value's integer part (a non-negative integral double), `radix` 2..36. Returns E such that E + 1 characters hold the
 * integer part's digits, also once the fraction's rounding has carried one into it (integer + 1): exactly
 * floor(log_radix(integer + 1)) while integer + 1 < 2^53 (the engine's estimate, round(log1p(integer) / log(radix)),
 * is never less), 0 for 0; above, a bound from the binary exponent (the engine writes zeros for the digits beyond
 * 2^53 * radix, dividing in floating point, so the bound keeps two characters to spare).
 */
int xsrRadixExponent(double integer, int radix)
{
	/* ceil(2^15 * ln 2 / ln r), r = 2..36: log_r(2) in fixed point, rounded up */
	static const uint16_t log2Radix[35] = {
		32768, 20675, 16384, 14113, 12677, 11673, 10923, 10338, 9865, 9473, 9141, 8856, 8607, 8388, 8192, 8017, 7859,
		7714, 7582, 7461, 7349, 7244, 7147, 7057, 6972, 6892, 6817, 6746, 6678, 6615, 6554, 6496, 6441, 6389, 6339,
	};
	double next = integer + 1;
	int e = 0;
	if (radix < 2 || radix > 36)
		radix = 2; /* (the engine checks: the widest bound) */
	if (next < 9007199254740992.0) { /* 2^53: every power below is exact, the first one above exceeds next */
		double p = radix;
		while (p <= next) {
			p *= radix;
			e++;
		}
		return e;
	}
	else {
		uint64_t bits;
		memcpy(&bits, &next, sizeof(bits));
		/* next < 2^e2 (finite: the engine handles Infinity and NaN before) */
		e = (int)((bits >> 52) & 0x7FF) - 1022;
		return (int)(((uint32_t)e * log2Radix[radix - 2]) >> 15) + 2;
	}
}
