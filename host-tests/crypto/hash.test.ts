// SHA-256 (FIPS 180-2 examples) and HMAC-SHA-256 (RFC 4231), then cross-checks against @noble/hashes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { sha256 } from "@noble/hashes/sha2.js";
import { hmac } from "@noble/hashes/hmac.js";
import { CryptoError } from "../../modules/platform.js";
import { bytesToHex, hexToBytes, utf8Encode } from "../../modules/crypto/bytes.js";
import { NodeCryptoPrimitives, seededRandom } from "../../host/node-crypto.js";
import { RFC4231, SHA256 } from "./fixtures.js";

const node = new NodeCryptoPrimitives();

test("sha256: FIPS 180-2 examples (abc, empty, 448-bit, one million 'a')", () => {
  for (const v of SHA256) assert.equal(bytesToHex(node.sha256(utf8Encode(v.ascii))), v.digest, v.ascii.slice(0, 20));
});

test("hmacSha256: RFC 4231 test cases 1-7", () => {
  for (const v of RFC4231) {
    const mac = bytesToHex(node.hmacSha256(hexToBytes(v.key), hexToBytes(v.data)));
    assert.equal(mac.slice(0, v.mac.length), v.mac, "case " + v.name);
  }
});

test("sha256 and hmacSha256 agree with @noble/hashes on 300 random inputs", () => {
  const rnd = seededRandom(11);
  for (let i = 0; i < 300; i++) {
    const m = rnd(i % 200);
    const k = rnd((i * 13) % 150); // keys shorter and longer than the 64-byte block, and empty
    assert.deepEqual(node.sha256(m), sha256(m));
    assert.deepEqual(node.hmacSha256(k, m), hmac(sha256, k, m));
  }
});

test("sha256/hmacSha256 return plain Uint8Arrays and reject non-bytes", () => {
  assert.equal(Object.getPrototypeOf(node.sha256(new Uint8Array(1))), Uint8Array.prototype);
  assert.throws(() => node.sha256("abc" as unknown as Uint8Array), CryptoError);
  assert.throws(() => node.hmacSha256(undefined as unknown as Uint8Array, new Uint8Array(1)), CryptoError);
});
