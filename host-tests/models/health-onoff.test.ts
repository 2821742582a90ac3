import { test } from "node:test";
import assert from "node:assert/strict";
import { SigModel } from "../../modules/access/model.js";
import { bytesToHex } from "../../modules/crypto/bytes.js";
import { decodeParams } from "../../modules/models/codec.js";
import type { Params } from "../../modules/models/codec.js";
import { COMPANY_ID } from "../../modules/models/composition.js";
import { HEALTH_TABLE, HealthOp } from "../../modules/models/health-messages.js";
import { HealthServer } from "../../modules/models/health-server.js";
import { HealthClient } from "../../modules/models/health-client.js";
import { ONOFF_TABLE, OnOffOp } from "../../modules/models/onoff-messages.js";
import { OnOffClient, OnOffServer, TID_WINDOW_MS } from "../../modules/models/onoff.js";
import { encode, RequestTimeout } from "../../modules/models/kit.js";
import { Harness } from "./harness.js";

function healthNode() {
  const attention: boolean[] = [];
  const health = new HealthServer({ onAttention: (on) => attention.push(on), testIds: [0, 5], runTest: (id) => (id === 5 ? [0x15] : []) });
  const h = new Harness([{ location: 0, models: [health] }]);
  h.config.bindAppKey({ elementAddress: 0x0100, modelId: { modelId: SigModel.HEALTH_SERVER } }, (h.config.addAppKey(0, 0, new Uint8Array(16)), 0));
  const ask = (op: number, params: Params = {}): { opcode: number; p: Params } | undefined => {
    h.deliver(op, encode(HEALTH_TABLE, op, params));
    const out = h.take().filter((s) => s.how === "reply");
    if (!out.length) return undefined;
    const d = decodeParams(HEALTH_TABLE.get(out[0]!.opcode)!, out[0]!.params);
    assert.ok(d.ok);
    return { opcode: out[0]!.opcode, p: d.params };
  };
  return { h, health, attention, ask };
}

test("Health Fault Get / Clear / Test of our company; another Company ID and an unknown Test ID are ignored (4.4.6)", () => {
  const { health, ask } = healthNode();
  health.raiseFault(0x01);
  health.raiseFault(0x13);
  health.clearFault(0x13);
  let a = ask(HealthOp.FaultGet, { companyId: COMPANY_ID })!;
  assert.equal(a.opcode, HealthOp.FaultStatus);
  assert.equal(bytesToHex(a.p.faults as Uint8Array), "0113", "registered faults stay after the condition ends");
  assert.equal(ask(HealthOp.FaultGet, { companyId: 0x0059 }), undefined);
  a = ask(HealthOp.FaultTest, { testId: 5, companyId: COMPANY_ID })!;
  assert.equal(a.p.testId, 5);
  assert.equal(bytesToHex(a.p.faults as Uint8Array), "011315");
  assert.equal(ask(HealthOp.FaultTest, { testId: 9, companyId: COMPANY_ID }), undefined);
  a = ask(HealthOp.FaultClear, { companyId: COMPANY_ID })!;
  assert.equal((a.p.faults as Uint8Array).length, 0);
  health.raiseFault(0x05);
  assert.equal(ask(HealthOp.FaultClearUnacknowledged, { companyId: COMPANY_ID }), undefined, "unacknowledged: no answer");
  assert.deepEqual(health.registeredFaults, []);
  assert.deepEqual(health.currentFaults, [0x01, 0x05]);
  assert.equal(ask(HealthOp.FaultTestUnacknowledged, { testId: 0, companyId: COMPANY_ID }), undefined);
});

test("Health Current Status is published when a fault appears or goes, and is the periodic publication", () => {
  const { h, health } = healthNode();
  h.config.setPublication({ elementAddress: 0x0100, modelId: { modelId: SigModel.HEALTH_SERVER } }, { address: 0xc100, appKeyIndex: 0, credentialFlag: false, ttl: 5, period: 0, retransmit: { count: 0, intervalSteps: 0 } });
  health.raiseFault(0x01);
  health.raiseFault(0x01);
  health.clearFault(0x01);
  const out = h.take();
  assert.deepEqual(out.map((s) => [s.how, s.opcode, bytesToHex(s.params)]), [
    ["publish", HealthOp.CurrentStatus, "00ffff01"],
    ["publish", HealthOp.CurrentStatus, "00ffff"],
  ]);
  assert.equal(bytesToHex(health.periodicPublication()!.params), "00ffff");
  assert.throws(() => health.raiseFault(0), RangeError);
});

