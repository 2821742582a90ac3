// The node stack on a loopback air: unicast request/response, segmented messages with Block Acks, group
// publication and subscription, relaying (TTL rules, never our own), access dispatch rules (unknown
// opcode, unbound key, bad length), reassembly contexts and their limits, SAR timeouts, heartbeats.
import { test } from "node:test";
import assert from "node:assert/strict";
import { VirtualClock } from "../../host/virtual-clock.js";
import { LoopbackAir } from "../bearer/loopback.js";
import type { LoopbackRadio } from "../bearer/loopback.js";
import { APP_KEY, TestModel, makeNode, record } from "./helpers.js";
import type { TestNode } from "./helpers.js";
import type { SendResult } from "../../modules/access/model.js";

const MODEL = { modelId: 0x1000 };
const OP_SET = 0x8202;
const OP_STATUS = 0x8204;

function world(addresses: number[], opts: { links?: [number, number][]; seed?: number; relay?: boolean; maxRxContexts?: number; defaultTtl?: number } = {}) {
  const clock = new VirtualClock();
  const air = new LoopbackAir(clock, { seed: opts.seed ?? 3 });
  const radios = new Map<LoopbackRadio, number>();
  const nodes = new Map<number, TestNode>();
  for (const a of addresses) {
    const radio = air.radio("n" + a.toString(16));
    radios.set(radio, a);
    const model = new TestModel(MODEL, [{ opcode: OP_SET, minLength: 1, maxLength: 400, reply: { opcode: OP_STATUS, params: Uint8Array.of(1) } }, { opcode: OP_STATUS }]);
    const t = makeNode(radio, clock, record(a), [model], {
      relaySupported: opts.relay !== false,
      ...(opts.maxRxContexts ? { maxRxContexts: opts.maxRxContexts } : {}),
      ...(opts.defaultTtl !== undefined ? { defaultTtl: opts.defaultTtl } : {}),
      beaconIntervalMs: 1e9,
    });
    t.node.state.addAppKey(0, 1, APP_KEY);
    t.node.state.bindAppKey({ elementAddress: a, modelId: MODEL }, 1);
    t.node.start();
    nodes.set(a, t);
  }
  if (opts.links) {
    const ok = new Set(opts.links.flatMap(([p, q]) => [`${p}-${q}`, `${q}-${p}`]));
    air.drop = (from, to) => !ok.has(`${radios.get(from)}-${radios.get(to)}`);
  }
  const model = (a: number): TestModel => nodes.get(a)!.models[0]!;
  return { clock, air, nodes, model };
}

test("unicast request and reply with the application key; TTL 0 is answered with TTL 0", () => {
  const w = world([0x10, 0x20]);
  const a = w.model(0x10);
  const results: SendResult[] = [];
  a.ctx!.send(OP_SET, Uint8Array.of(1, 2), { dst: 0x20, key: { kind: "app", appKeyIndex: 1 } }, (r) => results.push(r));
  w.clock.runUntil(1000);
  const got = w.model(0x20).received;
  assert.equal(got.length, 1);
  assert.deepEqual({ op: got[0]!.opcode, src: got[0]!.src, dst: got[0]!.dst, key: got[0]!.key, ttl: got[0]!.ttl }, { op: OP_SET, src: 0x10, dst: 0x20, key: { kind: "app", appKeyIndex: 1 }, ttl: 5 });
  assert.deepEqual(results, ["sent"]);
  assert.equal(a.received.length, 1, "the reply came back");
  assert.equal(a.received[0]!.opcode, OP_STATUS);
  assert.equal(a.received[0]!.ttl, 5);
  a.ctx!.send(OP_SET, Uint8Array.of(3), { dst: 0x20, key: { kind: "app", appKeyIndex: 1 }, ttl: 0 });
  w.clock.runUntil(2000);
  assert.equal(a.received.length, 2);
  assert.equal(a.received[1]!.ttl, 0, "reply to a TTL 0 request has TTL 0 (3.7.4.1)");
});

