import { test } from "node:test";
import assert from "node:assert/strict";
import { AIR, AirError, AirHub, advAirtimeMs, advEventMs, type AirEvent } from "../../host/air/hub.js";
import { VirtualClock } from "../../host/virtual-clock.js";
import { seqData } from "./helpers.js";

type Tx = Extract<AirEvent, { type: "tx" }>;

function txLog(hub: AirHub, from?: string): Tx[] {
  const out: Tx[] = [];
  hub.observe((e) => {
    if (e.type === "tx" && (from === undefined || e.from === from)) out.push(e);
  });
  return out;
}

/** Group a radio's transmissions into events of three. */
function events(txs: Tx[]): Tx[][] {
  const out: Tx[][] = [];
  for (let i = 0; i < txs.length; i += 3) out.push(txs.slice(i, i + 3));
  return out;
}

test("airtime of ADV_NONCONN_IND at 1M PHY: (1+4+2+6+AD bytes+3) x 8 us", () => {
  // Link Open: 22 data bytes, AD structure 24 bytes, 40 bytes on air.
  assert.equal(advAirtimeMs(22), 0.32);
  // Largest legacy PDU: 31 AD bytes, 47 bytes = 376 us.
  assert.equal(advAirtimeMs(29), 0.376);
  assert.equal(advAirtimeMs(0), 0.144);
  assert.equal(advEventMs(22), 3 * 0.32 + 2 * 0.15);
});

test("an event goes out on 37, 38, 39 in turn, 150 us apart; events intervalMs + advDelay (0..10 ms) apart", () => {
  const hub = new AirHub({ mode: "virtual", seed: 7 });
  const a = hub.createRadio("a");
  const txs = txLog(hub);
  const data = new Uint8Array(22);
  let doneAt = -1;
  a.advertise(0x29, data, { count: 300, intervalMs: 20 }, () => (doneAt = hub.clock.now()));
  hub.virtualClock.runFor(300 * 31);
  const evs = events(txs);
  assert.equal(evs.length, 300);
  assert.equal(hub.counters.advEvents, 300);
  assert.equal(hub.counters.txPackets, 900);
  const air = advAirtimeMs(22);
  for (const ev of evs) {
    assert.deepEqual(ev.map((t) => t.channel), [37, 38, 39]);
    for (const t of ev) assert.ok(Math.abs(t.end - t.start - air) < 1e-9, `airtime ${t.end - t.start}`);
    assert.ok(Math.abs(ev[1]!.start - ev[0]!.end - AIR.INTER_CHANNEL_MS) < 1e-9);
    assert.ok(Math.abs(ev[2]!.start - ev[1]!.end - AIR.INTER_CHANNEL_MS) < 1e-9);
  }
  // The first event waits advDelay only.
  assert.ok(evs[0]![0]!.start >= 0 && evs[0]![0]!.start <= 10);
  const delays: number[] = [];
  for (let i = 1; i < evs.length; i++) {
    const d = evs[i]![0]!.start - evs[i - 1]![0]!.start - 20;
    assert.ok(d >= -1e-9 && d <= 10 + 1e-9, `advDelay ${d} out of 0..10 ms`);
    // whole microseconds
    assert.ok(Math.abs(d * 1000 - Math.round(d * 1000)) < 1e-6);
    delays.push(d);
  }
  // Spread over the whole range (uniform: mean near 5 ms, both ends reached).
  assert.ok(Math.min(...delays) < 0.5 && Math.max(...delays) > 9.5, `delays ${Math.min(...delays)}..${Math.max(...delays)}`);
  const mean = delays.reduce((x, y) => x + y, 0) / delays.length;
  assert.ok(Math.abs(mean - 5) < 0.8, `mean advDelay ${mean}`);
  // onDone at the end of the last event.
  assert.equal(doneAt, evs[evs.length - 1]![2]!.end);
});

test("advertisements are queued FIFO, one at a time; onDone after each, not after cancel", () => {
  const hub = new AirHub({ mode: "virtual", seed: 3 });
  const a = hub.createRadio("a");
  const txs = txLog(hub);
  const done: string[] = [];
  a.advertise(1, seqData(1), { count: 3, intervalMs: 20 }, () => done.push(`first@${hub.clock.now()}`));
  a.advertise(2, seqData(2), { count: 2, intervalMs: 50 }, () => done.push(`second@${hub.clock.now()}`));
  const third = a.advertise(3, seqData(3), { count: 2, intervalMs: 20 }, () => done.push("third"));
  a.advertise(4, seqData(4), { count: 1, intervalMs: 20 }, () => done.push(`fourth@${hub.clock.now()}`));
  assert.equal(a.queuedAdvertisements, 4);
  third.cancel(); // never sent
  hub.virtualClock.runFor(1000);
  const evs = events(txs);
  assert.deepEqual(evs.map((e) => e[0]!.adType), [1, 1, 1, 2, 2, 4]);
  // The second advertisement starts advDelay after the first one's last event ends.
  const gap = evs[3]![0]!.start - evs[2]![2]!.end;
  assert.ok(gap >= 0 && gap <= 10, `gap ${gap}`);
  const d = evs[4]![0]!.start - evs[3]![0]!.start;
  assert.ok(d >= 50 && d <= 60);
  assert.deepEqual(done, [`first@${evs[2]![2]!.end}`, `second@${evs[4]![2]!.end}`, `fourth@${evs[5]![2]!.end}`]);
  assert.equal(a.queuedAdvertisements, 0);
});

