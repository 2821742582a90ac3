/**
 * Lower transport PDU formats (Mesh Protocol 1.1, 3.5.2) and the transport control messages used here
 * (3.6.5: Segment Acknowledgment; 3.6.5.10 Heartbeat), as pure codecs. Octets are big-endian.
 *
 *   Unsegmented access:  SEG=0 AKF AID(6) | Upper Transport Access PDU (5..15)
 *   Segmented access:    SEG=1 AKF AID(6) | SZMIC SeqZero(13) SegO(5) SegN(5) | segment (1..12)
 *   Unsegmented control: SEG=0 Opcode(7)  | parameters (0..11)
 *   Segmented control:   SEG=1 Opcode(7)  | RFU SeqZero(13) SegO(5) SegN(5) | segment (1..8)
 */
import type { Bytes } from "../platform.js";

/** Segment payload sizes (3.5.2.2, 3.5.2.4). */
export const ACCESS_SEGMENT_SIZE = 12;
export const CONTROL_SEGMENT_SIZE = 8;
/** Largest unsegmented Upper Transport Access PDU (with its 32-bit TransMIC) and unsegmented control parameters. */
export const MAX_UNSEGMENTED_ACCESS = 15;
export const MAX_UNSEGMENTED_CONTROL = 11;
/** At most 32 segments (SegN is 5 bits). */
export const MAX_SEGMENTS = 32;

/** Transport control opcodes (3.6.5.x, Table 3.x): those this stack sends and receives. */
export const ControlOpcode = Object.freeze({ SEGMENT_ACK: 0x00, HEARTBEAT: 0x0a } as const);

export type LowerPdu =
  | { seg: false; ctl: 0; akf: boolean; aid: number; upper: Bytes }
  | { seg: false; ctl: 1; opcode: number; params: Bytes }
  | { seg: true; ctl: 0; akf: boolean; aid: number; szmic: boolean; seqZero: number; segO: number; segN: number; segment: Bytes }
  | { seg: true; ctl: 1; opcode: number; seqZero: number; segO: number; segN: number; segment: Bytes };

/** Decodes a lower transport PDU; returns a reason string for malformed input (3.5.2: such PDUs are ignored). */
export function decodeLowerPdu(ctl: 0 | 1, b: Bytes): LowerPdu | string {
  if (b.length < 1) return "empty lower transport PDU";
  const seg = (b[0]! & 0x80) !== 0;
  if (!seg) {
    if (ctl === 0) {
      if (b.length < 6) return "unsegmented access PDU shorter than 6 octets";
      return { seg: false, ctl: 0, akf: (b[0]! & 0x40) !== 0, aid: b[0]! & 0x3f, upper: b.subarray(1) };
    }
    return { seg: false, ctl: 1, opcode: b[0]! & 0x7f, params: b.subarray(1) };
  }
  if (b.length < 5) return "segmented PDU shorter than 5 octets";
  const seqZero = ((b[1]! & 0x7f) << 6) | (b[2]! >> 2);
  const segO = ((b[2]! & 0x03) << 3) | (b[3]! >> 5);
  const segN = b[3]! & 0x1f;
  // 3.5.2.2/3.5.2.4: SegO greater than SegN is invalid.
  if (segO > segN) return `segment ${segO} outside SegN ${segN}`;
  const segment = b.subarray(4);
  const max = ctl ? CONTROL_SEGMENT_SIZE : ACCESS_SEGMENT_SIZE;
  if (segment.length > max) return "segment too long";
  if (ctl === 0) {
    return { seg: true, ctl: 0, akf: (b[0]! & 0x40) !== 0, aid: b[0]! & 0x3f, szmic: (b[1]! & 0x80) !== 0, seqZero, segO, segN, segment };
  }
  if (b[1]! & 0x80) return "segmented control PDU with the RFU bit set";
  return { seg: true, ctl: 1, opcode: b[0]! & 0x7f, seqZero, segO, segN, segment };
}

export function encodeLowerPdu(p: LowerPdu): Bytes {
  if (!p.seg) {
    const body = p.ctl === 0 ? p.upper : p.params;
    const out = new Uint8Array(1 + body.length);
    out[0] = p.ctl === 0 ? (p.akf ? 0x40 : 0) | (p.aid & 0x3f) : p.opcode & 0x7f;
    out.set(body, 1);
    return out;
  }
  const out = new Uint8Array(4 + p.segment.length);
  out[0] = 0x80 | (p.ctl === 0 ? (p.akf ? 0x40 : 0) | (p.aid & 0x3f) : p.opcode & 0x7f);
  out[1] = (p.ctl === 0 && p.szmic ? 0x80 : 0) | ((p.seqZero >> 6) & 0x7f);
  out[2] = ((p.seqZero & 0x3f) << 2) | ((p.segO >> 3) & 0x03);
  out[3] = ((p.segO & 0x07) << 5) | (p.segN & 0x1f);
  out.set(p.segment, 4);
  return out;
}

/** Segment Acknowledgment parameters (3.5.2.3.1): OBO(1) SeqZero(13) RFU(2) | BlockAck(32). */
export interface SegmentAck {
  obo: boolean;
  seqZero: number;
  blockAck: number;
}

export function encodeSegmentAck(a: SegmentAck): Bytes {
  const out = new Uint8Array(6);
  out[0] = (a.obo ? 0x80 : 0) | ((a.seqZero >> 6) & 0x7f);
  out[1] = (a.seqZero & 0x3f) << 2;
  out[2] = (a.blockAck >>> 24) & 0xff;
  out[3] = (a.blockAck >>> 16) & 0xff;
  out[4] = (a.blockAck >>> 8) & 0xff;
  out[5] = a.blockAck & 0xff;
  return out;
}

export function decodeSegmentAck(params: Bytes): SegmentAck | undefined {
  if (params.length !== 6) return undefined;
  return {
    obo: (params[0]! & 0x80) !== 0,
    seqZero: ((params[0]! & 0x7f) << 6) | (params[1]! >> 2),
    blockAck: ((params[2]! << 24) | (params[3]! << 16) | (params[4]! << 8) | params[5]!) >>> 0,
  };
}

/** Heartbeat parameters (3.6.5.10): RFU(1) InitTTL(7) | Features(16). */
export interface Heartbeat {
  initTtl: number;
  features: number;
}

export function encodeHeartbeat(h: Heartbeat): Bytes {
  return Uint8Array.of(h.initTtl & 0x7f, (h.features >> 8) & 0xff, h.features & 0xff);
}

export function decodeHeartbeat(params: Bytes): Heartbeat | undefined {
  if (params.length !== 3) return undefined;
  return { initTtl: params[0]! & 0x7f, features: (params[1]! << 8) | params[2]! };
}
