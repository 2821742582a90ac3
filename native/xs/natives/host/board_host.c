/*
 * The host runtime's board (native/xs/js/board.js): the LED and the display as stdout lines, the button and an
 * Input OOB keypad as stdin lines.
 *
 *   stdout  "LED on" / "LED off"        on each change of the LED, with xsrun --led
 *           "display <text>"           show(text): an Output OOB value the person reads
 *   stdin   "button [@MS]"             one press of the button
 *           "button N/PERIOD [@MS]"    N presses (1..BOARD_PRESSES_MAX), PERIOD ms apart (> 0), the first at @MS
 *           "input <value> [@MS]"      an Input OOB value (a number, or letters and digits)
 *
 * "@MS" runs the command at that time of the runtime's clock (xsrNow(), the hub's time on the simulated air),
 * else as soon as it is read. A run of presses is one pending command whatever N (the next press is scheduled
 * when one fires), so an Input OOB Push of any count the provisioner can pick (up to 10^8 - 1, Mesh Protocol
 * 1.1 5.4.1.2: Authentication Size 8) fits in the BOARD_PENDING commands. On the air hub in virtual mode stdin is read only when the hub wakes the runtime
 * (before the timers due run), never while it waits, so an entry written while the hub holds the time lands at
 * a deterministic time; while the app awaits input (awaitInput(true)) the board wakes every 100 ms of hub time
 * to look. Otherwise stdin is watched by the run loop. Handlers run from the run loop.
 */
#include "xsr.h"
#include "xsr_hostrt.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BOARD_PENDING 32
#define BOARD_VALUE_MAX 64
#define BOARD_SCAN_MS 100
/* Input OOB Push / Twist: a count of 1 .. 10^Authentication Size - 1, Authentication Size 1..8 (5.4.1.2). */
#define BOARD_PRESSES_MAX 99999999UL

enum { BOARD_BUTTON = 1, BOARD_INPUT = 2 };

typedef struct {
	int kind; /* 0: free */
	double when;
	unsigned long presses; /* BOARD_BUTTON: presses left, this one included */
	double period;         /* BOARD_BUTTON: ms between presses */
	int32_t timer;
	char value[BOARD_VALUE_MAX + 1];
} boardCommand;

static struct {
	xsMachine* the;
	int started;
	int virtualTime;
	int watching;
	int eof;
	int led;            /* -1: never set */
	int hasButton, hasInput;
	xsSlot button, input;
	int32_t scanTimer;
	char line[256];
	size_t lineLength;
	int overlong;
	boardCommand pending[BOARD_PENDING];
} gBoard = { .led = -1 };

/* ---- commands ---------------------------------------------------------------------------------------- */

static void boardRun(xsMachine* the, boardCommand* c)
{
	int kind = c->kind;
	char value[BOARD_VALUE_MAX + 1];
	memcpy(value, c->value, sizeof(value));
	c->kind = 0;
	c->timer = 0;
	if (kind == BOARD_BUTTON) {
		if (!gBoard.hasButton) {
			fprintf(stderr, "xsrun: board: button pressed, nobody listens\n");
			return;
		}
		xsCallFunction0(gBoard.button, xsUndefined);
	}
	else if (kind == BOARD_INPUT) {
		if (!gBoard.hasInput) {
			fprintf(stderr, "xsrun: board: input \"%s\", nobody listens\n", value);
			return;
		}
		xsCallFunction1(gBoard.input, xsUndefined, xsString(value));
	}
}

static void xs_board_fire(xsMachine* the)
{
	int slot = xsToInteger(xsGet(xsFunction, xsID("slot")));
	boardCommand* c;
	if ((slot < 0) || (slot >= BOARD_PENDING) || !gBoard.pending[slot].kind)
		return;
	c = &gBoard.pending[slot];
	xsTry {
		if ((c->kind == BOARD_BUTTON) && (c->presses > 1)) {
			/* More presses to come: the same command, PERIOD later (this function again). */
			c->presses--;
			c->when += c->period;
			c->timer = xsrTimerSetAt(the, &xsFunction, c->when);
			if (!gBoard.hasButton)
				fprintf(stderr, "xsrun: board: button pressed, nobody listens\n");
			else
				xsCallFunction0(gBoard.button, xsUndefined);
		}
		else
			boardRun(the, c);
	}
	xsCatch {
		xsrReportException(the, "uncaught exception in a board handler");
	}
}

