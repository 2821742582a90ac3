// sources: native/nrf52/radio_core.c
/*
 * The nRF52840 RADIO driver (native/nrf52/radio.c) compiled on the host against fake registers: checks the
 * values it programs for BLE 1M advertising against the numbers worked out from the specifications
 * (Bluetooth Core Vol 6 Part B 2.1.2 access address, 3.1.1 CRC, 3.2 whitening; nRF52840 PS RADIO register
 * fields: PCNF0 LFLEN bits 0-3, S0LEN bit 8, S1LEN 16-19, PLEN 24-25; PCNF1 MAXLEN 0-7, STATLEN 8-15,
 * BALEN 16-18, ENDIAN 24, WHITEEN 25; CRCCNF LEN 0-1, SKIPADDR 8-9; SHORTS READY_START 0, END_DISABLE 1,
 * ADDRESS_RSSISTART 4, DISABLED_RSSISTOP 8).
 */
#include <stdint.h>

static uint32_t fake_radio[1024], fake_other;
static volatile uint32_t *fake_reg(uintptr_t addr) {
    if (addr >= 0x40001000u && addr < 0x40002000u) return &fake_radio[(addr - 0x40001000u) / 4];
    return &fake_other;
}
#define NRF_REG(base, offset) (*fake_reg((uintptr_t)(base) + (uintptr_t)(offset)))
#define ARMV7M_REG(addr) (*fake_reg((uintptr_t)(addr)))

#include "../../native/nrf52/radio.c"
#include "test.h"

#define R(off) fake_radio[(off) / 4]

static uint32_t now(void) { return 0; }
static uint32_t rnd(void) { return 4; }

static void test_radio_configuration_for_ble_advertising(void) {
    memset(fake_radio, 0, sizeof fake_radio);
    const radio_backend_t *be = nrf_radio_backend(now, rnd);
    REQUIRE(be != NULL);
    CHECK_EQ(R(0xFFC), 1);          /* POWER */
    CHECK_EQ(R(0x510), 3);          /* MODE = Ble_1Mbit */
    CHECK_EQ(R(0x514), 0x00000108); /* PCNF0: LFLEN 8, S0LEN 1, S1LEN 0, 8-bit preamble */
    CHECK_EQ(R(0x518), 0x020300FF); /* PCNF1: MAXLEN 255, STATLEN 0, BALEN 3, little-endian, whitening */
    /* Access address 0x8E89BED6: 3-byte base 0x89BED6 (BASE0 bits 31..8) + prefix 0x8E */
    CHECK_EQ(R(0x51C), 0x89BED600u);
    CHECK_EQ(R(0x524) & 0xFF, 0x8E);
    CHECK_EQ(R(0x52C), 0); /* TXADDRESS */
    CHECK_EQ(R(0x530), 1); /* RXADDRESSES: logical address 0 */
    CHECK_EQ(R(0x534), 0x103);    /* CRCCNF: 3 bytes, skip the address */
    CHECK_EQ(R(0x538), 0x00065B); /* x^24 + x^10 + x^9 + x^6 + x^4 + x^3 + x + 1 */
    CHECK_EQ(R(0x53C), 0x555555); /* advertising channel CRC init */
    CHECK_EQ(R(0x50C), 0);        /* TXPOWER 0 dBm */
}

static void test_radio_receive_setup_per_channel(void) {
    static const uint8_t ch[3] = {37, 38, 39}, freq[3] = {2, 26, 80};
    for (int i = 0; i < 3; i++) {
        memset(fake_radio, 0, sizeof fake_radio); /* STATE 0: disabled */
        const radio_backend_t *be = nrf_radio_backend(now, rnd);
        be->rx_channel(ch[i]);
        CHECK_EQ(R(0x508), freq[i]);      /* FREQUENCY: 2400 + n MHz */
        CHECK_EQ(R(0x554), ch[i]);        /* DATAWHITEIV: the channel index */
        CHECK_EQ(R(0x200), 0x113);        /* READY_START | END_DISABLE | ADDRESS_RSSISTART | DISABLED_RSSISTOP */
        CHECK_EQ(R(0x004), 1);            /* TASKS_RXEN */
        CHECK_EQ(R(0x504), (uint32_t)(uintptr_t)rx_buf); /* PACKETPTR */
        CHECK_EQ(R(0x304), 1u << 3);      /* INTENSET END: wakes WFE through SEVONPEND */
    }
}

static void test_radio_receive_poll_copies_pdu_and_rssi(void) {
    memset(fake_radio, 0, sizeof fake_radio);
    const radio_backend_t *be = nrf_radio_backend(now, rnd);
    be->rx_channel(37);
    uint8_t pdu[64];
    int8_t rssi = 0;
    CHECK_EQ(be->rx_poll(pdu, sizeof pdu, &rssi), 0); /* no END yet */
    /* A PDU arrives: END, CRC ok, RSSISAMPLE 67 (-67 dBm); DISABLED follows END (END -> DISABLE short). */
    const uint8_t data[1] = {0x55};
    size_t n = radio_build_adv_pdu((const uint8_t *)"\1\2\3\4\5\6", 0x2A, data, 1, rx_buf);
    R(0x10C) = 1;
    R(0x400) = 1;
    R(0x548) = 67;
    R(0x110) = 1;
    CHECK_EQ(be->rx_poll(pdu, sizeof pdu, &rssi), n);
    CHECK(memcmp(pdu, rx_buf, n) == 0);
    CHECK_EQ(rssi, -67);
    CHECK_EQ(R(0x10C), 0); /* END cleared */
    CHECK_EQ(R(0x004), 1); /* listening again */
    /* A CRC error is dropped. */
    R(0x10C) = 1;
    R(0x400) = 0;
    R(0x110) = 1;
    CHECK_EQ(be->rx_poll(pdu, sizeof pdu, &rssi), 0);
}

int main(void) {
    RUN(test_radio_configuration_for_ble_advertising);
    RUN(test_radio_receive_setup_per_channel);
    RUN(test_radio_receive_poll_copies_pdu_and_rssi);
    return test_summary();
}
