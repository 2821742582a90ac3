/**
 * Mesh Protocol 1.1, 8.17.1 and 8.17.2: both roles, on a test platform whose crypto draws the sample key
 * pairs and randoms (helpers.ts sampleCrypto), put exactly the sample PDUs on the link.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SAMPLE, SAMPLE_DATA, hex, pair } from "./helpers.js";

function run(alg: "cmac" | "hmac") {
  const p = pair({ alg });
  p.start();
  p.run();
  return p;
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
