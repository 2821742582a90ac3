/**
 * The firmware and host entries of the device, the modem and the standalone provisioner.
 *
 * The device's two entries (issue 8: "the firmware entry has no test flags; tests use their own entry"): the
 * firmware entry native/xs/js/device-main.js reads no arguments (the build's defines and the unit's factory
 * record), the host entry native/xs/js/device-host.js takes the flags and is mapped on the host platform only;
 * both run the device of native/xs/js/device-start.js. (That no device image carries the host entry or its flags:
 * host-tests/firmware/images.ts.) The same split for the modem (modem-main.js / modem-host.js over modem-start.js)
 * and the standalone provisioner (provisioner-main.js / provisioner-host.js over provisioner-start.js): their
 * firmware entries read the build's defines only (MODEM_LINKS, PROVISIONER_OOB, STATIC_OOB, LOG_LEVEL); that their
 * images carry no host entry nor its flags: host-tests/firmware/twin-modem.ts and twin-provisioner.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PLATFORMS, loadManifest } from "../../tools/xs/manifest.mjs";
import { prepare, scratch, skipReason } from "./xs-harness.js";

const skip = skipReason();
const STATIC = "00112233445566778899aabbccddeeff";
const root = new URL("../..", import.meta.url).pathname;

test("manifest: the firmware entries and their compositions everywhere, the host entries on the host platform only", () => {
  for (const platform of PLATFORMS) {
    const names = loadManifest(platform).modules.map((m) => m.name);
    for (const app of ["device", "modem", "provisioner"]) {
      for (const n of [`native/xs/js/${app}-main`, `native/xs/js/${app}-start`]) assert.ok(names.includes(n), `${platform}: ${n}`);
      assert.equal(names.includes(`native/xs/js/${app}-host`), platform === "host", `${platform}: ${app}-host`);
    }
  }
});

test("the firmware entries read no arguments: no args() in device-main, modem-main, provisioner-main nor what they import of their own", () => {
  for (const app of ["device", "modem", "provisioner"]) {
    for (const f of [`${app}-main`, `${app}-start`]) {
      const src = readFileSync(join(root, `native/xs/js/${f}.js`), "utf8");
      assert.doesNotMatch(src, /\bargs\b/, `${f}.js reads the app's arguments`);
    }
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

/** Runs xsrun on `entry` with the app's arguments for `ms` (then stops it), or until it ends. */
async function runFor(entry: string, appArgs: string[], ms: number): Promise<{ code: number | null; out: string; err: string }> {
  const b = await prepare();
  const dir = scratch("entries-" + entry.split("/").pop());
  const child = spawn(b.xsrun, ["--name", "unit", "--storage", join(dir, "s.bin"), b.app, entry, "--", ...appArgs], { stdio: ["pipe", "pipe", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const timer = setTimeout(() => child.kill(), ms);
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  clearTimeout(timer);
  return { code, out, err };
}

test("the modem's host entry takes --links and --log; a wrong one is one error; the firmware entry ignores them", { skip }, async () => {
  const bad = await runFor("native/xs/js/modem-host", ["--links", "17"], 10_000);
  assert.equal(bad.code, 1, bad.out + bad.err);
  assert.match(bad.err, /modem: links must be 1\.\.16, got 17/);
  const unknown = await runFor("native/xs/js/modem-host", ["--link", "2"], 10_000);
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /modem-host: unexpected argument "--link"/);
  const level = await runFor("native/xs/js/modem-host", ["--log", "loud"], 10_000);
  assert.equal(level.code, 1);
  assert.match(level.err, /log level must be debug, info, warn, error or none, got "loud"/);
  // the firmware entry reads none of them: it runs on the build's defines (killed after 1 s, not ended by an error)
  const fw = await runFor("native/xs/js/modem-main", ["--links", "17", "--log", "loud"], 1500);
  assert.doesNotMatch(fw.err, /links|log level|unexpected argument/, fw.err);
  assert.equal(fw.code, null, fw.out + fw.err);
});

test("the provisioner's host entry takes its flags; a wrong one is one error; the firmware entry ignores them", { skip }, async () => {
  const r = await runFor("native/xs/js/provisioner-host", ["--heap", "--oob", "none", "--log", "info"], 3000);
  const started = /^(\{"event":"started".*\})$/m.exec(r.out);
  assert.ok(started, r.out + r.err);
  assert.ok((JSON.parse(started[1]!) as { heap?: unknown }).heap, "--heap: the memory counters on the event line");
  const bad = await runFor("native/xs/js/provisioner-host", ["--oob", "maybe"], 10_000);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /provisioner: oob must be auto or none, got "maybe"/);
  const unknown = await runFor("native/xs/js/provisioner-host", ["--static", STATIC], 10_000);
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /provisioner-host: unexpected argument "--static"/);
  // the firmware entry: the build's defines, whatever the arguments (no heap counters, no error)
  const fw = await runFor("native/xs/js/provisioner-main", ["--heap", "--oob", "maybe"], 3000);
  const fwStarted = /^(\{"event":"started".*\})$/m.exec(fw.out);
  assert.ok(fwStarted, fw.out + fw.err);
  assert.equal((JSON.parse(fwStarted[1]!) as { heap?: unknown }).heap, undefined);
  assert.doesNotMatch(fw.err, /oob must be|unexpected argument/);
});
