/*
 * The preload generator's census (issue 10: the node image's flash): what the preparation's heap is made of, by
 * module and by kind of slot, printed as one JSON line `preload-census {…}` (tools/fw/preload.mjs reads it;
 * tools/nrf52/build.mjs puts it in size.json as xs.preload.byModule / byKind and prints a table).
 *
 * Built-ins: the slots live right after the machine was made (xspHeapSnapshot, before any module ran) and
 * still live at the end. The app's slots belong to a module: every function belongs to the module its home names;
 * from each module's record and its functions the census walks what they reach (properties, prototypes, values,
 * array items, Map/Set entries), exported variables first, then the variables its functions capture; the first
 * module to reach a slot owns it. What no module reaches (the realm's own records, the module list) is "(machine)".
 *
 * Kinds (one per slot; array items are counted where they are emitted, behind their chunk header slot):
 *   keys          key slots (a name: 16 bytes each in flash; their strings are in the archive)
 *   functions     a function's instance slot and its internal slots (code or callback, home)
 *   prototypes    the instance slot of an object that is some function's "prototype"
 *   objects       the instance slot of any other object
 *   properties    the property slots of objects, prototypes and functions (methods, fields, "prototype", ...)
 *   closures      the slots of the environments functions capture (one per captured variable)
 *   variables     the module and closure variables themselves (what a closure or an export points at)
 *   arrays        an array's internal slot, its chunk header slot and its items
 *   modules       module records: their internal slots and export slots
 *   other         everything else (Map/Set/buffer internals, symbols, strings not held by a property, ...)
 */
#include "xsAll.h"
#include "xsr.h"
#include "xsp.h"

enum { K_KEYS, K_FUNCTIONS, K_PROTOTYPES, K_OBJECTS, K_PROPERTIES, K_CLOSURES, K_VARIABLES, K_ARRAYS, K_MODULES,
	K_OTHER, K_COUNT };
static const char* const gKindNames[K_COUNT] = { "keys", "functions", "prototypes", "objects", "properties", "closures",
	"variables", "arrays", "modules", "other" };

#define XSC_MAX_BLOCKS 64
typedef struct {
	txSlot* first;
	txSlot* limit;
	long offset;
} xscBlock;
static xscBlock gBlocks[XSC_MAX_BLOCKS];
static int gBlockCount;
static long gTotal;

/* the snapshot: the slots live after creation (built-ins, the engine's and the archive's keys) */
static txSlot* gSnapFirst[XSC_MAX_BLOCKS];
static txSlot* gSnapLimit[XSC_MAX_BLOCKS];
static unsigned char* gSnapLive[XSC_MAX_BLOCKS];
static int gSnapCount;

static void xscMarkFree(txMachine* the, unsigned char* live, txSlot* first, txSlot* limit)
{
	txSlot* slot;
	for (slot = the->freeHeap; slot; slot = slot->next)
		if ((slot >= first) && (slot < limit))
			live[slot - first] = 0;
}

static long gEngineKeys;

void xspHeapSnapshot(txMachine* the, long engineKeys)
{
	txSlot* block;
	gSnapCount = 0;
	gEngineKeys = engineKeys;
	for (block = the->firstHeap; block && (gSnapCount < XSC_MAX_BLOCKS); block = block->next) {
		long n = block->value.reference - (block + 1);
		gSnapFirst[gSnapCount] = block + 1;
		gSnapLimit[gSnapCount] = block->value.reference;
		gSnapLive[gSnapCount] = c_malloc((size_t)(n ? n : 1));
		c_memset(gSnapLive[gSnapCount], 1, (size_t)n);
		xscMarkFree(the, gSnapLive[gSnapCount], block + 1, block->value.reference);
		gSnapCount++;
	}
}

static int xscBuiltin(txSlot* p)
{
	int i;
	for (i = 0; i < gSnapCount; i++)
		if ((p >= gSnapFirst[i]) && (p < gSnapLimit[i]))
			return gSnapLive[i][p - gSnapFirst[i]];
	return 0;
}

static long xscIndex(txSlot* p)
{
	int i;
	if (!p)
		return -1;
	for (i = 0; i < gBlockCount; i++)
		if ((p >= gBlocks[i].first) && (p < gBlocks[i].limit))
			return gBlocks[i].offset + (p - gBlocks[i].first);
	return -1;
}

/* per slot of the blocks */
static signed char* gLive;
static signed char* gKind;
static int* gOwner;        /* -1 none, 0 built-in, 1 "(machine)", 2 "(app keys)", 3 + module */
static int* gFunctionModule; /* function instances: 3 + their home's module, else -1 */

