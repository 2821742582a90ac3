/**
 * The UF2 writer (tools/nrf52/uf2.mjs), against the UF2 format (github.com/microsoft/uf2, README "File format"):
 * 512-byte blocks, magics 0x0A324655 / 0x9E5D5157 / 0x0AB16F30, flag 0x00002000 (familyID present),
 * family ID 0xADA52840 for the nRF52840, 256-byte payloads at consecutive flash addresses.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { fromUf2, toUf2 } from "../../tools/nrf52/uf2.mjs";

function u32(b: Uint8Array, o: number): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(o, true);
}

test("uf2: block layout for a 600-byte image at 0x1000 (the Dongle's application base behind the MBR)", () => {
  const bin = new Uint8Array(600).map((_, i) => (i * 7) & 0xff);
  const uf2 = toUf2(bin, 0x1000);
  assert.equal(uf2.length, 3 * 512);
  for (let i = 0; i < 3; i++) {
    const o = i * 512;
    assert.equal(u32(uf2, o), 0x0a324655);
    assert.equal(u32(uf2, o + 4), 0x9e5d5157);
    assert.equal(u32(uf2, o + 8), 0x00002000);
    assert.equal(u32(uf2, o + 12), 0x1000 + 256 * i);
    assert.equal(u32(uf2, o + 16), 256);
    assert.equal(u32(uf2, o + 20), i);
    assert.equal(u32(uf2, o + 24), 3);
    assert.equal(u32(uf2, o + 28), 0xada52840);
    assert.equal(u32(uf2, o + 508), 0x0ab16f30);
  }
  assert.deepEqual(uf2.subarray(32, 32 + 256), bin.subarray(0, 256));
  // The last block is padded with zeros past the image.
  assert.deepEqual(uf2.subarray(1024 + 32, 1024 + 32 + 88), bin.subarray(512));
  assert.ok(uf2.subarray(1024 + 32 + 88, 1024 + 508).every((v) => v === 0));
});

test("uf2: round trip, and a damaged file is refused", () => {
  const bin = new Uint8Array(4096 + 13).map((_, i) => (i * 31 + 5) & 0xff);
  const uf2 = toUf2(bin, 0);
  const back = fromUf2(uf2);
  assert.equal(back.base, 0);
  assert.equal(back.familyId, 0xada52840);
  // Whole 256-byte payloads: the image comes back padded to a multiple of 256.
  assert.deepEqual(back.bin.subarray(0, bin.length), bin);
  const bad = uf2.slice();
  bad[512 + 508] ^= 1;
  assert.throws(() => fromUf2(bad), /bad magic/);
  assert.throws(() => fromUf2(uf2.subarray(0, 700)), /multiple of 512/);
  assert.throws(() => toUf2(bin, 2), /multiple of 4/);
});
