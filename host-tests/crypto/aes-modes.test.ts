// AES-128 block, AES-CMAC (RFC 4493) and AES-CCM (SP 800-38C / RFC 3610): standard vectors first, then
// cross-checks of the portable code against @noble/ciphers (CMAC) and node's OpenSSL (CCM) on random inputs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cmac as nobleCmac, ecb } from "@noble/ciphers/aes.js";
import { CryptoError } from "../../modules/platform.js";
import type { Bytes } from "../../modules/platform.js";
import { aesCmac } from "../../modules/crypto/cmac.js";
import { aesCcmDecrypt, aesCcmEncrypt } from "../../modules/crypto/ccm.js";
import { bytesToHex, concatBytes, hexToBytes } from "../../modules/crypto/bytes.js";
import { softCryptoPrimitives } from "../../modules/crypto/soft.js";
import { NodeCryptoPrimitives, seededRandom } from "../../host/node-crypto.js";
import { nobleBase } from "./noble-base.js";
import { AES128, MESH_CCM, RFC3610, RFC4493 } from "./fixtures.js";

const h = hexToBytes;
const node = new NodeCryptoPrimitives();
const nodeAes = (k: Bytes, b: Bytes): Bytes => node.aes128(k, b);
const nobleAes = (k: Bytes, b: Bytes): Bytes => ecb(k, { disablePadding: true }).encrypt(b);
/** The portable modes over node's block cipher. */
const soft = softCryptoPrimitives(node, true);

test("aes128: FIPS-197 C.1, and agrees with @noble/ciphers on random blocks", () => {
  assert.equal(bytesToHex(node.aes128(h(AES128.key), h(AES128.plaintext))), AES128.ciphertext);
  const rnd = seededRandom(1);
  for (let i = 0; i < 300; i++) {
    const k = rnd(16), b = rnd(16);
    assert.deepEqual(node.aes128(k, b), nobleAes(k, b));
  }
  // The per-key cipher cache must not confuse keys.
  const k1 = rnd(16), k2 = rnd(16), b = rnd(16);
  assert.deepEqual(node.aes128(k1, b), nobleAes(k1, b));
  assert.deepEqual(node.aes128(k2, b), nobleAes(k2, b));
  assert.deepEqual(node.aes128(k1, b), nobleAes(k1, b));
});

test("aes128: wrong lengths throw CryptoError", () => {
  assert.throws(() => node.aes128(new Uint8Array(15), new Uint8Array(16)), CryptoError);
  assert.throws(() => node.aes128(new Uint8Array(16), new Uint8Array(17)), CryptoError);
  assert.throws(() => node.aes128(new Uint8Array(32), new Uint8Array(16)), CryptoError);
});

test("AES-CMAC: RFC 4493 examples 1-4 (node block, noble block, NodeCryptoPrimitives)", () => {
  const key = h(RFC4493.key);
  assert.equal(bytesToHex(nodeAes(key, new Uint8Array(16))), RFC4493.L);
  for (const ex of RFC4493.examples) {
    assert.equal(bytesToHex(aesCmac(nodeAes, key, h(ex.message))), ex.tag);
    assert.equal(bytesToHex(aesCmac(nobleAes, key, h(ex.message))), ex.tag);
    assert.equal(bytesToHex(node.aesCmac(key, h(ex.message))), ex.tag);
  }
});

test("AES-CMAC: agrees with @noble/ciphers cmac on 400 random keys and messages of 0..100 bytes", () => {
  const rnd = seededRandom(2);
  for (let i = 0; i < 400; i++) {
    const key = rnd(16);
    const msg = rnd(i % 101);
    assert.deepEqual(node.aesCmac(key, msg), nobleCmac(msg, key), `length ${msg.length}`);
  }
});

test("AES-CMAC: bad key length throws CryptoError", () => {
  assert.throws(() => node.aesCmac(new Uint8Array(15), new Uint8Array(3)), CryptoError);
  assert.throws(() => aesCmac(nodeAes, new Uint8Array(0), new Uint8Array(3)), CryptoError);
});

