// sources:
/*
 * The DK modem's serial port (native/nrf52/uarte_serial.c, with uarte.c and gpio.c) compiled on the host against
 * fake registers: the UARTE0 configuration for the J-Link VCOM (PSEL TXD P0.06, RXD P0.08, RTS P0.05, CTS P0.07;
 * CONFIG.HWFC; BAUDRATE 0x01D60000 for 115200, 0x10000000 for 1 Mbaud: nRF52840 PS, UARTE BAUDRATE), reception
 * through the two EasyDMA buffers (RXSTARTED -> next RXD.PTR, ENDRX -> RXD.AMOUNT bytes into the ring), a partly
 * filled buffer collected by STOPRX -> ENDRX -> RXTO -> FLUSHRX -> ENDRX -> STARTRX without losing a byte,
 * a full ring and line errors counted as dropped, and transmission through EasyDMA from RAM.
 */
#include <stdint.h>
#include <string.h>

#define UARTE_BASE 0x40002000u
static uint32_t fake_uarte[1024], fake_other, fake_one;
static uint8_t fake_other8;
static unsigned starttx_count;
static uint8_t tx_seen[4096];
static size_t tx_seen_len;
static void capture_tx(void);
static volatile uint32_t *fake_reg(uintptr_t addr) {
    if (addr >= UARTE_BASE && addr < UARTE_BASE + 0x1000u) {
        uintptr_t off = addr - UARTE_BASE;
        if (off == 0x008) capture_tx();            /* TASKS_STARTTX: the driver set TXD.PTR/MAXCNT already */
        if (off == 0x120 || off == 0x158) {        /* ENDTX, TXSTOPPED: the fake transmitter is instantaneous */
            fake_one = 1;
            return &fake_one;
        }
        return &fake_uarte[off / 4];
    }
    return &fake_other;
}
#define NRF_REG(base, offset) (*fake_reg((uintptr_t)(base) + (uintptr_t)(offset)))
#define ARMV7M_REG(addr) (*fake_reg((uintptr_t)(addr)))
#define ARMV7M_REG8(addr) (*((void)(addr), &fake_other8))

#include "../../native/nrf52/gpio.c"
#include "../../native/nrf52/uarte.c"
#include "../../native/nrf52/uarte_serial.c"
#include "test.h"

#define U(off) fake_uarte[(off) / 4]
#define PTR32(p) ((uint32_t)(uintptr_t)(p))

static void capture_tx(void) {
    if (U(0x544) == PTR32(tx_stage) && tx_seen_len + U(0x548) <= sizeof tx_seen) {
        memcpy(tx_seen + tx_seen_len, tx_stage, U(0x548));
        tx_seen_len += U(0x548);
    }
    starttx_count++;
}

static void reset(uint32_t baud) {
    memset(fake_uarte, 0, sizeof fake_uarte);
    tx_seen_len = 0;
    starttx_count = 0;
    uarte_serial_open(baud);
}

/* The fake UARTE receives `n` bytes into the buffer its reception started with (the latched RXD.PTR), then
 * raises ENDRX (and, with the short, starts the next buffer: RXSTARTED). */
static const uint8_t *buffer_at(uint32_t ptr) { return ptr == PTR32(dma[0]) ? dma[0] : ptr == PTR32(dma[1]) ? dma[1] : NULL; }

static void test_uarte_configuration_for_the_vcom(void) {
    reset(UARTE_BAUD_115200);
    CHECK_EQ(U(0x50C), 6);          /* PSEL.TXD P0.06 */
    CHECK_EQ(U(0x514), 8);          /* PSEL.RXD P0.08 */
    CHECK_EQ(U(0x508), 5);          /* PSEL.RTS P0.05 */
    CHECK_EQ(U(0x510), 7);          /* PSEL.CTS P0.07 */
    CHECK_EQ(U(0x56C), 1);          /* CONFIG: HWFC, no parity, one stop bit */
    CHECK_EQ(U(0x524), 0x01D60000); /* BAUDRATE 115200 */
    CHECK_EQ(U(0x500), 8);          /* ENABLE: UARTE */
    CHECK_EQ(U(0x534), PTR32(dma[0]));
    CHECK_EQ(U(0x538), 64);         /* RXD.MAXCNT */
    CHECK_EQ(U(0x200), 1u << 5);    /* SHORTS: ENDRX_STARTRX */
    CHECK_EQ(U(0x000), 1);          /* TASKS_STARTRX */
    CHECK_EQ(U(0x304) & ((1u << 4) | (1u << 17) | (1u << 19) | (1u << 9) | (1u << 2)), (1u << 4) | (1u << 17) | (1u << 19) | (1u << 9) | (1u << 2));
    reset(UARTE_BAUD_1M);
    CHECK_EQ(U(0x524), 0x10000000); /* BAUDRATE 1M */
}

