// The prelinker: turns the app's bytecode (.xsb files made by xsbc on the build host) into an archive the
// device runs in place, from flash (native/xs/nrf52/xsr_device_port.h):
//
//   1. symbol IDs: each module's symbols are numbered 1..n in its own SYMB atom, and the engine normally maps
//      them to the machine's keys when the module loads (fxRunScript -> fxRemapIDs), writing the new IDs into
//      the code. Here that mapping is done once, on the build host: a name that is one of the engine's
//      built-in keys gets its ID (its index in gxIDStrings, read from the engine sources by xsinfo.c); every
//      other name (and every module name) gets the next free ID, in a fixed order, and the device registers
//      exactly these names in this order right after creating the machine (it checks each ID). The code
//      then has no SYMB atom, so the engine neither remaps it nor frees it: it stays in flash.
//   2. run in place: XS_CODE_CODE_* (a function's code, which the engine would copy into the chunk heap) and
//      XS_CODE_STRING_* (a string literal, copied too) become XS_CODE_CODE_ARCHIVE_* and
//      XS_CODE_STRING_ARCHIVE_*, which point into the code instead: same operands, same sizes.
//   3. the result is C: const arrays (flash), the module table sorted by name, the keys, the imports.
//
//   node tools/fw/prelink.mjs --out FILE.c [--entry NAME] [--preload NAME]... NAME=FILE.xsb ...
//   (normally called by tools/fw/build.mjs: prelink({modules, entry, preload, out}))
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SRC_DIR } from "../xs/fetch-xs.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const XSINFO_DIR = join(ROOT, "build", "fw", "host");

const ATOM = { XS_B: 0x58535f42, VERS: 0x56455253, SYMB: 0x53594d42, HOST: 0x484f5354, CODE: 0x434f4445 };
const NO_ID = 0xffff; // XS_NO_ID (-1) as 16 bits

/** The engine's tables (xsinfo.c compiled against the fetched sources), cached by the sources' mtime. */
export function engineInfo() {
  const exe = join(XSINFO_DIR, "xsinfo");
  const src = join(ROOT, "tools", "fw", "xsinfo.c");
  const common = join(SRC_DIR, "sources", "xsCommon.c");
  const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : -Infinity);
  if (!existsSync(common)) throw new Error(`the XS sources are missing (${common}): run node tools/xs/fetch-xs.mjs`);
  if (mtime(exe) < Math.max(mtime(src), mtime(common))) {
    mkdirSync(XSINFO_DIR, { recursive: true });
    const cc = process.env.CC || "cc";
    const r = spawnSync(cc, [
      "-O0", "-w", "-ffunction-sections", "-fdata-sections", "-DmxParse=1",
      "-I", join(SRC_DIR, "includes"), "-I", join(SRC_DIR, "platforms"), "-I", join(SRC_DIR, "sources"),
      src, common, "-Wl,--gc-sections", "-lm", "-o", exe,
    ], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`building xsinfo failed:\n${r.stdout}${r.stderr}`);
  }
  const r = spawnSync(exe, [], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`xsinfo failed: ${r.stderr}`);
  const info = JSON.parse(r.stdout);
  if (info.idSize !== 2) throw new Error(`the engine's IDs are ${info.idSize} bytes; the prelinker expects 16-bit IDs`);
  const op = (name) => {
    const i = info.codeNames.indexOf(name);
    if (i < 0) throw new Error(`xsinfo: no opcode named ${name}`);
    return i;
  };
  info.op = {
    code: [op("code"), op("code_2"), op("code_4")],
    codeArchive: [op("code_archive"), op("code_archive_2"), op("code_archive_4")],
    string: [op("string"), op("string_2"), op("string_4")],
    stringArchive: [op("string_archive"), op("string_archive_2"), op("string_archive_4")],
    regexp: info.codeNames.indexOf("regexp"),
  };
  // fxBuildKeys: IDs 0..symbolIdCount-1 are symbol descriptions (not names); then each gxIDStrings entry
  // is a name (fxID), whose ID is the next key unless the name exists already.
  info.builtins = new Map();
  let next = info.symbolIdCount;
  for (let i = info.symbolIdCount; i < info.ids.length; i++) {
    if (!info.builtins.has(info.ids[i])) info.builtins.set(info.ids[i], next++);
  }
  info.keyBase = next;
  return info;
}

