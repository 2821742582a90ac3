/**
 * CryptoPrimitives for Node (host simulation and host tests), on node:crypto.
 *
 * - aes128: AES-128-ECB of one block (FIPS-197).
 * - aesCmac: the portable RFC 4493 code of modules/crypto/cmac.ts on that block cipher.
 * - aesCcmEncrypt/Decrypt: node's aes-128-ccm (OpenSSL), so the portable modules/crypto/ccm.ts has an
 *   independent implementation to be checked against.
 * - sha256, hmacSha256: node's hash and HMAC.
 * - P-256: createECDH('prime256v1'); public keys are X || Y (64 bytes), the Mesh format (5.4.1.3).
 *
 * withEcdhTime() makes a simulated platform's crypto whose ECDH takes time on the simulation's Clock.
 *
 * With `{ random }`, every random byte (randomBytes and P-256 private keys) comes from that function, so a
 * simulation seeded with seededRandom() is reproducible.
 */
import { createCipheriv, createDecipheriv, createECDH, createHash, createHmac, randomBytes as nodeRandomBytes } from "node:crypto";
import type { Cipher } from "node:crypto";
import { CryptoError } from "../modules/platform.js";
import type { Bytes, Clock, CryptoPrimitives } from "../modules/platform.js";
import { aesCmac } from "../modules/crypto/cmac.js";
import { bytesEqual } from "../modules/util/bytes.js";

// P-256 domain parameters (FIPS 186-4 D.1.2.3 / SEC 2 secp256r1).
const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;

const MAX_RANDOM_LENGTH = 1 << 20;

function toBigInt(b: Bytes, start: number, end: number): bigint {
  let v = 0n;
  for (let i = start; i < end; i++) v = (v << 8n) | BigInt(b[i]);
  return v;
}

/** A plain Uint8Array copy (node returns Buffers, possibly views into a shared pool). */
function plain(b: Uint8Array): Bytes {
  return new Uint8Array(b);
}

function isBytes(b: unknown): b is Bytes {
  return b instanceof Uint8Array;
}

function needBytes(what: string, b: unknown, length?: number): asserts b is Bytes {
  if (!isBytes(b)) throw new CryptoError(what + " must be a Uint8Array");
  if (length !== undefined && b.length !== length) throw new CryptoError(what + " must be " + length + " bytes, got " + b.length);
}

/** True when 1 <= d < n for a 32-byte big-endian scalar. */
function validScalar(d: Bytes): boolean {
  const v = toBigInt(d, 0, 32);
  return v >= 1n && v < N;
}

/** True when X || Y is a finite point of P-256 (SP 800-56A 5.6.2.3.4 partial validation; cofactor 1). */
export function isValidP256Point(publicKey: Bytes): boolean {
  if (!isBytes(publicKey) || publicKey.length !== 64) return false;
  const x = toBigInt(publicKey, 0, 32);
  const y = toBigInt(publicKey, 32, 64);
  // The point at infinity has no affine X || Y encoding; all-zero is rejected here (and is off the curve anyway).
  if (x === 0n && y === 0n) return false;
  if (x >= P || y >= P) return false;
  // y^2 = x^3 - 3x + b (mod p)
  const lhs = (y * y) % P;
  const rhs = (((((x * x) % P) * x) % P) - 3n * x + B) % P;
  return lhs === (rhs + P) % P;
}

export interface NodeCryptoOptions {
  /**
   * Source of ALL randomness (randomBytes and P-256 private keys). Must return exactly n bytes.
   * Default: node:crypto randomBytes.
   */
  random?: (n: number) => Uint8Array;
}

export class NodeCryptoPrimitives implements CryptoPrimitives {
  private readonly random: (n: number) => Uint8Array;
  // One-entry cache of the ECB cipher for the last key (CMAC uses the same key for every block).
  private lastKey: Bytes | undefined;
  private lastCipher: Cipher | undefined;

  constructor(options: NodeCryptoOptions = {}) {
    this.random = options.random ?? ((n) => nodeRandomBytes(n));
  }

