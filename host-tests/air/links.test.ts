import { test } from "node:test";
import assert from "node:assert/strict";
import { AirHub, type AirEvent, type LinkModel } from "../../host/air/hub.js";
import { eventLine, seqData } from "./helpers.js";

/** a advertises `count` single-event advertisements (each a distinct sequence number); b scans. */
function pair(seed: number, link: Partial<LinkModel>, count: number, reverse?: Partial<LinkModel>) {
  const hub = new AirHub({ mode: "virtual", seed });
  const a = hub.createRadio("a");
  const b = hub.createRadio("b", { scan: { intervalMs: 1000 } }); // long scan interval: every event heard once
  hub.setLink("a", "b", link);
  if (reverse) hub.setLink("b", "a", reverse);
  const rx: Array<Extract<AirEvent, { type: "rx" }>> = [];
  hub.observe((e) => {
    if (e.type === "rx") rx.push(e);
  });
  const got: Array<{ seq: number; time: number; rssi: number }> = [];
  b.setReceiver((p) => got.push({ seq: (p.data[0]! << 8) | p.data[1]!, time: p.time, rssi: p.rssi }));
  for (let i = 0; i < count; i++) a.advertise(1, seqData(i), { count: 1, intervalMs: 20 });
  return { hub, a, b, got, rx, run: (ms: number) => hub.virtualClock.runFor(ms) };
}

test("link loss: the given fraction is lost (binomial bounds), counted as lostLink", () => {
  const { hub, got, run } = pair(31, { loss: 0.3 }, 3000);
  run(3000 * 20);
  const c = hub.counters;
  assert.equal(c.delivered, got.length);
  const trials = c.delivered + c.lostLink;
  assert.ok(trials > 2500, `trials ${trials}`);
  const p = c.lostLink / trials;
  const sd = Math.sqrt((0.3 * 0.7) / trials);
  assert.ok(Math.abs(p - 0.3) < 5 * sd, `loss ${p}`);
});

test("links are directed: a -> b lossy, b -> a clean", () => {
  const hub = new AirHub({ mode: "virtual", seed: 32 });
  const a = hub.createRadio("a");
  const b = hub.createRadio("b");
  hub.setLink("a", "b", { loss: 1 });
  let atA = 0;
  let atB = 0;
  a.setReceiver(() => atA++);
  b.setReceiver(() => atB++);
  a.advertise(1, seqData(1), { count: 100, intervalMs: 40 });
  b.advertise(2, seqData(2), { count: 100, intervalMs: 40 });
  hub.virtualClock.runFor(100 * 51);
  assert.equal(atB, 0);
  assert.ok(atA > 30, `a heard ${atA}`);
  assert.equal(hub.getLink("a", "b").loss, 1);
  assert.equal(hub.getLink("b", "a").loss, 0);
});

test("link duplication: about the given fraction of packets arrives twice", () => {
  const { hub, got, rx, run } = pair(33, { duplicate: 0.5 }, 2000);
  run(2000 * 20);
  const c = hub.counters;
  // (A scan-channel change during an event can let b hear two channels of it: count (event, channel) pairs.)
  const distinct = new Set(rx.map((r) => `${r.data[0]! * 256 + r.data[1]!}|${r.channel}`)).size;
  assert.equal(got.length, rx.length);
  assert.equal(got.length, distinct + c.duplicated);
  assert.equal(rx.filter((r) => r.duplicate).length, c.duplicated);
  const p = c.duplicated / distinct;
  assert.ok(Math.abs(p - 0.5) < 5 * Math.sqrt(0.25 / distinct), `dup ${p}`);
});

test("link delay: each copy is late by 0..delayMs, packets get reordered", () => {
  const { hub, rx, got, run } = pair(34, { delayMs: 60 }, 500);
  run(500 * 20 + 200);
  assert.equal(got.length, hub.counters.delivered);
  let maxLate = 0;
  for (const r of rx) {
    const late = r.time - r.end;
    assert.ok(late >= 0 && late <= 60 + 1e-9, `late ${late}`);
    maxLate = Math.max(maxLate, late);
  }
  assert.ok(maxLate > 50);
  // Delivery order differs from transmission order somewhere.
  const seqs = got.map((g) => g.seq);
  assert.ok(seqs.some((s, i) => i > 0 && s < seqs[i - 1]!), "no reordering seen");
  // Times are non-decreasing in delivery order.
  assert.ok(got.every((g, i) => i === 0 || g.time >= got[i - 1]!.time));
});

test("link rssi is reported; the default link applies to pairs without their own", () => {
  const hub = new AirHub({ mode: "virtual", seed: 35, defaultLink: { rssi: -70 } });
  const a = hub.createRadio("a");
  const b = hub.createRadio("b");
  const c = hub.createRadio("c");
  hub.setLink("a", "c", { rssi: -33 });
  const rs: Record<string, Set<number>> = { b: new Set(), c: new Set() };
  b.setReceiver((p) => rs.b!.add(p.rssi));
  c.setReceiver((p) => rs.c!.add(p.rssi));
  a.advertise(1, seqData(1), { count: 60, intervalMs: 20 });
  hub.virtualClock.runFor(60 * 31);
  assert.deepEqual([...rs.b!], [-70]);
  assert.deepEqual([...rs.c!], [-33]);
  hub.setDefaultLink({ rssi: -80 });
  assert.equal(hub.getLink("a", "b").rssi, -80);
  assert.equal(hub.getLink("a", "c").rssi, -33);
});

/** A busy scenario: four radios, lossy duplicating delaying links, ping-pong replies, queued advertisements. */
function scenario(seed: number): string[] {
  const hub = new AirHub({ mode: "virtual", seed, defaultLink: { loss: 0.1, duplicate: 0.1, delayMs: 3 } });
  hub.setLink("a", "b", { loss: 0.3, rssi: -60 });
  const log: string[] = [];
  hub.observe((e) => log.push(eventLine(e)));
  const radios = ["a", "b", "c", "d"].map((n) => hub.createRadio(n));
  let replies = 0;
  for (const r of radios) {
    r.setReceiver((p) => {
      log.push(`${r.name} got ${p.adType} @${p.time} ${p.rssi}`);
      if (p.adType === 1 && replies < 200) {
        replies++;
        r.advertise(2, seqData(replies), { count: 2, intervalMs: 20 }, () => log.push(`${r.name} done @${hub.clock.now()}`));
      }
    });
  }
  radios[0]!.advertise(1, seqData(0), { count: 30, intervalMs: 20 });
  radios[3]!.advertise(1, seqData(1), { count: 30, intervalMs: 30 });
  hub.virtualClock.runFor(5000);
  log.push(JSON.stringify(hub.counters));
  return log;
}

test("determinism: the same seed gives the identical delivery log; another seed does not", () => {
  const one = scenario(1234);
  const two = scenario(1234);
  const other = scenario(1235);
  assert.ok(one.length > 500, `log of ${one.length} lines`);
  assert.deepEqual(one, two);
  assert.notDeepEqual(one, other);
});
