/* The portable advertising radio core (radio.h): advertising queue, scan hopping, PDU building and parsing. */
#include "radio.h"

#include <string.h>

typedef struct advert {
    int32_t handle; /* 0: free slot */
    uint8_t pdu[RADIO_PDU_MAX];
    uint8_t pdu_len;
    uint32_t remaining;
    uint32_t interval_ms;
    uint32_t due_ms;
    radio_done_fn on_done;
    void *ctx;
} advert_t;

static struct {
    const radio_backend_t *be;
    uint8_t addr[6];
    advert_t adverts[RADIO_MAX_ADVERTS];
    int32_t next_handle;
    radio_receiver_fn receiver;
    void *receiver_ctx;
    uint8_t channel; /* scanning channel, 0: not scanning */
    uint32_t hop_ms;
    radio_stats_t stats;
} R;

static int due(uint32_t now, uint32_t t) { return (int32_t)(now - t) >= 0; }

uint8_t radio_channel_frequency(uint8_t channel) {
    if (channel == 37) return 2;
    if (channel == 38) return 26;
    if (channel == 39) return 80;
    if (channel <= 10) return (uint8_t)(4 + 2 * channel);
    if (channel <= 36) return (uint8_t)(28 + 2 * (channel - 11));
    return 0xFF;
}

size_t radio_build_adv_pdu(const uint8_t adv_address[6], uint8_t ad_type, const uint8_t *data, size_t len,
                           uint8_t out[RADIO_PDU_MAX]) {
    if (len > RADIO_MAX_AD_DATA || (len && !data)) return 0;
    out[0] = RADIO_PDU_ADV_NONCONN_IND | RADIO_PDU_TXADD;
    out[1] = (uint8_t)(6 + 2 + len);
    memcpy(out + 2, adv_address, 6);
    out[8] = (uint8_t)(len + 1);
    out[9] = ad_type;
    if (len) memcpy(out + 10, data, len);
    return 10 + len;
}

int radio_parse_adv_pdu(const uint8_t *pdu, size_t len, radio_ad_fn fn, void *ctx) {
    if (!pdu || len < 8) return -1;
    if ((pdu[0] & 0x0Fu) != RADIO_PDU_ADV_NONCONN_IND) return -1;
    size_t plen = pdu[1];
    if (plen < 6 || plen > 37 || plen + 2 > len) return -1;
    const uint8_t *ad = pdu + 8, *end = pdu + 2 + plen;
    int n = 0;
    while (ad < end) {
        uint8_t l = ad[0];
        if (l == 0) break; /* early termination of AdvData (Core Vol 3 Part C 11) */
        if ((size_t)(end - ad) < (size_t)l + 1) return n ? n : -1; /* truncated AD structure: not trusted */
        uint8_t type = ad[1];
        if (type >= 0x29 && type <= 0x2B) {
            if (fn) fn(type, ad + 2, (uint8_t)(l - 1), ctx);
            n++;
        }
        ad += l + 1;
    }
    return n;
}

int radio_init(const radio_backend_t *backend, const uint8_t adv_address[6]) {
    if (!backend || !adv_address) return RADIO_ERR_ARG;
    memset(&R, 0, sizeof R);
    R.be = backend;
    memcpy(R.addr, adv_address, 6);
    R.next_handle = 1;
    return 0;
}

int32_t radio_advertise(uint8_t ad_type, const uint8_t *data, size_t len, uint32_t count, uint32_t interval_ms,
                        radio_done_fn on_done, void *ctx) {
    if (!R.be) return RADIO_ERR_STATE;
    if (count == 0 || len > RADIO_MAX_AD_DATA || (len && !data)) return RADIO_ERR_ARG;
    for (int i = 0; i < RADIO_MAX_ADVERTS; i++) {
        advert_t *a = &R.adverts[i];
        if (a->handle) continue;
        a->pdu_len = (uint8_t)radio_build_adv_pdu(R.addr, ad_type, data, len, a->pdu);
        a->remaining = count;
        a->interval_ms = interval_ms;
        a->due_ms = R.be->now_ms(); /* the first event goes out at once */
        a->on_done = on_done;
        a->ctx = ctx;
        a->handle = R.next_handle;
        R.next_handle = R.next_handle == INT32_MAX ? 1 : R.next_handle + 1;
        return a->handle;
    }
    return RADIO_ERR_FULL;
}

