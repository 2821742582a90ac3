/*
 * hal.h on the Cortex-M4 twin (qemu-system-arm -M mps2-an386):
 *   - time: SysTick at 1 kHz (25 MHz processor clock); with the air hub in virtual mode, the hub's time;
 *   - log: CMSDK UART0; LEDs: the FPGA I/O LED register, and a log line on change;
 *   - storage: the two store pages at the end of the 1 MB "flash" (SSRAM1), a flash_ram simulation, written
 *     through to a host file by semihosting (--flash=PATH), so a restart finds them again;
 *   - identity: made-up FICR values derived from the twin's name (--name=NAME, default "twin");
 *   - random: xorshift seeded from the name (deterministic runs; the twin is a test device, not a secure one);
 *   - command line (semihosting): --flash=PATH --name=NAME --air (connect UART1 to the air hub)
 *     --exit-after-ms=N (exit with status 0 at that time); the words after a lone "--" are the application's
 *     (hal_app_args; the modem's; the device firmware entry reads none);
 *   - factory area: 128 bytes at 0x00100000 (SSRAM1, after the 1 MB flash; zero unless a test loads a factory
 *     record there: qemu-system-arm -device loader,file=FILE,addr=0x00100000,force-raw=on).
 */
#include <stdarg.h>
#include <string.h>

#include "../boards/fmt.h"
#include "../boards/hal.h"
#include "../boards/ident.h"
#include "../boards/swtimer.h"
#include "../nrf52/regs/armv7m.h"
#include "../storage/flash_ram.h"
#include "mps2.h"
#include "semihost.h"
#include "twin.h"

extern uint32_t __storage_start, __storage_end;

static volatile uint32_t systick_ms;
static hal_timer_t *timers;
static uint64_t clock_us;      /* virtual mode: the hub's time */
static uint64_t exit_after_us = TWIN_NEVER;
static char name[65] = "twin";
static uint32_t rng_state;
static uint8_t led_state;
static flash_ram_t flash;
static flash_dev_t flash_dev;
static int flash_fd = -1;

void SysTick_Handler(void) { systick_ms++; }

uint64_t twin_systick_us(void) {
    uint32_t ms, cvr;
    do {
        ms = systick_ms;
        cvr = SYST_CVR;
    } while (ms != systick_ms);
    uint32_t reload = SYST_RVR + 1u;
    return (uint64_t)ms * 1000u + (uint64_t)(reload - 1u - cvr) * 1000u / reload;
}

uint64_t twin_now_us(void) {
    if (air_connected() && air_is_virtual()) return clock_us;
    return twin_systick_us() + clock_us; /* clock_us: offset (real mode: the hub's time at WELCOME) */
}

void twin_set_now_us(uint64_t us) {
    if (us > clock_us) clock_us = us;
}

uint64_t twin_next_timer_us(void) {
    uint64_t d;
    return swtimer_next(timers, &d) ? d : TWIN_NEVER;
}

void twin_run_timers_until(uint64_t us) {
    uint64_t d;
    while (swtimer_next(timers, &d) && d <= us) {
        if (air_is_virtual()) twin_set_now_us(d);
        swtimer_run(&timers, d);
    }
}

static void uart_init(uint32_t base) {
    UART_BAUDDIV(base) = MPS2_SYSCLK_HZ / 115200u;
    UART_CTRL(base) = UART_CTRL_TXEN | UART_CTRL_RXEN;
}

void twin_log_write(const char *s, unsigned len) {
    for (unsigned i = 0; i < len; i++) {
        while (UART_STATE(MPS2_UART0_BASE) & UART_STATE_TXFULL) {
        }
        UART_DATA(MPS2_UART0_BASE) = (uint8_t)s[i];
    }
}

static void flash_write_through(void *ctx, uint32_t offset, uint32_t len) {
    (void)ctx;
    if (flash_fd < 0) return;
    sh_seek(flash_fd, offset);
    sh_write(flash_fd, flash.mem + offset, len);
}

