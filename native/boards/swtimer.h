/* Software one-shot timers on one hardware deadline: a list sorted by deadline (portable, host-tested). */
#ifndef MESHPROV_SWTIMER_H
#define MESHPROV_SWTIMER_H

#include <stdint.h>

#include "hal.h"

/* Arm t (re-arming moves it) to fire at deadline (ms). */
void swtimer_start(hal_timer_t **head, hal_timer_t *t, uint64_t deadline, void (*callback)(void *), void *ctx);
void swtimer_stop(hal_timer_t **head, hal_timer_t *t);
/* 1 and *deadline = the earliest deadline when a timer is armed, else 0. */
int swtimer_next(const hal_timer_t *head, uint64_t *deadline);
/* Fire (in deadline order) every timer whose deadline <= now. Callbacks may start or stop timers. Returns count. */
unsigned swtimer_run(hal_timer_t **head, uint64_t now);

#endif
