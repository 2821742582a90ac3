/**
 * The app bundle's build steps (tools/fw/bundle.mjs), on the build host: constant objects inlined
 * (tools/fw/inline-consts.mjs): what it inlines, each case it refuses, and that the result computes the same as the
 * source (both run as ES modules). The images built with it run on the twin (twin-node.ts, firmware-twin-node).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { inlineConsts } from "../../tools/fw/inline-consts.mjs";

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
