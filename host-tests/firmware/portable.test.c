// sources: native/nrf52/radio_core.c native/boards/fmt.c native/boards/swtimer.c native/boards/ident.c native/boards/attention.c
/*
 * Host tests of the firmware's portable parts: the radio core (ADV_NONCONN_IND building and parsing, the
 * advertising queue with advDelay, cancel, onDone, scan channel hopping) against a fake PHY, the log formatter
 * (against the C library's snprintf), software timers, identity derivation, and the Attention Timer LED.
 */
#include <stdint.h>
#include <stdio.h>

#include "../../native/boards/attention.h"
#include "../../native/boards/fmt.h"
#include "../../native/boards/ident.h"
#include "../../native/boards/swtimer.h"
#include "../../native/nrf52/radio.h"
#include "test.h"

/* ------------------------------------------------------------------ a fake PHY */

static uint32_t fake_now;
static uint32_t fake_rand_state = 1;
static uint8_t tx_log[64][RADIO_PDU_MAX];
static size_t tx_len[64];
static uint32_t tx_time[64];
static int tx_count;
static uint8_t rx_channel_now, channels_seen[8];
static int channel_switches;
static uint8_t rx_queue[4][64];
static size_t rx_queue_len[4];
static int rx_queue_n;

static void fake_tx(const uint8_t *pdu, size_t len) {
    if (tx_count < 64) {
        memcpy(tx_log[tx_count], pdu, len);
        tx_len[tx_count] = len;
        tx_time[tx_count] = fake_now;
    }
    tx_count++;
    fake_now += 2; /* an event takes about 1.5 ms */
}
static void fake_rx_channel(uint8_t ch) {
    rx_channel_now = ch;
    if (channel_switches < 8) channels_seen[channel_switches] = ch;
    channel_switches++;
}
static size_t fake_rx_poll(uint8_t *pdu, size_t cap, int8_t *rssi) {
    if (!rx_queue_n) return 0;
    size_t n = rx_queue_len[0];
    if (n > cap) n = cap;
    memcpy(pdu, rx_queue[0], n);
    *rssi = -61;
    rx_queue_n--;
    memmove(rx_queue[0], rx_queue[1], sizeof rx_queue[0] * 3);
    memmove(rx_queue_len, rx_queue_len + 1, sizeof rx_queue_len[0] * 3);
    return n;
}
static uint32_t fake_now_ms(void) { return fake_now; }
static uint32_t fake_random32(void) {
    fake_rand_state = fake_rand_state * 1103515245u + 12345u;
    return fake_rand_state >> 4;
}
static const radio_backend_t fake = {fake_tx, fake_rx_channel, fake_rx_poll, fake_now_ms, fake_random32};
static const uint8_t ADDR[6] = {0x11, 0x22, 0x33, 0x44, 0x55, 0xC6};

static void fake_reset(void) {
    fake_now = 1000;
    tx_count = 0;
    channel_switches = 0;
    rx_queue_n = 0;
    rx_channel_now = 0;
    radio_init(&fake, ADDR);
}

static int done_calls;
static void on_done(void *ctx) { done_calls += ctx ? *(int *)ctx : 1; }

/* ------------------------------------------------------------------ radio: PDUs */

static void test_radio_build_adv_nonconn_ind(void) {
    uint8_t pdu[RADIO_PDU_MAX];
    const uint8_t data[3] = {0xA, 0xB, 0xC};
    size_t n = radio_build_adv_pdu(ADDR, 0x29, data, 3, pdu);
    CHECK_EQ(n, 13);
    /* Core Vol 6 Part B 2.3: PDU Type 0010 (ADV_NONCONN_IND), TxAdd (bit 6) = 1 for a random address */
    CHECK_EQ(pdu[0], 0x42);
    CHECK_EQ(pdu[1], 6 + 2 + 3); /* Length: AdvA + AdvData */
    CHECK(memcmp(pdu + 2, ADDR, 6) == 0);
    CHECK_EQ(pdu[8], 4); /* AD length = type + data */
    CHECK_EQ(pdu[9], 0x29);
    CHECK(memcmp(pdu + 10, data, 3) == 0);
    uint8_t max[29];
    memset(max, 0x5A, sizeof max);
    CHECK_EQ(radio_build_adv_pdu(ADDR, 0x2A, max, 29, pdu), 39); /* 31 bytes of AdvData: the legacy maximum */
    CHECK_EQ(pdu[1], 37);
    CHECK_EQ(radio_build_adv_pdu(ADDR, 0x2A, max, 30, pdu), 0);
    CHECK_EQ(radio_build_adv_pdu(ADDR, 0x2A, NULL, 2, pdu), 0);
    CHECK_EQ(radio_build_adv_pdu(ADDR, 0x2B, NULL, 0, pdu), 10);
}

