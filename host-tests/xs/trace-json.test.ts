/**
 * traceJson (native/xs/js/trace.js), the device entries' JSON lines without the engine's JSON (the device images
 * leave JSON out: tools/fw/lean.mjs BUILDER_NAMES), prints exactly what XS's JSON.stringify prints, on the XS host
 * runtime: plain objects, arrays, members left out (undefined, functions, symbols), escapes, lone surrogates, numbers;
 * what it does not write (objects with internal slots: typed arrays, boxed primitives; undefined) is a TypeError.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { runFixture, skipReason } from "./xs-harness.js";

test("traceJson prints JSON.stringify's text", { skip: skipReason() }, async () => {
  const r = await runFixture("trace-json");
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split("\n").slice(0, -1);
  assert.equal(lines.length, 23);
  for (let i = 0; i < 20; i += 2) assert.equal(lines[i], lines[i + 1], `value ${i / 2}`);
  assert.equal(lines[0], '{"event":"started","skipped":[{"key":"n1","reason":"bad"},2,null,null,null,[]],"time":12.5,"name":"lamp","kind":"light","uuid":"00112233","staticOob":false,"n":null,"nested":{"a":1,"b":{"c":"x"}}}');
  assert.match(lines[4]!, /\\ud800 high, lone \\udc00 low, a pair \u{1f600}/u);
  assert.deepEqual(lines.slice(20), [
    "TypeError: traceJson: only plain objects, arrays, strings, numbers, booleans and null",
    "TypeError: traceJson: only plain objects, arrays, strings, numbers, booleans and null",
    "TypeError: traceJson: no JSON text for this value",
  ]);
});
