// Regression tests for the air hub defects found from outside (issue 8, defects 3 and 4).
import { test } from "node:test";
import assert from "node:assert/strict";
import { AirHub } from "../../host/air/hub.js";
import { AirClient } from "../../host/air/client.js";
import { encode, ErrorCode, MsgType, PROTOCOL_VERSION, printable, type Message } from "../../host/air/wire.js";
import { memoryLogger, raw } from "./helpers.js";

/** HELLO with the name given as raw bytes. */
function helloBytes(name: Uint8Array): Uint8Array {
  const body = [PROTOCOL_VERSION, 0, ...new Array(6).fill(0), ...new Array(16).fill(0), name.length, ...name];
  return Uint8Array.from([(body.length + 1) >> 8, (body.length + 1) & 0xff, MsgType.HELLO, ...body]);
}
const hello = (name: string) => encode({ kind: "hello", version: PROTOCOL_VERSION, name, address: null, scanIntervalMs: 0, scanWindowMs: 0 });

test("defect 3: WAIT_UNTIL with -Infinity or a time before the hub's is refused with ERROR BAD_ARGUMENT", { timeout: 10_000 }, async () => {
  const logger = memoryLogger();
  const hub = new AirHub({ mode: "virtual", seed: 1, logger });
  const { port } = await hub.listen({});
  for (const time of [-Infinity, -1]) {
    const r = await raw(port!);
    r.send(hello(`t${time}`));
    await r.waitFor((m) => m.kind === "welcome");
    r.send(encode({ kind: "waitUntil", time, wakes: 1 }));
    const err = (await r.waitFor((m) => m.kind === "error")) as Extract<Message, { kind: "error" }>;
    assert.equal(err.code, ErrorCode.BAD_ARGUMENT, err.message);
    await r.closed;
  }
  await hub.close();
});

test("defect 3: a client repeating a past WAIT_UNTIL cannot freeze virtual time for the others", { timeout: 10_000 }, async () => {
  const hub = new AirHub({ mode: "virtual", seed: 1, logger: memoryLogger() });
  const { port } = await hub.listen({});
  const good = await AirClient.connect({ port: port!, name: "good" });
  let ticks = 0;
  const tick = (): void => {
    ticks++;
    good.clock.setTimeout(tick, 10);
  };
  good.clock.setTimeout(tick, 10);
  await hub.runUntil(100);
  const r = await raw(port!);
  r.send(hello("stuck"));
  await r.waitFor((m) => m.kind === "welcome");
  // The hub is at 100; this client says it waits until 50, and would say so after every wake.
  let wakes = 1;
  const answer = (): void => r.send(encode({ kind: "waitUntil", time: 50, wakes }));
  r.socket.on("data", () => {
    wakes = r.frames.filter((m) => m.kind === "welcome" || m.kind === "time" || m.kind === "rx" || m.kind === "advDone").length;
    if (!r.socket.destroyed) answer();
  });
  answer();
  const err = (await r.waitFor((m) => m.kind === "error")) as Extract<Message, { kind: "error" }>;
  assert.equal(err.code, ErrorCode.BAD_ARGUMENT);
  assert.match(err.message, /before the hub's time/);
  await hub.runUntil(300);
  assert.equal(hub.clock.now(), 300);
  assert.equal(ticks, 30);
  await good.close();
  await hub.close();
});

test("defect 4: radio names are kept byte-exact (a byte order mark is part of the name)", { timeout: 10_000 }, async () => {
  const hub = new AirHub({ mode: "virtual", seed: 1, logger: memoryLogger() });
  const { port } = await hub.listen({});
  hub.createRadio("dev");
  const bomName = Uint8Array.of(0xef, 0xbb, 0xbf, 0x64, 0x65, 0x76); // U+FEFF "dev"
  const r = await raw(port!);
  r.send(helloBytes(bomName));
  await r.waitFor((m) => m.kind === "welcome" || m.kind === "error");
  assert.equal(r.frames[0]!.kind, "welcome", "a name with a BOM is another name than 'dev'");
  assert.deepEqual(hub.radioNames(), ["dev", "\ufeffdev"]);
  r.socket.destroy();
  await r.closed;
  await hub.close();
});

test("defect 4: names with control characters are logged escaped, never raw", { timeout: 10_000 }, async () => {
  const logger = memoryLogger();
  const hub = new AirHub({ mode: "virtual", seed: 1, logger });
  const { port } = await hub.listen({});
  const evil = "a\u0000b\u001b[31mc\nd\r\u2028e\u202ef";
  const r = await raw(port!);
  r.send(hello(evil));
  await r.waitFor((m) => m.kind === "welcome");
  // A protocol error names the client in the log and in the ERROR message.
  r.send(encode({ kind: "time", time: 1 }));
  const err = (await r.waitFor((m) => m.kind === "error")) as Extract<Message, { kind: "error" }>;
  await r.closed;
  assert.ok(logger.lines.some((l) => l.message.includes(printable(evil))), "the name appears, escaped");
  for (const l of logger.lines) assert.doesNotMatch(l.message, /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\ufeff]/, `raw control character in: ${JSON.stringify(l.message)}`);
  assert.doesNotMatch(err.message, /[\u0000-\u001f]/);
  // The same for the hub's own errors about a name (createRadio).
  hub.createRadio(evil);
  assert.throws(() => hub.createRadio(evil), (e: Error) => e.message.includes(printable(evil)) && !/[\u0000-\u001f]/.test(e.message));
  assert.equal(printable('x"\\\u0007'), '"x\\"\\\\\\u{7}"');
  await hub.close();
});

