/*
 * The preload generator's second half: the machine after its modules ran, reshaped the way fxCloneMachine expects
 * a preparation (the modules detached from the realm, the realm's closures in mxException, the module list in
 * mxProgram, the module IDs in mxHosts), every instance given an alias index unless frozen, then written as C
 * source: the heap slots, the XS stack's prototypes, the keys, the name and symbol tables and the preparation
 * record (txPreparation), every pointer a symbol expression, so the target compiler lays the 32-bit structures
 * out. Strings, keys and code become their flash kinds (STRING_X, KEY_X, CODE_X); arrays are inlined behind a
 * slot holding their chunk header; Map/Set tables and ArrayBuffer bytes stay readable (a write to a preloaded
 * Map, Set or buffer throws: they are petrified as the engine expects of flash instances). A pointer the emitter
 * does not know, or a kind it cannot write, stops it with an error naming the slot.
 */
#include "xsAll.h"
#include "xsr.h"
#include "xsp.h"

typedef struct {
	txSlot* first; /* the block's first slot (after its header) */
	txSlot* limit;
	long offset;   /* of `first` in gIndexes */
} xspBlock;

/* gxHeap index of every slot of the blocks; -1 for a free slot (free slots are not emitted) */
static long* gIndexes;

#define XSP_MAX_BLOCKS 256
static xspBlock gBlocks[XSP_MAX_BLOCKS];
static int gBlockCount;
static long gHeapCount;  /* slots of the blocks, from gxHeap[1] */

typedef struct {
	txSlot* address;
	long count;
	long index;          /* gxHeap index of the first item (its chunk header slot is index - 1) */
} xspArray;
static xspArray* gArrays;
static long gArrayCount, gArrayCapacity;
static long gTailCount;  /* slots after the blocks: array items and their headers */

static txSlot* gStackBottom;
static txSlot* gStackTop;
static FILE* gOut;
static int gErrors;

static txMachine* gMachine;
static const char* xspName(txSlot* slot);

static const char* xspKindName(int kind)
{
	switch (kind) {
	case XS_PROMISE_KIND: return "a Promise";
	case XS_WEAK_MAP_KIND: return "a WeakMap";
	case XS_WEAK_SET_KIND: return "a WeakSet";
	case XS_WEAK_REF_KIND: return "a WeakRef";
	case XS_FINALIZATION_REGISTRY_KIND: return "a FinalizationRegistry";
	case XS_PROXY_KIND: return "a Proxy";
	case XS_HOST_KIND: return "a host object";
	case XS_CALLBACK_KIND: return "a host function";
	default: return "a value";
	}
}

static void xspFail(const char* what, long index, int kind)
{
	fprintf(stderr, "preload: cannot emit slot %ld (kind %d): %s\n", index, kind, what);
	gErrors++;
}

/* As xspFail, naming the module variable or property that holds the instance the slot belongs to. */
static void xspFailSlot(txSlot* slot, const char* what, long index)
{
	const char* name = xspName(slot);
	if (name)
		fprintf(stderr, "preload: cannot emit %s (slot %ld, kind %d), the value of \"%s\": %s\n", xspKindName(slot->kind),
			index, (int)slot->kind, name, what);
	else
		fprintf(stderr, "preload: cannot emit %s (slot %ld, kind %d): %s\n", xspKindName(slot->kind), index, (int)slot->kind, what);
	gErrors++;
}

static long xspIndexOf(txSlot* p)
{
	int i;
	long lo, hi;
	for (i = 0; i < gBlockCount; i++)
		if ((p >= gBlocks[i].first) && (p < gBlocks[i].limit))
			return gIndexes[gBlocks[i].offset + (p - gBlocks[i].first)];
	lo = 0;
	hi = gArrayCount;
	for (lo = 0; lo < hi; lo++) {
		xspArray* a = &gArrays[lo];
		if ((p >= a->address) && (p < a->address + a->count))
			return a->index + (p - a->address);
	}
	return -1;
}

/* A slot pointer as a C expression ("NULL", "&gxHeap[i]", "&gxStack[i]"), or NULL when unknown. */
static const char* xspRef(txSlot* p, char* buffer, size_t size)
{
	long index;
	if (!p)
		return "NULL";
	index = xspIndexOf(p);
	if (index >= 0) {
		snprintf(buffer, size, "(txSlot*)&gxHeap[%ld]", index);
		return buffer;
	}
	if ((p >= gStackBottom) && (p < gStackTop)) {
		snprintf(buffer, size, "(txSlot*)&gxStack[%ld]", (long)(p - gStackBottom));
		return buffer;
	}
	return C_NULL;
}

