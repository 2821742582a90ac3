/**
 * The standalone provisioner's node table: the devices it provisioned (Device UUID, unicast range, element
 * count, DeviceKey), one record per node in the platform's power-loss-safe Storage (on the device: the record
 * store of native/storage/store.h, two flash pages), so that a restarted provisioner knows its network.
 *
 * Rules:
 * - A node's addresses are its primary element's Unicast Address .. + Number of Elements - 1 (Mesh Protocol
 *   1.1, 5.4.2.5); ranges never overlap (3.4.2.2), the table's UnicastAllocator hands them out and reserves
 *   the stored ones at load.
 * - The range is written to flash as a *pending* record before Provisioning Data goes out (the allocator is
 *   asked after the device's Capabilities, 5.4.1.2), and made *complete* with the DeviceKey (5.4.2.5) once the
 *   device sent Provisioning Complete. So a power loss at any moment never lets two devices get the same
 *   addresses: a pending record keeps its range reserved after a restart, until that same device (still
 *   unprovisioned: it beacons again, 3.10.2) is provisioned anew in its slot. A failed attempt keeps its pending
 *   record too: Provisioning Data may have reached the device even when its Complete did not come back (5.4.4).
 * - A complete node is never overwritten nor removed by the provisioner: a slot is written only when free or
 *   pending, and a node's record is rewritten only to record its configuration (configured, or refused: the
 *   provisioner-app's Configuration Client, 4.4.2), with the same UUID, range and DeviceKey. When every slot is
 *   taken, the table is full and allocation is refused.
 * - A record that does not decode (length, format, CRC, a range that is not unicast or overlaps another) is
 *   reported and skipped, never trusted; its slot is not reused (it may be a node whose record was damaged).
 *
 * Record (key "n.XX", XX the slot in two hex digits; NODE_RECORD_BYTES = 40, multi-octet fields big-endian):
 *   0 state (1 complete, 2 pending, 3 configured, 4 refused: a configuration status was not Success)  1 number of elements  2..3 unicast address  4..19 Device UUID
 *   20..35 DeviceKey (zero while pending)  36..39 CRC-32 (modules/device/record.ts crc32) of bytes 0..35
 *
 * Portable: Storage from modules/platform.ts, nothing else.
 */
import type { Bytes, Logger, Storage } from "../platform.js";
import { UnicastAllocator } from "../prov/addresses.js";
import type { AddressRange, AllocationResult } from "../prov/addresses.js";
import { crc32 } from "../device/record.js";
import { bytesToHex } from "../crypto/bytes.js";
import { readU32BE, writeU32BE } from "../util/bytes.js";

export const NODE_RECORD_BYTES = 40;
const STATE_COMPLETE = 1;
const STATE_PENDING = 2;
const STATE_CONFIGURED = 3;
const STATE_REFUSED = 4;
/** Slots are numbered 0..255 (two hex digits in the key). */
export const NODE_TABLE_MAX_SLOTS = 256;

export interface NodeEntry {
  readonly slot: number;
  readonly uuid: Bytes;
  readonly address: number;
  readonly elements: number;
  /** Absent while pending: Provisioning Data may have been sent, Complete was not seen (yet). */
  readonly deviceKey?: Bytes;
  /** A complete node's configuration: absent until done (then resumed after a restart), "configured" when every
   * step answered Success, "refused" when one answered another status (not tried again). */
  readonly configuration?: "configured" | "refused";
}

/** The configuration outcomes a node record keeps. */
export type NodeConfiguration = "configured" | "refused";

export interface NodeTableOptions {
  storage: Storage;
  /** At most this many nodes (complete and pending); see nodeTableCapacity(). 1..256. */
  capacity: number;
  /** The range handed out (default 0x0001..0x7FFF; the provisioner's own address goes in `reserved`). */
  first?: number;
  last?: number;
  /** Ranges that are not nodes of the table (the provisioner's own element). */
  reserved?: readonly AddressRange[];
  logger?: Logger;
}

/** A record that was skipped at load, and why. */
export interface SkippedRecord {
  slot: number;
  reason: string;
}