static void test_full_buffers_go_to_the_ring_in_order(void) {
    reset(UARTE_BAUD_1M);
    uint8_t expect[200], got[256];
    for (unsigned i = 0; i < sizeof expect; i++) expect[i] = (uint8_t)(i * 7 + 1);
    size_t fed = 0;
    uint32_t ptr = U(0x534);
    for (int k = 0; k < 3; k++) { /* three full buffers, alternating */
        U(0x14C) = 1; /* RXSTARTED: the driver names the next buffer */
        UARTE0_UART0_IRQHandler();
        uint32_t next = U(0x534);
        CHECK(next != ptr);
        memcpy((uint8_t *)buffer_at(ptr), expect + fed, 64);
        fed += 64;
        U(0x53C) = 64; /* RXD.AMOUNT */
        U(0x110) = 1;  /* ENDRX (the short restarts into `next`) */
        UARTE0_UART0_IRQHandler();
        ptr = next;
    }
    CHECK_EQ(serial_port_read(got, sizeof got), 192);
    CHECK(memcmp(got, expect, 192) == 0);
    CHECK_EQ(serial_port_dropped(), 0);
}

static void test_a_partly_filled_buffer_is_collected_without_losing_bytes(void) {
    reset(UARTE_BAUD_115200);
    uint8_t got[64];
    U(0x14C) = 1;
    UARTE0_UART0_IRQHandler(); /* RXSTARTED for dma[0] */
    CHECK_EQ(serial_port_read(got, sizeof got), 0);
    CHECK_EQ(U(0x004), 0); /* nothing received: no STOPRX */
    /* 10 bytes of a frame arrive: RXDRDY wakes the loop */
    memcpy(dma[0], "0123456789", 10);
    U(0x108) = 1;
    UARTE0_UART0_IRQHandler();
    CHECK_EQ(U(0x308) & (1u << 2), 1u << 2); /* RXDRDY interrupt off until the next collection */
    CHECK_EQ(serial_port_read(got, sizeof got), 0);
    CHECK_EQ(U(0x200), 0); /* the short is off: ENDRX must not restart */
    CHECK_EQ(U(0x004), 1); /* STOPRX */
    /* the UARTE stops: ENDRX with the 10 bytes, then RXTO; 3 more bytes sit in the RX FIFO */
    U(0x53C) = 10;
    U(0x110) = 1;
    UARTE0_UART0_IRQHandler();
    U(0x144) = 1;
    UARTE0_UART0_IRQHandler();
    CHECK_EQ(U(0x02C), 1); /* FLUSHRX */
    uint8_t *flush = (uint8_t *)buffer_at(U(0x534));
    REQUIRE(flush != NULL);
    CHECK(flush != dma[0]);
    memcpy(flush, "abc", 3);
    U(0x000) = 0;
    U(0x53C) = 3;
    U(0x110) = 1; /* the flush's ENDRX */
    UARTE0_UART0_IRQHandler();
    CHECK_EQ(U(0x000), 1);        /* STARTRX again */
    CHECK_EQ(U(0x200), 1u << 5);  /* with the short */
    CHECK_EQ(U(0x304) & (1u << 2), 1u << 2); /* RXDRDY wakes the loop again */
    CHECK_EQ(serial_port_read(got, sizeof got), 13);
    CHECK(memcmp(got, "0123456789abc", 13) == 0);
}

static void test_a_full_ring_and_line_errors_count_as_dropped(void) {
    reset(UARTE_BAUD_115200);
    for (unsigned k = 0; k < SERIAL_RING_BYTES / 64 + 2; k++) {
        U(0x14C) = 1;
        UARTE0_UART0_IRQHandler();
        U(0x53C) = 64;
        U(0x110) = 1;
        UARTE0_UART0_IRQHandler();
    }
    CHECK_EQ(serial_port_dropped(), 128);
    U(0x480) = 1; /* ERRORSRC: OVERRUN */
    U(0x124) = 1;
    UARTE0_UART0_IRQHandler();
    CHECK_EQ(serial_port_dropped(), 129);
    CHECK_EQ(U(0x124), 0);
    uint8_t got[SERIAL_RING_BYTES];
    CHECK_EQ(serial_port_read(got, sizeof got), SERIAL_RING_BYTES);
    CHECK_EQ(serial_port_read(got, sizeof got), 0);
}

static void test_transmit_through_easydma_from_ram(void) {
    reset(UARTE_BAUD_1M);
    uint8_t frame[150];
    for (unsigned i = 0; i < sizeof frame; i++) frame[i] = (uint8_t)(255 - i);
    CHECK_EQ(serial_port_write(frame, sizeof frame), 0);
    CHECK_EQ(tx_seen_len, sizeof frame);
    CHECK(memcmp(tx_seen, frame, sizeof frame) == 0);
    CHECK_EQ(starttx_count, 3); /* 64 + 64 + 22 through the 64-byte RAM stage */
    CHECK_EQ(U(0x00C), 1);      /* STOPTX: the transmitter does not keep HFCLK requested */
}

int main(void) {
    RUN(test_uarte_configuration_for_the_vcom);
    RUN(test_full_buffers_go_to_the_ring_in_order);
    RUN(test_a_partly_filled_buffer_is_collected_without_losing_bytes);
    RUN(test_a_full_ring_and_line_errors_count_as_dropped);
    RUN(test_transmit_through_easydma_from_ram);
    return test_summary();
}
