/**
 * Generic Provisioning layer (Mesh Protocol 1.1, 5.3): the Generic Provisioning PDU codec (5.3.1),
 * segmentation of a Provisioning PDU into a transaction (5.3.1.1, 5.3.1.3, 5.3.3: every segment but the last
 * fills the bearer's MTU) and its reassembly with the FCS and TotalLength checks (5.3.3).
 *
 * Octet 0 of every Generic Provisioning PDU: bits 7..2 carry a 6-bit field (SegN, Padding, SegmentIndex
 * or BearerOpcode), bits 1..0 the Generic Provisioning Control Format (GPCF, 5.3 Table 5.8).
 *
 * Decoding never throws: it returns `{ ok: true, pdu }` or `{ ok: false, error, message }`.
 * Encoding throws GenericProvError for bad arguments (a programming error of the caller).
 */
import type { Bytes } from "../platform.js";
import { fcs as computeFcs } from "./fcs.js";

/** Generic Provisioning Control Format (5.3, Table 5.8). */
export const GPCF = {
  TransactionStart: 0b00,
  TransactionAcknowledgment: 0b01,
  TransactionContinuation: 0b10,
  ProvisioningBearerControl: 0b11,
} as const;

/** Provisioning Bearer Control opcodes (5.3.1.4, Table 5.13); 0x03..0x3F are RFU. */
export const BearerOpcode = {
  LinkOpen: 0x00,
  LinkAck: 0x01,
  LinkClose: 0x02,
} as const;

/**
 * Size limits. A PB-ADV PDU (5.2.1) is Link ID (4) || Transaction Number (1) || Generic Provisioning PDU,
 * inside one AD structure of at most 29 octets of AD data: the Generic Provisioning PDU is at most 24 octets.
 */
export const GENERIC_PROV_PDU_MAX = 24;
/** Transaction Start: 1 (SegN|GPCF) + 2 (TotalLength) + 1 (FCS) header, then up to 20 octets of data. */
export const START_HEADER_LENGTH = 4;
export const START_DATA_MAX = GENERIC_PROV_PDU_MAX - START_HEADER_LENGTH; // 20
/** Transaction Continuation: 1 (SegmentIndex|GPCF) header, then up to 23 octets of data. */
export const CONTINUATION_DATA_MAX = GENERIC_PROV_PDU_MAX - 1; // 23
/** SegN and SegmentIndex are 6-bit fields (5.3.1.1, 5.3.1.3). */
export const SEGN_MAX = 0x3f;
/** The largest Provisioning PDU a transaction can carry: 64 segments. */
export const TOTAL_LENGTH_MAX = START_DATA_MAX + SEGN_MAX * CONTINUATION_DATA_MAX; // 1469
/** Device UUID length in Link Open (5.3.1.4.1). */
export const UUID_LENGTH = 16;

export type TransactionStartPdu = {
  type: "TransactionStart";
  /** The last segment number (5.3.1.1): number of segments - 1. */
  segN: number;
  /** Length of the whole Provisioning PDU. */
  totalLength: number;
  /** FCS of the whole Provisioning PDU. */
  fcs: number;
  /** The first segment of the Provisioning PDU. */
  data: Bytes;
};
export type TransactionAcknowledgmentPdu = { type: "TransactionAcknowledgment" };
export type TransactionContinuationPdu = {
  type: "TransactionContinuation";
  /** 1..SegN (5.3.1.3); index 0 is the Transaction Start. */
  segmentIndex: number;
  data: Bytes;
};
export type LinkOpenPdu = { type: "LinkOpen"; uuid: Bytes };
export type LinkAckPdu = { type: "LinkAck" };
/**
 * `reason`: 0x00 Success, 0x01 Timeout, 0x02 Fail; 0x03..0xFF are "Unrecognized" reasons that may be defined in
 * the future, and a Link Close "shall be accepted and processed regardless of the setting of the Reason field"
 * (5.3.1.4.3), so any value decodes.
 */
