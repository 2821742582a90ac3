#!/usr/bin/env node
// The preload generator (issue 9; docs/firmware.md "Preloading"): builds tools/fw/preload/xspreload.c against the
// XS engine with the device's feature defines plus mxLink (a host program, cached in build/fw/preload/), then
// runs it on the app's compiled modules with the manifest's `preload` list.
//
//   node tools/fw/preload.mjs [--variant light|switch] [--dir DIR] [MODULE...]
//
// Without MODULE, the manifest's `preload` (in order). Prints the generator's `preload {json}` line; exit 1 with
// one line `preload: module "NAME" cannot be preloaded: …` when a module's body cannot run at build time.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SRC_DIR, fetchXs } from "../xs/fetch-xs.mjs";
import { findCompiler } from "../xs/build-host.mjs";
import { ROOT, loadManifest } from "../xs/manifest.mjs";
import { DEFAULTS_DEFINES, DEVICE_ENGINE_EXCLUDE, ENGINE_EXCLUDE, compileAll, deviceEngineDefines } from "./xs-image.mjs";
import { BUILDER_WRAPS, stripTableSource } from "./lean.mjs";
import { XSR_COMMON_SOURCES, writeIfChanged } from "../xs/files.mjs";
import { compactArchive, engineInfo } from "./prelink.mjs";
import { engineOwnerKeys, staticUsesOfFiles, staticsFileText } from "./static-uses.mjs";

const OUT = join(ROOT, "build", "fw", "preload");
/**
 * Flags for a host build of the engine with the device's feature defines (plus `defines`), our platform header
 * xsr_preload.h; objects in build/fw/preload/<dir>/<hash of the flags>/.
 */
