/**
 * The air protocol (docs/air-protocol.md): length-prefixed binary frames between the AirHub and remote radios.
 *
 * Frame: u16 big-endian length L (the bytes that follow: 1 type byte + body, so L >= 1), u8 message type, body.
 * Every multi-byte integer is big-endian; f64 is an IEEE-754 binary64 in big-endian byte order; times and
 * durations are milliseconds. Decoding checks every size and value and throws ProtocolError.
 */
import type { Bytes } from "../../modules/platform.js";

export const PROTOCOL_VERSION = 1;

/** Largest body (after the type byte) any message can have; longer frames are malformed. */
export const MAX_BODY = 512;

export const MsgType = {
  HELLO: 0x01,
  ADVERTISE: 0x02,
  CANCEL: 0x03,
  SCAN: 0x04,
  WAIT_UNTIL: 0x05,
  BYE: 0x06,
  MARK: 0x07,
  WELCOME: 0x81,
  ADV_DONE: 0x82,
  RX: 0x83,
  TIME: 0x84,
  ERROR: 0x85,
  HUB_BYE: 0x86,
} as const;

export const ErrorCode = {
  /** A frame whose size or fields are wrong for its type. */
  MALFORMED: 1,
  /** An unknown message type. */
  UNKNOWN_TYPE: 2,
  /** A message not allowed now (anything before HELLO, a second HELLO, a hub message sent by a client). */
  UNEXPECTED: 3,
  /** HELLO with a protocol version the hub does not speak. */
  VERSION: 4,
  /** HELLO with a name another radio already has. */
  NAME_IN_USE: 5,
  /** A well-formed message with a bad value (data too long, count 0, duplicate id, NaN time...). */
  BAD_ARGUMENT: 6,
  /** The hub is shutting down. */
  SHUTDOWN: 7,
} as const;

export class ProtocolError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = "ProtocolError";
  }
}

export type Message =
  | {
      kind: "hello";
      version: number;
      name: string;
      /** 6 bytes, most significant first, or null: the hub picks a static random address. */
      address: Bytes | null;
      /** 0: the hub's default. */
      scanIntervalMs: number;
      /** 0: equal to the scan interval. */
      scanWindowMs: number;
    }
  | { kind: "advertise"; id: number; adType: number; count: number; intervalMs: number; data: Bytes }
  | { kind: "cancel"; id: number }
  | { kind: "scan"; on: boolean }
  | { kind: "waitUntil"; time: number; wakes: number }
  | { kind: "bye" }
  /** The client wrote line `mark N` on its side channel (e.g. stdout): hold time until the hub's owner has read it. */
  | { kind: "mark"; mark: number }
  | { kind: "welcome"; version: number; mode: "virtual" | "real"; now: number; address: Bytes }
  | { kind: "advDone"; id: number; time: number }
  | { kind: "rx"; time: number; rssi: number; channel: number; adType: number; data: Bytes }
  | { kind: "time"; time: number }
  | { kind: "error"; code: number; message: string }
  | { kind: "hubBye" };

// Minimal UTF-8 (no TextEncoder dependency needed on Node either, but keep it explicit and total).
export function utf8Encode(s: string): Uint8Array {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

/**
 * Strict UTF-8 decoding, byte-exact: invalid sequences are refused (ProtocolError MALFORMED) and a leading
 * byte order mark is kept as U+FEFF (TextDecoder strips it by default), so utf8Encode(utf8Decode(b)) is b.
 */
export function utf8Decode(b: Bytes): string {
  const td = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  try {
    return td.decode(b);
  } catch {
    throw new ProtocolError(ErrorCode.MALFORMED, "name is not valid UTF-8");
  }
}

/**
 * A radio name (or any client-given text) for a log line or an error message: quoted, with every control
 * character (C0, DEL, C1), the byte order mark, line/paragraph separators and bidirectional controls escaped
 * as \u{...} (and \\, \" escaped), so a name can neither break a log line nor hide in it.
 */
export function printable(text: string): string {
  let out = '"';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (ch === "\\" || ch === '"') out += "\\" + ch;
    else if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c === 0xfeff || c === 0x2028 || c === 0x2029 || (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || (c >= 0xd800 && c <= 0xdfff))
      out += "\\u{" + c.toString(16) + "}";
    else out += ch;
  }
  return out + '"';
}

