// Which static built-ins (the functions of the global constructors and namespaces: JSON.parse, Math.log, Object.create,
// Array.from, Uint8Array.of, ...) the device's code can reach (issue 10: the node image's flash; docs/firmware.md
// "Preloading"). The preload generator's strip (tools/fw/preload/xspreload.c xspStrip) keeps a built-in function
// when its key is named; for these owners a name alone is too coarse (an app method `parse` kept JSON.parse, a
// logger's `log` Math.log and with it libm's log), so their properties are kept by what the bytecode does with the
// global itself:
//
//   X.name, X?.name, X.name(...)  reading global X (XS_CODE_GET_VARIABLE) then its property by a static key: keeps
//                                  X.name (a typed array constructor's: also %TypedArray%.name, which it inherits)
//   new X(...), X(...), v instanceof X, typeof X
//                                  no static of X is read
//   any other use of global X      (passed or stored as a value, X[k], destructuring, extends X, assigned): keeps all
//                                  of X's statics; globalThis, the global object (XS_CODE_GLOBAL), eval, with: all of
//                                  every owner's (globalThis.X: all of X's)
//
// The code counted is what the device can run: every function of every module, except the module bodies of the
// modules preloaded at build time (their own instructions, not the functions they make: the bodies ran in the
// generator and the device never runs them again; tools/fw/prelink.mjs compactArchive drops them). A static a body
// read and kept (`const parse = JSON.parse`) is held by the heap, which keeps it (xspStrip's "held"); a body's other
// use of X (an alias `const M = Math`) keeps all of X's, as anywhere.
//
// The engine's own lookups by ID (then, resolve, toJSON, ...: tools/fw/preload.mjs runtimeKeys) keep every owner's
// property of that name (`E` lines below; OWNER_LOOKUPS: those that need not).

import { readFileSync } from "node:fs";
import { parseXsb } from "./prelink.mjs";
import { instructionAt } from "./lean.mjs";

/** The typed array constructors: their statics are %TypedArray%'s (from, of), inherited. */
export const TYPED_ARRAYS = ["Float32Array", "Float64Array", "Int16Array", "Int32Array", "Int8Array", "Uint16Array",
  "Uint32Array", "Uint8Array", "Uint8ClampedArray"];
/** The owners whose statics are kept by use (each an engine intrinsic: xspreload.c finds it by its key's ID). */
export const STATIC_OWNERS = ["Array", "ArrayBuffer", "Boolean", "DataView", "JSON", "Map", "Math", "Number", "Object",
  "Promise", "Set", "String", "Symbol", "TypedArray", "WeakMap", "WeakSet", ...TYPED_ARRAYS];

const ALL = "*";

/**
 * The statics `modules` reach: [{ code, symbols, bodyRan }] (an .xsb's code and symbols, parseXsb; bodyRan: its body
 * ran at build time). `info`: tools/fw/prelink.mjs engineInfo(). Returns Map(owner -> Set of names, or of "*": all).
 */
export function staticUses(modules, info) {
  const op = (name) => {
    const i = info.codeNames.indexOf(name);
    if (i < 0) throw new Error(`static-uses: no opcode named ${name}`);
    return i;
  };
  const GET_VARIABLE = op("get_variable"), GET_THIS_VARIABLE = op("get_this_variable"), GET_PROPERTY = op("get_property");
  const SET_PROPERTY = op("set_property");
  const SET_VARIABLE = op("set_variable"), DUB = op("dub"), BRANCH_CHAIN = op("branch_chain"), CALL = op("call");
  const HARMLESS = new Set(["new", "instanceof", "typeof"].map(op));
  const EVERYTHING = new Set(["global", "eval", "eval_tail", "eval_environment", "eval_reference", "with", "program_environment"].map(op));
  const owners = new Set(STATIC_OWNERS);
  const uses = new Map();
  const keep = (owner, name) => {
    const add = (o) => {
      if (!uses.has(o)) uses.set(o, new Set());
      uses.get(o).add(name);
    };
    add(owner);
    if (TYPED_ARRAYS.includes(owner)) add("TypedArray");
  };
  for (const { code, symbols, bodyRan } of modules) {
    const name = (id) => (id === undefined || id === 0xffff ? undefined : symbols[id]);
    const ends = []; // the ends of the functions the walk is in
    const ops = []; // [position, opcode, id, depth]
    for (let p = 0; p < code.length;) {
      while (ends.length && p >= ends[ends.length - 1]) ends.pop();
      const { length, nested } = instructionAt(code, p, info);
      const size = info.codeSizes[code[p]];
      ops.push({ op: code[p], id: size === 0 ? code[p + 1] | (code[p + 2] << 8) : undefined, depth: ends.length });
      p += length;
      if (nested) ends.push(p + nested);
    }
    ops.forEach((o, i) => {
      if (EVERYTHING.has(o.op)) for (const owner of owners) keep(owner, ALL);
      if (o.op !== GET_VARIABLE && o.op !== GET_THIS_VARIABLE && o.op !== SET_VARIABLE) return;
      const global = name(o.id);
      if (global !== "globalThis" && !owners.has(global)) return;
      if (o.op === SET_VARIABLE) {
        // X = ...: assigned (the engine refuses it for a const binding; whatever it holds then, keep everything)
        if (global === "globalThis") for (const owner of owners) keep(owner, ALL);
        else keep(global, ALL);
        return;
      }
      // the instructions after the read (an optional chain's test, a method call's copy of the owner)
      let k = i + 1;
      if (ops[k]?.op === BRANCH_CHAIN) k++;
      if (ops[k]?.op === DUB) k++;
      const next = ops[k];
      const key = next?.op === GET_PROPERTY ? name(next.id) : undefined;
      // (entry-preload: a body that ran at build time and set a property of another name on globalThis, e.g. an entry
      // registering its start function, globalThis.xsrStart = start: no owner's value leaves with it)
      const setsOther = ops[i + 2]?.op === SET_PROPERTY && !owners.has(name(ops[i + 2].id));
      if (global === "globalThis" && bodyRan && o.depth <= 1 && key === undefined && setsOther) return;
      if (global === "globalThis") {
        if (key === undefined) for (const owner of owners) keep(owner, ALL);
        else if (owners.has(key)) keep(key, ALL);
        return;
      }
      // a body that ran at build time: what it read is gone or held by the heap (a static read counts only elsewhere)
      const ran = bodyRan && o.depth <= 1;
      if (o.op === GET_VARIABLE && key !== undefined) {
        if (!ran) keep(global, key);
      } else if (o.op === GET_THIS_VARIABLE && ops[i + 1]?.op === CALL) {
        // X(...): the constructor called as a function
      } else if (!(o.op === GET_VARIABLE && HARMLESS.has(ops[i + 1]?.op))) keep(global, ALL);
    });
  }
  return uses;
}

