// NodeCryptoPrimitives' randomness: the injectable source, argument checks, and seededRandom.
import { test } from "node:test";
import assert from "node:assert/strict";
import { CryptoError } from "../../modules/platform.js";
import { bytesToHex } from "../../modules/crypto/bytes.js";
import { NodeCryptoPrimitives, seededRandom } from "../../host/node-crypto.js";

test("randomBytes: lengths, plain Uint8Array, bad lengths throw CryptoError", () => {
  const c = new NodeCryptoPrimitives();
  for (const n of [0, 1, 16, 33, 1000]) {
    const r = c.randomBytes(n);
    assert.equal(r.length, n);
    assert.equal(Object.getPrototypeOf(r), Uint8Array.prototype);
  }
  assert.notDeepEqual(c.randomBytes(16), c.randomBytes(16));
  for (const n of [-1, 1.5, NaN, 2 ** 40]) assert.throws(() => c.randomBytes(n), CryptoError, String(n));
});

test("an injected random source supplies every byte; a source returning the wrong length is a CryptoError", () => {
  const asked: number[] = [];
  const c = new NodeCryptoPrimitives({ random: (n) => (asked.push(n), new Uint8Array(n).fill(7)) });
  assert.deepEqual(c.randomBytes(5), new Uint8Array(5).fill(7));
  c.p256GenerateKeyPair();
  assert.deepEqual(asked, [5, 32]);
  const liar = new NodeCryptoPrimitives({ random: () => new Uint8Array(3) });
  assert.throws(() => liar.randomBytes(4), CryptoError);
  assert.throws(() => liar.p256GenerateKeyPair(), CryptoError);
});

test("seededRandom: same seed same stream, different seeds differ, split draws equal one draw", () => {
  assert.deepEqual(seededRandom(5)(64), seededRandom(5)(64));
  assert.notDeepEqual(seededRandom(5)(32), seededRandom(6)(32));
  assert.notDeepEqual(seededRandom(0)(32), new Uint8Array(32));
  // Frozen first output: simulations seeded with a number must replay the same across versions.
  assert.equal(bytesToHex(seededRandom(1)(16)), "9e299091277b01c12f52afe305fb717d");
  const a = seededRandom(9), b = seededRandom(9);
  assert.deepEqual(a(4), b(8).subarray(0, 4));
});

test("seededRandom: byte frequencies are close to uniform (chi-square over 256 KiB)", () => {
  const bytes = seededRandom(123)(1 << 18);
  const counts = new Array<number>(256).fill(0);
  for (const b of bytes) counts[b]++;
  const expected = bytes.length / 256;
  const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
  // 255 degrees of freedom: mean 255, sd ~22.6; 400 is beyond 6 sd.
  assert.ok(chi2 < 400, `chi2 ${chi2}`);
});
