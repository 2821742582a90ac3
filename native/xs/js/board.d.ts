/**
 * The board natives (native/xs/js/board.js). Arguments are checked in C (TypeError / RangeError).
 * Handlers run from the run loop, never inside a board call.
 */
/** Switches the LED (host with --led: prints "LED on" / "LED off" on each change). */
export declare function setLed(on: boolean): void;
/** Calls handler on each button press (null: no handler). Host: a stdin line "button [@ms]". */
export declare function onButton(handler: (() => void) | null): void;
/** Calls handler with each entered value (null: no handler). Host: a stdin line "input <value> [@ms]". */
export declare function onInput(handler: ((value: string) => void) | null): void;
/** Shows an Output OOB value to the person (host: prints "display <text>"); at most 64 characters. */
export declare function show(text: string): void;
/**
 * The app waits for the person (Input OOB): true while it does. Host in virtual time: the board scans its
 * input (stdin) every 100 ms of the hub's time meanwhile, so entries land at deterministic times.
 */
export declare function awaitInput(on: boolean): void;
