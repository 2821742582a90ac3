/* The portable client of the simulated air hub (air_client.h, docs/air-protocol.md). */
#include "air_client.h"

#include <string.h>

enum {
    MSG_HELLO = 0x01,
    MSG_ADVERTISE = 0x02,
    MSG_CANCEL = 0x03,
    MSG_SCAN = 0x04,
    MSG_WAIT_UNTIL = 0x05,
    MSG_BYE = 0x06,
    MSG_MARK = 0x07,
    MSG_WELCOME = 0x81,
    MSG_ADV_DONE = 0x82,
    MSG_RX = 0x83,
    MSG_TIME = 0x84,
    MSG_ERROR = 0x85,
    MSG_HUB_BYE = 0x86
};

#define COUNT_MAX 65535u
#define RX_BUFFER (2u * (2u + AIR_FRAME_MAX))
#define NEVER 1e300

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
/* Finite (a hub time): not NaN, not an infinity. */
static int finite(double d) { return d == d && d < NEVER && d > -NEVER; }

size_t air_frame_encode(uint8_t type, const uint8_t *body, size_t len, uint8_t *out) {
    put_u16(out, (uint32_t)len + 1u);
    out[2] = type;
    if (len) memcpy(out + 3, body, len);
    return 3 + len;
}

/* ---------------------------------------------------------------- state */

typedef struct advert {
    int32_t handle; /* 0: free; also the wire id */
    uint8_t ad_type, len;
    uint8_t data[RADIO_MAX_AD_DATA];
    uint32_t remaining; /* events not yet asked of the hub (offline: not yet sent) */
    uint32_t interval_ms;
    radio_done_fn on_done;
    void *ctx;
} advert_t;

static struct {
    air_client_io_t io;
    int have_io;
    air_state_t state;
    int is_virtual;
    double welcome_time;
    uint8_t hub_address[6];
    uint32_t wakes;      /* wake messages handled */
    uint32_t sent_wakes; /* in the last WAIT_UNTIL */
    double sent_next;    /* in the last WAIT_UNTIL */
    int sent_any;
    int processing;
    int result;          /* sticky result once closed or failed */
    char error[96];
    uint8_t addr[6];
    int initialised;
    advert_t adverts[RADIO_MAX_ADVERTS];
    int32_t next_handle;
    radio_receiver_fn receiver;
    void *receiver_ctx;
    radio_stats_t stats;
    uint8_t rx[RX_BUFFER];
    size_t rx_len;
} A;

static void set_error(const char *a, const char *b) {
    size_t n = 0;
    A.error[0] = 0;
    for (const char *s = a; s && *s && n < sizeof A.error - 1; s++) A.error[n++] = *s;
    for (const char *s = b; s && *s && n < sizeof A.error - 1; s++) A.error[n++] = *s;
    A.error[n] = 0;
}

static int fail(int result, const char *why, const char *detail) {
    if (A.state != AIR_STATE_FAILED && A.state != AIR_STATE_CLOSED) {
        set_error(why, detail);
        A.state = result == AIR_CLOSED ? AIR_STATE_CLOSED : AIR_STATE_FAILED;
        A.result = result;
    }
    return A.result;
}

static int live(void) { return A.state == AIR_STATE_HELLO || A.state == AIR_STATE_CONNECTED; }

static void send_frame(uint8_t type, const uint8_t *body, uint32_t len) {
    uint8_t frame[3 + 25 + AIR_NAME_MAX];
    if (!live() || !A.have_io || 3u + len > sizeof frame) return;
    size_t n = air_frame_encode(type, body, len, frame);
    if (A.io.send(A.io.ctx, frame, n) != 0) fail(AIR_ERR_LINK, "the link to the hub broke (send)", "");
}

static void need_io(void) {
    if (A.have_io) return;
    const air_client_io_t *io = air_platform_io();
    if (io) {
        A.io = *io;
        A.have_io = 1;
    }
}

void air_client_setup(const air_client_io_t *io) {
    if (io) {
        A.io = *io;
        A.have_io = 1;
    }
}

