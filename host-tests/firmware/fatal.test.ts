/**
 * Fatal engine errors (issue 8 item 12): fxAbort is defined once (native/xs/common/xsr_run.c) and gives one exit
 * status on every platform, XSR_EXIT_FATAL = 7 (the twin's faults are 3 and 4; before, the host's xsrun exited 3
 * and the devices 7). Checked on the host runtime; the twin's exit status is the same code path
 * (xsrPlatformExit). Needs a C compiler (skipped otherwise, like the XS runtime's tests).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { prepare, skipReason } from "../xs/xs-harness.js";

const skip = skipReason();

test("fatal engine errors exit 7 with one line naming the cause; an unhandled exception exits 1", { skip }, async () => {
  const xs = await prepare();
  const dir = mkdtempSync(join(tmpdir(), "fatal-"));
  try {
    const run = (name: string, source: string, ...options: string[]) => {
      writeFileSync(join(dir, name), source);
      return spawnSync(xs.xsrun, ["--source", ...options, dir, name.replace(/\.js$/, "")], { encoding: "utf8" });
    };
    const memory = run("memory.js", "const a = [];\nfor (;;) a.push({ a });\n", "--memory-limit", "400000");
    assert.equal(memory.status, 7, memory.stderr);
    assert.match(memory.stderr, /^xsrun: fatal: not enough memory \(raise the creation's heap sizes\)$/m);
    const stack = run("stack.js", "function f() { return f() + 1; }\nf();\n");
    assert.equal(stack.status, 7, stack.stderr);
    assert.match(stack.stderr, /^xsrun: fatal: stack overflow$/m);
    const thrown = run("thrown.js", "throw new TypeError(\"no\");\n");
    assert.equal(thrown.status, 1, thrown.stderr);
    assert.doesNotMatch(thrown.stderr, /fatal/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