int radio_cancel(int32_t handle) {
    if (handle <= 0) return RADIO_ERR_HANDLE;
    for (int i = 0; i < RADIO_MAX_ADVERTS; i++) {
        if (R.adverts[i].handle == handle) {
            R.adverts[i].handle = 0;
            return 0;
        }
    }
    return RADIO_ERR_HANDLE;
}

void radio_set_receiver(radio_receiver_fn receiver, void *ctx) {
    R.receiver = receiver;
    R.receiver_ctx = ctx;
    if (!R.be) return;
    if (receiver && !R.channel) {
        R.channel = 37;
        R.hop_ms = R.be->now_ms() + RADIO_SCAN_WINDOW_MS;
        R.be->rx_channel(R.channel);
    } else if (!receiver && R.channel) {
        R.channel = 0;
        R.be->rx_channel(0);
    }
}

typedef struct deliver_ctx {
    int8_t rssi;
    uint32_t now;
    const uint8_t *adva;
} deliver_ctx_t;

static void deliver(uint8_t type, const uint8_t *data, uint8_t len, void *vctx) {
    deliver_ctx_t *d = (deliver_ctx_t *)vctx;
    if (!R.receiver) return;
    radio_packet_t p;
    p.ad_type = type;
    p.len = len;
    p.data = data;
    p.rssi = d->rssi;
    p.time_ms = d->now;
    p.adv_address = d->adva;
    R.stats.rx_delivered++;
    R.receiver(&p, R.receiver_ctx);
}

static advert_t *next_due(uint32_t now) {
    advert_t *best = NULL;
    for (int i = 0; i < RADIO_MAX_ADVERTS; i++) {
        advert_t *a = &R.adverts[i];
        if (!a->handle || !due(now, a->due_ms)) continue;
        if (!best || (int32_t)(a->due_ms - best->due_ms) < 0) best = a;
    }
    return best;
}

void radio_poll(void) {
    if (!R.be) return;
    uint8_t pdu[RADIO_PDU_MAX + 2];
    int8_t rssi = 0;
    size_t n;
    /* Received PDUs (a bounded number per poll, so advertising keeps its turn). */
    for (int k = 0; k < 8 && (n = R.be->rx_poll(pdu, sizeof pdu, &rssi)) > 0; k++) {
        R.stats.rx_pdus++;
        deliver_ctx_t d = {rssi, R.be->now_ms(), pdu + 2};
        if (radio_parse_adv_pdu(pdu, n, deliver, &d) < 0) R.stats.rx_malformed++;
    }
    /* Due advertising events. */
    uint32_t now = R.be->now_ms();
    advert_t *a;
    while ((a = next_due(now)) != NULL) {
        if (R.channel) R.be->rx_channel(0);
        R.be->tx_event(a->pdu, a->pdu_len);
        R.stats.tx_events++;
        if (R.channel) R.be->rx_channel(R.channel);
        now = R.be->now_ms();
        if (--a->remaining == 0) {
            radio_done_fn done = a->on_done;
            void *ctx = a->ctx;
            a->handle = 0;
            if (done) done(ctx);
        } else {
            a->due_ms = now + a->interval_ms + R.be->random32() % (RADIO_ADV_DELAY_MAX_MS + 1u);
        }
    }
    /* Scan channel hopping. */
    if (R.channel && due(now, R.hop_ms)) {
        R.channel = R.channel == 39 ? 37 : (uint8_t)(R.channel + 1);
        R.hop_ms = now + RADIO_SCAN_WINDOW_MS;
        R.be->rx_channel(R.channel);
    }
}

int radio_next_deadline(uint32_t *ms) {
    if (!R.be) return 0;
    uint32_t now = R.be->now_ms();
    int have = 0;
    uint32_t best = 0;
    for (int i = 0; i < RADIO_MAX_ADVERTS; i++) {
        advert_t *a = &R.adverts[i];
        if (!a->handle) continue;
        uint32_t d = due(now, a->due_ms) ? 0 : a->due_ms - now;
        if (!have || d < best) best = d;
        have = 1;
    }
    if (R.channel) {
        uint32_t d = due(now, R.hop_ms) ? 0 : R.hop_ms - now;
        if (!have || d < best) best = d;
        have = 1;
    }
    if (have) *ms = best;
    return have;
}

void radio_get_stats(radio_stats_t *out) { *out = R.stats; }
