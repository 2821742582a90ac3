/* UARTE: blocking transmit through EasyDMA (which reads RAM only, so data is staged in a RAM buffer). */
#include <string.h>

#include "drivers.h"
#include "regs/gpio.h"
#include "regs/uarte.h"

static uint8_t tx_stage[64];

void uarte_init(uint32_t base, uint32_t tx_pin, uint32_t rx_pin, uint32_t baudrate) {
    gpio_output(tx_pin, 1); /* idle high */
    UARTE_ENABLE(base) = 0;
    UARTE_PSEL_TXD(base) = tx_pin;
    UARTE_PSEL_RXD(base) = rx_pin;
    UARTE_PSEL_RTS(base) = UARTE_PSEL_DISCONNECTED;
    UARTE_PSEL_CTS(base) = UARTE_PSEL_DISCONNECTED;
    UARTE_BAUDRATE(base) = baudrate;
    UARTE_CONFIG(base) = 0; /* 8N1, no flow control */
    UARTE_INTENCLR(base) = 0xFFFFFFFFu;
    UARTE_ENABLE(base) = UARTE_ENABLE_ENABLED;
}

void uarte_write(uint32_t base, const void *data, size_t len) {
    const uint8_t *p = (const uint8_t *)data;
    while (len) {
        size_t n = len < sizeof tx_stage ? len : sizeof tx_stage;
        memcpy(tx_stage, p, n);
        UARTE_EVENTS_ENDTX(base) = NRF_EVENT_CLEAR;
        UARTE_TXD_PTR(base) = (uint32_t)(uintptr_t)tx_stage;
        UARTE_TXD_MAXCNT(base) = (uint32_t)n;
        UARTE_TASKS_STARTTX(base) = NRF_TASK_TRIGGER;
        while (UARTE_EVENTS_ENDTX(base) == 0) {
        }
        UARTE_EVENTS_ENDTX(base) = NRF_EVENT_CLEAR;
        p += n;
        len -= n;
    }
    /* Stop the transmitter so the UARTE does not keep the HFCLK requested. */
    UARTE_EVENTS_TXSTOPPED(base) = NRF_EVENT_CLEAR;
    UARTE_TASKS_STOPTX(base) = NRF_TASK_TRIGGER;
    while (UARTE_EVENTS_TXSTOPPED(base) == 0) {
    }
}
