/*
 * The twin's radio: the simulated air hub's client (native/air/air_client.c, docs/air-protocol.md version 1) over
 * CMSDK UART1, which QEMU connects to the hub's TCP port (-serial tcp:127.0.0.1:PORT as the second serial). The
 * client implements the C radio API (native/nrf52/radio.h); this file is its transport (UART1, a receive ring
 * filled by the IRQ) and its clock (the twin's timers, twin.h):
 *
 * Virtual mode: the hub's time is the twin's clock (WELCOME, TIME, RX, ADV_DONE are wakes); when idle the twin
 * sends WAIT_UNTIL(next timer, wakes handled) and sleeps until the next message (section 3).
 * Real mode: the clock is SysTick plus the hub's time at WELCOME; WAIT_UNTIL is not sent.
 * Without --air (no hub), advertisements complete on local timers and nothing is received.
 *
 * Bad input from the hub (a malformed frame, an unknown type) ends the twin with a log line and exit status 5:
 * the hub only sends what the protocol allows, so this means a broken link.
 */
#include <stdint.h>
#include <string.h>

#include "../air/air_client.h"
#include "../boards/hal.h"
#include "../nrf52/radio.h"
#include "../nrf52/regs/armv7m.h"
#include "mps2.h"
#include "semihost.h"
#include "twin.h"

#define RING 2048u

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

/* ---------------------------------------------------------------- the client's transport and clock */

static int uart1_send(void *ctx, const uint8_t *b, size_t n) {
    (void)ctx;
    for (size_t i = 0; i < n; i++) {
        while (UART_STATE(MPS2_UART1_BASE) & UART_STATE_TXFULL) {
        }
        UART_DATA(MPS2_UART1_BASE) = b[i];
    }
    return 0;
}

/* Frames in the received stream (docs/air-protocol.md: a 2-byte big-endian length, then that many bytes), followed
 * as the bytes arrive so that the idle loop can tell a complete frame from a partial one: `framed_end` is the
 * stream offset (in ring_head's count) just past the last complete frame. Parsed up to ring_head in the main
 * loop only (framing_advance), always before the client takes bytes (uart1_recv), so no byte leaves the ring
 * unparsed. */
static uint32_t framed_pos;  /* the next byte to parse */
static uint32_t framed_end;  /* just past the last complete frame */
static uint32_t frame_left;  /* bytes of the current frame still to come (0: at a length field) */
static uint8_t length_high;  /* the length field's first byte, once seen */
static uint8_t length_have;  /* bytes of the length field seen */

static void framing_advance(void) {
    uint32_t head = ring_head;
    while (framed_pos != head) {
        if (frame_left) {
            uint32_t n = head - framed_pos;
            if (n > frame_left) n = frame_left;
            framed_pos += n;
            frame_left -= n;
            if (!frame_left) framed_end = framed_pos;
            continue;
        }
        uint8_t b = ring[framed_pos % RING];
        framed_pos++;
        if (!length_have) {
            length_high = b;
            length_have = 1;
            continue;
        }
        length_have = 0;
        frame_left = ((uint32_t)length_high << 8) | b;
        if (!frame_left) framed_end = framed_pos; /* an empty frame: the client reports it */
    }
}

static int uart1_recv(void *ctx, uint8_t *buf, size_t cap) {
    (void)ctx;
    framing_advance();
    uint32_t n = ring_used();
    if (n > cap) n = (uint32_t)cap;
    for (uint32_t i = 0; i < n; i++) buf[i] = ring[(ring_tail + i) % RING];
    ring_tail += n;
    if (n) UART_CTRL(MPS2_UART1_BASE) |= UART_CTRL_RXINTEN;
    return (int)n;
}

/* Hub times (ms, doubles) <-> the twin's microseconds. */
static uint64_t ms_to_us(double ms) { return ms <= 0 ? 0 : (uint64_t)(ms * 1000.0 + 0.5); }

static void advance(void *ctx, double t) {
    (void)ctx;
    uint64_t us = ms_to_us(t);
    twin_run_timers_until(us);
    twin_set_now_us(us);
}

static void run_due(void *ctx) {
    (void)ctx;
    twin_run_timers_until(twin_now_us()); /* timers set with 0 delay */
}

static hal_timer_t offline_timers[RADIO_MAX_ADVERTS];