test("segmented messages: 200 octets to a unicast address are acknowledged; two senders reassemble at once", () => {
  // Relay off: in this all-in-range world every relayed copy would only queue behind the segments.
  const w = world([0x10, 0x11, 0x20], { relay: false });
  const big = Uint8Array.from({ length: 200 }, (_, i) => i);
  const results: SendResult[] = [];
  w.model(0x10).ctx!.send(OP_SET, big, { dst: 0x20, key: { kind: "app", appKeyIndex: 1 } }, (r) => results.push("a:" + r as SendResult));
  w.model(0x11).ctx!.send(OP_SET, big.map((b) => b ^ 0xff), { dst: 0x20, key: { kind: "app", appKeyIndex: 1 } }, (r) => results.push("b:" + r as SendResult));
  w.clock.runUntil(5000);
  const got = w.model(0x20).received;
  assert.equal(got.length, 2);
  assert.deepEqual([...got.find((m) => m.src === 0x10)!.params], [...big]);
  assert.deepEqual([...got.find((m) => m.src === 0x11)!.params], [...big.map((b) => b ^ 0xff)]);
  assert.deepEqual(results.sort(), ["a:acked", "b:acked"]);
});

test("no free reassembly context: the sender is told at once with an empty Block Ack and fails", () => {
  const w = world([0x10, 0x11, 0x20], { maxRxContexts: 1 });
  const big = new Uint8Array(100);
  const results: string[] = [];
  w.model(0x10).ctx!.send(OP_SET, big, { dst: 0x20, key: { kind: "app", appKeyIndex: 1 } }, (r) => results.push("a:" + r));
  w.clock.runUntil(30);
  w.model(0x11).ctx!.send(OP_SET, big, { dst: 0x20, key: { kind: "app", appKeyIndex: 1 } }, (r) => results.push("b:" + r));
  w.clock.runUntil(5000);
  assert.ok(results.includes("a:acked"), results.join());
  assert.ok(results.includes("b:failed"), results.join());
  assert.ok(w.nodes.get(0x20)!.node.lower.stats.rxBusy >= 1);
});

test("group publication reaches subscribers only; unbound key, unknown opcode and bad length reach no model", () => {
  const w = world([0x10, 0x20, 0x30]);
  const st = w.nodes.get(0x10)!.node.state;
  assert.equal(st.setPublication({ elementAddress: 0x10, modelId: MODEL }, { address: 0xc000, appKeyIndex: 1, credentialFlag: false, ttl: 0xff, period: 0, retransmit: { count: 1, intervalSteps: 1 } }), 0);
  assert.equal(w.nodes.get(0x20)!.node.state.addSubscription({ elementAddress: 0x20, modelId: MODEL }, 0xc000), 0);
  w.model(0x10).ctx!.publish(OP_SET, Uint8Array.of(7));
  w.clock.runUntil(2000);
  // Each publish retransmission is a new message with a new SEQ (3.7.6.1); models tell repeats apart (e.g. by TID).
  assert.equal(w.model(0x20).received.length, 2, "subscriber gets the message and its retransmission");
  assert.equal(w.model(0x30).received.length, 0, "non-subscriber does not");
  // Unbound key: the receiver's model is not bound to AppKey 2.
  const b = w.nodes.get(0x20)!.node;
  w.nodes.get(0x10)!.node.state.addAppKey(0, 2, APP_KEY.map((x) => x ^ 1));
  b.state.addAppKey(0, 2, APP_KEY.map((x) => x ^ 1));
  const sentBefore = b.network.stats.sent;
  w.model(0x10).ctx!.send(OP_SET, Uint8Array.of(1), { dst: 0x20, key: { kind: "app", appKeyIndex: 2 } });
  w.model(0x10).ctx!.send(0x8299, Uint8Array.of(1), { dst: 0x20, key: { kind: "app", appKeyIndex: 1 } });
  w.model(0x10).ctx!.send(OP_SET, new Uint8Array(0), { dst: 0x20, key: { kind: "app", appKeyIndex: 1 } });
  w.clock.runUntil(4000);
  assert.equal(w.model(0x20).received.length, 2);
  assert.equal(b.access.stats.keyNotBound, 1);
  assert.equal(b.access.stats.unknownOpcode, 1);
  assert.equal(b.access.stats.badLength, 1);
  assert.equal(b.network.stats.sent, sentBefore, "no reply to any of them");
});

