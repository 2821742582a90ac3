/* NVMC — Non-volatile memory controller (nRF52840 PS). */
#ifndef NRF_NVMC_H
#define NRF_NVMC_H
#include "nrf52840.h"

#define NVMC_READY NRF_REG(NRF_NVMC_BASE, 0x400)
#define NVMC_READYNEXT NRF_REG(NRF_NVMC_BASE, 0x408)
#define NVMC_CONFIG NRF_REG(NRF_NVMC_BASE, 0x504)
#define NVMC_ERASEPAGE NRF_REG(NRF_NVMC_BASE, 0x508)
#define NVMC_ERASEALL NRF_REG(NRF_NVMC_BASE, 0x50C)
#define NVMC_ERASEUICR NRF_REG(NRF_NVMC_BASE, 0x514)
#define NVMC_ICACHECNF NRF_REG(NRF_NVMC_BASE, 0x540)

#define NVMC_READY_READY 1u
#define NVMC_CONFIG_REN 0u /* read only */
#define NVMC_CONFIG_WEN 1u /* write enabled */
#define NVMC_CONFIG_EEN 2u /* erase enabled */
#define NVMC_ICACHECNF_CACHEEN (1u << 0)

/* Timing limits (PS "NVMC electrical specification"): t_WRITE <= 41 us, t_ERASEPAGE <= 85 ms; each word may be
 * written at most n_WRITE = 2 times between erases; endurance 10 000 erase cycles. */

#endif