typedef struct seen {
    int n;
    uint8_t types[8], lens[8];
    uint8_t data[8][32];
} seen_t;

static void collect(uint8_t type, const uint8_t *data, uint8_t len, void *ctx) {
    seen_t *s = (seen_t *)ctx;
    if (s->n < 8) {
        s->types[s->n] = type;
        s->lens[s->n] = len;
        memcpy(s->data[s->n], data, len);
    }
    s->n++;
}

static void test_radio_parse_ad_structures(void) {
    seen_t s;
    uint8_t pdu[RADIO_PDU_MAX];
    const uint8_t beacon[19] = {0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 0xA0, 0x40};
    size_t n = radio_build_adv_pdu(ADDR, 0x2B, beacon, sizeof beacon, pdu);
    memset(&s, 0, sizeof s);
    CHECK_EQ(radio_parse_adv_pdu(pdu, n, collect, &s), 1);
    CHECK(s.types[0] == 0x2B && s.lens[0] == 19 && memcmp(s.data[0], beacon, 19) == 0);

    /* Several AD structures: Flags (not Mesh: skipped), PB-ADV, Mesh Message; a zero length ends AdvData. */
    uint8_t multi[] = {0x42, 6 + 3 + 4 + 3 + 1 + 2, 1, 2, 3, 4, 5, 6, 2, 0x01, 0x06, 3, 0x29, 0xAA, 0xBB,
                       2, 0x2A, 0xCC, 0, 2, 0x2B};
    memset(&s, 0, sizeof s);
    CHECK_EQ(radio_parse_adv_pdu(multi, sizeof multi, collect, &s), 2);
    CHECK(s.types[0] == 0x29 && s.lens[0] == 2 && s.data[0][0] == 0xAA && s.data[0][1] == 0xBB);
    CHECK(s.types[1] == 0x2A && s.lens[1] == 1 && s.data[1][0] == 0xCC);

    /* Not an ADV_NONCONN_IND (ADV_IND = 0000, SCAN_RSP = 0100): not delivered. */
    pdu[0] = 0x40;
    CHECK_EQ(radio_parse_adv_pdu(pdu, n, collect, &s), -1);
    pdu[0] = 0x44;
    CHECK_EQ(radio_parse_adv_pdu(pdu, n, collect, &s), -1);
    pdu[0] = 0x42;
    /* Length field beyond the received bytes, or beyond 37, or below AdvA: malformed. */
    CHECK_EQ(radio_parse_adv_pdu(pdu, n - 1, collect, &s), -1);
    pdu[1] = 38;
    CHECK_EQ(radio_parse_adv_pdu(pdu, sizeof pdu, collect, &s), -1);
    pdu[1] = 5;
    CHECK_EQ(radio_parse_adv_pdu(pdu, n, collect, &s), -1);
    CHECK_EQ(radio_parse_adv_pdu(NULL, 10, collect, &s), -1);
    CHECK_EQ(radio_parse_adv_pdu(pdu, 7, collect, &s), -1);
    /* An AD structure running past the end: not trusted. */
    uint8_t trunc[] = {0x42, 6 + 3, 1, 2, 3, 4, 5, 6, 5, 0x29, 0xAA};
    memset(&s, 0, sizeof s);
    CHECK_EQ(radio_parse_adv_pdu(trunc, sizeof trunc, collect, &s), -1);
    CHECK_EQ(s.n, 0);
}

static void test_radio_channel_frequencies(void) {
    /* Core Vol 6 Part A 2: 2402 + 2k MHz; advertising channels at 2402, 2426, 2480 MHz. */
    CHECK_EQ(radio_channel_frequency(37), 2);
    CHECK_EQ(radio_channel_frequency(38), 26);
    CHECK_EQ(radio_channel_frequency(39), 80);
    CHECK_EQ(radio_channel_frequency(0), 4);
    CHECK_EQ(radio_channel_frequency(10), 24);
    CHECK_EQ(radio_channel_frequency(11), 28);
    CHECK_EQ(radio_channel_frequency(36), 78);
    CHECK_EQ(radio_channel_frequency(40), 0xFF);
}

