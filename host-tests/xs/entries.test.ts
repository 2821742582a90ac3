/**
 * The device's two entries (issue 8: "the firmware entry has no test flags; tests use their own entry"): the
 * firmware entry native/xs/js/device-main.js reads no arguments (the build's defines and the unit's factory
 * record), the host entry native/xs/js/device-host.js takes the flags and is mapped on the host platform only;
 * both run the device of native/xs/js/device-start.js. (That no device image carries the host entry or its flags:
 * host-tests/firmware/images.ts.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { PLATFORMS, loadManifest } from "../../tools/xs/manifest.mjs";
import { prepare, scratch, skipReason } from "./xs-harness.js";

const skip = skipReason();
const STATIC = "00112233445566778899aabbccddeeff";

test("manifest: the firmware entry and the device everywhere, the host entry on the host platform only", () => {
  for (const platform of PLATFORMS) {
    const names = loadManifest(platform).modules.map((m) => m.name);
    for (const n of ["native/xs/js/device-main", "native/xs/js/device-start"]) assert.ok(names.includes(n), `${platform}: ${n}`);
    assert.equal(names.includes("native/xs/js/device-host"), platform === "host", platform);
  }
});

/** Runs xsrun on `entry` with the app's arguments until its "started" line (then stops it), or until it ends. */
async function run(entry: string, appArgs: string[]): Promise<{ code: number | null; out: string; err: string; started?: Record<string, unknown> }> {
  const b = await prepare();
  const dir = scratch("entries-" + entry.split("/").pop());
  const child = spawn(b.xsrun, ["--name", "unit", "--storage", join(dir, "s.bin"), b.app, entry, "--", ...appArgs], { stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let err = "";
  let started: Record<string, unknown> | undefined;
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
    const m = /^(\{"event":"started".*\})$/m.exec(out);
    if (m && !started) {
      started = JSON.parse(m[1]!) as Record<string, unknown>;
      child.kill();
    }
  });
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  return { code, out, err, ...(started ? { started } : {}) };
}

test("the firmware entry ignores the app's arguments: the build's defines; no factory record: one line", { skip }, async () => {
  const r = await run("native/xs/js/device-main", ["--kind", "switch", "--static-oob", STATIC, "--led-events"]);
  assert.ok(r.started, r.out + r.err);
  assert.equal(r.started.kind, "light"); // DEVICE_KIND of the host build
  assert.equal(r.started.staticOob, false);
  assert.equal(r.out.match(/factory: /g)?.length, 1, r.out);
  assert.match(r.out, /^\[warn\] factory: no factory area: the build's defaults$/m);
});

test("the host entry takes the flags; a wrong one is one error", { skip }, async () => {
  const r = await run("native/xs/js/device-host", ["--kind", "switch", "--static-oob", STATIC]);
  assert.ok(r.started, r.out + r.err);
  assert.equal(r.started.kind, "switch");
  assert.equal(r.started.staticOob, true);
  assert.doesNotMatch(r.out, /factory: /);
  const bad = await run("native/xs/js/device-host", ["--static", STATIC]);
  assert.equal(bad.code, 1);
  assert.equal(bad.started, undefined);
  assert.match(bad.err, /device-host: unexpected argument "--static"/);
});
