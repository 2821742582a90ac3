/**
 * Upper transport access PDU encryption (Mesh Protocol 1.1, 3.6.4.2 and 3.9.7.1): AES-CCM of the access
 * payload with an application key (application nonce, AKF=1, AID = k4(AppKey)) or a device key (device
 * nonce, AKF=0, AID=0), TransMIC of 32 or 64 bits; for a virtual destination the Label UUID is the
 * additional data.
 */
import type { Bytes, CryptoPrimitives } from "../platform.js";
import { accessNonce } from "../net/nonce.js";

/** The nonce fields an upper transport PDU is bound to. */
export interface AccessSecurity {
  /** true: device key (device nonce); false: application key (application nonce). */
  device: boolean;
  key: Bytes;
  /** 64-bit TransMIC (SZMIC=1); only for segmented messages. */
  bigMic: boolean;
  /** True when the message is segmented (ASZMIC = SZMIC for segmented messages, 0 otherwise: 3.9.5.2). */
  segmented: boolean;
  /** SeqAuth low 24 bits: the SEQ of the first segment (or of the only PDU). */
  seq: number;
  src: number;
  dst: number;
  ivIndex: number;
  /** Label UUID when dst is a virtual address. */
  label?: Bytes;
}

function nonceOf(s: AccessSecurity): Bytes {
  return accessNonce(s.device, s.segmented && s.bigMic, s.seq, s.src, s.dst, s.ivIndex);
}

export function encryptAccess(primitives: CryptoPrimitives, s: AccessSecurity, accessPayload: Bytes): Bytes {
  return primitives.aesCcmEncrypt(s.key, nonceOf(s), accessPayload, s.bigMic ? 8 : 4, s.label);
}

/** The access payload, or null when the TransMIC does not match (wrong key, wrong label). */
export function decryptAccess(primitives: CryptoPrimitives, s: AccessSecurity, upperPdu: Bytes): Bytes | null {
  const micLength = s.bigMic ? 8 : 4;
  if (upperPdu.length < micLength + 1) return null;
  return primitives.aesCcmDecrypt(s.key, nonceOf(s), upperPdu, micLength, s.label);
}
