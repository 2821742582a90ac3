// Differential tests of the native crypto module (native/crypto, through crypto_cli built with
// sanitizers) against node:crypto (OpenSSL) and @noble/*, on several hundred pseudo-random inputs
// per primitive: random lengths including 0, empty AAD, 4- and 8-byte MICs, tampered and truncated
// CCM inputs, streamed input in random chunk sizes, and argument errors.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createCipheriv, createHash, createHmac } from "node:crypto";
import { cmac } from "@noble/ciphers/aes.js";
import { p256 } from "@noble/curves/nist.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { buildCli, fromHex, runCli, seededBytes, toHex } from "./crypto-cli.js";

const SEED = 0x5eed1234;
const rnd = seededBytes(SEED);
const rndInt = (n: number): number => {
  const b = rnd(4);
  return (((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0) % n;
};

/** A length in [0, max], biased to include 0 and block boundaries. */
function randomLength(i: number, max: number): number {
  if (i % 17 === 0) return 0;
  if (i % 11 === 0) return Math.min(max, 16 * (1 + rndInt(4)));
  return rndInt(max + 1);
}

function nodeAes(key: Uint8Array, block: Uint8Array): string {
  const c = createCipheriv("aes-128-ecb", key, null);
  c.setAutoPadding(false);
  return toHex(new Uint8Array(c.update(block)));
}

function nodeCcm(key: Uint8Array, nonce: Uint8Array, mic: number, aad: Uint8Array, pt: Uint8Array): string {
  const c = createCipheriv("aes-128-ccm", key, nonce, { authTagLength: mic });
  c.setAAD(aad, { plaintextLength: pt.length });
  const body = c.update(pt);
  const tail = c.final();
  const out = new Uint8Array(body.length + tail.length + mic);
  out.set(body);
  out.set(tail, body.length);
  out.set(c.getAuthTag(), body.length + tail.length);
  return toHex(out);
}

let skip: string | null = null;

describe(`native crypto CLI against node:crypto and @noble (seed ${SEED.toString(16)})`, () => {
  before(() => {
    skip = buildCli();
    if (skip) process.stdout.write(`# SKIP native crypto differential tests: ${skip}\n`);
  });

  test("AES-128 (configured backend and expanded key) == node aes-128-ecb, 500 random key/blocks", (t) => {
    if (skip) return t.skip(skip);
    const cases = Array.from({ length: 500 }, () => ({ key: rnd(16), block: rnd(16) }));
    const lines = cases.flatMap(({ key, block }) => [`aes128 ${toHex(key)} ${toHex(block)}`, `aes128_expanded ${toHex(key)} ${toHex(block)}`]);
    const out = runCli(lines);
    cases.forEach(({ key, block }, i) => {
      const want = nodeAes(key, block);
      assert.equal(out[2 * i], want, `aes128 key ${toHex(key)} block ${toHex(block)}`);
      assert.equal(out[2 * i + 1], want, `aes128_expanded key ${toHex(key)}`);
    });
  });

  test("AES-128 two blocks per call (aes128_encrypt2_expanded) == node aes-128-ecb, 300 random pairs", (t) => {
    if (skip) return t.skip(skip);
    const cases = Array.from({ length: 300 }, () => ({ key: rnd(16), b0: rnd(16), b1: rnd(16) }));
    const out = runCli(cases.map(({ key, b0, b1 }) => `aes128_2 ${toHex(key)} ${toHex(b0)} ${toHex(b1)}`));
    cases.forEach(({ key, b0, b1 }, i) => assert.equal(out[i], nodeAes(key, b0) + nodeAes(key, b1), `key ${toHex(key)}`));
  });

  test("AES-CMAC == @noble/ciphers cmac, 400 random messages (0..200 bytes), one-shot and streamed", (t) => {
    if (skip) return t.skip(skip);
    const cases = Array.from({ length: 400 }, (_, i) => ({ key: rnd(16), msg: rnd(randomLength(i, 200)), chunk: 1 + rndInt(40) }));
    const lines = cases.flatMap(({ key, msg, chunk }) => [`cmac ${toHex(key)} ${toHex(msg)}`, `cmac_stream ${toHex(key)} ${toHex(msg)} ${chunk}`]);
    const out = runCli(lines);
    cases.forEach(({ key, msg }, i) => {
      const want = toHex(cmac(msg, key));
      assert.equal(out[2 * i], want, `cmac len ${msg.length}`);
      assert.equal(out[2 * i + 1], want, `cmac_stream len ${msg.length}`);
    });
  });

  test("AES-CCM encrypt == node aes-128-ccm, 400 random (payload 0..100, AAD empty or 1..64, MIC 4 and 8)", (t) => {
    if (skip) return t.skip(skip);
    const cases = Array.from({ length: 400 }, (_, i) => ({
      key: rnd(16),
      nonce: rnd(13),
      mic: i % 2 ? 8 : 4,
      aad: i % 3 === 0 ? new Uint8Array(0) : rnd(1 + rndInt(64)),
      pt: rnd(randomLength(i, 100)),
    }));
    const out = runCli(cases.map(({ key, nonce, mic, aad, pt }) => `ccm_enc ${toHex(key)} ${toHex(nonce)} ${mic} ${toHex(aad)} ${toHex(pt)}`));
    cases.forEach(({ key, nonce, mic, aad, pt }, i) => {
      assert.equal(out[i], nodeCcm(key, nonce, mic, aad, pt), `ccm_enc case ${i} pt ${pt.length} aad ${aad.length} mic ${mic}`);
    });
  });

  test("AES-CCM decrypt: node's output decrypts; tampered, truncated or wrong-nonce input fails without output", (t) => {
    if (skip) return t.skip(skip);
    const lines: string[] = [];
    const expect: string[] = [];
    for (let i = 0; i < 300; i++) {
      const key = rnd(16), nonce = rnd(13), mic = i % 2 ? 8 : 4;
      const aad = i % 3 === 0 ? new Uint8Array(0) : rnd(1 + rndInt(40));
      const pt = rnd(randomLength(i, 80));
      const ct = fromHex(nodeCcm(key, nonce, mic, aad, pt));
      const head = `ccm_dec ${toHex(key)} ${toHex(nonce)} ${mic} ${toHex(aad)}`;
      lines.push(`${head} ${toHex(ct)}`);
      expect.push(toHex(pt));
      // one flipped bit anywhere in ciphertext || MIC
      const bad = ct.slice();
      bad[rndInt(bad.length)] ^= 1 << rndInt(8);
      lines.push(`${head} ${toHex(bad)}`);
      expect.push("ERR -3");
      // truncated by one byte (still >= MIC length: authentication failure; shorter: length error)
      lines.push(`${head} ${toHex(ct.subarray(0, ct.length - 1))}`);
      expect.push(ct.length - 1 >= mic ? "ERR -3" : "ERR -2");
      // AAD changed (or added when there was none)
      const aad2 = aad.length ? aad.slice() : new Uint8Array([0]);
      aad2[0] ^= 0x80;
      lines.push(`ccm_dec ${toHex(key)} ${toHex(nonce)} ${mic} ${toHex(aad2)} ${toHex(ct)}`);
      expect.push("ERR -3");
      // other nonce
      const n2 = nonce.slice();
      n2[12] ^= 1;
      lines.push(`ccm_dec ${toHex(key)} ${toHex(n2)} ${mic} ${toHex(aad)} ${toHex(ct)}`);
      expect.push("ERR -3");
    }
    const out = runCli(lines);
    out.forEach((o, i) => assert.equal(o, expect[i], lines[i].slice(0, 120)));
  });

  test("AES-CCM argument errors", (t) => {
    if (skip) return t.skip(skip);
    const k = toHex(rnd(16)), n = toHex(rnd(13));
    const out = runCli([
      `ccm_enc ${k} ${n} 3 - 00`, // odd MIC
      `ccm_enc ${k} ${n} 18 - 00`, // MIC too long
      `ccm_enc ${k} ${n} 2 - 00`, // MIC too short
      `ccm_dec ${k} ${n} 8 - 0011`, // shorter than the MIC
      `ccm_enc ${k} ${toHex(rnd(12))} 4 - 00`, // 12-byte nonce
      `ccm_enc ${toHex(rnd(15))} ${n} 4 - 00`, // 15-byte key
      `ccm_enc ${k} ${n} 4 - ${"00".repeat(65536)}`, // payload over 65535 bytes
      `ccm_enc ${k} ${n} 4 - 0g`, // bad hex
      `ccm_enc ${k} ${n} 4 -`, // missing argument
    ]);
    assert.deepEqual(out, ["ERR -2", "ERR -2", "ERR -2", "ERR -2", "ERR -2", "ERR -2", "ERR -2", "ERR hex", "ERR usage"]);
    // The largest payload works and matches node.
    const key = rnd(16), nonce = rnd(13), pt = rnd(65535);
    const [big] = runCli([`ccm_enc ${toHex(key)} ${toHex(nonce)} 4 - ${toHex(pt)}`]);
    assert.equal(big, nodeCcm(key, nonce, 4, new Uint8Array(0), pt));
  });

  test("SHA-256 == node:crypto and @noble/hashes, 400 random messages (0..300 bytes), one-shot and streamed", (t) => {
    if (skip) return t.skip(skip);
    const cases = Array.from({ length: 400 }, (_, i) => ({ msg: rnd(i < 80 ? i : randomLength(i, 300)), chunk: 1 + rndInt(100) }));
    const out = runCli(cases.flatMap(({ msg, chunk }) => [`sha256 ${toHex(msg)}`, `sha256_stream ${toHex(msg)} ${chunk}`]));
    cases.forEach(({ msg }, i) => {
      const want = createHash("sha256").update(msg).digest("hex");
      assert.equal(out[2 * i], want, `sha256 len ${msg.length}`);
      assert.equal(out[2 * i + 1], want, `sha256_stream len ${msg.length}`);
      if (i % 10 === 0) assert.equal(toHex(sha256(msg)), want);
    });
  });

  test("SHA-256 of 100 kB and 1 MB inputs; a line over the CLI's 2 MiB limit is refused", (t) => {
    if (skip) return t.skip(skip);
    const a = rnd(100_000), b = rnd(1_000_000);
    const out = runCli([`sha256 ${toHex(a)}`, `sha256_stream ${toHex(b)} 4099`, `sha256 ${"00".repeat(1 << 20)}`, "sha256 616263"]);
    assert.equal(out[0], createHash("sha256").update(a).digest("hex"));
    assert.equal(out[1], createHash("sha256").update(b).digest("hex"));
    assert.equal(out[2], "ERR line-too-long");
    assert.equal(out[3], createHash("sha256").update("abc").digest("hex"));
  });

  test("HMAC-SHA256 == node:crypto, 400 random keys (0..150 bytes) and messages (0..300 bytes)", (t) => {
    if (skip) return t.skip(skip);
    const cases = Array.from({ length: 400 }, (_, i) => ({ key: rnd(randomLength(i + 3, 150)), msg: rnd(randomLength(i, 300)), chunk: 1 + rndInt(70) }));
    const out = runCli(cases.flatMap(({ key, msg, chunk }) => [`hmac ${toHex(key)} ${toHex(msg)}`, `hmac_stream ${toHex(key)} ${toHex(msg)} ${chunk}`]));
    cases.forEach(({ key, msg }, i) => {
      const want = createHmac("sha256", key).update(msg).digest("hex");
      assert.equal(out[2 * i], want, `hmac key ${key.length} msg ${msg.length}`);
      assert.equal(out[2 * i + 1], want, `hmac_stream key ${key.length} msg ${msg.length}`);
    });
  });

  test("malformed lines get an error line, not a crash", (t) => {
    if (skip) return t.skip(skip);
    const out = runCli(["", "nosuchop 00", "aes128 00", "aes128 0011 2233", "aes128 xyz 00", "sha256 abc", "cmac_stream 00 00 0"]);
    assert.deepEqual(out, ["ERR usage", "ERR unknown-op", "ERR usage", "ERR -2", "ERR hex", "ERR hex", "ERR -2"]);
  });

  test("P-256 ops (compiled in when native/crypto/p256.c exists) == @noble/curves", (t) => {
    if (skip) return t.skip(skip);
    const [probe] = runCli(["p256_valid " + "00".repeat(64)]);
    if (probe === "ERR unknown-op") return t.skip("p256.c not present: the CLI has no P-256 ops");
    const lines: string[] = [];
    const seeds = Array.from({ length: 60 }, () => rnd(1 + rndInt(40)));
    for (const s of seeds) lines.push(`p256_keygen_from_seed ${toHex(s)}`);
    const out = runCli(lines);
    const keys = out.map((o) => o.split(" "));
    keys.forEach(([priv, pub], i) => {
      assert.match(priv, /^[0-9a-f]{64}$/, `keygen ${i}: ${out[i]}`);
      assert.equal(pub, toHex(p256.getPublicKey(fromHex(priv), false).subarray(1)));
    });
    // Deterministic: the same seed gives the same key.
    assert.equal(runCli([lines[0]])[0], out[0]);
    const more: string[] = [];
    const want: string[] = [];
    for (let i = 0; i + 1 < keys.length; i += 2) {
      const [a] = keys[i], [, pubB] = keys[i + 1];
      more.push(`p256_pub ${a}`);
      want.push(keys[i][1]);
      more.push(`p256_ecdh ${a} ${pubB}`);
      want.push(toHex(p256.getSharedSecret(fromHex(a), fromHex("04" + pubB)).subarray(1)));
      more.push(`p256_valid ${pubB}`);
      want.push("0");
      const bad = fromHex(pubB);
      bad[63] ^= 1;
      more.push(`p256_valid ${toHex(bad)}`);
      want.push("INVALID");
    }
    const res = runCli(more);
    res.forEach((r, i) => {
      if (want[i] === "INVALID") assert.ok(Number(r) < 0, `${more[i].slice(0, 40)}: ${r}`);
      else assert.equal(r, want[i], more[i].slice(0, 60));
    });
  });
});
