/*
 * The preload generator (issue 9), first stage: the machine the device would boot from a preparation, made on
 * the build host. Built against the XS engine with the device's feature defines plus mxLink
 * (tools/fw/preload.mjs builds and runs it):
 *
 *   xspreload DIR NAME...      (DIR: the app's .xsb files, as tools/fw/xs-image.mjs compiles them)
 *
 * It creates the machine, imports each module NAME in order (the manifest's `preload`) and runs its body, with
 * every native bound to a stub that refuses to run: a module whose body calls a native (timers, radio, storage,
 * crypto: anything that needs the hardware or the run loop) cannot be preloaded, and the generator stops with
 * one line naming the module being preloaded, the native and the module that declares it (exit 1). Then it
 * collects garbage and prints one JSON line `preload {…}` describing the heap the preparation would hold:
 * slots, chunk bytes, instances, how many are frozen and how many would need an alias in RAM, and the flash
 * the heap would take on the device (16-byte slots).
 *
 * With --emit it reshapes the machine for fxCloneMachine and writes the preparation as C (xsp_emit.c); with --keep it
 * first strips the built-in functions nobody names (xspStrip, below).
 */
#include "xsAll.h"
#include "xsr.h"
#include "xsr_platform.h"
#include "xsp.h"

void xsrStripBuiltins(txMachine* the); /* native/xs/nrf52/xsr_lean.c */

#include <dlfcn.h>

static xsrRuntime gRuntime;

/* ---- the engine's link hooks: callbacks by name ---------------------------------------------------- */

#define XSP_MAX_CALLBACKS 1024
static struct { txCallback callback; const char* name; } gCallbacks[XSP_MAX_CALLBACKS];
static int gCallbackCount = 0;

txCallback fxNewLinkerCallback(txMachine* the, txCallback callback, txString name)
{
	int i;
	(void)the;
	for (i = 0; i < gCallbackCount; i++)
		if (gCallbacks[i].callback == callback)
			return callback;
	if (gCallbackCount == XSP_MAX_CALLBACKS) {
		fprintf(stderr, "xspreload: more than %d built-in callbacks\n", XSP_MAX_CALLBACKS);
		exit(2);
	}
	gCallbacks[gCallbackCount].callback = callback;
	gCallbacks[gCallbackCount].name = name;
	gCallbackCount++;
	return callback;
}

txSlot* fxBuildHostConstructor(txMachine* the, txCallback callback, txInteger length, txInteger name)
{
	return fxNewHostConstructor(the, callback, length, name);
}

txSlot* fxBuildHostFunction(txMachine* the, txCallback callback, txInteger length, txInteger name)
{
	return fxNewHostFunction(the, callback, length, name, XS_NO_ID);
}

txSlot* fxNextHostAccessorProperty(txMachine* the, txSlot* property, txCallback get, txCallback set, txID id, txFlag flag)
{
	txSlot* home = the->stack;
	txSlot* getter = C_NULL;
	txSlot* setter = C_NULL;
	if (get) {
		getter = fxBuildHostFunction(the, get, 0, XS_NO_ID);
		mxFunctionInstanceHome(getter)->value.home.object = home->value.reference;
	}
	if (set) {
		setter = fxBuildHostFunction(the, set, 1, XS_NO_ID);
		mxFunctionInstanceHome(setter)->value.home.object = home->value.reference;
	}
	property = property->next = fxNewSlot(the);
	property->flag = flag;
	property->ID = id;
	property->kind = XS_ACCESSOR_KIND;
	property->value.accessor.getter = getter;
	property->value.accessor.setter = setter;
	if (set)
		mxPop();
	if (get)
		mxPop();
	return property;
}

txSlot* fxNextHostFunctionProperty(txMachine* the, txSlot* property, txCallback call, txInteger length, txID id, txFlag flag)
{
	txSlot* home = the->stack;
	txSlot* function = fxNewHostFunction(the, call, length, id, XS_NO_ID);
	mxFunctionInstanceHome(function)->value.home.object = home->value.reference;
	property = property->next = fxNewSlot(the);
	property->flag = flag;
	property->ID = id;
	property->kind = the->stack->kind;
	property->value = the->stack->value;
	mxPop();
	return property;
}

/* ---- the app's natives: stubs that refuse to run during preload -------------------------------------- */

/* Each host function a module declares (`@ "xs_name"`) is bound to its own stub, so the stub knows which one
 * was called. The device binds the real natives instead (the names are kept for the emitted C). */
#define XSP_MAX_HOSTS 256
static struct { const char* name; const char* module; } gHosts[XSP_MAX_HOSTS];
static int gHostCount = 0;
static char gRefusal[512];

/* The module whose body is running: the oldest JavaScript frame's function belongs to it (the import job's
 * frames below it are the engine's). */
static const char* xspRunningModule(txMachine* the)
{
	const char* name = C_NULL;
	txSlot* frame;
	for (frame = the->frame; frame; frame = frame->next) {
		txSlot* function = frame + 3; /* mxFunction of that frame */
		txSlot* home;
		if ((function->kind != XS_REFERENCE_KIND) || !function->value.reference->next)
			continue;
		home = mxFunctionInstanceHome(function->value.reference);
		if (home && (home->kind == XS_HOME_KIND) && home->value.home.module) {
			txSlot* internal = mxModuleInstanceInternal(home->value.home.module);
			if (internal && (internal->kind == XS_MODULE_KIND))
				name = fxGetKeyName(the, internal->value.module.id);
		}
	}
	return name;
}

static void xspRefuse(txMachine* the, int index)
{
	const char* body = xspRunningModule(the);
	c_snprintf(gRefusal, sizeof(gRefusal), "the body of \"%s\" calls the native \"%s\" (declared by \"%s\"): natives "
		"need the device, call them from functions", body ? body : "?", gHosts[index].name, gHosts[index].module);
	mxTypeError("preload: the native \"%s\" is not available", gHosts[index].name);
}

