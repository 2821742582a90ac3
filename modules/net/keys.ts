/**
 * Keys and addresses of the node's layers derived with the mesh crypto functions (Mesh Protocol 1.1, 3.9.6
 * and 3.4.2.3). Kept apart from modules/crypto/mesh.ts, so a provisioning-only image does not carry them.
 */
import type { MeshCrypto } from "../crypto/mesh.js";
import type { Bytes } from "../platform.js";
import { CryptoError } from "../platform.js";

const ascii = (s: string): Bytes => Uint8Array.from(s, (c) => c.charCodeAt(0));

function need(what: string, b: Bytes, length: number): void {
  if (!(b instanceof Uint8Array) || b.length !== length) throw new CryptoError(`${what} must be ${length} bytes`);
}

/** BeaconKey = k1(NetKey, s1("nkbk"), "id128" || 0x01) (3.9.6.3.5): authenticates Secure Network beacons. */
export function beaconKey(mc: MeshCrypto, netKey: Bytes): Bytes {
  need("NetKey", netKey, 16);
  return mc.k1(netKey, mc.s1(ascii("nkbk")), ascii("id128\x01"));
}

/** Virtual address of a Label UUID (3.4.2.3): 0b10 || the low 14 bits of AES-CMAC_SALT(Label), SALT = s1("vtad"). */
export function virtualAddress(mc: MeshCrypto, label: Bytes): number {
  need("Label UUID", label, 16);
  const h = mc.primitives.aesCmac(mc.s1(ascii("vtad")), label);
  return 0x8000 | (((h[14]! << 8) | h[15]!) & 0x3fff);
}
