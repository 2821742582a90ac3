/* Error codes and helpers shared by the crypto module (see crypto_common.h). */
#include "crypto_common.h"

void crypto_wipe(void *p, size_t n)
{
    /* Writes through a volatile pointer are observable behaviour, so they are not optimised away. */
    volatile uint8_t *v = (volatile uint8_t *)p;
    while (n--) {
        *v++ = 0;
    }
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
