/**
 * The app bundle's log pass (tools/fw/drop-logs.mjs, run by tools/fw/bundle.mjs): the calls the image's logger would
 * not print go (statements, comma operands, guarded ones, the modules' wrappers' calls), the others stay, and the
 * module prints exactly the same at the image's level (both run as ES modules, with native/xs/js/trace.js's level
 * rule); what it cannot prove is the logger's shape is a build error. The node images built with it run on the twin
 * (twin-node.ts, firmware-twin-node); their size.json says what went (xs.bundle.logs).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dropLogs, LOG_LEVELS } from "../../tools/fw/drop-logs.mjs";
import { dropUnused } from "../../tools/fw/drop-unused.mjs";
import { imageLogLevel } from "../../tools/fw/bundle.mjs";
import { CONFIG_MODULE } from "../../tools/xs/build-app.mjs";

/** Runs an ES module's text and returns its exports. */
async function run(code: string): Promise<Record<string, unknown>> {
  return (await import("data:text/javascript," + encodeURIComponent(code))) as Record<string, unknown>;
}

/** A logger as the device's (native/xs/js/trace.js makeLogger): the lines it prints at `level`. */
function deviceLogger(level: string) {
  const at = LOG_LEVELS.indexOf(level);
  const lines: string[] = [];
  const rank = (l: string) => Math.max(0, LOG_LEVELS.indexOf(l));
  return { lines, log: (l: string, tag: string, m: string) => { if (rank(l) >= at) lines.push(`[${l}] ${tag}: ${m}`); }, enabled: (l: string) => rank(l) >= at };
}

// the shapes the modules use (esbuild's minified forms: `if (a) b()` as `a && b()`, statements joined by commas)
const MODULE = `
function hex(n) { return (n >>> 0).toString(16).padStart(8, "0"); }
function describe(n) { let t = NAMES[n]; return t !== void 0 ? "PDU " + t : "RFU " + hex(n); }
var NAMES = ["Invite", "Capabilities"];
function logs(l, level) { return l !== void 0 && (l.enabled === void 0 || l.enabled(level)); }
let effects = 0;
function bump() { return ++effects; }
class Node {
  constructor(logger) { this.logger = logger; this.debug = logs(logger, "debug"); this.out = []; }
  log(level, message) { this.logger?.log(level, "node", message); }
  note(level, message) { this.log(level, \`link \${hex(7)}: \${message}\`); }
  get debugging() { return logs(this.logger, "debug"); }
  step(n) {
    this.out.push(n), this.log("debug", "step " + describe(n)), this.out.push(-n);
    this.debug && this.note("debug", \`guarded \${n}\`);
    if (this.debugging) this.log("debug", "received " + describe(n));
    n > 0 && this.log("info", \`positive \${n.toString(16)}\`);
    this.logger?.log("info", "node", \`raw \${n}\`);
    this.log("warn", \`warned \${n}\`);
    this.log(n > 1 ? "error" : "info", \`chosen \${n}\`);
    this.log("debug", \`effect \${bump()}\`);
    const on = this.logger.enabled("debug");
    switch (n && (this.note("info", "in switch"), this.out.push(n * 10)), n) { default: }
    return (this.log("debug", "in return"), on);
  }
}
export function main(logger) {
  const node = new Node(logger);
  const on = [1, 2].map((n) => node.step(n));
  return { lines: logger.lines, out: node.out, on, effects, m: Math.log(1) };
}
`;