#define XSC_MAX_MODULES 256
static txSlot* gModules[XSC_MAX_MODULES];
static const char* gModuleNames[XSC_MAX_MODULES];
static int gModuleCount;
static long gSlots[XSC_MAX_MODULES + 3][K_COUNT];
static long gFunctions[XSC_MAX_MODULES + 3];
static long gStringBytes[XSC_MAX_MODULES + 3];

static int xscModuleOf(txSlot* instance)
{
	int i;
	for (i = 0; i < gModuleCount; i++)
		if (gModules[i] == instance)
			return i;
	return -1;
}

/* the queue of the walk */
static txSlot** gQueue;
static long gQueueHead, gQueueTail;

static long xscArrayCount(txSlot* array)
{
	txChunk* chunk = (txChunk*)((txByte*)array->value.array.address - sizeof(txChunk));
	return (long)((chunk->size & 0x7FFFFFFF) / sizeof(txSlot));
}

/* The slots a slot's value points at (those xsp_emit.c writes as pointers; not its `next`), array items' included. */
void xspEachPointer(txMachine* the, txSlot* s, void (*visit)(txSlot* target, void* context), void* context)
{
	long i;
	switch (s->kind) {
	case XS_REFERENCE_KIND:
		visit(s->value.reference, context);
		break;
	case XS_CLOSURE_KIND:
		visit(s->value.closure, context);
		break;
	case XS_INSTANCE_KIND:
		visit(s->value.instance.prototype, context);
		break;
	case XS_CODE_KIND:
	case XS_CODE_X_KIND:
		visit(s->value.code.closures, context);
		break;
	case XS_ACCESSOR_KIND:
	case XS_HOME_KIND:
	case XS_LIST_KIND:
	case XS_PRIVATE_KIND:
	case XS_EXPORT_KIND:
		/* two slot pointers (an export: its module's variable, and for a re-export the exporting module) */
		visit(s->value.accessor.getter, context);
		visit(s->value.accessor.setter, context);
		break;
	case XS_ENTRY_KIND:
		visit(s->value.entry.slot, context);
		break;
	case XS_ERROR_KIND:
		visit(s->value.error.info, context);
		break;
	case XS_MAP_KIND:
	case XS_SET_KIND:
		for (i = 0; i < s->value.table.length; i++)
			visit(s->value.table.address[i], context);
		break;
	case XS_ARRAY_KIND:
		if (s->value.array.address) {
			txSlot* item = s->value.array.address;
			long n = xscArrayCount(s);
			for (i = 0; i < n; i++, item++) {
				if (item->kind == XS_REFERENCE_KIND)
					visit(item->value.reference, context);
				else if (item->kind == XS_ACCESSOR_KIND) {
					visit(item->value.accessor.getter, context);
					visit(item->value.accessor.setter, context);
				}
			}
		}
		break;
	default:
		break;
	}
	(void)the;
}

static void xscClaim(txSlot* p, int owner, int closures);

typedef struct {
	int owner;
	int closures;
} xscWalk;

static void xscVisit(txSlot* target, void* context)
{
	xscWalk* walk = context;
	xscClaim(target, walk->owner, walk->closures);
}

/* follows the pointers of one slot: its next, its value's (a closure's variable only with `closures`) */
static void xscFollow(txMachine* the, txSlot* s, int owner, int closures)
{
	xscWalk walk = { owner, closures };
	if (s->next && (xscIndex(s->next) >= 0))
		xscClaim(s->next, owner, closures);
	if ((s->kind == XS_CLOSURE_KIND) && !closures)
		return;
	xspEachPointer(the, s, xscVisit, &walk);
}

static void xscClaim(txSlot* p, int owner, int closures)
{
	long i = xscIndex(p);
	(void)closures;
	if ((i < 0) || !gLive[i] || (gOwner[i] >= 0))
		return;
	/* another module's function or record: its own seed claims it */
	if ((gFunctionModule[i] >= 0) && (gFunctionModule[i] != owner))
		return;
	if ((p->kind == XS_INSTANCE_KIND) && p->next && (p->next->kind == XS_MODULE_KIND) && (xscModuleOf(p) + 3 != owner))
		return;
	gOwner[i] = owner;
	gQueue[gQueueTail++] = p;
}

static void xscDrain(txMachine* the, int owner, int closures)
{
	while (gQueueHead < gQueueTail)
		xscFollow(the, gQueue[gQueueHead++], owner, closures);
}

static int xscIsFunction(txSlot* instance)
{
	txSlot* internal = instance->next;
	return (instance->kind == XS_INSTANCE_KIND) && internal && (internal->flag & XS_INTERNAL_FLAG)
		&& ((internal->kind == XS_CODE_KIND) || (internal->kind == XS_CODE_X_KIND) || (internal->kind == XS_CALLBACK_KIND));
}

