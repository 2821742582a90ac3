/**
 * The standalone provisioner's node table (modules/standalone/node-table.ts): a full table, damaged records,
 * power lost at every write (before and after the write takes effect: the Storage contract is atomic), restart;
 * and its capacity on the real record store (native/storage/store.c, via host-tests/standalone/store-fill.c).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Bytes, Storage } from "../../modules/platform.js";
import { NODE_RECORD_BYTES, NodeTable, nodeTableCapacity, slotKey, storeRecordBytes } from "../../modules/standalone/node-table.js";
import { RECORD_LENGTH } from "../../modules/device/record.js";
import { SELF_KEY, standaloneCapacity, standaloneRecords } from "../../modules/standalone/provisioner-app.js";
import { bytesToHex } from "../../modules/crypto/bytes.js";

const root = new URL("../..", import.meta.url).pathname;

class PowerLost extends Error {}

/** An atomic Storage whose operation number `cutAt` loses the power: before it takes effect ("before") or just
 * after ("after"); every later operation fails until restart(). */
class FlakyStorage implements Storage {
  readonly map = new Map<string, Bytes>();
  ops = 0;
  cutAt = -1;
  mode: "before" | "after" = "before";
  dead = false;

  read(key: string): Bytes | undefined {
    if (this.dead) throw new PowerLost("power lost");
    return this.map.get(key)?.slice();
  }

  write(key: string, value: Bytes): void {
    this.op(() => this.map.set(key, value.slice()));
  }

  remove(key: string): void {
    this.op(() => this.map.delete(key));
  }

  private op(apply: () => void): void {
    if (this.dead) throw new PowerLost("power lost");
    const n = this.ops++;
    if (n === this.cutAt) {
      this.dead = true;
      if (this.mode === "after") apply();
      throw new PowerLost("power lost");
    }
    apply();
  }

  restart(): void {
    this.dead = false;
    this.cutAt = -1;
    this.ops = 0;
  }
}

const uuidOf = (i: number): Bytes => new Uint8Array(16).fill(0x10 + i);
const keyOf = (i: number): Bytes => new Uint8Array(16).fill(0xa0 + i);
const ELEMENTS = [1, 3, 2];

function table(storage: Storage, capacity = 8): NodeTable {
  return new NodeTable({ storage, capacity, reserved: [{ address: 0x0001, count: 1 }] });
}

/** Provision devices 0..2 (reserve, then complete), skipping the nodes already there. Returns the completed. */
function provisionAll(t: NodeTable, completed: Map<number, { address: number }>, handedOut = new Map<number, number>()): void {
  for (let i = 0; i < ELEMENTS.length; i++) {
    if (t.nodeOf(uuidOf(i))) continue;
    const r = t.reserve(uuidOf(i), ELEMENTS[i]!);
    if (!r.ok) throw new PowerLost(r.reason);
    handedOut.set(i, r.range.address); // from here the stack may send it in Provisioning Data
    t.complete(uuidOf(i), r.range.address, keyOf(i));
    completed.set(i, { address: r.range.address });
  }
}

function checkConsistent(t: NodeTable, completed: Map<number, { address: number }>): void {
  assert.deepEqual(t.skipped, [], "an atomic store never yields a damaged record");
  const all = [...t.nodes, ...t.pending].map((e) => [e.address, e.address + e.elements - 1] as const).sort((a, b) => a[0] - b[0]);
  for (let i = 0; i < all.length; i++) {
    assert.ok(all[i]![0] > 0x0001, "never the provisioner's own address");
    if (i) assert.ok(all[i]![0] > all[i - 1]![1], `ranges overlap: ${JSON.stringify(all)}`);
  }
  for (const [i, { address }] of completed) {
    const n = t.nodeOf(uuidOf(i));
    assert.ok(n, `node ${i}, completed before the power loss, is kept`);
    assert.equal(n.address, address);
    assert.equal(n.elements, ELEMENTS[i]);
    assert.deepEqual(n.deviceKey, keyOf(i));
  }
  for (const n of t.nodes) {
    const i = n.uuid[0]! - 0x10;
    assert.deepEqual(n.deviceKey, keyOf(i), "a stored key is the key of that device");
  }
}

