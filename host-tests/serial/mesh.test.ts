/**
 * The modem's mesh node (docs/serial-protocol.md §3.5): a Configuration Client on the host talks to a light
 * through the modem (SEND, MESSAGE); the modem's state lives on the host (STORE, RESTORE); after the modem
 * resets mid-session the host restores it before it sends anything, so the SEQ moves forward and the light's
 * replay protection (Mesh Protocol 1.1, 3.9.8) accepts the next message. Without the restore it would not.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { deviceKeyOf, rig } from "./helpers.js";
import type { Rig } from "./helpers.js";
import { untilSettled } from "../../host/serial/sim-line.js";
import { MemoryModemState } from "../../host/serial/modem-state.js";
import { ModemElement } from "../../host/serial/mesh-host.js";
import { ConfigClient } from "../../modules/models/config-client.js";
import { AuthenticationMethod } from "../../modules/prov/pdu.js";
import { Ev, Op, Status } from "../../modules/serial/protocol.js";
import { ModemError } from "../../host/serial/driver.js";

const noOob = () => ({ algorithm: 1, publicKey: 0, method: AuthenticationMethod.NoOob, action: 0, size: 0 });
const MODEM_ADDRESS = 0x0001;

/** A light provisioned through the modem at 0x0100, and a Configuration Client on the host through the modem's node. */
async function setup(r: Rig, keeper: MemoryModemState) {
  await untilSettled(r.net.hub.virtualClock, r.driver.connect());
  r.net.start();
  const light = r.devices[0]!;
  const p = await untilSettled(r.net.hub.virtualClock, r.driver.provision(light.uuid, r.data(0x0100), { oobPolicy: noOob }), 120_000);
  assert.deepEqual(p.deviceKey, deviceKeyOf(light));
  const state = await untilSettled(r.net.hub.virtualClock, r.driver.attachMesh(keeper));
  const cc = new ConfigClient({ timeoutMs: 2000, retries: 2 });
  new ModemElement({ driver: r.driver, clock: r.net.clock, address: MODEM_ADDRESS }, [cc]);
  return { target: { address: 0x0100, deviceKey: p.deviceKey }, cc, state };
}

function identity(r: Rig) {
  return { unicastAddress: MODEM_ADDRESS, netKeyIndex: 0, netKey: r.netKey, ivIndex: 0x12345678, ivUpdate: false, deviceKey: new Uint8Array(16).fill(0x5a) };
}

test("mesh through the modem: Composition Data and AppKey Add from a host Configuration Client; a reset modem is restored first and the light accepts the next message", { timeout: 120_000 }, async () => {
  const r = rig({ seed: 31 });
  const keeper = new MemoryModemState(identity(r));
  const { target, cc, state } = await setup(r, keeper);
  assert.equal(state.ivIndex, 0x12345678);
  const comp = await untilSettled(r.net.hub.virtualClock, cc.compositionData(target));
  assert.ok(keeper.map.has("mesh.net"), "the SEQ block record came to the host (STORE)");
  assert.ok(comp.elements.length >= 1);
  await untilSettled(r.net.hub.virtualClock, cc.appKeyAdd(target, 0, 0, new Uint8Array(16).fill(7)));
  const before = await untilSettled(r.net.hub.virtualClock, r.driver.netState());
  assert.ok(before.seq > 0);

  r.resetModem();
  // the next request: the driver greets the reset modem, gives its records back, then sends
  const again = await untilSettled(r.net.hub.virtualClock, cc.compositionData(target), 60_000);
  assert.ok(again.elements.length >= 1, "the light answered: its replay protection accepted the new SEQ");
  assert.equal(r.driver.restores, 1);
  const after = await untilSettled(r.net.hub.virtualClock, r.driver.netState());
  assert.ok(after.seq > before.seq, `SEQ moved forward (${before.seq} -> ${after.seq})`);
  assert.equal(after.ivIndex, before.ivIndex);
  // nothing but priority commands went out between STARTED and NET_SETUP: HELLO, NET_STATE_GET, RESTORE…, NET_SETUP
  const started = r.wire.findIndex((w, i) => i > 0 && w.dir === "rx" && w.frame.type === 3 && w.frame.code === Ev.Started);
  const setupAt = r.wire.findIndex((w, i) => i > started && w.dir === "tx" && w.frame.code === Op.NetSetup);
  const between = r.wire.slice(started, setupAt).filter((w) => w.dir === "tx").map((w) => w.frame.code);
  assert.ok(between.length >= 3, JSON.stringify(between));
  assert.ok(between.every((c) => ([Op.Hello, Op.NetStateGet, Op.Restore, Op.Send] as number[]).includes(c)), JSON.stringify(between));
  // a SEND that was in flight at the reset may be refused (HELLO first); none is executed before NET_SETUP
  const sendsBefore = r.wire.slice(started, setupAt).filter((w) => w.dir === "rx" && w.frame.type === 2 && w.frame.code === Op.Send);
  assert.ok(sendsBefore.every((w) => w.frame.payload[0] !== Status.Ok), "no SEND executed before the restore");
});

