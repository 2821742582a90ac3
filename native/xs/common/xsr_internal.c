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
