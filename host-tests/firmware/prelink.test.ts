/**
 * The device's bytecode prelinker (tools/fw/prelink.mjs), the left-out built-ins (tools/fw/lean.mjs) and the
 * size report's map breakdown (tools/nrf52/build.mjs), on the build host. The bytecode is made by the host's
 * xsbc from a fixture module; the engine's tables come from its sources (xsinfo). Needs a C compiler (skipped
 * otherwise, like the XS runtime's tests). The prelinked image itself runs on the twin (twin-e2e.ts).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileModule } from "../../tools/xs/build-app.mjs";
import { engineInfo, parseXsb, prelink, relocate, unreadNames } from "../../tools/fw/prelink.mjs";
import type { EngineInfo } from "../../tools/fw/prelink.mjs";
import { STRIP, checkStrip, leftOutBuiltins, stripSource, stripWraps } from "../../tools/fw/lean.mjs";
import { mapBreakdown } from "../../tools/nrf52/build.mjs";
import { prepare, skipReason } from "../xs/xs-harness.js";

const SRC_DIR = new URL("../../build/xs/src", import.meta.url).pathname; // tools/xs/fetch-xs.mjs puts the engine there
import { mkdirSync, readdirSync } from "node:fs";
import { spawnSync } from "node:child_process";

const skip = skipReason();

const FIXTURE = `
import { helper } from "./other.js";
export const greeting = "hello, device";
export function measure(list) {
  let total = 0;
  for (const item of list) total += item.length;
  return { total, zebraFinchUnusual: greeting.length, Unusual: 2, helper };
}
export class Counter {
  count = 0;
  bump() { return ++this.count; }
}
export function native(a, b) @ "xs_fixture_native";
`;

interface Op {
  at: number;
  op: string;
  id?: number;
}

/** Walks code as the engine does (gxCodeSizes), listing opcodes and the IDs they carry. */
function walk(code: Uint8Array, info: EngineInfo): Op[] {
  const ops: Op[] = [];
  let p = 0;
  while (p < code.length) {
    const size = info.codeSizes[code[p]!]!;
    const op: Op = { at: p, op: info.codeNames[code[p]!]! };
    if (size > 0) p += size;
    else if (size === 0) {
      op.id = code[p + 1]! | (code[p + 2]! << 8);
      p += 3;
    } else if (size === -1) p += 2 + code[p + 1]!;
    else if (size === -2) p += 3 + (code[p + 1]! | (code[p + 2]! << 8));
    else p += 5 + (code[p + 1]! | (code[p + 2]! << 8) | (code[p + 3]! << 16) | (code[p + 4]! << 24));
    ops.push(op);
  }
  assert.equal(p, code.length, "the walk ends exactly at the end of the code");
  return ops;
}