test("without the restore (the host forgot the modem's records) the light's replay protection drops the reset modem's messages", { timeout: 120_000 }, async () => {
  const r = rig({ seed: 31 });
  const keeper = new MemoryModemState(identity(r));
  const { target, cc } = await setup(r, keeper);
  await untilSettled(r.net.hub.virtualClock, cc.compositionData(target));
  keeper.map.clear(); // what a host without state restore does: NET_SETUP alone, SEQ from 0
  r.resetModem();
  await assert.rejects(untilSettled(r.net.hub.virtualClock, cc.compositionData(target, { timeoutMs: 1000, retries: 1 }), 60_000), (e: Error) => !(e instanceof ModemError));
  assert.equal((await untilSettled(r.net.hub.virtualClock, r.driver.netState())).seq < 1100, true, "the modem started its SEQ again near 0");
});

test("mesh commands: before NET_SETUP INVALID_STATE, bad lengths and values refused, RESTORE after NET_SETUP refused, a modem without a node NOT_SUPPORTED", { timeout: 60_000 }, async () => {
  const r = rig({ seed: 5 });
  await untilSettled(r.net.hub.virtualClock, r.driver.connect());
  const expect = async (p: Promise<unknown>, status: number) =>
    assert.rejects(untilSettled(r.net.hub.virtualClock, p), (e: Error) => e instanceof ModemError && e.status === status, `status ${status}`);
  await expect(r.driver.netState(), Status.InvalidState);
  await expect(r.driver.sendMesh({ dst: 0x0100, netKeyIndex: 0, ttl: 5, key: { appKeyIndex: 0 }, payload: Uint8Array.of(0x82, 0x01) }), Status.InvalidState);
  await expect(r.driver.command({ op: "net-setup", setup: { ...identity(r), unicastAddress: 0x8000 } }), Status.InvalidArgument);
  await expect(r.driver.command({ op: "restore", key: "x".repeat(33), value: new Uint8Array(1) }), Status.InvalidArgument);
  await untilSettled(r.net.hub.virtualClock, r.driver.command({ op: "net-setup", setup: identity(r) }));
  await expect(r.driver.command({ op: "restore", key: "mesh.net", value: new Uint8Array(4) }), Status.InvalidState);
  await expect(r.driver.sendMesh({ dst: 0x0100, netKeyIndex: 0, ttl: 5, key: { appKeyIndex: 0 }, payload: Uint8Array.of(0xff) }), Status.InvalidArgument);
  // an unknown AppKey: accepted, then SEND_DONE not-sent
  assert.equal(await untilSettled(r.net.hub.virtualClock, r.driver.sendMesh({ dst: 0x0100, netKeyIndex: 0, ttl: 5, key: { appKeyIndex: 9 }, payload: Uint8Array.of(0x82, 0x01) })), "not-sent");

  const bare = rig({ seed: 6, mesh: false });
  const h = await untilSettled(bare.net.hub.virtualClock, bare.driver.connect());
  assert.equal(h.roles & 4, 0, "no mesh role bit");
  await assert.rejects(untilSettled(bare.net.hub.virtualClock, bare.driver.attachMesh(new MemoryModemState(identity(bare)))), /no mesh node/);
  await assert.rejects(untilSettled(bare.net.hub.virtualClock, bare.driver.command({ op: "net-state-get" })), (e: Error) => e instanceof ModemError && e.status === Status.NotSupported);
});
