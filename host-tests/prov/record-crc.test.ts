/**
 * The device record's CRC-32 (modules/device/record.ts: IEEE 802.3, reflected polynomial 0xEDB88320, init and
 * final XOR 0xFFFFFFFF), computed four bits at a time in 32-bit integers: the catalogue check value, and the
 * same values as a bit-by-bit reference for lengths and byte patterns that reach every table entry.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { crc32 } from "../../modules/device/record.js";

/** Bit by bit, in unsigned arithmetic: the reference. */
function reference(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

test("crc32: the CRC-32 check value of \"123456789\" is 0xCBF43926; the empty input gives 0", () => {
  assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
});

test("crc32: the same as the bit-by-bit reference, unsigned, for every byte value and several lengths", () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  assert.equal(crc32(all), reference(all));
  for (const n of [1, 2, 3, 45, 50, 300]) {
    const data = Uint8Array.from({ length: n }, (_, i) => (i * 167 + 13) & 0xff);
    const c = crc32(data);
    assert.equal(c, reference(data), `length ${n}`);
    assert.ok(Number.isInteger(c) && c >= 0 && c <= 0xffffffff);
  }
  assert.equal(crc32(new Uint8Array(45).fill(0xff)), reference(new Uint8Array(45).fill(0xff)));
});
