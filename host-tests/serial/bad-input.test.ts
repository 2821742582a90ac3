/**
 * The modem against a hostile or broken host, frame by frame (docs/serial-protocol.md §1.4-§1.8, §2.1):
 * every case gets the documented status or event, and the modem keeps working.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { AirHub } from "../../host/air/hub.js";
import { NodeCryptoPrimitives, seededRandom } from "../../host/node-crypto.js";
import { AdvBearer, pbAdvBearer } from "../../modules/bearer/adv.js";
import { PbAdv } from "../../modules/bearer/pb-adv.js";
import { provisionerRole } from "../../modules/prov/provisioner.js";
import { MeshModem } from "../../modules/serial/modem.js";
import { FrameDecoder, FrameError, FrameType, MAX_ENCODED, encodeFrame } from "../../modules/serial/frame.js";
import type { Frame } from "../../modules/serial/frame.js";
import { Ev, Op, Status, decodeEvent, decodeHelloResult, encodeCommand } from "../../modules/serial/protocol.js";
import type { Command } from "../../modules/serial/protocol.js";

function bench(o: { maxLinks?: number } = {}) {
  const hub = new AirHub({ mode: "virtual", seed: 1, logger: { log() {} } });
  const crypto = new NodeCryptoPrimitives({ random: seededRandom(1) });
  const radio = hub.createRadio("modem");
  const adv = new AdvBearer(radio, hub.clock);
  const pbAdv = new PbAdv(adv, hub.clock, crypto, {});
  const out: Frame[] = [];
  const dec = new FrameDecoder([FrameType.Response, FrameType.Event], (f) => out.push(f), () => assert.fail("the modem sent a bad frame"));
  const modem = new MeshModem({ port: { write: (b) => dec.push(b) }, clock: hub.clock, crypto, bearer: pbAdvBearer(pbAdv, adv, hub.clock), provisioner: provisionerRole, ...o });
  let seq = 0;
  /** Send a command (or raw bytes); returns the response's status and result, and the events that came. */
  const send = (c: Command | { code: number; payload: Uint8Array }, sameSeq = false) => {
    const { code, payload } = "op" in c ? encodeCommand(c) : c;
    if (!sameSeq) seq = (seq + 1) & 0xff;
    const from = out.length;
    modem.receive(encodeFrame({ type: FrameType.Command, seq, code, payload }));
    const got = out.slice(from);
    const responses = got.filter((f) => f.type === FrameType.Response);
    assert.equal(responses.length, 1, "exactly one response");
    assert.equal(responses[0]!.seq, seq);
    assert.equal(responses[0]!.code, code);
    return { status: responses[0]!.payload[0], result: responses[0]!.payload.slice(1), events: got.filter((f) => f.type === FrameType.Event) };
  };
  const hello = () => send({ op: "hello", major: 1, minor: 0, hostTimeoutMs: 0 });
  return { hub, crypto, modem, out, send, hello };
}

const text = (b: Uint8Array) => Buffer.from(b).toString("latin1");
const key = () => new NodeCryptoPrimitives().p256GenerateKeyPair().publicKey;
const data = { networkKey: new Uint8Array(16).fill(1), keyIndex: 0, flags: { keyRefresh: false, ivUpdate: false }, ivIndex: 0, unicastAddress: 0x0100 };
const uuid = (n: number) => new Uint8Array(16).fill(n);

test("STARTED at start; every command before HELLO is INVALID_STATE; HELLO answers the documented fields", () => {
  const b = bench();
  b.modem.start();
  assert.equal(b.out[0]!.type, FrameType.Event);
  assert.deepEqual(decodeEvent(b.out[0]!.code, b.out[0]!.payload), { ev: "started", major: 1, minor: 1, resetReason: 0 });
  for (const c of [{ op: "ping" }, { op: "scan-start" }, { op: "link-close", ctx: 1 }] as Command[]) {
    const r = b.send(c);
    assert.equal(r.status, Status.InvalidState);
    assert.match(text(r.result), /HELLO first/);
  }
  const h = b.hello();
  assert.equal(h.status, Status.Ok);
  assert.deepEqual(decodeHelloResult(h.result), { major: 1, minor: 1, maxPayload: 256, credits: 4, maxLinks: 4, roles: 1 });
  assert.equal(b.send({ op: "ping" }).status, Status.Ok);
});

test("HELLO with another major version: VERSION_MISMATCH with the modem's version, and still un-greeted", () => {
  const b = bench();
  const r = b.send({ op: "hello", major: 2, minor: 3, hostTimeoutMs: 0 });
  assert.equal(r.status, Status.VersionMismatch);
  assert.equal(decodeHelloResult(r.result).major, 1);
  assert.equal(b.send({ op: "ping" }).status, Status.InvalidState);
});

