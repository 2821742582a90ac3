/*
 * The twin's radio: the client side of the simulated air hub's wire protocol (docs/air-protocol.md, version 1)
 * over CMSDK UART1, which QEMU connects to the hub's TCP port (-serial tcp:127.0.0.1:PORT as the second serial).
 * It implements the C radio API (native/nrf52/radio.h) on top of the hub's messages:
 *
 *   radio_advertise  -> ADVERTISE(id, adType, count, intervalMs, data)   (the hub schedules events, advDelay)
 *   radio_cancel     -> CANCEL(id)
 *   radio_set_receiver -> SCAN(1/0)
 *   RX(time, rssi, channel, adType, data) -> the receiver; ADV_DONE(id, time) -> on_done
 *
 * Virtual mode: the hub's time is the twin's clock (WELCOME, TIME, RX, ADV_DONE are wakes); when idle the twin
 * sends WAIT_UNTIL(next timer, wakes handled) and sleeps until the next message (section 3).
 * Real mode: the clock is SysTick plus the hub's time at WELCOME; WAIT_UNTIL is not sent.
 * Without --air (no hub), advertisements complete on local timers and nothing is received.
 *
 * Bad input from the hub (a malformed frame, an unknown type) ends the twin with a log line and exit status 5:
 * the hub only sends what the protocol allows, so this means a broken link.
 */
#include <string.h>

#include "../boards/hal.h"
#include "../nrf52/radio.h"
#include "../nrf52/regs/armv7m.h"
#include "mps2.h"
#include "semihost.h"
#include "twin.h"

enum {
    MSG_HELLO = 0x01,
    MSG_ADVERTISE = 0x02,
    MSG_CANCEL = 0x03,
    MSG_SCAN = 0x04,
    MSG_WAIT_UNTIL = 0x05,
    MSG_BYE = 0x06,
    MSG_WELCOME = 0x81,
    MSG_ADV_DONE = 0x82,
    MSG_RX = 0x83,
    MSG_TIME = 0x84,
    MSG_ERROR = 0x85,
    MSG_HUB_BYE = 0x86
};

#define MAX_FRAME 515
#define RING 2048u
#define COUNT_MAX 65535u

/* ---------------------------------------------------------------- UART1 receive ring (filled by the IRQ) */

static volatile uint8_t ring[RING];
static volatile uint32_t ring_head, ring_tail; /* head: written by the IRQ; tail: read by the main loop */

static uint32_t ring_used(void) { return ring_head - ring_tail; }

void UART1RX_IRQHandler(void) {
    UART_INTSTATUS(MPS2_UART1_BASE) = UART_INT_RX;
    while (UART_STATE(MPS2_UART1_BASE) & UART_STATE_RXFULL) {
        if (ring_used() >= RING) {
            /* Full: leave the byte in the UART (QEMU then holds the socket) until the main loop drains. */
            UART_CTRL(MPS2_UART1_BASE) &= ~UART_CTRL_RXINTEN;
            return;
        }
        ring[ring_head % RING] = (uint8_t)UART_DATA(MPS2_UART1_BASE);
        ring_head++;
    }
}

static uint8_t ring_peek(uint32_t i) { return ring[(ring_tail + i) % RING]; }

static void ring_take(uint8_t *out, uint32_t n) {
    for (uint32_t i = 0; i < n; i++) out[i] = ring_peek(i);
    ring_tail += n;
    UART_CTRL(MPS2_UART1_BASE) |= UART_CTRL_RXINTEN;
}

static void uart1_send(const uint8_t *b, uint32_t n) {
    for (uint32_t i = 0; i < n; i++) {
        while (UART_STATE(MPS2_UART1_BASE) & UART_STATE_TXFULL) {
        }
        UART_DATA(MPS2_UART1_BASE) = b[i];
    }
}

/* ---------------------------------------------------------------- encoding */