export type LinkClosePdu = { type: "LinkClose"; reason: number };

export type GenericProvPdu =
  | TransactionStartPdu
  | TransactionAcknowledgmentPdu
  | TransactionContinuationPdu
  | LinkOpenPdu
  | LinkAckPdu
  | LinkClosePdu;

/** Why a Generic Provisioning PDU was rejected. */
export type GenericProvErrorCode =
  /** No octet at all, or a header cut short. */
  | "TooShort"
  /** More than 24 octets, or more data than the PDU kind carries. */
  | "TooLong"
  /** Transaction Acknowledgment with non-zero Padding (5.3.1.2). */
  | "BadPadding"
  /** Provisioning Bearer Control opcode 0x03..0x3F (RFU, 5.3.1.4). */
  | "ReservedOpcode"
  /** Parameters of the wrong length for the opcode / GPCF. */
  | "BadLength"
  /** A segment without data. */
  | "EmptySegment"
  /** TotalLength 0, above the limit, inconsistent with SegN, or with the first segment's length. */
  | "BadTotalLength"
  /** Continuation with SegmentIndex 0, or SegmentIndex > SegN. */
  | "BadSegmentIndex"
  /** A segment whose length does not fit its place in the transaction. */
  | "BadSegmentLength"
  /** A second Transaction Start for the same transaction with a different header. */
  | "ConflictingStart"
  /** The reassembled PDU's FCS does not match (5.3.1.1). */
  | "FcsMismatch";

export type DecodeResult =
  | { ok: true; pdu: GenericProvPdu }
  | { ok: false; error: GenericProvErrorCode; message: string };

/** Raised by the encoders for bad arguments. */
export class GenericProvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GenericProvError";
  }
}

function fail(error: GenericProvErrorCode, message: string): { ok: false; error: GenericProvErrorCode; message: string } {
  return { ok: false, error, message };
}

/** Number of segments (SegN + 1) a Provisioning PDU of `totalLength` octets takes (5.3.1.1). */
export function segmentCount(totalLength: number): number {
  if (totalLength <= START_DATA_MAX) return 1;
  return 1 + Math.ceil((totalLength - START_DATA_MAX) / CONTINUATION_DATA_MAX);
}

/** Length of segment `index` (0 = Transaction Start) of a Provisioning PDU of `totalLength` octets. */
export function segmentLength(totalLength: number, index: number): number {
  if (index === 0) return Math.min(totalLength, START_DATA_MAX);
  const offset = START_DATA_MAX + (index - 1) * CONTINUATION_DATA_MAX;
  return Math.max(0, Math.min(CONTINUATION_DATA_MAX, totalLength - offset));
}

