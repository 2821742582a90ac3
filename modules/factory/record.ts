/**
 * The factory record: the per-unit values a product gets at production, written once into the device's
 * flash (nRF52840: the UICR customer registers, UICR.CUSTOMER[0..16] at 0x10001080; the Cortex-M4 twin: its
 * factory page at 0x00100000), read by the firmware entry at boot (native/xs/js/device-main.js). Written by
 * `node tools/fw/factory.mjs`. docs/firmware.md "Factory data".
 *
 * Layout (FACTORY_RECORD_LENGTH = 68 bytes, multi-octet fields big-endian as in the Provisioning PDUs):
 *   offset  0  'M' 'F' 'A' 'C'               magic (4)
 *   offset  4  version = 1                   (1)
 *   offset  5  length = 68                   (1)
 *   offset  6  flags                         (1): bit 0 Static OOB, bit 1 UUID, bit 2 Output OOB, bit 3 Input OOB;
 *                                                 bits 4-7 zero
 *   offset  7  Static OOB length             (1): 16 or 32 with bit 0, else 0
 *   offset  8  Static OOB value              (32, zero after its length; Mesh Protocol 1.1, 5.4.2.4)
 *   offset 40  Device UUID                   (16, zero without bit 1; 3.11.3 Unprovisioned Device beacon)
 *   offset 56  Output OOB Size, Action       (1 + 2, zero without bit 2; the Capabilities fields, 5.4.1.2)
 *   offset 59  Input OOB Size, Action        (1 + 2, zero without bit 3; 5.4.1.2)
 *   offset 62  reserved, zero                (2)
 *   offset 64  CRC-32 (IEEE 802.3) of bytes 0..63 (4)
 * A field whose flag is clear keeps the build's default (the manifest's defines, the FICR-derived UUID, the
 * kind's OOB methods). A record that is absent (erased: all 0xFF, or all zero) or corrupt (magic, version,
 * length, CRC, a reserved bit or byte, an RFU action bit, a size out of range) gives no value: the caller
 * logs why and keeps the defaults.
 */
import type { Bytes } from "../platform.js";
import { InputOobAction, MAX_OOB_SIZE, OutputOobAction } from "../prov/pdu.js";
import { crc32 } from "../device/record.js";
import { readU16BE, readU32BE, writeU16BE, writeU32BE } from "../util/bytes.js";

export const FACTORY_RECORD_VERSION = 1;
export const FACTORY_RECORD_LENGTH = 68;
const MAGIC = [0x4d, 0x46, 0x41, 0x43]; // "MFAC"
const FLAG_STATIC = 1;
const FLAG_UUID = 2;
const FLAG_OUTPUT = 4;
const FLAG_INPUT = 8;
const STATIC_OFFSET = 8;
const UUID_OFFSET = 40;
const OUTPUT_OFFSET = 56;
const INPUT_OFFSET = 59;
const CRC_OFFSET = 64;
// Action bits defined by 5.4.1.2 (Output OOB Action bits 5-15, Input OOB Action bits 4-15 are RFU)
const OUTPUT_ACTIONS = (1 << (OutputOobAction.OutputAlphanumeric + 1)) - 1;
const INPUT_ACTIONS = (1 << (InputOobAction.InputAlphanumeric + 1)) - 1;

/** One OOB method's Capabilities fields (5.4.1.2): Size 0 (with Action 0) means not supported. */
export interface FactoryOob {
  size: number;
  action: number;
}

export interface FactoryRecord {
  /** Static OOB value, 16 or 32 bytes (5.4.2.4). */
  staticOob?: Bytes;
  /** Device UUID, 16 bytes. */
  uuid?: Bytes;
  /** Output OOB Size and Action bit field. */
  output?: FactoryOob;
  /** Input OOB Size and Action bit field. */
  input?: FactoryOob;
}

export type FactoryDecodeResult = { ok: true; record: FactoryRecord } | { ok: false; absent: boolean; reason: string };

/** A reason the OOB fields are not a valid Capabilities pair, or null. */
function checkOob(o: FactoryOob, actions: number, what: string): string | null {
  if (!Number.isInteger(o.size) || o.size < 0 || o.size > MAX_OOB_SIZE) return `${what} Size must be 0..${MAX_OOB_SIZE}`;
  if (!Number.isInteger(o.action) || o.action < 0 || o.action & ~actions) return `${what} Action has RFU bits`;
  if ((o.size === 0) !== (o.action === 0)) return `${what} Size and Action must be both zero or both set`;
  return null;
}

