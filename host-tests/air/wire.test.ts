import { test } from "node:test";
import assert from "node:assert/strict";
import { decode, encode, ErrorCode, FrameReader, MAX_BODY, MsgType, ProtocolError, utf8Encode, type Message } from "../../host/air/wire.js";
import { hex, toHex } from "./helpers.js";

const samples: Message[] = [
  { kind: "hello", version: 1, name: "dev-1 ✓", address: hex("c01122334455"), scanIntervalMs: 30, scanWindowMs: 10 },
  { kind: "hello", version: 1, name: "x", address: null, scanIntervalMs: 0, scanWindowMs: 0 },
  { kind: "advertise", id: 0xfffffffe, adType: 0x29, count: 65535, intervalMs: 20.5, data: hex("23af5850000370cf7c9732a345b691494810d2e9cbf4") },
  { kind: "advertise", id: 1, adType: 0x2b, count: 1, intervalMs: 0, data: new Uint8Array(0) },
  { kind: "cancel", id: 7 },
  { kind: "scan", on: true },
  { kind: "scan", on: false },
  { kind: "waitUntil", time: 123.456, wakes: 3 },
  { kind: "waitUntil", time: Infinity, wakes: 0 },
  { kind: "bye" },
  { kind: "welcome", version: 1, mode: "virtual", now: 0, address: hex("c0ffee000001") },
  { kind: "welcome", version: 1, mode: "real", now: 1e6, address: hex("c0ffee000001") },
  { kind: "advDone", id: 9, time: 99.125 },
  { kind: "rx", time: 5.889, rssi: -50, channel: 38, adType: 0x29, data: hex("0102") },
  { kind: "time", time: 42 },
  { kind: "error", code: ErrorCode.MALFORMED, message: "bad frame" },
  { kind: "hubBye" },
];

function roundTrip(m: Message): Message {
  const r = new FrameReader();
  r.push(encode(m));
  const f = r.next()!;
  assert.equal(r.next(), null);
  return decode(f.type, f.body);
}

test("every message survives encode/decode", () => {
  for (const m of samples) assert.deepEqual(roundTrip(m), m);
});

test("byte layouts are exactly as documented (docs/air-protocol.md)", () => {
  // HELLO: len, type, version, flags, address[6], f64 scanInterval, f64 scanWindow, nameLen, name
  assert.equal(
    toHex(encode({ kind: "hello", version: 1, name: "ab", address: hex("c01122334455"), scanIntervalMs: 30, scanWindowMs: 0 })),
    "001c" + "01" + "01" + "01" + "c01122334455" + "403e000000000000" + "0000000000000000" + "02" + "6162",
  );
  // ADVERTISE: id u32, adType, count u16, f64 interval, dataLen, data
  assert.equal(
    toHex(encode({ kind: "advertise", id: 0x01020304, adType: 0x29, count: 3, intervalMs: 20, data: hex("aabb") })),
    "0013" + "02" + "01020304" + "29" + "0003" + "4034000000000000" + "02" + "aabb",
  );
  assert.equal(toHex(encode({ kind: "cancel", id: 5 })), "0005" + "03" + "00000005");
  assert.equal(toHex(encode({ kind: "scan", on: true })), "0002" + "04" + "01");
  assert.equal(toHex(encode({ kind: "waitUntil", time: Infinity, wakes: 2 })), "000d" + "05" + "7ff0000000000000" + "00000002");
  assert.equal(toHex(encode({ kind: "bye" })), "0001" + "06");
  assert.equal(toHex(encode({ kind: "welcome", version: 1, mode: "real", now: 1, address: hex("c0ffee000001") })), "0011" + "81" + "01" + "01" + "3ff0000000000000" + "c0ffee000001");
  assert.equal(toHex(encode({ kind: "advDone", id: 1, time: 2 })), "000d" + "82" + "00000001" + "4000000000000000");
  assert.equal(toHex(encode({ kind: "rx", time: 0.5, rssi: -50, channel: 39, adType: 0x2b, data: hex("00") })), "000e" + "83" + "3fe0000000000000" + "ce" + "27" + "2b" + "01" + "00");
  assert.equal(toHex(encode({ kind: "time", time: 0.25 })), "0009" + "84" + "3fd0000000000000");
  assert.equal(toHex(encode({ kind: "error", code: 6, message: "no" })), "0005" + "85" + "06" + "02" + "6e6f");
  assert.equal(toHex(encode({ kind: "hubBye" })), "0001" + "86");
  assert.equal(MsgType.HELLO, 1);
});

