import { test } from "node:test";
import assert from "node:assert/strict";
import {
  decodeGenericProvPdu,
  encodeGenericProvPdu,
  GenericProvError,
  Reassembler,
  segmentCount,
  segmentLength,
  segmentProvisioningPdu,
  TOTAL_LENGTH_MAX,
} from "../../modules/bearer/gprov.js";
import type { GenericProvPdu, ReassemblyResult } from "../../modules/bearer/gprov.js";
import { decodePbAdvPdu, encodePbAdvPdu } from "../../modules/bearer/pb-adv.js";
import { fcs } from "../../modules/bearer/fcs.js";
import { SAMPLE } from "./pbadv-sample.js";
import { hex, prng, unhex } from "./loopback.js";

function decodeOk(bytes: Uint8Array): GenericProvPdu {
  const r = decodeGenericProvPdu(bytes);
  assert.ok(r.ok, `expected a valid PDU: ${!r.ok ? r.error + " " + r.message : ""}`);
  return r.pdu;
}

function decodeErr(bytes: Uint8Array | string): string {
  const r = decodeGenericProvPdu(typeof bytes === "string" ? unhex(bytes) : bytes);
  assert.ok(!r.ok, `expected an error for ${typeof bytes === "string" ? bytes : hex(bytes)}`);
  return r.error;
}

function randomBytes(rnd: () => number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rnd() * 256);
  return b;
}

test("8.7 sample frames decode to the expected Generic Provisioning PDUs and re-encode byte for byte", () => {
  for (const [name, frames] of Object.entries(SAMPLE.frames)) {
    for (const f of frames) {
      const bytes = unhex(f);
      const r = decodePbAdvPdu(bytes);
      assert.ok(r.ok, name);
      assert.equal(r.linkId, SAMPLE.linkId, name);
      assert.equal(hex(encodePbAdvPdu(r.linkId, r.transactionNumber, encodeGenericProvPdu(r.pdu))), f, name);
    }
  }
  const open = decodePbAdvPdu(unhex(SAMPLE.frames.LinkOpen[0]));
  assert.ok(open.ok && open.pdu.type === "LinkOpen" && hex(open.pdu.uuid) === SAMPLE.uuid && open.transactionNumber === 0);
  const ack = decodePbAdvPdu(unhex(SAMPLE.frames.LinkAck[0]));
  assert.ok(ack.ok && ack.pdu.type === "LinkAck");
  const close = decodePbAdvPdu(unhex(SAMPLE.frames.LinkClose[0]));
  assert.ok(close.ok && close.pdu.type === "LinkClose" && close.pdu.reason === 0);
  const inviteAck = decodePbAdvPdu(unhex(SAMPLE.frames.InviteAck[0]));
  assert.ok(inviteAck.ok && inviteAck.pdu.type === "TransactionAcknowledgment" && inviteAck.transactionNumber === 0);
  const pk = decodePbAdvPdu(unhex(SAMPLE.frames.PublicKeyDevice[0]));
  assert.ok(pk.ok && pk.pdu.type === "TransactionStart");
  assert.equal(pk.transactionNumber, 0x81);
  assert.equal(pk.pdu.segN, 2);
  assert.equal(pk.pdu.totalLength, 65);
  assert.equal(pk.pdu.fcs, 0x10);
  const cont = decodePbAdvPdu(unhex(SAMPLE.frames.PublicKeyDevice[2]));
  assert.ok(cont.ok && cont.pdu.type === "TransactionContinuation" && cont.pdu.segmentIndex === 2);
});

