/*
 * The host platform layer of the XS runtime (Linux/macOS): machine platform fields, fatal errors,
 * the module store (directories of .xsb files, or .js sources parsed at load time for development),
 * the monotonic clock and the run loop's wait (poll on watched fds with a timeout).
 *
 * The platform-independent half is native/xs/common.
 */
#include "xsAll.h"
#include "xsr.h"
#include "xsr_platform.h"
#include "xsr_hostrt.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>

xsrRuntime* gxsrRuntime = C_NULL;


void fxCreateMachinePlatform(txMachine* the)
{
	the->host = gxsrRuntime;
	the->promiseJobs = 0;
	the->bindingScript = C_NULL;
	the->waiterCondition = C_NULL;
	the->waiterData = C_NULL;
	the->waiterLink = C_NULL;
}

void fxDeleteMachinePlatform(txMachine* the)
{
	xsrFreeTimers(the);
	the->host = C_NULL;
}

/* After a fatal error (fxAbort, native/xs/common/xsr_run.c). */
void xsrPlatformExit(txMachine* the, int status)
{
	(void)the;
	fflush(stdout);
	fflush(stderr);
	c_exit(status);
}

/* ---- memory: the machine's chunk and slot blocks, counted (and capped by xsrun --memory-limit) ---- */

typedef union {
	size_t size;
	double align; /* keeps the block after the header aligned for any slot */
	void* pointer;
} xsrBlockHeader;

static void* xsrAllocate(txMachine* the, size_t size)
{
	xsrRuntime* runtime = the->host;
	xsrBlockHeader* header;
	if (runtime && runtime->allocationLimit && (runtime->allocated + size > runtime->allocationLimit))
		return C_NULL; /* the engine reports "not enough memory" */
	header = c_malloc(sizeof(xsrBlockHeader) + size);
	if (!header)
		return C_NULL;
	header->size = size;
	if (runtime) {
		runtime->allocated += size;
		if (runtime->allocated > runtime->allocatedPeak)
			runtime->allocatedPeak = runtime->allocated;
	}
	return header + 1;
}

static void xsrFree(txMachine* the, void* block)
{
	xsrRuntime* runtime = the->host;
	xsrBlockHeader* header;
	if (!block)
		return;
	header = (xsrBlockHeader*)block - 1;
	if (runtime)
		runtime->allocated -= header->size;
	c_free(header);
}

void* fxAllocateChunks(txMachine* the, txSize size)
{
	return xsrAllocate(the, (size_t)size);
}

void fxFreeChunks(txMachine* the, void* chunks)
{
	xsrFree(the, chunks);
}

txSlot* fxAllocateSlots(txMachine* the, txSize count)
{
	return (txSlot*)xsrAllocate(the, (size_t)count * sizeof(txSlot));
}

void fxFreeSlots(txMachine* the, void* slots)
{
	xsrFree(the, slots);
}

/* ---- clock: monotonic wall time (+ an offset: real mode on the air hub), or the hub's virtual time ---- */

static double gxsrClockOffset = 0;
static int gxsrClockVirtual = 0;
static double gxsrClockVirtualNow = 0;

double xsrHostWallNow(void)
{
	static struct timespec origin;
	static int started = 0;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!started) {
		origin = now;
		started = 1;
	}
	return (double)(now.tv_sec - origin.tv_sec) * 1000.0 + (double)(now.tv_nsec - origin.tv_nsec) / 1e6;
}

double xsrNow(void)
{
	if (gxsrClockVirtual)
		return gxsrClockVirtualNow;
	return xsrHostWallNow() + gxsrClockOffset;
}

void xsrHostClockSetVirtual(double now)
{
	gxsrClockVirtual = 1;
	gxsrClockVirtualNow = now;
}

void xsrHostClockAdvance(double now)
{
	if (gxsrClockVirtual && (now > gxsrClockVirtualNow))
		gxsrClockVirtualNow = now;
}

void xsrHostClockSetOffset(double offset)
{
	gxsrClockOffset = offset;
}

/* ---- module store ------------------------------------------------------------------------------- */

