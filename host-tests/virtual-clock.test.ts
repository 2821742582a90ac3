import { test } from "node:test";
import assert from "node:assert/strict";
import { VirtualClock } from "../host/virtual-clock.js";

test("timers fire in time order, ties in set order, cancelled ones never", () => {
  const c = new VirtualClock();
  const seen: string[] = [];
  c.setTimeout(() => seen.push("b@20"), 20);
  c.setTimeout(() => seen.push("a@10"), 10);
  c.setTimeout(() => seen.push("c@20"), 20);
  const x = c.setTimeout(() => seen.push("never"), 15);
  c.clearTimeout(x);
  c.setTimeout(() => c.setTimeout(() => seen.push("nested@35"), 25), 10);
  c.runFor(60_000);
  assert.deepEqual(seen, ["a@10", "b@20", "c@20", "nested@35"]);
  assert.equal(c.now(), 60_000);
});

test("runWhile stops when the condition is met", () => {
  const c = new VirtualClock();
  let n = 0;
  const tick = () => { n++; c.setTimeout(tick, 100); };
  tick();
  assert.equal(c.runWhile(() => n < 5), true);
  assert.equal(c.now(), 400);
});
