/*
 * The host platform of the preload generator and of its test runner (xsprun.c): machine fields, memory from
 * malloc, no clock, no parser, no file descriptors, and the module store: DIR's .xsb files, or the image's
 * prelinked archive when linked with it (modules then run in place, as on the device).
 */
#include "xsAll.h"
#include "xsr.h"
#include "xsr_platform.h"
#include "xsp.h"

#include <sys/stat.h>

int gxsrArgc = 0;
char** gxsrArgv = C_NULL;
xsrRuntime* gxsrRuntime = C_NULL;
static const char* gDir = ".";

void xspSetModuleDirectory(const char* dir)
{
	gDir = dir;
}

/* The image's prelinked archive (tools/fw/prelink.mjs), when the generator is linked with it: modules are then
 * loaded from it as the device loads them (code and strings run in place) and the preparation points into it
 * instead of copying code and strings. Without it, modules come from DIR's .xsb files. */
#include "xsr_device_port.h"
extern const xsrArchiveModule gxsrArchiveModules[] __attribute__((weak));
extern const uint16_t gxsrArchiveModuleCount __attribute__((weak));
extern const char gxsrArchiveKeyStrings[] __attribute__((weak));
extern const uint16_t gxsrArchiveKeyOffsets[] __attribute__((weak));
extern const uint16_t gxsrArchiveKeyCount __attribute__((weak));
extern const uint16_t gxsrArchiveKeyBase __attribute__((weak));
#define XSP_ARCHIVE (gxsrArchiveModules != C_NULL)

int xspHasArchive(void)
{
	return XSP_ARCHIVE;
}

const char* xspArchiveAddress(const void* p, char* buffer, size_t size)
{
	uint16_t i;
	const char* c = p;
	if (!XSP_ARCHIVE || !p)
		return C_NULL;
	for (i = 0; i < gxsrArchiveModuleCount; i++) {
		const char* code = (const char*)gxsrArchiveModules[i].code;
		if ((c >= code) && (c < code + gxsrArchiveModules[i].codeSize)) {
			snprintf(buffer, size, "&gxsrArchiveCode%u[%ld]", (unsigned)i, (long)(c - code));
			return buffer;
		}
	}
	if (gxsrArchiveKeyCount) {
		/* the strings' end: a key may be another's tail (tools/fw/prelink.mjs), so the last key is not the last string */
		const char* end = gxsrArchiveKeyStrings;
		for (i = 0; i < gxsrArchiveKeyCount; i++) {
			const char* key = gxsrArchiveKeyStrings + gxsrArchiveKeyOffsets[i];
			if (key + c_strlen(key) > end)
				end = key + c_strlen(key);
		}
		if ((c >= gxsrArchiveKeyStrings) && (c <= end)) {
			snprintf(buffer, size, "&gxsrArchiveKeyStrings[%ld]", (long)(c - gxsrArchiveKeyStrings));
			return buffer;
		}
	}
	return C_NULL;
}

void xspDeclareArchive(FILE* out)
{
	uint16_t i;
	if (!XSP_ARCHIVE)
		return;
	for (i = 0; i < gxsrArchiveModuleCount; i++)
		fprintf(out, "extern const uint8_t gxsrArchiveCode%u[];\n", (unsigned)i);
	fprintf(out, "extern const char gxsrArchiveKeyStrings[];\n");
}

static const xsrArchiveModule* xspArchiveModule(const char* name)
{
	uint16_t i;
	for (i = 0; i < gxsrArchiveModuleCount; i++)
		if (!c_strcmp(gxsrArchiveModules[i].name, name))
			return &gxsrArchiveModules[i];
	return C_NULL;
}

int xspRegisterArchiveKeys(txMachine* the)
{
	uint16_t i;
	if (the->keyIndex != (txID)gxsrArchiveKeyBase) {
		fprintf(stderr, "preload: prelink mismatch: the engine has %d keys after creation, the archive expects %d\n",
			(int)the->keyIndex, (int)gxsrArchiveKeyBase);
		return -1;
	}
	for (i = 0; i < gxsrArchiveKeyCount; i++) {
		txString name = (txString)(gxsrArchiveKeyStrings + gxsrArchiveKeyOffsets[i]);
		if (fxNewNameX(the, name) != (txID)(gxsrArchiveKeyBase + i)) {
			fprintf(stderr, "preload: prelink mismatch at key \"%s\"\n", name);
			return -1;
		}
	}
	return 0;
}


