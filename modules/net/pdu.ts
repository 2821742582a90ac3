/**
 * Network PDU (Mesh Protocol 1.1, 3.4.4) encryption and obfuscation (3.9.7.2, 3.9.7.3), as pure functions.
 *
 *   IVI(1) NID(7) | CTL(1) TTL(7) | SEQ(24) | SRC(16) | DST(16) | TransportPDU(1..16) | NetMIC(32 or 64)
 *
 * DST || TransportPDU is AES-CCM encrypted with the EncryptionKey and the network nonce (NetMIC 32 bits for
 * access messages, CTL=0; 64 bits for control messages, CTL=1); CTL/TTL, SEQ and SRC are obfuscated with
 * PECB = e(PrivacyKey, 0x0000000000 || IV Index || PrivacyRandom), PrivacyRandom = the first 7 octets of
 * EncDST || EncTransportPDU || NetMIC.
 */
import type { Bytes, CryptoPrimitives } from "../platform.js";
import type { MeshCrypto } from "../crypto/mesh.js";
import { networkNonce } from "./nonce.js";

/** Network-layer key material of one NetKey (3.9.6.3): NID, EncryptionKey, PrivacyKey from k2 with P = 0x00 (managed flooding). */
export interface NetworkKeys {
  nid: number;
  encryptionKey: Bytes;
  privacyKey: Bytes;
}

export function deriveNetworkKeys(mc: MeshCrypto, netKey: Bytes): NetworkKeys {
  return mc.k2(netKey, Uint8Array.of(0x00));
}

/** The clear fields of a network PDU. */
export interface NetworkHeader {
  ivIndex: number;
  ctl: 0 | 1;
  ttl: number;
  seq: number;
  src: number;
  dst: number;
}

/** Largest transport PDU (3.4.4): 16 octets with CTL=0 (32-bit NetMIC), 12 with CTL=1 (64-bit NetMIC), in 29 octets of AD data. */
export const MAX_TRANSPORT_PDU = Object.freeze({ 0: 16, 1: 12 } as const);
/** Smallest network PDU: 1 + 6 + 2 (DST) + 1 (transport) + 4 (NetMIC). */
export const MIN_NETWORK_PDU = 14;
/** Largest network PDU (29 octets of AD data, 3.3.1). */
export const MAX_NETWORK_PDU = 29;

function privacyPlaintext(ivIndex: number, privacyRandom: Bytes): Bytes {
  const p = new Uint8Array(16);
  p[5] = (ivIndex >>> 24) & 0xff;
  p[6] = (ivIndex >>> 16) & 0xff;
  p[7] = (ivIndex >>> 8) & 0xff;
  p[8] = ivIndex & 0xff;
  p.set(privacyRandom.subarray(0, 7), 9);
  return p;
}

/** PECB (3.9.7.3): the 6 octets XORed onto CTL/TTL, SEQ and SRC. Exported for the sample-data tests. */
export function pecb(primitives: CryptoPrimitives, privacyKey: Bytes, ivIndex: number, encrypted: Bytes): Bytes {
  return primitives.aes128(privacyKey, privacyPlaintext(ivIndex, encrypted)).subarray(0, 6);
}

