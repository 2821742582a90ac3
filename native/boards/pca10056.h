/*
 * PCA10056: the nRF52840 DK. LEDs and buttons are active low (nRF52840 DK User Guide, "Buttons and LEDs");
 * UARTE0 goes to the interface MCU's virtual COM port (P0.06 TXD, P0.08 RXD); a 32.768 kHz crystal is fitted.
 * Programmed through the on-board J-Link (SWD): the application starts at 0x0, no bootloader.
 */
#ifndef BOARD_PCA10056_H
#define BOARD_PCA10056_H

#define BOARD_NAME "pca10056"
#define BOARD_LED_COUNT 4
#define BOARD_LED_PINS {NRF_PIN(0, 13), NRF_PIN(0, 14), NRF_PIN(0, 15), NRF_PIN(0, 16)}
#define BOARD_LED_ACTIVE_LOW 1
#define BOARD_BUTTON_COUNT 4
#define BOARD_BUTTON_PINS {NRF_PIN(0, 11), NRF_PIN(0, 12), NRF_PIN(0, 24), NRF_PIN(0, 25)}
#define BOARD_BUTTON_ACTIVE_LOW 1
#define BOARD_UART_TX NRF_PIN(0, 6)
#define BOARD_UART_RX NRF_PIN(0, 8)
#define BOARD_HAS_LFXO 1
/* Which LED shows what */
#define BOARD_LED_ATTENTION 0 /* LED1 */
#define BOARD_LED_STATUS 1    /* LED2 */

#endif
