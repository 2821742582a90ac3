/*
 * Engine internals, in one place. The XS engine exposes what natives need through xs.h, but a few things our
 * runtime does have no API there, so this file reads the engine's private structures (xsAll.h) for them:
 *
 *   - a Uint8Array's bytes: the instance's slot chain (internal typed-array slot → view → buffer reference →
 *     the ArrayBuffer's slot → its buffer info), as the engine's own xsTypedArray.c lays it out;
 *   - the value of a number or string slot whatever its kind (integer / number; string in the heap / in flash);
 *   - the program's realm: the internal slot of the module instance mxProgram holds;
 *   - the `stack` of the pending exception, to report it without running more JavaScript than a property get;
 *   - the memory counters: the machine's chunk, slot and key fields, and the runtime's block accounting.
 *
 * When the engine is upgraded, this file is the one to check against its sources (xsAll.h: txSlot, the
 * typed-array kinds, the module internal slot; xsTypedArray.c; xsModule.c).
 */
#include "xsAll.h"
#include "xsr.h"
#include "xsr_internal.h"

#include <stdio.h>

uint8_t* xsrInternalUint8Array(txMachine* the, txSlot* slot, const char* what, size_t* length)
{
	txSlot* instance;
	txSlot* internal;
	txSlot* view;
	txSlot* buffer;
	txSlot* arrayBuffer;
	txSlot* bufferInfo;
	txInteger offset, size;
	if (slot->kind != XS_REFERENCE_KIND)
		return C_NULL;
	instance = slot->value.reference;
	internal = instance->next;
	if (!internal || !(internal->flag & XS_INTERNAL_FLAG) || (internal->kind != XS_TYPED_ARRAY_KIND))
		return C_NULL;
	if (internal->value.typedArray.dispatch->constructorID != _Uint8Array)
		return C_NULL;
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
}

int xsrInternalNumber(txSlot* slot, double* value)
{
	if (slot->kind == XS_INTEGER_KIND)
		*value = slot->value.integer;
	else if (slot->kind == XS_NUMBER_KIND)
		*value = slot->value.number;
	else
		return 0;
	return 1;
}

const char* xsrInternalString(txSlot* slot)
{
	if ((slot->kind != XS_STRING_KIND) && (slot->kind != XS_STRING_X_KIND))
		return C_NULL;
	return slot->value.string;
}

txSlot* xsrInternalProgramRealm(txMachine* the)
{
	return mxModuleInstanceInternal(mxProgram.value.reference)->value.module.realm;
}

const char* xsrInternalExceptionStack(txMachine* the)
{
	/* Called inside mxTry: the property get may throw. The string stays valid while it is on the stack:
	 * the caller prints it before anything else allocates. */
	const char* stack = C_NULL;
	if (mxException.kind != XS_REFERENCE_KIND)
		return C_NULL;
	mxPushSlot(&mxException);
	mxGetID(mxID(_stack));
	stack = xsrInternalString(the->stack);
	mxPop();
	return stack;
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

/* ---- JSON text without the engine's JSON (xsrWriteJson, xsr.h) ----------------------------------------------------
 * An object's properties are read in place (its slot chain; an accessor is a TypeError), an array's items got by
 * index, the text written to stdout through a small buffer: nothing is made in the heap and the recursion is on the
 * C stack, not the XS stack (the event lines are printed deep in the provisioning's, and at its live heap's peak). */
typedef struct {
	char buffer[128];
	size_t length;
} xsrJsonOut;

static void xsrJsonPut(xsrJsonOut* out, const char* text, size_t length)
{
	while (length) {
		size_t n = sizeof(out->buffer) - out->length;
		if (n > length)
			n = length;
		c_memcpy(out->buffer + out->length, text, n);
		out->length += n;
		text += n;
		length -= n;
		if (out->length == sizeof(out->buffer)) {
			fwrite(out->buffer, 1, out->length, stdout);
			out->length = 0;
		}
	}
}

/* A string as JSON.stringify quotes it: ", \ and control characters escaped, lone surrogates (XS keeps them as
 * 3-byte sequences ED A0..BF xx) as \uXXXX, everything else as it is. */
static void xsrJsonString(xsrJsonOut* out, const char* s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char* p = (const unsigned char*)s;
	xsrJsonPut(out, "\"", 1);
	while (*p) {
		unsigned char c = *p;
		char escape[7] = { '\\', 'u', '0', '0', 0, 0, 0 };
		if ((c == 0xED) && (p[1] >= 0xA0) && (p[1] <= 0xBF) && p[2]) {
			unsigned int u = 0xD000 | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F);
			escape[2] = hex[(u >> 12) & 15];
			escape[3] = hex[(u >> 8) & 15];
			escape[4] = hex[(u >> 4) & 15];
			escape[5] = hex[u & 15];
			xsrJsonPut(out, escape, 6);
			p += 3;
			continue;
		}
		if ((c == 0xC0) && (p[1] == 0x80)) { /* XS keeps U+0000 as C0 80 */
			xsrJsonPut(out, "\\u0000", 6);
			p += 2;
			continue;
		}
		if ((c == '"') || (c == '\\')) {
			escape[1] = (char)c;
			xsrJsonPut(out, escape, 2);
		}
		else if (c < 0x20) {
			const char* shorts = "btn\001fr"; /* 8..13: \b \t \n (11 has none) \f \r */
			if ((c >= 8) && (c <= 13) && (c != 11)) {
				escape[1] = shorts[c - 8];
				xsrJsonPut(out, escape, 2);
			}
			else {
				escape[4] = hex[c >> 4];
				escape[5] = hex[c & 15];
				xsrJsonPut(out, escape, 6);
			}
		}
		else
			xsrJsonPut(out, (const char*)p, 1);
		p++;
	}
	xsrJsonPut(out, "\"", 1);
}