static void boardSchedule(xsMachine* machine, int kind, const char* value, double when, unsigned long presses, double period)
{
	volatile int i; /* used after a longjmp (xsCatch) */
	for (i = 0; i < BOARD_PENDING; i++)
		if (!gBoard.pending[i].kind)
			break;
	if (i == BOARD_PENDING) {
		fprintf(stderr, "xsrun: board: too many pending commands, one dropped\n");
		return;
	}
	gBoard.pending[i].kind = kind;
	gBoard.pending[i].when = when;
	gBoard.pending[i].presses = presses;
	gBoard.pending[i].period = period;
	snprintf(gBoard.pending[i].value, sizeof(gBoard.pending[i].value), "%s", value ? value : "");
	xsBeginHost(machine);
	{
		xsVars(1);
		xsTry {
			xsVar(0) = xsNewHostFunction(xs_board_fire, 0);
			xsSet(xsVar(0), xsID("slot"), xsInteger(i));
			gBoard.pending[i].timer = xsrTimerSetAt(the, &xsVar(0), when);
		}
		xsCatch {
			gBoard.pending[i].kind = 0;
			xsrReportException(the, "board: cannot schedule a command");
		}
	}
	xsEndHost(machine);
}

static int boardValueCharacter(char c)
{
	return ((c >= 'a') && (c <= 'z')) || ((c >= 'A') && (c <= 'Z')) || ((c >= '0') && (c <= '9'));
}

/* One stdin line; `now` is when an untimed command runs (a timed one in the past runs then too). */
static void boardCommandLine(xsMachine* machine, char* line, double now)
{
	char* words[4];
	int count = 0, kind;
	double when = now;
	char* p = line;
	const char* value = "";
	unsigned long presses = 1;
	double period = 0;
	while (*p && (count < 4)) {
		while ((*p == ' ') || (*p == '\t') || (*p == '\r'))
			*p++ = 0;
		if (!*p)
			break;
		words[count++] = p;
		while (*p && (*p != ' ') && (*p != '\t') && (*p != '\r'))
			p++;
	}
	while ((*p == ' ') || (*p == '\t') || (*p == '\r'))
		p++;
	if ((count == 0) || *p)
		goto bad;
	if (words[count - 1][0] == '@') {
		char* end;
		double at = strtod(words[count - 1] + 1, &end);
		if (*end || !(at == at) || (words[count - 1][1] == 0))
			goto bad;
		if (at < now)
			fprintf(stderr, "xsrun: board: \"%s\" came after its time %.3f (now %.3f)\n", words[0], at, now);
		else
			when = at;
		count--;
	}
	if (!strcmp(words[0], "button") && (count == 1))
		kind = BOARD_BUTTON;
	else if (!strcmp(words[0], "button") && (count == 2)) {
		/* N/PERIOD */
		char* end;
		const char* w = words[1];
		if ((*w < '1') || (*w > '9'))
			goto bad;
		errno = 0;
		presses = strtoul(w, &end, 10);
		if (errno || (*end != '/') || (presses > BOARD_PRESSES_MAX) || (end[1] == 0))
			goto bad;
		period = strtod(end + 1, &end);
		if (*end || !(period > 0) || !(period < 1e9))
			goto bad;
		kind = BOARD_BUTTON;
	}
	else if (!strcmp(words[0], "input") && (count == 2)) {
		size_t i, n = strlen(words[1]);
		if ((n == 0) || (n > BOARD_VALUE_MAX))
			goto bad;
		for (i = 0; i < n; i++)
			if (!boardValueCharacter(words[1][i]))
				goto bad;
		kind = BOARD_INPUT;
		value = words[1];
	}
	else
		goto bad;
	boardSchedule(machine, kind, value, when, presses, period);
	return;
bad:
	fprintf(stderr, "xsrun: board: ignored a stdin line (commands: \"button [N/PERIOD] [@MS]\", \"input VALUE [@MS]\")\n");
}

/* Reads what stdin has (never blocks) and handles every complete line. */
static void boardReadStdin(xsMachine* machine, double now)
{
	char buffer[512];
	for (;;) {
		struct pollfd p;
		ssize_t n, i;
		if (gBoard.eof)
			return;
		p.fd = 0;
		p.events = POLLIN;
		p.revents = 0;
		if (poll(&p, 1, 0) <= 0)
			return;
		n = read(0, buffer, sizeof(buffer));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			gBoard.eof = 1;
			return;
		}
		if (n == 0) {
			gBoard.eof = 1;
			if (gBoard.watching) {
				xsrUnwatchFd(machine, 0);
				gBoard.watching = 0;
			}
			return;
		}
		for (i = 0; i < n; i++) {
			char c = buffer[i];
			if (c == '\n') {
				gBoard.line[gBoard.lineLength] = 0;
				if (gBoard.overlong)
					fprintf(stderr, "xsrun: board: ignored an overlong stdin line\n");
				else if (gBoard.lineLength)
					boardCommandLine(machine, gBoard.line, now);
				gBoard.lineLength = 0;
				gBoard.overlong = 0;
			}
			else if (gBoard.lineLength + 1 < sizeof(gBoard.line))
				gBoard.line[gBoard.lineLength++] = c;
			else
				gBoard.overlong = 1;
		}
	}
}

