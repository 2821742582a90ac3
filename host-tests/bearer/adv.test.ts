import { test } from "node:test";
import assert from "node:assert/strict";
import { VirtualClock } from "../../host/virtual-clock.js";
import { AD_DATA_MAX, AdvBearer, AdvBearerError } from "../../modules/bearer/adv.js";
import { AD_TYPE } from "../../modules/platform.js";
import type { Logger, RadioPacket } from "../../modules/platform.js";
import { CaptureRadio, LoopbackAir } from "./loopback.js";

test("subscribers share one radio: receiver set while anyone is subscribed, packets routed by AD type", () => {
  const clock = new VirtualClock();
  const radio = new CaptureRadio(clock);
  const adv = new AdvBearer(radio, clock);
  assert.equal(radio.receiver, null);
  const got: string[] = [];
  const u1 = adv.subscribe(AD_TYPE.PB_ADV, (p) => got.push(`a:${p.data[0]}`));
  const u2 = adv.subscribe(AD_TYPE.PB_ADV, (p) => got.push(`b:${p.data[0]}`));
  const u3 = adv.subscribe(AD_TYPE.MESH_BEACON, (p) => got.push(`beacon:${p.data[0]}`));
  assert.notEqual(radio.receiver, null);
  assert.equal(adv.subscriptions, 3);
  radio.inject(AD_TYPE.PB_ADV, Uint8Array.of(1));
  radio.inject(AD_TYPE.MESH_BEACON, Uint8Array.of(2));
  radio.inject(AD_TYPE.MESH_MESSAGE, Uint8Array.of(3));
  assert.deepEqual(got, ["a:1", "b:1", "beacon:2"]);
  u1();
  u1(); // idempotent
  radio.inject(AD_TYPE.PB_ADV, Uint8Array.of(4));
  assert.deepEqual(got.slice(3), ["b:4"]);
  u2();
  assert.notEqual(radio.receiver, null, "still scanning for beacons");
  u3();
  assert.equal(radio.receiver, null, "scanning stops with the last subscriber");
  // The same function subscribed twice gets each packet twice.
  const same = (p: RadioPacket) => got.push(`same:${p.data[0]}`);
  const s1 = adv.subscribe(AD_TYPE.PB_ADV, same);
  adv.subscribe(AD_TYPE.PB_ADV, same);
  radio.inject(AD_TYPE.PB_ADV, Uint8Array.of(5));
  s1();
  radio.inject(AD_TYPE.PB_ADV, Uint8Array.of(6));
  assert.deepEqual(got.slice(4), ["same:5", "same:5", "same:6"]);
});

test("a throwing subscriber does not stop the others nor reach the radio", () => {
  const clock = new VirtualClock();
  const radio = new CaptureRadio(clock);
  const lines: string[] = [];
  const logger: Logger = { log: (l, t, m) => lines.push(`${l} ${t} ${m}`) };
  const adv = new AdvBearer(radio, clock, logger);
  let after = 0;
  adv.subscribe(AD_TYPE.PB_ADV, () => {
    throw new Error("boom");
  });
  adv.subscribe(AD_TYPE.PB_ADV, () => after++);
  assert.doesNotThrow(() => radio.inject(AD_TYPE.PB_ADV, Uint8Array.of(1)));
  assert.equal(after, 1);
  assert.ok(lines.some((l) => l.includes("boom")));
});

test("send: copies the data, runs onDone after the last event, not after cancel; bad arguments are typed errors", () => {
  const clock = new VirtualClock();
  const air = new LoopbackAir(clock, { advDelayMaxMs: 0, airDelayMs: 0 });
  const a = air.radio("a");
  const b = air.radio("b");
  const advA = new AdvBearer(a, clock);
  const advB = new AdvBearer(b, clock);
  const got: number[] = [];
  advB.subscribe(AD_TYPE.MESH_MESSAGE, (p) => got.push(p.data[0]!));
  const data = Uint8Array.of(7, 7);
  let done = 0;
  advA.send(AD_TYPE.MESH_MESSAGE, data, { count: 3, intervalMs: 20 }, () => done++);
  data[0] = 9; // the caller may reuse its buffer
  clock.runFor(1000);
  assert.deepEqual(got, [7, 7, 7]);
  assert.equal(done, 1);
  const h = advA.send(AD_TYPE.MESH_MESSAGE, Uint8Array.of(8), { count: 5, intervalMs: 20 }, () => done++);
  clock.runFor(30);
  h.cancel();
  h.cancel();
  clock.runFor(1000);
  assert.equal(done, 1);
  assert.ok(got.length >= 4 && got.length < 8);
  assert.throws(() => advA.send(AD_TYPE.PB_ADV, new Uint8Array(AD_DATA_MAX + 1), { count: 1, intervalMs: 20 }), AdvBearerError);
  assert.throws(() => advA.send(0x100, new Uint8Array(1), { count: 1, intervalMs: 20 }), AdvBearerError);
  assert.throws(() => advA.send(AD_TYPE.PB_ADV, new Uint8Array(1), { count: 0, intervalMs: 20 }), AdvBearerError);
  assert.throws(() => advA.send(AD_TYPE.PB_ADV, new Uint8Array(1), { count: 1, intervalMs: -1 }), AdvBearerError);
  assert.throws(() => advA.subscribe(-1, () => {}), AdvBearerError);
  assert.doesNotThrow(() => advA.send(AD_TYPE.PB_ADV, new Uint8Array(AD_DATA_MAX), { count: 1, intervalMs: 20 }));
});
