/**
 * The Cortex-M4 twin's smoke test: the C smoke app built for qemu-system-arm -M mps2-an386 (tools/nrf52/build.mjs
 * --board mps2 --app smoke) boots, logs, keeps its record store across a restart (the flash is a host file, written through
 * by semihosting), survives a garbage flash file, and talks to the simulated air hub (docs/air-protocol.md) over
 * its UART1: an in-process radio on the hub hears the twin's Unprovisioned Device beacon (Mesh Protocol 1.1,
 * 3.10.2) and the twin hears that radio's PB-ADV packet.
 *
 * Needs arm-none-eabi-gcc and qemu-system-arm (suite "firmware-twin" in tools/suites.mjs; not a *.test.ts file,
 * so the plain host-tests suite does not pick it up). Run: node --import tsx --test host-tests/firmware/twin-smoke.ts
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AirHub } from "../../host/air/hub.js";
import type { RadioPacket } from "../../modules/platform.js";
import { WALL_LIMIT_LINE, spawnTwin } from "./twin-harness.js";

const root = new URL("../..", import.meta.url).pathname;
const elf = join(root, "build/smoke/mps2/light/firmware.elf");
const WALL_LIMIT_MS = 60_000;

function build(): void {
  const r = spawnSync("node", [join(root, "tools/nrf52/build.mjs"), "--board", "mps2", "--variant", "light", "--app", "smoke", "--quiet"], {
    encoding: "utf8",
  });
  assert.equal(r.status, 0, `twin build failed:\n${r.stdout}${r.stderr}`);
}

interface Run {
  code: number | null;
  log: string;
}

/** Runs the twin until it exits (it exits by itself at --exit-after-ms of its clock); rejects at the wall-clock limit. */
async function runTwin(args: string[], serial1 = "null", onLine: (line: string) => void = () => {}): Promise<Run> {
  const run = await spawnTwin(elf, serial1, args, onLine, WALL_LIMIT_MS).done;
  if (run.log.includes(WALL_LIMIT_LINE)) throw new Error(`the twin did not exit within ${WALL_LIMIT_MS} ms; log:\n${run.log}`);
  return run;
}

function bootCount(log: string): number {
  const m = /store: ok, issues 0x([0-9a-f]+), boot count (\d+)/.exec(log);
  assert.ok(m, `no store line in:\n${log}`);
  return Number(m[2]);
}

test("twin: boots, logs, and keeps its record store across restarts", async (t) => {
  build();
  const dir = mkdtempSync(join(tmpdir(), "twin-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const flash = join(dir, "flash.bin");

  const first = await runTwin([`--flash=${flash}`, "--exit-after-ms=1500"]);
  assert.equal(first.code, 0, first.log);
  assert.match(first.log, /meshprov smoke: board mps2-an386/);
  assert.match(first.log, /uuid [0-9a-f]{32} address [0-9a-f]{12} \(static random\)/);
  assert.match(first.log, /store: ok, issues 0x80, boot count 1\b/); // 0x80: STORE_ISSUE_FORMATTED (fresh flash)
  assert.match(first.log, /ready/);
  assert.match(first.log, /led0 on/); // the attention LED blinks
  assert.match(first.log, /twin: exit at 1500 ms/);
  assert.equal(readFileSync(flash).length, 8192); // two 4 KB pages

  const second = await runTwin([`--flash=${flash}`, "--exit-after-ms=500"]);
  assert.equal(second.code, 0, second.log);
  assert.match(second.log, /store: ok, issues 0x0, boot count 2\b/);

  const third = await runTwin([`--flash=${flash}`, "--exit-after-ms=500"]);
  assert.equal(bootCount(third.log), 3);
});

test("twin: a garbage flash file is not trusted (reported, formatted, boots)", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "twin-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const flash = join(dir, "flash.bin");
  const junk = new Uint8Array(8192);
  let x = 12345;
  for (let i = 0; i < junk.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    junk[i] = x >>> 24;
  }
  writeFileSync(flash, junk);
  const run = await runTwin([`--flash=${flash}`, "--exit-after-ms=300"]);
  assert.equal(run.code, 0, run.log);
  // 0x90 = STORE_ISSUE_GARBAGE_PAGE | STORE_ISSUE_FORMATTED
  assert.match(run.log, /store: ok, issues 0x90, boot count 1\b/);
});

test("twin: on the simulated air hub, beacons out and PB-ADV in (virtual time)", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "twin-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const hub = new AirHub({ mode: "virtual", seed: 11, logger: { log() {} } });
  t.after(() => hub.close());
  const { port } = await hub.listen({ port: 0 });
  const observer = hub.createRadio("observer");
  const beacons: RadioPacket[] = [];
  observer.setReceiver((p) => {
    if (p.adType === 0x2b && p.data[0] === 0x00) beacons.push(p);
  });
  // A PB-ADV packet (Link ID 0x01020304, transaction 0, a made-up payload) sent 1 s into the run.
  hub.clock.setTimeout(() => {
    observer.advertise(0x29, new Uint8Array([1, 2, 3, 4, 0, 0x03, 0xaa]), { count: 3, intervalMs: 20 });
  }, 1000);

  let connected!: () => void;
  const joined = new Promise<void>((r) => (connected = r));
  const twin = runTwin([`--flash=${join(dir, "flash.bin")}`, "--air", "--name=twin-air", "--exit-after-ms=3000"],
    `tcp:127.0.0.1:${port},nodelay=on`, (line) => {
      if (line.startsWith("air: connected")) connected();
    });
  await Promise.race([joined, twin.then((r) => Promise.reject(new Error(`twin exited early:\n${r.log}`)))]);
  await hub.runUntil(3000);
  const run = await twin;
  assert.equal(run.code, 0, run.log);
  assert.match(run.log, /air: connected to the hub \(virtual mode\) as twin-air at 0 ms/);
  assert.match(run.log, /twin: exit at 3000 ms/);

  // The beacon: Beacon Type 0x00, the twin's Device UUID, OOB Information 0x0000; one every ~500 ms.
  const uuid = /uuid ([0-9a-f]{32})/.exec(run.log)![1];
  assert.ok(beacons.length >= 4 && beacons.length <= 7, `beacons heard: ${beacons.length}`);
  for (const b of beacons) {
    assert.equal(b.data.length, 19);
    assert.equal([...b.data.subarray(1, 17)].map((v) => v.toString(16).padStart(2, "0")).join(""), uuid);
    assert.deepEqual([...b.data.subarray(17)], [0, 0]);
  }
  // The twin heard the PB-ADV packet (3 events; at least one copy gets through, no loss on default links).
  assert.match(run.log, /rx: AD 0x29 len 7 rssi -50/);
});