function hostBuild(dir, defines, engineOnly = []) {
  const cc = findCompiler();
  if (!cc) throw new Error("no C compiler (cc, gcc or clang)");
  const all = [...deviceEngineDefines(loadManifest("nrf52")), ...defines].map((d) => `-D${d}`);
  const includes = [
    "-I", join(ROOT, "tools/fw/preload"), "-I", join(ROOT, "native/xs/host"), "-I", join(ROOT, "native/xs/common"),
    "-I", join(ROOT, "native/xs/nrf52"),
    "-isystem", join(SRC_DIR, "includes"), "-isystem", join(SRC_DIR, "platforms"), "-isystem", join(SRC_DIR, "sources"),
  ];
  const base = ["-O1", "-g", "-fno-strict-aliasing", "-fno-common", "-DINCLUDE_XSPLATFORM", '-DXSPLATFORM="xsr_preload.h"', ...all];
  const engineFlags = [...base, ...engineOnly, "-w", ...includes];
  const ourFlags = [...base, "-std=c99", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-Werror", ...includes];
  const tag = (flags) => createHash("sha256").update([cc, ...flags].join("\0")).digest("hex").slice(0, 10);
  const unit = (flags, source) => ({ source, flags, obj: join(OUT, dir, tag(flags), basename(source).replace(/\.c$/, ".o")) });
  return { cc, engineFlags, ourFlags, unit };
}

// The runtime's platform-independent half (the generator binds every native to a stub that refuses to run:
// gxsrBindHosts).
const COMMON = XSR_COMMON_SOURCES.map((f) => join(ROOT, f));

/**
 * Builds the generator (cached); returns its path. With archive (an image's xsr_archive.c, tools/fw/prelink.mjs),
 * the generator is linked with it and loads modules from it as the device does (build/fw/preload/<image>/).
 */
export async function buildGenerator({ quiet = true, archive = null } = {}) {
  if (!fetchXs()) throw new Error("the XS sources could not be fetched");
  // the engine linked (mxLink), without own function lengths and names (the device's hooks, xsr_lean.c)
  const { cc, engineFlags, ourFlags, unit } = hostBuild("obj", ["mxLink=1"],
    ["-DfxNewFunctionLength=xsrNoFunctionLength", "-DfxNewFunctionName=xsrNoFunctionName"]);
  // the device's built-ins: the same left out (xsr_lean.c's builders, by --wrap) and deleted (its strip table)
  const stripC = join(OUT, "gen", "xsp_strip.c");
  writeIfChanged(stripC, stripTableSource() + "\n");
  const engine = readdirSync(join(SRC_DIR, "sources")).filter((f) => f.endsWith(".c") && !DEVICE_ENGINE_EXCLUDE.has(f)).sort();
  const units = [
    // xsDefaults.c as the device's (tools/fw/xs-image.mjs DEFAULTS_DEFINES: xsr_lean.c has the Atomics table)
    ...engine.map((f) => unit(f === "xsDefaults.c" ? [...engineFlags, ...DEFAULTS_DEFINES] : engineFlags, join(SRC_DIR, "sources", f))),
    ...[...COMMON, join(ROOT, "tools/fw/preload/xspreload.c"), join(ROOT, "tools/fw/preload/xsp_emit.c"),
      join(ROOT, "tools/fw/preload/xsp_census.c"), join(ROOT, "tools/fw/preload/xsp_platform.c"),
      join(ROOT, "native/xs/nrf52/xsr_lean.c"), stripC].map((f) => unit(ourFlags, f)),
  ];
  if (archive) units.push({ ...unit(ourFlags, archive), obj: join(OUT, basename(dirname(archive)), "xsr_archive.o") });
  await compileAll(units, quiet, cc);
  const exe = archive ? join(OUT, basename(dirname(archive)), "xspreload") : join(OUT, "xspreload");
  const wraps = BUILDER_WRAPS.map((w) => `-Wl,--wrap=${w}`);
  const r = spawnSync(cc, ["-o", exe, ...units.map((u) => u.obj), ...wraps, "-rdynamic", "-lm", "-lpthread", "-ldl"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`linking the preload generator failed:\n${r.stderr}`);
  return exe;
}

/**
 * Builds the test runner (tools/fw/preload/xsprun.c) with the preparation `preparationC` the generator wrote: the
 * engine with the device's feature defines (no mxLink: as the device runs it), the runtime's common half, the
 * generator's host platform, and the archive `archive` the generator was given (if any). Returns its path (next to the
 * preparation).
 */
export async function buildRunner(preparationC, { quiet = true, archive = null } = {}) {
  const { cc, engineFlags, ourFlags, unit } = hostBuild("run-obj", []);
  const engine = readdirSync(join(SRC_DIR, "sources")).filter((f) => f.endsWith(".c") && !ENGINE_EXCLUDE.has(f)).sort();
  const dir = dirname(preparationC);
  const units = [
    ...engine.map((f) => unit(engineFlags, join(SRC_DIR, "sources", f))),
    ...[...COMMON, join(ROOT, "tools/fw/preload/xsp_platform.c"), join(ROOT, "tools/fw/preload/xsprun.c")].map((f) => unit(ourFlags, f)),
    { ...unit(engineFlags, preparationC), obj: join(dir, "xsr_preparation.o") },
    // the archive the preparation points into (modules then load from it, as on the device)
    ...(archive ? [{ ...unit(ourFlags, archive), obj: join(dir, "xsr_archive.o") }] : []),
  ];
  await compileAll(units, quiet, cc);
  const exe = join(dir, "xsprun");
  const r = spawnSync(cc, ["-o", exe, ...units.map((u) => u.obj), "-lm", "-lpthread", "-ldl"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`linking the test runner failed:\n${r.stderr}`);
  return exe;
}

// Engine sources that are not linked on the device (their run-time key uses do not count).
const NOT_LINKED = new Set(["xsSnapshot.c", "xsLockdown.c", ...DEVICE_ENGINE_EXCLUDE]);

/**
 * The keys something names at run time besides the app's bytecode (the strip's "always kept" list, docs/firmware.md
 * "Preloading"): every `mxID(_name)` of the engine's linked sources outside a property builder (the engine looks
 * these up itself: then, constructor, toString, valueOf, next, join, toJSON, ...; a line that defines a property
 * is no lookup), and every name our C code looks up (`xsID("name")`, `xsID_name`, `fxID(the, "name")`) in native/xs.
 */
export function runtimeKeys() {
  return [...runtimeKeySites().keys()].sort();
}

/**
 * runtimeKeys with where each is looked up: Map(key -> Set of sites), a site "file:function" (the engine's source
 * file and the function the lookup is in) or "native/xs" (our C).
 */
export function runtimeKeySites() {
  const sites = new Map();
  const add = (key, site) => {
    if (!sites.has(key)) sites.set(key, new Set());
    sites.get(key).add(site);
  };
  for (const f of readdirSync(join(SRC_DIR, "sources")).filter((f) => f.endsWith(".c") && !NOT_LINKED.has(f))) {
    let fn = "";
    for (const line of readFileSync(join(SRC_DIR, "sources", f), "utf8").split("\n")) {
      // a definition starts a line (the engine's style): `void fxName(...)`, `static txSlot* fxName(...)`
      const def = /^[A-Za-z][\w\s*]*?\b(\w+)\(/.exec(line);
      if (def && !/;\s*$/.test(line)) fn = def[1];
      if (/fxNext\w*Property\(|fxBuildHost(Function|Constructor)|mxCallback\(/.test(line)) continue;
      for (const m of line.matchAll(/mxID\(_(\w+)\)/g)) add(m[1] === "__proto__" || m[1] === "_proto__" ? "__proto__" : m[1], `${f}:${fn}`);
    }
  }
  const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith(".c") ? [join(dir, e.name)] : []);
  for (const file of walk(join(ROOT, "native/xs"))) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/xsID\("([^"]+)"\)|xsID_(\w+)|fxID\(the,\s*"([^"]+)"\)/g)) add(m[1] ?? m[2] ?? m[3], "native/xs");
  }
  return sites;
}

/**
 * Writes the strip's keep file (runGenerator's `keep`): the names the app's modules use (`symbolLists`: each
 * module's symbols, all modules of the image, preloaded or not) and the run-time keys, one a line. Returns path.
 */
export function writeKeepFile(path, symbolLists) {
  mkdirSync(dirname(path), { recursive: true });
  writeIfChanged(path, [...new Set([...symbolLists.flat(), ...runtimeKeys()])].sort().join("\n") + "\n");
  return path;
}

/**
 * Writes the strip's statics file (runGenerator's `statics`; tools/fw/static-uses.mjs): the static built-ins
 * (JSON.parse, Math.log, ...) the code of `files` reads ([{ xsb (path), bodyRan: its module body ran at build time }]:
 * every module of the image's archive) and the run-time keys. Returns path.
 */
export function writeStaticsFile(path, files) {
  mkdirSync(dirname(path), { recursive: true });
  const uses = staticUsesOfFiles(files, engineInfo());
  writeIfChanged(path, staticsFileText(uses, engineOwnerKeys(runtimeKeySites(), uses)));
  return path;
}

/**
 * Runs the generator on the compiled modules in dir; options: keys (a file of the archive's keys, registered
 * first), emit (the C file to write the preparation to), creation (the device's: its name and symbol moduli),
 * archive (the image's prelinked archive: modules loaded from it, code and strings pointed at in it), keep (a file
 * of the keys named by the app and at run time, one a line: built-in functions reached by no other key are stripped,
 * xspreload.c), statics (writeStaticsFile: the static built-ins kept by use, not by name). Returns { status, stdout, stderr, report, emitted, census } (census: the heap by module and kind,
 * xsp_census.c; with emit only).
 */
export async function runGenerator(dir, modules, { keys = null, emit = null, creation = null, archive = null, keep = null, statics = null } = {}) {
  // the generator is linked with a copy of the archive: the archive itself is compacted below (compactArchive)
  let linked = null;
  if (archive) {
    linked = join(OUT, basename(dirname(archive)), "xsr_archive.c");
    writeIfChanged(linked, readFileSync(archive, "utf8"));
  }
  const exe = await buildGenerator({ archive: linked });
  if (emit) mkdirSync(dirname(emit), { recursive: true });
  const options = [...(keys ? ["--keys", keys] : []), ...(keep ? ["--keep", keep] : []), ...(statics ? ["--statics", statics] : []), ...(emit ? ["--emit", emit] : [])];
  // the name and symbol tables are copied as they are by the device's clone: the device's moduli
  if (creation) options.push("--names", String(creation.nameModulo), "--symbols", String(creation.symbolModulo));
  const r = spawnSync(exe, [...options, dir, ...modules], { encoding: "utf8", maxBuffer: 64 << 20 });
  const json = (prefix) => {
    const line = r.stdout.split("\n").find((l) => l.startsWith(prefix + " "));
    return line ? JSON.parse(line.slice(prefix.length + 1)) : null;
  };
  const emitted = json("preload-emit");
  // the bodies the generator let go of (xspDropBodies): their code leaves the archive
  const bodies = json("preload-bodies");
  let compacted = null;
  if (r.status === 0 && emitted && archive && bodies) {
    compacted = compactArchive({ archiveC: archive, preparationC: emit, modules: bodies });
    emitted.bodiesDropped = compacted.modules.length;
    emitted.archiveBytesDropped = compacted.savedBytes;
    for (const k of compacted.kept) process.stderr.write(`preload: warning: the code of "${k.name}" stays whole: ${k.why}\n`);
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, report: json("preload"), emitted, census: json("preload-census"), bodies, compacted };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const opt = (name, def) => (args.includes(name) ? args[args.indexOf(name) + 1] : def);
  const variant = opt("--variant", "light");
  const rest = args.filter((a, i) => !a.startsWith("--") && !(i > 0 && args[i - 1]?.startsWith("--")));
  const dir = opt("--dir", join(ROOT, "build", "fw", "app", variant));
  const modules = rest.length ? rest : loadManifest("nrf52-preload").preload;
  const r = await runGenerator(dir, modules);
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  process.exit(r.status ?? 1);
}
