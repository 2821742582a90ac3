/*
 * CDC-ACM: descriptors and control requests (cdc_acm.h). Chip-independent; the USBD driver (usbd.c) runs the
 * transfers. Full speed, one configuration, two interfaces (communication + data), no interface association
 * descriptor (the device class is CDC, so a host binds the whole device to its ACM driver).
 */
#include <string.h>

#include "cdc_acm.h"

/* USB 2.0 §9.4 Table 9-4 request codes; §9.4 Table 9-5 descriptor types; PSTN 1.2 §6.3 Table 13 class requests */
enum {
    REQ_GET_STATUS = 0, REQ_CLEAR_FEATURE = 1, REQ_SET_FEATURE = 3, REQ_SET_ADDRESS = 5, REQ_GET_DESCRIPTOR = 6,
    REQ_SET_DESCRIPTOR = 7, REQ_GET_CONFIGURATION = 8, REQ_SET_CONFIGURATION = 9, REQ_GET_INTERFACE = 10,
    REQ_SET_INTERFACE = 11,
    CDC_SET_LINE_CODING = 0x20, CDC_GET_LINE_CODING = 0x21, CDC_SET_CONTROL_LINE_STATE = 0x22, CDC_SEND_BREAK = 0x23,
};
enum { DESC_DEVICE = 1, DESC_CONFIGURATION = 2, DESC_STRING = 3 };
/* bmRequestType (USB 2.0 §9.3.1): direction bit 7, type bits 6..5, recipient bits 4..0 */
#define RT_IN 0x80u
#define RT_TYPE(rt) ((rt) & 0x60u)
#define RT_STANDARD 0x00u
#define RT_CLASS 0x20u
#define RT_RECIPIENT(rt) ((rt) & 0x1Fu)
#define RT_DEVICE 0u
#define RT_INTERFACE 1u
#define RT_ENDPOINT 2u

#define LO(x) (uint8_t)((x) & 0xFFu)
#define HI(x) (uint8_t)((x) >> 8)

const uint8_t cdc_acm_device_descriptor[18] = {
    18, DESC_DEVICE, 0x00, 0x02,  /* bLength, bDescriptorType, bcdUSB 2.00 */
    0x02, 0x00, 0x00,             /* bDeviceClass CDC (CDC 1.2 §4.1), subclass and protocol 0 */
    CDC_ACM_EP0_SIZE,             /* bMaxPacketSize0 */
    LO(CDC_ACM_VID), HI(CDC_ACM_VID), LO(CDC_ACM_PID), HI(CDC_ACM_PID),
    0x00, 0x01,                   /* bcdDevice 1.00 */
    1, 2, 3,                      /* iManufacturer, iProduct, iSerialNumber */
    1,                            /* bNumConfigurations */
};

const uint8_t cdc_acm_config_descriptor[67] = {
    /* configuration (USB 2.0 §9.6.3): 67 bytes in all, 2 interfaces, value 1, bus-powered, 100 mA */
    9, DESC_CONFIGURATION, 67, 0, 2, 1, 0, 0x80, 50,
    /* interface 0, communication class (CDC 1.2 §4.2), Abstract Control Model (§4.3), no protocol, 1 endpoint */
    9, 4, 0, 0, 1, 0x02, 0x02, 0x00, 0,
    /* CDC Header functional descriptor, bcdCDC 1.10 (CDC 1.2 §5.2.3.1) */
    5, 0x24, 0x00, 0x10, 0x01,
    /* Call Management (PSTN 1.2 §5.3.1): no call management, data interface 1 */
    5, 0x24, 0x01, 0x00, 1,
    /* Abstract Control Management (PSTN 1.2 §5.3.2): bit 1, the line coding and control line requests */
    4, 0x24, 0x02, 0x02,
    /* Union (CDC 1.2 §5.2.3.2): control interface 0, subordinate interface 1 */
    5, 0x24, 0x06, 0, 1,
    /* endpoint 0x83 interrupt IN, 16 bytes, every 16 ms (notifications) */
    7, 5, 0x80 | CDC_ACM_EP_NOTIFY, 0x03, 16, 0, 16,
    /* interface 1, data class (CDC 1.2 §4.5), 2 endpoints */
    9, 4, 1, 0, 2, 0x0A, 0x00, 0x00, 0,
    /* endpoint 0x02 bulk OUT, 64 bytes */
    7, 5, CDC_ACM_EP_DATA_OUT, 0x02, CDC_ACM_BULK_SIZE, 0, 0,
    /* endpoint 0x81 bulk IN, 64 bytes */
    7, 5, 0x80 | CDC_ACM_EP_DATA_IN, 0x02, CDC_ACM_BULK_SIZE, 0, 0,
};

