/* The twin's startup: ARMv7-M exceptions and the 32 mps2-an386 interrupts, Reset_Handler, default handlers. */
#include <stdint.h>

#include "../nrf52/regs/armv7m.h"
#include "semihost.h"

extern uint32_t __data_load, __data_start, __data_end, __bss_start, __bss_end, __stack_top;
extern int main(void);

void Reset_Handler(void);
void Default_Handler(void);
void HardFault_Handler(void);

#define WEAK_DEFAULT __attribute__((weak, alias("Default_Handler")))
void NMI_Handler(void) WEAK_DEFAULT;
void MemManage_Handler(void) WEAK_DEFAULT;
void BusFault_Handler(void) WEAK_DEFAULT;
void UsageFault_Handler(void) WEAK_DEFAULT;
void SVC_Handler(void) WEAK_DEFAULT;
void DebugMon_Handler(void) WEAK_DEFAULT;
void PendSV_Handler(void) WEAK_DEFAULT;
void SysTick_Handler(void) WEAK_DEFAULT;
void UART0RX_IRQHandler(void) WEAK_DEFAULT;
void UART0TX_IRQHandler(void) WEAK_DEFAULT;
void UART1RX_IRQHandler(void) WEAK_DEFAULT;
void UART1TX_IRQHandler(void) WEAK_DEFAULT;
void UART2RX_IRQHandler(void) WEAK_DEFAULT; /* the modem's serial port (uart_serial.c) */

typedef void (*vector_t)(void);

__attribute__((section(".vectors"), used)) const vector_t vector_table[16 + 32] = {
    (vector_t)(uintptr_t)&__stack_top,
    Reset_Handler,
    NMI_Handler,
    HardFault_Handler,
    MemManage_Handler,
    BusFault_Handler,
    UsageFault_Handler,
    0,
    0,
    0,
    0,
    SVC_Handler,
    DebugMon_Handler,
    0,
    PendSV_Handler,
    SysTick_Handler,
    UART0RX_IRQHandler, /* 0 */
    UART0TX_IRQHandler, /* 1 */
    UART1RX_IRQHandler, /* 2 */
    UART1TX_IRQHandler, /* 3 */
    UART2RX_IRQHandler, /* 4 */
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler,
};

void Reset_Handler(void) {
    uint32_t *src = &__data_load, *dst = &__data_start;
    while (dst < &__data_end) *dst++ = *src++;
    for (dst = &__bss_start; dst < &__bss_end;) *dst++ = 0;
    SCB_VTOR = (uint32_t)(uintptr_t)vector_table;
    SCB_CPACR |= SCB_CPACR_CP10_CP11_FULL;
    SCB_CCR |= SCB_CCR_DIV_0_TRP;
    cpu_dsb();
    cpu_isb();
    main();
    sh_exit(0);
}

void HardFault_Handler(void) {
    sh_write0("twin: hard fault\n");
    sh_exit(3);
}

void Default_Handler(void) {
    sh_write0("twin: unexpected exception\n");
    sh_exit(4);
}
