/**
 * The adaptive policy's backoff without Math.pow (the device image has no libm pow: docs/xs.md "libc and libm"):
 * equal to base * Math.pow(backoff, attempt - 1) (capped) for every attempt and the bases the estimator reaches.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { AdaptivePolicy, ADAPTIVE_DEFAULTS } from "../../modules/bearer/retransmit.js";

function oldNext(o: typeof ADAPTIVE_DEFAULTS, rto: number, carry: number, attempt: number, advIntervalMs: number): number {
  const floor = o.minRtoMs + o.advIntervalsOfSlack * Math.max(0, advIntervalMs);
  const base = Math.max(floor, rto) * carry;
  const n = Math.max(1, Math.floor(attempt));
  return Math.min(o.maxRtoMs, base * Math.pow(o.backoff, n - 1));
}

test("adaptive backoff: equal to the Math.pow formula for every attempt, RTO and carried backoff", () => {
  let seed = 7;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const factors: Partial<typeof ADAPTIVE_DEFAULTS>[] = [{}, { backoff: 2 }, { backoff: 1.25 }, { backoff: 1 }, { backoff: 0.5 }, { backoff: 3, maxRtoMs: 60000 }];
  let checked = 0;
  for (const options of factors) {
    const o = { ...ADAPTIVE_DEFAULTS, ...options };
    for (let run = 0; run < 200; run++) {
      const p = new AdaptivePolicy(options);
      // an estimator state: some clean samples, some retransmitted transactions (Karn's carried backoff)
      for (let i = random() * 6; i > 0; i--) p.onAck(random() * 900, random() < 0.3 ? 1 + Math.floor(random() * 3) : 0);
      const carry = (p as unknown as { carry: number }).carry;
      for (const attempt of [0, 0.5, 1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 20, 33, 40, 100]) {
        const adv = random() < 0.5 ? 20 : 100;
        assert.equal(p.next(attempt, 1, adv), oldNext(o, p.currentRtoMs, carry, attempt, adv), `backoff ${o.backoff} rto ${p.currentRtoMs} carry ${carry} attempt ${attempt}`);
        checked++;
      }
    }
  }
  assert.equal(checked, 6 * 200 * 19);
});
