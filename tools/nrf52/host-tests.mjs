#!/usr/bin/env node
// Builds and runs the firmware's host tests (host-tests/firmware/*.test.c) with the host C compiler:
// C99, -Wall -Wextra -Werror, AddressSanitizer and UndefinedBehaviorSanitizer. Each test file names the
// sources it needs on its first line ("// sources: a.c b.c"). Each test binary prints "N passed, N failed".
// Usage: node tools/nrf52/host-tests.mjs [file.test.c ...]   (CC overrides the compiler, default cc)
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;
const dir = join(root, "host-tests/firmware");
const out = join(root, "build/host-tests/firmware");
mkdirSync(out, { recursive: true });
const cc = process.env.CC || "cc";
const flags = ["-std=c99", "-g", "-O1", "-Wall", "-Wextra", "-Werror", "-fsanitize=address,undefined",
  "-fno-sanitize-recover=all", "-fno-omit-frame-pointer"];

const files = process.argv.slice(2).length
  ? process.argv.slice(2)
  : readdirSync(dir).filter((f) => f.endsWith(".test.c")).sort().map((f) => join(dir, f));

let failed = false;
for (const file of files) {
  const first = readFileSync(file, "utf8").split("\n")[0];
  const m = /^\/\/ sources:(.*)$/.exec(first);
  const sources = m ? m[1].trim().split(/\s+/).filter(Boolean).map((s) => join(root, s)) : [];
  const exe = join(out, basename(file, ".test.c"));
  process.stdout.write(`# ${basename(file)}\n`);
  const build = spawnSync(cc, [...flags, "-I", join(root, "native"), file, ...sources, "-o", exe, "-lm"], { encoding: "utf8" });
  if (build.status !== 0) {
    process.stdout.write(build.stdout + build.stderr + `build failed: ${basename(file)}\n0 passed, 1 failed\n`);
    failed = true;
    continue;
  }
  const run = spawnSync(exe, [], { encoding: "utf8", env: { ...process.env, ASAN_OPTIONS: "detect_leaks=1" } });
  process.stdout.write(run.stdout + run.stderr);
  if (run.status !== 0) {
    failed = true;
    if (!/\d+ passed, \d+ failed/.test(run.stdout)) process.stdout.write(`${basename(file)} crashed (status ${run.status}, signal ${run.signal})\n0 passed, 1 failed\n`);
  }
}
process.exit(failed ? 1 : 0);
