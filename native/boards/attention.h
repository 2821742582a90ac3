/*
 * The Attention Timer's visible side (Mesh Protocol 1.1, 4.2.9 Attention Timer; 5.4.2.2 Attention Duration in
 * the Provisioning Invite PDU): while the timer runs, the attention LED blinks at 2 Hz (250 ms on, 250 ms off).
 * Portable: host-tested; the board code drives the LED from attention_led().
 */
#ifndef MESHPROV_ATTENTION_H
#define MESHPROV_ATTENTION_H

#include <stdint.h>

typedef struct attention {
    uint32_t start_ms;
    uint32_t duration_ms; /* 0: off */
} attention_t;

/* Start (seconds > 0) or stop (seconds == 0) the attention timer at time now. */
void attention_set(attention_t *a, uint32_t now, uint8_t seconds);
/* Seconds remaining, rounded up (the value the Attention Timer state reports); 0 when off. */
uint8_t attention_remaining(const attention_t *a, uint32_t now);
/* 1 when the LED should be on at time now. */
int attention_led(const attention_t *a, uint32_t now);
/* Milliseconds until the LED state next changes (or the timer ends); 0 when off. */
uint32_t attention_next_change(const attention_t *a, uint32_t now);

#define ATTENTION_BLINK_HALF_PERIOD_MS 250u

#endif
