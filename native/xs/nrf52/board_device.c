/*
 * The board and identity natives (native/xs/js/board.js, identity.js) on the device's HAL:
 *
 *   xs_board_set_led(on)          the attention LED (the light's lamp on these boards)
 *   xs_board_on_button(handler)   handler on each press of button 0 (polled every 20 ms while a handler is
 *                                 set, debounced: pressed for two polls in a row after being released)
 *   xs_board_on_input(handler)    no keypad on these boards: accepted, never called
 *   xs_board_show(text)           no display: a log line "display <text>"
 *   xs_board_await_input(on)      a log line when it changes
 *   xs_identity_uuid()            the Device UUID (FICR DEVICEID/DEVICEADDR; the twin: made up from its name)
 *   xs_identity_name()            the board's name
 *
 * Arguments are checked (TypeError / RangeError). The button handler runs from the run loop (hal_poll, a
 * HAL timer), never inside a board call; an exception it throws is reported and the polling goes on.
 */
#include "xsr.h"

#include <string.h>

#include "../../boards/hal.h"

#define BUTTON_POLL_MS 20u

static struct {
	xsMachine* the;
	int hasButton;
	xsSlot button;
	hal_timer_t timer;
	uint8_t history; /* last samples, newest in bit 0 */
	int awaiting;
} gBoard;

static int xsrGetBoolean(xsMachine* the, xsSlot* slot, const char* what)
{
	if (xsTypeOf(*slot) != xsBooleanType)
		xsTypeError("%s must be a boolean", what);
	return xsTest(*slot);
}

void xs_board_set_led(xsMachine* the)
{
	xsrCheckArgc(the, 1, "board.setLed");
	hal_led_set(hal_led_attention(), xsrGetBoolean(the, &xsArg(0), "board.setLed: on"));
}

static void boardPoll(void* context)
{
	xsMachine* machine = gBoard.the;
	(void)context;
	if (!gBoard.hasButton || !machine)
		return;
	hal_timer_start(&gBoard.timer, BUTTON_POLL_MS, boardPoll, NULL);
	gBoard.history = (uint8_t)((gBoard.history << 1) | (hal_button_pressed(0) ? 1u : 0u));
	if ((gBoard.history & 0x07u) != 0x03u) /* released, then pressed twice in a row */
		return;
	xsBeginHost(machine);
	{
		xsVars(1);
		xsTry {
			xsVar(0) = gBoard.button;
			(void)xsCallFunction0(xsVar(0), xsUndefined);
		}
		xsCatch {
			xsrReportException(the, "uncaught exception in the button handler");
		}
	}
	xsEndHost(machine);
}

void xs_board_on_button(xsMachine* the)
{
	int type;
	xsrCheckArgc(the, 1, "board.onButton");
	type = xsTypeOf(xsArg(0));
	if ((type != xsUndefinedType) && (type != xsNullType) && !xsIsCallable(xsArg(0)))
		xsTypeError("board.onButton: handler must be a function or null");
	gBoard.the = the;
	if (gBoard.hasButton) {
		gBoard.hasButton = 0;
		xsForget(gBoard.button);
		hal_timer_stop(&gBoard.timer);
	}
	if ((type == xsUndefinedType) || (type == xsNullType) || (hal_button_count() == 0))
		return;
	gBoard.button = xsArg(0);
	xsRemember(gBoard.button);
	gBoard.hasButton = 1;
	gBoard.history = 0xFF; /* a button held at start is not a press */
	hal_timer_start(&gBoard.timer, BUTTON_POLL_MS, boardPoll, NULL);
}

void xs_board_on_input(xsMachine* the)
{
	int type;
	xsrCheckArgc(the, 1, "board.onInput");
	type = xsTypeOf(xsArg(0));
	if ((type != xsUndefinedType) && (type != xsNullType) && !xsIsCallable(xsArg(0)))
		xsTypeError("board.onInput: handler must be a function or null");
}

void xs_board_show(xsMachine* the)
{
	char text[65];
	xsrCheckArgc(the, 1, "board.show");
	xsrGetString(the, &xsArg(0), "board.show: text", text, sizeof(text));
	hal_log("display %s\n", text);
}

void xs_board_await_input(xsMachine* the)
{
	int on;
	xsrCheckArgc(the, 1, "board.awaitInput");
	on = xsrGetBoolean(the, &xsArg(0), "board.awaitInput: on");
	if (on != gBoard.awaiting)
		hal_log("board: %s\n", on ? "awaiting input (button)" : "input done");
	gBoard.awaiting = on;
}

void xs_identity_uuid(xsMachine* the)
{
	uint8_t uuid[16];
	hal_device_uuid(uuid);
	memcpy(xsrNewBytes(the, sizeof(uuid)), uuid, sizeof(uuid));
}

void xs_identity_name(xsMachine* the)
{
	xsResult = xsString(hal_board_name());
}
