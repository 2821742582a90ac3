/*
 * Flash simulated in RAM, with NOR semantics and power-loss injection.
 *
 * Used by the host tests (host-tests/firmware/) and by the Cortex-M4 twin (native/mps2/), where an on_change
 * hook writes every change through to a host file so the "flash" survives a restart.
 *
 * Power-loss injection: with cut_at >= 0, the operation number cut_at (counting every program_word and
 * erase_page since the last flash_ram_reboot) is performed only partly and the power is then "lost": that
 * operation and every later one return FLASH_ERR_POWER until flash_ram_reboot().
 *   - an interrupted program_word clears a random subset of the bits it was to clear (old & partial), or,
 *     one time in four, all of them (the power went just after the write completed);
 *   - an interrupted erase_page leaves every word of the page either unchanged, erased, or with a random
 *     subset of its bits set to 1, or, one time in four, the whole page erased.
 * The simulation also counts programs per word since the last erase (the nRF52840 allows 2).
 */
#ifndef MESHPROV_FLASH_RAM_H
#define MESHPROV_FLASH_RAM_H

#include <stdint.h>

#include "flash.h"

typedef struct flash_ram {
    uint8_t *mem;          /* size bytes */
    uint8_t *writes;       /* optional: size/4 counters of programs per word since erase, or NULL */
    uint32_t size;
    uint32_t base;         /* address of mem[0] in the flash_dev_t address space */
    uint32_t page_size;
    long ops;              /* operations since the last reboot */
    long cut_at;           /* -1: no power loss */
    int dead;              /* power lost */
    uint32_t rng;          /* xorshift32 state for partial effects (never 0) */
    uint32_t max_writes_per_word; /* highest count seen */
    uint32_t erases, programs;    /* totals */
    void (*on_change)(void *hook_ctx, uint32_t offset, uint32_t len); /* optional write-through hook */
    void *hook_ctx;
} flash_ram_t;

/* mem (size bytes, a multiple of page_size) becomes the flash, initially all erased (0xFF) if erase_all. */
void flash_ram_init(flash_ram_t *f, uint8_t *mem, uint8_t *writes, uint32_t size, uint32_t base, uint32_t page_size,
                    int erase_all);
flash_dev_t flash_ram_dev(flash_ram_t *f);
/* Power comes back: no more cut (cut_at = -1), operation count restarts at 0. */
void flash_ram_reboot(flash_ram_t *f);

#endif