static void put_u16(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static void put_u32(uint8_t *p, uint32_t v) {
    put_u16(p, v >> 16);
    put_u16(p + 2, v);
}
static uint32_t get_u32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static void put_f64(uint8_t *p, double d) {
    uint64_t u;
    memcpy(&u, &d, 8);
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(u >> (56 - 8 * i));
}
static double get_f64(const uint8_t *p) {
    uint64_t u = 0;
    for (int i = 0; i < 8; i++) u = (u << 8) | p[i];
    double d;
    memcpy(&d, &u, 8);
    return d;
}
/* Hub times (ms, doubles) <-> the twin's microseconds. */
static uint64_t ms_to_us(double ms) { return ms <= 0 ? 0 : (uint64_t)(ms * 1000.0 + 0.5); }
static double us_to_ms(uint64_t us) { return (double)us / 1000.0; }

static void send_frame(uint8_t type, const uint8_t *body, uint32_t len) {
    uint8_t hdr[3];
    put_u16(hdr, len + 1);
    hdr[2] = type;
    uart1_send(hdr, 3);
    uart1_send(body, len);
}

/* ---------------------------------------------------------------- state */

typedef struct advert {
    int32_t handle; /* 0: free; also the wire id */
    uint8_t ad_type, len;
    uint8_t data[RADIO_MAX_AD_DATA];
    uint32_t remaining; /* events not yet asked of the hub */
    uint32_t interval_ms;
    radio_done_fn on_done;
    void *ctx;
    hal_timer_t timer; /* offline mode */
} advert_t;

static struct {
    int connected, is_virtual;
    uint32_t wakes;           /* wake messages handled */
    uint32_t sent_wakes;      /* in the last WAIT_UNTIL */
    uint64_t sent_next;       /* in the last WAIT_UNTIL */
    int sent_any;
    uint8_t addr[6];
    advert_t adverts[RADIO_MAX_ADVERTS];
    int32_t next_handle;
    radio_receiver_fn receiver;
    void *receiver_ctx;
    radio_stats_t stats;
} A;

int air_connected(void) { return A.connected; }
int air_is_virtual(void) { return A.is_virtual; }

static void fail(const char *why) {
    hal_log("air: %s\n", why);
    sh_exit(5);
}

/* ---------------------------------------------------------------- radio API */

int radio_init(const radio_backend_t *backend, const uint8_t adv_address[6]) {
    (void)backend;
    if (!adv_address) return RADIO_ERR_ARG;
    memcpy(A.addr, adv_address, 6);
    if (!A.next_handle) A.next_handle = 1;
    return 0;
}

static void send_advertise(advert_t *a) {
    uint8_t body[16 + RADIO_MAX_AD_DATA];
    uint32_t count = a->remaining > COUNT_MAX ? COUNT_MAX : a->remaining;
    a->remaining -= count;
    put_u32(body, (uint32_t)a->handle);
    body[4] = a->ad_type;
    put_u16(body + 5, count);
    put_f64(body + 7, (double)a->interval_ms);
    body[15] = a->len;
    memcpy(body + 16, a->data, a->len);
    send_frame(MSG_ADVERTISE, body, 16u + a->len);
}

static void finish(advert_t *a) {
    radio_done_fn done = a->on_done;
    void *ctx = a->ctx;
    a->handle = 0;
    if (done) done(ctx);
}

static void offline_event(void *ctx) {
    advert_t *a = (advert_t *)ctx;
    if (!a->handle) return;
    A.stats.tx_events++;
    if (--a->remaining == 0) {
        finish(a);
        return;
    }
    hal_timer_start(&a->timer, a->interval_ms + hal_random32() % (RADIO_ADV_DELAY_MAX_MS + 1u), offline_event, a);
}

int32_t radio_advertise(uint8_t ad_type, const uint8_t *data, size_t len, uint32_t count, uint32_t interval_ms,
                        radio_done_fn on_done, void *ctx) {
    if (!A.next_handle) return RADIO_ERR_STATE;
    if (count == 0 || len > RADIO_MAX_AD_DATA || (len && !data)) return RADIO_ERR_ARG;
    for (int i = 0; i < RADIO_MAX_ADVERTS; i++) {
        advert_t *a = &A.adverts[i];
        if (a->handle) continue;
        a->handle = A.next_handle;
        A.next_handle = A.next_handle == INT32_MAX ? 1 : A.next_handle + 1;
        a->ad_type = ad_type;
        a->len = (uint8_t)len;
        if (len) memcpy(a->data, data, len);
        a->remaining = count;
        a->interval_ms = interval_ms;
        a->on_done = on_done;
        a->ctx = ctx;
        if (A.connected) send_advertise(a);
        else hal_timer_start(&a->timer, hal_random32() % (RADIO_ADV_DELAY_MAX_MS + 1u), offline_event, a);
        return a->handle;
    }
    return RADIO_ERR_FULL;
}

int radio_cancel(int32_t handle) {
    for (int i = 0; handle > 0 && i < RADIO_MAX_ADVERTS; i++) {
        advert_t *a = &A.adverts[i];
        if (a->handle != handle) continue;
        if (A.connected) {
            uint8_t body[4];
            put_u32(body, (uint32_t)handle);
            send_frame(MSG_CANCEL, body, 4);
        } else {
            hal_timer_stop(&a->timer);
        }
        a->handle = 0;
        return 0;
    }
    return RADIO_ERR_HANDLE;
}

void radio_set_receiver(radio_receiver_fn receiver, void *ctx) {
    int was = A.receiver != NULL;
    A.receiver = receiver;
    A.receiver_ctx = ctx;
    if (A.connected && was != (receiver != NULL)) {
        uint8_t on = receiver != NULL;
        send_frame(MSG_SCAN, &on, 1);
    }
}

void radio_poll(void) { air_process(); }

int radio_next_deadline(uint32_t *ms) {
    (void)ms;
    return 0; /* the hub (or the local timers) drive everything */
}

void radio_get_stats(radio_stats_t *out) { *out = A.stats; }

/* ---------------------------------------------------------------- receiving */

/* A wake at hub time t: run the timers due up to t, move the clock to t (virtual mode). */
static void wake_at(double t) {
    if (A.is_virtual) {
        uint64_t us = ms_to_us(t);
        twin_run_timers_until(us);
        twin_set_now_us(us);
    }
}

static void handle(uint8_t type, const uint8_t *b, uint32_t n) {
    switch (type) {
    case MSG_TIME:
        if (n != 8) fail("malformed TIME");
        wake_at(get_f64(b));
        A.wakes++;
        break;
    case MSG_RX: {
        if (n < 12 || n != 12u + b[11] || b[11] > RADIO_MAX_AD_DATA) fail("malformed RX");
        double t = get_f64(b);
        wake_at(t);
        A.stats.rx_pdus++;
        if (A.receiver && b[10] >= 0x29 && b[10] <= 0x2B) {
            radio_packet_t p;
            p.ad_type = b[10];
            p.len = b[11];
            p.data = b + 12;
            p.rssi = (int8_t)b[8];
            p.time_ms = (uint32_t)(ms_to_us(t) / 1000u);
            p.adv_address = NULL; /* the hub does not tell */
            A.stats.rx_delivered++;
            A.receiver(&p, A.receiver_ctx);
        }
        if (A.is_virtual) twin_run_timers_until(twin_now_us()); /* timers set with 0 delay */
        A.wakes++;
        break;
    }
    case MSG_ADV_DONE: {
        if (n != 12) fail("malformed ADV_DONE");
        wake_at(get_f64(b + 4));
        int32_t id = (int32_t)get_u32(b);
        for (int i = 0; i < RADIO_MAX_ADVERTS; i++) {
            advert_t *a = &A.adverts[i];
            if (!a->handle || a->handle != id) continue;
            A.stats.tx_events++;
            if (a->remaining) send_advertise(a); /* more than 65535 events asked: the next batch */
            else finish(a);
            break;
        }
        if (A.is_virtual) twin_run_timers_until(twin_now_us());
        A.wakes++;
        break;
    }
    case MSG_ERROR: {
        char msg[80];
        uint32_t l = n >= 2 ? b[1] : 0;
        if (l > sizeof msg - 1 || l + 2 > n) l = 0;
        memcpy(msg, b + 2, l);
        msg[l] = 0;
        hal_log("air: hub error %u: %s\n", n ? b[0] : 0u, msg);
        sh_exit(5);
    }
    case MSG_HUB_BYE:
        hal_log("air: the hub closed\n");
        sh_exit(0);
    default:
        fail("unexpected message from the hub");
    }
}

/* Take one complete frame out of the ring; 1 when one was taken. */
static int next_frame(uint8_t *type, uint8_t *body, uint32_t *len) {
    if (ring_used() < 3) return 0;
    uint32_t l = ((uint32_t)ring_peek(0) << 8) | ring_peek(1);
    if (l < 1 || l > 513) fail("bad frame length from the hub");
    if (ring_used() < 2 + l) return 0;
    uint8_t hdr[3];
    ring_take(hdr, 3);
    *type = hdr[2];
    *len = l - 1;
    ring_take(body, *len);
    return 1;
}

void air_process(void) {
    static uint8_t body[MAX_FRAME];
    uint8_t type;
    uint32_t len;
    if (!A.connected) return;
    while (next_frame(&type, body, &len)) handle(type, body, len);
}

void air_uart_irq(void) { UART1RX_IRQHandler(); }

void air_idle(uint64_t next_us) {
    if (!A.connected) return;
    if (A.is_virtual) {
        if (ring_used() >= 3) return; /* more to handle first */
        if (!A.sent_any || A.sent_wakes != A.wakes || A.sent_next != next_us) {
            uint8_t body[12];
            double next = next_us == TWIN_NEVER ? 0 : us_to_ms(next_us);
            put_f64(body, next);
            if (next_us == TWIN_NEVER) {
                static const uint8_t inf[8] = {0x7F, 0xF0, 0, 0, 0, 0, 0, 0};
                memcpy(body, inf, 8);
            }
            put_u32(body + 8, A.wakes);
            send_frame(MSG_WAIT_UNTIL, body, 12);
            A.sent_any = 1;
            A.sent_wakes = A.wakes;
            A.sent_next = next_us;
        }
    } else if (next_us <= twin_now_us()) {
        return;
    }
    /* Sleep until UART1 (or SysTick) interrupts. */
    uint32_t key = irq_save();
    if (ring_used() < 3) cpu_wfi();
    irq_restore(key);
}

int air_connect(const char *name, const uint8_t address[6]) {
    uint8_t body[25 + 64], type;
    static uint8_t reply[MAX_FRAME];
    uint32_t n = (uint32_t)strlen(name), len;
    if (n < 1 || n > 64) return -1;
    body[0] = 1;    /* version */
    body[1] = 0x01; /* address given */
    for (int i = 0; i < 6; i++) body[2 + i] = address[5 - i]; /* most significant byte first */
    put_f64(body + 8, 0);                                     /* scan interval: hub default */
    put_f64(body + 16, 0);                                    /* scan window: = interval */
    body[24] = (uint8_t)n;
    memcpy(body + 25, name, n);
    nvic_set_priority(MPS2_UART1_RX_IRQn, 2);
    nvic_enable(MPS2_UART1_RX_IRQn);
    UART_CTRL(MPS2_UART1_BASE) |= UART_CTRL_RXINTEN;
    send_frame(MSG_HELLO, body, 25u + n);
    for (;;) {
        uint32_t key = irq_save();
        if (ring_used() < 3) cpu_wfi();
        irq_restore(key);
        if (next_frame(&type, reply, &len)) break;
    }
    if (type == MSG_ERROR) {
        A.connected = 1;
        handle(type, reply, len);
    }
    if (type != MSG_WELCOME || len != 16 || reply[0] != 1) return -1;
    A.connected = 1;
    A.is_virtual = reply[1] == 0;
    A.wakes = 1;
    uint64_t now = ms_to_us(get_f64(reply + 2));
    if (A.is_virtual) {
        twin_set_now_us(now);
        SYST_CSR = 0; /* the hub's time is the clock now: no need for SysTick wake-ups */
    } else twin_set_now_us(now > twin_systick_us() ? now - twin_systick_us() : 0);
    if (!A.next_handle) A.next_handle = 1;
    hal_log("air: connected to the hub (%s mode) as %s at %lu ms\n", A.is_virtual ? "virtual" : "real", name,
            (unsigned long)(now / 1000u));
    return 0;
}
