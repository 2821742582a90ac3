/** The host driver against a scripted modem: version mismatch, credits, retransmission, lost events. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { VirtualClock } from "../../host/virtual-clock.js";
import { NodeCryptoPrimitives } from "../../host/node-crypto.js";
import { ModemDriver, ModemError } from "../../host/serial/driver.js";
import { FrameDecoder, FrameType, encodeFrame } from "../../modules/serial/frame.js";
import type { Frame } from "../../modules/serial/frame.js";
import { Op, Status, encodeEvent, encodeHelloResult } from "../../modules/serial/protocol.js";

function scripted() {
  const clock = new VirtualClock();
  const got: Frame[] = [];
  const dec = new FrameDecoder([FrameType.Command], (f) => got.push(f), () => assert.fail("bad frame from the driver"));
  const driver = new ModemDriver({ write: (b) => dec.push(b), clock, crypto: new NodeCryptoPrimitives(), hostTimeoutMs: 0 });
  const respond = (f: Frame, status: number, result: Uint8Array = new Uint8Array(0)) =>
    driver.receive(encodeFrame({ type: FrameType.Response, seq: f.seq, code: f.code, payload: Uint8Array.of(status, ...result) }));
  const flush = () => new Promise((r) => setImmediate(r));
  return { clock, got, driver, respond, flush };
}

const hello = (credits: number) => encodeHelloResult({ major: 1, minor: 1, maxPayload: 256, credits, maxLinks: 4, roles: 1 });

test("a modem of another major version: one line naming both versions", async () => {
  const s = scripted();
  const p = s.driver.connect();
  s.respond(s.got[0]!, Status.VersionMismatch, encodeHelloResult({ major: 2, minor: 1, maxPayload: 256, credits: 4, maxLinks: 4, roles: 1 }));
  await assert.rejects(p, (e: Error) => e instanceof ModemError && e.message === "the modem speaks serial protocol 2.1, this host 1.1");
});

test("credits: never more commands outstanding than the modem's credits; a response frees one", async () => {
  const s = scripted();
  const c = s.driver.connect();
  s.respond(s.got[0]!, Status.Ok, hello(2));
  await c;
  const before = s.got.length;
  const pings = [1, 2, 3, 4, 5].map(() => s.driver.command({ op: "ping" }));
  assert.equal(s.got.length - before, 2, "two in flight");
  s.respond(s.got[before]!, Status.Ok);
  assert.equal(s.got.length - before, 3);
  for (let i = before + 1; i < before + 5; i++) {
    s.respond(s.got[i]!, Status.Ok);
    await s.flush();
  }
  await Promise.all(pings);
  assert.equal(s.got.length - before, 5);
  assert.deepEqual(
    s.got.slice(before).map((f) => f.seq),
    [1, 2, 3, 4, 5],
  );
});

test("a lost response: the same command again with the same seq, then a one-line timeout", async () => {
  const s = scripted();
  const c = s.driver.connect();
  s.respond(s.got[0]!, Status.Ok, hello(4));
  await c;
  let err: unknown;
  s.driver.command({ op: "scan-start" }).catch((e) => (err = e));
  s.clock.runFor(1000);
  assert.equal(s.got.length, 3, "retransmitted once");
  assert.equal(s.got[1]!.seq, s.got[2]!.seq);
  assert.equal(s.got[2]!.code, Op.ScanStart);
  s.clock.runFor(1000);
  await s.flush();
  assert.ok(err instanceof ModemError);
  assert.equal((err as Error).message, "the modem did not answer SCAN_START within 1000 ms");
  // a refused command names the status and the modem's reason
  const p = s.driver.command({ op: "scan-stop" });
  s.respond(s.got[3]!, Status.InvalidState, new TextEncoder().encode("HELLO first"));
  await assert.rejects(p, /^ModemError: the modem refused SCAN_STOP: INVALID_STATE \(HELLO first\)$/);
});

test("events: a gap is asked again with REPLAY and the events handled in order; a gap REPLAY cannot fill is counted", async () => {
  const s = scripted();
  const c = s.driver.connect();
  s.respond(s.got[0]!, Status.Ok, hello(4));
  await c;
  const seen: string[] = [];
  s.driver.onEvent = (e) => seen.push(e.ev === "link-established" ? `link ${e.ctx}` : e.ev);
  const ev = (seq: number, ctx: number) => {
    const e = encodeEvent({ ev: "link-established", ctx });
    s.driver.receive(encodeFrame({ type: FrameType.Event, seq, code: e.code, payload: e.payload }));
  };
  ev(0, 0);
  ev(3, 3); // 1 and 2 lost
  const replay = s.got[s.got.length - 1]!;
  assert.equal(replay.code, Op.Replay);
  assert.deepEqual(replay.payload, Uint8Array.of(1));
  assert.deepEqual(seen, ["link 0"], "3 waits for 1 and 2");
  // the modem sends the response, then the replayed events
  s.respond(replay, Status.Ok);
  ev(1, 1);
  ev(2, 2);
  ev(3, 3); // a replayed duplicate
  await s.flush();
  assert.deepEqual(seen, ["link 0", "link 1", "link 2", "link 3"]);
  assert.equal(s.driver.lostEvents, 0);
  // a gap the modem no longer has: counted, and the held events go on
  ev(9, 9);
  const again = s.got[s.got.length - 1]!;
  assert.equal(again.code, Op.Replay);
  s.respond(again, Status.InvalidArgument, new TextEncoder().encode("no longer kept"));
  await s.flush();
  assert.equal(s.driver.lostEvents, 5);
  assert.deepEqual(seen.slice(4), ["link 9"]);
  // unknown or malformed events are ignored
  s.driver.receive(encodeFrame({ type: FrameType.Event, seq: 10, code: 0x7f, payload: new Uint8Array(3) }));
  assert.equal(seen.length, 5);
});

test("the modem restarting mid-provisioning: the provisioning ends with one line, the host must greet it again", async () => {
  const s = scripted();
  const c = s.driver.connect();
  s.respond(s.got[0]!, Status.Ok, hello(4));
  await c;
  const p = s.driver.provision(new Uint8Array(16).fill(1), { networkKey: new Uint8Array(16), keyIndex: 0, flags: { keyRefresh: false, ivUpdate: false }, ivIndex: 0, unicastAddress: 1 });
  s.respond(s.got[1]!, Status.Ok, Uint8Array.of(7, 0));
  await s.flush();
  assert.equal(s.driver.openLinks, 1);
  const started = encodeEvent({ ev: "started", major: 1, minor: 0, resetReason: 0 });
  s.driver.receive(encodeFrame({ type: FrameType.Event, seq: 0, code: started.code, payload: started.payload }));
  await assert.rejects(p, /^ProvisionFailed: the modem restarted; the link is lost$/);
  assert.equal(s.driver.openLinks, 0);
  assert.equal(s.driver.hello, undefined);
});

test("garbage from the modem's side (noise, a torn frame, a wrong CRC, a malformed event): the driver never throws and the next response gets through", async () => {
  const s = scripted();
  const c = s.driver.connect();
  s.respond(s.got[0]!, Status.Ok, hello(4));
  await c;
  const p = s.driver.command({ op: "ping" });
  const noise = new NodeCryptoPrimitives().randomBytes(4000);
  s.driver.receive(noise);
  const good = encodeFrame({ type: FrameType.Response, seq: s.got[1]!.seq, code: Op.Ping, payload: Uint8Array.of(Status.Ok, 0) });
  s.driver.receive(good.subarray(0, 5)); // torn
  s.driver.receive(Uint8Array.of(0));
  const bad = good.slice();
  bad[2]! ^= 0x40; // a wrong CRC
  s.driver.receive(bad);
  // a well-framed event whose payload does not parse: ignored
  s.driver.receive(encodeFrame({ type: FrameType.Event, seq: 0, code: 0x20, payload: Uint8Array.of(1) }));
  s.driver.receive(Uint8Array.of(0));
  s.driver.receive(good);
  assert.deepEqual(await p, Uint8Array.of(0));
});
