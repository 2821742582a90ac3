/* FICR — Factory information configuration registers (nRF52840 PS). Read-only. */
#ifndef NRF_FICR_H
#define NRF_FICR_H
#include "nrf52840.h"

#define FICR_CODEPAGESIZE NRF_REG(NRF_FICR_BASE, 0x010)
#define FICR_CODESIZE NRF_REG(NRF_FICR_BASE, 0x014)
#define FICR_DEVICEID(n) NRF_REG(NRF_FICR_BASE, 0x060 + 4u * (n)) /* n = 0, 1: 64-bit unique id */
#define FICR_ER(n) NRF_REG(NRF_FICR_BASE, 0x080 + 4u * (n))
#define FICR_IR(n) NRF_REG(NRF_FICR_BASE, 0x090 + 4u * (n))
#define FICR_DEVICEADDRTYPE NRF_REG(NRF_FICR_BASE, 0x0A0) /* bit 0: 0 public, 1 random */
#define FICR_DEVICEADDR(n) NRF_REG(NRF_FICR_BASE, 0x0A4 + 4u * (n)) /* n = 0, 1: 48-bit address */
#define FICR_INFO_PART NRF_REG(NRF_FICR_BASE, 0x100)
#define FICR_INFO_VARIANT NRF_REG(NRF_FICR_BASE, 0x104)
#define FICR_INFO_PACKAGE NRF_REG(NRF_FICR_BASE, 0x108)
#define FICR_INFO_RAM NRF_REG(NRF_FICR_BASE, 0x10C)   /* KB */
#define FICR_INFO_FLASH NRF_REG(NRF_FICR_BASE, 0x110) /* KB */

#endif
