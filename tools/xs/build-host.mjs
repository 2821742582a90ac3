#!/usr/bin/env node
// Builds the XS host runtime and the bytecode compiler:
//   build/xs/host/xsrun   the engine (build/xs/src, fetched by fetch-xs.mjs) + our platform layer
//                          (native/xs/common, native/xs/host) + the manifest's natives for "host"
//   build/xs/host/xsbc    the engine's parser and code generator + native/xs/host/xsbc.c
// Objects are cached under build/xs/host/obj (rebuilt when the source, a header it includes, or the
// flags change). -O2, -fno-strict-aliasing; our files and the natives with -Wall -Wextra -Werror, the
// engine's own with warnings off.
//
// Usage: node tools/xs/build-host.mjs [--sanitize] [--verbose] [--if-possible]
//   --sanitize     build into build/xs/host-san with -fsanitize=address,undefined (for C-level checks)
//   --if-possible  when there is no C compiler, print a warning and exit 0 (for npm hooks)
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync, renameSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { fetchXs, SRC_DIR } from "./fetch-xs.mjs";
import { CREATION_FIELDS, ROOT, loadManifest, manifestHostNames } from "./manifest.mjs";
import { XSR_COMMON_SOURCES } from "./files.mjs";

export class NoCompilerError extends Error {}

/** The C compiler: $CC, else cc, gcc or clang; null when none works. */
export function findCompiler() {
  for (const cc of [process.env.CC, "cc", "gcc", "clang"].filter(Boolean)) {
    const r = spawnSync(cc, ["--version"], { stdio: "ignore" });
    if (r.status === 0) return cc;
  }
  return null;
}

export function hostDir({ sanitize = false } = {}) {
  return join(ROOT, "build", "xs", sanitize ? "host-san" : "host");
}

const ENGINE_EXCLUDE = new Set(["xsSnapshot.c"]); // snapshots (xsnap's) are not used
const PARSER_SOURCES = [
  "xsBigInt.c", "xsCode.c", "xsCommon.c", "xsdtoa.c", "xsLexical.c", "xsre.c",
  "xsScope.c", "xsScript.c", "xsSourceMap.c", "xsSyntaxical.c", "xsTree.c",
];

function writeIfChanged(path, text) {
  if (existsSync(path) && readFileSync(path, "utf8") === text) return;
  writeFileSync(path + ".tmp", text);
  renameSync(path + ".tmp", path);
}

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return Infinity; // missing: out of date
  }
}

/** True when obj is newer than every dependency in its .d file (and the .d exists). */
function upToDate(obj, dep, source) {
  if (!existsSync(obj) || !existsSync(dep)) return false;
  const t = mtime(obj);
  if (mtime(source) > t) return false;
  const text = readFileSync(dep, "utf8").replace(/\\\n/g, " ");
  const colon = text.indexOf(": ");
  // -MD lists every header (-MMD would drop those reached through the engine's -isystem headers, such as
  // our platform header xsr_host.h); the C library's are skipped here
  const deps = text.slice(colon + 2).split(/\s+/).filter((d) => d && !d.startsWith("/usr/"));
  return deps.every((d) => mtime(d) <= t);
}

