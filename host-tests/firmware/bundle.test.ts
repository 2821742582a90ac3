/**
 * The app bundle's build steps (tools/fw/bundle.mjs), on the build host: constant objects inlined
 * (tools/fw/inline-consts.mjs: what it inlines, each case it refuses), unused declarations dropped
 * (tools/fw/drop-unused.mjs: what goes, what stays), each result computing the same as the source (both run as ES
 * modules); property names mangled (tools/fw/mangle-props.mjs: the reserve list's sources, reserved names kept and
 * never given to a mangled one); the per-kind bundle (the image's kind from its config; modules/app/apps.ts built for one kind).
 * The images built with them run on the twin (twin-node.ts, firmware-twin-node).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSync } from "esbuild";
import { inlineConsts } from "../../tools/fw/inline-consts.mjs";
import { dropUnused } from "../../tools/fw/drop-unused.mjs";
import { imageKind } from "../../tools/fw/bundle.mjs";
import { cStringTokens, mangleOptions, stringTokens, textTokens } from "../../tools/fw/mangle-props.mjs";
import { CONFIG_MODULE } from "../../tools/xs/build-app.mjs";

const root = new URL("../..", import.meta.url).pathname;

/** Runs an ES module's text and returns its exports. */
async function run(code: string): Promise<Record<string, unknown>> {
  return (await import("data:text/javascript," + encodeURIComponent(code))) as Record<string, unknown>;
}

const INLINED = `
var M = { PB_ADV: 41, MESH: 42 }, keep = 7, N = Object.freeze({ Neg: -3, Hex: 0x8040, Yes: !0, No: !1, Name: "mesh.net", T: true });
const D = { A: M.PB_ADV, B: N.Neg };
let last = Object.freeze({ Z: 0 });
function f(x) {
  const M = { PB_ADV: 99 };
  return [M.PB_ADV, x - N.Neg, 2 ** N.Neg, N.Hex.toString(16), N["Hex"], N.Yes, !N.No, N.Name + "!", \`\${N.Name}\`, typeof N.T, N?.Neg, D.A + D.B];
}
export const out = [...f(1), M.MESH, keep, last.Z];
`;

