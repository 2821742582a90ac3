/* GPIO — General purpose input/output (nRF52840 PS). Ports P0 (32 pins) and P1 (16 pins): pass the base. */
#ifndef NRF_GPIO_H
#define NRF_GPIO_H
#include "nrf52840.h"

#define GPIO_OUT(b) NRF_REG(b, 0x504)
#define GPIO_OUTSET(b) NRF_REG(b, 0x508)
#define GPIO_OUTCLR(b) NRF_REG(b, 0x50C)
#define GPIO_IN(b) NRF_REG(b, 0x510)
#define GPIO_DIR(b) NRF_REG(b, 0x514)
#define GPIO_DIRSET(b) NRF_REG(b, 0x518)
#define GPIO_DIRCLR(b) NRF_REG(b, 0x51C)
#define GPIO_LATCH(b) NRF_REG(b, 0x520)
#define GPIO_DETECTMODE(b) NRF_REG(b, 0x524)
#define GPIO_PIN_CNF(b, n) NRF_REG(b, 0x700 + 4u * (n))

/* PIN_CNF fields */
#define GPIO_CNF_DIR_OUTPUT (1u << 0)
#define GPIO_CNF_INPUT_DISCONNECT (1u << 1)
#define GPIO_CNF_PULL_DISABLED (0u << 2)
#define GPIO_CNF_PULL_DOWN (1u << 2)
#define GPIO_CNF_PULL_UP (3u << 2)
#define GPIO_CNF_DRIVE_S0S1 (0u << 8)
#define GPIO_CNF_DRIVE_H0H1 (3u << 8)
#define GPIO_CNF_SENSE_DISABLED (0u << 16)
#define GPIO_CNF_SENSE_HIGH (2u << 16)
#define GPIO_CNF_SENSE_LOW (3u << 16)

/* A pin number as the PS writes it, P<port>.<pin>: port in bit 5 (as in the PSEL registers). */
#define NRF_PIN(port, pin) (((port) << 5) | (pin))
#define NRF_PIN_PORT(p) ((p) >> 5)
#define NRF_PIN_NUM(p) ((p)&31u)
#define NRF_PIN_PORT_BASE(p) (NRF_PIN_PORT(p) ? NRF_P1_BASE : NRF_P0_BASE)

#endif
