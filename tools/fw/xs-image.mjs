// The XS half of a firmware image (nRF52840 or its Cortex-M4 twin): everything tools/nrf52/build.mjs links
// besides the HAL and drivers.
//
//   1. the app: tsc (tsconfig.modules.json), then every module the entry (native/xs/js/device-main) imports,
//      transitively, compiled by the host's xsbc (tools/xs/build-host.mjs) into build/fw/app/<variant>/,
//      with the generated config module (the manifest's defines, DEVICE_KIND = the variant);
//   2. the prelinked archive (tools/fw/prelink.mjs): build/fw/gen/<target>-<variant>/xsr_archive.c, plus the
//      host-function table (xsr_hosts.c), the creation (xsr_creation.h) and the defines (xsr_defines.h);
//   3. objects (cached in build/fw/obj by source, headers and flags): the engine without its parser (-Os,
//      -fno-strict-aliasing), our platform layer (native/xs/common, native/xs/nrf52, on the twin also
//      native/xs/mps2), the natives (the manifest's common and platform natives), native/crypto (with the
//      ECB backend on the nRF52840), the generated files.
//
// prepareXsImage({target, variant}) -> { objects, linkFlags, info } for the linker; used by build.mjs.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { SRC_DIR, fetchXs } from "../xs/fetch-xs.mjs";
import { buildHost } from "../xs/build-host.mjs";
import { compileModule, compileTypeScript, javascriptOf, CONFIG_MODULE } from "../xs/build-app.mjs";
import { CREATION_FIELDS, loadManifest } from "../xs/manifest.mjs";
import { XSR_COMMON_SOURCES, mtime, writeIfChanged } from "../xs/files.mjs";
import { codedSource, engineSources as engineSourceTexts, messageTable } from "./engine-texts.mjs";
import { BUILDER_WRAPS, checkStrip, leftOutBuiltins, engineSourcePatched, instructionAt, leftOutFlags, opcodesUsed, partsLeftOut, patchedSources, refusedOpcodes, stripSource, stripTableSource, stripWraps } from "./lean.mjs";
import { engineInfo, parseXsb, prelink } from "./prelink.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const FW_DIR = join(ROOT, "build", "fw");
export const ENTRY = "native/xs/js/device-main";

export const CPU_FLAGS = ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"];

// The engine's sources the device does without: the parser and code generator (the app comes compiled),
// snapshots, the profiler, Moddable's xsmc glue. (xsDebug.c stays: without mxDebug it is the engine's
// report functions, which print through stdout: the log UART.)
export const ENGINE_EXCLUDE = new Set([
  "xsSnapshot.c", "xsLexical.c", "xsSyntaxical.c", "xsTree.c", "xsScope.c", "xsCode.c", "xsScript.c",
  "xsSourceMap.c", "xsProfile.c", "xsmc.c",
]);
// The device's engine (and the preload generator's, which links native/xs/nrf52/xsr_lean.c too): also without
// xsProxy.c, since Proxy and Reflect are never built there (tools/fw/lean.mjs BUILDER_WRAPS); xsr_lean.c gives the
// engine's behaviour table its gxProxyBehavior
export const DEVICE_ENGINE_EXCLUDE = new Set([...ENGINE_EXCLUDE, "xsProxy.c"]);
// xsDefaults.c: its table of Atomics operations per typed array renamed away (Atomics is never built; xsr_lean.c
// has the empty table the typed arrays point at), so the operations are not linked
// (the same for its table of BigInt operations: no BigInt value can exist, xsr_lean.c's table throws, the app's
// BigInt literals are refused: tools/fw/lean.mjs OPCODES_REFUSED; and for the BigInt64/BigUint64 typed arrays'
// accessors in its table of typed-array types: those arrays are never built)
export const DEFAULTS_DEFINES = ["-DgxTypeAtomics=gxTypeAtomicsUnused", "-DgxTypeBigInt=gxTypeBigIntUnused",
  ...["fxBigInt64Getter", "fxBigInt64Setter", "fxBigUint64Getter", "fxBigUint64Setter"].map((f) => `-D${f}=xsrNoBigInt64Access`),
  "-DfxBigIntCoerce=xsrNoBigIntCoerce", "-DfxBigInt64Compare=xsrNoBigInt64Compare", "-DfxBigUint64Compare=xsrNoBigInt64Compare"];

