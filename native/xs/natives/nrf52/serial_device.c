/*
 * The serial side of the mesh modem on the devices (the `modem` variant: nRF52840 DK UARTE0, nRF52840 Dongle USB
 * CDC-ACM, the twin's CMSDK UART2; docs/firmware-modem.md), with the JavaScript face of the host runtime's
 * native/xs/natives/host/serial_host.c (both: native/xs/natives/serial_face.h), so native/xs/js/serial.js and
 * modules/serial run unchanged:
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
#include "../serial_face.h"

#define SERIAL_WATCH_FD 3 /* the host runtime's file descriptor; here only the watch's name */
#define SERIAL_CHUNK 128  /* bytes per handler call (a small stack buffer; the loop calls again for more) */

static xsrSerialFace gFace;
static int gWasConnected;

static void serialReady(xsMachine* the, int fd, void* context)
{
	uint8_t buffer[SERIAL_CHUNK];
	size_t n;
	(void)fd;
	(void)context;
	if (!gFace.hasHandler)
		return;
	n = serial_port_read(buffer, sizeof(buffer));
	if (n) {
		xsrSerialDeliver(the, &gFace, buffer, n);
		return;
	}
	if (serial_port_connected()) {
		gWasConnected = 1;
	} else if (gWasConnected) {
		/* the host went away (USB): tell the app once; a host that comes back starts over with HELLO */
		gWasConnected = 0;
		xsrSerialDeliver(the, &gFace, NULL, 0);
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
	if (!xsrSerialSetHandler(the, &gFace, SERIAL_WATCH_FD))
		return;
	if (serial_port_open() != 0)
		xsUnknownError("serial.onData: the board has no serial port");
	if (xsrWatchFd(the, SERIAL_WATCH_FD, serialReady, NULL) != 0)
		xsUnknownError("serial.onData: the run loop has no room for another watch");
	gFace.watching = 1;
}
