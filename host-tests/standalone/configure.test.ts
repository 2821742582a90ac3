/**
 * The standalone provisioner as a mesh node (modules/standalone/provisioner-app.ts, configure.ts) on the simulated
 * air in virtual time, with lights (main.ts DeviceApp with the product's mesh node, modules/app/node-runner.ts):
 * - it provisions two lights, configures each with its DeviceKey (AppKey Add, Model App Bind of the Generic
 *   OnOff Server, Model Subscription Add of 0xC000), and each press of its button toggles both lamps (Generic
 *   OnOff Set Unacknowledged to the group, the next TID each time);
 * - power lost in the middle of a configuration (after the light took the AppKey, before the node table says
 *   "configured"): the restarted provisioner resumes it, with the same AppKey (the light holds one key);
 * - a light that refuses a step (a status other than Success) is reported, recorded as refused, not retried
 *   (not even after a restart), and the other light is configured;
 * - no key in any log line or event.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { AirHub } from "../../host/air/hub.js";
import { simAir } from "./sim.js";
import { MemoryStorage } from "../../host/storage.js";
import { DeviceApp } from "../../main.js";
import { runMeshNode } from "../../modules/app/node-runner.js";
import type { LightApp } from "../../modules/app/apps.js";
import type { Node } from "../../modules/node/node.js";
import { bytesToHex } from "../../modules/crypto/bytes.js";
import { SigModel } from "../../modules/access/model.js";
import { APP_KEY_KEY, StandaloneProvisioner, standaloneRecords } from "../../modules/standalone/provisioner-app.js";
import type { StandaloneEvent } from "../../modules/standalone/provisioner-app.js";
import { LIGHTS_GROUP, onOffServerElements } from "../../modules/standalone/configure.js";
import { slotKey } from "../../modules/standalone/node-table.js";

function world(seed: number) {
  const { hub, crypto, logs, logger } = simAir(seed);
  let button: (() => void) | undefined;
  const storage = new MemoryStorage();
  const events: StandaloneEvent[] = [];
  const radio = hub.createRadio("standalone");
  const provisioner = (): StandaloneProvisioner => {
    const p = new StandaloneProvisioner({ crypto, clock: hub.clock, radio, storage, logger }, { onButton: (h) => void (button = h) }, { capacity: 8, oob: "none", request: { timeoutMs: 2000, retries: 3 } });
    p.onEvent = (e) => void events.push(e);
    return p;
  };
  const lights: DeviceApp[] = [];
  const light = (i: number): DeviceApp => {
    const app = new DeviceApp({ crypto, clock: hub.clock, radio: hub.createRadio(`light${i}`), storage: new MemoryStorage() }, { setLed() {} }, { kind: "light", uuid: new Uint8Array(16).fill(0x40 + i), beaconIntervalMs: 500 }, runMeshNode);
    lights.push(app);
    return app;
  };
  const lamp = (l: DeviceApp): boolean => (l.mesh as LightApp).onoff.onOff;
  const press = (): void => button!();
  const count = (type: StandaloneEvent["type"]): number => events.filter((e) => e.type === type).length;
  return { hub, storage, events, logs, provisioner, light, lights, lamp, press, count };
}

type World = ReturnType<typeof world>;

/**
 * Run the hub while `notDone()`, at most `limitMs` of simulated time, one due event at a time with the promise jobs
 * run after each (the Configuration and OnOff Clients resolve promises, as the XS run loop does after each
 * callback; the hub's runWhile alone would run them only at its end). True when done.
 */
async function runWhile(hub: AirHub, notDone: () => boolean, limitMs: number): Promise<boolean> {
  const end = hub.clock.now() + limitMs;
  const mark = hub.clock.setTimeout(() => {}, limitMs); // time reaches the end even when nothing else is due
  while (notDone() && hub.clock.now() < end) {
    const now = hub.clock.now();
    const next = hub.virtualClock.nextEventTime();
    if (next === undefined) break;
    await hub.runWhile(notDone, Math.max(0, Math.min(end, next) - now));
    await new Promise((r) => setImmediate(r));
  }
  hub.clock.clearTimeout(mark);
  return !notDone();
}

/** No key of the network (NetKey, AppKey, DeviceKeys) in any log line or event. */
function assertNoKey(w: World): void {
  const keys = w.lights.filter((l) => l.record).flatMap((l) => [l.record!.deviceKey, l.record!.data.networkKey]);
  const app = w.storage.read(APP_KEY_KEY);
  if (app) keys.push(app.subarray(0, 16));
  // the events as the entries print them (node-added carries the node's entry, DeviceKey included, for the app)
  const printed = w.events.map((e) => (e.type === "node-added" ? { ...e, node: { ...e.node, deviceKey: undefined } } : e));
  const text = (w.logs.join("\n") + JSON.stringify(printed, (_k, v) => (v instanceof Uint8Array ? bytesToHex(v) : v))).toLowerCase();
  for (const k of keys) assert.ok(!text.includes(bytesToHex(k)), "no key in the logs or events");
}