static void storage_init(const char *path) {
    uint8_t *mem = (uint8_t *)&__storage_start;
    uint32_t size = (uint32_t)((uintptr_t)&__storage_end - (uintptr_t)&__storage_start);
    flash_ram_init(&flash, mem, NULL, size, (uint32_t)(uintptr_t)mem, 4096, 1);
    if (path) {
        flash_fd = sh_open(path, SH_MODE_RPLUSB);
        if (flash_fd >= 0 && sh_flen(flash_fd) == (long)size) {
            sh_read(flash_fd, mem, size);
        } else {
            if (flash_fd >= 0) sh_close(flash_fd);
            flash_fd = sh_open(path, SH_MODE_WPLUSB);
            if (flash_fd >= 0) sh_write(flash_fd, mem, size);
        }
        if (flash_fd < 0) hal_log("twin: cannot open flash file %s: storage is not kept\n", path);
    }
    flash.on_change = flash_write_through;
    flash_dev = flash_ram_dev(&flash);
}

static uint32_t fnv1a(const char *s) {
    uint32_t h = 2166136261u;
    while (*s) {
        h ^= (uint8_t)*s++;
        h *= 16777619u;
    }
    return h;
}

#define APP_ARGS_MAX 8
static char *app_argv[APP_ARGS_MAX + 1];
static int app_argc;

char **hal_app_args(int *argc) {
    *argc = app_argc;
    return app_argv;
}

#define TWIN_FACTORY_ADDR 0x00100000u
#define TWIN_FACTORY_BYTES 128u

const uint8_t *hal_factory_area(size_t *len) {
    *len = TWIN_FACTORY_BYTES;
    return (const uint8_t *)(uintptr_t)TWIN_FACTORY_ADDR;
}

void hal_init(void) {
    static char cmdline[512];
    int app = 0;
    const char *flash_path = NULL;
    int use_air = 0;
    uart_init(MPS2_UART0_BASE);
    SYST_RVR = MPS2_SYSCLK_HZ / 1000u - 1u;
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE;
    if (sh_get_cmdline(cmdline, sizeof cmdline) == 0) {
        for (char *p = cmdline; *p;) {
            while (*p == ' ') *p++ = 0;
            char *arg = p;
            while (*p && *p != ' ') p++;
            if (*p) *p++ = 0;
            if (!*arg) continue;
            if (app) {
                if (app_argc < APP_ARGS_MAX) app_argv[app_argc++] = arg;
            } else if (strcmp(arg, "--") == 0) app = 1;
            else if (strncmp(arg, "--flash=", 8) == 0) flash_path = arg + 8;
            else if (strncmp(arg, "--name=", 7) == 0) {
                strncpy(name, arg + 7, sizeof name - 1);
                name[sizeof name - 1] = 0;
            } else if (strcmp(arg, "--air") == 0) use_air = 1;
            else if (strncmp(arg, "--exit-after-ms=", 16) == 0) {
                uint64_t v = 0;
                for (const char *q = arg + 16; *q >= '0' && *q <= '9'; q++) v = v * 10u + (uint64_t)(*q - '0');
                exit_after_us = v * 1000u;
            }
        }
    }
    rng_state = fnv1a(name) | 1u;
    storage_init(flash_path);
    if (use_air) {
        uint8_t addr[6];
        uart_init(MPS2_UART1_BASE);
        hal_device_address(addr);
        if (air_connect(name, addr) != 0) {
            hal_log("twin: no air hub on UART1\n");
            sh_exit(6);
        }
    }
}

uint64_t hal_now_ms64(void) { return twin_now_us() / 1000u; }
uint32_t hal_now_ms(void) { return (uint32_t)(twin_now_us() / 1000u); }
uint64_t hal_now_us(void) { return twin_now_us(); }

void hal_timer_start(hal_timer_t *t, uint32_t delay_ms, void (*callback)(void *ctx), void *ctx) {
    swtimer_start(&timers, t, twin_now_us() + (uint64_t)delay_ms * 1000u, callback, ctx);
}

void hal_timer_stop(hal_timer_t *t) { swtimer_stop(&timers, t); }

static void check_exit(void) {
    if (twin_now_us() >= exit_after_us) {
        hal_log("twin: exit at %lu ms\n", (unsigned long)hal_now_ms());
        if (flash_fd >= 0) sh_close(flash_fd);
        sh_exit(0);
    }
}

/* A byte left in UART1 while the air link's receive ring was full (its interrupt handler then turns the RX
 * interrupt off): take it now that the main loop has drained the ring. */
