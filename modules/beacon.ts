/**
 * Unprovisioned Device beacon (Mesh Protocol 1.1, 3.10.2), carried in the Mesh Beacon AD type (0x2B).
 *
 *   Beacon Type (1) = 0x00 | Device UUID (16) | OOB Information (2, big-endian) | URI Hash (4, optional)
 *
 * The codec works on the AD data only (without the AD length and AD type bytes).
 */
import type { Bytes } from "./platform.js";
import type { MeshCrypto } from "./crypto/mesh.js";
import { utf8Encode } from "./crypto/bytes.js";
import { readU16BE, writeU16BE } from "./util/bytes.js";

/** Beacon Type values (Mesh Protocol 1.1, 3.10, Beacon Type table). 0x03..0xFF are RFU. */
export const BeaconType = {
  UNPROVISIONED_DEVICE: 0x00,
  SECURE_NETWORK: 0x01,
  MESH_PRIVATE: 0x02,
} as const;

/**
 * OOB Information bits (Mesh Protocol 1.1, 3.10.2, Table 3.54): where the device's OOB information
 * (static OOB value, public key, URI, ...) can be found. Bits 9 and 10 are RFU.
 */
export const OOB_INFO = {
  /** Bit 0: Other. */
  OTHER: 1 << 0,
  /** Bit 1: Electronic / URI. */
  ELECTRONIC_URI: 1 << 1,
  /** Bit 2: 2D machine-readable code. */
  MACHINE_READABLE_2D_CODE: 1 << 2,
  /** Bit 3: Bar code. */
  BAR_CODE: 1 << 3,
  /** Bit 4: Near Field Communication (NFC). */
  NFC: 1 << 4,
  /** Bit 5: Number. */
  NUMBER: 1 << 5,
  /** Bit 6: String. */
  STRING: 1 << 6,
  /** Bit 7: Support for certificate-based provisioning. */
  CERTIFICATE_BASED_PROVISIONING: 1 << 7,
  /** Bit 8: Support for provisioning records. */
  PROVISIONING_RECORDS: 1 << 8,
  /** Bit 11: On box. */
  ON_BOX: 1 << 11,
  /** Bit 12: Inside box. */
  INSIDE_BOX: 1 << 12,
  /** Bit 13: On piece of paper. */
  ON_PIECE_OF_PAPER: 1 << 13,
  /** Bit 14: Inside manual. */
  INSIDE_MANUAL: 1 << 14,
  /** Bit 15: On device. */
  ON_DEVICE: 1 << 15,
} as const;

/** Length of the beacon without / with the URI Hash. */
export const UNPROVISIONED_BEACON_LENGTH = 19;
export const UNPROVISIONED_BEACON_WITH_URI_HASH_LENGTH = 23;

export interface UnprovisionedBeacon {
  /** Device UUID, 16 bytes. */
  uuid: Bytes;
  /** OOB Information, 16 bits (OOB_INFO bits). */
  oobInfo: number;
  /** URI Hash, 4 bytes, when the device advertises a URI. */
  uriHash?: Bytes;
}

export type DecodedBeacon =
  | { type: "unprovisioned"; uuid: Bytes; oobInfo: number; uriHash?: Bytes }
  | { type: "other"; beaconType: number; data: Bytes }
  | { type: "invalid"; reason: string };

/**
 * The Mesh Beacon AD data of an Unprovisioned Device beacon (19 bytes, or 23 with a URI Hash).
 * Throws RangeError on a bad argument (uuid not 16 bytes, oobInfo not a 16-bit integer, uriHash not 4 bytes):
 * those are the caller's bugs, never peer input.
 */
export function encodeUnprovisionedBeacon(beacon: UnprovisionedBeacon): Bytes {
  const { uuid, oobInfo, uriHash } = beacon;
  if (!(uuid instanceof Uint8Array) || uuid.length !== 16) throw new RangeError("beacon: Device UUID must be 16 bytes");
  if (!Number.isInteger(oobInfo) || oobInfo < 0 || oobInfo > 0xffff) throw new RangeError("beacon: OOB Information must be a 16-bit integer");
  if (uriHash !== undefined && (!(uriHash instanceof Uint8Array) || uriHash.length !== 4)) {
    throw new RangeError("beacon: URI Hash must be 4 bytes");
  }
  const out = new Uint8Array(uriHash ? UNPROVISIONED_BEACON_WITH_URI_HASH_LENGTH : UNPROVISIONED_BEACON_LENGTH);
  out[0] = BeaconType.UNPROVISIONED_DEVICE;
  out.set(uuid, 1);
  writeU16BE(out, 17, oobInfo);
  if (uriHash) out.set(uriHash, 19);
  return out;
}

/**
 * Decode Mesh Beacon AD data. Never throws: malformed data gives { type: "invalid", reason };
 * beacons other than the Unprovisioned Device beacon (Secure Network, Mesh Private, RFU types) give
 * { type: "other", beaconType, data } with `data` the bytes after the Beacon Type.
 * The returned arrays are copies.
 */
export function decodeBeacon(data: Bytes): DecodedBeacon {
  if (!(data instanceof Uint8Array)) return { type: "invalid", reason: "not a byte array" };
  if (data.length < 1) return { type: "invalid", reason: "empty beacon" };
  const beaconType = data[0];
  if (beaconType !== BeaconType.UNPROVISIONED_DEVICE) return { type: "other", beaconType, data: data.slice(1) };
  if (data.length !== UNPROVISIONED_BEACON_LENGTH && data.length !== UNPROVISIONED_BEACON_WITH_URI_HASH_LENGTH) {
    return { type: "invalid", reason: "Unprovisioned Device beacon of " + data.length + " bytes (expected 19 or 23)" };
  }
  const uuid = data.slice(1, 17);
  const oobInfo = readU16BE(data, 17);
  if (data.length === UNPROVISIONED_BEACON_WITH_URI_HASH_LENGTH) {
    return { type: "unprovisioned", uuid, oobInfo, uriHash: data.slice(19, 23) };
  }
  return { type: "unprovisioned", uuid, oobInfo };
}

/**
 * URI Hash (Mesh Protocol 1.1, 3.10.2): the first 4 bytes of s1(URI), where URI is the UTF-8 encoding of the
 * URI data exactly as advertised in the URI AD type (for a scheme with a code point, the data starts with that
 * code point, e.g. "\u0017//example.com" for "https://example.com").
 */
export function uriHash(crypto: MeshCrypto, uri: string): Bytes {
  return crypto.s1(utf8Encode(uri)).slice(0, 4);
}