function run(cmd, args, verbose) {
  return new Promise((resolve) => {
    if (verbose) process.stderr.write(`${cmd} ${args.join(" ")}\n`);
    const child = spawn(cmd, args, { stdio: ["ignore", "inherit", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => resolve({ code, err }));
  });
}

/**
 * Compiles units [{source, obj, flags, label}] two at a time (the machine is shared); returns how many it compiled.
 * What it says goes to `out` (process.stderr; a stand-in in host-tests/xs/build-host.test.ts): a quiet build
 * (the simulator's first run, the tests') still names what it builds and shows its progress (issue 8, defect 8).
 */
export async function compileAll(cc, units, verbose, quiet, out = process.stderr) {
  const todo = units.filter((u) => !upToDate(u.obj, u.obj.replace(/\.o$/, ".d"), u.source));
  let next = 0;
  let done = 0;
  let failure = null;
  // Quiet builds (the simulator's, the tests') still say what is built and how far it is: the first build
  // compiles the whole engine, 25-50 s on two cores.
  const progress = quiet && !verbose && todo.length > 0;
  const tty = out.isTTY;
  if (progress) {
    out.write(`xs: building the XS runtime (engine, bytecode compiler, natives): ${todo.length} C file(s) to compile${todo.length > 20 ? ", about 25-50 s the first time" : ""}\n`);
  }
  const step = Math.max(1, Math.ceil(todo.length / 5));
  const worker = async () => {
    while (next < todo.length && !failure) {
      const u = todo[next++];
      mkdirSync(join(u.obj, ".."), { recursive: true });
      const args = [...u.flags, "-MD", "-MF", u.obj.replace(/\.o$/, ".d"), "-c", u.source, "-o", u.obj];
      if (!verbose && !quiet) out.write(`  cc ${u.label}\n`);
      const { code, err } = await run(cc, args, verbose);
      if (err) out.write(err);
      if (code !== 0) failure = new Error(`compiling ${u.source} failed`);
      done++;
      if (progress && tty) out.write(`\rxs: compiled ${done}/${todo.length}${done === todo.length ? "\n" : ""}`);
      else if (progress && (done % step === 0 || done === todo.length)) out.write(`xs: compiled ${done}/${todo.length}\n`);
    }
  };
  await Promise.all([worker(), worker()]);
  if (failure) throw failure;
  return todo.length;
}

function generated(manifest, genDir) {
  mkdirSync(genDir, { recursive: true });
  const c = manifest.creation;
  writeIfChanged(
    join(genDir, "xsr_creation.h"),
    `/* Generated by tools/xs/build-host.mjs from manifest.json (platform ${manifest.platform}). Do not edit. */\n` +
      `#define XSR_CREATION_INITIALIZER { ${CREATION_FIELDS.map((f) => `${c[f]} /* ${f} */`).join(", ")} }\n`,
  );
  const names = manifestHostNames(manifest);
  writeIfChanged(
    join(genDir, "xsr_hosts.c"),
    `/* Generated by tools/xs/build-host.mjs: the host functions the manifest's modules declare (@ "name"), sorted. */\n` +
      `#include "xsr.h"\n\n` +
      names.map((n) => `extern void ${n}(xsMachine* the);\n`).join("") +
      `\nconst xsrHostEntry gxsrHosts[] = {\n` +
      names.map((n) => `\t{ "${n}", ${n} },\n`).join("") +
      (names.length ? "" : "\t{ 0, 0 },\n") +
      `};\nconst size_t gxsrHostCount = ${names.length};\n`,
  );
  const defines = Object.entries(manifest.defines)
    .map(([k, v]) => `#define XSR_DEFINE_${k} ${typeof v === "string" ? JSON.stringify(v) : Number(v)}\n`)
    .join("");
  writeIfChanged(join(genDir, "xsr_defines.h"), `/* Generated from manifest.json's defines. Do not edit. */\n${defines}`);
  return names;
}

/**
 * Builds xsrun and xsbc (cached). Returns { xsrun, xsbc, dir, hosts }.
 * Throws NoCompilerError when there is no C compiler.
 */
export async function buildHost({ sanitize = false, verbose = false, quiet = false } = {}) {
  const cc = findCompiler();
  if (!cc) throw new NoCompilerError("no C compiler (cc, gcc or clang): install one, e.g. apt-get install gcc");
  if (!fetchXs()) throw new Error("the XS sources could not be fetched (see above)");
  const manifest = loadManifest("host");
  const dir = hostDir({ sanitize });
  const genDir = join(ROOT, "build", "xs", "gen", "host"); // the same for the normal and sanitized builds
  const hosts = generated(manifest, genDir);

  // --sanitize instruments our files (platform layer, natives, native/crypto) with ASan and UBSan; the
  // engine's objects are the normal build's (shared, not instrumented: it is not our code, and that halves
  // the build). UBSan's alignment check is off: the engine's macros read bytecode operands at any
  // alignment, by design (XS's targets allow unaligned 16- and 32-bit loads; so does the Cortex-M4).
  const normalOpt = ["-O2"];
  const sanitizeOpt = ["-O1", "-g", "-fno-omit-frame-pointer", "-fsanitize=address,undefined", "-fno-sanitize=alignment"];
  const opt = sanitize ? sanitizeOpt : normalOpt;
  const common = ["-fno-strict-aliasing", "-fno-common", "-DINCLUDE_XSPLATFORM", '-DXSPLATFORM="xsr_host.h"'];
  const base = [...normalOpt, ...common];
  const ourBase = [...opt, ...common];
  const includes = [
    "-I", join(ROOT, "native/xs/host"),
    "-I", join(ROOT, "native/xs/common"),
    "-I", genDir,
    "-I", join(ROOT, "native/crypto"),
    "-isystem", join(SRC_DIR, "includes"),
    "-isystem", join(SRC_DIR, "platforms"),
    "-isystem", join(SRC_DIR, "sources"),
  ];
  const engineDefines = manifest.engineDefines.map((d) => `-D${d}`);
  // XSR_NATIVE_<NAME>=1 for every native source linked (e.g. XSR_NATIVE_AES for native/crypto/aes.c),
  // so a wrapper can tell which parts of a library this build has.
  const nativeDefines = manifest.natives.map((f) => `-DXSR_NATIVE_${basename(f).replace(/\.c$/, "").replace(/[^A-Za-z0-9]/g, "_").toUpperCase()}=1`);
  const engineFlags = [...base, ...engineDefines, "-w", ...includes];
  const parserFlags = [...base, "-DmxParse=1", "-DmxCompile=1", "-w", ...includes];
  const ourFlags = [...ourBase, ...engineDefines, ...nativeDefines, "-std=c99", "-D_DEFAULT_SOURCE", "-Wall", "-Wextra", "-Werror", ...includes];
  const xsbcFlags = [...base, "-DmxParse=1", "-DmxCompile=1", "-std=c99", "-D_DEFAULT_SOURCE", "-Wall", "-Wextra", "-Werror", ...includes];

  const tag = (flags) => createHash("sha256").update(["deps:MD", cc, ...flags].join("\0")).digest("hex").slice(0, 10);
  const unit = (group, flags, source) => ({
    source,
    flags,
    label: source.startsWith(ROOT) ? source.slice(ROOT.length + 1) : source,
    // objects are shared by the normal and sanitized builds (the flags' hash names the directory)
    obj: join(ROOT, "build", "xs", "obj", `${group}-${tag(flags)}`, basename(source).replace(/\.c$/, ".o")),
  });
  const { readdirSync } = await import("node:fs");
  const engineSources = readdirSync(join(SRC_DIR, "sources"))
    .filter((f) => f.endsWith(".c") && !ENGINE_EXCLUDE.has(f))
    .sort()
    .map((f) => join(SRC_DIR, "sources", f));
  const ours = [
    ...XSR_COMMON_SOURCES.map((f) => join(ROOT, f)),
    join(ROOT, "native/xs/host/xsr_main.c"),
    ...manifest.natives.map((f) => join(ROOT, f)),
    join(genDir, "xsr_hosts.c"),
  ];
  const names = new Set();
  for (const f of ours) {
    const b = basename(f);
    if (names.has(b)) throw new Error(`two natives are named ${b}: rename one (objects are named after sources)`);
    names.add(b);
  }
  const runUnits = [...engineSources.map((s) => unit("engine", engineFlags, s)), ...ours.map((s) => unit("xsr", ourFlags, s))];
  const bcUnits = [
    ...PARSER_SOURCES.map((s) => unit("parser", parserFlags, join(SRC_DIR, "sources", s))),
    unit("xsbc", xsbcFlags, join(ROOT, "native/xs/host/xsbc.c")),
  ];
  await compileAll(cc, [...runUnits, ...bcUnits], verbose, quiet);

  const link = async (out, units) => {
    const objs = units.map((u) => u.obj);
    if (existsSync(out) && objs.every((o) => mtime(o) <= mtime(out))) return;
    const args = [...opt, ...objs, "-o", out + ".tmp", "-lm", "-lpthread"];
    if (!verbose && !quiet) process.stderr.write(`  ld ${out.slice(ROOT.length + 1)}\n`);
    const { code, err } = await run(cc, args, verbose);
    if (err) process.stderr.write(err);
    if (code !== 0) throw new Error(`linking ${out} failed`);
    renameSync(out + ".tmp", out);
  };
  mkdirSync(dir, { recursive: true });
  const xsrun = join(dir, "xsrun");
  const xsbc = join(dir, "xsbc");
  await link(xsrun, runUnits);
  await link(xsbc, bcUnits);
  return { xsrun, xsbc, dir, hosts };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  try {
    const r = await buildHost({ sanitize: args.includes("--sanitize"), verbose: args.includes("--verbose") });
    process.stderr.write(`build-host: ${r.xsrun}\nbuild-host: ${r.xsbc}\n`);
  } catch (e) {
    if (e instanceof NoCompilerError && args.includes("--if-possible")) {
      process.stderr.write(`build-host: WARNING: ${e.message}; the XS runtime is not built (its tests skip)\n`);
      process.exit(0);
    }
    process.stderr.write(`build-host: ${e.message}\n`);
    process.exit(e instanceof NoCompilerError ? 2 : 1);
  }
}
