/**
 * Unicast address allocation for a provisioner (Mesh Protocol 1.1, 3.4.2.2: unicast addresses 0x0001-0x7FFF;
 * 5.4.2.5: a device's elements take Unicast Address .. Unicast Address + Number of Elements - 1).
 *
 * A device needs one address per element, and the provisioner learns the element count from its
 * Capabilities (5.4.1.2), so the range is allocated then, never before. The allocator never hands out
 * overlapping ranges; a range of a device that was not provisioned is released, and the ranges of devices
 * provisioned earlier (a provisioner's database) are reserved at start-up.
 *
 *   const a = new UnicastAllocator({ first: 0x0100 });
 *   a.reserve({ address: 0x0100, count: 2 });   // a device from the database
 *   const r = a.allocate(3);                       // { ok: true, range: { address: 0x0102, count: 3 } }
 *   a.release(r.range);                            // the device was not provisioned after all
 *
 * Portable, no state but the ranges it holds.
 */

import { UNICAST_FIRST, UNICAST_LAST, isUnicastAddress } from "./pdu.js";

/** The addresses of one device: `address` (its primary element) .. address + count - 1. */
export interface AddressRange {
  readonly address: number;
  readonly count: number;
}

export type AllocationResult = { ok: true; range: AddressRange } | { ok: false; reason: string };

export interface UnicastAllocatorOptions {
  /** The lowest address to hand out (default 0x0001). */
  first?: number;
  /** The highest address to hand out (default 0x7FFF). */
  last?: number;
}

function isAddress(a: unknown): a is number {
  return typeof a === "number" && isUnicastAddress(a);
}

export class UnicastAllocator {
  readonly first: number;
  readonly last: number;
  /** The ranges in use, sorted by address, never overlapping. */
  private readonly used: AddressRange[] = [];

  constructor(options: UnicastAllocatorOptions = {}) {
    const first = options.first ?? UNICAST_FIRST;
    const last = options.last ?? UNICAST_LAST;
    if (!isAddress(first) || !isAddress(last) || first > last) {
      throw new RangeError("UnicastAllocator: first and last must be unicast addresses (0x0001-0x7FFF), first <= last");
    }
    this.first = first;
    this.last = last;
  }

  /** The lowest free range of `count` (1..255: a device's element count) addresses, now in use. */
  allocate(count: number): AllocationResult {
    if (!Number.isInteger(count) || count < 1 || count > 255) return { ok: false, reason: `element count ${count} is not 1..255` };
    let candidate = this.first;
    let pos = 0;
    for (; pos < this.used.length; pos++) {
      const r = this.used[pos]!;
      if (candidate + count - 1 < r.address) break;
      candidate = Math.max(candidate, r.address + r.count);
    }
    if (candidate + count - 1 > this.last) {
      return { ok: false, reason: `no ${count} free consecutive unicast addresses in 0x${hex(this.first)}-0x${hex(this.last)}` };
    }
    const range = { address: candidate, count };
    this.used.splice(pos, 0, range);
    return { ok: true, range };
  }

  /** Mark `range` as in use (a device provisioned before). Refused when out of bounds or overlapping a range in use. */
  reserve(range: AddressRange): AllocationResult {
    const bad = this.check(range);
    if (bad) return { ok: false, reason: bad };
    const end = range.address + range.count - 1;
    let pos = 0;
    while (pos < this.used.length && this.used[pos]!.address < range.address) pos++;
    const before = this.used[pos - 1];
    const after = this.used[pos];
    if ((before && before.address + before.count > range.address) || (after && after.address <= end)) {
      return { ok: false, reason: `0x${hex(range.address)}-0x${hex(end)} overlaps addresses in use` };
    }
    const copy = { address: range.address, count: range.count };
    this.used.splice(pos, 0, copy);
    return { ok: true, range: copy };
  }

  /** Free the range that starts at `range.address` (a device not provisioned, or removed). False when none does. */
  release(range: AddressRange | number): boolean {
    const address = typeof range === "number" ? range : range?.address;
    const pos = this.used.map((r) => r.address).indexOf(address);
    if (pos < 0) return false;
    this.used.splice(pos, 1);
    return true;
  }

  /** The range in use that contains `address`, if any. (Not named find: the device engine leaves out
   * Array.prototype.find, and the firmware build refuses a module naming it: tools/fw/lean.mjs.) */
  rangeOf(address: number): AddressRange | undefined {
    for (const r of this.used) if (address >= r.address && address < r.address + r.count) return r;
    return undefined;
  }

  /** The ranges in use, by address. */
  get ranges(): AddressRange[] {
    return this.used.map((r) => ({ address: r.address, count: r.count }));
  }

  private check(range: AddressRange): string | null {
    if (!range || typeof range !== "object") return "a range { address, count } is needed";
    if (!isAddress(range.address)) return `address ${range.address} is not a unicast address`;
    if (!Number.isInteger(range.count) || range.count < 1 || range.count > 255) return `element count ${range.count} is not 1..255`;
    if (range.address < this.first || range.address + range.count - 1 > this.last) {
      return `0x${hex(range.address)}+${range.count} is outside 0x${hex(this.first)}-0x${hex(this.last)}`;
    }
    return null;
  }
}

function hex(a: number): string {
  return a.toString(16).padStart(4, "0");
}
