/*
 * The XS platform layer of the device runtime: the nRF52840 firmware and its Cortex-M4 twin. The
 * platform-independent half (argument checks, host-function binding, module names, timers, run loop) is
 * native/xs/common, shared with the host runtime; this file supplies what xsr_platform.h and
 * the engine leave to a platform:
 *
 *   - app_main(): creates the machine (creation from the manifest's platform section), registers the
 *     prelinked archive's keys (or takes the preparation's machine), imports the entry module (a preloaded image:
 *     nothing to import), calls the entry's start function, runs the loop;
 *   - memory: the XS heap is one static array sized by the creation's staticSize; chunk blocks grow from
 *     its bottom, slot blocks (and the XS stack) from its top, and the engine collects garbage before it
 *     asks for more; the C heap (keys, name tables, timers) is another static array (syscalls.c);
 *   - the module store: the prelinked archive in flash (xsr_device_port.h), run in place;
 *   - the clock: hal_now_us(); the run loop's wait: hal_poll() (timers, radio: their callbacks may run
 *     JavaScript), then hal_idle() until the next timer of the loop or an interrupt;
 *   - after a fatal error (fxAbort, common): the memory counters, then the port's exit (nRF52840: reset;
 *     twin: QEMU exits with the status);
 *   - no parser: fxParseScript returns nothing, so eval and new Function throw a SyntaxError.
 */
#include "xsAll.h"
#include "xsr.h"
#include "xsr_platform.h"
#include "xsr_creation.h"
#include "xsr_device_port.h"

#include "../../boards/hal.h"
#include "../../nrf52/radio.h"

#ifndef XSR_HEAP_BYTES
#error "XSR_HEAP_BYTES (the static XS heap, from the creation's staticSize) is set by the firmware build"
#endif

/* ---- runtime ------------------------------------------------------------------------------------------ */

int gxsrArgc = 0;
char** gxsrArgv = C_NULL;
xsrRuntime* gxsrRuntime = C_NULL;

static xsrRuntime gRuntime;
static txMachine* gMachine = C_NULL;

void fxCreateMachinePlatform(txMachine* the)
{
	the->host = gxsrRuntime;
	the->promiseJobs = 0;
	the->bindingScript = C_NULL;
}

void fxDeleteMachinePlatform(txMachine* the)
{
	xsrFreeTimers(the);
	the->host = C_NULL;
}

/* After a fatal error (fxAbort, native/xs/common/xsr_run.c, printed its cause): the memory counters, then the
 * port's exit. */
void xsrPlatformExit(txMachine* the, int status)
{
	(void)the;
	xsr_device_log_memory("abort");
	xsr_port_exit(status);
}

/*
 * The engine's keys (gxIDStrings): as xsPlatforms.c's default, but the names stay in flash (XS_KEY_X_KIND,
 * fxNewNameX) instead of being copied into the chunk heap, like the app's prelinked keys.
 */
void fxBuildKeys(txMachine* the)
{
	int i;
	for (i = 0; i < XS_SYMBOL_ID_COUNT; i++) {
		txID id = the->keyIndex;
		txSlot* description = fxNewSlot(the);
		description->kind = XS_STRING_X_KIND;
		description->value.string = gxIDStrings[i];
		the->keyArray[id] = description;
		the->keyIndex++;
	}
	for (; i < XS_ID_COUNT; i++)
		fxNewNameX(the, gxIDStrings[i]);
}

/* No parser on the device: eval, new Function and source text have nothing to run (SyntaxError). */
txScript* fxParseScript(txMachine* the, void* stream, txGetter getter, txUnsigned flags)
{
	(void)the;
	(void)stream;
	(void)getter;
	(void)flags;
	return C_NULL;
}

/* The engine checks the C stack against this limit (RangeError / fatal instead of running off it). */
extern uint32_t __stack_bottom[], __stack_top[]; /* linker symbols (sections.ld) */
#define XSR_C_STACK_MARGIN 768

