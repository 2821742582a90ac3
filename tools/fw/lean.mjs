// What the device engine leaves out of XS's built-ins, and the checks that the app does not need it
// (native/xs/nrf52/xsr_lean.c does the C side). Moddable's own device builds strip unused built-ins the same way.
//
//   BUILDER_WRAPS  builders replaced at link time (--wrap): Date, Proxy/Reflect, SharedArrayBuffer/Atomics,
//                  BigInt and RegExp are not built; Math gets its functions that need no transcendental libm code
//   STRIP          built-in functions the app never names: their code is replaced at link time by one stub (the
//                  engine's objects get them as weak symbols; flash: the code and what only it used go), and the
//                  device deletes the properties at boot,
//                  before anything runs (RAM: each function object is four slots, 64 bytes)
//   leftOutBuiltins(symbols)  the left-out names a module's symbols mention (the build refuses such a module)
//
// Only functions that nothing but their own property reaches are listed: not the ones the engine calls by ID
// (valueOf, toString, then, Symbol.iterator and Symbol.hasInstance methods, Map.prototype.entries, ...).

import { opcodeAt } from "./prelink.mjs";

export const BUILDER_WRAPS = ["fxBuildDate", "fxBuildProxy", "fxBuildAtomics", "fxBuildBigInt", "fxBuildRegExp", "fxBuildMath"];

// Globals and names the left-out builders would have provided.
const BUILDER_NAMES = ["Date", "Proxy", "Reflect", "SharedArrayBuffer", "Atomics", "BigInt", "BigInt64Array", "BigUint64Array", "RegExp"];
// Math functions left out (only a problem when the module also names Math).
const MATH_LEFT_OUT = ["acos", "acosh", "asin", "asinh", "atan", "atanh", "atan2", "cbrt", "cos", "cosh", "exp", "expm1",
  "hypot", "idiv", "idivmod", "imod", "imuldiv", "irem", "log1p", "log10", "log2", "mod", "sin", "sinh", "tan", "tanh"];

// owner: one of the OWNERS below; name: the property; fn: the engine's C function(s) behind it.
const OWNERS = [
  "global", "Array.prototype", "TypedArray.prototype", "String", "String.prototype", "Number.prototype", "Object",
  "Object.prototype", "Promise", "Promise.prototype", "Map.prototype", "Set.prototype", "Symbol", "ArrayBuffer",
  "ArrayBuffer.prototype", "Function.prototype",
];
const table = {
  "Array.prototype": ["at", "concat", "copyWithin", "entries", "every", "find", "findIndex", "findLast", "findLastIndex",
    "flat", "flatMap", "forEach", "lastIndexOf", "pop", "reduce", "reduceRight", "reverse", "some", "sort", "toLocaleString",
    "unshift"],
  "TypedArray.prototype": ["at", "copyWithin", "entries", "every", "find", "findIndex", "findLast", "findLastIndex",
    "forEach", "lastIndexOf", "reduce", "reduceRight", "reverse", "some", "sort", "toLocaleString"],
  "String": ["fromCharCode", "fromCodePoint", "fromArrayBuffer"],
  "String.prototype": ["at", "charAt", "codePointAt", "compare", "concat", "endsWith", "lastIndexOf", "match",
    "matchAll", "normalize", "padEnd", "repeat", "replace", "replaceAll", "search", "substr", "substring",
    "toLocaleLowerCase", "toLocaleUpperCase", "toLowerCase", "toUpperCase", "trim", "trimEnd", "trimStart"],
  "Number.prototype": ["toExponential", "toFixed", "toLocaleString", "toPrecision"],
  "Object": ["defineProperties", "defineProperty", "entries", "fromEntries", "getOwnPropertyDescriptor",
    "getOwnPropertyDescriptors", "getOwnPropertyNames", "getOwnPropertySymbols", "getPrototypeOf", "hasOwn", "is",
    "isExtensible", "isFrozen", "isSealed", "preventExtensions", "seal", "setPrototypeOf"],
  "Object.prototype": ["isPrototypeOf", "propertyIsEnumerable", "toLocaleString"],
  "Promise": ["all", "allSettled", "any", "race"],
  "Promise.prototype": ["finally"],
  "Map.prototype": ["forEach"],
  "Set.prototype": ["forEach"],
  "Symbol": ["for", "keyFor"],
  "ArrayBuffer": ["fromBigInt", "fromString", "isView"],
  "ArrayBuffer.prototype": ["concat", "resize", "transfer"],
  "Function.prototype": ["apply"],
  "global": ["decodeURI", "decodeURIComponent", "encodeURI", "encodeURIComponent", "escape", "unescape"],
};
// C function names that differ from fx_<Owner>_<prototype_>name
// (toLocaleLowerCase and toLocaleUpperCase are the same functions as toLowerCase and toUpperCase)
const FN_OVERRIDES = {
  "String.prototype.toLocaleLowerCase": [],
  "String.prototype.toLocaleUpperCase": [],
};