  aes128(key: Bytes, block: Bytes): Bytes {
    needBytes("aes128: key", key, 16);
    needBytes("aes128: block", block, 16);
    let cipher = this.lastCipher;
    if (!cipher || !this.lastKey || !bytesEqual(this.lastKey, key)) {
      cipher = createCipheriv("aes-128-ecb", key, null);
      cipher.setAutoPadding(false);
      this.lastKey = new Uint8Array(key);
      this.lastCipher = cipher;
    }
    // ECB without padding: every 16-byte update yields its 16-byte block at once.
    return plain(cipher.update(block));
  }

  aesCmac(key: Bytes, message: Bytes): Bytes {
    return aesCmac((k, b) => this.aes128(k, b), key, message);
  }

  aesCcmEncrypt(key: Bytes, nonce: Bytes, plaintext: Bytes, micLength: 4 | 8, aad?: Bytes): Bytes {
    checkCcm("aesCcmEncrypt", key, nonce, micLength, aad);
    needBytes("aesCcmEncrypt: plaintext", plaintext);
    if (plaintext.length > 0xffff) throw new CryptoError("aesCcmEncrypt: plaintext longer than 65535 bytes");
    try {
      const c = createCipheriv("aes-128-ccm", key, nonce, { authTagLength: micLength });
      c.setAAD(aad ?? new Uint8Array(0), { plaintextLength: plaintext.length });
      const ct = c.update(plaintext);
      c.final();
      const out = new Uint8Array(plaintext.length + micLength);
      out.set(ct, 0);
      out.set(c.getAuthTag(), plaintext.length);
      return out;
    } catch (e) {
      throw new CryptoError("aesCcmEncrypt: " + (e instanceof Error ? e.message : String(e)));
    }
  }

  aesCcmDecrypt(key: Bytes, nonce: Bytes, ciphertextAndMic: Bytes, micLength: 4 | 8, aad?: Bytes): Bytes | null {
    checkCcm("aesCcmDecrypt", key, nonce, micLength, aad);
    needBytes("aesCcmDecrypt: input", ciphertextAndMic);
    if (ciphertextAndMic.length < micLength || ciphertextAndMic.length - micLength > 0xffff) return null;
    const cLength = ciphertextAndMic.length - micLength;
    try {
      const d = createDecipheriv("aes-128-ccm", key, nonce, { authTagLength: micLength });
      d.setAuthTag(ciphertextAndMic.subarray(cLength));
      d.setAAD(aad ?? new Uint8Array(0), { plaintextLength: cLength });
      const pt = d.update(ciphertextAndMic.subarray(0, cLength));
      d.final(); // throws when the MIC does not match (OpenSSL compares in constant time)
      return plain(pt);
    } catch {
      return null;
    }
  }

  sha256(message: Bytes): Bytes {
    needBytes("sha256: message", message);
    return plain(createHash("sha256").update(message).digest());
  }

  hmacSha256(key: Bytes, message: Bytes): Bytes {
    needBytes("hmacSha256: key", key);
    needBytes("hmacSha256: message", message);
    return plain(createHmac("sha256", key).update(message).digest());
  }

  /** The public key X || Y (64 bytes) of a 32-byte private key d (1 <= d < n, else CryptoError). Node-only extra. */
  p256PublicKey(privateKey: Bytes): Bytes {
    needBytes("p256PublicKey: privateKey", privateKey, 32);
    if (!validScalar(privateKey)) throw new CryptoError("p256PublicKey: private key out of range");
    const ecdh = createECDH("prime256v1");
    ecdh.setPrivateKey(privateKey);
    return plain(ecdh.getPublicKey().subarray(1)); // drop the 0x04 uncompressed-point prefix
  }

  p256GenerateKeyPair(): { privateKey: Bytes; publicKey: Bytes } {
    // Rejection sampling: draw 32 bytes until 1 <= d < n (fails with probability ~2^-32 per draw).
    for (;;) {
      const d = this.randomBytes(32);
      if (validScalar(d)) return { privateKey: d, publicKey: this.p256PublicKey(d) };
    }
  }