static void xscJsonString(FILE* out, const char* s)
{
	fputc('"', out);
	for (; *s; s++) {
		if ((*s == '"') || (*s == '\\'))
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

void xspHeapCensus(txMachine* the, FILE* out)
{
	txSlot* block;
	txSlot* slot;
	txSlot* module;
	long i;
	int k, m;
	/* the blocks and their live slots */
	gBlockCount = 0;
	gTotal = 0;
	for (block = the->firstHeap; block && (gBlockCount < XSC_MAX_BLOCKS); block = block->next) {
		gBlocks[gBlockCount].first = block + 1;
		gBlocks[gBlockCount].limit = block->value.reference;
		gBlocks[gBlockCount].offset = gTotal;
		gTotal += block->value.reference - (block + 1);
		gBlockCount++;
	}
	gLive = c_malloc((size_t)gTotal + 1);
	gKind = c_malloc((size_t)gTotal + 1);
	gOwner = c_malloc(((size_t)gTotal + 1) * sizeof(int));
	gFunctionModule = c_malloc(((size_t)gTotal + 1) * sizeof(int));
	gQueue = c_malloc(((size_t)gTotal + 1) * sizeof(txSlot*));
	if (!gLive || !gKind || !gOwner || !gFunctionModule || !gQueue) {
		fprintf(stderr, "xspreload: out of memory\n");
		exit(2);
	}
	c_memset(gLive, 1, (size_t)gTotal);
	for (i = 0; i < gBlockCount; i++)
		xscMarkFree(the, (unsigned char*)gLive + gBlocks[i].offset, gBlocks[i].first, gBlocks[i].limit);
	for (i = 0; i < gTotal; i++) {
		gKind[i] = -1;
		gOwner[i] = -1;
		gFunctionModule[i] = -1;
	}
	/* the modules (the reshaped machine's list: mxProgram) */
	gModuleCount = 0;
	if (mxProgram.kind == XS_REFERENCE_KIND)
		for (module = mxProgram.value.reference->next; module && (gModuleCount < XSC_MAX_MODULES); module = module->next) {
			if (module->kind != XS_REFERENCE_KIND)
				continue;
			gModules[gModuleCount] = module->value.reference;
			gModuleNames[gModuleCount] = fxGetKeyName(the, mxModuleInstanceInternal(module->value.reference)->value.module.id);
			gModuleCount++;
		}
	c_memset(gSlots, 0, sizeof(gSlots));
	c_memset(gFunctions, 0, sizeof(gFunctions));
	c_memset(gStringBytes, 0, sizeof(gStringBytes));

	/* kinds: keys, then the instances' chains, then the slots closures and exports point at */
	for (i = 0; i < the->keyIndex; i++) {
		long j = xscIndex(the->keyArray[i]);
		if (j >= 0) {
			gKind[j] = K_KEYS;
			/* the app's keys (the archive's, registered after the engine's, and those made while modules ran) */
			if (i >= gEngineKeys)
				gOwner[j] = 2;
		}
	}
	for (k = 0; k < gBlockCount; k++)
		for (slot = gBlocks[k].first; slot < gBlocks[k].limit; slot++) {
			long j = gBlocks[k].offset + (slot - gBlocks[k].first);
			txSlot* property;
			int function, moduleRecord;
			if (!gLive[j] || (slot->kind != XS_INSTANCE_KIND))
				continue;
			function = xscIsFunction(slot);
			moduleRecord = slot->next && (slot->next->kind == XS_MODULE_KIND);
			if (gKind[j] < 0)
				gKind[j] = function ? K_FUNCTIONS : moduleRecord ? K_MODULES : K_OBJECTS;
			if (function) {
				txSlot* home = mxFunctionInstanceHome(slot);
				if (home && (home->kind == XS_HOME_KIND) && home->value.home.module) {
					int owner = xscModuleOf(home->value.home.module);
					if (owner >= 0)
						gFunctionModule[j] = owner + 3;
				}
			}
			for (property = slot->next; property; property = property->next) {
				long p = xscIndex(property);
				if (p < 0)
					break;
				if (gKind[p] >= 0)
					continue;
				if (property->kind == XS_ARRAY_KIND)
					gKind[p] = K_ARRAYS;
				else if (property->flag & XS_INTERNAL_FLAG)
					gKind[p] = function ? K_FUNCTIONS : moduleRecord ? K_MODULES
						: (property->kind == XS_CLOSURE_KIND) ? K_CLOSURES : K_OTHER;
				else if (property->kind == XS_CLOSURE_KIND)
					gKind[p] = K_CLOSURES;
				else if (property->kind == XS_EXPORT_KIND)
					gKind[p] = K_MODULES;
				else
					gKind[p] = K_PROPERTIES;
				/* a function's "prototype": its value is a prototype */
				if (function && (property->ID == mxID(_prototype)) && (property->kind == XS_REFERENCE_KIND)) {
					long q = xscIndex(property->value.reference);
					if (q >= 0)
						gKind[q] = K_PROTOTYPES;
				}
			}
		}
	for (i = 0; i < gTotal; i++) {
		txSlot* s;
		long q = -1;
		if (!gLive[i])
			continue;
		for (k = 0; k < gBlockCount; k++)
			if ((i >= gBlocks[k].offset) && (i < gBlocks[k].offset + (gBlocks[k].limit - gBlocks[k].first)))
				break;
		s = gBlocks[k].first + (i - gBlocks[k].offset);
		if (s->kind == XS_CLOSURE_KIND)
			q = xscIndex(s->value.closure);
		else if (s->kind == XS_EXPORT_KIND)
			q = xscIndex(s->value.export.closure);
		if ((q >= 0) && (gKind[q] < 0 || gKind[q] == K_OTHER))
			gKind[q] = K_VARIABLES;
	}
	/* owners: the built-ins, then each module (exports and what they reach, then what its functions capture) */
	for (i = 0; i < gTotal; i++) {
		for (k = 0; k < gBlockCount; k++)
			if ((i >= gBlocks[k].offset) && (i < gBlocks[k].offset + (gBlocks[k].limit - gBlocks[k].first)))
				break;
		if (gLive[i] && (gOwner[i] < 0) && xscBuiltin(gBlocks[k].first + (i - gBlocks[k].offset)))
			gOwner[i] = 0;
	}
	for (int pass = 0; pass < 2; pass++)
		for (m = 0; m < gModuleCount; m++) {
			gQueueHead = gQueueTail = 0;
			xscClaim(gModules[m], m + 3, pass);
			/* its functions; on the second pass everything it owns again, now following closures to the variables */
			for (k = 0; k < gBlockCount; k++)
				for (slot = gBlocks[k].first; slot < gBlocks[k].limit; slot++) {
					long j = gBlocks[k].offset + (slot - gBlocks[k].first);
					if ((gFunctionModule[j] == m + 3) && (gOwner[j] < 0)) {
						gOwner[j] = m + 3;
						gQueue[gQueueTail++] = slot;
					}
					else if (pass && gLive[j] && (gOwner[j] == m + 3))
						gQueue[gQueueTail++] = slot;
				}
			xscDrain(the, m + 3, pass);
		}
	/* the tally; array items and their chunk header slot count where the array's slot is */
	for (k = 0; k < gBlockCount; k++)
		for (slot = gBlocks[k].first; slot < gBlocks[k].limit; slot++) {
			long j = gBlocks[k].offset + (slot - gBlocks[k].first);
			int owner, kind;
			if (!gLive[j])
				continue;
			owner = (gOwner[j] < 0) ? 1 : gOwner[j];
			kind = (gKind[j] < 0) ? K_OTHER : gKind[j];
			gSlots[owner][kind]++;
			if ((kind == K_FUNCTIONS) && (slot->kind == XS_INSTANCE_KIND))
				gFunctions[owner]++;
			if ((slot->kind == XS_ARRAY_KIND) && slot->value.array.address)
				gSlots[owner][K_ARRAYS] += 1 + xscArrayCount(slot);
			if (slot->kind == XS_STRING_KIND)
				gStringBytes[owner] += (long)c_strlen(slot->value.string) + 1;
		}
	fprintf(out, "preload-census {\"kinds\":[");
	for (k = 0; k < K_COUNT; k++)
		fprintf(out, "%s\"%s\"", k ? "," : "", gKindNames[k]);
	fprintf(out, "],\"modules\":[");
	for (m = 0; m < gModuleCount + 3; m++) {
		long total = 0;
		for (k = 0; k < K_COUNT; k++)
			total += gSlots[m][k];
		fprintf(out, "%s{\"name\":", m ? "," : "");
		xscJsonString(out, (m == 0) ? "(built-ins)" : (m == 1) ? "(machine)" : (m == 2) ? "(app keys)" : gModuleNames[m - 3]);
		fprintf(out, ",\"slots\":%ld,\"functions\":%ld,\"stringBytes\":%ld,\"byKind\":[", total, gFunctions[m], gStringBytes[m]);
		for (k = 0; k < K_COUNT; k++)
			fprintf(out, "%s%ld", k ? "," : "", gSlots[m][k]);
		fprintf(out, "]}");
	}
	fprintf(out, "]}\n");
	c_free(gLive);
	c_free(gKind);
	c_free(gOwner);
	c_free(gFunctionModule);
	c_free(gQueue);
}