function fnOf(owner, name) {
  const key = `${owner}.${name}`;
  if (FN_OVERRIDES[key]) return FN_OVERRIDES[key];
  if (owner === "global") return [`fx_${name}`];
  const [ctor, proto] = owner.split(".");
  return [`fx_${ctor}_${proto ? "prototype_" : ""}${name}`];
}

export const STRIP = Object.entries(table).flatMap(([owner, names]) => {
  if (!OWNERS.includes(owner)) throw new Error(`lean: unknown owner ${owner}`);
  return names.map((name) => ({ owner, name, fn: fnOf(owner, name) }));
});
export const STRIP_OWNERS = OWNERS;

/** The C functions to wrap for STRIP entries (each once). */
export function stripWraps() {
  return [...new Set(STRIP.flatMap((s) => s.fn))];
}

/** Left-out names a module's symbols mention (a Math function counts when the module also names Math). */
export function leftOutBuiltins(symbols) {
  const set = new Set(symbols);
  const out = BUILDER_NAMES.filter((n) => set.has(n));
  if (set.has("Math")) out.push(...MATH_LEFT_OUT.filter((n) => set.has(n)).map((n) => `Math.${n}`));
  for (const s of STRIP) if (set.has(s.name)) out.push(`${s.owner}.${s.name}`);
  for (const p of UNUSED_PARTS) for (const n of p.names ?? []) if (set.has(n)) out.push(n);
  return [...new Set(out)];
}

/**
 * Checks against the engine's sources that each stripped function is reached only through its builder
 * (every reference but the definition is an `mxCallback(fn)` in a property builder). Throws otherwise.
 */
export function checkStrip(sources) {
  for (const fn of stripWraps()) {
    const lines = [];
    for (const [file, text] of sources) {
      if (/xsSnapshot\.c$|xsLockdown\.c$/.test(file)) continue; // not linked
      for (const line of text.split("\n")) if (new RegExp(`\\b${fn}\\b`).test(line)) lines.push(line.trim());
    }
    const definitions = lines.filter((l) => l.startsWith(`void ${fn}(`));
    const others = lines.filter((l) => !l.startsWith(`void ${fn}(`) && !l.startsWith("extern ") && !l.startsWith("mxExport "));
    if (definitions.length !== 1) throw new Error(`lean: the engine has no function ${fn}`);
    const bad = others.filter((l) => !l.includes(`mxCallback(${fn})`));
    if (bad.length) throw new Error(`lean: ${fn} is used besides its built-in property: ${bad[0]}`);
  }
}

/** The generated C (gen/xsr_strip.c): the properties to delete at boot, and the stubs behind --wrap. */
/** The table of built-ins xsrStripBuiltins deletes (native/xs/nrf52/xsr_lean.c): the device's, and the preload
 * generator's (tools/fw/preload.mjs), which deletes them before it writes the preparation. */
