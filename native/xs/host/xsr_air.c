/*
 * The XS host runtime on the simulated air: the air hub's client (native/air/air_client.c, which implements the
 * C radio API the radio native uses) over a TCP socket the run loop watches, and the runtime's clock in the
 * hub's time.
 *
 * Virtual mode (docs/air-protocol.md section 3): xsrNow() and the run loop's timers follow the hub. When the
 * run loop is idle, xsrAirBeforeWait sends WAIT_UNTIL(next timer, wakes handled) (with --sync, first a "mark N"
 * line on stdout and MARK(N) when wakes were handled since the last mark) and the loop sleeps until
 * the hub's next message; for each wake (TIME, RX, ADV_DONE at time t) the timers due until t run, the clock
 * standing at each timer's time, then the clock moves to t, the packet or the end of an advertisement is
 * delivered, and the timers now due run. A whole XS device then runs in the hub's virtual time,
 * deterministically. Real mode: the wall clock, aligned with the hub's time at WELCOME.
 * Without a hub (no --air): advertisements complete on the run loop's timers, nothing is received.
 *
 * The hub closing (BYE) ends the runtime with status 0; a hub ERROR, malformed input from the hub or a broken
 * link with status 4 and a message on stderr.
 */
#include "xsr.h"
#include "xsr_hostrt.h"
#include "../../air/air_client.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

static xsMachine* gAirThe = NULL;
static int gAirFd = -1;
static xsrWakeHook gAirWakeHook = NULL;
static int32_t gAirOfflineTimers[RADIO_MAX_ADVERTS];
static uint32_t gAirMark = 0;        /* --sync: the last "mark N" written */
static uint32_t gAirMarkedWakes = 0; /* --sync: wakes handled when it was written */

void xsrAirSetWakeHook(xsrWakeHook hook)
{
	gAirWakeHook = hook;
}

/* ---- transport -------------------------------------------------------------------------------------- */

static int xsrAirSend(void* ctx, const uint8_t* data, size_t n)
{
	(void)ctx;
	while (n > 0) {
		ssize_t k = send(gAirFd, data, n, MSG_NOSIGNAL);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			if ((errno == EAGAIN) || (errno == EWOULDBLOCK)) {
				struct pollfd p;
				p.fd = gAirFd;
				p.events = POLLOUT;
				p.revents = 0;
				(void)poll(&p, 1, 1000);
				continue;
			}
			return -1;
		}
		data += k;
		n -= (size_t)k;
	}
	return 0;
}

static int xsrAirRecv(void* ctx, uint8_t* buffer, size_t capacity)
{
	ssize_t k;
	(void)ctx;
	if (gAirFd < 0)
		return -1;
	for (;;) {
		k = recv(gAirFd, buffer, capacity, MSG_DONTWAIT);
		if (k > 0)
			return (int)k;
		if (k == 0)
			return -1;
		if (errno == EINTR)
			continue;
		if ((errno == EAGAIN) || (errno == EWOULDBLOCK))
			return 0;
		return -1;
	}
}

/* ---- clock ------------------------------------------------------------------------------------------ */

static void xsrAirAdvance(void* ctx, double t)
{
	xsMachine* the = gAirThe;
	double when;
	(void)ctx;
	if (!the)
		return;
	if (gAirWakeHook)
		(*gAirWakeHook)(the, t);
	(void)xsrDrainJobs(the);
	while (xsrNextTimer(the, &when) && (when <= t)) {
		xsrHostClockAdvance(when);
		if (!xsrRunDueTimer(the))
			break; /* exit requested */
	}
	xsrHostClockAdvance(t);
}

static void xsrAirRunDue(void* ctx)
{
	xsMachine* the = gAirThe;
	(void)ctx;
	if (!the)
		return;
	(void)xsrDrainJobs(the);
	while (xsrRunDueTimer(the)) {
	}
}

/* ---- offline: advertisements complete on the run loop's timers -------------------------------------- */

static void xs_air_offline_fire(xsMachine* the)
{
	int slot = xsToInteger(xsGet(xsFunction, xsID("slot")));
	if ((slot >= 0) && (slot < RADIO_MAX_ADVERTS)) {
		gAirOfflineTimers[slot] = 0;
		air_client_offline_event(slot);
	}
}

static void xsrAirOfflineStop(void* ctx, int slot)
{
	(void)ctx;
	if (gAirThe && (slot >= 0) && (slot < RADIO_MAX_ADVERTS) && gAirOfflineTimers[slot]) {
		xsrTimerClear(gAirThe, gAirOfflineTimers[slot]);
		gAirOfflineTimers[slot] = 0;
	}
}

static void xsrAirOfflineStart(void* ctx, int slot, uint32_t delay)
{
	xsMachine* machine = gAirThe;
	if (!machine || (slot < 0) || (slot >= RADIO_MAX_ADVERTS))
		return;
	xsrAirOfflineStop(ctx, slot);
	xsBeginHost(machine);
	{
		xsVars(1);
		xsVar(0) = xsNewHostFunction(xs_air_offline_fire, 0);
		xsSet(xsVar(0), xsID("slot"), xsInteger(slot));
		gAirOfflineTimers[slot] = xsrTimerSet(the, &xsVar(0), (double)delay, 0);
	}
	xsEndHost(machine);
}

static uint32_t xsrAirRandom32(void* ctx)
{
	uint8_t b[4] = { 0, 0, 0, 0 };
	(void)ctx;
	(void)xsrRandomBytes(NULL, b, 4);
	return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}

static const air_client_io_t gAirIo = {
	xsrAirSend, xsrAirRecv, xsrAirAdvance, xsrAirRunDue, xsrAirOfflineStart, xsrAirOfflineStop, xsrAirRandom32, NULL
};

