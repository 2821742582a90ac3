// Benchmark of the node stack on Node, and its flash-write figures. Prints JSON lines.
// Run: node --import tsx host-tests/node/bench.ts   (not part of npm test: no timed assertions anywhere)
//
// - usPerMessage: CPU time for a node to take one received network PDU through every layer to its model
//   (unsegmented access message with an AppKey, to its unicast address; NetMIC, TransMIC, RPL, dispatch),
//   to relay one PDU, and to send one (SEQ, encryption, bearer).
// - flash: storage writes per million messages sent / received, for the SEQ block size and RPL window,
//   and the bytes each write costs in the device's record store (native/storage/store.h: 12-octet record
//   header, key and value each padded to 4 octets, CRC and COMMIT words).
import { performance } from "node:perf_hooks";
import { AD_TYPE } from "../../modules/platform.js";
import { VirtualClock } from "../../host/virtual-clock.js";
import { MemoryStorage } from "../../host/storage.js";
import { CaptureRadio } from "../bearer/loopback.js";
import { RecordKey } from "../../modules/node/records.js";
import { APP_KEY, TestModel, makeNode, meshPdus, record } from "./helpers.js";

function line(o: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(o) + "\n");
}

const MODEL = { modelId: 0x1000 };
const N = 3000;
/** Messages for the flash figures: a multiple of every SEQ block size measured, so the counts are exact. */
const N_FLASH = 8192;

function world(opts: { seqBlockSize?: number; rplPersistWindow?: number } = {}) {
  const clock = new VirtualClock();
  const txRadio = new CaptureRadio(clock);
  const rxRadio = new CaptureRadio(clock);
  const tx = makeNode(txRadio, clock, record(0x10), [new TestModel(MODEL, [])], { beaconIntervalMs: 1e12, ...opts });
  const rxModel = new TestModel(MODEL, [{ opcode: 0x8203 }]);
  const rx = makeNode(rxRadio, clock, record(0x20), [rxModel], { beaconIntervalMs: 1e12, ...opts });
  for (const t of [tx, rx]) {
    t.node.state.addAppKey(0, 1, APP_KEY);
    t.node.state.bindAppKey({ elementAddress: t.rec.data.unicastAddress, modelId: MODEL }, 1);
    t.node.start();
  }
  clock.runUntil(2000);
  return { clock, txRadio, rxRadio, tx, rx, rxModel };
}

// ---- CPU time per message
{
  const w = world();
  const n0 = w.txRadio.sent.length;
  const t0 = performance.now();
  for (let i = 0; i < N; i++) w.tx.models[0]!.ctx!.send(0x8203, Uint8Array.of(i & 0xff, 1), { dst: 0x20, key: { kind: "app", appKeyIndex: 1 } });
  const tSend = performance.now() - t0;
  const pdus = meshPdus(w.txRadio.sent, n0);
  const t1 = performance.now();
  for (const p of pdus) w.rxRadio.inject(AD_TYPE.MESH_MESSAGE, p);
  const tRx = performance.now() - t1;
  if (w.rxModel.received.length !== N) throw new Error(`bench: ${w.rxModel.received.length} of ${N} delivered`);
  line({ bench: "node send unsegmented access (AppKey)", messages: N, usPerMessage: Number(((tSend * 1000) / N).toFixed(1)) });
  line({ bench: "node receive unsegmented access to model (AppKey, RPL window 1)", messages: N, usPerMessage: Number(((tRx * 1000) / N).toFixed(1)) });
}
{
  // Relay: a third node relays PDUs between two others (not for itself).
  const w = world();
  const relay = makeNode(new CaptureRadio(w.clock), w.clock, record(0x30), [new TestModel(MODEL, [])], { beaconIntervalMs: 1e12 });
  relay.node.start();
  const n0 = w.txRadio.sent.length;
  for (let i = 0; i < N; i++) w.tx.models[0]!.ctx!.send(0x8203, Uint8Array.of(1), { dst: 0x20, key: { kind: "app", appKeyIndex: 1 } });
  const pdus = meshPdus(w.txRadio.sent, n0);
  const r = new CaptureRadio(w.clock);
  const relayNode = makeNode(r, w.clock, record(0x31), [new TestModel(MODEL, [])], { beaconIntervalMs: 1e12 });
  relayNode.node.start();
  const t0 = performance.now();
  for (const p of pdus) r.inject(AD_TYPE.MESH_MESSAGE, p);
  w.clock.runUntil(w.clock.now() + 100);
  const t = performance.now() - t0;
  line({ bench: "node relay one network PDU", messages: pdus.length, relayed: relayNode.node.network.stats.relayed, usPerMessage: Number(((t * 1000) / pdus.length).toFixed(1)) });
}

// ---- Flash writes
/** Bytes one record write takes in native/storage/store.c (see store.h). */
function storeRecordBytes(key: string, valueLength: number): number {
  const pad = (n: number): number => (n + 3) & ~3;
  return 12 + pad(key.length) + pad(valueLength) + 8;
}

for (const cfg of [{ seqBlockSize: 1024, rplPersistWindow: 1 }, { seqBlockSize: 1024, rplPersistWindow: 16 }, { seqBlockSize: 8192, rplPersistWindow: 1 }]) {
  const w = world(cfg);
  const txWrites0 = w.tx.node.store.writes;
  const rxWrites0 = w.rx.node.store.writes;
  const n0 = w.txRadio.sent.length;
  for (let i = 0; i < N_FLASH; i++) w.tx.models[0]!.ctx!.send(0x8203, Uint8Array.of(1), { dst: 0x20, key: { kind: "app", appKeyIndex: 1 } });
  for (const p of meshPdus(w.txRadio.sent, n0)) w.rxRadio.inject(AD_TYPE.MESH_MESSAGE, p);
  const txWrites = w.tx.node.store.writes - txWrites0;
  const rxWrites = w.rx.node.store.writes - rxWrites0;
  const storage = w.rx.storage as MemoryStorage;
  const rplValue = storage.read(RecordKey.RPL_PREFIX + "0")!.length;
  const netValue = w.tx.storage.read(RecordKey.NET)!.length;
  line({
    bench: "node flash writes",
    ...cfg,
    messages: N_FLASH,
    sentWritesPerMillion: Math.round((txWrites * 1e6) / N_FLASH),
    sentBytesPerWrite: storeRecordBytes(RecordKey.NET, netValue),
    receivedWritesPerMillionFromOneSource: Math.round((rxWrites * 1e6) / N_FLASH),
    receivedBytesPerWrite: storeRecordBytes(RecordKey.RPL_PREFIX + "0", rplValue),
    rebootCostSeq: cfg.seqBlockSize,
    rebootRefusedPerSource: cfg.rplPersistWindow - 1,
  });
}
