/* TIMER (nRF52840 PS). TIMER0..4: pass the base. Used for microsecond busy-waits. */
#ifndef NRF_TIMER_H
#define NRF_TIMER_H
#include "nrf52840.h"

#define TIMER_TASKS_START(b) NRF_REG(b, 0x000)
#define TIMER_TASKS_STOP(b) NRF_REG(b, 0x004)
#define TIMER_TASKS_CLEAR(b) NRF_REG(b, 0x00C)
#define TIMER_TASKS_SHUTDOWN(b) NRF_REG(b, 0x010)
#define TIMER_TASKS_CAPTURE(b, n) NRF_REG(b, 0x040 + 4u * (n))
#define TIMER_EVENTS_COMPARE(b, n) NRF_REG(b, 0x140 + 4u * (n))
#define TIMER_SHORTS(b) NRF_REG(b, 0x200)
#define TIMER_INTENSET(b) NRF_REG(b, 0x304)
#define TIMER_INTENCLR(b) NRF_REG(b, 0x308)
#define TIMER_MODE(b) NRF_REG(b, 0x504)
#define TIMER_BITMODE(b) NRF_REG(b, 0x508)
#define TIMER_PRESCALER(b) NRF_REG(b, 0x510) /* f = 16 MHz / 2^PRESCALER */
#define TIMER_CC(b, n) NRF_REG(b, 0x540 + 4u * (n))

#define TIMER_MODE_TIMER 0u
#define TIMER_BITMODE_32 3u

#endif
