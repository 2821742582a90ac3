/**
 * The factory record (modules/factory/record.ts; docs/firmware.md "Factory data") and its writer,
 * tools/fw/factory.mjs: what production writes per unit and the firmware entry (native/xs/js/device-main.js)
 * reads at boot. An absent or corrupt record never yields a value (the entry then keeps the build's defaults).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "../../modules/device/record.js";
import { encodeFactoryRecord } from "../../modules/factory/encode.js";
import { FACTORY_RECORD_LENGTH, decodeFactoryRecord } from "../../modules/factory/record.js";
import type { FactoryRecord } from "../../modules/factory/record.js";
import { writeU32BE } from "../../modules/util/bytes.js";

const root = new URL("../..", import.meta.url).pathname;
const STATIC16 = Uint8Array.from({ length: 16 }, (_, i) => i * 17);
const STATIC32 = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
const UUID = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);

/** The record with byte `i` set to `v` and its CRC made right again (a well-formed record with a bad field). */
function withByte(r: Uint8Array, i: number, v: number): Uint8Array {
  const b = r.slice();
  b[i] = v;
  writeU32BE(b, 64, crc32(b.subarray(0, 64)));
  return b;
}

test("factory record: every field round-trips; a field left out stays out", () => {
  const cases: FactoryRecord[] = [
    {},
    { staticOob: STATIC16 },
    { staticOob: STATIC32, uuid: UUID },
    { output: { size: 2, action: 0b11 }, input: { size: 0, action: 0 } },
    { staticOob: STATIC16, uuid: UUID, output: { size: 8, action: 0b11111 }, input: { size: 4, action: 0b1111 } },
  ];
  for (const c of cases) {
    const bytes = encodeFactoryRecord(c);
    assert.equal(bytes.length, FACTORY_RECORD_LENGTH);
    assert.deepEqual(decodeFactoryRecord(bytes), { ok: true, record: c });
    // in its area: what follows the record (erased UICR words) is not part of it
    const area = new Uint8Array(128).fill(0xff);
    area.set(bytes);
    assert.deepEqual(decodeFactoryRecord(area), { ok: true, record: c });
  }
});

test("factory record: values it cannot hold are refused when writing", () => {
  assert.throws(() => encodeFactoryRecord({ staticOob: new Uint8Array(20) }), /16 or 32 bytes/);
  assert.throws(() => encodeFactoryRecord({ uuid: new Uint8Array(15) }), /UUID must be 16 bytes/);
  assert.throws(() => encodeFactoryRecord({ output: { size: 9, action: 1 } }), /Output OOB Size must be 0..8/);
  assert.throws(() => encodeFactoryRecord({ output: { size: 1, action: 1 << 5 } }), /Output OOB Action has RFU bits/);
  assert.throws(() => encodeFactoryRecord({ input: { size: 1, action: 1 << 4 } }), /Input OOB Action has RFU bits/);
  assert.throws(() => encodeFactoryRecord({ input: { size: 0, action: 1 } }), /both zero or both set/);
});

test("factory record: an erased area (all 0xFF, all zero) or none is absent", () => {
  for (const b of [undefined, new Uint8Array(0), new Uint8Array(128).fill(0xff), new Uint8Array(128)]) {
    const r = decodeFactoryRecord(b);
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.absent, JSON.stringify(r));
  }
});

test("factory record: a corrupt record is refused with its reason, never half-read", () => {
  const good = encodeFactoryRecord({ staticOob: STATIC16, uuid: UUID, output: { size: 1, action: 1 } });
  const refused = (b: Uint8Array, reason: RegExp): void => {
    const r = decodeFactoryRecord(b);
    assert.ok(!r.ok && !r.absent && reason.test(r.reason), `${JSON.stringify(r)} vs ${reason}`);
  };
  // any single bit flipped anywhere
  for (let i = 0; i < good.length; i++) {
    const b = good.slice();
    b[i]! ^= 0x10;
    assert.equal(decodeFactoryRecord(b).ok, false, `bit flipped in byte ${i}`);
  }
  refused(good.subarray(0, 40), /40 bytes, a record has 68/);
  refused(withByte(good, 0, 0x4e), /bad magic/);
  refused(withByte(good, 4, 2), /version 2/);
  refused(withByte(good, 5, 64), /length 64/);
  refused(withByte(good, 6, good[6]! | 0x10), /reserved bits/);
  refused(withByte(good, 62, 1), /reserved bits/);
  refused(withByte(good, 7, 20), /Static OOB length 20/);
  refused(withByte(encodeFactoryRecord({}), 7, 16), /Static OOB length without its flag/);
  refused(withByte(good, 58, 0x21), /Output OOB Action has RFU bits/); // bit 5
  refused(withByte(good, 56, 9), /Output OOB Size must be 0..8/);
  refused(withByte(good, 56, 0), /both zero or both set/);
  refused(withByte(encodeFactoryRecord({ input: { size: 1, action: 1 } }), 61, 0x11), /Input OOB Action has RFU bits/);
});

