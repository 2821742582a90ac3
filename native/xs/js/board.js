// The board of the XS runtime: the LED, the button, an Input OOB keypad and a display for Output OOB
// values. Host runtime (native/xs/natives/host/board_host.c): `xsrun --led` prints "LED on"/"LED off" lines;
// stdin lines "button" and "input <value>" press the button and enter a value (optionally "@<ms>": at that
// time of the runtime's clock); show(text) prints "display <text>". A device implements the same natives
// on its GPIO (show: nothing, or a log line).
export function setLed(on) @ "xs_board_set_led";
export function onButton(handler) @ "xs_board_on_button";
export function onInput(handler) @ "xs_board_on_input";
export function show(text) @ "xs_board_show";
export function awaitInput(on) @ "xs_board_await_input";
