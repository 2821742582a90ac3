/*
 * PCA10059: the nRF52840 Dongle. LD1 (green) and LD2 (RGB) are active low; SW1 is active low and needs the
 * internal pull-up (nRF52840 Dongle User Guide). There is no USB-UART bridge: the log UARTE goes to the edge pads
 * P0.20 (TXD) and P0.24 (RXD) for an external 1.8 V/3.3 V adapter (the Dongle's VDD is 1.8 V unless UICR.REGOUT0
 * is changed). Powered through VDDH (REG0). The factory bootloader (Nordic open USB DFU, with the MBR at 0x0)
 * expects the application at 0x1000 and ends the application area at 0xE0000.
 */
#ifndef BOARD_PCA10059_H
#define BOARD_PCA10059_H

#define BOARD_NAME "pca10059"
#define BOARD_LED_COUNT 4 /* LD1 green, LD2 red, LD2 green, LD2 blue */
#define BOARD_LED_PINS {NRF_PIN(0, 6), NRF_PIN(0, 8), NRF_PIN(1, 9), NRF_PIN(0, 12)}
#define BOARD_LED_ACTIVE_LOW 1
#define BOARD_BUTTON_COUNT 1
#define BOARD_BUTTON_PINS {NRF_PIN(1, 6)}
#define BOARD_BUTTON_ACTIVE_LOW 1
#define BOARD_UART_TX NRF_PIN(0, 20)
#define BOARD_UART_RX NRF_PIN(0, 24)
#define BOARD_HAS_LFXO 1 /* tried first; the clock driver falls back to the RC oscillator */
#define BOARD_LED_ATTENTION 3 /* LD2 blue */
#define BOARD_LED_STATUS 0    /* LD1 green */

#endif