/* The value on the stack's top (popped): 0 when it is one JSON leaves out (undefined, a function, a symbol). */
static int xsrJsonValue(txMachine* the, xsrJsonOut* out, int depth)
{
	txSlot* value = the->stack;
	char buffer[256];
	int written = 1;
	switch (value->kind) {
	case XS_NULL_KIND:
		xsrJsonPut(out, "null", 4);
		break;
	case XS_BOOLEAN_KIND:
		if (value->value.boolean)
			xsrJsonPut(out, "true", 4);
		else
			xsrJsonPut(out, "false", 5);
		break;
	case XS_INTEGER_KIND:
		fxIntegerToString(the->dtoa, value->value.integer, buffer, sizeof(buffer));
		xsrJsonPut(out, buffer, c_strlen(buffer));
		break;
	case XS_NUMBER_KIND:
		if ((c_fpclassify(value->value.number) != FP_NAN) && (c_fpclassify(value->value.number) != FP_INFINITE)) {
			fxNumberToString(the->dtoa, value->value.number, buffer, sizeof(buffer), 0, 0);
			xsrJsonPut(out, buffer, c_strlen(buffer));
		}
		else
			xsrJsonPut(out, "null", 4);
		break;
	case XS_STRING_KIND:
	case XS_STRING_X_KIND:
		xsrJsonString(out, value->value.string);
		break;
	case XS_REFERENCE_KIND: {
		txSlot* instance = value->value.reference;
		txSlot* property;
		int first = 1;
		if (fxIsCallable(the, value)) {
			written = 0;
			break;
		}
		if (depth >= 8)
			mxTypeError("traceJson: more than 8 levels");
		if (fxIsArray(the, instance)) {
			txInteger length, index;
			mxPushReference(instance);
			mxGetID(mxID(_length));
			length = fxToInteger(the, the->stack);
			mxPop();
			xsrJsonPut(out, "[", 1);
			for (index = 0; index < length; index++) {
				if (index)
					xsrJsonPut(out, ",", 1);
				mxPushReference(instance);
				mxGetIndex(index);
				if (!xsrJsonValue(the, out, depth + 1))
					xsrJsonPut(out, "null", 4); /* as JSON.stringify writes a left-out element */
			}
			xsrJsonPut(out, "]", 1);
			break;
		}
		if (instance->next && (instance->next->flag & XS_INTERNAL_FLAG))
			mxTypeError("traceJson: only plain objects, arrays, strings, numbers, booleans and null");
		/* an ordinary object's properties are its slot chain, in their order: read in place (nothing is allocated,
		 * no JavaScript runs, so the chain stays as it is), as OwnPropertyKeys lists its string keys */
		xsrJsonPut(out, "{", 1);
		for (property = instance->next; property; property = property->next) {
			txSlot* key;
			if ((property->flag & XS_DONT_ENUM_FLAG) || fxIsKeySymbol(the, property->ID))
				continue;
			if (property->kind == XS_ACCESSOR_KIND)
				mxTypeError("traceJson: only plain objects, arrays, strings, numbers, booleans and null");
			if ((property->kind == XS_UNDEFINED_KIND) || (property->kind == XS_SYMBOL_KIND) || fxIsCallable(the, property))
				continue;
			key = fxGetKey(the, property->ID);
			if (!first)
				xsrJsonPut(out, ",", 1);
			first = 0;
			xsrJsonString(out, key->value.key.string);
			xsrJsonPut(out, ":", 1);
			mxPushSlot(property);
			xsrJsonValue(the, out, depth + 1);
		}
		xsrJsonPut(out, "}", 1);
		break;
	}
	case XS_UNDEFINED_KIND:
	case XS_SYMBOL_KIND:
		written = 0;
		break;
	default:
		mxTypeError("traceJson: only plain objects, arrays, strings, numbers, booleans and null");
	}
	mxPop();
	return written;
}

void xsrWriteJson(xsMachine* the, xsSlot* value)
{
	xsrJsonOut out;
	out.length = 0;
	mxPushSlot((txSlot*)value);
	if (!xsrJsonValue(the, &out, 0))
		mxTypeError("traceJson: no JSON text for this value");
	xsrJsonPut(&out, "\n", 1);
	fwrite(out.buffer, 1, out.length, stdout);
	fflush(stdout);
}
