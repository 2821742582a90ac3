/*
 * Services of the XS host runtime shared by its main (xsr_main.c), its platform layer (xsr_platform.c), its
 * link to the simulated air (xsr_air.c) and the host natives (natives/host/): the command-line options of
 * the simulated board, the clock that follows the air hub's virtual time, and the wake hook.
 */
#ifndef XSR_HOSTRT_H
#define XSR_HOSTRT_H

#include "xsr.h"

typedef struct {
	const char* air;   /* --air HOST:PORT: join the air hub there */
	const char* name;  /* --name NAME: the radio's name on the hub, the device's name (default "xs-device") */
	const char* uuid;  /* --uuid HEX: the device UUID (default: derived from the name) */
	int led;           /* --led: print "LED on" / "LED off" lines */
	int sync;          /* --sync: after each wake, a "mark N" line and MARK(N) (docs/air-protocol.md 3.3) */
	const char* randomSeed; /* --random-seed TEXT: deterministic random bytes (simulation only, not secure) */
} xsrHostOptions;

extern xsrHostOptions gxsrHostOptions;

/* ---- clock (xsr_platform.c). xsrNow() is the wall clock (monotonic, + an offset), or the hub's virtual time. */
/* Monotonic ms since the process started, whatever xsrNow() follows (for measurements). */
double xsrHostWallNow(void);
/* From now on xsrNow() is virtual time, starting at `now`. */
void xsrHostClockSetVirtual(double now);
/* Virtual time: moves the clock to `now` (never backwards). */
void xsrHostClockAdvance(double now);
/* Real time: xsrNow() = monotonic + offset (aligns the clock with the hub's at WELCOME). */
void xsrHostClockSetOffset(double offset);

/* ---- the simulated air (xsr_air.c) */
/* Prepares the radio for `the` (offline: advertisements complete on timers). Call once after creating the machine. */
void xsrAirInit(xsMachine* the);
/* Joins the hub at "HOST:PORT" as `name`: HELLO, waits for WELCOME, sets the clock, watches the socket. 0, or -1
 * with the reason in `error`. */
int xsrAirConnect(xsMachine* the, const char* hostPort, const char* name, char* error, size_t size);
/* True when connected to a hub in virtual mode. */
int xsrAirIsVirtual(void);
/* Called by the run loop's wait: in virtual mode sends WAIT_UNTIL(now + *timeout, or +Infinity when *timeout < 0)
 * and sets *timeout to -1 (wait for the hub, whatever the timers say). */
void xsrAirBeforeWait(xsMachine* the, double* timeout);
/* Says BYE (at exit). */
void xsrAirClose(void);

/* Called at each wake from the hub in virtual mode, before the timers due until `t` run (the board reads its
 * stdin there, so entries land at deterministic times). */
typedef void (*xsrWakeHook)(xsMachine* the, double t);
void xsrAirSetWakeHook(xsrWakeHook hook);

#endif
