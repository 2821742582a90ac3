/**
 * The provisioning record a device keeps in storage, so that a restarted device comes back provisioned:
 * what Provisioning Data delivered (Mesh Protocol 1.1, 5.4.2.5) plus the DeviceKey and the element count.
 *
 * Layout (RECORD_LENGTH = 50 bytes, multi-octet fields big-endian):
 *   offset  0  'M' 'P'                       (2)
 *   offset  2  version = 1                   (1)
 *   offset  3  numberOfElements              (1)
 *   offset  4  Provisioning Data             (25: NetKey, Key Index, Flags, IV Index, Unicast Address,
 *                                                 encoded by pdu.ts's Provisioning Data codec, 5.4.2.5)
 *   offset 29  DeviceKey                     (16)
 *   offset 45  CRC-32 (IEEE 802.3) of bytes 0..44 (4)
 *   offset 49  reserved, 0                   (1)
 * A record that is short, long, of another version, whose CRC does not match, or whose Provisioning Data
 * does not decode is rejected, never trusted.
 */
import type { Bytes } from "../platform.js";
import type { ProvisioningData } from "../prov/pdu.js";
import { PROVISIONING_DATA_LENGTH, decodeProvisioningData, encodeProvisioningData } from "../prov/pdu.js";
import { readU32BE, writeU32BE } from "../util/bytes.js";

export const RECORD_VERSION = 1;

// Offsets: the Provisioning Data at 4, the DeviceKey after it, then the CRC and the reserved byte.
const DATA_OFFSET = 4;
const KEY_OFFSET = DATA_OFFSET + PROVISIONING_DATA_LENGTH;
const CRC_OFFSET = KEY_OFFSET + 16;
export const RECORD_LENGTH = CRC_OFFSET + 5;

export interface ProvisioningRecord {
  data: ProvisioningData;
  deviceKey: Bytes;
  numberOfElements: number;
}

export type RecordDecodeResult = { ok: true; record: ProvisioningRecord } | { ok: false; reason: string };

// CRC-32 four bits at a time: a 16-entry table, built when the module loads (at build time on a preloaded
// image). Every step stays in 32-bit signed integers (">> 4 & 0x0fffffff" is the logical shift): on XS a ">>>"
// of a negative value, or a constant above 2^31, goes through floating point (fmod, trunc), which made the first
// record written (a 256-entry table built lazily, at Complete) cost about 2 M instructions on the twin.
const CRC_POLY = 0xedb88320 | 0;
const CRC_NIBBLE: Int32Array = (() => {
  const t = new Int32Array(16);
  for (let n = 0; n < 16; n++) {
    let c = n;
    for (let k = 0; k < 4; k++) c = c & 1 ? CRC_POLY ^ ((c >> 1) & 0x7fffffff) : (c >> 1) & 0x7fffffff;
    t[n] = c;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, init and final XOR 0xFFFFFFFF). */
export function crc32(data: Bytes): number {
  // the length and the table in locals: on XS each `data.length` is a getter call, each module binding a lookup
  const n = data.length;
  const table = CRC_NIBBLE;
  let crc = -1;
  for (let i = 0; i < n; i++) {
    crc ^= data[i]!;
    crc = table[crc & 15]! ^ ((crc >> 4) & 0x0fffffff);
    crc = table[crc & 15]! ^ ((crc >> 4) & 0x0fffffff);
  }
  return ~crc >>> 0;
}

/** The record's bytes. Throws RangeError for values that are not a valid provisioning (the caller's bug). */
export function encodeRecord(r: ProvisioningRecord): Bytes {
  if (!(r.deviceKey instanceof Uint8Array) || r.deviceKey.length !== 16) throw new RangeError("record: deviceKey must be 16 bytes");
  if (!Number.isInteger(r.numberOfElements) || r.numberOfElements < 1 || r.numberOfElements > 255) throw new RangeError("record: numberOfElements must be 1..255");
  let data: Bytes;
  try {
    data = encodeProvisioningData(r.data);
  } catch (e) {
    throw new RangeError("record: " + (e instanceof Error ? e.message : String(e)));
  }
  const out = new Uint8Array(RECORD_LENGTH);
  out[0] = 0x4d; // 'M'
  out[1] = 0x50; // 'P'
  out[2] = RECORD_VERSION;
  out[3] = r.numberOfElements;
  out.set(data, DATA_OFFSET);
  data.fill(0);
  out.set(r.deviceKey, KEY_OFFSET);
  writeU32BE(out, CRC_OFFSET, crc32(out.subarray(0, CRC_OFFSET)));
  return out;
}

export function decodeRecord(b: Bytes | undefined): RecordDecodeResult {
  if (!b) return { ok: false, reason: "no record" };
  if (b.length !== RECORD_LENGTH) return { ok: false, reason: `record length ${b.length}, expected ${RECORD_LENGTH}` };
  if (b[0] !== 0x4d || b[1] !== 0x50) return { ok: false, reason: "record magic mismatch" };
  if (b[2] !== RECORD_VERSION) return { ok: false, reason: `record version ${b[2]} not supported` };
  if (readU32BE(b, CRC_OFFSET) !== crc32(b.subarray(0, CRC_OFFSET)) || b[CRC_OFFSET + 4] !== 0) return { ok: false, reason: "record CRC mismatch" };
  const numberOfElements = b[3]!;
  if (numberOfElements < 1) return { ok: false, reason: "record holds no element" };
  const decoded = decodeProvisioningData(b.subarray(DATA_OFFSET, KEY_OFFSET), numberOfElements);
  if (!decoded.ok) return { ok: false, reason: "record holds invalid Provisioning Data: " + decoded.reason };
  return { ok: true, record: { numberOfElements, deviceKey: b.slice(KEY_OFFSET, CRC_OFFSET), data: decoded.data } };
}
