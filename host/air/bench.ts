/**
 * Benchmark of the simulated air in virtual time: `npm run bench:air` (or `tsx host/air/bench.ts`).
 * Prints one JSON line per scenario: wall time, virtual time covered, advertising events, deliveries,
 * events per wall second, heap growth.
 *
 * Scenarios:
 * - pair: two radios ping-ponging single advertisements (the shape of a PB-ADV provisioning run), repeated
 *   on fresh hubs as "runs".
 * - crowd: N radios advertising and scanning at once (collision-heavy).
 * - remote: the pair scenario with both radios as AirClients over TCP (protocol and synchronisation cost).
 */
import { performance } from "node:perf_hooks";
import { AirHub } from "./hub.js";
import { AirClient } from "./client.js";

function line(o: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(o) + "\n");
}

/** Two radios answer each other's packets for `exchanges` round trips (each answer: 3 events, 20 ms apart). */
function pairRun(seed: number, exchanges: number): { events: number; delivered: number; virtualMs: number } {
  const hub = new AirHub({ mode: "virtual", seed, defaultLink: { loss: 0.05 } });
  const a = hub.createRadio("prov");
  const b = hub.createRadio("dev");
  let n = 0;
  const data = new Uint8Array(24);
  const answer = (r: typeof a) => (p: { data: Uint8Array }) => {
    const seq = p.data[0]!;
    if (seq !== n % 256 || n >= exchanges) return;
    n++;
    data[0] = n % 256;
    r.advertise(0x29, data, { count: 3, intervalMs: 20 });
  };
  a.setReceiver(answer(a));
  b.setReceiver(answer(b));
  // Kick off, and retransmit while nobody answers (like a bearer's retransmission timer).
  const kick = () => {
    if (n >= exchanges) return;
    data[0] = n % 256;
    (n % 2 ? b : a).advertise(0x29, data, { count: 3, intervalMs: 20 });
    hub.clock.setTimeout(kick, 500);
  };
  kick();
  hub.virtualClock.runWhile(() => n < exchanges, 3600_000);
  const c = hub.counters;
  return { events: c.advEvents, delivered: c.delivered, virtualMs: hub.clock.now() };
}

function benchPairs(runs: number, exchanges: number): void {
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  let events = 0;
  let delivered = 0;
  let virtualMs = 0;
  for (let i = 0; i < runs; i++) {
    const r = pairRun(i + 1, exchanges);
    events += r.events;
    delivered += r.delivered;
    virtualMs += r.virtualMs;
  }
  const wallMs = performance.now() - t0;
  line({
    bench: "air-pair",
    runs,
    exchangesPerRun: exchanges,
    wallMs: Math.round(wallMs),
    virtualS: Math.round(virtualMs / 1000),
    advEvents: events,
    delivered,
    eventsPerWallS: Math.round(events / (wallMs / 1000)),
    msPerRun: +(wallMs / runs).toFixed(2),
    heapGrowthMB: +((process.memoryUsage().heapUsed - heap0) / 1048576).toFixed(1),
  });
}

function benchCrowd(radios: number, count: number): void {
  const t0 = performance.now();
  const hub = new AirHub({ mode: "virtual", seed: 1 });
  for (let i = 0; i < radios; i++) {
    const r = hub.createRadio(`r${i}`);
    r.setReceiver(() => {});
    r.advertise(0x2a, new Uint8Array(29), { count, intervalMs: 100 });
  }
  hub.virtualClock.runWhile(() => true, count * 111 + 1000);
  const wallMs = performance.now() - t0;
  const c = hub.counters;
  line({
    bench: "air-crowd",
    radios,
    advEvents: c.advEvents,
    wallMs: Math.round(wallMs),
    eventsPerWallS: Math.round(c.advEvents / (wallMs / 1000)),
    delivered: c.delivered,
    lostCollision: c.lostCollision,
    lostHalfDuplex: c.lostHalfDuplex,
    deliveryRatio: +(c.delivered / (c.delivered + c.lostCollision + c.lostHalfDuplex)).toFixed(3),
  });
}

async function benchRemote(exchanges: number): Promise<void> {
  const hub = new AirHub({ mode: "virtual", seed: 1 });
  const { port } = await hub.listen({});
  const a = await AirClient.connect({ port: port!, name: "prov" });
  const b = await AirClient.connect({ port: port!, name: "dev" });
  let n = 0;
  const data = new Uint8Array(24);
  for (const c of [a, b]) {
    c.radio.setReceiver((p) => {
      if (p.data[0] !== n % 256 || n >= exchanges) return;
      n++;
      data[0] = n % 256;
      c.radio.advertise(0x29, data, { count: 3, intervalMs: 20 });
    });
  }
  a.radio.advertise(0x29, data, { count: 3, intervalMs: 20 });
  const t0 = performance.now();
  await hub.runWhile(() => n < exchanges, 3600_000);
  const wallMs = performance.now() - t0;
  line({
    bench: "air-remote-pair",
    exchanges: n,
    wallMs: Math.round(wallMs),
    virtualS: +(hub.clock.now() / 1000).toFixed(1),
    advEvents: hub.counters.advEvents,
    eventsPerWallS: Math.round(hub.counters.advEvents / (wallMs / 1000)),
  });
  await a.close();
  await b.close();
  await hub.close();
}

const quick = process.argv.includes("--quick");
benchPairs(quick ? 20 : 200, 30);
benchCrowd(quick ? 20 : 100, quick ? 50 : 100);
await benchRemote(quick ? 50 : 300);