#define XSP_STUB(N) static void xspStub##N(txMachine* the) { xspRefuse(the, N); }
#define XSP_STUB8(N) XSP_STUB(N##0) XSP_STUB(N##1) XSP_STUB(N##2) XSP_STUB(N##3) XSP_STUB(N##4) XSP_STUB(N##5) XSP_STUB(N##6) XSP_STUB(N##7)
#define XSP_STUB64(N) XSP_STUB8(N##0) XSP_STUB8(N##1) XSP_STUB8(N##2) XSP_STUB8(N##3) XSP_STUB8(N##4) XSP_STUB8(N##5) XSP_STUB8(N##6) XSP_STUB8(N##7)
/* octal-named stubs 0000..0377: 256 of them */
XSP_STUB64(00) XSP_STUB64(01) XSP_STUB64(02) XSP_STUB64(03)
#define XSP_REF(N) xspStub##N,
#define XSP_REF8(N) XSP_REF(N##0) XSP_REF(N##1) XSP_REF(N##2) XSP_REF(N##3) XSP_REF(N##4) XSP_REF(N##5) XSP_REF(N##6) XSP_REF(N##7)
#define XSP_REF64(N) XSP_REF8(N##0) XSP_REF8(N##1) XSP_REF8(N##2) XSP_REF8(N##3) XSP_REF8(N##4) XSP_REF8(N##5) XSP_REF8(N##6) XSP_REF8(N##7)
static const txCallback gStubs[XSP_MAX_HOSTS] = { XSP_REF64(00) XSP_REF64(01) XSP_REF64(02) XSP_REF64(03) };

static char* xspCopy(const char* s)
{
	size_t n = c_strlen(s) + 1;
	char* copy = c_malloc(n);
	if (!copy) {
		fprintf(stderr, "xspreload: out of memory\n");
		exit(2);
	}
	c_memcpy(copy, s, n);
	return copy;
}

/* Each native gets the next stub, which knows its name and its module (xsrBindHostsWith: the engine's binding). */
static txCallback xspStubFor(txMachine* the, const char* name, txScript* script)
{
	if (gHostCount == XSP_MAX_HOSTS)
		mxRangeError("preload: more than %d natives", XSP_MAX_HOSTS);
	gHosts[gHostCount].name = xspCopy(name);
	gHosts[gHostCount].module = xspCopy(script->path ? script->path : "?");
	return gStubs[gHostCount++];
}

static void xspBindHosts(txMachine* the)
{
	xsrBindHostsWith(the, xspStubFor);
}

/* No native is linked into the generator: each is bound to a stub (gxsrBindHosts). */
const xsrHostEntry gxsrHosts[] = { { C_NULL, C_NULL } };
const size_t gxsrHostCount = 0;

const char* xspCallbackName(txCallback callback)
{
	int i;
	for (i = 0; i < gCallbackCount; i++)
		if (gCallbacks[i].callback == callback)
			return gCallbacks[i].name;
	for (i = 0; i < gHostCount; i++)
		if (gStubs[i] == callback)
			return gHosts[i].name;
	/* a callback the engine did not register by name (e.g. built by xsr_lean.c's Math): its global symbol */
	{
		Dl_info info;
		if (dladdr((void*)callback, &info) && info.dli_sname && (info.dli_saddr == (void*)callback)) {
			if (gCallbackCount < XSP_MAX_CALLBACKS) {
				gCallbacks[gCallbackCount].callback = callback;
				gCallbacks[gCallbackCount].name = info.dli_sname;
				gCallbackCount++;
			}
			return info.dli_sname;
		}
	}
	return C_NULL;
}

void xspDeclareCallbacks(FILE* out)
{
	int i;
	for (i = 0; i < gCallbackCount; i++)
		fprintf(out, "extern void %s(txMachine*);\n", gCallbacks[i].name);
	for (i = 0; i < gHostCount; i++)
		fprintf(out, "extern void %s(txMachine*);\n", gHosts[i].name);
}

/* ---- reshaping: what fxCloneMachine expects of a preparation ----------------------------------------------- */

/* The modules that ran (issue 10, flash): a module whose status is "executed" is never linked nor run again
 * (fxRunImport returns its namespace; fxExecuteModules skips it), and the engine has let go of its transfers and of
 * its initialize and execute functions (fxRunImport: mxModuleMeta(module)->next = C_NULL), so the code only its body
 * ran is garbage; it leaves the archive (tools/fw/prelink.mjs compactArchive). The status is xsModule.c's (its
 * enum is private: XS_MODULE_STATUS_EXECUTED is 6). Prints them as JSON; XSP_KEEP_BODIES=1 in the environment
 * prints nothing (the archive stays whole). */
#define XSP_MODULE_STATUS_EXECUTED 6
static void xspExecutedModules(txMachine* the, txSlot* modules)
{
	txSlot* module;
	int count = 0;
	if (getenv("XSP_KEEP_BODIES"))
		return;
	printf("preload-bodies [");
	for (module = modules->next; module; module = module->next) {
		txSlot* instance = module->value.reference;
		if ((mxModuleInstanceExports(instance)->ID != XSP_MODULE_STATUS_EXECUTED) || mxModuleInstanceMeta(instance)->next)
			continue;
		printf("%s\"%s\"", count++ ? "," : "", fxGetKeyName(the, mxModuleInstanceInternal(instance)->value.module.id));
	}
	printf("]\n");
}

/* The modules detached from the program's realm (a clone makes its own realm), the realm's closures in
 * mxException, the module list in mxProgram, the modules' IDs in mxHosts; the job queues emptied. */
static void xspReshape(txMachine* the)
{
	txSlot* realm = mxModuleInstanceInternal(mxProgram.value.reference)->value.module.realm;
	txSlot* modules = mxOwnModules(realm)->value.reference;
	txSlot* module;
	txSlot* target;
	for (module = modules->next; module; module = module->next)
		mxModuleInstanceInternal(module->value.reference)->value.module.realm = C_NULL;
	mxModuleInstanceInternal(mxProgram.value.reference)->value.module.realm = C_NULL;
	mxException.kind = XS_REFERENCE_KIND;
	mxException.value.reference = mxRealmClosures(realm)->value.reference;
	mxProgram.value.reference = modules;
	target = fxNewInstance(the);
	for (module = modules->next; module; module = module->next) {
		txID id = mxModuleInstanceInternal(module->value.reference)->value.module.id;
		target = target->next = fxNewSlot(the);
		target->kind = XS_SYMBOL_KIND;
		target->value.symbol = id;
		target->ID = id;
	}
	mxPull(mxHosts);
	xspExecutedModules(the, modules);
	mxModuleQueue = mxUndefined;
	mxDuringJobs = mxUndefined;
	mxFinalizationRegistries = mxUndefined;
	mxPendingJobs = mxUndefined;
	mxRunningJobs = mxUndefined;
	mxBreakpoints = mxUndefined;
	mxHostInspectors = mxUndefined;
	mxInstanceInspectors = mxUndefined;
}

static long gSealed; /* functions made non-extensible by xspAssignAliases */

/* Alias indexes, from 1 (0 is "none": the engine reads aliasArray[ID] only for a non-zero ID): every instance
 * that is not frozen, and every closure variable that can be assigned. */
static int xspWritable(txSlot* property)
{
	if ((property->kind != XS_ACCESSOR_KIND) && !(property->flag & XS_DONT_SET_FLAG))
		return 1;
	return !(property->flag & XS_DONT_DELETE_FLAG);
}

