/**
 * The app bundle's top-level scalar constants inlined (tools/fw/inline-scalars.mjs, run by tools/fw/bundle.mjs
 * through inlineConsts(..., { scalars: true })): what it inlines (numbers, booleans, folded arithmetic, a string
 * read once), what it leaves (written, exported, read before its declaration, a string read twice, shadowed names),
 * and the result computing the same as the source (both run as ES modules). The images built with it run on the
 * twin (twin-node.ts, firmware-twin-node).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { inlineScalars } from "../../tools/fw/inline-scalars.mjs";
import { inlineConsts } from "../../tools/fw/inline-consts.mjs";

/** Runs an ES module's text and returns its exports. */
async function run(code: string): Promise<Record<string, unknown>> {
  return (await import("data:text/javascript," + encodeURIComponent(code))) as Record<string, unknown>;
}

const SOURCE = `
var A = 24, B = 4, C = A - B, D = C + 16 * (A - 1), NEG = -3, YES = !0, NO = !1, TAG = "pb-adv", TWICE = "twice";
let count = 0;
const FIXED = 0x8040, SHIFT = 1 << 4, SEP = 60_000;
export const OUT_EXPORTED = 5;
var EARLY = [LATE];
var LATE = 9;
function f(x) {
  const A = "shadowed";
  count++;
  return [A, x - NEG, 2 ** NEG, NEG.toString(), FIXED.toString(16), C, D, YES, !NO, TAG + "!", TWICE, TWICE.length, -NEG, typeof B, { k: B }, [B], \`\${SHIFT}\`, SEP];
}
export const out = [...f(1), count, EARLY[0], LATE, OUT_EXPORTED];
`;

test("inline-scalars: each read of a top-level scalar constant becomes its value, its declaration goes, and the module computes the same", async () => {
  const r = inlineScalars(SOURCE);
  const names = r.inlined.map((c) => c.name).sort();
  assert.deepEqual(names, ["A", "B", "C", "D", "FIXED", "NEG", "NO", "SEP", "SHIFT", "TAG", "YES"]);
  // folded once their operands were inlined
  assert.equal(r.inlined.find((c) => c.name === "C")?.value, 20);
  assert.equal(r.inlined.find((c) => c.name === "D")?.value, 20 + 16 * 23);
  assert.equal(r.inlined.find((c) => c.name === "NEG")?.uses, 4);
  assert.equal(r.inlined.find((c) => c.name === "SEP")?.value, 60000);
  // what stays: written (count), exported (OUT_EXPORTED), a string read twice (TWICE), read before its declaration (EARLY reads LATE: LATE is
  // inlined everywhere else but that read, so it is not inlined at all)
  for (const kept of ["let count", "OUT_EXPORTED = 5", 'TWICE = "twice"', "EARLY = [LATE]"]) assert.ok(r.code.includes(kept), kept);
  assert.ok(!/\bvar A\b/.test(r.code) && !/\bTAG\b/.test(r.code), r.code);
  // the shadowing local A is untouched
  assert.ok(r.code.includes('const A = "shadowed"'), r.code);
  assert.deepEqual((await run(r.code)).out, (await run(SOURCE)).out);
});

test("inline-scalars: LATE read before its declaration is refused whole (the early read sees undefined)", async () => {
  const r = inlineScalars(SOURCE);
  // EARLY[0] is undefined in both
  assert.equal(((await run(r.code)).out as unknown[]).at(-3), undefined);
  assert.ok(!r.inlined.some((c) => c.name === "LATE"));
});

test("inline-scalars: nothing to do leaves the code as it was", () => {
  const code = "let x = 1;\nx++;\nexport const y = x;\n";
  assert.deepEqual(inlineScalars(code), { code, inlined: [] });
});

test("inline-consts: scalars only when asked (the bundle asks), after the constant objects", async () => {
  const code = "var M = { PB_ADV: 41 }, K = M.PB_ADV + 1;\nexport const out = [K, M.PB_ADV];\n";
  assert.deepEqual(inlineConsts(code).scalars, []);
  const r = inlineConsts(code, { scalars: true });
  assert.deepEqual(r.scalars, [{ name: "K", value: 42, uses: 1 }]);
  assert.deepEqual((await run(r.code)).out, [42, 41]);
});
