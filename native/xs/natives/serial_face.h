/*
 * The JavaScript face of the mesh modem's serial link (native/xs/js/serial.js), one place for the host runtime
 * (native/xs/natives/host/serial_host.c: file descriptor 3) and the devices (native/xs/natives/nrf52/serial_device.c:
 * the board's serial port): the data handler kept across calls, the run-loop watch that feeds it, a chunk given to
 * it as a Uint8Array and the end of the link as undefined. Each file keeps one xsrSerialFace and its own ready
 * callback (where the bytes come from) and write.
 */
#ifndef XSR_SERIAL_FACE_H
#define XSR_SERIAL_FACE_H

#include "xsr.h"

typedef struct {
	int watching;
	int hasHandler;
	xsSlot handler;
} xsrSerialFace;

static void xsrSerialStop(xsMachine* the, xsrSerialFace* face, int fd)
{
	if (face->watching) {
		xsrUnwatchFd(the, fd);
		face->watching = 0;
	}
}

/* onData(handler | null): keeps the handler (null stops the watch). Returns 1 when the caller should start its
 * watch now (a handler is set and none is watching). */
static int xsrSerialSetHandler(xsMachine* the, xsrSerialFace* face, int fd)
{
	int type;
	xsrCheckArgc(the, 1, "serial.onData");
	type = xsTypeOf(xsArg(0));
	if ((type != xsUndefinedType) && (type != xsNullType) && !xsIsCallable(xsArg(0)))
		xsTypeError("serial.onData: handler must be a function or null");
	if (face->hasHandler) {
		face->hasHandler = 0;
		xsForget(face->handler);
	}
	if ((type == xsUndefinedType) || (type == xsNullType)) {
		xsrSerialStop(the, face, fd);
		return 0;
	}
	face->handler = xsArg(0);
	xsRemember(face->handler);
	face->hasHandler = 1;
	return !face->watching;
}

/* Gives the handler `length` bytes as a Uint8Array, or undefined when bytes is NULL (the host went away). */
static void xsrSerialDeliver(xsMachine* the, xsrSerialFace* face, const uint8_t* bytes, size_t length)
{
	if (!face->hasHandler)
		return;
	if (!bytes) {
		xsCallFunction1(face->handler, xsUndefined, xsUndefined);
		return;
	}
	{
		xsVars(2);
		xsVar(0) = xsArrayBuffer((void*)bytes, (xsIntegerValue)length);
		xsVar(1) = xsNew1(xsGlobal, xsID("Uint8Array"), xsVar(0));
		xsCallFunction1(face->handler, xsUndefined, xsVar(1));
	}
}

#endif
