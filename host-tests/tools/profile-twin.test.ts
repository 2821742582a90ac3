/**
 * tools/fw/profile-twin.mjs: how it reads QEMU's execution log (`-d exec,nochain,in_asm`): each translated
 * block's instructions, the executions of each block inside the windows the twin's marker functions open and
 * close, calls (executions of a function's first block) and callers, and the parts functions are put in.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
// @ts-expect-error: a JavaScript tool without type declarations
import { aggregate, partOf, summarize } from "../../tools/fw/profile-twin.mjs";

const syms = [
  { addr: 0x100, name: "app_main", file: "native/xs/nrf52/xsr_device.c" },
  { addr: 0x200, name: "xsr_port_mark", file: "native/xs/mps2/xsr_mps2_port.c" },
  { addr: 0x300, name: "xsr_device_reset_peaks", file: "native/xs/nrf52/xsr_device.c" },
  { addr: 0x400, name: "xsr_device_memory", file: "native/xs/nrf52/xsr_device.c" },
  { addr: 0x500, name: "fxRunID", file: "build/xs/src/sources/xsRun.c" },
  { addr: 0x600, name: "fxCollect", file: "build/xs/src/sources/xsMemory.c" },
  { addr: 0x700, name: "p256_mul", file: "native/crypto/p256.c" },
];

/** A translated block of `n` instructions at `pc` (host pointer `ptr`), then its first execution. */
function block(ptr: string, pc: number, n: number): string {
  const lines = ["----------------", "IN: x"];
  for (let i = 0; i < n; i++) lines.push(`0x${(pc + 2 * i).toString(16).padStart(8, "0")}:  bf00       nop`);
  return [...lines, "", exec(ptr, pc)].join("\n");
}
function exec(ptr: string, pc: number): string {
  return `Trace 0: ${ptr} [00800408/${pc.toString(16).padStart(8, "0")}/00000110/ff020200] x`;
}

test("profile-twin: instructions and calls per function inside the marker windows, with callers and parts", async () => {
  const log = [
    block("0xa0", 0x100, 5), // app_main before any window: not counted
    block("0xa1", 0x200, 2), // mark 1 (start): boot.create opens
    block("0xa2", 0x600, 10), // fxCollect: 10
    block("0xa3", 0x200, 2), // mark 2 (created): boot.import opens
    block("0xa4", 0x500, 7), // fxRunID: 7
    exec("0xa4", 0x500), // again, its count remembered: 7
    block("0xa5", 0x200, 2), // mark 3 (entry): boot.import closes, boot.run opens
    exec("0xa0", 0x100), // app_main's block again: 5 in boot.run
    exec("0xa5", 0x200), // mark 4 (beacon): boot.run closes
    exec("0xa0", 0x100), // outside: not counted
    block("0xa6", 0x300, 3), // the invite window opens
    block("0xa7", 0x506, 4), // inside fxRunID, not its first block: no call
    block("0xa8", 0x700, 6), // p256_mul, called from fxRunID
    exec("0xa8", 0x700),
    block("0xa9", 0x400, 1), // complete: closes
    exec("0xa4", 0x500), // after: not counted
  ].join("\n") + "\n";
  const w = await aggregate(Readable.from([log.slice(0, 333), log.slice(333)]), syms);
  const create = summarize(w["boot.create"], syms, 10);
  const imp = summarize(w["boot.import"], syms, 10);
  const invite = summarize(w.invite, syms, 10);
  assert.equal(summarize(w["boot.run"], syms, 10).insns, 2 + 5);
  assert.equal(create.insns, 2 + 10);
  assert.deepEqual(create.parts, { gc: 10, platform: 2 });
  assert.equal(imp.insns, 2 + 7 + 7);
  assert.deepEqual(imp.top.find((r: { name: string }) => r.name === "fxRunID"), {
    name: "fxRunID", file: "build/xs/src/sources/xsRun.c", part: "interpreter", insns: 14, calls: 2,
    callers: [{ name: "xsr_port_mark", calls: 1 }, { name: "fxRunID", calls: 1 }],
  });
  assert.equal(invite.insns, 3 + 4 + 6 + 6);
  const p256 = invite.top.find((r: { name: string }) => r.name === "p256_mul");
  assert.equal(p256.calls, 2);
  assert.equal(p256.part, "p256");
  assert.equal(invite.top.find((r: { name: string }) => r.name === "fxRunID").calls, 0);
});

test("profile-twin: parts by source file and name", () => {
  assert.equal(partOf("fxMarkInstance", "build/xs/src/sources/xsMemory.c"), "gc");
  assert.equal(partOf("fxNewSlot", "build/xs/src/sources/xsMemory.c"), "alloc");
  assert.equal(partOf("aes128_encrypt", "native/crypto/aes.c"), "aes");
  assert.equal(partOf("fxOrdinaryGetProperty", "build/xs/src/sources/xsType.c"), "builtins");
  assert.equal(partOf("memset", ""), "libc");
});
