/*
 * The process around the app (native/xs/js/sys.js): its arguments (after `--` on xsrun's command
 * line; none on a device), a way to end the run loop with a status, and the engine's memory counters.
 */
#include "xsr.h"

/* xs_sys_args() -> string[] */
void xs_sys_args(xsMachine* the)
{
	int i;
	xsResult = xsNewArray(0);
	for (i = 0; i < gxsrArgc; i++)
		xsSetAt(xsResult, xsInteger(i), xsString(gxsrArgv[i]));
}

/* xs_sys_exit(status): the run loop stops after the current job; the process exits with status. */
void xs_sys_exit(xsMachine* the)
{
	xsrCheckArgc(the, 1, "exit");
	xsrExit(the, xsrGetInteger(the, &xsArg(0), "exit: status", 0, 255));
}

/* xs_sys_memory() -> {chunks: {current, peak}, slots: {current, peak}, slotSize}: the engine's counters
 * (chunk bytes; slots in use, each slotSize bytes) */
void xs_sys_memory(xsMachine* the)
{
	xsrMemory m;
	xsrMemoryCounters(the, &m);
	xsVars(1);
	xsResult = xsNewObject();
	xsVar(0) = xsNewObject();
	xsSet(xsVar(0), xsID("current"), xsNumber((double)m.chunksCurrent));
	xsSet(xsVar(0), xsID("peak"), xsNumber((double)m.chunksPeak));
	xsSet(xsResult, xsID("chunks"), xsVar(0));
	xsVar(0) = xsNewObject();
	xsSet(xsVar(0), xsID("current"), xsNumber((double)m.slotsCurrent));
	xsSet(xsVar(0), xsID("peak"), xsNumber((double)m.slotsPeak));
	xsSet(xsResult, xsID("slots"), xsVar(0));
	xsSet(xsResult, xsID("slotSize"), xsInteger(m.slotSize));
}
