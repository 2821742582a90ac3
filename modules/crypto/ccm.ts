/**
 * AES-CCM (NIST SP 800-38C), portable, on top of any AES-128 block function.
 * The Mesh profile (Mesh Protocol 1.1, 3.9.1.3 and 5.4.2.5): 13-byte nonce (so a 2-byte length field,
 * messages up to 65535 bytes), MIC of 4 or 8 bytes, optional additional data.
 */
import { CryptoError } from "../platform.js";
import type { Bytes } from "../platform.js";
import type { Aes128 } from "./cmac.js";
import { bytesEqual } from "./bytes.js";

const NONCE_LENGTH = 13;
/** Length of the message-length field Q, q = 15 - n (SP 800-38C, A.1). */
const Q_LENGTH = 15 - NONCE_LENGTH;
const MAX_MESSAGE = 0xffff;
/** AAD up to this length uses the 2-byte length encoding (SP 800-38C, A.2.2: a < 2^16 - 2^8). */
const SHORT_AAD_LIMIT = 0xff00;

function checkArgs(what: string, key: Bytes, nonce: Bytes, micLength: number, aad: Bytes | undefined): void {
  if (!(key instanceof Uint8Array) || key.length !== 16) throw new CryptoError(what + ": key must be 16 bytes");
  if (!(nonce instanceof Uint8Array) || nonce.length !== NONCE_LENGTH) throw new CryptoError(what + ": nonce must be 13 bytes");
  if (micLength !== 4 && micLength !== 8) throw new CryptoError(what + ": micLength must be 4 or 8");
  if (aad !== undefined && !(aad instanceof Uint8Array)) throw new CryptoError(what + ": aad must be a Uint8Array");
  if (aad !== undefined && aad.length > 0xffffffff) throw new CryptoError(what + ": aad too long");
}

/** The CBC-MAC T (full 16 bytes) over B0 || encoded AAD || payload (SP 800-38C, 6.1 steps 1-4 and A.2). */
function cbcMac(aes128: Aes128, key: Bytes, nonce: Bytes, payload: Bytes, micLength: number, aad: Bytes | undefined): Bytes {
  const a = aad ? aad.length : 0;
  // B0: Flags || N || Q (A.2.1). Flags = 64*Adata + 8*((t-2)/2) + (q-1).
  const b0 = new Uint8Array(16);
  b0[0] = (a > 0 ? 0x40 : 0) | (((micLength - 2) / 2) << 3) | (Q_LENGTH - 1);
  b0.set(nonce, 1);
  b0[14] = (payload.length >> 8) & 0xff;
  b0[15] = payload.length & 0xff;
  let y = aes128(key, b0);
  const block = new Uint8Array(16);
  const absorb = (data: Bytes, start: number, count: number): void => {
    // XOR `count` bytes (<= 16) of data, zero-padded, into y and encrypt.
    for (let j = 0; j < 16; j++) block[j] = y[j] ^ (j < count ? data[start + j] : 0);
    y = aes128(key, block);
  };
  if (aad && a > 0) {
    // A.2.2: the encoded length, then the AAD, zero-padded to whole blocks.
    const header = a < SHORT_AAD_LIMIT ? [(a >> 8) & 0xff, a & 0xff] : [0xff, 0xfe, (a >>> 24) & 0xff, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff];
    const enc = new Uint8Array(header.length + a);
    enc.set(header, 0);
    enc.set(aad, header.length);
    for (let i = 0; i < enc.length; i += 16) absorb(enc, i, Math.min(16, enc.length - i));
  }
  for (let i = 0; i < payload.length; i += 16) absorb(payload, i, Math.min(16, payload.length - i));
  return y;
}

/** The counter block Ctr_i (A.3): Flags = q-1, N, i as a q-byte big-endian integer. */
function counterBlock(nonce: Bytes, i: number): Bytes {
  const ctr = new Uint8Array(16);
  ctr[0] = Q_LENGTH - 1;
  ctr.set(nonce, 1);
  ctr[14] = (i >> 8) & 0xff;
  ctr[15] = i & 0xff;
  return ctr;
}

/** CTR-mode keystream applied to `input` starting from counter 1 (SP 800-38C, 6.1 steps 5-7). */
function ctr(aes128: Aes128, key: Bytes, nonce: Bytes, input: Bytes): Bytes {
  const out = new Uint8Array(input.length);
  for (let i = 0, counter = 1; i < input.length; i += 16, counter++) {
    const s = aes128(key, counterBlock(nonce, counter));
    const n = Math.min(16, input.length - i);
    for (let j = 0; j < n; j++) out[i + j] = input[i + j] ^ s[j];
  }
  return out;
}

/** The MIC: MSB_t(T) XOR MSB_t(S0). */
function mic(aes128: Aes128, key: Bytes, nonce: Bytes, t: Bytes, micLength: number): Bytes {
  const s0 = aes128(key, counterBlock(nonce, 0));
  const out = new Uint8Array(micLength);
  for (let j = 0; j < micLength; j++) out[j] = t[j] ^ s0[j];
  return out;
}

/**
 * AES-CCM encryption: ciphertext || MIC. Throws CryptoError on bad argument lengths or a plaintext
 * longer than 65535 bytes.
 */
export function aesCcmEncrypt(aes128: Aes128, key: Bytes, nonce: Bytes, plaintext: Bytes, micLength: 4 | 8, aad?: Bytes): Bytes {
  checkArgs("aesCcmEncrypt", key, nonce, micLength, aad);
  if (!(plaintext instanceof Uint8Array)) throw new CryptoError("aesCcmEncrypt: plaintext must be a Uint8Array");
  if (plaintext.length > MAX_MESSAGE) throw new CryptoError("aesCcmEncrypt: plaintext longer than 65535 bytes");
  const t = cbcMac(aes128, key, nonce, plaintext, micLength, aad);
  const out = new Uint8Array(plaintext.length + micLength);
  out.set(ctr(aes128, key, nonce, plaintext), 0);
  out.set(mic(aes128, key, nonce, t, micLength), plaintext.length);
  return out;
}

/**
 * AES-CCM decryption of ciphertext || MIC. Returns the plaintext, or null when the MIC does not match
 * (compared in constant time) or the input is shorter than the MIC (both are what a hostile peer can send).
 * Throws CryptoError on bad key/nonce/micLength (caller bugs).
 */
export function aesCcmDecrypt(aes128: Aes128, key: Bytes, nonce: Bytes, ciphertextAndMic: Bytes, micLength: 4 | 8, aad?: Bytes): Bytes | null {
  checkArgs("aesCcmDecrypt", key, nonce, micLength, aad);
  if (!(ciphertextAndMic instanceof Uint8Array)) throw new CryptoError("aesCcmDecrypt: input must be a Uint8Array");
  if (ciphertextAndMic.length < micLength) return null;
  const cLength = ciphertextAndMic.length - micLength;
  if (cLength > MAX_MESSAGE) return null;
  const plaintext = ctr(aes128, key, nonce, ciphertextAndMic.subarray(0, cLength));
  const t = cbcMac(aes128, key, nonce, plaintext, micLength, aad);
  const expected = mic(aes128, key, nonce, t, micLength);
  if (!bytesEqual(expected, ciphertextAndMic.subarray(cLength))) {
    plaintext.fill(0);
    return null;
  }
  return plaintext;
}
