// Benchmark of the crypto primitives and one side's provisioning crypto on Node. Prints JSON lines.
// Run: npx tsx host-tests/crypto/bench.ts   (not part of npm test: no timed assertions anywhere)
import { performance } from "node:perf_hooks";
import { Algorithm, MeshCrypto } from "../../modules/crypto/mesh.js";
import { concatBytes } from "../../modules/crypto/bytes.js";
import { softCryptoPrimitives } from "../../modules/crypto/soft.js";
import { NodeCryptoPrimitives, seededRandom } from "../../host/node-crypto.js";
import { nobleBase } from "./noble-base.js";

const node = new NodeCryptoPrimitives({ random: seededRandom(1) });
const soft = softCryptoPrimitives(node, true);
const noble = softCryptoPrimitives(nobleBase(seededRandom(2)));
const rnd = seededRandom(3);

function bench(name: string, fn: () => unknown, minMs = 300): void {
  for (let i = 0; i < 20; i++) fn(); // warm-up
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs) {
    for (let i = 0; i < 10; i++) fn();
    n += 10;
    t = performance.now();
  }
  const us = ((t - t0) * 1000) / n;
  process.stdout.write(JSON.stringify({ bench: name, iterations: n, usPerOp: Number(us.toFixed(2)), opsPerSec: Math.round(1e6 / us) }) + "\n");
}

const key = rnd(16), nonce = rnd(13), block = rnd(16), msg64 = rnd(64), data25 = rnd(25);
bench("aes128 block (node)", () => node.aes128(key, block));
bench("aesCmac 64B (node block + portable CMAC)", () => node.aesCmac(key, msg64));
bench("aesCmac 64B (noble block + portable CMAC)", () => noble.aesCmac(key, msg64));
bench("aesCcmEncrypt 25B mic8 (node OpenSSL)", () => node.aesCcmEncrypt(key, nonce, data25, 8));
bench("aesCcmEncrypt 25B mic8 (portable on node block)", () => soft.aesCcmEncrypt(key, nonce, data25, 8));
bench("sha256 64B (node)", () => node.sha256(msg64));
bench("hmacSha256 64B (node)", () => node.hmacSha256(key, msg64));
const a = node.p256GenerateKeyPair(), b = node.p256GenerateKeyPair();
bench("p256GenerateKeyPair (node)", () => node.p256GenerateKeyPair());
bench("p256ValidatePublicKey (BigInt)", () => node.p256ValidatePublicKey(b.publicKey));
bench("p256Ecdh incl. validation (node)", () => node.p256Ecdh(a.privateKey, b.publicKey));

for (const alg of [Algorithm.BTM_ECDH_P256_CMAC_AES128_AES_CCM, Algorithm.BTM_ECDH_P256_HMAC_SHA256_AES_CCM]) {
  const mc = new MeshCrypto(node);
  const len = MeshCrypto.authValueLength(alg);
  const peer = node.p256GenerateKeyPair();
  const prefix = rnd(17), auth = rnd(len), rp = rnd(len), rd = rnd(len);
  // One side's whole provisioning crypto: key pair, ECDH, salt, key, two confirmations, session keys, data.
  bench(`provisioning crypto, one side, ${alg === 0 ? "CMAC" : "HMAC"} (node)`, () => {
    const own = node.p256GenerateKeyPair();
    const secret = node.p256Ecdh(own.privateKey, peer.publicKey);
    const salt = mc.confirmationSalt(alg, concatBytes(prefix, own.publicKey, peer.publicKey));
    const ck = mc.confirmationKey(alg, secret, salt, auth);
    mc.confirmation(alg, ck, rp, auth);
    mc.confirmation(alg, ck, rd, auth);
    const s = mc.sessionKeys(secret, salt, rp, rd);
    mc.encryptProvisioningData(s.sessionKey, s.sessionNonce, data25);
  });
}
