/*
 * The device engine's built-ins, trimmed (flash and RAM): what the app never uses is left out, as Moddable's
 * own device builds strip unused built-ins.
 *
 * The firmware links with --wrap=fxBuildDate,fxBuildProxy,fxBuildAtomics,fxBuildBigInt,fxBuildRegExp,fxBuildMath
 * (tools/fw/xs-image.mjs), so fxCreateMachine calls the functions below instead of the engine's builders:
 *   - Date, Proxy and Reflect, SharedArrayBuffer and Atomics, BigInt, RegExp: not built. Their globals are
 *     undefined and their code (with newlib's time zone and scanf code behind Date) is not linked.
 *     Without them no such object can exist, so the engine never reaches the prototypes they would have set.
 *     (RegExp is also compiled out by mxRegExp=0.)
 *   - Math: only the functions that need no transcendental libm code (abs, ceil, clz32, floor, fround, imul,
 *     log, max, min, pow, random, round, sign, sqrt, trunc) and the constants; the others are left out.
 * Besides, some 110 built-in functions the app never names (tools/fw/lean.mjs: Array.prototype.concat,
 * String.prototype.replace, Object.defineProperties, ...) are deleted right after the machine is created
 * (xsrStripBuiltins, below: four slots, 64 bytes, of the XS heap each), and their code is replaced at link
 * time by one stub (the generated xsr_strip.c).
 * The firmware build refuses bytecode that names a left-out built-in, so an app that starts using one gets
 * a build error, not a TypeError on the device.
 *
 * Since no Proxy and no Atomics can exist, their C code goes too (tools/fw/xs-image.mjs, issue 9): the engine is
 * built without xsProxy.c (its gxProxyBehavior, which the engine's behaviour table names, is the ordinary
 * behaviour below: no instance ever has it), and xsDefaults.c's table of Atomics operations per typed array is
 * renamed away (-DgxTypeAtomics=...) for the empty one below, so the 90 operations are not linked.
 */
#include "xsAll.h"
#include "xsr_device_port.h"

void xsrStripBuiltins(txMachine* the);

/* No Proxy instance can be made (fxBuildProxy is not called, xsProxy.c is not linked): the engine's behaviour
 * table still names a proxy behaviour. */
const txBehavior gxProxyBehavior = {
	fxOrdinaryGetProperty, fxOrdinarySetProperty, fxOrdinaryCall, fxOrdinaryConstruct, fxOrdinaryDefineOwnProperty,
	fxOrdinaryDeleteProperty, fxOrdinaryGetOwnProperty, fxOrdinaryGetPropertyValue, fxOrdinaryGetPrototype,
	fxOrdinaryHasProperty, fxOrdinaryIsExtensible, fxOrdinaryOwnKeys, fxOrdinaryPreventExtensions,
	fxOrdinarySetPropertyValue, fxOrdinarySetPrototype,
};

/* Only the Atomics functions (not built) call a typed array's atomic operations: typed arrays point into this
 * table, which names none (xsDefaults.c's own is renamed away at compile time). */
const txTypeAtomics gxTypeAtomics[mxTypeArrayCount] = { { 0 } };

void __wrap_fxBuildDate(txMachine* the);
void __wrap_fxBuildProxy(txMachine* the);
void __wrap_fxBuildAtomics(txMachine* the);
void __wrap_fxBuildBigInt(txMachine* the);
void __wrap_fxBuildRegExp(txMachine* the);
void __wrap_fxBuildMath(txMachine* the);

void __wrap_fxBuildDate(txMachine* the)
{
	(void)the;
}

void __wrap_fxBuildProxy(txMachine* the)
{
	(void)the;
}

void __wrap_fxBuildAtomics(txMachine* the)
{
	(void)the;
}

void __wrap_fxBuildBigInt(txMachine* the)
{
	(void)the;
}

void __wrap_fxBuildRegExp(txMachine* the)
{
	(void)the;
}

