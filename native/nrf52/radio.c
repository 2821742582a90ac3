/*
 * The nRF52840 RADIO as the radio core's PHY (radio.h): BLE 1M, legacy advertising channels.
 *
 * Packet configuration for BLE advertising PDUs (nRF52840 PS, RADIO "Packet configuration" and the BLE
 * settings; Bluetooth Core Vol 6 Part B 2.1 and 3.1):
 *   - MODE Ble_1Mbit; 8-bit preamble (PLEN 8bit);
 *   - access address 0x8E89BED6: BASE0 holds the low three bytes (BALEN 3, the base is used from its most
 *     significant bytes), PREFIX0.AP0 the high byte 0x8E; logical address 0 for TX and RX;
 *   - in RAM: S0 (1 byte: the PDU header's first byte), LENGTH (8 bits), no S1; MAXLEN 255 on receive;
 *     little-endian on air; whitening on, DATAWHITEIV = channel index (bit 6 hard-wired to 1 = position 0 of
 *     the whitening LFSR as Core Vol 6 Part B 3.2 asks);
 *   - CRC: 3 bytes, polynomial x^24 + x^10 + x^9 + x^6 + x^4 + x^3 + x + 1 (0x00065B), init 0x555555 for
 *     advertising channels, the access address not included (SKIPADDR);
 *   - FREQUENCY: 37 -> 2402 MHz, 38 -> 2426 MHz, 39 -> 2480 MHz.
 * Transmit: READY->START and END->DISABLE shorts, one channel after the other, waiting for DISABLED.
 * Receive: READY->START, END->DISABLE, ADDRESS->RSSISTART, DISABLED->RSSISTOP; polled from radio_poll().
 */
#include <string.h>

#include "radio.h"
#include "regs/armv7m.h"
#include "regs/radio.h"

#define BLE_ACCESS_ADDRESS 0x8E89BED6u
#define BLE_CRC_POLY 0x00065Bu
#define BLE_CRC_INIT_ADV 0x555555u

static uint8_t tx_buf[RADIO_PDU_MAX];
static uint8_t rx_buf[2 + 255];
static uint8_t rx_channel_now;
static radio_backend_t backend;

static void set_channel(uint8_t channel) {
    RADIO_FREQUENCY = radio_channel_frequency(channel);
    RADIO_DATAWHITEIV = channel;
}

static void radio_disable(void) {
    RADIO_INTENCLR = RADIO_INT_END;
    if (RADIO_STATE == RADIO_STATE_DISABLED) return;
    RADIO_SHORTS = 0;
    RADIO_EVENTS_DISABLED = NRF_EVENT_CLEAR;
    RADIO_TASKS_DISABLE = NRF_TASK_TRIGGER;
    while (RADIO_EVENTS_DISABLED == 0) {
    }
    RADIO_EVENTS_DISABLED = NRF_EVENT_CLEAR;
}

static void configure(void) {
    RADIO_POWER = 1;
    RADIO_MODE = RADIO_MODE_BLE_1MBIT;
    RADIO_TXPOWER = RADIO_TXPOWER_0DBM;
    RADIO_PCNF0 = RADIO_PCNF0_LFLEN(8) | RADIO_PCNF0_S0LEN(1) | RADIO_PCNF0_S1LEN(0) | RADIO_PCNF0_PLEN_8BIT;
    RADIO_PCNF1 = RADIO_PCNF1_MAXLEN(255) | RADIO_PCNF1_STATLEN(0) | RADIO_PCNF1_BALEN(3) | RADIO_PCNF1_WHITEEN;
    RADIO_BASE0 = (BLE_ACCESS_ADDRESS << 8) & 0xFFFFFF00u; /* 0x89BED600 */
    RADIO_PREFIX0 = (BLE_ACCESS_ADDRESS >> 24) & 0xFFu;     /* 0x8E */
    RADIO_TXADDRESS = 0;
    RADIO_RXADDRESSES = 1u;
    RADIO_CRCCNF = RADIO_CRCCNF_LEN(3) | RADIO_CRCCNF_SKIPADDR;
    RADIO_CRCPOLY = BLE_CRC_POLY;
    RADIO_CRCINIT = BLE_CRC_INIT_ADV;
    RADIO_INTENCLR = 0xFFFFFFFFu;
}

static void start_rx(void) {
    RADIO_PACKETPTR = (uint32_t)(uintptr_t)rx_buf;
    RADIO_SHORTS = RADIO_SHORTS_READY_START | RADIO_SHORTS_END_DISABLE | RADIO_SHORTS_ADDRESS_RSSISTART |
                   RADIO_SHORTS_DISABLED_RSSISTOP;
    RADIO_EVENTS_END = NRF_EVENT_CLEAR;
    RADIO_EVENTS_DISABLED = NRF_EVENT_CLEAR;
    /* END wakes the CPU from WFE (SEVONPEND) without an interrupt handler: the IRQ stays disabled in the NVIC. */
    RADIO_INTENSET = RADIO_INT_END;
    RADIO_TASKS_RXEN = NRF_TASK_TRIGGER;
}

static void nrf_tx_event(const uint8_t *pdu, size_t len) {
    if (len > sizeof tx_buf) return;
    memcpy(tx_buf, pdu, len);
    radio_disable();
    static const uint8_t channels[3] = {37, 38, 39};
    for (int i = 0; i < 3; i++) {
        set_channel(channels[i]);
        RADIO_PACKETPTR = (uint32_t)(uintptr_t)tx_buf;
        RADIO_SHORTS = RADIO_SHORTS_READY_START | RADIO_SHORTS_END_DISABLE;
        RADIO_EVENTS_DISABLED = NRF_EVENT_CLEAR;
        RADIO_TASKS_TXEN = NRF_TASK_TRIGGER;
        /* ramp-up (~140 us) + 8 + 32 + (16 + 8 * 37 + 24) us on air at 1 Mbit/s */
        while (RADIO_EVENTS_DISABLED == 0) {
        }
        RADIO_EVENTS_DISABLED = NRF_EVENT_CLEAR;
    }
    RADIO_SHORTS = 0;
}

static void nrf_rx_channel(uint8_t channel) {
    radio_disable();
    rx_channel_now = channel;
    if (channel) {
        set_channel(channel);
        start_rx();
    }
}

static size_t nrf_rx_poll(uint8_t *pdu, size_t cap, int8_t *rssi) {
    if (!rx_channel_now || RADIO_EVENTS_END == 0) return 0;
    RADIO_EVENTS_END = NRF_EVENT_CLEAR;
    (void)RADIO_EVENTS_END;
    nvic_clear_pending(RADIO_IRQn);
    int ok = (RADIO_CRCSTATUS & 1u) != 0;
    size_t n = 2u + rx_buf[1];
    int8_t r = (int8_t)-(int32_t)(RADIO_RSSISAMPLE & 0x7Fu);
    if (ok && n <= cap) memcpy(pdu, rx_buf, n);
    /* END -> DISABLE is a short: wait for DISABLED, then listen again on the same channel. */
    while (RADIO_EVENTS_DISABLED == 0) {
    }
    start_rx();
    if (!ok || n > cap) return 0;
    *rssi = r;
    return n;
}

const radio_backend_t *nrf_radio_backend(uint32_t (*now_ms)(void), uint32_t (*random32)(void)) {
    configure();
    backend.tx_event = nrf_tx_event;
    backend.rx_channel = nrf_rx_channel;
    backend.rx_poll = nrf_rx_poll;
    backend.now_ms = now_ms;
    backend.random32 = random32;
    return &backend;
}
