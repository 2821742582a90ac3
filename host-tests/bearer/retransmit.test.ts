import { test } from "node:test";
import assert from "node:assert/strict";
import { AdaptivePolicy, ADAPTIVE_DEFAULTS, fixedPolicy, retransmitPolicies } from "../../modules/bearer/retransmit.js";

test("the shipped policies, by name", () => {
  assert.deepEqual(Object.keys(retransmitPolicies).sort(), ["adaptive", "fixed-2s", "fixed-500ms"]);
  const f500 = retransmitPolicies["fixed-500ms"]!();
  assert.equal(f500.next(1, 3, 20), 500);
  assert.equal(f500.next(7, 1, 20), 500);
  const f2 = retransmitPolicies["fixed-2s"]!();
  assert.equal(f2.next(1, 3, 20), 2060);
  assert.equal(f2.next(4, 1, 20), 2020);
  assert.equal(fixedPolicy(123).name, "fixed-123ms");
  // Factories give independent instances.
  const a1 = retransmitPolicies.adaptive!() as AdaptivePolicy;
  const a2 = retransmitPolicies.adaptive!() as AdaptivePolicy;
  a1.onAck(500, 0);
  assert.notEqual(a1.currentRtoMs, a2.currentRtoMs);
});

test("adaptive: RFC 6298 estimator with a floor, backoff per attempt, ceiling", () => {
  const p = new AdaptivePolicy();
  assert.equal(p.next(1, 1, 20), ADAPTIVE_DEFAULTS.initialRtoMs);
  p.onAck(100, 0); // first sample: SRTT = 100, RTTVAR = 50, RTO = 100 + 4 * 50
  assert.equal(p.smoothedRttMs, 100);
  assert.equal(p.currentRtoMs, 300);
  p.onAck(100, 0); // RTTVAR = 0.75 * 50 = 37.5, SRTT 100 -> RTO 250
  assert.equal(p.currentRtoMs, 250);
  assert.equal(p.next(1, 1, 20), 250);
  assert.equal(p.next(2, 1, 20), 250 * ADAPTIVE_DEFAULTS.backoff);
  assert.equal(p.next(30, 1, 20), ADAPTIVE_DEFAULTS.maxRtoMs);
  // Tiny round trips: the floor holds.
  const q = new AdaptivePolicy();
  for (let i = 0; i < 50; i++) q.onAck(2, 0);
  assert.equal(q.next(1, 3, 20), ADAPTIVE_DEFAULTS.minRtoMs);
  // Karn: a retransmitted transaction gives no sample, and its backoff is partly kept until a clean sample.
  const before = q.currentRtoMs;
  q.onAck(1, 2);
  assert.equal(q.currentRtoMs, before);
  assert.equal(q.next(1, 1, 20), ADAPTIVE_DEFAULTS.minRtoMs * ADAPTIVE_DEFAULTS.carryBackoff);
  q.onAck(2, 0);
  assert.equal(q.next(1, 1, 20), ADAPTIVE_DEFAULTS.minRtoMs);
  // Slow peer: the RTO follows the round trip up.
  const s = new AdaptivePolicy();
  for (let i = 0; i < 50; i++) s.onAck(400, 0);
  assert.ok(s.next(1, 1, 20) > 400 && s.next(1, 1, 20) <= ADAPTIVE_DEFAULTS.maxRtoMs);
  // Nonsense samples are clamped.
  s.onAck(Number.NaN, 0);
  s.onAck(-5, 0);
  assert.ok(Number.isFinite(s.next(1, 1, 20)));
});
