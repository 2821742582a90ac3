/*
 * nRF52840 memory map and interrupt numbers, from the nRF52840 Product Specification v1.x (section "Memory",
 * "Instantiation" table of peripheral IDs). Written for this project; no vendor headers are used.
 *
 * Register access: every peripheral header defines its registers as offsets from the instance base and a
 * macro NRF_REG(base, offset) to reach them, so one header serves every instance (RTC0/1/2, P0/P1, ...).
 */
#ifndef NRF52840_H
#define NRF52840_H

#include <stdint.h>

#ifndef NRF_REG /* host tests define their own, to check what drivers write */
#define NRF_REG(base, offset) (*(volatile uint32_t *)((uintptr_t)(base) + (uintptr_t)(offset)))
#endif

/* Memory (PS: "Memory map"). */
#define NRF_FLASH_BASE 0x00000000u
#define NRF_FLASH_SIZE 0x00100000u /* 1 MB */
#define NRF_FLASH_PAGE 4096u       /* FICR.CODEPAGESIZE */
#define NRF_RAM_BASE 0x20000000u
#define NRF_RAM_SIZE 0x00040000u /* 256 KB */

/* Peripheral base addresses (PS: "Instantiation"; the peripheral ID is bits 12..17 of the base). */
#define NRF_FICR_BASE 0x10000000u
#define NRF_UICR_BASE 0x10001000u
#define NRF_CLOCK_BASE 0x40000000u
#define NRF_POWER_BASE 0x40000000u
#define NRF_RADIO_BASE 0x40001000u
#define NRF_UARTE0_BASE 0x40002000u
#define NRF_TIMER0_BASE 0x40008000u
#define NRF_TIMER1_BASE 0x40009000u
#define NRF_TIMER2_BASE 0x4000A000u
#define NRF_RTC0_BASE 0x4000B000u
#define NRF_RNG_BASE 0x4000D000u
#define NRF_ECB_BASE 0x4000E000u
#define NRF_RTC1_BASE 0x40011000u
#define NRF_NVMC_BASE 0x4001E000u
#define NRF_RTC2_BASE 0x40024000u
#define NRF_UARTE1_BASE 0x40028000u
#define NRF_P0_BASE 0x50000000u
#define NRF_P1_BASE 0x50000300u

/* Interrupt numbers (= peripheral ID). */
typedef enum {
    POWER_CLOCK_IRQn = 0,
    RADIO_IRQn = 1,
    UARTE0_UART0_IRQn = 2,
    SPIM0_SPIS0_TWIM0_TWIS0_SPI0_TWI0_IRQn = 3,
    SPIM1_SPIS1_TWIM1_TWIS1_SPI1_TWI1_IRQn = 4,
    NFCT_IRQn = 5,
    GPIOTE_IRQn = 6,
    SAADC_IRQn = 7,
    TIMER0_IRQn = 8,
    TIMER1_IRQn = 9,
    TIMER2_IRQn = 10,
    RTC0_IRQn = 11,
    TEMP_IRQn = 12,
    RNG_IRQn = 13,
    ECB_IRQn = 14,
    CCM_AAR_IRQn = 15,
    WDT_IRQn = 16,
    RTC1_IRQn = 17,
    QDEC_IRQn = 18,
    COMP_LPCOMP_IRQn = 19,
    SWI0_EGU0_IRQn = 20,
    SWI1_EGU1_IRQn = 21,
    SWI2_EGU2_IRQn = 22,
    SWI3_EGU3_IRQn = 23,
    SWI4_EGU4_IRQn = 24,
    SWI5_EGU5_IRQn = 25,
    TIMER3_IRQn = 26,
    TIMER4_IRQn = 27,
    PWM0_IRQn = 28,
    PDM_IRQn = 29,
    MWU_IRQn = 32,
    PWM1_IRQn = 33,
    PWM2_IRQn = 34,
    SPIM2_SPIS2_SPI2_IRQn = 35,
    RTC2_IRQn = 36,
    I2S_IRQn = 37,
    FPU_IRQn = 38,
    USBD_IRQn = 39,
    UARTE1_IRQn = 40,
    QSPI_IRQn = 41,
    CRYPTOCELL_IRQn = 42,
    PWM3_IRQn = 45,
    SPIM3_IRQn = 47
} nrf_irqn_t;

#define NRF_IRQ_COUNT 48

/* Common task/event conventions (PS: "Peripheral interface"): write 1 to a task, clear an event by writing 0. */
#define NRF_TASK_TRIGGER 1u
#define NRF_EVENT_CLEAR 0u

#endif