const air_client_io_t* air_platform_io(void)
{
	return &gAirIo;
}

/* ---- the address, from the name (a static random address: the two top bits set) -------------------- */

static void xsrAirAddress(const char* name, uint8_t address[6])
{
	uint32_t h = 2166136261u, g;
	int i;
	for (i = 0; name[i]; i++) {
		h ^= (uint8_t)name[i];
		h *= 16777619u;
	}
	g = h * 2654435761u ^ 0x5A17C0DEu;
	/* least significant byte first, as radio.h keeps it */
	address[0] = (uint8_t)h;
	address[1] = (uint8_t)(h >> 8);
	address[2] = (uint8_t)(h >> 16);
	address[3] = (uint8_t)(h >> 24);
	address[4] = (uint8_t)g;
	address[5] = (uint8_t)((g >> 8) | 0xC0);
}

/* ---- run loop ---------------------------------------------------------------------------------------- */

static void xsrAirEnd(xsMachine* the, int result)
{
	const char* why = air_client_error();
	if (gAirFd >= 0) {
		xsrUnwatchFd(the, gAirFd);
		close(gAirFd);
		gAirFd = -1;
	}
	if (result == AIR_CLOSED)
		xsrExit(the, 0); /* the hub closed (BYE): the device's world ends, quietly */
	else {
		fprintf(stderr, "xsrun: air: %s\n", why[0] ? why : "link error");
		xsrExit(the, 4);
	}
}

static void xsrAirReady(xsMachine* the, int fd, void* context)
{
	int result;
	(void)fd;
	(void)context;
	result = air_client_process();
	if (result != AIR_OK)
		xsrAirEnd(the, result);
}

void xsrAirInit(xsMachine* the)
{
	uint8_t address[6];
	gAirThe = the;
	xsrAirAddress(gxsrHostOptions.name ? gxsrHostOptions.name : "xs-device", address);
	(void)radio_init(NULL, address);
}

int xsrAirIsVirtual(void)
{
	return air_client_is_virtual();
}

void xsrAirBeforeWait(xsMachine* the, double* timeout)
{
	(void)the;
	if (!air_client_is_virtual())
		return;
	if (gxsrHostOptions.sync && (air_client_state() == AIR_STATE_CONNECTED) && (air_client_wakes() != gAirMarkedWakes)) {
		/* Everything this runtime printed while handling the wakes is on stdout before the mark line; the hub holds
		 * its time until its reader has read that line (docs/air-protocol.md 3.3). */
		gAirMarkedWakes = air_client_wakes();
		gAirMark++;
		fprintf(stdout, "mark %u\n", (unsigned)gAirMark);
		fflush(stdout);
		air_client_mark(gAirMark);
	}
	air_client_idle((*timeout < 0) ? 1e308 : xsrNow() + *timeout);
	*timeout = -1;
}

void xsrAirClose(void)
{
	if (gAirFd >= 0) {
		air_client_bye();
		close(gAirFd);
		gAirFd = -1;
	}
}

int xsrAirConnect(xsMachine* the, const char* hostPort, const char* name, char* error, size_t size)
{
	char host[256];
	const char* colon = strrchr(hostPort, ':');
	struct addrinfo hints, *list = NULL, *ai;
	uint8_t address[6];
	int fd = -1, result, one = 1;
	double deadline;
	if (!colon || (colon == hostPort) || ((size_t)(colon - hostPort) >= sizeof(host)) || !colon[1]) {
		snprintf(error, size, "--air needs HOST:PORT, got \"%s\"", hostPort);
		return -1;
	}
	memcpy(host, hostPort, (size_t)(colon - hostPort));
	host[colon - hostPort] = 0;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, colon + 1, &hints, &list) != 0) {
		snprintf(error, size, "cannot resolve %s", hostPort);
		return -1;
	}
	for (ai = list; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(list);
	if (fd < 0) {
		snprintf(error, size, "cannot connect to the air hub at %s: %s", hostPort, strerror(errno));
		return -1;
	}
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	gAirFd = fd;
	xsrAirAddress(name, address);
	result = air_client_connect(name, address);
	if (result != AIR_OK) {
		snprintf(error, size, "--name must be 1..%d bytes", AIR_NAME_MAX);
		goto bail;
	}
	deadline = xsrHostWallNow() + 10000;
	while (air_client_state() == AIR_STATE_HELLO) {
		struct pollfd p;
		double left = deadline - xsrHostWallNow();
		if (left <= 0) {
			snprintf(error, size, "no WELCOME from the air hub at %s", hostPort);
			goto bail;
		}
		p.fd = fd;
		p.events = POLLIN;
		p.revents = 0;
		if (poll(&p, 1, (int)left + 1) < 0 && errno != EINTR) {
			snprintf(error, size, "poll: %s", strerror(errno));
			goto bail;
		}
		result = air_client_process();
		if (result != AIR_OK) {
			snprintf(error, size, "%s", air_client_error());
			goto bail;
		}
	}
	if (air_client_state() != AIR_STATE_CONNECTED) {
		snprintf(error, size, "%s", air_client_error());
		goto bail;
	}
	if (air_client_is_virtual())
		xsrHostClockSetVirtual(air_client_welcome_time());
	else
		xsrHostClockSetOffset(air_client_welcome_time() - xsrHostWallNow());
	if (xsrWatchFd(the, fd, xsrAirReady, NULL) < 0) {
		snprintf(error, size, "too many watched descriptors");
		goto bail;
	}
	return 0;
bail:
	close(fd);
	gAirFd = -1;
	return -1;
}
