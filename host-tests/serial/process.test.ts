/**
 * The modem as its own process (host/serial/modem-main.ts) on a real-time hub's air, driven over TCP and
 * over a pty by the host driver (host/serial/transport.ts connectModem), and its command-line errors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { SimNetwork } from "../../host/network.js";
import { NodeCryptoPrimitives } from "../../host/node-crypto.js";
import { connectModem } from "../../host/serial/transport.js";
import { ModemError } from "../../host/serial/driver.js";
import { AuthenticationMethod } from "../../modules/prov/pdu.js";
import { deviceKeyOf } from "./helpers.js";
import { xsAvailable } from "../../host/xs-device.js";

const noOob = () => ({ algorithm: 1, publicKey: 0, method: AuthenticationMethod.NoOob, action: 0, size: 0 });
const hasPython = spawnSync("python3", ["-c", "import pty"]).status === 0;
const xsSkip = (await xsAvailable()) || false;

function startModem(air: string, serial: string, extra: string[] = []): Promise<{ child: ChildProcess; serial: string; stderr: string[] }> {
  const child = spawn(process.execPath, ["--import", "tsx", "host/serial/modem-main.ts", "--air", air, "--serial", serial, ...extra], { stdio: ["ignore", "pipe", "pipe"] });
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on("line", (l) => stderr.push(l));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("the modem did not start: " + stderr.join(" | "))), 600_000);
    createInterface({ input: child.stdout! }).once("line", (line) => {
      clearTimeout(t);
      const m = /^serial: (\S+)$/.exec(line);
      if (!m) reject(new Error("unexpected first line: " + line));
      else resolve({ child, serial: m[1]!, stderr });
    });
    child.once("exit", (code) => reject(new Error(`the modem exited (${code}): ${stderr.join(" | ")}`)));
  });
}

async function provisionThrough(serialKind: string, extra: string[] = []) {
  const net = new SimNetwork({ seed: 3, mode: "real", logger: { log() {} } });
  const where = await net.hub.listen({ port: 0 });
  const air = `tcp:127.0.0.1:${(where as { port: number }).port}`;
  const dev = net.addDevice({ name: "light-1", beaconIntervalMs: 200 });
  net.start();
  const m = await startModem(air, serialKind, extra);
  const c = await connectModem(m.serial, { crypto: new NodeCryptoPrimitives() });
  try {
    assert.equal(c.hello.maxLinks, 4);
    const data = { networkKey: new Uint8Array(16).fill(3), keyIndex: 0, flags: { keyRefresh: false, ivUpdate: false }, ivIndex: 1, unicastAddress: 0x0123 };
    const r = await c.driver.provision(dev.uuid, data, { oobPolicy: noOob });
    assert.equal(r.unicastAddress, 0x0123);
    assert.deepEqual(r.deviceKey, deviceKeyOf(dev));
  } finally {
    c.close();
    m.child.kill("SIGTERM");
    await new Promise((res) => m.child.once("exit", res));
    await net.close();
  }
  return m;
}

test("modem process over TCP on a real-time hub: a device provisioned, DeviceKey derived on the host", { timeout: 60_000 }, async () => {
  const m = await provisionThrough("tcp:127.0.0.1:0");
  assert.match(m.serial, /^tcp:127\.0\.0\.1:\d+$/);
});

test("modem process over a pty (python3 relay)", { timeout: 60_000, skip: hasPython ? false : "python3 with the pty module is needed for a pty" }, async () => {
  const m = await provisionThrough("pty");
  assert.match(m.serial, /^\/dev\/pts\/\d+$/);
});

test("modem on the XS host runtime (--runtime xs) over TCP", { timeout: 900_000, skip: xsSkip }, async () => {
  const m = await provisionThrough("tcp:127.0.0.1:0", ["--runtime", "xs"]);
  assert.match(m.serial, /^tcp:/);
});

test("modem command-line mistakes and an unreachable hub: one line each, exit 2 and 1", () => {
  const run = (args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "host/serial/modem-main.ts", ...args], { encoding: "utf8", timeout: 20_000 });
  const noAir = run([]);
  assert.equal(noAir.status, 2);
  assert.equal(noAir.stderr.split("\n")[0], "modem: --air is needed (where the hub listens)");
  assert.equal(run(["--air", "tcp:127.0.0.1:7000", "--links", "99"]).status, 2);
  const badSerial = run(["--air", "tcp:127.0.0.1:1", "--serial", "/dev/ttyUSB0"]);
  assert.equal(badSerial.status, 1);
  const dead = run(["--air", "tcp:127.0.0.1:1"]);
  assert.equal(dead.status, 1);
  assert.match(dead.stderr, /^modem: cannot reach the hub at tcp:127\.0\.0\.1:1/);
  assert.equal(dead.stderr.trim().split("\n").length, 1, dead.stderr);
  assert.ok(!/^\s+at /m.test(dead.stderr), "no stack trace");
});

test("host: nothing listening, or a bad --serial: one-line ModemError", async () => {
  await assert.rejects(connectModem("tcp:127.0.0.1:1", { crypto: new NodeCryptoPrimitives() }), (e: Error) => e instanceof ModemError && e.message === "cannot reach the modem at tcp:127.0.0.1:1: nothing listens there");
  await assert.rejects(connectModem("COM3", { crypto: new NodeCryptoPrimitives() }), /--serial must be a device path/);
  await assert.rejects(connectModem("/dev/does-not-exist", { crypto: new NodeCryptoPrimitives() }), /cannot open \/dev\/does-not-exist: no such device/);
});

test("a host that closes the pty mid-provisioning: the modem closes the link at once (not after hostTimeoutMs)", { timeout: 60_000, skip: hasPython ? false : "python3 with the pty module is needed for a pty" }, async () => {
  const net = new SimNetwork({ seed: 4, mode: "real", logger: { log() {} } });
  const where = await net.hub.listen({ port: 0 });
  const dev = net.addDevice({ name: "light-2", beaconIntervalMs: 200 });
  net.start();
  const m = await startModem(`tcp:127.0.0.1:${(where as { port: number }).port}`, "pty");
  try {
    // hostTimeoutMs far beyond the test: only the hangup can close the link in time
    const c = await connectModem(m.serial, { crypto: new NodeCryptoPrimitives(), driver: { hostTimeoutMs: 600_000 } });
    const data = { networkKey: new Uint8Array(16).fill(3), keyIndex: 0, flags: { keyRefresh: false, ivUpdate: false }, ivIndex: 1, unicastAddress: 0x0124 };
    // Output OOB: the person never enters the blinks, and the host goes away while the link waits for them
    c.driver.provision(dev.uuid, data, { input: () => new Promise(() => undefined) }).catch(() => undefined);
    while (!dev.events.some((e) => e.event.type === "output-request")) await new Promise((r) => setTimeout(r, 20));
    c.close();
    const t0 = Date.now();
    while (!dev.events.some((e) => e.event.type === "link-closed") && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 20));
    assert.ok(dev.events.some((e) => e.event.type === "link-closed"), "the device saw the link close");
  } finally {
    m.child.kill("SIGTERM");
    await new Promise((res) => m.child.once("exit", res));
    await net.close();
  }
});

test("the XS modem under ASan/UBSan: garbage, a torn and an oversize frame on the link, then a whole provisioning", { timeout: 900_000, skip: xsSkip }, async () => {
  const { prepare, prepareSanitized } = await import("../xs/xs-harness.js");
  const { runModem } = await import("../../host/serial/launch.js");
  const { connect } = await import("node:net");
  const { encodeFrame, FrameType, MAX_ENCODED } = await import("../../modules/serial/frame.js");
  const app = (await prepare()).app;
  const xsrun = await prepareSanitized();
  process.env.ASAN_OPTIONS = "detect_leaks=0";
  process.env.UBSAN_OPTIONS = "print_stacktrace=1:halt_on_error=1";
  const net = new SimNetwork({ seed: 6, mode: "real", logger: { log() {} } });
  const where = await net.hub.listen({ port: 0 });
  const dev = net.addDevice({ name: "light-3", beaconIntervalMs: 200 });
  net.start();
  const complaints: string[] = [];
  const m = await runModem({
    air: { port: (where as { port: number }).port },
    serial: "tcp:127.0.0.1:0",
    runtime: "xs",
    xs: { xsrun, app },
    logger: { log: (level, _tag, line) => void (level === "error" ? complaints.push(line) : undefined) },
  });
  try {
    const [, host, port] = /^tcp:(.+):(\d+)$/.exec(m.serial)!;
    // a first host that sends only rubbish, then goes away
    const s = connect({ host: host!, port: Number(port) });
    await new Promise((r) => s.once("connect", r));
    const rnd = (await import("../../host/node-crypto.js")).seededRandom(8);
    s.write(rnd(5000));
    s.write(encodeFrame({ type: FrameType.Command, seq: 1, code: 0x02, payload: new Uint8Array(20) }).subarray(0, 9));
    s.write(Uint8Array.of(0));
    s.write(new Uint8Array(MAX_ENCODED * 4).fill(0x7e));
    s.write(Uint8Array.of(0));
    s.write(encodeFrame({ type: FrameType.Command, seq: 2, code: 0x13, payload: new Uint8Array(3) }));
    await new Promise((r) => setTimeout(r, 300));
    s.destroy();
    await new Promise((r) => setTimeout(r, 200));
    const c = await connectModem(m.serial, { crypto: new NodeCryptoPrimitives() });
    try {
      const data = { networkKey: new Uint8Array(16).fill(3), keyIndex: 0, flags: { keyRefresh: false, ivUpdate: false }, ivIndex: 1, unicastAddress: 0x0125 };
      const r = await c.driver.provision(dev.uuid, data, { oobPolicy: noOob });
      assert.deepEqual(r.deviceKey, deviceKeyOf(dev));
    } finally {
      c.close();
    }
  } finally {
    await m.close();
    await net.close();
  }
  assert.deepEqual(complaints, [], "nothing on the XS runtime's stderr (no sanitizer report, no exception)");
});

test("the twin modem (--runtime twin): its mistakes and a missing image, QEMU or hub are one line each", async () => {
  const { runModem } = await import("../../host/serial/launch.js");
  const { mkdtempSync, rmSync, symlinkSync, writeFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const air = { port: 1 };
  await assert.rejects(runModem({ air, runtime: "twin", twin: { elf: "/nonexistent/firmware.elf" } }), (e: Error) =>
    e instanceof ModemError && e.message === "the twin modem's image /nonexistent/firmware.elf is missing: build it with node tools/nrf52/build.mjs --board mps2 --variant modem");
  const dir = mkdtempSync(join(tmpdir(), "twin-args-"));
  try {
    const elf = join(dir, "firmware.elf");
    writeFileSync(elf, "");
    await assert.rejects(runModem({ air, runtime: "twin", twin: { elf, qemu: join(dir, "qemu-system-arm") } }), (e: Error) =>
      e instanceof ModemError && /^the twin modem runs on .*qemu-system-arm, which is not installed \(apt-get install qemu-system-arm\)$/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const run = (args: string[], env: NodeJS.ProcessEnv = process.env) => spawnSync(process.execPath, ["--import", "tsx", "host/serial/modem-main.ts", ...args], { encoding: "utf8", timeout: 30_000, env });
  const links = run(["--air", "tcp:127.0.0.1:1", "--runtime", "twin", "--links", "2"]);
  assert.equal(links.status, 2);
  assert.equal(links.stderr.split("\n")[0], "modem: --links is not for --runtime twin: the image's links at once are its MODEM_LINKS");
  assert.equal(run(["--air", "unix:/tmp/hub.sock", "--runtime", "twin"]).status, 2);
  // no QEMU on the PATH (only node), or no image built: one line, exit 1
  const bin = mkdtempSync(join(tmpdir(), "twin-path-"));
  try {
    symlinkSync(process.execPath, join(bin, "node"));
    const bare = run(["--air", "tcp:127.0.0.1:1", "--runtime", "twin"], { ...process.env, PATH: bin });
    assert.equal(bare.status, 1, bare.stderr);
    assert.match(bare.stderr, /^modem: the twin modem('s image .* is missing: build it with node tools\/nrf52\/build\.mjs --board mps2 --variant modem| runs on qemu-system-arm, which is not installed \(apt-get install qemu-system-arm\))\n$/);
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
});
