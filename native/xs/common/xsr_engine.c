/*
 * xsr: the platform-independent part of our runtime around the XS engine.
 *
 *   - argument checking helpers for natives (throw TypeError / RangeError, never crash)
 *   - binding of a script's host functions (`@ "xs_name"`) through the static table gxsrHosts
 *   - decoding of .xsb files into engine scripts
 *   - module names: resolution of import specifiers against the importing module's name
 *   - timers and the run loop (the waiting itself is the platform's: xsrPlatformWait)
 *   - top-level import of the entry module, memory counters
 *
 * It includes the engine's internal header (xsAll.h) because binding host functions and checking
 * typed arrays need engine internals that xs.h does not expose.
 */
#include "xsAll.h"
#include "xsr.h"
#include "xsr_platform.h"

/* ---- argument checking ------------------------------------------------------------------------ */

void xsrCheckArgc(txMachine* the, int count, const char* function)
{
	if (mxArgc < count)
		mxTypeError("%s: expected %d arguments, got %d", function, count, (int)mxArgc);
}

uint8_t* xsrGetBytes(txMachine* the, txSlot* slot, const char* what, size_t* length)
{
	txSlot* instance;
	txSlot* internal;
	txSlot* view;
	txSlot* buffer;
	txSlot* arrayBuffer;
	txSlot* bufferInfo;
	txInteger offset, size;
	if (slot->kind != XS_REFERENCE_KIND)
		goto bail;
	instance = slot->value.reference;
	internal = instance->next;
	if (!internal || !(internal->flag & XS_INTERNAL_FLAG) || (internal->kind != XS_TYPED_ARRAY_KIND))
		goto bail;
	if (internal->value.typedArray.dispatch->constructorID != _Uint8Array)
		goto bail;
	view = internal->next;
	buffer = view->next;
	offset = view->value.dataView.offset;
	size = view->value.dataView.size;
	arrayBuffer = buffer->value.reference->next;
	bufferInfo = arrayBuffer->next;
	if (arrayBuffer->value.arrayBuffer.address == C_NULL)
		mxTypeError("%s: detached buffer", what);
	if (bufferInfo->value.bufferInfo.maxLength >= 0) {
		/* a view on a resizable buffer: its length may track the buffer's */
		txInteger byteLength = bufferInfo->value.bufferInfo.length;
		if (offset > byteLength)
			mxTypeError("%s: out of bounds view", what);
		if (size < 0)
			size = byteLength - offset;
		else if (offset + size > byteLength)
			mxTypeError("%s: out of bounds view", what);
	}
	if (size < 0)
		mxTypeError("%s: out of bounds view", what);
	*length = (size_t)size;
	return (uint8_t*)arrayBuffer->value.arrayBuffer.address + offset;
bail:
	mxTypeError("%s must be a Uint8Array", what);
	return C_NULL;
}

uint8_t* xsrGetBytesOf(txMachine* the, txSlot* slot, const char* what, size_t expected)
{
	size_t length;
	uint8_t* data = xsrGetBytes(the, slot, what, &length);
	if (length != expected)
		mxRangeError("%s must be %d bytes, got %d", what, (int)expected, (int)length);
	return data;
}

int32_t xsrGetInteger(txMachine* the, txSlot* slot, const char* what, int32_t min, int32_t max)
{
	double value;
	if (slot->kind == XS_INTEGER_KIND)
		value = slot->value.integer;
	else if (slot->kind == XS_NUMBER_KIND)
		value = slot->value.number;
	else {
		mxTypeError("%s must be a number", what);
		return 0;
	}
	if (!(value == c_trunc(value)))
		mxRangeError("%s must be an integer", what);
	if ((value < (double)min) || (value > (double)max))
		mxRangeError("%s must be in [%d, %d]", what, (int)min, (int)max);
	return (int32_t)value;
}