/* ------------------------------------------------------------------ radio: scheduling */

static void run_until(uint32_t t) {
    while ((int32_t)(fake_now - t) < 0) {
        radio_poll();
        fake_now++;
    }
}

static void test_radio_advertise_count_interval_and_adv_delay(void) {
    fake_reset();
    done_calls = 0;
    const uint8_t d[2] = {1, 2};
    int32_t h = radio_advertise(0x29, d, 2, 5, 100, on_done, NULL);
    CHECK(h > 0);
    radio_poll();
    CHECK_EQ(tx_count, 1); /* the first event goes out at once */
    CHECK_EQ(tx_time[0], 1000);
    run_until(2000);
    CHECK_EQ(tx_count, 5);
    CHECK_EQ(done_calls, 1);
    for (int i = 1; i < 5; i++) {
        /* next event: end of the previous (start + 2 ms here) + interval + advDelay 0..10 ms */
        uint32_t gap = tx_time[i] - (tx_time[i - 1] + 2);
        CHECK(gap >= 100 && gap <= 110);
    }
    CHECK_EQ(tx_len[0], 12);
    CHECK_EQ(tx_log[4][9], 0x29);
    CHECK_EQ(radio_cancel(h), RADIO_ERR_HANDLE); /* done: the handle is gone */
    radio_stats_t st;
    radio_get_stats(&st);
    CHECK_EQ(st.tx_events, 5);
}

static void test_radio_adv_delay_is_random_within_0_to_10(void) {
    fake_reset();
    int32_t h = radio_advertise(0x2B, NULL, 0, 60, 20, NULL, NULL);
    CHECK(h > 0);
    run_until(1000 + 60 * 40);
    REQUIRE(tx_count == 60);
    int hist[11] = {0};
    for (int i = 1; i < 60; i++) {
        uint32_t delay = tx_time[i] - (tx_time[i - 1] + 2) - 20;
        REQUIRE(delay <= 10);
        hist[delay]++;
    }
    int distinct = 0;
    for (int i = 0; i <= 10; i++) distinct += hist[i] > 0;
    CHECK(distinct >= 6); /* spread over the range, not constant */
}

static void test_radio_cancel_and_queue(void) {
    fake_reset();
    done_calls = 0;
    int32_t a = radio_advertise(0x29, NULL, 0, 100, 50, on_done, NULL);
    int32_t b = radio_advertise(0x2A, NULL, 0, 2, 10, on_done, NULL);
    CHECK(a > 0 && b > 0 && a != b);
    run_until(1100);
    CHECK_EQ(done_calls, 1); /* b done */
    int before = tx_count;
    CHECK_EQ(radio_cancel(a), 0);
    CHECK_EQ(radio_cancel(a), RADIO_ERR_HANDLE);
    run_until(1500);
    CHECK_EQ(tx_count, before); /* nothing after the cancel */
    CHECK_EQ(done_calls, 1);    /* no onDone after a cancel */
    /* A full queue, and bad arguments. */
    for (int i = 0; i < RADIO_MAX_ADVERTS; i++) CHECK(radio_advertise(0x2B, NULL, 0, 1000, 1000, NULL, NULL) > 0);
    CHECK_EQ(radio_advertise(0x2B, NULL, 0, 1, 10, NULL, NULL), RADIO_ERR_FULL);
    uint8_t big[30] = {0};
    fake_reset();
    CHECK_EQ(radio_advertise(0x2B, big, 30, 1, 10, NULL, NULL), RADIO_ERR_ARG);
    CHECK_EQ(radio_advertise(0x2B, big, 1, 0, 10, NULL, NULL), RADIO_ERR_ARG);
    CHECK_EQ(radio_advertise(0x2B, NULL, 1, 1, 10, NULL, NULL), RADIO_ERR_ARG);
    CHECK_EQ(radio_cancel(0), RADIO_ERR_HANDLE);
    CHECK_EQ(radio_cancel(-5), RADIO_ERR_HANDLE);
}

