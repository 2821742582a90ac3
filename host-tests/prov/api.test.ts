/**
 * The application API (api.ts, nRF5 nrf_mesh_prov.h style): roles as plug-ins (NotSupportedError), argument
 * and state checks, asynchronous answers (static OOB later, ECDH offload, ECDH compute time), the Attention
 * Timer, beacons and scanning, several links, secrets kept out of the log.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { VirtualClock } from "../../host/virtual-clock.js";
import { NodeCryptoPrimitives, seededRandom, withEcdhTime } from "../../host/node-crypto.js";
import { AD_TYPE } from "../../modules/platform.js";
import type { Bytes, LogLevel } from "../../modules/platform.js";
import { MeshCrypto } from "../../modules/crypto/mesh.js";
import { decodeBeacon, uriHash } from "../../modules/beacon.js";
import { NotSupportedError, Provisioning, ProvisioningError, init } from "../../modules/prov/api.js";
import type { ProvContext } from "../../modules/prov/api.js";
import { provisioneeRole } from "../../modules/prov/provisionee.js";
import { provisionerRole } from "../../modules/prov/provisioner.js";
import { AuthenticationMethod, ErrorCode, OutputOobAction } from "../../modules/prov/pdu.js";
import { LoopbackAir } from "./loopback.js";
import { Node, Person, SAMPLE, SAMPLE_DATA, hex, pair } from "./helpers.js";
import { World } from "./air-world.js";

const crypto = new NodeCryptoPrimitives({ random: seededRandom(9) });

function isNotSupported(e: unknown): boolean {
  return e instanceof NotSupportedError && /not supported/.test(e.message);
}

function isProvError(code: "invalid-argument" | "invalid-state") {
  return (e: unknown) => e instanceof ProvisioningError && e.code === code;
}

test("a role that is not built in: its functions throw NotSupportedError", () => {
  const clock = new VirtualClock();
  const air = new LoopbackAir(clock);
  const deviceOnly = init({ crypto, clock, bearers: [air.deviceBearer()], roles: { provisionee: provisioneeRole }, onEvent: () => {} });
  const fakeCtx = { id: 1, role: "provisioner", uuid: new Uint8Array(16) } as ProvContext;
  assert.throws(() => deviceOnly.provision(new Uint8Array(16), SAMPLE_DATA), isNotSupported);
  assert.throws(() => deviceOnly.scanStart(), isNotSupported);
  assert.throws(() => deviceOnly.scanStop(), isNotSupported);
  assert.throws(() => deviceOnly.oobUse(fakeCtx, { algorithm: 0, publicKey: 0, method: 0, action: 0, size: 0 }), isNotSupported);
  assert.throws(() => deviceOnly.oobPublicKeyProvide(fakeCtx, new Uint8Array(64)), isNotSupported);
  assert.equal(deviceOnly.scanning, false);
  const provisionerOnly = new Provisioning({ crypto, clock, bearers: [air.provisionerBearer()], roles: { provisioner: provisionerRole }, onEvent: () => {} });
  assert.throws(() => provisionerOnly.listen(new Uint8Array(16)), isNotSupported);
  assert.throws(() => provisionerOnly.listenStop(), isNotSupported);
  assert.equal(provisionerOnly.listening, false);
  const none = new Provisioning({ crypto, clock, bearers: [air.deviceBearer()], roles: {}, onEvent: () => {} });
  assert.throws(() => none.listen(new Uint8Array(16)), isNotSupported);
  assert.throws(() => none.provision(new Uint8Array(16), SAMPLE_DATA), isNotSupported);
  // generateKeys works in every image.
  const kp = none.generateKeys();
  assert.equal(kp.publicKey.length, 64);
  assert.equal(kp.privateKey.length, 32);
  assert.ok(crypto.p256ValidatePublicKey(kp.publicKey));
});

test("a device image does not import provisioner.ts (static import graph of api.ts + provisionee.ts)", () => {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../modules");
  const seen = new Set<string>();
  const walk = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const src = readFileSync(file, "utf8");
    // Value imports and re-exports only: `import type` / `export type` vanish from the image.
    const re = /^(?:import|export)\s+(?!type\b)[^;]*?from\s+"([^"]+)"/gms;
    for (const m of src.matchAll(re)) {
      if (!m[1]!.startsWith(".")) continue;
      walk(join(dirname(file), m[1]!.replace(/\.js$/, ".ts")));
    }
  };
  walk(join(root, "prov/api.ts"));
  walk(join(root, "prov/provisionee.ts"));
  const files = [...seen].map((f) => f.slice(root.length + 1)).sort();
  assert.ok(files.includes("prov/common.ts") && files.includes("prov/pdu.ts"), files.join(" "));
  assert.ok(!files.includes("prov/provisioner.ts"), files.join(" "));
  // And the provisioner image has no provisionee.
  seen.clear();
  walk(join(root, "prov/api.ts"));
  walk(join(root, "prov/provisioner.ts"));
  assert.ok(![...seen].some((f) => f.endsWith("prov/provisionee.ts")));
});

test("init and API calls check their arguments and the moment", () => {
  const clock = new VirtualClock();
  const air = new LoopbackAir(clock);
  const base = { crypto, clock, onEvent: () => {} };
  assert.throws(() => init({ ...base, bearers: [air.deviceBearer()], roles: { provisionee: provisioneeRole }, capabilities: { numberOfElements: 0 } }), isProvError("invalid-argument"));
  assert.throws(() => init({ ...base, bearers: [air.deviceBearer()], roles: { provisionee: provisioneeRole }, capabilities: { algorithms: 0 } }), isProvError("invalid-argument"));
  assert.throws(() => init({ ...base, bearers: [air.deviceBearer()], roles: { provisionee: provisioneeRole }, capabilities: { publicKeyType: 1 } }), isProvError("invalid-argument"));
  assert.throws(() => init({ ...base, bearers: [air.deviceBearer()], roles: { provisionee: provisioneeRole }, capabilities: { outputOobSize: 9, outputOobAction: 1 } }), isProvError("invalid-argument"));
  assert.throws(() => init({ ...base, bearers: [air.deviceBearer()], roles: { provisionee: provisioneeRole }, capabilities: { outputOobSize: 2 } }), isProvError("invalid-argument"));
  assert.throws(() => init({ ...base, bearers: [air.deviceBearer()], roles: { provisionee: provisioneeRole }, capabilities: { inputOobSize: 2, inputOobAction: 0x10 } }), isProvError("invalid-argument"));
  assert.throws(() => init({ ...base, bearers: [air.deviceBearer()], roles: { provisionee: provisioneeRole }, keyPair: { privateKey: new Uint8Array(32), publicKey: new Uint8Array(64) } }), isProvError("invalid-argument"));
  assert.throws(() => init({ ...base, bearers: [air.deviceBearer()], roles: { provisioner: provisionerRole } }), isProvError("invalid-argument"));
  assert.throws(() => init({ ...base, bearers: [air.provisionerBearer()], roles: { provisionee: provisioneeRole } }), isProvError("invalid-argument"));
  assert.throws(() => init({ ...base, bearers: [], roles: {} }), isProvError("invalid-argument"));
  assert.throws(() => init(undefined as never), isProvError("invalid-argument"));
  assert.throws(() => init({ bearers: [air.deviceBearer()], roles: {}, onEvent: () => {} }), isProvError("invalid-argument"));
  // crypto, clock and logger from a Platform
  const fromPlatform = init({ platform: { crypto, clock }, bearers: [air.deviceBearer()], roles: { provisionee: provisioneeRole }, onEvent: () => {} });
  assert.equal(fromPlatform.generateKeys().publicKey.length, 64);

  const dev = init({ ...base, bearers: [air.deviceBearer()], roles: { provisionee: provisioneeRole } });
  assert.throws(() => dev.listen(new Uint8Array(15)), isProvError("invalid-argument"));
  assert.throws(() => dev.listen(new Uint8Array(16), { oobInfo: 0x10000 }), isProvError("invalid-argument"));
  assert.throws(() => dev.listen(new Uint8Array(16), { beaconIntervalMs: 0 }), isProvError("invalid-argument"));
  dev.listen(new Uint8Array(16));
  assert.throws(() => dev.listen(new Uint8Array(16)), isProvError("invalid-state"));
  dev.listenStop();
  dev.listenStop(); // idempotent
  const fake = { id: 99, role: "provisionee", uuid: new Uint8Array(16) } as ProvContext;
  assert.throws(() => dev.authDataProvide(fake, 1), isProvError("invalid-state"));
  assert.throws(() => dev.sharedSecretProvide(fake, new Uint8Array(32)), isProvError("invalid-state"));

  const prov = init({ ...base, bearers: [air.provisionerBearer()], roles: { provisioner: provisionerRole } });
  assert.throws(() => prov.provision(new Uint8Array(16), { ...SAMPLE_DATA, unicastAddress: 0 }), isProvError("invalid-argument"));
  assert.throws(() => prov.provision(new Uint8Array(16), { ...SAMPLE_DATA, networkKey: new Uint8Array(8) }), isProvError("invalid-argument"));
  assert.throws(() => prov.provision(new Uint8Array(16), SAMPLE_DATA, { attentionDuration: 256 }), isProvError("invalid-argument"));
  assert.throws(() => prov.provision(new Uint8Array(3), SAMPLE_DATA), isProvError("invalid-argument"));
  assert.throws(() => prov.scanStart(), isProvError("invalid-state")); // no advertising bearer
});

test("oobUse / authDataProvide / oobPublicKeyProvide refuse choices and values that do not fit", () => {
  const errors: unknown[] = [];
  const attempt = (f: () => void) => {
    try {
      f();
    } catch (e) {
      errors.push(e);
    }
  };
  const p = pair({
    sample: false,
    deviceCapabilities: { numberOfElements: 1, algorithms: 1, outputOobSize: 2, outputOobAction: 1 << OutputOobAction.OutputNumeric },
    provisionerHandlers: {
      "capabilities-received": (e, n) => {
        const bad = [
          { algorithm: 1, publicKey: 0, method: 0, action: 0, size: 0 }, // HMAC not offered
          { algorithm: 0, publicKey: 1, method: 0, action: 0, size: 0 }, // no OOB public key
          { algorithm: 0, publicKey: 0, method: 1, action: 0, size: 0 }, // no static OOB
          { algorithm: 0, publicKey: 0, method: 2, action: OutputOobAction.Blink, size: 1 },
          { algorithm: 0, publicKey: 0, method: 2, action: OutputOobAction.OutputNumeric, size: 3 },
          { algorithm: 0, publicKey: 0, method: 4, action: 0, size: 0 },
          { algorithm: 0.5, publicKey: 0, method: 0, action: 0, size: 0 },
        ];
        for (const c of bad) attempt(() => n.prov.oobUse(e.ctx, c));
        attempt(() => n.prov.authDataProvide(e.ctx, 5)); // nothing awaited yet
        attempt(() => n.prov.oobPublicKeyProvide(e.ctx, new Uint8Array(64)));
        n.prov.oobUse(e.ctx, { algorithm: 0, publicKey: 0, method: 2, action: OutputOobAction.OutputNumeric, size: 2 });
        attempt(() => n.prov.oobUse(e.ctx, { algorithm: 0, publicKey: 0, method: 0, action: 0, size: 0 })); // twice
      },
      "input-request": (e, n) => {
        attempt(() => n.prov.authDataProvide(e.ctx, 100)); // size 2: at most 99
        attempt(() => n.prov.authDataProvide(e.ctx, "12"));
        attempt(() => n.prov.authDataProvide(e.ctx, new Uint8Array(16)));
        const shown = p.device.last("output-request")!.value;
        n.prov.authDataProvide(e.ctx, shown);
      },
    },
  });
  p.start();
  p.run();
  assert.equal(errors.length, 13);
  assert.ok(errors.slice(0, 7).every(isProvError("invalid-argument")), String(errors.slice(0, 7)));
  assert.ok(errors.slice(7, 10).every(isProvError("invalid-state")), String(errors.slice(7, 10)));
  assert.ok(errors.slice(10).every(isProvError("invalid-argument")), String(errors.slice(10)));
  assert.equal(p.device.of("complete").length, 1);
  assert.equal(p.provisioner.of("complete").length, 1);
  // Static OOB of the wrong length, on the device.
  const q = pair({
    alg: "hmac",
    deviceHandlers: {
      "static-request": (e, n) => {
        attempt(() => n.prov.authDataProvide(e.ctx, new Uint8Array(16)));
        n.prov.authDataProvide(e.ctx, SAMPLE.hmac.AuthValue);
      },
    },
  });
  q.start();
  q.run();
  assert.ok(isProvError("invalid-argument")(errors[13]));
  assert.equal(q.device.of("complete").length, 1);
});

test("the device's static OOB answered late: the provisioner's Confirmation waits for it", () => {
  let ctx: ProvContext | undefined;
  const p = pair({ alg: "hmac", deviceHandlers: { "static-request": (e) => (ctx = e.ctx) } });
  p.start();
  p.clock.runFor(5_000);
  assert.ok(ctx);
  // The provisioner's Confirmation already arrived; the device has not answered it.
  assert.ok(p.air.pdus("p2d").some((x) => x[0] === 5));
  assert.ok(!p.air.pdus("d2p").some((x) => x[0] === 5));
  p.device.prov.authDataProvide(ctx, SAMPLE.hmac.AuthValue);
  p.run();
  assert.equal(hex(p.device.last("complete")!.deviceKey), SAMPLE.hmac.DeviceKey);
  assert.equal(hex(p.air.pdus("d2p")[2]!.subarray(1)), SAMPLE.hmac.ConfDev);
});

test("ECDH offloaded to the application ('ecdh-request' -> sharedSecretProvide), both roles", () => {
  const requests: { role: string; priv: string; peer: string }[] = [];
  const offload = (e: { ctx: ProvContext; privateKey: Bytes; peerPublicKey: Bytes }, n: Node) => {
    requests.push({ role: e.ctx.role, priv: hex(e.privateKey), peer: hex(e.peerPublicKey) });
    assert.throws(() => n.prov.sharedSecretProvide(e.ctx, new Uint8Array(31)), isProvError("invalid-argument"));
    const secret = crypto.p256Ecdh(e.privateKey, e.peerPublicKey);
    // Answer later, as a crypto co-processor would.
    setLater(() => n.prov.sharedSecretProvide(e.ctx, secret));
  };
  let setLater: (f: () => void) => void = () => {};
  const p = pair({
    deviceOptions: { ecdhOffload: true },
    provisionerOptions: { ecdhOffload: true },
    deviceHandlers: { "ecdh-request": offload },
    provisionerHandlers: { "ecdh-request": offload },
  });
  setLater = (f) => p.clock.setTimeout(f, 250);
  p.start();
  p.run();
  assert.deepEqual(requests, [
    { role: "provisionee", priv: hex(SAMPLE.PrivDev), peer: hex(SAMPLE.PubProv) },
    { role: "provisioner", priv: hex(SAMPLE.PrivProv), peer: hex(SAMPLE.PubDev) },
  ]);
  assert.equal(hex(p.device.last("complete")!.deviceKey), SAMPLE.cmac.DeviceKey);
  assert.equal(hex(p.provisioner.last("complete")!.deviceKey), SAMPLE.cmac.DeviceKey);
  assert.deepEqual(p.air.pdus("p2d").map((x) => x[0]), [0, 2, 3, 5, 6, 7]);
});

test("a platform whose ECDH takes time on the clock (p256EcdhAsync) delays the protocol, PDUs arriving meanwhile wait", () => {
  const fast = pair();
  fast.start();
  fast.run();
  const slow = pair({ deviceEcdhMs: 1500, provisionerEcdhMs: 700 });
  slow.start();
  slow.run();
  const t = (p: ReturnType<typeof pair>) => p.provisioner.last("complete") && p.clock.now();
  assert.equal(hex(slow.device.last("complete")!.deviceKey), SAMPLE.cmac.DeviceKey);
  assert.deepEqual(slow.air.pdus().map(hex), fast.air.pdus().map(hex), "the same PDUs");
  // The provisioner's ECDH (700 ms) runs while the device's (1500 ms) does; its Confirmation waits in the
  // device's queue until the device's ECDH is done.
  assert.ok((t(slow) as number) - (t(fast) as number) >= 1400, `${t(slow)} vs ${t(fast)}`);
});

test("Attention Timer: starts with the Invite's duration, counts down each second, stops at 0, at Start or at link close", () => {
  // The provisioner's application takes 5 s to choose: the 3 s timer runs out.
  let choose: (() => void) | undefined;
  const p = pair({ provisionerHandlers: { "capabilities-received": (e, n) => (choose = () => n.prov.oobUse(e.ctx, { algorithm: 0, publicKey: 0, method: 0, action: 0, size: 0 })) } });
  p.device.prov.listen(SAMPLE.UUID);
  p.provisioner.prov.provision(SAMPLE.UUID, SAMPLE_DATA, { attentionDuration: 3 });
  p.clock.runWhile(() => p.device.of("invite-received").length === 0, 10_000);
  const tInvite = p.clock.now();
  assert.deepEqual(p.device.of("attention").map((e) => [e.on, e.remaining]), [[true, 3]]);
  p.clock.runUntil(tInvite + 2900);
  assert.equal(p.device.of("attention").length, 1, "still on after 2.9 s");
  p.clock.runUntil(tInvite + 3100);
  assert.deepEqual(p.device.of("attention").map((e) => [e.on, e.remaining]), [[true, 3], [false, 0]]);
  choose!();
  p.run();
  assert.equal(p.device.of("attention").length, 2);
  assert.equal(p.device.last("invite-received")!.attentionDuration, 3);
  // Start stops it early.
  const q = pair();
  q.device.prov.listen(SAMPLE.UUID);
  q.provisioner.prov.provision(SAMPLE.UUID, SAMPLE_DATA, { attentionDuration: 30 });
  q.run();
  const att = q.device.of("attention");
  assert.deepEqual(att.map((e) => e.on), [true, false]);
  const iStart = q.device.events.findIndex((e) => e.type === "start-received");
  const iOff = q.device.events.indexOf(att[1]!);
  assert.ok(iOff < iStart, "off before start-received");
  // Link close stops it.
  const r = pair({ provisionerHandlers: { "capabilities-received": () => {} } });
  r.device.prov.listen(SAMPLE.UUID);
  r.provisioner.prov.provision(SAMPLE.UUID, SAMPLE_DATA, { attentionDuration: 90 });
  r.run(200_000); // the provisioner never chooses: protocol timeout after 60 s
  assert.deepEqual(r.device.of("attention").map((e) => e.on), [true, false]);
  assert.equal(r.device.last("link-closed")!.reason, "timeout");
});

test("beacons every beaconIntervalMs (with URI Hash), paused during a link, stopped by listenStop; scanning de-duplicates", () => {
  const world = new World({ seed: 77 });
  const device = world.addDevice("device", { capabilities: { algorithms: 3 } });
  const beacons: { time: number; data: Bytes }[] = [];
  world.hub.observe((e) => {
    if (e.type === "tx" && e.from === "device" && e.adType === AD_TYPE.MESH_BEACON && e.channel === 37) beacons.push({ time: e.start, data: e.data });
  });
  const uri = "\u0017//example.com/mesh";
  device.prov.listen(world.devices[0]!.uuid, { beaconIntervalMs: 1000, oobInfo: 0x0002, uri });
  world.clock.runFor(10_500);
  assert.ok(beacons.length >= 10 && beacons.length <= 11, "beacons: " + beacons.length);
  const b = decodeBeacon(beacons[0]!.data);
  assert.ok(b.type === "unprovisioned");
  assert.equal(hex(b.uuid), hex(world.devices[0]!.uuid));
  assert.equal(b.oobInfo, 0x0002);
  assert.equal(hex(b.uriHash!), hex(uriHash(new MeshCrypto(world.crypto), uri)));
  for (let i = 1; i < beacons.length; i++) {
    const gap = beacons[i]!.time - beacons[i - 1]!.time;
    assert.ok(gap >= 1000 - 10 && gap <= 1000 + 30, "gap " + gap); // advDelay: 0..10 ms per event
  }
  // A scanning provisioner (report interval 10 s): one report per UUID per interval.
  const prov = world.addProvisioner(undefined, { "unprovisioned-received": () => {} });
  prov.prov.scanStart();
  prov.prov.scanStart(); // idempotent
  world.clock.runFor(25_000);
  const reports = prov.of("unprovisioned-received");
  assert.equal(reports.length, 3, "reports at about 0, 10, 20 s");
  assert.equal(hex(reports[0]!.uuid), hex(world.devices[0]!.uuid));
  assert.equal(typeof reports[0]!.rssi, "number");
  assert.equal(hex(reports[0]!.uriHash!), hex(b.uriHash!));
  prov.prov.scanStop();
  world.clock.runFor(15_000);
  assert.equal(prov.of("unprovisioned-received").length, 3, "no reports after scanStop");
  // A link pauses the beacons; completing stops them for good.
  const n0 = beacons.length;
  prov.prov.provision(world.devices[0]!.uuid, SAMPLE_DATA, {});
  prov.handlers["capabilities-received"] = (e, n) => n.prov.oobUse(e.ctx, { algorithm: 0, publicKey: 0, method: 0, action: 0, size: 0 });
  world.clock.runWhile(() => device.of("link-closed").length === 0, 60_000);
  assert.equal(device.of("complete").length, 1);
  const during = beacons.slice(n0).length;
  assert.ok(during <= 1, "at most one beacon raced the Link Open: " + during);
  world.clock.runFor(10_000);
  assert.equal(beacons.length, n0 + during, "no beacons once provisioned");
  assert.equal(device.prov.listening, false);
  // listenStop stops beacons of a listening device.
  const d2 = world.addDevice("device2", { capabilities: {} });
  const b2: number[] = [];
  world.hub.observe((e) => e.type === "tx" && e.from === "device2" && e.channel === 37 && b2.push(e.start));
  d2.prov.listen(world.devices[1]!.uuid, { beaconIntervalMs: 500 });
  world.clock.runFor(2_100);
  const k = b2.length;
  assert.ok(k >= 4);
  d2.prov.listenStop();
  world.clock.runFor(5_000);
  assert.equal(b2.length, k);
});

test("a failed attempt, then provisioning again on a new link succeeds", () => {
  const p = pair();
  let first = true;
  p.air.tamper = (dir, pdu) => {
    if (first && dir === "p2d" && pdu[0] === 7) {
      first = false;
      const x = pdu.slice();
      x[2] = x[2]! ^ 1;
      return x;
    }
    return pdu;
  };
  p.start();
  p.run();
  assert.deepEqual(p.device.of("failed").map((e) => e.code), [ErrorCode.DecryptionFailed]);
  assert.equal(p.device.prov.listening, true);
  p.provisioner.prov.provision(SAMPLE.UUID, SAMPLE_DATA, {});
  p.clock.runWhile(() => p.device.of("link-closed").length < 2, 200_000);
  assert.equal(p.device.of("complete").length, 1);
  assert.equal(p.device.of("link-established").length, 2);
  assert.notEqual(p.device.of("link-established")[0]!.ctx.id, p.device.of("link-established")[1]!.ctx.id);
  assert.equal(p.device.prov.listening, false);
});

test("several links at once on one provisioner, one context each", () => {
  const clock = new VirtualClock();
  const air = new LoopbackAir(clock);
  const c = new NodeCryptoPrimitives({ random: seededRandom(11) });
  const uuids = [1, 2, 3, 4, 5].map((i) => new Uint8Array(16).fill(i));
  const person = new Person(clock, 1000);
  const devices = uuids.map((u, i) => {
    const n = new Node("d" + i, { crypto: c, clock, bearers: [air.deviceBearer()], roles: { provisionee: provisioneeRole }, capabilities: { numberOfElements: i + 1, inputOobSize: 4, inputOobAction: 0x04 } }, {
      // The person reads the provisioner's display for this device and types it in.
      "input-request": (e, node) => person.enter(e.ctx.uuid, (v) => node.prov.authDataProvide(e.ctx, v)),
    });
    n.prov.listen(u);
    return n;
  });
  const prov = new Node("p", { crypto: withEcdhTime(c, clock, 300), clock, bearers: [air.provisionerBearer()], roles: { provisioner: provisionerRole } }, {
    "capabilities-received": (e, n) => n.prov.oobUse(e.ctx, { algorithm: 1, publicKey: 0, method: AuthenticationMethod.InputOob, action: 2, size: 4 }),
    "output-request": (e) => person.show(e.ctx.uuid, e.value),
  });
  const ctxs = uuids.map((u, i) => prov.prov.provision(u, { ...SAMPLE_DATA, unicastAddress: 0x100 + i * 8 }, {}));
  assert.equal(new Set(ctxs.map((x) => x.id)).size, 5);
  assert.equal(prov.prov.activeContexts().length, 5);
  clock.runWhile(() => prov.of("link-closed").length < 5, 200_000);
  assert.equal(prov.of("complete").length, 5);
  for (const [i, d] of devices.entries()) {
    const dc = d.last("complete")!;
    const pc = prov.of("complete").find((x) => x.ctx === ctxs[i])!;
    assert.equal(hex(dc.deviceKey), hex(pc.deviceKey));
    assert.equal(pc.unicastAddress, 0x100 + i * 8);
    assert.equal(pc.numberOfElements, i + 1);
  }
  assert.deepEqual(prov.prov.activeContexts(), []);
  assert.throws(() => prov.prov.authDataProvide(ctxs[0]!, 1), isProvError("invalid-state"));
});

test("exceptions thrown by the application's event handler do not break provisioning", () => {
  const logs: string[] = [];
  const p = pair({
    deviceOptions: { logger: { log: (_l: LogLevel, _t: string, m: string) => logs.push(m) } },
    deviceHandlers: {
      "invite-received": () => {
        throw new Error("app bug");
      },
    },
  });
  p.start();
  p.run();
  assert.equal(p.device.of("complete").length, 1);
  assert.ok(logs.some((l) => /app bug/.test(l)));
});

test("secrets never reach the log", () => {
  const lines: string[] = [];
  const logger = { log: (level: LogLevel, tag: string, m: string) => lines.push(`${level} ${tag} ${m}`) };
  const p = pair({ alg: "hmac", deviceOptions: { logger }, provisionerOptions: { logger } });
  p.start();
  p.run();
  assert.equal(p.device.of("complete").length, 1);
  assert.ok(lines.length > 10, "the run is logged");
  const text = lines.join("\n").toLowerCase();
  const secrets = [
    hex(SAMPLE.PrivDev),
    hex(SAMPLE.PrivProv),
    hex(SAMPLE.ECDHSecret),
    hex(SAMPLE.hmac.AuthValue),
    SAMPLE.hmac.DeviceKey,
    hex(SAMPLE_DATA.networkKey),
    "df4a494da3d45405e402f1d6a6cea338", // SessionKey
  ];
  for (const s of secrets) {
    for (let i = 0; i + 8 <= s.length; i += 8) assert.ok(!text.includes(s.slice(i, i + 8)), "a secret fragment in the log");
  }
});