/* A function's own internal slots (its callback or code, its home): written when the function is made, never after. */
static int xspFunctionInternal(txSlot* property)
{
	return (property->flag & XS_INTERNAL_FLAG) && ((property->kind == XS_CALLBACK_KIND) || (property->kind == XS_CODE_KIND)
		|| (property->kind == XS_CODE_X_KIND) || (property->kind == XS_HOME_KIND));
}

/* A function (a built-in or a module's) whose own properties are all read-only and permanent (it has none, or
 * only a class's "prototype"): made non-extensible, so it needs no alias (docs/firmware.md "Preloading": a
 * preloaded function gets no new properties). */
static int xspSealFunction(txSlot* instance)
{
	txSlot* internal = instance->next;
	txSlot* property;
	if (!(instance->flag & XS_CAN_CALL_FLAG) || !internal
			|| ((internal->kind != XS_CALLBACK_KIND) && (internal->kind != XS_CODE_KIND) && (internal->kind != XS_CODE_X_KIND)))
		return 0;
	for (property = internal; property; property = property->next) {
		if (property->flag & XS_INTERNAL_FLAG)
			continue;
		if (xspWritable(property))
			return 0;
	}
	instance->flag |= XS_DONT_PATCH_FLAG;
	return 1;
}

static void xspAssignAliases(txMachine* the)
{
	txID count = 1;
	txSlot* heap;
	for (heap = the->firstHeap; heap; heap = heap->next) {
		txSlot* slot;
		for (slot = heap + 1; slot < heap->value.reference; slot++) {
			if (slot->kind == XS_CLOSURE_KIND) {
				txSlot* closure = slot->value.closure;
				if (closure->flag & XS_DONT_SET_FLAG)
					closure->flag |= XS_DONT_DELETE_FLAG;
				else if (closure->ID == XS_NO_ID)
					closure->ID = count++;
			}
		}
	}
	for (heap = the->firstHeap; heap; heap = heap->next) {
		txSlot* slot;
		for (slot = heap + 1; slot < heap->value.reference; slot++) {
			if (slot->kind == XS_INSTANCE_KIND) {
				txBoolean frozen;
				if (!(slot->flag & XS_DONT_PATCH_FLAG))
					gSealed += xspSealFunction(slot);
				frozen = (slot->flag & XS_DONT_PATCH_FLAG) ? 1 : 0;
				txSlot* property;
				for (property = slot->next; frozen && property; property = property->next) {
					if (property->kind == XS_ARRAY_KIND) {
						txSlot* item = property->value.array.address;
						txIndex length = item ? fxGetIndexSize(the, property) : 0;
						for (; length > 0; length--, item++)
							if (xspWritable(item))
								frozen = 0;
					}
					else if (xspFunctionInternal(property))
						continue;
					else if (xspWritable(property))
						frozen = 0;
				}
				slot->ID = frozen ? XS_NO_ID : count++;
			}
		}
	}
	the->aliasCount = count;
}

/* ---- the heap the preparation would hold ----------------------------------------------------------------- */

typedef struct {
	long slots, instances, frozen, closures;
} xspCensus;

/* Frozen as the preparation needs it: no new property (DONT_PATCH), and every property neither writable nor
 * deletable. Anything else is copied into RAM (an alias) the first time it is written. */
static int xspFrozen(txSlot* instance)
{
	txSlot* property;
	if (!(instance->flag & XS_DONT_PATCH_FLAG))
		return 0;
	for (property = instance->next; property; property = property->next) {
		if (property->flag & XS_INTERNAL_FLAG)
			continue;
		if (!(property->flag & XS_DONT_DELETE_FLAG))
			return 0;
		if ((property->kind != XS_ACCESSOR_KIND) && !(property->flag & XS_DONT_SET_FLAG))
			return 0;
	}
	return 1;
}

static long gKinds[64];

static void xspCount(txMachine* the, xspCensus* census)
{
	txSlot* block = the->firstHeap;
	c_memset(census, 0, sizeof(*census));
	while (block) {
		txSlot* slot = block + 1;
		txSlot* limit = block->value.reference;
		for (; slot < limit; slot++) {
			if (slot->flag & XS_MARK_FLAG)
				continue;
			if ((slot->kind >= 0) && (slot->kind < 64))
				gKinds[(int)slot->kind]++;
			if (slot->kind == XS_INSTANCE_KIND) {
				census->instances++;
				if (xspFrozen(slot))
					census->frozen++;
			}
			else if (slot->kind == XS_CLOSURE_KIND)
				census->closures++;
		}
		block = block->next;
	}
	census->slots = (long)the->currentHeapCount;
}


/* The next line of a file of names (one a line), without its newline; 0 at the end. */
static int xspReadName(FILE* file, char* line, size_t size)
{
	size_t n;
	if (!fgets(line, (int)size, file))
		return 0;
	n = c_strlen(line);
	if (n && (line[n - 1] == '\n'))
		line[--n] = 0;
	return 1;
}

/* ---- strip: built-in functions the app never names ------------------------------------------------------ */

/* After the modules ran, every built-in host function (a callback the engine registered by name, not an app
 * native) that is reachable only through properties whose keys nobody names, neither the app's bytecode nor the
 * engine at run time (the --keep file: tools/fw/preload.mjs writes the app's symbols and the engine's run-time
 * keys), gets xsrStrippedBuiltin as its callback: the preparation no longer names its C function, which the
 * device's --gc-sections then drops. Its properties are then removed, so the function itself is garbage and is
 * not emitted (a call by a computed name: TypeError "... is not a function"); only a global keeps its property
 * and the stub (a call throws a TypeError naming it: the key is kept in the callback slot's ID).
 * Always kept (docs/firmware.md "Preloading"): properties keyed by symbols or by a kept key; functions reached
 * from anything but a property or a global (the XS stack's other intrinsics, closures, array items, Map/Set
 * entries); constructors,
 * except those of XSP_STRIPPABLE_CONSTRUCTORS (only their builders name them in the engine) when their global's
 * name is not kept (and then their prototypes' methods go too). The properties of the static owners (--statics: JSON,
 * Math, Object, ...) are kept by their qualified names instead (xspReadStatics), not by the app's keys. XSP_STRIPPED=1 in the environment lists what is
 * stripped, XSP_KEPT=1 what is kept and why. */
static const txID gStrippableConstructors[] = { _Compartment, _ModuleSource, _WeakRef, _FinalizationRegistry, _WeakMap, _WeakSet };
#define XSP_STRIPPABLE_CONSTRUCTORS (sizeof(gStrippableConstructors) / sizeof(gStrippableConstructors[0]))