static void xspString(const char* s)
{
	fputc('"', gOut);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c == '"') || (c == '\\') || (c == '?'))
			fprintf(gOut, "\\%c", c);
		else if ((c < 32) || (c >= 127))
			fprintf(gOut, "\\%03o", c);
		else
			fputc(c, gOut);
	}
	fputc('"', gOut);
}

static void xspNumber(double n)
{
	if (n != n)
		fprintf(gOut, "__builtin_nan(\"\")");
	else if (n == __builtin_inf())
		fprintf(gOut, "__builtin_inf()");
	else if (n == -__builtin_inf())
		fprintf(gOut, "-__builtin_inf()");
	else
		fprintf(gOut, "%.17g", n);
}

static long gCodeCount, gBytesCount, gTableCount;

static const char* xspSeparator(long i)
{
	return (i == 0) ? "\n\t" : (i % 32) ? "," : ",\n\t";
}

/* Data the slots point at, written before the heap: code and buffer bytes, Map/Set tables. */
static void xspData(txMachine* the, txSlot* slot, long index)
{
	char b[64];
	(void)the;
	if (slot->kind == XS_CODE_KIND) {
		txChunk* chunk = (txChunk*)(slot->value.code.address - sizeof(txChunk));
		long size = (long)(chunk->size & 0x7FFFFFFF) - (long)sizeof(txChunk), i;
		fprintf(gOut, "static const txU1 gxCode%ld[%ld] = {", index, size);
		for (i = 0; i < size; i++)
			fprintf(gOut, "%s%u", xspSeparator(i), (unsigned)(txU1)slot->value.code.address[i]);
		fprintf(gOut, "\n};\n");
		gCodeCount += size;
	}
	else if (slot->kind == XS_ARRAY_BUFFER_KIND) {
		txSlot* info = slot->next;
		long size = (info && (info->kind == XS_BUFFER_INFO_KIND)) ? info->value.bufferInfo.length : 0, i;
		if (!slot->value.arrayBuffer.address)
			return;
		fprintf(gOut, "static const txU1 gxBytes%ld[%ld] = {", index, size ? size : 1);
		for (i = 0; i < size; i++)
			fprintf(gOut, "%s%u", xspSeparator(i), (unsigned)slot->value.arrayBuffer.address[i]);
		fprintf(gOut, "%s\n};\n", size ? "" : "0");
		gBytesCount += size;
	}
	else if ((slot->kind == XS_MAP_KIND) || (slot->kind == XS_SET_KIND)) {
		long i;
		fprintf(gOut, "static txSlot* const gxTable%ld[%ld] = {\n", index, (long)slot->value.table.length);
		for (i = 0; i < slot->value.table.length; i++) {
			const char* r = xspRef(slot->value.table.address[i], b, sizeof(b));
			if (!r)
				xspFail("a Map or Set entry outside the heap", index, slot->kind);
			fprintf(gOut, "\t%s,\n", r ? r : "NULL");
		}
		fprintf(gOut, "};\n");
		gTableCount++;
	}
}

/* Petrified in flash: the engine refuses writes to these built-in instances' internal slots. */
static txFlag xspPetrify(txSlot* slot)
{
	switch (slot->kind) {
	case XS_ARRAY_BUFFER_KIND:
	case XS_MAP_KIND:
	case XS_SET_KIND:
	case XS_DATE_KIND:
		return XS_DONT_SET_FLAG;
	default:
		return 0;
	}
}

