import { test } from "node:test";
import assert from "node:assert/strict";
import { contains, deviceKeyOf, rig } from "./helpers.js";
import { untilSettled } from "../../host/serial/sim-line.js";
import type { ProvisionResult } from "../../host/serial/driver.js";
import { ModemError, ProvisionFailed } from "../../host/serial/driver.js";
import { concatBytes } from "../../modules/crypto/bytes.js";
import { cobsDecode } from "../../modules/serial/frame.js";
import { Ev, Op, Status } from "../../modules/serial/protocol.js";
import { AuthenticationMethod, OutputOobAction } from "../../modules/prov/pdu.js";

/** No OOB with HMAC (the light offers Output OOB too). */
const noOob = () => ({ algorithm: 1, publicKey: 0, method: AuthenticationMethod.NoOob, action: 0, size: 0 });

test("a device provisioned through the modem (No OOB): the host derives the same DeviceKey as the device", async () => {
  const r = rig();
  const h = await untilSettled(r.net.hub.virtualClock, r.driver.connect());
  assert.deepEqual(h, { major: 1, minor: 1, maxPayload: 256, credits: 4, maxLinks: 4, roles: 5 });
  r.net.start();
  const phases: string[] = [];
  const uuid = r.devices[0]!.uuid;
  let result: ProvisionResult | undefined;
  let error: unknown;
  r.driver.provision(uuid, r.data(0x0100), { progress: (p) => phases.push(p), oobPolicy: noOob }).then((x) => (result = x), (e) => (error = e));
  assert.ok(await r.run(() => !result && !error, 60_000), "finished");
  assert.equal(error, undefined);
  assert.equal(result!.unicastAddress, 0x0100);
  assert.equal(result!.numberOfElements, 1);
  const devKey = deviceKeyOf(r.devices[0]!);
  assert.ok(devKey, "the device completed");
  assert.deepEqual(result!.deviceKey, devKey);
  assert.deepEqual(phases, ["link", "capabilities", "public-keys", "authentication", "data", "complete"]);
  assert.equal(r.modem.openLinks, 0);
  assert.equal(r.driver.openLinks, 0);
});

test("ECDH offload: no private key and no device key is ever on the wire, in either direction (static OOB, HMAC)", async () => {
  const r = rig({ seed: 4, devices: [{ name: "a", staticOob: true }, { name: "b" }] });
  await untilSettled(r.net.hub.virtualClock, r.driver.connect());
  r.net.start();
  const results: ProvisionResult[] = [];
  const errors: unknown[] = [];
  r.devices.forEach((d, i) =>
    r.driver
      .provision(d.uuid, r.data(0x0200 + i), { staticOob: (len) => d.staticOob!.slice(0, len), ...(d.staticOob ? {} : { oobPolicy: noOob }) })
      .then((x) => results.push(x), (e) => errors.push(e)),
  );
  assert.ok(await r.run(() => results.length + errors.length < 2, 60_000));
  assert.deepEqual(errors, []);
  assert.equal(results.find((x) => x.method === AuthenticationMethod.StaticOob)?.algorithm, 1, "static OOB with HMAC");
  const deviceKeys = r.devices.map((d) => deviceKeyOf(d)!);
  for (let i = 0; i < 2; i++) assert.deepEqual(results.find((x) => x.unicastAddress === 0x0200 + i)!.deviceKey, deviceKeys[i]);
  // Everything that crossed the wire: the raw bytes, and every frame decoded (COBS hides byte runs).
  const stream = concatBytes(...r.raw);
  const decoded = r.wire.map((w) => w.frame.payload);
  const secrets = [...r.hostCrypto.privateKeys, ...deviceKeys];
  assert.equal(r.hostCrypto.privateKeys.length, 2, "one host key pair per link");
  for (const s of secrets) {
    assert.ok(!contains(stream, s), "a secret in the raw stream");
    for (const p of decoded) assert.ok(!contains(p, s), "a secret in a frame");
    // and not a COBS-broken copy either: decode every delimited chunk of the stream
    let start = 0;
    for (let i = 0; i < stream.length; i++) {
      if (stream[i] !== 0) continue;
      const f = cobsDecode(stream.subarray(start, i));
      if (f) assert.ok(!contains(f, s), "a secret in a decoded chunk");
      start = i + 1;
    }
  }
  // The capture is not vacuous: the public keys, the NetKey and the ECDH secrets did cross.
  assert.ok(decoded.some((p) => contains(p, r.netKey)), "the NetKey is in PROVISION");
  assert.ok(r.hostCrypto.secrets.length === 2 && decoded.some((p) => contains(p, r.hostCrypto.secrets[0]!)), "the ECDHSecret is in ECDH_SECRET");
  assert.ok(r.wire.some((w) => w.dir === "rx" && w.frame.code === Ev.EcdhRequest && w.frame.payload.length === 66), "ECDH_REQUEST carries ctx + the device's public key only");
});

