/**
 * Health Fast Period Divisor (Mesh Protocol 1.1, 4.2.16): the fast period is Publish Period / 2^divisor, computed with
 * a shift (the device image has no `**`: docs/xs.md "libc and libm"), checked against the exponentiation formula for
 * every divisor the spec allows (0..15) and publish periods of each resolution.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SigModel } from "../../modules/access/model.js";
import { publishPeriodMs } from "../../modules/access/access.js";
import { HEALTH_TABLE, HealthOp } from "../../modules/models/health-messages.js";
import { HealthServer } from "../../modules/models/health-server.js";
import { encode } from "../../modules/models/kit.js";
import { Harness } from "./harness.js";

test("Health fast period: the first fast publication after Publish Period / 2^divisor, every divisor 1..15", () => {
  let checked = 0;
  for (const period of [0x01, 0x07, 0x41, 0x7f, 0x83, 0xc1]) {
    for (let divisor = 1; divisor <= 15; divisor++) {
      const health = new HealthServer({});
      const h = new Harness([{ location: 0, models: [health] }]);
      const model = { elementAddress: 0x0100, modelId: { modelId: SigModel.HEALTH_SERVER } };
      h.config.bindAppKey(model, (h.config.addAppKey(0, 0, new Uint8Array(16)), 0));
      h.config.setPublication(model, { address: 0xc100, appKeyIndex: 0, credentialFlag: false, ttl: 5, period, retransmit: { count: 0, intervalSteps: 0 } });
      h.deliver(HealthOp.PeriodSet, encode(HEALTH_TABLE, HealthOp.PeriodSet, { fastPeriodDivisor: divisor }));
      health.raiseFault(0x01);
      h.take();
      const start = h.clock.now();
      const expected = Math.max(1, Math.floor(publishPeriodMs(period) / 2 ** divisor));
      h.clock.runFor(expected - 1);
      assert.equal(h.take().filter((s) => s.how === "publish").length, 0, `period 0x${period.toString(16)} divisor ${divisor}: early`);
      h.clock.runFor(1);
      const fast = h.take().filter((s) => s.how === "publish");
      assert.deepEqual(fast.map((s) => s.time - start), [expected], `period 0x${period.toString(16)} divisor ${divisor}`);
      checked++;
    }
  }
  assert.equal(checked, 6 * 15);
});
