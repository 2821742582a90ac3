/* Software one-shot timers (swtimer.h). */
#include "swtimer.h"

#include <stddef.h>

void swtimer_stop(hal_timer_t **head, hal_timer_t *t) {
    for (hal_timer_t **p = head; *p; p = &(*p)->next) {
        if (*p == t) {
            *p = t->next;
            break;
        }
    }
    t->next = NULL;
    t->armed = 0;
}

void swtimer_start(hal_timer_t **head, hal_timer_t *t, uint64_t deadline, void (*callback)(void *), void *ctx) {
    if (t->armed) swtimer_stop(head, t);
    t->deadline = deadline;
    t->callback = callback;
    t->ctx = ctx;
    t->armed = 1;
    hal_timer_t **p = head;
    while (*p && (*p)->deadline <= deadline) p = &(*p)->next; /* FIFO among equal deadlines */
    t->next = *p;
    *p = t;
}

int swtimer_next(const hal_timer_t *head, uint64_t *deadline) {
    if (!head) return 0;
    *deadline = head->deadline;
    return 1;
}

unsigned swtimer_run(hal_timer_t **head, uint64_t now) {
    unsigned n = 0;
    while (*head && (*head)->deadline <= now) {
        hal_timer_t *t = *head;
        *head = t->next;
        t->next = NULL;
        t->armed = 0;
        n++;
        if (t->callback) t->callback(t->ctx);
    }
    return n;
}