test("unknown command, wrong lengths, bad values: the documented status, nothing changes", () => {
  const b = bench();
  b.hello();
  assert.equal(b.send({ code: 0x7e, payload: new Uint8Array(3) }).status, Status.UnknownCommand);
  assert.equal(b.send({ code: 0x2f, payload: new Uint8Array(0) }).status, Status.UnknownCommand, "codes 0x25..0x2F are reserved");
  assert.equal(b.send({ code: Op.NetSetup, payload: new Uint8Array(40) }).status, Status.InvalidLength);
  assert.equal(b.send({ code: Op.Send, payload: new Uint8Array(10) }).status, Status.InvalidLength);
  assert.equal(b.send({ code: Op.NetStateGet, payload: new Uint8Array(0) }).status, Status.NotSupported, "a modem without a mesh node");
  assert.equal(b.send({ code: Op.Provision, payload: new Uint8Array(105) }).status, Status.InvalidLength);
  assert.equal(b.send({ code: Op.Ping, payload: new Uint8Array(1) }).status, Status.InvalidLength);
  assert.equal(b.send({ code: Op.AuthData, payload: new Uint8Array(2) }).status, Status.InvalidLength);
  // PROVISION with a public key that is not a P-256 point
  assert.equal(b.send({ op: "provision", uuid: uuid(1), attentionDuration: 0, publicKey: new Uint8Array(64).fill(7), data }).status, Status.InvalidArgument);
  // PROVISION with a bad unicast address (checked by the API)
  assert.equal(b.send({ op: "provision", uuid: uuid(1), attentionDuration: 0, publicKey: key(), data: { ...data, unicastAddress: 0 } }).status, Status.InvalidArgument);
  // flags with RFU bits
  const p = encodeCommand({ op: "provision", uuid: uuid(1), attentionDuration: 0, publicKey: key(), data });
  p.payload[16 + 1 + 64 + 16 + 2] = 0x80;
  assert.equal(b.send(p).status, Status.InvalidArgument);
  // contexts that do not exist
  assert.equal(b.send({ op: "ecdh-secret", ctx: 42, secret: new Uint8Array(32) }).status, Status.InvalidArgument);
  assert.equal(b.send({ op: "oob-use", ctx: 42, params: { algorithm: 0, publicKey: 0, method: 0, action: 0, size: 0 } }).status, Status.InvalidArgument);
  assert.equal(b.send({ op: "auth-data", ctx: 42, value: 5 }).status, Status.InvalidArgument);
  assert.equal(b.send({ code: Op.AuthData, payload: Uint8Array.of(1, 0, 9, 1) }).status, Status.InvalidArgument, "unknown OOB value kind");
  // the provisionee role is not built into this modem
  assert.equal(b.send({ op: "listen", uuid: uuid(1), oobInfo: 0 }).status, Status.NotSupported);
  assert.equal(b.send({ op: "listen-stop" }).status, Status.NotSupported);
  assert.equal(b.modem.openLinks, 0);
  assert.equal(b.send({ op: "ping" }).status, Status.Ok);
});

test("commands in the wrong state on a live link: INVALID_STATE, the link goes on", () => {
  const b = bench();
  b.hello();
  const r = b.send({ op: "provision", uuid: uuid(2), attentionDuration: 0, publicKey: key(), data });
  assert.equal(r.status, Status.Ok);
  const ctx = r.result[0]! | (r.result[1]! << 8);
  assert.equal(b.send({ op: "ecdh-secret", ctx, secret: new Uint8Array(32) }).status, Status.InvalidState, "no ECDH request yet");
  assert.equal(b.send({ op: "oob-use", ctx, params: { algorithm: 0, publicKey: 0, method: 0, action: 0, size: 0 } }).status, Status.InvalidState, "no capabilities yet");
  assert.equal(b.send({ op: "auth-data", ctx, value: new Uint8Array(16) }).status, Status.InvalidState);
  assert.equal(b.send({ op: "provision", uuid: uuid(2), attentionDuration: 0, publicKey: key(), data }).status, Status.InvalidState, "a second link to the same UUID");
  assert.equal(b.send({ op: "init", unprovisionedReportIntervalMs: 1000 }).status, Status.InvalidState, "INIT with a link open");
  assert.equal(b.modem.openLinks, 1);
  // LINK_CLOSE ends it with LINK_CLOSED
  assert.equal(b.send({ op: "link-close", ctx }).status, Status.Ok);
  b.hub.virtualClock.runFor(2000);
  const closed = b.out.filter((f) => f.type === FrameType.Event && f.code === Ev.LinkClosed).map((f) => decodeEvent(f.code, f.payload));
  assert.deepEqual(closed, [{ ev: "link-closed", ctx, reason: 2, byPeer: false }]);
  assert.equal(b.modem.openLinks, 0);
  assert.equal(b.send({ op: "init", unprovisionedReportIntervalMs: 1000 }).status, Status.Ok);
});

