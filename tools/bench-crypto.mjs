#!/usr/bin/env node
// `npm run bench:crypto [-- --opt -Os]`: builds the native crypto benchmark for Cortex-M4F
// (native/bench, arm-none-eabi-gcc) and runs it on qemu-system-arm mps2-an386 with -icount shift=0.
// Prints the bench's JSON lines: {"op": ..., "instructions": N} and {"module": ..., "textBytes": N,
// "stackBytes": N} (plus one {"calibration": ...} line). Build output goes to stderr.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
let opt = "-O2";
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--opt") opt = args[++i];
  else if (args[i].startsWith("--opt=")) opt = args[i].slice(6);
  else {
    process.stderr.write("usage: node tools/bench-crypto.mjs [--opt -O2|-Os|-O3]\n");
    process.exit(2);
  }
}
if (!/^-O[0-3sz]$/.test(opt)) {
  process.stderr.write(`bad --opt ${opt}\n`);
  process.exit(2);
}
for (const cmd of ["make", "arm-none-eabi-gcc", "qemu-system-arm"]) {
  if (spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status !== 0) {
    process.stderr.write(`${cmd} not found; install with: sudo bash tools/install-cross.sh\n`);
    process.exit(1);
  }
}
const r = spawnSync("make", ["-s", "--no-print-directory", "-C", "native", "bench", `OPT=${opt}`], {
  cwd: root,
  encoding: "utf8",
  stdio: ["ignore", "pipe", "inherit"],
});
const lines = r.stdout.split("\n");
for (const line of lines) {
  if (line.startsWith("{")) process.stdout.write(line + "\n");
  else if (line.trim()) process.stderr.write(line + "\n");
}
if (r.status !== 0) {
  process.stderr.write(`bench failed (make exit ${r.status})\n`);
  process.exit(1);
}