test("prelink: IDs are the device's keys, functions and strings run in place, the archive is C", { skip }, async (t) => {
  const xs = await prepare();
  const dir = mkdtempSync(join(tmpdir(), "prelink-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "fixture.js"), FIXTURE);
  writeFileSync(join(dir, "other.js"), "export const helper = 42;\n");
  compileModule(xs.xsbc, join(dir, "fixture.js"), join(dir, "fixture.xsb"), "test/fixture");
  compileModule(xs.xsbc, join(dir, "other.js"), join(dir, "other.xsb"), "test/other");
  const info = engineInfo();

  // the engine's own keys: symbols first, then names in gxIDStrings order
  assert.equal(info.idSize, 2);
  assert.equal(info.ids[info.builtins.get("length")!], "length");
  assert.ok(info.keyBase > info.symbolIdCount && info.keyBase <= info.ids.length);

  const original = parseXsb(new Uint8Array(readFileSync(join(dir, "fixture.xsb"))), "fixture");
  const before = walk(original.code, info);
  assert.ok(before.some((o) => o.op === "code" || o.op === "code_2"), "the fixture has functions");
  assert.ok(before.some((o) => o.op === "string" || o.op === "string_2"), "the fixture has string literals");

  const out = join(dir, "archive.c");
  const report = prelink({
    modules: [{ name: "test/fixture", xsb: join(dir, "fixture.xsb") }, { name: "test/other", xsb: join(dir, "other.xsb") }],
    imports: ["test/fixture"],
    out,
    info,
  });
  // new names get consecutive IDs from keyBase, module names included, no built-in name among them
  assert.equal(new Set(report.keyNames).size, report.keyNames.length);
  for (const k of report.keyNames) assert.ok(!info.builtins.has(k), `${k} is a built-in key, not a new one`);
  assert.ok(report.keyNames.includes("zebraFinchUnusual") && report.keyNames.includes("test/fixture"));
  assert.deepEqual(report.hostNames, ["xs_fixture_native"]);

  // relocate the same bytes again to look at them: each ID names the same symbol as before
  const code = new Uint8Array(original.code);
  const ids = new Map<string, number>([...info.builtins]);
  report.keyNames.forEach((k, i) => ids.set(k, info.keyBase + i));
  // a name no key was made for is one the device never reads (unreadNames): XS_NO_ID
  const map = original.symbols.map((s, i) => (i === 0 ? 0xffff : ids.get(s!) ?? 0xffff));
  for (const s of original.symbols.slice(1)) assert.ok(ids.has(s!) || report.namesDropped.includes(s!), `${s} has a key or is dropped`);
  assert.deepEqual(report.namesDropped, ["item", "list"]); // total is also a property name (the shorthand)
  const stats = relocate(code, map, info, "fixture");
  const after = walk(code, info);
  assert.equal(after.length, before.length);
  for (let i = 0; i < before.length; i++) {
    const b = before[i]!;
    const a = after[i]!;
    if (b.op === "code" || b.op === "code_2" || b.op === "code_4") assert.equal(a.op, b.op.replace("code", "code_archive"));
    else if (b.op === "string" || b.op === "string_2" || b.op === "string_4") assert.equal(a.op, b.op.replace("string", "string_archive"));
    else assert.equal(a.op, b.op);
    if (b.id === 0) assert.equal(a.id, 0xffff, "local symbol 0 is no ID (fxRunScript maps it to XS_NO_ID)");
    else if (b.id !== undefined && b.id !== 0xffff) {
      const name = original.symbols[b.id]!;
      assert.equal(a.id, ids.get(name) ?? 0xffff, `${b.op} ${name}`);
      if (name === "length") assert.equal(a.id, info.builtins.get("length"));
    }
  }
  assert.ok(stats.functions > 0 && stats.strings > 0 && stats.stringBytes > "hello, device".length);

  // the C: module table sorted by name, the keys, the imports
  const c = readFileSync(out, "utf8");
  assert.match(c, /const xsrArchiveModule gxsrArchiveModules\[\] = \{\n\t\{ "test\/fixture", gxsrArchiveCode0, \d+, hosts0, \d+ \},\n\t\{ "test\/other", gxsrArchiveCode1, \d+, 0, 0 \},/);
  assert.match(c, new RegExp(`const uint16_t gxsrArchiveKeyBase = ${info.keyBase};`));
  assert.match(c, /const char\* const gxsrArchiveImports\[\] = \{ "test\/fixture" \};/);
  // the key strings: each key at its offset, NUL-terminated; a key ending another one is stored as its tail
  const strings = /const char gxsrArchiveKeyStrings\[\] =\n([^;]*)\t;/.exec(c)![1]!;
  const blob = [...strings.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\0/g, "\0").replace(/\\\?/g, "?")).join("");
  const offsets = /const uint16_t gxsrArchiveKeyOffsets\[\] = \{ ([\d, ]+) \};/.exec(c)![1]!.split(", ").map(Number);
  assert.deepEqual(offsets.map((o) => blob.slice(o, blob.indexOf("\0", o))), report.keyNames);
  assert.equal(blob.length, report.keyStringBytes);
  const tail = report.keyNames.indexOf("Unusual");
  assert.equal(offsets[tail], offsets[report.keyNames.indexOf("zebraFinchUnusual")]! + "zebraFinch".length, "Unusual is zebraFinchUnusual's tail");
  assert.equal(report.keyStringBytes, report.keyNames.reduce((a, k) => a + k.length + 1, 0) - "Unusual".length - 1);

  // measuring mode: the ordinary opcodes stay (the engine then copies code and strings into its heap)
  const copy = new Uint8Array(original.code);
  relocate(copy, map, info, "fixture", false);
  assert.ok(walk(copy, info).some((o) => o.op === "code" || o.op === "code_2"));
});

// Every kind of variable the compiler declares (locals, closures, loop and catch bindings, parameters, destructuring,
// generators, async functions, module lets and consts, imports by name and namespace, exports renamed), classes with
// private names, and a binding read before its declaration.
const NAMES_FIXTURE = `
import { trace } from "../native/xs/js/trace.js";
import { helperValue as hv, counter } from "./names-lib.js";
import * as lib from "./names-lib.js";
const out = [];
const log = (...parts) => out.push(parts.join(" "));
let moduleLet = 1;
const moduleConst = { a: 1 };
function bump(by) { moduleLet += by; return moduleLet; }
class Box {
  #secret; #other = 7;
  static #count = 0;
  constructor(v) { this.#secret = v; Box.#count++; }
  get both() { return this.#secret * 100 + this.#other; }
  static get count() { return Box.#count; }
}
function* squares(n) { for (let i = 0; i < n; i++) { const sq = i * i; yield sq; } }
async function later(x) { const y = await x; return y + 1; }
function closures() { const fns = []; for (let i = 0; i < 3; i++) { let j = i * 10; fns.push(() => i + j); } return fns.map((f) => f()); }
function destructure({ p, q: [r, s = 5] }, ...rest) { return p + r + s + rest.length; }
try { (() => { early; let early = 1; })(); } catch (err) { log("tdz", err.name, err.message); }
try { throw new Error("boom"); } catch ({ message }) { log("caught", message); }
log(bump(2), bump(3), moduleConst.a);
log(new Box(3).both, new Box(4).both, Box.count);
log([...squares(4)].join(","));
log(closures().join(","));
log(destructure({ p: 1, q: [2] }, 9, 9));
log(hv, counter(), counter(), lib.helperValue, typeof lib.counter, lib.counter());
log(typeof globalThis.moduleLet, typeof Math.max, typeof undeclaredGlobal);
outer: for (const k of ["x", "y"]) { switch (k) { case "x": { const inner = k + "!"; log(inner); break outer; } } }
later(41).then((v) => { log("async", v); trace(out.join("\\n") + "\\n"); });
export const exported = moduleLet;
export { bump as renamed };
`;
const NAMES_LIB = "let tally = 0;\nexport function counter() { return ++tally; }\nexport const helperValue = 42;\n";

/** A copy of an .xsb whose IDs at the given symbol indices are 0 (fxRemapIDs makes 0 XS_NO_ID, as the archive has). */
function withoutNames(bytes: Uint8Array, indices: Set<number>, info: EngineInfo): Uint8Array {
  const out = new Uint8Array(bytes);
  const dv = new DataView(out.buffer);
  let at = 8;
  while (dv.getUint32(at + 4) !== 0x434f4445) at += dv.getUint32(at); // the CODE atom
  const code = out.subarray(at + 8, at + dv.getUint32(at));
  for (const op of walk(code, info)) {
    if (op.id !== undefined && indices.has(op.id)) {
      code[op.at + 1] = 0;
      code[op.at + 2] = 0;
    }
  }
  return out;
}

test("prelink: variable names the device never reads get no key; the program runs the same without them", { skip }, async (t) => {
  const xs = await prepare();
  const dir = mkdtempSync(join(tmpdir(), "prelink-names-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "test"));
  writeFileSync(join(dir, "test", "names.js"), NAMES_FIXTURE);
  writeFileSync(join(dir, "test", "names-lib.js"), NAMES_LIB);
  compileModule(xs.xsbc, join(dir, "test", "names.js"), join(dir, "test", "names.xsb"), "test/names");
  compileModule(xs.xsbc, join(dir, "test", "names-lib.js"), join(dir, "test", "names-lib.xsb"), "test/names-lib");
  const info = engineInfo();
  const bytes = new Uint8Array(readFileSync(join(dir, "test", "names.xsb")));
  const xsb = parseXsb(bytes, "names");
  const unread = unreadNames(xsb, info);
  const names = new Set([...unread].map((i) => xsb.symbols[i]));
  // locals, closures, parameters, module variables, a catch binding, a renamed import's local: no key
  for (const n of ["out", "moduleConst", "by", "sq", "fns", "j", "err", "hv", "lib", "early", "inner", "rest", "y"]) {
    assert.ok(names.has(n), `${n} needs no key (${[...names].join(" ")})`);
  }
  // what is read: property, import and export names, globals, function names (error stacks), private names
  for (const n of ["message", "helperValue", "counter", "exported", "renamed", "trace", "Math", "undeclaredGlobal", "bump", "squares", "Box", "#secret", "#other", "#count", "log"]) {
    assert.ok(!names.has(n), `${n} keeps its key`);
  }

  const run = (file: Uint8Array) => {
    writeFileSync(join(dir, "test", "names.xsb"), file);
    const r = spawnSync(xs.xsrun, ["-I", xs.app, dir, "test/names"], { encoding: "utf8", timeout: 60_000 });
    return { status: r.status, lines: r.stdout.trim().split("\n"), stderr: r.stderr };
  };
  const expected = [
    "tdz ReferenceError get early: not initialized yet", "caught boom", "3 6 1", "307 407 2", "0,1,4,9", "0,11,22", "10",
    "42 1 2 42 function 3", "undefined function undefined", "x!", "async 42",
  ];
  const original = run(bytes);
  assert.equal(original.status, 0, original.stderr);
  assert.deepEqual(original.lines, expected);
  // the same code with those IDs XS_NO_ID: the same, but for the one message that prints a variable's name
  const without = run(withoutNames(bytes, unread, info));
  assert.equal(without.status, 0, without.stderr);
  assert.deepEqual(without.lines, ["tdz ReferenceError get ?: not initialized yet", ...expected.slice(1)]);
  // a bundle's functions' own names too (read only by error stacks on the device: it makes no `name` properties)
  const anonymous = unreadNames(xsb, info, { functionNames: true });
  const anonymousNames = new Set([...anonymous].map((i) => xsb.symbols[i]));
  for (const n of [...names, "bump", "squares", "later", "closures", "destructure", "Box"]) assert.ok(anonymousNames.has(n), String(n));
  for (const n of ["helperValue", "counter", "exported", "renamed", "both", "count", "#secret", "message"]) assert.ok(!anonymousNames.has(n), n);
  const nameless = run(withoutNames(bytes, anonymous, info));
  assert.equal(nameless.status, 0, nameless.stderr);
  assert.deepEqual(nameless.lines, without.lines);
  // a name the engine does read (a private name's closure: XS_CODE_GET_PRIVATE looks the field up by it) taken
  // away too: the program no longer behaves, which the comparison above would show
  const privates = new Set([...unread, ...xsb.symbols.flatMap((s, i) => (s?.startsWith("#") ? [i] : []))]);
  const broken = run(withoutNames(bytes, privates, info));
  assert.notDeepEqual(broken.lines, without.lines, "dropping the private names changes the program");

  // the archive: those names are no keys (unless another module uses them), their IDs XS_NO_ID
  writeFileSync(join(dir, "test", "names.xsb"), bytes);
  const report = prelink({
    modules: [{ name: "test/names", xsb: join(dir, "test", "names.xsb") }, { name: "test/names-lib", xsb: join(dir, "test", "names-lib.xsb") }],
    imports: ["test/names"],
    out: join(dir, "archive.c"),
    info,
  });
  const all = prelink({
    modules: [{ name: "test/names", xsb: join(dir, "test", "names.xsb") }, { name: "test/names-lib", xsb: join(dir, "test", "names-lib.xsb") }],
    imports: ["test/names"],
    out: join(dir, "archive-all.c"),
    info,
    keepNames: true,
  });
  const bundled = prelink({
    modules: [{ name: "test/names", xsb: join(dir, "test", "names.xsb") }, { name: "test/names-lib", xsb: join(dir, "test", "names-lib.xsb") }],
    imports: ["test/names"],
    out: join(dir, "archive-bundled.c"),
    info,
    anonymous: ["test/names"],
  });
  assert.ok(bundled.namesDropped.includes("squares") && !report.namesDropped.includes("squares"));
  assert.ok(!bundled.namesDropped.includes("counter"), "names-lib is not anonymous, and counter is an export");
  for (const n of ["moduleConst", "early", "inner"]) {
    assert.ok(report.namesDropped.includes(n) && !report.keyNames.includes(n) && all.keyNames.includes(n), n);
  }
  // "tally" is unread in names-lib (a module let) and not used elsewhere; "counter" is an export
  assert.ok(report.namesDropped.includes("tally") && report.keyNames.includes("counter"));
  assert.equal(report.keys, all.keys - report.namesDropped.length);
  assert.deepEqual(all.namesDropped, []);

  // a module that can look names up in its environments (eval, with) keeps them all
  writeFileSync(join(dir, "test", "evals.js"), "export function f(s) { const local = 1; return eval(s); }\n");
  compileModule(xs.xsbc, join(dir, "test", "evals.js"), join(dir, "test", "evals.xsb"), "test/evals");
  assert.equal(unreadNames(parseXsb(new Uint8Array(readFileSync(join(dir, "test", "evals.xsb"))), "evals"), info).size, 0);
});

test("prelink: a corrupt .xsb is an error, not a crash", { skip }, () => {
  assert.throws(() => parseXsb(new Uint8Array([1, 2, 3]), "x"), /not an XS binary/);
  const bad = new Uint8Array(24);
  new DataView(bad.buffer).setUint32(0, 24);
  new DataView(bad.buffer).setUint32(4, 0x58535f42);
  new DataView(bad.buffer).setUint32(8, 100); // an atom running past the end
  assert.throws(() => parseXsb(bad, "x"), /corrupt atom/);
  const info = engineInfo();
  assert.throws(() => relocate(new Uint8Array([255, 0, 0]), [], info, "x"), /unknown opcode|bad code size|runs past/);
  const get = info.codeNames.findIndex((n, i) => info.codeSizes[i] === 0 && n.length > 0);
  assert.throws(() => relocate(new Uint8Array([get, 9, 0]), [0xffff], info, "x"), /symbol index 9 out of range/);
});

test("lean: left-out built-ins are refused by name; the stripped functions are only reached by their property", { skip }, () => {
  assert.deepEqual(leftOutBuiltins(["Date", "now"]), ["Date"]);
  assert.deepEqual(leftOutBuiltins(["Math", "sin", "floor"]), ["Math.sin"]);
  assert.deepEqual(leftOutBuiltins(["sin"]), []); // a property named sin, without Math
  assert.deepEqual(leftOutBuiltins(["log", "Math", "max"]), []); // Math.log stays
  assert.ok(leftOutBuiltins(["concat"]).includes("Array.prototype.concat"));
  assert.deepEqual(leftOutBuiltins(["push", "slice", "then", "Uint8Array"]), []);
  const sources = readdirSync(join(SRC_DIR, "sources")).filter((f) => f.endsWith(".c")).map((f): [string, string] => [f, readFileSync(join(SRC_DIR, "sources", f), "utf8")]);
  checkStrip(sources);
  assert.throws(() => checkStrip([...sources, ["extra.c", "void f(void) { fx_Array_prototype_concat(the); }\n"]]), /used besides its built-in property/);
  const c = stripSource();
  for (const f of stripWraps()) assert.ok(c.includes(`void ${f}(xsMachine* the) __attribute__((alias("xsrLeftOut")));`));
  assert.equal((c.match(/^\t\{ \d+, "/gm) ?? []).length, STRIP.length);
});

test("size report: the linker map's bytes per category", () => {
  const map = [
    "Discarded input sections",
    " .text.gone     0x00000000       0x40 /obj/engine-1/xsA.o",
    "Linker script and memory map",
    ".text           0x00000000     0x1000",
    " .text.fxRun    0x00000000      0x200 /obj/engine-1/xsRun.o",
    " .text.a_very_long_function_name_that_wraps",
    "                0x00000200       0x30 /obj/xsr-1/xsr_device.o",
    " .text.memcpy   0x00000230       0x10 /usr/lib/libc_nano.a(lib_a-memcpy.o)",
    " .text.hal      0x00000240       0x20 /tmp/cc123.o",
    " *fill*         0x00000260        0x4 ",
    ".data           0x20000000       0x10 load address 0x00000264",
    " .data.x        0x20000000       0x10 /obj/gen-1/xsr_archive.o",
    ".bss            0x20000010       0x40",
    " .bss.y         0x20000010       0x40 /obj/xsr-1/xsr_device.o",
    ".debug_info     0x00000000     0x9999",
    " .debug_info    0x00000000     0x9999 /obj/engine-1/xsRun.o",
  ].join("\n");
  const groups = { "/obj/engine-1/xsRun.o": "engine", "/obj/xsr-1/xsr_device.o": "xsPlatform", "/obj/gen-1/xsr_archive.o": "app" };
  assert.deepEqual(mapBreakdown(map, groups), {
    flash: { engine: 0x200, xsPlatform: 0x30, libc: 0x10, hal: 0x20, app: 0x10 },
    ram: { app: 0x10, xsPlatform: 0x40 },
  });
});
