/* CLOCK: HFXO for the radio, LFCLK (LFXO or LFRC) for the RTC. */
#include "drivers.h"
#include "regs/clock.h"

void clock_hfxo_start(void) {
    if ((CLOCK_HFCLKSTAT & (CLOCK_HFCLKSTAT_SRC_XTAL | CLOCK_HFCLKSTAT_STATE_RUNNING)) ==
        (CLOCK_HFCLKSTAT_SRC_XTAL | CLOCK_HFCLKSTAT_STATE_RUNNING))
        return;
    CLOCK_EVENTS_HFCLKSTARTED = NRF_EVENT_CLEAR;
    CLOCK_TASKS_HFCLKSTART = NRF_TASK_TRIGGER;
    while (CLOCK_EVENTS_HFCLKSTARTED == 0) {
    }
    CLOCK_EVENTS_HFCLKSTARTED = NRF_EVENT_CLEAR;
}

void clock_hfxo_stop(void) { CLOCK_TASKS_HFCLKSTOP = NRF_TASK_TRIGGER; }

static int lfclk_try(uint32_t src, uint32_t spins) {
    CLOCK_TASKS_LFCLKSTOP = NRF_TASK_TRIGGER;
    while (CLOCK_LFCLKSTAT & CLOCK_LFCLKSTAT_STATE_RUNNING) {
    }
    CLOCK_LFCLKSRC = src;
    CLOCK_EVENTS_LFCLKSTARTED = NRF_EVENT_CLEAR;
    CLOCK_TASKS_LFCLKSTART = NRF_TASK_TRIGGER;
    while (CLOCK_EVENTS_LFCLKSTARTED == 0) {
        if (spins-- == 0) return 0;
    }
    CLOCK_EVENTS_LFCLKSTARTED = NRF_EVENT_CLEAR;
    return (CLOCK_LFCLKSTAT & CLOCK_LFCLKSTAT_SRC_MASK) == src;
}

int clock_lfclk_start(int prefer_xtal) {
    /* LFXO start-up is typically 0.25 s, at most ~1 s (PS "32.768 kHz crystal oscillator"): at 64 MHz a spin
     * of the loop above is a few cycles, so 20 000 000 spins is more than a second. */
    if (prefer_xtal && lfclk_try(CLOCK_LFCLKSRC_XTAL, 20000000u)) return 1;
    lfclk_try(CLOCK_LFCLKSRC_RC, 0xFFFFFFFFu);
    return 0;
}
