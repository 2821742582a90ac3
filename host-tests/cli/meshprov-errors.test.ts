// meshprov's answers to a user's mistakes and to failed operations: one line (and a hint for a mistake), exit
// 2 for usage, 1 for a failed operation, never a stack trace.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { Proc, meshprov, startHub, tempDir } from "./helpers.js";
import { existsSync } from "node:fs";
import { VERBS, dispatch } from "../../host/cli/verbs.js";
import { UsageError } from "../../host/cli/args.js";

const U = "00112233445566778899aabbccddeeff";

describe("meshprov: user mistakes and failed operations", { concurrency: 4 }, () => {
  const { dir, done } = tempDir();
  const db = join(dir, "db.json");

  const usage: [string[], RegExp][] = [
    [["frob"], /^meshprov: unknown verb "frob"$/],
    [["--db", "x"], /^meshprov: a verb comes first, not "--db"$/],
    [["provision", U, "--air", "7000", "--bogus"], /^meshprov: unknown option --bogus$/],
    [["provision", "--air", "7000"], /^meshprov: which device\? meshprov provision UUID/],
    [["provision", "1234", "--air", "7000"], /^meshprov: the UUID must be 16 bytes of hex, not "1234"$/],
    [["provision", U], /^meshprov: --air ADDR is needed/],
    [["provision", U, "--air", "nowhere"], /^meshprov: --air must be tcp:HOST:PORT, HOST:PORT, PORT or unix:PATH, not "nowhere"$/],
    [["provision", U, "--air", "7000", "--links", "4"], /^meshprov: --links goes with --all$/],
    [["provision", "--all", "--air", "7000", "--links", "17"], /^meshprov: --links must be a whole number in 1\.\.16, not "17"$/],
    [["provision", U, "--air", "7000", "--alg", "sha"], /^meshprov: --alg must be auto, cmac or hmac, not "sha"$/],
    [["provision", U, "--air", "7000", "--size", "3"], /^meshprov: --action and --size need --oob output or --oob input$/],
    [["device", "--air", "7000"], /^meshprov: --kind light\|switch is needed$/],
    [["device", "--air", "7000", "--kind", "lamp"], /^meshprov: --kind must be light or switch, not "lamp"$/],
    [["hub", "--loss", "abc"], /^meshprov: --loss must be a number in 0\.\.1, not "abc"$/],
    [["nodes", "extra"], /^meshprov: unexpected argument "extra"$/],
    [["config"], /^meshprov: which node\? meshprov config NODE SUBCOMMAND/],
    [["config", "0x0002"], /^meshprov: what to configure\? \(composition, appkey add, bind/],
    [["config", "0x0002", "frob", "x"], /^meshprov: unknown config subcommand "frob x"$/],
    [["config", "0x0002", "bind", "0"], /^meshprov: config bind: 1 more argument\(s\) needed$/],
    [["config", "0x0002", "composition", "--ttl", "3"], /^meshprov: --ttl does not go with config composition$/],
    [["config", "0x0002", "ttl", "5", "--timeout", "0"], /^meshprov: --timeout must be a number in 0\.1\.\.600, not "0"$/],
    [["onoff", "0x0002", "toggle"], /^meshprov: on, off or get, not "toggle"$/],
    [["onoff", "C000", "get", "--tid", "3"], /^meshprov: --ack, --no-ack and --tid go with on and off$/],
    [["onoff", "C000", "on", "--tid", "256"], /^meshprov: --tid must be a whole number in 0\.\.255, not "256"$/],
    [["onoff", "C000", "on", "--ack", "--no-ack"], /^meshprov: --ack or --no-ack, not both$/],
  ];
  // Each mistake through the verb table in this process (the same code the command runs)...
  test("every mistake is a UsageError with its one line", async () => {
    for (const [args, message] of usage) {
      await assert.rejects(dispatch(args), (e: unknown) => e instanceof UsageError && message.test(`meshprov: ${e.message}`), args.join(" "));
    }
  });

  // ...and a few as processes: the shape a person sees (exit 2, the line, the hint naming the verb).
  for (const i of [0, 2, 8]) {
    const [args, message] = usage[i]!;
    test(`meshprov ${args.join(" ")}: exit 2, one line and a hint, no stack`, async () => {
      const r = await meshprov(args);
      assert.equal(r.code, 2, r.stderr);
      const lines = r.stderr.trim().split("\n");
      assert.equal(lines.length, 2, r.stderr);
      assert.match(lines[0]!, message);
      assert.equal(lines[1]!, VERBS[args[0]!] ? `run \`meshprov ${args[0]} --help\` for its options` : "run `meshprov --help` for the verbs");
    });
  }

  test("every verb has --help: its usage, exit 0", async () => {
    for (const [verb, v] of Object.entries(VERBS)) assert.match(v.usage, new RegExp(`^usage: meshprov ${verb}`), verb);
    for (const args of [["provision", "--help"], ["--help"]]) {
      const r = await meshprov(args);
      assert.equal(r.code, 0, args.join(" "));
      if (args[0] === "--help") for (const verb of Object.keys(VERBS)) assert.match(r.stdout, new RegExp(`^  ${verb} `, "m"));
      else assert.equal(r.stdout, VERBS.provision!.usage + "\n");
    }
  });

  test("failed operations: exit 1, one line", async () => {
    assert.equal((await meshprov(["init", "--db", db])).code, 0);
    const cases: [string[], RegExp][] = [
      [["init", "--db", db], /already exists/],
      [["provision", U, "--air", "tcp:127.0.0.1:9", "--db", db], /^meshprov: cannot reach the hub at tcp:127\.0\.0\.1:9: nothing listens there \(start one with `meshprov hub --listen tcp:127\.0\.0\.1:9`\)$/],
      [["scan", "--air", `unix:${join(dir, "no.sock")}`], /^meshprov: cannot reach the hub at unix:.*no\.sock: nothing listens there/],
      [["remove", "0x0123", "--db", db], /holds no node "0x0123"$/],
      [["nodes", "--db", join(dir, "none.json")], /none\.json does not exist: create a network with `meshprov init --db /],
      [["remove", "0x0002", "--db", join(dir, "nodir", "db.json")], /nodir\/db\.json does not exist: create a network with `meshprov init --db /],
      [["import", join(dir, "none.json"), "--db", db], /none\.json: no such file$/],
    ];
    for (const [args, message] of cases) {
      const r = await meshprov(args);
      assert.equal(r.code, 1, args.join(" ") + r.stderr);
      const lines = r.stderr.trim().split("\n");
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, message);
    }
  });

  test("a device that never beacons: exit 1 after --timeout, nothing stored", async () => {
    const d = join(dir, "db2.json");
    assert.equal((await meshprov(["init", "--db", d])).code, 0);
    const { hub, air } = await startHub(["--virtual"]);
    try {
      const r = await meshprov(["provision", U, "--air", air, "--db", d, "--timeout", "5"]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /^meshprov: no beacon from 00112233-4455-6677-8899-AABBCCDDEEFF was heard in 5 s/);
      const n = await meshprov(["nodes", "--db", d, "--json"]);
      assert.equal(n.stdout, "");
    } finally {
      hub.kill();
      await hub.exited;
    }
  });

  test("the hub goes away while the provisioner waits: exit 1, one line, the lock released", async () => {
    const d = join(dir, "db5.json");
    assert.equal((await meshprov(["init", "--db", d])).code, 0);
    const { hub, air } = await startHub();
    const p = new Proc(["provision", U, "--air", air, "--db", d, "--timeout", "600"]);
    await p.wait(/^provisioning /m);
    hub.kill("SIGINT");
    const end = await p.exited;
    assert.equal(end.code, 1, p.stderr);
    assert.equal(p.stderr, "meshprov: the hub closed the connection\n");
    assert.equal(existsSync(d + ".lock"), false);
  });

  test("import: a broken file is refused naming the field; an existing database is replaced only with --replace", async () => {
    const d = join(dir, "db3.json");
    assert.equal((await meshprov(["init", "--db", d])).code, 0);
    const out = join(dir, "exp.json");
    assert.equal((await meshprov(["export", out, "--db", d])).code, 0);
    const again = await meshprov(["import", out, "--db", d]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already holds a network: give --replace/);
    assert.equal((await meshprov(["import", out, "--db", d, "--replace"])).code, 0);
    const { writeFileSync, readFileSync } = await import("node:fs");
    const doc = JSON.parse(readFileSync(out, "utf8"));
    doc.netKeys[0].key = "00";
    writeFileSync(out, JSON.stringify(doc));
    const bad = await meshprov(["import", out, "--db", join(dir, "db4.json")]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^meshprov: .*exp\.json: netKeys\[0\]\.key: .* \(nothing imported\)$/m);
  });

  after(done);
});