test("AES-CCM: RFC 3610 packet vectors #1-#6 (8-byte MIC, AAD), portable and node", () => {
  for (const v of RFC3610) {
    const packet = h(v.packet);
    const aad = packet.subarray(0, v.headerLength);
    const payload = packet.subarray(v.headerLength);
    const expected = h(v.result).subarray(v.headerLength);
    for (const impl of [soft, node]) {
      const out = impl.aesCcmEncrypt(h(v.key), h(v.nonce), payload, 8, aad);
      assert.equal(bytesToHex(out), bytesToHex(expected), v.name);
      assert.deepEqual(impl.aesCcmDecrypt(h(v.key), h(v.nonce), out, 8, aad), new Uint8Array(payload), v.name);
    }
  }
});

test("AES-CCM: Mesh sample data 8.3.1, 8.3.6, 8.3.22 (4- and 8-byte MIC, with and without AAD)", () => {
  for (const v of MESH_CCM) {
    const mic = (v.mic.length / 2) as 4 | 8;
    const aad = v.aad ? h(v.aad) : undefined;
    for (const impl of [soft, node]) {
      const out = impl.aesCcmEncrypt(h(v.key), h(v.nonce), h(v.plaintext), mic, aad);
      assert.equal(bytesToHex(out), v.ciphertext + v.mic, v.name);
      assert.equal(bytesToHex(impl.aesCcmDecrypt(h(v.key), h(v.nonce), out, mic, aad)!), v.plaintext, v.name);
    }
  }
});

test("AES-CCM: portable and node agree on 400 random inputs (lengths 0..80, AAD 0..40, MIC 4/8)", () => {
  const rnd = seededRandom(3);
  for (let i = 0; i < 400; i++) {
    const key = rnd(16), nonce = rnd(13);
    const pt = rnd((i * 7) % 81);
    const aad = i % 3 === 0 ? undefined : rnd((i * 5) % 41);
    const mic: 4 | 8 = i % 2 ? 4 : 8;
    const a = soft.aesCcmEncrypt(key, nonce, pt, mic, aad);
    const b = node.aesCcmEncrypt(key, nonce, pt, mic, aad);
    assert.deepEqual(a, b);
    assert.deepEqual(soft.aesCcmDecrypt(key, nonce, b, mic, aad), pt);
    assert.deepEqual(node.aesCcmDecrypt(key, nonce, a, mic, aad), pt);
  }
});

test("AES-CCM: long AAD (0xff00 bytes and more: the 6-byte length encoding) agrees with node", () => {
  const rnd = seededRandom(4);
  for (const n of [0xfeff, 0xff00, 0x10005]) {
    const key = rnd(16), nonce = rnd(13), pt = rnd(20), aad = rnd(n);
    const a = soft.aesCcmEncrypt(key, nonce, pt, 8, aad);
    assert.deepEqual(a, node.aesCcmEncrypt(key, nonce, pt, 8, aad), `AAD ${n}`);
    assert.deepEqual(soft.aesCcmDecrypt(key, nonce, a, 8, aad), pt);
  }
});

