/*
 * The Dongle modem's USB function: one CDC-ACM serial port (USB 2.0 chapter 9; USB CDC 1.2 and its PSTN 1.2
 * subclass, "Abstract Control Model"). cdc_acm.c is the chip-independent half: the descriptors and the control
 * requests, standard and class, as a state machine the USBD driver (usbd.c) feeds with SETUP packets.
 *
 * USB IDs: VID 0x1209 / PID 0x0001, the pid.codes test pair ("PIDs 0x0000-0x0FFF of VID 0x1209 are reserved for
 * common tasks such as testing"): for development and testing only, never for a product that ships.
 */
#ifndef CDC_ACM_H
#define CDC_ACM_H

#include <stdint.h>

#define CDC_ACM_VID 0x1209u
#define CDC_ACM_PID 0x0001u
#define CDC_ACM_EP0_SIZE 64u
#define CDC_ACM_BULK_SIZE 64u
#define CDC_ACM_EP_NOTIFY 3u  /* IN 0x83, interrupt (notifications: never sent, the function has no SERIAL_STATE) */
#define CDC_ACM_EP_DATA_IN 1u /* IN 0x81, bulk: modem -> host */
#define CDC_ACM_EP_DATA_OUT 2u /* OUT 0x02, bulk: host -> modem */

/* A SETUP packet (USB 2.0 §9.3). */
typedef struct {
    uint8_t bmRequestType;
    uint8_t bRequest;
    uint16_t wValue;
    uint16_t wIndex;
    uint16_t wLength;
} usb_setup_t;

/* What the driver does with a SETUP packet. */
typedef enum {
    USB_CTRL_STALL,   /* a request error (USB 2.0 §9.2.7): STALL the data or status stage */
    USB_CTRL_IN,      /* data stage to the host: *data, *len (already cut to wLength), then the status stage */
    USB_CTRL_STATUS,  /* no data stage: the status stage at once */
    USB_CTRL_OUT,     /* data stage from the host (wLength bytes): then cdc_acm_control_out() */
    USB_CTRL_ADDRESS, /* SET_ADDRESS: the nRF52840's USBD does the status stage and the address itself */
} usb_ctrl_t;

typedef struct {
    uint8_t configuration; /* 0: addressed (or default); 1: configured */
    uint8_t address;
    uint8_t line_coding[7]; /* dwDTERate (LE), bCharFormat, bParityType, bDataBits (PSTN 1.2 §6.3.11) */
    uint16_t control_lines; /* bit 0 DTR, bit 1 RTS (PSTN 1.2 §6.3.12) */
    uint8_t reply[4];       /* GET_STATUS / GET_CONFIGURATION / GET_INTERFACE answers */
    char serial[17];        /* iSerialNumber: the FICR DEVICEID in hex */
    uint8_t string_buf[2 + 2 * 40];
} cdc_acm_t;

/* The descriptors (USB 2.0 §9.6; CDC 1.2 §5.2.3; PSTN 1.2 §5.3). */
extern const uint8_t cdc_acm_device_descriptor[18];
extern const uint8_t cdc_acm_config_descriptor[67];

/* A fresh function (after power-up or a bus reset): default line coding 115200 8N1, DTR/RTS off. `serial`: up to
 * 16 characters for iSerialNumber. */
void cdc_acm_reset(cdc_acm_t *st, const char *serial);
/* A SETUP packet: the driver's next step. For USB_CTRL_IN, *data and *len are what to send. */
usb_ctrl_t cdc_acm_setup(cdc_acm_t *st, const usb_setup_t *s, const uint8_t **data, uint16_t *len);
/* The data stage of a USB_CTRL_OUT request arrived: USB_CTRL_STATUS, or USB_CTRL_STALL when it is malformed. */
usb_ctrl_t cdc_acm_control_out(cdc_acm_t *st, const usb_setup_t *s, const uint8_t *data, uint16_t len);
/* 1 when the host has the port open: configured, and DTR set (Linux sets it when a program opens the tty). */
int cdc_acm_host_open(const cdc_acm_t *st);

#endif
