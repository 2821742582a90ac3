// Secure Network beacons (Mesh Protocol 1.1, 3.10.3) against the 8.4.3-8.4.5 sample data in both directions,
// and the IV Update procedure (3.10.5): the 96-hour rules, test mode, recovery (42 steps, 192 hours),
// own initiation on SEQ exhaustion, persistence; a node applies an authenticated beacon and ignores a
// forged or foreign one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { AD_TYPE } from "../../modules/platform.js";
import { MeshCrypto } from "../../modules/crypto/mesh.js";
import { bytesToHex as x, hexToBytes as h } from "../../modules/crypto/bytes.js";
import { crc32, encodeRecord } from "../../modules/device/record.js";
import { ByteWriter, RecordKey, RecordKind, RecordStore } from "../../modules/node/records.js";
import { NetState } from "../../modules/net/state.js";
import { IV_UPDATE_SEQ_THRESHOLD, IvUpdate, decodeSecureBeacon, encodeSecureBeacon } from "../../modules/net/beacon.js";
import { MemoryStorage } from "../../host/storage.js";
import { NodeCryptoPrimitives } from "../../host/node-crypto.js";
import { VirtualClock } from "../../host/virtual-clock.js";
import { CaptureRadio } from "../bearer/loopback.js";
import { SECURE_BEACONS } from "./sample-data.js";
import { TestModel, makeNode, record } from "../node/helpers.js";
import { beaconKey as deriveBeaconKey } from "../../modules/net/keys.js";

const prims = new NodeCryptoPrimitives();
const mc = new MeshCrypto(prims);

for (const b of SECURE_BEACONS) {
  test(`${b.section}: Secure Network beacon built and authenticated byte for byte`, () => {
    const beaconKey = deriveBeaconKey(mc, h(b.netKey));
    assert.equal(x(beaconKey), b.beaconKey);
    const networkId = mc.k3(h(b.netKey));
    assert.equal(x(networkId), b.networkId);
    const enc = encodeSecureBeacon(prims, beaconKey, { keyRefresh: b.keyRefresh, ivUpdate: b.ivUpdate, networkId, ivIndex: b.ivIndex });
    assert.equal(x(enc), b.beacon);
    assert.deepEqual(decodeSecureBeacon(prims, beaconKey, networkId, h(b.beacon)), { keyRefresh: b.keyRefresh, ivUpdate: b.ivUpdate, networkId, ivIndex: b.ivIndex });
    const forged = h(b.beacon);
    forged[13]! ^= 1; // IV Index changed, authentication value kept
    assert.equal(decodeSecureBeacon(prims, beaconKey, networkId, forged), undefined);
    assert.equal(decodeSecureBeacon(prims, beaconKey, new Uint8Array(8), h(b.beacon)), undefined, "another network");
    assert.equal(decodeSecureBeacon(prims, beaconKey, networkId, h(b.beacon).subarray(0, 21)), undefined, "short");
  });
}

function ivState(ivIndex: number, testMode = false) {
  const storage = new MemoryStorage();
  const store = new RecordStore(storage, crc32(encodeRecord(record(1))));
  const state = new NetState(store, { ivIndex, ivUpdate: false }, 16);
  return { storage, store, state, iv: new IvUpdate(state, testMode) };
}

test("IV Update: 96 hours in Normal before entering; 96 hours in progress before leaving; SEQ restarts on leaving", () => {
  const { state, iv } = ivState(100);
  for (let i = 0; i < 50; i++) state.allocate();
  assert.equal(iv.onBeacon(101, true), "too-early");
  for (let i = 0; i < 96; i++) state.tickHour();
  assert.equal(iv.onBeacon(101, true), "enter-update");
  assert.deepEqual([state.ivIndex, state.ivUpdate, state.txIvIndex], [101, true, 100]);
  assert.ok(state.seq >= 50, "SEQ goes on during the update");
  assert.equal(iv.onBeacon(101, false), "too-early");
  for (let i = 0; i < 96; i++) state.tickHour();
  assert.equal(iv.onBeacon(101, false), "normal");
  assert.deepEqual([state.ivIndex, state.ivUpdate, state.txIvIndex, state.seq], [101, false, 101, 0]);
  assert.equal(iv.onBeacon(100, false), "ignored", "an older IV Index");
  assert.equal(iv.onBeacon(101, true), "ignored", "a replayed beacon of the finished update");
});