test("segmentation of the sample PDUs matches the sample frames", () => {
  const pubProv = Uint8Array.of(0x03, ...unhex(SAMPLE.pubProv));
  const segs = segmentProvisioningPdu(pubProv).map((g) => hex(encodePbAdvPdu(SAMPLE.linkId, 0x02, g)));
  assert.deepEqual(segs, SAMPLE.frames.PublicKeyProvisioner);
  const pubDev = Uint8Array.of(0x03, ...unhex(SAMPLE.pubDev));
  assert.deepEqual(
    segmentProvisioningPdu(pubDev).map((g) => hex(encodePbAdvPdu(SAMPLE.linkId, 0x81, g))),
    SAMPLE.frames.PublicKeyDevice,
  );
  assert.deepEqual(
    segmentProvisioningPdu(Uint8Array.of(0, 0)).map((g) => hex(encodePbAdvPdu(SAMPLE.linkId, 0, g))),
    SAMPLE.frames.Invite,
  );
});

test("segment geometry: 20 octets in the Start, 23 in each Continuation, SegN up to 0x3F", () => {
  assert.equal(segmentCount(1), 1);
  assert.equal(segmentCount(20), 1);
  assert.equal(segmentCount(21), 2);
  assert.equal(segmentCount(43), 2);
  assert.equal(segmentCount(44), 3);
  assert.equal(segmentCount(65), 3);
  assert.equal(segmentCount(TOTAL_LENGTH_MAX), 64);
  assert.equal(segmentLength(65, 0), 20);
  assert.equal(segmentLength(65, 1), 23);
  assert.equal(segmentLength(65, 2), 22);
  assert.throws(() => segmentProvisioningPdu(new Uint8Array(0)), GenericProvError);
  assert.throws(() => segmentProvisioningPdu(new Uint8Array(TOTAL_LENGTH_MAX + 1)), GenericProvError);
  for (const g of segmentProvisioningPdu(new Uint8Array(TOTAL_LENGTH_MAX))) assert.ok(g.length <= 24);
});

test("segmentation and reassembly round trip for every length 1..200 and the limits, segments shuffled and duplicated", () => {
  const rnd = prng(42);
  const lengths = [...Array.from({ length: 200 }, (_, i) => i + 1), 400, 1000, TOTAL_LENGTH_MAX - 1, TOTAL_LENGTH_MAX];
  for (const len of lengths) {
    const pdu = randomBytes(rnd, len);
    const segs = segmentProvisioningPdu(pdu);
    assert.equal(segs.length, segmentCount(len));
    for (const s of segs) assert.ok(s.length >= 2 && s.length <= 24);
    // In order.
    const r1 = new Reassembler();
    let last: ReassemblyResult | undefined;
    for (const s of segs) last = r1.add(decodeOk(s) as never);
    assert.equal(last?.status, "complete", `length ${len}`);
    assert.deepEqual(last?.status === "complete" && last.pdu, pdu);
    // Shuffled, with duplicates; the Start may come anywhere.
    const order = segs.flatMap((s) => (rnd() < 0.3 ? [s, s] : [s]));
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const r2 = new Reassembler();
    let complete: Uint8Array | undefined;
    for (const s of order) {
      const r = r2.add(decodeOk(s) as never);
      if (r.status === "complete") {
        complete = r.pdu;
        break; // later duplicates belong to the receiver's "already received" check (pb-adv.ts)
      }
      assert.ok(r.status === "incomplete" || r.status === "duplicate", r.status);
    }
    assert.deepEqual(complete, pdu, `shuffled length ${len}`);
  }
});

