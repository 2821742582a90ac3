// The network layer in a running node, fed hostile PDUs: a bad NetMIC, a wrong NID, an old IV Index, a
// replayed SEQ, a segment outside SegN, garbage of every length. Each is dropped with no reply, no model
// call, no storage write and no relay; a good PDU then still gets through.
import { test } from "node:test";
import assert from "node:assert/strict";
import { AD_TYPE } from "../../modules/platform.js";
import { MeshCrypto } from "../../modules/crypto/mesh.js";
import { hexToBytes as h } from "../../modules/crypto/bytes.js";
import { deriveNetworkKeys, encodeNetworkPdu } from "../../modules/net/pdu.js";
import { encodeLowerPdu } from "../../modules/transport/pdu.js";
import { encryptAccess } from "../../modules/transport/upper.js";
import { encodeAccessPayload } from "../../modules/access/opcode.js";
import { NodeCryptoPrimitives } from "../../host/node-crypto.js";
import { VirtualClock } from "../../host/virtual-clock.js";
import { CaptureRadio, prng } from "../bearer/loopback.js";
import { APP_KEY, NET_KEY, TestModel, makeNode, record } from "../node/helpers.js";

const prims = new NodeCryptoPrimitives();
const mc = new MeshCrypto(prims);
const keys = deriveNetworkKeys(mc, NET_KEY);
const AID = mc.k4(APP_KEY);
const IV = 0x1000;

/** An access message from 0x30 to 0x20 as the network PDU a peer would send. */
function pdu(seq: number, opts: { ivIndex?: number; ttl?: number; nidXor?: number; flipMic?: boolean } = {}): Uint8Array {
  const ivIndex = opts.ivIndex ?? IV;
  const payload = encodeAccessPayload(0x8202, Uint8Array.of(seq & 0xff));
  const upper = encryptAccess(prims, { device: false, key: APP_KEY, bigMic: false, segmented: false, seq, src: 0x30, dst: 0x20, ivIndex }, payload);
  const lower = encodeLowerPdu({ seg: false, ctl: 0, akf: true, aid: AID, upper });
  const out = encodeNetworkPdu(prims, { ...keys, nid: keys.nid ^ (opts.nidXor ?? 0) }, { ivIndex, ctl: 0, ttl: opts.ttl ?? 5, seq, src: 0x30, dst: 0x20 }, lower);
  if (opts.flipMic) out[out.length - 1]! ^= 0x01;
  return out;
}

function setup() {
  const clock = new VirtualClock();
  const radio = new CaptureRadio(clock);
  const model = new TestModel({ modelId: 0x1000 }, [{ opcode: 0x8202, reply: { opcode: 0x8204, params: Uint8Array.of(0) } }]);
  const t = makeNode(radio, clock, record(0x20, { ivIndex: IV }), [model], { beaconIntervalMs: 1e9 });
  t.node.state.addAppKey(0, 1, APP_KEY);
  t.node.state.bindAppKey({ elementAddress: 0x20, modelId: { modelId: 0x1000 } }, 1);
  t.node.start();
  clock.runUntil(2000); // past the first Secure Network beacon
  return { clock, radio, model, t };
}

function quiet(s: ReturnType<typeof setup>, f: () => void, what: string): void {
  const writes = s.t.node.store.writes;
  const sent = s.radio.sent.length;
  const got = s.model.received.length;
  const rpl = JSON.stringify(s.t.node.rpl.entry(0x30));
  f();
  s.clock.runUntil(s.clock.now() + 1000);
  assert.equal(s.model.received.length, got, `${what}: no model call`);
  assert.equal(s.radio.sent.length, sent, `${what}: nothing sent (no reply, no relay)`);
  assert.equal(s.t.node.store.writes, writes, `${what}: no storage write`);
  assert.equal(JSON.stringify(s.t.node.rpl.entry(0x30)), rpl, `${what}: replay list unchanged`);
}

