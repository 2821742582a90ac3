/*
 * The advertising radio for JavaScript (native/xs/js/radio.js): the C radio API (native/nrf52/radio.h) as
 * the `Radio` interface of modules/platform.ts.
 *
 *   xs_radio_advertise(adType, data, {count, intervalMs}, onDone, checkOnly) -> handle (> 0), or 0 when the
 *                      C queue is full (RADIO_MAX_ADVERTS; radio.js then keeps it in its own FIFO)
 *   xs_radio_cancel(handle)              cancels; nothing when it already ended or was cancelled
 *   xs_radio_set_receiver(fn | null)     starts (a function) or stops (null/undefined) scanning
 *   xs_radio_stats() -> {txEvents, rxPdus, rxDelivered, rxMalformed, dropped, queued}
 *
 * Every argument is checked here: a wrong type throws TypeError, a value out of range RangeError (adType
 * 0..255, data a Uint8Array of at most 29 bytes, count an integer 1..2^31-1, intervalMs a finite number
 * 0..2^31-1, onDone a function or undefined). A radio that radio_init was not called on throws Error.
 *
 * Callbacks (onDone, the receiver) never run inside a radio native or inside another radio callback: the
 * C radio calls radioDone/radioReceive from radio_poll() (the run loop), which copy the event into a small
 * queue; the queue is delivered to JavaScript at once when no radio JavaScript is running, else after the
 * running callback returns (or, when an event comes during a radio native, from a 0 ms timer). An
 * exception thrown by a callback is reported (stderr) and does not stop the radio.
 *
 * The packet's `time` is the runtime's clock (xsrNow(), the same clock as timer.now()) at delivery: with
 * the simulated air in virtual mode that is exactly the hub's reception time.
 *
 * One machine per process: the machine of the last radio native call is the one callbacks run on.
 */
#include "xsr.h"
#include "../../nrf52/radio.h"

#include <stdint.h>
#include <string.h>

#define RADIO_XS_QUEUE 32

typedef struct {
	int32_t handle;   /* the C radio's handle; 0: free */
	uint32_t generation;
	int hasDone;
	xsSlot onDone;    /* remembered (a GC root) while hasDone */
} radioXsAdvert;

typedef struct {
	uint8_t kind;     /* 1: advertisement done, 2: packet */
	uint8_t adType;
	uint8_t length;
	int8_t rssi;
	uint32_t ctx;     /* done: slot index | generation << 8 */
	uint8_t data[RADIO_MAX_AD_DATA];
} radioXsEvent;

static struct {
	xsMachine* the;
	radioXsAdvert adverts[RADIO_MAX_ADVERTS];
	int hasReceiver;
	xsSlot receiver;  /* remembered while hasReceiver */
	radioXsEvent queue[RADIO_XS_QUEUE];
	unsigned head, count;
	unsigned depth;   /* radio natives and callbacks running */
	int drainArmed;   /* a 0 ms timer will deliver the queue */
	uint32_t dropped; /* events lost because the queue was full */
	/* the property names the natives use, resolved once per machine (xsID looks the name up: hash, compare) */
	xsMachine* idsOf;
	xsIdentifier idAdType, idData, idRssi, idTime, idCount, idIntervalMs;
} gRadioXs;

static void radioXsIds(xsMachine* the)
{
	if (gRadioXs.idsOf == the)
		return;
	gRadioXs.idAdType = xsID("adType");
	gRadioXs.idData = xsID("data");
	gRadioXs.idRssi = xsID("rssi");
	gRadioXs.idTime = xsID("time");
	gRadioXs.idCount = xsID("count");
	gRadioXs.idIntervalMs = xsID("intervalMs");
	gRadioXs.idsOf = the;
}

static void radioXsDrain(void);

/* ---- events from the C radio --------------------------------------------------------------------- */

static radioXsEvent* radioXsPush(void)
{
	radioXsEvent* e;
	if (gRadioXs.count == RADIO_XS_QUEUE) {
		gRadioXs.dropped++;
		return NULL;
	}
	e = &gRadioXs.queue[(gRadioXs.head + gRadioXs.count) % RADIO_XS_QUEUE];
	gRadioXs.count++;
	memset(e, 0, sizeof(*e));
	return e;
}

