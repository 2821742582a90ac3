// The Mesh Configuration Database: allocation, checking, the schema, crash safety, the lock.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { seededRandom } from "../../host/node-crypto.js";
import { CdbError, addNode, checkCdb, exportForm, findNode, newNetwork, removeNode, schemaErrors, unicastAllocator } from "../../host/cdb/cdb.js";
import type { Cdb } from "../../host/cdb/cdb.js";
import { CdbLock, LockedError, readCdb, writeCdb } from "../../host/cdb/store.js";
import { meshprov, tempDir } from "../cli/helpers.js";

const net = (seed = 1): Cdb => newNetwork({ random: seededRandom(seed), now: new Date("2026-12-07T12:00:00Z") });
const key = (b: number): Uint8Array => new Uint8Array(16).fill(b);
const uuid = (b: number): Uint8Array => new Uint8Array(16).fill(b);

/** The address the database's allocator gives a node of `elements` elements now (null: none left). */
function next(db: Cdb, elements: number): number | null {
  const r = unicastAllocator(db, db.provisioners[0]!).allocate(elements);
  return r.ok ? r.range.address : null;
}

function add(db: Cdb, b: number, elements: number): number {
  const a = next(db, elements)!;
  addNode(db, { uuid: uuid(b), unicastAddress: a, elements, deviceKey: key(b), security: "secure", netKeyIndex: 0 });
  return a;
}

test("allocation from the database: two 3-element nodes get 0x0002-0x0004 and 0x0005-0x0007, never overlapping", () => {
  const db = net();
  assert.equal(add(db, 1, 3), 0x0002);
  assert.equal(add(db, 2, 3), 0x0005);
  assert.equal(add(db, 3, 1), 0x0008);
  assert.throws(() => addNode(db, { uuid: uuid(4), unicastAddress: 0x0006, elements: 1, deviceKey: key(4), security: "secure", netKeyIndex: 0 }), /overlap/);
  assert.throws(() => addNode(db, { uuid: uuid(1), unicastAddress: 0x0100, elements: 1, deviceKey: key(4), security: "secure", netKeyIndex: 0 }), /already holds a node/);
  // a range too small is refused
  db.provisioners[0]!.allocatedUnicastRange = [{ lowAddress: "0001", highAddress: "0009" }];
  assert.equal(next(db, 2), null);
  assert.equal(next(db, 1), 0x0009);
});

test("allocation: a removed node's addresses are excluded until the IV Index has moved on by 2 (networkExclusions)", () => {
  const db = net();
  const a = add(db, 1, 2);
  add(db, 2, 1);
  removeNode(db, findNode(db, "0x0002")!);
  assert.deepEqual(db.networkExclusions, [{ ivIndex: 0, addresses: ["0002", "0003"] }]);
  assert.equal(next(db, 2), 0x0005, "not reused at IV 0");
  db.ivIndex = 1;
  assert.equal(next(db, 2), 0x0005, "not reused at IV 1");
  db.ivIndex = 2;
  assert.equal(next(db, 2), a, "reused at IV 2");
  assert.deepEqual(schemaErrors(exportForm(db)), []);
});

test("schema: a new network and one with nodes pass; hand-broken fields are named", () => {
  const db = net();
  add(db, 1, 3);
  assert.deepEqual(schemaErrors(exportForm(db)), []);
  const cases: [(d: any) => void, RegExp][] = [
    [(d) => (d.nodes[1].unicastAddress = "0x0002"), /^nodes\[1\]\.unicastAddress: /],
    [(d) => (d.nodes[1].deviceKey = "00"), /^nodes\[1\]\.deviceKey: /],
    [(d) => (d.netKeys[0].key = "xyz"), /^netKeys\[0\]\.key: /],
    [(d) => (d.meshUUID = "not-a-uuid"), /^meshUUID: /],
    [(d) => delete d.provisioners, /provisioners/],
    [(d) => (d.nodes[1].elements[0].index = 5), /^nodes\[1\]\.elements\[0\]\.index: must be 0/],
    [(d) => (d.appKeys[0].boundNetKey = 7), /^appKeys\[0\]\.boundNetKey: no NetKey has index 7/],
    [(d) => (d.nodes[1].unicastAddress = "0001"), /^nodes\[1\]\.unicastAddress: its addresses overlap those of nodes\[0\]/],
    [(d) => (d.ivIndex = -1), /^ivIndex: /],
  ];
  for (const [breakIt, field] of cases) {
    const d = JSON.parse(JSON.stringify(db));
    breakIt(d);
    assert.throws(() => checkCdb(d), (e: unknown) => e instanceof CdbError && field.test(e.message), String(breakIt));
  }
});