typedef struct {
	txSlot* function;
	txID key;      /* the first key it was seen through */
	int keep;      /* named by a kept key */
	int held;      /* reached from something else than a property */
	int stripped;
	int ownerStatic; /* a property of a static owner (--statics) */
} xspCandidate;
static long gPropertiesRemoved;
static xspCandidate* gCandidates;
static long gCandidateCount;

static int xspCompareCandidates(const void* a, const void* b)
{
	const txSlot* x = ((const xspCandidate*)a)->function;
	const txSlot* y = ((const xspCandidate*)b)->function;
	return (x < y) ? -1 : (x > y) ? 1 : 0;
}

static xspCandidate* xspCandidateOf(txSlot* instance)
{
	xspCandidate key;
	if (!instance || !gCandidateCount)
		return C_NULL;
	key.function = instance;
	return bsearch(&key, gCandidates, (size_t)gCandidateCount, sizeof(xspCandidate), xspCompareCandidates);
}

static int xspIsStub(txCallback callback)
{
	int i;
	for (i = 0; i < gHostCount; i++)
		if (gStubs[i] == callback)
			return 1;
	return 0;
}

static int xspStrippableConstructor(txMachine* the, txSlot* instance)
{
	size_t i;
	for (i = 0; i < XSP_STRIPPABLE_CONSTRUCTORS; i++) {
		txSlot* slot = &the->stackPrototypes[-1 - gStrippableConstructors[i]];
		if ((slot->kind == XS_REFERENCE_KIND) && (slot->value.reference == instance))
			return 1;
	}
	return 0;
}

/* A built-in host function that may be stripped: its callback registered by the engine, no own "prototype"
 * (a constructor) unless it is one of the strippable constructors. */
static int xspStrippable(txMachine* the, txSlot* instance)
{
	txSlot* callback = instance->next;
	txSlot* property;
	if ((instance->kind != XS_INSTANCE_KIND) || !callback || (callback->kind != XS_CALLBACK_KIND))
		return 0;
	if (xspIsStub(callback->value.callback.address) || !xspCallbackName(callback->value.callback.address))
		return 0;
	for (property = callback; property; property = property->next)
		if ((property->ID == mxID(_prototype)) && !(property->flag & XS_INTERNAL_FLAG))
			return xspStrippableConstructor(the, instance);
	return 1;
}

/* The functions a property's value may be: a reference, or an accessor's getter and setter (internal slots: none). */
static void xspTargets(txSlot* property, txSlot* targets[2])
{
	targets[0] = targets[1] = C_NULL;
	if (property->flag & XS_INTERNAL_FLAG)
		return;
	if (property->kind == XS_REFERENCE_KIND)
		targets[0] = property->value.reference;
	else if (property->kind == XS_ACCESSOR_KIND) {
		targets[0] = property->value.accessor.getter;
		targets[1] = property->value.accessor.setter;
	}
}

static void xspKeepReference(txSlot* target)
{
	xspCandidate* c = xspCandidateOf(target);
	if (c)
		c->held = 1;
}

/* The static built-ins' owners (--statics, tools/fw/static-uses.mjs): the global constructors and namespaces (JSON,
 * Math, Object, Array, %TypedArray%, ...) whose properties are kept by what the app's code does with the global, not
 * by their keys' names. Lines: `O owner` (an owner: the engine's intrinsic of that name), `A owner` (all of its
 * properties kept: the code uses the global some other way than reading a property by a static key), `K owner name`
 * (that property kept: the code reads it), `E name` (a key the engine or our C looks up by ID on any object: kept on
 * every owner). Any other property of an owner is stripped, whatever names the app uses elsewhere. */
typedef struct {
	txSlot* instance;
	int all;
} xspOwner;
#define XSP_MAX_OWNERS 64
static xspOwner gOwners[XSP_MAX_OWNERS];
static int gOwnerCount;
static struct { txSlot* instance; txID id; }* gOwnerKeys;
static long gOwnerKeyCount;
static txByte* gEngineKeys;

static xspOwner* xspOwnerOf(txSlot* instance)
{
	int i;
	for (i = 0; i < gOwnerCount; i++)
		if (gOwners[i].instance == instance)
			return &gOwners[i];
	return C_NULL;
}

static xspOwner* xspOwnerNamed(txMachine* the, char* name, int add)
{
	txID id = fxFindName(the, name);
	txSlot* slot;
	xspOwner* owner;
	if ((id == XS_NO_ID) || (id < XS_SYMBOL_ID_COUNT) || (id >= XS_INTRINSICS_COUNT))
		return C_NULL;
	slot = &the->stackPrototypes[-1 - id];
	if (slot->kind != XS_REFERENCE_KIND)
		return C_NULL;
	owner = xspOwnerOf(slot->value.reference);
	if (!owner && add && (gOwnerCount < XSP_MAX_OWNERS)) {
		owner = &gOwners[gOwnerCount++];
		owner->instance = slot->value.reference;
		owner->all = 0;
	}
	return owner;
}

/* Reads the statics file; -1 (after one line on stderr) when it is malformed or names no intrinsic. */
static int xspReadStatics(txMachine* the, const char* path)
{
	FILE* file = fopen(path, "r");
	char line[1024];
	long capacity = 0;
	if (!file) {
		fprintf(stderr, "preload: cannot read %s\n", path);
		return -1;
	}
	gEngineKeys = c_calloc((size_t)the->keyIndex + 1, 1);
	while (xspReadName(file, line, sizeof(line))) {
		char* name = line + 2;
		char* space;
		xspOwner* owner;
		if (!line[0])
			continue;
		if ((line[1] != ' ') || !c_strchr("OAKE", line[0]))
			goto bad;
		if (line[0] == 'E') {
			txID id = fxFindName(the, name);
			if ((id != XS_NO_ID) && (id < the->keyIndex))
				gEngineKeys[id] = 1;
			continue;
		}
		space = (line[0] == 'K') ? c_strchr(name, ' ') : C_NULL;
		if (space)
			*space = 0;
		else if (line[0] == 'K')
			goto bad;
		owner = xspOwnerNamed(the, name, line[0] == 'O');
		if (!owner) {
			fprintf(stderr, "preload: %s: \"%s\" is no built-in constructor or namespace of this engine\n", path, name);
			fclose(file);
			return -1;
		}
		if (line[0] == 'A')
			owner->all = 1;
		else if (line[0] == 'K') {
			txID id = fxFindName(the, space + 1);
			if (id == XS_NO_ID)
				continue; /* a key nothing has: no property to keep */
			if (gOwnerKeyCount == capacity) {
				capacity = capacity ? capacity * 2 : 64;
				gOwnerKeys = c_realloc(gOwnerKeys, (size_t)capacity * sizeof(*gOwnerKeys));
			}
			gOwnerKeys[gOwnerKeyCount].instance = owner->instance;
			gOwnerKeys[gOwnerKeyCount].id = id;
			gOwnerKeyCount++;
		}
	}
	fclose(file);
	return 0;
bad:
	fprintf(stderr, "preload: %s: bad line \"%s\"\n", path, line);
	fclose(file);
	return -1;
}

