/*
 * Console output for JavaScript (native/xs/js/trace.js): trace(text) writes text as it is; log(level,
 * tag, message) writes one line "[level] tag: message". Both to stdout, flushed, so a parent process
 * reading the pipe sees lines as they come.
 */
#include "xsr.h"

#include <stdio.h>
#include <string.h>

/* xs_trace(text) */
void xs_trace(xsMachine* the)
{
	xsrCheckArgc(the, 1, "trace");
	if ((xsTypeOf(xsArg(0)) != xsStringType) && (xsTypeOf(xsArg(0)) != xsStringXType))
		xsTypeError("trace: text must be a string");
	fputs(xsToString(xsArg(0)), stdout);
	fflush(stdout);
}

/* xs_log(level, tag, message) */
void xs_log(xsMachine* the)
{
	char level[16];
	char tag[64];
	xsrCheckArgc(the, 3, "log");
	xsrGetString(the, &xsArg(0), "log: level", level, sizeof(level));
	if (strcmp(level, "debug") && strcmp(level, "info") && strcmp(level, "warn") && strcmp(level, "error"))
		xsRangeError("log: level must be debug, info, warn or error");
	xsrGetString(the, &xsArg(1), "log: tag", tag, sizeof(tag));
	if ((xsTypeOf(xsArg(2)) != xsStringType) && (xsTypeOf(xsArg(2)) != xsStringXType))
		xsTypeError("log: message must be a string");
	fprintf(stdout, "[%s] %s: %s\n", level, tag, xsToString(xsArg(2)));
	fflush(stdout);
}
