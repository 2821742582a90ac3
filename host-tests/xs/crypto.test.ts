/**
 * Crypto on the XS runtime: modules/crypto/mesh.ts (MeshCrypto) running on XS with the native
 * primitives (native/xs/js/platform.js xsCrypto over native/xs/natives/crypto_xs.c) against the Mesh
 * Protocol 1.1 sample data (8.1.1 s1, 8.1.2 k1, 8.17.1/8.17.2 provisioning), then cross-checked with
 * node:crypto (host/node-crypto.ts) and @noble/curves on random inputs.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { p256 } from "@noble/curves/nist.js";
import { NodeCryptoPrimitives } from "../../host/node-crypto.js";
import { bytesToHex, hexToBytes } from "../../modules/crypto/bytes.js";
import { PROV_CMAC, PROV_COMMON, PROV_HMAC, SAMPLE_8_1 } from "../crypto/fixtures.js";
import { runFixture, skipReason } from "./xs-harness.js";

const skip = skipReason();

// Mesh Protocol 1.1 section 8 sample data (8.1.1, 8.1.2, 8.17.1 and 8.17.2), shared with the host crypto tests.
const TOOLBOX = {
  k1N: SAMPLE_8_1.k1.N,
  k1Salt: SAMPLE_8_1.k1.SALT,
  k1P: SAMPLE_8_1.k1.P,
};
const SAMPLE = { common: PROV_COMMON, cmac: PROV_CMAC, hmac: PROV_HMAC };

type Outputs = Record<string, unknown> & { features: string[] };

async function runCrypto(input: unknown): Promise<Outputs> {
  const r = await runFixture("crypto", [JSON.stringify(input)]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, "");
  return JSON.parse(r.stdout) as Outputs;
}

test("s1 and k1 on XS equal the Mesh sample data (8.1.1, 8.1.2)", { skip }, async () => {
  const out = await runCrypto({ toolbox: TOOLBOX });
  assert.equal(out.s1, SAMPLE_8_1.s1Test);
  assert.equal(out.k1, SAMPLE_8_1.k1.k1);
  // every primitive is native in this build (native/crypto): nothing falls back to the portable code
  assert.deepEqual([...out.features].sort(), ["aes128", "aesCcm", "aesCmac", "hmacSha256", "p256", "randomBytes", "sha256"]);
});

test("the provisioning crypto on XS equals the sample data (8.17.1 CMAC, 8.17.2 HMAC)", { skip }, async () => {
  const out = await runCrypto({ sample: SAMPLE });
  assert.equal(out.ecdhProv, SAMPLE.common.ECDHSecret);
  assert.equal(out.ecdhDev, SAMPLE.common.ECDHSecret);
  assert.equal(out.validProv, true);
  for (const alg of ["cmac", "hmac"] as const) {
    const v = SAMPLE[alg];
    assert.deepEqual(out[alg], {
      ConfirmationSalt: v.ConfirmationSalt,
      ConfirmationKey: v.ConfirmationKey,
      ConfProv: v.ConfProv,
      ConfDev: v.ConfDev,
      ProvisioningSalt: v.ProvisioningSalt,
      SessionKey: v.SessionKey,
      SessionNonce: v.SessionNonce,
      DeviceKey: v.DeviceKey,
      EncDataAndMic: v.EncData + v.MIC,
      Decrypted: SAMPLE.common.ProvData,
      Tampered: null,
    }, alg);
  }
});

test("XS primitives equal node:crypto on random inputs (AES, CMAC, CCM, SHA-256, HMAC, ECDH)", { skip }, async () => {
  const node = new NodeCryptoPrimitives();
  const cases = Array.from({ length: 24 }, (_, i) => {
    const peer = p256.utils.randomSecretKey();
    return {
      key: randomBytes(16).toString("hex"),
      block: randomBytes(16).toString("hex"),
      message: randomBytes([0, 1, 15, 16, 17, 31, 32, 33, 64, 100, 255, 300][i % 12]!).toString("hex"),
      nonce: randomBytes(13).toString("hex"),
      mic: i % 2 ? 8 : 4,
      aad: i % 3 === 0 ? null : randomBytes(i % 20).toString("hex"),
      privateKey: bytesToHex(p256.utils.randomSecretKey()),
      peerPublicKey: bytesToHex(p256.getPublicKey(peer, false).subarray(1)),
    };
  });
  const out = await runCrypto({ random: cases });
  const results = out.random as Record<string, string | null>[];
  assert.equal(results.length, cases.length);
  cases.forEach((c, i) => {
    const r = results[i]!;
    const h = hexToBytes;
    assert.equal(r.aes128, bytesToHex(node.aes128(h(c.key), h(c.block))), `aes128 #${i}`);
    assert.equal(r.aesCmac, bytesToHex(node.aesCmac(h(c.key), h(c.message))), `aesCmac #${i}`);
    const aad = c.aad === null ? undefined : h(c.aad);
    assert.equal(r.ccm, bytesToHex(node.aesCcmEncrypt(h(c.key), h(c.nonce), h(c.message), c.mic as 4 | 8, aad)), `ccm #${i}`);
    assert.equal(r.ccmBack, c.message, `ccm decrypt #${i}`);
    assert.equal(r.sha256, bytesToHex(node.sha256(h(c.message))), `sha256 #${i}`);
    assert.equal(r.hmacSha256, bytesToHex(node.hmacSha256(h(c.key), h(c.message))), `hmac #${i}`);
    assert.equal(r.ecdh, bytesToHex(node.p256Ecdh(h(c.privateKey), h(c.peerPublicKey))), `ecdh #${i}`);
  });
});

test("key pairs generated on XS are valid P-256 pairs (checked with @noble/curves); random bytes differ", { skip }, async () => {
  const out = await runCrypto({ keyPairs: 4 });
  const pairs = out.keyPairs as { privateKey: string; publicKey: string }[];
  assert.equal(pairs.length, 4);
  for (const kp of pairs) {
    assert.equal(kp.privateKey.length, 64);
    assert.equal(bytesToHex(p256.getPublicKey(hexToBytes(kp.privateKey), false).subarray(1)), kp.publicKey);
  }
  assert.equal(new Set(pairs.map((p) => p.privateKey)).size, 4);
  const [a, b] = out.random32 as string[];
  assert.equal(a!.length, 64);
  assert.notEqual(a, b);
});