void __wrap_fxBuildMath(txMachine* the)
{
	static const struct {
		txCallback callback;
		txInteger length;
		txID id;
	} functions[] = {
		{ fx_Math_abs, 1, _abs }, { fx_Math_ceil, 1, _ceil }, { fx_Math_clz32, 1, _clz32 },
		{ fx_Math_floor, 1, _floor }, { fx_Math_fround, 1, _fround }, { fx_Math_imul, 2, _imul },
		{ fx_Math_log, 1, _log }, { fx_Math_max, 2, _max }, { fx_Math_min, 2, _min }, { fx_Math_pow, 2, _pow },
		{ fx_Math_random, 0, _random }, { fx_Math_round, 1, _round }, { fx_Math_sign, 1, _sign },
		{ fx_Math_sqrt, 1, _sqrt }, { fx_Math_trunc, 1, _trunc },
	};
	static const struct {
		double value;
		txID id;
	} constants[] = {
		{ C_M_E, _E }, { C_M_LN10, _LN10 }, { C_M_LN2, _LN2 }, { C_M_LOG10E, _LOG10E }, { C_M_LOG2E, _LOG2E },
		{ C_M_PI, _PI }, { C_M_SQRT1_2, _SQRT1_2 }, { C_M_SQRT2, _SQRT2 },
	};
	txSlot* slot;
	size_t i;
	mxPush(mxObjectPrototype);
	slot = fxLastProperty(the, fxNewObjectInstance(the));
	for (i = 0; i < sizeof(functions) / sizeof(functions[0]); i++)
		slot = fxNextHostFunctionProperty(the, slot, functions[i].callback, functions[i].length, mxID(functions[i].id), XS_DONT_ENUM_FLAG);
	for (i = 0; i < sizeof(constants) / sizeof(constants[0]); i++)
		slot = fxNextNumberProperty(the, slot, constants[i].value, mxID(constants[i].id), XS_GET_ONLY);
	slot = fxNextStringXProperty(the, slot, "Math", mxID(_Symbol_toStringTag), XS_DONT_ENUM_FLAG | XS_DONT_SET_FLAG);
	mxPull(mxMathObject);
}

/* Deletes the properties of gxsrStrip (their functions become garbage). Owners: tools/fw/lean.mjs's OWNERS. */
void xsrStripBuiltins(txMachine* the)
{
	txSlot* owners[16];
	uint16_t i;
	owners[0] = &mxGlobal;
	owners[1] = &mxArrayPrototype;
	owners[2] = &mxTypedArrayPrototype;
	owners[3] = &mxStringConstructor;
	owners[4] = &mxStringPrototype;
	owners[5] = &mxNumberPrototype;
	owners[6] = &mxObjectConstructor;
	owners[7] = &mxObjectPrototype;
	owners[8] = &mxPromiseConstructor;
	owners[9] = &mxPromisePrototype;
	owners[10] = &mxMapPrototype;
	owners[11] = &mxSetPrototype;
	owners[12] = &mxSymbolConstructor;
	owners[13] = &mxArrayBufferConstructor;
	owners[14] = &mxArrayBufferPrototype;
	owners[15] = &mxFunctionPrototype;
	for (i = 0; i < gxsrStripCount; i++) {
		txSlot* owner;
		txID id;
		if (gxsrStrip[i].owner >= sizeof(owners) / sizeof(owners[0]))
			continue;
		owner = owners[gxsrStrip[i].owner];
		if (owner->kind != XS_REFERENCE_KIND)
			continue;
		id = fxFindName(the, (txString)gxsrStrip[i].name);
		if (id == XS_NO_ID)
			continue;
		mxBehaviorDeleteProperty(the, owner->value.reference, id, 0);
	}
}

/*
 * RAM: the engine's defaults give every function own "length" and "name" properties (two slots each, for
 * some 850 functions: built-ins, natives and the app's). The device build compiles xsDefaults.c with these
 * two hooks renamed to the functions below (tools/fw/xs-image.mjs; the preload generator its engine, under mxLink), so functions get neither: the engine
 * checks the hooks before each use, as it does for Moddable's linked builds. Function.prototype's own
 * name and length remain, so `f.name` is "" and `f.length` 0; error stacks name functions by their code's ID.
 */
txSlot* xsrNoFunctionLength(txMachine* the, txSlot* instance, txNumber length);
txSlot* xsrNoFunctionName(txMachine* the, txSlot* instance, txID id, txIndex index, txID former, txString prefix);

txSlot* xsrNoFunctionLength(txMachine* the, txSlot* instance, txNumber length)
{
	(void)the;
	(void)instance;
	(void)length;
	return C_NULL;
}

txSlot* xsrNoFunctionName(txMachine* the, txSlot* instance, txID id, txIndex index, txID former, txString prefix)
{
	(void)the;
	(void)instance;
	(void)id;
	(void)index;
	(void)former;
	(void)prefix;
	return C_NULL;
}

/*
 * Engine parts an image leaves out when its app's bytecode never uses them (tools/fw/lean.mjs UNUSED_PARTS): the
 * image's xsDefaults.c is compiled with the hooks below in place of the engine's (-DfxNewAsyncInstance=
 * xsrLeftOut_fxNewAsyncInstance, ...), so the engine's code behind them is not linked. The build leaves a part out
 * only when no module holds an instruction that reaches it; should one run anyway, a TypeError names the part.
 */