/** The atoms of an .xsb: { version, symbols: [names] (index 0 unused), hosts: Uint8Array|null, code }. */
export function parseXsb(bytes, what) {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (why) => {
    throw new Error(`${what}: ${why}`);
  };
  if (bytes.length < 8 || dv.getUint32(4) !== ATOM.XS_B || dv.getUint32(0) !== bytes.length) fail("not an XS binary");
  const out = { version: null, symbols: null, hosts: null, code: null };
  let p = 8;
  while (p + 8 <= bytes.length) {
    const size = dv.getUint32(p);
    const type = dv.getUint32(p + 4);
    if (size < 8 || p + size > bytes.length) fail("corrupt atom");
    const body = bytes.subarray(p + 8, p + size);
    if (type === ATOM.VERS) out.version = [...body];
    else if (type === ATOM.SYMB) {
      const count = body[0] | (body[1] << 8);
      const names = [null];
      let q = 2;
      for (let i = 1; i < count; i++) {
        const end = body.indexOf(0, q);
        if (end < 0) fail("corrupt symbols");
        names.push(new TextDecoder().decode(body.subarray(q, end)));
        q = end + 1;
      }
      out.symbols = names;
    } else if (type === ATOM.HOST) out.hosts = body.slice();
    else if (type === ATOM.CODE) out.code = body.slice();
    p += size;
  }
  if (p !== bytes.length || !out.symbols || !out.code || !out.version) fail("corrupt XS binary");
  return out;
}

/** The host-function names of a HOST atom: count (ID), then per host: parameter count, name symbol (ID), name. */
export function hostNamesOfAtom(hosts) {
  const names = [];
  if (!hosts) return names;
  const count = hosts[0] | (hosts[1] << 8);
  let p = 2;
  for (let i = 0; i < count; i++) {
    p += 3;
    const end = hosts.indexOf(0, p);
    if (end < 0) throw new Error("corrupt hosts table");
    names.push(new TextDecoder().decode(hosts.subarray(p, end)));
    p = end + 1;
  }
  return names;
}

/**
 * The opcode at p (gxCodeSizes: a fixed size, which for XS_CODE_CODE_* is the header only, the function's code
 * following as opcodes; 0: an ID follows; -1/-2/-4: a run of that many length bytes, then the run): { next, id (or
 * undefined), run (the run's length, or -1) }.
 */
export function opcodeAt(code, p, sizes, what) {
  const opcode = code[p];
  const size = sizes[opcode];
  if (size === undefined) throw new Error(`${what}: unknown opcode ${opcode} at ${p}`);
  if (size > 0) return { next: p + size, id: undefined, run: -1 };
  if (size === 0) return { next: p + 3, id: code[p + 1] | (code[p + 2] << 8), run: -1 };
  if (size !== -1 && size !== -2 && size !== -4) throw new Error(`${what}: bad code size ${size} for opcode ${opcode}`);
  let n = 0;
  for (let i = 0; i < -size; i++) n += code[p + 1 + i] * 2 ** (8 * i);
  return { next: p + 1 - size + n, id: undefined, run: n };
}

/**
 * Rewrites code in place: IDs through `map` (local symbol index -> global ID), CODE/STRING to their ARCHIVE
 * forms (unless runInPlace is false: then the engine copies functions and string literals into its heap, as it
 * does for loaded bytecode; for measuring). Returns counts {ids, functions, strings, stringBytes, regexps}.
 */
