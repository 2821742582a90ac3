#!/usr/bin/env node
// `npm test`: runs the suites of tools/suites.mjs in order, each with its own output, then a summary: one line
// per suite with its own figures (tests passed, failed, skipped), a line "suite skipped" for each suite whose
// tools are missing (with what to install), and a final line in one unit, tests (the plain closing line CI
// readers know):
//   total: N passed, N failed, N skipped
// Skipped tests are the node runner's `# skipped` and `# todo` tests and the suites' own "N skipped" figures;
// the tests of a suite skipped for a missing tool are not known, so that suite is listed on its own line.
// Exit status 1 when a test failed, a suite failed (non-zero exit, no figures in its output, or no test run),
// no test ran at all, or, under CI (the CI environment variable set and not "false" or "0"), anything was
// skipped: CI installs every tool (.ci/run), so a skip there means an install step broke.
// Options: --only NAME[,NAME] runs just those suites (an unknown name is an error); --suites FILE takes the
// suites from another module (the runner's own tests, host-tests/tools/); any other argument is a test file
// for the host-tests suite ("@host-tests" in a command).
import { spawnSync, spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

function usageError(message) {
  process.stderr.write(`test: ${message}\n`);
  process.exit(1);
}

const args = process.argv.slice(2);
let only = null;
let suitesFile = new URL("./suites.mjs", import.meta.url).href;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--only" || args[i] === "--suites") {
    const value = args[++i];
    if (!value) usageError(`${args[i - 1]} needs a value`);
    if (args[i - 1] === "--only") only = value.split(",").filter(Boolean);
    else suitesFile = pathToFileURL(resolve(value)).href;
  } else if (args[i].startsWith("-") && args[i] !== "--") {
    usageError(`unknown option ${args[i]} (options: --only NAME[,NAME], --suites FILE, test files)`);
  } else if (args[i] !== "--") {
    files.push(args[i]);
  }
}
let suites;
try {
  ({ suites } = await import(suitesFile));
} catch (e) {
  usageError(`cannot load the suites from ${suitesFile}: ${e instanceof Error ? e.message.split("\n")[0] : e}`);
}
const ci = !!process.env.CI && !["false", "0"].includes(process.env.CI.toLowerCase());

if (only) {
  const unknown = only.filter((name) => !suites.some((s) => s.name === name));
  if (unknown.length) usageError(`no suite named ${unknown.join(", ")} (suites: ${suites.map((s) => s.name).join(", ")})`);
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
    child.on("error", (e) => {
      // The program could not be started (not found, not executable): a failed suite, said in its line.
      process.stdout.write(`${command[0]}: ${e.message}\n`);
      resolve({ code: 127, text });
    });
    child.on("close", (code) => resolve({ code: code ?? 1, text }));
  });
}

/** The last value of a node:test TAP summary line ("# pass 12"), or null. */
function tapCount(text, name) {
  const all = [...text.matchAll(new RegExp(`^# ${name} (\\d+)$`, "gm"))];
  return all.length ? Number(all[all.length - 1][1]) : null;
}

/**
 * A suite's figures from its output, by its counts mode (tools/suites.mjs), or null when the output has none.
 *   node   node:test TAP summary: "# pass N", "# fail N", "# cancelled N" (failed), "# skipped N", "# todo N" (skipped)
 *   plain  every line "N passed, N failed" (optionally ", N skipped") is added up
 *   exit   the suite is one check: passed when it exits 0
 */
function countsOf(mode, code, text) {
  if (mode === "node") {
    const pass = tapCount(text, "pass");
    if (pass === null) return null;
    return {
      passed: pass,
      failed: (tapCount(text, "fail") ?? 0) + (tapCount(text, "cancelled") ?? 0),
      skipped: (tapCount(text, "skipped") ?? 0) + (tapCount(text, "todo") ?? 0),
    };
  }
  if (mode === "plain") {
    const lines = [...text.matchAll(/(\d+) passed, (\d+) failed(?:, (\d+) skipped)?/g)];
    if (!lines.length) return null;
    const c = { passed: 0, failed: 0, skipped: 0 };
    for (const m of lines) {
      c.passed += Number(m[1]);
      c.failed += Number(m[2]);
      c.skipped += Number(m[3] ?? 0);
    }
    return c;
  }
  if (mode === "exit") return { passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1, skipped: 0 };
  throw new Error(`suite counts mode ${mode} unknown`);
}

const total = { passed: 0, failed: 0, skipped: 0 };
let failedSuites = 0;
const summary = [];
const skippedSuites = [];
for (const suite of suites) {
  if (only && !only.includes(suite.name)) continue;
  const missing = suite.requires.filter((c) => !have(c));
  if (missing.length) {
    skippedSuites.push(suite.name);
    const why = `missing ${missing.join(", ")}; install with: ${suite.install ?? "(see README)"}`;
    if (ci) failedSuites++;
    summary.push(`${ci ? "FAILED " : "SKIPPED"} ${suite.name}: suite skipped${ci ? " under CI" : ""} (${why})`);
    continue;
  }
  const command = suite.command.flatMap((a) => (a === "@host-tests" ? (files.length ? files : findTests("host-tests")) : [a]));
  process.stdout.write(`\n=== suite ${suite.name}: ${command.join(" ").slice(0, 200)}\n`);
  const { code, text } = await run(command);
  const counts = countsOf(suite.counts, code, text);
  const c = counts ?? { passed: 0, failed: 0, skipped: 0 };
  const problems = [];
  if (!counts) problems.push("no test figures in its output");
  else if (c.passed + c.failed === 0) problems.push("no test ran");
  if (code !== 0) {
    problems.push(`exit status ${code}`);
    if (c.failed === 0) c.failed = 1; // the suite failed without saying which test: count it as one
  }
  if (ci && c.skipped) problems.push(`${c.skipped} skipped under CI`);
  const ok = c.failed === 0 && problems.length === 0;
  if (!ok) failedSuites++;
  total.passed += c.passed;
  total.failed += c.failed;
  total.skipped += c.skipped;
  summary.push(`${ok ? "ok     " : "FAILED "} ${suite.name}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped` +
    (problems.length ? ` (${problems.join("; ")})` : ""));
}

const notes = [];
if (skippedSuites.length)
  notes.push(`!!! ${skippedSuites.length} suite(s) skipped, their tests not counted: ${skippedSuites.join(", ")}` +
    `${ci ? " (a failure under CI: an install step broke)" : ""}; see above for what to install (or run: sudo bash tools/install-cross.sh)`);
if (ci && total.skipped) notes.push(`!!! ${total.skipped} test(s) skipped under CI: a failure`);
const ran = total.passed + total.failed;
if (ran === 0) notes.push("!!! no test ran");
process.stdout.write("\n=== summary (tests per suite)\n" + summary.join("\n") + "\n" + notes.map((n) => n + "\n").join(""));
process.stdout.write(`total: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`);
process.exit(total.failed || failedSuites || ran === 0 ? 1 : 0);