test("reassembly checks: FCS, SegmentIndex > SegN, segment lengths, conflicting starts, size limit", () => {
  const pdu = Uint8Array.from({ length: 65 }, (_, i) => i);
  const segs = segmentProvisioningPdu(pdu).map((s) => decodeOk(s));
  // FCS mismatch: the whole transaction is dropped, and a clean retransmission then completes.
  const r = new Reassembler();
  const badStart = { ...(segs[0] as { type: "TransactionStart"; segN: number; totalLength: number; fcs: number; data: Uint8Array }) };
  badStart.fcs ^= 0xff;
  r.add(badStart);
  r.add(segs[1] as never);
  const bad = r.add(segs[2] as never);
  assert.equal(bad.status, "error");
  assert.ok(bad.status === "error" && bad.error === "FcsMismatch");
  // The transaction was dropped: a clean retransmission completes afresh.
  let last;
  for (const s of segs) last = r.add(s as never);
  assert.deepEqual(last, { status: "complete", pdu });
  // A fresh reassembler gets index 3 of a 3-segment PDU: rejected once the Start is known.
  const r2 = new Reassembler();
  r2.add(segs[0] as never);
  const idx = r2.add({ type: "TransactionContinuation", segmentIndex: 3, data: new Uint8Array(5) });
  assert.ok(idx.status === "error" && idx.error === "BadSegmentIndex");
  const len = r2.add({ type: "TransactionContinuation", segmentIndex: 1, data: new Uint8Array(22) });
  assert.ok(len.status === "error" && len.error === "BadSegmentLength");
  const lastLen = r2.add({ type: "TransactionContinuation", segmentIndex: 2, data: new Uint8Array(23) });
  assert.ok(lastLen.status === "error" && lastLen.error === "BadSegmentLength");
  const conflict = r2.add({ type: "TransactionStart", segN: 2, totalLength: 64, fcs: 0, data: new Uint8Array(20) });
  assert.ok(conflict.status === "error" && conflict.error === "ConflictingStart");
  assert.equal(r2.add(segs[0] as never).status, "duplicate");
  // Continuations before the Start that do not fit it are dropped when it arrives; the good ones kept.
  const r3 = new Reassembler();
  assert.equal(r3.add({ type: "TransactionContinuation", segmentIndex: 5, data: new Uint8Array(23) }).status, "incomplete");
  assert.equal(r3.add({ type: "TransactionContinuation", segmentIndex: 2, data: new Uint8Array(23) }).status, "incomplete");
  assert.equal(r3.add(segs[1] as never).status, "incomplete");
  assert.equal(r3.add(segs[0] as never).status, "incomplete");
  const done = r3.add(segs[2] as never);
  assert.ok(done.status === "complete");
  assert.deepEqual(done.pdu, pdu);
  // Size limit of the receiver.
  const small = new Reassembler(64);
  const big = small.add(segs[0] as never);
  assert.ok(big.status === "error" && big.error === "BadTotalLength");
});

test("decoder rejects malformed Generic Provisioning PDUs with typed errors", () => {
  assert.equal(decodeErr(""), "TooShort");
  assert.equal(decodeErr(new Uint8Array(25)), "TooLong");
  // Transaction Start (5.3.1.1).
  assert.equal(decodeErr("000002"), "TooShort");
  assert.equal(decodeErr("00000214"), "EmptySegment");
  assert.equal(decodeErr("0000001400"), "BadTotalLength"); // TotalLength 0
  assert.equal(decodeErr("0400021400"), "BadTotalLength"); // SegN 1 for 2 octets
  assert.equal(decodeErr("000015" + "00" + "00".repeat(20)), "BadTotalLength"); // 21 octets need SegN 1
  assert.equal(decodeErr("0000031400"), "BadSegmentLength"); // 3 octets announced, 1 present
  assert.equal(decodeErr("0400150000"), "BadSegmentLength"); // first of 2 segments must be 20 octets
  assert.equal(decodeErr("fc05be00" + "00".repeat(20)), "BadTotalLength"); // SegN 63, TotalLength 1470 > 1469
  assert.ok(decodeGenericProvPdu(unhex("fc05bd00" + "00".repeat(20))).ok); // 1469 octets: the largest
  // Transaction Acknowledgment (5.3.1.2).
  assert.equal(decodeErr("05"), "BadPadding");
  assert.equal(decodeErr("fd"), "BadPadding");
  assert.equal(decodeErr("0100"), "BadLength");
  assert.deepEqual(decodeOk(unhex("01")), { type: "TransactionAcknowledgment" });
  // Transaction Continuation (5.3.1.3).
  assert.equal(decodeErr("02aa"), "BadSegmentIndex"); // index 0
  assert.equal(decodeErr("06"), "EmptySegment");
  // Provisioning Bearer Control (5.3.1.4).
  assert.equal(decodeErr("0f"), "ReservedOpcode"); // 0x03
  assert.equal(decodeErr("ff00"), "ReservedOpcode"); // 0x3F
  assert.equal(decodeErr("03" + "00".repeat(15)), "BadLength");
  assert.equal(decodeErr("03" + "00".repeat(17)), "BadLength");
  assert.equal(decodeErr("0700"), "BadLength");
  assert.equal(decodeErr("0b"), "BadLength");
  assert.equal(decodeErr("0b0000"), "BadLength");
  // 5.3.1.4.3: Link Close is accepted whatever its Reason (0x03..0xFF: "Unrecognized").
  assert.deepEqual(decodeOk(unhex("0b02")), { type: "LinkClose", reason: 2 });
  assert.deepEqual(decodeOk(unhex("0b03")), { type: "LinkClose", reason: 3 });
  assert.deepEqual(decodeOk(unhex("0bff")), { type: "LinkClose", reason: 0xff });
  // PB-ADV framing (5.2.1).
  assert.equal(decodePbAdvPdu(unhex("23af585000")).ok, false);
  assert.equal(decodePbAdvPdu(new Uint8Array(30)).ok, false);
  assert.equal(decodePbAdvPdu(undefined as unknown as Uint8Array).ok, false);
  assert.equal(decodeGenericProvPdu(null as unknown as Uint8Array).ok, false);
});

