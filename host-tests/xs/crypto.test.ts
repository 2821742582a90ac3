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
import { runFixture, skipReason } from "./xs-harness.js";

const skip = skipReason();

// Mesh Protocol 1.1 section 8 sample data (copied from the spec's 8.1.1, 8.1.2, 8.17.1 and 8.17.2).
const TOOLBOX = {
  k1N: "3216d1509884b533248541792b877f98",
  k1Salt: "2ba14ffa0df84a2831938d57d276cab4",
  k1P: "5a09d60797eeb4478aada59db3352a0d",
};
const SAMPLE = {
  common: {
    PrivProv: "06a516693c9aa31a6084545d0c5db641b48572b97203ddffb7ac73f7d0457663",
    PubProv:
      "2c31a47b5779809ef44cb5eaaf5c3e43d5f8faad4a8794cb987e9b03745c78dd919512183898dfbecd52e2408e43871fd021109117bd3ed4eaf8437743715d4f",
    PrivDev: "529aa0670d72cd6497502ed473502b037e8803b5c60829a5a3caa219505530ba",
    PubDev:
      "f465e43ff23d3f1b9dc7dfc04da8758184dbc966204796eccf0d6cf5e16500cc0201d048bcbbd899eeefc424164e33c201c2b010ca6b4d43a8a155cad8ecb279",
    ECDHSecret: "ab85843a2f6d883f62e5684b38e307335fe6e1945ecd19604105c6f23221eb69",
    ProvData: "efb2255e6422d330088e09bb015ed707056700010203040b0c",
  },
  cmac: {
    Invite: "00",
    Capabilities: "0100010000000000000000",
    Start: "0000000000",
    AuthValue: "00000000000000000000000000000000",
    ConfirmationSalt: "5faabe187337c71cc6c973369dcaa79a",
    ConfirmationKey: "e31fe046c68ec339c425fc6629f0336f",
    RandProv: "8b19ac31d58b124c946209b5db1021b9",
    ConfProv: "b38a114dfdca1fe153bd2c1e0dc46ac2",
    RandDev: "55a2a2bca04cd32ff6f346bd0a0c1a3a",
    ConfDev: "eeba521c196b52cc2e37aa40329f554e",
    ProvisioningSalt: "a21c7d45f201cf9489a2fb57145015b4",
    SessionKey: "c80253af86b33dfa450bbdb2a191fea3",
    SessionNonce: "da7ddbe78b5f62b81d6847487e",
    DeviceKey: "0520adad5e0142aa3e325087b4ec16d8",
    EncData: "d0bd7f4a89a2ff6222af59a90a60ad58acfe3123356f5cec29",
    MIC: "73e0ec50783b10c7",
  },
  hmac: {
    Invite: "00",
    Capabilities: "0100030001000000000000",
    Start: "0100010000",
    AuthValue: "906d73a3c7a7cb3ff730dca68a46b9c18d673f50e078202311473ebbe253669f",
    ConfirmationSalt: "a71141ba8cb6b40f4f52b622e1c091614c73fc308f871b78ca775e769bc3ae69",
    ConfirmationKey: "210c3c448152e8d59ef742aa7d22ee5ba59a38648bda6bf05c74f3e46fc2c0bb",
    RandProv: "36f968b94a13000e64b223576390db6bcc6d62f02617c369ee3f5b3e89df7e1f",
    ConfProv: "c99b54617ae646f5f32cf7e1ea6fcc49fd69066078eba9580fa6c7031833e6c8",
    RandDev: "5b9b1fc6a64b2de8bece53187ee989c6566db1fc7dc8580a73dafdd6211d56a5",
    ConfDev: "56e3722d291373d38c995d6f942c02928c96abb015c233557d7974b6e2df662b",
    ProvisioningSalt: "d1cb10ad8d51286067e348fc4b692122",
    SessionKey: "df4a494da3d45405e402f1d6a6cea338",
    SessionNonce: "11b987db2ae41fbb9e96b80446",
    DeviceKey: "2770852a737cf05d8813768f22af3a2d",
    EncData: "f9df98cbb736be1f600659ac4c37821a82db31e410a03de769",
    MIC: "3a2a0428fbdaf321",
  },
};

type Outputs = Record<string, unknown> & { features: string[] };

async function runCrypto(input: unknown): Promise<Outputs> {
  const r = await runFixture("crypto", [JSON.stringify(input)]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, "");
  return JSON.parse(r.stdout) as Outputs;
}

test("s1 and k1 on XS equal the Mesh sample data (8.1.1, 8.1.2)", { skip }, async () => {
  const out = await runCrypto({ toolbox: TOOLBOX });
  assert.equal(out.s1, "b73cefbd641ef2ea598c2b6efb62f79c");
  assert.equal(out.k1, "f6ed15a8934afbe7d83e8dcb57fcf5d7");
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