char* xsrGetString(txMachine* the, txSlot* slot, const char* what, char* buffer, size_t size)
{
	size_t length;
	if ((slot->kind != XS_STRING_KIND) && (slot->kind != XS_STRING_X_KIND))
		mxTypeError("%s must be a string", what);
	length = c_strlen(slot->value.string);
	if (length + 1 > size)
		mxRangeError("%s is too long (at most %d bytes)", what, (int)size - 1);
	c_memcpy(buffer, slot->value.string, length + 1);
	return buffer;
}

char* xsrGetStorageKey(txMachine* the, txSlot* slot, char* key, size_t size)
{
	size_t i, n;
	xsrGetString(the, slot, "storage: key", key, size);
	n = c_strlen(key);
	if (n == 0)
		mxRangeError("storage: key must not be empty");
	for (i = 0; i < n; i++) {
		char c = key[i];
		if (!(((c >= 'a') && (c <= 'z')) || ((c >= 'A') && (c <= 'Z')) || ((c >= '0') && (c <= '9')) || (c == '_') || (c == '.') || (c == '-') || (c == '/')))
			mxRangeError("storage: key has a character outside [A-Za-z0-9_.-/]");
	}
	return key;
}

uint8_t* xsrNewBytes(txMachine* the, size_t length)
{
	size_t got;
	uint8_t* data;
	if (length > 0x7FFFFFFF)
		mxRangeError("too many bytes");
	mxPush(mxGlobal);
	mxDub();
	fxGetID(the, mxID(_Uint8Array));
	mxNew();
	mxPushInteger((txInteger)length);
	mxRunCount(1);
	mxPullSlot(mxResult);
	mxPop();
	data = xsrGetBytes(the, mxResult, "result", &got);
	return data;
}

/* ---- host functions ----------------------------------------------------------------------------- */

