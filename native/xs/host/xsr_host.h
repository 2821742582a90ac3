/*
 * The XS platform header of the host runtime (Linux, 64-bit or 32-bit, GCC or Clang).
 *
 * The engine includes it through -DXSPLATFORM="xsr_host.h" -DINCLUDE_XSPLATFORM (see xsPlatform.h):
 * it picks the host's C library, declares the per-machine fields our platform layer keeps in every
 * txMachine, and tells xsPlatforms.c which of the engine's default platform functions to compile.
 * The ones we write ourselves are in xsr_platform.c: fxCreateMachinePlatform/fxDeleteMachinePlatform,
 * xsrPlatformExit (fxAbort, fxQueuePromiseJobs, fxFindModule and fxLoadModule are in native/xs/common).
 *
 * Bytecode compatibility: IDs are 16-bit (no mx32bitID) on every platform of ours, so an .xsb made on
 * the build host is the same bytes the 32-bit device loads.
 */
#ifndef XSR_HOST_H
#define XSR_HOST_H

#if !defined(__GNUC__)
	#error "the XS host runtime needs GCC or Clang"
#endif
#if !(defined(__linux__) || defined(__APPLE__))
	#error "the XS host runtime builds on Linux (or macOS)"
#endif

#if defined(__BYTE_ORDER__) && (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)
	#undef mxBigEndian
	#define mxBigEndian 1
	#undef mxLittleEndian
	#define mxLittleEndian 0
#else
	#undef mxLittleEndian
	#define mxLittleEndian 1
#endif
#if defined(__linux__)
	#undef mxLinux
	#define mxLinux 1
#else
	#undef mxMacOSX
	#define mxMacOSX 1
#endif

#define mxExport extern
#define mxImport extern
#define XS_FUNCTION_NORETURN __attribute__((noreturn))

#include <ctype.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <unistd.h>

/* Atomics and SharedArrayBuffer waiters use the engine's POSIX implementation. */
#define mxUseGCCAtomics 1
#define mxUsePOSIXThreads 1

/*
 * Fields of every machine, for the platform layer:
 *   host          the runtime state (struct xsrRuntime*, xsr.h)
 *   promiseJobs   set by fxQueuePromiseJobs, cleared by the run loop
 *   bindingScript the script whose host functions are being bound (xsr_platform.c, fxRunScript callback)
 *   waiter*       required by the engine's Atomics.wait implementation
 */
#define mxMachinePlatform \
	void* host; \
	int promiseJobs; \
	void* bindingScript; \
	void* waiterCondition; \
	void* waiterData; \
	void* waiterLink;

/* Defaults from xsPlatforms.c that fit the host as they are. (Chunk and slot allocation are ours: they
 * count the bytes the machine takes from the C heap and can cap them, to try a device's budget.) */
#define mxUseDefaultBuildKeys 1
#define mxUseDefaultParseScript 1
#define mxUseDefaultSharedChunks 1

#endif /* XSR_HOST_H */