test("node table: power lost at every write, before and after it lands; each restart is consistent and the rest completes without a leaked slot", () => {
  // a clean run, to count the writes
  const clean = new FlakyStorage();
  provisionAll(table(clean), new Map());
  const total = clean.ops;
  assert.equal(total, ELEMENTS.length * 2, "a pending write and a complete write per node");
  let cuts = 0;
  for (let cut = 0; cut < total; cut++) {
    for (const mode of ["before", "after"] as const) {
      const s = new FlakyStorage();
      s.cutAt = cut;
      s.mode = mode;
      const completed = new Map<number, { address: number }>();
      const handedOut = new Map<number, number>();
      assert.throws(() => provisionAll(table(s), completed, handedOut), PowerLost);
      s.restart();
      const t = table(s);
      checkConsistent(t, completed);
      // every address handed out before the power loss is still reserved for that device after the restart
      for (const [i, address] of handedOut) {
        const own = [...t.nodes, ...t.pending].filter((e) => e.address === address && e.uuid[0] === 0x10 + i);
        assert.equal(own.length, 1, `cut ${cut} ${mode}: device ${i}'s address 0x${address.toString(16)} is kept for it`);
      }
      provisionAll(t, completed);
      checkConsistent(t, completed);
      assert.equal(t.nodes.length, 3);
      assert.equal(t.used, 3, "an interrupted device's pending slot is reused for it");
      // and again after one more restart
      checkConsistent(table(s), completed);
      cuts++;
    }
  }
  assert.equal(cuts, total * 2);
});

test("node table: a pending record (interrupted attempt) keeps its range reserved after restart; the same device retries in its slot", () => {
  const s = new FlakyStorage();
  const t = table(s);
  const r = t.reserve(uuidOf(0), 2);
  assert.ok(r.ok);
  const t2 = table(s);
  assert.equal(t2.pending.length, 1);
  const other = t2.reserve(uuidOf(1), 1);
  assert.ok(other.ok && other.range.address !== r.range.address && other.range.address >= r.range.address + 2, "the pending range is not handed out");
  const again = t2.reserve(uuidOf(0), 2);
  assert.ok(again.ok);
  assert.equal(t2.used, 2);
});

test("node table: full: refuses the next device, never overwrites a node; restart sees the same table", () => {
  const s = new FlakyStorage();
  const t = table(s, 2);
  const done = new Map<number, { address: number }>();
  for (const i of [0, 1]) {
    const r = t.reserve(uuidOf(i), ELEMENTS[i]!);
    assert.ok(r.ok);
    t.complete(uuidOf(i), r.range.address, keyOf(i));
    done.set(i, { address: r.range.address });
  }
  assert.equal(t.full, true);
  const before = new Map(s.map);
  const r = t.reserve(uuidOf(2), 1);
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.reason : "", /full \(2 nodes\)/);
  const dup = t.reserve(uuidOf(0), 1);
  assert.match(!dup.ok ? dup.reason : "", /already a node/);
  assert.throws(() => t.complete(uuidOf(0), done.get(0)!.address, keyOf(5)), /no pending node/);
  assert.deepEqual(s.map, before, "nothing was written");
  const t2 = table(s, 2);
  assert.equal(t2.full, true);
  checkConsistent(t2, done);
});

test("node table: damaged records are reported and skipped (never trusted, their slot not reused), nothing throws", () => {
  const s = new FlakyStorage();
  const t = table(s);
  const done = new Map<number, { address: number }>();
  for (const i of [0, 1, 2]) {
    const r = t.reserve(uuidOf(i), 1);
    assert.ok(r.ok);
    t.complete(uuidOf(i), r.range.address, keyOf(i));
    done.set(i, { address: r.range.address });
  }
  const flipped = s.map.get(slotKey(0))!.slice();
  flipped[25]! ^= 1; // a bit of the DeviceKey: the CRC catches it
  s.map.set(slotKey(0), flipped);
  s.map.set(slotKey(1), new Uint8Array(7)); // short
  // a record with a valid CRC whose range overlaps node 2's: refused by the allocator
  const overlap = s.map.get(slotKey(2))!.slice();
  s.map.set(slotKey(3), overlap);
  const logs: string[] = [];
  const t2 = new NodeTable({ storage: s, capacity: 8, reserved: [{ address: 1, count: 1 }], logger: { log: (_l, _t, m) => logs.push(m) } });
  assert.deepEqual(t2.skipped.map((x) => x.slot), [0, 1, 3]);
  assert.match(t2.skipped[0]!.reason, /CRC/);
  assert.match(t2.skipped[1]!.reason, /length 7/);
  assert.match(t2.skipped[2]!.reason, /overlaps/);
  assert.equal(logs.length, 3);
  assert.ok(logs.every((l) => !l.includes(bytesToHex(keyOf(0)))), "no key in the log");
  assert.equal(t2.nodes.length, 1);
  const r = t2.reserve(uuidOf(4), 1);
  assert.ok(r.ok);
  assert.equal(t2.pending[0]!.slot, 4, "damaged slots are not reused");
  // the damaged node's addresses are not known: a new device may only get addresses no good record holds
  assert.notEqual(r.range.address, done.get(2)!.address);
});

test("node table: a failed write leaves the table as it was (the range is not handed out twice)", () => {
  const s = new FlakyStorage();
  const t = table(s);
  s.cutAt = 0;
  const r = t.reserve(uuidOf(0), 1);
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.reason : "", /storing the node failed/);
  s.restart();
  const r2 = t.reserve(uuidOf(0), 1);
  assert.ok(r2.ok);
  assert.equal(r2.range.address, 0x0002);
});

