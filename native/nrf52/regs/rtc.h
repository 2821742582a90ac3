/* RTC — Real-time counter (nRF52840 PS). One header for RTC0/1/2: pass the instance base. 24-bit COUNTER. */
#ifndef NRF_RTC_H
#define NRF_RTC_H
#include "nrf52840.h"

#define RTC_TASKS_START(b) NRF_REG(b, 0x000)
#define RTC_TASKS_STOP(b) NRF_REG(b, 0x004)
#define RTC_TASKS_CLEAR(b) NRF_REG(b, 0x008)
#define RTC_TASKS_TRIGOVRFLW(b) NRF_REG(b, 0x00C)
#define RTC_EVENTS_TICK(b) NRF_REG(b, 0x100)
#define RTC_EVENTS_OVRFLW(b) NRF_REG(b, 0x104)
#define RTC_EVENTS_COMPARE(b, n) NRF_REG(b, 0x140 + 4u * (n))
#define RTC_INTENSET(b) NRF_REG(b, 0x304)
#define RTC_INTENCLR(b) NRF_REG(b, 0x308)
#define RTC_EVTEN(b) NRF_REG(b, 0x340)
#define RTC_EVTENSET(b) NRF_REG(b, 0x344)
#define RTC_EVTENCLR(b) NRF_REG(b, 0x348)
#define RTC_COUNTER(b) NRF_REG(b, 0x504)
#define RTC_PRESCALER(b) NRF_REG(b, 0x508) /* 12 bits: f = 32768 / (PRESCALER + 1) */
#define RTC_CC(b, n) NRF_REG(b, 0x540 + 4u * (n))

#define RTC_INT_TICK (1u << 0)
#define RTC_INT_OVRFLW (1u << 1)
#define RTC_INT_COMPARE(n) (1u << (16 + (n)))
#define RTC_COUNTER_MASK 0x00FFFFFFu

#endif