static void offline_fire(void *ctx) { air_client_offline_event((int)(intptr_t)ctx); }

static void offline_start(void *ctx, int slot, uint32_t delay_ms) {
    (void)ctx;
    hal_timer_start(&offline_timers[slot], delay_ms, offline_fire, (void *)(intptr_t)slot);
}

static void offline_stop(void *ctx, int slot) {
    (void)ctx;
    hal_timer_stop(&offline_timers[slot]);
}

static uint32_t random32(void *ctx) {
    (void)ctx;
    return hal_random32();
}

static const air_client_io_t twin_io = {uart1_send, uart1_recv, advance, run_due, offline_start, offline_stop, random32, NULL};

const air_client_io_t *air_platform_io(void) { return &twin_io; }

/* ---------------------------------------------------------------- the twin's air link (twin.h) */

int air_connected(void) { return air_client_state() == AIR_STATE_CONNECTED; }
int air_is_virtual(void) { return air_client_is_virtual(); }

/* A closed or failed link ends the twin: status 0 when the hub closed, 5 on an error. */
static void check(int result) {
    if (result == AIR_OK) return;
    if (result == AIR_CLOSED) {
        hal_log("air: %s\n", air_client_error());
        sh_exit(0);
    }
    hal_log("air: %s\n", air_client_error());
    sh_exit(5);
}

void air_process(void) {
    if (air_client_state() == AIR_STATE_OFFLINE) return;
    check(air_client_process());
}

void air_uart_irq(void) { UART1RX_IRQHandler(); }

void air_idle(uint64_t next_us) {
    if (!air_connected()) return;
    if (air_is_virtual()) {
        /* More to handle first: a complete frame the client has not taken (it takes every complete frame when it
         * processes). */
        framing_advance();
        if ((int32_t)(framed_end - ring_tail) > 0) return;
        air_client_idle(next_us == TWIN_NEVER ? 1e308 : hal_us_to_ms(next_us));
        /* Sleep until a whole frame is in: waking for each byte of a partial one would run the application's loop
         * once per interrupt, as often as the host's socket happens to split the frames (wall-clock chance), and
         * those loops are work the twin counts. */
        for (;;) {
            uint32_t key = irq_save();
            framing_advance();
            if ((int32_t)(framed_end - ring_tail) > 0 || ring_used() >= RING) {
                irq_restore(key);
                return;
            }
            cpu_wfi();
            irq_restore(key);
        }
    } else if (next_us <= twin_now_us()) {
        return;
    }
    /* Sleep until UART1 (or SysTick) interrupts. */
    uint32_t key = irq_save();
    if (ring_used() == 0) cpu_wfi();
    irq_restore(key);
}

/* The XS twin's instruction counter (native/xs/mps2/xsr_mps2_port.c, when linked) leaves the wait for the hub out:
 * the nRF52840 boots without one. */
extern void xsr_port_idle(int entering) __attribute__((weak));

int air_connect(const char *name, const uint8_t address[6]) {
    nvic_set_priority(MPS2_UART1_RX_IRQn, 2);
    nvic_enable(MPS2_UART1_RX_IRQn);
    UART_CTRL(MPS2_UART1_BASE) |= UART_CTRL_RXINTEN;
    if (air_client_connect(name, address) != AIR_OK) return -1;
    if (xsr_port_idle) xsr_port_idle(1);
    while (air_client_state() == AIR_STATE_HELLO) {
        uint32_t key = irq_save();
        if (ring_used() == 0) cpu_wfi();
        irq_restore(key);
        int r = air_client_process();
        if (r == AIR_ERR_HUB) check(r); /* the hub refused us: log it, exit 5 */
        if (r != AIR_OK) break;
    }
    if (xsr_port_idle) xsr_port_idle(0);
    if (!air_connected()) return -1;
    uint64_t now = ms_to_us(air_client_welcome_time());
    if (air_is_virtual()) {
        twin_set_now_us(now);
        SYST_CSR = 0; /* the hub's time is the clock now: no need for SysTick wake-ups */
    } else {
        twin_set_now_us(now > twin_systick_us() ? now - twin_systick_us() : 0);
    }
    hal_log("air: connected to the hub (%s mode) as %s at %lu ms\n", air_is_virtual() ? "virtual" : "real", name,
            (unsigned long)(now / 1000u));
    return 0;
}