/* item: an array item, whose first field holds its index (txIndex), not a pointer */
static void xspSlot(txMachine* the, txSlot* slot, long index, txFlag extraFlags, int item)
{
	char a[64], b[64];
	const char* r1;
	const char* r2;
	txKind kind = slot->kind;
	(void)the;
	const char* next;
	if (item) {
		snprintf(a, sizeof(a), "(txSlot*)(uintptr_t)%lu", (unsigned long)*((txIndex*)slot));
		next = a;
	}
	else
		next = xspRef(slot->next, a, sizeof(a));
	if (!next) {
		xspFail("its next slot is outside the heap", index, kind);
		next = "NULL";
	}
	if (kind == XS_STRING_KIND)
		kind = XS_STRING_X_KIND;
	else if (kind == XS_KEY_KIND)
		kind = XS_KEY_X_KIND;
	else if (kind == XS_CODE_KIND)
		kind = XS_CODE_X_KIND;
	fprintf(gOut, "\t{ .next = %s, .ID = %d, .flag = 0x%02x, .kind = %d", next, (int)slot->ID,
		(unsigned)(slot->flag | extraFlags | xspPetrify(slot)), (int)kind);
	switch (slot->kind) {
	case XS_UNDEFINED_KIND:
	case XS_NULL_KIND:
		break;
	case XS_BOOLEAN_KIND:
		fprintf(gOut, ", .value.boolean = %d", (int)slot->value.boolean);
		break;
	case XS_INTEGER_KIND:
		fprintf(gOut, ", .value.integer = %ld", (long)slot->value.integer);
		break;
	case XS_NUMBER_KIND:
		fprintf(gOut, ", .value.number = ");
		xspNumber(slot->value.number);
		break;
	case XS_STRING_KIND:
	case XS_STRING_X_KIND:
		if ((r1 = xspArchiveAddress(slot->value.string, b, sizeof(b))))
			fprintf(gOut, ", .value.string = (txString)%s", r1);
		else {
			fprintf(gOut, ", .value.string = (txString)");
			xspString(slot->value.string);
		}
		break;
	case XS_SYMBOL_KIND:
		fprintf(gOut, ", .value.symbol = %d", (int)slot->value.symbol);
		break;
	case XS_REFERENCE_KIND:
	case XS_CLOSURE_KIND:
		r1 = xspRef(slot->value.reference, b, sizeof(b));
		if (!r1)
			xspFail("a reference outside the heap", index, kind), r1 = "NULL";
		fprintf(gOut, ", .value.reference = %s", r1);
		break;
	case XS_INSTANCE_KIND:
		r1 = xspRef(slot->value.instance.prototype, b, sizeof(b));
		if (!r1)
			xspFail("a prototype outside the heap", index, kind), r1 = "NULL";
		if (slot->value.instance.garbage)
			xspFail("an instance being collected", index, kind);
		fprintf(gOut, ", .value.instance = { NULL, %s }", r1);
		break;
	case XS_ARRAY_KIND:
		if (slot->value.array.address) {
			long item = xspIndexOf(slot->value.array.address);
			fprintf(gOut, ", .value.array = { (txSlot*)&gxHeap[%ld], %lu }", item, (unsigned long)slot->value.array.length);
		}
		else
			fprintf(gOut, ", .value.array = { NULL, %lu }", (unsigned long)slot->value.array.length);
		break;
	case XS_ARRAY_BUFFER_KIND:
		if (slot->value.arrayBuffer.detachKey)
			xspFail("an ArrayBuffer with a detach key", index, kind);
		if (slot->value.arrayBuffer.address)
			fprintf(gOut, ", .value.arrayBuffer = { (txByte*)gxBytes%ld, NULL }", index);
		break;
	case XS_BUFFER_INFO_KIND:
		fprintf(gOut, ", .value.bufferInfo = { %ld, %ld }", (long)slot->value.bufferInfo.length, (long)slot->value.bufferInfo.maxLength);
		break;
	case XS_DATA_VIEW_KIND:
		fprintf(gOut, ", .value.dataView = { %ld, %ld }", (long)slot->value.dataView.offset, (long)slot->value.dataView.size);
		break;
	case XS_CALLBACK_KIND: {
		const char* name = xspCallbackName(slot->value.callback.address);
		if (!name)
			xspFailSlot(slot, "a host function the generator does not know (one the engine made while running)", index), name = "NULL";
		if (slot->value.callback.closures)
			xspFail("a host function with closures", index, kind);
		fprintf(gOut, ", .value.callback = { %s, NULL }", name);
		} break;
	case XS_CODE_KIND:
		r1 = xspRef(slot->value.code.closures, b, sizeof(b));
		if (!r1)
			xspFail("closures outside the heap", index, kind), r1 = "NULL";
		fprintf(gOut, ", .value.code = { (txByte*)gxCode%ld, %s }", index, r1);
		break;
	case XS_CODE_X_KIND: {
		char c[64];
		const char* code = (slot->value.code.address == (txByte*)gxNoCode) ? "gxNoCode" : xspArchiveAddress(slot->value.code.address, c, sizeof(c));
		if (!code)
			xspFail("code in flash the generator does not know", index, kind), code = "NULL";
		r1 = xspRef(slot->value.code.closures, b, sizeof(b));
		if (!r1)
			xspFail("closures outside the heap", index, kind), r1 = "NULL";
		fprintf(gOut, ", .value.code = { (txByte*)%s, %s }", code, r1);
		} break;
	case XS_TYPED_ARRAY_KIND:
		fprintf(gOut, ", .value.typedArray = { (txTypeDispatch*)&gxTypeDispatches[%ld], (txTypeAtomics*)&gxTypeAtomics[%ld] }",
			(long)(slot->value.typedArray.dispatch - gxTypeDispatches), (long)(slot->value.typedArray.atomics - gxTypeAtomics));
		break;
	case XS_MAP_KIND:
	case XS_SET_KIND:
		fprintf(gOut, ", .value.table = { (txSlot**)gxTable%ld, %ld }", index, (long)slot->value.table.length);
		break;
	case XS_ACCESSOR_KIND:
	case XS_HOME_KIND:
	case XS_LIST_KIND:
	case XS_PRIVATE_KIND:
	case XS_EXPORT_KIND:
		/* two slot pointers */
		r1 = xspRef(slot->value.accessor.getter, a, sizeof(a));
		r2 = xspRef(slot->value.accessor.setter, b, sizeof(b));
		if (!r1 || !r2)
			xspFail("a pointer outside the heap", index, kind);
		fprintf(gOut, ", .value.accessor = { %s, %s }", r1 ? r1 : "NULL", r2 ? r2 : "NULL");
		break;
	case XS_AT_KIND:
		fprintf(gOut, ", .value.at = { %lu, %d }", (unsigned long)slot->value.at.index, (int)slot->value.at.id);
		break;
	case XS_ENTRY_KIND:
		r1 = xspRef(slot->value.entry.slot, b, sizeof(b));
		if (!r1)
			xspFail("an entry outside the heap", index, kind), r1 = "NULL";
		fprintf(gOut, ", .value.entry = { %s, %lu }", r1, (unsigned long)slot->value.entry.sum);
		break;
	case XS_ERROR_KIND:
		r1 = xspRef(slot->value.error.info, b, sizeof(b));
		if (!r1)
			xspFail("error information outside the heap", index, kind), r1 = "NULL";
		fprintf(gOut, ", .value.error = { %s, %d }", r1, (int)slot->value.error.which);
		break;
	case XS_KEY_KIND:
	case XS_KEY_X_KIND:
		if ((r1 = xspArchiveAddress(slot->value.key.string, b, sizeof(b))))
			fprintf(gOut, ", .value.key = { (txString)%s", r1);
		else {
			fprintf(gOut, ", .value.key = { (txString)");
			xspString(slot->value.key.string);
		}
		fprintf(gOut, ", %lu }", (unsigned long)slot->value.key.sum);
		break;
	case XS_MODULE_KIND:
	case XS_PROGRAM_KIND:
		r1 = xspRef(slot->value.module.realm, b, sizeof(b));
		if (!r1)
			xspFail("a realm outside the heap", index, kind), r1 = "NULL";
		fprintf(gOut, ", .value.module = { %s, %d }", r1, (int)slot->value.module.id);
		break;
	case XS_HOST_KIND:
		if (slot->value.host.data || slot->value.host.variant.destructor)
			xspFailSlot(slot, "a host object with data", index);
		break;
	default:
		xspFailSlot(slot, "a kind the generator cannot write (see docs/firmware.md, \"Preloading\")", index);
		break;
	}
	fprintf(gOut, " },\n");
}

