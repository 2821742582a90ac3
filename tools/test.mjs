#!/usr/bin/env node
// `npm test`: runs every suite of tools/suites.mjs, skips (loudly) those whose tools are missing,
// and ends with one line "total: N passed, N failed, N skipped".
// Options: --only NAME[,NAME] runs just those suites; -- FILES... passes test files to host-tests.
import { spawnSync, spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { suites } from "./suites.mjs";

const args = process.argv.slice(2);
let only = null;
let files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--only") only = args[++i].split(",");
  else files.push(args[i]);
}

function have(cmd) {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
}

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (/\.test\.(ts|mjs|js)$/.test(name)) out.push(p);
  }
  return out;
}

function run(command) {
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), { stdio: ["ignore", "pipe", "inherit"] });
    let text = "";
    child.stdout.on("data", (d) => {
      text += d;
      process.stdout.write(d);
    });
    child.on("close", (code) => resolve({ code: code ?? 1, text }));
  });
}

let passed = 0, failed = 0, skipped = 0;
const summary = [];
for (const suite of suites) {
  if (only && !only.includes(suite.name)) continue;
  const missing = suite.requires.filter((c) => !have(c));
  if (missing.length) {
    skipped++;
    summary.push(`SKIPPED ${suite.name}: missing ${missing.join(", ")}; install with: ${suite.install ?? "(see README)"}`);
    continue;
  }
  const command = suite.command.flatMap((a) => (a === "@host-tests" ? (files.length ? files : findTests("host-tests")) : [a]));
  process.stdout.write(`\n=== suite ${suite.name}: ${command.join(" ").slice(0, 200)}\n`);
  const { code, text } = await run(command);
  let p = 0, f = 0;
  if (suite.counts === "node") {
    p = Number(/^# pass (\d+)/m.exec(text)?.[1] ?? 0);
    f = Number(/^# fail (\d+)/m.exec(text)?.[1] ?? 0);
  } else if (suite.counts === "plain") {
    const m = [...text.matchAll(/(\d+) passed, (\d+) failed/g)];
    for (const x of m) { p += Number(x[1]); f += Number(x[2]); }
  } else {
    p = code === 0 ? 1 : 0;
    f = code === 0 ? 0 : 1;
  }
  if (code !== 0 && f === 0) f = 1;
  passed += p;
  failed += f;
  summary.push(`${code === 0 ? "ok     " : "FAILED "} ${suite.name}: ${p} passed, ${f} failed`);
}
process.stdout.write("\n=== summary\n" + summary.join("\n") + "\n");
if (skipped) process.stdout.write(`\n!!! ${skipped} suite(s) SKIPPED: see the lines above for what to install (or run: sudo bash tools/install-cross.sh)\n`);
process.stdout.write(`total: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
process.exit(failed ? 1 : 0);