test("AES-CCM: a tampered ciphertext, MIC, nonce or AAD gives null (every bit flip)", () => {
  const v = MESH_CCM[2];
  const key = h(v.key), nonce = h(v.nonce), aad = h(v.aad);
  const good = h(v.ciphertext + v.mic);
  for (const impl of [soft, node]) {
    for (let bit = 0; bit < good.length * 8; bit++) {
      const bad = new Uint8Array(good);
      bad[bit >> 3] ^= 1 << (bit & 7);
      assert.equal(impl.aesCcmDecrypt(key, nonce, bad, 4, aad), null, `bit ${bit}`);
    }
    const badNonce = new Uint8Array(nonce);
    badNonce[12] ^= 1;
    assert.equal(impl.aesCcmDecrypt(key, badNonce, good, 4, aad), null);
    assert.equal(impl.aesCcmDecrypt(key, nonce, good, 4, concatBytes(aad, Uint8Array.of(0))), null);
    assert.equal(impl.aesCcmDecrypt(key, nonce, good, 4), null, "AAD missing");
    assert.equal(impl.aesCcmDecrypt(key, nonce, good, 8, aad), null, "wrong MIC length");
    assert.equal(impl.aesCcmDecrypt(key, nonce, good.subarray(0, good.length - 1), 4, aad), null, "truncated");
    assert.equal(impl.aesCcmDecrypt(key, nonce, good.subarray(0, 3), 4, aad), null, "shorter than the MIC");
    assert.equal(impl.aesCcmDecrypt(key, nonce, new Uint8Array(0), 8), null, "empty");
  }
});

test("AES-CCM: empty plaintext authenticates AAD only", () => {
  const rnd = seededRandom(5);
  const key = rnd(16), nonce = rnd(13), aad = rnd(7);
  for (const impl of [soft, node]) {
    const out = impl.aesCcmEncrypt(key, nonce, new Uint8Array(0), 8, aad);
    assert.equal(out.length, 8);
    assert.deepEqual(impl.aesCcmDecrypt(key, nonce, out, 8, aad), new Uint8Array(0));
  }
});

test("AES-CCM: bad key, nonce, MIC length or oversize plaintext throw CryptoError", () => {
  const k = new Uint8Array(16), n = new Uint8Array(13), p = new Uint8Array(4);
  for (const impl of [soft, node]) {
    assert.throws(() => impl.aesCcmEncrypt(new Uint8Array(15), n, p, 4), CryptoError);
    assert.throws(() => impl.aesCcmEncrypt(k, new Uint8Array(12), p, 4), CryptoError);
    assert.throws(() => impl.aesCcmEncrypt(k, new Uint8Array(14), p, 4), CryptoError);
    assert.throws(() => impl.aesCcmEncrypt(k, n, p, 6 as 4), CryptoError);
    assert.throws(() => impl.aesCcmEncrypt(k, n, new Uint8Array(0x10000), 4), CryptoError);
    assert.throws(() => impl.aesCcmDecrypt(new Uint8Array(17), n, p, 4), CryptoError);
    assert.throws(() => impl.aesCcmDecrypt(k, new Uint8Array(7), p, 4), CryptoError);
    assert.throws(() => impl.aesCcmDecrypt(k, n, p, 16 as 8), CryptoError);
  }
  // The portable functions directly, too.
  assert.throws(() => aesCcmEncrypt(nodeAes, k, new Uint8Array(13 + 1), p, 8), CryptoError);
  assert.throws(() => aesCcmDecrypt(nodeAes, k, n, p, 0 as 4), CryptoError);
});

test("softCryptoPrimitives: on a block-cipher-only platform (noble), the modes match node", () => {
  const fromNoble = softCryptoPrimitives(nobleBase(seededRandom(6)));
  const rnd = seededRandom(7);
  for (let i = 0; i < 50; i++) {
    const key = rnd(16), nonce = rnd(13), m = rnd(i), aad = rnd(i % 9);
    assert.deepEqual(fromNoble.aesCmac(key, m), node.aesCmac(key, m));
    const c = fromNoble.aesCcmEncrypt(key, nonce, m, 8, aad);
    assert.deepEqual(c, node.aesCcmEncrypt(key, nonce, m, 8, aad));
    assert.deepEqual(fromNoble.aesCcmDecrypt(key, nonce, c, 8, aad), m);
  }
  // A base that has its own modes keeps them unless forceSoft.
  let called = 0;
  const withOwn = softCryptoPrimitives({ ...nobleBase(seededRandom(8)), aesCmac: () => (called++, new Uint8Array(16)) });
  withOwn.aesCmac(new Uint8Array(16), new Uint8Array(0));
  assert.equal(called, 1);
});
