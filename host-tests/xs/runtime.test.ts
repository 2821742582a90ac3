/**
 * The XS host runtime (build/xs/host/xsrun) and bytecode compiler (xsbc): hello world from bytecode,
 * module names, promise jobs and timers, natives given bad arguments (a JS exception, never a crash),
 * storage, and the failures (uncaught exception, unhandled rejection, missing module, unlinked host
 * function, syntax error). The runtime is built on first use and cached in build/; without a C
 * compiler every test is skipped with the reason.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { compile, prepare, prepareSanitized, runFixture, scratch, skipReason } from "./xs-harness.js";

const skip = skipReason();

test("hello world runs from bytecode (DIR ENTRY and FILE.xsb forms)", { skip }, async () => {
  const r = await runFixture("hello");
  assert.equal(r.stderr, "");
  assert.equal(r.status, 0);
  assert.equal(r.stdout, "hello, world\nfrom a promise job\n");

  // FILE.xsb: the file's directory is the module root, its base name the entry
  const b = await prepare();
  const dir = scratch("hello-file");
  writeFileSync(join(dir, "main.js"), 'import { hello } from "./lib.js";\nhello();\n');
  writeFileSync(join(dir, "lib.js"), 'function trace(t) @ "xs_trace";\nexport function hello() { trace("hello from main.xsb\\n"); }\n');
  for (const m of ["main", "lib"]) assert.equal((await compile(join(dir, m + ".js"), join(dir, m + ".xsb"))).status, 0);
  const r2 = spawnSync(b.xsrun, [join(dir, "main.xsb")], { encoding: "utf8" });
  assert.equal(r2.status, 0, r2.stderr);
  assert.equal(r2.stdout, "hello from main.xsb\n");
});

test("xsbc records host functions and writes an XS_B binary", { skip }, async () => {
  const dir = scratch("xsbc");
  writeFileSync(join(dir, "natives.js"), 'export function a(x, y) @ "xs_a";\nfunction b() @ "xs_b";\nexport { b };\n');
  const r = await compile(join(dir, "natives.js"), join(dir, "natives.xsb"), ["--hosts"]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, "xs_a 2\nxs_b 0\n");
  const bytes = readFileSync(join(dir, "natives.xsb"));
  assert.equal(bytes.readUInt32BE(0), bytes.length);
  assert.equal(bytes.subarray(4, 8).toString("latin1"), "XS_B");
  assert.equal(bytes.subarray(12, 16).toString("latin1"), "VERS");
  assert.deepEqual([...bytes.subarray(16, 18)], [13, 3]); // XS 13.3
  assert.ok(bytes.includes(Buffer.from("HOST")) && bytes.includes(Buffer.from("CODE")) && bytes.includes(Buffer.from("SYMB")));
});

test("xsbc reports a syntax error with the file and line, and writes nothing", { skip }, async () => {
  const dir = scratch("syntax");
  writeFileSync(join(dir, "bad.js"), "export const ok = 1;\nlet = = 2;\n");
  const r = await compile(join(dir, "bad.js"), join(dir, "bad.xsb"));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /bad\.js:2: error/);
  assert.ok(!existsSync(join(dir, "bad.xsb")));
  // an incomplete host-function declaration is a syntax error too
  writeFileSync(join(dir, "bad2.js"), "function f() @ ;\n");
  assert.equal((await compile(join(dir, "bad2.js"), join(dir, "bad2.xsb"))).status, 1);
});

test("module names: ./ and ../ specifiers resolve against the importer's name; config module; import.meta", { skip }, async () => {
  const r = await runFixture("resolve");
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), {
    hex: "0102ff",
    deviceKind: "light",
    same: true,
    meta: "host-tests/xs/fixtures/resolve",
  });
});

test("promise jobs run before timers; timers fire in due order; clear, interval, NaN delay", { skip }, async () => {
  const r = await runFixture("timers");
  assert.equal(r.status, 0, r.stderr);
  const events: string[] = JSON.parse(r.stdout);
  const timers = events.filter((e) => !e.startsWith("interval-") && e !== "nan-delay");
  assert.deepEqual(timers, [
    "sync-start",
    "string-callback:TypeError",
    "sync-end",
    "micro-1",
    "micro-2",
    "timeout-0",
    "micro-in-timeout-0",
    "timeout-10",
    "clock-15",
    "timeout-20",
    "resolved-later",
    "monotonic:true",
  ]);
  assert.deepEqual(events.filter((e) => e.startsWith("interval-")), ["interval-1", "interval-2", "interval-3"]);
  // the NaN-delay timer was set after timeout-0 with delay 0: it fires right after it (and its job)
  assert.equal(events.indexOf("nan-delay"), events.indexOf("micro-in-timeout-0") + 1);
  assert.ok(!events.some((e) => e.endsWith("!")), "a cleared timer fired");
});

test("sys.exit ends the run loop with the status; later timers do not run", { skip }, async () => {
  const r = await runFixture("exit-code", ["7"]);
  assert.equal(r.status, 7);
  assert.equal(r.stdout, "exiting with 7\n");
});

const EXPECTED_ERRORS: Record<string, string> = {
  "aes128()": "TypeError",
  "aes128(key)": "TypeError",
  "aes128(string, block)": "TypeError",
  "aes128(key15, block)": "RangeError",
  "aes128(key17, block)": "RangeError",
  "aes128(key, block0)": "RangeError",
  "aes128(Uint16Array, block)": "TypeError",
  "aes128(Uint8ClampedArray, block)": "TypeError",
  "aes128(ArrayBuffer, block)": "TypeError",
  "aes128(DataView, block)": "TypeError",
  "aes128(array, block)": "TypeError",
  "aes128(null, block)": "TypeError",
  "aes128(object, block)": "TypeError",
  "aes128(subarray view)": "ok:bytes16",
  "aesCmac(key, 5000)": "RangeError",
  "aesCmac(key, number)": "TypeError",
  "aesCcmEncrypt(nonce12)": "RangeError",
  "aesCcmEncrypt(mic 5)": "RangeError",
  "aesCcmEncrypt(mic '4')": "TypeError",
  "aesCcmEncrypt(mic 4.5)": "RangeError",
  "aesCcmEncrypt(mic NaN)": "RangeError",
  "aesCcmEncrypt(aad string)": "TypeError",
  "aesCcmEncrypt(3 args)": "TypeError",
  "aesCcmDecrypt(short)": "RangeError",
  "sha256(null)": "TypeError",
  "sha256(5000)": "RangeError",
  "hmacSha256(key, string)": "TypeError",
  "p256ValidatePublicKey(63)": "RangeError",
  "p256ValidatePublicKey(zeros)": "ok:false",
  "p256ValidatePublicKey(valid)": "ok:true",
  "p256Ecdh(priv31, pub)": "RangeError",
  "p256Ecdh(priv, zeros)": "RangeError",
  "p256Ecdh(zero priv, pub)": "RangeError",
  "p256Ecdh(n, pub)": "RangeError",
  "randomBytes(-1)": "RangeError",
  "randomBytes(1.5)": "RangeError",
  "randomBytes('3')": "TypeError",
  "randomBytes(2^21)": "RangeError",
  "randomBytes(Infinity)": "RangeError",
  "randomBytes(0)": "ok:bytes0",
  "randomBytes(33)": "ok:bytes33",
  "storage.read(5)": "TypeError",
  "storage.read('')": "RangeError",
  "storage.read('a b')": "RangeError",
  "storage.read(65 chars)": "RangeError",
  "storage.write('k', string)": "TypeError",
  "storage.write('k', 5000)": "RangeError",
  "trace(5)": "TypeError",
  "log('fatal', ...)": "RangeError",
  "log('info', 5, ...)": "TypeError",
  "setTimeout(string)": "TypeError",
  "setTimeout(f, string)": "TypeError",
  "sys.exit(300)": "RangeError",
  "sys.exit('0')": "TypeError",
  "xsCrypto.aes128(key15)": "CryptoError",
  "xsCrypto.p256Ecdh(zeros)": "CryptoError",
  "xsCrypto.p256ValidatePublicKey(string)": "ok:false",
  "xsCrypto.randomBytes(-1)": "CryptoError",
};

function checkBadArgs(stdout: string): void {
  const [json, done] = stdout.split("\n");
  assert.equal(done, "done");
  const got = Object.fromEntries(JSON.parse(json!) as [string, string][]);
  assert.deepEqual(got, EXPECTED_ERRORS);
}

test("natives given bad arguments throw TypeError/RangeError that the script catches; the engine does not crash", { skip }, async () => {
  const storage = join(scratch("bad-args"), "storage.bin");
  const r = await runFixture("bad-args", [], { storage });
  assert.equal(r.signal, null);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, "");
  checkBadArgs(r.stdout);
});

test("natives given bad arguments: the same under AddressSanitizer and UBSan, with no report", { skip }, async () => {
  const xsrun = await prepareSanitized();
  const storage = join(scratch("bad-args-san"), "storage.bin");
  const r = await runFixture("bad-args", [], { storage, xsrun });
  assert.equal(r.signal, null);
  assert.doesNotMatch(r.stderr, /AddressSanitizer|runtime error|LeakSanitizer/, r.stderr);
  assert.equal(r.status, 0, r.stderr);
  checkBadArgs(r.stdout);
});

test("storage: values persist across runs, writes replace, remove deletes; bad keys are errors", { skip }, async () => {
  const dir = scratch("storage");
  const storage = join(dir, "storage.bin");
  const ops = (list: unknown[]) => JSON.stringify(list);
  let r = await runFixture(
    "storage",
    [ops([["read", "prov/devkey"], ["write", "prov/devkey", "00112233"], ["write", "iv", "0a"], ["write", "empty", ""], ["read", "prov/devkey"]])],
    { storage },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), [null, "ok", "ok", "ok", "00112233"]);
  r = await runFixture(
    "storage",
    [ops([["read", "prov/devkey"], ["read", "empty"], ["write", "prov/devkey", "ff"], ["remove", "iv"], ["remove", "never"], ["read", "iv"], ["read", "bad key!"]])],
    { storage },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), ["00112233", "", "ok", "ok", "ok", null, "RangeError: storage: key has a character outside [A-Za-z0-9_.-/]"]);
  r = await runFixture("storage", [ops([["read", "prov/devkey"], ["read", "empty"]])], { storage });
  assert.deepEqual(JSON.parse(r.stdout), ["ff", ""]);
  assert.ok(!existsSync(storage + ".tmp"));
  // a corrupt file is reported as an error to the script, not a crash
  writeFileSync(storage, "not a storage file");
  r = await runFixture("storage", [ops([["read", "prov/devkey"]])], { storage });
  assert.equal(r.status, 0, r.stderr);
  assert.match(JSON.parse(r.stdout)[0], /^Error: storage: .* is unreadable or corrupt$/);
});

test("an uncaught exception, an unhandled rejection, a missing module, an unlinked host function: exit 1 with the reason", { skip }, async () => {
  const cases: [string, RegExp][] = [
    ["throw-top", /import failed: TypeError: thrown at the top level/],
    ["reject", /unhandled rejection: Error: nobody handles this rejection/],
    ["missing-import", /ReferenceError: module "\.\/does-not-exist\.js" not found/],
    ["unlinked-host", /ReferenceError: host function "xs_not_linked_anywhere" is not linked into this runtime/],
  ];
  for (const [name, message] of cases) {
    const r = await runFixture(name);
    assert.equal(r.signal, null, name);
    assert.equal(r.status, 1, name + ": " + r.stderr);
    assert.match(r.stderr, message, name);
  }
});

test("xsrun: usage errors exit 2; a corrupt .xsb is an error, not a crash", { skip }, async () => {
  const b = await prepare();
  assert.equal(spawnSync(b.xsrun, [], { encoding: "utf8" }).status, 2);
  assert.equal(spawnSync(b.xsrun, ["--creation", "nope=1", "x.xsb"], { encoding: "utf8" }).status, 2);
  const dir = scratch("corrupt");
  const good = join(dir, "good.xsb");
  writeFileSync(join(dir, "good.js"), 'function trace(t) @ "xs_trace";\ntrace("fine\\n");\n');
  assert.equal((await compile(join(dir, "good.js"), good)).status, 0);
  const bytes = readFileSync(good);
  const variants: [string, Uint8Array][] = [
    ["truncated", bytes.subarray(0, bytes.length - 5)],
    ["garbage", new Uint8Array(64).fill(0x41)],
    ["empty", new Uint8Array(0)],
  ];
  for (const [name, data] of variants) {
    writeFileSync(join(dir, name + ".xsb"), data);
    const r = spawnSync(b.xsrun, [join(dir, name + ".xsb")], { encoding: "utf8" });
    assert.equal(r.signal, null, name);
    assert.equal(r.status, 1, name + ": " + r.stderr);
    assert.match(r.stderr, /not an XS binary|corrupt/, name);
  }
  const r = spawnSync(b.xsrun, [good], { encoding: "utf8" });
  assert.equal(r.stdout, "fine\n");
});
