import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AirHub, type AirEvent } from "../../host/air/hub.js";
import { AirClient } from "../../host/air/client.js";
import { encode, ErrorCode, MsgType, PROTOCOL_VERSION, type Message } from "../../host/air/wire.js";
import { eventLine, hex, memoryLogger, raw, toHex } from "./helpers.js";

type Rx = Extract<AirEvent, { type: "rx" }>;

/**
 * One in-process radio ("local") and two AirClient radios over TCP: local pings (adType 1); c1 answers the
 * first ping it hears 5 ms later (its own clock) with adType 2; c2 answers the first adType 2 at once with
 * adType 3; c2 also has a plain timer at 100 ms.
 */
async function remoteScenario(seed: number, harsh = false) {
  const logger = memoryLogger();
  const hub = new AirHub({ mode: "virtual", seed, logger, defaultLink: harsh ? { loss: 0.1, duplicate: 0.2, delayMs: 2 } : {} });
  const { port } = await hub.listen({ port: 0 });
  const hubLog: string[] = [];
  const rx: Rx[] = [];
  hub.observe((e) => {
    hubLog.push(eventLine(e));
    if (e.type === "rx") rx.push(e);
  });
  const local = hub.createRadio("local");
  const localGot: string[] = [];
  local.setReceiver((p) => localGot.push(`${p.adType} ${toHex(p.data)} @${p.time}`));

  const c1 = await AirClient.connect({ port: port!, name: "c1" });
  const c2 = await AirClient.connect({ port: port!, name: "c2" });
  assert.equal(c1.mode, "virtual");
  assert.equal(c1.clock.now(), 0);
  assert.equal(c1.address[0]! & 0xc0, 0xc0);
  const c1Log: string[] = [];
  const c2Log: string[] = [];
  let c1Replied = false;
  const echoes = new Map<string, number>();
  const echo = (c: AirClient, adType: number) => {
    // Both clients echo pings at once: their commands reach the hub at the same virtual instant.
    const n = echoes.get(c.name) ?? 0;
    echoes.set(c.name, n + 1);
    if (harsh && adType === 1 && n < 20) c.radio.advertise(4, hex(c.name === "c1" ? "e1" : "e2"), { count: 1, intervalMs: 20 });
  };
  c1.radio.setReceiver((p) => {
    c1Log.push(`got ${p.adType} @${p.time} clock ${c1.clock.now()} rssi ${p.rssi}`);
    echo(c1, p.adType);
    if (p.adType === 1 && !c1Replied) {
      c1Replied = true;
      c1.clock.setTimeout(() => {
        c1Log.push(`advertise @${c1.clock.now()}`);
        c1.radio.advertise(2, hex("c1c1"), { count: 3, intervalMs: 20 }, () => c1Log.push(`done @${c1.clock.now()}`));
      }, 5);
    }
  });
  let c2Replied = false;
  c2.radio.setReceiver((p) => {
    c2Log.push(`got ${p.adType} @${p.time} clock ${c2.clock.now()}`);
    echo(c2, p.adType);
    if (p.adType === 2 && !c2Replied) {
      c2Replied = true;
      c2.radio.advertise(3, hex("c2c2c2"), { count: 2, intervalMs: 20 });
    }
  });
  c2.clock.setTimeout(() => c2Log.push(`timer @${c2.clock.now()}`), 100);

  local.advertise(1, hex("0102"), { count: harsh ? 40 : 5, intervalMs: 20 });
  await hub.runUntil(1000);
  assert.equal(hub.clock.now(), 1000);
  const result = { hubLog, c1Log, c2Log, localGot, rx, counters: hub.counters, logger };
  await c1.close();
  await c2.close();
  await hub.close();
  return result;
}

test("remote radios over TCP exchange packets in virtual time with correct times", async () => {
  const r = await remoteScenario(42);
  // c1 heard pings; the times it saw are the hub's delivery times, and its clock stood at them.
  const c1Rx = r.rx.filter((e) => e.to === "c1");
  const c1Got = r.c1Log.filter((l) => l.startsWith("got"));
  assert.ok(c1Rx.length > 0);
  assert.deepEqual(c1Got, c1Rx.map((e) => `got ${e.adType} @${e.time} clock ${e.time} rssi ${e.rssi}`));
  // c1 answered 5 ms (its clock) after the first ping, and the answer went out advDelay after that.
  const firstPing = c1Rx.find((e) => e.adType === 1)!;
  assert.ok(r.c1Log.includes(`advertise @${firstPing.time + 5}`), r.c1Log.join("\n"));
  const c1Tx = r.hubLog.filter((l) => l.startsWith("tx c1 "));
  assert.equal(c1Tx.length, 9);
  const firstStart = Number(/ch37 ([\d.]+)-/.exec(c1Tx[0]!)![1]);
  assert.ok(firstStart >= firstPing.time + 5 && firstStart <= firstPing.time + 15, `c1 first event at ${firstStart}`);
  // c1's onDone came at the end of its last event.
  const lastEnd = Number(/-([\d.]+) /.exec(c1Tx[8]!)![1]);
  assert.ok(r.c1Log.includes(`done @${lastEnd}`), r.c1Log.join("\n"));
  // c2's plain timer fired at exactly 100 ms on its clock.
  assert.ok(r.c2Log.includes("timer @100"));
  // c2 answered c1; local heard c2's answer.
  assert.ok(r.hubLog.some((l) => l.startsWith("tx c2 ")));
  assert.ok(r.localGot.some((l) => l.startsWith("3 c2c2c2 @")), r.localGot.join("\n"));
  assert.equal(r.logger.lines.filter((l) => l.level === "error").length, 0);
});