export function relocate(code, map, info, what, runInPlace = true) {
  const sizes = info.codeSizes;
  const { code: codeOps, codeArchive, string: stringOps, stringArchive } = info.op;
  const stats = { ids: 0, functions: 0, strings: 0, stringBytes: 0, regexps: 0 };
  let p = 0;
  while (p < code.length) {
    const opcode = code[p];
    const { next, id, run } = opcodeAt(code, p, sizes, what);
    if (opcode === info.op.regexp) stats.regexps++;
    let k;
    if ((k = codeOps.indexOf(opcode)) >= 0) {
      if (runInPlace) code[p] = codeArchive[k];
      stats.functions++;
    } else if ((k = stringOps.indexOf(opcode)) >= 0) {
      if (runInPlace) code[p] = stringArchive[k];
      stats.strings++;
    }
    if (id !== undefined && id !== NO_ID) {
      const global = map[id];
      if (global === undefined) throw new Error(`${what}: symbol index ${id} out of range at ${p}`);
      code[p + 1] = global & 0xff;
      code[p + 2] = global >> 8;
      stats.ids++;
    }
    if (run >= 0 && (stringArchive.includes(opcode) || stringOps.includes(opcode))) stats.stringBytes += run;
    p = next;
  }
  if (p !== code.length) throw new Error(`${what}: code runs past its end`);
  return stats;
}

/**
 * The symbols of a module's code that name nothing the engine reads back on the device (issue 10: flash): a local
 * or closure variable's name (XS_CODE_NEW_LOCAL, XS_CODE_NEW_CLOSURE) and a module variable's name (the `local` of
 * its transfer: XS_CODE_SYMBOL first in an XS_CODE_TRANSFER group, fxPrepareTransfer) are only copied from slot to
 * slot (the environment's slots, XS_CODE_STORE/RETRIEVE, fxLinkModules) and printed by one error message ("get
 * %s: not initialized yet", which then prints "?"). Variables are found by index; a name is looked up in an
 * environment only by eval and `with` (XS_CODE_EVAL_REFERENCE; a module's globals, XS_CODE_PROGRAM_REFERENCE, are
 * looked up in the realm's closures, never in a module's or a function's environment, by their own kept names), and
 * through a private name's slot (XS_CODE_GET_PRIVATE reads the environment slot's ID). So a name every use of which
 * is one of those declarations becomes XS_NO_ID and no key, unless:
 *   - it is also used any other way anywhere in the module (property, global, import or export name, a function's
 *     own name: error stacks name functions by it), or is one of the engine's keys (no key to save);
 *   - it is a private name (#x);
 *   - the module can look names up in its environments (eval, with, program environments) or has a transfer
 *     group this walk does not recognise: then all its names are kept.
 * With functionNames, a function's own name (XS_CODE_FUNCTION, CONSTRUCTOR_FUNCTION, GENERATOR_FUNCTION,
 * ASYNC_*_FUNCTION, XS_CODE_NAME: its code's ID) counts as a declaration too: the device makes no `name` property
 * (xsr_lean.c xsrNoFunctionName), so that ID is read only by an error's stack (fxCaptureErrorStack), whose frames
 * of such functions then have no name. For a bundle, whose names are minified (tools/fw/bundle.mjs).
 * Returns the set of symbol indices (into xsb.symbols) that need no key.
 */
