#!/usr/bin/env node
// Benchmarks the XS host runtime; prints JSON lines (one per measurement) on stdout:
//   {"bench":"xs-startup", ...}      process start to entry module evaluated (xsrun --stats), over N runs
//   {"bench":"xs-heap", ...}         XS heap use (the engine's own counters: chunks and slots, current and
//                                    peak) after loading the platform services, and after the provisioning workload
//   {"bench":"xs-provision", ...}    time per complete provisioning crypto run (both sides), CMAC and HMAC
//   {"bench":"xs-device-budget",...} the provisioning workload with the nrf52 creation of manifest.json: the
//                                    smallest cap on the machine's chunk and slot blocks (xsrun --memory-limit)
//                                    it runs in, and the peaks, with slots counted at 16 bytes (32-bit target)
//   {"bench":"xs-bytecode", ...}     size of the app's bytecode (all .xsb files) and of the runtime binary
//   then tools/xs/bench-device.ts: XS devices on the simulated air (a device process's start-up, the heap across a
//   whole provisioning by the Node provisioner, per event and peak, and the smallest memory cap it succeeds in)
// Usage: node tools/xs/bench-xs.mjs [--runs N] [--no-device]
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { buildApp, compileModule } from "./build-app.mjs";
import { ROOT, loadManifest } from "./manifest.mjs";
import { percentile } from "../percentile.mjs";

const args = process.argv.slice(2);
const runsIndex = args.indexOf("--runs");
const RUNS = runsIndex >= 0 ? Number(args[runsIndex + 1]) : 20;
const BENCH_DIR = join(ROOT, "build", "xs", "bench");

function stats(stderr) {
  const line = stderr.split("\n").find((l) => l.startsWith("xsr-stats "));
  if (!line) throw new Error("no xsr-stats line in:\n" + stderr);
  return JSON.parse(line.slice("xsr-stats ".length));
}

function runModule(app, name, extra = [], options = []) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(app.xsrun, [...options, "--stats", "-I", app.dir, BENCH_DIR, name, "--", ...extra], { encoding: "utf8" });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw Object.assign(new Error(`${name} failed (${r.status}):\n${r.stderr}`), { status: r.status });
  return { stdout: r.stdout, stats: stats(r.stderr), wallMs };
}

function sizeOf(dir) {
  let total = 0;
  let files = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, name.name);
    if (name.isDirectory()) {
      const s = sizeOf(p);
      total += s.total;
      files += s.files;
    } else if (name.name.endsWith(".xsb")) {
      total += statSync(p).size;
      files++;
    }
  }
  return { total, files };
}

const app = await buildApp({ quiet: true });
for (const w of ["idle", "provision"]) {
  const name = `tools/xs/bench/${w}`;
  compileModule(app.xsbc, join(ROOT, name + ".js"), join(BENCH_DIR, name + ".xsb"), name);
}
const emit = (o) => process.stdout.write(JSON.stringify(o) + "\n");

// start-up: machine creation and time to the entry module's evaluation (all its imports loaded)
const startup = [];
const create = [];
const wall = [];
let idle;
for (let i = 0; i < RUNS; i++) {
  idle = runModule(app, "tools/xs/bench/idle");
  startup.push(idle.stats.startupMs);
  create.push(idle.stats.createMs);
  wall.push(idle.wallMs);
}
emit({
  bench: "xs-startup",
  runs: RUNS,
  createMachineMs: { median: percentile(create, 0.5), min: Math.min(...create) },
  toEntryEvaluatedMs: { median: percentile(startup, 0.5), min: Math.min(...startup) },
  processWallMs: { median: percentile(wall, 0.5), min: Math.min(...wall) },
  modulesLoaded: idle.stats.memory.modules.loaded,
});

const heap = (s) => ({
  chunksBytes: s.memory.chunks,
  slots: s.memory.slots,
  heapBytes: s.memory.heapBytes,
  keys: s.memory.keys,
  liveAfterGC: { chunksBytes: s.afterGC.chunks.current, slots: s.afterGC.slots.current },
});
const work = { cmac: runModule(app, "tools/xs/bench/provision", ["10", "cmac"]), hmac: runModule(app, "tools/xs/bench/provision", ["10", "hmac"]) };
emit({ bench: "xs-heap", workload: "idle (platform services loaded)", ...heap(idle.stats) });
emit({ bench: "xs-heap", workload: "provisioning crypto x11 (CMAC)", ...heap(work.cmac.stats) });
for (const [alg, r] of Object.entries(work)) {
  const out = JSON.parse(r.stdout.trim().split("\n").pop());
  emit({ bench: "xs-provision", algorithm: alg, runs: out.runs, msPerRun: Number(out.msPerRun.toFixed(3)) });
}
// the device's creation, and the smallest memory cap the workload runs in (binary search, 4 KiB steps)
const device = loadManifest("nrf52").creation;
const deviceOptions = ["initialChunkSize", "incrementalChunkSize", "initialHeapCount", "incrementalHeapCount", "stackCount", "initialKeyCount", "incrementalKeyCount", "nameModulo", "symbolModulo"]
  .flatMap((k) => ["--creation", `${k}=${device[k]}`]);
const fits = (limit) => {
  try {
    return runModule(app, "tools/xs/bench/provision", ["3", "cmac"], [...deviceOptions, "--memory-limit", String(limit)]);
  } catch (e) {
    if (e.status === 7) return null; // not enough memory (or keys)
    throw e;
  }
};
let lo = 16 * 1024;
let hi = 4 * 1024 * 1024;
let best = fits(hi);
if (best) {
  while (hi - lo > 4096) {
    const mid = Math.floor((lo + hi) / 2 / 4096) * 4096;
    const r = fits(mid);
    if (r) {
      hi = mid;
      best = r;
    } else lo = mid;
  }
  const m = best.stats.memory;
  emit({
    bench: "xs-device-budget",
    creation: "nrf52",
    workload: "provisioning crypto x4 (CMAC)",
    minMemoryLimitBytes: hi,
    peakChunksBytes: m.chunks.peak,
    peakSlots: m.slots.peak,
    stackSlots: device.stackCount,
    keysUsed: m.keys.used,
    estimated32bitHeapBytes: m.chunks.peak + (m.slots.reserved + device.stackCount) * 16,
  });
} else emit({ bench: "xs-device-budget", creation: "nrf52", error: "does not run even with 4 MiB" });

const code = sizeOf(app.dir);
emit({
  bench: "xs-bytecode",
  appModules: code.files,
  appBytecodeBytes: code.total,
  loadedForProvisioning: work.cmac.stats.memory.modules,
  xsrunBytes: statSync(app.xsrun).size,
});

// XS devices on the simulated air (TypeScript: the simulator's network and the XS device process)
if (!args.includes("--no-device")) {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "tools/xs/bench-device.ts"), "--runs", String(Math.min(RUNS, 10))], {
    cwd: ROOT,
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (r.status !== 0) process.exitCode = 1;
}