static int32_t chained;
static void readvertise(void *ctx) {
    (void)ctx;
    done_calls++;
    if (done_calls < 3) chained = radio_advertise(0x2B, NULL, 0, 1, 10, readvertise, NULL);
}

static void test_radio_on_done_may_advertise_again(void) {
    fake_reset();
    done_calls = 0;
    radio_advertise(0x2B, NULL, 0, 1, 10, readvertise, NULL);
    run_until(1200);
    CHECK_EQ(done_calls, 3);
    CHECK_EQ(tx_count, 3);
}

typedef struct rxlog {
    int n;
    radio_packet_t last;
    uint8_t data[32];
} rxlog_t;

static void receiver(const radio_packet_t *p, void *ctx) {
    rxlog_t *r = (rxlog_t *)ctx;
    r->n++;
    r->last = *p;
    memcpy(r->data, p->data, p->len);
}

static void test_radio_scanning_hops_and_delivers(void) {
    rxlog_t r;
    memset(&r, 0, sizeof r);
    fake_reset();
    radio_set_receiver(receiver, &r);
    CHECK_EQ(rx_channel_now, 37);
    run_until(1000 + 3 * RADIO_SCAN_WINDOW_MS + 1);
    CHECK(channel_switches >= 4);
    CHECK(channels_seen[0] == 37 && channels_seen[1] == 38 && channels_seen[2] == 39 && channels_seen[3] == 37);
    /* A received Mesh Message PDU is delivered with its RSSI and time. */
    const uint8_t msg[4] = {9, 8, 7, 6};
    rx_queue_len[0] = radio_build_adv_pdu(ADDR, 0x2A, msg, 4, rx_queue[0]);
    rx_queue_n = 1;
    radio_poll();
    CHECK_EQ(r.n, 1);
    CHECK(r.last.ad_type == 0x2A && r.last.len == 4 && memcmp(r.data, msg, 4) == 0);
    CHECK_EQ(r.last.rssi, -61);
    CHECK_EQ(r.last.time_ms, fake_now);
    CHECK(r.last.adv_address && memcmp(r.last.adv_address, ADDR, 6) == 0);
    /* Garbage is counted, not delivered. */
    memset(rx_queue[0], 0xEE, 20);
    rx_queue_len[0] = 20;
    rx_queue_n = 1;
    radio_poll();
    CHECK_EQ(r.n, 1);
    radio_stats_t st;
    radio_get_stats(&st);
    CHECK_EQ(st.rx_malformed, 1);
    /* Transmitting pauses the receiver and resumes it on the same channel. */
    uint8_t ch = rx_channel_now;
    int sw = channel_switches;
    radio_advertise(0x2B, NULL, 0, 1, 10, NULL, NULL);
    radio_poll();
    CHECK_EQ(rx_channel_now, ch);
    CHECK(channel_switches >= sw + 2);
    /* A null receiver stops scanning. */
    radio_set_receiver(NULL, NULL);
    CHECK_EQ(rx_channel_now, 0);
    uint32_t ms = 0;
    CHECK_EQ(radio_next_deadline(&ms), 0);
}

/* ------------------------------------------------------------------ fmt */

static void test_fmt_matches_snprintf(void) {
    char a[128], b[128];
#define SAME(...)                                                       \
    do {                                                                \
        size_t na = fmt_format(a, sizeof a, __VA_ARGS__);              \
        int nb = snprintf(b, sizeof b, __VA_ARGS__);                    \
        CHECK_EQ(na, nb);                                               \
        if (strcmp(a, b) != 0) printf("    fmt: \"%s\" != \"%s\"\n", a, b); \
        CHECK(strcmp(a, b) == 0);                                       \
    } while (0)
    SAME("plain");
    SAME("%d %d %d", 0, -1, 2147483647);
    SAME("%d", (int)-2147483647 - 1);
    SAME("%u %x %X", 4294967295u, 0xdeadbeefu, 0xabcu);
    SAME("[%5d|%-5d|%05d|%02x]", 42, 42, -42, 7u);
    SAME("%s and %10s and %-4s|", "str", "right", "l");
    SAME("%c%c%%", 'o', 'k');
    SAME("%ld %lu %lx", -123456789L, 123456789UL, 0xfeedUL);
    SAME("%lld %llu", -9007199254740993LL, 18446744073709551615ULL);
    SAME("%zu", (size_t)12345);
    /* Truncation: NUL-terminated, full length returned. */
    char small[5];
    CHECK_EQ(fmt_format(small, sizeof small, "%s", "abcdefgh"), 8);
    CHECK(strcmp(small, "abcd") == 0);
    CHECK_EQ(fmt_format(NULL, 0, "%d", 12345), 5);
    const char *volatile nothing = NULL; /* volatile: keep the compiler from checking the argument */
    fmt_format(a, sizeof a, "%s", nothing);
    CHECK(strcmp(a, "(null)") == 0);
}