static void boardWake(xsMachine* the, double t)
{
	boardReadStdin(the, t);
}

static void boardReady(xsMachine* the, int fd, void* context)
{
	(void)fd;
	(void)context;
	boardReadStdin(the, xsrNow());
}

static void boardStart(xsMachine* the)
{
	gBoard.the = the;
	if (gBoard.started)
		return;
	gBoard.started = 1;
	gBoard.virtualTime = xsrAirIsVirtual();
	if (gBoard.virtualTime)
		xsrAirSetWakeHook(boardWake);
	else if (xsrWatchFd(the, 0, boardReady, NULL) == 0)
		gBoard.watching = 1;
}

/* ---- natives ------------------------------------------------------------------------------------------ */

static int boardBoolean(xsMachine* the, const char* what)
{
	xsrCheckArgc(the, 1, what);
	if (xsTypeOf(xsArg(0)) != xsBooleanType)
		xsTypeError("%s: argument must be a boolean", what);
	return xsTest(xsArg(0));
}

/* xs_board_set_led(on) */
void xs_board_set_led(xsMachine* the)
{
	int on = boardBoolean(the, "board.setLed");
	boardStart(the);
	if (on == gBoard.led)
		return;
	gBoard.led = on;
	if (gxsrHostOptions.led) {
		fputs(on ? "LED on\n" : "LED off\n", stdout);
		fflush(stdout);
	}
}

static void boardHandler(xsMachine* the, const char* what, int* has, xsSlot* slot)
{
	int type;
	xsrCheckArgc(the, 1, what);
	type = xsTypeOf(xsArg(0));
	if ((type != xsUndefinedType) && (type != xsNullType) && !xsIsCallable(xsArg(0)))
		xsTypeError("%s: handler must be a function or null", what);
	boardStart(the);
	if (*has) {
		*has = 0;
		xsForget(*slot);
	}
	if ((type != xsUndefinedType) && (type != xsNullType)) {
		*slot = xsArg(0);
		xsRemember(*slot);
		*has = 1;
	}
}

/* xs_board_on_button(handler | null) */
void xs_board_on_button(xsMachine* the)
{
	boardHandler(the, "board.onButton", &gBoard.hasButton, &gBoard.button);
}

/* xs_board_on_input(handler | null) */
void xs_board_on_input(xsMachine* the)
{
	boardHandler(the, "board.onInput", &gBoard.hasInput, &gBoard.input);
}

/* xs_board_show(text) */
void xs_board_show(xsMachine* the)
{
	char text[BOARD_VALUE_MAX + 1];
	size_t i;
	xsrCheckArgc(the, 1, "board.show");
	xsrGetString(the, &xsArg(0), "board.show: text", text, sizeof(text));
	for (i = 0; text[i]; i++)
		if ((unsigned char)text[i] < 0x20 || (unsigned char)text[i] == 0x7F)
			xsRangeError("board.show: text must not contain control characters");
	boardStart(the);
	fprintf(stdout, "display %s\n", text);
	fflush(stdout);
}

static void xs_board_scan(xsMachine* the)
{
	(void)the; /* the wake itself reads stdin (boardWake) */
}

/* xs_board_await_input(on) */
void xs_board_await_input(xsMachine* the)
{
	int on = boardBoolean(the, "board.awaitInput");
	boardStart(the);
	if (!gBoard.virtualTime)
		return; /* stdin is watched: entries come in as they are typed */
	if (on && !gBoard.scanTimer) {
		xsVars(1);
		xsVar(0) = xsNewHostFunction(xs_board_scan, 0);
		gBoard.scanTimer = xsrTimerSet(the, &xsVar(0), BOARD_SCAN_MS, BOARD_SCAN_MS);
	}
	else if (!on && gBoard.scanTimer) {
		xsrTimerClear(the, gBoard.scanTimer);
		gBoard.scanTimer = 0;
	}
}
