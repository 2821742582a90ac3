/**
 * The light-and-switch story with both devices on the XS host runtime (each an xsrun process on the air hub),
 * configured by the Node provisioner over the mesh: the same application code as on Node and on the device.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LightSwitchNetwork } from "../../host/mesh-network.js";
import { buildXsDevice } from "../../host/xs-device.js";
import { skipReason } from "../xs/xs-harness.js";

const skip = skipReason();

test("XS devices: provisioned, configured over the mesh, the switch toggles the light on every press", { skip, timeout: 10 * 60_000 }, async () => {
  const built = await buildXsDevice();
  const storageDir = mkdtempSync(join(tmpdir(), "mesh-xs-"));
  const stderr: string[] = [];
  const ls = new LightSwitchNetwork({ seed: 4, runtime: "xs", xs: { ...built, storageDir, onStderr: (d, l) => stderr.push(`${d}: ${l}`) } });
  try {
    await ls.provision();
    await ls.configure();
    const results = [];
    for (let i = 1; i <= 5; i++) results.push(await ls.press(i));
    assert.deepEqual(
      results.map((r) => r.lightOn),
      [true, false, true, false, true],
    );
    for (const r of results) assert.ok(r.latencyMs !== null && r.latencyMs >= 0 && r.latencyMs < 500, `latency ${r.latencyMs}`);
    assert.deepEqual(stderr, [], "no complaint from the devices (a late button, an error)");
  } finally {
    await ls.close();
    rmSync(storageDir, { recursive: true, force: true });
  }
});