static void radioXsDrainLater(xsMachine* the);

static void radioXsKick(void)
{
	if (!gRadioXs.the)
		return;
	if (gRadioXs.depth == 0)
		radioXsDrain();
	else if (!gRadioXs.drainArmed)
		radioXsDrainLater(gRadioXs.the);
	/* else: delivered when the running callback returns, or by the armed timer */
}

static void radioDone(void* ctx)
{
	radioXsEvent* e = radioXsPush();
	if (e) {
		e->kind = 1;
		e->ctx = (uint32_t)(uintptr_t)ctx;
	}
	radioXsKick();
}

static void radioReceive(const radio_packet_t* packet, void* ctx)
{
	radioXsEvent* e;
	(void)ctx;
	if (!packet || (packet->len > RADIO_MAX_AD_DATA) || (packet->len && !packet->data))
		return;
	e = radioXsPush();
	if (e) {
		e->kind = 2;
		e->adType = packet->ad_type;
		e->length = packet->len;
		e->rssi = packet->rssi;
		if (packet->len)
			memcpy(e->data, packet->data, packet->len);
	}
	radioXsKick();
}

/* Calls one queued event's JavaScript (inside a host frame). */
static void radioXsDeliver(xsMachine* the, const radioXsEvent* e)
{
	xsVars(3);
	if (e->kind == 1) {
		unsigned index = e->ctx & 0xFF;
		radioXsAdvert* a;
		if (index >= RADIO_MAX_ADVERTS)
			return;
		a = &gRadioXs.adverts[index];
		if (!a->handle || (a->generation != (e->ctx >> 8)))
			return; /* cancelled meanwhile */
		a->handle = 0;
		if (!a->hasDone)
			return;
		xsVar(0) = a->onDone;
		a->hasDone = 0;
		xsForget(a->onDone);
		(void)xsCallFunction0(xsVar(0), xsUndefined);
	}
	else if (e->kind == 2) {
		if (!gRadioXs.hasReceiver)
			return; /* the receiver was removed meanwhile */
		radioXsIds(the);
		xsVar(0) = gRadioXs.receiver;
		xsVar(1) = xsNewObject();
		xsSet(xsVar(1), gRadioXs.idAdType, xsInteger(e->adType));
		if (e->length)
			memcpy(xsrNewBytes(the, e->length), e->data, e->length); /* into xsResult */
		else
			(void)xsrNewBytes(the, 0);
		xsVar(2) = xsResult;
		xsSet(xsVar(1), gRadioXs.idData, xsVar(2));
		xsSet(xsVar(1), gRadioXs.idRssi, xsInteger(e->rssi));
		xsSet(xsVar(1), gRadioXs.idTime, xsNumber(xsrNow()));
		(void)xsCallFunction1(xsVar(0), xsUndefined, xsVar(1));
	}
}

/* Delivers every queued event, one at a time, each in its own host frame (no radio JavaScript is running). */
static void radioXsDrain(void)
{
	xsMachine* machine = gRadioXs.the;
	while (machine && gRadioXs.count && (gRadioXs.depth == 0)) {
		radioXsEvent e = gRadioXs.queue[gRadioXs.head];
		gRadioXs.head = (gRadioXs.head + 1) % RADIO_XS_QUEUE;
		gRadioXs.count--;
		gRadioXs.depth++;
		xsBeginHost(machine);
		{
			xsTry {
				radioXsDeliver(the, &e);
			}
			xsCatch {
				xsrReportException(the, "uncaught exception in a radio callback");
			}
		}
		xsEndHost(machine);
		gRadioXs.depth--;
	}
}

/* The 0 ms timer's callback: delivers what came while a radio native was running. */
static void xs_radio_drain_timer(xsMachine* the)
{
	(void)the;
	gRadioXs.drainArmed = 0;
	radioXsDrain();
}

