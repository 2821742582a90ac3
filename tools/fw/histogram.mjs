#!/usr/bin/env node
// The flash histogram of a preloaded image (issue 10: the node image's flash), from its size.json: the image by
// part, the preparation's heap by kind of slot (built-ins / app) and by module (heap and bytecode), biggest first.
//
//   node tools/fw/histogram.mjs [--top N] build/nrf52840/pca10056/light-node/size.json
//   node tools/nrf52/build.mjs --board pca10056 --variant light-node --histogram   (prints it after the build)
//
// size.json's xs.preload.byModule / byKind come from the generator's census (tools/fw/preload/xsp_census.c); the
// module code column is the code as prelinked, before the bodies' code left the archive (xs.preload.archiveBytesDropped).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const kb = (n) => (n / 1024).toFixed(1).padStart(6) + " KB";
const pad = (s, n) => String(s).padEnd(n);
const num = (n, w = 7) => String(n).padStart(w);

/** The histogram as text lines. */
export function histogram(size, { top = 25 } = {}) {
  const p = size.xs?.preload;
  if (!p?.byModule) throw new Error("this size.json has no preload census (xs.preload.byModule): not a preloaded image");
  const out = [];
  const f = p.flashParts;
  out.push(`${size.board}/${size.variant}: flash ${size.flashBytes} B (${kb(size.flashBytes).trim()}); budget ${size.budgets.flash.limitBytes} B`);
  out.push("flash by part:");
  const parts = [
    ["engine code", size.flash.engine], ["libc + libm + libgcc", size.flash.libc], ["unattributed (literals, pools)", size.flash.unattributed],
    ["preparation: heap slots", f.heapSlots], ["  of which key slots", f.keySlots], ["preparation: XS stack", f.stackSlots],
    ["preparation: key/name/symbol tables", f.keyNameSymbolTables], ["archive: preloaded modules' code", f.preloadedModulesCode],
    // the bodies' code (which ran at build time) left the archive with what else only they ran (prelink.mjs
    // compactArchive); without that (XSP_KEEP_BODIES=1), the bodies' own bytes are still in it
    ...(p.archiveBytesDropped !== undefined
      ? [["  (dropped: code only the bodies ran)", -p.archiveBytesDropped]]
      : [["  of which module bodies (ran at build time)", f.moduleBodiesCode]]),
    ["archive: other modules' code", f.otherModulesCode],
    ["archive: key strings", f.keyStrings], ["crypto", size.flash.crypto], ["natives", size.flash.natives],
    ["XS platform", size.flash.xsPlatform], ["HAL", size.flash.hal],
  ];
  for (const [name, n] of parts) out.push(`  ${pad(name, 46)}${num(n ?? 0)} B`);
  out.push("preloaded heap by kind (slots of 16 B):        built-ins       app");
  for (const [k, v] of Object.entries(p.byKind)) out.push(`  ${pad(k, 44)}${num(v.builtin)}${num(v.app, 10)}   ${kb(v.app * 16)}`);
  const total = Object.values(p.byKind).reduce((a, v) => a + v.builtin + v.app, 0);
  out.push(`  ${pad("total", 44)}${num(Object.values(p.byKind).reduce((a, v) => a + v.builtin, 0))}${num(Object.values(p.byKind).reduce((a, v) => a + v.app, 0), 10)}   (${total} slots)`);
  out.push(`by module (heap = its slots x 16 B; code = its bytecode in the archive), top ${top}:`);
  out.push(`  ${pad("module", 40)}${num("heap B", 8)}${num("code B", 8)}${num("fns", 6)}${num("closr", 6)}${num("props", 6)}${num("vars", 6)}`);
  for (const m of p.byModule.slice(0, top)) {
    const k = m.byKind ?? {};
    out.push(`  ${pad(m.name, 40)}${num(m.heapBytes, 8)}${num(m.codeBytes, 8)}${num(m.functions, 6)}${num(k.closures ?? 0, 6)}${num(k.properties ?? 0, 6)}${num(k.variables ?? 0, 6)}`);
  }
  if (p.byModule.length > top) {
    const rest = p.byModule.slice(top);
    out.push(`  ${pad(`(${rest.length} more)`, 40)}${num(rest.reduce((a, m) => a + m.heapBytes, 0), 8)}${num(rest.reduce((a, m) => a + m.codeBytes, 0), 8)}`);
  }
  // a bundled app (tools/fw/bundle.mjs): its sources by the JavaScript esbuild kept of each (its bytecode and heap
  // are the bundle's row above)
  const inputs = Object.entries(size.xs.bundle?.inputs ?? {}).sort((a, b) => b[1] - a[1]);
  if (inputs.length) {
    const total = inputs.reduce((a, [, n]) => a + n, 0);
    out.push(`${size.xs.bundle.name}: ${inputs.length} sources, ${total} B of minified JavaScript; top ${Math.min(top, inputs.length)} by bytes kept:`);
    for (const [path, n] of inputs.slice(0, top)) out.push(`  ${pad(path.replace(/^build\/xs-js\//, "").replace(/\.js$/, ""), 40)}${num(n, 8)} B  ${(100 * n / total).toFixed(1).padStart(5)} %`);
  }
  // the log calls below the image's level, dropped from the bundle (tools/fw/drop-logs.mjs)
  const logs = size.xs.bundle?.logs;
  if (logs?.level) {
    out.push(`${size.xs.bundle.name}: log calls below "${logs.level}" dropped: ${logs.dropped} (${logs.folded} enabled() folded, ${logs.kept.length} kept), ` +
      `${logs.javascriptBytes ?? 0} B of JavaScript, ${logs.bytecodeBytes ?? "?"} B of bytecode`);
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const i = args.indexOf("--top");
  const top = i >= 0 ? Number(args[i + 1]) : 25;
  const files = args.filter((a, j) => !a.startsWith("--") && !(j > 0 && args[j - 1] === "--top"));
  if (!files.length || !Number.isInteger(top) || top <= 0) {
    process.stderr.write("usage: node tools/fw/histogram.mjs [--top N] SIZE.json...\n");
    process.exit(2);
  }
  try {
    for (const file of files) process.stdout.write(histogram(JSON.parse(readFileSync(file, "utf8")), { top }).join("\n") + "\n");
  } catch (e) {
    process.stderr.write(`histogram: ${e.message}\n`);
    process.exit(1);
  }
}
