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
    /* A C99 variable-length array of just the requested size (rounded up to 16 bytes, at most 512),
     * so the stack this costs is what it clears. */
    size_t words = (bytes + 15) / 16 * 4, i;
    if (words < 4) {
        words = 4;
    }
    if (words > 128) {
        words = 128;
    }
    {
        volatile uint32_t area[words];
        for (i = 0; i < words; i += 4) {
            area[i] = 0;
            area[i + 1] = 0;
            area[i + 2] = 0;
            area[i + 3] = 0;
        }
        (void)area[0];
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