/* Whether the static owner `owner`'s property `id` is kept (symbols and keys made at run time are kept by the caller). */
static int xspOwnerKeeps(xspOwner* owner, txID id)
{
	long i;
	if (owner->all || gEngineKeys[id])
		return 1;
	for (i = 0; i < gOwnerKeyCount; i++)
		if ((gOwnerKeys[i].instance == owner->instance) && (gOwnerKeys[i].id == id))
			return 1;
	return 0;
}

static int xspStrip(txMachine* the, const char* keepPath, const char* staticsPath, long* kept)
{
	FILE* file = fopen(keepPath, "r");
	char line[1024];
	txByte* keys;
	txSlot* heap;
	txSlot* slot;
	long i, stripped = 0;
	if (!file) {
		fprintf(stderr, "preload: cannot read %s\n", keepPath);
		return -1;
	}
	keys = c_calloc((size_t)the->keyIndex + 1, 1);
	while (xspReadName(file, line, sizeof(line))) {
		txID id = fxFindName(the, line);
		if ((id != XS_NO_ID) && (id < the->keyIndex))
			keys[id] = 1;
	}
	fclose(file);
	if (staticsPath && (xspReadStatics(the, staticsPath) < 0)) {
		c_free(keys);
		return -1;
	}
	fxNewLinkerCallback(the, xsrStrippedBuiltin, "xsrStrippedBuiltin");
	/* the candidates, sorted by address */
	gCandidateCount = 0;
	for (heap = the->firstHeap; heap; heap = heap->next)
		for (slot = heap + 1; slot < heap->value.reference; slot++)
			if ((slot->kind == XS_INSTANCE_KIND) && xspStrippable(the, slot))
				gCandidateCount++;
	gCandidates = c_calloc((size_t)gCandidateCount + 1, sizeof(xspCandidate));
	i = 0;
	for (heap = the->firstHeap; heap; heap = heap->next)
		for (slot = heap + 1; slot < heap->value.reference; slot++)
			if ((slot->kind == XS_INSTANCE_KIND) && xspStrippable(the, slot))
				gCandidates[i++].function = slot;
	qsort(gCandidates, (size_t)gCandidateCount, sizeof(xspCandidate), xspCompareCandidates);
	/* 0. the static owners' functions: one that an object of the app holds as a property too (a module body stored
	 * it: `{ abs: Math.abs }`, the key perhaps renamed by the bundle) is kept, as a value the body kept */
	for (i = 0; i < gOwnerCount; i++) {
		txSlot* property;
		for (property = gOwners[i].instance->next; property; property = property->next) {
			txSlot* targets[2];
			int k;
			xspTargets(property, targets);
			for (k = 0; k < 2; k++) {
				xspCandidate* c = xspCandidateOf(targets[k]);
				if (c)
					c->ownerStatic = 1;
			}
		}
	}
	/* 1. properties: kept by a kept key or a symbol, else remembered with their key; array items and internal
	 * references (anything but a property) keep what they point at */
	for (heap = the->firstHeap; heap; heap = heap->next)
		for (slot = heap + 1; slot < heap->value.reference; slot++) {
			txSlot* property;
			if (slot->kind != XS_INSTANCE_KIND)
				continue;
			xspOwner* owner = xspOwnerOf(slot);
			for (property = slot->next; property; property = property->next) {
				txSlot* targets[2];
				int k;
				if ((property->kind == XS_ARRAY_KIND) && property->value.array.address) {
					txSlot* item = property->value.array.address;
					txIndex length = fxGetIndexSize(the, property);
					for (; length > 0; length--, item++) {
						if (item->kind == XS_REFERENCE_KIND)
							xspKeepReference(item->value.reference);
						else if (item->kind == XS_ACCESSOR_KIND) {
							xspKeepReference(item->value.accessor.getter);
							xspKeepReference(item->value.accessor.setter);
						}
					}
					continue;
				}
				if ((property->flag & XS_INTERNAL_FLAG) && (property->kind == XS_REFERENCE_KIND)) {
					xspKeepReference(property->value.reference);
					continue;
				}
				xspTargets(property, targets);
				for (k = 0; k < 2; k++) {
					xspCandidate* c = xspCandidateOf(targets[k]);
					if (!c)
						continue;
					if ((property->ID == mxID(_constructor)) && xspStrippableConstructor(the, targets[k]))
						continue;
					if ((property->ID >= the->keyIndex) || fxIsKeySymbol(the, property->ID)
							|| (owner ? xspOwnerKeeps(owner, property->ID) : keys[property->ID]))
						c->keep = 1;
					else if (c->ownerStatic && !owner && !((mxGlobal.kind == XS_REFERENCE_KIND) && (slot == mxGlobal.value.reference)))
						c->held = 1;
					else if (c->key == XS_NO_ID)
						c->key = property->ID;
				}
			}
		}
	/* 2. everything else that points at a function keeps it: slots that are not properties (closures, module
	 * variables, Map/Set entries), the XS stack's intrinsics */
	for (heap = the->firstHeap; heap; heap = heap->next)
		for (slot = heap + 1; slot < heap->value.reference; slot++) {
			/* slots that no instance chains: closures' values, module variables, Map/Set entries, ... (a property
			 * slot is reached from its instance above; here every REFERENCE that is not a property counts) */
			if ((slot->kind == XS_REFERENCE_KIND) && xspCandidateOf(slot->value.reference)) {
				int property = 0;
				txSlot* owner;
				/* is it some instance's property? (cheap enough: only for references to candidates) */
				for (owner = the->firstHeap; owner && !property; owner = owner->next) {
					txSlot* s;
					for (s = owner + 1; (s < owner->value.reference) && !property; s++) {
						txSlot* p;
						if (s->kind != XS_INSTANCE_KIND)
							continue;
						for (p = s->next; p; p = p->next)
							if (p == slot) {
								property = !(p->flag & XS_INTERNAL_FLAG);
								break;
							}
					}
				}
				if (!property)
					xspKeepReference(slot->value.reference);
			}
			else if (slot->kind == XS_ENTRY_KIND)
				xspKeepReference(slot->value.entry.slot);
		}
	for (slot = the->stack; slot < the->stackTop; slot++) {
		/* the first XS_INTRINSICS_COUNT slots are the globals' values, each at its key's ID: as a property of
		 * the global (the engine names some by macro, mxEvalFunction, mxParseIntFunction, ...: their keys are kept) */
		txID id = (txID)(the->stackTop - 1 - slot);
		xspCandidate* c;
		if ((slot->kind != XS_REFERENCE_KIND) || !(c = xspCandidateOf(slot->value.reference)))
			continue;
		if (id >= XS_INTRINSICS_COUNT)
			c->held = 1;
		else if (keys[id])
			c->keep = 1;
		else if (c->key == XS_NO_ID)
			c->key = id;
	}
	/* 3. a strippable constructor stripped: no instance of its class can be made, so its prototype's methods go
	 * too (whatever their keys), unless something else holds them */
	for (i = 0; i < gCandidateCount; i++) {
		xspCandidate* c = &gCandidates[i];
		txSlot* property;
		if (c->keep || c->held || (c->key == XS_NO_ID) || !xspStrippableConstructor(the, c->function))
			continue;
		for (property = c->function->next; property; property = property->next) {
			if ((property->ID == mxID(_prototype)) && (property->kind == XS_REFERENCE_KIND)) {
				txSlot* method;
				for (method = property->value.reference->next; method; method = method->next) {
					txSlot* targets[2];
					int k;
					xspTargets(method, targets);
					for (k = 0; k < 2; k++) {
						xspCandidate* m = xspCandidateOf(targets[k]);
						if (m && !m->held) {
							m->keep = 0;
							m->key = method->ID;
						}
					}
				}
			}
		}
	}
	/* 4. strip what is left: seen only through keys nobody names */
	for (i = 0; i < gCandidateCount; i++) {
		xspCandidate* c = &gCandidates[i];
		if (c->keep || c->held || (c->key == XS_NO_ID)) {
			if (getenv("XSP_KEPT"))
				fprintf(stderr, "preload: kept %s %s\n", xspCallbackName(c->function->next->value.callback.address), c->held ? "(held)" : c->keep ? "(named)" : "(no key)");
			continue;
		}
		if (getenv("XSP_STRIPPED"))
			fprintf(stderr, "preload: stripped \"%s\" (%s)\n", fxGetKeyName(the, c->key), xspCallbackName(c->function->next->value.callback.address));
		c->function->next->value.callback.address = xsrStrippedBuiltin;
		c->function->next->ID = c->key;
		c->stripped = 1;
		stripped++;
	}
	/* 5. their properties go (issue 9: no slot, no function left in the preparation: the collection before the
	 * emission frees them); a call by a computed name then finds undefined, "... is not a function". The global
	 * object's properties stay (its table of globals points at them): those functions keep the callback above. */
	for (heap = the->firstHeap; heap; heap = heap->next)
		for (slot = heap + 1; slot < heap->value.reference; slot++) {
			txSlot** address;
			if ((slot->kind != XS_INSTANCE_KIND) || (mxGlobal.kind == XS_REFERENCE_KIND && slot == mxGlobal.value.reference))
				continue;
			address = &slot->next;
			while (*address) {
				txSlot* property = *address;
				txSlot* targets[2];
				xspCandidate* c0;
				xspCandidate* c1;
				xspTargets(property, targets);
				c0 = xspCandidateOf(targets[0]);
				c1 = xspCandidateOf(targets[1]);
				if (property->kind == XS_ACCESSOR_KIND) {
					if (c0 && c0->stripped)
						property->value.accessor.getter = C_NULL;
					if (c1 && c1->stripped)
						property->value.accessor.setter = C_NULL;
					if (!property->value.accessor.getter && !property->value.accessor.setter) {
						*address = property->next;
						gPropertiesRemoved++;
						continue;
					}
				}
				else if (c0 && c0->stripped) {
					*address = property->next;
					gPropertiesRemoved++;
					continue;
				}
				address = &property->next;
			}
		}
	*kept = gCandidateCount - stripped;
	c_free(keys);
	c_free(gEngineKeys);
	c_free(gOwnerKeys);
	gEngineKeys = C_NULL;
	gOwnerKeys = C_NULL;
	gOwnerKeyCount = 0;
	gOwnerCount = 0;
	c_free(gCandidates);
	gCandidates = C_NULL;
	gCandidateCount = 0;
	return (int)stripped;
}

