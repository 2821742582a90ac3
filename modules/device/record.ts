/**
 * The provisioning record a device keeps in storage, so that a restarted device comes back provisioned:
 * what Provisioning Data delivered (Mesh Protocol 1.1, 5.4.2.5) plus the DeviceKey and the element count.
 *
 * Layout (big-endian, 50 bytes):
 *   'M' 'P'  version(1)=1  numberOfElements(1)
 *   NetKey(16)  KeyIndex(2)  Flags(1)  IVIndex(4)  UnicastAddress(2)  DeviceKey(16)
 *   CRC-32 (IEEE 802.3, of everything before it)(4)
 * A record that is short, long, of another version, or whose CRC does not match is rejected, never trusted.
 */
import type { Bytes } from "../platform.js";
import type { ProvisioningData } from "../prov/pdu.js";
import { isUnicastAddress } from "../prov/pdu.js";

export const RECORD_VERSION = 1;
export const RECORD_LENGTH = 50;

export interface ProvisioningRecord {
  data: ProvisioningData;
  deviceKey: Bytes;
  numberOfElements: number;
}

export type RecordDecodeResult = { ok: true; record: ProvisioningRecord } | { ok: false; reason: string };

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, init and final XOR 0xFFFFFFFF). */
export function crc32(data: Bytes): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export function encodeRecord(r: ProvisioningRecord): Bytes {
  const d = r.data;
  if (d.networkKey.length !== 16 || r.deviceKey.length !== 16) throw new RangeError("record: keys must be 16 bytes");
  if (!isUnicastAddress(d.unicastAddress)) throw new RangeError("record: unicastAddress must be a unicast address");
  if (!Number.isInteger(r.numberOfElements) || r.numberOfElements < 1 || r.numberOfElements > 255) throw new RangeError("record: numberOfElements must be 1..255");
  const out = new Uint8Array(RECORD_LENGTH);
  out[0] = 0x4d;
  out[1] = 0x50;
  out[2] = RECORD_VERSION;
  out[3] = r.numberOfElements;
  out.set(d.networkKey, 4);
  out[20] = (d.keyIndex >> 8) & 0xff;
  out[21] = d.keyIndex & 0xff;
  out[22] = (d.flags.keyRefresh ? 1 : 0) | (d.flags.ivUpdate ? 2 : 0);
  out[23] = (d.ivIndex >>> 24) & 0xff;
  out[24] = (d.ivIndex >>> 16) & 0xff;
  out[25] = (d.ivIndex >>> 8) & 0xff;
  out[26] = d.ivIndex & 0xff;
  out[27] = (d.unicastAddress >> 8) & 0xff;
  out[28] = d.unicastAddress & 0xff;
  out.set(r.deviceKey, 29);
  const crc = crc32(out.subarray(0, 45));
  out[45] = (crc >>> 24) & 0xff;
  out[46] = (crc >>> 16) & 0xff;
  out[47] = (crc >>> 8) & 0xff;
  out[48] = crc & 0xff;
  // out[49]: reserved, 0.
  return out;
}

export function decodeRecord(b: Bytes | undefined): RecordDecodeResult {
  if (!b) return { ok: false, reason: "no record" };
  if (b.length !== RECORD_LENGTH) return { ok: false, reason: `record length ${b.length}, expected ${RECORD_LENGTH}` };
  if (b[0] !== 0x4d || b[1] !== 0x50) return { ok: false, reason: "record magic mismatch" };
  if (b[2] !== RECORD_VERSION) return { ok: false, reason: `record version ${b[2]} not supported` };
  const crc = ((b[45]! << 24) | (b[46]! << 16) | (b[47]! << 8) | b[48]!) >>> 0;
  if (crc !== crc32(b.subarray(0, 45)) || b[49] !== 0) return { ok: false, reason: "record CRC mismatch" };
  const unicastAddress = (b[27]! << 8) | b[28]!;
  const numberOfElements = b[3]!;
  if (!isUnicastAddress(unicastAddress) || numberOfElements < 1) return { ok: false, reason: "record holds an invalid address" };
  return {
    ok: true,
    record: {
      numberOfElements,
      deviceKey: b.slice(29, 45),
      data: {
        networkKey: b.slice(4, 20),
        keyIndex: (b[20]! << 8) | b[21]!,
        flags: { keyRefresh: (b[22]! & 1) !== 0, ivUpdate: (b[22]! & 2) !== 0 },
        ivIndex: ((b[23]! << 24) | (b[24]! << 16) | (b[25]! << 8) | b[26]!) >>> 0,
        unicastAddress,
      },
    },
  };
}
