/*
 * The device runtime's own interface (native/xs/nrf52/xsr_device.c), between the platform layer, the
 * generated flash archive (tools/fw/prelink.mjs: build/.../gen/xsr_archive.c), the board port (nRF52840:
 * xsr_nrf52_port.c; twin: native/xs/mps2/xsr_mps2_port.c) and the device natives.
 */
#ifndef XSR_DEVICE_PORT_H
#define XSR_DEVICE_PORT_H

#include <stddef.h>
#include <stdint.h>

/* ---- the prelinked archive in flash (generated) ------------------------------------------------------
 * Every module the entry imports (transitively), compiled by xsbc on the build host, then prelinked:
 * its symbol IDs are the IDs the keys get on the device (the engine's built-in keys, then gxsrArchiveKeys
 * registered in order right after the machine is created), function code and string literals turned
 * into their run-in-place forms (XS_CODE_CODE_ARCHIVE_*, XS_CODE_STRING_ARCHIVE_*). The code is run
 * where it is, in flash: nothing of it is copied into the XS heap. */
typedef struct {
	const char* name;        /* module name, e.g. "modules/prov/provisionee" (sorted by strcmp) */
	const uint8_t* code;     /* CODE: prelinked bytecode */
	uint32_t codeSize;
	const uint8_t* hosts;    /* HOST: the host functions it declares (NULL when none) */
	uint32_t hostsSize;
} xsrArchiveModule;

extern const xsrArchiveModule gxsrArchiveModules[];
extern const uint16_t gxsrArchiveModuleCount;
/* The keys to register, in order: key i must get ID gxsrArchiveKeyBase + i (the engine's built-in keys
 * come first; the device checks the build host's prediction). */
extern const char gxsrArchiveKeyStrings[]; /* NUL-separated */
extern const uint16_t gxsrArchiveKeyOffsets[];
extern const uint16_t gxsrArchiveKeyCount;
extern const uint16_t gxsrArchiveKeyBase;  /* the engine's key count after machine creation */
/* Entry module and preloads, in order (the entry last). */
extern const char* const gxsrArchiveImports[];
extern const uint16_t gxsrArchiveImportCount;
/* Bytes of prelinked code and host tables in flash. */
extern const uint32_t gxsrArchiveBytes;

/* ---- built-ins the app never names (generated from tools/fw/lean.mjs: build/.../gen/xsr_strip.c) ---------
 * owner: index in tools/fw/lean.mjs's OWNERS (global, Array.prototype, TypedArray.prototype, String,
 * String.prototype, Number.prototype, Object, Object.prototype, Promise, Promise.prototype, Map.prototype,
 * Set.prototype, Symbol, ArrayBuffer, ArrayBuffer.prototype, Function.prototype). */
typedef struct {
	uint8_t owner;
	const char* name;
} xsrStripEntry;
extern const xsrStripEntry gxsrStrip[];
extern const uint16_t gxsrStripCount;

/* ---- the board port ------------------------------------------------------------------------------- */

/* First thing of app_main: the twin makes its "flash" read-only (the archive runs in place: nothing may write
 * it); nothing on the nRF52840 (its flash is written only through the NVMC). */
void xsr_port_init(void);
/* After a fatal engine error, an uncaught exception or the end of the run loop: the nRF52840 logs and
 * resets; the twin ends QEMU with `status` (semihosting). */
void xsr_port_exit(int status) __attribute__((noreturn));
/* Around each wait of the run loop in hal_idle() (1: entering, 0: leaving): the twin leaves that time out of
 * its instruction counts; nothing on the nRF52840. */
void xsr_port_idle(int entering);
/* The twin only (XSR_LIVE_PEAK): a garbage collection starts (1) or ends (0), from the collector's own hooks
 * (native/xs/mps2/xsr_mps2_port.c counts its instructions). */
void xsr_port_gc(int starting);
/* Called at points of interest (boot, import done): the twin logs its instruction counter; nothing on the
 * nRF52840. */
void xsr_port_mark(const char* what);

/* ---- memory counters for logs and the twin's report --------------------------------------------------- */

typedef struct {
	uint32_t arenaBytes;      /* the static XS heap (chunks + slots + the XS stack) */
	uint32_t chunkBytes;      /* chunk blocks reserved (grows from the bottom) */
	uint32_t slotBytes;       /* slot blocks reserved, including the XS stack (grows from the top) */
	uint32_t cHeapBytes;      /* the C heap (keys, tables, timers) */
	uint32_t cHeapUsed;       /* its high-water mark */
	uint32_t chunksPeak;      /* the engine's peak of live chunk bytes */
	uint32_t slotsPeak;       /* the engine's peak of live slots, in bytes */
	uint32_t chunksCurrent, slotsCurrent;
	uint32_t livePeak;        /* the twin (XSR_LIVE_PEAK): the peak of chunks + slots live right after a collection */
	uint32_t keys;            /* keys in use */
	uint32_t stackPeak;       /* the C stack's high-water mark (painted at boot) */
	uint32_t xsStackBytes;    /* the XS stack (creation's stackCount slots, in the XS heap) */
	uint32_t xsStackPeak;     /* its high-water mark */
} xsrDeviceMemory;

void xsr_device_memory(xsrDeviceMemory* out);
/* Starts the engine's peak counters again from the current values (the twin: at the Invite). */
void xsr_device_reset_peaks(void);
/* Logs one line "xs-mem {json}" with the counters above, tagged with `what`. */
void xsr_device_log_memory(const char* what);

#endif /* XSR_DEVICE_PORT_H */
