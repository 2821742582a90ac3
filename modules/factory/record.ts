/**
 * The factory record: the per-unit values a product gets at production, written once into the device's
 * flash (nRF52840: the UICR customer registers, UICR.CUSTOMER[0..16] at 0x10001080; the Cortex-M4 twin: its
 * factory page at 0x00100000), read by the firmware entry at boot (native/xs/js/device-main.js). Written by
 * `node tools/fw/factory.mjs` with the encoder (modules/factory/encode.ts: not in the device's heap).
 * docs/firmware.md "Factory data".
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
import { readU16BE, readU32BE } from "../util/bytes.js";

// The offsets and flags are written as numbers, per the layout above: this module lives in the device's heap
// (the twin's is full), where each module-level constant would take a slot.
export const FACTORY_RECORD_LENGTH = 68;

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

/**
 * A reason the Output (`input` false) or Input OOB fields are not a valid Capabilities pair, or null. The action
 * bits defined by 5.4.1.2: Output OOB Action bits 0-4 (bits 5-15 RFU), Input OOB Action bits 0-3 (4-15 RFU).
 */
export function checkOob(o: FactoryOob, input: boolean): string | null {
  const what = input ? "Input OOB" : "Output OOB";
  const actions = (1 << ((input ? InputOobAction.InputAlphanumeric : OutputOobAction.OutputAlphanumeric) + 1)) - 1;
  if (!Number.isInteger(o.size) || o.size < 0 || o.size > MAX_OOB_SIZE) return `${what} Size must be 0..${MAX_OOB_SIZE}`;
  if (!Number.isInteger(o.action) || o.action < 0 || o.action & ~actions) return `${what} Action has RFU bits`;
  if ((o.size === 0) !== (o.action === 0)) return `${what} Size and Action must be both zero or both set`;
  return null;
}

/** Decodes the factory area's bytes (at least the record; what follows it is ignored). Never throws. */
export function decodeFactoryRecord(b: Bytes | undefined): FactoryDecodeResult {
  const n = b ? b.length : 0;
  if (!b || !n) return { ok: false, absent: true, reason: "no factory area" };
  // erased: every byte 0xFF, or every byte zero (a record's first byte is its magic's: the scan ends there; it runs
  // at each boot, where each typed array access costs the device hundreds of instructions)
  const first = b[0];
  if (first === 0xff || first === 0) {
    let i = 1;
    while (i < n && b[i] === first) i++;
    if (i === n) return { ok: false, absent: true, reason: "no factory record (erased)" };
  }
  let reason: string | null = null;
  const record: FactoryRecord = {};
  if (b.length < FACTORY_RECORD_LENGTH) reason = `${b.length} bytes, a record has ${FACTORY_RECORD_LENGTH}`;
  else if (readU32BE(b, 0) !== 0x4d464143) reason = "bad magic";
  else if (b[4] !== 1) reason = `version ${b[4]} (this firmware reads version 1)`;
  else if (b[5] !== FACTORY_RECORD_LENGTH) reason = `length ${b[5]}, expected ${FACTORY_RECORD_LENGTH}`;
  else if (readU32BE(b, 64) !== crc32(b.subarray(0, 64))) reason = "CRC mismatch";
  else if (b[6]! & 0xf0 || b[62] || b[63]) reason = "reserved bits set";
  else if (b[6]! & 1) {
    if (b[7] === 16 || b[7] === 32) record.staticOob = b.slice(8, 8 + b[7]);
    else reason = `Static OOB length ${b[7]} (16 or 32)`;
  } else if (b[7]) reason = "Static OOB length without its flag";
  if (!reason && b[6]! & 2) record.uuid = b.slice(40, 56);
  for (let input = 0; input < 2 && !reason; input++) {
    if (!(b[6]! & (input ? 8 : 4))) continue;
    const o = { size: b[input ? 59 : 56]!, action: readU16BE(b, input ? 60 : 57) };
    reason = checkOob(o, !!input);
    if (input) record.input = o;
    else record.output = o;
  }
  return reason ? { ok: false, absent: false, reason } : { ok: true, record };
}
