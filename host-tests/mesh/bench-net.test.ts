/**
 * The network benchmark's measurement (host/mesh-bench.ts) on small runs: it counts deliveries right (a chain
 * with heavy loss loses messages, the 50-node mesh at 10 % loss meets the target). Delivery only: the
 * latency figures come from `npm run bench:net`, not from a test.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { benchNet, targetMet } from "../../host/mesh-bench.js";

test("50 nodes, 3 hops, 10 % loss: >= 99 % of the lights take every group Set, every acknowledged Set is answered", { timeout: 5 * 60_000 }, async () => {
  const r = await benchNet({ nodes: 50, zones: 4, presses: 4, seed: 3, loss: 0.1 });
  assert.ok(targetMet(r), JSON.stringify(r));
  assert.ok(r.group.p50FarMs! > r.group.p50Ms!, "the far lights are further away (more hops) than the median light");
});

test("a chain of one relay per hop at 80 % loss loses messages, and the benchmark says so", async () => {
  const r = await benchNet({ nodes: 5, zones: 4, presses: 10, seed: 1, loss: 0.8 });
  assert.ok(r.group.deliveryFar < 0.5, JSON.stringify(r.group));
  assert.equal(targetMet(r), false);
});