char* fxCStackLimit(void)
{
	return (char*)__stack_bottom + XSR_C_STACK_MARGIN;
}

/* ---- memory -------------------------------------------------------------------------------------------- */

static uint8_t gHeap[XSR_HEAP_BYTES] __attribute__((aligned(8), section(".xsheap")));
static uint8_t* gChunksTop = gHeap;                 /* chunk blocks: [gHeap, gChunksTop) */
static uint8_t* gSlotsBottom = gHeap + sizeof(gHeap); /* slot blocks: [gSlotsBottom, end) */

void* fxAllocateChunks(txMachine* the, txSize size)
{
	uint8_t* block;
	(void)the;
	size = (size + 7) & ~7;
	if ((size <= 0) || (size > gSlotsBottom - gChunksTop))
		return C_NULL; /* the engine reports "not enough memory" */
	block = gChunksTop;
	gChunksTop += size;
	return block;
}

void fxFreeChunks(txMachine* the, void* chunks)
{
	(void)the;
	(void)chunks; /* the machine lives as long as the device runs */
}

static txSlot* gStackBottom = C_NULL; /* the XS stack: the first slots the engine asks for (fxAllocate) */
static txSlot* gStackTop = C_NULL;

txSlot* fxAllocateSlots(txMachine* the, txSize count)
{
	size_t bytes = (size_t)count * sizeof(txSlot);
	(void)the;
	if ((count <= 0) || (bytes > (size_t)(gSlotsBottom - gChunksTop)))
		return C_NULL;
	gSlotsBottom -= bytes;
	if (!gStackBottom) {
		gStackBottom = (txSlot*)gSlotsBottom;
		gStackTop = gStackBottom + count;
	}
	return (txSlot*)gSlotsBottom;
}

void fxFreeSlots(txMachine* the, void* slots)
{
	(void)the;
	(void)slots;
}

extern uint32_t xsr_cheap_size(void);
extern uint32_t xsr_cheap_used(void);

#define XSR_STACK_PAINT 0xC5C5C5C5u

/* The XS stack's high-water mark, in bytes: the heap is painted at boot and the stack grows down from its
 * top (the engine's dtoa borrows its bottom as scratch memory, so the scan starts at the top and stops at
 * the first run of untouched slots). */
static uint32_t xsrXsStackPeak(void)
{
	txSlot* slot = gStackTop;
	int untouched = 0;
	if (!gStackBottom)
		return 0;
	while ((slot > gStackBottom) && (untouched < 8)) {
		const uint32_t* w = (const uint32_t*)(slot - 1);
		slot--;
		if ((w[0] == XSR_STACK_PAINT) && (w[1] == XSR_STACK_PAINT) && (w[2] == XSR_STACK_PAINT) && (w[3] == XSR_STACK_PAINT))
			untouched++;
		else
			untouched = 0;
	}
	return (uint32_t)((uintptr_t)gStackTop - (uintptr_t)(slot + untouched));
}

/* XSR_STACK_PAINT is four equal bytes: memset paints it (word stores, unrolled). */
#define XSR_PAINT_BYTE 0xC5

static void xsrPaintStack(void)
{
	uint32_t* p = __stack_bottom;
	uint32_t* sp = (uint32_t*)__builtin_frame_address(0);
	if (p < sp - 32)
		c_memset(p, XSR_PAINT_BYTE, (size_t)((sp - 32) - p) * sizeof(uint32_t));
}

static uint32_t xsrStackPeak(void)
{
	uint32_t* p = __stack_bottom;
	while ((p < __stack_top) && (*p == XSR_STACK_PAINT))
		p++;
	return (uint32_t)((uintptr_t)__stack_top - (uintptr_t)p);
}

#ifdef XSR_LIVE_PEAK
static uint32_t gLivePeak; /* xsrTwinGcReport */
#endif

