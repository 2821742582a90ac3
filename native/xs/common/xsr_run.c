/*
 * The run loop: promise jobs, the runtime's timers (sorted by due time), the platform's wait between them
 * (xsrPlatformWait), the exit request, exceptions reported, the top-level import of the entry module, and the
 * engine's fatal errors (fxAbort: one message, one exit status, XSR_EXIT_FATAL, on every platform).
 */
#include "xsAll.h"
#include "xsr.h"
#include "xsr_platform.h"
#include "xsr_internal.h"

/* ---- promise jobs, timers, run loop -------------------------------------------------------- */

struct xsrTimer {
	xsrTimer* next;
	int32_t id;
	double when;
	double interval;
	txSlot function;
};

void fxQueuePromiseJobs(txMachine* the)
{
	the->promiseJobs = 1;
}

static xsrRuntime* xsrRuntimeOf(txMachine* the)
{
	xsrRuntime* runtime = the->host;
	if (!runtime)
		mxUnknownError("no runtime");
	return runtime;
}

static void xsrTimerInsert(xsrRuntime* runtime, xsrTimer* timer)
{
	xsrTimer** address = &runtime->timers;
	while (*address && ((*address)->when <= timer->when))
		address = &(*address)->next;
	timer->next = *address;
	*address = timer;
}

/* A new timer due at `when` (then every `interval` ms when > 0) calling `function`: its id. The function is
 * checked by the caller before `when` is computed. */
static int32_t xsrTimerAdd(txMachine* the, txSlot* function, double when, double interval)
{
	xsrRuntime* runtime = xsrRuntimeOf(the);
	xsrTimer* timer = c_calloc(1, sizeof(xsrTimer));
	if (!timer)
		mxUnknownError("out of memory");
	if (runtime->timerSeq == 0x7FFFFFFF)
		runtime->timerSeq = 0;
	timer->id = ++runtime->timerSeq;
	timer->when = when;
	timer->interval = interval;
	timer->function = *function;
	fxRemember(the, &timer->function);
	xsrTimerInsert(runtime, timer);
	return timer->id;
}

int32_t xsrTimerSet(txMachine* the, txSlot* function, double ms, double interval)
{
	xsrRuntimeOf(the);
	if (!fxIsCallable(the, function))
		mxTypeError("timer callback must be a function");
	if (!(ms >= 0) || (ms > 2147483647.0))
		ms = 0; /* NaN, negative: as soon as possible, like setTimeout */
	if (!(interval >= 0) || (interval > 2147483647.0))
		interval = 0;
	return xsrTimerAdd(the, function, xsrNow() + ms, interval);
}

int32_t xsrTimerSetAt(txMachine* the, txSlot* function, double when)
{
	xsrRuntimeOf(the);
	if (!fxIsCallable(the, function))
		mxTypeError("timer callback must be a function");
	if (!(when == when))
		when = xsrNow();
	return xsrTimerAdd(the, function, when, 0);
}

int xsrNextTimer(txMachine* the, double* when)
{
	xsrRuntime* runtime = the->host;
	if (!runtime || !runtime->timers)
		return 0;
	*when = runtime->timers->when;
	return 1;
}

void xsrTimerClear(txMachine* the, int32_t id)
{
	xsrRuntime* runtime = xsrRuntimeOf(the);
	xsrTimer** address = &runtime->timers;
	xsrTimer* timer;
	while ((timer = *address)) {
		if (timer->id == id) {
			*address = timer->next;
			fxForget(the, &timer->function);
			c_free(timer);
			return;
		}
		address = &timer->next;
	}
}

void xsrReportException(txMachine* the, const char* what)
{
	char buffer[1024];
	txSlot exception = mxException;
	volatile int printed = 0;
	/* the stack (message and frames) when the exception has one, else the exception as a string */
	if (exception.kind == XS_REFERENCE_KIND) {
		mxTry(the) {
			const char* stack = xsrInternalExceptionStack(the);
			if (stack) {
				fprintf(stderr, "xsrun: %s: %s\n", what, stack);
				printed = 1;
			}
		}
		mxCatch(the) {
		}
	}
	if (printed)
		return;
	buffer[0] = 0;
	mxTry(the) {
		mxPushSlot(&exception);
		fxToStringBuffer(the, the->stack, buffer, sizeof(buffer));
		mxPop();
	}
	mxCatch(the) {
		c_strcpy(buffer, "(an exception that cannot be converted to a string)");
	}
	fprintf(stderr, "xsrun: %s: %s\n", what, buffer);
}

