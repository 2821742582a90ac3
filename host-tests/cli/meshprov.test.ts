// meshprov as a person uses it: a hub, devices (Node and XS runtimes) and the provisioner, each its own
// process; every OOB method; Ctrl-C; a second writer; the database it leaves.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Proc, meshprov, scene, startDevice } from "./helpers.js";
import { schemaErrors } from "../../host/cdb/cdb.js";
import { xsAvailable } from "../../host/xs-device.js";

const STATIC = "00112233445566778899aabbccddeeff0123456789abcdef0123456789abcdef";
const PHASES = ["link", "capabilities", "public keys", "authentication", "data", "complete"];

/** Every phase line, in order, for `uuid` (text output). */
function assertPhases(stdout: string, uuid: string): void {
  const seen = [...stdout.matchAll(new RegExp(`^  ${uuid.slice(0, 8)}…  (${PHASES.join("|")}) `, "gm"))].map((m) => m[1]!.trim());
  assert.deepEqual(seen, PHASES, stdout);
}

describe("meshprov on a virtual hub: static OOB, a Node device and an XS device", { concurrency: true }, () => {
  test("provision both with --auth / --static, list them, export a file the schema accepts", async (t) => {
    await scene(["--virtual"], async ({ dir, db, air, procs }) => {
      assert.equal((await meshprov(["init", "--db", db])).code, 0);
      const light = await startDevice(air, ["--kind", "light", "--static", STATIC, "--storage", join(dir, "light.json")]);
      procs.push(light.dev);
      const a = await meshprov(["provision", light.uuid, "--air", air, "--db", db, "--oob", "static", "--auth", STATIC]);
      assert.equal(a.code, 0, a.stderr + a.stdout);
      assertPhases(a.stdout, light.uuid);
      assert.match(a.stdout, new RegExp(`provisioned ${light.uuid}: node 0x0002, 1 element\\(s\\), secure`));
      await light.dev.wait(/provisioned: address 0x0002/);
      // its storage file keeps it provisioned across a restart; `reset` on its stdin forgets it
      light.dev.kill();
      await light.dev.exited;
      const again = new Proc(["device", "--air", air, "--kind", "light", "--static", STATIC, "--storage", join(dir, "light.json")]);
      procs.push(again);
      await again.wait(/provisioned \(from storage\): address 0x0002/);
      assert.match(again.stdout, new RegExp(`^light ${light.uuid} `), "the same UUID (derived from the storage file)");
      again.write("reset");
      await again.wait(/reset: unprovisioned, beaconing/);

      const xsMissing = await xsAvailable();
      if (xsMissing) t.diagnostic(`XS device part skipped: ${xsMissing}`);
      else {
        const sw = await startDevice(air, ["--kind", "switch", "--runtime", "xs", "--static", STATIC, "--storage", join(dir, "switch.bin")]);
        procs.push(sw.dev);
        const b = await meshprov(["provision", sw.uuid, "--air", air, "--db", db, "--oob", "static", "--static", STATIC, "--alg", "cmac", "--no-config"]);
        assert.equal(b.code, 0, b.stderr + b.stdout);
        assert.doesNotMatch(b.stdout, /config/, "--no-config: provisioned, not configured");
        assertPhases(b.stdout, sw.uuid);
        await sw.dev.wait(/provisioned: address 0x0003/);
      }

      const nodes = await meshprov(["nodes", "--db", db, "--json"]);
      assert.equal(nodes.code, 0, nodes.stderr);
      const list = nodes.stdout.trim().split("\n").map((l) => JSON.parse(l));
      assert.equal(list.length, xsMissing ? 1 : 2);
      assert.ok(list.every((n) => n.deviceKey === undefined), "no device key without --show-keys");
      assert.equal(list[0].UUID, light.uuid);
      // the light was configured after provisioning (Composition Data stored); the switch (--no-config) was not
      assert.deepEqual(list.map((n) => [n.configComplete, n.pid ?? null]), xsMissing ? [[true, "0001"]] : [[true, "0001"], [false, null]]);
      const keys = await meshprov(["nodes", "--db", db, "--json", "--show-keys"]);
      assert.match(keys.stdout, /"deviceKey":"[0-9A-F]{32}"/);
      const human = await meshprov(["nodes", "--db", db]);
      assert.doesNotMatch(human.stdout, /[0-9A-F]{32}/, "no key in the listing");

      const out = join(dir, "export.json");
      const ex = await meshprov(["export", out, "--db", db]);
      assert.equal(ex.code, 0, ex.stderr);
      assert.equal(statSync(out).mode & 0o777, 0o600);
      assert.equal(statSync(db).mode & 0o777, 0o600);
      const doc = JSON.parse(readFileSync(out, "utf8"));
      assert.deepEqual(schemaErrors(doc), []);
      assert.equal(doc.ivIndex, undefined, "the export has no non-profile field");
      assert.equal(doc.nodes.length, xsMissing ? 2 : 3, "the provisioner and the devices");
    });
  });
});

