/*
 * The nRF52840 Dongle modem's serial port (native/boards/serial_port.h) over USB: our bare-metal USBD driver
 * (nRF52840 PS, "USBD — Universal serial bus device") running the CDC-ACM function of cdc_acm.c. No vendor SDK.
 *
 * Power-up (PS, USBD "USB power-up sequence", for the chip revisions without the USBD errata workarounds): VBUS
 * detected (POWER.USBREGSTATUS.VBUSDETECT), USBD ENABLE, wait for EVENTCAUSE.READY, wait for the USB supply
 * (USBREGSTATUS.OUTPUTRDY), the HFXO running (hal_init starts it for the radio), then USBPULLUP connects D+.
 *
 * Control transfers on EP0: EP0SETUP gives the SETUP packet in BMREQUESTTYPE..WLENGTHH; cdc_acm_setup() says what
 * to do: IN data through EasyDMA from a RAM stage (EasyDMA reads RAM only; the descriptors are in flash), 64 bytes
 * per STARTEPIN[0], the next on EP0DATADONE, a zero-length packet when the reply is a multiple of 64 and shorter
 * than asked, then EP0STATUS; OUT data (SET_LINE_CODING) by EP0RCVOUT, EP0DATADONE, STARTEPOUT[0], ENDEPOUT[0];
 * a request error by EP0STALL; SET_ADDRESS is done by the USBD itself.
 *
 * Bulk data: OUT endpoint 2: EPDATA (EPDATASTATUS bit 16+2) says a packet waits in the USBD; it is moved by
 * STARTEPOUT[2] (SIZE.EPOUT[2] bytes) only when the ring has room for a whole packet, and the USBD NAKs the host
 * meanwhile: USB's own flow control, nothing is lost. ENDEPOUT[2] puts the packet into the ring. IN endpoint 1:
 * serial_port_write queues bytes in a TX ring; a packet of up to 64 goes out by STARTEPIN[1]; EPDATA (bit 1)
 * says the host took it, and the next one goes. Without a host that has the port open (configured, DTR set)
 * writes are dropped, as a UART's bytes are when nobody listens.
 */
#include <string.h>

#include "../boards/hal.h"
#include "../boards/serial_port.h"
#include "cdc_acm.h"
#include "drivers.h"
#include "regs/armv7m.h"
#include "regs/nrf52840.h"
#include "regs/power.h"

#define USBD_BASE 0x40027000u
#define USBD(off) NRF_REG(USBD_BASE, off)
#define TASKS_STARTEPIN(n) USBD(0x004 + 4u * (n))
#define TASKS_STARTEPOUT(n) USBD(0x028 + 4u * (n))
#define TASKS_EP0RCVOUT USBD(0x04C)
#define TASKS_EP0STATUS USBD(0x050)
#define TASKS_EP0STALL USBD(0x054)
#define EVENTS_USBRESET USBD(0x100)
#define EVENTS_ENDEPIN(n) USBD(0x108 + 4u * (n))
#define EVENTS_EP0DATADONE USBD(0x128)
#define EVENTS_ENDEPOUT(n) USBD(0x130 + 4u * (n))
#define EVENTS_USBEVENT USBD(0x158)
#define EVENTS_EP0SETUP USBD(0x15C)
#define EVENTS_EPDATA USBD(0x160)
#define INTENSET USBD(0x304)
#define EVENTCAUSE USBD(0x400)
#define EPDATASTATUS USBD(0x46C)
#define BMREQUESTTYPE USBD(0x480)
#define BREQUEST USBD(0x484)
#define WVALUEL USBD(0x488)
#define WVALUEH USBD(0x48C)
#define WINDEXL USBD(0x490)
#define WINDEXH USBD(0x494)
#define WLENGTHL USBD(0x498)
#define WLENGTHH USBD(0x49C)
#define SIZE_EPOUT(n) USBD(0x4A0 + 4u * (n))
#define ENABLE USBD(0x500)
#define USBPULLUP USBD(0x504)
#define EPINEN USBD(0x510)
#define EPOUTEN USBD(0x514)
#define EPIN_PTR(n) USBD(0x600 + 0x14u * (n))
#define EPIN_MAXCNT(n) USBD(0x604 + 0x14u * (n))
#define EPOUT_PTR(n) USBD(0x700 + 0x14u * (n))
#define EPOUT_MAXCNT(n) USBD(0x704 + 0x14u * (n))
#define EPOUT_AMOUNT(n) USBD(0x708 + 0x14u * (n))