class Writer {
  private buf = new Uint8Array(64);
  private view = new DataView(this.buf.buffer);
  len = 0;
  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const b = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    b.set(this.buf);
    this.buf = b;
    this.view = new DataView(b.buffer);
  }
  u8(v: number): this {
    this.room(1);
    this.view.setUint8(this.len, v);
    this.len += 1;
    return this;
  }
  i8(v: number): this {
    this.room(1);
    this.view.setInt8(this.len, v);
    this.len += 1;
    return this;
  }
  u16(v: number): this {
    this.room(2);
    this.view.setUint16(this.len, v);
    this.len += 2;
    return this;
  }
  u32(v: number): this {
    this.room(4);
    this.view.setUint32(this.len, v);
    this.len += 4;
    return this;
  }
  f64(v: number): this {
    this.room(8);
    this.view.setFloat64(this.len, v);
    this.len += 8;
    return this;
  }
  bytes(b: Bytes): this {
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }
  /** The frame: length prefix, then everything written. */
  frame(): Uint8Array {
    const out = new Uint8Array(2 + this.len);
    out[0] = this.len >> 8;
    out[1] = this.len & 0xff;
    out.set(this.buf.subarray(0, this.len), 2);
    return out;
  }
}

function clampInt8(v: number): number {
  return Math.max(-128, Math.min(127, Math.round(v)));
}

/** Encode one message as a whole frame (length prefix included). */
export function encode(m: Message): Uint8Array {
  const w = new Writer();
  switch (m.kind) {
    case "hello": {
      const name = utf8Encode(m.name);
      w.u8(MsgType.HELLO).u8(m.version).u8(m.address ? 1 : 0);
      w.bytes(m.address ?? new Uint8Array(6));
      w.f64(m.scanIntervalMs).f64(m.scanWindowMs).u8(name.length).bytes(name);
      break;
    }
    case "advertise":
      w.u8(MsgType.ADVERTISE).u32(m.id).u8(m.adType).u16(m.count).f64(m.intervalMs).u8(m.data.length).bytes(m.data);
      break;
    case "cancel":
      w.u8(MsgType.CANCEL).u32(m.id);
      break;
    case "scan":
      w.u8(MsgType.SCAN).u8(m.on ? 1 : 0);
      break;
    case "waitUntil":
      w.u8(MsgType.WAIT_UNTIL).f64(m.time).u32(m.wakes >>> 0);
      break;
    case "bye":
      w.u8(MsgType.BYE);
      break;
    case "mark":
      w.u8(MsgType.MARK).u32(m.mark >>> 0);
      break;
    case "welcome":
      w.u8(MsgType.WELCOME).u8(m.version).u8(m.mode === "virtual" ? 0 : 1).f64(m.now).bytes(m.address);
      break;
    case "advDone":
      w.u8(MsgType.ADV_DONE).u32(m.id).f64(m.time);
      break;
    case "rx":
      w.u8(MsgType.RX).f64(m.time).i8(clampInt8(m.rssi)).u8(m.channel).u8(m.adType).u8(m.data.length).bytes(m.data);
      break;
    case "time":
      w.u8(MsgType.TIME).f64(m.time);
      break;
    case "error": {
      const msg = utf8Encode(m.message).subarray(0, 255);
      w.u8(MsgType.ERROR).u8(m.code).u8(msg.length).bytes(msg);
      break;
    }
    case "hubBye":
      w.u8(MsgType.HUB_BYE);
      break;
  }
  return w.frame();
}

function malformed(what: string): ProtocolError {
  return new ProtocolError(ErrorCode.MALFORMED, what);
}

function need(body: Bytes, size: number, what: string): void {
  if (body.length !== size) throw malformed(`${what}: body must be ${size} bytes, got ${body.length}`);
}

