/*
 * ARMv7-M system registers used by the firmware (ARMv7-M Architecture Reference Manual, B3: System Control
 * Space): SCB, SysTick, NVIC, CPACR. Shared by the nRF52840 and the Cortex-M4 twin (mps2-an386).
 */
#ifndef ARMV7M_H
#define ARMV7M_H

#include <stdint.h>

#ifndef ARMV7M_REG /* host tests define their own */
#define ARMV7M_REG(addr) (*(volatile uint32_t *)(uintptr_t)(addr))
#endif

/* SCB (B3.2.2) */
#define SCB_CPUID ARMV7M_REG(0xE000ED00u)
#define SCB_ICSR ARMV7M_REG(0xE000ED04u)
#define SCB_VTOR ARMV7M_REG(0xE000ED08u)
#define SCB_AIRCR ARMV7M_REG(0xE000ED0Cu)
#define SCB_SCR ARMV7M_REG(0xE000ED10u)
#define SCB_CCR ARMV7M_REG(0xE000ED14u)
#define SCB_SHPR3 ARMV7M_REG(0xE000ED20u)
#define SCB_SHCSR ARMV7M_REG(0xE000ED24u)
#define SCB_CFSR ARMV7M_REG(0xE000ED28u)
#define SCB_HFSR ARMV7M_REG(0xE000ED2Cu)
#define SCB_MMFAR ARMV7M_REG(0xE000ED34u)
#define SCB_BFAR ARMV7M_REG(0xE000ED38u)
#define SCB_CPACR ARMV7M_REG(0xE000ED88u)

#define SCB_AIRCR_VECTKEY (0x05FAu << 16)
#define SCB_AIRCR_SYSRESETREQ (1u << 2)
#define SCB_SCR_SLEEPDEEP (1u << 2)
#define SCB_SCR_SEVONPEND (1u << 4)
#define SCB_CCR_DIV_0_TRP (1u << 4)
#define SCB_CPACR_CP10_CP11_FULL (0xFu << 20)

/* SysTick (B3.3) */
#define SYST_CSR ARMV7M_REG(0xE000E010u)
#define SYST_RVR ARMV7M_REG(0xE000E014u)
#define SYST_CVR ARMV7M_REG(0xE000E018u)
#define SYST_CALIB ARMV7M_REG(0xE000E01Cu)
#define SYST_CSR_ENABLE (1u << 0)
#define SYST_CSR_TICKINT (1u << 1)
#define SYST_CSR_CLKSOURCE (1u << 2) /* 1: processor clock */
#define SYST_CSR_COUNTFLAG (1u << 16)

/* NVIC (B3.4): 32 interrupts per register. */
#define NVIC_ISER(n) ARMV7M_REG(0xE000E100u + 4u * (n))
#define NVIC_ICER(n) ARMV7M_REG(0xE000E180u + 4u * (n))
#define NVIC_ISPR(n) ARMV7M_REG(0xE000E200u + 4u * (n))
#define NVIC_ICPR(n) ARMV7M_REG(0xE000E280u + 4u * (n))
#ifndef ARMV7M_REG8
#define ARMV7M_REG8(addr) (*(volatile uint8_t *)(uintptr_t)(addr))
#endif
#define NVIC_IPR_BYTE(irq) ARMV7M_REG8(0xE000E400u + (uint32_t)(irq))

static inline void nvic_enable(unsigned irq) { NVIC_ISER(irq >> 5) = 1u << (irq & 31u); }
static inline void nvic_disable(unsigned irq) { NVIC_ICER(irq >> 5) = 1u << (irq & 31u); }
static inline void nvic_clear_pending(unsigned irq) { NVIC_ICPR(irq >> 5) = 1u << (irq & 31u); }
/* prio: 0 (highest) .. 7 on the nRF52840 (3 priority bits, held in the top bits of the byte). */
static inline void nvic_set_priority(unsigned irq, unsigned prio) { NVIC_IPR_BYTE(irq) = (uint8_t)(prio << 5); }

#if defined(__arm__)
static inline uint32_t irq_save(void) {
    uint32_t primask;
    __asm__ volatile("mrs %0, primask\n cpsid i" : "=r"(primask)::"memory");
    return primask;
}
static inline void irq_restore(uint32_t primask) { __asm__ volatile("msr primask, %0" ::"r"(primask) : "memory"); }
static inline void cpu_wfe(void) { __asm__ volatile("wfe"); }
static inline void cpu_wfi(void) { __asm__ volatile("wfi"); }
static inline void cpu_dsb(void) { __asm__ volatile("dsb 0xF" ::: "memory"); }
static inline void cpu_isb(void) { __asm__ volatile("isb 0xF" ::: "memory"); }

#else /* host tests compile drivers against fake registers: no-op stand-ins */
static inline uint32_t irq_save(void) { return 0; }
static inline void irq_restore(uint32_t primask) { (void)primask; }
static inline void cpu_wfe(void) {}
static inline void cpu_wfi(void) {}
static inline void cpu_dsb(void) {}
static inline void cpu_isb(void) {}
#endif

__attribute__((noreturn)) static inline void system_reset(void) {
    cpu_dsb();
    SCB_AIRCR = SCB_AIRCR_VECTKEY | SCB_AIRCR_SYSRESETREQ;
    cpu_dsb();
    for (;;) {
    }
}

#endif