test("drop-logs: the calls below the image's level go (wrappers' too), the rest stay, and the module prints the same at that level", async () => {
  const r = dropLogs(MODULE, { level: "warn" });
  // step's debug and info calls (the log wrapper's, the note wrapper's, the logger's), in statements, commas, guards
  assert.deepEqual(r.dropped.map((d) => `${d.callee}:${d.level}`).sort(), [
    "log:debug", "log:debug", "log:debug", "log:info", "log:info", "note:debug", "note:info",
  ]);
  assert.equal(r.folded, 1); // this.logger.enabled("debug")
  assert.deepEqual(r.kept.map((k) => k.why), ["debug: an argument may do something"]); // `effect ${bump()}`
  assert.deepEqual(r.wrappers.sort(), ["log", "logs", "note"]);
  for (const gone of ["step \" + describe", "guarded", "positive", "raw ", "received", "in switch", "in return", "enabled(\"debug\")"]) assert.ok(!r.code.includes(gone), `${gone} is left in:\n${r.code}`);
  for (const stays of ["warned", "chosen", "effect ${bump()}", "Math.log(1)"]) assert.ok(r.code.includes(stays), `${stays} is gone:\n${r.code}`);
  // what only the dropped calls used goes next (drop-unused): describe, NAMES, the note wrapper and hex (by its internal name)
  const unused = dropUnused(r.code, { internal: new Set(["note", "debugging"]) });
  assert.deepEqual(unused.dropped.sort(), ["NAMES", "describe", "hex"]);
  assert.deepEqual(unused.methods.sort(), ["debugging", "note"]);
  const before = (await run(MODULE)).main as (l: unknown) => unknown;
  const after = (await run(unused.code)).main as (l: unknown) => unknown;
  const expected = {
    lines: ["[warn] node: warned 1", "[warn] node: warned 2", "[error] node: chosen 2"],
    out: [1, -1, 10, 2, -2, 20], on: [false, false], effects: 2, m: 0,
  };
  assert.deepEqual(before(deviceLogger("warn")), expected);
  assert.deepEqual(after(deviceLogger("warn")), expected);
});

test("drop-logs: at debug nothing goes; at error the info and warn calls go too; an unknown level is refused", async () => {
  const all = dropLogs(MODULE, { level: "debug" });
  assert.equal(all.code, MODULE);
  assert.equal(all.dropped.length + all.folded, 0);
  const error = dropLogs(MODULE, { level: "error" });
  assert.ok(!error.code.includes("warned") && error.code.includes("chosen"));
  const main = (await run(error.code)).main as (l: unknown) => { lines: string[] };
  assert.deepEqual(main(deviceLogger("error")).lines, ["[error] node: chosen 2"]);
  assert.throws(() => dropLogs(MODULE, { level: "loud" }), /unknown log level "loud"/);
});

test("drop-logs: a call it cannot prove is the logger's is a build error, not a guess", () => {
  const cases: [string, string, RegExp][] = [
    ["a level that is no level literal", `export function f(x) { const level = x.level; x.log(level, "t", "m"); }`, /level argument is not a level literal/],
    ["a level passed on by an arrow function (no wrapper the pass follows)", `export const f = (x, l) => x.log(l, "t", "m");`, /level argument is not a level literal/],
    ["a level computed at run time", `export function f(x, n) { x.log(["debug"][n], "t", "m"); }`, /level argument is not a level literal/],
    ["another logger defined in the bundle", `export const memory = { log(l, t, m) { memory.lines.push(m); }, lines: [] };\nexport function f() { memory.log("debug", "t", "m"); }`, /"log" is defined in the bundle/],
    ["a method of a wrapper's name that is not one", `class A { note(l, m) { this.x.log(l, "t", m); } }\nclass B { note(k) { return k; } }\nexport const o = [A, B];`, /"note" that is not a log wrapper/],
    ["enabled defined in the bundle", `export const l = { enabled: (x) => true };\nexport function f() { return l.enabled("debug"); }`, /"enabled" is defined in the bundle/],
  ];
  for (const [what, code, reason] of cases) assert.throws(() => dropLogs(code, { level: "warn" }), reason, what);
  // the global Math's log is no logger
  assert.equal(dropLogs(`export const x = Math.log(2);`, { level: "warn" }).dropped.length, 0);
});

test("bundle: the image's log level comes from its generated config (LOG_LEVEL; warn when it has none, as device-main.js)", () => {
  const dir = mkdtempSync(join(tmpdir(), "bundle-level-"));
  try {
    const config = (lines: string) => {
      const js = join(dir, "config.js");
      writeFileSync(js, `// Generated\nexport const defines = Object.freeze({\n  DEVICE_KIND: "light",\n${lines}});\nexport default defines;\n`);
      return [{ name: CONFIG_MODULE, js }];
    };
    assert.equal(imageLogLevel(config(`  LOG_LEVEL: "info",\n`)), "info");
    assert.equal(imageLogLevel(config("")), "warn");
    assert.equal(imageLogLevel([]), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