static const uint8_t string_languages[4] = {4, DESC_STRING, 0x09, 0x04}; /* English (United States) */
static const char *const strings[] = {"Mesh XS", "Mesh modem (test VID/PID)"};

void cdc_acm_reset(cdc_acm_t *st, const char *serial) {
    memset(st, 0, sizeof *st);
    static const uint8_t default_coding[7] = {0x00, 0xC2, 0x01, 0x00, 0, 0, 8}; /* 115200, 1 stop bit, none, 8 */
    memcpy(st->line_coding, default_coding, sizeof default_coding);
    size_t n = serial ? strlen(serial) : 0;
    if (n > sizeof st->serial - 1) n = sizeof st->serial - 1;
    if (n) memcpy(st->serial, serial, n);
}

/* A string descriptor (USB 2.0 §9.6.7): ASCII text as UTF-16LE. */
static uint16_t string_descriptor(cdc_acm_t *st, const char *text) {
    size_t n = strlen(text);
    if (n > (sizeof st->string_buf - 2) / 2) n = (sizeof st->string_buf - 2) / 2;
    st->string_buf[0] = (uint8_t)(2 + 2 * n);
    st->string_buf[1] = DESC_STRING;
    for (size_t i = 0; i < n; i++) {
        st->string_buf[2 + 2 * i] = (uint8_t)text[i];
        st->string_buf[3 + 2 * i] = 0;
    }
    return (uint16_t)(2 + 2 * n);
}

static usb_ctrl_t reply(const uint8_t *bytes, uint16_t n, const usb_setup_t *s, const uint8_t **data, uint16_t *len) {
    *data = bytes;
    *len = n < s->wLength ? n : s->wLength; /* a host may ask for less, or more (USB 2.0 §9.3.5) */
    return USB_CTRL_IN;
}

static usb_ctrl_t get_descriptor(cdc_acm_t *st, const usb_setup_t *s, const uint8_t **data, uint16_t *len) {
    uint8_t type = HI(s->wValue), index = LO(s->wValue);
    switch (type) {
    case DESC_DEVICE:
        return index == 0 ? reply(cdc_acm_device_descriptor, sizeof cdc_acm_device_descriptor, s, data, len) : USB_CTRL_STALL;
    case DESC_CONFIGURATION:
        return index == 0 ? reply(cdc_acm_config_descriptor, sizeof cdc_acm_config_descriptor, s, data, len) : USB_CTRL_STALL;
    case DESC_STRING:
        if (index == 0) return reply(string_languages, sizeof string_languages, s, data, len);
        if (index <= 2) return reply(st->string_buf, string_descriptor(st, strings[index - 1]), s, data, len);
        if (index == 3 && st->serial[0]) return reply(st->string_buf, string_descriptor(st, st->serial), s, data, len);
        return USB_CTRL_STALL;
    default:
        /* among them DEVICE_QUALIFIER (6): a full-speed-only device answers it with a request error (§9.6.2) */
        return USB_CTRL_STALL;
    }
}

