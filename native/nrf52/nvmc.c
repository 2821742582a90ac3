/* NVMC: page erase and word write, each waiting for READY. The CPU stalls while it runs from flash. */
#include "drivers.h"
#include "regs/armv7m.h"
#include "regs/nvmc.h"

static void wait_ready(void) {
    while ((NVMC_READY & NVMC_READY_READY) == 0) {
    }
}

void nvmc_erase_page(uint32_t page_addr) {
    wait_ready();
    NVMC_CONFIG = NVMC_CONFIG_EEN;
    wait_ready();
    NVMC_ERASEPAGE = page_addr;
    wait_ready();
    NVMC_CONFIG = NVMC_CONFIG_REN;
    wait_ready();
}

void nvmc_write_word(uint32_t addr, uint32_t value) {
    wait_ready();
    NVMC_CONFIG = NVMC_CONFIG_WEN;
    wait_ready();
    *(volatile uint32_t *)(uintptr_t)addr = value;
    cpu_dsb();
    wait_ready();
    NVMC_CONFIG = NVMC_CONFIG_REN;
    wait_ready();
}