static void air_rx_rescue(void) {
    if (!(UART_STATE(MPS2_UART1_BASE) & UART_STATE_RXFULL)) return;
    uint32_t key = irq_save();
    air_uart_irq();
    irq_restore(key);
}

void hal_poll(void) {
    air_rx_rescue();
    air_process();
    if (!(air_connected() && air_is_virtual())) twin_run_timers_until(twin_now_us());
    else twin_run_timers_until(clock_us);
    check_exit();
}

void hal_idle(void) {
    uint64_t next = twin_next_timer_us();
    if (exit_after_us < next) next = exit_after_us;
    if (air_connected()) {
        air_idle(next);
        return;
    }
    if (next <= twin_now_us()) return;
    cpu_wfi(); /* SysTick wakes us every millisecond */
}

unsigned hal_led_count(void) { return 2; }
unsigned hal_led_attention(void) { return 0; }
unsigned hal_led_status(void) { return 1; }

void hal_led_set(unsigned index, int on) {
    if (index >= 2) return;
    uint8_t was = led_state;
    if (on) led_state = (uint8_t)(led_state | (1u << index));
    else led_state = (uint8_t)(led_state & ~(1u << index));
    FPGAIO_LED0 = led_state;
    if (was != led_state && index == 0) hal_log("led%u %s\n", index, on ? "on" : "off");
}

unsigned hal_button_count(void) { return 1; }
/*
 * Button 0: the FPGA I/O button, or a press a test sends: each 'p' received on UART0 (the log's RX, QEMU's
 * stdin with -serial stdio) holds the button down 100 ms, then up 100 ms, in the twin's time, one after the other.
 */
static unsigned presses_pending;
static int press_phase; /* 0 up, 1 down, 2 up after a press */
static uint64_t press_until_us;

int hal_button_pressed(unsigned index) {
    uint64_t now;
    if (index != 0) return 0;
    while (UART_STATE(MPS2_UART0_BASE) & UART_STATE_RXFULL)
        if ((UART_DATA(MPS2_UART0_BASE) & 0xFFu) == 'p') presses_pending++;
    now = twin_now_us();
    if (press_phase == 0 && presses_pending) {
        presses_pending--;
        press_phase = 1;
        press_until_us = now + 100000u;
    } else if (press_phase == 1 && now >= press_until_us) {
        press_phase = 2;
        press_until_us = now + 100000u;
    } else if (press_phase == 2 && now >= press_until_us) {
        press_phase = 0;
    }
    return press_phase == 1 || (FPGAIO_BUTTON & 1u);
}

void hal_log_write(const char *text, size_t len) { twin_log_write(text, (unsigned)len); }

void hal_log(const char *fmt, ...) {
    char buf[160];
    va_list ap;
    va_start(ap, fmt);
    size_t n = fmt_vformat(buf, sizeof buf, fmt, ap);
    va_end(ap);
    hal_log_write(buf, n < sizeof buf ? n : sizeof buf - 1);
}

uint32_t hal_random32(void) {
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    rng_state = x;
    return x;
}

void hal_random(uint8_t *out, size_t len) {
    for (size_t i = 0; i < len; i++) out[i] = (uint8_t)(hal_random32() >> 24);
}

static void twin_ficr(uint32_t id[2], uint32_t addr[2]) {
    uint32_t h = fnv1a(name);
    id[0] = h;
    id[1] = h * 2654435761u ^ 0x5A17u;
    addr[0] = h * 40503u ^ 0xC0FFEEu;
    addr[1] = (h >> 16) | 0xC000u;
}

void hal_device_uuid(uint8_t uuid[16]) {
    uint32_t id[2], addr[2];
    twin_ficr(id, addr);
    ident_uuid(id, addr, uuid);
}

void hal_device_address(uint8_t out[6]) {
    uint32_t id[2], addr[2];
    twin_ficr(id, addr);
    ident_static_address(addr, out);
}

const flash_dev_t *hal_storage_flash(uint32_t *base) {
    *base = flash.base;
    return &flash_dev;
}

const char *hal_board_name(void) { return "mps2-an386 (nRF52840 twin)"; }

const struct radio_backend *hal_radio_backend(void) { return NULL; /* the twin's radio is air_uart.c */ }

void hal_reset(void) {
    if (flash_fd >= 0) sh_close(flash_fd);
    system_reset();
}