// The device runtime (platform layer and device natives); the twin swaps the port.
const PLATFORM_SOURCES = {
  nrf52: [
    ...XSR_COMMON_SOURCES,
    "native/xs/nrf52/xsr_device.c", "native/xs/nrf52/syscalls.c", "native/xs/nrf52/board_device.c",
    "native/xs/nrf52/storage_device.c", "native/xs/nrf52/xsr_lean.c", "native/xs/nrf52/port/xsr_nrf52_port.c",
    "native/xs/nrf52/libc_small.c", // qsort, strcmp and toString(radix)'s digit count: docs/xs.md "libc and libm"
  ],
  mps2: [
    ...XSR_COMMON_SOURCES,
    "native/xs/nrf52/xsr_device.c", "native/xs/nrf52/syscalls.c", "native/xs/nrf52/board_device.c",
    "native/xs/nrf52/storage_device.c", "native/xs/nrf52/xsr_lean.c", "native/xs/mps2/xsr_mps2_port.c",
    "native/xs/nrf52/libc_small.c", // qsort, strcmp and toString(radix)'s digit count: docs/xs.md "libc and libm"
  ],
};
// Natives every device links (besides the manifest's), and the ones it never links (host-only).
const DEVICE_NATIVES = ["native/xs/natives/radio_xs.c", "native/xs/natives/nrf52/factory_xs.c"];
const TARGET_NATIVES = { nrf52: ["native/crypto/nrf52/ecb.c"], mps2: [] };
// The twin's instruments (native/xs/mps2/xsr_mps2_port.c): markers and instruction counts around these.
const TWIN_WRAPS = ["radio_set_receiver", "radio_advertise", "p256_ecdh", "p256_keygen",
  "xs_crypto_aes128", "xs_crypto_aes_cmac", "xs_crypto_aes_ccm_encrypt", "xs_crypto_aes_ccm_decrypt"];
// The twin's collector reports the end of each collection to xsr_device.c's xsrTwinGcReport (the live heap's peak)
// and asks xsr_mps2_port.c's xsrTwinGcClock when it starts (mxNever's timers: the twin counts the GC's instructions)
const TWIN_MEMORY_DEFINES = ["-DmxReport=1", "-DfxReport=xsrTwinGcReport", "-DmxNever=1", "-Dgettimeofday=xsrTwinGcClock"];
// C heap (malloc: key array, name tables, timers, the CCM native's buffers), bytes; a preloaded machine's also
// holds its alias table (4 bytes an alias) and its copies of the name and symbol tables: 8,464 B used at most on the
// twin with 1,137 aliases, about 6.6 KB with 683 (docs/firmware.md "Preloading").
// The node images (the "<target>-node" platforms, variants light-node/switch-node) run the mesh node: its timers
// (xsr_run.c, one calloc each) and JSON.stringify's 1 KB buffer do not fit 8 KB: 10,564 B used at most on the twin
// (host-tests/firmware/twin-node.ts, its "cHeapUsed"), 12 KB.
const C_HEAP_BYTES = { default: 12288, preloaded: 8192, node: 12288 };
// The crypto natives' largest message (CMAC, SHA-256, HMAC, CCM payload and AAD): their C buffers live on the
// 8 KB stack and in the C heap. Mesh provisioning needs at most 145 bytes (ConfirmationInputs).
const CRYPTO_MAX_MESSAGE = 512;

/** The engine's feature defines on the device: the manifest's, without the parser and RegExp (also the preload
 * generator's, tools/fw/preload.mjs, which adds mxLink). */
export function deviceEngineDefines(manifest) {
  return manifest.engineDefines.filter((d) => !/^mxParse\b/.test(d) && !/^mxRegExp\b/.test(d)).concat(["mxRegExp=0"]);
}

/** The host's xsbc (tools/xs/build-host.mjs builds it with xsrun; an xsrun that does not link at the moment
 * does not stop the firmware build when an xsbc is there). */
async function hostCompiler() {
  try {
    return await buildHost({ quiet: true });
  } catch (e) {
    const xsbc = join(ROOT, "build", "xs", "host", "xsbc");
    if (!existsSync(xsbc)) throw e;
    process.stderr.write(`xs-image: warning: ${e.message}; using the xsbc already built\n`);
    return { xsbc };
  }
}

/** The module graph from `entry`: static imports and re-exports of each module's JavaScript. */
function moduleGraph(entry, sourceOf) {
  const seen = new Map();
  const order = [];
  const visit = (name, from) => {
    if (seen.has(name)) return;
    const js = sourceOf(name);
    if (!js) throw new Error(`module "${name}"${from ? ` (imported by ${from})` : ""} has no source`);
    seen.set(name, js);
    order.push(name);
    const text = readFileSync(js, "utf8");
    const specs = new Set();
    for (const m of text.matchAll(/(?:^|[;\s])(?:import|export)\s+(?:[^'";]*?\sfrom\s*)?["']([^"']+)["']/g)) specs.add(m[1]);
    if (/\bimport\s*\(/.test(text)) throw new Error(`module "${name}" uses import(): the device archive needs static imports`);
    for (const spec of specs) visit(resolveName(name, spec), name);
  };
  visit(entry, null);
  return order.map((name) => ({ name, js: seen.get(name) }));
}

/** xsrResolveName (native/xs/common/xsr_load.c) in JavaScript. */
function resolveName(referrer, specifier) {
  let path;
  if (specifier.startsWith("./") || specifier.startsWith("../")) path = referrer.split("/").slice(0, -1).concat(specifier.split("/"));
  else path = specifier.split("/");
  const out = [];
  for (const seg of path) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (!out.length) throw new Error(`import "${specifier}" from ${referrer} goes above the root`);
      out.pop();
    } else out.push(seg);
  }
  return out.join("/").replace(/\.m?js$/, "");
}

function configSource(defines) {
  const lines = Object.entries(defines).map(([k, v]) => `  ${k}: ${JSON.stringify(v)},`);
  return (
    "// Generated by tools/fw/xs-image.mjs from manifest.json's defines. Do not edit.\n" +
    `export const defines = Object.freeze({\n${lines.join("\n")}\n});\n` +
    "export default defines;\n"
  );
}

function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], cwd: ROOT });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("close", (code) => resolve({ code, out }));
  });
}