/** Decode the body (the bytes after the type byte) of a message of type `type`. Throws ProtocolError. */
export function decode(type: number, body: Bytes): Message {
  const v = new DataView(body.buffer, body.byteOffset, body.byteLength);
  switch (type) {
    case MsgType.HELLO: {
      if (body.length < 25) throw malformed(`HELLO: body of ${body.length} bytes is shorter than 25`);
      const flags = body[1]!;
      if (flags & ~1) throw malformed("HELLO: reserved flag bits set");
      const nameLen = body[24]!;
      need(body, 25 + nameLen, "HELLO");
      return {
        kind: "hello",
        version: body[0]!,
        address: flags & 1 ? body.slice(2, 8) : null,
        scanIntervalMs: v.getFloat64(8),
        scanWindowMs: v.getFloat64(16),
        name: utf8Decode(body.subarray(25, 25 + nameLen)),
      };
    }
    case MsgType.ADVERTISE: {
      if (body.length < 16) throw malformed(`ADVERTISE: body of ${body.length} bytes is shorter than 16`);
      const dataLen = body[15]!;
      need(body, 16 + dataLen, "ADVERTISE");
      return {
        kind: "advertise",
        id: v.getUint32(0),
        adType: body[4]!,
        count: v.getUint16(5),
        intervalMs: v.getFloat64(7),
        data: body.slice(16, 16 + dataLen),
      };
    }
    case MsgType.CANCEL:
      need(body, 4, "CANCEL");
      return { kind: "cancel", id: v.getUint32(0) };
    case MsgType.SCAN:
      need(body, 1, "SCAN");
      if (body[0]! > 1) throw malformed("SCAN: value must be 0 or 1");
      return { kind: "scan", on: body[0] === 1 };
    case MsgType.WAIT_UNTIL:
      need(body, 12, "WAIT_UNTIL");
      return { kind: "waitUntil", time: v.getFloat64(0), wakes: v.getUint32(8) };
    case MsgType.BYE:
      need(body, 0, "BYE");
      return { kind: "bye" };
    case MsgType.MARK:
      need(body, 4, "MARK");
      return { kind: "mark", mark: v.getUint32(0) };
    case MsgType.WELCOME:
      need(body, 16, "WELCOME");
      if (body[1]! > 1) throw malformed("WELCOME: mode must be 0 or 1");
      return {
        kind: "welcome",
        version: body[0]!,
        mode: body[1] === 0 ? "virtual" : "real",
        now: v.getFloat64(2),
        address: body.slice(10, 16),
      };
    case MsgType.ADV_DONE:
      need(body, 12, "ADV_DONE");
      return { kind: "advDone", id: v.getUint32(0), time: v.getFloat64(4) };
    case MsgType.RX: {
      if (body.length < 12) throw malformed(`RX: body of ${body.length} bytes is shorter than 12`);
      const dataLen = body[11]!;
      need(body, 12 + dataLen, "RX");
      return {
        kind: "rx",
        time: v.getFloat64(0),
        rssi: v.getInt8(8),
        channel: body[9]!,
        adType: body[10]!,
        data: body.slice(12, 12 + dataLen),
      };
    }
    case MsgType.TIME:
      need(body, 8, "TIME");
      return { kind: "time", time: v.getFloat64(0) };
    case MsgType.ERROR: {
      if (body.length < 2) throw malformed("ERROR: body shorter than 2");
      need(body, 2 + body[1]!, "ERROR");
      let message: string;
      try {
        message = utf8Decode(body.subarray(2));
      } catch {
        message = "(undecodable message)";
      }
      return { kind: "error", code: body[0]!, message };
    }
    case MsgType.HUB_BYE:
      need(body, 0, "BYE");
      return { kind: "hubBye" };
    default:
      throw new ProtocolError(ErrorCode.UNKNOWN_TYPE, `unknown message type 0x${type.toString(16).padStart(2, "0")}`);
  }
}

/**
 * Splits a byte stream into frames. push() chunks as they arrive, then call next() until it returns null.
 * A frame with length 0 or longer than 1 + MAX_BODY throws ProtocolError (the stream cannot be resynchronised:
 * close the connection).
 */
export class FrameReader {
  private buf = new Uint8Array(0);
  private start = 0;
  private end = 0;

  push(chunk: Uint8Array): void {
    const keep = this.end - this.start;
    if (this.end + chunk.length > this.buf.length) {
      if (keep + chunk.length > this.buf.length) {
        const nb = new Uint8Array(Math.max(1024, (keep + chunk.length) * 2));
        nb.set(this.buf.subarray(this.start, this.end), 0);
        this.buf = nb;
      } else {
        this.buf.copyWithin(0, this.start, this.end);
      }
      this.start = 0;
      this.end = keep;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }

  /** Bytes buffered but not yet returned as frames. */
  get pending(): number {
    return this.end - this.start;
  }

  next(): { type: number; body: Uint8Array } | null {
    if (this.end - this.start < 2) return null;
    const len = (this.buf[this.start]! << 8) | this.buf[this.start + 1]!;
    if (len === 0) throw malformed("frame length 0 (a frame holds at least its type byte)");
    if (len > 1 + MAX_BODY) throw malformed(`frame length ${len} exceeds ${1 + MAX_BODY}`);
    if (this.end - this.start < 2 + len) return null;
    const type = this.buf[this.start + 2]!;
    const body = this.buf.slice(this.start + 3, this.start + 2 + len);
    this.start += 2 + len;
    return { type, body };
  }
}