test("relay: a chain A - R - B delivers with TTL - 1; TTL 1 and TTL 0 are not relayed; a node never relays its own", () => {
  const w = world([0x10, 0x50, 0x20], { links: [[0x10, 0x50], [0x50, 0x20]] });
  const a = w.model(0x10);
  a.ctx!.send(OP_STATUS, Uint8Array.of(1), { dst: 0x20, key: { kind: "app", appKeyIndex: 1 }, ttl: 5 });
  w.clock.runUntil(1000);
  assert.equal(w.model(0x20).received.length, 1);
  assert.equal(w.model(0x20).received[0]!.ttl, 4, "relayed once, TTL - 1");
  for (const ttl of [1, 0]) {
    a.ctx!.send(OP_STATUS, Uint8Array.of(2), { dst: 0x20, key: { kind: "app", appKeyIndex: 1 }, ttl });
    w.clock.runUntil(w.clock.now() + 1000);
  }
  assert.equal(w.model(0x20).received.length, 1, "TTL 1 and 0 never relayed (3.4.6.3)");
  const r = w.nodes.get(0x50)!.node;
  const relayedBefore = r.network.stats.relayed;
  // R's own message to A, heard back relayed by B (B relays anything with TTL >= 2 not for itself):
  w.model(0x50).ctx!.send(OP_STATUS, Uint8Array.of(3), { dst: 0x10, key: { kind: "app", appKeyIndex: 1 }, ttl: 5 });
  w.clock.runUntil(w.clock.now() + 1000);
  assert.equal(w.model(0x10).received.length, 1);
  assert.ok(w.nodes.get(0x20)!.node.network.stats.relayed > 0, "B relayed R's message");
  assert.equal(r.network.stats.relayed, relayedBefore, "R did not relay its own message heard back");
  assert.ok(r.network.stats.ownEcho + r.network.stats.duplicates > 0);
});

test("relay disabled: nothing is relayed", () => {
  const w = world([0x10, 0x50, 0x20], { links: [[0x10, 0x50], [0x50, 0x20]], relay: false });
  w.model(0x10).ctx!.send(OP_STATUS, Uint8Array.of(1), { dst: 0x20, key: { kind: "app", appKeyIndex: 1 }, ttl: 5 });
  w.clock.runUntil(1000);
  assert.equal(w.model(0x20).received.length, 0);
  assert.equal(w.nodes.get(0x50)!.node.network.stats.relayed, 0);
});

test("SAR: a segmented message missing a segment is discarded after the SAR Discard timeout; the sender fails", () => {
  const w = world([0x10, 0x20]);
  // Only the first network PDU from 0x10 (segment 0) gets through; segment 1 and every retransmission are lost.
  let first: string | undefined;
  w.air.drop = (from, _to, adType, data) => {
    if (from.name !== "n10" || adType !== 0x2a) return false;
    first ??= Buffer.from(data).toString("hex");
    return first !== Buffer.from(data).toString("hex");
  };
  const results: SendResult[] = [];
  w.model(0x10).ctx!.send(OP_SET, new Uint8Array(20), { dst: 0x20, key: { kind: "app", appKeyIndex: 1 } }, (r) => results.push(r));
  w.clock.runUntil(30000);
  assert.equal(w.model(0x20).received.length, 0);
  assert.deepEqual(results, ["failed"]);
  assert.equal(w.nodes.get(0x20)!.node.lower.stats.rxDiscarded, 1);
});

