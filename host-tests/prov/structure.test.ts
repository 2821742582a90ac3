/**
 * The provisioning layer's structure (issue 8, "one set of rules, no simulator knobs in the product"): one
 * automatic OOB policy for the role and the simulator, no simulator/test options in the product API, one
 * named phase per session, a list of bearers with the beacons on the advertising bearer, no import circle
 * through modules/platform.ts, the device record on the Provisioning Data codec, one set of byte helpers.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { Bytes } from "../../modules/platform.js";
import type { DeviceAnnouncement, DeviceBearer, DeviceFound, ProvisionerBearer } from "../../modules/bearer/bearer.js";
import { AdvBearer, UnprovisionedBeacons } from "../../modules/bearer/adv.js";
import { decodeBeacon } from "../../modules/beacon.js";
import { bytesEqual as cryptoBytesEqual } from "../../modules/crypto/bytes.js";
import { bytesEqual, readU16BE, readU32BE, writeU16BE, writeU32BE } from "../../modules/util/bytes.js";
import { RECORD_LENGTH, crc32, decodeRecord, encodeRecord } from "../../modules/device/record.js";
import { AuthenticationMethod, InputOobAction, OutputOobAction, encodeProvisioningData } from "../../modules/prov/pdu.js";
import type { CapabilitiesFields } from "../../modules/prov/pdu.js";
import { autoOobPolicy } from "../../modules/prov/provisioner.js";
import { provisioneeRole } from "../../modules/prov/provisionee.js";
import { provisionerRole } from "../../modules/prov/provisioner.js";
import { chooseOob } from "../../host/network.js";
import { NodeCryptoPrimitives, seededRandom } from "../../host/node-crypto.js";
import { VirtualClock } from "../../host/virtual-clock.js";
import { LoopbackAir } from "./loopback.js";
import { Node, SAMPLE, SAMPLE_DATA, hex, pair } from "./helpers.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

const CAPS: CapabilitiesFields = { numberOfElements: 1, algorithms: 3, publicKeyType: 0, oobType: 0, outputOobSize: 0, outputOobAction: 0, inputOobSize: 0, inputOobAction: 0 };

test("one automatic OOB policy: the simulator's 'auto' is the provisioner role's strongest choice (static first)", () => {
  const cases: Partial<CapabilitiesFields>[] = [
    { oobType: 1, outputOobSize: 1, outputOobAction: 1 << OutputOobAction.Blink, inputOobSize: 1, inputOobAction: 1 << InputOobAction.Push },
    { outputOobSize: 4, outputOobAction: (1 << OutputOobAction.Blink) | (1 << OutputOobAction.OutputNumeric), inputOobSize: 2, inputOobAction: 1 },
    { inputOobSize: 8, inputOobAction: (1 << InputOobAction.Push) | (1 << InputOobAction.InputAlphanumeric) },
    { algorithms: 1 },
    {},
  ];
  for (const c of cases) {
    const caps = { ...CAPS, ...c };
    assert.deepEqual(chooseOob(caps, { oob: "auto" }), autoOobPolicy()(caps), JSON.stringify(c));
  }
  assert.equal(chooseOob({ ...CAPS, ...cases[0] }, { oob: "auto" }).method, AuthenticationMethod.StaticOob);
  // The command line's algorithm is a preference of the same policy.
  assert.equal(chooseOob({ ...CAPS, ...cases[0] }, { oob: "auto", alg: "cmac" }).algorithm, 0);
});

test("no simulator or test knobs in the product API: ECDH time and sample-data hooks live in the test/simulated platforms", () => {
  for (const file of ["modules/prov/api.ts", "modules/prov/common.ts", "modules/prov/provisionee.ts", "modules/prov/provisioner.ts", "main.ts"]) {
    const src = readFileSync(join(root, file), "utf8");
    for (const knob of ["ecdhComputeMs", "testHooks", "ProvTestHooks", "hooks?."]) assert.ok(!src.includes(knob), `${file} mentions ${knob}`);
  }
});

test("a session is in one named phase; no overlapping finished/closed/busy flags", () => {
  const p = pair();
  const seen: string[] = [];
  const ctx = p.start();
  const session = (p.provisioner.prov as unknown as { contexts: Map<number, object> }).contexts.get(ctx.id)!;
  for (const flag of ["finished", "closed", "busy", "state"]) assert.ok(!Object.keys(session).includes(flag), `own field ${flag}`);
  const state = () => (session as { phase: string }).phase;
  const watch = () => {
    if (seen[seen.length - 1] !== state()) seen.push(state());
  };
  watch();
  while (p.provisioner.of("link-closed").length === 0 && p.clock.now() < 100_000) {
    p.clock.runFor(5);
    watch();
  }
  assert.deepEqual(seen.slice(0, 3), ["link-opening", "wait-capabilities", "wait-public-key"]);
  assert.ok(seen.includes("wait-complete") && seen.includes("complete"), seen.join(" "));
  assert.equal(seen[seen.length - 1], "closed");
});

test("a list of bearers: the device listens on all and is provisioned over the second; the provisioner picks one", () => {
  const clock = new VirtualClock();
  const airA = new LoopbackAir(clock);
  const airB = new LoopbackAir(clock);
  const crypto = new NodeCryptoPrimitives({ random: seededRandom(4) });
  const announced: (string | undefined)[] = [];
  // Bearer A can announce (like PB-ADV with its beacons); bearer B cannot (like a bearer without discovery).
  const a: DeviceBearer = { ...airA.deviceBearer(), announce: (x: DeviceAnnouncement | undefined) => void announced.push(x && hex(x.uuid)) };
  const device = new Node("d", { crypto, clock, bearers: [a, airB.deviceBearer()], roles: { provisionee: provisioneeRole } });
  const prov = new Node("p", { crypto, clock, bearers: [airA.provisionerBearer(), airB.provisionerBearer()], roles: { provisioner: provisionerRole } }, {
    "capabilities-received": (e, n) => n.prov.oobUse(e.ctx, { algorithm: 1, publicKey: 0, method: 0, action: 0, size: 0 }),
  });
  device.prov.listen(SAMPLE.UUID);
  prov.prov.provision(SAMPLE.UUID, SAMPLE_DATA, { bearer: 1 });
  clock.runWhile(() => prov.of("link-closed").length === 0, 100_000);
  assert.equal(device.of("complete").length, 1);
  assert.equal(airA.pdus().length, 0, "nothing on bearer A");
  assert.ok(airB.pdus().length >= 10);
  assert.deepEqual(announced, [hex(SAMPLE.UUID), undefined, undefined], "announced while listening, stopped on the link, then on Complete");
  assert.throws(() => prov.prov.provision(SAMPLE.UUID, SAMPLE_DATA, { bearer: 2 }), /no bearer 2/);
  assert.throws(() => prov.prov.scanStart(), /no bearer .* can scan/);
});

test("the provisioner scans every bearer that can; Unprovisioned Device beacons come from the advertising bearer", () => {
  const clock = new VirtualClock();
  const air = new LoopbackAir(clock);
  const crypto = new NodeCryptoPrimitives({ random: seededRandom(4) });
  let report: ((d: DeviceFound) => void) | undefined;
  const scanning: ProvisionerBearer = { ...air.provisionerBearer(), scan: (f) => ((report = f), () => (report = undefined)) };
  const prov = new Node("p", { crypto, clock, bearers: [air.provisionerBearer(), scanning], roles: { provisioner: provisionerRole } });
  prov.prov.scanStart();
  report!({ uuid: SAMPLE.UUID, oobInfo: 0x0020, rssi: -40 });
  report!({ uuid: SAMPLE.UUID, oobInfo: 0x0020, rssi: -41 });
  assert.deepEqual(prov.of("unprovisioned-received").map((e) => [hex(e.uuid), e.oobInfo, e.rssi]), [[hex(SAMPLE.UUID), 0x20, -40]]);
  prov.prov.scanStop();
  assert.equal(report, undefined);

  // The advertising bearer's beacons: one at once, then every interval; stopped by undefined.
  const sent: { time: number; data: Bytes }[] = [];
  const adv = { send: (_t: number, data: Bytes) => (sent.push({ time: clock.now(), data }), { cancel() {} }), subscribe: () => () => {} } as unknown as AdvBearer;
  const beacons = new UnprovisionedBeacons(adv, clock);
  beacons.announce({ uuid: SAMPLE.UUID, oobInfo: 0x0001 }, 500);
  clock.runFor(1200);
  beacons.announce(undefined, 500);
  clock.runFor(2000);
  assert.deepEqual(sent.map((s) => s.time), [0, 500, 1000]);
  const b = decodeBeacon(sent[0]!.data);
  assert.ok(b.type === "unprovisioned" && hex(b.uuid) === hex(SAMPLE.UUID) && b.oobInfo === 1);
});

/** Value imports (not `import type`) of a module, resolved to files. */
function valueImports(file: string): string[] {
  const src = readFileSync(file, "utf8");
  const out: string[] = [];
  for (const m of src.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+"([^"]+)"/gms)) {
    if (m[1]!.startsWith(".")) out.push(join(dirname(file), m[1]!.replace(/\.js$/, ".ts")));
  }
  return out;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const f = join(dir, n);
    return statSync(f).isDirectory() ? tsFiles(f) : f.endsWith(".ts") ? [f] : [];
  });
}

