/* Bare-metal support for QEMU mps2-an386: semihosting I/O, SysTick (see board.h). */
#include "board.h"

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)

#define SEMIHOST_SYS_WRITE0 0x04
#define SEMIHOST_SYS_EXIT 0x18
#define SEMIHOST_SYS_EXIT_EXTENDED 0x20
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

extern uint32_t __stack_bottom;

static int semihost(int op, const void *arg)
{
    register int r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void board_puts(const char *s)
{
    semihost(SEMIHOST_SYS_WRITE0, s);
}

void board_put_u32(uint32_t v)
{
    char buf[11];
    int i = 10;
    buf[i] = 0;
    do {
        buf[--i] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v);
    board_puts(buf + i);
}

void board_exit(int status)
{
    uint32_t block[2];
    block[0] = ADP_STOPPED_APPLICATION_EXIT;
    block[1] = (uint32_t)status;
    semihost(SEMIHOST_SYS_EXIT_EXTENDED, block);
    /* Older hosts: plain SYS_EXIT (status 0 only). */
    semihost(SEMIHOST_SYS_EXIT, (const void *)ADP_STOPPED_APPLICATION_EXIT);
    for (;;) {
    }
}

void board_systick_start(void)
{
    SYST_CSR = 0;
    SYST_RVR = 0x00FFFFFFu;
    SYST_CVR = 0;
    SYST_CSR = 5u; /* ENABLE | CLKSOURCE = processor clock, TICKINT = 0 */
}

uint32_t board_systick_now(void)
{
    return SYST_CVR & 0x00FFFFFFu;
}

uint32_t board_systick_sync(void)
{
    uint32_t v0 = SYST_CVR, v;
    do {
        v = SYST_CVR;
    } while (v == v0);
    return v & 0x00FFFFFFu;
}

uint32_t board_systick_elapsed(uint32_t start, uint32_t end)
{
    return (start - end) & 0x00FFFFFFu;
}

void board_spin(uint32_t iterations)
{
    __asm__ volatile(
        "1: subs %0, %0, #1\n"
        "   bne 1b\n"
        : "+r"(iterations)
        :
        : "cc");
}

uintptr_t board_sp(void)
{
    uintptr_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}

uintptr_t board_stack_bottom(void)
{
    return (uintptr_t)&__stack_bottom;
}