#define XSR_LEFT_OUT(part) mxTypeError("%s are not in this image: its app's bytecode never used them (tools/fw/lean.mjs)", part)
#define XSR_ASYNC "async functions and generators"
#define XSR_EVAL "eval and scripts"
#define XSR_PRIVATE "private class members"
#define XSR_SLOPPY "arguments objects"

txSlot* xsrLeftOut_fxNewAsyncInstance(txMachine* the);
void xsrLeftOut_fxRunAsync(txMachine* the, txSlot* instance);
txSlot* xsrLeftOut_fxNewGeneratorInstance(txMachine* the);
txSlot* xsrLeftOut_fxNewGeneratorFunctionInstance(txMachine* the, txID name);
txSlot* xsrLeftOut_fxNewAsyncGeneratorInstance(txMachine* the);
txSlot* xsrLeftOut_fxNewAsyncGeneratorFunctionInstance(txMachine* the, txID name);
void xsrLeftOut_fxRunForAwaitOf(txMachine* the);
void xsrLeftOut_fxRunImport(txMachine* the, txSlot* realm, txID id);
void xsrLeftOut_fxRunEval(txMachine* the);
void xsrLeftOut_fxRunEvalEnvironment(txMachine* the);
void xsrLeftOut_fxRunProgramEnvironment(txMachine* the);
txBoolean xsrLeftOut_fxDefinePrivateProperty(txMachine* the, txSlot* instance, txSlot* check, txID id, txSlot* slot, txFlag mask);
txSlot* xsrLeftOut_fxGetPrivateProperty(txMachine* the, txSlot* instance, txSlot* check, txID id);
txSlot* xsrLeftOut_fxSetPrivateProperty(txMachine* the, txSlot* instance, txSlot* check, txID id);
txSlot* xsrLeftOut_fxNewArgumentsSloppyInstance(txMachine* the, txIndex count);
txSlot* xsrLeftOut_fxNewArgumentsStrictInstance(txMachine* the, txIndex count);

txSlot* xsrLeftOut_fxNewAsyncInstance(txMachine* the)
{
	XSR_LEFT_OUT(XSR_ASYNC);
	return C_NULL;
}

void xsrLeftOut_fxRunAsync(txMachine* the, txSlot* instance)
{
	(void)instance;
	XSR_LEFT_OUT(XSR_ASYNC);
}

txSlot* xsrLeftOut_fxNewGeneratorInstance(txMachine* the)
{
	XSR_LEFT_OUT(XSR_ASYNC);
	return C_NULL;
}

txSlot* xsrLeftOut_fxNewGeneratorFunctionInstance(txMachine* the, txID name)
{
	(void)name;
	XSR_LEFT_OUT(XSR_ASYNC);
	return C_NULL;
}

txSlot* xsrLeftOut_fxNewAsyncGeneratorInstance(txMachine* the)
{
	XSR_LEFT_OUT(XSR_ASYNC);
	return C_NULL;
}

txSlot* xsrLeftOut_fxNewAsyncGeneratorFunctionInstance(txMachine* the, txID name)
{
	(void)name;
	XSR_LEFT_OUT(XSR_ASYNC);
	return C_NULL;
}

void xsrLeftOut_fxRunForAwaitOf(txMachine* the)
{
	XSR_LEFT_OUT(XSR_ASYNC);
}

void xsrLeftOut_fxRunImport(txMachine* the, txSlot* realm, txID id)
{
	(void)realm;
	(void)id;
	XSR_LEFT_OUT("import() and asynchronous module loading");
}

void xsrLeftOut_fxRunEval(txMachine* the)
{
	XSR_LEFT_OUT(XSR_EVAL);
}

void xsrLeftOut_fxRunEvalEnvironment(txMachine* the)
{
	XSR_LEFT_OUT(XSR_EVAL);
}

void xsrLeftOut_fxRunProgramEnvironment(txMachine* the)
{
	XSR_LEFT_OUT(XSR_EVAL);
}

txBoolean xsrLeftOut_fxDefinePrivateProperty(txMachine* the, txSlot* instance, txSlot* check, txID id, txSlot* slot, txFlag mask)
{
	(void)instance;
	(void)check;
	(void)id;
	(void)slot;
	(void)mask;
	XSR_LEFT_OUT(XSR_PRIVATE);
	return 0;
}

txSlot* xsrLeftOut_fxGetPrivateProperty(txMachine* the, txSlot* instance, txSlot* check, txID id)
{
	(void)instance;
	(void)check;
	(void)id;
	XSR_LEFT_OUT(XSR_PRIVATE);
	return C_NULL;
}

txSlot* xsrLeftOut_fxSetPrivateProperty(txMachine* the, txSlot* instance, txSlot* check, txID id)
{
	(void)instance;
	(void)check;
	(void)id;
	XSR_LEFT_OUT(XSR_PRIVATE);
	return C_NULL;
}