static void radioXsDrainLater(xsMachine* machine)
{
	xsBeginHost(machine);
	{
		xsVars(1);
		xsTry {
			xsVar(0) = xsNewHostFunction(xs_radio_drain_timer, 0);
			xsrTimerSet(the, &xsVar(0), 0, 0);
			gRadioXs.drainArmed = 1;
		}
		xsCatch {
			xsrReportException(the, "radio: cannot arm the delivery timer");
		}
	}
	xsEndHost(machine);
}

/* ---- natives ----------------------------------------------------------------------------------------- */

static void radioXsEnter(xsMachine* the)
{
	gRadioXs.the = the;
	gRadioXs.depth++;
}

static void radioXsLeave(void)
{
	gRadioXs.depth--;
}

static void radioXsThrow(xsMachine* the, int32_t error, const char* function)
{
	switch (error) {
	case RADIO_ERR_ARG: xsRangeError("%s: rejected by the radio (bad AD data or count)", function); break;
	case RADIO_ERR_STATE: xsUnknownError("%s: the radio is not initialised", function); break;
	case RADIO_ERR_HANDLE: xsRangeError("%s: no such advertisement", function); break;
	default: xsUnknownError("%s: radio error %d", function, (int)error); break;
	}
}

/* A number argument that is finite, in [0, max] (TypeError when not a number, RangeError otherwise). */
static double radioXsGetNumber(xsMachine* the, xsSlot* slot, const char* what, double max)
{
	double value;
	int type = xsTypeOf(*slot);
	if ((type != xsIntegerType) && (type != xsNumberType))
		xsTypeError("%s must be a number", what);
	value = xsToNumber(*slot);
	if (!(value >= 0) || !(value <= max))
		xsRangeError("%s must be a finite number in [0, %d]", what, (int)max);
	return value;
}

/* xs_radio_advertise(adType, data, options, onDone, checkOnly) -> handle, or 0 when the queue is full */
void xs_radio_advertise(xsMachine* the)
{
	uint8_t data[RADIO_MAX_AD_DATA];
	size_t length;
	uint8_t* bytes;
	int32_t adType, count, handle;
	double interval;
	int hasDone, checkOnly, i, type;
	radioXsAdvert* a = NULL;
	int argc;
	xsrCheckArgc(the, 3, "radio.advertise");
	argc = xsToInteger(xsArgc);
	adType = xsrGetInteger(the, &xsArg(0), "radio.advertise: adType", 0, 255);
	bytes = xsrGetBytes(the, &xsArg(1), "radio.advertise: data", &length);
	if (length > RADIO_MAX_AD_DATA)
		xsRangeError("radio.advertise: data must be at most %d bytes, got %d", RADIO_MAX_AD_DATA, (int)length);
	memcpy(data, bytes, length); /* before anything allocates */
	if (xsTypeOf(xsArg(2)) != xsReferenceType)
		xsTypeError("radio.advertise: options must be an object {count, intervalMs}");
	{
		xsVars(2);
		radioXsIds(the);
		xsVar(0) = xsGet(xsArg(2), gRadioXs.idCount);
		xsVar(1) = xsGet(xsArg(2), gRadioXs.idIntervalMs);
		count = xsrGetInteger(the, &xsVar(0), "radio.advertise: options.count", 1, 0x7FFFFFFF);
		interval = radioXsGetNumber(the, &xsVar(1), "radio.advertise: options.intervalMs", 2147483647.0);
	}
	hasDone = 0;
	if (argc > 3) {
		type = xsTypeOf(xsArg(3));
		if ((type != xsUndefinedType) && (type != xsNullType)) {
			if (!xsIsCallable(xsArg(3)))
				xsTypeError("radio.advertise: onDone must be a function");
			hasDone = 1;
		}
	}
	checkOnly = (argc > 4) && xsTest(xsArg(4));
	xsResult = xsInteger(0);
	if (checkOnly)
		return;
	for (i = 0; i < RADIO_MAX_ADVERTS; i++) {
		if (!gRadioXs.adverts[i].handle) {
			a = &gRadioXs.adverts[i];
			break;
		}
	}
	if (!a)
		return; /* full: radio.js keeps it until one ends */
	radioXsEnter(the);
	a->generation = (a->generation + 1) & 0xFFFFFF;
	handle = radio_advertise((uint8_t)adType, data, length, (uint32_t)count, (uint32_t)interval, radioDone,
		(void*)(uintptr_t)((uint32_t)(a - gRadioXs.adverts) | (a->generation << 8)));
	radioXsLeave();
	if (handle == RADIO_ERR_FULL)
		return; /* the C radio is full although our table is not (another user): wait too */
	if (handle <= 0)
		radioXsThrow(the, handle, "radio.advertise");
	a->handle = handle;
	if (hasDone) {
		a->onDone = xsArg(3);
		xsRemember(a->onDone);
		a->hasDone = 1;
	}
	xsResult = xsInteger(handle);
	if (gRadioXs.count && !gRadioXs.drainArmed)
		radioXsDrainLater(the);
}

