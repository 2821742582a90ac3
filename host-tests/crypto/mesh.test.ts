// MeshCrypto: the Mesh Protocol 1.1 sample data. Section 8.1/8.2 for the toolbox functions (with their published
// intermediate values), section 8.17.1 (CMAC) and 8.17.2 (HMAC) for provisioning, through every intermediate
// value, on three stacks: NodeCryptoPrimitives, the portable modes over node's AES, and a noble-only platform.
import { test } from "node:test";
import assert from "node:assert/strict";
import { CryptoError } from "../../modules/platform.js";
import type { CryptoPrimitives } from "../../modules/platform.js";
import { Algorithm, MeshCrypto, bytesEqual } from "../../modules/crypto/mesh.js";
import { bytesToHex, concatBytes, hexToBytes, utf8Encode } from "../../modules/crypto/bytes.js";
import { softCryptoPrimitives } from "../../modules/crypto/soft.js";
import { NodeCryptoPrimitives, seededRandom } from "../../host/node-crypto.js";
import { nobleBase } from "./noble-base.js";
import { PROV_CMAC, PROV_COMMON, PROV_HMAC, SAMPLE_8_1, SAMPLE_8_2 } from "./fixtures.js";
import type { ProvSample } from "./fixtures.js";

const h = hexToBytes;
const x = bytesToHex;
const nodePrims = new NodeCryptoPrimitives();
const stacks: [string, CryptoPrimitives][] = [
  ["node", nodePrims],
  ["portable modes on node AES", softCryptoPrimitives(nodePrims, true)],
  ["noble platform + portable modes", softCryptoPrimitives(nobleBase(seededRandom(31)))],
];

