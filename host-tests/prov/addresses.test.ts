/**
 * Unicast address allocation (Mesh Protocol 1.1, 3.4.2.2, 5.4.2.5): modules/prov/addresses.ts, the provisioner
 * role assigning a device's range once its Capabilities tell the element count, and the simulator showing an
 * address only for a device that was provisioned (issue 8).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { UnicastAllocator } from "../../modules/prov/addresses.js";
import { ErrorCode } from "../../modules/prov/pdu.js";
import { provisioneeRole } from "../../modules/prov/provisionee.js";
import { provisionerRole } from "../../modules/prov/provisioner.js";
import { VirtualClock } from "../../host/virtual-clock.js";
import { NodeCryptoPrimitives, seededRandom } from "../../host/node-crypto.js";
import { SimNetwork } from "../../host/network.js";
import { LoopbackAir } from "./loopback.js";
import { Node } from "./helpers.js";

test("allocator: ranges by element count, never overlapping, lowest free first", () => {
  const a = new UnicastAllocator({ first: 0x0100 });
  const r1 = a.allocate(3);
  const r2 = a.allocate(3);
  assert.deepEqual([r1, r2], [
    { ok: true, range: { address: 0x0100, count: 3 } },
    { ok: true, range: { address: 0x0103, count: 3 } },
  ]);
  assert.ok(r1.ok && a.release(r1.range));
  assert.equal(a.release(0x0100), false, "released once");
  // The hole of 3 takes a device of 2, not one of 4.
  assert.deepEqual(a.allocate(4), { ok: true, range: { address: 0x0106, count: 4 } });
  assert.deepEqual(a.allocate(2), { ok: true, range: { address: 0x0100, count: 2 } });
  assert.deepEqual(a.allocate(1), { ok: true, range: { address: 0x0102, count: 1 } });
  assert.deepEqual(a.ranges.map((r) => [r.address, r.count]), [[0x0100, 2], [0x0102, 1], [0x0103, 3], [0x0106, 4]]);
  assert.equal(a.rangeOf(0x0107)?.address, 0x0106);
  assert.equal(a.rangeOf(0x010a), undefined);
});

test("allocator: reserve existing ranges (a database), refuse overlaps, bounds and bad counts", () => {
  const a = new UnicastAllocator({ first: 0x0001, last: 0x0010 });
  assert.ok(a.reserve({ address: 0x0001, count: 4 }).ok);
  assert.ok(a.reserve({ address: 0x0008, count: 2 }).ok);
  for (const bad of [{ address: 0x0004, count: 1 }, { address: 0x0007, count: 2 }, { address: 0x0009, count: 1 }, { address: 0x0000, count: 1 }, { address: 0x000f, count: 3 }, { address: 0x0005, count: 0 }]) {
    const r = a.reserve(bad);
    assert.equal(r.ok, false, JSON.stringify(bad));
  }
  assert.deepEqual(a.allocate(3), { ok: true, range: { address: 0x0005, count: 3 } });
  assert.deepEqual(a.allocate(7), { ok: true, range: { address: 0x000a, count: 7 } });
  const full = a.allocate(1);
  assert.equal(full.ok, false);
  assert.match((full as { reason: string }).reason, /no 1 free/);
  assert.equal(a.allocate(0).ok, false);
  assert.equal(a.allocate(256).ok, false);
  assert.equal(a.allocate(1.5).ok, false);
  assert.throws(() => new UnicastAllocator({ first: 0x8000 }), RangeError);
  assert.throws(() => new UnicastAllocator({ first: 0x0200, last: 0x0100 }), RangeError);
  // The last address of the unicast range is usable, nothing beyond.
  const top = new UnicastAllocator({ first: 0x7ffe });
  assert.deepEqual(top.allocate(2), { ok: true, range: { address: 0x7ffe, count: 2 } });
  assert.equal(top.allocate(1).ok, false);
});

/** A provisioner with an allocator and devices of `elements` elements each on a loopback bearer. */
function world(elements: number[], deviceFails: (i: number) => boolean = () => false) {
  const clock = new VirtualClock();
  const air = new LoopbackAir(clock);
  const crypto = new NodeCryptoPrimitives({ random: seededRandom(21) });
  const uuids = elements.map((_, i) => new Uint8Array(16).fill(i + 1));
  const devices = elements.map((n, i) => {
    const d = new Node("d" + i, { crypto, clock, bearers: [air.deviceBearer()], roles: { provisionee: provisioneeRole }, capabilities: { numberOfElements: n, oobType: 1 } }, {
      "static-request": (e, node) => node.prov.authDataProvide(e.ctx, new Uint8Array(e.length).fill(deviceFails(i) ? 2 : 1)),
    });
    d.prov.listen(uuids[i]!);
    return d;
  });
  const addresses = new UnicastAllocator({ first: 0x0100 });
  const prov = new Node("p", { crypto, clock, bearers: [air.provisionerBearer()], roles: { provisioner: provisionerRole }, addresses }, {
    "capabilities-received": (e, n) => n.prov.oobUse(e.ctx, { algorithm: 1, publicKey: 0, method: 1, action: 0, size: 0 }),
    "static-request": (e, n) => n.prov.authDataProvide(e.ctx, new Uint8Array(e.length).fill(1)),
  });
  const data = { networkKey: new Uint8Array(16).fill(9), keyIndex: 0, flags: { keyRefresh: false, ivUpdate: false }, ivIndex: 0 };
  return { clock, devices, prov, addresses, uuids, data };
}

