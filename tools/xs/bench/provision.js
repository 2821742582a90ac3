// Benchmark workload on XS: the provisioning crypto of both sides (Mesh Protocol 1.1, 5.4.2.3 to
// 5.4.2.5: key pairs, ECDH, confirmation, session keys, provisioning data encryption and decryption),
// repeated; prints one JSON line with the time per run. The argument is the number of runs.
import { trace } from "../../../native/xs/js/trace.js";
import { args } from "../../../native/xs/js/sys.js";
import { now } from "../../../native/xs/js/timer.js";
import { xsCrypto } from "../../../native/xs/js/platform.js";
import { MeshCrypto, Algorithm } from "../../../modules/crypto/mesh.js";
import { concatBytes, bytesEqual } from "../../../modules/crypto/bytes.js";

const runs = Number(args()[0] ?? "10");
const alg = args()[1] === "hmac" ? Algorithm.BTM_ECDH_P256_HMAC_SHA256_AES_CCM : Algorithm.BTM_ECDH_P256_CMAC_AES128_AES_CCM;
const n = alg === Algorithm.BTM_ECDH_P256_HMAC_SHA256_AES_CCM ? 32 : 16;
const mc = new MeshCrypto(xsCrypto);

function provision() {
  const prov = xsCrypto.p256GenerateKeyPair();
  const dev = xsCrypto.p256GenerateKeyPair();
  const secretProv = xsCrypto.p256Ecdh(prov.privateKey, dev.publicKey);
  const secretDev = xsCrypto.p256Ecdh(dev.privateKey, prov.publicKey);
  if (!bytesEqual(secretProv, secretDev)) throw new Error("ECDH mismatch");
  const inputs = concatBytes(new Uint8Array(1 + 11 + 5), prov.publicKey, dev.publicKey);
  const authValue = new Uint8Array(n);
  const salt = mc.confirmationSalt(alg, inputs);
  const key = mc.confirmationKey(alg, secretProv, salt, authValue);
  const randProv = xsCrypto.randomBytes(n);
  const randDev = xsCrypto.randomBytes(n);
  mc.confirmation(alg, key, randProv, authValue);
  mc.confirmation(alg, key, randDev, authValue);
  const keys = mc.sessionKeys(secretProv, salt, randProv, randDev);
  const data = xsCrypto.randomBytes(25);
  const enc = mc.encryptProvisioningData(keys.sessionKey, keys.sessionNonce, data);
  const back = mc.decryptProvisioningData(keys.sessionKey, keys.sessionNonce, enc);
  if (!back || !bytesEqual(back, data)) throw new Error("provisioning data mismatch");
}

provision(); // warm up
const t0 = now();
for (let i = 0; i < runs; i++) provision();
const ms = now() - t0;
trace(JSON.stringify({ runs, msPerRun: ms / runs }) + "\n");