function upToDate(obj, dep, source) {
  if (!existsSync(obj) || !existsSync(dep)) return false;
  const t = mtime(obj);
  if (mtime(source) > t) return false;
  const text = readFileSync(dep, "utf8").replace(/\\\n/g, " ");
  const deps = text.slice(text.indexOf(": ") + 2).split(/\s+/).filter((d) => d && !d.startsWith("/usr/"));
  return deps.every((d) => mtime(d) <= t);
}

/** Compiles units [{source, obj, flags}] with cc (the cross compiler by default), two at a time (the machine is
 * shared); objects newer than their source and headers are kept. */
export async function compileAll(units, quiet, cc = "arm-none-eabi-gcc") {
  const todo = units.filter((u) => !upToDate(u.obj, u.obj.replace(/\.o$/, ".d"), u.source));
  let next = 0;
  let failure = null;
  const worker = async () => {
    while (next < todo.length && !failure) {
      const u = todo[next++];
      mkdirSync(dirname(u.obj), { recursive: true });
      if (!quiet) process.stderr.write(`  cc ${u.source.startsWith(ROOT) ? u.source.slice(ROOT.length + 1) : u.source}\n`);
      const { code, out } = await run(cc, [...u.flags, "-MD", "-MF", u.obj.replace(/\.o$/, ".d"), "-c", u.source, "-o", u.obj]);
      if (code !== 0) failure = new Error(`compiling ${u.source} failed:\n${out}`);
      else if (out && !quiet) process.stderr.write(out);
    }
  };
  await Promise.all([worker(), worker()]);
  if (failure) throw failure;
}

function run2(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: "utf8", cwd: ROOT });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

const tag = (flags) => createHash("sha256").update(flags.join("\0")).digest("hex").slice(0, 10);

/**
 * Prepares the XS objects of one image. target: "nrf52" | "mps2"; variant: "light" | "switch".
 * Returns { objects: [paths], linkFlags: [...], info: {...report} }.
 */