export function unreadNames(xsb, info, { functionNames = false } = {}) {
  const named = (n) => {
    const i = info.codeNames.indexOf(n);
    if (i < 0) throw new Error(`xsinfo: no opcode named ${n}`);
    return i;
  };
  const SYMBOL = named("symbol"), NULL = named("null"), INTEGER = named("integer"), TRANSFER = named("transfer");
  const DECLARE = new Set([named("new_local"), named("new_closure"),
    ...(functionNames ? ["function", "constructor_function", "generator", "async_function", "async_generator_function", "name"].map(named) : [])]);
  const BY_NAME = new Set(["eval", "eval_tail", "eval_environment", "eval_reference", "eval_private", "with", "program_environment"].map(named));
  const PUSH = new Set([SYMBOL, NULL, ...info.op.string, ...info.op.stringArchive]);
  const code = xsb.code;
  const sizes = info.codeSizes;
  const ops = []; // the position of every opcode so far
  const declared = new Set(); // symbol indices used as a declaration
  const other = new Set(); // symbol indices used any other way
  const transferLocals = new Set(); // positions of XS_CODE_SYMBOL that are a transfer's local
  let p = 0;
  while (p < code.length) {
    const op = code[p];
    const { next } = opcodeAt(code, p, sizes, "unreadNames");
    if (BY_NAME.has(op)) return new Set();
    if (op === TRANSFER) {
      // INTEGER_1 n, then the n pushes before it: local, from, import, aliases... (xsCode.c fxScopeCodeSpecifierNodes)
      const at = ops.length - 1;
      if (at < 0 || code[ops[at]] !== INTEGER) return new Set();
      const n = code[ops[at] + 1];
      if (n < 3 || at - n < 0) return new Set();
      for (let k = at - n; k < at; k++) if (!PUSH.has(code[ops[k]])) return new Set();
      if (code[ops[at - n]] === SYMBOL) transferLocals.add(ops[at - n]);
    }
    ops.push(p);
    p = next;
  }
  for (const at of ops) {
    const { id } = opcodeAt(code, at, sizes, "unreadNames");
    if (id === undefined || id === NO_ID) continue;
    if (DECLARE.has(code[at]) || transferLocals.has(at)) declared.add(id);
    else other.add(id);
  }
  // a host function's name symbol (the HOST atom) counts as a use
  if (xsb.hosts) {
    const count = xsb.hosts[0] | (xsb.hosts[1] << 8);
    let q = 2;
    for (let i = 0; i < count; i++) {
      other.add(xsb.hosts[q + 1] | (xsb.hosts[q + 2] << 8));
      q = xsb.hosts.indexOf(0, q + 3) + 1;
      if (q <= 0) throw new Error("corrupt hosts table");
    }
  }
  const unread = new Set();
  for (const id of declared) {
    const name = xsb.symbols[id];
    if (other.has(id) || name == null || name.startsWith("#") || info.builtins.has(name)) continue;
    unread.add(id);
  }
  return unread;
}

function cBytes(bytes) {
  const lines = [];
  for (let i = 0; i < bytes.length; i += 24) lines.push("\t" + [...bytes.subarray(i, i + 24)].map((b) => `0x${b.toString(16).padStart(2, "0")}`).join(",") + ",");
  return lines.join("\n");
}

function cString(s) {
  // module and key names are printable ASCII (checked); "?" escaped so no "??x" is read as a trigraph
  return JSON.stringify(s).replace(/\?/g, "\\?");
}

/**
 * modules: [{ name, xsb }] (paths of .xsb files); imports: [names] (preloads, then the entry); runInPlace: see
 * relocate; keepNames: every symbol gets a key (else the names unreadNames finds get none); anonymous: the modules
 * whose functions' own names get no key either (unreadNames functionNames: a bundle's minified names).
 * Writes the C file `out` and returns a report.
 */
