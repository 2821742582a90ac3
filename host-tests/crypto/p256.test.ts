// P-256 through NodeCryptoPrimitives: the Mesh 8.17 sample keys, then cross-checks against @noble/curves on
// random keys, and point validation including invalid, out-of-range and malformed encodings.
import { test } from "node:test";
import assert from "node:assert/strict";
import { p256 } from "@noble/curves/nist.js";
import { CryptoError } from "../../modules/platform.js";
import type { Bytes } from "../../modules/platform.js";
import { bytesToHex, concatBytes, hexToBytes } from "../../modules/crypto/bytes.js";
import { NodeCryptoPrimitives, isValidP256Point, seededRandom } from "../../host/node-crypto.js";
import { PROV_COMMON } from "./fixtures.js";

const h = hexToBytes;
const node = new NodeCryptoPrimitives({ random: seededRandom(21) });
const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;

const be32 = (v: bigint): Bytes => h(v.toString(16).padStart(64, "0"));
const toBig = (b: Bytes): bigint => BigInt("0x" + (bytesToHex(b) || "0"));
const nobleValid = (xy: Bytes): boolean => xy.length === 64 && p256.utils.isValidPublicKey(concatBytes(Uint8Array.of(4), xy), false);
const noblePub = (d: Bytes): Bytes => p256.getPublicKey(d, false).slice(1);

function modPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

test("Mesh 8.17 sample: public keys from the private keys, and the ECDH secret both ways", () => {
  assert.equal(bytesToHex(node.p256PublicKey(h(PROV_COMMON.PrivProv))), PROV_COMMON.PubProv);
  assert.equal(bytesToHex(node.p256PublicKey(h(PROV_COMMON.PrivDev))), PROV_COMMON.PubDev);
  assert.equal(bytesToHex(node.p256Ecdh(h(PROV_COMMON.PrivProv), h(PROV_COMMON.PubDev))), PROV_COMMON.ECDHSecret);
  assert.equal(bytesToHex(node.p256Ecdh(h(PROV_COMMON.PrivDev), h(PROV_COMMON.PubProv))), PROV_COMMON.ECDHSecret);
  assert.ok(node.p256ValidatePublicKey(h(PROV_COMMON.PubProv)));
  assert.ok(node.p256ValidatePublicKey(h(PROV_COMMON.PubDev)));
});

test("generated key pairs, public keys and ECDH agree with @noble/curves (100 pairs)", () => {
  for (let i = 0; i < 100; i++) {
    const a = node.p256GenerateKeyPair();
    const b = node.p256GenerateKeyPair();
    assert.equal(a.privateKey.length, 32);
    assert.equal(a.publicKey.length, 64);
    assert.deepEqual(a.publicKey, noblePub(a.privateKey));
    assert.ok(node.p256ValidatePublicKey(a.publicKey));
    const s = node.p256Ecdh(a.privateKey, b.publicKey);
    assert.deepEqual(s, node.p256Ecdh(b.privateKey, a.publicKey));
    assert.deepEqual(s, p256.getSharedSecret(a.privateKey, concatBytes(Uint8Array.of(4), b.publicKey), true).slice(1));
  }
});

test("validation agrees with @noble/curves on 300 corrupted keys (bit flips, byte changes)", () => {
  const rnd = seededRandom(22);
  let invalid = 0;
  for (let i = 0; i < 300; i++) {
    const { publicKey } = node.p256GenerateKeyPair();
    const bad = new Uint8Array(publicKey);
    const pos = rnd(1)[0] % 64;
    bad[pos] ^= 1 << (i % 8);
    const v = node.p256ValidatePublicKey(bad);
    assert.equal(v, nobleValid(bad));
    if (!v) invalid++;
  }
  assert.ok(invalid > 290); // almost every corruption leaves the curve
});