test("Health Period Get / Set / Set Unacknowledged; a divisor above 15 is prohibited", () => {
  const { health, ask } = healthNode();
  assert.deepEqual(ask(HealthOp.PeriodGet)!.p, { fastPeriodDivisor: 0 });
  assert.deepEqual(ask(HealthOp.PeriodSet, { fastPeriodDivisor: 15 })!.p, { fastPeriodDivisor: 15 });
  assert.equal(ask(HealthOp.PeriodSet, { fastPeriodDivisor: 16 }), undefined);
  assert.equal(ask(HealthOp.PeriodSetUnacknowledged, { fastPeriodDivisor: 3 }), undefined);
  assert.equal(health.fastPeriodDivisor, 3);
});

test("Health Attention Timer: counts down each second and drives the LED on and off (4.2.11)", () => {
  const { h, health, attention, ask } = healthNode();
  assert.deepEqual(ask(HealthOp.AttentionSet, { attention: 3 })!.p, { attention: 3 });
  assert.deepEqual(attention, [true]);
  h.clock.runFor(1000);
  assert.deepEqual(ask(HealthOp.AttentionGet)!.p, { attention: 2 });
  h.clock.runFor(2000);
  assert.equal(health.attentionSeconds, 0);
  assert.deepEqual(attention, [true, false]);
  ask(HealthOp.AttentionSetUnacknowledged, { attention: 10 });
  ask(HealthOp.AttentionSet, { attention: 0 });
  assert.deepEqual(attention, [true, false, true, false]);
  assert.equal(h.clock.pending(), 0, "no timer left");
});

function onoffNode() {
  const leds: boolean[] = [];
  const server = new OnOffServer((on) => leds.push(on));
  const h = new Harness([{ location: 0, models: [server] }]);
  h.config.addAppKey(0, 0, new Uint8Array(16));
  h.config.bindAppKey({ elementAddress: 0x0100, modelId: { modelId: SigModel.GENERIC_ONOFF_SERVER } }, 0);
  const send = (op: number, params: Params, o: { src?: number; dst?: number } = {}) => {
    h.deliver(op, encode(ONOFF_TABLE, op, params), o);
    return h.take().map((s) => {
      const d = decodeParams(ONOFF_TABLE.get(s.opcode)!, s.params);
      assert.ok(d.ok);
      return { how: s.how, opcode: s.opcode, p: d.params };
    });
  };
  return { h, server, leds, send };
}

test("Generic OnOff Set / Set Unacknowledged / Get / Status; prohibited values ignored", () => {
  const { server, leds, send } = onoffNode();
  assert.deepEqual(send(OnOffOp.Get, {}), [{ how: "reply", opcode: OnOffOp.Status, p: { presentOnOff: 0 } }]);
  assert.deepEqual(send(OnOffOp.Set, { onOff: 1, tid: 1 }), [{ how: "reply", opcode: OnOffOp.Status, p: { presentOnOff: 1 } }]);
  assert.equal(server.onOff, true);
  assert.deepEqual(send(OnOffOp.SetUnacknowledged, { onOff: 0, tid: 2 }), []);
  assert.equal(server.onOff, false);
  assert.deepEqual(send(OnOffOp.Set, { onOff: 2, tid: 3 }), [], "OnOff 0x02 is prohibited");
  assert.deepEqual(send(OnOffOp.Set, { onOff: 1, tid: 4, transitionTime: 0x3f, delay: 0 }), [], "Transition Time 0x3F is prohibited");
  assert.deepEqual(leds, [true, false]);
});

test("Generic OnOff TID: the same SRC, DST and TID within 6 s is one transaction; later, or from another source, it is new", () => {
  const { h, server, send } = onoffNode();
  send(OnOffOp.SetUnacknowledged, { onOff: 1, tid: 9 });
  server.setLocal(false);
  const again = send(OnOffOp.Set, { onOff: 1, tid: 9 });
  assert.equal(server.onOff, false, "a repeated transaction is not applied again");
  assert.deepEqual(again.filter((s) => s.how === "reply").map((s) => s.p), [{ presentOnOff: 0 }], "but an acknowledged one is answered");
  send(OnOffOp.SetUnacknowledged, { onOff: 1, tid: 9 }, { src: 0x0002 });
  assert.equal(server.onOff, true, "another source");
  server.setLocal(false);
  send(OnOffOp.SetUnacknowledged, { onOff: 1, tid: 9 }, { src: 0x0002, dst: 0xc000 });
  assert.equal(server.onOff, true, "another destination");
  server.setLocal(false);
  h.clock.runFor(TID_WINDOW_MS);
  send(OnOffOp.SetUnacknowledged, { onOff: 1, tid: 9 }, { src: 0x0002, dst: 0xc000 });
  assert.equal(server.onOff, true, "6 s later the same TID is a new transaction");
});