/**
 * The store's geometry (native/storage/store.h): a page header, and per record 12 bytes of header, the key and
 * value padded to a word, a CRC32 and a COMMIT word. Mirrors store.c rec_bytes(); checked against the C store by
 * host-tests/standalone (a table filled to this capacity on the C store's rules never gets "store full").
 */
export const STORE_PAGE_HEADER_BYTES = 16;
export function storeRecordBytes(keyLength: number, valueLength: number): number {
  return 12 + ((keyLength + valueLength + 3) & ~3) + 8;
}

/**
 * How many nodes fit in one store page (the store keeps all live records in one page, store.h) beside the
 * records in `otherRecords` (their key and value lengths), each node taking its own record and the records of
 * `perNodeRecords` (key and value lengths), with room left to rewrite the largest record (a pending node made
 * complete, a SEQ block: the store copies the live records, the old value included, then appends the new one).
 */
export function nodeTableCapacity(
  pageBytes: number,
  otherRecords: ReadonlyArray<readonly [number, number]> = [],
  perNodeRecords: ReadonlyArray<readonly [number, number]> = [],
): number {
  let free = pageBytes - STORE_PAGE_HEADER_BYTES;
  let perNode = storeRecordBytes(slotKey(0).length, NODE_RECORD_BYTES);
  let largest = perNode;
  for (const [k, v] of otherRecords) {
    const b = storeRecordBytes(k, v);
    free -= b;
    largest = Math.max(largest, b);
  }
  for (const [k, v] of perNodeRecords) {
    const b = storeRecordBytes(k, v);
    perNode += b;
    largest = Math.max(largest, b);
  }
  return Math.max(0, Math.min(NODE_TABLE_MAX_SLOTS, Math.floor((free - largest) / perNode)));
}

export function slotKey(slot: number): string {
  return "n." + slot.toString(16).padStart(2, "0");
}

function stateOf(e: NodeEntry): number {
  if (!e.deviceKey) return STATE_PENDING;
  return e.configuration === "configured" ? STATE_CONFIGURED : e.configuration === "refused" ? STATE_REFUSED : STATE_COMPLETE;
}

function encodeNode(e: NodeEntry): Bytes {
  const state = stateOf(e);
  const b = new Uint8Array(NODE_RECORD_BYTES);
  b[0] = state;
  b[1] = e.elements;
  b[2] = e.address >> 8;
  b[3] = e.address & 0xff;
  b.set(e.uuid, 4);
  if (e.deviceKey) b.set(e.deviceKey, 20);
  writeU32BE(b, 36, crc32(b.subarray(0, 36)));
  return b;
}

type Decoded = { ok: true; entry: NodeEntry } | { ok: false; reason: string };

function decodeNode(slot: number, b: Bytes): Decoded {
  if (!(b instanceof Uint8Array) || b.length !== NODE_RECORD_BYTES) return { ok: false, reason: `length ${b?.length} is not ${NODE_RECORD_BYTES}` };
  if (readU32BE(b, 36) !== crc32(b.subarray(0, 36))) return { ok: false, reason: "CRC mismatch" };
  const state = b[0]!;
  if (state < STATE_COMPLETE || state > STATE_REFUSED) return { ok: false, reason: `unknown state ${state}` };
  const elements = b[1]!;
  const address = (b[2]! << 8) | b[3]!;
  if (elements < 1) return { ok: false, reason: "no elements" };
  const entry: NodeEntry = {
    slot,
    uuid: b.slice(4, 20),
    address,
    elements,
    ...(state !== STATE_PENDING ? { deviceKey: b.slice(20, 36) } : {}),
    ...(state === STATE_CONFIGURED ? { configuration: "configured" as const } : state === STATE_REFUSED ? { configuration: "refused" as const } : {}),
  };
  return { ok: true, entry };
}

/**
 * The table's UnicastAllocator, given to the provisioning stack (ProvisioningOptions.addresses): the range it
 * hands out for the device being provisioned (`device`) is the table's pending record of that device.
 */
