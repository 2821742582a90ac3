// Power-loss safety of the node's storage: sequence numbers never repeat across a reboot, with the power
// lost at every write of the SEQ block; the replay protection list keeps replays out across a reboot, with
// the power lost at every RPL write; a full RPL is defined; IV state survives; Node Reset forgets everything
// and an interrupted reset leaks nothing into the next provisioning; corrupt and refused storage.
import { test } from "node:test";
import assert from "node:assert/strict";
import { AD_TYPE } from "../../modules/platform.js";
import type { Bytes } from "../../modules/platform.js";
import { MemoryStorage } from "../../host/storage.js";
import { VirtualClock } from "../../host/virtual-clock.js";
import { CaptureRadio } from "../bearer/loopback.js";
import { ConfigStatus } from "../../modules/access/model.js";
import { APP_KEY, PowerLossStorage, TestModel, makeNode, meshPdus, record } from "./helpers.js";

const MODEL = { modelId: 0x1000 };
const OP = 0x8202;

test("SEQ never repeats across a reboot, with the power lost at each write of the sequence block", () => {
  const block = 16;
  for (let failAt = 1; failAt <= 12; failAt++) {
    const storage = new PowerLossStorage();
    const clock = new VirtualClock();
    const rec = record(0x10);
    const used: number[] = [];
    storage.failAt = failAt;
    const a = makeNode(new CaptureRadio(clock), clock, rec, [], { storage, seqBlockSize: block });
    for (let i = 0; i < 100; i++) {
      const s = a.node.netState.allocate();
      if (s === undefined) break; // the block write failed: the node cannot send (and did not)
      used.push(s);
    }
    // Power back: a new boot over what really reached flash.
    storage.failAt = Infinity;
    const b = makeNode(new CaptureRadio(clock), clock, rec, [], { storage, seqBlockSize: block });
    for (let i = 0; i < 100; i++) used.push(b.node.netState.allocate()!);
    assert.equal(new Set(used).size, used.length, `SEQ repeated with power lost at write ${failAt}`);
    assert.ok(used.length >= 100);
  }
});

test("a reboot costs at most one block of SEQ values; one write per block", () => {
  const storage = new MemoryStorage();
  const clock = new VirtualClock();
  const rec = record(0x10);
  const a = makeNode(new CaptureRadio(clock), clock, rec, [], { storage, seqBlockSize: 64 });
  const w0 = a.node.store.writes;
  for (let i = 0; i < 640; i++) a.node.netState.allocate();
  assert.equal(a.node.store.writes - w0, 10, "10 blocks of 64, 10 writes");
  const b = makeNode(new CaptureRadio(clock), clock, rec, [], { storage, seqBlockSize: 64 });
  const next = b.node.netState.allocate()!;
  assert.ok(next >= 640 && next <= 640 + 64, `resumes at ${next}`);
});

/** A sender and a receiver; returns the sender's captured PDUs for replays. */
function pair(receiverStorage: PowerLossStorage | MemoryStorage, rplSize?: number) {
  const clock = new VirtualClock();
  const txRadio = new CaptureRadio(clock);
  const rxRadio = new CaptureRadio(clock);
  const recRx = record(0x20);
  const mkRx = () => {
    const model = new TestModel(MODEL, [{ opcode: OP }]);
    const t = makeNode(rxRadio, clock, recRx, [model], { storage: receiverStorage, beaconIntervalMs: 1e9, ...(rplSize ? { rplSize } : {}) });
    t.node.state.addAppKey(0, 1, APP_KEY);
    t.node.state.bindAppKey({ elementAddress: 0x20, modelId: MODEL }, 1);
    t.node.start();
    return t;
  };
  const senders = [0x10, 0x11, 0x12].map((a) => {
    const m = new TestModel(MODEL, []);
    const t = makeNode(txRadio, clock, record(a), [m], { beaconIntervalMs: 1e9 });
    t.node.state.addAppKey(0, 1, APP_KEY);
    t.node.start();
    return t;
  });
  return { clock, txRadio, rxRadio, mkRx, senders };
}