test("several links at once: 6 devices through one modem with 4 links; a 5th PROVISION while 4 are open gets NO_RESOURCES", async () => {
  const names = ["d1", "d2", "d3", "d4", "d5", "d6"];
  const r = rig({ seed: 9, devices: names.map((name) => ({ name })) });
  await untilSettled(r.net.hub.virtualClock, r.driver.connect());
  r.net.start();
  const done: (ProvisionResult | Error)[] = [];
  let peak = 0;
  let running = 0;
  const start = (i: number) => {
    running++;
    const end = (x: ProvisionResult | Error) => {
      running--;
      done.push(x);
    };
    r.driver.provision(r.devices[i]!.uuid, r.data(0x0300 + i), { oobPolicy: noOob }).then(end, end);
  };
  for (let i = 0; i < 4; i++) start(i);
  let refused: unknown;
  r.driver.provision(r.devices[4]!.uuid, r.data(0x0304)).catch((e) => (refused = e));
  await r.run(() => refused === undefined, 5000);
  assert.ok(refused instanceof ModemError && refused.status === Status.NoResources, String(refused));
  assert.match((refused as Error).message, /NO_RESOURCES/);
  // the rest as links free up
  let next = 4;
  const ok = await r.run(() => {
    peak = Math.max(peak, r.modem.openLinks);
    if (running < 4 && next < 6) start(next++);
    return done.length < 6;
  }, 120_000);
  assert.ok(ok);
  assert.equal(peak, 4);
  for (const x of done) assert.ok(!(x instanceof Error), String(x));
  for (let i = 0; i < 6; i++) {
    const res = done.find((x) => (x as ProvisionResult).unicastAddress === 0x0300 + i) as ProvisionResult;
    assert.deepEqual(res.deviceKey, deviceKeyOf(r.devices[i]!), "device " + i);
  }
});

test("Output OOB through the modem: the person reads the device's blinks and the host enters them", async () => {
  const r = rig({ seed: 5, devices: [{ name: "o", capabilities: { outputOobAction: 1 << OutputOobAction.Blink, outputOobSize: 1 } }] });
  await untilSettled(r.net.hub.virtualClock, r.driver.connect());
  r.net.start();
  const d = r.devices[0]!;
  let result: ProvisionResult | undefined;
  let error: unknown;
  r.driver
    .provision(d.uuid, r.data(0x0400), {
      input: async () => {
        for (;;) {
          for (const { event } of d.events) if (event.type === "output-request") return event.value;
          await new Promise((res) => setImmediate(res));
        }
      },
    })
    .then((x) => (result = x), (e) => (error = e));
  assert.ok(await r.run(() => !result && !error, 60_000));
  assert.equal(error, undefined);
  assert.equal(result!.method, AuthenticationMethod.OutputOob);
  assert.deepEqual(result!.deviceKey, deviceKeyOf(d));
});

test("a wrong OOB answer: the device fails the confirmation and the host gets ProvisionFailed with its code", async () => {
  const r = rig({ seed: 6, devices: [{ name: "s", staticOob: true }] });
  await untilSettled(r.net.hub.virtualClock, r.driver.connect());
  r.net.start();
  let error: unknown;
  r.driver.provision(r.devices[0]!.uuid, r.data(0x0500), { staticOob: (len) => new Uint8Array(len).fill(9) }).catch((e) => (error = e));
  assert.ok(await r.run(() => !error, 60_000));
  assert.ok(error instanceof ProvisionFailed, String(error));
  assert.equal((error as ProvisionFailed).code, 0x04, "Confirmation Failed");
  assert.equal(r.modem.openLinks, 0);
});

test("the host vanishing mid-provisioning: the modem closes the link cleanly after hostTimeoutMs and says STARTED(host gone)", async () => {
  const r = rig({ seed: 7, driver: { hostTimeoutMs: 3000 } });
  await untilSettled(r.net.hub.virtualClock, r.driver.connect());
  r.net.start();
  const d = r.devices[0]!;
  // the host answers nothing after the capabilities: it is gone
  r.driver.onEvent = (e) => {
    if (e.ev === "capabilities") r.driver.close();
  };
  r.driver.provision(d.uuid, r.data(0x0600), { oobPolicy: noOob }).catch(() => undefined);
  await r.run(() => r.modem.openLinks > 0 || !d.events.some((x) => x.event.type === "link-closed"), 30_000);
  assert.ok(d.events.some((x) => x.event.type === "link-closed"), "the device saw the link close");
  assert.equal(r.modem.openLinks, 0);
  const last = r.wire.filter((w) => w.dir === "rx" && w.frame.code === Ev.Started).pop();
  assert.deepEqual(last?.frame.payload, Uint8Array.of(1, 1, 2), "STARTED with reset reason host gone");
  // and the link closed with Link Close (Fail), seen as a link-closed event with reason 'error' before that
  assert.ok(r.wire.some((w) => w.dir === "rx" && w.frame.code === Ev.LinkClosed && w.frame.payload[2] === 2));
});