test("provisioner: each device's range is allocated after its Capabilities (3-element devices: 0x0100 and 0x0103)", () => {
  const w = world([3, 3, 1]);
  for (const u of w.uuids) w.prov.prov.provision(u, w.data, {});
  w.clock.runWhile(() => w.prov.of("link-closed").length < 3, 300_000);
  const byDevice = w.uuids.map((u) => w.prov.of("complete").find((c) => c.ctx.uuid.every((b, i) => b === u[i]))!);
  const ranges = byDevice.map((c) => [c.unicastAddress, c.numberOfElements]).sort((x, y) => x[0]! - y[0]!);
  assert.deepEqual(ranges, [[0x0100, 3], [0x0103, 3], [0x0106, 1]]);
  for (const [i, d] of w.devices.entries()) assert.equal(d.last("complete")!.unicastAddress, byDevice[i]!.unicastAddress, "the device got what the provisioner reports");
  assert.deepEqual(w.addresses.ranges.map((r) => [r.address, r.count]), [[0x0100, 3], [0x0103, 3], [0x0106, 1]]);
});

test("provisioner: a device that was not provisioned keeps no address (released for the next one)", () => {
  const w = world([2, 2], (i) => i === 0);
  w.prov.prov.provision(w.uuids[0]!, w.data, {});
  w.clock.runWhile(() => w.prov.of("link-closed").length < 1, 300_000);
  assert.deepEqual(w.prov.of("failed").map((e) => e.code), [ErrorCode.ConfirmationFailed]);
  assert.deepEqual(w.addresses.ranges, [], "the failed device's range is free again");
  w.prov.prov.provision(w.uuids[1]!, w.data, {});
  w.clock.runWhile(() => w.prov.of("link-closed").length < 2, 300_000);
  assert.equal(w.prov.last("complete")!.unicastAddress, 0x0100);
});

test("provisioner: no free range -> the link closes, 'failed' with Cannot Assign Addresses; no allocator and no address -> invalid-argument", () => {
  const w = world([4]);
  for (let a = 0x0100; a <= 0x7fff; a += 255) assert.ok(w.addresses.reserve({ address: a, count: Math.min(255, 0x8000 - a) }).ok);
  w.prov.prov.provision(w.uuids[0]!, w.data, {});
  w.clock.runWhile(() => w.prov.of("link-closed").length < 1, 300_000);
  assert.deepEqual(w.prov.of("failed").map((e) => [e.code, e.byPeer]), [[ErrorCode.CannotAssignAddresses, false]]);
  const clock = new VirtualClock();
  const air = new LoopbackAir(clock);
  const bare = new Node("p", { crypto: new NodeCryptoPrimitives(), clock, bearers: [air.provisionerBearer()], roles: { provisioner: provisionerRole } });
  assert.throws(() => bare.prov.provision(w.uuids[0]!, w.data, {}), /unicastAddress is needed/);
});

test("simulator: two 3-element devices get 0x0100 and 0x0103; a silent device shows no address", async () => {
  const net = new SimNetwork({ seed: 3 });
  net.addDevice({ name: "a", capabilities: { numberOfElements: 3 } });
  net.addDevice({ name: "b", capabilities: { numberOfElements: 3 } });
  net.addDevice({ name: "mute", silent: true });
  net.addProvisioner({});
  net.start();
  await net.run(5 * 60_000);
  const results = net.results();
  await net.close();
  const byName = new Map(results.map((r) => [r.name, r]));
  assert.deepEqual([byName.get("a")!.address, byName.get("b")!.address].sort(), [0x0100, 0x0103]);
  assert.equal(byName.get("mute")!.provisioned, false);
  assert.equal(byName.get("mute")!.address, null, "no address for a device that was not provisioned");
});