static int xsrModulePath(xsrRuntime* runtime, const char* name, const char* extension, char* path, size_t size)
{
	int i;
	struct stat info;
	for (i = 0; i < runtime->rootCount; i++) {
		int n = snprintf(path, size, "%s/%s%s", runtime->roots[i], name, extension);
		if ((n > 0) && ((size_t)n < size) && (stat(path, &info) == 0) && S_ISREG(info.st_mode))
			return 1;
	}
	return 0;
}

txBoolean xsrPlatformHasModule(txMachine* the, const char* name)
{
	char path[C_PATH_MAX];
	xsrRuntime* runtime = the->host;
	if (!runtime)
		return 0;
	if (xsrModulePath(runtime, name, ".xsb", path, sizeof(path)))
		return 1;
	return runtime->allowSource && xsrModulePath(runtime, name, ".js", path, sizeof(path));
}

static uint8_t* xsrReadFile(const char* path, size_t* size)
{
	FILE* file = fopen(path, "rb");
	uint8_t* data = C_NULL;
	long length;
	if (!file)
		return C_NULL;
	if ((fseek(file, 0, SEEK_END) == 0) && ((length = ftell(file)) >= 0) && (fseek(file, 0, SEEK_SET) == 0)) {
		data = c_malloc((size_t)length + 1);
		if (data && (fread(data, 1, (size_t)length, file) == (size_t)length)) {
			data[length] = 0;
			*size = (size_t)length;
		}
		else {
			c_free(data);
			data = C_NULL;
		}
	}
	fclose(file);
	return data;
}

txScript* xsrPlatformLoadModule(txMachine* the, const char* name)
{
	char path[C_PATH_MAX];
	xsrRuntime* runtime = the->host;
	uint8_t* data;
	size_t size = 0;
	txScript* script;
	const char* error;
	if (!runtime)
		return C_NULL;
	if (xsrModulePath(runtime, name, ".xsb", path, sizeof(path))) {
		data = xsrReadFile(path, &size);
		if (!data)
			mxUnknownError("cannot read %s", path);
		script = xsrScriptFromXSB(data, size, &error);
		c_free(data);
		if (!script)
			mxTypeError("%s: %s", path, error);
		return script;
	}
	if (runtime->allowSource && xsrModulePath(runtime, name, ".js", path, sizeof(path))) {
		txStringCStream stream;
		data = xsrReadFile(path, &size);
		if (!data)
			mxUnknownError("cannot read %s", path);
		stream.buffer = (txString)data;
		stream.offset = 0;
		stream.size = (txSize)size;
		/* mxCFlag: accept `@ "xs_name"` host functions, as xsbc does */
		script = fxParseScript(the, &stream, fxStringCGetter, mxCFlag);
		c_free(data);
		return script;
	}
	return C_NULL;
}

/* ---- run loop wait -------------------------------------------------------------------------------- */

int xsrWatchFd(txMachine* the, int fd, xsrReadyCallback ready, void* context)
{
	xsrRuntime* runtime = the->host;
	if (!runtime || (runtime->watchCount >= XSR_MAX_WATCHES) || (fd < 0) || !ready)
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

void xsrPlatformWait(txMachine* the, double timeout)
{
	xsrRuntime* runtime = the->host;
	struct pollfd fds[XSR_MAX_WATCHES];
	int count = runtime ? runtime->watchCount : 0;
	int i, ms, result;
	xsrAirBeforeWait(the, &timeout); /* virtual time: WAIT_UNTIL, then wait for the hub whatever the timers say */
	if (timeout < 0)
		ms = -1;
	else if (timeout > 2147483647.0)
		ms = 2147483647;
	else
		ms = (int)c_ceil(timeout);
	for (i = 0; i < count; i++) {
		fds[i].fd = runtime->watches[i].fd;
		fds[i].events = POLLIN;
		fds[i].revents = 0;
	}
	result = poll(fds, (nfds_t)count, ms);
	if (result <= 0)
		return; /* timeout, or EINTR: the loop looks again */
	for (i = 0; i < count; i++) {
		if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
			xsrWatch watch = runtime->watches[i];
			fxBeginHost(the);
			mxTry(the) {
				(*watch.ready)(the, watch.fd, watch.context);
			}
			mxCatch(the) {
				xsrReportException(the, "uncaught exception in an I/O callback");
				xsrExit(the, 1);
			}
			fxEndHost(the);
			return; /* run the promise jobs it queued before anything else */
		}
	}
}
