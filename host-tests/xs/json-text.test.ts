/**
 * native/xs/js/json-text.js: the event lines of the device entries (device-start.js, provisioner-start.js) without the
 * engine's JSON.stringify (docs/firmware.md "Boot"). The twin tests parse those lines; here, byte for byte against
 * JSON.stringify for the values they print and the escapes a string may need (ECMA-262 QuoteJSONString).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { jsonText } from "../../native/xs/js/json-text.js";

test("json-text: the same text as JSON.stringify for the event lines' values", () => {
  const cases: unknown[] = [
    { event: "started", time: 12.5, name: "light-1", kind: "light", uuid: "0123456789abcdef0123456789abcdef", staticOob: false },
    { event: "complete", time: 4031, address: 2, numberOfElements: 1, ivIndex: 0, keyIndex: 0, heap: { chunks: 6272, slots: 2047 } },
    { event: "link-closed", time: 1, reason: undefined, byPeer: true, f: () => 1 },
    { b: null, c: [1, undefined, "x", () => 1, null, [2, [3]]], e: -0, f: NaN, g: -Infinity, h: 1e21, i: 1e-7, j: -5.25, k: 2 ** 53 + 2 },
    { "1": "a", b: 2, "0": 3, "": "empty key", "k\"ey": 1 },
    [], {}, "", 0, true, false, null,
  ];
  for (const c of cases) assert.equal(jsonText(c), JSON.stringify(c));
  assert.equal(jsonText(undefined), undefined);
  assert.equal(jsonText(() => 1), undefined);
});

test("json-text: every escape of a string, as QuoteJSONString writes it", () => {
  let all = "";
  for (let c = 0; c < 0x80; c++) all += String.fromCharCode(c);
  const strings = [all, "é ü 😀", "lone \ud800 high", "lone \udc00 low", "pair \ud83d\ude00 ok", "end \ud83d", "\udfff\ud800", '"\\"', "a\u2028b\u2029"];
  for (const s of strings) {
    assert.equal(jsonText(s), JSON.stringify(s));
    assert.equal(jsonText({ [s]: s }), JSON.stringify({ [s]: s }));
  }
});

test("json-text: the device entries print with it, not with the engine's JSON (it stays out of their images)", () => {
  for (const f of ["device-start.js", "provisioner-start.js"]) {
    const text = readFileSync(new URL(`../../native/xs/js/${f}`, import.meta.url), "utf8");
    assert.ok(!/\bJSON\b/.test(text.replace(/\/\/.*$/gm, "")), `${f} names JSON`);
    assert.match(text, /import \{ jsonText \} from "\.\/json-text\.js";/);
  }
});
