/*
 * Bare-metal support for QEMU's mps2-an386 (Cortex-M4): output through semihosting, exit with a
 * status, SysTick as an instruction counter.
 *
 * Instruction counting: QEMU runs with `-icount shift=0`, so every guest instruction advances the
 * virtual clock by exactly 1 ns. SysTick (CLKSOURCE = processor clock) is fed by the board's 25 MHz
 * SYSCLK, so one SysTick count is 40 ns = 40 instructions. board_calibrate() checks this against a
 * loop of a known number of instructions and returns the measured instructions per tick.
 */
#ifndef BENCH_BOARD_H
#define BENCH_BOARD_H

#include <stdint.h>

void board_puts(const char *s);
void board_put_u32(uint32_t v);
void board_exit(int status) __attribute__((noreturn));

/** Starts SysTick counting down from 0xFFFFFF at the processor clock, no interrupt. */
void board_systick_start(void);
/** Current SysTick value (24-bit, counts down). */
uint32_t board_systick_now(void);
/** Waits for the next SysTick decrement and returns the new value (aligns a measurement to a tick). */
uint32_t board_systick_sync(void);
/** Ticks elapsed from `start` to `end` (24-bit wrap handled; at most one wrap). */
uint32_t board_systick_elapsed(uint32_t start, uint32_t end);

/** Runs `iterations` of a 2-instruction loop (subs; bne). */
void board_spin(uint32_t iterations);

/** Current stack pointer. */
uintptr_t board_sp(void);
/** Lowest and highest address of the stack region (from the linker script). */
uintptr_t board_stack_bottom(void);

#endif