describe("meshprov provision --all on a virtual hub", () => {
  test("every device heard is provisioned, 2 links at once, each stored once with its own address", async () => {
    await scene(["--virtual"], async ({ dir, db, air, procs }) => {
      assert.equal((await meshprov(["init", "--db", db])).code, 0);
      const uuids: string[] = [];
      for (const kind of ["light", "switch", "light"]) {
        const d = await startDevice(air, ["--kind", kind, "--oob", "none"]);
        procs.push(d.dev);
        uuids.push(d.uuid);
      }
      const scan = await meshprov(["scan", "--air", air, "--timeout", "3", "--json"]);
      assert.equal(scan.code, 0, scan.stderr);
      const heard = scan.stdout.trim().split("\n").map((l) => JSON.parse(l));
      assert.deepEqual([...new Set(heard.map((b) => b.uuid))].sort(), [...uuids].sort());
      assert.ok(heard.every((b) => b.oob === "none" && b.uriHash === null && b.rssi === -50), scan.stdout);
      const r = await meshprov(["provision", "--all", "--links", "2", "--air", air, "--db", db, "--oob", "none", "--timeout", "5", "--json"]);
      assert.equal(r.code, 0, r.stderr + r.stdout);
      const results = r.stdout.trim().split("\n").map((l) => JSON.parse(l)).filter((x) => "ok" in x);
      assert.deepEqual(results.map((x) => x.uuid).sort(), [...uuids].sort());
      assert.ok(results.every((x) => x.ok && x.attempts === 1));
      assert.deepEqual(results.map((x) => x.address).sort(), ["0x0002", "0x0003", "0x0004"]);
      const nodes = (await meshprov(["nodes", "--db", db, "--json"])).stdout.trim().split("\n").map((l) => JSON.parse(l));
      assert.deepEqual(nodes.map((n) => n.UUID).sort(), [...uuids].sort());
      assert.ok(nodes.every((n) => n.security === "insecure"), "No OOB: insecure");
    });
  });
});

describe("meshprov on a real-time hub: output and input OOB with a person, Ctrl-C, a second writer", { concurrency: true }, () => {
  test("output OOB answered at the prompt; input OOB entered on the device; a wrong --auth fails cleanly", async () => {
    await scene([], async ({ dir, db, air, procs }) => {
      assert.equal((await meshprov(["init", "--db", db])).code, 0);
      // Output OOB (the light blinks a number, the person types it at the prompt)
      const light = await startDevice(air, ["--kind", "light"]);
      procs.push(light.dev);
      const p1 = new Proc(["provision", light.uuid, "--air", air, "--db", db, "--attention", "0"]);
      procs.push(p1);
      await p1.wait(/blinks a number: enter it: /);
      const blinks = await light.dev.wait(/blinks (\d+) times/);
      p1.write(blinks[1]!);
      assert.equal((await p1.exited).code, 0, p1.stderr + p1.stdout);
      assertPhases(p1.stdout, light.uuid);

      // Input OOB (the provisioner shows a number, the person pushes the switch's button that many times)
      const sw = await startDevice(air, ["--kind", "switch"]);
      procs.push(sw.dev);
      const p2 = new Proc(["provision", sw.uuid, "--air", air, "--db", db, "--attention", "0"]);
      procs.push(p2);
      const shown = await p2.wait(/push the button (\d+) time/);
      await sw.dev.wait(/waiting for input/);
      sw.dev.write(`press ${shown[1]}`);
      assert.equal((await p2.exited).code, 0, p2.stderr + p2.stdout);
      await sw.dev.wait(/provisioned: address 0x0003/);

      // Input OOB, numeric (typed on the device's keypad)
      const keypad = await startDevice(air, ["--kind", "switch", "--oob", "input", "--action", "numeric", "--size", "4"]);
      procs.push(keypad.dev);
      const p3 = new Proc(["provision", keypad.uuid, "--air", air, "--db", db, "--attention", "0", "--json"]);
      procs.push(p3);
      const value = await p3.wait(/"enterOnDevice":(\d+)/);
      await keypad.dev.wait(/waiting for input/);
      keypad.dev.write(`type ${value[1]}`);
      assert.equal((await p3.exited).code, 0, p3.stderr + p3.stdout);
      const rows = p3.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
      const last = rows.filter((r) => "ok" in r).pop()!;
      assert.equal(last.ok, true);
      assert.equal(last.address, "0x0004");
      // then configured over the mesh (the last line)
      assert.deepEqual([rows[rows.length - 1]!.configured, rows[rows.length - 1]!.address], [true, "0x0004"]);

      // A wrong --auth: Confirmation Failed, exit 1, the database as it was
      const numeric = await startDevice(air, ["--kind", "light", "--oob", "output", "--action", "numeric", "--size", "8"]);
      procs.push(numeric.dev);
      const before = readFileSync(db, "utf8");
      const bad = await meshprov(["provision", numeric.uuid, "--air", air, "--db", db, "--attention", "0", "--auth", "1"]);
      assert.equal(bad.code, 1, bad.stderr + bad.stdout);
      assert.match(bad.stderr, /^meshprov: [0-9A-F-]{36} was not provisioned: Confirmation Failed/m);
      assert.equal(readFileSync(db, "utf8"), before);
    });
  });

  test("Ctrl-C while the provisioner waits for the person: the link is closed, the database untouched; meanwhile a second writer is refused", async () => {
    await scene([], async ({ dir, db, air, procs }) => {
      assert.equal((await meshprov(["init", "--db", db])).code, 0);
      const light = await startDevice(air, ["--kind", "light"]);
      procs.push(light.dev);
      const before = readFileSync(db);
      const p = new Proc(["provision", light.uuid, "--air", air, "--db", db, "--attention", "0"]);
      procs.push(p);
      await p.wait(/enter it: /);
      const second = await meshprov(["remove", "0x0002", "--db", db]);
      assert.equal(second.code, 1);
      assert.match(second.stderr, new RegExp(`^meshprov: ${db.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is in use by another meshprov \\(pid ${p.child.pid}\\)`));
      p.kill("SIGINT");
      const end = await p.exited;
      assert.equal(end.code, 130, p.stderr);
      assert.match(p.stderr, /interrupted: closing the link; the database is left as it was/);
      await light.dev.wait(/link closed: error/, 10_000);
      assert.deepEqual(readFileSync(db), before);
      assert.equal(existsSync(db + ".lock"), false, "the lock is released");
    });
  });
});