static int xspLive(long block, txSlot* slot)
{
	return gIndexes[gBlocks[block].offset + (slot - gBlocks[block].first)] >= 0;
}

/* The name of the property or module variable whose value is the instance `slot` belongs to (its first internal
 * slot or a property of it), or NULL. */
static const char* xspName(txSlot* target)
{
	int i, j;
	txSlot* instance = C_NULL;
	txSlot* slot;
	for (i = 0; (i < gBlockCount) && !instance; i++)
		for (slot = gBlocks[i].first; slot < gBlocks[i].limit; slot++)
			if (xspLive(i, slot) && (slot->kind == XS_INSTANCE_KIND)) {
				txSlot* property;
				for (property = slot->next; property; property = property->next)
					if (property == target)
						break;
				if (property) {
					instance = slot;
					break;
				}
			}
	if (!instance)
		return C_NULL;
	for (i = 0; i < gBlockCount; i++)
		for (slot = gBlocks[i].first; slot < gBlocks[i].limit; slot++) {
			if (!xspLive(i, slot) || (slot->kind != XS_REFERENCE_KIND) || (slot->value.reference != instance))
				continue;
			if (slot->ID != XS_NO_ID)
				return fxGetKeyName(gMachine, slot->ID);
			/* a module variable: the closure that points at this slot has its name */
			for (j = 0; j < gBlockCount; j++) {
				txSlot* closure;
				for (closure = gBlocks[j].first; closure < gBlocks[j].limit; closure++)
					if (xspLive(j, closure) && (closure->ID != XS_NO_ID) && (((closure->kind == XS_CLOSURE_KIND) && (closure->value.closure == slot))
							|| ((closure->kind == XS_EXPORT_KIND) && (closure->value.export.closure == slot))))
						return fxGetKeyName(gMachine, closure->ID);
			}
		}
	return C_NULL;
}

