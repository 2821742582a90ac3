/**
 * The XS host runtime's serial natives (native/xs/natives/host/serial_host.c) under AddressSanitizer and
 * UBSan: argument checks, 256 KB of random bytes echoed through file descriptor 3 in odd chunks, and the end
 * of the link.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import { compileModule } from "../../tools/xs/build-app.mjs";
import { ROOT, TEST_DIR, prepare, prepareSanitized, skipReason } from "../xs/xs-harness.js";
import { seededRandom } from "../../host/node-crypto.js";

const skip = skipReason();

test("serial natives: bad arguments throw, bytes echo through fd 3, the end is reported once (ASan/UBSan)", { skip, timeout: 900_000 }, async () => {
  const b = await prepare();
  const xsrun = await prepareSanitized();
  const name = "host-tests/serial/fixtures/serial-echo";
  const dir = join(TEST_DIR, "serial");
  compileModule(b.xsbc, join(ROOT, name + ".js"), join(dir, name + ".xsb"), name);
  const child = spawn(xsrun, ["-I", b.app, dir, name], {
    stdio: ["ignore", "pipe", "pipe", "pipe"],
    env: { ...process.env, ASAN_OPTIONS: "detect_leaks=0", UBSAN_OPTIONS: "print_stacktrace=1:halt_on_error=1" },
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  const fd3 = child.stdio[3] as unknown as Duplex;
  const echoed: Buffer[] = [];
  fd3.on("data", (d: Buffer) => echoed.push(d));
  while (!stdout.includes("ready\n")) {
    if (child.exitCode !== null) assert.fail("xsrun ended: " + stderr);
    await new Promise((r) => setTimeout(r, 20));
  }
  const rnd = seededRandom(5);
  const sent: Uint8Array[] = [];
  let total = 0;
  for (let n = 1; total < 256 * 1024; n = (n * 7 + 3) % 1500 || 1) {
    const chunk = rnd(n);
    sent.push(chunk);
    total += n;
    fd3.write(chunk);
  }
  const want = Buffer.concat(sent);
  while (Buffer.concat(echoed).length < want.length) {
    if (child.exitCode !== null) assert.fail("xsrun ended: " + stderr);
    await new Promise((r) => setTimeout(r, 20));
  }
  fd3.end();
  const code = await new Promise<number | null>((r) => child.once("exit", (c) => r(c)));
  assert.equal(stderr, "", "no sanitizer report");
  assert.equal(code, 0);
  assert.ok(Buffer.concat(echoed).equals(want), "every byte back, in order");
  const lines = stdout.trim().split("\n");
  assert.deepEqual(lines.slice(0, 6), ["TypeError", "TypeError", "TypeError", "TypeError", "TypeError", "TypeError"], "each bad argument throws");
  assert.equal(lines[6], "ready");
  assert.match(lines[7]!, /^end after \d+ chunks$/);
  assert.equal(lines.length, 8);
});