test("node table: the capacity from the flash area fits the C record store exactly (one node more does not)", () => {
  // the table alone beside the provisioner's network: 4096 - 16 (page header) - 80 = 4000 bytes, 64 per node record,
  // one record's room for a rewrite: 61
  assert.equal(storeRecordBytes(SELF_KEY.length, RECORD_LENGTH), 80);
  assert.equal(storeRecordBytes(slotKey(0).length, NODE_RECORD_BYTES), 64);
  assert.equal(nodeTableCapacity(4096, [[SELF_KEY.length, RECORD_LENGTH]]), 61);
  // the standalone provisioner with its mesh node (standaloneRecords): 4080 - 312 (network 80, AppKey 48, mesh.keys
  // 80, mesh.models 52, mesh.net 52) = 3768 bytes; per node 64 + 52 (its replay protection entry); room for the
  // largest record (80): 31
  const r = standaloneRecords();
  assert.equal(r.fixed.reduce((a, [k, v]) => a + storeRecordBytes(k, v), 0), 312);
  assert.equal(r.perNode.reduce((a, [k, v]) => a + storeRecordBytes(k, v), 64), 116);
  const capacity = standaloneCapacity();
  assert.equal(capacity, 31);
  const out = join(root, "build/host-tests/standalone");
  mkdirSync(out, { recursive: true });
  const exe = join(out, "store-fill");
  const cc = spawnSync(process.env.CC || "cc", ["-std=c99", "-g", "-O1", "-Wall", "-Wextra", "-Werror", "-fsanitize=address,undefined", "-fno-sanitize-recover=all",
    "-I", join(root, "native"), join(root, "host-tests/standalone/store-fill.c"), join(root, "native/storage/store.c"), join(root, "native/storage/flash_ram.c"), "-o", exe], { encoding: "utf8" });
  assert.equal(cc.status, 0, cc.stderr);
  // per node as the provisioner writes them: its record 3 times (pending, complete, configured), its replay
  // protection entry once per status it answers (Composition Data, AppKey, Model App, Model Subscription)
  const fixed = r.fixed.map(([k, v]) => `${k}:${v}`).join(",");
  const perNode = [`${slotKey(0).length}:${NODE_RECORD_BYTES}:3`, ...r.perNode.map(([k, v]) => `${k}:${v}:4`)].join(",");
  const fill = (n: number) => spawnSync(exe, [String(n), fixed, perNode], { encoding: "utf8" });
  const ok = fill(capacity);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.equal(ok.stdout.trim(), `ok ${capacity}`);
  const over = fill(capacity + 1);
  assert.equal(over.status, 1, over.stdout + over.stderr);
  assert.match(over.stdout, /store full/);
  // the table alone (no mesh node): 61 fit, 62 do not
  const alone = (n: number) => spawnSync(exe, [String(n), `${SELF_KEY.length}:${RECORD_LENGTH}`, `${slotKey(0).length}:${NODE_RECORD_BYTES}:2`], { encoding: "utf8" });
  assert.equal(alone(61).stdout.trim(), "ok 61");
  assert.match(alone(62).stdout, /store full/);
});

test("node table: a node's configuration (configured, refused) is one rewrite of its record, kept across a restart; a power cut keeps it unconfigured", () => {
  const s = new FlakyStorage();
  const t = table(s);
  const done = new Map<number, { address: number }>();
  provisionAll(t, done);
  assert.equal(t.unconfigured.length, 3);
  const a0 = done.get(0)!.address;
  const a1 = done.get(1)!.address;
  // the power goes during the write: the node stays unconfigured (its configuration is resumed)
  s.cutAt = s.ops;
  assert.throws(() => t.setConfiguration(a0, "configured"), PowerLost);
  s.restart();
  const t2 = table(s);
  assert.equal(t2.nodeAt(a0)!.configuration, undefined);
  t2.setConfiguration(a0, "configured");
  t2.setConfiguration(a1, "refused");
  assert.throws(() => t2.setConfiguration(0x7000, "configured"), /no node/);
  const t3 = table(s);
  assert.equal(t3.nodeAt(a0)!.configuration, "configured");
  assert.equal(t3.nodeAt(a1)!.configuration, "refused");
  assert.deepEqual(t3.unconfigured.map((n) => n.address), [done.get(2)!.address]);
  // the same UUID, range and DeviceKey
  assert.deepEqual(t3.nodeAt(a0)!.deviceKey, keyOf(0));
  assert.deepEqual(t3.nodeOf(uuidOf(1))!.address, a1);
  assert.equal(t3.skipped.length, 0);
  // a state byte out of range is a damaged record
  const bad = s.map.get(slotKey(0))!.slice();
  bad[0] = 5;
  s.map.set(slotKey(0), bad);
  assert.match(table(s).skipped[0]!.reason, /CRC|unknown state/);
});