export class NodeAllocator extends UnicastAllocator {
  /** The device being provisioned now (one at a time). */
  device: Bytes | undefined;

  constructor(
    options: { first: number; last: number },
    private readonly table: NodeTable,
  ) {
    super(options);
  }

  override allocate(count: number): AllocationResult {
    if (!this.device) return { ok: false, reason: "no device is being provisioned" };
    return this.table.reserve(this.device, count);
  }

  /** The plain allocation (UnicastAllocator's), for the table itself. */
  allocateRange(count: number): AllocationResult {
    return super.allocate(count);
  }
}

export class NodeTable {
  readonly capacity: number;
  readonly allocator: NodeAllocator;
  /** Records skipped at load (reported once, through the logger and here). */
  readonly skipped: SkippedRecord[] = [];
  private readonly storage: Storage;
  private readonly logger: Logger | undefined;
  /** The records in use (complete and pending), as loaded or written; damaged slots are in `skipped`. Only the
   * slots in use take RAM (an XS array item is 16 bytes). */
  private readonly records: NodeEntry[] = [];

  constructor(options: NodeTableOptions) {
    const { storage, capacity } = options;
    if (!storage) throw new RangeError("NodeTable: storage is required");
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > NODE_TABLE_MAX_SLOTS) throw new RangeError(`NodeTable: capacity must be 1..${NODE_TABLE_MAX_SLOTS}`);
    this.storage = storage;
    this.capacity = capacity;
    this.logger = options.logger;
    this.allocator = new NodeAllocator({ first: options.first ?? 0x0001, last: options.last ?? 0x7fff }, this);
    for (const r of options.reserved ?? []) {
      const ok = this.allocator.reserve(r);
      if (!ok.ok) throw new RangeError("NodeTable: reserved range: " + ok.reason);
    }
    this.load();
  }

  /** Read every slot (0..capacity-1); damaged records are reported and skipped. */
  private load(): void {
    for (let slot = 0; slot < this.capacity; slot++) {
      let raw: Bytes | undefined;
      try {
        raw = this.storage.read(slotKey(slot));
      } catch (e) {
        this.skip(slot, "unreadable: " + (e instanceof Error ? e.message : String(e)));
        continue;
      }
      if (!raw) continue;
      const d = decodeNode(slot, raw);
      if (!d.ok) {
        this.skip(slot, d.reason);
        continue;
      }
      const r = this.allocator.reserve({ address: d.entry.address, count: d.entry.elements });
      if (!r.ok) {
        this.skip(slot, r.reason);
        continue;
      }
      this.records.push(d.entry);
    }
  }

  private skip(slot: number, reason: string): void {
    this.skipped.push({ slot, reason });
    this.logger?.log("warn", "nodes", `node record ${slotKey(slot)} skipped: ${reason}`);
  }

  /** The nodes provisioned (complete records), by slot. */
  get nodes(): NodeEntry[] {
    return this.records.filter((s) => s.deviceKey !== undefined);
  }

  /** Attempts interrupted before Complete (their ranges stay reserved). */
  get pending(): NodeEntry[] {
    return this.records.filter((s) => s.deviceKey === undefined);
  }

  /** Slots taken (complete, pending or damaged). */
  get used(): number {
    return this.records.length + this.skipped.length;
  }

  get full(): boolean {
    return this.freeSlot(undefined) < 0;
  }

  /** The complete node with this UUID. (No Array find/findIndex here: the device engine leaves them out.) */
  nodeOf(uuid: Bytes): NodeEntry | undefined {
    const hex = bytesToHex(uuid);
    for (const n of this.nodes) if (bytesToHex(n.uuid) === hex) return n;
    return undefined;
  }

  /** A slot for `uuid`: its own pending one, else the lowest free one; -1 when none. */
  private freeSlot(uuid: Bytes | undefined): number {
    if (uuid) {
      const own = this.pendingOf(uuid);
      if (own) return own.slot;
    }
    for (let slot = 0; slot < this.capacity; slot++) if (!this.taken(slot)) return slot;
    return -1;
  }

  private taken(slot: number): boolean {
    for (const e of this.records) if (e.slot === slot) return true;
    for (const s of this.skipped) if (s.slot === slot) return true;
    return false;
  }

  /**
   * Allocate `elements` addresses for `uuid` and write them as a pending record (before Provisioning Data is
   * sent). A pending record of the same device is replaced (its range released first). Refused when the table
   * is full, the device is already a node, no range is free, or the write fails.
   */
  reserve(uuid: Bytes, elements: number): AllocationResult {
    if (!(uuid instanceof Uint8Array) || uuid.length !== 16) return { ok: false, reason: "uuid must be 16 bytes" };
    if (this.nodeOf(uuid)) return { ok: false, reason: `device ${bytesToHex(uuid)} is already a node` };
    const slot = this.freeSlot(uuid);
    if (slot < 0) return { ok: false, reason: `the node table is full (${this.capacity} nodes)` };
    const old = this.pendingOf(uuid);
    if (old) this.allocator.release(old.address);
    const r = this.allocator.allocateRange(elements);
    if (!r.ok) {
      if (old) this.allocator.reserve({ address: old.address, count: old.elements });
      return r;
    }
    const entry: NodeEntry = { slot, uuid: uuid.slice(), address: r.range.address, elements };
    try {
      this.storage.write(slotKey(slot), encodeNode(entry));
    } catch (e) {
      // not written: the old pending record (if any) is still what flash holds
      this.allocator.release(r.range);
      if (old) this.allocator.reserve({ address: old.address, count: old.elements });
      return { ok: false, reason: "storing the node failed: " + (e instanceof Error ? e.message : String(e)) };
    }
    this.put(entry);
    return r;
  }

  /** Provisioning Complete: the pending record of `uuid` at `address` becomes the node, with its DeviceKey. */
  complete(uuid: Bytes, address: number, deviceKey: Bytes): NodeEntry {
    const entry = this.pendingOf(uuid);
    if (!entry || entry.address !== address) throw new RangeError(`no pending node ${bytesToHex(uuid)} at 0x${address.toString(16)}`);
    if (!(deviceKey instanceof Uint8Array) || deviceKey.length !== 16) throw new RangeError("deviceKey must be 16 bytes");
    const node: NodeEntry = { ...entry, deviceKey: deviceKey.slice() };
    // A failed write leaves the pending record (and its reserved range) on flash: never a lost range.
    this.storage.write(slotKey(entry.slot), encodeNode(node));
    this.put(node);
    return node;
  }

  /**
   * The node at `address` was configured (or refused a step): its record is rewritten with that outcome, the same
   * UUID, range and DeviceKey (one atomic write: a power loss leaves it unconfigured, and the configuration is
   * resumed). Throws when there is no such node or the write fails (the record stays as it was).
   */
  setConfiguration(address: number, outcome: NodeConfiguration): NodeEntry {
    const entry = this.nodeAt(address);
    if (!entry) throw new RangeError(`no node at 0x${address.toString(16)}`);
    const node: NodeEntry = { ...entry, configuration: outcome };
    this.storage.write(slotKey(entry.slot), encodeNode(node));
    this.put(node);
    return node;
  }

  /** The complete node whose primary address is `address`. */
  nodeAt(address: number): NodeEntry | undefined {
    for (const n of this.nodes) if (n.address === address) return n;
    return undefined;
  }

  /** Complete nodes whose configuration is not done (resumed at start). */
  get unconfigured(): NodeEntry[] {
    return this.nodes.filter((n) => n.configuration === undefined);
  }

  /** `entry` in its slot (replacing the slot's pending record, if any). */
  private put(entry: NodeEntry): void {
    const i = this.records.map((e) => e.slot).indexOf(entry.slot);
    if (i >= 0) this.records.splice(i, 1, entry);
    else this.records.push(entry);
  }

  private pendingOf(uuid: Bytes): NodeEntry | undefined {
    const hex = bytesToHex(uuid);
    for (const p of this.pending) if (bytesToHex(p.uuid) === hex) return p;
    return undefined;
  }
}