static usb_ctrl_t standard(cdc_acm_t *st, const usb_setup_t *s, const uint8_t **data, uint16_t *len) {
    int in = (s->bmRequestType & RT_IN) != 0;
    uint8_t to = RT_RECIPIENT(s->bmRequestType);
    switch (s->bRequest) {
    case REQ_GET_DESCRIPTOR:
        return in && to == RT_DEVICE ? get_descriptor(st, s, data, len) : USB_CTRL_STALL;
    case REQ_SET_ADDRESS:
        if (in || to != RT_DEVICE || s->wValue > 127 || s->wIndex || s->wLength || st->configuration) return USB_CTRL_STALL;
        st->address = (uint8_t)s->wValue;
        return USB_CTRL_ADDRESS;
    case REQ_SET_CONFIGURATION:
        if (in || to != RT_DEVICE || s->wValue > 1 || s->wLength || !st->address) return USB_CTRL_STALL;
        st->configuration = (uint8_t)s->wValue;
        if (!st->configuration) st->control_lines = 0;
        return USB_CTRL_STATUS;
    case REQ_GET_CONFIGURATION:
        if (!in || to != RT_DEVICE || s->wLength != 1) return USB_CTRL_STALL;
        st->reply[0] = st->configuration;
        return reply(st->reply, 1, s, data, len);
    case REQ_GET_STATUS:
        if (!in || s->wLength != 2) return USB_CTRL_STALL;
        if (to == RT_INTERFACE && (!st->configuration || s->wIndex > 1)) return USB_CTRL_STALL;
        st->reply[0] = 0; /* bus-powered, no remote wake-up; interfaces and endpoints: not halted */
        st->reply[1] = 0;
        return reply(st->reply, 2, s, data, len);
    case REQ_GET_INTERFACE:
        if (!in || to != RT_INTERFACE || !st->configuration || s->wIndex > 1 || s->wLength != 1) return USB_CTRL_STALL;
        st->reply[0] = 0;
        return reply(st->reply, 1, s, data, len);
    case REQ_SET_INTERFACE: /* only alternate setting 0 */
        return !in && to == RT_INTERFACE && st->configuration && s->wIndex <= 1 && s->wValue == 0 ? USB_CTRL_STATUS : USB_CTRL_STALL;
    default: /* SET_DESCRIPTOR, features (no remote wake-up, no test modes), SYNCH_FRAME: not supported */
        return USB_CTRL_STALL;
    }
}

usb_ctrl_t cdc_acm_setup(cdc_acm_t *st, const usb_setup_t *s, const uint8_t **data, uint16_t *len) {
    *data = NULL;
    *len = 0;
    if (RT_TYPE(s->bmRequestType) == RT_STANDARD) return standard(st, s, data, len);
    /* class requests go to the communication interface (wIndex 0), configured (PSTN 1.2 §6.3) */
    if (RT_TYPE(s->bmRequestType) != RT_CLASS || RT_RECIPIENT(s->bmRequestType) != RT_INTERFACE || s->wIndex != 0 ||
        !st->configuration)
        return USB_CTRL_STALL;
    int in = (s->bmRequestType & RT_IN) != 0;
    switch (s->bRequest) {
    case CDC_SET_LINE_CODING: /* §6.3.10: 7 bytes follow */
        return !in && s->wLength == 7 ? USB_CTRL_OUT : USB_CTRL_STALL;
    case CDC_GET_LINE_CODING: /* §6.3.11 */
        return in && s->wLength >= 7 ? reply(st->line_coding, 7, s, data, len) : USB_CTRL_STALL;
    case CDC_SET_CONTROL_LINE_STATE: /* §6.3.12: wValue bit 0 DTR, bit 1 RTS */
        if (in || s->wLength || s->wValue > 3) return USB_CTRL_STALL;
        st->control_lines = s->wValue;
        return USB_CTRL_STATUS;
    case CDC_SEND_BREAK: /* §6.3.13: accepted, nothing to do */
        return !in && !s->wLength ? USB_CTRL_STATUS : USB_CTRL_STALL;
    default:
        return USB_CTRL_STALL;
    }
}

usb_ctrl_t cdc_acm_control_out(cdc_acm_t *st, const usb_setup_t *s, const uint8_t *data, uint16_t len) {
    if (s->bRequest != CDC_SET_LINE_CODING || len != 7) return USB_CTRL_STALL;
    /* bCharFormat 0..2, bParityType 0..4, bDataBits 5, 6, 7, 8 or 16 (PSTN 1.2 Table 17). The rate and format
     * mean nothing on USB: kept to be read back, as hosts expect. */
    if (data[4] > 2 || data[5] > 4 || !((data[6] >= 5 && data[6] <= 8) || data[6] == 16)) return USB_CTRL_STALL;
    memcpy(st->line_coding, data, 7);
    return USB_CTRL_STATUS;
}

int cdc_acm_host_open(const cdc_acm_t *st) { return st->configuration == 1 && (st->control_lines & 1u); }
