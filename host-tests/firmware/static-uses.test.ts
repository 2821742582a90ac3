/**
 * Which static built-ins (JSON.parse, Math.log, Object.create, Uint8Array.of, ...) the device's code reads
 * (tools/fw/static-uses.mjs; issue 10: the node image's flash). The preload generator keeps an owner's property only
 * when the analysis says so (tools/fw/preload/xspreload.c --statics), so keeping too little breaks the device and
 * keeping too much costs flash: both are checked here on bytecode made by the host's xsbc from fixture modules.
 * Needs a C compiler (skipped otherwise, like the XS runtime's tests).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileModule } from "../../tools/xs/build-app.mjs";
import { engineInfo } from "../../tools/fw/prelink.mjs";
import { engineOwnerKeys, qualifiedNames, staticUsesOfFiles, staticsFileText } from "../../tools/fw/static-uses.mjs";
import { runtimeKeySites } from "../../tools/fw/preload.mjs";
import { prepare, skipReason } from "../xs/xs-harness.js";

const skip = skipReason();

/** The qualified names (tools/fw/static-uses.mjs qualifiedNames) modules `sources` read; bodyRan for each. */
async function uses(sources: { js: string; bodyRan?: boolean }[]): Promise<string[]> {
  const xs = await prepare();
  const dir = mkdtempSync(join(tmpdir(), "static-uses-"));
  try {
    const files = sources.map((s, i) => {
      writeFileSync(join(dir, `m${i}.js`), s.js);
      compileModule(xs.xsbc, join(dir, `m${i}.js`), join(dir, `m${i}.xsb`), `m${i}`);
      return { xsb: join(dir, `m${i}.xsb`), bodyRan: s.bodyRan ?? false };
    });
    return qualifiedNames(staticUsesOfFiles(files, engineInfo()));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("static uses: a static read by a static key keeps that one; a method of the same name elsewhere keeps nothing", { skip }, async () => {
  const found = await uses([{ js: `
export class Codec { parse(x) { return x; } static create() { return new Codec(); } log(s) { return s; } }
export function decode(c, x) { return c.parse(x) + c.log(x) + Codec.create(); }
export function measure(x) { return Math.log(x) + Math?.max(x, 1); }
export function bytes() { return Uint8Array.of(1, 2); }
` }]);
  assert.deepEqual(found, ["Math.log", "Math.max", "TypedArray.of", "Uint8Array.of"]);
  assert.ok(!found.includes("JSON.parse") && !found.includes("Object.create"), found.join(" "));
});

test("static uses: an owner used any other way keeps all of its statics (alias, computed key, destructuring, value, globalThis)", { skip }, async () => {
  // each fixture alone: what it keeps
  const cases: [string, string[]][] = [
    [`const J = JSON;\nexport function decode(s) { return J.parse(s); }`, ["JSON.*"]],
    [`export function pick(k) { return Math[k](2); }`, ["Math.*"]],
    [`export function f(o) { const { keys } = Object; return keys(o); }`, ["Object.*"]],
    [`export function f(g) { return g(Array); }`, ["Array.*"]],
    [`export class List extends Array {}`, ["Array.*"]],
    [`export function f() { return globalThis.JSON.parse("1"); }`, ["JSON.*"]],
    [`export function f(k) { return globalThis[k]; }`, ["*"]],
    [`export function f() { return new Uint8Array(2) instanceof Uint8Array && typeof JSON === "object" && String(1); }`, []],
    [`export function f() { return [Uint16Array]; }`, ["TypedArray.*", "Uint16Array.*"]],
  ];
  for (const [js, want] of cases) {
    const found = await uses([{ js }]);
    if (want[0] === "*") assert.ok(found.includes("JSON.*") && found.includes("Math.*") && found.includes("Object.*"), `${js}: ${found.join(" ")}`);
    else assert.deepEqual(found, want, js);
  }
});

test("static uses: a preloaded module's body ran at build time: its static reads do not count, its other uses do", { skip }, async () => {
  const js = `
export const table = Object.freeze({ a: 1 });
const M = Math;
export function later(x) { return M.floor(x) + Number.isInteger(x); }
`;
  assert.deepEqual(await uses([{ js, bodyRan: true }]), ["Math.*", "Number.isInteger"]);
  // not preloaded: the body runs on the device
  assert.deepEqual(await uses([{ js }]), ["Math.*", "Number.isInteger", "Object.freeze"]);
});

test("static uses: the engine's own lookups keep an owner's property of that name; lookups on the app's values do not", () => {
  const sites = runtimeKeySites();
  const keys = engineOwnerKeys(sites);
  // the engine looks these up on objects it holds itself (a species constructor's, a promise's)
  assert.ok(keys.includes("then") && keys.includes("constructor"));
  // a template object's raw (xsRun.c), String.raw's argument, a module record's from, Date's own parse (Date is not
  // built); C.resolve only in Promise.all/allSettled/any/race, on their this: kept when one of them is
  for (const k of ["raw", "from", "parse", "resolve"]) assert.ok(!keys.includes(k), k);
  assert.ok(engineOwnerKeys(sites, new Map([["Promise", new Set(["race"])]])).includes("resolve"));
  assert.ok(engineOwnerKeys(sites, new Map([["Promise", new Set(["*"])]])).includes("resolve"));
  // one more site anywhere else makes it an engine key again
  const more = new Map([["raw", new Set(["xsRun.c:fxRunID", "xsString.c:fx_String_raw"])], ["parse", new Set(["xsDate.c:fx_Date_aux", "xsJSON.c:fxReviveJSON"])]]);
  assert.deepEqual(engineOwnerKeys(more), ["parse"]);
  const text = staticsFileText(new Map([["JSON", new Set(["stringify"])], ["Math", new Set(["*"])]]), ["then"]);
  assert.match(text, /^O JSON$/m);
  assert.match(text, /^K JSON stringify$/m);
  assert.match(text, /^A Math$/m);
  assert.match(text, /^E then$/m);
  assert.doesNotMatch(text, /^K Math/m);
});

test("static uses: a body that ran at build time and registered a function on globalThis (an entry's xsrStart) keeps nothing", { skip }, async () => {
  const js = `function start() { return 1; }\nglobalThis.xsrStart = start;\n`;
  assert.deepEqual(await uses([{ js, bodyRan: true }]), []);
  // on the device (the body not run at build time), or setting an owner's name, or in a function: everything
  for (const c of [{ js }, { js: `globalThis.JSON = 1;`, bodyRan: true }, { js: `export function f(s) { globalThis.x = s; }`, bodyRan: true }]) {
    const found = await uses([c]);
    assert.ok(found.includes("JSON.*") && found.includes("Math.*"), `${c.js}: ${found.join(" ")}`);
  }
});
