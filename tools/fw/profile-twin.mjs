#!/usr/bin/env node
/**
 * Where the twin's instructions go: boot (machine creation, entry import) and Invite -> Complete, per C function
 * and per part (P-256, AES/CMAC/CCM, garbage collection, allocation, the interpreter, built-ins, platform, libc).
 *
 *   node tools/fw/profile-twin.mjs [--top N]
 *
 * It runs the twin's end-to-end test (host-tests/firmware/twin-e2e.ts, only its first test: it builds the default
 * image, its machine preloaded, into build/mps2/light, and a host provisioner provisions the twin over the virtual-time air hub) with a
 * `qemu-system-arm` wrapper first on PATH that adds QEMU's own execution log (`-d exec,nochain,in_asm`: every
 * translated block with its instructions, and every execution of a block with its address) written to a FIFO
 * that this tool reads as the twin runs (the log is about 30 bytes per instruction: never stored). Each block's
 * instructions go to the function its address falls in (the ELF's symbols, `arm-none-eabi-nm -l`), inside a
 * window set by the twin's own marker functions (native/xs/mps2/xsr_mps2_port.c):
 *   boot.create  xsr_port_mark("start") -> xsr_port_mark("created")
 *   boot.import  xsr_port_mark("created") -> xsr_port_mark("entry")
 *   boot.run     xsr_port_mark("entry") -> xsr_port_mark("beacon") (the run loop to the first Unprovisioned Device
 *                beacon: the boot's end)
 *   invite       xsr_device_reset_peaks (on_invite) -> xsr_device_memory (on_complete)
 * Calls are the executions of a function's first block. Parts are by source file and function name (the
 * collector: fxCollect and what it calls in xsMemory.c; allocation: the rest of xsMemory.c). The interpreter,
 * fxRunID, has most of xsRun.c inlined; the JavaScript functions it runs are not separated here.
 *
 * Prints one JSON line `twin-profile {...}`: for each window the instructions traced, the twin's own count for
 * it (its marker lines), the parts and the top functions (name, file, instructions, calls). QEMU's -icount
 * accounting is per instruction, so the traced figures match the twin's counter (the counter is read in 40
 * instruction steps).
 * Exit status 1 when the test fails or a window is missing; 2 on a usage error.
 */
