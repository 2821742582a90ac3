/* RNG with bias correction (DERCEN), polled. */
#include "drivers.h"
#include "regs/rng.h"

void rng_init(void) {
    RNG_CONFIG = RNG_CONFIG_DERCEN;
    RNG_SHORTS = 0;
    RNG_INTENCLR = 1u;
}

void rng_fill(uint8_t *out, size_t len) {
    RNG_EVENTS_VALRDY = NRF_EVENT_CLEAR;
    RNG_TASKS_START = NRF_TASK_TRIGGER;
    for (size_t i = 0; i < len; i++) {
        while (RNG_EVENTS_VALRDY == 0) {
        }
        RNG_EVENTS_VALRDY = NRF_EVENT_CLEAR;
        out[i] = (uint8_t)RNG_VALUE;
    }
    RNG_TASKS_STOP = NRF_TASK_TRIGGER;
}
