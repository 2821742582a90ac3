/*
 * The advertising radio, in C: the same operations as the TypeScript Radio interface (modules/platform.ts), so
 * the XS radio native can expose it unchanged:
 *
 *   TS  advertise(adType, data, {count, intervalMs}, onDone?) -> AdvertiseHandle
 *   C   radio_advertise(ad_type, data, len, count, interval_ms, on_done, ctx) -> handle (> 0) or error (< 0)
 *   TS  handle.cancel()                      C  radio_cancel(handle)
 *   TS  setReceiver(receiver | null)         C  radio_set_receiver(fn | NULL, ctx)
 *   TS  RadioPacket {adType, data, rssi, time}  C  radio_packet_t {ad_type, data, len, rssi, time_ms}
 *
 * Each advertisement is sent as an ADV_NONCONN_IND PDU (Bluetooth Core Vol 6 Part B 2.3.1.3) from the static
 * random address (TxAdd = 1), AdvData = one AD structure [length][AD type][data], in `count` advertising events;
 * one event sends the PDU on channels 37, 38 and 39 in turn; between events: interval_ms plus advDelay, a random
 * 0..10 ms (Core Vol 6 Part B 4.4.2.2.1). Several advertisements may be queued (RADIO_MAX_ADVERTS); they take
 * turns by due time. Scanning (while a receiver is set) listens on 37, 38, 39 in turn, RADIO_SCAN_WINDOW_MS
 * each, and delivers every Mesh AD structure (PB-ADV 0x29, Mesh Message 0x2A, Mesh Beacon 0x2B; Mesh Protocol
 * 1.1, 3.3.1) found in a received ADV_NONCONN_IND with a valid CRC, with its RSSI.
 *
 * All callbacks run from radio_poll(), i.e. from the main loop, never from an interrupt.
 * The radio core (radio_core.c) is portable; the PHY is a backend: the nRF52840 RADIO (radio.c) or the
 * Cortex-M4 twin's UART link to the simulated air (native/mps2/air_uart.c).
 */
#ifndef MESHPROV_RADIO_H
#define MESHPROV_RADIO_H

#include <stddef.h>
#include <stdint.h>

#define RADIO_MAX_AD_DATA 29  /* AdvData 31 bytes = AD length + AD type + 29 */
#define RADIO_PDU_MAX 39      /* header (2) + AdvA (6) + AdvData (31) */
#define RADIO_MAX_ADVERTS 8
#define RADIO_SCAN_WINDOW_MS 50u
#define RADIO_ADV_DELAY_MAX_MS 10u

#define RADIO_ERR_ARG (-1)    /* bad AD data length, count 0, ... */
#define RADIO_ERR_FULL (-2)   /* RADIO_MAX_ADVERTS advertisements already queued */
#define RADIO_ERR_HANDLE (-3) /* no such advertisement (already done or cancelled) */
#define RADIO_ERR_STATE (-4)  /* radio_init not called */

/* ADV PDU header, first byte (Core Vol 6 Part B 2.3) */
#define RADIO_PDU_ADV_NONCONN_IND 0x2u
#define RADIO_PDU_TXADD (1u << 6)

typedef struct radio_packet {
    uint8_t ad_type;
    uint8_t len;         /* AD data length (without the AD length and type bytes) */
    const uint8_t *data; /* valid only during the callback */
    int8_t rssi;         /* dBm */
    uint32_t time_ms;    /* hal_now_ms() at reception */
    const uint8_t *adv_address; /* AdvA of the sender, 6 bytes LSB first */
} radio_packet_t;

typedef void (*radio_receiver_fn)(const radio_packet_t *packet, void *ctx);
typedef void (*radio_done_fn)(void *ctx);

/* The PHY under the radio core. */
typedef struct radio_backend {
    /* Send the PDU on channels 37, 38, 39 in turn; return when done (about 1.5 ms on the nRF52840). */
    void (*tx_event)(const uint8_t *pdu, size_t len);
    /* Listen on this channel (37..39) from now on; 0: stop listening. */
    void (*rx_channel)(uint8_t channel);
    /* A received PDU with a valid CRC: copies it (header first), sets *rssi, returns its length; 0 when none. */
    size_t (*rx_poll)(uint8_t *pdu, size_t cap, int8_t *rssi);
    uint32_t (*now_ms)(void);
    uint32_t (*random32)(void);
} radio_backend_t;

int radio_init(const radio_backend_t *backend, const uint8_t adv_address[6]);
int32_t radio_advertise(uint8_t ad_type, const uint8_t *data, size_t len, uint32_t count, uint32_t interval_ms,
                        radio_done_fn on_done, void *ctx);
int radio_cancel(int32_t handle);
void radio_set_receiver(radio_receiver_fn receiver, void *ctx);
/* Deliver received packets, send due advertising events, hop the scan channel. Call from the main loop. */
void radio_poll(void);
/* 1 and *ms = milliseconds until radio_poll has work to do (0: now), or 0 when nothing is scheduled. */
int radio_next_deadline(uint32_t *ms);
/* Counters for logs and tests. */
typedef struct radio_stats {
    uint32_t tx_events, rx_pdus, rx_delivered, rx_malformed;
} radio_stats_t;
void radio_get_stats(radio_stats_t *out);

/* PDU helpers (portable, host-tested). */
size_t radio_build_adv_pdu(const uint8_t adv_address[6], uint8_t ad_type, const uint8_t *data, size_t len,
                           uint8_t out[RADIO_PDU_MAX]);
typedef void (*radio_ad_fn)(uint8_t ad_type, const uint8_t *data, uint8_t len, void *ctx);
/* Walk the AD structures of an ADV_NONCONN_IND PDU and call fn for each Mesh AD type (0x29..0x2B).
 * Returns the number delivered, or -1 when the PDU is not a well-formed ADV_NONCONN_IND. */
int radio_parse_adv_pdu(const uint8_t *pdu, size_t len, radio_ad_fn fn, void *ctx);
/* RF frequency offset from 2400 MHz for a BLE channel index (Core Vol 6 Part A 2): 37 -> 2, 38 -> 26, 39 -> 80. */
uint8_t radio_channel_frequency(uint8_t channel);

/* The nRF52840 RADIO backend (radio.c): needs the HFXO running (clock_hfxo_start). */
const radio_backend_t *nrf_radio_backend(uint32_t (*now_ms)(void), uint32_t (*random32)(void));

#endif