/** Decode one Generic Provisioning PDU (5.3.1). Never throws. `data` and `uuid` are views into `bytes`. */
export function decodeGenericProvPdu(bytes: Bytes): DecodeResult {
  if (!(bytes instanceof Uint8Array)) return fail("TooShort", "not a byte array");
  if (bytes.length < 1) return fail("TooShort", "empty Generic Provisioning PDU");
  if (bytes.length > GENERIC_PROV_PDU_MAX) return fail("TooLong", `${bytes.length} octets > ${GENERIC_PROV_PDU_MAX}`);
  const octet0 = bytes[0]!;
  const gpcf = octet0 & 0b11;
  const field = octet0 >>> 2;
  switch (gpcf) {
    case GPCF.TransactionStart: {
      // 5.3.1.1: SegN (6) | GPCF (2), TotalLength (16, big-endian), FCS (8), Data.
      if (bytes.length < START_HEADER_LENGTH) return fail("TooShort", "Transaction Start header cut short");
      const segN = field;
      const totalLength = (bytes[1]! << 8) | bytes[2]!;
      const fcs = bytes[3]!;
      const data = bytes.subarray(START_HEADER_LENGTH);
      if (data.length === 0) return fail("EmptySegment", "Transaction Start without data");
      if (totalLength === 0) return fail("BadTotalLength", "TotalLength 0");
      if (totalLength > TOTAL_LENGTH_MAX) return fail("BadTotalLength", `TotalLength ${totalLength} > ${TOTAL_LENGTH_MAX}`);
      if (segmentCount(totalLength) !== segN + 1)
        return fail("BadTotalLength", `TotalLength ${totalLength} needs ${segmentCount(totalLength)} segments, SegN says ${segN + 1}`);
      if (data.length !== segmentLength(totalLength, 0))
        return fail("BadSegmentLength", `first segment ${data.length} octets, expected ${segmentLength(totalLength, 0)}`);
      return { ok: true, pdu: { type: "TransactionStart", segN, totalLength, fcs, data } };
    }
    case GPCF.TransactionAcknowledgment:
      // 5.3.1.2: Padding (6) = 0b000000 | GPCF; no parameters.
      if (field !== 0) return fail("BadPadding", `Transaction Acknowledgment padding 0x${field.toString(16)}`);
      if (bytes.length !== 1) return fail("BadLength", `Transaction Acknowledgment with ${bytes.length - 1} extra octets`);
      return { ok: true, pdu: { type: "TransactionAcknowledgment" } };
    case GPCF.TransactionContinuation: {
      // 5.3.1.3: SegmentIndex (6) | GPCF, Data.
      const data = bytes.subarray(1);
      if (field === 0) return fail("BadSegmentIndex", "Transaction Continuation with SegmentIndex 0");
      if (data.length === 0) return fail("EmptySegment", "Transaction Continuation without data");
      return { ok: true, pdu: { type: "TransactionContinuation", segmentIndex: field, data } };
    }
    default: {
      // 5.3.1.4: BearerOpcode (6) | GPCF 0b11, parameters.
      const params = bytes.subarray(1);
      switch (field) {
        case BearerOpcode.LinkOpen: // 5.3.1.4.1: Device UUID (16).
          if (params.length !== UUID_LENGTH) return fail("BadLength", `Link Open with ${params.length} parameter octets`);
          return { ok: true, pdu: { type: "LinkOpen", uuid: params } };
        case BearerOpcode.LinkAck: // 5.3.1.4.2: no parameters.
          if (params.length !== 0) return fail("BadLength", `Link Ack with ${params.length} parameter octets`);
          return { ok: true, pdu: { type: "LinkAck" } };
        case BearerOpcode.LinkClose:
          // 5.3.1.4.3: Reason (1), any value accepted.
          if (params.length !== 1) return fail("BadLength", `Link Close with ${params.length} parameter octets`);
          return { ok: true, pdu: { type: "LinkClose", reason: params[0]! } };
        default:
          return fail("ReservedOpcode", `Bearer Opcode 0x${field.toString(16)}`);
      }
    }
  }
}

// The writers of each kind of Generic Provisioning PDU (5.3.1); they check nothing: encodeGenericProvPdu checks
// the fields it is given, segmentProvisioningPdu computes them, the bearer's control PDUs are constants.

function writeTransactionStart(segN: number, totalLength: number, fcs: number, data: Bytes): Bytes {
  // 5.3.1.1: SegN (6) | GPCF, TotalLength (16, big-endian), FCS (8), Data.
  const out = new Uint8Array(START_HEADER_LENGTH + data.length);
  out[0] = (segN << 2) | GPCF.TransactionStart;
  out[1] = totalLength >>> 8;
  out[2] = totalLength & 0xff;
  out[3] = fcs;
  out.set(data, START_HEADER_LENGTH);
  return out;
}

function writeTransactionContinuation(segmentIndex: number, data: Bytes): Bytes {
  // 5.3.1.3: SegmentIndex (6) | GPCF, Data.
  const out = new Uint8Array(1 + data.length);
  out[0] = (segmentIndex << 2) | GPCF.TransactionContinuation;
  out.set(data, 1);
  return out;
}

