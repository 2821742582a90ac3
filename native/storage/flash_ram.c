/* Flash simulated in RAM with power-loss injection (flash_ram.h). */
#include "flash_ram.h"

#include <string.h>

static uint32_t rnd(flash_ram_t *f) {
    uint32_t x = f->rng ? f->rng : 0x9E3779B9u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    f->rng = x;
    return x;
}

static uint32_t get32(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void set32(uint8_t *p, uint32_t w) {
    p[0] = (uint8_t)w;
    p[1] = (uint8_t)(w >> 8);
    p[2] = (uint8_t)(w >> 16);
    p[3] = (uint8_t)(w >> 24);
}

/* 1 when this operation is the one the power is lost in (it then happens partly). */
static int cut_now(flash_ram_t *f) {
    long n = f->ops++;
    if (f->cut_at >= 0 && n == f->cut_at) {
        f->dead = 1;
        return 1;
    }
    return 0;
}

static int fr_erase(void *ctx, uint32_t addr) {
    flash_ram_t *f = (flash_ram_t *)ctx;
    if (f->dead) return FLASH_ERR_POWER;
    if (addr < f->base || (addr - f->base) % f->page_size || addr - f->base >= f->size) return FLASH_ERR_ADDR;
    uint32_t off = addr - f->base;
    int partial = cut_now(f);
    int full = partial && rnd(f) % 4u == 0; /* one time in four it completed just before the cut */
    f->erases++;
    for (uint32_t i = 0; i < f->page_size; i += 4) {
        uint8_t *p = f->mem + off + i;
        if (!partial || full) {
            set32(p, 0xFFFFFFFFu);
        } else {
            uint32_t how = rnd(f) % 3u;
            if (how == 1) set32(p, 0xFFFFFFFFu);
            else if (how == 2) set32(p, get32(p) | rnd(f));
        }
        if (f->writes && (!partial || full)) f->writes[(off + i) / 4] = 0;
    }
    if (f->on_change) f->on_change(f->hook_ctx, off, f->page_size);
    return partial ? FLASH_ERR_POWER : FLASH_OK;
}

static int fr_program(void *ctx, uint32_t addr, uint32_t value) {
    flash_ram_t *f = (flash_ram_t *)ctx;
    if (f->dead) return FLASH_ERR_POWER;
    if (addr < f->base || (addr - f->base) % 4u || addr - f->base >= f->size) return FLASH_ERR_ADDR;
    uint32_t off = addr - f->base;
    int partial = cut_now(f);
    f->programs++;
    uint8_t *p = f->mem + off;
    uint32_t old = get32(p);
    uint32_t clear = old & ~value; /* bits this program turns to 0 */
    if (partial && rnd(f) % 4u != 0) clear &= rnd(f); /* one time in four it completed just before the cut */
    set32(p, old & ~clear);
    if (f->writes) {
        uint8_t *w = &f->writes[off / 4];
        if (*w < 255) (*w)++;
        if (*w > f->max_writes_per_word) f->max_writes_per_word = *w;
    }
    if (f->on_change) f->on_change(f->hook_ctx, off, 4);
    return partial ? FLASH_ERR_POWER : FLASH_OK;
}

static int fr_read(void *ctx, uint32_t addr, void *out, uint32_t len) {
    flash_ram_t *f = (flash_ram_t *)ctx;
    if (addr < f->base || addr - f->base > f->size || len > f->size - (addr - f->base)) return FLASH_ERR_ADDR;
    memcpy(out, f->mem + (addr - f->base), len);
    return FLASH_OK;
}

void flash_ram_init(flash_ram_t *f, uint8_t *mem, uint8_t *writes, uint32_t size, uint32_t base, uint32_t page_size,
                    int erase_all) {
    memset(f, 0, sizeof *f);
    f->mem = mem;
    f->writes = writes;
    f->size = size;
    f->base = base;
    f->page_size = page_size;
    f->cut_at = -1;
    f->rng = 0x12345679u;
    if (erase_all) memset(mem, 0xFF, size);
    if (writes) memset(writes, 0, size / 4);
}

flash_dev_t flash_ram_dev(flash_ram_t *f) {
    flash_dev_t d;
    d.page_size = f->page_size;
    d.erase_page = fr_erase;
    d.program_word = fr_program;
    d.read = fr_read;
    d.ctx = f;
    return d;
}

void flash_ram_reboot(flash_ram_t *f) {
    f->dead = 0;
    f->cut_at = -1;
    f->ops = 0;
}