/* ---- platform ---------------------------------------------------------------------------------------- */

void fxCreateMachinePlatform(txMachine* the)
{
	the->host = gxsrRuntime;
	the->promiseJobs = 0;
	the->bindingScript = C_NULL;
	/* every real callback's address is above it: no host function is refused by the engine itself */
	the->fakeCallback = (void*)1;
}

void fxDeleteMachinePlatform(txMachine* the)
{
	xsrFreeTimers(the);
	the->host = C_NULL;
}

void xsrPlatformExit(txMachine* the, int status)
{
	(void)the;
	fflush(stdout);
	fflush(stderr);
	exit(status);
}

void* fxAllocateChunks(txMachine* the, txSize size)
{
	(void)the;
	return c_malloc((size_t)size);
}

void fxFreeChunks(txMachine* the, void* chunks)
{
	(void)the;
	c_free(chunks);
}

txSlot* fxAllocateSlots(txMachine* the, txSize count)
{
	(void)the;
	return (txSlot*)c_malloc((size_t)count * sizeof(txSlot));
}

void fxFreeSlots(txMachine* the, void* slots)
{
	(void)the;
	c_free(slots);
}

txScript* fxParseScript(txMachine* the, void* stream, txGetter getter, txUnsigned flags)
{
	(void)the;
	(void)stream;
	(void)getter;
	(void)flags;
	return C_NULL;
}

double xsrNow(void)
{
	return 0;
}

int xsrRandomBytes(void* context, uint8_t* out, size_t length)
{
	(void)context;
	(void)out;
	(void)length;
	return -1;
}

int xsrWatchFd(txMachine* the, int fd, xsrReadyCallback ready, void* context)
{
	(void)the;
	(void)fd;
	(void)ready;
	(void)context;
	return -1;
}

void xsrUnwatchFd(txMachine* the, int fd)
{
	(void)the;
	(void)fd;
}

void xsrPlatformWait(txMachine* the, double timeout)
{
	(void)the;
	(void)timeout;
}

static int xspPath(const char* name, char* path, size_t size)
{
	int n = snprintf(path, size, "%s/%s.xsb", gDir, name);
	return (n > 0) && ((size_t)n < size);
}

txBoolean xsrPlatformHasModule(txMachine* the, const char* name)
{
	char path[C_PATH_MAX];
	struct stat st;
	(void)the;
	if (XSP_ARCHIVE)
		return xspArchiveModule(name) != C_NULL;
	return xspPath(name, path, sizeof(path)) && (stat(path, &st) == 0) && S_ISREG(st.st_mode);
}

txScript* xsrPlatformLoadModule(txMachine* the, const char* name)
{
	char path[C_PATH_MAX];
	FILE* file;
	long size;
	uint8_t* data;
	txScript* script;
	const char* error;
	(void)the;
	if (XSP_ARCHIVE) {
		/* as the device: no symbols (the IDs are prelinked), the code run in place */
		const xsrArchiveModule* module = xspArchiveModule(name);
		/* no code: a preloaded module whose code left the archive (tools/fw/prelink.mjs compactArchive) */
		if (module && !module->code)
			fprintf(stderr, "xspreload: module \"%s\" was preloaded: its code is not in the archive\n", name);
		if (!module || !module->code || !(script = c_calloc(1, sizeof(txScript))))
			return C_NULL;
		script->codeBuffer = (txS1*)module->code;
		script->codeSize = (txSize)module->codeSize;
		script->hostsBuffer = (txS1*)module->hosts;
		script->hostsSize = (txSize)module->hostsSize;
		script->version[0] = XS_MAJOR_VERSION;
		script->version[1] = XS_MINOR_VERSION;
		script->version[2] = XS_PATCH_VERSION;
		return script;
	}
	if (!xspPath(name, path, sizeof(path)) || !(file = fopen(path, "rb")))
		return C_NULL;
	fseek(file, 0, SEEK_END);
	size = ftell(file);
	fseek(file, 0, SEEK_SET);
	data = c_malloc(size > 0 ? (size_t)size : 1);
	if (!data || (fread(data, 1, (size_t)size, file) != (size_t)size)) {
		fclose(file);
		c_free(data);
		return C_NULL;
	}
	fclose(file);
	script = xsrScriptFromXSB(data, (size_t)size, &error);
	c_free(data);
	if (!script)
		fprintf(stderr, "xspreload: %s: %s\n", path, error);
	return script;
}