test("Generic OnOff Transition Time and Delay: On at the start, Off at the end; Status carries target and remaining time; changes are published", () => {
  const { h, server, leds, send } = onoffNode();
  h.config.setPublication({ elementAddress: 0x0100, modelId: { modelId: SigModel.GENERIC_ONOFF_SERVER } }, { address: 0xc001, appKeyIndex: 0, credentialFlag: false, ttl: 5, period: 0, retransmit: { count: 0, intervalSteps: 0 } });
  // On after 100 ms delay (20 x 5 ms), over 1 s (0x0A steps of 100 ms)
  send(OnOffOp.SetUnacknowledged, { onOff: 1, tid: 1, transitionTime: 0x0a, delay: 20 });
  h.clock.runFor(99);
  assert.equal(server.onOff, false, "still in the delay");
  h.clock.runFor(1);
  assert.equal(server.onOff, true, "towards On: On at the start of the transition");
  const mid = send(OnOffOp.Get, {});
  assert.deepEqual(
    mid.map((s) => [s.how, s.p]),
    [
      ["publish", { presentOnOff: 1, targetOnOff: 1, remainingTime: 0x0a }],
      ["reply", { presentOnOff: 1, targetOnOff: 1, remainingTime: 0x0a }],
    ],
  );
  h.clock.runFor(1000);
  // Off over 2 s: stays On until the end
  const off = send(OnOffOp.SetUnacknowledged, { onOff: 0, tid: 2, transitionTime: 0x14, delay: 0 });
  assert.deepEqual(off.map((s) => [s.how, s.p]), [["publish", { presentOnOff: 1 }]], "the end of the On transition was published; the Off one's start changes nothing");
  h.clock.runFor(1999);
  assert.equal(server.onOff, true);
  h.clock.runFor(1);
  assert.equal(server.onOff, false);
  assert.deepEqual(leds, [true, false]);
  const published = h.take().filter((s) => s.how === "publish").map((s) => bytesToHex(s.params));
  assert.deepEqual(published, ["00"], "the end of the Off transition");
});

test("Generic OnOff Client: a press publishes Set Unacknowledged with the next TID; toggle follows the known state; Status updates it", async () => {
  const client = new OnOffClient(250);
  const h = new Harness([{ location: 0, models: [client] }]);
  h.config.addAppKey(0, 0, new Uint8Array(16));
  h.config.bindAppKey({ elementAddress: 0x0100, modelId: { modelId: SigModel.GENERIC_ONOFF_CLIENT } }, 0);
  assert.equal(await client.toggle(), false, "no publication: not sent");
  h.config.setPublication({ elementAddress: 0x0100, modelId: { modelId: SigModel.GENERIC_ONOFF_CLIENT } }, { address: 0xc000, appKeyIndex: 0, credentialFlag: false, ttl: 5, period: 0, retransmit: { count: 0, intervalSteps: 0 } });
  const tids: number[] = [];
  for (let i = 0; i < 7; i++) {
    assert.equal(await client.toggle(), true);
    const s = h.take()[0]!;
    assert.equal(s.how, "publish");
    assert.equal(s.opcode, OnOffOp.SetUnacknowledged);
    assert.equal(s.dst, 0xc000);
    tids.push(s.params[1]!);
    assert.equal(s.params[0], i % 2 === 0 ? 1 : 0, "alternates, from the state the unsent toggle did not change");
  }
  assert.deepEqual(tids, [251, 252, 253, 254, 255, 0, 1], "TID modulo 256 (the first, 250, went with the unsent toggle)");
  // a Status from the light updates what the switch knows
  h.deliver(OnOffOp.Status, Uint8Array.of(1), { src: 0x0200 });
  assert.equal(client.known, true);
  await client.toggle();
  assert.equal(h.take()[0]!.params[0], 0);
  await client.set(true, { transitionMs: 500, delayMs: 50 });
  assert.equal(bytesToHex(h.take()[0]!.params), "01" + "03" + "05" + "0a");
});