test("validation rejects out-of-range coordinates, zero, infinity-like and malformed encodings", () => {
  // A point with a small X, so X + p still fits in 32 bytes: (X + p, Y) is the same point mod p and must be rejected.
  let x = 0n, y = 0n;
  for (x = 1n; ; x++) {
    const rhs = (((x * x * x - 3n * x + B) % P) + P) % P;
    y = modPow(rhs, (P + 1n) / 4n, P); // p = 3 mod 4
    if ((y * y) % P === rhs) break;
  }
  const good = concatBytes(be32(x), be32(y));
  assert.ok(node.p256ValidatePublicKey(good));
  assert.ok(nobleValid(good));
  assert.equal(node.p256ValidatePublicKey(concatBytes(be32(x + P), be32(y))), false, "x >= p");
  assert.equal(node.p256ValidatePublicKey(concatBytes(be32(x), be32(P - y))), true, "the negated point is valid");
  assert.equal(node.p256ValidatePublicKey(concatBytes(be32(x), be32(P))), false, "y = p");
  assert.equal(node.p256ValidatePublicKey(concatBytes(be32(x), be32(2n ** 256n - 1n))), false, "y = 2^256-1");
  assert.equal(node.p256ValidatePublicKey(concatBytes(be32(P), be32(0n))), false, "x = p, y = 0");
  assert.equal(node.p256ValidatePublicKey(new Uint8Array(64)), false, "all zero");
  const pub = h(PROV_COMMON.PubDev);
  assert.equal(node.p256ValidatePublicKey(pub.subarray(0, 63)), false, "truncated");
  assert.equal(node.p256ValidatePublicKey(concatBytes(pub, Uint8Array.of(0))), false, "65 bytes");
  assert.equal(node.p256ValidatePublicKey(concatBytes(Uint8Array.of(4), pub)), false, "SEC1 prefix is not the Mesh format");
  assert.equal(node.p256ValidatePublicKey(new Uint8Array(0)), false, "empty");
  assert.equal(isValidP256Point(null as unknown as Bytes), false, "not bytes");
  // An X whose Y is wrong.
  assert.equal(node.p256ValidatePublicKey(concatBytes(pub.subarray(0, 32), be32((toBig(pub.subarray(32)) + 1n) % P))), false);
});

test("p256Ecdh: an invalid peer key or private key throws CryptoError (never a node error)", () => {
  const d = h(PROV_COMMON.PrivProv);
  const pub = h(PROV_COMMON.PubDev);
  const offCurve = new Uint8Array(pub);
  offCurve[63] ^= 1;
  assert.throws(() => node.p256Ecdh(d, offCurve), CryptoError);
  assert.throws(() => node.p256Ecdh(d, new Uint8Array(64)), CryptoError);
  assert.throws(() => node.p256Ecdh(d, pub.subarray(0, 63)), CryptoError);
  assert.throws(() => node.p256Ecdh(d, concatBytes(be32(P + 1n), pub.subarray(32))), CryptoError, "x >= p");
  assert.throws(() => node.p256Ecdh(new Uint8Array(32), pub), CryptoError, "d = 0");
  assert.throws(() => node.p256Ecdh(be32(N), pub), CryptoError, "d = n");
  assert.throws(() => node.p256Ecdh(be32(2n ** 256n - 1n), pub), CryptoError, "d > n");
  assert.throws(() => node.p256Ecdh(d.subarray(0, 31), pub), CryptoError, "31-byte d");
  assert.deepEqual(node.p256Ecdh(be32(N - 1n), pub).length, 32, "d = n - 1 is valid");
  assert.throws(() => node.p256PublicKey(new Uint8Array(32)), CryptoError);
});

test("key generation: rejection sampling redraws out-of-range scalars, deterministic from a seed", () => {
  const draws = [new Uint8Array(32).fill(0xff), new Uint8Array(32), be32(N), be32(12345n)];
  let i = 0;
  const c = new NodeCryptoPrimitives({ random: (n) => (assert.equal(n, 32), draws[i++]) });
  const kp = c.p256GenerateKeyPair();
  assert.equal(i, 4);
  assert.equal(toBig(kp.privateKey), 12345n);
  assert.deepEqual(kp.publicKey, noblePub(be32(12345n)));

  const a = new NodeCryptoPrimitives({ random: seededRandom(99) });
  const b = new NodeCryptoPrimitives({ random: seededRandom(99) });
  for (let j = 0; j < 5; j++) {
    assert.deepEqual(a.p256GenerateKeyPair(), b.p256GenerateKeyPair());
    assert.deepEqual(a.randomBytes(16), b.randomBytes(16));
  }
});
