/**
 * The device's provisioning code without the provisioner's (issue 10: the node image's flash). A device image
 * reaches the provisioning stack through main.ts: PbAdvDevice (PB-ADV Server, pb-adv.ts), pbAdvDeviceBearer
 * (adv.ts), DeviceProvisioning (api.ts) and the provisionee role; PbAdv, Provisioning and the provisioner role add
 * the provisioner's side for the host, the modem and the standalone provisioner. Checked here: the device's
 * module graph, tree-shaken as the firmware's bundle is (tools/fw/bundle.mjs, esbuild), keeps none of the
 * provisioner's code; the device-side classes refuse what they do not carry, loudly; the host's classes still
 * carry both sides.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildSync } from "esbuild";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { VirtualClock } from "../../host/virtual-clock.js";
import { NodeCryptoPrimitives, seededRandom } from "../../host/node-crypto.js";
import { DeviceProvisioning, NotSupportedError, Provisioning } from "../../modules/prov/api.js";
import { provisioneeRole } from "../../modules/prov/provisionee.js";
import { provisionerRole } from "../../modules/prov/provisioner.js";
import { AdvBearer, pbAdvBearer, pbAdvDeviceBearer } from "../../modules/bearer/adv.js";
import { PbAdv, PbAdvDevice } from "../../modules/bearer/pb-adv.js";
import { defaultRetransmitPolicy, DEFAULT_RETRANSMIT_POLICY, retransmitPolicies } from "../../modules/bearer/retransmit.js";
import { LoopbackAir } from "./loopback.js";
import { SAMPLE_DATA } from "./helpers.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

/** The device application's module graph as the firmware bundles it: tree-shaken, identifiers minified. */
function deviceBundle(): string {
  const dir = mkdtempSync(join(tmpdir(), "device-image-"));
  try {
    const entry = join(dir, "entry.ts");
    writeFileSync(entry, `export { DeviceApp } from ${JSON.stringify(join(root, "main.js"))};\n`);
    const r = buildSync({
      entryPoints: [entry], bundle: true, format: "esm", target: "es2022", platform: "neutral", write: false,
      treeShaking: true, minifyIdentifiers: true, minifySyntax: true, logLevel: "silent",
    });
    return r.outputFiles[0]!.text;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("the device's graph (main.ts -> provisionee) keeps none of the provisioner's code", () => {
  const js = deviceBundle();
  // the device's own side is there (a check that the bundle is the device's, so the absences below mean something)
  for (const present of ["init: the provisionee role needs a DeviceBearer", ": opened by a provisioner", "Provisioning Data MIC mismatch"]) {
    assert.ok(js.includes(present), `the device bundle lacks "${present}"`);
  }
  const absent: [string, string][] = [
    ["no Link Ack within", "PB-ADV link establishment (pb-adv.ts OpeningLink)"],
    ["no free Link ID", "PB-ADV opening links (pb-adv.ts PbAdv.open)"],
    ["only a provisioner context awaits it", "the provisioner's calls (api.ts Provisioning)"],
    ["init: the provisioner role needs a ProvisionerBearer", "the provisioner role (provisioner.ts)"],
    ["init: addresses must be a UnicastAllocator", "the provisioner's options (provisioner.ts)"],
    ["unknown Generic Provisioning PDU type", "the generic encoder (gprov.ts encodeGenericProvPdu)"],
    ["fixed-500ms", "the benchmark's retransmission policies (retransmit.ts retransmitPolicies)"],
  ];
  for (const [text, what] of absent) assert.ok(!js.includes(text), `the device bundle carries ${what}: "${text}"`);
});

test("the device-side classes refuse the provisioner's side loudly; the host's carry both", () => {
  const clock = new VirtualClock();
  const crypto = new NodeCryptoPrimitives({ random: seededRandom(3) });
  const air = new LoopbackAir(clock);
  // DeviceProvisioning has no provisioner calls: given the provisioner role, it says so.
  assert.throws(
    () => new DeviceProvisioning({ crypto, clock, bearers: [air.provisionerBearer()], roles: { provisioner: provisionerRole }, onEvent: () => {} }),
    (e: unknown) => e instanceof NotSupportedError && /provisioner role of DeviceProvisioning/.test(e.message),
  );
  const device = new DeviceProvisioning({ crypto, clock, bearers: [air.deviceBearer()], roles: { provisionee: provisioneeRole }, onEvent: () => {} });
  assert.equal((device as unknown as Provisioning).provision, undefined);
  assert.throws(() => (device as unknown as Provisioning).provision(new Uint8Array(16), SAMPLE_DATA), TypeError);
  // Provisioning is DeviceProvisioning and the provisioner's calls.
  const both = new Provisioning({ crypto, clock, bearers: [air.deviceBearer(), air.provisionerBearer()], roles: { provisionee: provisioneeRole, provisioner: provisionerRole }, onEvent: () => {} });
  assert.ok(both instanceof DeviceProvisioning);
  assert.equal(typeof both.provision, "function");

  // PB-ADV: the device's has no open(); its bearer entry no open() or scan(); the host's PbAdv has both sides.
  const radio = { advertise: () => ({ cancel() {} }), setReceiver() {} };
  const adv = new AdvBearer(radio as never, clock);
  const pbDevice = new PbAdvDevice(adv, clock, crypto);
  assert.equal((pbDevice as unknown as PbAdv).open, undefined);
  const entry = pbAdvDeviceBearer(pbDevice, adv, clock);
  assert.deepEqual(Object.keys(entry).sort(), ["announce", "listen", "stopListening"]);
  const pb = new PbAdv(adv, clock, crypto);
  assert.ok(pb instanceof PbAdvDevice);
  assert.deepEqual(Object.keys(pbAdvBearer(pb, adv, clock)).sort(), ["announce", "listen", "open", "scan", "stopListening"]);
});

test("the default retransmission policy is the table's default", () => {
  assert.equal(retransmitPolicies[DEFAULT_RETRANSMIT_POLICY], defaultRetransmitPolicy);
  assert.equal(defaultRetransmitPolicy().name, DEFAULT_RETRANSMIT_POLICY);
});