air_state_t air_client_state(void) { return A.state; }
int air_client_is_virtual(void) { return A.state == AIR_STATE_CONNECTED && A.is_virtual; }
double air_client_welcome_time(void) { return A.welcome_time; }
void air_client_address(uint8_t out[6]) { memcpy(out, A.hub_address, 6); }
uint32_t air_client_wakes(void) { return A.wakes; }
const char *air_client_error(void) { return A.error; }

/* ---------------------------------------------------------------- radio API (radio.h) */

int radio_init(const radio_backend_t *backend, const uint8_t adv_address[6]) {
    (void)backend; /* the hub is the PHY */
    if (!adv_address) return RADIO_ERR_ARG;
    need_io();
    memcpy(A.addr, adv_address, 6);
    if (!A.next_handle) A.next_handle = 1;
    A.initialised = 1;
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

static uint32_t adv_delay(void) {
    return A.have_io && A.io.random32 ? A.io.random32(A.io.ctx) % (RADIO_ADV_DELAY_MAX_MS + 1u) : 0u;
}

void air_client_offline_event(int slot) {
    if (slot < 0 || slot >= RADIO_MAX_ADVERTS) return;
    advert_t *a = &A.adverts[slot];
    if (!a->handle || A.state == AIR_STATE_CONNECTED) return;
    A.stats.tx_events++;
    if (--a->remaining == 0) {
        finish(a);
        return;
    }
    if (A.have_io && A.io.offline_start) A.io.offline_start(A.io.ctx, slot, a->interval_ms + adv_delay());
}

int32_t radio_advertise(uint8_t ad_type, const uint8_t *data, size_t len, uint32_t count, uint32_t interval_ms,
                        radio_done_fn on_done, void *ctx) {
    if (!A.initialised) return RADIO_ERR_STATE;
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
        if (A.state == AIR_STATE_CONNECTED) send_advertise(a);
        else if (A.have_io && A.io.offline_start) A.io.offline_start(A.io.ctx, i, adv_delay());
        /* (closed or failed: it never completes, as on a radio that stopped) */
        return a->handle;
    }
    return RADIO_ERR_FULL;
}

