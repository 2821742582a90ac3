/**
 * The serial link layer of the mesh modem (docs/serial-protocol.md §1): COBS framing with a 0x00 delimiter,
 * the frame header (type, seq, code, length), CRC-16/CCITT-FALSE, the maximum frame size, and a stream
 * decoder that drops bad frames and resynchronises at the next delimiter. Portable: used by the modem
 * (modules/serial/modem.ts) and by the host driver (host/serial/driver.ts).
 */
import type { Bytes } from "../platform.js";

/** Frame types (§1.3). */
export const FrameType = {
  Command: 0x01,
  Response: 0x02,
  Event: 0x03,
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

/** Maximum payload N (§1.3). */
export const MAX_PAYLOAD = 256;
/** type, seq, code, length (2). */
export const HEADER_LENGTH = 5;
export const CRC_LENGTH = 2;
/** The largest decoded frame: 263 bytes. */
export const MAX_FRAME = HEADER_LENGTH + MAX_PAYLOAD + CRC_LENGTH;
/** The largest COBS-encoded frame without its delimiter: one overhead byte per started 254 bytes. */
export const MAX_ENCODED = MAX_FRAME + Math.ceil(MAX_FRAME / 254);

/** Why a received frame was dropped (§1.4); the numbers are the FRAME_ERROR event's reason codes. */
export const FrameError = {
  Oversize: 1,
  Cobs: 2,
  Short: 3,
  Length: 4,
  Crc: 5,
  Type: 6,
} as const;
export type FrameError = (typeof FrameError)[keyof typeof FrameError];

export interface Frame {
  type: FrameType;
  seq: number;
  code: number;
  payload: Bytes;
}

/** CRC-16/CCITT-FALSE (§1.3): polynomial 0x1021, initial 0xFFFF, not reflected, no final XOR. */
export function crc16(data: Bytes, length = data.length): number {
  let crc = 0xffff;
  for (let i = 0; i < length; i++) {
    crc ^= data[i]! << 8;
    for (let b = 0; b < 8; b++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** COBS encoding (§1.2): the result has no 0x00 byte; the delimiter is not included. */
export function cobsEncode(data: Bytes): Bytes {
  const out = new Uint8Array(data.length + Math.ceil((data.length + 1) / 254) + 1);
  let codeAt = 0;
  let o = 1;
  let code = 1;
  for (let i = 0; i < data.length; i++) {
    const b = data[i]!;
    if (b === 0) {
      out[codeAt] = code;
      codeAt = o++;
      code = 1;
    } else {
      out[o++] = b;
      code++;
      if (code === 0xff) {
        out[codeAt] = code;
        codeAt = o++;
        code = 1;
      }
    }
  }
  out[codeAt] = code;
  return out.slice(0, o);
}

/** COBS decoding; null when a code byte points past the end or a 0x00 is inside (§1.4 "cobs"). */
export function cobsDecode(data: Bytes): Bytes | null {
  const out = new Uint8Array(data.length);
  let o = 0;
  let i = 0;
  while (i < data.length) {
    const code = data[i]!;
    if (code === 0 || i + code > data.length) return null;
    for (let k = 1; k < code; k++) {
      const b = data[i + k]!;
      if (b === 0) return null;
      out[o++] = b;
    }
    i += code;
    if (code !== 0xff && i < data.length) out[o++] = 0;
  }
  return out.slice(0, o);
}

/** A frame encoded for the wire: COBS bytes and the 0x00 delimiter. Throws RangeError for bad fields. */
export function encodeFrame(frame: Frame): Bytes {
  const { type, seq, code, payload } = frame;
  if (type !== FrameType.Command && type !== FrameType.Response && type !== FrameType.Event) throw new RangeError("encodeFrame: bad type");
  if (!Number.isInteger(seq) || seq < 0 || seq > 0xff || !Number.isInteger(code) || code < 0 || code > 0xff) {
    throw new RangeError("encodeFrame: seq and code are bytes");
  }
  if (payload.length > MAX_PAYLOAD) throw new RangeError(`encodeFrame: payload of ${payload.length} bytes exceeds ${MAX_PAYLOAD}`);
  const raw = new Uint8Array(HEADER_LENGTH + payload.length + CRC_LENGTH);
  raw[0] = type;
  raw[1] = seq;
  raw[2] = code;
  raw[3] = payload.length & 0xff;
  raw[4] = payload.length >>> 8;
  raw.set(payload, HEADER_LENGTH);
  const crc = crc16(raw, HEADER_LENGTH + payload.length);
  raw[HEADER_LENGTH + payload.length] = crc & 0xff;
  raw[HEADER_LENGTH + payload.length + 1] = crc >>> 8;
  const enc = cobsEncode(raw);
  const out = new Uint8Array(enc.length + 1);
  out.set(enc);
  return out;
}

/** Check one decoded frame (§1.4 steps 4-7). */
export function parseFrame(raw: Bytes, accept: readonly number[]): Frame | FrameError {
  if (raw.length < HEADER_LENGTH + CRC_LENGTH) return FrameError.Short;
  const n = raw[3]! | (raw[4]! << 8);
  if (n !== raw.length - HEADER_LENGTH - CRC_LENGTH) return FrameError.Length;
  const crc = raw[raw.length - 2]! | (raw[raw.length - 1]! << 8);
  if (crc !== crc16(raw, raw.length - CRC_LENGTH)) return FrameError.Crc;
  if (accept.indexOf(raw[0]!) < 0) return FrameError.Type;
  return { type: raw[0] as FrameType, seq: raw[1]!, code: raw[2]!, payload: raw.slice(HEADER_LENGTH, raw.length - CRC_LENGTH) };
}

/**
 * The receiving side of a link: bytes in, frames or drop reasons out (§1.4, §1.5). Never throws on input;
 * memory is bounded by MAX_ENCODED.
 */
export class FrameDecoder {
  private readonly buf = new Uint8Array(MAX_ENCODED);
  private used = 0;
  private overflow = false;
  /** Frames dropped so far. */
  dropped = 0;

  constructor(
    /** The frame types this side accepts (the modem: commands; the host: responses and events). */
    private readonly accept: readonly number[],
    private readonly onFrame: (frame: Frame) => void,
    private readonly onError: (reason: FrameError) => void,
  ) {}

  push(chunk: Bytes): void {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b !== 0) {
        if (this.used < MAX_ENCODED) this.buf[this.used++] = b;
        else this.overflow = true;
        continue;
      }
      const used = this.used;
      const overflow = this.overflow;
      this.used = 0;
      this.overflow = false;
      if (overflow) {
        this.drop(FrameError.Oversize);
        continue;
      }
      if (used === 0) continue;
      const raw = cobsDecode(this.buf.subarray(0, used));
      if (!raw) {
        this.drop(FrameError.Cobs);
        continue;
      }
      const f = parseFrame(raw, this.accept);
      if (typeof f === "number") this.drop(f);
      else this.onFrame(f);
    }
  }

  /** Forget a partial frame (the transport was reopened). */
  reset(): void {
    this.used = 0;
    this.overflow = false;
  }

  private drop(reason: FrameError): void {
    this.dropped++;
    this.onError(reason);
  }
}