/** The light's node state (its AppKeys, the Generic OnOff Server's bindings and subscriptions). */
function lightState(l: DeviceApp) {
  const node = l.node as Node;
  const e = 0;
  const m = (l.mesh as LightApp).elements()[0]!.models.findIndex((x) => x.id.modelId === SigModel.GENERIC_ONOFF_SERVER);
  const s = node.state.modelState(e, m)!;
  return { appKeys: node.state.appKeyEntries().map((k) => bytesToHex(k.key)), bindings: s.bindings, subscriptions: s.subscriptions.map((x) => x.address) };
}

test("standalone provisioner: provisions 2 lights, configures them, its button toggles both (next TID each press)", async () => {
  const w = world(21);
  try {
    const p = w.provisioner();
    for (const i of [0, 1]) w.light(i).start();
    p.start();
    assert.ok(await runWhile(w.hub, () => w.count("configured") < 2, 120_000), `not 2 configured:\n${w.logs.join("\n")}`);
    assert.equal(w.count("configuration-failed"), 0);
    const appKey = bytesToHex(w.storage.read(APP_KEY_KEY)!.subarray(0, 16));
    for (const l of w.lights) {
      assert.equal(l.state, "provisioned");
      const s = lightState(l);
      assert.deepEqual(s.appKeys, [appKey], "the provisioner's AppKey");
      assert.deepEqual(s.bindings, [0]);
      assert.deepEqual(s.subscriptions, [LIGHTS_GROUP]);
      const n = p.table!.nodeAt(l.record!.data.unicastAddress)!;
      assert.equal(n.configuration, "configured", "recorded in the node table");
      assert.equal(w.lamp(l), false);
    }
    // what the capacity counts (standaloneRecords) is what the run wrote: the fixed records, and per node its
    // record and its replay protection entry
    const written = [...(w.storage as unknown as { map: Map<string, Uint8Array> }).map].map(([k, v]) => [k, v.length] as const);
    const r = standaloneRecords();
    const fixed = written.filter(([k]) => !k.startsWith("n.") && !k.startsWith("mesh.rpl."));
    assert.deepEqual(fixed.map(([k, v]) => [k.length, v]).sort(), r.fixed.slice().sort(), JSON.stringify(written));
    const rpl = written.filter(([k]) => k.startsWith("mesh.rpl."));
    assert.equal(rpl.length, 2, "one replay protection entry per configured node");
    for (const [k, v] of rpl) assert.ok(k.length <= r.perNode[0]![0] && v === r.perNode[0]![1]);
    const configured = w.events.filter((e) => e.type === "configured");
    assert.ok(configured.every((e) => e.type === "configured" && e.servers === 1));
    // press: both lamps on; press again: both off
    for (const on of [true, false, true]) {
      w.press();
      assert.ok(await runWhile(w.hub, () => w.lights.some((l) => w.lamp(l) !== on), 3000), `lamps not ${on}`);
    }
    const toggles = w.events.filter((e) => e.type === "toggle");
    assert.equal(toggles.length, 3);
    for (let i = 1; i < toggles.length; i++) {
      const a = toggles[i - 1]!, b = toggles[i]!;
      assert.ok(a.type === "toggle" && b.type === "toggle" && b.tid === ((a.tid + 1) & 0xff) && b.group === LIGHTS_GROUP, "the next TID");
    }
    assertNoKey(w);
  } finally {
    await w.hub.close();
  }
});