void (*xsrFindHost(const char* name))(xsMachine* the)
{
	size_t lo = 0, hi = gxsrHostCount;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int order = c_strcmp(name, gxsrHosts[mid].name);
		if (order == 0)
			return gxsrHosts[mid].callback;
		if (order < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return C_NULL;
}

/* The i-th name of a script's symbols buffer (IDs 1..count-1 in order), or NULL. */
static const char* xsrScriptSymbol(txScript* script, txID index)
{
	txByte* p = script->symbolsBuffer;
	txByte* end;
	txID count, i;
	if (!p || (index == XS_NO_ID))
		return C_NULL;
	end = p + script->symbolsSize;
	mxDecodeID(p, count);
	if (index >= count)
		return C_NULL;
	for (i = 1; i < index; i++) {
		while ((p < end) && *p)
			p++;
		p++;
	}
	return (p < end) ? (const char*)p : C_NULL;
}

/*
 * The callback fxRunScript runs before a script's code: it returns (in xsResult) the array of the
 * script's host functions, which the code reaches with XS_CODE_HOST. The hosts buffer the parser
 * made (mxCFlag) is: count (ID), then per host: parameter count (1 byte), name symbol (ID), the
 * host name (C string).
 */
static void xsrBindHosts(txMachine* the)
{
	txScript* script = the->bindingScript;
	txHostFunctionBuilder* builders;
	txByte* p;
	txByte* end;
	txID count, i;
	if (!script || !script->hostsBuffer) {
		fxNewArray(the, 0);
		mxPullSlot(mxResult);
		return;
	}
	p = script->hostsBuffer;
	end = p + script->hostsSize;
	mxDecodeID(p, count);
	builders = c_calloc(count ? count : 1, sizeof(txHostFunctionBuilder));
	if (!builders)
		fxAbort(the, XS_NOT_ENOUGH_MEMORY_EXIT);
	for (i = 0; i < count; i++) {
		txS1 length;
		txID symbol;
		const char* name;
		const char* functionName;
		void (*callback)(xsMachine*);
		if (p + 1 + sizeof(txID) >= end)
			break;
		length = *p++;
		mxDecodeID(p, symbol);
		name = (const char*)p;
		while ((p < end) && *p)
			p++;
		p++;
		callback = xsrFindHost(name);
		if (!callback) {
			c_free(builders);
			mxReferenceError("host function \"%s\" is not linked into this runtime", name);
		}
		functionName = xsrScriptSymbol(script, symbol);
		builders[i].callback = callback;
		builders[i].length = length;
		builders[i].id = functionName ? fxID(the, (txString)functionName) : XS_NO_ID;
	}
	if (i != count) {
		c_free(builders);
		mxTypeError("corrupt hosts table");
	}
	fxBuildHosts(the, count, builders);
	mxPullSlot(mxResult);
	c_free(builders);
}

void xsrPrepareScript(txMachine* the, txScript* script)
{
	script->callback = script->hostsBuffer ? (void*)xsrBindHosts : C_NULL;
	the->bindingScript = script;
}

/* ---- .xsb ------------------------------------------------------------------------------------------- */

static uint32_t xsrRead32be(const uint8_t* p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static txS1* xsrCopy(const uint8_t* p, size_t size)
{
	txS1* copy = c_malloc(size ? size : 1);
	if (copy)
		c_memcpy(copy, p, size);
	return copy;
}

txScript* xsrScriptFromXSB(const uint8_t* data, size_t size, const char** error)
{
	const uint8_t* p = data;
	const uint8_t* end;
	txScript* script;
	uint32_t atomSize, atomType;
	*error = "not an XS binary";
	if (size < 8)
		return C_NULL;
	atomSize = xsrRead32be(p);
	atomType = xsrRead32be(p + 4);
	if ((atomType != XSR_ATOM_BINARY) || (atomSize != size))
		return C_NULL;
	end = data + size;
	p += 8;
	script = c_calloc(1, sizeof(txScript));
	if (!script) {
		*error = "out of memory";
		return C_NULL;
	}
	while (p + 8 <= end) {
		const uint8_t* body;
		size_t bodySize;
		atomSize = xsrRead32be(p);
		atomType = xsrRead32be(p + 4);
		if ((atomSize < 8) || (atomSize > (size_t)(end - p))) {
			*error = "corrupt atom";
			goto bail;
		}
		body = p + 8;
		bodySize = atomSize - 8;
		switch (atomType) {
		case XSR_ATOM_VERSION:
			if ((bodySize != 4) || (body[0] != XS_MAJOR_VERSION) || (body[1] != XS_MINOR_VERSION)) {
				*error = "compiled for another XS version";
				goto bail;
			}
			c_memcpy(script->version, body, 4);
			break;
		case XSR_ATOM_SYMBOLS:
			if (script->symbolsBuffer || (bodySize < sizeof(txID)))
				goto corrupt;
			script->symbolsBuffer = xsrCopy(body, bodySize);
			script->symbolsSize = (txSize)bodySize;
			if (!script->symbolsBuffer)
				goto memory;
			break;
		case XSR_ATOM_HOSTS:
			if (script->hostsBuffer || (bodySize < sizeof(txID)))
				goto corrupt;
			script->hostsBuffer = xsrCopy(body, bodySize);
			script->hostsSize = (txSize)bodySize;
			if (!script->hostsBuffer)
				goto memory;
			break;
		case XSR_ATOM_CODE:
			if (script->codeBuffer || (bodySize == 0))
				goto corrupt;
			script->codeBuffer = xsrCopy(body, bodySize);
			script->codeSize = (txSize)bodySize;
			if (!script->codeBuffer)
				goto memory;
			break;
		default:
			break; /* unknown atoms are skipped */
		}
		p += atomSize;
	}
	if ((p != end) || !script->symbolsBuffer || !script->codeBuffer || (script->version[0] == 0))
		goto corrupt;
	*error = C_NULL;
	return script;
corrupt:
	*error = "corrupt XS binary";
	goto bail;
memory:
	*error = "out of memory";
bail:
	fxDeleteScript(script);
	return C_NULL;
}

/* ---- module names ----------------------------------------------------------------------------- */

static int xsrNameCharacter(char c)
{
	return ((c >= 'a') && (c <= 'z')) || ((c >= 'A') && (c <= 'Z')) || ((c >= '0') && (c <= '9'))
		|| (c == '_') || (c == '-') || (c == '.') || (c == '/') || (c == '@') || (c == '$') || (c == '+');
}

int xsrResolveName(const char* referrer, const char* specifier, char* out, size_t size)
{
	char buffer[C_PATH_MAX];
	char* segments[64];
	int count = 0, i;
	size_t length = 0;
	char* p;
	char* q;
	const char* s;
	if (!specifier || !*specifier)
		return -1;
	for (s = specifier; *s; s++)
		if (!xsrNameCharacter(*s))
			return -1;
	if ((specifier[0] == '.') && ((specifier[1] == '/') || ((specifier[1] == '.') && (specifier[2] == '/')))) {
		const char* slash;
		if (!referrer)
			return -1;
		slash = c_strrchr(referrer, '/');
		length = slash ? (size_t)(slash - referrer) + 1 : 0;
		if (length + c_strlen(specifier) + 1 > sizeof(buffer))
			return -1;
		c_memcpy(buffer, referrer, length);
		c_strcpy(buffer + length, specifier);
	}
	else if (specifier[0] == '/')
		return -1;
	else {
		if (c_strlen(specifier) + 1 > sizeof(buffer))
			return -1;
		c_strcpy(buffer, specifier);
	}
	/* split into segments, dropping "." and resolving ".." */
	p = buffer;
	while (*p) {
		q = c_strchr(p, '/');
		if (q)
			*q = 0;
		if ((p[0] == 0) || ((p[0] == '.') && (p[1] == 0))) {
			/* empty or "." */
		}
		else if ((p[0] == '.') && (p[1] == '.') && (p[2] == 0)) {
			if (count == 0)
				return -1; /* above the root */
			count--;
		}
		else {
			if (count == (int)(sizeof(segments) / sizeof(segments[0])))
				return -1;
			segments[count++] = p;
		}
		if (!q)
			break;
		p = q + 1;
	}
	if (count == 0)
		return -1;
	length = 0;
	for (i = 0; i < count; i++) {
		size_t n = c_strlen(segments[i]);
		if (length + n + 2 > size)
			return -1;
		if (i)
			out[length++] = '/';
		c_memcpy(out + length, segments[i], n);
		length += n;
	}
	out[length] = 0;
	/* module names have no extension */
	if ((length > 3) && !c_strcmp(out + length - 3, ".js"))
		out[length - 3] = 0;
	else if ((length > 4) && !c_strcmp(out + length - 4, ".mjs"))
		out[length - 4] = 0;
	return 0;
}

txID fxFindModule(txMachine* the, txSlot* realm, txID moduleID, txSlot* slot)
{
	char specifier[C_PATH_MAX];
	char name[C_PATH_MAX];
	const char* referrer = (moduleID != XS_NO_ID) ? fxGetKeyName(the, moduleID) : C_NULL;
	(void)realm;
	fxToStringBuffer(the, slot, specifier, sizeof(specifier));
	if (xsrResolveName(referrer, specifier, name, sizeof(name)) < 0)
		return XS_NO_ID;
	if (!xsrPlatformHasModule(the, name))
		return XS_NO_ID;
	return fxNewNameC(the, name);
}

void fxLoadModule(txMachine* the, txSlot* module, txID moduleID)
{
	txString name = fxGetKeyName(the, moduleID);
	txScript* script = xsrPlatformLoadModule(the, name);
	xsrRuntime* runtime = the->host;
	if (!script)
		return; /* the engine reports the module as not found */
	if (runtime) {
		runtime->loadedModules++;
		runtime->loadedBytecode += (size_t)script->codeSize + (size_t)script->symbolsSize + (size_t)script->hostsSize;
	}
	script->path = name;
	xsrPrepareScript(the, script);
	/* fxRunScript (through fxResolveModule) frees the script and its buffers: module functions copy
	 * their code into the chunk heap (XS_CODE_CODE_*). Prelinked code run in place is a later step. */
	fxResolveModule(the, module, moduleID, script, C_NULL, C_NULL);
	the->bindingScript = C_NULL;
}

/* ---- promise jobs, timers, run loop -------------------------------------------------------- */

struct xsrTimer {
	xsrTimer* next;
	int32_t id;
	double when;
	double interval;
	txSlot function;
};

void fxQueuePromiseJobs(txMachine* the)
{
	the->promiseJobs = 1;
}

static xsrRuntime* xsrRuntimeOf(txMachine* the)
{
	xsrRuntime* runtime = the->host;
	if (!runtime)
		mxUnknownError("no runtime");
	return runtime;
}

static void xsrTimerInsert(xsrRuntime* runtime, xsrTimer* timer)
{
	xsrTimer** address = &runtime->timers;
	while (*address && ((*address)->when <= timer->when))
		address = &(*address)->next;
	timer->next = *address;
	*address = timer;
}

int32_t xsrTimerSet(txMachine* the, txSlot* function, double ms, double interval)
{
	xsrRuntime* runtime = xsrRuntimeOf(the);
	xsrTimer* timer;
	if (!fxIsCallable(the, function))
		mxTypeError("timer callback must be a function");
	if (!(ms >= 0) || (ms > 2147483647.0))
		ms = 0; /* NaN, negative: as soon as possible, like setTimeout */
	if (!(interval >= 0) || (interval > 2147483647.0))
		interval = 0;
	timer = c_calloc(1, sizeof(xsrTimer));
	if (!timer)
		mxUnknownError("out of memory");
	if (runtime->timerSeq == 0x7FFFFFFF)
		runtime->timerSeq = 0;
	timer->id = ++runtime->timerSeq;
	timer->when = xsrNow() + ms;
	timer->interval = interval;
	timer->function = *function;
	fxRemember(the, &timer->function);
	xsrTimerInsert(runtime, timer);
	return timer->id;
}

int32_t xsrTimerSetAt(txMachine* the, txSlot* function, double when)
{
	xsrRuntime* runtime = xsrRuntimeOf(the);
	xsrTimer* timer;
	if (!fxIsCallable(the, function))
		mxTypeError("timer callback must be a function");
	if (!(when == when))
		when = xsrNow();
	timer = c_calloc(1, sizeof(xsrTimer));
	if (!timer)
		mxUnknownError("out of memory");
	if (runtime->timerSeq == 0x7FFFFFFF)
		runtime->timerSeq = 0;
	timer->id = ++runtime->timerSeq;
	timer->when = when;
	timer->interval = 0;
	timer->function = *function;
	fxRemember(the, &timer->function);
	xsrTimerInsert(runtime, timer);
	return timer->id;
}

int xsrNextTimer(txMachine* the, double* when)
{
	xsrRuntime* runtime = the->host;
	if (!runtime || !runtime->timers)
		return 0;
	*when = runtime->timers->when;
	return 1;
}

void xsrTimerClear(txMachine* the, int32_t id)
{
	xsrRuntime* runtime = xsrRuntimeOf(the);
	xsrTimer** address = &runtime->timers;
	xsrTimer* timer;
	while ((timer = *address)) {
		if (timer->id == id) {
			*address = timer->next;
			fxForget(the, &timer->function);
			c_free(timer);
			return;
		}
		address = &timer->next;
	}
}

void xsrReportException(txMachine* the, const char* what)
{
	char buffer[1024];
	txSlot exception = mxException;
	volatile int printed = 0;
	/* the stack (message and frames) when the exception has one, else the exception as a string */
	if (exception.kind == XS_REFERENCE_KIND) {
		mxTry(the) {
			mxPushSlot(&exception);
			mxGetID(mxID(_stack));
			if ((the->stack->kind == XS_STRING_KIND) || (the->stack->kind == XS_STRING_X_KIND)) {
				fprintf(stderr, "xsrun: %s: %s\n", what, the->stack->value.string);
				printed = 1;
			}
			mxPop();
		}
		mxCatch(the) {
		}
	}
	if (printed)
		return;
	buffer[0] = 0;
	mxTry(the) {
		mxPushSlot(&exception);
		fxToStringBuffer(the, the->stack, buffer, sizeof(buffer));
		mxPop();
	}
	mxCatch(the) {
		c_strcpy(buffer, "(an exception that cannot be converted to a string)");
	}
	fprintf(stderr, "xsrun: %s: %s\n", what, buffer);
}

static void xsrRunPromiseJobs(txMachine* the)
{
	while (the->promiseJobs) {
		the->promiseJobs = 0;
		fxRunPromiseJobs(the);
	}
}

int xsrDrainJobs(txMachine* the)
{
	xsrRuntime* runtime = xsrRuntimeOf(the);
	do {
		fxBeginHost(the);
		xsrRunPromiseJobs(the);
		fxEndHost(the); /* the outermost fxEndHost ends the job (fxEndJob) */
	} while (the->promiseJobs && !runtime->exitRequested);
	return runtime->exitRequested;
}

static void xsrRunTimer(txMachine* the, xsrRuntime* runtime, xsrTimer* timer)
{
	txSlot function = timer->function;
	if (timer->interval > 0) {
		/* fixed rate: the next due time follows from the previous one, not from now, so timers keep
		 * their relative order when the loop runs late */
		timer->when += timer->interval;
		xsrTimerInsert(runtime, timer);
	}
	else {
		/* a one-shot timer is gone before its callback runs (clearTimeout in it is a no-op) */
		fxForget(the, &timer->function);
		c_free(timer);
	}
	mxTry(the) {
		mxPushUndefined();
		mxPushSlot(&function);
		mxCall();
		mxRunCount(0);
		mxPop();
	}
	mxCatch(the) {
		xsrReportException(the, "uncaught exception in a timer");
		xsrExit(the, 1);
	}
}

int xsrRunDueTimer(txMachine* the)
{
	xsrRuntime* runtime = the->host;
	xsrTimer* timer;
	if (!runtime || runtime->exitRequested)
		return 0;
	timer = runtime->timers;
	if (!timer || (timer->when > xsrNow()))
		return 0;
	runtime->timers = timer->next;
	fxBeginHost(the);
	xsrRunTimer(the, runtime, timer);
	fxEndHost(the);
	xsrDrainJobs(the);
	return 1;
}

void xsrExit(txMachine* the, int status)
{
	xsrRuntime* runtime = the->host;
	if (runtime && !runtime->exitRequested) {
		runtime->exitRequested = 1;
		runtime->exitStatus = status;
	}
}

void xsrRunLoop(txMachine* the)
{
	xsrRuntime* runtime = xsrRuntimeOf(the);
	for (;;) {
		xsrTimer* timer;
		double now, timeout;
		fxBeginHost(the);
		xsrRunPromiseJobs(the);
		fxEndHost(the); /* the outermost fxEndHost ends the job (fxEndJob) */
		if (the->promiseJobs)
			continue;
		if (runtime->exitRequested)
			break;
		timer = runtime->timers;
		if (!timer && (runtime->watchCount == 0))
			break;
		now = xsrNow();
		if (timer && (timer->when <= now)) {
			runtime->timers = timer->next;
			fxBeginHost(the);
			xsrRunTimer(the, runtime, timer);
			fxEndHost(the);
			continue;
		}
		timeout = timer ? timer->when - now : -1;
		xsrPlatformWait(the, timeout);
	}
	if (!runtime->exitRequested) {
		fxBeginHost(the);
		fxCheckUnhandledRejections(the, 1);
		fxEndHost(the);
	}
}

void xsrFreeTimers(txMachine* the)
{
	xsrRuntime* runtime = the->host;
	xsrTimer* timer;
	if (!runtime)
		return;
	while ((timer = runtime->timers)) {
		runtime->timers = timer->next;
		c_free(timer);
	}
}

/* ---- import of the entry module ----------------------------------------------------------------- */

static void xsrImportFulfilled(txMachine* the)
{
	xsrRuntime* runtime = the->host;
	if (runtime) {
		runtime->importedAt = xsrNow();
		runtime->importsSettled++;
	}
}

static void xsrImportRejected(txMachine* the)
{
	mxException = *mxArgv(0);
	xsrReportException(the, "import failed");
	mxException = mxUndefined;
	xsrExit(the, 1);
}

void xsrImportModule(txMachine* the, const char* name, int* failed)
{
	txSlot* realm;
	xsrRuntime* runtime = xsrRuntimeOf(the);
	fxBeginHost(the);
	mxTry(the) {
		realm = mxModuleInstanceInternal(mxProgram.value.reference)->value.module.realm;
		mxPushStringC((txString)name);
		fxRunImport(the, realm, XS_NO_ID);
		mxDub();
		fxGetID(the, mxID(_then));
		mxCall();
		fxNewHostFunction(the, xsrImportFulfilled, 1, XS_NO_ID, XS_NO_ID);
		fxNewHostFunction(the, xsrImportRejected, 1, XS_NO_ID, XS_NO_ID);
		mxRunCount(2);
		mxPop();
	}
	mxCatch(the) {
		xsrReportException(the, "import failed");
		xsrExit(the, 1);
	}
	fxEndHost(the);
	if (failed)
		*failed = runtime->exitRequested;
}

/* ---- memory counters -------------------------------------------------------------------------- */

void xsrMemoryCounters(txMachine* the, xsrMemory* out)
{
	out->chunksCurrent = (long)the->currentChunksSize;
	out->chunksPeak = (long)the->peakChunksSize;
	out->slotsCurrent = (long)the->currentHeapCount;
	out->slotsPeak = (long)the->peakHeapCount;
	out->slotSize = (int)sizeof(txSlot);
}

void xsrStatsJSON(txMachine* the, char* buffer, size_t size)
{
	xsrRuntime* runtime = the->host;
	c_snprintf(buffer, size,
		"{\"chunks\":{\"current\":%ld,\"peak\":%ld,\"reserved\":%ld},"
		"\"slots\":{\"current\":%ld,\"peak\":%ld,\"reserved\":%ld,\"slotSize\":%d},"
		"\"keys\":{\"used\":%d,\"reserved\":%d},"
		"\"heapBytes\":{\"current\":%ld,\"peak\":%ld},"
		"\"modules\":{\"loaded\":%d,\"bytecode\":%ld},"
		"\"blocks\":{\"current\":%ld,\"peak\":%ld,\"limit\":%ld}}",
		(long)the->currentChunksSize, (long)the->peakChunksSize, (long)the->maximumChunksSize,
		(long)the->currentHeapCount, (long)the->peakHeapCount, (long)the->maximumHeapCount, (int)sizeof(txSlot),
		(int)the->keyIndex, (int)the->keyCount,
		(long)the->currentChunksSize + (long)the->currentHeapCount * (long)sizeof(txSlot),
		(long)the->peakChunksSize + (long)the->peakHeapCount * (long)sizeof(txSlot),
		runtime ? runtime->loadedModules : 0, runtime ? (long)runtime->loadedBytecode : 0L,
		runtime ? (long)runtime->allocated : 0L, runtime ? (long)runtime->allocatedPeak : 0L,
		runtime ? (long)runtime->allocationLimit : 0L);
}