export function stripTableSource() {
  return [
    "/* Generated by tools/fw/xs-image.mjs from tools/fw/lean.mjs: built-ins the app never names. Do not edit. */",
    '#include "xsr.h"',
    '#include "xsr_device_port.h"',
    "",
    "const xsrStripEntry gxsrStrip[] = {",
    ...STRIP.map((s) => `\t{ ${OWNERS.indexOf(s.owner)}, "${s.name}" }, /* ${s.owner} */`),
    "};",
    `const uint16_t gxsrStripCount = ${STRIP.length};`,
  ].join("\n");
}

export function stripSource() {
  const wraps = stripWraps();
  return [
    stripTableSource(),
    "",
    "/* The code behind them is replaced by one stub (should anything reach it: a TypeError): the engine's objects",
    " * are linked with these functions made weak (objcopy --weaken-symbol), so these definitions win. */",
    "void xsrLeftOut(xsMachine* the);",
    "void xsrLeftOut(xsMachine* the)",
    "{",
    '\txsTypeError("this built-in is not in the device build (tools/fw/lean.mjs)");',
    "}",
    ...wraps.map((f) => `void ${f}(xsMachine* the) __attribute__((alias("xsrLeftOut")));`),
    "",
  ].join("\n");
}

// ---- engine parts an image leaves out when its app's bytecode never uses them ------------------------------------
//
// The engine reaches these through its table of hooks (xsDefaults.c's gxDefaults, the table Moddable's linked builds
// strip the same way) from the bytecode's own instructions: an image none of whose modules (every module of its
// archive, compiled) holds one of a part's opcodes leaves the part out:
//   defaults   the hooks compiled out of the image's xsDefaults.c (-D<hook>=xsrLeftOut_<hook>: native/xs/nrf52/
//              xsr_lean.c's stubs, which throw a TypeError naming the part), so their code is not linked;
//   callbacks  built-in functions only the part's objects hold (Generator.prototype.next, ...): in a preloaded image
//              the preparation's references to them are compiled as xsrStrippedBuiltin (a TypeError naming the key);
//   define     a define for our C (native/xs/common): XSR_IMPORT_NOW, the entry imported synchronously (xsr_run.c);
//   stubs      engine functions (file, function) only the part reaches, compiled from a generated copy of their source
//              (build/fw/engine-src/, engineSourcePatched below) whose definition throws a TypeError naming the part.
// An image whose app uses a part keeps it whole (the provisioner's images: its async functions), so no app is refused:
// the part comes back with the first module that needs it (host-tests/firmware/images.ts checks both ways). A part
// given by `names` instead of opcodes (built-in globals) is left out of every device image, and the build refuses a
// module that names one (leftOutBuiltins), as for BUILDER_NAMES.
export const UNUSED_PARTS = [
  {
    name: "async functions and generators",
    opcodes: ["async_function", "async_generator_function", "generator", "start_async", "start_async_generator",
      "start_generator", "await", "yield", "for_await_of"],
    defaults: ["fxNewAsyncInstance", "fxRunAsync", "fxNewGeneratorInstance", "fxNewGeneratorFunctionInstance",
      "fxNewAsyncGeneratorInstance", "fxNewAsyncGeneratorFunctionInstance", "fxRunForAwaitOf"],
    callbacks: ["fx_Generator_prototype_next", "fx_Generator_prototype_return", "fx_Generator_prototype_throw",
      "fx_GeneratorFunction", "fx_AsyncGenerator_prototype_next", "fx_AsyncGenerator_prototype_return",
      "fx_AsyncGenerator_prototype_throw", "fx_AsyncGeneratorFunction", "fx_AsyncFunction", "fx_AsyncIterator_asyncIterator",
      "fx_AsyncFromSyncIterator_prototype_next", "fx_AsyncFromSyncIterator_prototype_return",
      "fx_AsyncFromSyncIterator_prototype_throw"],
  },
  {
    // import() (the build refuses it already: tools/fw/xs-image.mjs) and the asynchronous loading of the entry: with
    // no async module (top-level await is an async module function) the entry is imported synchronously
    name: "asynchronous module loading",
    opcodes: ["import", "async_function", "start_async", "await"],
    defaults: ["fxRunImport"],
    callbacks: [],
    define: "XSR_IMPORT_NOW",
  },
  {
    name: "eval and scripts",
    opcodes: ["eval", "eval_tail", "eval_environment", "program_environment"],
    defaults: ["fxRunEval", "fxRunEvalEnvironment", "fxRunProgramEnvironment"],
    callbacks: [],
  },
  {
    name: "private class members",
    opcodes: ["new_private", "new_private_2", "get_private", "get_private_2", "set_private", "set_private_2",
      "has_private", "has_private_2", "eval_private"],
    defaults: ["fxDefinePrivateProperty", "fxGetPrivateProperty", "fxSetPrivateProperty"],
    callbacks: [],
  },
  {
    // Compartment and ModuleSource: without them no realm has a module map or a loadNowHook, so the engine never maps a
    // module descriptor (the engine's import still looks in the realm's empty map: fxMapModule)
    name: "Compartment and ModuleSource",
    names: ["Compartment", "ModuleSource"],
    defaults: [],
    callbacks: ["fx_Compartment", "fx_Compartment_prototype_get_globalThis", "fx_Compartment_prototype_evaluate",
      "fx_Compartment_prototype_import", "fx_Compartment_prototype_importNow", "fx_ModuleSource",
      "fx_ModuleSource_prototype_get_bindings", "fx_ModuleSource_prototype_get_needsImport",
      "fx_ModuleSource_prototype_get_needsImportMeta"],
    stubs: [["xsModule.c", "fxMapModuleDescriptor"]],
  },
  {
    // the built-ins that compile source text: the device has no parser (mxParse is off), so they could only fail
    name: "eval() and Function()",
    defaults: [],
    callbacks: ["fx_eval", "fx_Function"],
  },
  // ---- entry-preload: the run-time module loader (docs/firmware.md "Boot") ----
  {
    // A preloaded image holds every module of its archive in its preparation, their bodies run at build time (the
    // entry's registers its start function, which the device calls: native/xs/common/xsr_run.c xsrStartEntry): nothing
    // loads, links or runs a module body at run time, so the loader (the engine's import, module records, linking) is
    // not linked. Left out of every preloaded image (`preloaded`), whatever its opcodes; import() is refused by the build
    // (tools/fw/xs-image.mjs), which also refuses a module the generator cannot preload. The bodies' own instruction
    // (XS_CODE_MODULE: fxRunID, a body's first) reaches fxPrepareModule: a TypeError naming this part.
    name: "modules loaded at run time",
    preloaded: true,
    // (the engine's asynchronous import too, which an image with async functions keeps otherwise: "asynchronous
    // module loading" above; only import() could reach it, and the build refuses import())
    defaults: ["fxRunImport"],
    callbacks: [],
    stubs: [["xsModule.c", "fxPrepareModule"]],
  },
  {
    // Promise: with no module loaded at run time, only the app makes promises, by naming Promise or by an async
    // instruction (async functions, await, import()). A preloaded image none of whose modules does (every module's
    // symbols as written, `symbols`) has its Promise built-ins compiled as xsrStrippedBuiltin in its preparation (a
    // TypeError naming the key; also the realm's shared functions promises call back), and our C runs no job queue (XSR_NO_PROMISES: native/xs/common/xsr_run.c): the
    // engine's promise machinery (capabilities, resolve functions, then, the jobs) is not linked.
    name: "promises",
    preloaded: true,
    opcodes: ["async_function", "async_generator_function", "start_async", "start_async_generator", "await",
      "for_await_of", "import"],
    symbols: ["Promise"],
    defaults: [],
    callbacks: ["fx_Promise", "fx_Promise_all", "fx_Promise_allSettled", "fx_Promise_any", "fx_Promise_race",
      "fx_Promise_reject", "fx_Promise_resolve", "fx_Promise_prototype_catch", "fx_Promise_prototype_finally",
      "fx_Promise_prototype_then", "fxOnRejectedPromise", "fxOnResolvedPromise", "fxOnThenable"],
    define: "XSR_NO_PROMISES",
  },
  {
    name: "arguments objects",
    opcodes: ["arguments_sloppy", "arguments_strict"],
    defaults: ["fxNewArgumentsSloppyInstance", "fxNewArgumentsStrictInstance"],
    callbacks: [],
  },
  // ---- libc and libm (docs/xs.md "libc and libm") ----
  {
    // `**` and `**=` (one opcode): the interpreter's case calls fx_pow, so libm's pow (__ieee754_pow, scalbn, sqrt,
    // rint: some 4.3 KB) is linked for it; an image whose bytecode holds no exponentiation compiles fxRunID with
    // that case throwing (stubs' third field: the case of the function's opcode switch). (Math.pow reaches fx_pow
    // too: the Math builder keeps it only for an app that names it.)
    name: "exponentiation operators (** and **=)",
    opcodes: ["exponentiation"],
    defaults: [],
    callbacks: [],
    stubs: [["xsRun.c", "fxRunID", "XS_CODE_EXPONENTIATION"]],
  },
];