txSlot* xsrLeftOut_fxNewArgumentsSloppyInstance(txMachine* the, txIndex count)
{
	(void)count;
	XSR_LEFT_OUT(XSR_SLOPPY);
	return C_NULL;
}

txSlot* xsrLeftOut_fxNewArgumentsStrictInstance(txMachine* the, txIndex count)
{
	(void)count;
	XSR_LEFT_OUT(XSR_SLOPPY);
	return C_NULL;
}

/*
 * BigInt: no BigInt value can exist on the device (its builder is not called, the build refuses BigInt literals:
 * tools/fw/lean.mjs OPCODES_REFUSED), so the engine's table of BigInt operations, which it calls when an operand is
 * one, is this one (xsDefaults.c's is renamed away at compile time, -DgxTypeBigInt=...: tools/fw/xs-image.mjs
 * DEFAULTS_DEFINES) and the operations are not linked. Each throws, should it be reached.
 */
#define XSR_NO_BIGINT() mxTypeError("BigInt is not in the device build (tools/fw/lean.mjs)")

static txBoolean xsrNoBigIntCompare(txMachine* the, txBoolean less, txBoolean equal, txBoolean more, txSlot* a, txSlot* b)
{
	(void)less;
	(void)equal;
	(void)more;
	(void)a;
	(void)b;
	XSR_NO_BIGINT();
	return 0;
}

static void xsrNoBigIntDecode(txMachine* the, txSize size)
{
	(void)size;
	XSR_NO_BIGINT();
}

static void xsrNoBigIntToArrayBuffer(txMachine* the, txSlot* slot, txU4 minBytes, txBoolean sign, int endian)
{
	(void)slot;
	(void)minBytes;
	(void)sign;
	(void)endian;
	XSR_NO_BIGINT();
}

static txSlot* xsrNoBigIntToInstance(txMachine* the, txSlot* slot)
{
	(void)slot;
	XSR_NO_BIGINT();
	return C_NULL;
}

static txNumber xsrNoBigIntToNumber(txMachine* the, txSlot* slot)
{
	(void)slot;
	XSR_NO_BIGINT();
	return 0;
}

static void xsrNoBigIntToString(txMachine* the, txSlot* slot, txU4 radix)
{
	(void)slot;
	(void)radix;
	XSR_NO_BIGINT();
}

static txBigInt* xsrNoBigIntBinary(txMachine* the, txBigInt* r, txBigInt* a, txBigInt* b)
{
	(void)r;
	(void)a;
	(void)b;
	XSR_NO_BIGINT();
	return C_NULL;
}

static txBigInt* xsrNoBigIntUnary(txMachine* the, txBigInt* r, txBigInt* a)
{
	(void)r;
	(void)a;
	XSR_NO_BIGINT();
	return C_NULL;
}

/* The BigInt64Array and BigUint64Array accessors of xsDefaults.c's table of typed-array types (renamed to these at
 * compile time): those arrays are never built. */
void xsrNoBigInt64Access(txMachine* the, txSlot* data, txInteger offset, txSlot* slot, int endian);
void xsrNoBigIntCoerce(txMachine* the, txSlot* slot);
int xsrNoBigInt64Compare(const void* p, const void* q);

void xsrNoBigInt64Access(txMachine* the, txSlot* data, txInteger offset, txSlot* slot, int endian)
{
	(void)data;
	(void)offset;
	(void)slot;
	(void)endian;
	XSR_NO_BIGINT();
}

void xsrNoBigIntCoerce(txMachine* the, txSlot* slot)
{
	(void)slot;
	XSR_NO_BIGINT();
}

int xsrNoBigInt64Compare(const void* p, const void* q)
{
	(void)p;
	(void)q;
	return 0;
}

const txTypeBigInt gxTypeBigInt = {
	xsrNoBigIntCompare, xsrNoBigIntDecode, xsrNoBigIntToArrayBuffer, xsrNoBigIntToInstance, xsrNoBigIntToNumber,
	xsrNoBigIntToString,
	xsrNoBigIntBinary, /* add */ xsrNoBigIntBinary, /* and */ xsrNoBigIntUnary, /* dec */ xsrNoBigIntBinary, /* div */
	xsrNoBigIntBinary, /* exp */ xsrNoBigIntUnary, /* inc */ xsrNoBigIntBinary, /* lsl */ xsrNoBigIntBinary, /* lsr */
	xsrNoBigIntBinary, /* mul */ xsrNoBigIntUnary, /* neg */ xsrNoBigIntBinary, /* nop */ xsrNoBigIntUnary, /* not */
	xsrNoBigIntBinary, /* or */ xsrNoBigIntBinary, /* rem */ xsrNoBigIntBinary, /* sub */ xsrNoBigIntBinary, /* xor */
};