export function prelink({ modules, imports, out, info = engineInfo(), runInPlace = true, keepNames = false, anonymous = [] }) {
  const sorted = [...modules].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) if (sorted[i].name === sorted[i - 1].name) throw new Error(`module ${sorted[i].name} twice`);
  for (const name of imports) if (!sorted.some((m) => m.name === name)) throw new Error(`import ${name} is not in the archive`);
  const keys = []; // new names, in registration order
  const ids = new Map(info.builtins);
  const idOf = (name) => {
    let id = ids.get(name);
    if (id === undefined) {
      if (!/^[\x20-\x7e]*$/.test(name)) throw new Error(`symbol ${JSON.stringify(name)}: only printable ASCII names are prelinked`);
      id = info.keyBase + keys.length;
      if (id >= 0x7fff) throw new Error("too many keys for 16-bit IDs");
      ids.set(name, id);
      keys.push(name);
    }
    return id;
  };
  const parts = [];
  const hostNames = new Set();
  const unreadAll = new Set(); // names some module declared without reading them
  const report = { modules: [], codeBytes: 0, hostsBytes: 0, keys: 0, keyBase: info.keyBase, functions: 0, strings: 0, stringBytes: 0, ids: 0, regexps: [] };
  for (const m of sorted) {
    const xsb = parseXsb(new Uint8Array(readFileSync(m.xsb)), m.xsb);
    idOf(m.name); // module names are keys too (fxFindModule), so the device never copies them
    // names the device never reads get no key (unreadNames; keepNames: every name, as before)
    const unread = keepNames ? new Set() : unreadNames(xsb, info, { functionNames: anonymous.includes(m.name) });
    const map = xsb.symbols.map((s, i) => (i === 0 || unread.has(i) ? NO_ID : idOf(s)));
    for (const i of unread) unreadAll.add(xsb.symbols[i]);
    const stats = relocate(xsb.code, map, info, m.name, runInPlace);
    for (const h of hostNamesOfAtom(xsb.hosts)) hostNames.add(h);
    parts.push({ name: m.name, code: xsb.code, hosts: xsb.hosts });
    report.modules.push({ name: m.name, code: xsb.code.length, hosts: xsb.hosts ? xsb.hosts.length : 0, symbols: xsb.symbols.slice(1) });
    report.codeBytes += xsb.code.length;
    report.hostsBytes += xsb.hosts ? xsb.hosts.length : 0;
    report.functions += stats.functions;
    report.strings += stats.strings;
    report.stringBytes += stats.stringBytes;
    report.ids += stats.ids;
    if (stats.regexps) report.regexps.push(m.name);
  }
  report.keys = keys.length;
  // unread in one module but used in another: that one registered it
  report.namesDropped = [...unreadAll].filter((n) => !ids.has(n)).sort();
  report.keyNames = keys;
  report.hostNames = [...hostNames].sort();
  // the key strings: a key that ends another (longer) one is that one's tail (its NUL is theirs): longest first
  const stored = []; // the strings written, in order
  const at = new Map(); // key -> offset
  let o = 0;
  for (const k of [...keys].sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0))) {
    const host = stored.find((h) => h.endsWith(k));
    if (host !== undefined) at.set(k, at.get(host) + host.length - k.length);
    else {
      at.set(k, o);
      stored.push(k);
      o += k.length + 1;
    }
  }
  if (o > 0xffff) throw new Error("key strings exceed 64 KB");
  const offsets = keys.map((k) => at.get(k));
  report.keyStringBytes = o;
  const c = [];
  c.push("/* Generated by tools/fw/prelink.mjs: the app's prelinked bytecode, run in place from flash. Do not edit. */");
  c.push('#include "xsr_device_port.h"', "");
  parts.forEach((p, i) => {
    // global: a preparation (tools/fw/preload) points into the code of the modules it preloaded
    c.push(`/* ${p.name} */`, `const uint8_t gxsrArchiveCode${i}[${p.code.length}] = {`, cBytes(p.code), "};");
    if (p.hosts) c.push(`static const uint8_t hosts${i}[${p.hosts.length}] = {`, cBytes(p.hosts), "};");
  });
  c.push("", "const xsrArchiveModule gxsrArchiveModules[] = {");
  parts.forEach((p, i) => {
    c.push(`\t{ ${cString(p.name)}, gxsrArchiveCode${i}, ${p.code.length}, ${p.hosts ? `hosts${i}, ${p.hosts.length}` : "0, 0"} },`);
  });
  c.push("};", `const uint16_t gxsrArchiveModuleCount = ${parts.length};`, "");
  c.push(`/* ${keys.length} keys, IDs ${info.keyBase}..${info.keyBase + keys.length - 1} (the engine's own keys are 0..${info.keyBase - 1}) */`);
  c.push("const char gxsrArchiveKeyStrings[] =");
  for (let i = 0; i < stored.length; i += 8) c.push("\t" + stored.slice(i, i + 8).map((k) => cString(k + "\0").replace(/\\u0000/g, "\\0")).join(" "));
  if (!stored.length) c.push('\t""');
  c.push("\t;");
  c.push(`const uint16_t gxsrArchiveKeyOffsets[] = { ${offsets.join(", ") || "0"} };`);
  c.push(`const uint16_t gxsrArchiveKeyCount = ${keys.length};`);
  c.push(`const uint16_t gxsrArchiveKeyBase = ${info.keyBase};`, "");
  c.push(`const char* const gxsrArchiveImports[] = { ${imports.map(cString).join(", ")} };`);
  c.push(`const uint16_t gxsrArchiveImportCount = ${imports.length};`);
  c.push(`const uint32_t gxsrArchiveBytes = ${report.codeBytes + report.hostsBytes};`, "");
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, c.join("\n"));
  return report;
}

