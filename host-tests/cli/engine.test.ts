// The multi-link provisioner (host/cli/engine.ts) on an in-process virtual air: links at once never above
// the limit, a random Link ID per link, a device that never answers tried a limited number of times with its
// reason kept, and congestion answered with fewer links.
import { test } from "node:test";
import assert from "node:assert/strict";
import { SimNetwork } from "../../host/network.js";
import { simProvisioner } from "../../host/cli/sim-provisioner.js";
import { bytesToHex } from "../../modules/crypto/bytes.js";
import { readU32BE } from "../../modules/util/bytes.js";

const NO_OOB = { outputOobAction: 0, outputOobSize: 0, inputOobAction: 0, inputOobSize: 0 };

function world(devices: number, silent: number, links: number) {
  const net = new SimNetwork({ seed: 5, ecdhComputeMs: 30 });
  for (let i = 0; i < devices; i++) net.addDevice({ name: `d${i}`, capabilities: NO_OOB });
  for (let i = 0; i < silent; i++) net.addDevice({ name: `silent${i}`, silent: true });
  let active = 0;
  let maxActive = 0;
  const linkIds: number[] = [];
  net.hub.observe((e) => {
    // PB-ADV Link Open from the provisioner (GPCF 0b11, opcode 0), channel 37 only
    if (e.type === "tx" && e.from === "provisioner" && e.channel === 37 && e.adType === 0x29 && e.data[5] === 0x03) {
      const id = readU32BE(e.data, 0);
      if (!linkIds.includes(id)) linkIds.push(id);
    }
  });
  const { db, engine, outcomes } = simProvisioner(net, {
    links,
    onPhase: (_u, phase, detail) => {
      if (phase === "link" && detail === "open") maxActive = Math.max(maxActive, ++active);
    },
    onOutcome: (o) => {
      if (o.ok) active--;
    },
  });
  return { net, db, engine, outcomes, linkIds, maxActive: () => maxActive };
}

test("--all with 3 links: 12 devices, never more than 3 links at once, a random Link ID each, distinct addresses", async () => {
  const w = world(12, 0, 3);
  w.net.start();
  w.engine.all();
  await w.net.hub.runWhile(() => w.outcomes.length < 12, 120_000);
  assert.equal(w.outcomes.filter((o) => o.ok).length, 12);
  assert.ok(w.maxActive() <= 3 && w.maxActive() >= 2, `links at once: ${w.maxActive()}`);
  assert.equal(w.linkIds.length, 12, "one Link ID per link");
  assert.equal(new Set(w.linkIds).size, 12);
  const addresses = w.outcomes.map((o) => o.unicastAddress);
  assert.equal(new Set(addresses).size, 12);
  assert.deepEqual([...addresses].sort((a, b) => a! - b!), Array.from({ length: 12 }, (_, i) => i + 2), "0x0002.. in order, no gaps left");
  await w.net.close();
});

test("a device that never answers: tried 3 times, its reason kept, the others provisioned; its timeouts shrink the window", async () => {
  const w = world(3, 1, 4);
  w.net.start();
  w.engine.all();
  await w.net.hub.runWhile(() => w.outcomes.length < 4, 30 * 60_000);
  const silentUuid = bytesToHex(w.net.devices[3]!.uuid);
  const bad = w.outcomes.find((o) => bytesToHex(o.uuid) === silentUuid)!;
  assert.equal(bad.ok, false);
  assert.equal(bad.attempts, 3);
  assert.match(bad.reason!, /timeout|stopped answering/);
  assert.equal(w.outcomes.filter((o) => o.ok).length, 3);
  assert.equal((w.engine as unknown as { window: number }).window, 1, "three timeouts in a row: one link at a time");
  await w.net.close();
});

test("devices of 3 elements among devices of 1: each gets its own addresses, none overlapping (issue 8: two 3-element devices got 0x0100 and 0x0101)", async () => {
  const net = new SimNetwork({ seed: 9, ecdhComputeMs: 30 });
  const counts = [1, 3, 1, 3, 1];
  counts.forEach((n, i) => net.addDevice({ name: `d${i}`, capabilities: { ...NO_OOB, numberOfElements: n } }));
  const { engine, outcomes } = simProvisioner(net, { links: 4 });
  net.start();
  engine.all();
  await net.hub.runWhile(() => outcomes.length < counts.length, 300_000);
  assert.equal(outcomes.filter((o) => o.ok).length, counts.length);
  const ranges = outcomes.map((o) => [o.unicastAddress!, o.unicastAddress! + o.elements! - 1] as const).sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < ranges.length; i++) assert.ok(ranges[i]![0] > ranges[i - 1]![1], JSON.stringify(ranges));
  assert.deepEqual(outcomes.map((o) => o.elements).sort(), [1, 1, 1, 3, 3]);
  // every device agrees: its record holds the address the database holds
  for (const d of net.devices) {
    const o = outcomes.find((x) => bytesToHex(x.uuid) === bytesToHex(d.uuid))!;
    assert.equal(d.app!.record!.data.unicastAddress, o.unicastAddress);
  }
  await net.close();
});