test("cancel of a running advertisement: no further events, no onDone; the queue moves on", () => {
  const hub = new AirHub({ mode: "virtual", seed: 4 });
  const a = hub.createRadio("a");
  const txs = txLog(hub);
  let doneCalled = false;
  const h = a.advertise(1, seqData(1), { count: 100, intervalMs: 20 }, () => (doneCalled = true));
  a.advertise(2, seqData(2), { count: 1, intervalMs: 20 });
  hub.virtualClock.runFor(95);
  h.cancel();
  h.cancel(); // twice is harmless
  const sentBefore = txs.filter((t) => t.adType === 1).length;
  hub.virtualClock.runFor(500);
  assert.equal(txs.filter((t) => t.adType === 1).length, sentBefore);
  assert.ok(sentBefore >= 9 && sentBefore <= 15, `events before cancel: ${sentBefore / 3}`);
  assert.equal(txs.filter((t) => t.adType === 2).length, 3);
  assert.equal(doneCalled, false);
});

test("a scanner hears one channel at a time, rotating 37 -> 38 -> 39 every scan interval", () => {
  const hub = new AirHub({ mode: "virtual", seed: 11 });
  const a = hub.createRadio("a");
  const b = hub.createRadio("b", { scan: { intervalMs: 30 } });
  const got: Array<{ time: number }> = [];
  const rx: Array<Extract<AirEvent, { type: "rx" }>> = [];
  hub.observe((e) => {
    if (e.type === "rx") rx.push(e);
  });
  b.setReceiver((p) => got.push(p));
  a.advertise(0x2b, new Uint8Array(20), { count: 400, intervalMs: 20 });
  hub.virtualClock.runFor(400 * 31);
  assert.equal(got.length, rx.length);
  // Each received packet was on the channel the scanner was on, for its whole airtime.
  for (const r of rx) {
    assert.equal(b.scanChannelAt(r.start), r.channel);
    assert.equal(b.scanChannelAt(r.end - 1e-6), r.channel);
    assert.equal(r.time, r.end);
  }
  // Continuous scanning: about one of the three channels of each event is heard.
  const c = hub.counters;
  assert.equal(c.delivered + c.lostNotListening, 1200);
  assert.ok(c.delivered >= 380 && c.delivered <= 440, `delivered ${c.delivered}`);
  // All three channels are heard over time.
  assert.deepEqual(new Set(rx.map((r) => r.channel)), new Set([37, 38, 39]));
  // Scanner rotation check at fixed points.
  for (let t = 0; t < 300; t += 7) {
    const ch = b.scanChannelAt(t)!;
    assert.equal(b.scanChannelAt(t + 30), ch === 39 ? 37 : ch + 1);
  }
});

test("a scan window shorter than the interval leaves the scanner deaf part of the time", () => {
  const hub = new AirHub({ mode: "virtual", seed: 12 });
  const a = hub.createRadio("a");
  const b = hub.createRadio("b", { scan: { intervalMs: 30, windowMs: 10 } });
  let n = 0;
  b.setReceiver(() => n++);
  a.advertise(0x2b, new Uint8Array(20), { count: 600, intervalMs: 20 });
  hub.virtualClock.runFor(600 * 31);
  // About a third of the time listening: ~ 600 / 3 packets.
  assert.ok(n > 130 && n < 270, `heard ${n}`);
  assert.equal(b.scanChannelAt(b.scanPhase + 15), null);
  assert.equal(b.scanChannelAt(b.scanPhase + 5), 37);
});

test("packets sent before the receiver was set are not heard; setReceiver(null) stops delivery", () => {
  const hub = new AirHub({ mode: "virtual", seed: 5 });
  const a = hub.createRadio("a");
  const b = hub.createRadio("b");
  let n = 0;
  a.advertise(1, seqData(1), { count: 50, intervalMs: 20 });
  hub.virtualClock.runFor(300);
  b.setReceiver(() => n++);
  hub.virtualClock.runFor(300);
  const during = n;
  assert.ok(during > 3);
  b.setReceiver(null);
  hub.virtualClock.runFor(1000);
  assert.equal(n, during);
  assert.equal(b.scanning, false);
});

