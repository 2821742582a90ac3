// sources:
/*
 * The RTC1 time base (native/nrf52/rtc.c) on fake registers: the 24-bit COUNTER extended by OVRFLW events
 * (counted by the interrupt, or by the reader when the interrupt has not run yet), ticks -> ms, and the
 * compare alarm (rounded up, at least COUNTER + 2, at most 2^24 - 1 ticks ahead: nRF52840 PS, RTC).
 */
#include <stdint.h>

static uint32_t fake_rtc[1024], fake_other;
static uint8_t fake_byte;
static volatile uint32_t *fake_reg(uintptr_t addr) {
    if (addr >= 0x40011000u && addr < 0x40012000u) return &fake_rtc[(addr - 0x40011000u) / 4];
    return &fake_other;
}
#define NRF_REG(base, offset) (*fake_reg((uintptr_t)(base) + (uintptr_t)(offset)))
#define ARMV7M_REG(addr) (*fake_reg((uintptr_t)(addr)))
#define ARMV7M_REG8(addr) (*((void)(addr), &fake_byte))

#include "../../native/nrf52/rtc.c"
#include "test.h"

#define R(off) fake_rtc[(off) / 4]
#define COUNTER R(0x504)
#define EV_OVRFLW R(0x104)
#define EV_COMPARE0 R(0x140)
#define CC0 R(0x540)

static void test_rtc_init(void) {
    memset(fake_rtc, 0, sizeof fake_rtc);
    R(0x508) = 77;
    rtc_init();
    CHECK_EQ(R(0x508), 0);                        /* PRESCALER 0: 32.768 kHz */
    CHECK_EQ(R(0x000), 1);                        /* TASKS_START */
    CHECK_EQ(R(0x008), 1);                        /* TASKS_CLEAR */
    CHECK_EQ(R(0x304), 1u << 1);                  /* INTENSET OVRFLW */
    CHECK_EQ(R(0x344), (1u << 1) | (1u << 16));   /* EVTENSET OVRFLW, COMPARE0 */
}

static void test_rtc_ticks_extend_across_overflows(void) {
    memset(fake_rtc, 0, sizeof fake_rtc);
    rtc_init();
    COUNTER = 100;
    CHECK_EQ(rtc_ticks(), 100);
    COUNTER = 0xFFFFFF;
    CHECK_EQ(rtc_ticks(), 0xFFFFFF);
    /* The counter wrapped and the interrupt has not run yet: the reader counts the overflow. */
    COUNTER = 5;
    EV_OVRFLW = 1;
    CHECK_EQ(rtc_ticks(), (1ull << 24) + 5);
    CHECK_EQ(EV_OVRFLW, 0);
    COUNTER = 9;
    CHECK_EQ(rtc_ticks(), (1ull << 24) + 9); /* counted once */
    /* The interrupt counts the next one. */
    EV_OVRFLW = 1;
    RTC1_IRQHandler();
    CHECK_EQ(EV_OVRFLW, 0);
    COUNTER = 1;
    CHECK_EQ(rtc_ticks(), (2ull << 24) + 1);
    /* ms: ticks * 1000 / 32768 */
    CHECK_EQ(rtc_ms(), ((2ull << 24) + 1) * 1000 / 32768);
    COUNTER = 32768;
    CHECK_EQ(rtc_ms(), (2ull << 24) * 1000 / 32768 + 1000);
}

static void test_rtc_alarm(void) {
    memset(fake_rtc, 0, sizeof fake_rtc);
    rtc_init();
    COUNTER = 1000;
    rtc_alarm_ms(100); /* 100 ms = 3276.8 ticks: rounded up, never early */
    CHECK_EQ(CC0, 3277);
    CHECK_EQ(R(0x304), 1u << 16); /* INTENSET COMPARE0 */
    rtc_alarm_ms(0); /* in the past: COUNTER + 2 */
    CHECK_EQ(CC0, 1002);
    COUNTER = 0xFFFFFE;
    rtc_alarm_ms(0);
    CHECK_EQ(CC0, 0); /* (0xFFFFFE + 2) mod 2^24 */
    COUNTER = 10;
    rtc_alarm_ms(10ull * 3600 * 1000); /* 10 h ahead: clamped to 2^24 - 1 ticks (fires early, harmless) */
    CHECK_EQ(CC0, (10u + 0xFFFFFFu) & 0xFFFFFFu);
    /* The compare interrupt: flag set, compare interrupt off, event cleared. */
    rtc_alarm_fired = 0;
    EV_COMPARE0 = 1;
    RTC1_IRQHandler();
    CHECK_EQ(rtc_alarm_fired, 1);
    CHECK_EQ(EV_COMPARE0, 0);
    CHECK_EQ(R(0x308), 1u << 16); /* INTENCLR COMPARE0 */
    rtc_alarm_cancel();
    CHECK_EQ(R(0x308), 1u << 16);
}

int main(void) {
    RUN(test_rtc_init);
    RUN(test_rtc_ticks_extend_across_overflows);
    RUN(test_rtc_alarm);
    return test_summary();
}