#ifdef XSR_NO_PROMISES
/* An image whose app makes no promise (tools/fw/lean.mjs UNUSED_PARTS "promises": its Promise built-ins throw a
 * TypeError): no job is ever queued, and the engine's job queue is not linked. */
#define xsrRunPromiseJobs(the) ((void)(the))
#else
static void xsrRunPromiseJobs(txMachine* the)
{
	while (the->promiseJobs) {
		the->promiseJobs = 0;
		fxRunPromiseJobs(the);
	}
}
#endif

int xsrDrainJobs(txMachine* the)
{
	xsrRuntime* runtime = xsrRuntimeOf(the);
	do {
		fxBeginHost(the);
		xsrRunPromiseJobs(the);
		fxEndHost(the); /* the outermost fxEndHost ends the job (fxEndJob) */
	} while (the->promiseJobs && !runtime->exitRequested);
	return runtime->exitRequested;
}

static void xsrRunTimer(txMachine* the, xsrRuntime* runtime, xsrTimer* timer)
{
	txSlot function = timer->function;
	if (timer->interval > 0) {
		/* fixed rate: the next due time follows from the previous one, not from now, so timers keep
		 * their relative order when the loop runs late */
		timer->when += timer->interval;
		xsrTimerInsert(runtime, timer);
	}
	else {
		/* a one-shot timer is gone before its callback runs (clearTimeout in it is a no-op) */
		fxForget(the, &timer->function);
		c_free(timer);
	}
	mxTry(the) {
		mxPushUndefined();
		mxPushSlot(&function);
		mxCall();
		mxRunCount(0);
		mxPop();
	}
	mxCatch(the) {
		xsrReportException(the, "uncaught exception in a timer");
		xsrExit(the, 1);
	}
}

int xsrRunDueTimer(txMachine* the)
{
	xsrRuntime* runtime = the->host;
	xsrTimer* timer;
	if (!runtime || runtime->exitRequested)
		return 0;
	timer = runtime->timers;
	if (!timer || (timer->when > xsrNow()))
		return 0;
	runtime->timers = timer->next;
	fxBeginHost(the);
	xsrRunTimer(the, runtime, timer);
	fxEndHost(the);
	xsrDrainJobs(the);
	return 1;
}

void xsrExit(txMachine* the, int status)
{
	xsrRuntime* runtime = the->host;
	if (runtime && !runtime->exitRequested) {
		runtime->exitRequested = 1;
		runtime->exitStatus = status;
	}
}

void xsrRunLoop(txMachine* the)
{
	xsrRuntime* runtime = xsrRuntimeOf(the);
	for (;;) {
		xsrTimer* timer;
		double now, timeout;
		fxBeginHost(the);
		xsrRunPromiseJobs(the);
		fxEndHost(the); /* the outermost fxEndHost ends the job (fxEndJob) */
		if (the->promiseJobs)
			continue;
		if (runtime->exitRequested)
			break;
		timer = runtime->timers;
		if (!timer && (runtime->watchCount == 0))
			break;
		now = xsrNow();
		if (timer && (timer->when <= now)) {
			runtime->timers = timer->next;
			fxBeginHost(the);
			xsrRunTimer(the, runtime, timer);
			fxEndHost(the);
			continue;
		}
		timeout = timer ? timer->when - now : -1;
		xsrPlatformWait(the, timeout);
	}
	if (!runtime->exitRequested) {
		fxBeginHost(the);
		fxCheckUnhandledRejections(the, 1);
		fxEndHost(the);
	}
}

void xsrFreeTimers(txMachine* the)
{
	xsrRuntime* runtime = the->host;
	xsrTimer* timer;
	if (!runtime)
		return;
	while ((timer = runtime->timers)) {
		runtime->timers = timer->next;
		c_free(timer);
	}
}

/* ---- import of the entry module ----------------------------------------------------------------- */

static void xsrImportFulfilled(txMachine* the)
{
	xsrRuntime* runtime = the->host;
	if (runtime) {
		runtime->importedAt = xsrNow();
		runtime->importsSettled++;
	}
}

#ifndef XSR_IMPORT_NOW
static void xsrImportRejected(txMachine* the)
{
	mxException = *mxArgv(0);
	xsrReportException(the, "import failed");
	mxException = mxUndefined;
	xsrExit(the, 1);
}
#endif