test("the transport closing mid-provisioning (hostGone) closes every link at once", async () => {
  const r = rig({ seed: 8, devices: [{ name: "a" }, { name: "b" }] });
  await untilSettled(r.net.hub.virtualClock, r.driver.connect());
  r.net.start();
  for (const [i, d] of r.devices.entries()) r.driver.provision(d.uuid, r.data(0x0700 + i), { oobPolicy: noOob }).catch(() => undefined);
  await r.run(() => r.wire.filter((w) => w.dir === "rx" && w.frame.code === Ev.LinkEstablished).length < 2, 30_000);
  assert.equal(r.modem.openLinks, 2);
  r.modem.hostGone();
  await r.run(() => r.modem.openLinks > 0 || r.devices.some((d) => !d.events.some((x) => x.event.type === "link-closed")), 30_000);
  assert.equal(r.modem.openLinks, 0);
  for (const d of r.devices) assert.ok(d.events.some((x) => x.event.type === "link-closed"));
  // a new host can greet the modem again
  r.driver.close();
});

test("driver: a dead modem is one clear line", async () => {
  const r = rig({ driver: { commandTimeoutMs: 500 } });
  // dead: nothing reaches the modem
  (r.modem as unknown as { receive: (b: Uint8Array) => void }).receive = () => {};
  let error: unknown;
  r.driver.connect().catch((e) => (error = e));
  await r.run(() => !error, 5000);
  assert.ok(error instanceof ModemError);
  assert.equal((error as Error).message, "no modem answers on this serial link (the modem did not answer HELLO within 500 ms)");
  assert.ok(!(error as Error).message.includes("\n"));
});

test("opcodes and event codes are the documented ones", () => {
  assert.equal(Op.Provision, 0x13);
  assert.equal(Ev.Complete, 0x19);
});

test("provisionAll: every device heard, at most `links` at once, a failed attempt tried again", async () => {
  const { provisionAll } = await import("../../host/serial/provision-all.js");
  const r = rig({ seed: 12, devices: [{ name: "a", staticOob: true }, { name: "b" }, { name: "c" }, { name: "d" }, { name: "e" }] });
  await untilSettled(r.net.hub.virtualClock, r.driver.connect());
  r.net.start();
  await untilSettled(r.net.hub.virtualClock, r.driver.scanStart());
  const byHex = new Map(r.devices.map((d) => [Buffer.from(d.uuid).toString("hex"), d]));
  let next = 0x0800;
  let wrongOnce = true;
  let peak = 0;
  const attempts: number[] = [];
  const run = provisionAll(r.driver, {
    links: 2,
    data: () => r.data(next++),
    handlers: (uuid) => {
      const d = byHex.get(Buffer.from(uuid).toString("hex"))!;
      if (!d.staticOob) return { oobPolicy: noOob };
      return {
        staticOob: (len) => {
          const v = wrongOnce ? new Uint8Array(len) : d.staticOob!.slice(0, len);
          wrongOnce = false;
          return v;
        },
      };
    },
    onResult: (_u, res, attempt) => {
      if (res instanceof Error) attempts.push(attempt);
    },
  });
  assert.ok(await r.run(() => {
    peak = Math.max(peak, r.modem.openLinks);
    return run.done.size < 5;
  }, 120_000));
  assert.equal(peak, 2);
  assert.deepEqual(attempts, [1], "the static OOB device failed once, then worked");
  assert.equal(run.failed.size, 0);
  for (const d of r.devices) assert.deepEqual(run.done.get(Buffer.from(d.uuid).toString("hex"))!.deviceKey, deviceKeyOf(d));
  run.stop();
});

test("a noisy serial line (1 chunk in 10 with a flipped bit, both ways): every device provisioned all the same", async () => {
  const { provisionAll } = await import("../../host/serial/provision-all.js");
  const { seededRandom } = await import("../../host/node-crypto.js");
  const r = rig({ seed: 21, devices: [{ name: "a" }, { name: "b" }, { name: "c" }], line: { baud: 115200, latencyMs: 2, corruptRate: 0.1, random: seededRandom(99) } });
  await untilSettled(r.net.hub.virtualClock, r.driver.connect().catch(() => r.driver.connect()), 10_000);
  r.net.start();
  await untilSettled(r.net.hub.virtualClock, r.driver.scanStart().catch(() => r.driver.scanStart()), 10_000);
  let next = 0x0900;
  const run = provisionAll(r.driver, { links: 3, attempts: 10, data: () => r.data(next++), handlers: () => ({ oobPolicy: noOob }) });
  const finished = await r.run(() => run.done.size + run.failed.size < 3, 600_000);
  assert.ok(finished, `finished: done ${run.done.size}, failed ${[...run.failed.values()].map((e) => e.message).join("; ")}, running ${run.running}, t=${r.net.clock.now()}`);
  assert.equal(run.done.size, 3, [...run.failed.values()].map((e) => e.message).join("; "));
  for (const d of r.devices) assert.deepEqual(run.done.get(Buffer.from(d.uuid).toString("hex"))!.deviceKey, deviceKeyOf(d));
  assert.ok(r.line.toModem.corrupted > 0 && r.line.toHost.corrupted > 0, "the line did corrupt both ways");
  assert.ok(r.modem.droppedFrames > 0, "the modem dropped corrupted commands");
  run.stop();
});