test("the replay protection list survives reboots, with the power lost at each RPL write: no replay is ever accepted", () => {
  for (let failAt = 1; failAt <= 8; failAt++) {
    const storage = new PowerLossStorage();
    const p = pair(storage);
    let rx = p.mkRx();
    const writesAtStart = storage.writes;
    storage.failAt = writesAtStart + failAt;
    const pdus: Bytes[] = [];
    const delivered = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const from = p.senders[i % 2]!;
      const n0 = p.txRadio.sent.length;
      from.models[0]!.ctx!.send(OP, Uint8Array.of(i), { dst: 0x20, key: { kind: "app", appKeyIndex: 1 } });
      p.clock.runUntil(p.clock.now() + 50);
      const pdu = meshPdus(p.txRadio.sent, n0)[0]!;
      pdus.push(pdu);
      p.rxRadio.inject(AD_TYPE.MESH_MESSAGE, pdu);
      p.clock.runUntil(p.clock.now() + 50);
      for (const m of rx.models[0]!.received) delivered.add(`${m.src}:${m.params[0]}`);
    }
    // Reboot with the power back, then every PDU is replayed.
    storage.failAt = Infinity;
    rx.node.stop();
    rx = p.mkRx();
    for (const pdu of pdus) p.rxRadio.inject(AD_TYPE.MESH_MESSAGE, pdu);
    p.clock.runUntil(p.clock.now() + 200);
    for (const m of rx.models[0]!.received) {
      const k = `${m.src}:${m.params[0]}`;
      assert.ok(!delivered.has(k), `power lost at RPL write ${failAt}: message ${k} accepted twice`);
    }
  }
});

test("RPL full: a known source is always served; a new source is refused and reported, never silently", () => {
  const p = pair(new MemoryStorage(), 2);
  const rx = p.mkRx();
  const send = (i: number, v: number): void => {
    p.senders[i]!.models[0]!.ctx!.send(OP, Uint8Array.of(v), { dst: 0x20, key: { kind: "app", appKeyIndex: 1 } });
    p.clock.runUntil(p.clock.now() + 50);
    for (const pdu of meshPdus(p.txRadio.sent, p.txRadio.sent.length - 3)) p.rxRadio.inject(AD_TYPE.MESH_MESSAGE, pdu);
    p.clock.runUntil(p.clock.now() + 50);
  };
  send(0, 1);
  send(1, 2);
  send(2, 3); // a third source: the list (2 entries) is full
  send(0, 4);
  send(1, 5);
  assert.deepEqual(rx.models[0]!.received.map((m) => m.params[0]), [1, 2, 4, 5]);
  assert.ok(rx.events.some((e) => e === JSON.stringify({ type: "rpl-full", src: 0x12 })), rx.events.join());
  assert.equal(rx.node.rpl.fullDrops, 1);
});

test("IV Index, IV Update flag and configuration survive a reboot", () => {
  const storage = new MemoryStorage();
  const clock = new VirtualClock();
  const rec = record(0x10, { ivIndex: 5 });
  const model = new TestModel(MODEL, []);
  const a = makeNode(new CaptureRadio(clock), clock, rec, [model], { storage, ivUpdateTestMode: true });
  assert.equal(a.node.iv.onBeacon(6, true), "enter-update");
  assert.equal(a.node.state.addAppKey(0, 7, APP_KEY), 0);
  assert.equal(a.node.state.bindAppKey({ elementAddress: 0x10, modelId: MODEL }, 7), 0);
  assert.equal(a.node.state.addSubscription({ elementAddress: 0x10, modelId: MODEL }, 0xc001), 0);
  assert.equal(a.node.state.setDefaultTtl(9), 0);
  const b = makeNode(new CaptureRadio(clock), clock, rec, [model], { storage });
  assert.equal(b.node.netState.ivIndex, 6);
  assert.equal(b.node.netState.ivUpdate, true);
  assert.equal(b.node.netState.txIvIndex, 5);
  assert.deepEqual(b.node.state.appKeyIndexes(0), { status: 0, value: [7] });
  assert.deepEqual(b.node.state.boundAppKeys({ elementAddress: 0x10, modelId: MODEL }), { status: 0, value: [7] });
  assert.deepEqual(b.node.state.subscriptions({ elementAddress: 0x10, modelId: MODEL }), { status: 0, value: [0xc001] });
  assert.equal(b.node.state.defaultTtl, 9);
});

