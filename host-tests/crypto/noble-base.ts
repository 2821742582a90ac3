/**
 * An independent "platform" for tests: the block cipher, hashes and P-256 from @noble/*, with no AES modes,
 * so softCryptoPrimitives() must fill AES-CMAC and AES-CCM from the portable code.
 */
import { ecb } from "@noble/ciphers/aes.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { hmac } from "@noble/hashes/hmac.js";
import { p256 } from "@noble/curves/nist.js";
import { CryptoError } from "../../modules/platform.js";
import type { Bytes } from "../../modules/platform.js";
import type { BaseCryptoPrimitives } from "../../modules/crypto/soft.js";

export function nobleBase(random: (n: number) => Uint8Array): BaseCryptoPrimitives {
  const uncompressed = (xy: Bytes): Bytes => {
    const out = new Uint8Array(65);
    out[0] = 4;
    out.set(xy, 1);
    return out;
  };
  return {
    aes128(key, block) {
      if (key.length !== 16 || block.length !== 16) throw new CryptoError("aes128: lengths");
      return ecb(key, { disablePadding: true }).encrypt(block);
    },
    sha256: (m) => sha256(m),
    hmacSha256: (k, m) => hmac(sha256, k, m),
    p256GenerateKeyPair() {
      const privateKey = p256.utils.randomSecretKey(random(48));
      return { privateKey, publicKey: p256.getPublicKey(privateKey, false).slice(1) };
    },
    p256ValidatePublicKey: (pk) => pk.length === 64 && p256.utils.isValidPublicKey(uncompressed(pk), false),
    p256Ecdh(d, pk) {
      if (pk.length !== 64 || !p256.utils.isValidPublicKey(uncompressed(pk), false)) throw new CryptoError("bad key");
      return p256.getSharedSecret(d, uncompressed(pk), true).slice(1);
    },
    randomBytes: (n) => random(n),
  };
}
