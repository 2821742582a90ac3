/*
 * The XS platform header of the device runtime: the nRF52840 firmware and its Cortex-M4 twin
 * (qemu-system-arm -M mps2-an386). Bare metal, arm-none-eabi-gcc with newlib (nano), one thread.
 *
 * The engine includes it through -DXSPLATFORM="xsr_device.h" -DINCLUDE_XSPLATFORM (see xsPlatform.h).
 * It declares the per-machine fields of our platform layer and picks which of the engine's default
 * platform functions to compile (xsPlatforms.c's mxUseDefault*). Ours are in xsr_device.c: fxBuildKeys,
 * fxCreateMachinePlatform/fxDeleteMachinePlatform, xsrPlatformExit, chunk and slot allocation from the static XS
 * heap, fxFindModule/fxLoadModule (common: native/xs/common) on the prelinked flash archive,
 * fxParseScript (no parser on the device: eval, new Function and source modules throw SyntaxError),
 * fxCStackLimit (the bottom of the C stack plus a margin), fxQueuePromiseJobs (common).
 *
 * IDs are 16-bit (no mx32bitID): the bytecode is the same on the build host and here.
 */
#ifndef XSR_DEVICE_H
#define XSR_DEVICE_H

#if !defined(__GNUC__) || !defined(__arm__)
	#error "the XS device runtime builds with arm-none-eabi-gcc"
#endif

#undef mxLittleEndian
#define mxLittleEndian 1

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

/* Module names are short paths ("modules/prov/provisionee"): the engine and native/xs/common put buffers of
 * C_PATH_MAX bytes on the C stack, which is small here. */
#define C_PATH_MAX 128

/*
 * Fields of every machine, for the platform layer (the same names as the host's, native/xs/common uses them):
 *   host          the runtime state (struct xsrRuntime*, xsr.h)
 *   promiseJobs   set by fxQueuePromiseJobs, cleared by the run loop
 *   bindingScript the script whose host functions are being bound
 */
#define mxMachinePlatform \
	void* host; \
	int promiseJobs; \
	void* bindingScript;

/* Defaults from xsPlatforms.c that fit as they are. No threads: SharedArrayBuffer and Atomics work within
 * the one machine (Atomics.wait throws). */
#define mxUseDefaultSharedChunks 1
/* fxBuildKeys is ours (xsr_device.c): the built-in keys' names stay in flash. */
#define mxUseDefaultBuildKeys 0
/* fxCStackLimit is ours (xsr_device.c): the engine throws a RangeError instead of running off the stack. */
#define mxUseDefaultCStackLimit 0

/* Math's constants (the engine's defaults are M_E..., which newlib's math.h hides under -std=c99): the
 * shortest decimal forms of the nearest doubles, as ECMAScript prints Math.E and the others. */
#define C_M_E 2.718281828459045
#define C_M_LN10 2.302585092994046
#define C_M_LN2 0.6931471805599453
#define C_M_LOG10E 0.4342944819032518
#define C_M_LOG2E 1.4426950408889634
#define C_M_PI 3.141592653589793
#define C_M_SQRT1_2 0.7071067811865476
#define C_M_SQRT2 1.4142135623730951

/* Date: the device has no calendar time; gettimeofday is the time since boot (xsr_device.c). */
#include <sys/time.h>

#endif /* XSR_DEVICE_H */