// Engine edits every device image gets (generated copies, as for UNUSED_PARTS stubs): an expression of a function
// replaced by a call of ours. `fn` the function, `from` its text (exactly once in the function), `to` the
// replacement, `declare` the prototype of what `to` calls (placed before the function), `why` for the tag.
export const ENGINE_EDITS = [
  {
    // Number.prototype.toString(radix) sizes its buffer by round(log1p(integer) / log(radix)) digits: libm's log1p
    // and log (2.2 KB) for an estimate. xsrRadixExponent (native/xs/nrf52/libc_small.c) counts them without
    // libm: exactly floor(log_radix(integer + 1)) below 2^53 (never more than the estimate, and enough for the
    // integer part after the fraction's rounding carries into it), a bound from the binary exponent above; the
    // digits written are the engine's own, so the string is the same (host-tests/firmware/libc_small.test.c)
    file: "xsNumber.c",
    fn: "fx_Number_prototype_toString",
    from: "((integer)? (txSize)c_round(c_log1p(integer) / c_log(radix)) : 0)",
    to: "(txSize)xsrRadixExponent(integer, radix)",
    declare: "extern int xsrRadixExponent(double integer, int radix);",
    why: "toString(radix) without libm's log",
  },
  {
    // a Uint8ClampedArray element rounds ties to even with nearbyint: libm's rint (304 B) for values in (0, 255);
    // xsrRoundHalfEven (native/xs/nrf52/libc_small.c) does the same (host-tests/firmware/libc_small.test.c)
    file: "xsDataView.c",
    fn: "fxUint8ClampedSetter",
    from: "c_nearbyint(value)",
    to: "xsrRoundHalfEven(value)",
    declare: "extern double xsrRoundHalfEven(double value);",
    why: "Uint8ClampedArray without libm's rint",
  },
];