test("heartbeat: publication every 2 s to a subscriber, which counts it with its hops", () => {
  const w = world([0x10, 0x50, 0x20], { links: [[0x10, 0x50], [0x50, 0x20]] });
  const pubNode = w.nodes.get(0x10)!.node;
  const subNode = w.nodes.get(0x20)!.node;
  assert.equal(subNode.state.setHeartbeatSubscription(0x10, 0x20, 0x06), 0);
  assert.equal(pubNode.state.setHeartbeatPublication({ dst: 0x20, countLog: 0x03, periodLog: 0x02, ttl: 5, features: 1, netKeyIndex: 0 }), 0);
  w.clock.runUntil(20000);
  const sub = subNode.state.heartbeatSubscription();
  assert.equal(sub.src, 0x10);
  assert.equal(sub.countLog, 0x03, "4 heartbeats (CountLog 3)");
  assert.equal(sub.minHops, 2);
  assert.equal(sub.maxHops, 2);
  assert.equal(pubNode.state.heartbeatPublication().countLog, 0, "count exhausted");
  assert.ok(w.nodes.get(0x20)!.events.some((e) => e.includes('"heartbeat"')));
});

test("heartbeat to a group no model subscribes to still reaches the heartbeat subscription", () => {
  const w = world([0x10, 0x20]);
  const subNode = w.nodes.get(0x20)!.node;
  assert.equal(subNode.state.setHeartbeatSubscription(0x10, 0xc123, 0x05), 0);
  assert.equal(w.nodes.get(0x10)!.node.state.setHeartbeatPublication({ dst: 0xc123, countLog: 0x02, periodLog: 0x01, ttl: 3, features: 0, netKeyIndex: 0 }), 0);
  w.clock.runUntil(w.clock.now() + 5000);
  const sub = subNode.state.heartbeatSubscription();
  assert.equal(sub.countLog, 0x02, "both heartbeats counted");
  assert.deepEqual([sub.minHops, sub.maxHops], [1, 1]);
});

test("local interface: a message to the node's own group or element is delivered locally, with no RPL entry or flash write", () => {
  const w = world([0x10]);
  const n = w.nodes.get(0x10)!.node;
  assert.equal(n.state.addSubscription({ elementAddress: 0x10, modelId: MODEL }, 0xc005), 0);
  n.netState.allocate(); // the first SEQ block is reserved (one write) before measuring
  const writes = n.store.writes;
  w.model(0x10).ctx!.send(OP_STATUS, Uint8Array.of(1), { dst: 0xc005, key: { kind: "app", appKeyIndex: 1 } });
  w.model(0x10).ctx!.send(OP_STATUS, Uint8Array.of(2), { dst: 0x10, key: { kind: "app", appKeyIndex: 1 } });
  w.model(0x10).ctx!.send(OP_STATUS, new Uint8Array(40), { dst: 0xc005, key: { kind: "app", appKeyIndex: 1 } });
  w.clock.runUntil(3000);
  assert.deepEqual(w.model(0x10).received.map((m) => m.params.length), [1, 1, 40]);
  assert.equal(n.rpl.count, 0);
  assert.equal(n.store.writes - writes, 0, "no RPL write");
});

test("periodic publication: the Publish Period calls the model's periodicPublication and publishes it", () => {
  const w = world([0x10, 0x20]);
  const m = w.model(0x10);
  let n = 0;
  Object.assign(m, { periodicPublication: () => ({ opcode: OP_STATUS, params: Uint8Array.of(++n) }) });
  // The models were attached at start; the period timer starts when the publication is set.
  assert.equal(w.nodes.get(0x10)!.node.state.setPublication({ elementAddress: 0x10, modelId: MODEL }, { address: 0x20, appKeyIndex: 1, credentialFlag: false, ttl: 3, period: 0x42, retransmit: { count: 0, intervalSteps: 0 } }), 0);
  w.clock.runUntil(w.clock.now() + 10500); // period 0x42: step resolution 0b01 (1 s), 2 steps: every 2 s
  assert.equal(w.model(0x20).received.length, 5, "every 2 s for 10 s");
  assert.deepEqual(w.model(0x20).received.map((r) => r.params[0]), [1, 2, 3, 4, 5]);
  w.nodes.get(0x10)!.node.state.setPublication({ elementAddress: 0x10, modelId: MODEL }, { address: 0, appKeyIndex: 0, credentialFlag: false, ttl: 0, period: 0, retransmit: { count: 0, intervalSteps: 0 } });
  w.clock.runUntil(w.clock.now() + 10000);
  assert.equal(w.model(0x20).received.length, 5, "stopped with the publication");
});

