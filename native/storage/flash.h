/*
 * Flash abstraction for the record store: NOR flash semantics.
 *
 *   - erase_page sets every byte of one page to 0xFF;
 *   - program_word can only clear bits (the result is old & value) and is used at most once per word
 *     between two erases (the nRF52840 NVMC allows two writes per word; the store needs one);
 *   - read copies bytes out (on the nRF52840 flash is memory-mapped, so it is a memcpy).
 *
 * Addresses are byte addresses in the backend's own address space (on the nRF52840 the CPU address of the
 * flash; in the RAM simulation an offset into the simulated array). program_word needs a 4-aligned address.
 *
 * Backends: flash_nrf52.c (NVMC), flash_ram.c (RAM simulation with power-loss injection, for host tests and
 * the Cortex-M4 twin).
 */
#ifndef MESHPROV_FLASH_H
#define MESHPROV_FLASH_H

#include <stdint.h>

/* Backend results: 0 is success, anything else is a failure (the store maps it to STORE_ERR_FLASH). */
#define FLASH_OK 0
#define FLASH_ERR_ADDR (-1)     /* address outside the device, or misaligned */
#define FLASH_ERR_POWER (-2)    /* (simulation) power was lost: nothing more is written until "reboot" */
#define FLASH_ERR_VERIFY (-3)   /* the word read back differs from what was programmed */

typedef struct flash_dev {
    uint32_t page_size; /* bytes; a multiple of 4 */
    int (*erase_page)(void *ctx, uint32_t page_addr);
    int (*program_word)(void *ctx, uint32_t addr, uint32_t value);
    int (*read)(void *ctx, uint32_t addr, void *out, uint32_t len);
    void *ctx;
} flash_dev_t;

#endif