/**
 * The opcodes (the engine's names, xsCommon.c gxCodeNames) the compiled modules use: `codes` their bytecode (an
 * .xsb's CODE atom, functions nested in place), `info` tools/fw/prelink.mjs engineInfo(). Throws on an opcode the
 * engine does not know or one that runs past the end (so a misread never hides an opcode).
 */
export function opcodesUsed(codes, info) {
  const used = new Set();
  for (const code of codes) {
    // a nested function's code is read in place, after its instruction
    for (let p = 0; p < code.length; p += instructionAt(code, p, info).length) used.add(info.codeNames[code[p]]);
  }
  return used;
}

/**
 * The instruction at `p` of bytecode `code` (tools/fw/prelink.mjs engineInfo() `info`: xsCommon.c's sizes):
 * { length } of the instruction itself, and for a nested function's code (XS_CODE_CODE_*), `nested`: the bytes of
 * its code, which follow it. Throws on an opcode the engine does not know or one that runs past the end.
 */
export function instructionAt(code, p, info) {
  const { next } = opcodeAt(code, p, info.codeSizes, "lean");
  const k = info.op.code.indexOf(code[p]);
  let nested = 0;
  // XS_CODE_CODE_*: its size is the header's; the function's code (its length in the header) follows
  if (k >= 0) for (let i = 0; i < [1, 2, 4][k]; i++) nested += (code[p + 1 + i] ?? 0) * 2 ** (8 * i);
  if (!(next + nested <= code.length)) throw new Error(`lean: the bytecode ends inside an instruction (${info.codeNames[code[p]]})`);
  return { length: next - p, nested };
}