/* ---- plain functions' unused prototypes ------------------------------------------------------------------ */

/* Every ordinary function (a `function` declaration or expression, not a class, an arrow, a method, a generator or an
 * async function) gets a writable "prototype": an object whose only property is "constructor", back to the function.
 * When nothing else holds that object (no instance was made with `new`, no code kept it), the generator removes the
 * property (issue 10: the node image's flash): the object and its "constructor" go with it (3 slots of flash a
 * function), and the function, left with read-only properties only, is sealed (no alias: 4 bytes of RAM). What changes:
 * such a function's `prototype` is undefined, so `new f()` makes an object of Object.prototype and `x instanceof f`
 * throws a TypeError (docs/firmware.md "Flash"). XSP_KEEP_PROTOTYPES=1 in the environment keeps them all. */
typedef struct {
	txSlot* prototype;
	txSlot* function;
	txSlot* property; /* the function's "prototype" property */
	long references;
} xspUnused;

static int xspCompareUnused(const void* a, const void* b)
{
	const txSlot* x = ((const xspUnused*)a)->prototype;
	const txSlot* y = ((const xspUnused*)b)->prototype;
	return (x < y) ? -1 : (x > y) ? 1 : 0;
}

static xspUnused* gUnused;
static long gUnusedCount;

static void xspReferenced(txSlot* target)
{
	xspUnused key;
	xspUnused* u;
	if (!target || !gUnusedCount)
		return;
	key.prototype = target;
	u = bsearch(&key, gUnused, (size_t)gUnusedCount, sizeof(xspUnused), xspCompareUnused);
	if (u)
		u->references++;
}

static void xspReferencedBy(txSlot* target, void* context)
{
	(void)context;
	xspReferenced(target);
}

/* A plain function's own "prototype" property, whose object holds only "constructor" back to the function; or NULL. */
static txSlot* xspPlainPrototype(txMachine* the, txSlot* function)
{
	txSlot* property;
	txSlot* prototype;
	txSlot* constructor;
	if (!function->next || ((function->next->kind != XS_CODE_KIND) && (function->next->kind != XS_CODE_X_KIND)))
		return C_NULL;
	for (property = function->next; property; property = property->next)
		if (!(property->flag & XS_INTERNAL_FLAG) && (property->ID == mxID(_prototype)))
			break;
	if (!property || (property->kind != XS_REFERENCE_KIND) || (property->flag & XS_DONT_SET_FLAG))
		return C_NULL;
	prototype = property->value.reference;
	if ((prototype->kind != XS_INSTANCE_KIND) || (mxObjectPrototype.kind != XS_REFERENCE_KIND)
			|| (prototype->value.instance.prototype != mxObjectPrototype.value.reference))
		return C_NULL;
	constructor = prototype->next;
	if (!constructor || constructor->next || (constructor->ID != mxID(_constructor)) || (constructor->kind != XS_REFERENCE_KIND)
			|| (constructor->value.reference != function))
		return C_NULL;
	return property;
}

