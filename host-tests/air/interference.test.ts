import { test } from "node:test";
import assert from "node:assert/strict";
import { AirHub, type AirEvent, type SimRadio } from "../../host/air/hub.js";
import { seqData } from "./helpers.js";

type Tx = Extract<AirEvent, { type: "tx" }>;

function record(hub: AirHub): { txs: Tx[]; outcome: Map<string, string> } {
  const txs: Tx[] = [];
  const outcome = new Map<string, string>();
  hub.observe((e) => {
    if (e.type === "tx") txs.push(e);
    else {
      const key = `${e.from}|${e.to}|${e.channel}|${e.start}`;
      outcome.set(key, e.type === "rx" ? "delivered" : e.reason);
    }
  });
  return { txs, outcome };
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start < b.end && b.start < a.end;

/** What the model should decide, recomputed independently from the transmission log (capture off, all in range). */
function expected(t: Tx, r: SimRadio, txs: Tx[]): string {
  const heard = r.scanChannelAt(t.start) === t.channel && r.scanChannelAt(t.end - 1e-6) === t.channel;
  if (!heard) return "not-listening";
  // r's own events: its three packets and the gaps between them.
  const mine = txs.filter((x) => x.from === r.name);
  for (let i = 0; i + 2 < mine.length; i += 3) {
    if (overlaps(t, { start: mine[i]!.start, end: mine[i + 2]!.end })) return "half-duplex";
  }
  if (txs.some((o) => o !== t && o.channel === t.channel && o.from !== t.from && o.from !== r.name && overlaps(o, t))) return "collision";
  return "delivered";
}

test("collisions, half duplex and listening decided exactly as the model says, for every packet and receiver", () => {
  const hub = new AirHub({ mode: "virtual", seed: 21, capture: false });
  const names = ["a", "b", "c", "d"];
  const radios = names.map((n) => hub.createRadio(n));
  const { txs, outcome } = record(hub);
  for (const r of radios) {
    r.setReceiver(() => {});
    r.advertise(0x2a, new Uint8Array(29), { count: 300, intervalMs: 20 });
  }
  hub.virtualClock.runFor(300 * 31 + 100);
  assert.equal(txs.length, 4 * 300 * 3);
  const tally: Record<string, number> = {};
  for (const t of txs) {
    for (const r of radios) {
      if (r.name === t.from) continue;
      const want = expected(t, r, txs);
      const got = outcome.get(`${t.from}|${r.name}|${t.channel}|${t.start}`);
      assert.equal(got, want, `packet ${t.from} ch${t.channel} @${t.start} at ${r.name}`);
      tally[want] = (tally[want] ?? 0) + 1;
    }
  }
  const c = hub.counters;
  assert.ok(c.lostCollision > 0, "four radios advertising every 20 ms must collide sometimes");
  assert.ok(c.lostHalfDuplex > 0, "radios that advertise and scan miss packets while they transmit");
  assert.equal(c.lostCollision, tally["collision"]);
  assert.equal(c.lostHalfDuplex, tally["half-duplex"]);
  assert.equal(c.delivered, tally["delivered"]);
  assert.equal(c.lostNotListening, tally["not-listening"]);
  assert.equal(c.delivered + c.lostCollision + c.lostHalfDuplex + c.lostNotListening, txs.length * 3);
});

test("two radios advertising at once lose packets at a receiver; flooding the air is not free", () => {
  const ratio = (n: number): { ratio: number; collisions: number } => {
    const hub = new AirHub({ mode: "virtual", seed: 5 });
    const rx = hub.createRadio("rx");
    rx.setReceiver(() => {});
    for (let i = 0; i < n; i++) hub.createRadio(`tx${i}`).advertise(0x2a, new Uint8Array(29), { count: 200, intervalMs: 20 });
    hub.virtualClock.runFor(200 * 31 + 100);
    const c = hub.counters;
    return { ratio: c.delivered / (c.delivered + c.lostCollision), collisions: c.lostCollision };
  };
  const one = ratio(1);
  const two = ratio(2);
  const twenty = ratio(20);
  assert.equal(one.collisions, 0);
  assert.equal(one.ratio, 1);
  assert.ok(two.collisions > 0);
  assert.ok(twenty.ratio < two.ratio && twenty.ratio < 0.8, `20 radios: ${twenty.ratio}, 2 radios: ${two.ratio}`);
});

test("capture: the packet >= 10 dB stronger survives a collision, the weaker one does not", () => {
  const run = (capture: boolean) => {
    const hub = new AirHub({ mode: "virtual", seed: 8, capture });
    const { outcome } = record(hub);
    const strong = hub.createRadio("strong");
    const weak = hub.createRadio("weak");
    const c = hub.createRadio("c");
    hub.setLink("strong", "c", { rssi: -40 });
    hub.setLink("weak", "c", { rssi: -50 });
    c.setReceiver(() => {});
    strong.advertise(1, new Uint8Array(29), { count: 400, intervalMs: 20 });
    weak.advertise(2, new Uint8Array(29), { count: 400, intervalMs: 20 });
    hub.virtualClock.runFor(400 * 31);
    const lost = (from: string) => [...outcome].filter(([k, v]) => k.startsWith(`${from}|c|`) && v === "collision").length;
    return { strong: lost("strong"), weak: lost("weak") };
  };
  const on = run(true);
  const off = run(false);
  assert.equal(on.strong, 0);
  assert.ok(on.weak > 0);
  assert.ok(off.strong > 0 && off.weak > 0);
});

test("half duplex: a radio hears nothing during its own advertising events", () => {
  const hub = new AirHub({ mode: "virtual", seed: 13 });
  const { txs, outcome } = record(hub);
  const a = hub.createRadio("a");
  const b = hub.createRadio("b");
  b.setReceiver(() => {});
  a.advertise(1, new Uint8Array(29), { count: 300, intervalMs: 20 });
  b.advertise(2, new Uint8Array(29), { count: 300, intervalMs: 20 });
  hub.virtualClock.runFor(300 * 31);
  const bEvents: Array<{ start: number; end: number }> = [];
  const bt = txs.filter((t) => t.from === "b");
  for (let i = 0; i < bt.length; i += 3) bEvents.push({ start: bt[i]!.start, end: bt[i + 2]!.end });
  let halfDuplex = 0;
  for (const t of txs.filter((x) => x.from === "a")) {
    const listening = b.scanChannelAt(t.start) === t.channel && b.scanChannelAt(t.end - 1e-6) === t.channel;
    const during = listening && bEvents.some((e) => overlaps(e, t));
    const got = outcome.get(`a|b|${t.channel}|${t.start}`);
    if (during) {
      assert.equal(got, "half-duplex");
      halfDuplex++;
    } else assert.notEqual(got, "half-duplex");
  }
  assert.ok(halfDuplex > 0);
  assert.equal(hub.counters.lostHalfDuplex, halfDuplex);
});

test("out of range (rssi below sensitivity): neither heard nor interfering", () => {
  const hub = new AirHub({ mode: "virtual", seed: 17, capture: false });
  const a = hub.createRadio("a");
  const far = hub.createRadio("far");
  const c = hub.createRadio("c");
  hub.setLink("far", "c", { rssi: -100 });
  const fromFar: number[] = [];
  c.setReceiver((p) => {
    if (p.adType === 2) fromFar.push(p.time);
  });
  a.advertise(1, new Uint8Array(29), { count: 400, intervalMs: 20 });
  far.advertise(2, new Uint8Array(29), { count: 400, intervalMs: 20 });
  hub.virtualClock.runFor(400 * 31);
  const k = hub.counters;
  assert.equal(fromFar.length, 0);
  assert.equal(k.lostOutOfRange, 1200);
  assert.equal(k.lostCollision, 0);
});

test("a radio closed mid-run stops sending and receiving", () => {
  const hub = new AirHub({ mode: "virtual", seed: 3 });
  const a = hub.createRadio("a");
  const b = hub.createRadio("b");
  let got = 0;
  b.setReceiver(() => got++);
  a.advertise(1, seqData(1), { count: 100, intervalMs: 20 });
  hub.virtualClock.runFor(500);
  const sent = hub.counters.advEvents;
  a.close();
  hub.virtualClock.runFor(1000);
  assert.ok(hub.counters.advEvents - sent <= 1); // at most the event already on the air
  const before = got;
  b.close();
  assert.equal(b.scanning, false);
  assert.equal(got, before);
  assert.deepEqual(hub.radioNames(), []);
});