test("IV Update in progress: the node sends with IV Index - 1, beacons the update, and its peer follows", () => {
  const w = world([0x10, 0x20]);
  const a = w.nodes.get(0x10)!.node;
  const ivBefore = a.netState.ivIndex;
  // Test mode is off: a beacon cannot move it before 96 hours; the hours go by in virtual time.
  w.clock.runUntil(w.clock.now() + 97 * 3600 * 1000);
  assert.equal(a.iv.onBeacon(ivBefore + 1, true), "enter-update");
  assert.equal(a.netState.txIvIndex, ivBefore);
  w.model(0x10).ctx!.send(OP_STATUS, Uint8Array.of(9), { dst: 0x20, key: { kind: "app", appKeyIndex: 1 } });
  w.clock.runUntil(w.clock.now() + 1000);
  assert.equal(w.model(0x20).received.length, 1, "the message arrives");
  // A's Secure Network beacon (sent at once after its IV change) took B into the update too.
  const b = w.nodes.get(0x20)!.node;
  assert.deepEqual([b.netState.ivIndex, b.netState.ivUpdate], [ivBefore + 1, true]);
  assert.equal(b.iv.onBeacon(ivBefore + 1, false), "too-early", "96 hours in progress before Normal");
  w.model(0x20).ctx!.send(OP_STATUS, Uint8Array.of(8), { dst: 0x10, key: { kind: "app", appKeyIndex: 1 } });
  w.clock.runUntil(w.clock.now() + 1000);
  assert.equal(w.model(0x10).received.length, 1);
});

test("sending: bad requests are reported as not-sent, never thrown", () => {
  const w = world([0x10]);
  const ctx = w.model(0x10).ctx!;
  assert.equal(w.nodes.get(0x10)!.node.state.addNetKey(5, new Uint8Array(16).fill(5)), 0);
  const results: string[] = [];
  const r = (x: string) => results.push(x);
  ctx.send(0x7f, new Uint8Array(0), { dst: 0x20, key: { kind: "app", appKeyIndex: 1 } }, r); // RFU opcode
  ctx.send(OP_SET, new Uint8Array(400), { dst: 0x20, key: { kind: "app", appKeyIndex: 1 } }, r); // too long
  ctx.send(OP_SET, Uint8Array.of(1), { dst: 0x20, key: { kind: "app", appKeyIndex: 9 } }, r); // unknown AppKey
  ctx.send(OP_SET, Uint8Array.of(1), { dst: 0x20, key: { kind: "app", appKeyIndex: 1 }, netKeyIndex: 5 }, r); // AppKey on another NetKey
  ctx.send(OP_SET, Uint8Array.of(1), { dst: 0xc000, key: { kind: "device" } }, r); // device key to a group
  ctx.send(OP_SET, Uint8Array.of(1), { dst: 0x20, key: { kind: "device", deviceKey: new Uint8Array(3) } }, r); // bad device key
  ctx.send(OP_SET, Uint8Array.of(1), { dst: 0, key: { kind: "app", appKeyIndex: 1 } }, r); // unassigned
  ctx.send(OP_SET, Uint8Array.of(1), { dst: 0x20, key: { kind: "app", appKeyIndex: 1 }, ttl: 200 }, r); // TTL
  ctx.send(OP_SET, Uint8Array.of(1), { dst: 0, label: new Uint8Array(5), key: { kind: "app", appKeyIndex: 1 } }, r); // bad label
  ctx.publish(OP_SET, Uint8Array.of(1), r); // no publication
  w.clock.runUntil(1000);
  assert.deepEqual(results, new Array(10).fill("not-sent"));
  assert.equal(w.nodes.get(0x10)!.node.network.stats.sent, 0);
});
