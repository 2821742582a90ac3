/**
 * The standalone provisioner on the Cortex-M4 twin (issue 12): two twins on one air hub in virtual time, the
 * `provisioner` image (native/xs/js/provisioner-main, modules/standalone, the mesh node preloaded) and the
 * `light-node` image (the light with its mesh node). The provisioner hears the light's beacons and provisions it
 * with Output OOB Blink: the light shows its value ("display N", its board has no display, its LED blinks it),
 * the test's person reads it and presses the provisioner twin's button N times (bytes 'p' on its UART0). Then the
 * provisioner configures it over the mesh (AppKey Add, Model App Bind, Model Subscription Add 0xC000 with the
 * light's DeviceKey: its "configured" event line), and a press of its button turns the light's lamp on (Generic
 * OnOff Set Unacknowledged to the group; the light's "led0 on" GPIO line). Then both restart on their flash files:
 * the provisioner comes back with the node in its table, configured (and does not provision nor configure it
 * again), the light comes back provisioned at the same address, and two presses turn the lamp on (it was) and off (the
 * provisioner's SEQ was kept: the light's replay protection takes the message, 3.8.3, 3.9.8); and their flash
 * files hold the same DeviceKey and NetKey: the test reads both record stores (native/storage/store.h layout) on
 * the host, so no key is ever printed. No key appears in either log.
 *
 * Needs arm-none-eabi-gcc and qemu-system-arm (suite "firmware-twin-provisioner"). Not a *.test.ts file.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AirHub } from "../../host/air/hub.js";
import { bytesToHex } from "../../modules/crypto/bytes.js";
import { crc32, decodeRecord } from "../../modules/device/record.js";
import { STORAGE_KEY } from "../../main.js";
import { APP_KEY_KEY, SELF_KEY } from "../../modules/standalone/provisioner-app.js";
import { slotKey } from "../../modules/standalone/node-table.js";
import { startTwinImage } from "./twin-harness.js";
import type { Twin as HarnessTwin } from "./twin-harness.js";
import { assertNoHostEntry } from "./host-entries.js";

const root = new URL("../..", import.meta.url).pathname;
const WALL_LIMIT_MS = 240_000;
// The provisioner image's own budgets (tools/nrf52/build.mjs VARIANT_PARTS.provisioner; the build fails past them):
// flash 516 KB plus the twin's 16 KB layer, RAM plan 136 KB plus the twin's 8 KB layer. Its XS heap is printed below.
const PROVISIONER_FLASH_BUDGET = 516 * 1024 + 16 * 1024;
const PROVISIONER_RAM_BUDGET = 136 * 1024 + 8 * 1024;

interface Twin extends HarnessTwin {
  name: string;
}

/** A twin running `elf` on the hub at `port`, its storage in the file `flash`; `onLine` sees each log line. */
// (no app arguments: the firmware entry reads none, issue 8)
function startTwin(elf: string, flash: string, port: number, name: string, onLine: (line: string) => void): Twin {
  return { name, ...startTwinImage(elf, flash, port, name, onLine, [], WALL_LIMIT_MS) };
}

async function connected(twins: Twin[]): Promise<void> {
  for (const twin of twins) {
    const early = twin.done.then((r) => Promise.reject(new Error(`${twin.name} ended before connecting:\n${r.log}`)));
    early.catch(() => {}); // once connected, the twin's normal end later is no error
    while (!twin.lines.some((l) => l.startsWith("air: connected"))) await Promise.race([new Promise((r) => setTimeout(r, 20)), early]);
  }
}

