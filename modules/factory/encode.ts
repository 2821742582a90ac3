/**
 * The factory record's encoder (the layout: modules/factory/record.ts), for tools/fw/factory.mjs and the tests;
 * the device only decodes, so this stays out of its heap.
 */
import type { Bytes } from "../platform.js";
import { crc32 } from "../device/record.js";
import { writeU16BE, writeU32BE } from "../util/bytes.js";
import { FACTORY_RECORD_LENGTH, checkOob } from "./record.js";
import type { FactoryRecord } from "./record.js";

/** The record's 68 bytes. Throws RangeError for a value the record cannot hold. */
export function encodeFactoryRecord(r: FactoryRecord): Bytes {
  const out = new Uint8Array(FACTORY_RECORD_LENGTH);
  writeU32BE(out, 0, 0x4d464143); // "MFAC"
  out[4] = 1; // version
  out[5] = FACTORY_RECORD_LENGTH;
  let flags = 0;
  if (r.staticOob) {
    if (r.staticOob.length !== 16 && r.staticOob.length !== 32) throw new RangeError("factory record: the Static OOB value must be 16 or 32 bytes");
    flags |= 1;
    out[7] = r.staticOob.length;
    out.set(r.staticOob, 8);
  }
  if (r.uuid) {
    if (r.uuid.length !== 16) throw new RangeError("factory record: the UUID must be 16 bytes");
    flags |= 2;
    out.set(r.uuid, 40);
  }
  for (let input = 0; input < 2; input++) {
    const o = input ? r.input : r.output;
    if (!o) continue;
    const bad = checkOob(o, !!input);
    if (bad) throw new RangeError(`factory record: ${bad}`);
    flags |= input ? 8 : 4;
    out[input ? 59 : 56] = o.size;
    writeU16BE(out, input ? 60 : 57, o.action);
  }
  out[6] = flags;
  writeU32BE(out, 64, crc32(out.subarray(0, 64)));
  return out;
}