/**
 * Where the code and string literals of a module's code start, at every depth: Map(offset -> length) of the code of
 * each function (XS_CODE_CODE_ARCHIVE_*: the function's code follows the operand, `length` bytes) and of each string
 * literal (XS_CODE_STRING_ARCHIVE_*: its bytes, NUL included, follow the length).
 */
function codeAndStringStarts(code, info, what) {
  const starts = new Map();
  const { codeArchive, stringArchive } = info.op;
  let p = 0;
  while (p < code.length) {
    const op = code[p];
    const { next, run } = opcodeAt(code, p, info.codeSizes, what);
    const k = codeArchive.indexOf(op);
    if (k >= 0) {
      // the header: the function's length; its code follows (walked on: its own functions and strings)
      let n = 0;
      for (let i = 0; i < next - p - 1; i++) n += code[p + 1 + i] * 2 ** (8 * i);
      starts.set(next, n);
    } else if (run >= 0 && stringArchive.includes(op)) starts.set(next - run, run);
    p = next;
  }
  return starts;
}

/**
 * Drops from the archive the code that nothing can run any more (issue 10, flash): the modules in `modules` ran at
 * build time and the generator let go of their bodies (tools/fw/preload/xspreload.c xspDropBodies), so of their
 * code the device needs only what the preparation points at: the functions the bodies made (each with the functions
 * and strings inside it) and the string literals the heap holds. The rest (the bodies' own code, the module records'
 * transfers) goes; the kept ranges are packed, and the preparation's pointers (`&gxsrArchiveCodeN[offset]`) moved to
 * match. Such a module's table entry has no code: the device finds it in the preparation, and loading it from the
 * archive instead would fail ("no module"). A module the preparation points into anywhere else than such a start
 * is left whole (`kept` says why).
 * Rewrites archiveC and preparationC (paths); returns { modules: [{ name, before, after }], kept: [{ name, why }],
 * savedBytes }.
 */
