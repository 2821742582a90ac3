/**
 * AES-CMAC (RFC 4493), portable, on top of any AES-128 block function.
 * Mesh Protocol 1.1, 3.9.1.2 uses it as the MAC of every key-derivation function.
 */
import { CryptoError } from "../platform.js";
import type { Bytes } from "../platform.js";

/** AES-128 encryption of one 16-byte block. */
export type Aes128 = (key: Bytes, block: Bytes) => Bytes;

/** Doubling in GF(2^128) (RFC 4493, 2.3: left shift by one, XOR Rb = 0x87 on carry). */
function dbl(b: Bytes): Bytes {
  const out = new Uint8Array(16);
  let carry = 0;
  for (let i = 15; i >= 0; i--) {
    const v = b[i];
    out[i] = ((v << 1) | carry) & 0xff;
    carry = v >> 7;
  }
  // Constant time: the mask is 0x87 or 0x00 depending on the top bit of the input.
  out[15] ^= 0x87 & -carry;
  return out;
}

/**
 * AES-CMAC of `message` under `key` (16 bytes); 16-byte tag. Throws CryptoError on a bad key length.
 */
export function aesCmac(aes128: Aes128, key: Bytes, message: Bytes): Bytes {
  if (!(key instanceof Uint8Array) || key.length !== 16) throw new CryptoError("aesCmac: key must be 16 bytes");
  if (!(message instanceof Uint8Array)) throw new CryptoError("aesCmac: message must be a Uint8Array");
  // RFC 4493, 2.3 Subkey generation.
  const l = aes128(key, new Uint8Array(16));
  const k1 = dbl(l);
  const k2 = dbl(k1);
  // RFC 4493, 2.4 MAC generation.
  const n = message.length === 0 ? 1 : Math.ceil(message.length / 16);
  const complete = message.length > 0 && message.length % 16 === 0;
  const x = new Uint8Array(16);
  for (let i = 0; i < n - 1; i++) {
    for (let j = 0; j < 16; j++) x[j] ^= message[16 * i + j];
    x.set(aes128(key, x));
  }
  const last = new Uint8Array(16);
  const off = 16 * (n - 1);
  const rem = message.length - off;
  if (complete) {
    for (let j = 0; j < 16; j++) last[j] = message[off + j] ^ k1[j];
  } else {
    for (let j = 0; j < rem; j++) last[j] = message[off + j];
    last[rem] = 0x80;
    for (let j = 0; j < 16; j++) last[j] ^= k2[j];
  }
  for (let j = 0; j < 16; j++) x[j] ^= last[j];
  return aes128(key, x);
}