test("all links in use: NO_RESOURCES with the reason", () => {
  const b = bench({ maxLinks: 2 });
  b.hello();
  assert.equal(b.send({ op: "provision", uuid: uuid(1), attentionDuration: 0, publicKey: key(), data }).status, Status.Ok);
  assert.equal(b.send({ op: "provision", uuid: uuid(2), attentionDuration: 0, publicKey: key(), data }).status, Status.Ok);
  const r = b.send({ op: "provision", uuid: uuid(3), attentionDuration: 0, publicKey: key(), data });
  assert.equal(r.status, Status.NoResources);
  assert.match(text(r.result), /all 2 links in use/);
});

test("a retransmitted command (same seq and code) is answered again and not executed twice", () => {
  const b = bench();
  b.hello();
  const first = b.send({ op: "provision", uuid: uuid(5), attentionDuration: 0, publicKey: key(), data });
  const again = b.send({ op: "provision", uuid: uuid(5), attentionDuration: 0, publicKey: key(), data }, true);
  assert.equal(first.status, Status.Ok);
  assert.deepEqual(again.result, first.result, "the same response");
  assert.equal(again.status, Status.Ok, "not INVALID_STATE: it was not executed again");
  assert.equal(b.modem.openLinks, 1);
});

test("garbage, a wrong CRC, a torn frame, an oversize frame: FRAME_ERROR (rate-limited), then the modem answers the next command", () => {
  const b = bench();
  b.hello();
  const errs = () => b.out.filter((f) => f.code === Ev.FrameError && f.type === FrameType.Event).map((f) => decodeEvent(f.code, f.payload));
  b.modem.receive(Uint8Array.of(0x13, 0x37, 0x00));
  // 0x13 says 18 data bytes follow, 1 does
  assert.deepEqual(errs(), [{ ev: "frame-error", reason: FrameError.Cobs, droppedTotal: 1 }]);
  // within 100 ms: counted, not reported
  const bad = encodeFrame({ type: FrameType.Command, seq: 9, code: Op.Ping, payload: new Uint8Array(0) });
  bad[3]! ^= 1;
  b.modem.receive(bad);
  assert.equal(errs().length, 1);
  b.hub.virtualClock.runFor(150);
  const torn = encodeFrame({ type: FrameType.Command, seq: 10, code: Op.Ping, payload: new Uint8Array(4).fill(1) });
  b.modem.receive(torn.subarray(0, 5));
  b.modem.receive(Uint8Array.of(0));
  assert.equal(errs().length, 2);
  assert.deepEqual(errs()[1], { ev: "frame-error", reason: (errs()[1] as { reason: number }).reason, droppedTotal: 3 });
  b.hub.virtualClock.runFor(150);
  b.modem.receive(new Uint8Array(MAX_ENCODED * 3).fill(0x41));
  b.modem.receive(Uint8Array.of(0));
  assert.deepEqual(errs()[2], { ev: "frame-error", reason: FrameError.Oversize, droppedTotal: 4 });
  assert.equal(b.modem.droppedFrames, 4);
  assert.equal(b.send({ op: "ping" }).status, Status.Ok);
});

test("random noise for a long time: no exception, no response, and the modem still works", () => {
  const b = bench();
  b.hello();
  const rnd = seededRandom(77);
  for (let i = 0; i < 500; i++) {
    b.modem.receive(rnd(1 + (i % 300)));
    if (i % 50 === 0) b.hub.virtualClock.runFor(200);
  }
  b.modem.receive(Uint8Array.of(0));
  assert.equal(b.out.filter((f) => f.type === FrameType.Response).length, 1, "only HELLO's response");
  assert.equal(b.send({ op: "ping" }).status, Status.Ok);
});

test("REPLAY sends the kept events again with their numbers; PING tells the next event number; older ones are refused", () => {
  const b = bench();
  b.modem.start(); // event 0
  b.hello();
  for (let i = 0; i < 3; i++) b.modem.receive(Uint8Array.of(0x13, 0x37, 0x00)); // FRAME_ERROR: events 1 (then rate-limited)
  b.hub.virtualClock.runFor(200);
  b.modem.receive(Uint8Array.of(0x13, 0x37, 0x00)); // event 2
  const events = b.out.filter((f) => f.type === FrameType.Event);
  assert.deepEqual(events.map((f) => f.seq), [0, 1, 2]);
  const ping = b.send({ op: "ping" });
  assert.deepEqual(ping.result, Uint8Array.of(3), "the next event is number 3");
  const r = b.send({ op: "replay", fromSeq: 1 });
  assert.equal(r.status, Status.Ok);
  assert.deepEqual(r.events, events.slice(1), "events 1 and 2 again, same numbers and bytes");
  assert.equal(b.send({ op: "replay", fromSeq: 3 }).events.length, 0, "nothing missing: nothing sent");
  const old = b.send({ op: "replay", fromSeq: 200 });
  assert.equal(old.status, Status.InvalidArgument);
  assert.match(text(old.result), /no longer kept/);
});
