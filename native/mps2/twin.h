/* Internal interface between the twin's HAL (hal_mps2.c) and its air link (air_uart.c). */
#ifndef MPS2_TWIN_H
#define MPS2_TWIN_H

#include <stdint.h>

#define TWIN_NEVER UINT64_MAX

/* Clock, in microseconds. */
uint64_t twin_now_us(void);
/* Virtual mode: the hub's time moves the clock (never backwards). */
void twin_set_now_us(uint64_t us);
/* Run the timers due at or before `us`, one deadline at a time, the clock standing at each timer's deadline
 * (docs/air-protocol.md section 3, client rules 2 and 3). */
void twin_run_timers_until(uint64_t us);
/* The earliest timer deadline (TWIN_NEVER when none). */
uint64_t twin_next_timer_us(void);
/* The local clock (SysTick) in microseconds. */
uint64_t twin_systick_us(void);

/* The air link: connect (HELLO, wait for WELCOME), process what arrived, wait for the hub. */
int air_connect(const char *name, const uint8_t address[6]);
int air_connected(void);
int air_is_virtual(void);
void air_process(void);
/* Idle: virtual mode sends WAIT_UNTIL(next) and sleeps until the hub's next message; else sleeps (WFI). */
void air_idle(uint64_t next_deadline_us);
void air_uart_irq(void);

/* UART0 log output */
void twin_log_write(const char *s, unsigned len);

#endif
