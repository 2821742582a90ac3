#!/usr/bin/env node
// What each module of the mesh node costs in the light-node image's flash (issue 10, the source side), without
// building the image: the node platform's modules (manifest.json platforms.nrf52-node) compiled by the host's
// xsbc, then the preload generator (tools/fw/preload.mjs) run on growing prefixes of the node's preload list, so
// each module's row is what preloading it adds to the machine.
//
//   node tools/node-flash.mjs [--json] [--all]
//
// Per module: code (bytecode bytes), symbols (its symbol table's bytes), slots (heap slots its preload adds, 16 B
// each on the device), closures (function objects it adds), keys (new property names), and bytes = code + symbols
// + 16 * slots, the module's estimated share of the image's flash. Only modules/{net,transport,access,node,
// models,app} are printed unless --all; the TOTAL row is over the printed rows. --json: one JSON line per module
// and one {"total": ...} line.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildHost } from "./xs/build-host.mjs";
import { compileModule, compileTypeScript, javascriptOf, CONFIG_MODULE } from "./xs/build-app.mjs";
import { ROOT, loadManifest } from "./xs/manifest.mjs";
import { parseXsb } from "./fw/prelink.mjs";
import { runGenerator } from "./fw/preload.mjs";

const args = process.argv.slice(2);
for (const a of args) {
  if (a !== "--json" && a !== "--all") {
    process.stderr.write("usage: node tools/node-flash.mjs [--json] [--all]\n");
    process.exit(2);
  }
}
const NODE_DIRS = /^modules\/(net|transport|access|node|models|app)\//;
const manifest = loadManifest("nrf52-node");
const host = await buildHost({ quiet: true });
compileTypeScript();
const dir = join(ROOT, "build", "node-flash", "app");
const byName = new Map(manifest.modules.map((m) => [m.name, m]));
// the generated config module: the manifest's defines with the light's (the device app imports it)
const configJs = join(ROOT, "build", "node-flash", ".gen", CONFIG_MODULE + ".js");
mkdirSync(join(configJs, ".."), { recursive: true });
const defines = { ...manifest.defines, ...(manifest.variants?.light ?? { DEVICE_KIND: "light" }) };
writeFileSync(configJs, `export const defines = Object.freeze(${JSON.stringify(defines)});\nexport default defines;\n`);
compileModule(host.xsbc, configJs, join(dir, CONFIG_MODULE + ".xsb"), CONFIG_MODULE);
for (const m of manifest.modules) compileModule(host.xsbc, javascriptOf(m), join(dir, m.name + ".xsb"), m.name);

const preload = manifest.preload;
const first = preload.findIndex((n) => NODE_DIRS.test(n));
const reports = [];
for (let i = args.includes("--all") ? 0 : first - 1; i < preload.length; i++) {
  const r = await runGenerator(dir, preload.slice(0, i + 1));
  if (r.status !== 0 || !r.report) throw new Error(`the preload generator failed on ${preload[i]}:\n${r.stderr}`);
  reports[i] = r.report;
}
const rows = [];
for (let i = 0; i < preload.length; i++) {
  const name = preload[i];
  if (!reports[i] || !reports[i - 1] || (!args.includes("--all") && !NODE_DIRS.test(name))) continue;
  const xsb = parseXsb(new Uint8Array(readFileSync(join(dir, byName.get(name) ? name + ".xsb" : name + ".xsb"))), name);
  const symbols = xsb.symbols.slice(1).reduce((n, s) => n + Buffer.byteLength(s) + 1, 2);
  const d = (k) => reports[i][k] - reports[i - 1][k];
  const row = { module: name, code: xsb.code.length, symbols, slots: d("slots"), closures: d("closures"), keys: d("keys") };
  row.bytes = row.code + row.symbols + 16 * row.slots;
  rows.push(row);
}
const total = { module: "TOTAL", code: 0, symbols: 0, slots: 0, closures: 0, keys: 0, bytes: 0 };
for (const r of rows) for (const k of Object.keys(total)) if (k !== "module") total[k] += r[k];
if (args.includes("--json")) {
  for (const r of rows) process.stdout.write(JSON.stringify(r) + "\n");
  process.stdout.write(JSON.stringify({ total }) + "\n");
} else {
  const cols = ["code", "symbols", "slots", "closures", "keys", "bytes"];
  process.stdout.write(`${"module".padEnd(34)}${cols.map((c) => c.padStart(9)).join("")}\n`);
  process.stdout.on("error", () => process.exit(0)); // a closed pipe (| head) ends the table
  for (const r of [...rows.sort((a, b) => b.bytes - a.bytes), total]) {
    process.stdout.write(`${r.module.padEnd(34)}${cols.map((c) => String(r[c]).padStart(9)).join("")}\n`);
  }
}
