/* The record store's flash backend on the nRF52840: the NVMC (native/nrf52/nvmc.c). Flash is memory-mapped. */
#include <string.h>

#include "../nrf52/drivers.h"
#include "../nrf52/regs/nrf52840.h"
#include "flash.h"

static int nrf_erase(void *ctx, uint32_t page_addr) {
    (void)ctx;
    if (page_addr % NRF_FLASH_PAGE || page_addr >= NRF_FLASH_SIZE) return FLASH_ERR_ADDR;
    nvmc_erase_page(page_addr);
    return FLASH_OK;
}

static int nrf_program(void *ctx, uint32_t addr, uint32_t value) {
    (void)ctx;
    if (addr % 4u || addr >= NRF_FLASH_SIZE) return FLASH_ERR_ADDR;
    nvmc_write_word(addr, value); /* the store reads every word back and compares */
    return FLASH_OK;
}

static int nrf_read(void *ctx, uint32_t addr, void *out, uint32_t len) {
    (void)ctx;
    if (addr > NRF_FLASH_SIZE || len > NRF_FLASH_SIZE - addr) return FLASH_ERR_ADDR;
    memcpy(out, (const void *)(uintptr_t)addr, len);
    return FLASH_OK;
}

const flash_dev_t flash_nrf52 = {NRF_FLASH_PAGE, nrf_erase, nrf_program, nrf_read, 0};
