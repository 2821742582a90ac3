import { test } from "node:test";
import assert from "node:assert/strict";
import {
  FrameDecoder,
  FrameError,
  FrameType,
  MAX_ENCODED,
  MAX_PAYLOAD,
  cobsDecode,
  cobsEncode,
  crc16,
  encodeFrame,
} from "../../modules/serial/frame.js";
import type { Frame } from "../../modules/serial/frame.js";
import { seededRandom } from "../../host/node-crypto.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

function collector(accept: number[] = [FrameType.Command, FrameType.Response, FrameType.Event]) {
  const frames: Frame[] = [];
  const errors: number[] = [];
  const d = new FrameDecoder(accept, (f) => frames.push(f), (e) => errors.push(e));
  return { d, frames, errors };
}

test("CRC-16/CCITT-FALSE: the catalogue check value of '123456789' is 0x29B1", () => {
  assert.equal(crc16(new TextEncoder().encode("123456789")), 0x29b1);
  assert.equal(crc16(new Uint8Array(0)), 0xffff);
});

test("COBS: round trip, no 0x00 inside, overhead 1 byte per started 254 bytes", () => {
  const rnd = seededRandom(1);
  const cases: Uint8Array[] = [new Uint8Array(0), Uint8Array.of(0), Uint8Array.of(0, 0), new Uint8Array(253).fill(7), new Uint8Array(254).fill(7), new Uint8Array(255).fill(7), new Uint8Array(600).fill(1)];
  for (let n = 1; n < 600; n += 37) cases.push(rnd(n));
  for (let n = 1; n < 300; n += 29) cases.push(rnd(n).map((b) => (b < 128 ? 0 : b)));
  for (const c of cases) {
    const e = cobsEncode(c);
    assert.equal(e.indexOf(0), -1, "no zero in " + hex(c).slice(0, 20));
    assert.ok(e.length <= c.length + Math.ceil((c.length + 1) / 254), `overhead for ${c.length} bytes: ${e.length - c.length}`);
    assert.deepEqual(cobsDecode(e), c);
  }
  // the reference examples of the COBS paper's encoding rule
  assert.equal(hex(cobsEncode(Uint8Array.of(0x11, 0x22, 0x00, 0x33))), "0311220233");
  assert.equal(hex(cobsEncode(Uint8Array.of(0x00))), "0101");
  assert.equal(cobsDecode(Uint8Array.of(0x05, 0x11)), null, "a code past the end");
});

test("frame bytes: PING with seq 5 is the documented vector (docs/serial-protocol.md §3.4)", () => {
  const f = encodeFrame({ type: FrameType.Command, seq: 5, code: 0x02, payload: new Uint8Array(0) });
  assert.equal(hex(f), "040105020103786900");
  const { d, frames } = collector();
  d.push(f);
  assert.deepEqual(frames, [{ type: FrameType.Command, seq: 5, code: 2, payload: new Uint8Array(0) }]);
});

test("frames: round trip of every size up to the maximum payload, byte by byte", () => {
  const rnd = seededRandom(2);
  const { d, frames, errors } = collector();
  const sent: Frame[] = [];
  for (const n of [0, 1, 2, 100, 247, 248, 249, 253, 254, 255, MAX_PAYLOAD]) {
    const f: Frame = { type: FrameType.Event, seq: n & 0xff, code: 0x10, payload: rnd(n) };
    sent.push(f);
    const bytes = encodeFrame(f);
    assert.ok(bytes.length <= MAX_ENCODED + 1);
    for (const b of bytes) d.push(Uint8Array.of(b));
  }
  assert.deepEqual(errors, []);
  assert.deepEqual(frames, sent);
  assert.throws(() => encodeFrame({ type: FrameType.Event, seq: 0, code: 1, payload: new Uint8Array(MAX_PAYLOAD + 1) }), RangeError);
  assert.throws(() => encodeFrame({ type: 9 as FrameType, seq: 0, code: 1, payload: new Uint8Array(0) }), RangeError);
});

test("resynchronisation: garbage, a torn frame, a wrong CRC, an oversize frame, a wrong type; the next frame gets through", () => {
  const ping = (seq: number) => encodeFrame({ type: FrameType.Command, seq, code: 2, payload: Uint8Array.of(1, 2, 3) });
  const { d, frames, errors } = collector([FrameType.Command]);
  // garbage without a zero, then a frame: the garbage and the frame run together; the receiver drops the
  // merged frame, then the next one is fine.
  d.push(Uint8Array.of(0x41, 0x42, 0x43));
  d.push(ping(1));
  d.push(ping(2));
  // torn: the first half of a frame, then a whole frame (its delimiter ends the torn one)
  const p3 = ping(3);
  d.push(p3.subarray(0, 4));
  d.push(Uint8Array.of(0));
  d.push(ping(4));
  // a flipped bit: the CRC catches it
  const p5 = ping(5);
  p5[7]! ^= 0x10; // a payload byte
  d.push(p5);
  // oversize: more than MAX_ENCODED bytes before a delimiter
  d.push(new Uint8Array(MAX_ENCODED + 10).fill(0x55));
  d.push(Uint8Array.of(0));
  d.push(ping(6));
  // a response where only commands are accepted
  d.push(encodeFrame({ type: FrameType.Response, seq: 7, code: 2, payload: new Uint8Array(0) }));
  // a frame that is too short to have a header
  d.push(Uint8Array.of(0x03, 0x01, 0x02, 0x00));
  d.push(ping(8));
  assert.deepEqual(
    frames.map((f) => f.seq),
    [2, 4, 6, 8],
  );
  assert.equal(errors.length, 6);
  assert.ok(errors[0] === FrameError.Crc || errors[0] === FrameError.Length || errors[0] === FrameError.Cobs, "garbage glued to a frame: " + errors[0]);
  assert.ok([FrameError.Short, FrameError.Length, FrameError.Cobs].includes(errors[1] as 3), "torn: " + errors[1]);
  assert.deepEqual(errors.slice(2), [FrameError.Crc, FrameError.Oversize, FrameError.Type, FrameError.Short]);
  assert.equal(d.dropped, 6);
});

test("random garbage never throws and never yields a frame by accident", () => {
  const rnd = seededRandom(3);
  const { d, frames } = collector();
  for (let i = 0; i < 200; i++) d.push(rnd(1 + (i % 97) * 5));
  assert.equal(frames.length, 0);
  assert.ok(d.dropped > 50);
});
