/*
 * The serial side of the mesh modem on the host runtime (native/xs/js/serial.js, docs/serial-protocol.md):
 * bytes to and from file descriptor 3, which the launcher (host/serial/launch.ts) connects to the host's pty
 * or socket. The device builds implement the same two natives on the UARTE (native/nrf52/uarte.c) or the
 * twin's second CMSDK UART.
 *
 *   xs_serial_write(bytes)       writes a Uint8Array whole (blocking: a modem's frames are small)
 *   xs_serial_on_data(handler)   handler(Uint8Array) for each chunk read, handler(undefined) once at the end
 *                                (the host closed the link); null stops reading
 *
 * The handler runs from the run loop (xsrWatchFd), never inside a write.
 */
#include "xsr.h"
#include "xsr_hostrt.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#define SERIAL_FD 3
#define SERIAL_CHUNK 512

static struct {
	int watching;
	int ended;
	int hasHandler;
	xsSlot handler;
} gSerial;

static void serialStop(xsMachine* the)
{
	if (gSerial.watching) {
		xsrUnwatchFd(the, SERIAL_FD);
		gSerial.watching = 0;
	}
}

static void serialReady(xsMachine* the, int fd, void* context)
{
	uint8_t buffer[SERIAL_CHUNK];
	ssize_t n;
	(void)context;
	do
		n = read(fd, buffer, sizeof(buffer));
	while ((n < 0) && (errno == EINTR));
	if ((n < 0) && (errno == EAGAIN))
		return;
	if (n <= 0) {
		serialStop(the);
		gSerial.ended = 1;
		if (gSerial.hasHandler)
			xsCallFunction1(gSerial.handler, xsUndefined, xsUndefined);
		return;
	}
	if (!gSerial.hasHandler)
		return;
	{
		xsVars(2);
		xsVar(0) = xsArrayBuffer(buffer, (xsIntegerValue)n);
		xsVar(1) = xsNew1(xsGlobal, xsID("Uint8Array"), xsVar(0));
		xsCallFunction1(gSerial.handler, xsUndefined, xsVar(1));
	}
}

/* xs_serial_write(bytes) */
void xs_serial_write(xsMachine* the)
{
	size_t length, done = 0;
	uint8_t* bytes;
	xsrCheckArgc(the, 1, "serial.write");
	bytes = xsrGetBytes(the, &xsArg(0), "serial.write: bytes", &length);
	while (done < length) {
		ssize_t n = write(SERIAL_FD, bytes + done, length - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return; /* the host is gone: the reader's end tells the app */
		}
		done += (size_t)n;
		bytes = xsrGetBytes(the, &xsArg(0), "serial.write: bytes", &length); /* nothing allocated, but be safe */
	}
}

/* xs_serial_on_data(handler | null) */
void xs_serial_on_data(xsMachine* the)
{
	int type;
	xsrCheckArgc(the, 1, "serial.onData");
	type = xsTypeOf(xsArg(0));
	if ((type != xsUndefinedType) && (type != xsNullType) && !xsIsCallable(xsArg(0)))
		xsTypeError("serial.onData: handler must be a function or null");
	if (gSerial.hasHandler) {
		gSerial.hasHandler = 0;
		xsForget(gSerial.handler);
	}
	if ((type == xsUndefinedType) || (type == xsNullType)) {
		serialStop(the);
		return;
	}
	gSerial.handler = xsArg(0);
	xsRemember(gSerial.handler);
	gSerial.hasHandler = 1;
	if (!gSerial.watching && !gSerial.ended) {
		if (xsrWatchFd(the, SERIAL_FD, serialReady, NULL) != 0)
			xsUnknownError("serial.onData: cannot watch file descriptor %d (is it open?)", SERIAL_FD);
		gSerial.watching = 1;
	}
}
