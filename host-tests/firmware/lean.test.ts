/**
 * The engine parts a device image leaves out when its app never uses them (tools/fw/lean.mjs UNUSED_PARTS): the
 * opcodes of real bytecode (the host's xsbc on small modules) decide which parts go; a module that uses a part keeps
 * it; Compartment and ModuleSource are refused by name, BigInt literals by opcode; the generated engine source
 * stubs exactly one function.
 * The images themselves: host-tests/firmware/images.ts (the node light links none of what its app left out) and the
 * twins (twin-node.ts, twin-provisioner.ts: the provisioner's async functions kept). Needs a C compiler (xsbc; skipped
 * otherwise, like the XS runtime's tests).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileModule } from "../../tools/xs/build-app.mjs";
import { engineInfo, parseXsb } from "../../tools/fw/prelink.mjs";
import { UNUSED_PARTS, engineSourcePatched, leftOutBuiltins, leftOutFlags, opcodesUsed, partsLeftOut, patchedSources, refusedOpcodes } from "../../tools/fw/lean.mjs";
import { prepare, skipReason } from "../xs/xs-harness.js";

const skip = skipReason();
const SRC_DIR = new URL("../../build/xs/src", import.meta.url).pathname;

// what each module uses, and the parts its use keeps (every other opcode part is left out)
const MODULES: { name: string; source: string; keeps: string[] }[] = [
  {
    name: "plain",
    source: `export class A { constructor(x) { this.x = x; } get y() { return this.x * 2; } }
export function f(list, ...rest) { let t = 0; for (const v of list) t += v; return [t, rest.length, () => this]; }`,
    keeps: [],
  },
  { name: "async", source: "export async function f(p) { return (await p) + 1; }", keeps: ["async functions and generators", "asynchronous module loading", "promises"] },
  { name: "generator", source: "export function* g() { yield 1; }", keeps: ["async functions and generators"] },
  { name: "for-await", source: "export async function f(it) { for await (const v of it) return v; }", keeps: ["async functions and generators", "asynchronous module loading", "promises"] },
  { name: "tla", source: "export const v = await Promise.resolve(1);", keeps: ["async functions and generators", "asynchronous module loading", "promises"] },
  { name: "import", source: 'export function load() { return import("./other.js"); }', keeps: ["asynchronous module loading", "promises"] },
  { name: "private", source: "export class A { #x = 1; get() { return this.#x; } }", keeps: ["private class members"] },
  { name: "arguments", source: "export function f() { return arguments.length; }", keeps: ["arguments objects"] },
  { name: "exponent", source: "export function f(x, y) { return x ** y; }", keeps: ["exponentiation operators (** and **=)"] },
  { name: "exponent-assign", source: "export function f(x) { x **= 3; return x; }", keeps: ["exponentiation operators (** and **=)"] },
  // (a direct eval may read `arguments`: the function makes its arguments object)
  { name: "eval", source: "export function f(s) { return eval(s); }", keeps: ["eval and scripts", "arguments objects"] },
];

test("lean: a part is left out exactly when no module's bytecode uses it", { skip }, async () => {
  const xs = await prepare();
  const info = engineInfo();
  const dir = mkdtempSync(join(tmpdir(), "lean-"));
  try {
    const opcodeParts = UNUSED_PARTS.filter((p) => p.opcodes).map((p) => p.name);
    const named = UNUSED_PARTS.filter((p) => !p.opcodes).map((p) => p.name);
    const codes: Uint8Array[] = [];
    for (const m of MODULES) {
      writeFileSync(join(dir, `${m.name}.js`), m.source);
      compileModule(xs.xsbc, join(dir, `${m.name}.js`), join(dir, `${m.name}.xsb`), `test/${m.name}`);
      const { code } = parseXsb(readFileSync(join(dir, `${m.name}.xsb`)), m.name);
      codes.push(code);
      // (as a preloaded image's: the parts only those leave out count too)
      const out = partsLeftOut(opcodesUsed([code], info), { preloaded: true }).map((p) => p.name);
      assert.deepEqual(out.sort(), [...opcodeParts.filter((n) => !m.keeps.includes(n)), ...named].sort(), m.name);
    }
    // every module above may be on a device; a BigInt literal may not (BigInt's operations are left out of every image)
    for (const code of codes) assert.deepEqual(refusedOpcodes(opcodesUsed([code], info)), []);
    writeFileSync(join(dir, "bigint.js"), "export const big = 1n << 70n;");
    compileModule(xs.xsbc, join(dir, "bigint.js"), join(dir, "bigint.xsb"), "test/bigint");
    assert.deepEqual(refusedOpcodes(opcodesUsed([parseXsb(readFileSync(join(dir, "bigint.xsb")), "bigint").code], info)), ["BigInt literals"]);
    // an image is the union of its modules: the plain one with the async one keeps async
    const both = partsLeftOut(opcodesUsed([codes[0]!, codes[1]!], info), { preloaded: true }).map((p) => p.name);
    assert.ok(!both.includes("async functions and generators") && both.includes("private class members"));
    // an instruction cut short is an error, not a shorter scan
    const cut = new Uint8Array([...codes[0]!, (info as { codeNames: string[] }).codeNames.indexOf("integer_4"), 1]);
    assert.throws(() => opcodesUsed([cut], info), /ends inside an instruction \(integer_4\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("lean: the flags of the parts left out, the engine source stubbed, the globals refused by name", { skip }, () => {
  const all = partsLeftOut(new Set(), { preloaded: true });
  assert.equal(all.length, UNUSED_PARTS.length);
  const flags = leftOutFlags(all);
  assert.ok(flags.defaults.includes("-DfxNewGeneratorInstance=xsrLeftOut_fxNewGeneratorInstance"));
  assert.ok(flags.defaults.includes("-DfxRunImport=xsrLeftOut_fxRunImport"));
  assert.ok(flags.preparation.includes("-Dfx_Generator_prototype_next=xsrStrippedBuiltin"));
  assert.ok(flags.preparation.includes("-Dfx_Compartment=xsrStrippedBuiltin"));
  assert.deepEqual(flags.ours, ["-DXSR_IMPORT_NOW=1", "-DXSR_NO_PROMISES=1"]);
  assert.ok(flags.preparation.includes("-Dfx_Promise_prototype_then=xsrStrippedBuiltin"));
  // every hook the defaults rename has its stub in native/xs/nrf52/xsr_lean.c (else the image would not link)
  const lean = readFileSync(new URL("../../native/xs/nrf52/xsr_lean.c", import.meta.url), "utf8");
  for (const f of UNUSED_PARTS.flatMap((p) => p.defaults)) assert.match(lean, new RegExp(`^\\S.* xsrLeftOut_${f}\\(txMachine\\* the[,)].*\\n\\{\\n`, "m"), f);
  // the generated copy of xsModule.c: the descriptor mapper throws, its body is kept under another name, unused
  assert.deepEqual(patchedSources(all).get("xsModule.c"), [{ fn: "fxMapModuleDescriptor", part: "Compartment and ModuleSource" },
    { fn: "fxPrepareModule", part: "modules loaded at run time" }]);
  const stubs = patchedSources(all).get("xsModule.c")!.slice(0, 1);
  const text = readFileSync(join(SRC_DIR, "sources", "xsModule.c"), "utf8");
  const patched = engineSourcePatched(text, stubs, "xsModule.c");
  assert.match(patched, /^void fxMapModuleDescriptor\(txMachine\* the, [^)]*\)\n\{\n\tmxTypeError\("Compartment and ModuleSource are not in this image/m);
  assert.match(patched, /^static void xsrUnused_fxMapModuleDescriptor\(/m);
  assert.equal(patched.split("\n").length, text.split("\n").length + 7);
  assert.throws(() => engineSourcePatched(text, [{ fn: "fxNoSuchFunction", part: "x" }], "xsModule.c"), /0 definitions/);
  // the interpreter's exponentiation case throws (the rest of fxRunID untouched); toString(radix) counts its digits
  // without libm (ENGINE_EDITS: in every image, whatever it leaves out)
  const run = readFileSync(join(SRC_DIR, "sources", "xsRun.c"), "utf8");
  const runPatched = engineSourcePatched(run, patchedSources(all).get("xsRun.c")!, "xsRun.c");
  assert.match(runPatched, /\tmxCase\(XS_CODE_EXPONENTIATION\)\n\t+mxRunDebug\(XS_TYPE_ERROR, "exponentiation operators \(\*\* and \*\*=\) are not in this image[^\n]*\n\t+mxBreak;\n\t+mxCase\(XS_CODE_MULTIPLY\)/);
  assert.ok(!/\bfx_pow\(/.test(runPatched) && /\bfx_pow\(/.test(run));
  assert.ok(!runPatched.includes("XS_CODE_EXPONENTIATION_GENERAL"));
  const withoutCase = (t: string): string => t.replace(/mxCase\(XS_CODE_EXPONENTIATION\)[^]*?(?=\t\tmxCase\(XS_CODE_MULTIPLY\))/, "");
  assert.equal(withoutCase(runPatched).split("\n").slice(2).join("\n"), withoutCase(run), "only the case changes (after the two lines of header)");
  assert.deepEqual(patchedSources([]).get("xsRun.c"), undefined, "an image that uses ** keeps the interpreter whole");
  const num = readFileSync(join(SRC_DIR, "sources", "xsNumber.c"), "utf8");
  const numPatched = engineSourcePatched(num, patchedSources([]).get("xsNumber.c")!, "xsNumber.c");
  assert.ok(!/c_log1p|c_log\(/.test(numPatched) && /c_log1p/.test(num));
  assert.match(numPatched, /^extern int xsrRadixExponent\(double integer, int radix\);\nvoid fx_Number_prototype_toString\(/m);
  assert.match(numPatched, /length = minus \+ \(txSize\)xsrRadixExponent\(integer, radix\) \+ 1;/);
  assert.throws(() => engineSourcePatched(num, [{ fn: "fx_Number_prototype_toString", part: "x", edit: { file: "xsNumber.c", fn: "fx_Number_prototype_toString", from: "no such text", to: "", declare: "" } }], "xsNumber.c"), /0 times, not once/);
  assert.throws(() => engineSourcePatched(run, [{ fn: "fxRunID", part: "x", case: "XS_CODE_NO_SUCH" }], "xsRun.c"), /0 cases XS_CODE_NO_SUCH/);
  // refused by name, as the builders' globals
  assert.deepEqual(leftOutBuiltins(["Compartment", "x"]), ["Compartment"]);
  assert.deepEqual(leftOutBuiltins(["ModuleSource"]), ["ModuleSource"]);
});

test("lean: the loader and Promise leave preloaded images only; Promise stays where a module names it", () => {
  const names = (o: { preloaded?: boolean; symbols?: Set<string> }) => partsLeftOut(new Set(), o).map((p) => p.name);
  // an image that loads modules at run time (not preloaded) keeps its loader and its promises (its import may make some)
  assert.ok(!names({}).includes("modules loaded at run time") && !names({}).includes("promises"));
  assert.ok(names({ preloaded: true }).includes("modules loaded at run time") && names({ preloaded: true }).includes("promises"));
  // a module naming Promise keeps it (the engine's promise machinery), not the loader
  const named = names({ preloaded: true, symbols: new Set(["Promise", "x"]) });
  assert.ok(!named.includes("promises") && named.includes("modules loaded at run time"));
  // (a name is no refusal: Promise is the app's to use)
  assert.deepEqual(leftOutBuiltins(["Promise", "then"]), []);
  assert.ok(leftOutFlags(partsLeftOut(new Set(), { preloaded: true })).ours.includes("-DXSR_NO_PROMISES=1"));
  assert.ok(!leftOutFlags(partsLeftOut(new Set(), {})).ours.includes("-DXSR_NO_PROMISES=1"));
  // a preloaded image with async functions keeps them and Promise, not the engine's import (only import() reaches it,
  // and the build refuses import())
  const async = partsLeftOut(new Set(["async_function", "await"]), { preloaded: true });
  assert.ok(!async.some((p) => p.name === "asynchronous module loading" || p.name === "promises"));
  assert.ok(leftOutFlags(async).defaults.includes("-DfxRunImport=xsrLeftOut_fxRunImport"));
  assert.ok(!leftOutFlags(partsLeftOut(new Set(["async_function"]), {})).defaults.includes("-DfxRunImport=xsrLeftOut_fxRunImport"));
});
