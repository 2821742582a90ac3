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