test("standalone provisioner: power lost mid-configuration (the light took the AppKey): resumed after the restart, the same AppKey", async () => {
  const w = world(22);
  try {
    const p = w.provisioner();
    const light = w.light(0);
    light.start();
    p.start();
    // the power goes when the light holds the AppKey, before the node table records "configured"
    assert.ok(await runWhile(w.hub, () => !(light.node && lightState(light).appKeys.length === 1), 120_000), "AppKey Add never landed");
    p.stop();
    assert.equal(w.count("configured"), 0, "cut before the configuration was recorded");
    const address = light.record!.data.unicastAddress;
    const raw = w.storage.read(slotKey(0))!;
    assert.equal(raw[0], 1, "the node record: provisioned, not configured");
    await runWhile(w.hub, () => true, 3000);

    w.events.length = 0;
    const p2 = w.provisioner();
    p2.start();
    const started = w.events.find((e) => e.type === "started");
    assert.ok(started && started.type === "started" && started.nodes === 1 && started.configured === 0 && started.refused === 0);
    assert.ok(await runWhile(w.hub, () => w.count("configured") < 1, 60_000), `not configured after the restart:\n${w.logs.join("\n")}`);
    const resumed = w.events.find((e) => e.type === "configuring");
    assert.ok(resumed && resumed.type === "configuring" && resumed.address === address && resumed.resumed);
    assert.equal(w.count("configuration-failed"), 0, "the same AppKey again: Success, not Key Index Already Stored");
    assert.deepEqual(lightState(light).appKeys, [bytesToHex(w.storage.read(APP_KEY_KEY)!.subarray(0, 16))], "one AppKey, the provisioner's");
    assert.equal(p2.table!.nodeAt(address)!.configuration, "configured");
    w.press();
    assert.ok(await runWhile(w.hub, () => !w.lamp(light), 3000), "the button toggles the light after the restart");
    // a third start: nothing to configure
    p2.stop();
    w.events.length = 0;
    w.provisioner().start();
    await runWhile(w.hub, () => true, 2000);
    assert.equal(w.count("configuring"), 0);
    assertNoKey(w);
  } finally {
    await w.hub.close();
  }
});

test("standalone provisioner: a light that refuses a step is reported, recorded, and not tried again (not after a restart either)", async () => {
  const w = world(23);
  try {
    const p = w.provisioner();
    const refuser = w.light(0);
    const good = w.light(1);
    refuser.start();
    good.start();
    p.start();
    // someone else's AppKey at index 0 on the first light, as soon as its node runs: AppKey Add answers Key Index
    // Already Stored (4.3.2.37, 4.4.1.2)
    assert.ok(await runWhile(w.hub, () => !refuser.node, 120_000));
    (refuser.node as Node).state.addAppKey(0, 0, new Uint8Array(16).fill(0x77));
    assert.ok(await runWhile(w.hub, () => w.count("configured") + w.count("configuration-failed") < 2, 120_000), w.logs.join("\n"));
    const failed = w.events.filter((e) => e.type === "configuration-failed");
    assert.equal(failed.length, 1);
    const f = failed[0]!;
    assert.ok(f.type === "configuration-failed" && f.refused && f.step === "Config AppKey Add" && /Key Index Already Stored/i.test(f.reason), JSON.stringify(f));
    assert.equal(f.address, refuser.record!.data.unicastAddress);
    assert.ok(w.logs.some((l) => l.includes("refused: not tried again")));
    assert.equal(p.table!.nodeAt(f.address)!.configuration, "refused");
    assert.equal(p.table!.nodeAt(good.record!.data.unicastAddress)!.configuration, "configured");
    // restart: reported in "started", not tried again
    p.stop();
    w.events.length = 0;
    w.provisioner().start();
    await runWhile(w.hub, () => true, 10_000);
    const started = w.events.find((e) => e.type === "started");
    assert.ok(started && started.type === "started" && started.refused === 1 && started.configured === 1);
    assert.equal(w.count("configuring"), 0, "the refused light is not tried again");
    assertNoKey(w);
  } finally {
    await w.hub.close();
  }
});

test("configure: the elements that carry a Generic OnOff Server, from Composition Data", () => {
  assert.deepEqual(onOffServerElements(0x0100, [{ sigModels: [0x0000, 0x0002, 0x1000] }, { sigModels: [0x1001] }, { sigModels: [0x1000] }]), [0x0100, 0x0102]);
  assert.deepEqual(onOffServerElements(0x0100, []), []);
});

test("standalone provisioner: a damaged AppKey record is reported and nothing is configured (another key would be refused)", async () => {
  const w = world(24);
  try {
    w.storage.write(APP_KEY_KEY, new Uint8Array(20).fill(3)); // CRC wrong
    const p = w.provisioner();
    const light = w.light(0);
    light.start();
    p.start();
    const err = w.events.find((e) => e.type === "storage-error");
    assert.ok(err && err.type === "storage-error" && /AppKey record is damaged/.test(err.reason), JSON.stringify(err));
    assert.equal(p.node, undefined, "no mesh node without its AppKey");
    assert.ok(await runWhile(w.hub, () => light.state !== "provisioned", 60_000), "still provisions");
    await runWhile(w.hub, () => true, 5000);
    assert.equal(w.count("configuring"), 0);
    w.press();
    assert.ok(w.logs.some((l) => l.includes("the mesh node is not running")));
  } finally {
    await w.hub.close();
  }
});