  p256ValidatePublicKey(publicKey: Bytes): boolean {
    return isValidP256Point(publicKey);
  }

  p256Ecdh(privateKey: Bytes, peerPublicKey: Bytes): Bytes {
    needBytes("p256Ecdh: privateKey", privateKey, 32);
    needBytes("p256Ecdh: peerPublicKey", peerPublicKey, 64);
    if (!validScalar(privateKey)) throw new CryptoError("p256Ecdh: private key out of range");
    if (!isValidP256Point(peerPublicKey)) throw new CryptoError("p256Ecdh: invalid peer public key");
    try {
      const ecdh = createECDH("prime256v1");
      ecdh.setPrivateKey(privateKey);
      const peer = new Uint8Array(65);
      peer[0] = 0x04;
      peer.set(peerPublicKey, 1);
      return plain(ecdh.computeSecret(peer));
    } catch (e) {
      throw new CryptoError("p256Ecdh: " + (e instanceof Error ? e.message : String(e)));
    }
  }

  randomBytes(length: number): Bytes {
    if (!Number.isInteger(length) || length < 0 || length > MAX_RANDOM_LENGTH) {
      throw new CryptoError("randomBytes: length must be an integer 0.." + MAX_RANDOM_LENGTH);
    }
    const r = this.random(length);
    if (!isBytes(r) || r.length !== length) throw new CryptoError("randomBytes: random source returned the wrong length");
    return plain(r);
  }
}

/**
 * The crypto of a simulated device or provisioner whose ECDH takes `ms` on `clock`, as a software P-256 does
 * on the device (about 30 ms on a 64 MHz Cortex-M4): p256EcdhAsync computes the secret when the time has
 * passed. The simulated platform carries this cost, not the provisioning API. `ms` 0: `crypto` itself.
 */
export function withEcdhTime(crypto: CryptoPrimitives, clock: Clock, ms: number): CryptoPrimitives {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`ECDH time ${ms} ms (>= 0 needed)`);
  if (ms === 0) return crypto;
  return withCrypto(crypto, {
    p256EcdhAsync: (privateKey, peerPublicKey, done) => {
      const key = privateKey.slice();
      const peer = peerPublicKey.slice();
      clock.setTimeout(() => {
        let secret: Bytes | undefined;
        try {
          secret = crypto.p256Ecdh(key, peer);
        } catch {
          secret = undefined;
        }
        key.fill(0);
        done(secret);
      }, ms);
    },
  });
}

const PRIMITIVES = [
  "aes128",
  "aesCmac",
  "aesCcmEncrypt",
  "aesCcmDecrypt",
  "sha256",
  "hmacSha256",
  "p256GenerateKeyPair",
  "p256ValidatePublicKey",
  "p256Ecdh",
  "p256EcdhAsync",
  "randomBytes",
] as const satisfies readonly (keyof CryptoPrimitives)[];

/** A platform's crypto: `base`'s primitives (bound to it), with `changes` in their place (simulated and test platforms). */
export function withCrypto(base: CryptoPrimitives, changes: Partial<CryptoPrimitives>): CryptoPrimitives {
  const out: Record<string, unknown> = {};
  for (const name of PRIMITIVES) {
    const f = changes[name] ?? base[name];
    if (typeof f === "function") out[name] = changes[name] ? f : (f as (...args: unknown[]) => unknown).bind(base);
  }
  return out as unknown as CryptoPrimitives;
}

function checkCcm(what: string, key: Bytes, nonce: Bytes, micLength: number, aad: Bytes | undefined): void {
  needBytes(what + ": key", key, 16);
  needBytes(what + ": nonce", nonce, 13);
  if (micLength !== 4 && micLength !== 8) throw new CryptoError(what + ": micLength must be 4 or 8");
  if (aad !== undefined) needBytes(what + ": aad", aad);
}

/** The host side's one seeded byte source (host/prng.ts), here for the simulations and tests that import it. */
export { seededRandom } from "./prng.js";
