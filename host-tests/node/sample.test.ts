// The whole node stack against the Mesh Protocol 1.1 §8.3 sample messages, byte for byte:
// send: a node with the sample's address, keys, IV Index and SEQ sends the sample's access message through
// its access layer, and the network PDUs it advertises are the sample's (#6 both segments and the #8
// retransmission, #16, #18, #20, #22, #23, #24); receive: the sample's network PDUs injected into a node
// reach the right model with the right opcode, parameters, key, source and TTL (#6, #16, #18-#24).
import { test } from "node:test";
import assert from "node:assert/strict";
import { AD_TYPE } from "../../modules/platform.js";
import { bytesToHex as x, hexToBytes as h } from "../../modules/crypto/bytes.js";
import { decodeAccessPayload } from "../../modules/access/opcode.js";
import { VirtualClock } from "../../host/virtual-clock.js";
import { CaptureRadio } from "../bearer/loopback.js";
import { KEYS, MESSAGES } from "../net/sample-data.js";
import { TestModel, makeNode, meshPdus, presetSeq, record } from "./helpers.js";

const NET_IDX = 0x456;
const APP_IDX = 0x123;

function msg(n: number) {
  return MESSAGES.find((m) => m.n === n)!;
}

function sampleNode(n: number, models: TestModel[], clock: VirtualClock, radio: CaptureRadio, ttl: number) {
  const m = msg(n);
  const rec = record(m.src, { keyIndex: NET_IDX, ivIndex: m.ivIndex, devKey: h(KEYS.devKey) });
  const t = makeNode(radio, clock, rec, models, { defaultTtl: ttl, relaySupported: false });
  presetSeq(t.storage, rec, m.pdus[0]!.seq, m.ivIndex);
  // Recreate over the preset storage (the node reads its SEQ at construction).
  return makeNode(radio, clock, rec, models, { storage: t.storage, defaultTtl: ttl, relaySupported: false });
}

test("8.3.6 and 8.3.8: a Configuration Client's AppKey Add, both segments, then segment 0 retransmitted with a new SEQ", () => {
  const clock = new VirtualClock();
  const radio = new CaptureRadio(clock);
  const client = new TestModel({ modelId: 0x0001 }, [], "device");
  const t = sampleNode(6, [client], clock, radio, 4);
  t.node.start();
  const m6 = msg(6);
  const a = decodeAccessPayload(h(m6.access!.accessPayload));
  assert.ok(typeof a !== "string");
  const results: string[] = [];
  client.ctx!.send(a.opcode, a.params, { dst: 0x1201, key: { kind: "device", deviceKey: h(KEYS.devKey) }, ttl: 4 }, (r) => results.push(r));
  clock.runUntil(1000);
  const pdus = meshPdus(radio.sent).map(x);
  assert.equal(pdus[0], m6.pdus[0]!.networkPdu, "segment 0");
  assert.equal(pdus[1], m6.pdus[1]!.networkPdu, "segment 1");
  // No Segment Ack came: the SAR transmitter retransmits, segment 0 first, with SEQ 3129ad (8.3.8).
  assert.equal(pdus[2], msg(8).pdus[0]!.networkPdu, "8.3.8 retransmission");
  clock.runUntil(10000);
  assert.deepEqual(results, ["failed"], "unacknowledged SAR transmission fails (SAR timeout)");
});

test("8.3.16, 8.3.18: AppKey Status with the device key; Health Current Status published with the AppKey", () => {
  const clock = new VirtualClock();
  const radio = new CaptureRadio(clock);
  const server = new TestModel({ modelId: 0x0000 }, [], "device");
  const health = new TestModel({ modelId: 0x0002 }, []);
  const t = sampleNode(16, [server, health], clock, radio, 0x0b);
  assert.equal(t.node.state.addAppKey(NET_IDX, APP_IDX, h(KEYS.appKey)), 0);
  assert.equal(t.node.state.bindAppKey({ elementAddress: 0x1201, modelId: { modelId: 0x0002 } }, APP_IDX), 0);
  assert.equal(t.node.state.setPublication({ elementAddress: 0x1201, modelId: { modelId: 0x0002 } }, { address: 0xffff, appKeyIndex: APP_IDX, credentialFlag: false, ttl: 3, period: 0, retransmit: { count: 0, intervalSteps: 0 } }), 0);
  t.node.start();
  const s16 = decodeAccessPayload(h(msg(16).access!.accessPayload));
  assert.ok(typeof s16 !== "string");
  server.ctx!.send(s16.opcode, s16.params, { dst: 0x0003, key: { kind: "device" } });
  const s18 = decodeAccessPayload(h(msg(18).access!.accessPayload));
  assert.ok(typeof s18 !== "string");
  health.ctx!.publish(s18.opcode, s18.params);
  clock.runUntil(500);
  const pdus = meshPdus(radio.sent).map(x);
  assert.equal(pdus[0], msg(16).pdus[0]!.networkPdu);
  assert.equal(pdus[1], msg(18).pdus[0]!.networkPdu);
});

