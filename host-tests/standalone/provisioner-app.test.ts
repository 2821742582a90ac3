/**
 * The standalone provisioner application (modules/standalone/provisioner-app.ts) on the simulated air (virtual
 * time), with lights (main.ts DeviceApp) as provisionees: Output OOB Blink entered by button presses, the node
 * table full (logged once, the next device left alone), a restart with the same keys on both sides, a damaged
 * own record, and the roles that are not built in answering "not supported".
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { simAir } from "./sim.js";
import { MemoryStorage } from "../../host/storage.js";
import { DeviceApp } from "../../main.js";
import type { DeviceEvent } from "../../main.js";
import { NotSupportedError } from "../../modules/prov/api.js";
import type { Provisioning } from "../../modules/prov/api.js";
import { bytesToHex } from "../../modules/crypto/bytes.js";
import { SELF_KEY, StandaloneProvisioner, standaloneCapacity } from "../../modules/standalone/provisioner-app.js";
import type { StandaloneEvent } from "../../modules/standalone/provisioner-app.js";

const net = { networkKey: new Uint8Array(16), keyIndex: 0, flags: { keyRefresh: false, ivUpdate: false }, ivIndex: 0 };

function world(seed: number) {
  const { hub, crypto, logs, logger } = simAir(seed);
  let button: (() => void) | undefined;
  const shown: string[] = [];
  const storage = new MemoryStorage();
  const events: StandaloneEvent[] = [];
  const provisioner = (capacity: number): StandaloneProvisioner => {
    const p = new StandaloneProvisioner(
      { crypto, clock: hub.clock, radio: hub.radio("standalone") ?? hub.createRadio("standalone"), storage, logger },
      { onButton: (h) => void (button = h), show: (t) => void shown.push(t) },
      { capacity },
    );
    p.onEvent = (e) => void events.push(e);
    return p;
  };
  const lights: { app: DeviceApp; events: DeviceEvent[]; storage: MemoryStorage }[] = [];
  const light = (i: number) => {
    const st = new MemoryStorage();
    const ev: DeviceEvent[] = [];
    const app = new DeviceApp({ crypto, clock: hub.clock, radio: hub.createRadio(`light${i}`), storage: st }, { setLed() {} }, { kind: "light", uuid: new Uint8Array(16).fill(0x40 + i), beaconIntervalMs: 500 });
    app.onEvent = (e) => {
      ev.push(e);
      // the person watches the light blink its value and presses the provisioner's button as many times
      if (e.type === "output-request") for (let k = 0; k < Number(e.value); k++) hub.clock.setTimeout(() => button?.(), 200 + k * 150);
    };
    lights.push({ app, events: ev, storage: st });
    return app;
  };
  return { hub, storage, events, logs, shown, provisioner, light, lights };
}

test("standalone provisioner: provisions lights with Output OOB Blink entered on its button, stops when full (said once), comes back with the same keys", async () => {
  const w = world(3);
  try {
    const p = w.provisioner(2);
    for (const i of [0, 1, 2]) w.light(i).start();
    p.start();
    const added = () => w.events.filter((e) => e.type === "node-added").length;
    assert.ok(await w.hub.runWhile(() => added() < 2, 120_000), `not 2 nodes: ${w.logs.join("\n")}`);
    await w.hub.runFor(20_000); // the third light keeps beaconing: it is heard, not provisioned
    assert.equal(added(), 2);
    const auths = w.events.filter((e) => e.type === "auth");
    assert.ok(auths.length >= 2 && auths.every((e) => e.type === "auth" && e.method === 2 && e.enter === "button"), "Output OOB, entered on the button");
    assert.equal(w.events.filter((e) => e.type === "full").length, 1);
    assert.equal(w.logs.filter((l) => l.includes("node table is full")).length, 1, "said once");
    assert.equal(p.prov.scanning, false);
    const provisioned = w.lights.filter((l) => l.app.state === "provisioned");
    assert.equal(provisioned.length, 2);
    assert.ok(w.lights.some((l) => l.app.state === "unprovisioned"), "the third light was left alone");
    assert.ok(w.logs.every((l) => !provisioned.some((x) => l.includes(bytesToHex(x.app.record!.deviceKey)))), "no device key logged");

    // restart: the table, the network and each light's DeviceKey
    w.events.length = 0;
    const p2 = w.provisioner(2);
    p2.start();
    const started = w.events.find((e) => e.type === "started");
    assert.ok(started && started.type === "started" && started.nodes === 2 && started.pending === 0 && started.skipped.length === 0);
    assert.equal(p2.prov.scanning, false, "full at start: no scanning");
    for (const l of provisioned) {
      const node = p2.table!.nodeOf(l.app.config.uuid);
      assert.ok(node, "the light is in the node table");
      assert.deepEqual(node.deviceKey, l.app.record!.deviceKey, "the same DeviceKey on both sides");
      assert.equal(node.address, l.app.record!.data.unicastAddress);
      assert.deepEqual(l.app.record!.data.networkKey, p2.network!.data.networkKey, "the provisioner's network");
    }
  } finally {
    await w.hub.close();
  }
});

test("standalone provisioner: a damaged own record is reported, nothing is provisioned, nothing throws", async () => {
  const w = world(4);
  try {
    w.storage.write(SELF_KEY, new Uint8Array([1, 2, 3]));
    const p = w.provisioner(4);
    w.light(0).start();
    p.start();
    await w.hub.runFor(5_000);
    const err = w.events.find((e) => e.type === "storage-error");
    assert.ok(err && err.type === "storage-error" && /own record is damaged/.test(err.reason));
    assert.equal(p.prov.scanning, false);
    assert.equal(w.lights[0]!.app.state, "unprovisioned");
  } finally {
    await w.hub.close();
  }
});

test("roles: a light's API (DeviceProvisioning) has no provisioner calls (a call is a TypeError); the standalone provisioner has no provisionee role", async () => {
  const w = world(5);
  try {
    const light = w.light(0);
    const calls = light.prov as unknown as Provisioning;
    assert.equal(calls.provision, undefined);
    assert.throws(() => calls.provision(new Uint8Array(16), net), TypeError);
    assert.throws(() => calls.scanStart(), TypeError);
    const p = w.provisioner(2);
    assert.throws(() => p.prov.listen(new Uint8Array(16)), (e: unknown) => e instanceof NotSupportedError && e.message === "provisionee role: not supported");
  } finally {
    await w.hub.close();
  }
});

test("standalone capacity: 31 nodes on the device's 4 KB store page (each with its replay protection entry)", () => {
  assert.equal(standaloneCapacity(), 31);
});