/** staticUses of an image's .xsb files: [{ xsb (path), bodyRan }]. */
export function staticUsesOfFiles(files, info) {
  return staticUses(files.map((f) => {
    const xsb = parseXsb(new Uint8Array(readFileSync(f.xsb)), f.xsb);
    return { code: xsb.code, symbols: xsb.symbols, bodyRan: f.bodyRan };
  }), info);
}

/**
 * The generator's statics file (xspreload.c --statics): `O owner` each owner (its properties are kept only as
 * below), `A owner` all of its statics kept, `K owner name` one kept, `E name` a key the engine looks up on any
 * object (`engineKeys`).
 */
export function staticsFileText(uses, engineKeys) {
  const lines = STATIC_OWNERS.map((o) => `O ${o}`);
  for (const o of STATIC_OWNERS) {
    const names = uses.get(o);
    if (!names) continue;
    if (names.has(ALL)) lines.push(`A ${o}`);
    else for (const n of [...names].sort()) lines.push(`K ${o} ${n}`);
  }
  for (const k of engineKeys) lines.push(`E ${k}`);
  return lines.join("\n") + "\n";
}

/**
 * Engine lookups by ID that need no owner's property of that name, by site (tools/fw/preload.mjs runtimeKeySites:
 * "file:function" of the engine's sources): `null`, the lookup is on a value the app's code gave (an owner there is an
 * owner used as a value, whose statics are all kept) or in code the device leaves out; a list of statics, the lookup
 * is on its own `this` in code only those statics run, so it counts when one of them is kept. A key looked up at any
 * other site (a new engine version) keeps every owner's property of that name again.
 */
export const OWNER_LOOKUPS = {
  raw: { "xsRun.c:fxRunID": null, "xsString.c:fx_String_raw": null }, // a template object's raw; String.raw's argument's
  from: { "xsModule.c:fxLoadVirtualModuleSource": null }, // a virtual module record's
  parse: { "xsDate.c:fx_Date_aux": null }, // Date.parse: Date is not built (tools/fw/lean.mjs BUILDER_WRAPS)
  // C.resolve of Promise.all, allSettled, any and race (xsPromise.c fxCombinePromises, on their `this`)
  resolve: { "xsPromise.c:fxCombinePromises": ["Promise.all", "Promise.allSettled", "Promise.any", "Promise.race"] },
  isFrozen: { "xsObject.c:fx_Object_freeze": ["Object.freeze"] }, // a deep freeze's this.isFrozen
};

/**
 * The run-time keys (`sites`: Map(key -> Set of sites)) that count on the static owners (`E` lines), given what the
 * code reads (`uses`, staticUses).
 */
export function engineOwnerKeys(sites, uses = new Map()) {
  const kept = (q) => {
    const [owner, name] = q.split(".");
    const names = uses.get(owner);
    return Boolean(names && (names.has(ALL) || names.has(name)));
  };
  const counts = (key, site) => {
    const known = Object.hasOwn(OWNER_LOOKUPS, key) && Object.hasOwn(OWNER_LOOKUPS[key], site);
    if (!known) return true;
    const only = OWNER_LOOKUPS[key][site];
    return only !== null && only.some(kept);
  };
  return [...sites].filter(([key, where]) => [...where].some((site) => counts(key, site))).map(([key]) => key).sort();
}

/** The qualified names `uses` keeps ("JSON.parse", "Math.*"), sorted: for reports and tests. */
export function qualifiedNames(uses) {
  return [...uses].flatMap(([o, names]) => [...names].map((n) => `${o}.${n}`)).sort();
}