for (const n of [20, 22, 23, 24]) {
  test(`8.3.${n}: sent from 0x1234 at IV Index 12345677 (IVI = 1)${n >= 22 ? " to a virtual address" : ""}`, () => {
    const clock = new VirtualClock();
    const radio = new CaptureRadio(clock);
    const model = new TestModel({ modelId: 0x0002 }, []);
    const m = msg(n);
    const t = sampleNode(n, [model], clock, radio, 3);
    t.node.state.addAppKey(NET_IDX, APP_IDX, h(KEYS.appKey));
    t.node.start();
    const a = decodeAccessPayload(h(m.access!.accessPayload));
    assert.ok(typeof a !== "string");
    model.ctx!.send(a.opcode, a.params, {
      dst: m.dst, key: { kind: "app", appKeyIndex: APP_IDX }, ttl: 3, bigMic: m.access!.szmic === 1,
      ...(m.access!.label ? { label: h(m.access!.label) } : {}),
    });
    clock.runUntil(2000);
    const pdus = meshPdus(radio.sent).map(x);
    m.pdus.forEach((p, i) => assert.equal(pdus[i], p.networkPdu, `PDU ${i}`));
  });
}

for (const n of [6, 16, 18, 19, 20, 21, 22, 23, 24]) {
  test(`8.3.${n}: received by the destination node and handed to the right model`, () => {
    const m = msg(n);
    const clock = new VirtualClock();
    const radio = new CaptureRadio(clock);
    const a = m.access!;
    const payload = decodeAccessPayload(h(a.accessPayload));
    assert.ok(typeof payload !== "string");
    const device = a.key === "device";
    const model = new TestModel({ modelId: 0x1000 }, [{ opcode: payload.opcode }], device ? "device" : "app");
    const address = device || (m.dst >= 1 && m.dst < 0x8000) ? m.dst : 0x0042;
    const rec = record(address, { keyIndex: NET_IDX, ivIndex: m.ivIndex, devKey: h(KEYS.devKey) });
    const t = makeNode(radio, clock, rec, [model]);
    const st = t.node.state;
    if (!device) {
      st.addAppKey(NET_IDX, APP_IDX, h(KEYS.appKey));
      st.bindAppKey({ elementAddress: address, modelId: { modelId: 0x1000 } }, APP_IDX);
      if (a.label) st.addSubscription({ elementAddress: address, modelId: { modelId: 0x1000 } }, m.dst, h(a.label));
      else if (m.dst >= 0xc000 && m.dst !== 0xffff) st.addSubscription({ elementAddress: address, modelId: { modelId: 0x1000 } }, m.dst);
    }
    t.node.start();
    // 8.3.16's destination 0003 answers with the device key of 1201: as a Configuration Client it knows it.
    if (n === 16) model.ctx!.send(0x00, new Uint8Array(19), { dst: 0x1201, key: { kind: "device", deviceKey: h(KEYS.devKey) } });
    clock.runUntil(100);
    for (const p of m.pdus) radio.inject(AD_TYPE.MESH_MESSAGE, h(p.networkPdu));
    clock.runUntil(3000);
    assert.equal(model.received.length, 1, "delivered once");
    const r = model.received[0]!;
    assert.equal(r.opcode, payload.opcode);
    assert.equal(x(r.params), x(payload.params));
    assert.equal(r.src, m.src);
    assert.equal(r.dst, m.dst);
    assert.equal(r.ttl, m.ttl);
    assert.equal(r.netKeyIndex, NET_IDX);
    assert.deepEqual(r.key, device ? { kind: "device" } : { kind: "app", appKeyIndex: APP_IDX });
    if (a.label) assert.equal(x(r.label!), a.label);
    // Receiving again (a replay) delivers nothing more.
    for (const p of m.pdus) radio.inject(AD_TYPE.MESH_MESSAGE, h(p.networkPdu));
    clock.runUntil(6000);
    assert.equal(model.received.length, 1, "replay dropped");
  });
}
