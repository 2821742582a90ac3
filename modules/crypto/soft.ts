/**
 * Software fallback for the AES modes: a platform that provides only the AES-128 block cipher
 * (plus SHA-256, HMAC, P-256 and randomness) gets AES-CMAC and AES-CCM from the portable code in
 * cmac.ts and ccm.ts. The XS build has native C for all of them; this is the fallback.
 */
import type { Bytes, CryptoPrimitives } from "../platform.js";
import { aesCmac } from "./cmac.js";
import { aesCcmDecrypt, aesCcmEncrypt } from "./ccm.js";

/** What a platform must provide at least: everything but the AES modes, which it may provide too. */
export type BaseCryptoPrimitives = Omit<CryptoPrimitives, "aesCmac" | "aesCcmEncrypt" | "aesCcmDecrypt"> &
  Partial<Pick<CryptoPrimitives, "aesCmac" | "aesCcmEncrypt" | "aesCcmDecrypt">>;

/**
 * A complete CryptoPrimitives: the base's own functions where it has them, the portable AES-CMAC and
 * AES-CCM (built on base.aes128) where it does not. With `forceSoft`, the portable modes are used even
 * when the base has its own (for tests and comparisons).
 */
export function softCryptoPrimitives(base: BaseCryptoPrimitives, forceSoft = false): CryptoPrimitives {
  const aes128 = (key: Bytes, block: Bytes): Bytes => base.aes128(key, block);
  const cmac = !forceSoft && base.aesCmac ? base.aesCmac.bind(base) : (key: Bytes, message: Bytes) => aesCmac(aes128, key, message);
  const enc = !forceSoft && base.aesCcmEncrypt
    ? base.aesCcmEncrypt.bind(base)
    : (key: Bytes, nonce: Bytes, plaintext: Bytes, micLength: 4 | 8, aad?: Bytes) => aesCcmEncrypt(aes128, key, nonce, plaintext, micLength, aad);
  const dec = !forceSoft && base.aesCcmDecrypt
    ? base.aesCcmDecrypt.bind(base)
    : (key: Bytes, nonce: Bytes, data: Bytes, micLength: 4 | 8, aad?: Bytes) => aesCcmDecrypt(aes128, key, nonce, data, micLength, aad);
  return {
    aes128,
    aesCmac: cmac,
    aesCcmEncrypt: enc,
    aesCcmDecrypt: dec,
    sha256: (message) => base.sha256(message),
    hmacSha256: (key, message) => base.hmacSha256(key, message),
    p256GenerateKeyPair: () => base.p256GenerateKeyPair(),
    p256ValidatePublicKey: (publicKey) => base.p256ValidatePublicKey(publicKey),
    p256Ecdh: (privateKey, peerPublicKey) => base.p256Ecdh(privateKey, peerPublicKey),
    randomBytes: (length) => base.randomBytes(length),
  };
}