test("bad arguments get AirError; a closed radio refuses to advertise", () => {
  const hub = new AirHub({ mode: "virtual", seed: 1 });
  const a = hub.createRadio("a");
  assert.throws(() => a.advertise(256, new Uint8Array(1), { count: 1, intervalMs: 20 }), AirError);
  assert.throws(() => a.advertise(0x29, new Uint8Array(30), { count: 1, intervalMs: 20 }), AirError);
  assert.throws(() => a.advertise(0x29, new Uint8Array(3), { count: 0, intervalMs: 20 }), AirError);
  assert.throws(() => a.advertise(0x29, new Uint8Array(3), { count: 1.5, intervalMs: 20 }), AirError);
  assert.throws(() => a.advertise(0x29, new Uint8Array(3), { count: 1, intervalMs: NaN }), AirError);
  assert.throws(() => a.advertise(0x29, new Uint8Array(3), { count: 1, intervalMs: -1 }), AirError);
  assert.throws(() => a.advertise(0x29, [1, 2] as unknown as Uint8Array, { count: 1, intervalMs: 1 }), AirError);
  assert.throws(() => hub.createRadio("a"), AirError);
  assert.throws(() => hub.createRadio(""), AirError);
  assert.throws(() => hub.createRadio("x", { address: new Uint8Array(5) }), AirError);
  assert.throws(() => hub.createRadio("y", { scan: { intervalMs: 10, windowMs: 20 } }), AirError);
  assert.throws(() => hub.setLink("a", "b", { loss: 1.5 }), AirError);
  assert.throws(() => hub.setLink("a", "b", { delayMs: -1 }), AirError);
  assert.throws(() => new AirHub({ mode: "virtual", seed: NaN }), AirError);
  a.close();
  assert.throws(() => a.advertise(0x29, new Uint8Array(3), { count: 1, intervalMs: 20 }), AirError);
  assert.equal(hub.radio("a"), undefined);
  // The name is free again.
  hub.createRadio("a");
});

test("addresses: static random (two top bits set), from the seed; the given one is kept", () => {
  const h1 = new AirHub({ mode: "virtual", seed: 99 });
  const h2 = new AirHub({ mode: "virtual", seed: 99 });
  const r1 = h1.createRadio("r");
  const r2 = h2.createRadio("r");
  assert.equal(r1.address[0]! & 0xc0, 0xc0);
  assert.deepEqual(r1.address, r2.address);
  const given = Uint8Array.of(0xc1, 2, 3, 4, 5, 6);
  assert.deepEqual(h1.createRadio("s", { address: given }).address, given);
});

test("a receiver that throws is logged and counted; the air goes on", () => {
  const lines: string[] = [];
  const hub = new AirHub({ mode: "virtual", seed: 2, logger: { log: (_l, _t, m) => lines.push(m) } });
  const a = hub.createRadio("a");
  const b = hub.createRadio("b");
  const c = hub.createRadio("c");
  let cGot = 0;
  b.setReceiver(() => {
    throw new Error("boom");
  });
  c.setReceiver(() => cGot++);
  a.advertise(1, seqData(1), { count: 20, intervalMs: 20 });
  hub.virtualClock.runFor(1000);
  assert.ok(hub.counters.callbackErrors > 0);
  assert.ok(lines.some((l) => l.includes("boom")));
  assert.ok(cGot > 0);
});

test("the hub drives a given VirtualClock, shared with in-process devices", () => {
  const clock = new VirtualClock(1000);
  const hub = new AirHub({ mode: "virtual", seed: 1, clock });
  assert.equal(hub.clock, clock);
  const a = hub.createRadio("a");
  const b = hub.createRadio("b");
  const times: number[] = [];
  b.setReceiver((p) => times.push(p.time));
  a.advertise(1, seqData(1), { count: 10, intervalMs: 20 });
  clock.runFor(400);
  assert.ok(times.length > 0 && times.every((t) => t > 1000 && t < 1400));
});

test("closing a radio during its last event: the event finishes on the air, onDone does not run", () => {
  const hub = new AirHub({ mode: "virtual", seed: 8 });
  const a = hub.createRadio("a");
  const b = hub.createRadio("b");
  let done = false;
  let heard = 0;
  b.setReceiver(() => heard++);
  a.advertise(1, seqData(1), { count: 1, intervalMs: 20 }, () => (done = true));
  const clock = hub.virtualClock;
  // Run to just inside the event (it starts within 10 ms), then close.
  while (hub.counters.advEvents === 0) clock.step();
  a.close();
  clock.runFor(100);
  assert.equal(done, false);
  assert.equal(heard, 1);
});