test("the reader reassembles frames split anywhere and separates frames sent together", () => {
  const all = Uint8Array.from(samples.flatMap((m) => [...encode(m)]));
  for (const step of [1, 2, 3, 7, 64, all.length]) {
    const r = new FrameReader();
    const out: Message[] = [];
    for (let i = 0; i < all.length; i += step) {
      r.push(all.subarray(i, i + step));
      for (let f = r.next(); f; f = r.next()) out.push(decode(f.type, f.body));
    }
    assert.deepEqual(out, samples);
    assert.equal(r.pending, 0);
  }
});

test("malformed input is a ProtocolError with the right code, never a crash", () => {
  const err = (fn: () => unknown, code: number) =>
    assert.throws(fn, (e: unknown) => e instanceof ProtocolError && e.code === code);
  const r0 = new FrameReader();
  r0.push(Uint8Array.of(0, 0));
  err(() => r0.next(), ErrorCode.MALFORMED);
  const r1 = new FrameReader();
  r1.push(Uint8Array.of((MAX_BODY + 2) >> 8, (MAX_BODY + 2) & 0xff));
  err(() => r1.next(), ErrorCode.MALFORMED);
  err(() => decode(0x7f, new Uint8Array(0)), ErrorCode.UNKNOWN_TYPE);
  err(() => decode(MsgType.CANCEL, new Uint8Array(3)), ErrorCode.MALFORMED);
  err(() => decode(MsgType.SCAN, Uint8Array.of(2)), ErrorCode.MALFORMED);
  err(() => decode(MsgType.HELLO, new Uint8Array(24)), ErrorCode.MALFORMED);
  const h = encode({ kind: "hello", version: 1, name: "abc", address: null, scanIntervalMs: 0, scanWindowMs: 0 }).subarray(3);
  err(() => decode(MsgType.HELLO, h.subarray(0, h.length - 1)), ErrorCode.MALFORMED); // name shorter than said
  const badFlags = h.slice();
  badFlags[1] = 0x80;
  err(() => decode(MsgType.HELLO, badFlags), ErrorCode.MALFORMED);
  const badName = h.slice();
  badName[25] = 0xff;
  err(() => decode(MsgType.HELLO, badName), ErrorCode.MALFORMED);
  const a = encode({ kind: "advertise", id: 1, adType: 1, count: 1, intervalMs: 1, data: hex("0102") }).subarray(3);
  err(() => decode(MsgType.ADVERTISE, a.subarray(0, a.length - 1)), ErrorCode.MALFORMED);
  err(() => decode(MsgType.ADVERTISE, Uint8Array.from([...a, 0])), ErrorCode.MALFORMED);
  err(() => decode(MsgType.WAIT_UNTIL, new Uint8Array(8)), ErrorCode.MALFORMED);
  err(() => decode(MsgType.BYE, new Uint8Array(1)), ErrorCode.MALFORMED);
  err(() => decode(MsgType.RX, new Uint8Array(11)), ErrorCode.MALFORMED);
  // Random garbage: only ProtocolError comes out.
  for (let i = 0; i < 2000; i++) {
    const type = [1, 2, 3, 4, 5, 6, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86][i % 12]!;
    const body = Uint8Array.from({ length: (i * 7) % 40 }, (_, j) => (i * 31 + j * 17) & 0xff);
    try {
      decode(type, body);
    } catch (e) {
      assert.ok(e instanceof ProtocolError, String(e));
    }
  }
  assert.deepEqual(utf8Encode("é✓😀"), new TextEncoder().encode("é✓😀"));
});