/** The record's 68 bytes. Throws RangeError for a value the record cannot hold. */
export function encodeFactoryRecord(r: FactoryRecord): Bytes {
  const out = new Uint8Array(FACTORY_RECORD_LENGTH);
  out.set(MAGIC, 0);
  out[4] = FACTORY_RECORD_VERSION;
  out[5] = FACTORY_RECORD_LENGTH;
  let flags = 0;
  if (r.staticOob) {
    if (r.staticOob.length !== 16 && r.staticOob.length !== 32) throw new RangeError("factory record: the Static OOB value must be 16 or 32 bytes");
    flags |= FLAG_STATIC;
    out[7] = r.staticOob.length;
    out.set(r.staticOob, STATIC_OFFSET);
  }
  if (r.uuid) {
    if (r.uuid.length !== 16) throw new RangeError("factory record: the UUID must be 16 bytes");
    flags |= FLAG_UUID;
    out.set(r.uuid, UUID_OFFSET);
  }
  for (const [o, flag, offset, actions, what] of [
    [r.output, FLAG_OUTPUT, OUTPUT_OFFSET, OUTPUT_ACTIONS, "Output OOB"],
    [r.input, FLAG_INPUT, INPUT_OFFSET, INPUT_ACTIONS, "Input OOB"],
  ] as const) {
    if (!o) continue;
    const bad = checkOob(o, actions, what);
    if (bad) throw new RangeError(`factory record: ${bad}`);
    flags |= flag;
    out[offset] = o.size;
    writeU16BE(out, offset + 1, o.action);
  }
  out[6] = flags;
  writeU32BE(out, CRC_OFFSET, crc32(out.subarray(0, CRC_OFFSET)));
  return out;
}

/** Decodes the factory area's bytes (at least the record; what follows it is ignored). Never throws. */
export function decodeFactoryRecord(b: Bytes | undefined): FactoryDecodeResult {
  if (!b || !b.length) return { ok: false, absent: true, reason: "no factory area" };
  let ones = 0;
  let zeros = 0;
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 0xff) ones++;
    else if (b[i] === 0) zeros++;
  }
  if (ones === b.length || zeros === b.length) return { ok: false, absent: true, reason: "no factory record (erased)" };
  const bad = (reason: string): FactoryDecodeResult => ({ ok: false, absent: false, reason });
  if (b.length < FACTORY_RECORD_LENGTH) return bad(`${b.length} bytes, a record has ${FACTORY_RECORD_LENGTH}`);
  for (let i = 0; i < 4; i++) if (b[i] !== MAGIC[i]) return bad("bad magic");
  if (b[4] !== FACTORY_RECORD_VERSION) return bad(`version ${b[4]} (this firmware reads version ${FACTORY_RECORD_VERSION})`);
  if (b[5] !== FACTORY_RECORD_LENGTH) return bad(`length ${b[5]}, expected ${FACTORY_RECORD_LENGTH}`);
  if (readU32BE(b, CRC_OFFSET) !== crc32(b.subarray(0, CRC_OFFSET))) return bad("CRC mismatch");
  const flags = b[6]!;
  if (flags & 0xf0 || b[62] || b[63]) return bad("reserved bits set");
  const record: FactoryRecord = {};
  const staticLength = b[7]!;
  if (flags & FLAG_STATIC) {
    if (staticLength !== 16 && staticLength !== 32) return bad(`Static OOB length ${staticLength} (16 or 32)`);
    record.staticOob = b.slice(STATIC_OFFSET, STATIC_OFFSET + staticLength);
  } else if (staticLength) return bad("Static OOB length without its flag");
  if (flags & FLAG_UUID) record.uuid = b.slice(UUID_OFFSET, UUID_OFFSET + 16);
  for (const [key, flag, offset, actions, what] of [
    ["output", FLAG_OUTPUT, OUTPUT_OFFSET, OUTPUT_ACTIONS, "Output OOB"],
    ["input", FLAG_INPUT, INPUT_OFFSET, INPUT_ACTIONS, "Input OOB"],
  ] as const) {
    if (!(flags & flag)) continue;
    const o = { size: b[offset]!, action: readU16BE(b, offset + 1) };
    const why = checkOob(o, actions, what);
    if (why) return bad(why);
    record[key] = o;
  }
  return { ok: true, record };
}