test("defect 4: a name that is not valid UTF-8, or has an unpaired surrogate, is refused", { timeout: 10_000 }, async () => {
  const hub = new AirHub({ mode: "virtual", seed: 1, logger: memoryLogger() });
  const { port } = await hub.listen({});
  const r = await raw(port!);
  r.send(helloBytes(Uint8Array.of(0x61, 0xc3))); // cut-short sequence
  const err = (await r.waitFor((m) => m.kind === "error")) as Extract<Message, { kind: "error" }>;
  assert.equal(err.code, ErrorCode.MALFORMED);
  assert.throws(() => hub.createRadio("a\ud800b"), /UTF-8/);
  await hub.close();
});

test("defect 9: MARK holds the hub's virtual time until the client's side channel has been read (markRead)", { timeout: 10_000 }, async () => {
  const hub = new AirHub({ mode: "virtual", seed: 1, logger: memoryLogger() });
  const { port } = await hub.listen({});
  const c = await AirClient.connect({ port: port!, name: "dev" });
  // Set while handling WELCOME (before connect's answer goes out): the client's clock is the hub's.
  let fired = 0;
  c.clock.setTimeout(() => {
    fired++;
    c.mark(1); // "I printed something at 10 ms"
  }, 10);
  c.clock.setTimeout(() => fired++, 20);
  c.clock.setTimeout(() => c.mark(2), 150);
  c.clock.setTimeout(() => c.mark(5), 250);
  let finished = false;
  const run = hub.runUntil(100).then(() => (finished = true));
  await new Promise((res) => setTimeout(res, 100));
  assert.equal(fired, 1);
  assert.equal(hub.clock.now(), 10, "held at the mark's time");
  assert.equal(finished, false);
  hub.markRead("dev", 1);
  await run;
  assert.equal(fired, 2);
  assert.equal(hub.clock.now(), 100);
  // The line may be read before the MARK reaches the hub: then nothing waits.
  hub.markRead("dev", 2);
  await hub.runUntil(200);
  assert.equal(hub.clock.now(), 200);
  // Marks count up by one.
  const closed = c.closed;
  await hub.runUntil(300);
  assert.match((await closed).error ?? "", /MARK 5 after 2/);
  assert.throws(() => hub.markRead("dev", 0), /mark 0/);
  await hub.close();
});
