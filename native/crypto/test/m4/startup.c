/* Bare-metal start-up for the P-256 Cortex-M4 measurements on QEMU mps2-an386. */
#include <stdint.h>

extern uint32_t _estack, _sdata, _edata, _etext, _sbss, _ebss;
int main(void);
void reset_handler(void);
void semihost_exit(int ok);

static void default_handler(void)
{
    semihost_exit(0);
}

__attribute__((section(".vectors"), used)) static const void *const vectors[16] = {
    &_estack, (const void *)reset_handler, (const void *)default_handler, (const void *)default_handler,
    (const void *)default_handler, (const void *)default_handler, (const void *)default_handler, 0, 0, 0, 0,
    (const void *)default_handler, (const void *)default_handler, 0, (const void *)default_handler,
    (const void *)default_handler,
};

static int semihost(int op, const void *arg)
{
    register int r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void semihost_puts(const char *s)
{
    semihost(0x04, s); /* SYS_WRITE0 */
}

void semihost_exit(int ok)
{
    /* SYS_EXIT: ADP_Stopped_ApplicationExit (QEMU exit status 0) or RunTimeErrorUnknown (1) */
    semihost(0x18, (const void *)(uintptr_t)(ok ? 0x20026 : 0x20023));
    for (;;) {
    }
}

void reset_handler(void)
{
    uint32_t *src = &_etext, *dst = &_sdata;
    while (dst < &_edata) *dst++ = *src++;
    for (dst = &_sbss; dst < &_ebss; dst++) *dst = 0;
    semihost_exit(main() == 0);
}