test("inline-consts: each X.Name becomes its literal, X's declaration goes, and the module computes the same", async () => {
  const r = inlineConsts(INLINED);
  assert.deepEqual(r.refused, []);
  assert.deepEqual(r.inlined.map((c) => c.name).sort(), ["D", "M", "N", "last"]);
  assert.deepEqual(r.inlined.find((c) => c.name === "N"), { name: "N", members: 6, uses: 11 });
  // D's members were M's and N's: inlined on the second pass
  assert.deepEqual(r.inlined.find((c) => c.name === "D"), { name: "D", members: 2, uses: 2 });
  for (const gone of ["PB_ADV: 41", "Object.freeze", "mesh.net\", T", "var M =", "const D"]) assert.ok(!r.code.includes(gone), `${gone} is left in:\n${r.code}`);
  // the inner M (another binding of the same name) is not the outer one: untouched
  assert.match(r.code, /const M = \{ PB_ADV: 99 \};\s*return \[M\.PB_ADV, x - \(-3\), 2 \*\* \(-3\), \(32832\)\.toString\(16\), 32832, true, !false, "mesh\.net" \+ "!"/);
  assert.match(r.code, /var keep = 7;/);
  const before = (await run(INLINED)).out;
  const after = (await run(r.code)).out;
  assert.deepEqual(after, before);
  assert.deepEqual(before, [99, 4, 0.125, "8040", 32832, true, true, "mesh.net!", "mesh.net", "boolean", -3, 38, 42, 7, 0]);
});

test("inline-consts: strings: false leaves objects with a string member", () => {
  const r = inlineConsts(`var S = { a: "x", b: 1 }, K = { a: 1 };\nexport const out = S.a + S.b + K.a;\n`, { strings: false });
  assert.deepEqual(r.inlined.map((c) => c.name), ["K"]);
  assert.deepEqual(r.refused, [{ name: "S", reason: "member a is a string" }]);
});

// each case: a module where X is used otherwise, the reason given, and X left as it was
const REFUSED: [string, string, RegExp][] = [
  ["exported in place", `export var X = { A: 1 };\nexport const y = X.A;`, /^exported$/],
  ["exported by name", `var X = { A: 1 };\nexport { X as x };\nexport const y = X.A;`, /^exported$/],
  ["passed as a value", `var X = { A: 1 };\nfunction g(o) { return o.A; }\nexport const y = g(X);`, /used otherwise than X\.Name \(line 3: CallExpression\)/],
  ["spread", `var X = { A: 1 };\nexport const y = { ...X };`, /used otherwise than X\.Name .*SpreadAssignment/],
  ["computed access", `var X = { A: 1 };\nexport function y(k) { return X[k]; }`, /a computed access \(line 2\)/],
  ["a name it has not", `var X = { A: 1 };\nexport const y = X.hasOwnProperty("A");`, /"hasOwnProperty" is not a member/],
  ["assigned", `var X = { A: 1 };\nX.A = 2;\nexport const y = X.A;`, /A assigned/],
  ["compound-assigned", `var X = { A: 1 };\nX.A += 2;\nexport const y = X.A;`, /A assigned/],
  ["updated", `var X = { A: 1 };\nX.A++;\nexport const y = X.A;`, /A updated/],
  ["deleted", `var X = { A: 1 };\ndelete X.A;\nexport const y = X.A;`, /A deleted/],
  ["called", `var X = { A: 1 };\nexport function y() { return X.A(); }`, /A called/],
  ["destructuring target", `var X = { A: 1 };\nexport function y(v) { [X.A] = v; return X.A; }`, /A a destructuring target/],
  ["for-of target", `var X = { A: 1 };\nexport function y(v) { for (X.A of v); return X.A; }`, /A a for-in\/of target/],
  ["the whole object reassigned", `var X = { A: 1 };\nX = { A: 2 };\nexport const y = X.A;`, /used otherwise than X\.Name .*BinaryExpression/],
  ["read before its declaration runs", `export const y = X.A;\nvar X = { A: 1 };`, /read before its declaration runs \(line 1\)/],
  ["declared twice", `var X = { A: 1 };\nvar X = { A: 2 };\nexport const y = X.A;`, /declared more than once/],
  ["a member that is not a literal", `var X = { A: 1, B: [2] };\nexport const y = X.A;`, /member B is not a literal/],
  ["a member that is another object's, refused", `var X = { A: 1 };\nvar Y = { B: X.A };\nexport { X };\nexport const y = Y.B;`, /member B is not a literal/],
  ["a method", `var X = { A: 1, f() { return 2; } };\nexport const y = X.A;`, /not "name: value" \(MethodDeclaration\)/],
  ["a getter", `var X = { A: 1, get B() { return 2; } };\nexport const y = X.A;`, /not "name: value" \(GetAccessor\)/],
  ["a shorthand member", `var A = 1, X = { A };\nexport const y = X.A;`, /not "name: value" \(ShorthandPropertyAssignment\)/],
  ["a computed member name", `var k = "A", X = { [k]: 1 };\nexport const y = X.A;`, /a computed member name/],
  ["__proto__", `var X = { __proto__: null, A: 1 };\nexport const y = X.A;`, /a __proto__ member/],
];

for (const [what, code, reason] of REFUSED) {
  test(`inline-consts refuses X ${what}, and leaves it as it was`, () => {
    const r = inlineConsts(code);
    const x = r.refused.filter((c) => c.name === "X" || c.name === "Y");
    assert.equal(x.length >= 1, true, JSON.stringify(r));
    assert.ok(x.some((c) => reason.test(c.reason)), `${JSON.stringify(x)} should match ${reason}`);
    assert.ok(!r.inlined.some((c) => c.name === x[0]!.name), JSON.stringify(r.inlined));
    assert.equal(r.code, code);
  });
}

test("inline-consts: Object.freeze of a local Object is no constant object (left alone, not even a candidate)", () => {
  const code = `var Object = { freeze: (o) => ({ ...o, A: 2 }) }, X = Object.freeze({ A: 1 });\nexport const y = X.A;`;
  const r = inlineConsts(code);
  assert.deepEqual(r.inlined, []);
  assert.equal(r.code, code);
});

test("inline-consts: removing declarators keeps the statement's others well formed", async () => {
  for (const code of [
    `var a = 1, X = { A: 2 }, Y = { B: 3 };\nexport const out = [a, X.A, Y.B];`,
    `var X = { A: 2 }, a = 1, Y = { B: 3 }, b = 4;\nexport const out = [a, b, X.A, Y.B];`,
    `var X = { A: 2 }, Y = { B: 3 };\nexport const out = [X.A, Y.B];`,
  ]) {
    const r = inlineConsts(code);
    assert.deepEqual(r.inlined.map((c) => c.name), ["X", "Y"]);
    assert.deepEqual((await run(r.code)).out, (await run(code)).out, r.code);
  }
});

const UNUSED = `
var log = [];
var Base = class { f() { return 1; } }, Used = class extends Base { g() { return helper(2); } }, Gone = class extends Base { h() { return onlyGone(); } };
function helper(x) { return x * 3; }
function onlyGone() { return Frozen.A + cycleA(); }
function cycleA() { return cycleB(); }
function cycleB() { return cycleA(); }
var Frozen = Object.freeze({ A: 1, B: [2, 3] }), Err = class extends Error {}, Later, lit = { a: 1, m() { return 2; }, get g() { return 3; } };
var Kept = class extends Base { static s = sideEffect(); };
function sideEffect() { log.push("ran"); return 1; }
var Block = class { static { log.push("block"); } };
var k = "dyn", Computed = class { [k]() {} };
var called = sideEffect();
export { Used, log };
`;

test("drop-unused: the top-level declarations nothing kept uses go (subclasses, frozen objects, cycles); the module computes the same", async () => {
  const r = dropUnused(UNUSED);
  assert.deepEqual(r.dropped.sort(), ["Err", "Frozen", "Gone", "Later", "cycleA", "cycleB", "lit", "onlyGone"]);
  for (const kept of ["Base = class", "Used = class", "function helper", "Kept = class", "function sideEffect", "Block = class", "Computed = class", "called = sideEffect()"]) {
    assert.ok(r.code.includes(kept), `${kept} must stay:\n${r.code}`);
  }
  const before = await run(UNUSED);
  const after = await run(r.code);
  assert.equal(new (after.Used as new () => { g(): number })().g(), 6);
  assert.deepEqual(after.log, before.log);
  assert.deepEqual(before.log, ["ran", "block", "ran"]);
});

test("drop-unused: nothing goes from a module that uses everything, nor what a shadowing name hides", () => {
  const code = `var A = class {}, B = class extends A {};\nfunction f() { const B = 1; return B; }\nexport { f };\nexport const b = new B();\n`;
  const r = dropUnused(code);
  assert.deepEqual(r.dropped, []);
  assert.equal(r.code, code);
  // a class extending one defined after it (the definition throws): stays
  const late = `var Late = class extends Afterwards {}, Afterwards = class {};\nexport {};\n`;
  assert.deepEqual(dropUnused(late).dropped, []);
  const shadow = `var B = class {};\nfunction f() { const B = 1; return B; }\nexport { f };\n`;
  assert.deepEqual(dropUnused(shadow).dropped, ["B"]);
});

test("drop-unused: a /* @__PURE__ */ call nothing kept uses goes (with what only it uses); unannotated, or with an argument that does something, it stays", async () => {
  const code = `var log = [];
function rows(t, ops, h) { log.push("rows"); return ops.map((op) => ({ op, t, h })); }
var TABLE = /* @__PURE__ */ rows("x", [1, 2]), SERVER = /* @__PURE__ */ rows(TABLE, [3], (m) => Server.handle(m)), Server = class { static handle(m) { return SERVER.length + m; } };
var USED = /* @__PURE__ */ rows(TABLE, [4]), PLAIN = rows("p", [5]), EFFECT = /* @__PURE__ */ rows(log.push("arg"), [6]);
export { USED, log };
`;
  const r = dropUnused(code);
  assert.deepEqual(r.dropped.sort(), ["SERVER", "Server"]);
  for (const kept of ["TABLE = /* @__PURE__ */", "USED = /* @__PURE__ */", "PLAIN = rows(", "EFFECT = /* @__PURE__ */"]) assert.ok(r.code.includes(kept), `${kept} must stay:\n${r.code}`);
  const before = await run(code);
  const after = await run(r.code);
  assert.deepEqual(after.USED, before.USED);
  // the dropped call's effect (a pure call's contract: none that matters) is the only difference
  assert.deepEqual(before.log, ["rows", "rows", "rows", "rows", "arg", "rows"]);
  assert.deepEqual(after.log, ["rows", "rows", "rows", "arg", "rows"]);
});

test("bundle: the image's kind comes from its generated config (DEVICE_KIND), none for other kinds", () => {
  const dir = mkdtempSync(join(tmpdir(), "bundle-kind-"));
  try {
    const config = (kind: string) => {
      const js = join(dir, `${kind}.js`);
      writeFileSync(js, `// Generated\nexport const defines = Object.freeze({\n  DEVICE_KIND: ${JSON.stringify(kind)},\n  STATIC_OOB: "",\n});\nexport default defines;\n`);
      return [{ name: CONFIG_MODULE, js }];
    };
    assert.equal(imageKind(config("light")), "light");
    assert.equal(imageKind(config("switch")), "switch");
    assert.equal(imageKind(config("modem")), null);
    assert.equal(imageKind([]), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** modules/app/apps.ts bundled as the node images' app is (esbuild, then the passes), for `kind` (or both). */
async function appsFor(kind: string | null): Promise<{ code: string; createApp: (kind: string, io: unknown, services: unknown) => { kind: string; elements(): { models: { id: { modelId: number } }[] }[] } }> {
  const r = buildSync({
    stdin: { contents: `export { createApp } from "./modules/app/apps.ts";`, resolveDir: root, loader: "js" },
    bundle: true, format: "esm", target: "es2022", platform: "neutral", write: false, treeShaking: true, minifyIdentifiers: true, minifySyntax: true,
    ...(kind ? { define: { MESH_APP_KIND: JSON.stringify(kind) } } : {}), logLevel: "silent",
  });
  const code = dropUnused(inlineConsts(r.outputFiles[0]!.text).code).code;
  return { code, createApp: (await run(code)).createApp as never };
}

test("per-kind bundle: the light's leaves the switch's models out (and fails loudly if asked for them), the switch's the light's; unbundled: both", async () => {
  const io = { setLed: () => {} };
  const services = { clock: { now: () => 0, setTimeout: () => 0, clearTimeout: () => {} }, virtualAddress: () => 0x8000, randomBytes: (n: number) => new Uint8Array(n) };
  const models = (app: ReturnType<Awaited<ReturnType<typeof appsFor>>["createApp"]>) => app.elements()[0]!.models.map((m) => m.id.modelId);
  const light = await appsFor("light");
  const sw = await appsFor("switch");
  const both = await appsFor(null);
  // the Generic OnOff Client's toggle (the switch's button) and the server's local set (the light's)
  assert.ok(!/toggle\(/.test(light.code) && /setLocal\(/.test(light.code));
  assert.ok(/toggle\(/.test(sw.code) && !/setLocal\(/.test(sw.code));
  assert.ok(/toggle\(/.test(both.code) && /setLocal\(/.test(both.code));
  assert.ok(light.code.length < both.code.length && sw.code.length < both.code.length);
  // Generic OnOff Server 0x1000, Client 0x1001 (Mesh Model 1.1, 7.3), after the Configuration and Health Servers
  assert.deepEqual(models(light.createApp("light", io, services)), [0x0000, 0x0002, 0x1000]);
  assert.deepEqual(models(sw.createApp("switch", io, services)), [0x0000, 0x0002, 0x1001]);
  assert.deepEqual(models(both.createApp("light", io, services)), [0x0000, 0x0002, 0x1000]);
  assert.deepEqual(models(both.createApp("switch", io, services)), [0x0000, 0x0002, 0x1001]);
  assert.throws(() => light.createApp("switch", io, services), { name: "TypeError", message: "createApp: this image carries the light's models only, not the switch's" });
  assert.throws(() => sw.createApp("light", io, services), { name: "TypeError", message: "createApp: this image carries the switch's models only, not the light's" });
});

test("mangle-props: the reserve list's sources (string and template literals, other modules' tokens, the natives' C strings)", () => {
  const code = "const a = { inCode: 1 };\nconst s = 'quoted name' + \"double\";\nconst t = `head ${a.inCode + `inner ${x}`} middle ${y} tail`;\nconst d = o / 2; const z = `plain`;\n";
  assert.deepEqual([...stringTokens(code)].sort(), ["double", "head", "inner", "middle", "name", "plain", "quoted", "tail"]);
  assert.deepEqual([...textTokens("export function f(o) { return o.kind + o.uuid; } // note")].sort(), ["export", "f", "function", "kind", "note", "o", "return", "uuid"]);
  const dir = mkdtempSync(join(tmpdir(), "mangle-c-"));
  try {
    writeFileSync(join(dir, "a.c"), 'xsSet(xsResult, xsID("rssi"), v); /* "notAString" is a comment... */ puts("adType: %d\\n");\n');
    writeFileSync(join(dir, "b.txt"), '"ignored"');
    // every string literal's tokens (a comment's quotes too: more reserved, never less); only *.c and *.h files
    assert.deepEqual([...cStringTokens(dir)].sort(), ["adType", "d", "n", "notAString", "rssi"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("mangle-props: names used only inside the bundle get short names, reserved ones keep theirs, and no short name is a reserved one", async () => {
  const contents = `
export function make(native) {
  const o = { internalCounter: 1, bumpTheCounter() { return ++this.internalCounter; }, fromText: 2 };
  o.bumpTheCounter();
  const viaString = o["from" + "Text"] ?? o["fromText"];
  return { kept: native.rssi + o.internalCounter + viaString, at: undefined, list: [1, 2].at(-1) };
}`;
  const { reserved, ...opts } = mangleOptions(["rssi", "kept", "fromText", "at", "length", "a", "b", "c", "d", "rssi"]);
  assert.equal(reserved, 9);
  const r = buildSync({ stdin: { contents }, write: false, format: "esm", minifyIdentifiers: true, ...opts, logLevel: "silent" });
  const out = r.outputFiles[0]!.text;
  const mangled = Object.entries(r.mangleCache!).filter(([, v]) => v !== false);
  assert.deepEqual(mangled.map(([k]) => k).sort(), ["bumpTheCounter", "internalCounter", "list"]);
  for (const [, v] of mangled) assert.ok(!["rssi", "kept", "fromText", "at", "length", "a", "b", "c", "d"].includes(v as string), `mangled to a reserved name: ${String(v)}`);
  assert.ok(!out.includes("internalCounter") && out.includes("rssi") && out.includes("fromText"));
  const make = (await run(out)).make as (n: { rssi: number }) => Record<string, unknown>;
  const got = make({ rssi: -40 });
  assert.equal(got.kept, -40 + 2 + 2);
  assert.equal(Object.keys(got).length, 3);
});

test("drop-unused: the class methods nobody calls, by the bundle's own names only; the module computes the same", async () => {
  const code = `
class A { a1() { return this.a2(); } a2() { return 1; } a3() { return this.a4(); } a4() { return 2; } get g1() { return 3; } static s1() { return 4; } kept() { return 5; } }
class B { a3() { return 6; } viaString() { return 7; } viaBinding() { return 8; } viaShorthand() { return 9; } }
const b = new B(), { viaBinding } = b, o = { viaShorthand: 1 };
export const out = [new A().a1(), b["viaString"](), viaBinding.call(b), o.viaShorthand];
`;
  const internal = new Set(["a1", "a2", "a3", "a4", "g1", "s1", "viaString", "viaBinding", "viaShorthand"]);
  const r = dropUnused(code, { internal });
  // a3 goes from both classes (nobody names it), then a4 (only a3 called it); kept is not internal
  assert.deepEqual(r.methods.sort(), ["a3", "a4", "g1", "s1"]);
  for (const gone of ["a3()", "a4()", "get g1", "static s1"]) assert.ok(!r.code.includes(gone), `${gone} is left in:\n${r.code}`);
  for (const kept of ["a1()", "a2()", "kept()", "viaString()", "viaBinding()", "viaShorthand()"]) assert.ok(r.code.includes(kept), `${kept} must stay`);
  assert.deepEqual((await run(r.code)).out, (await run(code)).out);
  // without the internal names, no method goes
  assert.deepEqual(dropUnused(code).methods, []);
});
