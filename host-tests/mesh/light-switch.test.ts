/**
 * End to end on the Node runtime: a provisioner provisions a light and a switch over PB-ADV, configures them
 * over the mesh (Configuration Client with their device keys), and the switch's button toggles the light.
 * Then the spec's answers to bad configuration and bad access messages, on the real node stack.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { LightSwitchNetwork, LIGHTS_GROUP, advance, settle } from "../../host/mesh-network.js";
import { ConfigStatus, SigModel } from "../../modules/access/model.js";
import { ConfigOp } from "../../modules/models/config-messages.js";
import type { LightApp } from "../../modules/app/apps.js";
import type { Model, ModelContext, OpcodeEntry, ReceivedMessage } from "../../modules/access/model.js";
import type { Node } from "../../modules/node/node.js";

/** A model on the provisioner's node that sends raw messages and records what comes back. */
class Probe implements Model {
  readonly id = { modelId: 0x0001, companyId: 0xffff };
  readonly opcodes: OpcodeEntry[] = [{ opcode: 0xc0ffff, minLength: 0, handler: (m) => this.received.push(m) }];
  readonly received: ReceivedMessage[] = [];
  ctx: ModelContext | undefined;
  attach(ctx: ModelContext): void {
    this.ctx = ctx;
  }
}
const probe = new Probe();

async function configured(seed: number, loss = 0, story: string[] = []) {
  const ls = new LightSwitchNetwork({ seed, link: { loss, duplicate: loss / 2 }, provisionerModels: [probe], onStory: (e) => story.push(`${e.who}: ${e.text}`) });
  await ls.provision();
  await ls.configure();
  return ls;
}

test("the switch toggles the light: each press flips the lamp, in well under a second of simulated time", async () => {
  const story: string[] = [];
  const ls = await configured(3, 0, story);
  assert.ok(story.some((l) => /Health Attention Set 1 s .*blinked 2 times/.test(l)), "the Health Client's Attention Set blinked the lamp over the mesh");
  try {
    const results = [];
    for (let i = 1; i <= 6; i++) results.push(await ls.press(i));
    assert.deepEqual(
      results.map((r) => r.lightOn),
      [true, false, true, false, true, false],
    );
    for (const r of results) assert.ok(r.latencyMs !== null && r.latencyMs >= 0 && r.latencyMs < 500, `latency ${r.latencyMs}`);
    const light = ls.light.app!.mesh as LightApp;
    assert.equal(light.onoff.onOff, false, "the Generic OnOff state and the lamp agree");
  } finally {
    await ls.close();
  }
});

test("the story holds at 20 % loss on every link (Network Transmit retransmissions, acknowledged configuration retried)", async () => {
  const ls = await configured(11, 0.2);
  try {
    let on = false;
    for (let i = 1; i <= 5; i++) {
      const r = await ls.press(i);
      on = !on;
      assert.equal(r.lightOn, on, `press ${i}`);
    }
  } finally {
    await ls.close();
  }
});

test("configuration answers on the real node: out-of-range indexes, unknown model, unbound AppKey, and an unknown opcode gets no answer", async () => {
  const ls = await configured(5);
  const cc = ls.configClient;
  const run = <T>(p: Promise<T>) => settle(ls.net.hub, p, 60_000, "request");
  const light = ls.target("light");
  try {
    const o = { timeoutMs: 2000, retries: 1 };
    let p = await run(cc.request(light, ConfigOp.AppKeyAdd, { netKeyIndex: 0x123, appKeyIndex: 1, appKey: new Uint8Array(16) }, o));
    assert.equal(p.status, ConfigStatus.INVALID_NETKEY_INDEX);
    p = await run(cc.request(light, ConfigOp.ModelAppBind, { elementAddress: light.address, appKeyIndex: 0x7ff, modelId: SigModel.GENERIC_ONOFF_SERVER }, o));
    assert.equal(p.status, ConfigStatus.INVALID_APPKEY_INDEX);
    p = await run(cc.request(light, ConfigOp.ModelAppBind, { elementAddress: light.address + 1, appKeyIndex: 0, modelId: SigModel.GENERIC_ONOFF_SERVER }, o));
    assert.equal(p.status, ConfigStatus.INVALID_ADDRESS);
    p = await run(cc.request(light, ConfigOp.ModelSubscriptionAdd, { elementAddress: light.address, address: LIGHTS_GROUP, modelId: SigModel.GENERIC_ONOFF_CLIENT }, o));
    assert.equal(p.status, ConfigStatus.INVALID_MODEL);
    p = await run(cc.request(light, ConfigOp.NetKeyDelete, { netKeyIndex: 0 }, o));
    assert.equal(p.status, ConfigStatus.CANNOT_REMOVE);
    p = await run(cc.request(light, ConfigOp.SigModelAppGet, { elementAddress: light.address, modelId: SigModel.GENERIC_ONOFF_SERVER }, o));
    assert.deepEqual(p.appKeyIndexes, [0]);

    // the Health Client's Fault Get to the light with the AppKey it is bound to
    const faults = await run(ls.healthClient.faults({ address: light.address, appKeyIndex: 0 }, undefined, o));
    assert.deepEqual(faults, []);

    // unbind the light's server from the AppKey: the switch's presses no longer reach it (key not bound, 3.7.4.2)
    p = await run(cc.request(light, ConfigOp.ModelAppUnbind, { elementAddress: light.address, appKeyIndex: 0, modelId: SigModel.GENERIC_ONOFF_SERVER }, o));
    assert.equal(p.status, ConfigStatus.SUCCESS);
    const r = await ls.press(1, 1000);
    assert.equal(r.latencyMs, null);
    assert.equal(r.lightOn, false);

    // an opcode the light does not have: dropped without an answer and counted (3.7.4.2)
    const lightNode = ls.light.app!.node as Node;
    const unknown = lightNode.access.stats.unknownOpcode;
    const replies = probe.received.length;
    probe.ctx!.send(0x82ff, Uint8Array.of(1, 2), { dst: light.address, key: { kind: "app", appKeyIndex: 0 } });
    await advance(ls.net.hub, 2000);
    assert.equal(lightNode.access.stats.unknownOpcode, unknown + 1);
    assert.equal(probe.received.length, replies, "no answer");
  } finally {
    await ls.close();
  }
});

test("Node Reset: the light answers, forgets its keys and beacons as unprovisioned again", async () => {
  const ls = await configured(7);
  try {
    const light = ls.target("light");
    const p = await settle(ls.net.hub, ls.configClient.nodeReset(light, { timeoutMs: 2000, retries: 2 }), 30_000, "Node Reset");
    assert.deepEqual(p, {});
    await ls.net.hub.runWhile(() => ls.light.app!.state !== "unprovisioned", 5000);
    assert.equal(ls.light.app!.state, "unprovisioned");
    assert.equal(ls.net.storages.get("light")!.read("prov"), undefined, "the provisioning record is gone");
    assert.ok(ls.light.events.some((e) => e.event.type === "reset"));
    const r = await ls.press(1, 1000);
    assert.equal(r.latencyMs, null, "a reset light does not follow the switch");
  } finally {
    await ls.close();
  }
});
