/*
 * Cortex-M4 startup for QEMU mps2-an386: vector table, reset handler (copy .data, clear .bss,
 * enable the FPU for -mfloat-abi=hard), then main(); main's return value is the exit status.
 */
#include <stdint.h>
#include "board.h"

extern uint32_t __data_load, __data_start, __data_end, __bss_start, __bss_end, __stack_top;
extern int main(void);

void reset_handler(void);
static void fault_handler(void);

#define CPACR (*(volatile uint32_t *)0xE000ED88u)

__attribute__((section(".vectors"), used))
static void (*const vectors[16])(void) = {
    (void (*)(void))(uintptr_t)&__stack_top,
    reset_handler,
    fault_handler, /* NMI */
    fault_handler, /* HardFault */
    fault_handler, /* MemManage */
    fault_handler, /* BusFault */
    fault_handler, /* UsageFault */
    0, 0, 0, 0,
    fault_handler, /* SVCall */
    fault_handler, /* DebugMonitor */
    0,
    fault_handler, /* PendSV */
    fault_handler, /* SysTick */
};

static void fault_handler(void)
{
    board_puts("FAULT\n");
    board_exit(3);
}

void reset_handler(void)
{
    uint32_t *src = &__data_load, *dst = &__data_start;
    while (dst < &__data_end) {
        *dst++ = *src++;
    }
    for (dst = &__bss_start; dst < &__bss_end; dst++) {
        *dst = 0;
    }
    CPACR |= 0xFu << 20; /* CP10, CP11 full access */
    __asm__ volatile("dsb\n isb" ::: "memory");
    board_exit(main());
}