for (const [name, prims] of stacks) {
  const mc = new MeshCrypto(prims);
  const cmac = (k: string, m: Uint8Array): string => x(prims.aesCmac(h(k), m));

  test(`[${name}] 8.1.1-8.1.6: s1, k1, k2, k3, k4 with intermediates`, () => {
    const s = SAMPLE_8_1;
    assert.equal(x(mc.s1(utf8Encode("test"))), s.s1Test);
    assert.equal(cmac(s.k1.SALT, h(s.k1.N)), s.k1.T, "k1 T");
    assert.equal(x(mc.k1(h(s.k1.N), h(s.k1.SALT), h(s.k1.P))), s.k1.k1);

    assert.equal(x(mc.s1(utf8Encode("smk2"))), s.s1smk2);
    assert.equal(cmac(s.s1smk2, h(s.k2Flooding.N)), s.k2Flooding.T, "k2 T");
    assert.equal(cmac(s.k2Flooding.T, concatBytes(h(s.k2Flooding.P), Uint8Array.of(1))), s.k2Flooding.T1, "k2 T1");
    for (const v of [s.k2Flooding, s.k2Friendship]) {
      const r = mc.k2(h(v.N), h(v.P));
      assert.equal(r.nid, v.NID);
      assert.equal(x(r.encryptionKey), v.EncryptionKey);
      assert.equal(x(r.privacyKey), v.PrivacyKey);
    }
    assert.equal(cmac(s.k2Flooding.T, concatBytes(h(s.k2Friendship.P), Uint8Array.of(1))), s.k2Friendship.T1);

    assert.equal(x(mc.s1(utf8Encode("smk3"))), s.k3.SALT);
    assert.equal(cmac(s.k3.SALT, h(s.k3.N)), s.k3.T);
    assert.equal(cmac(s.k3.T, concatBytes(utf8Encode("id64"), Uint8Array.of(1))), s.k3.CMAC);
    assert.equal(x(mc.k3(h(s.k3.N))), s.k3.NetworkID);

    assert.equal(x(mc.s1(utf8Encode("smk4"))), s.k4.SALT);
    assert.equal(cmac(s.k4.SALT, h(s.k4.N)), s.k4.T);
    assert.equal(cmac(s.k4.T, concatBytes(utf8Encode("id6"), Uint8Array.of(1))), s.k4.CMAC);
    assert.equal(mc.k4(h(s.k4.N)), s.k4.AID);
  });

  test(`[${name}] 8.2: AID, NID/keys (flooding, friendship, directed), Network ID, IdentityKey, BeaconKey`, () => {
    const s = SAMPLE_8_2;
    assert.equal(mc.k4(h(s.AppKey)), s.AID);
    for (const v of [s.flooding, s.friendship, s.directed]) {
      const r = mc.k2(h(s.NetKey), h(v.P));
      assert.deepEqual([r.nid, x(r.encryptionKey), x(r.privacyKey)], [v.NID, v.EncryptionKey, v.PrivacyKey]);
    }
    assert.equal(x(mc.k3(h(s.NetKey))), s.NetworkID);
    for (const [label, v] of [["nkik", s.identity], ["nkbk", s.beacon]] as const) {
      assert.equal(x(mc.s1(utf8Encode(label))), v.SALT);
      assert.equal(cmac(v.SALT, h(s.NetKey)), v.T);
      assert.equal(x(mc.k1(h(s.NetKey), h(v.SALT), h(v.P))), v.key);
    }
  });

  const flows: [string, Algorithm, ProvSample][] = [
    ["8.17.1 CMAC", Algorithm.BTM_ECDH_P256_CMAC_AES128_AES_CCM, PROV_CMAC],
    ["8.17.2 HMAC", Algorithm.BTM_ECDH_P256_HMAC_SHA256_AES_CCM, PROV_HMAC],
  ];
  for (const [label, alg, v] of flows) {
    test(`[${name}] ${label}: provisioning sample, every intermediate value`, () => {
      const len = MeshCrypto.authValueLength(alg);
      assert.equal(len, alg === Algorithm.BTM_ECDH_P256_CMAC_AES128_AES_CCM ? 16 : 32);
      // Both sides compute the same ECDH secret from their own private key and the peer's public key.
      const ecdhP = prims.p256Ecdh(h(PROV_COMMON.PrivProv), h(PROV_COMMON.PubDev));
      const ecdhD = prims.p256Ecdh(h(PROV_COMMON.PrivDev), h(PROV_COMMON.PubProv));
      assert.equal(x(ecdhP), PROV_COMMON.ECDHSecret);
      assert.equal(x(ecdhD), PROV_COMMON.ECDHSecret);

      const inputs = concatBytes(h(v.Invite), h(v.Capabilities), h(v.Start), h(PROV_COMMON.PubProv), h(PROV_COMMON.PubDev));
      assert.equal(inputs.length, 145);
      const salt = mc.confirmationSalt(alg, inputs);
      assert.equal(x(salt), v.ConfirmationSalt);
      const auth = h(v.AuthValue);
      assert.equal(auth.length, len);
      const key = mc.confirmationKey(alg, ecdhP, salt, auth);
      assert.equal(x(key), v.ConfirmationKey);
      assert.equal(x(mc.confirmation(alg, key, h(v.RandProv), auth)), v.ConfProv);
      assert.equal(x(mc.confirmation(alg, key, h(v.RandDev), auth)), v.ConfDev);
      // The check each side makes on the peer's Random (5.4.2.4): recompute and compare.
      assert.ok(bytesEqual(mc.confirmation(alg, key, h(v.RandDev), auth), h(v.ConfDev)));
      assert.ok(!bytesEqual(mc.confirmation(alg, key, h(v.RandProv), auth), h(v.ConfDev)));

      const keys = mc.sessionKeys(ecdhD, salt, h(v.RandProv), h(v.RandDev));
      assert.equal(x(keys.provisioningSalt), v.ProvisioningSalt);
      assert.equal(x(keys.sessionKey), v.SessionKey);
      assert.equal(x(keys.sessionNonce), v.SessionNonce);
      assert.equal(x(keys.deviceKey), v.DeviceKey);

      const enc = mc.encryptProvisioningData(keys.sessionKey, keys.sessionNonce, h(PROV_COMMON.ProvData));
      assert.equal(enc.length, 33);
      assert.equal(x(enc), v.EncData + v.MIC);
      assert.equal(x(mc.decryptProvisioningData(keys.sessionKey, keys.sessionNonce, enc)!), PROV_COMMON.ProvData);
    });

    test(`[${name}] ${label}: tampered or malformed Provisioning Data gives null`, () => {
      const key = h(v.SessionKey), nonce = h(v.SessionNonce), enc = h(v.EncData + v.MIC);
      for (const i of [0, 12, 24, 25, 32]) {
        const bad = new Uint8Array(enc);
        bad[i] ^= 0x80;
        assert.equal(mc.decryptProvisioningData(key, nonce, bad), null, `byte ${i}`);
      }
      assert.equal(mc.decryptProvisioningData(key, nonce, enc.subarray(0, 32)), null);
      assert.equal(mc.decryptProvisioningData(key, nonce, concatBytes(enc, Uint8Array.of(0))), null);
      assert.equal(mc.decryptProvisioningData(key, nonce, new Uint8Array(0)), null);
      const otherKey = new Uint8Array(key);
      otherKey[0] ^= 1;
      assert.equal(mc.decryptProvisioningData(otherKey, nonce, enc), null);
    });
  }
}

