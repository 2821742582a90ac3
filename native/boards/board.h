/*
 * Board selection: build with -DBOARD_PCA10056 (nRF52840 DK) or -DBOARD_PCA10059 (nRF52840 Dongle).
 * tools/nrf52/build.mjs passes the define for --board.
 */
#ifndef BOARD_H
#define BOARD_H

#include "../nrf52/regs/gpio.h"

#if defined(BOARD_PCA10056)
#include "pca10056.h"
#elif defined(BOARD_PCA10059)
#include "pca10059.h"
#else
#error "no board: define BOARD_PCA10056 or BOARD_PCA10059"
#endif

#endif