test("bad NetMIC, wrong NID, old IV Index, replayed SEQ: dropped with no reply and no state change", () => {
  const s = setup();
  quiet(s, () => s.radio.inject(AD_TYPE.MESH_MESSAGE, pdu(10, { flipMic: true })), "bad NetMIC");
  quiet(s, () => s.radio.inject(AD_TYPE.MESH_MESSAGE, pdu(11, { nidXor: 1 })), "wrong NID");
  quiet(s, () => s.radio.inject(AD_TYPE.MESH_MESSAGE, pdu(12, { ivIndex: IV - 2 })), "IV Index - 2");
  quiet(s, () => s.radio.inject(AD_TYPE.MESH_MESSAGE, pdu(13, { ivIndex: IV + 1 })), "IV Index + 1");
  // A good one is taken and answered.
  s.radio.inject(AD_TYPE.MESH_MESSAGE, pdu(20));
  s.clock.runUntil(s.clock.now() + 1000);
  assert.equal(s.model.received.length, 1);
  // Its replay, and an older SEQ, are dropped (the network cache or the RPL).
  quiet(s, () => s.radio.inject(AD_TYPE.MESH_MESSAGE, pdu(20)), "replayed SEQ");
  quiet(s, () => s.radio.inject(AD_TYPE.MESH_MESSAGE, pdu(19)), "older SEQ");
  // The network cache forgets; the RPL does not: flood the cache, then replay.
  s.t.node.network.cache.clear();
  quiet(s, () => s.radio.inject(AD_TYPE.MESH_MESSAGE, pdu(20)), "replayed SEQ after the cache forgot");
  assert.ok(s.t.node.lower.stats.replays >= 1);
  // IV Index - 1 (IVI bit differs) is still accepted (3.10.5) when newer for its source.
  s.radio.inject(AD_TYPE.MESH_MESSAGE, pdu(30, { ivIndex: IV - 1 }));
  s.clock.runUntil(s.clock.now() + 1000);
  assert.equal(s.model.received.length, 1, "IV - 1 is older than the RPL entry at IV: a replay");
});

test("a segment outside SegN and malformed transport PDUs are dropped", () => {
  const s = setup();
  const seg = encodeLowerPdu({ seg: true, ctl: 0, akf: true, aid: AID, szmic: false, seqZero: 40, segO: 3, segN: 1, segment: new Uint8Array(12) });
  const p = encodeNetworkPdu(prims, keys, { ivIndex: IV, ctl: 0, ttl: 5, seq: 40, src: 0x30, dst: 0x20 }, seg);
  quiet(s, () => s.radio.inject(AD_TYPE.MESH_MESSAGE, p), "SegO > SegN");
  assert.equal(s.t.node.lower.stats.malformed, 1);
  const short = encodeNetworkPdu(prims, keys, { ivIndex: IV, ctl: 0, ttl: 5, seq: 41, src: 0x30, dst: 0x20 }, h("4001"));
  quiet(s, () => s.radio.inject(AD_TYPE.MESH_MESSAGE, short), "unsegmented access PDU too short");
});

test("random garbage of every length never throws and is never taken", () => {
  const s = setup();
  const rnd = prng(99);
  quiet(s, () => {
    for (let n = 0; n < 2000; n++) {
      const len = Math.floor(rnd() * 40);
      const b = Uint8Array.from({ length: len }, () => Math.floor(rnd() * 256));
      if (len > 0 && rnd() < 0.5) b[0] = (IV & 1) << 7 | keys.nid; // right IVI/NID, so it gets to the MIC check
      s.radio.inject(rnd() < 0.8 ? AD_TYPE.MESH_MESSAGE : AD_TYPE.MESH_BEACON, b);
    }
  }, "garbage");
});

test("malformed first segments from many sources take no reassembly context; a good segmented message still gets through", () => {
  const s = setup();
  const lower = s.t.node.lower;
  for (let src = 0x40; src < 0x50; src++) {
    // Segment 0 of 2 with 5 octets instead of 12: malformed.
    const seg = encodeLowerPdu({ seg: true, ctl: 0, akf: true, aid: AID, szmic: false, seqZero: 7, segO: 0, segN: 1, segment: new Uint8Array(5) });
    s.radio.inject(AD_TYPE.MESH_MESSAGE, encodeNetworkPdu(prims, keys, { ivIndex: IV, ctl: 0, ttl: 5, seq: 7, src, dst: 0x20 }, seg));
  }
  assert.equal(lower.stats.malformed, 16);
  // A real two-segment message from 0x30.
  const payload = encodeAccessPayload(0x8202, new Uint8Array(18).fill(3)); // 2 + 18 + TransMIC 4 = two segments
  const upper = encryptAccess(prims, { device: false, key: APP_KEY, bigMic: false, segmented: true, seq: 100, src: 0x30, dst: 0x20, ivIndex: IV }, payload);
  for (let segO = 0; segO < 2; segO++) {
    const seg = encodeLowerPdu({ seg: true, ctl: 0, akf: true, aid: AID, szmic: false, seqZero: 100, segO, segN: 1, segment: upper.subarray(segO * 12, segO * 12 + 12) });
    s.radio.inject(AD_TYPE.MESH_MESSAGE, encodeNetworkPdu(prims, keys, { ivIndex: IV, ctl: 0, ttl: 5, seq: 100 + segO, src: 0x30, dst: 0x20 }, seg));
  }
  s.clock.runUntil(s.clock.now() + 1000);
  assert.equal(s.model.received.length, 1);
  assert.equal(s.model.received[0]!.params.length, 18);
});