test("a corrupt database: one line naming the field, exit 1, the file left as it was (meshprov nodes, provision, remove)", async () => {
  const { dir, done } = tempDir();
  try {
    const path = join(dir, "db.json");
    const db = net();
    add(db, 1, 1);
    const bad = JSON.parse(JSON.stringify(db));
    bad.nodes[1].unicastAddress = "ZZZZ";
    writeFileSync(path, JSON.stringify(bad));
    const before = readFileSync(path);
    for (const args of [["nodes"], ["remove", "0x0002"], ["provision", "00".repeat(16), "--air", "tcp:127.0.0.1:9"], ["export", join(dir, "x.json")]]) {
      const r = await meshprov([...args, "--db", path]);
      assert.equal(r.code, 1, args.join(" "));
      const lines = r.stderr.trim().split("\n");
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, /^meshprov: nodes\[1\]\.unicastAddress: .* \(in .*db\.json; it was left as it is\)$/);
      assert.deepEqual(readFileSync(path), before);
    }
    writeFileSync(path, "{\"nodes\": [");
    const r = await meshprov(["nodes", "--db", path]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^meshprov: .*db\.json is not valid JSON \(.*\); it was left as it is\n$/);
  } finally {
    done();
  }
});

test("crash safety: a writer killed (-9) at every point of a write leaves the old database or the new one, and the next writer goes on", () => {
  const { dir, done } = tempDir();
  try {
    const original = join(dir, "original.json");
    writeCdb(original, net());
    for (const step of ["temp-opened", "temp-written", "temp-synced", "renamed"]) {
      const path = join(dir, `${step}.json`);
      copyFileSync(original, path);
      const r = spawnSync(process.execPath, ["--import", "tsx", "host-tests/cdb/crash-writer.ts", path, step], { encoding: "utf8" });
      assert.equal(r.signal, "SIGKILL", `${step}: ${r.stderr}`);
      const after = readCdb(path); // a whole database, never half of one
      assert.equal(after.nodes.length, step === "renamed" ? 2 : 1, step);
      if (step !== "renamed") assert.deepEqual(readFileSync(path), readFileSync(original), step);
      assert.equal(statSync(path).mode & 0o777, 0o600);
      const temporaries = (): string[] => readdirSync(dir).filter((f) => f.startsWith(`.${step}.json.`) && f.endsWith(".tmp"));
      // killed before the rename: its temporary is left behind (a write that had finished leaves none)
      assert.equal(temporaries().length, step === "renamed" ? 0 : 1, `${step}: ${readdirSync(dir).join(" ")}`);
      // the dead writer's lock is stale: the next writer takes it over, and removes the dead writer's temporary
      const lock = CdbLock.acquire(path);
      assert.deepEqual(temporaries(), [], step);
      lock.release();
      // the next run of the command goes on over the same file
      const r2 = spawnSync(process.execPath, ["host/cli/meshprov.mjs", "nodes", "--db", path, "--json"], { encoding: "utf8" });
      assert.equal(r2.status, 0, r2.stderr);
    }
    // nothing but the databases is left: no temporary, no lock
    assert.ok(readdirSync(dir).every((f) => f.endsWith(".json")), readdirSync(dir).join(" "));
  } finally {
    done();
  }
});

test("a full disk during a write: the error surfaces, the database is untouched, no temporary is left", () => {
  const { dir, done } = tempDir();
  try {
    const path = join(dir, "db.json");
    writeCdb(path, net());
    const before = readFileSync(path);
    const db = readCdb(path);
    add(db, 1, 1);
    assert.throws(
      () =>
        writeCdb(path, db, (s) => {
          if (s === "temp-written") throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
        }),
      /ENOSPC/,
    );
    assert.deepEqual(readFileSync(path), before);
    assert.deepEqual(readdirSync(dir), ["db.json"]);
  } finally {
    done();
  }
});

test("the lock: a second writer is refused while the first lives", () => {
  const { dir, done } = tempDir();
  try {
    const path = join(dir, "db.json");
    writeCdb(path, net());
    // a live process (this test's parent) holds it
    writeFileSync(path + ".lock", `${process.ppid}\n`);
    assert.throws(() => CdbLock.acquire(path), (e: unknown) => e instanceof LockedError && new RegExp(`in use by another meshprov \\(pid ${process.ppid}\\)`).test(e.message));
  } finally {
    done();
  }
});
