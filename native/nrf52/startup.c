/*
 * nRF52840 startup: the vector table (ARMv7-M exceptions and all 48 nRF52840 interrupts by name, PS
 * "Instantiation"), Reset_Handler (copy .data, zero .bss, FPU on, VTOR, then main), and weak default handlers.
 * Every handler not defined elsewhere falls into Default_Handler, which halts (a debugger shows where).
 */
#include <stdint.h>

#include "regs/armv7m.h"

extern uint32_t __data_load, __data_start, __data_end, __bss_start, __bss_end, __stack_top;
extern int main(void);

void Reset_Handler(void);
void Default_Handler(void);

#define WEAK_DEFAULT __attribute__((weak, alias("Default_Handler")))
void NMI_Handler(void) WEAK_DEFAULT;
void HardFault_Handler(void) WEAK_DEFAULT;
void MemManage_Handler(void) WEAK_DEFAULT;
void BusFault_Handler(void) WEAK_DEFAULT;
void UsageFault_Handler(void) WEAK_DEFAULT;
void SVC_Handler(void) WEAK_DEFAULT;
void DebugMon_Handler(void) WEAK_DEFAULT;
void PendSV_Handler(void) WEAK_DEFAULT;
void SysTick_Handler(void) WEAK_DEFAULT;
void POWER_CLOCK_IRQHandler(void) WEAK_DEFAULT;
void RADIO_IRQHandler(void) WEAK_DEFAULT;
void UARTE0_UART0_IRQHandler(void) WEAK_DEFAULT;
void SPIM0_SPIS0_TWIM0_TWIS0_SPI0_TWI0_IRQHandler(void) WEAK_DEFAULT;
void SPIM1_SPIS1_TWIM1_TWIS1_SPI1_TWI1_IRQHandler(void) WEAK_DEFAULT;
void NFCT_IRQHandler(void) WEAK_DEFAULT;
void GPIOTE_IRQHandler(void) WEAK_DEFAULT;
void SAADC_IRQHandler(void) WEAK_DEFAULT;
void TIMER0_IRQHandler(void) WEAK_DEFAULT;
void TIMER1_IRQHandler(void) WEAK_DEFAULT;
void TIMER2_IRQHandler(void) WEAK_DEFAULT;
void RTC0_IRQHandler(void) WEAK_DEFAULT;
void TEMP_IRQHandler(void) WEAK_DEFAULT;
void RNG_IRQHandler(void) WEAK_DEFAULT;
void ECB_IRQHandler(void) WEAK_DEFAULT;
void CCM_AAR_IRQHandler(void) WEAK_DEFAULT;
void WDT_IRQHandler(void) WEAK_DEFAULT;
void RTC1_IRQHandler(void) WEAK_DEFAULT;
void QDEC_IRQHandler(void) WEAK_DEFAULT;
void COMP_LPCOMP_IRQHandler(void) WEAK_DEFAULT;
void SWI0_EGU0_IRQHandler(void) WEAK_DEFAULT;
void SWI1_EGU1_IRQHandler(void) WEAK_DEFAULT;
void SWI2_EGU2_IRQHandler(void) WEAK_DEFAULT;
void SWI3_EGU3_IRQHandler(void) WEAK_DEFAULT;
void SWI4_EGU4_IRQHandler(void) WEAK_DEFAULT;
void SWI5_EGU5_IRQHandler(void) WEAK_DEFAULT;
void TIMER3_IRQHandler(void) WEAK_DEFAULT;
void TIMER4_IRQHandler(void) WEAK_DEFAULT;
void PWM0_IRQHandler(void) WEAK_DEFAULT;
void PDM_IRQHandler(void) WEAK_DEFAULT;
void MWU_IRQHandler(void) WEAK_DEFAULT;
void PWM1_IRQHandler(void) WEAK_DEFAULT;
void PWM2_IRQHandler(void) WEAK_DEFAULT;
void SPIM2_SPIS2_SPI2_IRQHandler(void) WEAK_DEFAULT;
void RTC2_IRQHandler(void) WEAK_DEFAULT;
void I2S_IRQHandler(void) WEAK_DEFAULT;
void FPU_IRQHandler(void) WEAK_DEFAULT;
void USBD_IRQHandler(void) WEAK_DEFAULT;
void UARTE1_IRQHandler(void) WEAK_DEFAULT;
void QSPI_IRQHandler(void) WEAK_DEFAULT;
void CRYPTOCELL_IRQHandler(void) WEAK_DEFAULT;
void PWM3_IRQHandler(void) WEAK_DEFAULT;
void SPIM3_IRQHandler(void) WEAK_DEFAULT;

typedef void (*vector_t)(void);

__attribute__((section(".vectors"), used)) const vector_t vector_table[16 + 48] = {
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
    /* nRF52840 interrupts 0..47 */
    POWER_CLOCK_IRQHandler,
    RADIO_IRQHandler,
    UARTE0_UART0_IRQHandler,
    SPIM0_SPIS0_TWIM0_TWIS0_SPI0_TWI0_IRQHandler,
    SPIM1_SPIS1_TWIM1_TWIS1_SPI1_TWI1_IRQHandler,
    NFCT_IRQHandler,
    GPIOTE_IRQHandler,
    SAADC_IRQHandler,
    TIMER0_IRQHandler,
    TIMER1_IRQHandler,
    TIMER2_IRQHandler,
    RTC0_IRQHandler,
    TEMP_IRQHandler,
    RNG_IRQHandler,
    ECB_IRQHandler,
    CCM_AAR_IRQHandler,
    WDT_IRQHandler,
    RTC1_IRQHandler,
    QDEC_IRQHandler,
    COMP_LPCOMP_IRQHandler,
    SWI0_EGU0_IRQHandler,
    SWI1_EGU1_IRQHandler,
    SWI2_EGU2_IRQHandler,
    SWI3_EGU3_IRQHandler,
    SWI4_EGU4_IRQHandler,
    SWI5_EGU5_IRQHandler,
    TIMER3_IRQHandler,
    TIMER4_IRQHandler,
    PWM0_IRQHandler,
    PDM_IRQHandler,
    0, /* 30: reserved */
    0, /* 31: reserved */
    MWU_IRQHandler,
    PWM1_IRQHandler,
    PWM2_IRQHandler,
    SPIM2_SPIS2_SPI2_IRQHandler,
    RTC2_IRQHandler,
    I2S_IRQHandler,
    FPU_IRQHandler,
    USBD_IRQHandler,
    UARTE1_IRQHandler,
    QSPI_IRQHandler,
    CRYPTOCELL_IRQHandler,
    0, /* 43: reserved */
    0, /* 44: reserved */
    PWM3_IRQHandler,
    0, /* 46: reserved */
    SPIM3_IRQHandler,
};

void Reset_Handler(void) {
    uint32_t *src = &__data_load, *dst = &__data_start;
    while (dst < &__data_end) *dst++ = *src++;
    for (dst = &__bss_start; dst < &__bss_end;) *dst++ = 0;
    SCB_VTOR = (uint32_t)(uintptr_t)vector_table; /* also right behind an MBR at 0x0 */
    SCB_CPACR |= SCB_CPACR_CP10_CP11_FULL;         /* FPU on (the code is built for fpv4-sp-d16) */
    SCB_CCR |= SCB_CCR_DIV_0_TRP;
    cpu_dsb();
    cpu_isb();
    main();
    for (;;) {
    }
}

void Default_Handler(void) {
    for (;;) {
    }
}
