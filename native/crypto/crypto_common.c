/* Error codes and helpers shared by the crypto module (see crypto_common.h). */
#include <string.h>

#include "crypto_common.h"

/* memset called through a volatile function pointer: the compiler cannot know the call is memset,
 * so it cannot drop it as a dead store to memory that is about to go out of scope. */
static void *(*volatile const wipe_memset)(void *, int, size_t) = memset;

void crypto_wipe(void *p, size_t n)
{
    if (p && n) {
        wipe_memset(p, 0, n);
    }
}

#if defined(__GNUC__)
__attribute__((noinline))
#endif
void crypto_burn_stack(size_t bytes)
{
#if defined(CRYPTO_NO_STACK_BURN)
    (void)bytes;
#else
    /* A C99 variable-length array of just the requested size (rounded up to 32 bytes, at most 512),
     * so the stack this costs is what it clears; 64-bit stores (two words per instruction), four per
     * iteration. */
    size_t n = (bytes + 31) / 32 * 4;
    if (n < 4) {
        n = 4;
    }
    if (n > 64) {
        n = 64;
    }
    {
        volatile uint64_t area[n];
        volatile uint64_t *p = area, *end = area + n;
        do {
            p[0] = 0;
            p[1] = 0;
            p[2] = 0;
            p[3] = 0;
            p += 4;
        } while (p < end);
    }
#endif
}

int crypto_ct_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
    uint32_t diff = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        diff |= (uint32_t)(a[i] ^ b[i]);
    }
    /* 1 when diff == 0, without a data-dependent branch. */
    return (int)(1u & ((diff - 1u) >> 8));
}