test("s2 and k5 follow their definitions (HMAC-SHA-256 with a zero key; two HMACs)", () => {
  const mc = new MeshCrypto(nodePrims);
  const rnd = seededRandom(32);
  for (let i = 0; i < 20; i++) {
    const m = rnd(i * 7), n = rnd(32 + i), salt = rnd(32), p = rnd(i);
    assert.deepEqual(mc.s2(m), nodePrims.hmacSha256(new Uint8Array(32), m));
    assert.deepEqual(mc.k5(n, salt, p), nodePrims.hmacSha256(nodePrims.hmacSha256(salt, n), p));
  }
});

test("wrong lengths and unknown algorithms throw CryptoError", () => {
  const mc = new MeshCrypto(nodePrims);
  const CM = Algorithm.BTM_ECDH_P256_CMAC_AES128_AES_CCM, HM = Algorithm.BTM_ECDH_P256_HMAC_SHA256_AES_CCM;
  const z = (n: number) => new Uint8Array(n);
  assert.throws(() => MeshCrypto.authValueLength(2 as Algorithm), CryptoError);
  assert.throws(() => mc.confirmationSalt(CM, z(144)), CryptoError);
  assert.throws(() => mc.confirmationSalt(7 as Algorithm, z(145)), CryptoError);
  assert.throws(() => mc.confirmationKey(CM, z(31), z(16), z(16)), CryptoError, "ECDH secret");
  assert.throws(() => mc.confirmationKey(CM, z(32), z(32), z(16)), CryptoError, "salt length for CMAC");
  assert.throws(() => mc.confirmationKey(HM, z(32), z(32), z(16)), CryptoError, "AuthValue length for HMAC");
  assert.throws(() => mc.confirmation(CM, z(16), z(32), z(16)), CryptoError, "Random length");
  assert.throws(() => mc.confirmation(HM, z(16), z(32), z(32)), CryptoError, "key length");
  assert.throws(() => mc.sessionKeys(z(32), z(16), z(16), z(32)), CryptoError, "mixed random lengths");
  assert.throws(() => mc.sessionKeys(z(32), z(20), z(20), z(20)), CryptoError, "salt length");
  assert.throws(() => mc.encryptProvisioningData(z(16), z(13), z(24)), CryptoError);
  assert.throws(() => mc.encryptProvisioningData(z(16), z(12), z(25)), CryptoError);
  assert.throws(() => mc.decryptProvisioningData(z(15), z(13), z(33)), CryptoError);
  assert.throws(() => mc.k1(z(16), z(15), z(4)), CryptoError);
  assert.throws(() => mc.k5(z(16), z(16), z(4)), CryptoError);
  assert.throws(() => mc.k2(z(15), z(1)), CryptoError);
  assert.throws(() => mc.k2(z(16), z(0)), CryptoError);
  assert.throws(() => mc.k3(z(17)), CryptoError);
  assert.throws(() => mc.k4(z(0)), CryptoError);
});

test("a random provisioning run: both sides derive the same keys (both algorithms, generated keys)", () => {
  const rndP = new NodeCryptoPrimitives({ random: seededRandom(33) });
  const mc = new MeshCrypto(rndP);
  for (const alg of [Algorithm.BTM_ECDH_P256_CMAC_AES128_AES_CCM, Algorithm.BTM_ECDH_P256_HMAC_SHA256_AES_CCM]) {
    const len = MeshCrypto.authValueLength(alg);
    const prov = rndP.p256GenerateKeyPair(), dev = rndP.p256GenerateKeyPair();
    const auth = rndP.randomBytes(len), rp = rndP.randomBytes(len), rd = rndP.randomBytes(len);
    const inputs = concatBytes(rndP.randomBytes(17), prov.publicKey, dev.publicKey);
    const sP = rndP.p256Ecdh(prov.privateKey, dev.publicKey), sD = rndP.p256Ecdh(dev.privateKey, prov.publicKey);
    const saltP = mc.confirmationSalt(alg, inputs), saltD = mc.confirmationSalt(alg, inputs);
    const kP = mc.confirmationKey(alg, sP, saltP, auth), kD = mc.confirmationKey(alg, sD, saltD, auth);
    assert.ok(bytesEqual(mc.confirmation(alg, kD, rp, auth), mc.confirmation(alg, kP, rp, auth)));
    const wrongAuth = new Uint8Array(auth);
    wrongAuth[0] ^= 1;
    const kWrong = mc.confirmationKey(alg, sD, saltD, wrongAuth);
    assert.ok(!bytesEqual(mc.confirmation(alg, kWrong, rp, wrongAuth), mc.confirmation(alg, kP, rp, auth)));
    const a = mc.sessionKeys(sP, saltP, rp, rd), b = mc.sessionKeys(sD, saltD, rp, rd);
    assert.deepEqual(a, b);
    const data = rndP.randomBytes(25);
    assert.deepEqual(mc.decryptProvisioningData(b.sessionKey, b.sessionNonce, mc.encryptProvisioningData(a.sessionKey, a.sessionNonce, data)), data);
  }
});