test("encoder rejects out-of-range fields", () => {
  assert.throws(() => encodeGenericProvPdu({ type: "TransactionStart", segN: 64, totalLength: 1, fcs: 0, data: new Uint8Array(1) }), GenericProvError);
  assert.throws(() => encodeGenericProvPdu({ type: "TransactionStart", segN: 0, totalLength: 1, fcs: 256, data: new Uint8Array(1) }), GenericProvError);
  assert.throws(() => encodeGenericProvPdu({ type: "TransactionStart", segN: 0, totalLength: 21, fcs: 0, data: new Uint8Array(21) }), GenericProvError);
  assert.throws(() => encodeGenericProvPdu({ type: "TransactionContinuation", segmentIndex: 64, data: new Uint8Array(1) }), GenericProvError);
  assert.throws(() => encodeGenericProvPdu({ type: "TransactionContinuation", segmentIndex: 1, data: new Uint8Array(24) }), GenericProvError);
  assert.throws(() => encodeGenericProvPdu({ type: "LinkOpen", uuid: new Uint8Array(15) }), GenericProvError);
});

test("decoders and the reassembler never throw on random garbage", () => {
  const rnd = prng(7);
  let valid = 0;
  const r = new Reassembler();
  for (let n = 0; n < 50_000; n++) {
    const len = Math.floor(rnd() * 32);
    const b = randomBytes(rnd, len);
    // Bias octet 0 toward small fields so every GPCF / opcode path is exercised.
    if (len && rnd() < 0.5) b[0] = Math.floor(rnd() * 16);
    const g = decodeGenericProvPdu(b);
    if (g.ok) {
      valid++;
      assert.ok(b.length <= 24);
      if (g.pdu.type === "TransactionStart" || g.pdu.type === "TransactionContinuation") {
        const res = r.add(g.pdu);
        if (res.status === "complete") assert.equal(fcs(res.pdu), (g.pdu as { fcs?: number }).fcs ?? fcs(res.pdu));
        if (rnd() < 0.05) r.reset();
      }
      // Re-encoding a valid PDU gives the same octets.
      assert.equal(hex(encodeGenericProvPdu(g.pdu)), hex(b));
    } else {
      assert.equal(typeof g.error, "string");
    }
    decodePbAdvPdu(randomBytes(rnd, len));
  }
  assert.ok(valid > 1000);
});
