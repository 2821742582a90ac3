/*
 * The serial side of the mesh modem on the devices (the `modem` variant: nRF52840 DK UARTE0, nRF52840 Dongle USB
 * CDC-ACM, the twin's CMSDK UART2; docs/firmware-modem.md), with the JavaScript face of the host runtime's
 * native/xs/natives/host/serial_host.c, so native/xs/js/serial.js and modules/serial run unchanged:
 *
 *   xs_serial_write(bytes)       writes a Uint8Array whole (blocking: a modem's frames are small)
 *   xs_serial_on_data(handler)   handler(Uint8Array) for each chunk received, handler(undefined) once when the
 *                                host went away (USB: deconfigured or DTR dropped); null stops it
 *
 * The bytes come from the port's ring (native/boards/serial_port.h), filled by its interrupt handler; the run
 * loop polls its watches after the HAL (native/xs/nrf52/xsr_device.c), so the handler runs from the loop, never
 * from an interrupt and never inside a write.
 */
#include "xsr.h"

#include "../../../boards/serial_port.h"

#define SERIAL_WATCH_FD 3 /* the host runtime's file descriptor; here only the watch's name */
#define SERIAL_CHUNK 128  /* bytes per handler call (a small stack buffer; the loop calls again for more) */

static struct {
	int watching;
	int wasConnected;
	int hasHandler;
	xsSlot handler;
} gSerial;

static void serialStop(xsMachine* the)
{
	if (gSerial.watching) {
		xsrUnwatchFd(the, SERIAL_WATCH_FD);
		gSerial.watching = 0;
	}
}

static void serialReady(xsMachine* the, int fd, void* context)
{
	uint8_t buffer[SERIAL_CHUNK];
	size_t n;
	(void)fd;
	(void)context;
	if (!gSerial.hasHandler)
		return;
	n = serial_port_read(buffer, sizeof(buffer));
	if (n) {
		xsVars(2);
		xsVar(0) = xsArrayBuffer(buffer, (xsIntegerValue)n);
		xsVar(1) = xsNew1(xsGlobal, xsID("Uint8Array"), xsVar(0));
		xsCallFunction1(gSerial.handler, xsUndefined, xsVar(1));
		return;
	}
	if (serial_port_connected()) {
		gSerial.wasConnected = 1;
		return;
	}
	if (gSerial.wasConnected) {
		/* the host went away (USB): tell the app once; a host that comes back starts over with HELLO */
		gSerial.wasConnected = 0;
		xsCallFunction1(gSerial.handler, xsUndefined, xsUndefined);
	}
}

/* xs_serial_write(bytes) */
void xs_serial_write(xsMachine* the)
{
	size_t length;
	uint8_t* bytes;
	xsrCheckArgc(the, 1, "serial.write");
	bytes = xsrGetBytes(the, &xsArg(0), "serial.write: bytes", &length);
	(void)serial_port_write(bytes, length); /* a host that is not there: dropped, as a closed pty's */
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
	if (!gSerial.watching) {
		if (serial_port_open() != 0)
			xsUnknownError("serial.onData: the board has no serial port");
		if (xsrWatchFd(the, SERIAL_WATCH_FD, serialReady, NULL) != 0)
			xsUnknownError("serial.onData: the run loop has no room for another watch");
		gSerial.watching = 1;
	}
}
