/**
 * The nonces of the network and upper transport layers (Mesh Protocol 1.1, 3.9.5): 13 octets, big-endian
 * fields. Kept apart from modules/crypto/mesh.ts, so a provisioning-only image does not carry them.
 */
import type { Bytes } from "../platform.js";
import { writeU16BE, writeU32BE } from "../util/bytes.js";

/** Nonce types (3.9.5, first octet). */
export const NonceType = Object.freeze({ NETWORK: 0x00, APPLICATION: 0x01, DEVICE: 0x02, PROXY: 0x03 } as const);

/** SEQ (or SeqAuth's low 24 bits) at octets 2..4. */
function putSeq(n: Bytes, seq: number): void {
  n[2] = (seq >>> 16) & 0xff;
  writeU16BE(n, 3, seq & 0xffff);
}

/** Network nonce (3.9.5.1): 0x00 || CTL<<7|TTL || SEQ(3) || SRC(2) || 0x0000 || IV Index(4). */
export function networkNonce(ctl: number, ttl: number, seq: number, src: number, ivIndex: number): Bytes {
  const n = new Uint8Array(13);
  n[0] = NonceType.NETWORK;
  n[1] = ((ctl & 1) << 7) | (ttl & 0x7f);
  putSeq(n, seq);
  writeU16BE(n, 5, src & 0xffff);
  writeU32BE(n, 9, ivIndex >>> 0);
  return n;
}

/**
 * Application nonce (3.9.5.2) or device nonce (3.9.5.3): type || ASZMIC<<7 || SeqAuth low 24 bits (3) ||
 * SRC(2) || DST(2) || IV Index(4). ASZMIC is 1 only for a segmented access message with a 64-bit TransMIC.
 */
export function accessNonce(device: boolean, aszmic: boolean, seq: number, src: number, dst: number, ivIndex: number): Bytes {
  const n = new Uint8Array(13);
  n[0] = device ? NonceType.DEVICE : NonceType.APPLICATION;
  n[1] = aszmic ? 0x80 : 0x00;
  putSeq(n, seq);
  writeU16BE(n, 5, src & 0xffff);
  writeU16BE(n, 7, dst & 0xffff);
  writeU32BE(n, 9, ivIndex >>> 0);
  return n;
}
