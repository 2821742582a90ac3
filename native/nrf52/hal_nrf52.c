/* hal.h on the nRF52840: RTC1 time and timers, GPIO LEDs/buttons, UARTE0 log, RNG, FICR identity, NVMC store. */
#include <stdarg.h>

#include "../boards/board.h"
#include "../boards/fmt.h"
#include "../boards/hal.h"
#include "../boards/ident.h"
#include "../boards/swtimer.h"
#include "drivers.h"
#include "radio.h"
#include "regs/armv7m.h"
#include "regs/nrf52840.h"
#include "regs/uarte.h"

extern const flash_dev_t flash_nrf52;
extern uint32_t __storage_start;

static const uint32_t led_pins[BOARD_LED_COUNT] = BOARD_LED_PINS;
static const uint32_t button_pins[BOARD_BUTTON_COUNT] = BOARD_BUTTON_PINS;
static hal_timer_t *timers;

void hal_init(void) {
    clock_hfxo_start(); /* the radio needs the crystal; the UARTE baud rate is better with it too */
    clock_lfclk_start(BOARD_HAS_LFXO);
    rtc_init();
    rng_init();
    for (unsigned i = 0; i < BOARD_LED_COUNT; i++) gpio_output(led_pins[i], BOARD_LED_ACTIVE_LOW);
    for (unsigned i = 0; i < BOARD_BUTTON_COUNT; i++) gpio_input_pullup(button_pins[i]);
#ifndef HAL_LOG_OFF /* the DK's modem: UARTE0 on the VCOM is the modem's serial port (native/nrf52/uarte_serial.c) */
    uarte_init(NRF_UARTE0_BASE, BOARD_UART_TX, BOARD_UART_RX, UARTE_BAUD_115200);
#endif
    SCB_SCR |= SCB_SCR_SEVONPEND; /* a pending (even disabled) interrupt wakes WFE: used for RADIO END */
}

uint64_t hal_now_ms64(void) { return rtc_ms(); }
uint32_t hal_now_ms(void) { return (uint32_t)rtc_ms(); }
uint64_t hal_now_us(void) { return (rtc_ticks() * 1000000u) >> 15; }

void hal_timer_start(hal_timer_t *t, uint32_t delay_ms, void (*callback)(void *ctx), void *ctx) {
    swtimer_start(&timers, t, rtc_ms() + delay_ms, callback, ctx);
}

void hal_timer_stop(hal_timer_t *t) { swtimer_stop(&timers, t); }

void hal_poll(void) {
    rtc_alarm_fired = 0;
    swtimer_run(&timers, rtc_ms());
    radio_poll();
}

void hal_idle(void) {
    uint64_t now = rtc_ms(), deadline = 0;
    int have = swtimer_next(timers, &deadline);
    uint32_t radio_ms;
    if (radio_next_deadline(&radio_ms)) {
        uint64_t r = now + radio_ms;
        if (!have || r < deadline) deadline = r;
        have = 1;
    }
    if (have && deadline <= now) return;
    if (have) rtc_alarm_ms(deadline);
    /* Sleep until an event: the RTC compare, or (SEVONPEND) the RADIO END interrupt becoming pending. */
    cpu_wfe();
}

unsigned hal_led_count(void) { return BOARD_LED_COUNT; }
unsigned hal_led_attention(void) { return BOARD_LED_ATTENTION; }
unsigned hal_led_status(void) { return BOARD_LED_STATUS; }

void hal_led_set(unsigned index, int on) {
    if (index < BOARD_LED_COUNT) gpio_write(led_pins[index], BOARD_LED_ACTIVE_LOW ? !on : on);
}

unsigned hal_button_count(void) { return BOARD_BUTTON_COUNT; }

int hal_button_pressed(unsigned index) {
    if (index >= BOARD_BUTTON_COUNT) return 0;
    int level = gpio_read(button_pins[index]);
    return BOARD_BUTTON_ACTIVE_LOW ? !level : level;
}

void hal_log_write(const char *text, size_t len) {
#ifdef HAL_LOG_OFF
    (void)text;
    (void)len;
#else
    uarte_write(NRF_UARTE0_BASE, text, len);
#endif
}

void hal_log(const char *fmt, ...) {
    char buf[160];
    va_list ap;
    va_start(ap, fmt);
    size_t n = fmt_vformat(buf, sizeof buf, fmt, ap);
    va_end(ap);
    hal_log_write(buf, n < sizeof buf ? n : sizeof buf - 1);
}

void hal_random(uint8_t *out, size_t len) { rng_fill(out, len); }

uint32_t hal_random32(void) {
    uint8_t b[4];
    rng_fill(b, 4);
    return (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) | ((uint32_t)b[3] << 24);
}

void hal_device_uuid(uint8_t uuid[16]) {
    uint32_t id[2], addr[2];
    ficr_device_id(id);
    ficr_device_addr(addr);
    ident_uuid(id, addr, uuid);
}

void hal_device_address(uint8_t out[6]) {
    uint32_t addr[2];
    ficr_device_addr(addr);
    ident_static_address(addr, out);
}

const flash_dev_t *hal_storage_flash(uint32_t *base) {
    *base = (uint32_t)(uintptr_t)&__storage_start;
    return &flash_nrf52;
}

const char *hal_board_name(void) { return BOARD_NAME; }

char **hal_app_args(int *argc) {
    *argc = 0;
    return 0;
}

/* nRF52840 PS v1.7, 4.5 UICR: CUSTOMER[n] at 0x080 + 4n, n = 0..31, reserved for the customer (the factory record) */
const uint8_t *hal_factory_area(size_t *len) {
    *len = 32u * 4u;
    return (const uint8_t *)(uintptr_t)(NRF_UICR_BASE + 0x080u);
}

void hal_reset(void) { system_reset(); }

/* The radio backend for the application: the nRF52840 RADIO. */
const radio_backend_t *hal_radio_backend(void) { return nrf_radio_backend(hal_now_ms, hal_random32); }