#define EVENTCAUSE_READY (1u << 11)
#define USBREGSTATUS_VBUSDETECT (1u << 0)
#define USBREGSTATUS_OUTPUTRDY (1u << 1)
/* INTEN bits: USBRESET 0, ENDEPIN0..7 2..9, EP0DATADONE 10, ENDEPOUT0..7 12..19, USBEVENT 22, EP0SETUP 23, EPDATA 24 */
#define INT_USBRESET (1u << 0)
#define INT_EP0DATADONE (1u << 10)
#define INT_ENDEPOUT(n) (1u << (12 + (n)))
#define INT_USBEVENT (1u << 22)
#define INT_EP0SETUP (1u << 23)
#define INT_EPDATA (1u << 24)
#define EPDATA_IN(n) (1u << (n))
#define EPDATA_OUT(n) (1u << (16 + (n)))
#define TX_RING 1024u
#define POWER_UP_SPINS 10000000u /* a few hundred ms at 64 MHz: the supply and the PHY are ready in microseconds */

static cdc_acm_t fn;
static serial_ring_t ring;
static uint8_t ep0_stage[CDC_ACM_EP0_SIZE], ep0_out[8], out_pkt[CDC_ACM_BULK_SIZE], in_pkt[CDC_ACM_BULK_SIZE];
static struct {
    usb_setup_t setup;
    const uint8_t *data; /* IN data stage: what is left to send */
    uint16_t left;
    uint8_t zlp;    /* a zero-length packet ends the data stage */
    uint8_t dir_in; /* the data stage's direction */
} ep0;
static volatile uint8_t tx_ring[TX_RING];
static volatile uint32_t tx_head, tx_tail;
static volatile int tx_busy, out_waiting;
static int opened;

static void ep0_send_next(void) {
    uint16_t n = ep0.left < CDC_ACM_EP0_SIZE ? ep0.left : CDC_ACM_EP0_SIZE;
    memcpy(ep0_stage, ep0.data, n);
    ep0.data += n;
    ep0.left = (uint16_t)(ep0.left - n);
    EPIN_PTR(0) = (uint32_t)(uintptr_t)ep0_stage;
    EPIN_MAXCNT(0) = n;
    TASKS_STARTEPIN(0) = NRF_TASK_TRIGGER;
}

static void enable_data_endpoints(int on) {
    EPINEN = on ? (1u | (1u << CDC_ACM_EP_DATA_IN) | (1u << CDC_ACM_EP_NOTIFY)) : 1u;
    EPOUTEN = on ? (1u | (1u << CDC_ACM_EP_DATA_OUT)) : 1u;
    tx_busy = 0;
    out_waiting = 0;
    if (on) SIZE_EPOUT(CDC_ACM_EP_DATA_OUT) = 0; /* any write: the endpoint accepts the host's first packet */
}

static void on_setup(void) {
    usb_setup_t *s = &ep0.setup;
    s->bmRequestType = (uint8_t)BMREQUESTTYPE;
    s->bRequest = (uint8_t)BREQUEST;
    s->wValue = (uint16_t)((WVALUEH << 8) | WVALUEL);
    s->wIndex = (uint16_t)((WINDEXH << 8) | WINDEXL);
    s->wLength = (uint16_t)((WLENGTHH << 8) | WLENGTHL);
    uint8_t was = fn.configuration;
    const uint8_t *data;
    uint16_t len;
    switch (cdc_acm_setup(&fn, s, &data, &len)) {
    case USB_CTRL_IN:
        ep0.dir_in = 1;
        ep0.data = data;
        ep0.left = len;
        ep0.zlp = len < s->wLength && len % CDC_ACM_EP0_SIZE == 0;
        ep0_send_next();
        break;
    case USB_CTRL_OUT:
        ep0.dir_in = 0;
        TASKS_EP0RCVOUT = NRF_TASK_TRIGGER;
        break;
    case USB_CTRL_STATUS:
        if (fn.configuration != was) enable_data_endpoints(fn.configuration);
        TASKS_EP0STATUS = NRF_TASK_TRIGGER;
        break;
    case USB_CTRL_ADDRESS:
        break;
    case USB_CTRL_STALL:
        TASKS_EP0STALL = NRF_TASK_TRIGGER;
        break;
    }
}