test("Generic OnOff Client acknowledged Set: sent again with the same TID until the Status; RequestTimeout after the retries", async () => {
  const client = new OnOffClient(0);
  const h = new Harness([{ location: 0, models: [client] }]);
  h.config.addAppKey(0, 0, new Uint8Array(16));
  h.config.bindAppKey({ elementAddress: 0x0100, modelId: { modelId: SigModel.GENERIC_ONOFF_CLIENT } }, 0);
  const p = client.set(true, { ack: true, to: { dst: 0x0200, appKeyIndex: 0 }, timeoutMs: 1000, retries: 2 });
  h.clock.runFor(2500);
  const sent = h.take();
  assert.deepEqual(sent.map((s) => [s.time, s.opcode, bytesToHex(s.params)]), [
    [0, OnOffOp.Set, "0100"],
    [1000, OnOffOp.Set, "0100"],
    [2000, OnOffOp.Set, "0100"],
  ]);
  let settled = false;
  void p.then(() => (settled = true));
  h.deliver(OnOffOp.Status, Uint8Array.of(0), { src: 0x0300 });
  await Promise.resolve();
  assert.equal(settled, false, "a Status from another node does not answer the request");
  h.deliver(OnOffOp.Status, Uint8Array.of(1), { src: 0x0200 });
  assert.equal(await p, true);
  const lost = client.set(false, { ack: true, to: { dst: 0x0200, appKeyIndex: 0 }, timeoutMs: 1000, retries: 1 });
  h.clock.runFor(5000);
  await assert.rejects(lost, RequestTimeout);
  assert.equal(h.take().length, 2);
});

test("Health Client: Fault Get and Attention Set answered; published Current Status reported", async () => {
  const client = new HealthClient({ timeoutMs: 500, retries: 0 });
  const h = new Harness([{ location: 0, models: [client] }]);
  h.config.addAppKey(0, 0, new Uint8Array(16));
  h.config.bindAppKey({ elementAddress: 0x0100, modelId: { modelId: SigModel.HEALTH_CLIENT } }, 0);
  const reports: string[] = [];
  client.onFaults = (r) => reports.push(`${r.kind} ${r.src.toString(16)} ${r.faults.join(",")}`);
  const target = { address: 0x0200, appKeyIndex: 0 };
  const f = client.faults(target);
  assert.equal(h.take()[0]!.opcode, HealthOp.FaultGet);
  h.deliver(HealthOp.FaultStatus, encode(HEALTH_TABLE, HealthOp.FaultStatus, { testId: 0, companyId: COMPANY_ID, faults: Uint8Array.of(1, 2) }), { src: 0x0200 });
  assert.deepEqual(await f, [1, 2]);
  const a = client.attention(target, 5);
  h.deliver(HealthOp.AttentionStatus, Uint8Array.of(5), { src: 0x0200 });
  assert.equal(await a, 5);
  h.deliver(HealthOp.CurrentStatus, encode(HEALTH_TABLE, HealthOp.CurrentStatus, { testId: 0, companyId: COMPANY_ID, faults: Uint8Array.of(7) }), { src: 0x0300, dst: 0xffff });
  assert.deepEqual(reports, ["registered 200 1,2", "current 300 7"]);
  const p = client.period(target);
  h.clock.runFor(600);
  await assert.rejects(p, RequestTimeout);
});

test("Health Fast Period Divisor: while a fault is current the Current Status goes out every period / 2^divisor (4.2.16)", () => {
  const { h, health, ask } = healthNode();
  h.config.setPublication({ elementAddress: 0x0100, modelId: { modelId: SigModel.HEALTH_SERVER } }, { address: 0xc100, appKeyIndex: 0, credentialFlag: false, ttl: 5, period: 0x41, retransmit: { count: 0, intervalSteps: 0 } });
  ask(HealthOp.PeriodSet, { fastPeriodDivisor: 2 });
  h.clock.runFor(5000);
  assert.equal(h.take().length, 0, "no fault: the regular period only (the access layer's)");
  assert.ok(health.periodicPublication() !== undefined);
  health.raiseFault(0x01);
  h.take();
  h.clock.runFor(1000);
  const fast = h.take().filter((s) => s.how === "publish");
  assert.deepEqual(fast.map((s) => s.time), [250, 500, 750, 1000].map((t) => 5000 + t));
  assert.equal(health.periodicPublication(), undefined, "the regular periodic publication is skipped meanwhile");
  health.clearFault(0x01);
  h.take();
  h.clock.runFor(2000);
  assert.equal(h.take().length, 0, "no fault: no fast publication");
});
