/*
 * The C-only smoke application (until the XS engine and the app bytecode are linked in, when the XS platform
 * layer provides app_main instead). It checks the board end to end:
 *   - logs the board, the Device UUID and the static random address;
 *   - opens the record store and counts boots in it (key "boots"), so a restart shows the count going up;
 *   - blinks the attention LED (Attention Timer pattern, 2 Hz) for 5 s at boot and again on a button press,
 *     and toggles the status LED every second;
 *   - advertises the Unprovisioned Device beacon (Mesh Protocol 1.1, 3.10.2: Beacon Type 0x00, Device UUID,
 *     OOB Information 0x0000) every 500 ms, and logs every Mesh AD structure it receives.
 * Built as variant "light" or "switch" (-DAPP_VARIANT=...): the same C code, the name differs (the XS apps will).
 */
#include <string.h>

#include "../nrf52/radio.h"
#include "../storage/store.h"
#include "attention.h"
#include "hal.h"

#ifndef APP_VARIANT
#define APP_VARIANT "light"
#endif

#define BEACON_INTERVAL_MS 500u
#define BEACON_EVENTS 1000000u

static store_t store;
static attention_t attention;
static hal_timer_t attention_timer, status_timer, button_timer;
static uint8_t beacon[19];
static int status_on, button_was;
static uint32_t received;

static void attention_update(void *ctx) {
    (void)ctx;
    uint32_t now = hal_now_ms();
    hal_led_set(hal_led_attention(), attention_led(&attention, now));
    uint32_t next = attention_next_change(&attention, now);
    if (next) hal_timer_start(&attention_timer, next, attention_update, NULL);
    else hal_log("attention: off\n");
}

static void attention_start(uint8_t seconds) {
    attention_set(&attention, hal_now_ms(), seconds);
    hal_log("attention: %u s\n", seconds);
    attention_update(NULL);
}

static void status_tick(void *ctx) {
    (void)ctx;
    status_on = !status_on;
    hal_led_set(hal_led_status(), status_on);
    hal_timer_start(&status_timer, 1000, status_tick, NULL);
}

static void button_tick(void *ctx) {
    (void)ctx;
    int pressed = hal_button_count() && hal_button_pressed(0);
    if (pressed && !button_was) attention_start(5);
    button_was = pressed;
    hal_timer_start(&button_timer, 20, button_tick, NULL);
}

static void beacon_done(void *ctx);

static void beacon_start(void) {
    int32_t h = radio_advertise(0x2B, beacon, sizeof beacon, BEACON_EVENTS, BEACON_INTERVAL_MS, beacon_done, NULL);
    if (h < 0) hal_log("radio: advertise failed %ld\n", (long)h);
}

static void beacon_done(void *ctx) {
    (void)ctx;
    beacon_start();
}

static void on_packet(const radio_packet_t *p, void *ctx) {
    (void)ctx;
    received++;
    if (received <= 20 || received % 100 == 0)
        hal_log("rx: AD 0x%02x len %u rssi %d (%lu received)\n", p->ad_type, p->len, p->rssi, (unsigned long)received);
}

static void hex(char *out, const uint8_t *b, size_t n) {
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = d[b[i] >> 4];
        out[2 * i + 1] = d[b[i] & 15];
    }
    out[2 * n] = 0;
}

void app_main(void) {
    uint8_t uuid[16], addr[6];
    char uuid_hex[33], addr_hex[13];
    hal_device_uuid(uuid);
    hal_device_address(addr);
    hex(uuid_hex, uuid, 16);
    uint8_t addr_be[6];
    for (int i = 0; i < 6; i++) addr_be[i] = addr[5 - i];
    hex(addr_hex, addr_be, 6);
    hal_log("meshprov smoke: board %s, variant %s\n", hal_board_name(), APP_VARIANT);
    hal_log("uuid %s address %s (static random)\n", uuid_hex, addr_hex);

    uint32_t base;
    const flash_dev_t *flash = hal_storage_flash(&base);
    int rc = store_open(&store, flash, base);
    uint32_t boots = 0;
    if (rc == STORE_OK) {
        uint8_t b[4];
        size_t len = 0;
        if (store_read(&store, "boots", b, sizeof b, &len) == STORE_OK && len == 4)
            boots = (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) | ((uint32_t)b[3] << 24);
        boots++;
        b[0] = (uint8_t)boots;
        b[1] = (uint8_t)(boots >> 8);
        b[2] = (uint8_t)(boots >> 16);
        b[3] = (uint8_t)(boots >> 24);
        rc = store_write(&store, "boots", b, 4);
    }
    hal_log("store: %s, issues 0x%lx, boot count %lu\n", store_strerror(rc), (unsigned long)store.report.issues,
            (unsigned long)boots);

    beacon[0] = 0x00; /* Unprovisioned Device beacon */
    memcpy(beacon + 1, uuid, 16);
    beacon[17] = 0x00; /* OOB Information */
    beacon[18] = 0x00;
    radio_init(hal_radio_backend(), addr);
    radio_set_receiver(on_packet, NULL);
    beacon_start();
    hal_log("radio: unprovisioned device beacon every %u ms, scanning 37/38/39\n", BEACON_INTERVAL_MS);

    attention_start(5);
    status_tick(NULL);
    button_tick(NULL);
    hal_log("ready\n");
    for (;;) {
        hal_poll();
        hal_idle();
    }
}