static void on_ep0_data_done(void) {
    if (!ep0.dir_in) { /* the host's data is in the USBD: move it */
        EPOUT_PTR(0) = (uint32_t)(uintptr_t)ep0_out;
        EPOUT_MAXCNT(0) = sizeof ep0_out;
        TASKS_STARTEPOUT(0) = NRF_TASK_TRIGGER;
    } else if (ep0.left || ep0.zlp) {
        if (!ep0.left) ep0.zlp = 0;
        ep0_send_next();
    } else {
        TASKS_EP0STATUS = NRF_TASK_TRIGGER;
    }
}

/* Move the waiting OUT packet into the ring when a whole packet fits (else the USBD NAKs the host). */
static void out_take(void) {
    if (out_waiting != 1 || serial_ring_free(&ring) < CDC_ACM_BULK_SIZE) return;
    uint32_t n = SIZE_EPOUT(CDC_ACM_EP_DATA_OUT);
    out_waiting = 2; /* the DMA runs */
    EPOUT_PTR(CDC_ACM_EP_DATA_OUT) = (uint32_t)(uintptr_t)out_pkt;
    EPOUT_MAXCNT(CDC_ACM_EP_DATA_OUT) = n > CDC_ACM_BULK_SIZE ? CDC_ACM_BULK_SIZE : n;
    TASKS_STARTEPOUT(CDC_ACM_EP_DATA_OUT) = NRF_TASK_TRIGGER;
}

/* Send the next IN packet from the TX ring, if the endpoint is free. */
static void in_send(void) {
    if (tx_busy || !fn.configuration) return;
    uint32_t n = tx_head - tx_tail;
    if (!n) return;
    if (n > CDC_ACM_BULK_SIZE) n = CDC_ACM_BULK_SIZE;
    for (uint32_t i = 0; i < n; i++) in_pkt[i] = tx_ring[(tx_tail + i) % TX_RING];
    tx_tail += n;
    tx_busy = 1;
    EPIN_PTR(CDC_ACM_EP_DATA_IN) = (uint32_t)(uintptr_t)in_pkt;
    EPIN_MAXCNT(CDC_ACM_EP_DATA_IN) = n;
    TASKS_STARTEPIN(CDC_ACM_EP_DATA_IN) = NRF_TASK_TRIGGER;
}

