/**
 * Wireshark decodes and decrypts the simulator's capture (tshark's btmesh key tables, given the NetKey, the
 * AppKey and the device keys): the Configuration messages, the Generic OnOff Sets and the Secure Network
 * beacons are recognised, and nothing is malformed. Skipped (and counted as skipped) without tshark.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LightSwitchNetwork } from "../../host/mesh-network.js";

const hasTshark = spawnSync("tshark", ["--version"], { encoding: "utf8" }).status === 0;
const skip = hasTshark ? false : "tshark is not installed (apt-get install tshark)";

test("tshark decrypts the network and access messages of the light-and-switch capture, nothing malformed", { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "mesh-pcap-"));
  const pcap = join(dir, "light-switch.pcap");
  try {
    const ls = new LightSwitchNetwork({ seed: 2, pcapPath: pcap });
    await ls.provision();
    await ls.configure();
    for (let i = 1; i <= 3; i++) await ls.press(i);
    await ls.close();
    const tshark = (args: string[]) => spawnSync("tshark", ["-n", "-2", "-r", pcap, ...args], { encoding: "utf8", maxBuffer: 64 << 20 });
    const withKeys = tshark(ls.tsharkKeyArgs());
    assert.equal(withKeys.status, 0, withKeys.stderr);
    const out = withKeys.stdout;
    for (const name of [
      "Config Composition Data Get",
      "Config Composition Data Status",
      "Config AppKey Add",
      "Config AppKey Status",
      "Config Model App Bind",
      "Config Model App Status",
      "Config Model Subscription Add",
      "Config Model Publication Set",
      "Generic OnOff Set Unacknowledged",
      "Secure Network Beacon",
    ])
      assert.ok(out.includes(name), `${name} decoded`);
    assert.doesNotMatch(out, /Malformed/i);
    // without the keys the same capture stays encrypted: the decoding above is the keys' doing
    const without = tshark([]).stdout;
    assert.ok(!without.includes("Generic OnOff Set Unacknowledged"));
    assert.ok(!without.includes("Config AppKey Add"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
