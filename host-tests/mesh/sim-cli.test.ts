/** `npm run sim -- --network light-switch --presses N --json`: device lines, then one line per press. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "../../host/xs-device.js";

function sim(args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "host/sim.ts"), ...args], { cwd: ROOT, encoding: "utf8", timeout: 5 * 60_000 });
}

test("--network light-switch --presses 3 --json --runtime node: two device lines, then {press, lightOn, latencyMs} per press", () => {
  const r = sim(["--network", "light-switch", "--presses", "3", "--json", "--runtime", "node", "--seed", "9"]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(lines.length, 5);
  assert.deepEqual(lines.slice(0, 2).map((l) => [l.name, l.provisioned]), [["light", true], ["switch", true]]);
  const presses = lines.slice(2);
  assert.deepEqual(presses.map((p) => [p.press, p.lightOn]), [[1, true], [2, false], [3, true]]);
  for (const p of presses) assert.ok(typeof p.latencyMs === "number" && p.latencyMs >= 0 && p.latencyMs < 500);
  assert.deepEqual(Object.keys(presses[0]), ["press", "lightOn", "latencyMs"]);
});

test("a mistaken mesh command line is one clear line and exit 2", () => {
  for (const args of [["--network", "mesh-of-doom"], ["--network", "light-switch", "--presses", "-1"], ["--network", "light-switch", "--bogus"]]) {
    const r = sim(args);
    assert.equal(r.status, 2, args.join(" "));
    assert.match(r.stderr.split("\n")[0]!, /^sim: /);
    assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
  }
});