/* The free slots after a collection, one byte per slot of the heap's blocks in order (their stale values are not
 * read): XSP_LIVE_SLOTS(BODY) runs BODY for every live slot (with heap, slot, offset and freeSlots in scope). */
static unsigned char* xspFreeSlots(txMachine* the)
{
	txSlot* heap;
	txSlot* slot;
	long total = 0, offset;
	unsigned char* freeSlots;
	fxCollectGarbage(the);
	for (heap = the->firstHeap; heap; heap = heap->next)
		total += heap->value.reference - (heap + 1);
	freeSlots = c_calloc((size_t)total + 1, 1);
	for (slot = the->freeHeap; slot; slot = slot->next) {
		offset = 0;
		for (heap = the->firstHeap; heap; heap = heap->next) {
			if ((slot > heap) && (slot < heap->value.reference)) {
				freeSlots[offset + (slot - (heap + 1))] = 1;
				break;
			}
			offset += heap->value.reference - (heap + 1);
		}
	}
	return freeSlots;
}
#define XSP_LIVE_SLOTS(BODY) \
	for (offset = 0, heap = the->firstHeap; heap; offset += heap->value.reference - (heap + 1), heap = heap->next) \
		for (slot = heap + 1; slot < heap->value.reference; slot++) \
			if (!freeSlots[offset + (slot - (heap + 1))]) { BODY }

/* Whether two functions' environments hold the same slots: the same closures (the variables they point at), IDs
 * and flags, in the same order. */
static int xspSameEnvironment(txSlot* a, txSlot* b)
{
	if ((a->kind != XS_INSTANCE_KIND) || (b->kind != XS_INSTANCE_KIND) || (a->flag != b->flag)
			|| a->value.instance.prototype || b->value.instance.prototype)
		return 0;
	for (a = a->next, b = b->next; a && b; a = a->next, b = b->next) {
		if ((a->ID != b->ID) || (a->flag != b->flag) || (a->kind != b->kind))
			return 0;
		if ((a->kind == XS_CLOSURE_KIND) ? (a->value.closure != b->value.closure)
				: (a->kind == XS_REFERENCE_KIND) ? (a->value.reference != b->value.reference)
				: (a->kind != XS_UNDEFINED_KIND) && (a->kind != XS_NULL_KIND))
			return 0;
	}
	return !a && !b;
}

/* Functions whose environments hold the same closures share one (issue 10, flash): an environment is only read
 * once the function is made (XS_CODE_RETRIEVE copies its slots onto the stack; XS_CODE_STORE fills it while the
 * function is made, at build time), so the copies are garbage. XSP_KEEP_ENVIRONMENTS=1 keeps them. Returns how many
 * environments went. */
static long xspShareEnvironments(txMachine* the)
{
	txSlot* heap;
	txSlot* slot;
	long offset, count = 0, i, j, shared = 0;
	unsigned char* freeSlots;
	txSlot** codes;
	if (getenv("XSP_KEEP_ENVIRONMENTS"))
		return 0;
	freeSlots = xspFreeSlots(the);
	XSP_LIVE_SLOTS(if (((slot->kind == XS_CODE_KIND) || (slot->kind == XS_CODE_X_KIND)) && slot->value.code.closures) count++;)
	codes = c_calloc((size_t)count + 1, sizeof(txSlot*));
	i = 0;
	XSP_LIVE_SLOTS(if (((slot->kind == XS_CODE_KIND) || (slot->kind == XS_CODE_X_KIND)) && slot->value.code.closures) codes[i++] = slot;)
	for (i = 0; i < count; i++) {
		txSlot* environment = codes[i]->value.code.closures;
		for (j = 0; j < i; j++) {
			if (codes[j]->value.code.closures == environment)
				break;
			if (xspSameEnvironment(codes[j]->value.code.closures, environment)) {
				codes[i]->value.code.closures = codes[j]->value.code.closures;
				shared++;
				break;
			}
		}
	}
	c_free(codes);
	c_free(freeSlots);
	return shared;
}

static long xspDropPrototypes(txMachine* the)
{
	txSlot* heap;
	txSlot* slot;
	unsigned char* freeSlots;
	long i, dropped = 0, offset;
	if (getenv("XSP_KEEP_PROTOTYPES"))
		return 0;
	freeSlots = xspFreeSlots(the);
	gUnusedCount = 0;
	XSP_LIVE_SLOTS(if ((slot->kind == XS_INSTANCE_KIND) && xspPlainPrototype(the, slot)) gUnusedCount++;)
	if (!gUnusedCount) {
		c_free(freeSlots);
		return 0;
	}
	gUnused = c_calloc((size_t)gUnusedCount, sizeof(xspUnused));
	i = 0;
	XSP_LIVE_SLOTS(
		txSlot* property;
		if ((slot->kind == XS_INSTANCE_KIND) && (property = xspPlainPrototype(the, slot))) {
			gUnused[i].prototype = property->value.reference;
			gUnused[i].function = slot;
			gUnused[i].property = property;
			i++;
		}
	)
	qsort(gUnused, (size_t)gUnusedCount, sizeof(xspUnused), xspCompareUnused);
	/* every reference to them */
	XSP_LIVE_SLOTS(xspEachPointer(the, slot, xspReferencedBy, C_NULL);)
	for (slot = the->stack; slot < the->stackTop; slot++)
		if (slot->kind == XS_REFERENCE_KIND)
			xspReferenced(slot->value.reference);
	/* held by nothing but the function's property: the property goes */
	for (i = 0; i < gUnusedCount; i++) {
		xspUnused* u = &gUnused[i];
		txSlot** address;
		if (u->references != 1)
			continue;
		for (address = &u->function->next; *address; address = &(*address)->next)
			if (*address == u->property) {
				*address = u->property->next;
				dropped++;
				break;
			}
	}
	c_free(freeSlots);
	c_free(gUnused);
	gUnused = C_NULL;
	gUnusedCount = 0;
	return dropped;
}

/* The prelinked archive's keys (one per line), registered in order right after creation as the device does, so
 * the code of modules left in the archive keeps its IDs (tools/fw/prelink.mjs). */