// Instructions no device image may hold: their values need what every device image leaves out (BigInt: its builder,
// BUILDER_WRAPS, and its operations, xsr_lean.c's gxTypeBigInt; regular expression literals: prelink.mjs reports them).
export const OPCODES_REFUSED = { bigint: "BigInt literals", bigint_2: "BigInt literals" };

/** What of OPCODES_REFUSED a module's opcodes `used` hold (descriptions, each once). */
export function refusedOpcodes(used) {
  return [...new Set([...used].filter((o) => OPCODES_REFUSED[o]).map((o) => OPCODES_REFUSED[o]))];
}

/** The UNUSED_PARTS an image leaves out: those none of whose opcodes `used` holds, and those given by names; those
 * marked `preloaded` only from a preloaded image (`o.preloaded`); those with `symbols` only when no module names one
 * (`o.symbols`: the names the image's modules use, as written). */
export function partsLeftOut(used, o = {}) {
  return UNUSED_PARTS.filter((p) => {
    if (p.preloaded && !o.preloaded) return false;
    if (p.symbols && p.symbols.some((n) => o.symbols?.has(n))) return false;
    return p.opcodes ? !p.opcodes.some((x) => used.has(x)) : true;
  });
}

/** The engine's sources `parts` patch (tools/fw/xs-image.mjs compiles these from engineSourcePatched's copies), and
 * those ENGINE_EDITS patches in every image. */
export function patchedSources(parts) {
  const files = new Map();
  const add = (file, stub) => files.set(file, [...(files.get(file) ?? []), stub]);
  for (const p of parts) for (const [file, fn, kase] of p.stubs ?? []) add(file, kase ? { fn, part: p.name, case: kase } : { fn, part: p.name });
  for (const e of ENGINE_EDITS) add(e.file, { fn: e.fn, part: e.why, edit: e });
  return files;
}

/**
 * The text of an engine source with each stubbed function's definition throwing a TypeError naming its part (the
 * original body stays, renamed, unused, so the compiler drops it). `stubs`: [{ fn, part }]. Throws unless each
 * function has exactly one definition `void fn(...)` starting a line, its body's brace on the next. `origin`: the
 * original's path, for the debug information (tools/nrf52/build.mjs counts the code as the engine's by it).
 */
export function engineSourcePatched(text, stubs, file, origin = file) {
  let out = text;
  for (const { fn, part, case: kase, edit } of stubs) {
    if (kase || edit) {
      out = kase ? caseStubbed(out, fn, kase, part, file) : expressionEdited(out, edit);
      continue;
    }
    const re = new RegExp(String.raw`^void ${fn}\(([^)]*)\)\n\{\n`, "gm");
    const found = [...out.matchAll(re)];
    if (found.length !== 1) throw new Error(`lean: ${file} has ${found.length} definitions of void ${fn}(...) to stub, not 1`);
    const [whole, params] = found[0];
    out = out.replace(whole, `void ${fn}(${params})\n{\n\tmxTypeError("${part} are not in this image (tools/fw/lean.mjs)");\n}\n` +
      `/* the engine's ${fn}, unused: tools/fw/lean.mjs UNUSED_PARTS */\nstatic void xsrUnused_${fn}(${params})\n{\n`);
  }
  return `/* Generated by tools/fw/xs-image.mjs from the engine's ${file} (tools/fw/lean.mjs UNUSED_PARTS). Do not edit. */\n#line 1 "${origin}"\n` + out;
}

