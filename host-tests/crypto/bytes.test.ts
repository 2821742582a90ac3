// Portable byte helpers: hex, concat, UTF-8 (checked against TextEncoder, which XS lacks), bytesEqual.
import { test } from "node:test";
import assert from "node:assert/strict";
import { bytesEqual, bytesToHex, concatBytes, hexToBytes, utf8Encode } from "../../modules/crypto/bytes.js";
import { bytesEqual as meshBytesEqual } from "../../modules/crypto/mesh.js";
import { seededRandom } from "../../host/node-crypto.js";

test("hex: round trip, either case, spaces ignored, bad input throws RangeError", () => {
  const rnd = seededRandom(41);
  for (let i = 0; i < 100; i++) {
    const b = rnd(i);
    const s = bytesToHex(b);
    assert.equal(s, Array.from(b, (v) => v.toString(16).padStart(2, "0")).join(""));
    assert.deepEqual(hexToBytes(s), b);
    assert.deepEqual(hexToBytes(s.toUpperCase()), b);
  }
  assert.deepEqual(hexToBytes("00 0a FF"), Uint8Array.of(0, 10, 255));
  assert.deepEqual(hexToBytes(""), new Uint8Array(0));
  assert.throws(() => hexToBytes("abc"), RangeError);
  assert.throws(() => hexToBytes("zz"), RangeError);
  assert.throws(() => hexToBytes("0g"), RangeError);
});

test("concatBytes", () => {
  assert.deepEqual(concatBytes(), new Uint8Array(0));
  assert.deepEqual(concatBytes(Uint8Array.of(1), new Uint8Array(0), Uint8Array.of(2, 3)), Uint8Array.of(1, 2, 3));
  const base = Uint8Array.of(9, 8, 7, 6);
  assert.deepEqual(concatBytes(base.subarray(1, 3), base.subarray(0, 1)), Uint8Array.of(8, 7, 9));
});

test("utf8Encode matches TextEncoder (ASCII, 2/3/4-byte sequences, lone surrogates)", () => {
  const te = new TextEncoder();
  const samples = ["", "test", "prck256", "\u0017//www.example.com/meshuri", "é", "€uro", "𝄞 clef", "日本語", "\ud800", "a\udc00b", "\udbff\udfff", "x\ud83d"];
  for (const s of samples) assert.deepEqual(utf8Encode(s), te.encode(s), JSON.stringify(s));
  const rnd = seededRandom(42);
  for (let i = 0; i < 300; i++) {
    const units = rnd(2 * (i % 20));
    let s = "";
    for (let j = 0; j < units.length; j += 2) s += String.fromCharCode((units[j] << 8) | units[j + 1]);
    assert.deepEqual(utf8Encode(s), te.encode(s));
  }
});

test("bytesEqual: contents and lengths; mesh.ts re-exports it", () => {
  assert.equal(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2)), true);
  assert.equal(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 3)), false);
  assert.equal(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2, 3)), false);
  assert.equal(bytesEqual(new Uint8Array(0), new Uint8Array(0)), true);
  assert.equal(meshBytesEqual, bytesEqual);
});
