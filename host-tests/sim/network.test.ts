import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SimNetwork, capabilitiesFor } from "../../host/network.js";
import type { ProvisionerOptions } from "../../host/network.js";
import { DeviceApp, STORAGE_KEY } from "../../main.js";
import type { DeviceEvent } from "../../main.js";
import { MemoryStorage } from "../../host/storage.js";

function sim(args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "host/sim.ts", ...args], { encoding: "utf8" });
  return { status: r.status, lines: r.stdout.trim().split("\n").filter(Boolean), stdout: r.stdout, stderr: r.stderr };
}

test("sim --json: one object per device with the documented fields, deterministic from the seed", () => {
  const a = sim(["--devices", "4", "--oob", "static", "--alg", "hmac", "--loss", "0.2", "--seed", "7", "--json"]);
  assert.equal(a.status, 0, a.stderr);
  assert.equal(a.lines.length, 4);
  const rows = a.lines.map((l) => JSON.parse(l));
  for (const r of rows) {
    for (const k of ["uuid", "provisioned", "address", "durationMs", "closeReason", "failureCode"]) assert.ok(k in r, k);
    assert.equal(r.provisioned, true);
    assert.equal(r.closeReason, "success");
    assert.equal(r.failureCode, null);
    assert.match(r.uuid, /^[0-9a-f]{32}$/);
    assert.ok(r.durationMs > 100 && r.durationMs < 60_000);
  }
  assert.equal(new Set(rows.map((r) => r.address)).size, 4, "unique addresses");
  const b = sim(["--devices", "4", "--oob", "static", "--alg", "hmac", "--loss", "0.2", "--seed", "7", "--json"]);
  assert.equal(b.stdout, a.stdout, "same seed, same result");
});

test("sim: a device that never answers ends with a link establishment timeout", () => {
  const r = sim(["--devices", "1", "--silent", "1", "--json", "--seed", "3"]);
  assert.equal(r.status, 0, r.stderr);
  const rows = r.lines.map((l) => JSON.parse(l));
  const silent = rows.find((x) => x.name.startsWith("silent"));
  assert.equal(silent.provisioned, false);
  assert.equal(silent.closeReason, "timeout");
  assert.equal(silent.durationMs, null);
  assert.equal(rows.find((x) => !x.name.startsWith("silent")).provisioned, true);
});

test("sim: bad arguments exit 2 with a usage message", () => {
  const r = sim(["--oob", "telepathy"]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--oob must be/);
});

test("sim --pcap: Wireshark decodes every provisioning PDU without a malformed packet", (t) => {
  if (spawnSync("sh", ["-c", "command -v tshark"]).status !== 0) return t.skip("tshark not installed (apt-get install tshark)");
  const dir = mkdtempSync(join(tmpdir(), "meshprov-"));
  try {
    const pcap = join(dir, "out.pcap");
    const r = sim(["--devices", "2", "--oob", "static", "--alg", "hmac", "--loss", "0.2", "--seed", "5", "--pcap", pcap, "--json"]);
    assert.equal(r.status, 0, r.stderr);
    const out = spawnSync("tshark", ["-2", "-r", pcap, "-V"], { encoding: "utf8", maxBuffer: 1 << 28 }).stdout;
    assert.doesNotMatch(out, /Malformed/i);
    for (const pdu of ["Invite", "Capabilities", "Start", "Public Key", "Confirmation", "Random", "Data", "Complete"]) {
      assert.match(out, new RegExp(`Provisioning ${pdu} PDU`), pdu);
    }
    assert.match(out, /Unprovisioned Device Beacon/i);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const METHODS: ProvisionerOptions[] = [
  { oob: "none" },
  { oob: "static" },
  { oob: "output", action: "blink" },
  { oob: "output", action: "beep" },
  { oob: "output", action: "vibrate" },
  { oob: "output", action: "numeric" },
  { oob: "output", action: "alphanumeric" },
  { oob: "input", action: "push" },
  { oob: "input", action: "twist" },
  { oob: "input", action: "numeric" },
  { oob: "input", action: "alphanumeric" },
];

test("the device application is provisioned with every OOB method, both algorithms, through the person", async () => {
  let seed = 100;
  for (const m of METHODS) {
    for (const alg of ["cmac", "hmac"] as const) {
      const o = { ...m, alg, oobPublicKey: seed % 2 === 0 };
      const net = new SimNetwork({ seed: seed++, link: { loss: 0.1, duplicate: 0.05, delayMs: 5 } });
      const dev = net.addDevice({ name: "d", kind: m.action === "push" ? "switch" : "light", capabilities: capabilitiesFor(o), staticOob: o.oob === "static", oobPublicKey: o.oobPublicKey });
      net.addProvisioner(o);
      net.start();
      assert.equal(await net.run(5 * 60_000), true, `${m.oob}/${m.action}/${alg} finished`);
      const [r] = net.results();
      assert.equal(r!.provisioned, true, `${m.oob}/${m.action}/${alg}: ${r!.failureReason}`);
      assert.equal(dev.app!.state, "provisioned");
      if (m.action === "blink") assert.ok(dev.ledLog.length > 0, "the LED blinked");
      await net.close();
    }
  }
});

test("a device restarted after Complete comes back provisioned; a corrupt record is ignored, not trusted", async () => {
  const net = new SimNetwork({ seed: 9 });
  const dev = net.addDevice({ name: "light", kind: "light" });
  net.addProvisioner({ oob: "auto" });
  net.start();
  assert.equal(await net.run(), true);
  const storage = net.storages.get("light")!;
  const record = storage.read(STORAGE_KEY)!;
  assert.ok(record);

  const events: DeviceEvent[] = [];
  let boots = 0;
  const reboot = (s: MemoryStorage) => {
    const app = new DeviceApp({ crypto: net.crypto, clock: net.clock, radio: net.hub.createRadio(`reboot-${++boots}`), storage: s }, { setLed() {} }, dev.app!.config);
    app.onEvent = (e) => events.push(e);
    app.start();
    return app;
  };
  const again = reboot(storage);
  assert.equal(again.state, "provisioned");
  assert.equal(again.record!.data.unicastAddress, dev.app!.record!.data.unicastAddress);
  assert.deepEqual(again.record!.deviceKey, dev.app!.record!.deviceKey);
  assert.equal(again.prov.listening, false, "a provisioned device does not beacon");

  for (const bad of [record.slice(0, 20), Uint8Array.from(record, (b, i) => (i === 10 ? b ^ 1 : b)), new Uint8Array(50)]) {
    const s = new MemoryStorage();
    s.write(STORAGE_KEY, bad);
    events.length = 0;
    const app = reboot(s);
    assert.equal(app.state, "unprovisioned");
    assert.equal(app.prov.listening, true);
    assert.ok(events.some((e) => e.type === "storage-error"));
  }
  again.reset();
  assert.equal(again.state, "unprovisioned");
  assert.equal(storage.read(STORAGE_KEY), undefined);
  await net.close();
});
