// Issue 8, defect 8: the simulator's and the demo's command lines, run as processes as a new user would.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { parseArgs, int, num, choice, UsageError } from "../../host/cli/args.js";

function run(script: string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", script, ...args], { encoding: "utf8" }, (e, stdout, stderr) => {
      resolve({ status: e ? (typeof e.code === "number" ? e.code : null) : 0, stdout, stderr });
    });
  });
}

/** A user's mistake: exit 2, the error and one hint on two lines, no stack trace, no usage dump. */
function assertUsageError(r: { status: number | null; stdout: string; stderr: string }, message: RegExp): void {
  assert.equal(r.status, 2, r.stderr);
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 2, `one error line and one hint, got:\n${r.stderr}`);
  assert.match(lines[0]!, message);
  assert.match(lines[1]!, /--help/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
}

const SIM_MISTAKES: [string[], RegExp][] = [
  [["--loss", "abc"], /^sim: --loss must be a number in 0\.\.1, not "abc"$/],
  [["--seed", "x"], /^sim: --seed must be a whole number/],
  [["--alg", "sha"], /^sim: --alg must be cmac or hmac, not "sha"$/],
  [["--devices", "0"], /^sim: --devices must be a whole number in 1\.\.1000, not "0"$/],
  [["--devices", "2.5"], /^sim: --devices must be a whole number/],
  [["--devices", "-1"], /^sim: --devices must be a whole number/],
  [["--size", "3"], /^sim: --size needs --oob output or --oob input$/],
  [["--oob", "telepathy"], /^sim: --oob must be none, static, output or input/],
  [["--bogus"], /^sim: unknown option --bogus$/],
  [["--loss"], /^sim: --loss needs a value$/],
];

describe("sim: user mistakes", { concurrency: 4 }, () => {
  for (const [args, message] of SIM_MISTAKES) {
    test(`sim ${args.join(" ")}: one line, one hint, exit 2`, async () => assertUsageError(await run("host/sim.ts", args), message));
  }
});

const DEMO_MISTAKES: [string[], RegExp][] = [
  [["--loss", "abc"], /^demo: --loss must be a number/],
  [["--seed", "x"], /^demo: --seed must be a whole number/],
  [["--alg", "sha"], /^demo: --alg must be cmac or hmac, not "sha"$/],
];
describe("demo: user mistakes", { concurrency: 4 }, () => {
  for (const [args, message] of DEMO_MISTAKES) {
    test(`npm start -- ${args.join(" ")}: one line, one hint, exit 2`, async () => assertUsageError(await run("host/demo.ts", args), message));
  }
});

test("npm start -- --help and npm run sim -- --help print the usage and exit 0", async () => {
  for (const script of ["host/demo.ts", "host/sim.ts"]) {
    const r = await run(script, ["--help"]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^usage: npm (start|run sim)/);
    assert.equal(r.stderr, "");
  }
});

test("sim --silent 1: the silent device, never provisioned, shows no address and says why", async () => {
  const r = await run("host/sim.ts", ["--runtime", "node", "--devices", "1", "--silent", "1", "--seed", "3", "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
  const silent = rows.find((x) => x.name === "silent-1");
  assert.equal(silent.provisioned, false);
  assert.equal(silent.address, null);
  assert.match(silent.reason, /^given up after 3 attempt\(s\): .*link timeout.*\(the link closed: timeout\)$/);
  assert.equal(silent.attempts, 3, "tried again, with a limit");
  const light = rows.find((x) => x.name === "light-1");
  assert.equal(light.provisioned, true);
  assert.equal(light.reason, null);
  assert.equal(typeof light.address, "number");
});

test("sim --loss 1 --json: exit 1 and the reason is that no beacon was heard", async () => {
  const r = await run("host/sim.ts", ["--runtime", "node", "--devices", "1", "--loss", "1", "--limit", "5", "--json"]);
  assert.equal(r.status, 1, r.stderr);
  const row = JSON.parse(r.stdout.trim());
  assert.equal(row.provisioned, false);
  assert.equal(row.address, null);
  assert.equal(row.reason, "no Unprovisioned Device beacon was heard in 5 s");
});

test("demo: says the device key was received, not that it was stored (nothing stores it)", async () => {
  const r = await run("host/demo.ts", ["--loss", "0"]);
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /device key stored/);
  assert.match(r.stdout, /device key received \(kept in memory only\)/);
});

test("args: the shared parser's rules", () => {
  const p = parseArgs(["--a=1", "--b", "2", "-h", "pos"], { a: { type: "string" }, b: { type: "string" } }, 1);
  assert.deepEqual(p.positionals, ["pos"]);
  assert.equal(p.values.help, true);
  assert.equal(int(p, "a", 0, 0, 9), 1);
  assert.equal(num(p, "b", 0, 0, 9), 2);
  assert.throws(() => parseArgs(["x"], {}), UsageError);
  assert.throws(() => parseArgs(["--a", "1", "--a", "2"], { a: { type: "string" } }), /given twice/);
  for (const bad of ["1e", "0x10", "", " ", "Infinity", "NaN"]) {
    assert.throws(() => num(parseArgs(["--n", bad], { n: { type: "string" } }), "n", 0, -1e9, 1e9), UsageError, bad);
  }
  assert.throws(() => choice(parseArgs(["--c", "z"], { c: { type: "string" } }), "c", ["x", "y"], "x"), /must be x or y, not "z"/);
});