static int xspRegisterKeys(txMachine* the, const char* path)
{
	FILE* file = fopen(path, "r");
	char line[1024];
	txID expected = the->keyIndex;
	if (!file) {
		fprintf(stderr, "preload: cannot read %s\n", path);
		return -1;
	}
	while (xspReadName(file, line, sizeof(line))) {
		txID id = fxNewNameC(the, line);
		if (id != expected) {
			fprintf(stderr, "preload: key \"%s\" is %d, the archive expects %d\n", line, (int)id, (int)expected);
			fclose(file);
			return -1;
		}
		expected++;
	}
	fclose(file);
	return 0;
}

int main(int argc, char** argv)
{
	txCreation creation = {
		1 << 20, 1 << 18, /* chunks */
		1 << 16, 1 << 14, /* slots */
		4096,             /* stack */
		4096, 1024,       /* keys */
		1993, 127,        /* names, symbols */
		0, 0, 0,          /* no parser, static size */
	};
	txMachine* the;
	xspCensus census;
	int i, failed = 0;
	const char* emit = C_NULL;
	const char* keys = C_NULL;
	const char* keep = C_NULL;
	const char* statics = C_NULL;
	long stripped = 0, keptFunctions = 0;
	int first;
	while ((argc > 2) && (argv[1][0] == '-') && (argv[1][1] == '-')) {
		if (!c_strcmp(argv[1], "--emit"))
			emit = argv[2];
		else if (!c_strcmp(argv[1], "--keys"))
			keys = argv[2];
		else if (!c_strcmp(argv[1], "--keep")) /* strip: the keys the app and the engine name (one per line) */
			keep = argv[2];
		else if (!c_strcmp(argv[1], "--statics")) /* strip: the static built-ins the app's code reads (xspReadStatics) */
			statics = argv[2];
		else if (!c_strcmp(argv[1], "--names")) /* the device's creation: a clone copies the ROM buckets as they are */
			creation.nameModulo = (txSize)atoi(argv[2]);
		else if (!c_strcmp(argv[1], "--symbols"))
			creation.symbolModulo = (txSize)atoi(argv[2]);
		else
			break;
		argv += 2;
		argc -= 2;
	}
	if ((argc < 2) || (argv[1][0] == '-')) {
		fprintf(stderr, "usage: xspreload [--keys FILE] [--keep FILE] [--statics FILE] [--emit FILE.c] [--names N] [--symbols N] DIR [MODULE...]\n");
		return 2;
	}
	xspSetModuleDirectory(argv[1]);
	gxsrBindHosts = xspBindHosts;
	c_memset(&gRuntime, 0, sizeof(gRuntime));
	gxsrRuntime = &gRuntime;
	the = fxCreateMachine(&creation, "preload", C_NULL, XS_NO_ID);
	if (!the) {
		fprintf(stderr, "xspreload: cannot create the machine\n");
		return 2;
	}
	first = the->keyIndex;
	if (keys && (xspRegisterKeys(the, keys) < 0))
		return 1;
	if (xspHasArchive() && (xspRegisterArchiveKeys(the) < 0))
		return 1;
	/* the built-ins the device deletes at boot when it has no preparation (native/xs/nrf52/xsr_lean.c) */
	fxBeginHost(the);
	xsrStripBuiltins(the);
	fxEndHost(the);
	fxCollectGarbage(the);
	xspHeapSnapshot(the, first);
	for (i = 2; (i < argc) && !failed; i++) {
		gRefusal[0] = 0;
		xsrImportModule(the, argv[i], &failed);
		if (!failed)
			failed = xsrDrainJobs(the);
		if (failed) {
			/* xsrImportModule has printed the exception; this is the line that matters */
			fprintf(stderr, "preload: module \"%s\" cannot be preloaded: %s\n", argv[i],
				gRefusal[0] ? gRefusal : "importing it failed (above)");
			xsrPlatformExit(the, 1);
		}
		if (gRuntime.importsSettled != i - 1) {
			fprintf(stderr, "preload: module \"%s\" cannot be preloaded: its import did not settle (top-level await)\n", argv[i]);
			xsrPlatformExit(the, 1);
		}
	}
	(void)first;
	fxCollectGarbage(the);
	xspCount(the, &census);
	printf("preload {\"modules\":%d,\"callbacks\":%d,\"natives\":%d,\"slots\":%ld,\"chunkBytes\":%ld,\"keys\":%d,"
		"\"instances\":%ld,\"frozen\":%ld,\"aliases\":%ld,\"closures\":%ld,\"flashHeapBytes\":%ld}\n",
		argc - 2, gCallbackCount, gHostCount, census.slots, (long)the->currentChunksSize, (int)the->keyIndex,
		census.instances, census.frozen, census.instances - census.frozen, census.closures,
		census.slots * 16 + (long)the->currentChunksSize);
	if (keep) {
		stripped = xspStrip(the, keep, statics, &keptFunctions);
		if (stripped < 0)
			return 1;
	}
	if (emit) {
		xspFigures figures;
		long prototypesDropped = xspDropPrototypes(the);
		long environmentsShared;
		xspReshape(the);
		environmentsShared = xspShareEnvironments(the);
		fxCollectGarbage(the);
		xspAssignAliases(the);
		xspHeapCensus(the, stdout);
		/* the warning docs/firmware.md explains: what is not frozen is copied into RAM when first written, and
		 * costs an alias entry (a pointer of RAM on the device) whether written or not */
		if (the->aliasCount > 1)
			fprintf(stderr, "preload: warning: %ld objects and closures are not frozen: an alias each (%ld bytes of RAM on "
				"the device); Object.freeze what a module never changes\n", (long)the->aliasCount - 1, ((long)the->aliasCount - 1) * 4);
		if (xspEmit(the, emit, &figures) < 0) {
			fprintf(stderr, "preload: %s not written\n", emit);
			return 1;
		}
		printf("preload-emit {\"heapSlots\":%ld,\"stackSlots\":%ld,\"codeBytes\":%ld,\"bufferBytes\":%ld,\"aliases\":%ld,\"keys\":%d,"
			"\"stripped\":%ld,\"propertiesRemoved\":%ld,\"builtinsKept\":%ld,\"functionsSealed\":%ld,\"prototypesDropped\":%ld,\"environmentsShared\":%ld}\n",
			figures.heapSlots, figures.stackSlots, figures.codeBytes, figures.bufferBytes, figures.aliases, (int)the->keyIndex,
			stripped, gPropertiesRemoved, keptFunctions, gSealed, prototypesDropped, environmentsShared);
		fflush(stdout);
		_exit(0); /* the reshaped machine is not one to delete */
	}
	if (getenv("XSP_KINDS")) {
		for (i = 0; i < 64; i++)
			if (gKinds[i])
				fprintf(stderr, "kind %d: %ld\n", i, gKinds[i]);
	}
	fxDeleteMachine(the);
	return 0;
}
