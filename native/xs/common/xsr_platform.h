/*
 * What the platform-independent runtime (xsr_engine.c) needs from a platform (host: native/xs/host/
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

/* xsr_engine.c, for platforms */
txScript* xsrScriptFromXSB(const uint8_t* data, size_t size, const char** error);
int xsrResolveName(const char* referrer, const char* specifier, char* out, size_t size);
void xsrPrepareScript(txMachine* the, txScript* script);
void xsrFreeTimers(txMachine* the);
/* Prints mxException (message and stack) to stderr, after `what`. */
void xsrReportException(txMachine* the, const char* what);

#endif /* XSR_PLATFORM_H */
