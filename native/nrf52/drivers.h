/*
 * nRF52840 bare-metal drivers: CLOCK, RTC, RNG, FICR, GPIO, UARTE, NVMC. Register definitions are in regs/
 * (written from the nRF52840 Product Specification v1.x). No SoftDevice, no vendor SDK.
 */
#ifndef NRF52_DRIVERS_H
#define NRF52_DRIVERS_H

#include <stddef.h>
#include <stdint.h>

/* ---- CLOCK */
/* Start the 64 MHz crystal oscillator (HFXO), needed by the RADIO; waits for HFCLKSTARTED. */
void clock_hfxo_start(void);
void clock_hfxo_stop(void);
/* Start the 32.768 kHz clock: the crystal (LFXO) when prefer_xtal and it starts within ~1 s, else the RC
 * oscillator (LFRC, +-500 ppm; calibration not done here). Returns the source running: 1 LFXO, 0 LFRC. */
int clock_lfclk_start(int prefer_xtal);

/* ---- RTC1: monotonic time and one compare for the next timer deadline */
#define RTC_HZ 32768u
void rtc_init(void); /* needs the LFCLK running */
uint64_t rtc_ticks(void);         /* 32.768 kHz ticks since rtc_init, overflow-extended to 64 bits */
uint64_t rtc_ms(void);            /* milliseconds since rtc_init */
void rtc_alarm_ms(uint64_t ms);   /* raise the RTC interrupt at (or soon after) this time; sets rtc_alarm_fired */
void rtc_alarm_cancel(void);
extern volatile int rtc_alarm_fired;

/* ---- RNG */
void rng_init(void); /* bias correction (DERCEN) on */
void rng_fill(uint8_t *out, size_t len);

/* ---- FICR */
void ficr_device_id(uint32_t id[2]);
void ficr_device_addr(uint32_t addr[2]);

/* ---- GPIO (pins as NRF_PIN(port, pin)) */
void gpio_output(uint32_t pin, int level);
void gpio_write(uint32_t pin, int level);
void gpio_input_pullup(uint32_t pin);
int gpio_read(uint32_t pin);

/* ---- UARTE (blocking EasyDMA transmit; 8N1, no flow control) */
void uarte_init(uint32_t base, uint32_t tx_pin, uint32_t rx_pin, uint32_t baudrate);
void uarte_write(uint32_t base, const void *data, size_t len);

/* ---- NVMC (all wait for READY) */
void nvmc_erase_page(uint32_t page_addr);
void nvmc_write_word(uint32_t addr, uint32_t value);

#endif