/** The JSON event lines {"event": type, ...} a twin printed. */
function eventsOf(twin: Twin, type: string): Record<string, unknown>[] {
  return twin.lines.filter((l) => l.startsWith("{") && l.includes(`"event":"${type}"`)).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/**
 * The live values of a record store file (native/storage/store.h: two pages, the complete page with the newer
 * generation is active; records header, ~header, sequence, key and value padded to a word, CRC-32, COMMIT).
 * Test-only: it reads what the twin's flash holds, keys included, and never prints them.
 */
function readStore(file: string, pageSize = 4096): Map<string, Uint8Array> {
  const mem = new Uint8Array(readFileSync(file));
  const view = new DataView(mem.buffer, mem.byteOffset, mem.byteLength);
  const u32 = (off: number) => view.getUint32(off, true);
  const pages = [0, 1].filter((p) => u32(p * pageSize) === 0x5453504d && u32(p * pageSize + 12) === 0xc0dec0de && u32(p * pageSize + 8) === (~u32(p * pageSize + 4) >>> 0));
  assert.ok(pages.length >= 1, `no complete store page in ${file}`);
  const gen = (p: number) => u32(p * pageSize + 4);
  const active = pages.length === 1 ? pages[0]! : gen(1) === ((gen(0) + 1) >>> 0) ? 1 : gen(0) === ((gen(1) + 1) >>> 0) ? 0 : gen(1) > gen(0) ? 1 : 0;
  const base = active * pageSize;
  const values = new Map<string, Uint8Array>();
  for (let off = 16; off + 12 <= pageSize; ) {
    const w0 = u32(base + off);
    if (w0 === 0xffffffff) break;
    assert.equal(w0 >>> 24, 0x5a, "record tag");
    assert.equal(u32(base + off + 4), ~w0 >>> 0, "record header check");
    const klen = (w0 >>> 16) & 0xff;
    const vlen = w0 & 0xffff;
    const payload = klen + (vlen === 0xffff ? 0 : vlen);
    const bytes = 12 + ((payload + 3) & ~3) + 8;
    if (u32(base + off + bytes - 4) === 0x0000a55a) {
      const hdr = mem.slice(base + off, base + off + 4);
      const seq = mem.slice(base + off + 8, base + off + 12);
      const body = mem.slice(base + off + 12, base + off + 12 + payload);
      const all = new Uint8Array(8 + payload);
      all.set(hdr, 0);
      all.set(seq, 4);
      all.set(body, 8);
      if (crc32(all) === u32(base + off + bytes - 8)) {
        const key = new TextDecoder().decode(body.subarray(0, klen));
        if (vlen === 0xffff) values.delete(key);
        else values.set(key, body.slice(klen));
      }
    }
    off += bytes;
  }
  return values;
}

/** The light's lamp lines ("led0 on|off") after line `from`. */
function lampAfter(twin: Twin, from: number): boolean | undefined {
  let on: boolean | undefined;
  for (const l of twin.lines.slice(from)) {
    const m = /^led0 (on|off)$/.exec(l);
    if (m) on = m[1] === "on";
  }
  return on;
}

test("twin: the standalone provisioner twin provisions a light-node twin (Output OOB on its button), configures it, its button toggles the lamp; both restart with matching keys", async (t) => {
  const b = spawnSync("node", [join(root, "tools/nrf52/build.mjs"), "--board", "mps2", "--variant", "light-node,provisioner", "--quiet"], { encoding: "utf8" });
  assert.equal(b.status, 0, `twin build failed:\n${b.stdout}${b.stderr}`);
  const heapImage = JSON.parse(readFileSync(join(root, "build/mps2/provisioner/size.json"), "utf8")) as { flashBytes: number; ramPlanBytes: number; xs: { heapBytes: number; archive: string }; budgets: { flash: { ok: boolean; limitBytes: number }; ram: { ok: boolean; limitBytes: number } } };
  assert.ok(heapImage.budgets.ram.ok && heapImage.budgets.flash.ok);
  assert.equal(heapImage.budgets.flash.limitBytes, PROVISIONER_FLASH_BUDGET);
  assert.equal(heapImage.budgets.ram.limitBytes, PROVISIONER_RAM_BUDGET);
  // the firmware entry only (issue 8): no host entry, none of their flags
  assertNoHostEntry("mps2/provisioner", join(root, heapImage.xs.archive), join(root, "build/mps2/provisioner/firmware.bin"), "provisioner-main");
  const dir = mkdtempSync(join(tmpdir(), "twin-provisioner-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const elf = (variant: string) => join(root, "build/mps2", variant, "firmware.elf");
  const provFlash = join(dir, "provisioner.bin");
  const lightFlash = join(dir, "light.bin");
  const lightElf = elf("light-node");

  // ---- first run: provisioned, the person entering the light's blinks on the provisioner's button
  const hub = new AirHub({ mode: "virtual", seed: 12, logger: { log() {} } });
  const { port } = await hub.listen({ port: 0 });
  let shown: number | null = null;
  let awaiting = false;
  let pressed = 0;
  let prov: Twin | undefined;
  const person = (): void => {
    if (shown !== null && awaiting && !pressed && prov) {
      pressed = shown;
      prov.press(shown);
    }
  };
  prov = startTwin(elf("provisioner"), provFlash, port!, "twin-standalone", (line) => {
    if (line === "board: awaiting input (button)") {
      awaiting = true;
      person();
    }
  });
  const light = startTwin(lightElf, lightFlash, port!, "twin-light", (line) => {
    const m = /^display (\d+)$/.exec(line);
    if (m) {
      shown = Number(m[1]);
      person();
    }
  });
  try {
    await connected([prov, light]);
    const ok = await hub.runWhile(() => !(eventsOf(prov!, "node-added").length && eventsOf(light, "complete").length), 120_000);
    assert.ok(ok, `not provisioned within 120 s of virtual time\nprovisioner:\n${prov.lines.join("\n")}\nlight:\n${light.lines.join("\n")}`);
    const configured = await hub.runWhile(() => !eventsOf(prov!, "configured").length && !eventsOf(prov!, "configuration-failed").length, 60_000);
    assert.ok(configured && eventsOf(prov, "configured").length === 1, `not configured within 60 s of virtual time\nprovisioner:\n${prov.lines.join("\n")}\nlight:\n${light.lines.join("\n")}`);
    // the person presses the provisioner's button: the lamp goes on
    const from = light.lines.length;
    prov.press(1);
    const lit = await hub.runWhile(() => lampAfter(light, from) !== true, 10_000);
    assert.ok(lit, `the lamp did not follow the press\nprovisioner:\n${prov.lines.join("\n")}\nlight:\n${light.lines.join("\n")}`);
    await hub.runFor(1000); // the node table's record and the SEQ are on flash
  } finally {
    await hub.close();
  }
  const [p1, l1] = await Promise.all([prov.done, light.done]);
  assert.equal(p1.code, 0, p1.log);
  assert.equal(l1.code, 0, l1.log);
  assert.ok(shown !== null && shown >= 1 && shown <= 9 && pressed === shown, `shown ${shown}, pressed ${pressed}`);
  const auth = eventsOf(prov, "auth")[0];
  assert.ok(auth && auth.method === 2 && auth.enter === "button", `Output OOB entered on the button: ${JSON.stringify(auth)}`);
  const added = eventsOf(prov, "node-added")[0]!;
  const done = eventsOf(prov, "configured")[0]!;
  assert.ok(done.address === added.address && done.servers === 1, JSON.stringify(done));
  const toggle = eventsOf(prov, "toggle")[0];
  assert.ok(toggle && toggle.on === true && toggle.group === 0xc000, JSON.stringify(toggle));
  const lightStarted = eventsOf(light, "started")[0]!;
  assert.equal(added.uuid, lightStarted.uuid);
  assert.equal(added.address, eventsOf(light, "complete")[0]!.address);
  assert.equal(added.elements, 1);

  // ---- second run: both come back from flash; the provisioner does not provision its node again
  const hub2 = new AirHub({ mode: "virtual", seed: 13, logger: { log() {} } });
  const port2 = (await hub2.listen({ port: 0 })).port!;
  const prov2 = startTwin(elf("provisioner"), provFlash, port2, "twin-standalone", () => {});
  const light2 = startTwin(lightElf, lightFlash, port2, "twin-light", () => {});
  try {
    await connected([prov2, light2]);
    await hub2.runFor(3000);
    // two presses after the restart: on (the restarted client knows no state: the lamp stays on), then off; the
    // provisioner's SEQ went on from its flash (a repeated SEQ would be dropped by the light's replay protection)
    const from = light2.lines.length;
    prov2.press(2);
    const off = await hub2.runWhile(() => lampAfter(light2, from) !== false, 10_000);
    assert.ok(off, `the lamp did not follow the press after the restart\nprovisioner:\n${prov2.lines.join("\n")}\nlight:\n${light2.lines.join("\n")}`);
  } finally {
    await hub2.close();
  }
  const [p2, l2] = await Promise.all([prov2.done, light2.done]);
  assert.equal(p2.code, 0, p2.log);
  assert.equal(l2.code, 0, l2.log);
  const restarted = eventsOf(prov2, "started")[0];
  assert.ok(restarted && restarted.nodes === 1 && restarted.pending === 0 && restarted.capacity === 31 && restarted.configured === 1 && restarted.refused === 0, JSON.stringify(restarted));
  assert.deepEqual(restarted.skipped, []);
  assert.equal(eventsOf(light2, "restored")[0]?.address, added.address);
  assert.equal(eventsOf(prov2, "provisioning").length, 0, "its node is not provisioned again");
  assert.equal(eventsOf(prov2, "configuring").length, 0, "nor configured again");
  const toggles2 = eventsOf(prov2, "toggle");
  assert.deepEqual(toggles2.map((e) => e.on), [true, false], JSON.stringify(toggles2));
  assert.equal(toggles2[1]!.tid, ((toggles2[0]!.tid as number) + 1) & 0xff, "the next TID");

  // ---- the keys, from both flash files
  const lightStore = readStore(lightFlash);
  const provStore = readStore(provFlash);
  const record = decodeRecord(lightStore.get(STORAGE_KEY)!);
  assert.ok(record.ok, "the light's provisioning record");
  const node = provStore.get(slotKey(0));
  assert.ok(node && node.length === 40 && node[0] === 3, "the provisioner's node record, configured");
  assert.equal(bytesToHex(node.slice(4, 20)), added.uuid);
  assert.deepEqual(node.slice(20, 36), record.record.deviceKey, "the light's DeviceKey is the node table's");
  const self = decodeRecord(provStore.get(SELF_KEY)!);
  assert.ok(self.ok);
  assert.deepEqual(record.record.data.networkKey, self.record.data.networkKey, "the light is on the provisioner's network");
  const appKey = provStore.get(APP_KEY_KEY);
  assert.ok(appKey && appKey.length === 20, "the provisioner's AppKey record");
  for (const secret of [record.record.deviceKey, self.record.data.networkKey, appKey.slice(0, 16)]) {
    const hex = bytesToHex(secret);
    for (const log of [p1.log, l1.log, p2.log, l2.log]) assert.ok(!log.toLowerCase().includes(hex), "no key in any log");
  }
  // the XS heaps after the import (the last memory report of each twin that has no markers during provisioning)
  const mem = (twin: Twin) => {
    const last = twin.lines.filter((l) => l.startsWith("xs-mem ")).map((l) => JSON.parse(l.slice(7)) as Record<string, number>).at(-1)!;
    return { arena: last.arena, slotsPeak: last.slotsPeak, chunksPeak: last.chunksPeak, slotsReserved: last.slotsReserved, chunksReserved: last.chunksReserved };
  };
  process.stdout.write(`twin-provisioner ${JSON.stringify({ address: added.address, outputOob: shown, provisionedAtMs: eventsOf(prov, "node-added")[0]!.time, configuredAtMs: done.time, provisionerFlashBytes: heapImage.flashBytes, provisionerHeapBytes: heapImage.xs.heapBytes, provisionerRamPlanBytes: heapImage.ramPlanBytes, provisionerRamBudget: heapImage.budgets.ram.limitBytes, provisionerAtImport: mem(prov), lightAtImport: mem(light) })}\n`);
});