test("IV Update test mode waives the minimum durations", () => {
  const { state, iv } = ivState(7, true);
  assert.equal(iv.onBeacon(8, true), "enter-update");
  assert.equal(iv.onBeacon(8, false), "normal");
  assert.equal(state.ivIndex, 8);
});

test("IV Index Recovery: up to 42 steps, at most once per 192 hours; more than 42 ignored", () => {
  const { state, iv } = ivState(1000);
  assert.equal(iv.onBeacon(1043, false), "ignored", "43 steps");
  assert.equal(iv.onBeacon(1042, false), "recovery");
  assert.deepEqual([state.ivIndex, state.ivUpdate, state.seq], [1042, false, 0]);
  assert.equal(iv.onBeacon(1045, false), "too-early", "a second recovery within 192 hours");
  for (let i = 0; i < 192; i++) state.tickHour();
  assert.equal(iv.onBeacon(1045, true), "recovery");
  assert.deepEqual([state.ivIndex, state.ivUpdate, state.txIvIndex], [1045, true, 1044]);
});

test("the node starts an IV Update itself when its SEQ passes the threshold; 144 hours in progress end it", () => {
  const { store } = ivState(3);
  // A node 100 hours into Normal operation whose stored SEQ limit is at the threshold (it reboots there).
  store.save(RecordKey.NET, RecordKind.NET, new ByteWriter().u32(3).u8(0).u16(100).u16(0xffff).u24(IV_UPDATE_SEQ_THRESHOLD).done());
  const s2 = new NetState(store, { ivIndex: 3, ivUpdate: false }, 16);
  const iv2 = new IvUpdate(s2);
  s2.allocate();
  assert.equal(iv2.check(), "enter-update");
  assert.deepEqual([s2.ivIndex, s2.ivUpdate], [4, true]);
  for (let i = 0; i < 144; i++) s2.tickHour();
  assert.equal(iv2.check(), "normal");
  assert.deepEqual([s2.ivIndex, s2.ivUpdate, s2.seq], [4, false, 0]);
});

test("a node applies an authenticated beacon from the air, persists it, and ignores a forged one", () => {
  const clock = new VirtualClock();
  const radio = new CaptureRadio(clock);
  const rec = record(0x10, { ivIndex: 0x12345678 });
  const t = makeNode(radio, clock, rec, [new TestModel({ modelId: 0x1000 }, [])], { ivUpdateTestMode: true, beaconIntervalMs: 1e9 });
  t.node.start();
  const b = SECURE_BEACONS.find((s) => s.section === "8.4.4")!;
  const forged = h(b.beacon);
  forged[21]! ^= 1;
  radio.inject(AD_TYPE.MESH_BEACON, forged);
  assert.equal(t.node.ivIndex, 0x12345678);
  radio.inject(AD_TYPE.MESH_BEACON, h(b.beacon));
  assert.deepEqual([t.node.netState.ivIndex, t.node.netState.ivUpdate], [0x12345679, true]);
  radio.inject(AD_TYPE.MESH_BEACON, h(SECURE_BEACONS.find((s) => s.section === "8.4.5")!.beacon));
  assert.deepEqual([t.node.netState.ivIndex, t.node.netState.ivUpdate], [0x12345679, false]);
  assert.ok(t.events.some((e) => e.includes('"iv-index"')));
  // Its own beacons now carry the new state (8.4.5 exactly).
  clock.runUntil(clock.now() + 500);
  const sent = radio.sent.filter((s) => s.adType === AD_TYPE.MESH_BEACON).map((s) => x(s.data));
  assert.ok(sent.includes(SECURE_BEACONS.find((s) => s.section === "8.4.5")!.beacon), sent.join());
  const again = makeNode(new CaptureRadio(clock), clock, rec, [new TestModel({ modelId: 0x1000 }, [])], { storage: t.storage });
  assert.equal(again.node.ivIndex, 0x12345679, "persisted");
});
