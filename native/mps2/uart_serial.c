/*
 * The twin's modem serial port (native/boards/serial_port.h): CMSDK APB UART2 of qemu-system-arm -M mps2-an386
 * (base 0x40006000, RX interrupt 4), which QEMU connects to its third -serial backend (the first is UART0, the
 * log; the second UART1, the air hub), e.g. -serial tcp:127.0.0.1:PORT,server=on,wait=off or -serial pty.
 *
 * Receiving: the RX interrupt moves each byte into the ring. When the ring is full the handler turns the RX
 * interrupt off and leaves the byte in the UART (QEMU then stops reading its backend: nothing is lost, the
 * flow control of a real UART's RTS); the main loop turns it back on once it has taken bytes.
 * Sending: byte by byte, waiting while TXFULL.
 */
#include "../boards/serial_port.h"
#include "../nrf52/regs/armv7m.h"
#include "mps2.h"

#define SERIAL_UART_BASE 0x40006000u
#define SERIAL_UART_RX_IRQn 4

static serial_ring_t ring;
static int opened;

void UART2RX_IRQHandler(void) {
    UART_INTSTATUS(SERIAL_UART_BASE) = UART_INT_RX;
    while (UART_STATE(SERIAL_UART_BASE) & UART_STATE_RXFULL) {
        if (serial_ring_free(&ring) == 0) {
            UART_CTRL(SERIAL_UART_BASE) &= ~UART_CTRL_RXINTEN;
            return;
        }
        uint8_t b = (uint8_t)UART_DATA(SERIAL_UART_BASE);
        serial_ring_put(&ring, &b, 1);
    }
    if (UART_STATE(SERIAL_UART_BASE) & UART_STATE_RXOVR) {
        UART_STATE(SERIAL_UART_BASE) = UART_STATE_RXOVR; /* write 1 to clear */
        ring.dropped++;
    }
}

int serial_port_open(void) {
    if (opened) return 0;
    UART_BAUDDIV(SERIAL_UART_BASE) = MPS2_SYSCLK_HZ / 115200u;
    UART_CTRL(SERIAL_UART_BASE) = UART_CTRL_TXEN | UART_CTRL_RXEN | UART_CTRL_RXINTEN;
    nvic_set_priority(SERIAL_UART_RX_IRQn, 2);
    nvic_enable(SERIAL_UART_RX_IRQn);
    opened = 1;
    return 0;
}

size_t serial_port_read(uint8_t *out, size_t cap) {
    size_t n = serial_ring_take(&ring, out, cap);
    if (n && !(UART_CTRL(SERIAL_UART_BASE) & UART_CTRL_RXINTEN)) {
        /* the handler had stopped at a full ring: take the byte waiting in the UART, then resume */
        uint32_t key = irq_save();
        UART_CTRL(SERIAL_UART_BASE) |= UART_CTRL_RXINTEN;
        UART2RX_IRQHandler();
        irq_restore(key);
    }
    return n;
}

int serial_port_write(const uint8_t *data, size_t len) {
    for (size_t i = 0; i < len; i++) {
        while (UART_STATE(SERIAL_UART_BASE) & UART_STATE_TXFULL) {
        }
        UART_DATA(SERIAL_UART_BASE) = data[i];
    }
    return 0;
}

int serial_port_connected(void) { return opened; }

uint32_t serial_port_dropped(void) { return ring.dropped; }