/** The body of function `fn` in `text`: { start, end } offsets (its definition starts a line, its body's closing
 * brace is the first "}" alone on a line after it). Throws unless the function is defined exactly once. */
function functionBody(text, fn, file) {
  const found = [...text.matchAll(new RegExp(String.raw`^\w[\w \t*]*\b${fn}\([^)]*\)\n\{\n`, "gm"))];
  if (found.length !== 1) throw new Error(`lean: ${file} has ${found.length} definitions of ${fn}(...), not 1`);
  const start = found[0].index;
  const end = text.indexOf("\n}\n", start);
  if (end < 0) throw new Error(`lean: ${file}: ${fn} has no closing brace`);
  return { start, end };
}

/**
 * `text` with the case `kase` of function `fn`'s opcode switch (from its "mxCase(kase)" line to the next case)
 * throwing a TypeError naming `part`. Throws unless the case is there exactly once and no other code jumps to a
 * label inside it.
 */
function caseStubbed(text, fn, kase, part, file) {
  const { start, end } = functionBody(text, fn, file);
  const body = text.slice(start, end);
  const head = new RegExp(String.raw`^([ \t]*)mxCase\(${kase}\)\n`, "gm");
  const found = [...body.matchAll(head)];
  if (found.length !== 1) throw new Error(`lean: ${file}: ${fn} has ${found.length} cases ${kase}, not 1`);
  const from = found[0].index + found[0][0].length;
  const next = body.slice(from).search(/^[ \t]*mxCase\(/m);
  if (next < 0) throw new Error(`lean: ${file}: ${fn}'s case ${kase} is its last`);
  const removed = body.slice(from, from + next);
  const rest = body.slice(0, from) + body.slice(from + next);
  for (const [, label] of removed.matchAll(/^[ \t]*(\w+):[ \t]*$/gm)) {
    if (new RegExp(String.raw`\bgoto\s+${label}\b|&&${label}\b`).test(rest)) throw new Error(`lean: ${file}: ${fn} jumps to ${label}, inside the case ${kase} to stub`);
  }
  const indent = found[0][1] + "\t";
  const stub = `${indent}mxRunDebug(XS_TYPE_ERROR, "${part} are not in this image (tools/fw/lean.mjs)");\n${indent}mxBreak;\n`;
  return text.slice(0, start) + body.slice(0, from) + stub + body.slice(from + next) + text.slice(end);
}

/** `text` with ENGINE_EDITS entry `edit` applied (its prototype placed before the function). Throws unless its
 * expression is in the function exactly once. */
function expressionEdited(text, edit) {
  const { start, end } = functionBody(text, edit.fn, edit.file);
  const body = text.slice(start, end);
  const count = body.split(edit.from).length - 1;
  if (count !== 1) throw new Error(`lean: ${edit.file}: ${edit.fn} holds "${edit.from}" ${count} times, not once`);
  return text.slice(0, start) + `${edit.declare}\n` + body.replace(edit.from, edit.to) + text.slice(end);
}

/** The compile flags leaving `parts` out: for the engine's xsDefaults.c, the preparation, our C. */
export function leftOutFlags(parts) {
  return {
    defaults: parts.flatMap((p) => p.defaults.map((f) => `-D${f}=xsrLeftOut_${f}`)),
    preparation: parts.flatMap((p) => p.callbacks.map((f) => `-D${f}=xsrStrippedBuiltin`)),
    ours: parts.filter((p) => p.define).map((p) => `-D${p.define}=1`),
  };
}