static void xspAddArray(txSlot* address, long count)
{
	if (gArrayCount == gArrayCapacity) {
		gArrayCapacity = gArrayCapacity ? 2 * gArrayCapacity : 256;
		gArrays = realloc(gArrays, (size_t)gArrayCapacity * sizeof(xspArray));
		if (!gArrays) {
			fprintf(stderr, "xspreload: out of memory\n");
			exit(2);
		}
	}
	gArrays[gArrayCount].address = address;
	gArrays[gArrayCount].count = count;
	gArrays[gArrayCount].index = 1 + gHeapCount + gTailCount + 1;
	gArrayCount++;
	gTailCount += 1 + count;
}

static long xspArrayCount(txSlot* array)
{
	txChunk* chunk = (txChunk*)((txByte*)array->value.array.address - sizeof(txChunk));
	return (long)((chunk->size & 0x7FFFFFFF) / sizeof(txSlot));
}

int xspEmit(txMachine* the, const char* path, xspFigures* figures)
{
	txSlot* block;
	txSlot* slot;
	long i, total;
	char b[64];
	gMachine = the;
	gOut = fopen(path, "w");
	if (!gOut) {
		fprintf(stderr, "preload: cannot write %s\n", path);
		return -1;
	}
	/* lay the heap out: the blocks' slots, then the arrays' items */
	gBlockCount = 0;
	total = 0;
	for (block = the->firstHeap; block; block = block->next) {
		if (gBlockCount == XSP_MAX_BLOCKS) {
			fprintf(stderr, "preload: too many heap blocks\n");
			return -1;
		}
		gBlocks[gBlockCount].first = block + 1;
		gBlocks[gBlockCount].limit = block->value.reference;
		gBlocks[gBlockCount].offset = total;
		total += block->value.reference - (block + 1);
		gBlockCount++;
	}
	gIndexes = calloc((size_t)(total ? total : 1), sizeof(long));
	if (!gIndexes)
		return -1;
	for (slot = the->freeHeap; slot; slot = slot->next) {
		for (i = 0; i < gBlockCount; i++)
			if ((slot >= gBlocks[i].first) && (slot < gBlocks[i].limit))
				gIndexes[gBlocks[i].offset + (slot - gBlocks[i].first)] = -1;
	}
	gHeapCount = 0;
	for (i = 0; i < total; i++)
		if (gIndexes[i] == 0)
			gIndexes[i] = 1 + gHeapCount++;
	gArrayCount = gTailCount = 0;
	for (i = 0; i < gBlockCount; i++)
		for (slot = gBlocks[i].first; slot < gBlocks[i].limit; slot++)
			if (xspLive(i, slot) && (slot->kind == XS_ARRAY_KIND) && slot->value.array.address)
				xspAddArray(slot->value.array.address, xspArrayCount(slot));
	gStackBottom = the->stack;
	gStackTop = the->stackTop;

	fprintf(gOut, "/* Generated by tools/fw/preload (the preload generator). Do not edit. */\n");
	fprintf(gOut, "#include \"xsAll.h\"\n\n");
	fprintf(gOut, "#define mxHeapCount %ld\n#define mxStackCount %ld\n", 1 + gHeapCount + gTailCount + 1, (long)(gStackTop - gStackBottom));
	fprintf(gOut, "static const txSlot gxHeap[mxHeapCount];\nstatic const txSlot gxStack[mxStackCount];\n\n");
	/* every callback named first (some are found by symbol), then declared */
	for (i = 0; i < gBlockCount; i++)
		for (slot = gBlocks[i].first; slot < gBlocks[i].limit; slot++)
			if (xspLive(i, slot) && (slot->kind == XS_CALLBACK_KIND))
				(void)xspCallbackName(slot->value.callback.address);
	xspDeclareCallbacks(gOut);
	xspDeclareArchive(gOut);
	gCodeCount = gBytesCount = gTableCount = 0;
	for (i = 0; i < gBlockCount; i++)
		for (slot = gBlocks[i].first; slot < gBlocks[i].limit; slot++)
			if (xspLive(i, slot))
				xspData(the, slot, xspIndexOf(slot));

	fprintf(gOut, "\nstatic const txSlot gxHeap[mxHeapCount] = {\n");
	fprintf(gOut, "\t{ .next = NULL, .ID = 0, .flag = 0, .kind = 0, .value.reference = (txSlot*)&gxHeap[mxHeapCount - 1] },\n");
	for (i = 0; i < gBlockCount; i++)
		for (slot = gBlocks[i].first; slot < gBlocks[i].limit; slot++)
			if (xspLive(i, slot))
				xspSlot(the, slot, xspIndexOf(slot), XS_MARK_FLAG, 0);
	for (i = 0; i < gArrayCount; i++) {
		long j;
		/* the chunk header the engine reads at address - sizeof(txChunk): the value of this slot */
		fprintf(gOut, "\t{ .next = NULL, .ID = 0, .flag = 0, .kind = 0, .value.integer = %ld * sizeof(txSlot) + sizeof(txChunk) },\n", gArrays[i].count);
		for (j = 0; j < gArrays[i].count; j++)
			xspSlot(the, gArrays[i].address + j, gArrays[i].index + j, XS_MARK_FLAG, 1);
	}
	fprintf(gOut, "\t{ .next = NULL, .ID = 0, .flag = 0, .kind = 0 },\n};\n\n");

	fprintf(gOut, "static const txSlot gxStack[mxStackCount] = {\n");
	for (slot = gStackBottom; slot < gStackTop; slot++)
		xspSlot(the, slot, -1 - (long)(slot - gStackBottom), 0, 0);
	fprintf(gOut, "};\n\n");

	fprintf(gOut, "static txSlot* const gxKeys[%ld] = {\n", (long)the->keyIndex);
	for (i = 0; i < the->keyIndex; i++) {
		const char* r = xspRef(the->keyArray[i], b, sizeof(b));
		if (!r)
			xspFail("a key outside the heap", i, -1), r = "NULL";
		fprintf(gOut, "\t%s,\n", r);
	}
	fprintf(gOut, "};\n\nstatic txSlot* const gxNames[%ld] = {\n", (long)the->nameModulo);
	for (i = 0; i < the->nameModulo; i++) {
		const char* r = xspRef(the->nameTable[i], b, sizeof(b));
		if (!r)
			xspFail("a name outside the heap", i, -1), r = "NULL";
		fprintf(gOut, "\t%s,\n", r);
	}
	fprintf(gOut, "};\n\nstatic txSlot* const gxSymbols[%ld] = {\n", (long)the->symbolModulo);
	for (i = 0; i < the->symbolModulo; i++) {
		const char* r = xspRef(the->symbolTable[i], b, sizeof(b));
		if (!r)
			xspFail("a symbol outside the heap", i, -1), r = "NULL";
		fprintf(gOut, "\t%s,\n", r);
	}
	fprintf(gOut, "};\n\n");
	fprintf(gOut, "const txPreparation gxsrPreparation = {\n"
		"\t{ XS_MAJOR_VERSION, XS_MINOR_VERSION, XS_PATCH_VERSION, 0 },\n"
		"\t%ld, mxHeapCount, (txSlot*)gxHeap, mxStackCount, (txSlot*)gxStack,\n"
		"\tNULL, %ld, (txSlot**)gxKeys, %ld, (txSlot**)gxNames, %ld, (txSlot**)gxSymbols,\n"
		"\t0, NULL, %d,\n"
		"\t{ 0 }, NULL, { 0 }\n};\n",
		(long)the->aliasCount, (long)the->keyIndex, (long)the->nameModulo, (long)the->symbolModulo, (int)the->profileID);
	fclose(gOut);
	figures->heapSlots = 1 + gHeapCount + gTailCount + 1;
	figures->stackSlots = (long)(gStackTop - gStackBottom);
	figures->codeBytes = gCodeCount;
	figures->bufferBytes = gBytesCount;
	figures->aliases = (long)the->aliasCount;
	return gErrors ? -1 : 0;
}
