/* RNG — Random number generator (nRF52840 PS). */
#ifndef NRF_RNG_H
#define NRF_RNG_H
#include "nrf52840.h"

#define RNG_TASKS_START NRF_REG(NRF_RNG_BASE, 0x000)
#define RNG_TASKS_STOP NRF_REG(NRF_RNG_BASE, 0x004)
#define RNG_EVENTS_VALRDY NRF_REG(NRF_RNG_BASE, 0x100)
#define RNG_SHORTS NRF_REG(NRF_RNG_BASE, 0x200)
#define RNG_INTENSET NRF_REG(NRF_RNG_BASE, 0x304)
#define RNG_INTENCLR NRF_REG(NRF_RNG_BASE, 0x308)
#define RNG_CONFIG NRF_REG(NRF_RNG_BASE, 0x504)
#define RNG_VALUE NRF_REG(NRF_RNG_BASE, 0x508)

#define RNG_SHORTS_VALRDY_STOP (1u << 0)
#define RNG_CONFIG_DERCEN (1u << 0) /* bias correction (digital error correction) */

#endif
