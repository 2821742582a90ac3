/**
 * Frame Check Sequence of the Generic Provisioning layer (Mesh Protocol 1.1, 5.3.1.1 Transaction Start:
 * "FCS: the Frame Check Sequence of the Provisioning PDU", computed as defined in 3GPP TS 27.010, 5.2.1.6).
 *
 * CRC-8 with polynomial x^8 + x^2 + x + 1, processed LSB first (reflected: 0xE0), initial value 0xFF,
 * and the ones-complement of the remainder sent. Table-driven: one lookup per byte.
 */
import type { Bytes } from "../platform.js";

/** The reflected polynomial x^8 + x^2 + x + 1 (0x07 bit-reversed). */
const POLY_REFLECTED = 0xe0;

const TABLE: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ POLY_REFLECTED : crc >>> 1;
    t[i] = crc;
  }
  return t;
})();

/** The FCS (one octet) of `data`. */
export function fcs(data: Bytes): number {
  let crc = 0xff;
  for (let i = 0; i < data.length; i++) crc = TABLE[(crc ^ data[i]!) & 0xff]!;
  return 0xff - crc;
}

/** True when `expected` is the FCS of `data` (TS 27.010: the receiver's check). */
export function fcsCheck(data: Bytes, expected: number): boolean {
  // Running the CRC over data || FCS leaves the constant 0xCF in the register when the FCS is right.
  let crc = 0xff;
  for (let i = 0; i < data.length; i++) crc = TABLE[(crc ^ data[i]!) & 0xff]!;
  crc = TABLE[(crc ^ expected) & 0xff]!;
  return (expected & ~0xff) === 0 && crc === 0xcf;
}
