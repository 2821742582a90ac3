/**
 * Mesh Protocol 1.1, 8.17.1 and 8.17.2: both roles, given the sample key pairs and randoms through the test
 * hooks, put exactly the sample PDUs on the link.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { VirtualClock } from "../../host/virtual-clock.js";
import { NodeCryptoPrimitives, seededRandom } from "../../host/node-crypto.js";
import { provisioneeRole } from "../../modules/prov/provisionee.js";
import { provisionerRole } from "../../modules/prov/provisioner.js";
import { LoopbackAir } from "./loopback.js";
import { Node, SAMPLE, SAMPLE_DATA, hex } from "./helpers.js";

function run(alg: "cmac" | "hmac") {
  const s = SAMPLE[alg];
  const clock = new VirtualClock();
  const air = new LoopbackAir(clock);
  const crypto = new NodeCryptoPrimitives({ random: seededRandom(1) });
  const device = new Node(
    "device",
    {
      crypto,
      clock,
      pbAdv: air.deviceBearer(),
      roles: { provisionee: provisioneeRole },
      capabilities:
        alg === "cmac"
          ? { numberOfElements: 1, algorithms: 0x0001, oobType: 0 }
          : { numberOfElements: 1, algorithms: 0x0003, oobType: 0x01 },
      testHooks: {
        keyPair: () => ({ privateKey: SAMPLE.PrivDev, publicKey: SAMPLE.PubDev }),
        random: () => s.RandDev,
      },
    },
    { "static-request": (e, n) => n.prov.authDataProvide(e.ctx, SAMPLE.hmac.AuthValue) },
  );
  const provisioner = new Node(
    "provisioner",
    {
      crypto,
      clock,
      pbAdv: air.provisionerBearer(),
      roles: { provisioner: provisionerRole },
      testHooks: {
        keyPair: () => ({ privateKey: SAMPLE.PrivProv, publicKey: SAMPLE.PubProv }),
        random: () => s.RandProv,
      },
    },
    {
      "capabilities-received": (e, n) =>
        n.prov.oobUse(e.ctx, alg === "cmac" ? { algorithm: 0, publicKey: 0, method: 0, action: 0, size: 0 } : { algorithm: 1, publicKey: 0, method: 1, action: 0, size: 0 }),
      "static-request": (e, n) => n.prov.authDataProvide(e.ctx, SAMPLE.hmac.AuthValue),
    },
  );
  device.prov.listen(SAMPLE.UUID);
  provisioner.prov.provision(SAMPLE.UUID, SAMPLE_DATA, { attentionDuration: 0 });
  clock.runWhile(() => provisioner.of("link-closed").length === 0 || device.of("link-closed").length === 0, 120_000);
  return { air, device, provisioner };
}

for (const alg of ["cmac", "hmac"] as const) {
  test(`8.17.${alg === "cmac" ? 1 : 2} sample exchange (${alg === "cmac" ? "BTM_ECDH_P256_CMAC_AES128_AES_CCM, No OOB" : "BTM_ECDH_P256_HMAC_SHA256_AES_CCM, Static OOB"})`, () => {
    const s = SAMPLE[alg];
    const { air, device, provisioner } = run(alg);
    const p2d = air.pdus("p2d").map(hex);
    const d2p = air.pdus("d2p").map(hex);
    assert.deepEqual(p2d, [
      "00" + s.Invite,
      "02" + s.Start,
      "03" + hex(SAMPLE.PubProv),
      "05" + s.ConfProv,
      "06" + hex(s.RandProv),
      "07" + s.EncData + s.MIC,
    ]);
    assert.deepEqual(d2p, ["01" + s.Capabilities, "03" + hex(SAMPLE.PubDev), "05" + s.ConfDev, "06" + hex(s.RandDev), "08"]);

    const dc = device.last("complete");
    const pc = provisioner.last("complete");
    assert.ok(dc && pc);
    assert.equal(hex(dc.deviceKey), s.DeviceKey);
    assert.equal(hex(pc.deviceKey), s.DeviceKey);
    assert.deepEqual(dc.data, SAMPLE_DATA);
    assert.equal(pc.unicastAddress, 0x0b0c);
    assert.equal(pc.numberOfElements, 1);
    assert.equal(provisioner.last("link-closed")?.reason, "success");
    assert.equal(device.last("link-closed")?.reason, "success");
    assert.equal(device.last("link-closed")?.byPeer, true);
    assert.deepEqual(device.of("failed"), []);
    assert.deepEqual(provisioner.of("failed"), []);
    assert.deepEqual(device.handlerErrors, []);
    assert.deepEqual(provisioner.handlerErrors, []);
    assert.equal(device.prov.listening, false);
  });
}
