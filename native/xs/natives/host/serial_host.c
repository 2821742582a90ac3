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
#include "../serial_face.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#define SERIAL_FD 3
#define SERIAL_CHUNK 512

static xsrSerialFace gFace; /* the handler and the watch (serial_face.h, shared with the devices' serial native) */
static int gEnded;

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
		xsrSerialStop(the, &gFace, SERIAL_FD);
		gEnded = 1;
		xsrSerialDeliver(the, &gFace, NULL, 0);
		return;
	}
	xsrSerialDeliver(the, &gFace, buffer, (size_t)n);
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
	if (!xsrSerialSetHandler(the, &gFace, SERIAL_FD) || gEnded)
		return;
	if (xsrWatchFd(the, SERIAL_FD, serialReady, NULL) != 0)
		xsUnknownError("serial.onData: cannot watch file descriptor %d (is it open?)", SERIAL_FD);
	gFace.watching = 1;
}