void xsrImportModule(txMachine* the, const char* name, int* failed)
{
	xsrRuntime* runtime = xsrRuntimeOf(the);
	fxBeginHost(the);
	mxTry(the) {
		mxPushStringC((txString)name);
#ifdef XSR_IMPORT_NOW
		/* an image whose modules are none of them async (tools/fw/lean.mjs UNUSED_PARTS "asynchronous module loading"):
		 * the engine's synchronous import (its importNow), so the asynchronous loader is not linked; a failure throws */
		fxAwaitImport(the, 0);
		mxPop();
		xsrImportFulfilled(the);
#else
		fxRunImport(the, xsrInternalProgramRealm(the), XS_NO_ID);
		mxDub();
		fxGetID(the, mxID(_then));
		mxCall();
		fxNewHostFunction(the, xsrImportFulfilled, 1, XS_NO_ID, XS_NO_ID);
		fxNewHostFunction(the, xsrImportRejected, 1, XS_NO_ID, XS_NO_ID);
		mxRunCount(2);
		mxPop();
#endif
	}
	mxCatch(the) {
		xsrReportException(the, "import failed");
		xsrExit(the, 1);
	}
	fxEndHost(the);
	if (failed)
		*failed = runtime->exitRequested;
}

/* ---- the entry's start function ------------------------------------------------------------------ */

/*
 * A firmware entry's body only declares (native/xs/js/device-main.js, modem-main.js, provisioner-main.js): in a
 * preloaded image it ran at build time, in the preload generator, and registered the entry's start function as
 * globalThis.xsrStart. The device calls it straight from the preparation, with no module imported at run time (the
 * loader is not in those images: tools/fw/lean.mjs UNUSED_PARTS); the other runtimes call it after the entry's
 * import. `required`: an entry that registered none is an error (else: nothing to call, the entry started in its
 * body, as the host entries do). Returns 1 after an exit request (a failure printed).
 */
int xsrStartEntry(txMachine* the, int required)
{
	xsrRuntime* runtime = xsrRuntimeOf(the);
	fxBeginHost(the);
	mxTry(the) {
		mxPushUndefined();
		mxPush(mxGlobal);
		fxGetID(the, fxID(the, "xsrStart"));
		if (!mxIsReference(the->stack) || !mxIsFunction(the->stack->value.reference)) {
			if (required)
				mxTypeError("the entry registered no start function (globalThis.xsrStart)");
			mxPop();
			mxPop();
		}
		else {
			mxCall();
			mxRunCount(0);
			mxPop();
		}
	}
	mxCatch(the) {
		xsrReportException(the, "the entry's start failed");
		xsrExit(the, 1);
	}
	fxEndHost(the);
	return runtime->exitRequested;
}

/* ---- fatal errors --------------------------------------------------------------------------------- */

/* The engine calls fxAbort when it cannot go on (memory, stack, keys) and for an exception or a rejection
 * nobody handles. An unhandled exception or rejection exits with 1 (as an uncaught exception in the run
 * loop does), printed with its stack; everything else with XSR_EXIT_FATAL and one line naming the cause.
 * The platform then exits (host: the process; nRF52840: a reset; twin: QEMU's exit status). */
void fxAbort(txMachine* the, int status)
{
	const char* why;
	int exitStatus = XSR_EXIT_FATAL;
	switch (status) {
	case XS_NOT_ENOUGH_MEMORY_EXIT: why = "not enough memory (raise the creation's heap sizes)"; break;
	case XS_STACK_OVERFLOW_EXIT: why = "stack overflow"; break;
	case XS_NO_MORE_KEYS_EXIT: why = "not enough keys (raise initialKeyCount)"; break;
	case XS_FATAL_CHECK_EXIT: why = "fatal check"; break;
	case XS_DEAD_STRIP_EXIT: why = "dead strip"; break;
	case XS_TOO_MUCH_COMPUTATION_EXIT: why = "too much computation"; break;
	case XS_UNHANDLED_EXCEPTION_EXIT: why = "unhandled exception"; exitStatus = 1; break;
	case XS_UNHANDLED_REJECTION_EXIT: why = "unhandled rejection"; exitStatus = 1; break;
	default: why = "unknown"; break;
	}
	if ((exitStatus == 1) && the)
		xsrReportException(the, why);
	else
		fprintf(stderr, "xsrun: fatal: %s\n", why);
	xsrPlatformExit(the, exitStatus);
}
