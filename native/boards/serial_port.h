/*
 * The modem's serial port (the `modem` firmware variant, docs/firmware-modem.md): one byte stream to the host,
 * whatever carries it. Implemented by the nRF52840 DK's UARTE0 on the J-Link virtual COM port
 * (native/nrf52/uarte_serial.c), the nRF52840 Dongle's USB CDC-ACM (native/nrf52/cdc_acm.c) and the twin's
 * CMSDK UART2 (native/mps2/uart_serial.c). Used by the XS serial native (native/xs/natives/nrf52/serial_device.c),
 * which gives the JavaScript the same face as the host runtime's (native/xs/natives/host/serial_host.c).
 *
 * Received bytes are put into a ring by the interrupt handler; the main loop takes them with serial_port_read.
 * The ring holds more than the protocol's credits' worth of frames (docs/serial-protocol.md §1.7: 4 commands of
 * at most 266 bytes on the wire), so a host that keeps to its credits never overruns it; bytes that arrive
 * while the ring is full are dropped and counted (the protocol's CRC and resynchronisation, §1.5, see to the rest).
 */
#ifndef SERIAL_PORT_H
#define SERIAL_PORT_H

#include <stddef.h>
#include <stdint.h>

/* The ring: a power of two, at least 4 frames of 266 bytes. */
#define SERIAL_RING_BYTES 2048u

/* Start the port (receiving from here on). 0, or a negative number when there is no port. */
int serial_port_open(void);
/* Up to `cap` received bytes, in order; 0 when none. Main loop only. */
size_t serial_port_read(uint8_t *out, size_t cap);
/* Send all of `data` (blocking; a modem's frames are small). 0, or negative when the host cannot take them
 * (USB: not configured / the host closed the port), the bytes then being dropped. Main loop only. */
int serial_port_write(const uint8_t *data, size_t len);
/* 1 while the host is there (UART: always; USB: configured with DTR set), 0 after it went away. */
int serial_port_connected(void);
/* Bytes dropped because the ring was full (or the UART reported an overrun), since serial_port_open. */
uint32_t serial_port_dropped(void);

/* ---- the ring shared by the implementations: written by one interrupt handler, read by the main loop */
typedef struct {
    volatile uint8_t bytes[SERIAL_RING_BYTES];
    volatile uint32_t head; /* written by the interrupt handler */
    volatile uint32_t tail; /* written by the main loop */
    volatile uint32_t dropped;
} serial_ring_t;

static inline uint32_t serial_ring_used(const serial_ring_t *r) { return r->head - r->tail; }
static inline uint32_t serial_ring_free(const serial_ring_t *r) { return SERIAL_RING_BYTES - serial_ring_used(r); }

/* Interrupt side: append `len` bytes; those that do not fit are dropped and counted. Returns how many fit. */
static inline size_t serial_ring_put(serial_ring_t *r, const volatile uint8_t *data, size_t len) {
    size_t n = serial_ring_free(r);
    if (n > len) n = len;
    for (size_t i = 0; i < n; i++) r->bytes[(r->head + i) & (SERIAL_RING_BYTES - 1u)] = data[i];
    r->head += (uint32_t)n;
    r->dropped += (uint32_t)(len - n);
    return n;
}

/* Main-loop side: take up to `cap` bytes. */
static inline size_t serial_ring_take(serial_ring_t *r, uint8_t *out, size_t cap) {
    size_t n = serial_ring_used(r);
    if (n > cap) n = cap;
    for (size_t i = 0; i < n; i++) out[i] = r->bytes[(r->tail + i) & (SERIAL_RING_BYTES - 1u)];
    r->tail += (uint32_t)n;
    return n;
}

#endif