/* The counters without the stacks' high-water marks (those scan the painted stacks). */
static void xsrDeviceCounts(xsrDeviceMemory* out)
{
	txMachine* the = gMachine;
	c_memset(out, 0, sizeof(*out));
	out->arenaBytes = sizeof(gHeap);
	out->chunkBytes = (uint32_t)(gChunksTop - gHeap);
	out->slotBytes = (uint32_t)(gHeap + sizeof(gHeap) - gSlotsBottom);
	out->cHeapBytes = xsr_cheap_size();
	out->cHeapUsed = xsr_cheap_used();
	out->xsStackBytes = (uint32_t)((uintptr_t)gStackTop - (uintptr_t)gStackBottom);
	if (the) {
		out->chunksPeak = (uint32_t)the->peakChunksSize;
		out->slotsPeak = (uint32_t)the->peakHeapCount * sizeof(txSlot);
		out->chunksCurrent = (uint32_t)the->currentChunksSize;
		out->slotsCurrent = (uint32_t)the->currentHeapCount * sizeof(txSlot);
		out->keys = (uint32_t)the->keyIndex;
	}
#ifdef XSR_LIVE_PEAK
	out->livePeak = gLivePeak;
#endif
}

void xsr_device_memory(xsrDeviceMemory* out)
{
	xsrDeviceCounts(out);
	out->stackPeak = xsrStackPeak();
	out->xsStackPeak = xsrXsStackPeak();
}

#ifdef XSR_LIVE_PEAK
/*
 * The twin's live heap: its xsMemory.c is compiled with mxReport=1 and fxReport renamed to this function
 * (tools/fw/xs-image.mjs), so the collector reports here at the end of every collection ("# Slot collection").
 * Live = the slots marked by that collection + the chunks in use then: exact after a compacting collection,
 * an upper bound after a slot-only one (chunks are swept only when compacting).
 */
void xsrTwinGcReport(txMachine* the, txString format, ...)
{
	c_va_list arguments;
	if (c_strncmp(format, "# Slot collection", 17) == 0) {
		uint32_t live = (uint32_t)the->currentChunksSize + (uint32_t)the->currentHeapCount * sizeof(txSlot);
		if (gLivePeak < live)
			gLivePeak = live;
		xsr_port_gc(0); /* the collection's end */
		return;
	}
	if ((c_strncmp(format, "# Chunk collection", 18) == 0) || (c_strstr(format, "reserved") != C_NULL))
		return; /* the heap's growth: nothing to say */
	c_va_start(arguments, format);
	c_vprintf(format, arguments);
	c_va_end(arguments);
}
#endif

void xsr_device_reset_peaks(void)
{
	txMachine* the = gMachine;
#ifdef XSR_LIVE_PEAK
	gLivePeak = 0;
#endif
	if (the) {
		the->peakChunksSize = the->currentChunksSize;
		the->peakHeapCount = the->currentHeapCount;
	}
}

static void xsrLogMemory(const char* what, const xsrDeviceMemory* counts)
{
	xsrDeviceMemory m = *counts;
	m.stackPeak = xsrStackPeak();
	m.xsStackPeak = xsrXsStackPeak();
	hal_log("xs-mem {\"at\":\"%s\",\"arena\":%lu,\"chunksReserved\":%lu,\"slotsReserved\":%lu,"
		"\"chunksPeak\":%lu,\"slotsPeak\":%lu,\"chunks\":%lu,\"slots\":%lu,",
		what, (unsigned long)m.arenaBytes, (unsigned long)m.chunkBytes, (unsigned long)m.slotBytes,
		(unsigned long)m.chunksPeak, (unsigned long)m.slotsPeak, (unsigned long)m.chunksCurrent,
		(unsigned long)m.slotsCurrent);
	hal_log("\"keys\":%lu,\"cHeap\":%lu,\"cHeapUsed\":%lu,\"cStackPeak\":%lu,\"xsStack\":%lu,\"xsStackPeak\":%lu}\n",
		(unsigned long)m.keys, (unsigned long)m.cHeapBytes, (unsigned long)m.cHeapUsed, (unsigned long)m.stackPeak,
		(unsigned long)m.xsStackBytes, (unsigned long)m.xsStackPeak);
}