import { spawn, spawnSync } from "node:child_process";
import { createReadStream, mkdtempSync, rmSync, writeFileSync, chmodSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** The part a function belongs to, from its source file and name. */
export function partOf(name, file) {
  if (/native\/crypto\/p256/.test(file) || /^(__wrap_)?p256_/.test(name)) return "p256";
  if (/native\/crypto\/(aes|cmac|ccm)/.test(file)) return "aes";
  if (/native\/crypto\/(sha256|hmac)/.test(file)) return "sha256";
  if (/native\/xs\/natives\//.test(file)) return "natives";
  if (/xsMemory\.c$/.test(file)) {
    if (/^fx(Collect|Mark|Sweep|Invalidate|Compact)/.test(name)) return "gc";
    return "alloc";
  }
  if (/xsRun\.c$/.test(file)) return "interpreter";
  if (/build\/xs\/src\/sources\//.test(file)) return "builtins";
  if (/native\/(mps2|air|boards|nrf52|storage|xs\/nrf52|xs\/common|xs\/mps2)\//.test(file) || /xsr_/.test(file)) return "platform";
  if (/libgcc|newlib|libc|libm/.test(file) || /^(mem|str|__aeabi|__)/.test(name)) return "libc";
  return "other";
}

/** The ELF's functions, sorted by address: { addr, name, file }. */
export function loadSymbols(elf) {
  const r = spawnSync("arm-none-eabi-nm", ["-l", "-n", "--defined-only", elf], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`arm-none-eabi-nm failed on ${elf}: ${r.stderr}`);
  const syms = [];
  for (const line of r.stdout.split("\n")) {
    const m = /^([0-9a-f]+) ([tTwW]) (\S+)(?:\t(.*?)(?::\d+)?)?$/.exec(line);
    if (!m) continue;
    syms.push({ addr: parseInt(m[1], 16), name: m[3], file: (m[4] ?? "").replace(/^.*?\/(native|build)\//, "$1/") });
  }
  return syms;
}

function lookup(syms, pc) {
  let lo = 0;
  let hi = syms.length - 1;
  if (hi < 0 || pc < syms[0].addr) return -1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (syms[mid].addr <= pc) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Reads QEMU's execution log (a stream) and returns the windows' per-function counts. `marks` names the marker
 * functions (their first block starts or ends a window).
 */
export async function aggregate(stream, syms) {
  const byName = new Map(syms.map((s, i) => [s.name, i]));
  const need = (n) => {
    const i = byName.get(n);
    if (i === undefined) throw new Error(`profile-twin: the ELF has no function "${n}"`);
    return syms[i].addr;
  };
  const MARK = need("xsr_port_mark");
  const INVITE = need("xsr_device_reset_peaks");
  const COMPLETE = need("xsr_device_memory");
  const windows = { "boot.create": null, "boot.import": null, "boot.run": null, invite: null };
  const newWindow = () => ({ insns: 0, blocks: 0, self: new Float64Array(syms.length), calls: new Uint32Array(syms.length), callers: new Map() });
  let previous = -1; // the function of the block executed before
  let current = null;
  let marks = 0;
  let invited = false;
  let completed = false;
  const tbInsns = new Map(); // host code pointer -> instructions of the block
  const symAt = new Map(); // pc -> symbol index
  let pendingCount = -1; // instructions of the block just translated (its first execution follows)
  let counting = false;
  let pending = "";
  const onLine = (line) => {
    const c = line.charCodeAt(0);
    if (c === 0x54 /* T */ && line.startsWith("Trace ")) {
      // Trace 0: 0x7f7a2c000100 [00800408/00001054/00000110/ff020200] Reset_Handler
      const sp = line.indexOf(" ", 9);
      const ptr = line.slice(9, sp);
      const lb = line.indexOf("[", sp);
      const s1 = line.indexOf("/", lb);
      const pc = parseInt(line.slice(s1 + 1, s1 + 9), 16);
      let n;
      if (pendingCount >= 0) {
        n = pendingCount;
        tbInsns.set(ptr, n);
        pendingCount = -1;
      } else n = tbInsns.get(ptr) ?? 1;
      counting = false;
      if (pc === MARK) {
        marks++;
        if (marks === 1) current = windows["boot.create"] = newWindow();
        else if (marks === 2) current = windows["boot.import"] = newWindow();
        else if (marks === 3 && current === windows["boot.import"]) current = windows["boot.run"] = newWindow();
        else if (marks === 4 && current === windows["boot.run"]) current = null;
      } else if (pc === INVITE && !invited) {
        invited = true;
        current = windows.invite = newWindow();
      } else if (pc === COMPLETE && invited && !completed && current === windows.invite) {
        completed = true;
        current = null;
      }
      if (!current) return;
      let si = symAt.get(pc);
      if (si === undefined) symAt.set(pc, (si = lookup(syms, pc)));
      current.insns += n;
      current.blocks++;
      if (si >= 0) {
        current.self[si] += n;
        if (syms[si].addr === pc) {
          current.calls[si]++;
          // who called it: the function of the block before (a call's last block is the caller's)
          const key = si * 65536 + (previous & 0xffff);
          current.callers.set(key, (current.callers.get(key) ?? 0) + 1);
        }
      }
      previous = si;
    } else if (c === 0x49 /* I */ && line.startsWith("IN:")) {
      counting = true;
      pendingCount = 0;
    } else if (counting && c === 0x30 /* 0 */ && line.startsWith("0x")) pendingCount++;
  };
  await new Promise((resolve, reject) => {
    stream.setEncoding("latin1");
    stream.on("data", (chunk) => {
      const s = pending + chunk;
      let start = 0;
      let i;
      while ((i = s.indexOf("\n", start)) >= 0) {
        onLine(s.slice(start, i));
        start = i + 1;
      }
      pending = s.slice(start);
    });
    stream.on("end", resolve);
    stream.on("error", reject);
  });
  return windows;
}

/** A window's summary: parts and top functions. */
export function summarize(w, syms, top) {
  if (!w) return null;
  const parts = {};
  const rows = [];
  for (let i = 0; i < syms.length; i++) {
    if (w.self[i] === 0 && w.calls[i] === 0) continue;
    const part = partOf(syms[i].name, syms[i].file);
    parts[part] = (parts[part] ?? 0) + w.self[i];
    rows.push({ name: syms[i].name, file: syms[i].file, part, insns: w.self[i], calls: w.calls[i] });
  }
  rows.sort((a, b) => b.insns - a.insns);
  // the callers of each function, most frequent first
  const callersOf = new Map();
  for (const [key, count] of w.callers) {
    const callee = Math.floor(key / 65536);
    const caller = key % 65536;
    const list = callersOf.get(callee) ?? [];
    list.push({ name: caller < syms.length ? syms[caller].name : "?", calls: count });
    callersOf.set(callee, list);
  }
  const byName = new Map(syms.map((sym, i) => [sym.name, i]));
  for (const r of rows) {
    const list = callersOf.get(byName.get(r.name));
    if (list) r.callers = list.sort((a, b) => b.calls - a.calls).slice(0, 4);
  }
  const byCalls = [...rows].filter((r) => r.part === "builtins" || r.part === "alloc" || r.part === "gc" || r.part === "natives").sort((a, b) => b.calls - a.calls);
  return {
    insns: w.insns,
    blocks: w.blocks,
    parts: Object.fromEntries(Object.entries(parts).sort((a, b) => b[1] - a[1])),
    top: rows.slice(0, top),
    mostCalled: byCalls.slice(0, top).map((r) => ({ name: r.name, calls: r.calls, insns: r.insns })),
  };
}

function usage(msg) {
  process.stderr.write(`profile-twin: ${msg}\nusage: node tools/fw/profile-twin.mjs [--top N]\n`);
  process.exit(2);
}

async function main(argv) {
  let top = 30;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--top") {
      top = Number(argv[++i]);
      if (!Number.isInteger(top) || top < 1) usage("--top takes a positive integer");
    } else usage(`unknown argument "${a}"`);
  }
  const qemu = spawnSync("sh", ["-c", "command -v qemu-system-arm"], { encoding: "utf8" }).stdout.trim();
  if (!qemu) {
    process.stderr.write("profile-twin: qemu-system-arm is not installed\n");
    process.exit(1);
  }
  const dir = mkdtempSync(join(tmpdir(), "twin-profile-"));
  try {
    // the wrapper: each QEMU run logs into its own FIFO (named after the wrapper's pid), announced in a file
    const wrapper = join(dir, "qemu-system-arm");
    writeFileSync(
      wrapper,
      `#!/bin/sh\nfifo="${dir}/log-$$"\nmkfifo "$fifo" || exit 70\necho "$fifo" >> "${dir}/runs"\n` +
        `exec "${qemu}" "$@" -d exec,nochain,in_asm -D "$fifo"\n`,
    );
    chmodSync(wrapper, 0o755);
    // the test's first case: the default image (its machine preloaded), built by the test into build/mps2/light
    const elf = join(root, "build/mps2/light", "firmware.elf");
    const pattern = "machine preloaded";
    const results = [];
    let syms = null;
    const test = spawn(process.execPath, ["--import", "tsx", "--test", "--test-name-pattern", pattern, join(root, "host-tests/firmware/twin-e2e.ts")], {
      cwd: root,
      env: { ...process.env, PATH: `${dir}:${process.env.PATH}` },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    test.stdout.on("data", (d) => (out += d));
    // follow the runs file: each new FIFO is read as its QEMU writes it
    const seen = new Set();
    const readers = [];
    const poll = setInterval(() => {
      let runs = [];
      try {
        runs = readFileSync(join(dir, "runs"), "utf8").split("\n").filter(Boolean);
      } catch {
        return;
      }
      for (const fifo of runs) {
        if (seen.has(fifo)) continue;
        seen.add(fifo);
        syms ??= loadSymbols(elf);
        readers.push(aggregate(createReadStream(fifo), syms).then((w) => results.push(w)));
      }
    }, 5);
    const code = await new Promise((resolve) => test.on("close", resolve));
    clearInterval(poll);
    await Promise.all(readers);
    const line = out.split("\n").find((l) => /^# twin-e2e \{/.test(l) || /^twin-e2e \{/.test(l));
    const measured = line ? JSON.parse(line.slice(line.indexOf("{"))) : null;
    if (code !== 0) {
      process.stderr.write(`profile-twin: the twin's test failed (status ${code}):\n${out}\n`);
      process.exit(1);
    }
    const first = results.find((w) => w.invite) ?? null;
    if (!first || !first["boot.import"]) {
      process.stderr.write("profile-twin: no Invite -> Complete window was traced\n");
      process.exit(1);
    }
    const report = {
      image: "mps2/light",
      measured: measured && { inviteToComplete: measured.instructions?.inviteToComplete, split: measured.instructions?.split, boot: measured.instructions?.boot, xsHeap: measured.xsHeap },
      windows: {
        "boot.create": summarize(first["boot.create"], syms, top),
        "boot.import": summarize(first["boot.import"], syms, top),
        "boot.run": summarize(first["boot.run"], syms, top),
        invite: summarize(first.invite, syms, top),
      },
    };
    process.stdout.write(`twin-profile ${JSON.stringify(report)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main(process.argv.slice(2));
