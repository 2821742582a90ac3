/*
 * The Cortex-M4 twin's board: QEMU's mps2-an386 (ARM MPS2 FPGA board with the AN386 Cortex-M4 image).
 * Memory: SSRAM1 at 0x00000000 (code, writable: the "flash"), SSRAM2/3 at 0x20000000 (RAM); the firmware's
 * linker layout cuts these to the nRF52840's 1 MB flash and 256 KB RAM. Peripherals used: CMSDK APB UART0
 * (log) and UART1 (the air link), SysTick (25 MHz processor clock), the FPGA I/O LEDs.
 */
#ifndef MPS2_H
#define MPS2_H

#include <stdint.h>

#define MPS2_REG(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

#define MPS2_SYSCLK_HZ 25000000u

/* CMSDK APB UART (ARM Cortex-M System Design Kit, "APB UART") */
#define MPS2_UART0_BASE 0x40004000u
#define MPS2_UART1_BASE 0x40005000u
#define UART_DATA(b) MPS2_REG((b) + 0x000)
#define UART_STATE(b) MPS2_REG((b) + 0x004)
#define UART_CTRL(b) MPS2_REG((b) + 0x008)
#define UART_INTSTATUS(b) MPS2_REG((b) + 0x00C) /* read: status; write 1s: clear (INTCLEAR) */
#define UART_BAUDDIV(b) MPS2_REG((b) + 0x010)
#define UART_STATE_TXFULL (1u << 0)
#define UART_STATE_RXFULL (1u << 1)
#define UART_STATE_TXOVR (1u << 2)
#define UART_STATE_RXOVR (1u << 3)
#define UART_CTRL_TXEN (1u << 0)
#define UART_CTRL_RXEN (1u << 1)
#define UART_CTRL_TXINTEN (1u << 2)
#define UART_CTRL_RXINTEN (1u << 3)
#define UART_INT_TX (1u << 0)
#define UART_INT_RX (1u << 1)

/* Interrupts (AN385/AN386): UARTn RX = 2n, TX = 2n + 1 for n = 0..2. */
#define MPS2_UART0_RX_IRQn 0
#define MPS2_UART1_RX_IRQn 2
#define MPS2_IRQ_COUNT 32

/* FPGA I/O */
#define MPS2_FPGAIO_BASE 0x40028000u
#define FPGAIO_LED0 MPS2_REG(MPS2_FPGAIO_BASE + 0x000)
#define FPGAIO_BUTTON MPS2_REG(MPS2_FPGAIO_BASE + 0x008)

#endif