/** A Transaction Acknowledgment (5.3.1.2): Padding 0b000000 | GPCF, no parameters. */
export function encodeTransactionAck(): Bytes {
  return Uint8Array.of(GPCF.TransactionAcknowledgment);
}

/**
 * A Provisioning Bearer Control PDU (5.3.1.4): BearerOpcode (6) | GPCF 0b11, then its parameters (Link Open: the
 * Device UUID; Link Ack: none; Link Close: the Reason). The caller gives parameters of the opcode's length.
 */
export function encodeBearerControl(opcode: number, params?: Bytes): Bytes {
  const out = new Uint8Array(1 + (params ? params.length : 0));
  out[0] = (opcode << 2) | GPCF.ProvisioningBearerControl;
  if (params) out.set(params, 1);
  return out;
}

function checkByte(name: string, v: number, max: number): void {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new GenericProvError(`${name} ${v} out of range 0..${max}`);
}

/** Encode one Generic Provisioning PDU (5.3.1). Throws GenericProvError for out-of-range fields. */
export function encodeGenericProvPdu(pdu: GenericProvPdu): Bytes {
  switch (pdu.type) {
    case "TransactionStart":
      checkByte("SegN", pdu.segN, SEGN_MAX);
      checkByte("TotalLength", pdu.totalLength, 0xffff);
      checkByte("FCS", pdu.fcs, 0xff);
      if (pdu.data.length > START_DATA_MAX) throw new GenericProvError(`Transaction Start data ${pdu.data.length} > ${START_DATA_MAX}`);
      return writeTransactionStart(pdu.segN, pdu.totalLength, pdu.fcs, pdu.data);
    case "TransactionAcknowledgment":
      return encodeTransactionAck();
    case "TransactionContinuation":
      checkByte("SegmentIndex", pdu.segmentIndex, SEGN_MAX);
      if (pdu.data.length > CONTINUATION_DATA_MAX)
        throw new GenericProvError(`Transaction Continuation data ${pdu.data.length} > ${CONTINUATION_DATA_MAX}`);
      return writeTransactionContinuation(pdu.segmentIndex, pdu.data);
    case "LinkOpen":
      if (pdu.uuid.length !== UUID_LENGTH) throw new GenericProvError(`Device UUID of ${pdu.uuid.length} octets`);
      return encodeBearerControl(BearerOpcode.LinkOpen, pdu.uuid);
    case "LinkAck":
      return encodeBearerControl(BearerOpcode.LinkAck);
    case "LinkClose":
      checkByte("Reason", pdu.reason, 0xff);
      return encodeBearerControl(BearerOpcode.LinkClose, Uint8Array.of(pdu.reason));
    default:
      throw new GenericProvError("unknown Generic Provisioning PDU type");
  }
}

/**
 * Segment one Provisioning PDU into the Generic Provisioning PDUs of one transaction (5.3.1.1, 5.3.1.3):
 * a Transaction Start with up to 20 octets, then Transaction Continuations of 23 octets (the last one shorter).
 * Throws GenericProvError when the PDU is empty or longer than TOTAL_LENGTH_MAX.
 */
export function segmentProvisioningPdu(pdu: Bytes): Bytes[] {
  if (pdu.length === 0) throw new GenericProvError("empty Provisioning PDU");
  if (pdu.length > TOTAL_LENGTH_MAX) throw new GenericProvError(`Provisioning PDU of ${pdu.length} octets > ${TOTAL_LENGTH_MAX}`);
  const n = segmentCount(pdu.length);
  const out: Bytes[] = [writeTransactionStart(n - 1, pdu.length, computeFcs(pdu), pdu.subarray(0, segmentLength(pdu.length, 0)))];
  for (let i = 1; i < n; i++) {
    const offset = START_DATA_MAX + (i - 1) * CONTINUATION_DATA_MAX;
    out.push(writeTransactionContinuation(i, pdu.subarray(offset, offset + segmentLength(pdu.length, i))));
  }
  return out;
}

