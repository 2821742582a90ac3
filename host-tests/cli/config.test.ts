// meshprov after provisioning, as processes on a virtual hub: `provision --all` configures the new nodes
// (Composition Data, AppKey, bindings), `config` sets the switch's publication and the light's subscription,
// `onoff` and a press on the switch toggle the light (its LED lines), the database changes only on Success,
// the provisioner's SEQ outlives each run (FILE.node), and Node Reset removes the node only after its Status.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { meshprov, scene, startDevice } from "./helpers.js";
import type { Proc } from "./helpers.js";
import { xsAvailable } from "../../host/xs-device.js";
import { exportForm, schemaErrors } from "../../host/cdb/cdb.js";
import type { Cdb } from "../../host/cdb/cdb.js";

type Json = Record<string, unknown> & { elements: { models: { modelId: string; bind: number[]; subscribe: string[]; publish?: { address: string } }[] }[] };

const lines = (stdout: string): Record<string, unknown>[] => stdout.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

/** Resolves when `dev` prints `LED on|off` for the (count+1)-th time since `from` characters of its output. */
async function led(dev: Proc, from: number, on: boolean): Promise<void> {
  const re = on ? /^LED on$/m : /^LED off$/m;
  const t0 = Date.now();
  while (!re.test(dev.stdout.slice(from))) {
    if (Date.now() - t0 > 60_000) assert.fail(`no "LED ${on ? "on" : "off"}" from the light:\n${dev.stdout.slice(from)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("meshprov: configuration after provisioning, config, onoff (a light on Node, a switch on XS)", () => {
  test("provision --all configures both; publication and subscription to C000; onoff and a press toggle the light", async (t) => {
    const xsMissing = await xsAvailable();
    if (xsMissing && process.env.CI) assert.fail(`the XS host runtime is needed under CI: ${xsMissing}`);
    if (xsMissing) t.diagnostic(`the switch runs on Node instead of XS: ${xsMissing}`);
    await scene(["--virtual"], async ({ dir, db, air, procs }) => {
      assert.equal((await meshprov(["init", "--db", db])).code, 0);
      const light = await startDevice(air, ["--kind", "light", "--oob", "none", "--storage", join(dir, "light.json")]);
      procs.push(light.dev);
      const sw = await startDevice(air, ["--kind", "switch", "--oob", "none", "--runtime", xsMissing ? "node" : "xs", "--storage", join(dir, "switch.bin")]);
      procs.push(sw.dev);

      const r = await meshprov(["provision", "--all", "--links", "2", "--air", air, "--db", db, "--timeout", "3", "--json"]);
      assert.equal(r.code, 0, r.stderr + r.stdout);
      const configured = lines(r.stdout).filter((x) => "configured" in x);
      assert.deepEqual(configured.map((x) => [x.uuid, x.configured]).sort(), [[light.uuid, true], [sw.uuid, true]].sort(), r.stdout);
      const nodes = lines((await meshprov(["nodes", "--db", db, "--json"])).stdout) as unknown as (Json & { UUID: string; unicastAddress: string; configComplete: boolean; pid: string })[];
      const L = nodes.find((n) => n.UUID === light.uuid)!;
      const S = nodes.find((n) => n.UUID === sw.uuid)!;
      for (const [n, pid, onoff] of [[L, "0001", "1000"], [S, "0002", "1001"]] as const) {
        assert.equal(n.configComplete, true);
        assert.equal(n.pid, pid, "Composition Data page 0 stored");
        const models = Object.fromEntries(n.elements[0]!.models.map((m) => [m.modelId, m.bind]));
        // the AppKey is bound to Generic OnOff and Health, never to the Configuration Server (device key only)
        assert.deepEqual(models, { "0000": [], "0002": [0], [onoff]: [0] }, JSON.stringify(n.elements));
      }
      const la = `0x${L.unicastAddress}`;
      const sa = `0x${S.unicastAddress}`;
      const common = ["--air", air, "--db", db];

      // a status other than Success: one line naming it, exit 1, the database unchanged
      let before = readFileSync(db, "utf8");
      const bad = await meshprov(["config", la, "bind", "0", "onoff-server", "--appkey", "7", ...common]);
      assert.equal(bad.code, 1, bad.stderr);
      assert.match(bad.stderr.trim(), /^meshprov: node 0x\w+: Config Model App Bind \(element 0, model 1000, AppKey 7\): Invalid AppKey Index \(the database is unchanged\)$/);
      assert.equal(readFileSync(db, "utf8"), before);

      const pub = await meshprov(["config", sa, "publication", "set", "0", "onoff-client", "C000", "--ttl", "5", "--retransmit", "1,100", ...common]);
      assert.equal(pub.code, 0, pub.stderr);
      const sub = await meshprov(["config", la, "subscription", "add", "0", "onoff-server", "C000", ...common]);
      assert.equal(sub.code, 0, sub.stderr);
      const doc = JSON.parse(readFileSync(db, "utf8")) as { nodes: Json[]; groups: { address: string }[] };
      assert.deepEqual(schemaErrors(exportForm(doc as unknown as Cdb)), []);
      const model = (uuid: string, id: string) => doc.nodes.find((n) => n.UUID === uuid)!.elements[0]!.models.find((m) => m.modelId === id)!;
      assert.deepEqual(model(sw.uuid, "1001").publish, { address: "C000", index: 0, ttl: 5, period: { numberOfSteps: 0, resolution: 100 }, credentials: 0, retransmit: { count: 1, interval: 100 } });
      assert.deepEqual(model(light.uuid, "1000").subscribe, ["C000"]);
      assert.deepEqual(doc.groups.map((g) => g.address), ["C000"]);

      // onoff to the group, then to the light itself (acknowledged: its Status), then the switch's button
      let mark = light.dev.stdout.length;
      const on = await meshprov(["onoff", "C000", "on", ...common]);
      assert.equal(on.code, 0, on.stderr);
      assert.match(on.stdout, /^Generic OnOff Set Unacknowledged on \(TID \d+\) sent to 0xC000$/m);
      await led(light.dev, mark, true);
      mark = light.dev.stdout.length;
      const off = await meshprov(["onoff", la, "off", "--tid", "9", ...common]);
      assert.equal(off.code, 0, off.stderr);
      assert.equal(off.stdout, `${la}: Generic OnOff Status: off\n`);
      await led(light.dev, mark, false);
      mark = light.dev.stdout.length;
      sw.dev.write("press"); // the switch's client sends "on" (it has not set anything yet) to its publication, C000
      await led(light.dev, mark, true);
      const get = await meshprov(["onoff", la, "get", ...common]);
      assert.equal(get.code, 0, get.stderr);
      assert.match(get.stdout, /Generic OnOff Status: on$/m);

      // the provisioner's SEQ lives in FILE.node: without it, a new run starts again at SEQ 0 and the light's
      // replay protection drops everything it sends (3.8.8); with it back, the light answers again
      renameSync(db + ".node", db + ".node.away");
      const replayed = await meshprov(["onoff", la, "get", "--timeout", "0.5", "--retries", "1", ...common]);
      assert.equal(replayed.code, 1, replayed.stdout);
      assert.match(replayed.stderr.trim(), /^meshprov: Generic OnOff Get: no answer after 2 attempt\(s\)/);
      renameSync(db + ".node.away", db + ".node");
      assert.equal((await meshprov(["onoff", la, "get", ...common])).code, 0);

      // relay, ttl, beacon: stored once the node has answered
      for (const args of [["relay", "on", "2", "30"], ["ttl", "7"], ["beacon", "off"]]) {
        const x = await meshprov(["config", la, ...args, ...common]);
        assert.equal(x.code, 0, args.join(" ") + x.stderr);
      }
      const lightNow = (JSON.parse(readFileSync(db, "utf8")) as { nodes: (Json & { UUID: string })[] }).nodes.find((n) => n.UUID === light.uuid)!;
      assert.deepEqual([lightNow.relayRetransmit, lightNow.defaultTTL, lightNow.secureNetworkBeacon, (lightNow.features as { relay: number }).relay], [{ count: 2, interval: 30 }, 7, false, 1]);

      // a node that does not answer (its device is gone): one line, exit 1, the database unchanged
      light.dev.kill();
      await light.dev.exited;
      before = readFileSync(db, "utf8");
      const gone = await meshprov(["config", la, "ttl", "9", "--timeout", "0.5", "--retries", "1", ...common]);
      assert.equal(gone.code, 1, gone.stdout);
      assert.match(gone.stderr.trim(), /^meshprov: node 0x\w+: Config Default TTL Set \(9\): no answer after 2 attempt\(s\) .*the database is unchanged$/);
      assert.equal(readFileSync(db, "utf8"), before);

      // Node Reset: the switch answers, forgets the network, and only then leaves the database
      const reset = await meshprov(["config", sa, "reset", ...common]);
      assert.equal(reset.code, 0, reset.stderr);
      const final = JSON.parse(readFileSync(db, "utf8")) as { nodes: { UUID: string }[]; networkExclusions: { addresses: string[] }[] };
      assert.ok(!final.nodes.some((n) => n.UUID === sw.uuid));
      assert.deepEqual(final.networkExclusions.flatMap((x) => x.addresses), [S.unicastAddress]);
      // it beacons as an unprovisioned device again
      const scan = await meshprov(["scan", "--air", air, "--timeout", "3", "--json"]);
      assert.ok(lines(scan.stdout).some((b) => b.uuid === sw.uuid), scan.stdout);
    });
  });
});
