/*
 * RTC1 as the system time base: 32.768 kHz (PRESCALER 0), 24-bit COUNTER extended to 64 bits by counting
 * OVRFLW events (every 512 s), CC[0] for the next timer deadline. The main loop sleeps (WFE) between events.
 */
#include "drivers.h"
#include "regs/armv7m.h"
#include "regs/rtc.h"

#define RTC NRF_RTC1_BASE

static volatile uint32_t overflows;
volatile int rtc_alarm_fired;

void rtc_init(void) {
    RTC_TASKS_STOP(RTC) = NRF_TASK_TRIGGER;
    RTC_PRESCALER(RTC) = 0;
    RTC_TASKS_CLEAR(RTC) = NRF_TASK_TRIGGER;
    RTC_EVENTS_OVRFLW(RTC) = NRF_EVENT_CLEAR;
    RTC_EVENTS_COMPARE(RTC, 0) = NRF_EVENT_CLEAR;
    overflows = 0;
    RTC_EVTENSET(RTC) = RTC_INT_OVRFLW | RTC_INT_COMPARE(0);
    RTC_INTENSET(RTC) = RTC_INT_OVRFLW;
    nvic_set_priority(RTC1_IRQn, 6);
    nvic_clear_pending(RTC1_IRQn);
    nvic_enable(RTC1_IRQn);
    RTC_TASKS_START(RTC) = NRF_TASK_TRIGGER;
}

uint64_t rtc_ticks(void) {
    uint32_t key = irq_save();
    uint32_t counter = RTC_COUNTER(RTC);
    if (RTC_EVENTS_OVRFLW(RTC)) {
        /* An overflow the interrupt has not handled yet: count it here (interrupts are off). */
        RTC_EVENTS_OVRFLW(RTC) = NRF_EVENT_CLEAR;
        (void)RTC_EVENTS_OVRFLW(RTC);
        overflows++;
        counter = RTC_COUNTER(RTC);
    }
    uint64_t t = ((uint64_t)overflows << 24) | counter;
    irq_restore(key);
    return t;
}

uint64_t rtc_ms(void) { return (rtc_ticks() * 1000u) >> 15; }

void rtc_alarm_ms(uint64_t ms) {
    uint64_t ticks = (ms << 15) / 1000u + 1u; /* round up: never early */
    uint32_t key = irq_save();
    uint64_t now = rtc_ticks();
    /* The compare needs COUNTER + 2 or later (PS "RTC: COMPARE"); further than 2^24 ticks fires early, which
     * only makes the main loop look again. */
    if (ticks < now + 2u) ticks = now + 2u;
    if (ticks - now >= RTC_COUNTER_MASK) ticks = now + RTC_COUNTER_MASK;
    RTC_EVENTS_COMPARE(RTC, 0) = NRF_EVENT_CLEAR;
    RTC_CC(RTC, 0) = (uint32_t)ticks & RTC_COUNTER_MASK;
    RTC_INTENSET(RTC) = RTC_INT_COMPARE(0);
    irq_restore(key);
}

void rtc_alarm_cancel(void) {
    RTC_INTENCLR(RTC) = RTC_INT_COMPARE(0);
    RTC_EVENTS_COMPARE(RTC, 0) = NRF_EVENT_CLEAR;
}

void RTC1_IRQHandler(void) {
    if (RTC_EVENTS_OVRFLW(RTC)) {
        RTC_EVENTS_OVRFLW(RTC) = NRF_EVENT_CLEAR;
        overflows++;
    }
    if (RTC_EVENTS_COMPARE(RTC, 0)) {
        RTC_EVENTS_COMPARE(RTC, 0) = NRF_EVENT_CLEAR;
        RTC_INTENCLR(RTC) = RTC_INT_COMPARE(0);
        rtc_alarm_fired = 1;
    }
    /* Read back so the event clear has taken effect before the interrupt returns (else it re-enters). */
    (void)RTC_EVENTS_COMPARE(RTC, 0);
}