export type ReassemblyResult =
  | { status: "incomplete" }
  | { status: "duplicate" }
  | { status: "complete"; pdu: Bytes }
  | { status: "error"; error: GenericProvErrorCode; message: string };

/**
 * Reassembles one transaction (5.3.3: segments may arrive in any order; duplicates are ignored) from segments
 * as decodeGenericProvPdu returns them: what it checked of each segment on its own (TotalLength against SegN and
 * the first segment's length, SegmentIndex 1..63, 1..23 octets of data) is not checked again here.
 * Continuations that arrive before the Transaction Start are kept and checked when it arrives.
 * Every segment's length is checked against TotalLength as it arrives, so a complete set fills exactly
 * TotalLength octets; on completion the FCS is checked, and a mismatch discards the whole transaction, so a
 * retransmission can be received afresh.
 */
export class Reassembler {
  private start: TransactionStartPdu | undefined;
  private segments: (Bytes | undefined)[] = [];
  private received = 0;

  constructor(private readonly maxTotalLength: number = TOTAL_LENGTH_MAX) {}

  reset(): void {
    this.start = undefined;
    this.segments = [];
    this.received = 0;
  }

  add(pdu: TransactionStartPdu | TransactionContinuationPdu): ReassemblyResult {
    if (pdu.type === "TransactionStart") {
      if (this.start) {
        const s = this.start;
        if (s.segN === pdu.segN && s.totalLength === pdu.totalLength && s.fcs === pdu.fcs) return { status: "duplicate" };
        return { status: "error", error: "ConflictingStart", message: "a different Transaction Start for this transaction" };
      }
      if (pdu.totalLength > this.maxTotalLength)
        return { status: "error", error: "BadTotalLength", message: `TotalLength ${pdu.totalLength} > ${this.maxTotalLength}` };
      this.start = { type: "TransactionStart", segN: pdu.segN, totalLength: pdu.totalLength, fcs: pdu.fcs, data: new Uint8Array(pdu.data) };
      // Drop continuations kept before the start that do not fit it.
      for (let i = 1; i < this.segments.length; i++) {
        const seg = this.segments[i];
        if (seg && (i > pdu.segN || seg.length !== segmentLength(pdu.totalLength, i))) {
          this.segments[i] = undefined;
          this.received--;
        }
      }
      this.segments.length = pdu.segN + 1;
      this.segments[0] = this.start.data;
      this.received++;
    } else {
      const i = pdu.segmentIndex;
      if (this.start) {
        if (i > this.start.segN)
          return { status: "error", error: "BadSegmentIndex", message: `SegmentIndex ${i} > SegN ${this.start.segN}` };
        if (pdu.data.length !== segmentLength(this.start.totalLength, i))
          return {
            status: "error",
            error: "BadSegmentLength",
            message: `segment ${i} of ${pdu.data.length} octets, expected ${segmentLength(this.start.totalLength, i)}`,
          };
      }
      if (this.segments[i]) return { status: "duplicate" };
      this.segments[i] = new Uint8Array(pdu.data); // a copy; cheaper than slice() on XS
      this.received++;
    }
    const start = this.start;
    if (!start || this.received !== start.segN + 1) return { status: "incomplete" };
    const out = new Uint8Array(start.totalLength);
    let offset = 0;
    for (let i = 0; i <= start.segN; i++) {
      const seg = this.segments[i]!;
      out.set(seg, offset);
      offset += seg.length;
    }
    this.reset();
    if (computeFcs(out) !== start.fcs)
      return { status: "error", error: "FcsMismatch", message: "FCS of the reassembled Provisioning PDU does not match" };
    return { status: "complete", pdu: out };
  }
}