test("interfaces pull in no implementation: modules/platform.ts imports nothing, and modules/ has no import circle", () => {
  const platform = readFileSync(join(root, "modules/platform.ts"), "utf8");
  assert.ok(!/^\s*(import|export)\s[^;]*from\s/m.test(platform), "platform.ts imports or re-exports a module");
  const files = tsFiles(join(root, "modules"));
  const graph = new Map(files.map((f) => [f, valueImports(f)]));
  const state = new Map<string, "open" | "done">();
  const cycles: string[] = [];
  const visit = (f: string, path: string[]): void => {
    if (state.get(f) === "done") return;
    if (state.get(f) === "open") {
      cycles.push([...path.slice(path.indexOf(f)), f].map((x) => relative(root, x)).join(" -> "));
      return;
    }
    state.set(f, "open");
    for (const g of graph.get(f) ?? []) visit(g, [...path, f]);
    state.set(f, "done");
  };
  for (const f of files) visit(f, []);
  assert.deepEqual(cycles, []);
});

test("the device record stores the Provisioning Data with its codec (offset 4, 25 bytes) and refuses data the codec refuses", () => {
  const deviceKey = new Uint8Array(16).fill(0x42);
  const rec = encodeRecord({ data: SAMPLE_DATA, deviceKey, numberOfElements: 2 });
  assert.equal(rec.length, RECORD_LENGTH);
  assert.equal(RECORD_LENGTH, 50);
  assert.equal(hex(rec.subarray(4, 29)), hex(encodeProvisioningData(SAMPLE_DATA)));
  assert.equal(hex(rec.subarray(29, 45)), hex(deviceKey));
  assert.equal(rec[49], 0);
  const back = decodeRecord(rec);
  assert.ok(back.ok);
  assert.deepEqual(back.record.data, SAMPLE_DATA);
  // A record with a valid CRC but a Key Index above 0xFFF, or addresses beyond 0x7FFF, is not trusted.
  const reseal = (edit: (b: Uint8Array) => void): Uint8Array => {
    const b = rec.slice();
    edit(b);
    writeU32BE(b, 45, crc32(b.subarray(0, 45)));
    return b;
  };
  const badKeyIndex = decodeRecord(reseal((b) => writeU16BE(b, 20, 0x1000)));
  assert.equal(badKeyIndex.ok, false);
  const beyond = decodeRecord(reseal((b) => writeU16BE(b, 27, 0x7fff)));
  assert.equal(beyond.ok, false, "2 elements from 0x7FFF leave the unicast range");
});

test("one set of byte helpers (modules/util/bytes.ts): big-endian read/write, one constant-time bytesEqual", () => {
  const b = new Uint8Array(8);
  writeU32BE(b, 1, 0xdeadbeef);
  writeU16BE(b, 5, 0xcafe);
  assert.equal(hex(b), "00deadbeefcafe00");
  assert.equal(readU32BE(b, 1), 0xdeadbeef);
  assert.equal(readU16BE(b, 5), 0xcafe);
  assert.equal(cryptoBytesEqual, bytesEqual, "crypto/bytes.ts re-exports the one bytesEqual");
  assert.ok(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2)));
  assert.ok(!bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 3)));
  assert.ok(!bytesEqual(Uint8Array.of(1), Uint8Array.of(1, 0)));
});
