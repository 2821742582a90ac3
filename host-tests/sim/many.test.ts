// The simulator's provisioner is the one of `meshprov provision --all` (host/cli/engine.ts): many devices on the
// virtual clock, at most `links` links at once, a device that never answers tried again (with a limit and its
// reason) while the others are provisioned. Issue 11: the old simulator opened a link to every device it heard,
// all at once, and collapsed at 150 devices.
import { test } from "node:test";
import assert from "node:assert/strict";
import { SimNetwork } from "../../host/network.js";

test("60 devices and a silent one: every device provisioned, never more than 4 links at once, the silent one tried 3 times", async () => {
  const net = new SimNetwork({ seed: 11 });
  for (let i = 0; i < 60; i++) net.addDevice({ name: `d${i}`, kind: i % 2 ? "switch" : "light", capabilities: { outputOobAction: 0, outputOobSize: 0, inputOobAction: 0, inputOobSize: 0 } });
  net.addDevice({ name: "silent", silent: true });
  let open = 0;
  let most = 0;
  const outcomes: { ok: boolean; attempts: number; reason?: string }[] = [];
  net.addProvisioner({
    oob: "none",
    links: 4,
    onOutcome: (o) => outcomes.push(o),
    onEvent: (e) => {
      if (e.type === "link-established") most = Math.max(most, ++open);
      else if (e.type === "link-closed") open--;
    },
  });
  net.start(1000);
  assert.equal(await net.run(10 * 60_000), true, "every device's provisioning ended");
  const results = net.results();
  const silent = results.find((r) => r.name === "silent")!;
  const others = results.filter((r) => r.name !== "silent");
  assert.deepEqual(others.filter((r) => !r.provisioned).map((r) => r.name), [], "every device provisioned");
  assert.equal(new Set(others.map((r) => r.address)).size, 60, "each its own address");
  assert.ok(most <= 4, `at most 4 links at once (--links 4), saw ${most}`);
  assert.equal(silent.provisioned, false);
  const gaveUp = outcomes.filter((o) => !o.ok);
  assert.equal(gaveUp.length, 1, JSON.stringify(gaveUp));
  assert.equal(gaveUp[0]!.attempts, 3, "tried 3 times");
  assert.match(gaveUp[0]!.reason!, /link|timeout|answer/i);
  await net.close();
});