int radio_cancel(int32_t handle) {
    for (int i = 0; handle > 0 && i < RADIO_MAX_ADVERTS; i++) {
        advert_t *a = &A.adverts[i];
        if (a->handle != handle) continue;
        if (A.state == AIR_STATE_CONNECTED) {
            uint8_t body[4];
            put_u32(body, (uint32_t)handle);
            send_frame(MSG_CANCEL, body, 4);
        } else if (A.have_io && A.io.offline_stop) {
            A.io.offline_stop(A.io.ctx, i);
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
    if (A.state == AIR_STATE_CONNECTED && was != (receiver != NULL)) {
        uint8_t on = receiver != NULL;
        send_frame(MSG_SCAN, &on, 1);
    }
}

void radio_poll(void) { (void)air_client_process(); }

int radio_next_deadline(uint32_t *ms) {
    (void)ms;
    return 0; /* the hub (or the platform's timers, offline) drive everything */
}

void radio_get_stats(radio_stats_t *out) { *out = A.stats; }

/* ---------------------------------------------------------------- connecting */

int air_client_connect(const char *name, const uint8_t address[6]) {
    uint8_t body[25 + AIR_NAME_MAX];
    size_t n = name ? strlen(name) : 0;
    if (n < 1 || n > AIR_NAME_MAX) return AIR_ERR_ARG;
    need_io();
    if (!A.have_io || !A.io.send || !A.io.recv) return AIR_ERR_ARG;
    body[0] = AIR_PROTOCOL_VERSION;
    body[1] = address ? 0x01 : 0x00; /* address given */
    for (int i = 0; i < 6; i++) body[2 + i] = address ? address[5 - i] : 0; /* most significant byte first */
    put_f64(body + 8, 0);  /* scan interval: the hub's default */
    put_f64(body + 16, 0); /* scan window: = interval */
    body[24] = (uint8_t)n;
    memcpy(body + 25, name, n);
    A.rx_len = 0;
    A.wakes = 0;
    A.sent_any = 0;
    A.error[0] = 0;
    A.result = AIR_OK;
    A.state = AIR_STATE_HELLO;
    send_frame(MSG_HELLO, body, 25u + (uint32_t)n);
    return A.state == AIR_STATE_HELLO ? AIR_OK : A.result;
}

void air_client_bye(void) {
    if (A.state == AIR_STATE_CONNECTED) send_frame(MSG_BYE, NULL, 0);
    if (live()) {
        A.state = AIR_STATE_CLOSED;
        A.result = AIR_CLOSED;
        set_error("closed by this client", "");
    }
}

/* ---------------------------------------------------------------- receiving */

/* A wake at hub time t (virtual mode): the timers due until t run, the clock moves to t. */
static void wake_at(double t) {
    if (A.is_virtual && A.io.advance) A.io.advance(A.io.ctx, t);
}

static void run_due(void) {
    if (A.is_virtual && A.io.run_due) A.io.run_due(A.io.ctx);
}

static int handle_welcome(const uint8_t *b, uint32_t n) {
    if (n != 16 || b[0] != AIR_PROTOCOL_VERSION || b[1] > 1 || !finite(get_f64(b + 2)))
        return fail(AIR_ERR_PROTOCOL, "malformed WELCOME from the hub", "");
    A.is_virtual = b[1] == 0;
    A.welcome_time = get_f64(b + 2);
    memcpy(A.hub_address, b + 10, 6);
    A.state = AIR_STATE_CONNECTED;
    A.wakes = 1; /* the platform sets its clock from air_client_welcome_time() */
    return AIR_OK;
}

static int handle_error(const uint8_t *b, uint32_t n) {
    char msg[80], code[8];
    uint32_t l = n >= 2 ? b[1] : 0;
    if (l > sizeof msg - 1 || l + 2 > n) l = 0;
    memcpy(msg, b + 2, l);
    msg[l] = 0;
    unsigned c = n ? b[0] : 0u;
    code[0] = (char)('0' + (c / 100) % 10);
    code[1] = (char)('0' + (c / 10) % 10);
    code[2] = (char)('0' + c % 10);
    code[3] = ':';
    code[4] = ' ';
    code[5] = 0;
    {
        const char *p = code;
        while (*p == '0' && p[1] != ':') p++;
        set_error("hub error ", p);
    }
    size_t k = strlen(A.error);
    for (uint32_t i = 0; i < l && k < sizeof A.error - 1; i++) A.error[k++] = msg[i];
    A.error[k] = 0;
    A.state = AIR_STATE_FAILED;
    A.result = AIR_ERR_HUB;
    return A.result;
}

static int handle(uint8_t type, const uint8_t *b, uint32_t n) {
    if (A.state == AIR_STATE_HELLO) {
        if (type == MSG_WELCOME) return handle_welcome(b, n);
        if (type == MSG_ERROR) return handle_error(b, n);
        return fail(AIR_ERR_PROTOCOL, "the hub did not answer HELLO with WELCOME", "");
    }
    switch (type) {
    case MSG_TIME: {
        if (n != 8 || !finite(get_f64(b))) return fail(AIR_ERR_PROTOCOL, "malformed TIME from the hub", "");
        if (!A.is_virtual) return fail(AIR_ERR_PROTOCOL, "TIME from a hub in real mode", "");
        wake_at(get_f64(b));
        A.wakes++;
        return AIR_OK;
    }
    case MSG_RX: {
        if (n < 12 || b[11] > RADIO_MAX_AD_DATA || n != 12u + b[11] || !finite(get_f64(b)) || b[9] < 37 || b[9] > 39)
            return fail(AIR_ERR_PROTOCOL, "malformed RX from the hub", "");
        double t = get_f64(b);
        wake_at(t);
        A.stats.rx_pdus++;
        if (A.receiver && b[10] >= 0x29 && b[10] <= 0x2B) {
            radio_packet_t p;
            p.ad_type = b[10];
            p.len = b[11];
            p.data = b + 12;
            p.rssi = (int8_t)b[8];
            p.time_ms = t <= 0 ? 0u : (uint32_t)(uint64_t)t;
            p.adv_address = NULL; /* the hub does not tell */
            A.stats.rx_delivered++;
            A.receiver(&p, A.receiver_ctx);
        }
        run_due();
        A.wakes++;
        return AIR_OK;
    }
    case MSG_ADV_DONE: {
        if (n != 12 || !finite(get_f64(b + 4))) return fail(AIR_ERR_PROTOCOL, "malformed ADV_DONE from the hub", "");
        wake_at(get_f64(b + 4));
        int32_t id = (int32_t)get_u32(b);
        for (int i = 0; id > 0 && i < RADIO_MAX_ADVERTS; i++) {
            advert_t *a = &A.adverts[i];
            if (a->handle != id) continue;
            A.stats.tx_events++;
            if (a->remaining) send_advertise(a); /* more than 65535 events asked: the next batch */
            else finish(a);
            break;
        }
        /* an unknown id: cancelled meanwhile (docs/air-protocol.md 2.3), ignored */
        run_due();
        A.wakes++;
        return AIR_OK;
    }
    case MSG_ERROR:
        return handle_error(b, n);
    case MSG_HUB_BYE:
        if (n != 0) return fail(AIR_ERR_PROTOCOL, "malformed BYE from the hub", "");
        return fail(AIR_CLOSED, "the hub closed", "");
    case MSG_WELCOME:
        return fail(AIR_ERR_PROTOCOL, "a second WELCOME from the hub", "");
    default:
        return fail(AIR_ERR_PROTOCOL, "unexpected message from the hub", "");
    }
}

int air_client_process(void) {
    int result = AIR_OK;
    if (!live()) return A.state == AIR_STATE_OFFLINE ? AIR_OK : A.result;
    if (A.processing) return AIR_OK;
    A.processing = 1;
    for (;;) {
        /* take what the transport has */
        if (A.rx_len < sizeof A.rx) {
            int got = A.io.recv(A.io.ctx, A.rx + A.rx_len, sizeof A.rx - A.rx_len);
            if (got < 0) {
                result = fail(AIR_ERR_LINK, "the link to the hub closed without BYE", "");
                break;
            }
            A.rx_len += (size_t)got;
        }
        if (A.rx_len < 3) break;
        uint32_t l = ((uint32_t)A.rx[0] << 8) | A.rx[1];
        if (l < 1 || l > AIR_FRAME_MAX) {
            result = fail(AIR_ERR_PROTOCOL, "bad frame length from the hub", "");
            break;
        }
        if (A.rx_len < 2u + l) {
            if (A.rx_len == sizeof A.rx) break; /* cannot happen: the buffer holds two largest frames */
            /* a partial frame: read more (if nothing more came, we are done for now) */
            size_t before = A.rx_len;
            int got = A.io.recv(A.io.ctx, A.rx + A.rx_len, sizeof A.rx - A.rx_len);
            if (got < 0) {
                result = fail(AIR_ERR_LINK, "the link to the hub closed without BYE", "");
                break;
            }
            A.rx_len += (size_t)got;
            if (A.rx_len == before) break;
            continue;
        }
        uint8_t frame[AIR_FRAME_MAX];
        uint8_t type = A.rx[2];
        uint32_t body = l - 1u;
        memcpy(frame, A.rx + 3, body);
        A.rx_len -= 2u + l;
        memmove(A.rx, A.rx + 2u + l, A.rx_len);
        result = handle(type, frame, body);
        if (result != AIR_OK || !live()) break;
    }
    A.processing = 0;
    if (result == AIR_OK && !live() && A.state != AIR_STATE_OFFLINE) result = A.result;
    return result;
}

void air_client_mark(uint32_t mark) {
    if (A.state != AIR_STATE_CONNECTED || !A.is_virtual) return;
    uint8_t body[4];
    put_u32(body, mark);
    send_frame(MSG_MARK, body, 4);
}

void air_client_idle(double next_ms) {
    if (A.state != AIR_STATE_CONNECTED || !A.is_virtual) return;
    int never = !(next_ms < NEVER);
    if (A.sent_any && A.sent_wakes == A.wakes && ((never && A.sent_next >= NEVER) || (!never && A.sent_next == next_ms)))
        return;
    uint8_t body[12];
    if (never) {
        static const uint8_t inf[8] = {0x7F, 0xF0, 0, 0, 0, 0, 0, 0};
        memcpy(body, inf, 8);
    } else {
        put_f64(body, next_ms);
    }
    put_u32(body + 8, A.wakes);
    send_frame(MSG_WAIT_UNTIL, body, 12);
    A.sent_any = 1;
    A.sent_wakes = A.wakes;
    A.sent_next = never ? NEVER : next_ms;
}