void xsr_device_log_memory(const char* what)
{
	xsrDeviceMemory m;
	xsrDeviceCounts(&m);
	xsrLogMemory(what, &m);
}

/*
 * The boot's diagnostics: the XS heap after the machine's creation and after the entry's import ("xs-mem" lines
 * "created", "imported"), then after a collection ("imported-gc"). The counters are taken then, but the lines are
 * printed and the collection run at the run loop's first wait: after what the entry's import set off at 0 ms (the
 * first Unprovisioned Device beacon), which they would delay by about 0.13 M instructions.
 */
static xsrDeviceMemory gBootCreated, gBootImported;
static int gBootReport;

static void xsrBootReport(txMachine* the)
{
	gBootReport = 0;
	xsrLogMemory("created", &gBootCreated);
	xsrLogMemory("imported", &gBootImported);
	fxCollectGarbage(the);
	xsr_device_log_memory("imported-gc");
	xsr_port_mark("imported");
}

/* ---- clock and randomness -------------------------------------------------------------------------- */

/* The clock in ms: the last conversion is kept (the run loop, the timers and the natives ask many times while the
 * clock stands still: on the twin's virtual clock between two of the hub's messages), a division of doubles in
 * software costing about 600 instructions. */
double xsrNow(void)
{
	static uint64_t lastUs = UINT64_MAX;
	static double lastMs;
	uint64_t us = hal_now_us();
	if (us != lastUs) {
		lastMs = hal_us_to_ms(us);
		lastUs = us;
	}
	return lastMs;
}

int xsrRandomBytes(void* context, uint8_t* out, size_t length)
{
	(void)context;
	hal_random(out, length);
	return 0;
}

/* ---- module store: the prelinked archive ------------------------------------------------------------ */