/* fmt_vwrite (the device's printf family, native/xs/nrf52/syscalls.c): the same text as fmt_format, of any
 * length, handed over in pieces of at most 64 bytes */
static char sunk[512];
static size_t sunk_len, sunk_pieces, sunk_largest;
static void sink(const char *s, size_t n) {
    if (sunk_len + n < sizeof sunk) memcpy(sunk + sunk_len, s, n);
    sunk_len += n;
    sunk_pieces++;
    if (n > sunk_largest) sunk_largest = n;
}
static size_t vwrite(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    size_t n = fmt_vwrite(sink, fmt, ap);
    va_end(ap);
    return n;
}

static void test_fmt_vwrite_streams(void) {
    char big[301], a[512];
    memset(big, 'x', 300);
    big[300] = 0;
    sunk_len = sunk_pieces = sunk_largest = 0;
    size_t n = vwrite("[%s] %d %-4x|", big, -7, 0xabu);
    size_t m = fmt_format(a, sizeof a, "[%s] %d %-4x|", big, -7, 0xabu);
    CHECK_EQ(n, m);
    CHECK_EQ(sunk_len, m);
    sunk[sunk_len < sizeof sunk ? sunk_len : sizeof sunk - 1] = 0;
    CHECK(strcmp(sunk, a) == 0);
    CHECK(sunk_pieces >= 5 && sunk_largest == 64);
    sunk_len = sunk_pieces = 0;
    CHECK_EQ(vwrite("%s", ""), 0);
    CHECK_EQ(sunk_pieces, 0);
}

/* ------------------------------------------------------------------ swtimer */

static char fired[16];
static int nfired;
static hal_timer_t *heads, ta, tb, tc;
static void mark(void *ctx) { fired[nfired++] = *(const char *)ctx; }
static void rearm(void *ctx) {
    mark(ctx);
    if (nfired == 4) swtimer_start(&heads, &tc, 30, mark, (void *)"C");
}

static void test_swtimer_order_stop_rearm(void) {
    heads = NULL;
    nfired = 0;
    uint64_t d;
    CHECK_EQ(swtimer_next(heads, &d), 0);
    swtimer_start(&heads, &ta, 20, mark, (void *)"a");
    swtimer_start(&heads, &tb, 10, mark, (void *)"b");
    swtimer_start(&heads, &tc, 20, mark, (void *)"c");
    CHECK(swtimer_next(heads, &d) && d == 10);
    CHECK_EQ(swtimer_run(&heads, 9), 0);
    CHECK_EQ(swtimer_run(&heads, 20), 3);
    CHECK(nfired == 3 && fired[0] == 'b' && fired[1] == 'a' && fired[2] == 'c'); /* FIFO at equal deadlines */
    swtimer_start(&heads, &ta, 50, mark, (void *)"a");
    swtimer_start(&heads, &tb, 40, rearm, (void *)"B");
    swtimer_stop(&heads, &ta);
    swtimer_stop(&heads, &ta); /* twice: harmless */
    CHECK_EQ(ta.armed, 0);
    swtimer_start(&heads, &tb, 45, rearm, (void *)"B"); /* re-arming moves it */
    CHECK_EQ(swtimer_run(&heads, 100), 2);              /* B, then the C it armed (deadline 30 <= 100) */
    CHECK(nfired == 5 && fired[3] == 'B' && fired[4] == 'C');
    CHECK_EQ(swtimer_next(heads, &d), 0);
}

/* ------------------------------------------------------------------ identity */

