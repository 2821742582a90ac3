/**
 * Regression tests for defects found from outside (issue 8):
 * 2. a Link Close with reason Success before Provisioning Complete is a failed provisioning, on both roles
 *    (5.3.1.4.3, 5.4.4), with the peer's reason kept visible;
 * 6. an ECDH failure after the peer's key was validated is Unexpected Error (0x07), not Invalid Format
 *    (5.4.1.10, 5.4.2.3).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Bytes, CryptoPrimitives } from "../../modules/platform.js";
import { LinkCloseReason } from "../../modules/bearer/bearer.js";
import type { ProvLink } from "../../modules/bearer/bearer.js";
import { concatBytes, hexToBytes } from "../../modules/crypto/bytes.js";
import { CryptoError } from "../../modules/platform.js";
import { ErrorCode, PduType } from "../../modules/prov/pdu.js";
import { withCrypto } from "../../host/node-crypto.js";
import { SAMPLE, pair } from "./helpers.js";

const INVITE = hexToBytes("0000");
const START_NO_OOB = hexToBytes("020000000000");
const PUBKEY_PROV = concatBytes(Uint8Array.of(PduType.PublicKey), SAMPLE.PubProv);

test("defect 2, device: a Link Close (Success) after the Invite is a failed provisioning, the reason kept", () => {
  const p = pair();
  p.device.prov.listen(SAMPLE.UUID);
  let opened = false;
  const link: ProvLink = p.air.provisionerBearer().open(SAMPLE.UUID, { opened: () => (opened = true), received: () => {}, closed: () => {} });
  p.clock.runWhile(() => !opened, 10_000);
  link.send(INVITE);
  p.clock.runFor(200);
  link.close(LinkCloseReason.Success);
  p.clock.runFor(200);
  assert.equal(p.device.of("complete").length, 0);
  const failed = p.device.of("failed");
  assert.equal(failed.length, 1, "the application hears 'failed'");
  assert.equal(failed[0]!.code, ErrorCode.UnexpectedError);
  assert.equal(failed[0]!.byPeer, true);
  assert.equal(failed[0]!.closeReason, "success");
  assert.match(failed[0]!.reason, /before Provisioning Complete/);
  assert.deepEqual(p.device.of("link-closed").map((e) => [e.reason, e.byPeer]), [["success", true]], "the peer's reason stays visible");
  assert.ok(p.device.prov.listening, "still unprovisioned: it listens again");
});

test("defect 2, provisioner: a device's Link Close (Success) before Complete is a failed provisioning", () => {
  const p = pair();
  let deviceLink: ProvLink | undefined;
  // A device that answers the Invite with a Link Close, reason Success (a peer's bug, or a spoofed close).
  p.air.deviceBearer().listen(SAMPLE.UUID, {
    opened: (l) => (deviceLink = l),
    received: (_l, pdu) => {
      if (pdu[0] === PduType.Invite) deviceLink!.close(LinkCloseReason.Success);
    },
    closed: () => {},
  });
  p.provisioner.prov.provision(SAMPLE.UUID, { ...sampleData() }, {});
  p.clock.runWhile(() => p.provisioner.of("link-closed").length === 0, 100_000);
  assert.equal(p.provisioner.of("complete").length, 0);
  const failed = p.provisioner.of("failed");
  assert.deepEqual(failed.map((e) => [e.code, e.byPeer, e.closeReason]), [[ErrorCode.UnexpectedError, true, "success"]]);
  assert.deepEqual(p.provisioner.of("link-closed").map((e) => [e.reason, e.byPeer]), [["success", true]]);
});

test("defect 2: a successful provisioning still closes with Success and no 'failed' on either side", () => {
  const p = pair();
  p.start();
  p.run();
  assert.equal(p.device.of("complete").length, 1);
  assert.deepEqual(p.device.of("failed"), []);
  assert.deepEqual(p.provisioner.of("failed"), []);
  assert.equal(p.provisioner.last("link-closed")!.reason, "success");
});

/** A platform crypto whose ECDH fails although the peer's key is valid (a broken engine, out of memory, ...). */
function failingEcdh(base: CryptoPrimitives): CryptoPrimitives {
  return withCrypto(base, {
    p256Ecdh: () => {
      throw new CryptoError("p256Ecdh: engine failure");
    },
  });
}

test("defect 6, device: ECDH failing after the provisioner's key was accepted -> Unexpected Error (0x07)", () => {
  for (const ecdhMs of [0, 50]) {
    const p = pair({ sample: false, deviceCrypto: failingEcdh, deviceEcdhMs: ecdhMs });
    p.device.prov.listen(SAMPLE.UUID);
    const received: Bytes[] = [];
    let opened = false;
    const link = p.air.provisionerBearer().open(SAMPLE.UUID, { opened: () => (opened = true), received: (_l, pdu) => received.push(pdu), closed: () => {} });
    p.clock.runWhile(() => !opened, 10_000);
    for (const pdu of [INVITE, START_NO_OOB, PUBKEY_PROV]) {
      link.send(pdu);
      p.clock.runFor(200);
    }
    const failed = received.filter((r) => r[0] === PduType.Failed).map((r) => r[1]);
    assert.deepEqual(failed, [ErrorCode.UnexpectedError], `ECDH ${ecdhMs} ms`);
    assert.deepEqual(p.device.of("failed").map((e) => e.code), [ErrorCode.UnexpectedError]);
  }
});

test("defect 6, provisioner: its own ECDH failing -> Unexpected Error, link closed with Fail (at once or computed later)", () => {
  for (const ecdhMs of [0, 50]) {
    const p = pair({ sample: false, provisionerCrypto: failingEcdh, provisionerEcdhMs: ecdhMs });
    p.start();
    p.run();
    assert.deepEqual(p.provisioner.of("failed").map((e) => [e.code, e.byPeer]), [[ErrorCode.UnexpectedError, false]], `ECDH ${ecdhMs} ms`);
    assert.equal(p.provisioner.last("link-closed")!.reason, "error");
    assert.equal(p.device.of("complete").length, 0);
  }
});

function sampleData() {
  return { networkKey: new Uint8Array(16).fill(7), keyIndex: 0, flags: { keyRefresh: false, ivUpdate: false }, ivIndex: 0, unicastAddress: 0x0100 };
}
