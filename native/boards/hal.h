/*
 * The hardware abstraction the application (the C smoke app now, the XS platform layer later) is written
 * against. Implemented for the nRF52840 (native/nrf52/hal_nrf52.c) and for the Cortex-M4 twin on
 * qemu-system-arm -M mps2-an386 (native/mps2/hal_mps2.c).
 *
 * Threading model: one main loop. Interrupt handlers only set flags and record data; timer callbacks and
 * radio callbacks run from hal_poll(), never from an interrupt, so application code needs no locking.
 */
#ifndef MESHPROV_HAL_H
#define MESHPROV_HAL_H

#include <stddef.h>
#include <stdint.h>

#include "../storage/flash.h"

/* The entry point the application provides (the XS platform layer: native/xs). Called once after hal_init(). */
void app_main(void);

void hal_init(void);

/* Monotonic milliseconds since boot (wraps after 49.7 days; compare with (int32_t)(a - b)). */
uint32_t hal_now_ms(void);
/* Monotonic milliseconds since boot, 64-bit. */
uint64_t hal_now_ms64(void);
/* Monotonic microseconds since boot (nRF52840: RTC ticks of 30.5 us; twin: SysTick, or the hub's time). */
uint64_t hal_now_us(void);
/* Microseconds as milliseconds (double, the runtime's clock unit), exactly us / 1000.0. A whole number of
 * milliseconds below 2^32 us (the virtual air's times, 71 minutes) takes one hardware UDIV and an int->double
 * conversion instead of the soft-float double division (hundreds of instructions on the Cortex-M4). */
static inline double hal_us_to_ms(uint64_t us) {
    if (us <= UINT32_MAX) {
        uint32_t ms = (uint32_t)us / 1000u;
        if (ms * 1000u == (uint32_t)us) return (double)ms;
    }
    return (double)us / 1000.0;
}

/* One-shot timers. The timer struct belongs to the caller and must stay alive while armed. */
typedef struct hal_timer {
    struct hal_timer *next;
    uint64_t deadline;
    void (*callback)(void *ctx);
    void *ctx;
    int armed;
} hal_timer_t;
void hal_timer_start(hal_timer_t *t, uint32_t delay_ms, void (*callback)(void *ctx), void *ctx);
void hal_timer_stop(hal_timer_t *t);

/* Run expired timers and the radio; then sleep until the next interrupt or deadline when idle. */
void hal_poll(void);
void hal_idle(void);

/* LEDs and buttons (indices into the board's lists). */
unsigned hal_led_count(void);
unsigned hal_led_attention(void); /* the LED that shows the Attention Timer */
unsigned hal_led_status(void);    /* a status (heartbeat) LED */
void hal_led_set(unsigned index, int on);
unsigned hal_button_count(void);
int hal_button_pressed(unsigned index);

/* Log output (UARTE0 on the nRF52840, CMSDK UART0 on the twin). Blocking. */
void hal_log_write(const char *text, size_t len);
void hal_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Hardware random numbers (RNG with bias correction on the nRF52840). */
void hal_random(uint8_t *out, size_t len);
uint32_t hal_random32(void);

/* Identity: the 16-byte Device UUID and the 6-byte static random advertising address (AdvA, LSB first). */
void hal_device_uuid(uint8_t uuid[16]);
void hal_device_address(uint8_t addr[6]);

/* The flash holding the record store (two pages starting at *base). */
const flash_dev_t *hal_storage_flash(uint32_t *base);

/* The radio's PHY for radio_init() (native/nrf52/radio.h): the nRF52840 RADIO, or the twin's air link. */
struct radio_backend;
const struct radio_backend *hal_radio_backend(void);

/* Board name for logs. */
const char *hal_board_name(void);
/* The application's arguments: none on the nRF52840; on the twin, the semihosting command line's words after a
 * lone "--" (the modem firmware's "-- --links N", host-tests/firmware/twin-modem.ts). The device firmware entry
 * reads none: its per-unit values come from the factory area. */
char **hal_app_args(int *argc);
/* The factory area: the per-unit bytes written at production (docs/firmware.md "Factory data"), read in place.
 * nRF52840: the UICR customer registers (UICR.CUSTOMER[0..31], 128 bytes at 0x10001080); the twin: 128 bytes of
 * its factory page at 0x00100000 (after its 1 MB flash; the tests load a record there with QEMU's loader). */
const uint8_t *hal_factory_area(size_t *len);

/* Restart the device. */
void hal_reset(void) __attribute__((noreturn));

#endif
