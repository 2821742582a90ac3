/* Attention Timer LED pattern (attention.h). */
#include "attention.h"

void attention_set(attention_t *a, uint32_t now, uint8_t seconds) {
    a->start_ms = now;
    a->duration_ms = (uint32_t)seconds * 1000u;
}

static uint32_t elapsed(const attention_t *a, uint32_t now) { return now - a->start_ms; }

uint8_t attention_remaining(const attention_t *a, uint32_t now) {
    uint32_t e = elapsed(a, now);
    if (a->duration_ms == 0 || e >= a->duration_ms) return 0;
    return (uint8_t)((a->duration_ms - e + 999u) / 1000u);
}

int attention_led(const attention_t *a, uint32_t now) {
    uint32_t e = elapsed(a, now);
    if (a->duration_ms == 0 || e >= a->duration_ms) return 0;
    return (e / ATTENTION_BLINK_HALF_PERIOD_MS) % 2u == 0;
}

uint32_t attention_next_change(const attention_t *a, uint32_t now) {
    uint32_t e = elapsed(a, now);
    if (a->duration_ms == 0 || e >= a->duration_ms) return 0;
    uint32_t to_edge = ATTENTION_BLINK_HALF_PERIOD_MS - e % ATTENTION_BLINK_HALF_PERIOD_MS;
    uint32_t to_end = a->duration_ms - e;
    return to_edge < to_end ? to_edge : to_end;
}
