/*
 * What the platform-independent runtime (native/xs/common: xsr_args.c, xsr_bind.c, xsr_load.c, xsr_run.c,
 * xsr_internal.c) needs from a platform (host: native/xs/host/
 * xsr_platform.c; the device platforms follow the same interface). Internal: include after xsAll.h.
 */
#ifndef XSR_PLATFORM_H
#define XSR_PLATFORM_H

/* True when module `name` (no extension, e.g. "modules/crypto/cmac") can be loaded. */
txBoolean xsrPlatformHasModule(txMachine* the, const char* name);
/* The script of module `name`, malloc'ed with its buffers (fxRunScript frees them), or NULL. */
txScript* xsrPlatformLoadModule(txMachine* the, const char* name);
/* Waits until a watched fd is ready (and runs its callback) or `timeout` ms passed (-1: no limit). */
void xsrPlatformWait(txMachine* the, double timeout);

/* Ends the program after a fatal error (fxAbort, xsr_run.c, has printed its cause): flushes the output, then
 * exits with `status` (host: the process; nRF52840: a reset; twin: QEMU). */
void xsrPlatformExit(txMachine* the, int status) __attribute__((noreturn));

/* native/xs/common (xsr_load.c, xsr_bind.c, xsr_run.c), for platforms */
txScript* xsrScriptFromXSB(const uint8_t* data, size_t size, const char** error);
int xsrResolveName(const char* referrer, const char* specifier, char* out, size_t size);
void xsrPrepareScript(txMachine* the, txScript* script);
/* Binds the hosts of the script being loaded (the->bindingScript) as xsrPrepareScript's callback does, each name's
 * callback from `find` (NULL: a ReferenceError naming it); the array of host functions in mxResult. */
/* The binding xsrPrepareScript installs (xsrBindHostsWith on gxsrHosts; the preload generator binds stubs). */
extern void (*gxsrBindHosts)(txMachine* the);
void xsrBindHostsWith(txMachine* the, txCallback (*find)(txMachine* the, const char* name, txScript* script));
void xsrFreeTimers(txMachine* the);
/* What a built-in the preload generator stripped runs instead: a TypeError naming it (xsr_bind.c). */
void xsrStrippedBuiltin(txMachine* the);
/* Prints mxException (message and stack) to stderr, after `what`. */
void xsrReportException(txMachine* the, const char* what);

#endif /* XSR_PLATFORM_H */