static const xsrArchiveModule* xsrFindArchiveModule(const char* name)
{
	size_t lo = 0, hi = gxsrArchiveModuleCount;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int order = c_strcmp(name, gxsrArchiveModules[mid].name);
		if (order == 0)
			return &gxsrArchiveModules[mid];
		if (order < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return C_NULL;
}

txBoolean xsrPlatformHasModule(txMachine* the, const char* name)
{
	(void)the;
	return xsrFindArchiveModule(name) != C_NULL;
}

txScript* xsrPlatformLoadModule(txMachine* the, const char* name)
{
	/* One script at a time: fxLoadModule runs it (fxResolveModule) before it asks for another. Without
	 * a symbols buffer the engine neither remaps nor frees the buffers: they stay in flash. */
	static txScript script;
	const xsrArchiveModule* module = xsrFindArchiveModule(name);
	(void)the;
	/* no code: a preloaded module, found in the preparation; its code left the archive (tools/fw/prelink.mjs) */
	if (module && !module->code)
		hal_log("xs: module \"%s\" was preloaded: its code is not in the archive\n", name);
	if (!module || !module->code)
		return C_NULL;
	c_memset(&script, 0, sizeof(script));
	script.codeBuffer = (txS1*)module->code;
	script.codeSize = (txSize)module->codeSize;
	script.hostsBuffer = (txS1*)module->hosts;
	script.hostsSize = (txSize)module->hostsSize;
	script.version[0] = XS_MAJOR_VERSION;
	script.version[1] = XS_MINOR_VERSION;
	script.version[2] = XS_PATCH_VERSION;
	return &script;
}

#ifndef XSR_PRELOADED
/* The archive's keys, registered right after the machine is created so each gets the ID the prelinker
 * wrote into the bytecode. Strings stay in flash (XS_KEY_X_KIND). */
static void xsrRegisterArchiveKeys(txMachine* the)
{
	uint16_t i;
	if (the->keyIndex != (txID)gxsrArchiveKeyBase) {
		hal_log("xs: prelink mismatch: the engine has %d keys after creation, the archive expects %d\n",
			(int)the->keyIndex, (int)gxsrArchiveKeyBase);
		xsr_port_exit(XSR_EXIT_FATAL);
	}
	for (i = 0; i < gxsrArchiveKeyCount; i++) {
		txString name = (txString)(gxsrArchiveKeyStrings + gxsrArchiveKeyOffsets[i]);
		txID id = fxNewNameX(the, name);
		if (id != (txID)(gxsrArchiveKeyBase + i)) {
			hal_log("xs: prelink mismatch: key \"%s\" is %d, the archive expects %d\n", name, (int)id,
				(int)(gxsrArchiveKeyBase + i));
			xsr_port_exit(XSR_EXIT_FATAL);
		}
	}
}
#endif

void xsrStripBuiltins(txMachine* the); /* xsr_lean.c */
#ifdef XSR_PRELOADED
extern const txPreparation gxsrPreparation; /* generated by tools/fw/preload */
#endif

/* ---- run loop ---------------------------------------------------------------------------------------- */

/* The device has no file descriptors: a watch is "the HAL" (timers, radio), which keeps the loop alive. */
int xsrWatchFd(txMachine* the, int fd, xsrReadyCallback ready, void* context)
{
	xsrRuntime* runtime = the->host;
	if (!runtime || (runtime->watchCount >= XSR_MAX_WATCHES) || !ready)
		return -1;
	runtime->watches[runtime->watchCount].fd = fd;
	runtime->watches[runtime->watchCount].ready = ready;
	runtime->watches[runtime->watchCount].context = context;
	runtime->watchCount++;
	return 0;
}

void xsrUnwatchFd(txMachine* the, int fd)
{
	xsrRuntime* runtime = the->host;
	int i;
	if (!runtime)
		return;
	for (i = 0; i < runtime->watchCount; i++) {
		if (runtime->watches[i].fd == fd) {
			runtime->watchCount--;
			runtime->watches[i] = runtime->watches[runtime->watchCount];
			return;
		}
	}
}

static void xsrHalReady(txMachine* the, int fd, void* context)
{
	(void)the;
	(void)fd;
	(void)context;
}

/* hal_poll runs due HAL timers and the radio; their callbacks (the radio native's) may call JavaScript. Then
 * each watch is polled (the HAL's does nothing; the modem's serial native takes its port's bytes). */
static void xsrPoll(txMachine* the)
{
	xsrRuntime* runtime = the->host;
	int i;
	fxBeginHost(the);
	mxTry(the) {
		hal_poll();
		for (i = 0; i < runtime->watchCount; i++)
			runtime->watches[i].ready(the, runtime->watches[i].fd, runtime->watches[i].context);
	}
	mxCatch(the) {
		xsrReportException(the, "uncaught exception in a callback");
		xsrExit(the, 1);
	}
	fxEndHost(the);
}

static volatile int gWoken;
static void xsrWake(void* context)
{
	(void)context;
	gWoken = 1;
}

void xsrPlatformWait(txMachine* the, double timeout)
{
	static hal_timer_t wake;
	xsrRuntime* runtime = the->host;
	int32_t timers;
	if (gBootReport)
		xsrBootReport(the);
	timers = runtime->timerSeq;
	xsrPoll(the);
	/* Something to do already: promise jobs, a new timer (it may be due before `timeout`), an exit. */
	if (the->promiseJobs || runtime->exitRequested || (runtime->timerSeq != timers))
		return;
	if (timeout >= 0) {
		double ms = c_ceil(timeout);
		gWoken = 0;
		hal_timer_start(&wake, (ms > 86400000.0) ? 86400000u : (uint32_t)ms, xsrWake, C_NULL);
	}
	xsr_port_idle(1);
	hal_idle();
	xsr_port_idle(0);
	xsrPoll(the);
	hal_timer_stop(&wake);
}

/* ---- entry ----------------------------------------------------------------------------------------------- */

void app_main(void)
{
	txCreation creation = XSR_CREATION_INITIALIZER;
	txMachine* the;
	int failed = 0;
#ifndef XSR_PRELOADED
	uint16_t i;
#endif
	uint8_t address[6];
	int rc;
	xsr_port_init();
	xsr_port_mark("start");
	xsrPaintStack();
	c_memset(gHeap, XSR_PAINT_BYTE, sizeof(gHeap));
	c_memset(&gRuntime, 0, sizeof(gRuntime));
	/* stdout/stderr unbuffered: newlib would take 1 KB of the C heap for each buffer */
	setvbuf(stdout, C_NULL, _IONBF, 0);
	setvbuf(stderr, C_NULL, _IONBF, 0);
	hal_device_address(address);
	rc = radio_init(hal_radio_backend(), address);
	if (rc < 0)
		hal_log("xs: radio_init failed (%d)\n", rc);
	gxsrRuntime = &gRuntime;
	gxsrArgv = hal_app_args(&gxsrArgc);
	hal_log("xs: XS %d.%d.%d, %s, heap %lu bytes, %u modules (%lu bytes) run in place from flash\n",
		XS_MAJOR_VERSION, XS_MINOR_VERSION, XS_PATCH_VERSION, hal_board_name(), (unsigned long)sizeof(gHeap),
		(unsigned)gxsrArchiveModuleCount, (unsigned long)gxsrArchiveBytes);
#ifdef XSR_PRELOADED
	/* The machine from the preparation (tools/fw/preload): built-ins, the archive's keys and the preloaded modules
	 * are in flash; the machine's own heap starts nearly empty. */
	the = fxPrepareMachine(&creation, (txPreparation*)&gxsrPreparation, "device", C_NULL, C_NULL);
	if (!the) {
		hal_log("xs: cannot create the machine from the preparation\n");
		xsr_port_exit(XSR_EXIT_FATAL);
	}
	gMachine = the;
	if (the->keyIndex < (txID)(gxsrArchiveKeyBase + gxsrArchiveKeyCount)) {
		hal_log("xs: prelink mismatch: the preparation has %d keys, the archive expects %d\n", (int)the->keyIndex,
			(int)(gxsrArchiveKeyBase + gxsrArchiveKeyCount));
		xsr_port_exit(XSR_EXIT_FATAL);
	}
#else
	the = fxCreateMachine(&creation, "device", C_NULL, XS_NO_ID);
	if (!the) {
		hal_log("xs: cannot create the machine\n");
		xsr_port_exit(XSR_EXIT_FATAL);
	}
	gMachine = the;
	fxBeginHost(the);
	xsrRegisterArchiveKeys(the);
	xsrStripBuiltins(the);
	fxEndHost(the);
	fxCollectGarbage(the);
#endif
	xsrDeviceCounts(&gBootCreated);
	xsr_port_mark("created");
	xsrWatchFd(the, 0, xsrHalReady, C_NULL);
#ifdef XSR_PRELOADED
	/* every module is in the preparation, its body run at build time (the entry's too): the entry's start function,
	 * straight from the preparation, with nothing imported (docs/firmware.md "Boot") */
	failed = xsrStartEntry(the, 1);
#else
	for (i = 0; (i < gxsrArchiveImportCount) && !failed; i++) {
		xsrImportModule(the, gxsrArchiveImports[i], &failed);
		if (!failed)
			failed = xsrDrainJobs(the);
	}
	if (!failed)
		failed = xsrStartEntry(the, 1);
#endif
	if (!failed)
		failed = xsrDrainJobs(the);
	xsr_port_mark("entry");
	xsrDeviceCounts(&gBootImported);
	gBootReport = 1;
	if (!failed)
		xsrRunLoop(the);
	if (gBootReport)
		xsrBootReport(the); /* the run loop never waited */
	hal_log("xs: the run loop ended (status %d)\n", gRuntime.exitRequested ? gRuntime.exitStatus : 0);
	xsr_device_log_memory("end");
	xsr_port_exit(gRuntime.exitRequested ? gRuntime.exitStatus : 0);
}
