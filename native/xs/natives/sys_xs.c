/*
 * The process around the app (native/xs/js/sys.js): its arguments (after `--` on xsrun's command
 * line; none on a device) and a way to end the run loop with a status.
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