export function compactArchive({ archiveC, preparationC, modules, info = engineInfo() }) {
  let archive = readFileSync(archiveC, "utf8");
  let preparation = readFileSync(preparationC, "utf8");
  const table = new Map(); // name -> index
  for (const m of archive.matchAll(/^\t\{ ("(?:[^"\\]|\\.)*"), gxsrArchiveCode(\d+), \d+, /gm)) table.set(JSON.parse(m[1].replace(/\\\?/g, "?")), Number(m[2]));
  const refs = new Map(); // index -> Set of offsets
  for (const m of preparation.matchAll(/&gxsrArchiveCode(\d+)\[(\d+)\]/g)) {
    const i = Number(m[1]);
    if (!refs.has(i)) refs.set(i, new Set());
    refs.get(i).add(Number(m[2]));
  }
  const report = { modules: [], kept: [], savedBytes: 0 };
  const moved = new Map(); // index -> offset map
  for (const name of modules) {
    const i = table.get(name);
    if (i === undefined) throw new Error(`compactArchive: module ${name} is not in the archive`);
    const decl = new RegExp(`const uint8_t gxsrArchiveCode${i}\\[(\\d+)\\] = \\{\\n([^}]*)\\};`);
    const found = archive.match(decl);
    if (!found) throw new Error(`compactArchive: no code array for ${name}`);
    const code = Uint8Array.from(found[2].match(/0x[0-9a-f]{2}/g) ?? [], (h) => parseInt(h, 16));
    if (code.length !== Number(found[1])) throw new Error(`compactArchive: ${name}: corrupt code array`);
    const starts = codeAndStringStarts(code, info, name);
    const offsets = [...(refs.get(i) ?? [])].sort((a, b) => a - b);
    const stray = offsets.find((o) => !starts.has(o));
    if (stray !== undefined) {
      report.kept.push({ name, why: `the preparation points at offset ${stray}, no function's or string's start` });
      continue;
    }
    // the ranges, merged (a function made inside another kept one is in it already)
    const ranges = [];
    for (const o of offsets) {
      const end = o + starts.get(o);
      const last = ranges.at(-1);
      if (last && o <= last[1]) last[1] = Math.max(last[1], end);
      else ranges.push([o, end]);
    }
    const map = new Map();
    const parts = [];
    let size = 0;
    for (const [a, b] of ranges) {
      parts.push(code.subarray(a, b));
      for (const o of offsets) if (o >= a && o < b) map.set(o, size + (o - a));
      size += b - a;
    }
    const bytes = new Uint8Array(Math.max(size, 1)); // a C array has at least one byte
    let at = 0;
    for (const part of parts) {
      bytes.set(part, at);
      at += part.length;
    }
    archive = archive.replace(decl, `const uint8_t gxsrArchiveCode${i}[${bytes.length}] = {\n${cBytes(bytes)}\n};`);
    archive = archive.replace(new RegExp(`(\\t\\{ "[^\\n]*", )gxsrArchiveCode${i}, \\d+, `), (_, head) => `${head}0, 0, `);
    moved.set(i, map);
    report.modules.push({ name, before: code.length, after: size });
    report.savedBytes += code.length - bytes.length;
  }
  preparation = preparation.replace(/&gxsrArchiveCode(\d+)\[(\d+)\]/g, (whole, i, o) => {
    const map = moved.get(Number(i));
    return map ? `&gxsrArchiveCode${i}[${map.get(Number(o))}]` : whole;
  });
  archive = archive.replace(/const uint32_t gxsrArchiveBytes = (\d+);/, (_, n) => `const uint32_t gxsrArchiveBytes = ${Number(n) - report.savedBytes};`);
  writeFileSync(archiveC, archive);
  writeFileSync(preparationC, preparation);
  return report;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  let out = null;
  const imports = [];
  const modules = [];
  let entry = null;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--out") out = args[++i];
    else if (args[i] === "--entry") entry = args[++i];
    else if (args[i] === "--preload") imports.push(args[++i]);
    else {
      const eq = args[i].indexOf("=");
      if (eq < 0) {
        process.stderr.write("usage: node tools/fw/prelink.mjs --out FILE.c [--entry NAME] [--preload NAME]... NAME=FILE.xsb ...\n");
        process.exit(2);
      }
      modules.push({ name: args[i].slice(0, eq), xsb: args[i].slice(eq + 1) });
    }
  }
  if (!out || !modules.length) {
    process.stderr.write("prelink: --out and at least one NAME=FILE.xsb are needed\n");
    process.exit(2);
  }
  if (entry) imports.push(entry);
  const report = prelink({ modules, imports, out });
  process.stdout.write(JSON.stringify({ ...report, modules: report.modules.length }) + "\n");
}