/** Builds the network PDU. Throws RangeError on out-of-range fields or a transport PDU of the wrong length (a caller's bug). */
export function encodeNetworkPdu(primitives: CryptoPrimitives, keys: NetworkKeys, h: NetworkHeader, transportPdu: Bytes): Bytes {
  const max = h.ctl ? MAX_TRANSPORT_PDU[1] : MAX_TRANSPORT_PDU[0]; // two literal reads: the bundle inlines them (tools/fw/inline-consts.mjs)
  if (transportPdu.length < 1 || transportPdu.length > max) throw new RangeError(`transport PDU of ${transportPdu.length} octets (1..${max} for CTL=${h.ctl})`);
  if (!(h.ttl >= 0 && h.ttl <= 127) || !(h.seq >= 0 && h.seq <= 0xffffff) || !(h.src >= 1 && h.src <= 0x7fff) || !(h.dst >= 0 && h.dst <= 0xffff))
    throw new RangeError("network header field out of range");
  const micLength = h.ctl ? 8 : 4;
  const plain = new Uint8Array(2 + transportPdu.length);
  plain[0] = h.dst >> 8;
  plain[1] = h.dst & 0xff;
  plain.set(transportPdu, 2);
  const nonce = networkNonce(h.ctl, h.ttl, h.seq, h.src, h.ivIndex);
  const enc = primitives.aesCcmEncrypt(keys.encryptionKey, nonce, plain, micLength);
  const p = pecb(primitives, keys.privacyKey, h.ivIndex, enc);
  const out = new Uint8Array(7 + enc.length);
  out[0] = ((h.ivIndex & 1) << 7) | keys.nid;
  out[1] = ((h.ctl << 7) | h.ttl) ^ p[0]!;
  out[2] = ((h.seq >>> 16) & 0xff) ^ p[1]!;
  out[3] = ((h.seq >>> 8) & 0xff) ^ p[2]!;
  out[4] = (h.seq & 0xff) ^ p[3]!;
  out[5] = (h.src >> 8) ^ p[4]!;
  out[6] = (h.src & 0xff) ^ p[5]!;
  out.set(enc, 7);
  return out;
}

/** IVI and NID of a PDU, read before any decryption (3.4.4.1/3.4.4.2). */
export function peekIviNid(pdu: Bytes): { ivi: number; nid: number } | undefined {
  if (pdu.length < MIN_NETWORK_PDU || pdu.length > MAX_NETWORK_PDU) return undefined;
  return { ivi: pdu[0]! >> 7, nid: pdu[0]! & 0x7f };
}

/**
 * Deobfuscates and decrypts a network PDU with one candidate key and IV index. Returns undefined when the
 * NID differs, the length is impossible, or the NetMIC does not match (the PDU is not for these keys).
 */
export function decodeNetworkPdu(
  primitives: CryptoPrimitives,
  keys: NetworkKeys,
  ivIndex: number,
  pdu: Bytes,
): { header: NetworkHeader; transportPdu: Bytes } | undefined {
  const peek = peekIviNid(pdu);
  if (!peek || peek.nid !== keys.nid || peek.ivi !== (ivIndex & 1)) return undefined;
  const enc = pdu.subarray(7);
  const p = pecb(primitives, keys.privacyKey, ivIndex, enc);
  const ctlTtl = pdu[1]! ^ p[0]!;
  const ctl = (ctlTtl >> 7) as 0 | 1;
  const ttl = ctlTtl & 0x7f;
  const seq = ((pdu[2]! ^ p[1]!) << 16) | ((pdu[3]! ^ p[2]!) << 8) | (pdu[4]! ^ p[3]!);
  const src = ((pdu[5]! ^ p[4]!) << 8) | (pdu[6]! ^ p[5]!);
  const micLength = ctl ? 8 : 4;
  // At least DST (2) and one octet of transport PDU, and no more than the transport PDU maximum.
  const transportLength = enc.length - micLength - 2;
  if (transportLength < 1 || transportLength > (ctl ? MAX_TRANSPORT_PDU[1] : MAX_TRANSPORT_PDU[0])) return undefined;
  const nonce = networkNonce(ctl, ttl, seq, src, ivIndex);
  const plain = primitives.aesCcmDecrypt(keys.encryptionKey, nonce, enc, micLength);
  if (!plain) return undefined;
  // 3.4.2.2: a network PDU whose SRC is not a unicast address is not processed.
  if (src === 0 || src > 0x7fff) return undefined;
  const dst = (plain[0]! << 8) | plain[1]!;
  // 3.4.4: DST unassigned is not processed.
  if (dst === 0) return undefined;
  return { header: { ivIndex, ctl, ttl, seq, src, dst }, transportPdu: plain.slice(2) };
}