test("remote radios are deterministic: the same seed twice gives identical logs on every side", async () => {
  const one = await remoteScenario(7, true);
  const two = await remoteScenario(7, true);
  assert.ok(one.hubLog.filter((l) => l.startsWith("tx c1 ") && l.endsWith(" 4 e1")).length > 0);
  assert.ok(one.hubLog.filter((l) => l.startsWith("tx c2 ") && l.endsWith(" 4 e2")).length > 0);
  assert.ok(one.counters.lostLink > 0 && one.counters.duplicated > 0);
  assert.deepEqual(two.hubLog, one.hubLog);
  assert.deepEqual(two.c1Log, one.c1Log);
  assert.deepEqual(two.c2Log, one.c2Log);
  assert.deepEqual(two.localGot, one.localGot);
  assert.deepEqual(two.counters, one.counters);
});

test("an AirClient in a child process joins, hears, answers on its own clock and leaves on BYE", async () => {
  const hub = new AirHub({ mode: "virtual", seed: 9, logger: memoryLogger() });
  const { port } = await hub.listen({});
  const child = spawn(process.execPath, ["--import", "tsx", "host-tests/air/child-client.ts", String(port), "kid"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((res) => child.on("exit", (code) => res(code)));
  try {
    // Wait until the child has joined (its HELLO arrives when it has started up).
    for (let i = 0; i < 400 && hub.remoteCount === 0; i++) await new Promise((r) => setTimeout(r, 25));
    assert.equal(hub.remoteCount, 1, "the child did not connect");
    const local = hub.createRadio("local");
    const got: Array<{ adType: number; time: number }> = [];
    local.setReceiver((p) => got.push(p));
    const rx: Rx[] = [];
    hub.observe((e) => {
      if (e.type === "rx") rx.push(e);
    });
    local.advertise(1, hex("abcd"), { count: 4, intervalMs: 20 });
    await hub.runUntil(500);
    const answer = got.filter((p) => p.adType === 3);
    assert.ok(answer.length > 0, "no answer from the child");
    await hub.close();
    assert.equal(await exited, 0);
    const lines = out.trim().split("\n").map((l) => JSON.parse(l) as Record<string, number | string>);
    assert.deepEqual(lines[0], { event: "welcome", mode: "virtual", now: 0 });
    const kidRx = lines.filter((l) => l.event === "rx");
    assert.deepEqual(
      kidRx.map((l) => [l.adType, l.time, l.clock]),
      rx.filter((e) => e.to === "kid").map((e) => [e.adType, e.time, e.time]),
    );
    const adv = lines.find((l) => l.event === "advertise")!;
    assert.equal(adv.clock, (kidRx[0]!.time as number) + 2);
    assert.ok(answer[0]!.time > (adv.clock as number));
    assert.ok(lines.some((l) => l.event === "done"));
    assert.equal(lines[lines.length - 1]!.event, "closed");
  } finally {
    child.kill();
    await hub.close();
  }
});

test("a Unix socket works the same", async () => {
  const dir = mkdtempSync(join(tmpdir(), "air-"));
  const path = join(dir, "hub.sock");
  try {
    const hub = new AirHub({ mode: "virtual", seed: 1, logger: memoryLogger() });
    assert.deepEqual(await hub.listen({ path }), { path });
    const c = await AirClient.connect({ path, name: "u" });
    const local = hub.createRadio("local");
    let n = 0;
    c.radio.setReceiver(() => n++);
    local.advertise(1, hex("01"), { count: 10, intervalMs: 20 });
    await hub.runUntil(400);
    assert.ok(n > 0);
    await c.close();
    await hub.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ------------------------------------------------------------------ raw protocol and errors

const hello = (name: string, version = PROTOCOL_VERSION) =>
  encode({ kind: "hello", version, name, address: null, scanIntervalMs: 0, scanWindowMs: 0 });

test("protocol errors: the connection gets ERROR and is closed, the error is logged, the hub keeps running", async () => {
  const logger = memoryLogger();
  const hub = new AirHub({ mode: "virtual", seed: 5, logger });
  const { port } = await hub.listen({});
  hub.createRadio("taken");

  const cases: Array<{ what: string; frames: Uint8Array[]; code: number }> = [
    { what: "frame length 0", frames: [Uint8Array.of(0, 0)], code: ErrorCode.MALFORMED },
    { what: "frame too long", frames: [Uint8Array.of(0x03, 0xe8, 1)], code: ErrorCode.MALFORMED },
    { what: "unknown type", frames: [Uint8Array.of(0, 1, 0x7f)], code: ErrorCode.UNKNOWN_TYPE },
    { what: "command before HELLO", frames: [encode({ kind: "scan", on: true })], code: ErrorCode.UNEXPECTED },
    { what: "wrong protocol version", frames: [hello("v", 9)], code: ErrorCode.VERSION },
    { what: "name in use", frames: [hello("taken")], code: ErrorCode.NAME_IN_USE },
    { what: "HELLO with a short name field", frames: [Uint8Array.of(0, 26, MsgType.HELLO, 1, 0, ...new Array(22).fill(0), 5, 0x41, 0x42)], code: ErrorCode.MALFORMED },
    { what: "HELLO twice", frames: [hello("twice"), hello("twice2")], code: ErrorCode.UNEXPECTED },
    {
      what: "AD data too long",
      frames: [hello("long"), encode({ kind: "advertise", id: 1, adType: 0x29, count: 1, intervalMs: 20, data: new Uint8Array(30) })],
      code: ErrorCode.BAD_ARGUMENT,
    },
    {
      what: "count 0",
      frames: [hello("zero"), encode({ kind: "advertise", id: 1, adType: 0x29, count: 0, intervalMs: 20, data: new Uint8Array(3) })],
      code: ErrorCode.BAD_ARGUMENT,
    },
    { what: "SCAN value 2", frames: [hello("scan2"), Uint8Array.of(0, 2, MsgType.SCAN, 2)], code: ErrorCode.MALFORMED },
    { what: "CANCEL with a short body", frames: [hello("cancel"), Uint8Array.of(0, 3, MsgType.CANCEL, 0, 1)], code: ErrorCode.MALFORMED },
    { what: "WAIT_UNTIL NaN", frames: [hello("nan"), encode({ kind: "waitUntil", time: NaN, wakes: 1 })], code: ErrorCode.BAD_ARGUMENT },
    { what: "WAIT_UNTIL for wakes never sent", frames: [hello("wakes"), encode({ kind: "waitUntil", time: 5, wakes: 7 })], code: ErrorCode.BAD_ARGUMENT },
    { what: "a hub message from a client", frames: [hello("hubmsg"), encode({ kind: "time", time: 1 })], code: ErrorCode.UNEXPECTED },
  ];
  for (const c of cases) {
    const before = logger.lines.filter((l) => l.level === "error").length;
    const r = await raw(port!);
    for (const f of c.frames) r.send(f);
    const err = (await r.waitFor((m) => m.kind === "error")) as Extract<Message, { kind: "error" }>;
    assert.equal(err.code, c.code, `${c.what}: ${err.message}`);
    await r.closed;
    assert.equal(logger.lines.filter((l) => l.level === "error").length, before + 1, `${c.what}: one error logged`);
  }
  // Every failed client's radio has left the air; only "taken" is there.
  assert.deepEqual(hub.radioNames(), ["taken"]);
  assert.equal(hub.remoteCount, 0);

  // The hub still works.
  const good = await AirClient.connect({ port: port!, name: "good" });
  let n = 0;
  good.radio.setReceiver(() => n++);
  hub.radio("taken")!.advertise(1, hex("00"), { count: 10, intervalMs: 20 });
  await hub.runUntil(500);
  assert.ok(n > 0);
  await good.close();
  await hub.close();
});

test("a frame split across many writes, and several frames in one write, are both read", async () => {
  const hub = new AirHub({ mode: "virtual", seed: 5, logger: memoryLogger() });
  const { port } = await hub.listen({});
  const r = await raw(port!);
  const bytes = hello("split");
  for (const b of bytes) {
    r.send([b]);
    await new Promise((res) => setImmediate(res));
  }
  const w = (await r.waitFor((m) => m.kind === "welcome")) as Extract<Message, { kind: "welcome" }>;
  assert.equal(w.mode, "virtual");
  assert.equal(w.now, 0);
  // Acknowledge WELCOME and switch scanning on, in one write.
  r.send([...encode({ kind: "scan", on: true }), ...encode({ kind: "waitUntil", time: Infinity, wakes: 1 })]);
  const local = hub.createRadio("local");
  local.advertise(0x2b, hex("00112233"), { count: 3, intervalMs: 20 });
  // The hub waits for this client to acknowledge each RX: acknowledge as they come.
  let acked = 1;
  const done = hub.runUntil(200);
  for (;;) {
    const got = r.frames.filter((m) => m.kind === "rx").length;
    if (got > acked - 1) {
      acked = got + 1;
      r.send(encode({ kind: "waitUntil", time: Infinity, wakes: acked }));
    }
    if (await Promise.race([done.then(() => true), new Promise<boolean>((res) => setTimeout(() => res(false), 5))])) break;
  }
  const rxs = r.frames.filter((m) => m.kind === "rx") as Array<Extract<Message, { kind: "rx" }>>;
  assert.ok(rxs.length >= 1);
  assert.equal(toHex(rxs[0]!.data), "00112233");
  assert.equal(rxs[0]!.adType, 0x2b);
  assert.ok([37, 38, 39].includes(rxs[0]!.channel));
  r.socket.destroy();
  await hub.close();
});

test("the hub waits for a busy client, and stops waiting when it disconnects", async () => {
  const hub = new AirHub({ mode: "virtual", seed: 5, logger: memoryLogger() });
  const { port } = await hub.listen({});
  const r = await raw(port!);
  r.send(hello("silent")); // never acknowledges WELCOME
  await r.waitFor((m) => m.kind === "welcome");
  let finished = false;
  const run = hub.runUntil(100).then(() => (finished = true));
  await new Promise((res) => setTimeout(res, 50));
  assert.equal(finished, false);
  assert.equal(hub.clock.now(), 0);
  r.socket.destroy();
  await run;
  assert.equal(hub.clock.now(), 100);
  await hub.close();
});

test("a client refused at HELLO gets AirError from connect()", async () => {
  const hub = new AirHub({ mode: "virtual", seed: 5, logger: memoryLogger() });
  const { port } = await hub.listen({});
  hub.createRadio("dup");
  await assert.rejects(AirClient.connect({ port: port!, name: "dup" }), /refused/);
  await hub.close();
});

test("hub.close() says BYE to clients", async () => {
  const hub = new AirHub({ mode: "virtual", seed: 5, logger: memoryLogger() });
  const { port } = await hub.listen({});
  const c = await AirClient.connect({ port: port!, name: "x" });
  await hub.close();
  assert.deepEqual(await c.closed, {});
  assert.throws(() => c.radio.advertise(1, hex("00"), { count: 1, intervalMs: 20 }), /closed/);
});

test("start(): a free-running virtual hub with only remote radios, time driven by the clients' timers", async () => {
  const hub = new AirHub({ mode: "virtual", seed: 6, logger: memoryLogger() });
  const { port } = await hub.listen({});
  const c1 = await AirClient.connect({ port: port!, name: "c1" });
  const c2 = await AirClient.connect({ port: port!, name: "c2" });
  const heard = new Promise<{ time: number; clock: number }>((res) => c2.radio.setReceiver((p) => res({ time: p.time, clock: c2.clock.now() })));
  let advertisedAt = -1;
  c1.clock.setTimeout(() => {
    advertisedAt = c1.clock.now();
    c1.radio.advertise(1, hex("77"), { count: 50, intervalMs: 20 });
  }, 1000);
  const running = hub.start();
  const got = await heard;
  hub.stop();
  await running;
  assert.equal(advertisedAt, 1000);
  assert.ok(got.time > 1000 && got.time < 1200, `heard at ${got.time}`);
  assert.equal(got.clock, got.time);
  await c1.close();
  await c2.close();
  await hub.close();
});

test("host/air/hub-main.ts: a standalone hub that clients join, closed by SIGTERM", async () => {
  const child = spawn(process.execPath, ["--import", "tsx", "host/air/hub-main.ts", "--port", "0", "--seed", "3"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((res) => child.on("exit", (code) => res(code)));
  try {
    const first = await new Promise<string>((res, rej) => {
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("\n")) res(out.split("\n")[0]!);
      });
      child.on("exit", () => rej(new Error("hub-main exited early")));
    });
    const info = JSON.parse(first) as { listening: { port: number }; mode: string; seed: number };
    assert.equal(info.mode, "virtual");
    const a = await AirClient.connect({ port: info.listening.port, name: "a" });
    const b = await AirClient.connect({ port: info.listening.port, name: "b" });
    const got = new Promise<number>((res) => b.radio.setReceiver((p) => res(p.time)));
    a.radio.advertise(0x2b, hex("00"), { count: 20, intervalMs: 20 });
    assert.ok((await got) > 0);
    child.kill("SIGTERM");
    assert.equal(await exited, 0);
    assert.deepEqual(await a.closed, {});
    await b.closed;
  } finally {
    child.kill();
  }
});
