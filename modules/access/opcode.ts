/**
 * Access message opcodes on the air (Mesh Protocol 1.1, 3.7.3.1): 1, 2 or 3 octets, told apart by the two
 * high bits of the first octet (0x: 1 octet, except 0x7F which is reserved; 10: 2 octets; 11: 3 octets,
 * vendor). See Opcode in model.ts for the number form used everywhere.
 */
import type { Bytes } from "../platform.js";
import { opcodeLength } from "./model.js";
import type { Opcode } from "./model.js";

/** The opcode and parameters of an access payload, or a reason (3.7.3.1: 0x7F is RFU; too short). */
export function decodeAccessPayload(payload: Bytes): { opcode: Opcode; params: Bytes } | string {
  if (payload.length < 1) return "empty access payload";
  const b0 = payload[0]!;
  if (b0 === 0x7f) return "opcode 0x7f is reserved for future use";
  const len = b0 < 0x80 ? 1 : b0 < 0xc0 ? 2 : 3;
  if (payload.length < len) return `access payload shorter than its ${len}-octet opcode`;
  let opcode = 0;
  for (let i = 0; i < len; i++) opcode = opcode * 256 + payload[i]!;
  return { opcode, params: payload.subarray(len) };
}

/** Opcode || parameters. Throws RangeError for an invalid opcode (a caller's bug). */
export function encodeAccessPayload(opcode: Opcode, params: Bytes): Bytes {
  const len = opcodeLength(opcode);
  const out = new Uint8Array(len + params.length);
  for (let i = 0; i < len; i++) out[i] = (opcode >>> (8 * (len - 1 - i))) & 0xff;
  out.set(params, len);
  return out;
}