static void test_ident_uuid_and_address(void) {
    const uint32_t id[2] = {0x12345678u, 0x9ABCDEF0u}, addr[2] = {0xA1B2C3D4u, 0xFFFF1E2Fu};
    uint8_t u[16], u2[16], a[6];
    ident_uuid(id, addr, u);
    CHECK_EQ(u[6] >> 4, 4);       /* RFC 4122 version 4 */
    CHECK_EQ(u[8] >> 6, 2);       /* variant 10 */
    CHECK_EQ(u[0], 0x78);         /* DEVICEID, little-endian */
    CHECK_EQ(u[12], 0x2F);        /* DEVICEADDR */
    ident_uuid(id, addr, u2);
    CHECK(memcmp(u, u2, 16) == 0); /* stable */
    /* Chips differing only in the bits replaced by version/variant still differ. */
    const uint32_t id_b[2] = {0x12345678u, 0x9ABC5EF0u}; /* byte 6: 0xBC -> 0x5C: high nibble changes */
    ident_uuid(id_b, addr, u2);
    CHECK(memcmp(u, u2, 16) != 0);
    const uint32_t addr_b[2] = {0xA1B2C314u, 0xFFFF1E2Fu}; /* byte 8: 0xD4 -> 0x14: top bits change */
    ident_uuid(id, addr_b, u2);
    CHECK(memcmp(u, u2, 16) != 0);

    ident_static_address(addr, a);
    CHECK_EQ(a[0], 0xD4);
    CHECK_EQ(a[5] & 0xC0, 0xC0); /* static random: two top bits set */
    CHECK_EQ(a[5], 0xDE); /* (0x1E2F >> 8) | 0xC0 */
    const uint32_t zeros[2] = {0, 0}, ones[2] = {0xFFFFFFFFu, 0xFFFFu};
    ident_static_address(zeros, a);
    CHECK(a[5] == 0xC0 && a[0] == 0x01); /* random part not all zeros */
    ident_static_address(ones, a);
    CHECK(a[5] == 0xFF && a[0] == 0xFE); /* random part not all ones */
}

/* ------------------------------------------------------------------ attention */

static void test_attention_blink(void) {
    attention_t at;
    attention_set(&at, 1000, 0);
    CHECK_EQ(attention_led(&at, 1000), 0);
    CHECK_EQ(attention_remaining(&at, 1000), 0);
    CHECK_EQ(attention_next_change(&at, 1000), 0);
    attention_set(&at, 1000, 3);
    CHECK_EQ(attention_remaining(&at, 1000), 3);
    CHECK_EQ(attention_remaining(&at, 1001), 3);
    CHECK_EQ(attention_remaining(&at, 2000), 2);
    CHECK_EQ(attention_remaining(&at, 3999), 1);
    CHECK_EQ(attention_remaining(&at, 4000), 0);
    CHECK_EQ(attention_led(&at, 1000), 1);
    CHECK_EQ(attention_led(&at, 1249), 1);
    CHECK_EQ(attention_led(&at, 1250), 0);
    CHECK_EQ(attention_led(&at, 1500), 1);
    CHECK_EQ(attention_led(&at, 4000), 0);
    CHECK_EQ(attention_next_change(&at, 1000), 250);
    CHECK_EQ(attention_next_change(&at, 1100), 150);
    CHECK_EQ(attention_next_change(&at, 3900), 100);
    /* Wrap of the millisecond clock. */
    attention_set(&at, 0xFFFFFF00u, 1);
    CHECK_EQ(attention_led(&at, 0xFFFFFF00u + 300u), 0);
    CHECK_EQ(attention_remaining(&at, 0x00000010u), 1);
    CHECK_EQ(attention_remaining(&at, 0xFFFFFF00u + 1000u), 0);
}

int main(void) {
    RUN(test_radio_build_adv_nonconn_ind);
    RUN(test_radio_parse_ad_structures);
    RUN(test_radio_channel_frequencies);
    RUN(test_radio_advertise_count_interval_and_adv_delay);
    RUN(test_radio_adv_delay_is_random_within_0_to_10);
    RUN(test_radio_cancel_and_queue);
    RUN(test_radio_on_done_may_advertise_again);
    RUN(test_radio_scanning_hops_and_delivers);
    RUN(test_fmt_matches_snprintf);
    RUN(test_fmt_vwrite_streams);
    RUN(test_swtimer_order_stop_rearm);
    RUN(test_ident_uuid_and_address);
    RUN(test_attention_blink);
    return test_summary();
}
