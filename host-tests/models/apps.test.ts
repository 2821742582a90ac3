import { test } from "node:test";
import assert from "node:assert/strict";
import { SigModel } from "../../modules/access/model.js";
import { LightApp, SwitchApp, createApp } from "../../modules/app/apps.js";
import { COMPANY_ID, PRODUCT_ID } from "../../modules/models/composition.js";
import { OnOffOp } from "../../modules/models/onoff-messages.js";
import { Harness } from "./harness.js";
import { VirtualClock } from "../../host/virtual-clock.js";

function board() {
  const leds: boolean[] = [];
  return { leds, io: { setLed: (on: boolean) => leds.push(on) } };
}

function run(kind: "light" | "switch") {
  const b = board();
  const clock = new VirtualClock();
  const app = createApp(kind, b.io, { clock, virtualAddress: () => 0x8001, randomBytes: (n) => new Uint8Array(n).fill(7) });
  const h = new Harness(app.elements());
  h.config.addAppKey(0, 0, new Uint8Array(16));
  for (const m of app.elements()[0]!.models) if (m.keyPolicy !== "device") h.config.bindAppKey({ elementAddress: 0x0100, modelId: m.id }, 0);
  return { ...b, app, h, clock };
}

test("the light: Config, Health and Generic OnOff Servers; our CID and the light's PID; the lamp follows Generic OnOff", () => {
  const { app, h, leds } = run("light");
  assert.ok(app instanceof LightApp);
  assert.deepEqual(app.elements()[0]!.models.map((m) => m.id.modelId), [SigModel.CONFIGURATION_SERVER, SigModel.HEALTH_SERVER, SigModel.GENERIC_ONOFF_SERVER]);
  assert.deepEqual(app.composition(), { cid: COMPANY_ID, pid: PRODUCT_ID.light, vid: 1 });
  h.deliver(OnOffOp.SetUnacknowledged, Uint8Array.of(1, 1));
  h.deliver(OnOffOp.SetUnacknowledged, Uint8Array.of(0, 2));
  assert.deepEqual(leds, [true, false]);
});

test("the light's Attention Timer blinks the lamp, then the lamp shows the Generic OnOff state again", () => {
  const { app, h, leds, clock } = run("light");
  h.deliver(OnOffOp.SetUnacknowledged, Uint8Array.of(1, 1));
  leds.length = 0;
  (app as LightApp).health.attention(1);
  clock.runFor(600);
  assert.deepEqual(leds, [true, false, true]);
  h.deliver(OnOffOp.SetUnacknowledged, Uint8Array.of(0, 2));
  assert.deepEqual(leds, [true, false, true], "during attention the blinking owns the LED");
  app.health.attention(0);
  assert.deepEqual(leds, [true, false, true, false], "then it shows the state (now Off)");
  assert.equal(clock.pending(), 0);
});

test("the switch: Config, Health Servers and Generic OnOff Client; each press publishes Set Unacknowledged with the next TID", () => {
  const { app, h } = run("switch");
  assert.ok(app instanceof SwitchApp);
  assert.deepEqual(app.composition().pid, PRODUCT_ID.switch);
  h.config.setPublication({ elementAddress: 0x0100, modelId: { modelId: SigModel.GENERIC_ONOFF_CLIENT } }, { address: 0xc000, appKeyIndex: 0, credentialFlag: false, ttl: 5, period: 0, retransmit: { count: 0, intervalSteps: 0 } });
  app.press();
  app.press();
  app.press();
  const sent = h.take();
  assert.deepEqual(sent.map((s) => [s.how, s.dst, s.opcode, s.params[0], s.params[1]]), [
    ["publish", 0xc000, OnOffOp.SetUnacknowledged, 1, 7],
    ["publish", 0xc000, OnOffOp.SetUnacknowledged, 0, 8],
    ["publish", 0xc000, OnOffOp.SetUnacknowledged, 1, 9],
  ]);
});