test("tools/fw/factory.mjs: writes the raw record and the UICR's Intel HEX, reads a record back; a mistake is one line, exit 2", () => {
  const dir = mkdtempSync(join(tmpdir(), "factory-"));
  try {
    const tool = (...args: string[]) => spawnSync("node", [join(root, "tools/fw/factory.mjs"), ...args], { encoding: "utf8" });
    const hex = Buffer.from(STATIC32).toString("hex");
    const uuid = "a0a1a2a3-a4a5-a6a7-a8a9-aaabacadaeaf";
    const w = tool("--static", hex, "--uuid", uuid, "--output", "2:blink,numeric", "--input", "none", "--out", join(dir, "f.bin"));
    assert.equal(w.status, 0, w.stderr);
    const bytes = new Uint8Array(readFileSync(join(dir, "f.bin")));
    assert.deepEqual(decodeFactoryRecord(bytes), {
      ok: true, record: { staticOob: STATIC32, uuid: UUID, output: { size: 2, action: 0b1001 }, input: { size: 0, action: 0 } },
    });
    const r = tool("--read", join(dir, "f.bin"));
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { staticOob: hex, uuid: Buffer.from(UUID).toString("hex"), output: { size: 2, action: 9 }, input: { size: 0, action: 0 } });
    // Intel HEX: the same bytes at UICR.CUSTOMER[0] (0x10001080), each record's checksum right
    assert.equal(tool("--static", hex, "--uuid", uuid, "--output", "2:blink,numeric", "--input", "none", "--out", join(dir, "f.hex")).status, 0);
    const lines = readFileSync(join(dir, "f.hex"), "utf8").trim().split("\n");
    assert.equal(lines[0], ":020000041000EA");
    assert.equal(lines.at(-1), ":00000001FF");
    const data: number[] = [];
    let at = -1;
    for (const l of lines) {
      const b = Buffer.from(l.slice(1), "hex");
      assert.equal(b.reduce((a, x) => a + x, 0) & 0xff, 0, `checksum of ${l}`);
      if (b[3] === 0) {
        if (at < 0) at = 0x10000000 + b.readUInt16BE(1);
        data.push(...b.subarray(4, 4 + b[0]!));
      }
    }
    assert.equal(at, 0x10001080);
    assert.deepEqual(Uint8Array.from(data), bytes);
    // a corrupt record: exit 1 and the reason
    const bad = bytes.slice();
    bad[10]! ^= 1;
    writeFileSync(join(dir, "bad.bin"), bad);
    const rb = tool("--read", join(dir, "bad.bin"));
    assert.equal(rb.status, 1);
    assert.equal(rb.stderr, `factory: ${join(dir, "bad.bin")}: CRC mismatch\n`);
    // mistakes: one line on stderr, exit 2, nothing written
    for (const [args, line] of [
      [["--static", "0011", "--out", join(dir, "x")], 'factory: --static must be 16 or 32 bytes of hex, got "0011"\n'],
      [["--output", "1:zap", "--out", join(dir, "x")], 'factory: --output: unknown action "zap" (blink, beep, vibrate, numeric, alphanumeric)\n'],
      [["--input", "9:push", "--out", join(dir, "x")], 'factory: --input must be SIZE:ACTION[,ACTION...] (size 1..8) or none, got "9:push"\n'],
      [["--static", hex], "factory: --out FILE is needed (FILE.hex: Intel HEX for the UICR; else the raw record)\n"],
      [["--static-oob", hex, "--out", join(dir, "x")], 'factory: unexpected argument "--static-oob"\n'],
      [["--out"], "factory: --out needs a value\n"],
    ] as const) {
      const m = tool(...args);
      assert.equal(m.status, 2, `${args.join(" ")}: ${m.stderr}`);
      assert.equal(m.stderr, line);
    }
    assert.throws(() => readFileSync(join(dir, "x")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