void USBD_IRQHandler(void) {
    if (EVENTS_USBRESET) { /* USB 2.0 §9.1.1.3: back to the Default state */
        EVENTS_USBRESET = NRF_EVENT_CLEAR;
        char serial[sizeof fn.serial];
        memcpy(serial, fn.serial, sizeof serial);
        cdc_acm_reset(&fn, serial);
        enable_data_endpoints(0);
        tx_tail = tx_head;
    }
    if (EVENTS_USBEVENT) { /* suspend, resume: nothing to do (the Dongle is bus-powered and stays awake) */
        EVENTS_USBEVENT = NRF_EVENT_CLEAR;
        EVENTCAUSE = EVENTCAUSE; /* write 1s to clear */
    }
    if (EVENTS_EP0SETUP) {
        EVENTS_EP0SETUP = NRF_EVENT_CLEAR;
        on_setup();
    }
    if (EVENTS_EP0DATADONE) {
        EVENTS_EP0DATADONE = NRF_EVENT_CLEAR;
        on_ep0_data_done();
    }
    if (EVENTS_ENDEPOUT(0)) {
        EVENTS_ENDEPOUT(0) = NRF_EVENT_CLEAR;
        usb_ctrl_t r = cdc_acm_control_out(&fn, &ep0.setup, ep0_out, (uint16_t)EPOUT_AMOUNT(0));
        if (r == USB_CTRL_STATUS) TASKS_EP0STATUS = NRF_TASK_TRIGGER;
        else TASKS_EP0STALL = NRF_TASK_TRIGGER;
    }
    if (EVENTS_EPDATA) {
        EVENTS_EPDATA = NRF_EVENT_CLEAR;
        uint32_t status = EPDATASTATUS;
        EPDATASTATUS = status; /* write 1s to clear */
        if (status & EPDATA_IN(CDC_ACM_EP_DATA_IN)) {
            tx_busy = 0;
            in_send();
        }
        if (status & EPDATA_OUT(CDC_ACM_EP_DATA_OUT)) {
            out_waiting = 1;
            out_take();
        }
    }
    if (EVENTS_ENDEPOUT(CDC_ACM_EP_DATA_OUT)) {
        EVENTS_ENDEPOUT(CDC_ACM_EP_DATA_OUT) = NRF_EVENT_CLEAR;
        serial_ring_put(&ring, out_pkt, EPOUT_AMOUNT(CDC_ACM_EP_DATA_OUT));
        out_waiting = 0;
    }
}

static int wait_for(volatile uint32_t *reg, uint32_t mask) {
    for (uint32_t i = 0; i < POWER_UP_SPINS; i++)
        if (*reg & mask) return 1;
    return 0;
}

int serial_port_open(void) {
    uint32_t id[2];
    char serial[17];
    static const char hexdigits[] = "0123456789ABCDEF";
    if (opened) return 0;
    ficr_device_id(id);
    for (int i = 0; i < 16; i++) serial[i] = hexdigits[(id[i / 8] >> (28 - 4 * (i % 8))) & 0xFu];
    serial[16] = 0;
    cdc_acm_reset(&fn, serial);
    if (!(POWER_USBREGSTATUS & USBREGSTATUS_VBUSDETECT)) return -1; /* not on USB: no port */
    ENABLE = 1;
    if (!wait_for(&EVENTCAUSE, EVENTCAUSE_READY)) return -1;
    EVENTCAUSE = EVENTCAUSE_READY;
    if (!wait_for(&POWER_USBREGSTATUS, USBREGSTATUS_OUTPUTRDY)) return -1;
    clock_hfxo_start();
    enable_data_endpoints(0);
    INTENSET = INT_USBRESET | INT_EP0DATADONE | INT_ENDEPOUT(0) | INT_ENDEPOUT(CDC_ACM_EP_DATA_OUT) | INT_USBEVENT |
               INT_EP0SETUP | INT_EPDATA;
    nvic_set_priority(USBD_IRQn, 2);
    nvic_enable(USBD_IRQn);
    USBPULLUP = 1;
    opened = 1;
    return 0;
}

size_t serial_port_read(uint8_t *out, size_t cap) {
    size_t n = serial_ring_take(&ring, out, cap);
    if (n) {
        uint32_t key = irq_save();
        out_take(); /* a packet the host was kept waiting with: room for it now */
        irq_restore(key);
    }
    return n;
}

int serial_port_write(const uint8_t *data, size_t len) {
    uint32_t t0 = hal_now_ms();
    for (size_t i = 0; i < len;) {
        if (!cdc_acm_host_open(&fn)) return -1;
        if (tx_head - tx_tail < TX_RING) {
            tx_ring[tx_head % TX_RING] = data[i++];
            tx_head++;
            continue;
        }
        uint32_t key = irq_save();
        in_send();
        irq_restore(key);
        if ((int32_t)(hal_now_ms() - t0) > 500) return -1; /* the host stopped reading */
    }
    uint32_t key = irq_save();
    in_send();
    irq_restore(key);
    return 0;
}

int serial_port_connected(void) { return cdc_acm_host_open(&fn); }

uint32_t serial_port_dropped(void) { return ring.dropped; }
