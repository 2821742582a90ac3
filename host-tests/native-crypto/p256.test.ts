// Differential test of native/crypto/p256.c against @noble/curves and node:crypto on random
// inputs. The C code is driven through native/crypto/test/test_p256_cli.c (built here with cc).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createECDH, randomBytes } from "node:crypto";
import { mkdirSync, renameSync } from "node:fs";
import { p256 } from "@noble/curves/nist.js";

const N = p256.Point.Fn.ORDER;
const P = p256.Point.Fp.ORDER;
const OUT = "build/p256/test_p256_cli_o2";

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const unhex = (s: string): Uint8Array => Uint8Array.from(s.match(/../g) ?? [], (x) => parseInt(x, 16));
const big32 = (v: bigint): string => v.toString(16).padStart(64, "0");
const rnd = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

/** Builds into a temporary name and renames, so concurrent runs never execute a half-written binary. */
function build(): void {
  mkdirSync("build/p256", { recursive: true });
  const tmp = `${OUT}.${process.pid}.tmp`;
  const r = spawnSync(
    "cc",
    ["-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-o", tmp, "native/crypto/test/test_p256_cli.c", "native/crypto/p256.c"],
    { encoding: "utf8" },
  );
  assert.equal(r.status, 0, `cc failed: ${r.stderr}`);
  renameSync(tmp, OUT);
}

/** Runs the CLI on the given command lines, returns one output line per command. */
function run(lines: string[]): string[] {
  const r = spawnSync(OUT, [], { input: lines.join("\n") + "\n", encoding: "utf8", maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  const out = r.stdout.trimEnd().split("\n");
  assert.equal(out.length, lines.length);
  return out;
}

/** x || y (64 bytes) of the uncompressed public key of priv, per noble. */
function noblePub(priv: Uint8Array): string {
  return hex(p256.getPublicKey(priv, false).subarray(1));
}

function nodePub(priv: Uint8Array): string {
  const e = createECDH("prime256v1");
  e.setPrivateKey(priv);
  return hex(new Uint8Array(e.getPublicKey()).subarray(1));
}

/** A private key in [1, n-1]: random, or close to the ends of the range. */
function randomPriv(i: number): Uint8Array {
  const r = BigInt("0x" + hex(rnd(32)));
  let k: bigint;
  if (i % 10 === 1) k = (r % 64n) + 1n;
  else if (i % 10 === 2) k = N - 1n - (r % 64n);
  else k = (r % (N - 1n)) + 1n;
  return unhex(big32(k));
}

test("p256 differential", async (t) => {
  build();

  await t.test("public_from_private matches noble and node:crypto (300 keys)", () => {
    const privs = Array.from({ length: 300 }, (_, i) => randomPriv(i));
    const out = run(privs.map((k) => `pub ${hex(k)}`));
    privs.forEach((k, i) => {
      const want = noblePub(k);
      assert.equal(out[i], `0 ${want}`, `priv ${hex(k)}`);
      assert.equal(nodePub(k), want);
    });
  });

  await t.test("ecdh matches noble and node:crypto (300 pairs)", () => {
    const cases = Array.from({ length: 300 }, (_, i) => ({ a: randomPriv(i), b: randomPriv(i + 5) }));
    const out = run(cases.map(({ a, b }) => `ecdh ${hex(a)} ${noblePub(b)}`));
    cases.forEach(({ a, b }, i) => {
      const want = hex(p256.getSharedSecret(a, p256.getPublicKey(b, false)).subarray(1));
      assert.equal(out[i], `0 ${want}`);
      const e = createECDH("prime256v1");
      e.setPrivateKey(a);
      const peer = new Uint8Array(65);
      peer[0] = 4;
      peer.set(unhex(noblePub(b)), 1);
      assert.equal(hex(new Uint8Array(e.computeSecret(peer))), want);
    });
  });

  await t.test("out-of-range scalars are rejected (100 values)", () => {
    const bad: bigint[] = [0n, N, N + 1n, (1n << 256n) - 1n, P];
    while (bad.length < 100) {
      const r = BigInt("0x" + hex(rnd(32)));
      if (r >= N) bad.push(r);
      else bad.push(N + (r % ((1n << 256n) - N)));
    }
    const peer = noblePub(randomPriv(0));
    const out = run(bad.flatMap((k) => [`pub ${big32(k)}`, `ecdh ${big32(k)} ${peer}`]));
    for (let i = 0; i < bad.length; i++) {
      assert.equal(out[2 * i], `-2 ${"0".repeat(128)}`, `k = ${bad[i]}`);
      assert.equal(out[2 * i + 1], `-2 ${"0".repeat(64)}`, `k = ${bad[i]}`);
    }
  });

  await t.test("point validation agrees with noble (random, perturbed and non-canonical points)", () => {
    const pts: string[] = [];
    for (let i = 0; i < 100; i++) pts.push(hex(rnd(64)));
    for (let i = 0; i < 100; i++) {
      const good = unhex(noblePub(randomPriv(i)));
      const j = i % 64;
      good[j] = (good[j] ?? 0) ^ (1 << (i % 8));
      pts.push(hex(good));
    }
    for (let i = 0; i < 50; i++) pts.push(noblePub(randomPriv(i)));
    // x or y replaced by p + small value: never canonical
    for (let i = 0; i < 20; i++) {
      const good = noblePub(randomPriv(i));
      const v = big32(P + BigInt(i));
      pts.push(i % 2 ? v + good.slice(64) : good.slice(0, 64) + v);
    }
    const out = run(pts.map((p) => `valid ${p}`));
    const peerPriv = randomPriv(3);
    const outEcdh = run(pts.map((p) => `ecdh ${hex(peerPriv)} ${p}`));
    pts.forEach((p, i) => {
      let ok = true;
      try {
        p256.Point.fromBytes(unhex("04" + p)).assertValidity();
      } catch {
        ok = false;
      }
      assert.equal(out[i], ok ? "0" : "-1", `point ${p}`);
      if (!ok) assert.equal(outEcdh[i], `-1 ${"0".repeat(64)}`);
      else assert.equal(outEcdh[i], `0 ${hex(p256.getSharedSecret(peerPriv, unhex("04" + p)).subarray(1))}`);
    });
  });

  await t.test("keygen: first valid draw, public key matches noble (50 seeds)", () => {
    const seeds = Array.from({ length: 50 }, (_, i) => {
      if (i === 0) return "ff".repeat(32) + hex(rnd(32)); // first draw >= n: rejected
      if (i === 1) return "00".repeat(32) + hex(rnd(32)); // first draw 0: rejected
      return hex(rnd(32));
    });
    const out = run(seeds.map((s) => `keygen ${s}`));
    seeds.forEach((s, i) => {
      const [rc, priv, pub] = (out[i] ?? "").split(" ");
      assert.equal(rc, "0");
      const expected = i < 2 ? s.slice(64) : s;
      assert.equal(priv, expected);
      assert.equal(pub, noblePub(unhex(expected)));
    });
  });
});