export async function prepareXsImage({ target, variant, quiet = false, runInPlace = true, heapBytes = 0, preload = false, node = false, bundle = node, platform: variantPlatform = null, entry: variantEntry = ENTRY, natives: variantNatives = [], creation: variantCreation = {} }) {
  if (!fetchXs()) throw new Error("the XS sources could not be fetched (see above)");
  // preload: the manifest's "<target>-preload" platform (its preload list and creation); node (with preload): its
  // "<target>-node" platform, the mesh node preloaded (tools/nrf52/build.mjs VARIANT_PARTS light-node, switch-node)
  // (platform: a variant's own preloaded platform, "<target>-<platform>": the standalone provisioner's)
  const platform = preload ? (variantPlatform ? `${target}-${variantPlatform}` : node ? `${target}-node` : `${target}-preload`) : target;
  const manifest = loadManifest(platform);
  const host = await hostCompiler();
  compileTypeScript();

  // 1. the app's modules, compiled for this variant
  // the manifest's defines, its variant's over them (DEVICE_KIND light|switch); XSFW_LOG_LEVEL=debug (or info)
  // in the environment makes the app log more (for debugging on the twin)
  const variantDefines = manifest.variants?.[variant] ?? { DEVICE_KIND: variant };
  const defines = { ...manifest.defines, ...variantDefines, ...(process.env.XSFW_LOG_LEVEL ? { LOG_LEVEL: process.env.XSFW_LOG_LEVEL } : {}) };
  // per platform kind: a module may come from another source on another platform (native/xs/js/mesh ->
  // mesh-node.js on the node platforms, mesh-none.js on the others), and xsbc's output is reused by date alone
  // (the node variants have their own names, so their own directories)
  // bundle (issue 10: the node images; tools/fw/bundle.mjs): the app's modules as one, in a directory of its own
  // (the kept modules' rewritten sources compile to .xsb files of the same names)
  bundle = bundle && preload;
  const appDir = join(FW_DIR, "app", preload ? `${variant}-preload${bundle ? "-bundle" : ""}` : variant);
  const configJs = join(appDir, ".gen", CONFIG_MODULE + ".js");
  writeIfChanged(configJs, configSource(defines));
  const byName = new Map(manifest.modules.map((m) => [m.name, m]));
  const sourceOf = (name) => {
    if (name === CONFIG_MODULE) return configJs;
    const m = byName.get(name);
    if (m) return javascriptOf(m);
    // not (yet) in manifest.json: a JavaScript file of that name, or a TypeScript file's tsc output
    if (existsSync(join(ROOT, name + ".js"))) return join(ROOT, name + ".js");
    if (existsSync(join(ROOT, name + ".ts"))) return javascriptOf({ kind: "ts", source: name + ".ts" });
    return null;
  };
  const entry = variantEntry; // device-main, or a variant's own entry (tools/nrf52/build.mjs VARIANT_PARTS)
  let preloadList = manifest.preload;
  let graph = [];
  const names = new Set();
  for (const root of [...preloadList, entry]) {
    for (const m of moduleGraph(root, sourceOf)) {
      if (!names.has(m.name)) {
        names.add(m.name);
        graph.push(m);
      }
    }
  }
  let bundled = null;
  // the names each module's code uses (the check below that no module names a left-out built-in): the bundle's
  // minified identifiers (at, is, ...) would be taken for built-ins' names, so the app's modules are checked as
  // they are written, compiled on their own (cached, next to the unbundled image's)
  const symbolsChecked = [];
  if (bundle) {
    const { bundleApp, bundled: isApp } = await import("./bundle.mjs");
    const plainDir = join(FW_DIR, "app", `${variant}-preload`);
    for (const m of graph.filter((g) => isApp(g.name))) {
      const xsb = join(plainDir, m.name + ".xsb");
      compileModule(host.xsbc, m.js, xsb, m.name);
      symbolsChecked.push({ name: m.name, symbols: parseXsb(readFileSync(xsb), xsb).symbols.slice(1) });
    }
    ({ graph, preload: preloadList, bundle: bundled } = bundleApp({ graph, preload: preloadList, resolve: resolveName, appDir }));
  }
  // a preloaded image preloads every module of its graph, its entry last (docs/firmware.md "Boot"): the entry's body
  // registers its start function, which the device calls straight from the preparation (native/xs/common/xsr_run.c
  // xsrStartEntry): nothing is imported at run time
  if (preload && preloadList.length) {
    preloadList = [...preloadList, ...graph.map((m) => m.name).filter((n) => n !== entry && !preloadList.includes(n)), entry];
  }
  const imports = preloadList.includes(entry) ? preloadList : [...preloadList, entry];
  for (const m of graph) {
    if (!existsSync(m.js)) throw new Error(`module "${m.name}": ${m.js} was not produced`);
    compileModule(host.xsbc, m.js, join(appDir, m.name + ".xsb"), m.name);
  }

  // 2. prelink, and the generated C
  const genDir = join(FW_DIR, "gen", `${platform}-${variant}${runInPlace ? "" : "-copy"}${heapBytes ? `-heap${heapBytes}` : ""}`);
  const archiveC = join(genDir, "xsr_archive.c");
  // a bundle's function names are minified: no keys for them (prelink's anonymous, unreadNames)
  const report = prelink({ modules: graph.map((m) => ({ name: m.name, xsb: join(appDir, m.name + ".xsb") })), imports, out: archiveC + ".new", runInPlace,
    anonymous: bundled ? [bundled.name] : [] });
  const text = readFileSync(archiveC + ".new", "utf8");
  writeIfChanged(archiveC, text);
  if (report.regexps.length) throw new Error(`these modules use regular expression literals, which the device engine leaves out (mxRegExp=0): ${report.regexps.join(", ")}`);
  for (const m of [...report.modules.filter((r) => !bundled || r.name !== bundled.name), ...symbolsChecked]) {
    const used = leftOutBuiltins(m.symbols);
    if (used.length) throw new Error(`module "${m.name}" names built-ins the device engine leaves out (tools/fw/lean.mjs): ${used.join(", ")}`);
  }
  // link-time optimisation (issue 9: the preloaded image's flash): the preloaded image only. Its engine links no
  // builder (the preparation replaces fxCreateMachine's), so the strip needs no weakened engine objects and no
  // stubs (the generator gave the stripped built-ins xsrStrippedBuiltin), which LTO objects could not take
  const lto = preloadList.length > 0;
  // the engine parts no module's bytecode reaches (tools/fw/lean.mjs UNUSED_PARTS): left out of this image
  const info = engineInfo();
  const opcodesBy = graph.map((m) => ({ name: m.name, used: opcodesUsed([parseXsb(readFileSync(join(appDir, m.name + ".xsb")), m.name).code], info) }));
  for (const m of opcodesBy) {
    const refused = refusedOpcodes(m.used);
    if (refused.length) throw new Error(`module "${m.name}" uses ${refused.join(", ")}, which the device engine leaves out (tools/fw/lean.mjs)`);
  }
  // (a preloaded image: every module of its archive preloaded, none loaded at run time: see above)
  const missing = preloadList.length ? graph.filter((m) => !preloadList.includes(m.name)) : [];
  if (missing.length) throw new Error(`the preloaded image would load ${missing.map((m) => m.name).join(", ")} at run time: the device has no module loader (tools/fw/lean.mjs UNUSED_PARTS)`);
  // (the names the archive's modules use: a global such as Promise keeps its name in the bundle, which holds only the
  // code its sources' kept exports reach)
  const leftOut = partsLeftOut(new Set(opcodesBy.flatMap((m) => [...m.used])),
    { preloaded: preloadList.length > 0, symbols: new Set(report.modules.flatMap((m) => m.symbols)) });
  const leftOutBy = leftOutFlags(leftOut);
  checkStrip(readdirSync(join(SRC_DIR, "sources")).filter((f) => f.endsWith(".c")).map((f) => [f, readFileSync(join(SRC_DIR, "sources", f), "utf8")]));
  writeIfChanged(join(genDir, "xsr_strip.c"), lto ? stripTableSource() + "\n" : stripSource());
  // the preparation (issue 9; docs/firmware.md "Preloading"): the manifest's preload run at build time by the
  // generator, linked with this archive (keys registered in its order, modules run from it in place), written as C
  // that points into the archive for code and strings
  const c = { ...manifest.creation, ...variantCreation, ...(heapBytes ? { staticSize: heapBytes } : {}) };
  const preloaded = preloadList.length > 0;
  const cHeapBytes = !preloaded ? C_HEAP_BYTES.default : node ? C_HEAP_BYTES.node : C_HEAP_BYTES.preloaded;
  let preparation = null;
  if (preloaded) {
    const { runGenerator, writeKeepFile, writeStaticsFile } = await import("./preload.mjs");
    // the strip: built-in functions that neither the app's bytecode (every module of the archive) nor the
    // engine or our C code names at run time lose their C code
    // (with the app bundled: the bundle's names that its modules also use as written: a minified identifier, e.g.
    // "at" or "pow", keeps no built-in, nor does a local name of the sources the bundle renamed, e.g. "keys"; every
    // property name the bundle uses is one its sources use)
    const written = new Set(symbolsChecked.flatMap((m) => m.symbols));
    const named = report.modules.map((m) => (bundled && m.name === bundled.name ? m.symbols.filter((n) => written.has(n)) : m.symbols));
    const keep = writeKeepFile(join(genDir, "xsr_keep.txt"), named);
    // the static built-ins (JSON.parse, Math.log, ...) by what the code does with their globals (tools/fw/static-uses.mjs)
    const statics = writeStaticsFile(join(genDir, "xsr_statics.txt"), graph.map((m) => ({ xsb: join(appDir, m.name + ".xsb"), bodyRan: preloadList.includes(m.name) })));
    const r = await runGenerator(appDir, preloadList, { archive: archiveC, emit: join(genDir, "xsr_preparation.c"), creation: c, keep, statics });
    if (r.status !== 0) throw new Error(`the preload generator failed:\n${r.stderr.trim()}`);
    preparation = { ...r.report, ...r.emitted, modules: preloadList.length, warnings: r.stderr.trim().split("\n").filter(Boolean),
      ...censusTables(r.census, report.modules) };
  }
  if (!c.staticSize) throw new Error(`manifest.json platforms.${target}.creation.staticSize must give the XS heap's size`);
  const keysNeeded = report.keyBase + report.keys;
  if (c.initialKeyCount < keysNeeded + 64 && !c.incrementalKeyCount) {
    throw new Error(`creation.initialKeyCount ${c.initialKeyCount} for ${target} leaves no room: the archive needs ${keysNeeded} keys (engine ${report.keyBase} + app ${report.keys}) and the app makes more at run time`);
  }
  writeIfChanged(join(genDir, "xsr_creation.h"),
    `/* Generated by tools/fw/xs-image.mjs from manifest.json (platform ${target}). Do not edit. */\n` +
    `#define XSR_CREATION_INITIALIZER { ${CREATION_FIELDS.map((f) => `${c[f]} /* ${f} */`).join(", ")} }\n`);
  writeIfChanged(join(genDir, "xsr_hosts.c"),
    `/* Generated by tools/fw/xs-image.mjs: the host functions the archive's modules declare, sorted. */\n#include "xsr.h"\n\n` +
    report.hostNames.map((n) => `extern void ${n}(xsMachine* the);\n`).join("") +
    `\nconst xsrHostEntry gxsrHosts[] = {\n` + report.hostNames.map((n) => `\t{ "${n}", ${n} },\n`).join("") +
    (report.hostNames.length ? "" : "\t{ 0, 0 },\n") + `};\nconst size_t gxsrHostCount = ${report.hostNames.length};\n`);
  writeIfChanged(join(genDir, "xsr_defines.h"), `/* Generated from manifest.json's defines. Do not edit. */\n` +
    Object.entries(defines).map(([k, v]) => `#define XSR_DEFINE_${k} ${typeof v === "string" ? JSON.stringify(v) : Number(v)}\n`).join(""));

  // 3. objects
  const engineDefines = deviceEngineDefines(manifest);
  const platformDefines = ["-DINCLUDE_XSPLATFORM", '-DXSPLATFORM="xsr_device.h"'];
  const includes = [
    "-I", join(ROOT, "native/xs/nrf52"), "-I", join(ROOT, "native/xs/common"), "-I", genDir,
    "-I", join(ROOT, "native/crypto"),
    "-isystem", join(SRC_DIR, "includes"), "-isystem", join(SRC_DIR, "platforms"), "-isystem", join(SRC_DIR, "sources"),
  ];
  // the twin's instruments wrap our functions (TWIN_WRAPS: --wrap, which does not reach calls inside LTO code):
  // there only the engine and the preparation are LTO code
  const ltoOurs = lto && target !== "mps2";
  const base = [...CPU_FLAGS, "-Os", "-g", "-fno-strict-aliasing", "-fno-common", "-ffunction-sections", "-fdata-sections"];
  const engineFlags = [...base, ...(lto ? ["-flto"] : []), ...platformDefines, ...engineDefines.map((d) => `-D${d}`), "-w", ...includes];
  const natives = [...new Set([...manifest.natives, ...DEVICE_NATIVES, ...TARGET_NATIVES[target], ...variantNatives])]
    .filter((f) => !f.startsWith("native/xs/natives/host/") && !f.startsWith("native/xs/host/"));
  const nativeDefines = natives.map((f) => `-DXSR_NATIVE_${basename(f).replace(/\.c$/, "").replace(/[^A-Za-z0-9]/g, "_").toUpperCase()}=1`);
  const ourFlags = [
    ...base, ...(ltoOurs ? ["-flto"] : []), ...platformDefines, ...engineDefines.map((d) => `-D${d}`), ...nativeDefines,
    ...(preloaded ? ["-DXSR_PRELOADED=1"] : []),
    ...(target === "mps2" ? ["-DXSR_LIVE_PEAK=1"] : []),
    ...leftOutBy.ours,
    `-DXSR_HEAP_BYTES=${c.staticSize}`, `-DXSR_CHEAP_BYTES=${cHeapBytes}`, `-DXSR_CRYPTO_MAX_MESSAGE=${CRYPTO_MAX_MESSAGE}`,
    // nRF52840: AES by the ECB peripheral; its software fallback the table-free bitsliced code (the T-table
    // code, the Cortex-M4 default that the twin keeps, would hold 2 KB of tables in RAM, 1 KB-aligned)
    ...(target === "nrf52" ? ["-DCRYPTO_AES_BACKEND_NRF52_ECB", "-DCRYPTO_AES_SW_BITSLICED"] : []),
    // SHA-256 one round at a time (native/crypto/sha256.c): it runs once per provisioning (HMAC-SHA256
    // Confirmation), so its 2.7 KB of unrolled rounds are not worth their speed on the device
    "-DCRYPTO_SHA256_COMPACT",
    "-std=c99", "-Wall", "-Wextra", "-Werror", ...includes,
  ];
  const engineSources = readdirSync(join(SRC_DIR, "sources")).filter((f) => f.endsWith(".c") && !DEVICE_ENGINE_EXCLUDE.has(f)).sort();
  const unit = (group, flags, source) => ({
    source,
    flags,
    group,
    obj: join(FW_DIR, "obj", `${group}-${tag(flags)}`, basename(source).replace(/\.c$/, ".o")),
  });
  const ours = [...PLATFORM_SOURCES[target], ...natives].map((f) => join(ROOT, f));
  const seenNames = new Set();
  for (const f of ours) {
    if (seenNames.has(basename(f))) throw new Error(`two sources are named ${basename(f)}: objects are named after sources`);
    seenNames.add(basename(f));
  }
  // xsDefaults.c: functions get no own "length" and "name" (two slots each; see xsr_device.c)
  const defaultsFlags = [...engineFlags, "-DfxNewFunctionLength=xsrNoFunctionLength", "-DfxNewFunctionName=xsrNoFunctionName", ...DEFAULTS_DEFINES, ...leftOutBy.defaults];
  // the engine's sources with functions of left-out parts stubbed (tools/fw/lean.mjs UNUSED_PARTS stubs): generated
  // copies under build/fw/engine-src/ (the engine's own are never edited)
  // (and, but with XSFW_ENGINE_TEXTS=full, the engine's error formats as codes: tools/fw/engine-texts.mjs)
  const texts = engineTexts();
  const patched = new Map([...patchedSources(leftOut)].map(([f, stubs]) => {
    const dir = join(FW_DIR, "engine-src", tag([...stubs.map((x) => `${x.part}:${x.fn}`), ...texts.tag]));
    writeIfChanged(join(dir, f), engineSourcePatched(texts.text(f), stubs, f, join(SRC_DIR, "sources", f)));
    return [f, join(dir, f)];
  }));
  for (const f of engineSources) if (!patched.has(f) && texts.coded.has(f) && f !== "xsDefaults.c") patched.set(f, texts.copy(f));
  const units = [
    ...engineSources.map((f) => f === "xsDefaults.c" ? unit("engine-defaults", defaultsFlags, join(SRC_DIR, "sources", f))
      : patched.has(f) ? unit(`engine-patched-${basename(dirname(patched.get(f)))}`, engineFlags, patched.get(f))
      : target === "mps2" && f === "xsMemory.c" ? unit("engine-twin", [...engineFlags, ...TWIN_MEMORY_DEFINES], join(SRC_DIR, "sources", f))
      : unit("engine", engineFlags, join(SRC_DIR, "sources", f))),
    ...ours.map((f) => unit(`xsr-${target}`, ourFlags, f)),
    ...["xsr_archive.c", "xsr_hosts.c", "xsr_strip.c"].map((f) => unit(`gen-${basename(genDir)}`, ourFlags, join(genDir, f))),
    // the preparation: the engine's own structures, compiled as the engine is
    ...(preloaded ? [unit(`preparation-${basename(genDir)}`, [...engineFlags, ...leftOutBy.preparation], join(genDir, "xsr_preparation.c"))] : []),
  ];
  await compileAll(units, quiet);
  // the engine's objects with the stripped built-ins made weak (the generated xsr_strip.c defines them)
  const weak = stripWraps();
  const leanDir = join(FW_DIR, "obj", `engine-lean-${tag([...engineFlags, ...weak])}`);
  mkdirSync(leanDir, { recursive: true });
  for (const u of units) {
    if (!u.group.startsWith("engine") || lto) continue;
    // (named after the object's own directory too: an image's xsDefaults.c flags depend on its app, UNUSED_PARTS)
    const out = join(leanDir, (u.group === "engine" ? "" : `${basename(dirname(u.obj))}-`) + basename(u.obj));
    if (mtime(out) < mtime(u.obj)) {
      const defined = new Set(run2("arm-none-eabi-nm", ["--defined-only", "-g", u.obj]).split("\n").map((l) => l.trim().split(" ").pop()));
      const mine = weak.filter((f) => defined.has(f));
      run2("arm-none-eabi-objcopy", [...mine.map((f) => `--weaken-symbol=${f}`), u.obj, out]);
    }
    u.obj = out;
  }
  const linkFlags = [...BUILDER_WRAPS, ...(target === "mps2" ? TWIN_WRAPS : [])].map((w) => `-Wl,--wrap=${w}`);
  return {
    objects: units.map((u) => u.obj),
    groups: Object.fromEntries(units.map((u) => [u.obj, classify(u)])),
    // with LTO the engine is compiled at link time: its warnings (-w when compiled) are silenced there too; our
    // sources were compiled with -Wall -Wextra -Werror (two jobs: the machine is shared)
    linkFlags: [...linkFlags, ...(lto ? ["-flto=2", "-Os", "-w"] : [])],
    lto,
    ltoHal: ltoOurs,
    info: {
      entry,
      // the archive's C source (its module list: one comment per module), relative to the repository
      archive: relative(ROOT, archiveC),
      modules: graph.length,
      archiveBytes: report.codeBytes + report.hostsBytes,
      keys: report.keys,
      keyBase: report.keyBase,
      keyStringBytes: report.keyStringBytes,
      runInPlace,
      functions: report.functions,
      strings: report.strings,
      stringBytes: report.stringBytes,
      creation: c,
      cHeapBytes,
      engineDefines,
      natives,
      builtinsLeftOut: stripWraps().length,
      // the engine parts left out (tools/fw/lean.mjs UNUSED_PARTS): no module's bytecode reaches them
      partsLeftOut: leftOut.map((p) => p.name),
      preload: preparation,
      // the archive's modules in its order (gxsrArchiveCode<i>), the preloaded ones, the bytes of their bodies
      archiveModules: graph.map((m) => m.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
      preloadModules: preloadList,
      moduleBodyBytes: preloaded ? moduleBodyBytes(preloadList.map((n) => join(appDir, n + ".xsb"))) : 0,
      // the app bundle (tools/fw/bundle.mjs): its module name, the app modules it replaced, the sources esbuild kept
      // code of (bytes of JavaScript each), how many exports the other modules import from it
      bundle: bundled,
    },
  };
}

/**
 * The bytes of the modules' own bodies (their code minus the functions' code nested in it): what a preloaded
 * image keeps in flash but never runs (the bodies ran at build time).
 */
export function moduleBodyBytes(xsbFiles) {
  const info = engineInfo();
  let body = 0;
  for (const file of xsbFiles) {
    const { code } = parseXsb(readFileSync(file), file);
    let nested = 0;
    for (let p = 0; p < code.length;) {
      const i = instructionAt(code, p, info);
      nested += i.nested;
      p += i.length + i.nested; // over the nested function's code
    }
    body += code.length - nested;
  }
  return body;
}

/**
 * The preparation's heap by module and by kind (issue 10, step 1: size.json xs.preload.byModule / byKind), from the
 * generator's census (tools/fw/preload/xsp_census.c: slots of 16 bytes on the device) and the archive's code per
 * module (the prelinker's report: bytecode bytes, which stay in flash whether preloaded or not).
 * byModule: [{ name, heapBytes, slots, functions, codeBytes, byKind: {kind: slots} }], biggest first, with the rows
 * "(built-ins)" (the engine's objects and keys, made before any module ran), "(app keys)" (the archive's keys and
 * those made while the modules ran) and "(machine)" (what no module reaches: the realm's records, the module list). byKind: { kind: { builtin, app } } in slots.
 */
export function censusTables(census, archiveModules) {
  if (!census) return {};
  const code = new Map(archiveModules.map((m) => [m.name, m.code + m.hosts]));
  const byModule = census.modules.map((m) => ({
    name: m.name,
    heapBytes: m.slots * 16,
    slots: m.slots,
    functions: m.functions,
    codeBytes: code.get(m.name) ?? 0,
    byKind: Object.fromEntries(census.kinds.map((k, i) => [k, m.byKind[i]])),
  }));
  // archive modules the preparation holds no record of (not preloaded: the entry, platform, ...): their code
  for (const m of archiveModules) if (!byModule.some((r) => r.name === m.name)) byModule.push({ name: m.name, heapBytes: 0, slots: 0, functions: 0, codeBytes: m.code + m.hosts, byKind: {}, preloaded: false });
  byModule.sort((a, b) => b.heapBytes + b.codeBytes - (a.heapBytes + a.codeBytes));
  const byKind = Object.fromEntries(census.kinds.map((k, i) => [k, {
    builtin: census.modules[0].byKind[i],
    // the app's: the modules', its keys' ("(app keys)") and the machine's records ("(machine)")
    app: census.modules.slice(1).reduce((a, m) => a + m.byKind[i], 0),
  }]));
  return { byModule, byKind };
}

/**
 * The engine's sources as the device compiles them (tools/fw/engine-texts.mjs): text(f) a source's text, its error
 * formats as codes (unless XSFW_ENGINE_TEXTS=full); coded: the sources that have any; copy(f) a generated copy of
 * one (#line naming the original), for the sources no other patch copies; tag: what names the copies' directory.
 */
function engineTexts() {
  const full = process.env.XSFW_ENGINE_TEXTS === "full";
  const sources = new Map(engineSourceTexts(SRC_DIR));
  const table = messageTable([...sources]);
  const coded = new Map(full ? [] : [...sources].map(([f, t]) => [f, codedSource(t, table, f)]).filter(([f, t]) => t !== sources.get(f)));
  const text = (f) => coded.get(f) ?? sources.get(f);
  const copy = (f) => {
    const out = join(FW_DIR, "engine-src", "texts-coded", f);
    writeIfChanged(out, `/* Generated by tools/fw/xs-image.mjs from the engine's ${f} (tools/fw/engine-texts.mjs). Do not edit. */\n#line 1 "${join(SRC_DIR, "sources", f)}"\n` + text(f));
    return out;
  };
  return { coded, text, copy, tag: full ? [] : ["texts:coded"] };
}

/** What an object counts as in the size breakdown. */
function classify(u) {
  if (u.group.startsWith("engine")) return "engine";
  if (u.group.startsWith("preparation-")) return "preloaded";
  if (u.group.startsWith("gen-")) return basename(u.source) === "xsr_archive.c" ? "app" : "xsPlatform";
  if (u.source.includes("/native/crypto/")) return "crypto";
  if (u.source.includes("/native/xs/natives/")) return "natives";
  return "xsPlatform";
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const target = args[args.indexOf("--target") + 1] ?? "mps2";
  const variant = args.includes("--variant") ? args[args.indexOf("--variant") + 1] : "light";
  const r = await prepareXsImage({ target, variant });
  process.stdout.write(JSON.stringify(r.info, null, 2) + "\n");
}
