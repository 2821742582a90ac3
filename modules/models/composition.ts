/**
 * Composition Data page 0 (Mesh Protocol 1.1, 4.2.2.1) and the identity of our products.
 */
import type { Bytes } from "../platform.js";

/**
 * Our Company Identifier (CID, 4.2.2.1; Bluetooth Assigned Numbers, Company Identifiers). We have no assigned
 * identifier yet: 0xFFFF is the value the SIG reserves for tests before one is assigned. Replace it here (the
 * only place) when the SIG assigns ours; it must not ship in a product.
 */
export const COMPANY_ID = 0xffff;

/** Our Product Identifiers (PID, vendor-assigned) and the firmware version (VID, vendor-assigned). */
export const PRODUCT_ID = Object.freeze({ light: 0x0001, switch: 0x0002 } as const);
/** VID: major << 8 | minor of the firmware (0.1). */
export const VERSION_ID = 0x0001;

/** Features bits of Composition Data page 0 (4.2.2.1, Table 4.3). */
export const FeatureBit = Object.freeze({ Relay: 1 << 0, GattProxy: 1 << 1, Friend: 1 << 2, LowPower: 1 << 3 } as const);

export interface VendorModelId {
  companyId: number;
  modelId: number;
}

export interface CompositionElement {
  /** Location descriptor (GATT Namespace Descriptor; 0x0000 unknown). */
  location: number;
  sigModels: readonly number[];
  vendorModels: readonly VendorModelId[];
}

export interface CompositionPage0 {
  cid: number;
  pid: number;
  vid: number;
  /** CRPL: the minimum number of replay protection list entries. */
  crpl: number;
  features: number;
  elements: readonly CompositionElement[];
}

/** Encode Composition Data page 0 (4.2.2.1): CID, PID, VID, CRPL, Features, then each element. */
export function encodeCompositionPage0(c: CompositionPage0): Bytes {
  const out: number[] = [];
  const put16 = (v: number): void => {
    out.push(v & 0xff, (v >> 8) & 0xff);
  };
  put16(c.cid);
  put16(c.pid);
  put16(c.vid);
  put16(c.crpl);
  put16(c.features);
  for (const e of c.elements) {
    if (e.sigModels.length > 255 || e.vendorModels.length > 255) throw new RangeError("composition: at most 255 models of each kind per element");
    put16(e.location);
    out.push(e.sigModels.length, e.vendorModels.length);
    for (const m of e.sigModels) put16(m);
    for (const m of e.vendorModels) {
      put16(m.companyId);
      put16(m.modelId);
    }
  }
  return Uint8Array.from(out);
}

/** Decode Composition Data page 0; null when the bytes do not parse (truncated element, trailing octets). */
export function decodeCompositionPage0(b: Bytes): CompositionPage0 | null {
  if (b.length < 10) return null;
  const u16 = (o: number): number => b[o]! | (b[o + 1]! << 8);
  const elements: CompositionElement[] = [];
  let o = 10;
  while (o < b.length) {
    if (b.length - o < 4) return null;
    const location = u16(o);
    const numS = b[o + 2]!;
    const numV = b[o + 3]!;
    o += 4;
    if (b.length - o < numS * 2 + numV * 4) return null;
    const sigModels: number[] = [];
    for (let i = 0; i < numS; i++, o += 2) sigModels.push(u16(o));
    const vendorModels: VendorModelId[] = [];
    for (let i = 0; i < numV; i++, o += 4) vendorModels.push({ companyId: u16(o), modelId: u16(o + 2) });
    elements.push({ location, sigModels, vendorModels });
  }
  return { cid: u16(0), pid: u16(2), vid: u16(4), crpl: u16(6), features: u16(8), elements };
}
