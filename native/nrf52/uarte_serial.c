/*
 * The nRF52840 DK modem's serial port (native/boards/serial_port.h): UARTE0 on the interface MCU's virtual COM
 * port (nRF52840 DK User Guide, "Virtual COM port": P0.06 TXD, P0.08 RXD, P0.05 RTS, P0.07 CTS), 8N1 with RTS/CTS
 * hardware flow control, 115200 baud (build with -DMODEM_SERIAL_1M for 1 Mbaud).
 *
 * Receiving (nRF52840 PS, UARTE "Reception"): EasyDMA into two 64-byte buffers in turn. RXD.PTR is double-buffered:
 * on RXSTARTED the next buffer's address is written, and the ENDRX->STARTRX short restarts reception into it the
 * moment one fills, so no byte falls between buffers; each ENDRX copies RXD.AMOUNT bytes into the ring. A buffer
 * only partly filled (the end of a frame) is collected when the main loop asks (serial_port_read): the first
 * RXDRDY after a collection raises the interrupt (waking the loop); the loop clears the short and triggers STOPRX;
 * the UARTE answers ENDRX (the buffer's bytes) then RXTO; on RXTO, FLUSHRX moves what is still in the RX FIFO
 * (up to 4 bytes received after STOPRX, RTS being deasserted meanwhile) into the next buffer and ends with ENDRX,
 * after which reception restarts. The PS guarantees no ENDRX after RXTO except the flush's, so nothing is lost.
 * Errors (overrun, framing, parity, break) are counted as dropped bytes: the protocol's CRC sees to the frame.
 *
 * Sending: blocking EasyDMA through uarte_write (uarte.c).
 */
#include "../boards/serial_port.h"
#include "drivers.h"
#include "regs/armv7m.h"
#include "regs/gpio.h"
#include "regs/nrf52840.h"
#include "regs/uarte.h"

#define SERIAL_UARTE NRF_UARTE0_BASE
#define SERIAL_TX NRF_PIN(0, 6)
#define SERIAL_RX NRF_PIN(0, 8)
#define SERIAL_RTS NRF_PIN(0, 5)
#define SERIAL_CTS NRF_PIN(0, 7)
#define RX_CHUNK 64u

/* INTEN bits are the events' offsets from 0x100 / 4 (PS, UARTE INTEN); CONFIG.HWFC is bit 0. */
#define INT_RXDRDY (1u << 2)
#define INT_ENDRX (1u << 4)
#define INT_ERROR (1u << 9)
#define INT_RXTO (1u << 17)
#define INT_RXSTARTED (1u << 19)
#define CONFIG_HWFC 1u

enum { RX_RUNNING, RX_STOPPING, RX_FLUSHING };

static serial_ring_t ring;
static uint8_t dma[2][RX_CHUNK]; /* EasyDMA reaches RAM only: static buffers, never in flash */
static volatile unsigned cur;    /* the buffer the current (or last) reception writes */
static volatile int rx_state;
static volatile int rx_pending;  /* an RXDRDY since the last collection: a partly filled buffer to collect */
static int opened;

static void rx_start(void) {
    UARTE_RXD_PTR(SERIAL_UARTE) = (uint32_t)(uintptr_t)dma[cur];
    UARTE_RXD_MAXCNT(SERIAL_UARTE) = RX_CHUNK;
    UARTE_SHORTS(SERIAL_UARTE) = UARTE_SHORTS_ENDRX_STARTRX;
    rx_state = RX_RUNNING;
    UARTE_TASKS_STARTRX(SERIAL_UARTE) = NRF_TASK_TRIGGER;
}