test("Node Reset removes the provisioning record first, then everything; an interrupted reset leaks nothing", () => {
  const storage = new PowerLossStorage();
  const clock = new VirtualClock();
  const rec = record(0x10);
  storage.write("prov", new Uint8Array(50));
  const a = makeNode(new CaptureRadio(clock), clock, rec, [new TestModel(MODEL, [])], { storage });
  a.node.start();
  a.node.state.addAppKey(0, 3, APP_KEY);
  a.node.netState.allocate();
  const removed: string[] = [];
  const inner = storage.inner;
  const remove = inner.remove.bind(inner);
  inner.remove = (k: string) => {
    removed.push(k);
    remove(k);
  };
  a.node.state.reset();
  assert.equal(removed[0], "prov", "the provisioning record goes first");
  for (const k of ["prov", "mesh.net", "mesh.keys", "mesh.cfg", "mesh.models", "mesh.rpl.0"]) assert.equal(inner.read(k), undefined, k);
  assert.ok(a.events.includes(JSON.stringify({ type: "reset" })));
  // Interrupted reset: only "prov" went; the old node's records remain. A new provisioning ignores them.
  const s2 = new MemoryStorage();
  const old = makeNode(new CaptureRadio(clock), clock, rec, [new TestModel(MODEL, [])], { storage: s2 });
  old.node.state.addAppKey(0, 3, APP_KEY);
  for (let i = 0; i < 5000; i++) old.node.netState.allocate();
  const fresh = makeNode(new CaptureRadio(clock), clock, record(0x10, { devKey: new Uint8Array(16).fill(9) }), [new TestModel(MODEL, [])], { storage: s2 });
  assert.deepEqual(fresh.node.state.appKeyIndexes(0), { status: 0, value: [] }, "no AppKey of the old life");
  assert.equal(fresh.node.netState.allocate(), 0, "SEQ of the new life starts at 0");
});

test("corrupt records are reported and ignored; a refused write is STORAGE_FAILURE with the state unchanged", () => {
  const storage = new PowerLossStorage();
  const clock = new VirtualClock();
  const rec = record(0x10);
  const a = makeNode(new CaptureRadio(clock), clock, rec, [new TestModel(MODEL, [])], { storage });
  a.node.state.addAppKey(0, 3, APP_KEY);
  const bad = storage.read("mesh.keys")!;
  bad[8]! ^= 0xff;
  storage.write("mesh.keys", bad);
  const b = makeNode(new CaptureRadio(clock), clock, rec, [new TestModel(MODEL, [])], { storage });
  b.node.start();
  assert.ok(b.events.some((e) => e.includes("storage-error") && e.includes("mesh.keys") && e.includes("CRC")), b.events.join());
  assert.deepEqual(b.node.state.netKeyIndexes(), [0], "back to the provisioned NetKey");
  assert.ok(!b.events.join().includes("7dd7364c"), "no key in the event");
  storage.failAt = storage.writes + 1;
  assert.equal(b.node.state.addAppKey(0, 4, APP_KEY), ConfigStatus.STORAGE_FAILURE);
  assert.deepEqual(b.node.state.appKeyIndexes(0), { status: 0, value: [] });
  assert.equal(b.node.state.setDefaultTtl(10), ConfigStatus.STORAGE_FAILURE);
  assert.equal(b.node.state.defaultTtl, 5);
});

test("model configuration is stored by model identity: a firmware that reorders its models keeps each one's", () => {
  const storage = new MemoryStorage();
  const clock = new VirtualClock();
  const rec = record(0x10);
  const A = { modelId: 0x1000 }, B = { modelId: 0x0001, companyId: 0x0059 };
  const a = makeNode(new CaptureRadio(clock), clock, rec, [new TestModel(A, []), new TestModel(B, [])], { storage });
  a.node.state.addAppKey(0, 1, APP_KEY);
  a.node.state.addAppKey(0, 2, APP_KEY.map((x) => x ^ 2));
  assert.equal(a.node.state.bindAppKey({ elementAddress: 0x10, modelId: A }, 1), 0);
  assert.equal(a.node.state.bindAppKey({ elementAddress: 0x10, modelId: B }, 2), 0);
  assert.equal(a.node.state.addSubscription({ elementAddress: 0x10, modelId: B }, 0xc00b), 0);
  const b = makeNode(new CaptureRadio(clock), clock, rec, [new TestModel(B, []), new TestModel(A, [])], { storage });
  assert.deepEqual(b.node.state.boundAppKeys({ elementAddress: 0x10, modelId: A }), { status: 0, value: [1] });
  assert.deepEqual(b.node.state.boundAppKeys({ elementAddress: 0x10, modelId: B }), { status: 0, value: [2] });
  assert.deepEqual(b.node.state.subscriptions({ elementAddress: 0x10, modelId: B }), { status: 0, value: [0xc00b] });
  assert.deepEqual(b.node.state.subscriptions({ elementAddress: 0x10, modelId: A }), { status: 0, value: [] });
});
