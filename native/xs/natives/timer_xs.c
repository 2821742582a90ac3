/*
 * Timers and the clock for JavaScript (native/xs/js/timer.js): one-shot and repeating timers on the
 * runtime's run loop (native/xs/common), and a monotonic millisecond clock.
 */
#include "xsr.h"

/* xs_timer_set(callback, ms, interval) -> id */
void xs_timer_set(xsMachine* the)
{
	double ms, interval = 0;
	xsrCheckArgc(the, 2, "setTimeout");
	if (xsTypeOf(xsArg(1)) != xsNumberType && xsTypeOf(xsArg(1)) != xsIntegerType)
		xsTypeError("setTimeout: ms must be a number");
	ms = xsToNumber(xsArg(1));
	if ((xsToInteger(xsArgc) > 2) && (xsTypeOf(xsArg(2)) != xsUndefinedType)) {
		if (xsTypeOf(xsArg(2)) != xsNumberType && xsTypeOf(xsArg(2)) != xsIntegerType)
			xsTypeError("setInterval: interval must be a number");
		interval = xsToNumber(xsArg(2));
	}
	xsResult = xsInteger(xsrTimerSet(the, &xsArg(0), ms, interval));
}

/* xs_timer_clear(id) */
void xs_timer_clear(xsMachine* the)
{
	if ((xsToInteger(xsArgc) < 1) || ((xsTypeOf(xsArg(0)) != xsIntegerType) && (xsTypeOf(xsArg(0)) != xsNumberType)))
		return; /* clearTimeout(undefined) and friends do nothing, as on the web */
	xsrTimerClear(the, xsToInteger(xsArg(0)));
}

/* xs_timer_now() -> ms (monotonic, fractional) */
void xs_timer_now(xsMachine* the)
{
	xsResult = xsNumber(xsrNow());
}
