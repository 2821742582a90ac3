/**
 * The node's storage records: each a small versioned byte record with a CRC-32, written atomically through
 * the platform's Storage (a crash leaves the old or the new value, never a mix).
 *
 *   kind(1) version(1)=1 | tag(4) | body ... | CRC-32 of everything before it (4)
 *
 * `tag` binds the record to one provisioning: it is the CRC-32 of the provisioning record's bytes. After a
 * Node Reset (which removes the provisioning record first) or a new provisioning, records left behind by
 * an interrupted reset carry the old tag and are ignored, so a half-finished reset can never leak state
 * into the next life of the node. A record whose CRC, kind, version or tag does not match is treated as
 * absent and reported, never trusted.
 */
import type { Bytes, Storage } from "../platform.js";
import { crc32 } from "../device/record.js";

export const RECORD_FORMAT_VERSION = 1;

/** Little helpers to build and read record bodies (big-endian). */
export class ByteWriter {
  private readonly parts: number[] = [];
  u8(v: number): this {
    this.parts.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.u8(v >> 8).u8(v);
  }
  u24(v: number): this {
    return this.u8(v >>> 16).u8(v >>> 8).u8(v);
  }
  u32(v: number): this {
    return this.u8(v >>> 24).u8(v >>> 16).u8(v >>> 8).u8(v);
  }
  bytes(b: Bytes): this {
    for (let i = 0; i < b.length; i++) this.parts.push(b[i]!);
    return this;
  }
  done(): Bytes {
    return Uint8Array.from(this.parts);
  }
}

/** Reads a body; every read past the end throws RangeError (the record is then rejected as corrupt). */
export class ByteReader {
  private o = 0;
  constructor(private readonly b: Bytes) {}
  private need(n: number): void {
    if (this.o + n > this.b.length) throw new RangeError("record body too short");
  }
  u8(): number {
    this.need(1);
    return this.b[this.o++]!;
  }
  u16(): number {
    return (this.u8() << 8) | this.u8();
  }
  u24(): number {
    return (this.u8() << 16) | this.u16();
  }
  u32(): number {
    return ((this.u8() << 24) | this.u24()) >>> 0;
  }
  bytes(n: number): Bytes {
    this.need(n);
    const out = this.b.slice(this.o, this.o + n);
    this.o += n;
    return out;
  }
  get remaining(): number {
    return this.b.length - this.o;
  }
  end(): void {
    if (this.o !== this.b.length) throw new RangeError("record body too long");
  }
}

export function sealRecord(kind: number, tag: number, body: Bytes): Bytes {
  const out = new ByteWriter().u8(kind).u8(RECORD_FORMAT_VERSION).u32(tag).bytes(body).done();
  const crc = crc32(out);
  return new ByteWriter().bytes(out).u32(crc).done();
}

/** The body, or a reason why the stored bytes are not a valid record of this kind for this provisioning. */
export function openRecord(kind: number, tag: number, stored: Bytes): Bytes | string {
  if (stored.length < 10) return "record too short";
  const n = stored.length - 4;
  const crc = ((stored[n]! << 24) | (stored[n + 1]! << 16) | (stored[n + 2]! << 8) | stored[n + 3]!) >>> 0;
  if (crc !== crc32(stored.subarray(0, n))) return "record CRC mismatch";
  if (stored[0] !== kind) return "record of another kind";
  if (stored[1] !== RECORD_FORMAT_VERSION) return `record version ${stored[1]} not supported`;
  const t = ((stored[2]! << 24) | (stored[3]! << 16) | (stored[4]! << 8) | stored[5]!) >>> 0;
  if (t !== tag) return "stale record of an earlier provisioning";
  return stored.slice(6, n);
}

/** Raised when Storage refuses a write (flash full, power lost during the write). */
export class StorageWriteError extends Error {
  constructor(key: string, cause: unknown) {
    super(`storage write of "${key}" failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "StorageWriteError";
  }
}

/** The node's view of Storage: sealed records under fixed keys, and a count of writes (for the wear figures). */
export class RecordStore {
  /** Writes done through this store (each is one flash record write on the device). */
  writes = 0;
  constructor(
    readonly storage: Storage,
    readonly tag: number,
    private readonly onCorrupt?: (key: string, reason: string) => void,
  ) {}

  /** Body of a record, or undefined when absent or invalid (invalid ones are reported through onCorrupt, stale ones silently ignored). */
  load(key: string, kind: number): Bytes | undefined {
    let stored: Bytes | undefined;
    try {
      stored = this.storage.read(key);
    } catch (e) {
      this.onCorrupt?.(key, "read failed: " + (e instanceof Error ? e.message : String(e)));
      return undefined;
    }
    if (!stored) return undefined;
    const body = openRecord(kind, this.tag, stored);
    if (typeof body === "string") {
      if (!body.startsWith("stale")) this.onCorrupt?.(key, body);
      return undefined;
    }
    return body;
  }

  /** Writes a record; throws StorageWriteError when the storage refuses (the old value stays). */
  save(key: string, kind: number, body: Bytes): void {
    const sealed = sealRecord(kind, this.tag, body);
    try {
      this.storage.write(key, sealed);
    } catch (e) {
      throw new StorageWriteError(key, e);
    }
    this.writes++;
  }

  remove(key: string): void {
    this.storage.remove(key);
  }
}

/** Record kinds and keys. */
export const RecordKind = Object.freeze({ NET: 1, KEYS: 2, CONFIG: 3, MODELS: 4, RPL: 5 } as const);
export const RecordKey = Object.freeze({ NET: "mesh.net", KEYS: "mesh.keys", CONFIG: "mesh.cfg", MODELS: "mesh.models", RPL_PREFIX: "mesh.rpl." } as const);
