/**
 * The XS host runtime's client of the air hub (native/air/air_client.c over TCP, native/xs/host/xsr_air.c):
 * a fake hub speaking the wire protocol (docs/air-protocol.md) checks what the runtime sends and how its clock
 * and timers follow the hub's virtual time; bad input from the hub (malformed frames, unknown types, a hub
 * ERROR) is a clean error (exit status 4 and a message), never a crash, also under AddressSanitizer/UBSan; the
 * hub's BYE ends the runtime with status 0. Then the real hub (host/air/hub.ts) with an in-process radio.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import type { Socket } from "node:net";
import { AirHub } from "../../host/air/hub.js";
import { decode, encode, FrameReader } from "../../host/air/wire.js";
import type { Message } from "../../host/air/wire.js";
import { prepare, prepareSanitized, skipReason } from "./xs-harness.js";

const skip = skipReason();

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the air-client fixture against a server on a free port; `serve` speaks for the hub. */
async function withFakeHub(serve: (socket: Socket, next: () => Promise<Message>) => Promise<void> | void, xsrun?: string): Promise<Run> {
  const b = await prepare();
  const server = createServer();
  await new Promise<void>((res) => server.listen(0, "127.0.0.1", res));
  const port = (server.address() as { port: number }).port;
  server.on("connection", (socket) => {
    const reader = new FrameReader();
    const queue: Message[] = [];
    const waiters: ((m: Message) => void)[] = [];
    socket.on("data", (chunk: Buffer) => {
      reader.push(new Uint8Array(chunk));
      for (let f = reader.next(); f; f = reader.next()) {
        const m = decode(f.type, f.body);
        const w = waiters.shift();
        if (w) w(m);
        else queue.push(m);
      }
    });
    socket.on("error", () => {});
    const next = () => new Promise<Message>((res) => (queue.length ? res(queue.shift()!) : waiters.push(res)));
    void serve(socket, next);
  });
  const child = spawn(xsrun ?? b.xsrun, ["--air", `127.0.0.1:${port}`, "--name", "dut", "-I", b.app, b.fixtures, "host-tests/xs/fixtures/air-client"], {
    env: { ...process.env, ASAN_OPTIONS: "detect_leaks=0" },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  const status = await new Promise<number | null>((res) => child.on("close", (code) => res(code)));
  clearTimeout(timer);
  server.close();
  return { status, stdout, stderr };
}

const welcome = (now = 100): Uint8Array => encode({ kind: "welcome", version: 1, mode: "virtual", now, address: new Uint8Array([0xc1, 2, 3, 4, 5, 6]) });
const frame = (type: number, body: number[]): Uint8Array => new Uint8Array([(body.length + 1) >> 8, (body.length + 1) & 0xff, type, ...body]);

test("air client: HELLO, then SCAN/ADVERTISE/WAIT_UNTIL; the clock and the timers follow the hub's virtual time", { skip }, async () => {
  const seen: Message[] = [];
  const r = await withFakeHub(async (socket, next) => {
    const hello = await next();
    seen.push(hello);
    socket.write(welcome(100));
    // the app sets itself up: SCAN(1), ADVERTISE, then WAIT_UNTIL(its timer at 600, 1 wake handled)
    let m: Message;
    do {
      m = await next();
      seen.push(m);
    } while (m.kind !== "waitUntil");
    socket.write(encode({ kind: "rx", time: 150.25, rssi: -40, channel: 38, adType: 0x29, data: new Uint8Array([1, 2, 3]) }));
    m = await next();
    seen.push(m);
    const adv = seen.find((x) => x.kind === "advertise") as Extract<Message, { kind: "advertise" }>;
    socket.write(encode({ kind: "advDone", id: adv.id, time: 420 }));
    m = await next();
    seen.push(m);
    socket.write(encode({ kind: "time", time: 600 })); // the timer's time
    m = await next();
    seen.push(m);
    socket.write(encode({ kind: "hubBye" }));
    socket.end();
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, "");
  const hello = seen[0] as Extract<Message, { kind: "hello" }>;
  assert.equal(hello.kind, "hello");
  assert.equal(hello.name, "dut");
  assert.equal(hello.version, 1);
  assert.ok(hello.address && (hello.address[0]! & 0xc0) === 0xc0, "a static random address, from the name");
  const kinds = seen.map((m) => m.kind);
  assert.deepEqual(kinds.slice(1, 4).sort(), ["advertise", "scan", "waitUntil"]);
  const adv = seen.find((x) => x.kind === "advertise") as Extract<Message, { kind: "advertise" }>;
  assert.deepEqual([adv.adType, adv.count, adv.intervalMs, [...adv.data]], [0x2b, 3, 100, [9, 8]]);
  const waits = seen.filter((m) => m.kind === "waitUntil") as Extract<Message, { kind: "waitUntil" }>[];
  assert.deepEqual(
    waits.map((w) => [w.time, w.wakes]),
    [
      [600, 1], // after WELCOME: next timer at 100 + 500
      [600, 2], // after the RX
      [600, 3], // after ADV_DONE
      [Infinity, 4], // after TIME(600): no timer left
    ],
  );
  const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(lines, [
    { start: 100 },
    { rx: [1, 2, 3], adType: 0x29, rssi: -40, time: 150.25, now: 150.25 },
    { done: 420 },
    { timer: 600 },
  ]);
});

const BAD: [string, (socket: Socket) => void, RegExp][] = [
  ["a WELCOME of the wrong size", (s) => s.write(frame(0x81, [1, 0, 0, 0])), /malformed WELCOME/],
  ["an ERROR instead of WELCOME", (s) => s.write(encode({ kind: "error", code: 5, message: "name in use" })), /hub error 5: name in use/],
  ["a frame of length 0", (s) => (s.write(welcome()), s.write(new Uint8Array([0, 0, 0x84]))), /bad frame length/],
  ["a frame longer than 513", (s) => (s.write(welcome()), s.write(new Uint8Array([0x02, 0x02, 0x84]))), /bad frame length/],
  ["an unknown message type", (s) => (s.write(welcome()), s.write(frame(0x99, []))), /unexpected message/],
  ["an RX whose data length does not match", (s) => (s.write(welcome()), s.write(frame(0x83, [0x40, 0x59, 0, 0, 0, 0, 0, 0, 0xd8, 37, 0x29, 5, 1, 2]))), /malformed RX/],
  ["an RX on channel 12", (s) => (s.write(welcome()), s.write(frame(0x83, [0x40, 0x59, 0, 0, 0, 0, 0, 0, 0xd8, 12, 0x29, 0]))), /malformed RX/],
  ["a TIME that is NaN", (s) => (s.write(welcome()), s.write(frame(0x84, [0x7f, 0xf8, 0, 0, 0, 0, 0, 0]))), /malformed TIME/],
  ["a client message sent by the hub", (s) => (s.write(welcome()), s.write(encode({ kind: "scan", on: true }))), /unexpected message/],
  ["a second WELCOME", (s) => (s.write(welcome()), s.write(welcome())), /second WELCOME/],
  ["the link closing without BYE", (s) => (s.write(welcome()), s.destroy()), /link to the hub closed without BYE|broke/],
];

for (const [what, send, message] of BAD) {
  test(`air client: ${what} is a clean error (exit 4, a message), not a crash`, { skip }, async () => {
    const r = await withFakeHub(async (socket, next) => {
      await next(); // HELLO
      send(socket);
    });
    assert.equal(r.status, 4, r.stderr);
    assert.match(r.stderr, message);
    assert.match(r.stderr, /^xsrun: air: /m);
  });
}

test("air client: bad input from the hub under AddressSanitizer and UBSan: no report", { skip }, async () => {
  const xsrun = await prepareSanitized();
  for (const [what, send] of BAD) {
    const r = await withFakeHub(async (socket, next) => {
      await next();
      send(socket);
    }, xsrun);
    assert.doesNotMatch(r.stderr, /AddressSanitizer|runtime error/, `${what}: ${r.stderr}`);
    assert.ok(r.status === 4 || r.status === 0, `${what}: status ${r.status}: ${r.stderr}`);
  }
});

test("air client: no hub listening is exit 4 with a message", { skip }, async () => {
  const b = await prepare();
  const server = createServer();
  await new Promise<void>((res) => server.listen(0, "127.0.0.1", res));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((res) => server.close(() => res()));
  const child = spawn(b.xsrun, ["--air", `127.0.0.1:${port}`, "-I", b.app, b.fixtures, "host-tests/xs/fixtures/air-client"]);
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const status = await new Promise<number | null>((res) => child.on("close", (code) => res(code)));
  assert.equal(status, 4);
  assert.match(stderr, /cannot connect to the air hub/);
});

test("air client on the real hub: an in-process radio hears the XS radio and the XS radio hears it, in virtual time", { skip }, async (t) => {
  const b = await prepare();
  const hub = new AirHub({ mode: "virtual", seed: 5, logger: { log() {} } });
  t.after(() => hub.close());
  const { port } = await hub.listen({ port: 0 });
  const peer = hub.createRadio("peer");
  const heard: { data: number[]; time: number }[] = [];
  peer.setReceiver((p) => heard.push({ data: [...p.data], time: p.time }));
  const child = spawn(b.xsrun, ["--air", `127.0.0.1:${port}`, "--name", "xs", "-I", b.app, b.fixtures, "host-tests/xs/fixtures/air-client"]);
  let stdout = "";
  child.stdout.on("data", (d) => (stdout += d));
  const closed = new Promise<number | null>((res) => child.on("close", (code) => res(code)));
  while (hub.remoteCount === 0) await new Promise((r) => setTimeout(r, 5));
  hub.clock.setTimeout(() => peer.advertise(0x29, new Uint8Array([7, 7]), { count: 1, intervalMs: 20 }), 50);
  await hub.runUntil(1000);
  await hub.close();
  assert.equal(await closed, 0);
  const lines = stdout.trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(lines[0], { start: 0 });
  const rx = lines.filter((l) => l.rx);
  assert.ok(rx.length >= 1, stdout);
  for (const l of rx) {
    assert.deepEqual(l.rx, [7, 7]);
    assert.equal(l.time, l.now, "a packet's time is the clock at delivery");
    assert.ok(l.time > 50 && l.time < 80, `heard at ${l.time}`);
  }
  assert.ok(lines.some((l) => l.done !== undefined && l.done > 200 && l.done < 240), stdout);
  assert.deepEqual(lines.find((l) => l.timer !== undefined), { timer: 500 });
  assert.ok(heard.length >= 2, JSON.stringify(heard) + ": the peer hears the XS radio's events (a scanner on one channel at a time may miss one)");
  assert.ok(heard.every((h) => h.data.join() === "9,8"));
});
