/**
 * Benchmark of XS devices on the simulated air (run by tools/xs/bench-xs.mjs, or
 * `node --import tsx tools/xs/bench-device.ts [--runs N]`); prints JSON lines:
 *   {"bench":"xs-device-startup", ...}   an xsrun process running the device app (native/xs/js/device-main)
 *                                        joining a hub: process spawn to its "started" line (wall clock), and
 *                                        xsrun's own counters (machine creation, entry evaluated)
 *   {"bench":"xs-device-heap", ...}      XS heap use (the engine's counters: chunk bytes and slots, current at each
 *                                        application event, peak, live after a full GC at exit) across a whole
 *                                        provisioning of one XS device by the Node provisioner, per algorithm;
 *                                        with the host's creation and with the nrf52 creation of manifest.json
 *   {"bench":"xs-device-provisioning-budget",...} the smallest cap on the machine's chunk and slot blocks (xsrun
 *                                        --memory-limit, nrf52 creation) a whole provisioning succeeds in
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AirHub } from "../../host/air/hub.js";
import { SimNetwork, capabilitiesFor } from "../../host/network.js";
import type { ProvisionerOptions } from "../../host/network.js";
import { buildXsDevice, XsDevice } from "../../host/xs-device.js";
import { loadManifest } from "./manifest.mjs";
import { percentile } from "../percentile.mjs";

const args = process.argv.slice(2);
const runsAt = args.indexOf("--runs");
const RUNS = runsAt >= 0 ? Number(args[runsAt + 1]) : 10;
const emit = (o: object) => process.stdout.write(JSON.stringify(o) + "\n");
const round = (n: number) => Math.round(n * 1000) / 1000;

interface Stats {
  createMs: number;
  startupMs: number;
  memory: { chunks: { current: number; peak: number }; slots: { current: number; peak: number; slotSize: number }; keys: { used: number } };
  afterGC: { chunks: { current: number }; slots: { current: number } };
}
function statsOf(lines: string[]): Stats {
  const l = lines.find((x) => x.startsWith("xsr-stats "));
  if (!l) throw new Error("no xsr-stats line in:\n" + lines.join("\n"));
  return JSON.parse(l.slice("xsr-stats ".length)) as Stats;
}

const built = await buildXsDevice();
const dir = mkdtempSync(join(tmpdir(), "meshprov-bench-xs-"));
const uuid = new Uint8Array(16).fill(7);

// ---- start-up of a device process on the hub
{
  const spawnToStarted: number[] = [];
  const create: number[] = [];
  const entry: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const hub = new AirHub({ mode: "virtual", seed: 1, logger: { log() {} } });
    const { port } = await hub.listen({ port: 0 });
    const t0 = process.hrtime.bigint();
    const xs = await XsDevice.spawn({ ...built, port: port!, name: "bench", kind: "light", uuid, storage: join(dir, `startup-${i}.bin`), runtimeArgs: ["--stats"] });
    spawnToStarted.push(Number(process.hrtime.bigint() - t0) / 1e6);
    await hub.close();
    await xs.exited;
    const s = statsOf(xs.stderr);
    create.push(s.createMs);
    entry.push(s.startupMs);
  }
  emit({
    bench: "xs-device-startup",
    runs: RUNS,
    spawnToStartedMs: { median: round(percentile(spawnToStarted, 0.5)), min: round(Math.min(...spawnToStarted)) },
    createMachineMs: { median: round(percentile(create, 0.5)), min: round(Math.min(...create)) },
    toEntryEvaluatedMs: { median: round(percentile(entry, 0.5)), min: round(Math.min(...entry)), note: "includes joining the hub (TCP, HELLO/WELCOME)" },
  });
}

// ---- heap across a whole provisioning
const device = loadManifest("nrf52").creation;
const nrf52Creation = ["initialChunkSize", "incrementalChunkSize", "initialHeapCount", "incrementalHeapCount", "stackCount", "initialKeyCount", "incrementalKeyCount", "nameModulo", "symbolModulo"].flatMap(
  (k) => ["--creation", `${k}=${device[k]}`],
);

async function provisionOnce(alg: "cmac" | "hmac", runtimeArgs: string[], tag: string) {
  const o: ProvisionerOptions = { oob: "output", action: "blink", alg };
  const net = new SimNetwork({ seed: 9, runtime: "xs", xs: { ...built, storageDir: mkdtempSync(join(dir, tag)), runtimeArgs: ["--stats", ...runtimeArgs], appArgs: ["--heap"] } });
  net.addDevice({ name: "light-1", kind: "light", capabilities: capabilitiesFor(o) });
  net.addProvisioner(o);
  const t0 = process.hrtime.bigint();
  try {
    await net.launch();
  } catch (e) {
    await net.close();
    throw e;
  }
  net.start();
  await net.run(120_000);
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const result = net.results()[0]!;
  await net.close();
  const xs = net.devices[0]!.xs!;
  const exit = await xs.exited;
  return { result, xs, wallMs, exit, stats: exit.code === 0 ? statsOf(xs.stderr) : undefined };
}

for (const [creation, extra] of [
  ["host", [] as string[]],
  ["nrf52", nrf52Creation],
] as const) {
  for (const alg of ["cmac", "hmac"] as const) {
    const r = await provisionOnce(alg, extra, `heap-${creation}-${alg}-`);
    if (!r.stats || !r.result.provisioned) {
      emit({ bench: "xs-device-heap", creation, algorithm: alg, error: `not provisioned (exit ${r.exit.code}): ${r.xs.stderr.slice(-3).join(" | ")}` });
      continue;
    }
    const s = r.stats;
    const events = r.xs.events
      .filter((e) => e.heap)
      .map((e) => ({ event: e.event, time: e.time, chunks: (e.heap as { chunks: number }).chunks, slots: (e.heap as { slots: number }).slots }));
    const slotSize = s.memory.slots.slotSize;
    emit({
      bench: "xs-device-heap",
      creation,
      algorithm: alg,
      workload: "one XS light provisioned by the Node provisioner (Output OOB blink), virtual time",
      provisioningMs: r.result.durationMs,
      wallMs: round(r.wallMs),
      slotSize,
      chunks: { peak: s.memory.chunks.peak, atExit: s.memory.chunks.current, liveAfterGC: s.afterGC.chunks.current },
      slots: { peak: s.memory.slots.peak, atExit: s.memory.slots.current, liveAfterGC: s.afterGC.slots.current },
      keysUsed: s.memory.keys.used,
      peakBytesHere: s.memory.chunks.peak + s.memory.slots.peak * slotSize,
      peakBytesAt16ByteSlots: s.memory.chunks.peak + s.memory.slots.peak * 16,
      atEvents: events,
    });
  }
}

// ---- the smallest memory cap a whole provisioning runs in (nrf52 creation, 4 KiB steps)
{
  const fits = async (limit: number) => {
    try {
      const r = await provisionOnce("hmac", [...nrf52Creation, "--memory-limit", String(limit)], `budget-${limit}-`);
      return r.result.provisioned && r.exit.code === 0 ? r : null;
    } catch {
      return null; // not enough memory to start (exit 7)
    }
  };
  let lo = 16 * 1024;
  let hi = 4 * 1024 * 1024;
  let best = await fits(hi);
  if (best) {
    while (hi - lo > 4096) {
      const mid = Math.floor((lo + hi) / 2 / 4096) * 4096;
      const r = await fits(mid);
      if (r) {
        hi = mid;
        best = r;
      } else lo = mid;
    }
    const s = best.stats!;
    emit({
      bench: "xs-device-provisioning-budget",
      creation: "nrf52",
      workload: "one XS light provisioned by the Node provisioner (HMAC, Output OOB blink)",
      minMemoryLimitBytes: hi,
      peakChunksBytes: s.memory.chunks.peak,
      peakSlots: s.memory.slots.peak,
      note: "64-bit host: 32-byte slots; the nRF52840's are 16 bytes, and prelinking puts the built-ins in flash",
    });
  } else emit({ bench: "xs-device-provisioning-budget", creation: "nrf52", error: "does not provision even with 4 MiB" });
}

rmSync(dir, { recursive: true, force: true });
