#!/usr/bin/env node
/**
 * The twin's instruction counts over several runs: the figures the README and docs/firmware.md give.
 *
 *   node tools/fw/profile-runs.mjs [--runs N]      (N from 1 to 9, default 3)
 *
 * Runs the first test of host-tests/firmware/twin-e2e.ts (the default image, its machine preloaded, provisioned
 * with No OOB over the virtual-time air hub; it builds the image) N times, one after the other, and prints one JSON
 * line `twin-runs {...}`: for the boot (reset -> first Unprovisioned Device beacon) and Invite -> Complete, each
 * part of their splits included, the runs' values and their minimum, median (tools/percentile.mjs) and maximum.
 * The counts come from QEMU's instruction-driven clock (-icount shift=0) read by the twin; they differ between runs
 * by at most 0.2 % (the UART interrupts of the hub's bytes that land while the twin computes).
 * Exit status 1 when a run fails (its output on stderr), 2 on a usage error.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { percentile } from "../percentile.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** The twin-e2e line's figures of one run. */
export function figuresOf(report) {
  const i = report.instructions;
  return {
    boot: i.boot.toFirstBeacon,
    "boot.toAppMain": i.boot.toAppMain,
    "boot.createMachine": i.boot.createMachine,
    "boot.importEntry": i.boot.importEntry,
    "boot.runToBeacon": i.boot.runToBeacon,
    inviteToComplete: i.inviteToComplete,
    "split.p256": i.split.p256,
    "split.aesNatives": i.split.aesNatives,
    "split.gc": i.split.gc,
    "split.rest": i.split.rest,
  };
}

/** Minimum, median and maximum of each figure over the runs. */
export function summarizeRuns(runs) {
  const out = {};
  for (const key of Object.keys(runs[0] ?? {})) {
    const values = runs.map((r) => r[key]);
    out[key] = { min: Math.min(...values), median: percentile(values, 0.5), max: Math.max(...values), values };
  }
  return out;
}

function usage(msg) {
  process.stderr.write(`profile-runs: ${msg}\nusage: node tools/fw/profile-runs.mjs [--runs N]\n`);
  process.exit(2);
}

function main(argv) {
  let n = 3;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--runs") {
      n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1 || n > 9) usage("--runs takes an integer from 1 to 9");
    } else usage(`unknown argument "${argv[i]}"`);
  }
  const runs = [];
  for (let k = 0; k < n; k++) {
    const r = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-name-pattern", "machine preloaded", join(root, "host-tests/firmware/twin-e2e.ts")], {
      cwd: root,
      encoding: "utf8",
      maxBuffer: 64 << 20,
    });
    const line = r.stdout.split("\n").find((l) => /^(# )?twin-e2e \{/.test(l));
    if (r.status !== 0 || !line) {
      process.stderr.write(`profile-runs: run ${k + 1} failed (status ${r.status}):\n${r.stdout}${r.stderr}\n`);
      process.exit(1);
    }
    runs.push(figuresOf(JSON.parse(line.slice(line.indexOf("{")))));
  }
  process.stdout.write(`twin-runs ${JSON.stringify({ runs: n, image: "mps2/light (preloaded), No OOB", figures: summarizeRuns(runs) })}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv.slice(2));