void UARTE0_UART0_IRQHandler(void) {
    if (UARTE_EVENTS_RXDRDY(SERIAL_UARTE)) {
        UARTE_EVENTS_RXDRDY(SERIAL_UARTE) = NRF_EVENT_CLEAR;
        UARTE_INTENCLR(SERIAL_UARTE) = INT_RXDRDY; /* once per collection, not once per byte */
        rx_pending = 1;
    }
    if (UARTE_EVENTS_RXSTARTED(SERIAL_UARTE)) {
        UARTE_EVENTS_RXSTARTED(SERIAL_UARTE) = NRF_EVENT_CLEAR;
        UARTE_RXD_PTR(SERIAL_UARTE) = (uint32_t)(uintptr_t)dma[cur ^ 1u]; /* for the STARTRX the short triggers */
    }
    if (UARTE_EVENTS_ENDRX(SERIAL_UARTE)) {
        UARTE_EVENTS_ENDRX(SERIAL_UARTE) = NRF_EVENT_CLEAR;
        uint32_t n = UARTE_RXD_AMOUNT(SERIAL_UARTE);
        serial_ring_put(&ring, dma[cur], n > RX_CHUNK ? RX_CHUNK : n);
        cur ^= 1u;
        if (rx_state == RX_FLUSHING) { /* the flush's ENDRX: the FIFO is in RAM, receive again */
            UARTE_INTENSET(SERIAL_UARTE) = INT_RXDRDY;
            rx_start();
        }
    }
    if (UARTE_EVENTS_RXTO(SERIAL_UARTE)) {
        UARTE_EVENTS_RXTO(SERIAL_UARTE) = NRF_EVENT_CLEAR;
        rx_state = RX_FLUSHING;
        UARTE_RXD_PTR(SERIAL_UARTE) = (uint32_t)(uintptr_t)dma[cur];
        UARTE_RXD_MAXCNT(SERIAL_UARTE) = RX_CHUNK;
        UARTE_TASKS_FLUSHRX(SERIAL_UARTE) = NRF_TASK_TRIGGER;
    }
    if (UARTE_EVENTS_ERROR(SERIAL_UARTE)) {
        UARTE_EVENTS_ERROR(SERIAL_UARTE) = NRF_EVENT_CLEAR;
        UARTE_ERRORSRC(SERIAL_UARTE) = UARTE_ERRORSRC(SERIAL_UARTE); /* write 1s to clear */
        ring.dropped++;
    }
}

/* UARTE0 on the VCOM pins at `baudrate` (UARTE_BAUD_115200 or UARTE_BAUD_1M), receiving into the ring. */
void uarte_serial_open(uint32_t baudrate) {
    gpio_output(SERIAL_TX, 1); /* idle high */
    gpio_output(SERIAL_RTS, 1); /* deasserted until the UARTE drives it */
    UARTE_ENABLE(SERIAL_UARTE) = 0;
    UARTE_INTENCLR(SERIAL_UARTE) = 0xFFFFFFFFu;
    UARTE_PSEL_TXD(SERIAL_UARTE) = SERIAL_TX;
    UARTE_PSEL_RXD(SERIAL_UARTE) = SERIAL_RX;
    UARTE_PSEL_RTS(SERIAL_UARTE) = SERIAL_RTS;
    UARTE_PSEL_CTS(SERIAL_UARTE) = SERIAL_CTS;
    UARTE_BAUDRATE(SERIAL_UARTE) = baudrate;
    UARTE_CONFIG(SERIAL_UARTE) = CONFIG_HWFC; /* 8N1, RTS/CTS */
    UARTE_ENABLE(SERIAL_UARTE) = UARTE_ENABLE_ENABLED;
    ring.head = ring.tail = ring.dropped = 0;
    cur = 0;
    rx_pending = 0;
    UARTE_EVENTS_RXDRDY(SERIAL_UARTE) = NRF_EVENT_CLEAR;
    UARTE_EVENTS_ENDRX(SERIAL_UARTE) = NRF_EVENT_CLEAR;
    UARTE_EVENTS_RXTO(SERIAL_UARTE) = NRF_EVENT_CLEAR;
    UARTE_EVENTS_RXSTARTED(SERIAL_UARTE) = NRF_EVENT_CLEAR;
    UARTE_EVENTS_ERROR(SERIAL_UARTE) = NRF_EVENT_CLEAR;
    UARTE_INTENSET(SERIAL_UARTE) = INT_RXDRDY | INT_ENDRX | INT_RXTO | INT_RXSTARTED | INT_ERROR;
    nvic_set_priority(UARTE0_UART0_IRQn, 2);
    nvic_enable(UARTE0_UART0_IRQn);
    rx_start();
}

int serial_port_open(void) {
    if (!opened) uarte_serial_open(
#ifdef MODEM_SERIAL_1M
        UARTE_BAUD_1M
#else
        UARTE_BAUD_115200
#endif
    );
    opened = 1;
    return 0;
}

size_t serial_port_read(uint8_t *out, size_t cap) {
    uint32_t key = irq_save();
    if (rx_pending && rx_state == RX_RUNNING) {
        /* collect the partly filled buffer: stop (ENDRX, RXTO), flush the FIFO, restart (the handler does) */
        rx_pending = 0;
        rx_state = RX_STOPPING;
        UARTE_SHORTS(SERIAL_UARTE) = 0;
        UARTE_TASKS_STOPRX(SERIAL_UARTE) = NRF_TASK_TRIGGER;
    }
    irq_restore(key);
    return serial_ring_take(&ring, out, cap);
}

int serial_port_write(const uint8_t *data, size_t len) {
    uarte_write(SERIAL_UARTE, data, len);
    return 0;
}

int serial_port_connected(void) { return opened; }

uint32_t serial_port_dropped(void) { return ring.dropped; }
