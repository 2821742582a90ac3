/* nRF52840 ECB peripheral driver. See ecb.h. */
#include "ecb.h"

#if defined(NRF52_ECB_TEST)
#define ECB_REG(off) (nrf52_ecb_test_regs[(off) / 4])
#else
#define ECB_REG(off) (*(volatile uint32_t *)(uintptr_t)(NRF52_ECB_BASE + (off)))
#endif

/* Completes the CPU's stores to the DMA block before the peripheral reads it. */
static void barrier(void)
{
#if defined(__GNUC__) && defined(__arm__)
    __asm__ volatile("dsb" ::: "memory");
#elif defined(__GNUC__)
    __asm__ volatile("" ::: "memory");
#endif
}

int nrf52_ecb_encrypt(const uint8_t key[16], const uint8_t in[16], uint8_t out[16])
{
    /* Word-aligned, on the stack: the stack is in Data RAM, which EasyDMA can read and write. */
    uint32_t block32[12];
    uint8_t *block = (uint8_t *)block32;
    uint32_t polls;
    uint32_t done = 0, error = 0;
    unsigned i;
    int rc;

    if (!key || !in || !out) {
        return CRYPTO_ERR_NULL;
    }
    for (i = 0; i < 16; i++) {
        block[i] = key[i];
        block[16 + i] = in[i];
        block[32 + i] = 0;
    }
    ECB_REG(NRF52_ECB_INTENCLR) = 3u; /* ENDECB | ERRORECB: polled, no interrupt */
    ECB_REG(NRF52_ECB_EVENTS_ENDECB) = 0;
    ECB_REG(NRF52_ECB_EVENTS_ERRORECB) = 0;
    ECB_REG(NRF52_ECB_ECBDATAPTR) = (uint32_t)(uintptr_t)block;
    barrier();
    ECB_REG(NRF52_ECB_TASKS_STARTECB) = 1;
    for (polls = 0; polls < NRF52_ECB_TIMEOUT_POLLS; polls++) {
#if defined(NRF52_ECB_TEST)
        nrf52_ecb_test_poll(block);
#endif
        done = ECB_REG(NRF52_ECB_EVENTS_ENDECB);
        error = ECB_REG(NRF52_ECB_EVENTS_ERRORECB);
        if (done || error) {
            break;
        }
    }
    barrier();
    if (done && !error) {
        for (i = 0; i < 16; i++) {
            out[i] = block[32 + i];
        }
        rc = CRYPTO_OK;
    } else {
        /* ERRORECB or timeout: stop whatever may still run, so it cannot write the block later. */
        ECB_REG(NRF52_ECB_TASKS_STOPECB) = 1;
        rc = CRYPTO_ERR_HW;
    }
    ECB_REG(NRF52_ECB_EVENTS_ENDECB) = 0;
    ECB_REG(NRF52_ECB_EVENTS_ERRORECB) = 0;
    crypto_wipe(block32, sizeof block32);
    return rc;
}
