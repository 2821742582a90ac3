// The test runner itself (tools/test.mjs), fed fake suites (fake-suites.mjs): per-suite figures, the final line
// in tests, skipped tests and skipped suites counted, failures, runs where nothing ran, and CI=true.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const runner = fileURLToPath(new URL("../../tools/test.mjs", import.meta.url));
const fake = fileURLToPath(new URL("./fake-suites.mjs", import.meta.url));

function runTests(only: string[], ci = false, suitesFile: string | null = fake): { status: number | null; out: string; err: string } {
  const env = { ...process.env };
  delete env.CI;
  if (ci) env.CI = "true";
  const args = [runner, ...(suitesFile ? ["--suites", suitesFile] : []), "--only", only.join(",")];
  const r = spawnSync(process.execPath, args, { encoding: "utf8", env });
  return { status: r.status, out: r.stdout, err: r.stderr };
}
const summaryOf = (out: string) => out.slice(out.indexOf("=== summary"));
const finalLine = (out: string) => out.trimEnd().split("\n").at(-1);

test("each suite's own figures, then one final line in tests; skipped tests (skip and todo) are counted", () => {
  const r = runTests(["node-ok", "plain-ok", "exit-ok"]);
  assert.equal(r.status, 0, r.out + r.err);
  const s = summaryOf(r.out);
  assert.match(s, /^ok +node-ok: 3 passed, 0 failed, 3 skipped$/m);
  assert.match(s, /^ok +plain-ok: 3 passed, 0 failed, 1 skipped$/m);
  assert.match(s, /^ok +exit-ok: 1 passed, 0 failed, 0 skipped$/m);
  assert.equal(finalLine(r.out), "total: 7 passed, 0 failed, 4 skipped");
});

test("a suite skipped for a missing tool gets its own 'suite skipped' line and is not counted as tests", () => {
  const r = runTests(["node-clean", "missing-tool"]);
  assert.equal(r.status, 0, r.out + r.err);
  const s = summaryOf(r.out);
  assert.match(s, /^SKIPPED missing-tool: suite skipped \(missing meshprov-no-such-tool; install with: apt-get install nothing\)$/m);
  assert.match(s, /^!!! 1 suite\(s\) skipped, their tests not counted: missing-tool;/m);
  assert.equal(finalLine(r.out), "total: 4 passed, 0 failed, 0 skipped");
});

test("failing suites fail the run: failed tests, cancelled tests, a bare exit status, no figures, no such program", () => {
  for (const [name, line] of [
    ["plain-fail", /^FAILED +plain-fail: 1 passed, 1 failed, 0 skipped \(exit status 1\)$/m],
    ["exit-fail", /^FAILED +exit-fail: 0 passed, 1 failed, 0 skipped \(exit status 2\)$/m],
    ["node-cancelled", /^FAILED +node-cancelled: 1 passed, 2 failed, 0 skipped \(exit status 1\)$/m],
    ["status-only-fail", /^FAILED +status-only-fail: 2 passed, 1 failed, 0 skipped \(exit status 1\)$/m],
    ["no-figures", /^FAILED +no-figures: 0 passed, 0 failed, 0 skipped \(no test figures in its output\)$/m],
    ["not-a-program", /^FAILED +not-a-program: 0 passed, 1 failed, 0 skipped \(no test figures in its output; exit status 127\)$/m],
  ] as const) {
    const r = runTests(["node-clean", name]);
    assert.equal(r.status, 1, `${name}: ${r.out}`);
    assert.match(summaryOf(r.out), line, name);
  }
});

test("a run where nothing executed fails", () => {
  // An unknown suite name: one clear line, nothing run.
  for (const suitesFile of [fake, null]) {
    const r = runTests(["nosuch"], false, suitesFile);
    assert.equal(r.status, 1);
    assert.match(r.err, /^test: no suite named nosuch \(suites: /);
    assert.doesNotMatch(r.err, /at .*\.mjs:\d+/); // no stack trace
  }
  // Other command-line mistakes: one line each, no stack trace, nothing run.
  for (const args of [["--onyl", "host-tests"], ["--suites", "/nonexistent/suites.mjs"], ["--only"]]) {
    const bad = spawnSync(process.execPath, [runner, ...args], { encoding: "utf8" });
    assert.equal(bad.status, 1, args.join(" "));
    assert.match(bad.stderr, /^test: (unknown option --onyl|cannot load the suites from|--only needs a value)/, args.join(" "));
    assert.equal(bad.stderr.trim().split("\n").length, 1, bad.stderr);
    assert.equal(bad.stdout, "");
  }
  // Every suite skipped for a missing tool.
  let r = runTests(["missing-tool"]);
  assert.equal(r.status, 1, r.out);
  assert.match(summaryOf(r.out), /^!!! no test ran$/m);
  assert.equal(finalLine(r.out), "total: 0 passed, 0 failed, 0 skipped");
  // A suite that reports no test run, or only skipped ones, fails on its own even when others pass.
  r = runTests(["node-clean", "ran-nothing"]);
  assert.equal(r.status, 1, r.out);
  assert.match(summaryOf(r.out), /^FAILED +ran-nothing: 0 passed, 0 failed, 0 skipped \(no test ran\)$/m);
  r = runTests(["all-skipped"]);
  assert.equal(r.status, 1, r.out);
  assert.match(summaryOf(r.out), /^FAILED +all-skipped: 0 passed, 0 failed, 3 skipped \(no test ran\)$/m);
});

test("under CI=true a skipped suite or a skipped test is a failure; without skips CI passes", () => {
  let r = runTests(["node-clean", "missing-tool"], true);
  assert.equal(r.status, 1, r.out);
  assert.match(summaryOf(r.out), /^FAILED +missing-tool: suite skipped under CI \(missing meshprov-no-such-tool;/m);
  r = runTests(["node-clean", "node-ok"], true);
  assert.equal(r.status, 1, r.out);
  assert.match(summaryOf(r.out), /^FAILED +node-ok: 3 passed, 0 failed, 3 skipped \(3 skipped under CI\)$/m);
  assert.match(summaryOf(r.out), /^!!! 3 test\(s\) skipped under CI: a failure$/m);
  assert.equal(finalLine(r.out), "total: 7 passed, 0 failed, 3 skipped");
  r = runTests(["node-clean", "exit-ok"], true);
  assert.equal(r.status, 0, r.out);
  assert.equal(finalLine(r.out), "total: 5 passed, 0 failed, 0 skipped");
});