/* xs_radio_cancel(handle) */
void xs_radio_cancel(xsMachine* the)
{
	int32_t handle;
	int i;
	xsrCheckArgc(the, 1, "radio.cancel");
	handle = xsrGetInteger(the, &xsArg(0), "radio.cancel: handle", 0, 0x7FFFFFFF);
	gRadioXs.the = the;
	for (i = 0; (handle > 0) && (i < RADIO_MAX_ADVERTS); i++) {
		radioXsAdvert* a = &gRadioXs.adverts[i];
		if (a->handle != handle)
			continue;
		radioXsEnter(the);
		(void)radio_cancel(handle); /* RADIO_ERR_HANDLE: it ended meanwhile; its done event is dropped below */
		radioXsLeave();
		a->handle = 0;
		if (a->hasDone) {
			a->hasDone = 0;
			xsForget(a->onDone);
		}
		break;
	}
}

/* xs_radio_set_receiver(fn | null | undefined) */
void xs_radio_set_receiver(xsMachine* the)
{
	int type;
	xsrCheckArgc(the, 1, "radio.setReceiver");
	type = xsTypeOf(xsArg(0));
	if ((type != xsUndefinedType) && (type != xsNullType) && !xsIsCallable(xsArg(0)))
		xsTypeError("radio.setReceiver: receiver must be a function or null");
	gRadioXs.the = the;
	if (gRadioXs.hasReceiver) {
		gRadioXs.hasReceiver = 0;
		xsForget(gRadioXs.receiver);
	}
	radioXsEnter(the);
	if ((type == xsUndefinedType) || (type == xsNullType)) {
		radio_set_receiver(NULL, NULL);
	}
	else {
		gRadioXs.receiver = xsArg(0);
		xsRemember(gRadioXs.receiver);
		gRadioXs.hasReceiver = 1;
		radio_set_receiver(radioReceive, NULL);
	}
	radioXsLeave();
}

/* xs_radio_stats() -> {txEvents, rxPdus, rxDelivered, rxMalformed, dropped, queued} */
void xs_radio_stats(xsMachine* the)
{
	radio_stats_t s;
	int i, queued = 0;
	memset(&s, 0, sizeof(s));
	radio_get_stats(&s);
	for (i = 0; i < RADIO_MAX_ADVERTS; i++)
		if (gRadioXs.adverts[i].handle)
			queued++;
	xsResult = xsNewObject();
	xsSet(xsResult, xsID("txEvents"), xsNumber((double)s.tx_events));
	xsSet(xsResult, xsID("rxPdus"), xsNumber((double)s.rx_pdus));
	xsSet(xsResult, xsID("rxDelivered"), xsNumber((double)s.rx_delivered));
	xsSet(xsResult, xsID("rxMalformed"), xsNumber((double)s.rx_malformed));
	xsSet(xsResult, xsID("dropped"), xsNumber((double)gRadioXs.dropped));
	xsSet(xsResult, xsID("queued"), xsInteger(queued));
}
