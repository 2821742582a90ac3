/**
 * Every error path of the provisioning protocol, against hostile peers, on the loopback bearer: the Failed
 * code the device sends (Mesh Protocol 1.1, 5.4.1.10) and the link close reasons and 'failed' reports on
 * both sides (5.4.4).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Bytes } from "../../modules/platform.js";
import { LinkCloseReason } from "../../modules/bearer/bearer.js";
import type { ProvLink } from "../../modules/bearer/bearer.js";
import { concatBytes, hexToBytes } from "../../modules/crypto/bytes.js";
import { MeshCrypto } from "../../modules/crypto/mesh.js";
import { ErrorCode, PduType, encodePdu, encodeProvisioningData } from "../../modules/prov/pdu.js";
import { PROVISIONING_TIMEOUT_MS } from "../../modules/prov/common.js";
import type { LoopbackAir } from "./loopback.js";
import { SAMPLE, SAMPLE_DATA, hex, pair } from "./helpers.js";
import { NodeCryptoPrimitives } from "../../host/node-crypto.js";

// ---------------------------------------------------------------------------------------------------------
// A scripted provisioner against the real device
// ---------------------------------------------------------------------------------------------------------

function rawProvisioner(air: LoopbackAir, uuid: Bytes) {
  const received: Bytes[] = [];
  let opened = false;
  let closed: { reason: number; byPeer: boolean } | undefined;
  const link: ProvLink = air.provisionerBearer().open(uuid, {
    opened: () => (opened = true),
    received: (_l, pdu) => received.push(pdu),
    closed: (_l, reason, byPeer) => (closed = { reason, byPeer }),
  });
  return { link, received, opened: () => opened, closed: () => closed };
}

const INVITE = hexToBytes("0000");
const START_NO_OOB = hexToBytes("020000000000");
const PUBKEY_PROV = concatBytes(Uint8Array.of(3), SAMPLE.PubProv);

/**
 * Open a link to a device (8.17.1 setup, optionally other capabilities), send `script` one PDU at a time
 * (each after the previous got its answer or 200 ms), and return what the device said.
 */
function deviceAgainst(script: Bytes[], caps?: Parameters<typeof pair>[0]) {
  const p = pair(caps);
  p.device.prov.listen(SAMPLE.UUID);
  const raw = rawProvisioner(p.air, SAMPLE.UUID);
  p.clock.runWhile(() => !raw.opened(), 10_000);
  for (const pdu of script) {
    raw.link.send(pdu);
    p.clock.runFor(200);
  }
  const failed = raw.received.filter((r) => r[0] === PduType.Failed);
  return { p, raw, failed, code: failed[0]?.[1] };
}

test("device: a PDU before the Invite -> Unexpected PDU, then waits for the provisioner to close", () => {
  const { p, raw, failed, code } = deviceAgainst([START_NO_OOB, INVITE, START_NO_OOB]);
  assert.equal(code, ErrorCode.UnexpectedPdu);
  assert.equal(failed.length, 1, "one Provisioning Failed only; later PDUs are ignored");
  assert.equal(raw.received.length, 1);
  assert.deepEqual(p.device.of("failed").map((e) => [e.code, e.byPeer]), [[ErrorCode.UnexpectedPdu, false]]);
  assert.equal(p.device.of("link-closed").length, 0, "the device does not close the link itself");
  raw.link.close(LinkCloseReason.Fail);
  p.clock.runFor(100);
  assert.deepEqual(p.device.of("link-closed").map((e) => [e.reason, e.byPeer]), [["error", true]]);
});

test("device: Invalid PDU for RFU types, Record PDUs and an empty PDU", () => {
  for (const pdu of [Uint8Array.of(0x0e), Uint8Array.of(0x3f, 1, 2), Uint8Array.of(PduType.RecordsGet), Uint8Array.of(PduType.RecordRequest, 0, 1, 0, 0, 0, 16), new Uint8Array(0)]) {
    assert.equal(deviceAgainst([pdu]).code, ErrorCode.InvalidPdu, hex(pdu));
  }
});

test("device: Invalid Format for wrong lengths and padding bits", () => {
  assert.equal(deviceAgainst([hexToBytes("000000")]).code, ErrorCode.InvalidFormat); // Invite with 2 bytes
  assert.equal(deviceAgainst([hexToBytes("00")]).code, ErrorCode.InvalidFormat); // Invite without parameter
  assert.equal(deviceAgainst([hexToBytes("4000")]).code, ErrorCode.InvalidFormat); // padding 0b01
  assert.equal(deviceAgainst([INVITE, hexToBytes("0200000000")]).code, ErrorCode.InvalidFormat); // Start of 4
  assert.equal(deviceAgainst([INVITE, START_NO_OOB, PUBKEY_PROV.slice(0, 64)]).code, ErrorCode.InvalidFormat);
});

test("device: Unexpected PDU for a PDU out of turn (second Invite, device-only PDUs, Data before keys)", () => {
  assert.equal(deviceAgainst([INVITE, INVITE]).code, ErrorCode.UnexpectedPdu);
  assert.equal(deviceAgainst([INVITE, hexToBytes("08")]).code, ErrorCode.UnexpectedPdu); // Complete
  assert.equal(deviceAgainst([INVITE, hexToBytes("0907")]).code, ErrorCode.UnexpectedPdu); // Failed
  assert.equal(deviceAgainst([INVITE, encodePdu({ type: PduType.Capabilities, numberOfElements: 1, algorithms: 1, publicKeyType: 0, oobType: 0, outputOobSize: 0, outputOobAction: 0, inputOobSize: 0, inputOobAction: 0 })]).code, ErrorCode.UnexpectedPdu);
  assert.equal(deviceAgainst([INVITE, START_NO_OOB, hexToBytes("07" + "00".repeat(33))]).code, ErrorCode.UnexpectedPdu);
  assert.equal(deviceAgainst([INVITE, START_NO_OOB, PUBKEY_PROV, hexToBytes("04")]).code, ErrorCode.UnexpectedPdu); // Input Complete
});

test("device: Start not matching the capabilities -> Invalid Format", () => {
  const start = (alg: number, pk: number, method: number, action: number, size: number) => Uint8Array.of(2, alg, pk, method, action, size);
  const caps = { deviceCapabilities: { numberOfElements: 1, algorithms: 0x0001, outputOobSize: 4, outputOobAction: 0x08, inputOobSize: 2, inputOobAction: 0x01 } };
  const cases: [string, Bytes][] = [
    ["HMAC not supported", start(1, 0, 0, 0, 0)],
    ["algorithm RFU", start(2, 0, 0, 0, 0)],
    ["OOB public key not offered", start(0, 1, 0, 0, 0)],
    ["public key value prohibited", start(0, 2, 0, 0, 0)],
    ["static OOB not offered", start(0, 0, 1, 0, 0)],
    ["output action not offered", start(0, 0, 2, 0, 4)],
    ["output size beyond capabilities", start(0, 0, 2, 3, 5)],
    ["input action not offered", start(0, 0, 3, 1, 1)],
    ["input size beyond capabilities", start(0, 0, 3, 0, 3)],
    ["output size 0", start(0, 0, 2, 3, 0)],
    ["method prohibited", start(0, 0, 4, 0, 0)],
    ["No OOB with an action", start(0, 0, 0, 1, 0)],
  ];
  for (const [why, pdu] of cases) assert.equal(deviceAgainst([INVITE, pdu], caps).code, ErrorCode.InvalidFormat, why);
  // The good ones pass: the device then waits for the public key.
  assert.equal(deviceAgainst([INVITE, start(0, 0, 2, 3, 4)], caps).failed.length, 0);
  assert.equal(deviceAgainst([INVITE, start(0, 0, 3, 0, 2)], caps).failed.length, 0);
  // A device that supports only OOB-authenticated provisioning refuses No OOB and the CMAC algorithm.
  const only = { deviceCapabilities: { numberOfElements: 1, algorithms: 0x0003, oobType: 0x03 } };
  assert.equal(deviceAgainst([INVITE, start(1, 0, 0, 0, 0)], only).code, ErrorCode.InvalidFormat);
  assert.equal(deviceAgainst([INVITE, start(0, 0, 1, 0, 0)], only).code, ErrorCode.InvalidFormat);
  assert.equal(deviceAgainst([INVITE, start(1, 0, 1, 0, 0)], only).failed.length, 0);
});

test("device: an invalid or reflected public key -> Invalid Format", () => {
  const notOnCurve = PUBKEY_PROV.slice();
  notOnCurve[64] = notOnCurve[64]! ^ 1;
  assert.equal(deviceAgainst([INVITE, START_NO_OOB, notOnCurve]).code, ErrorCode.InvalidFormat);
  const zero = concatBytes(Uint8Array.of(3), new Uint8Array(64));
  assert.equal(deviceAgainst([INVITE, START_NO_OOB, zero]).code, ErrorCode.InvalidFormat);
  const big = concatBytes(Uint8Array.of(3), new Uint8Array(64).fill(0xff)); // coordinates >= p
  assert.equal(deviceAgainst([INVITE, START_NO_OOB, big]).code, ErrorCode.InvalidFormat);
  // The device's own public key sent back (the device's key pair is the sample's, fixed by the test hook).
  const reflected = concatBytes(Uint8Array.of(3), SAMPLE.PubDev);
  const r = deviceAgainst([INVITE, START_NO_OOB, reflected]);
  assert.equal(r.code, ErrorCode.InvalidFormat);
  assert.equal(r.raw.received.filter((x) => x[0] === PduType.PublicKey).length, 0, "no public key is sent back");
});

test("device: Confirmation or Random of the other algorithm's length -> Invalid Format", () => {
  const conf32 = concatBytes(Uint8Array.of(5), new Uint8Array(32).fill(7));
  assert.equal(deviceAgainst([INVITE, START_NO_OOB, PUBKEY_PROV, conf32]).code, ErrorCode.InvalidFormat);
  const conf = concatBytes(Uint8Array.of(5), hexToBytes(SAMPLE.cmac.ConfProv));
  const rand32 = concatBytes(Uint8Array.of(6), new Uint8Array(32).fill(7));
  assert.equal(deviceAgainst([INVITE, START_NO_OOB, PUBKEY_PROV, conf, rand32]).code, ErrorCode.InvalidFormat);
});

test("device: the scripted 8.17.1 provisioner completes (the script is right)", () => {
  const conf = concatBytes(Uint8Array.of(5), hexToBytes(SAMPLE.cmac.ConfProv));
  const rand = concatBytes(Uint8Array.of(6), SAMPLE.cmac.RandProv);
  const data = hexToBytes("07" + SAMPLE.cmac.EncData + SAMPLE.cmac.MIC);
  const r = deviceAgainst([INVITE, START_NO_OOB, PUBKEY_PROV, conf, rand, data]);
  assert.equal(r.failed.length, 0);
  assert.deepEqual(r.raw.received.map((x) => x[0]), [1, 3, 5, 6, 8]);
  assert.equal(hex(r.p.device.last("complete")!.deviceKey), SAMPLE.cmac.DeviceKey);
});

test("device: mismatching, reflected and equal Confirmation/Random -> Confirmation Failed", () => {
  const conf = concatBytes(Uint8Array.of(5), hexToBytes(SAMPLE.cmac.ConfProv));
  const rand = concatBytes(Uint8Array.of(6), SAMPLE.cmac.RandProv);
  // The provisioner's Confirmation does not match its Random.
  const badConf = conf.slice();
  badConf[16] = badConf[16]! ^ 0x80;
  assert.equal(deviceAgainst([INVITE, START_NO_OOB, PUBKEY_PROV, badConf, rand]).code, ErrorCode.ConfirmationFailed);
  // The device's own Confirmation reflected (the device's is ConfDev with the sample's keys and RandDev).
  const reflected = concatBytes(Uint8Array.of(5), hexToBytes(SAMPLE.cmac.ConfDev));
  const r = deviceAgainst([INVITE, START_NO_OOB, PUBKEY_PROV, reflected]);
  assert.equal(r.code, ErrorCode.ConfirmationFailed);
  assert.equal(r.raw.received.filter((x) => x[0] === PduType.Confirmation).length, 0, "no Confirmation is sent back");
  // The device's own Random reflected.
  const randDev = concatBytes(Uint8Array.of(6), SAMPLE.cmac.RandDev);
  assert.equal(deviceAgainst([INVITE, START_NO_OOB, PUBKEY_PROV, conf, randDev]).code, ErrorCode.ConfirmationFailed);
});

test("device: tampered Provisioning Data -> Decryption Failed; bad values -> Invalid Data / Cannot Assign Addresses", () => {
  const conf = concatBytes(Uint8Array.of(5), hexToBytes(SAMPLE.cmac.ConfProv));
  const rand = concatBytes(Uint8Array.of(6), SAMPLE.cmac.RandProv);
  const good = hexToBytes("07" + SAMPLE.cmac.EncData + SAMPLE.cmac.MIC);
  for (const i of [1, 13, 25, 26, 33]) {
    const bad = good.slice();
    bad[i] = bad[i]! ^ 0x01;
    assert.equal(deviceAgainst([INVITE, START_NO_OOB, PUBKEY_PROV, conf, rand, bad]).code, ErrorCode.DecryptionFailed, "byte " + i);
  }
  // Correctly encrypted (with the sample's SessionKey/SessionNonce) but unacceptable values.
  const mc = new MeshCrypto(pair().crypto);
  const enc = (plain: Bytes) => concatBytes(Uint8Array.of(7), mc.encryptProvisioningData(SAMPLE.cmac.SessionKey, SAMPLE.cmac.SessionNonce, plain));
  const provData = (f: (d: Uint8Array) => void) => {
    const d = encodeProvisioningData(SAMPLE_DATA);
    f(d);
    return enc(d);
  };
  const ok = deviceAgainst([INVITE, START_NO_OOB, PUBKEY_PROV, conf, rand, provData(() => {})]);
  assert.equal(ok.failed.length, 0, "re-encrypted sample data is accepted");
  const cases: [string, Bytes, number][] = [
    ["address 0x0000", provData((d) => ((d[23] = 0), (d[24] = 0))), ErrorCode.InvalidData],
    ["group address", provData((d) => ((d[23] = 0xc0), (d[24] = 0x01))), ErrorCode.InvalidData],
    ["Key Index > 0xFFF", provData((d) => (d[16] = 0x10)), ErrorCode.InvalidData],
  ];
  for (const [why, pdu, code] of cases) {
    assert.equal(deviceAgainst([INVITE, START_NO_OOB, PUBKEY_PROV, conf, rand, pdu]).code, code, why);
  }
});

test("device: element addresses beyond 0x7FFF -> Cannot Assign Addresses", () => {
  // A real provisioner whose Data is re-encrypted on the way with the last unicast address (white box: the
  // provisioner's session object holds its session key).
  const p = pair({ sample: false, deviceCapabilities: { numberOfElements: 2, algorithms: 1 } });
  let ctx: { sessionKey: Bytes; sessionNonce: Bytes } | undefined;
  p.air.tamper = (dir, pdu) => {
    if (dir !== "p2d" || pdu[0] !== PduType.Data || !ctx) return pdu;
    const mc = new MeshCrypto(p.crypto);
    const plain = mc.decryptProvisioningData(ctx.sessionKey!, ctx.sessionNonce!, pdu.subarray(1))!;
    plain[23] = 0x7f;
    plain[24] = 0xff;
    return concatBytes(Uint8Array.of(7), mc.encryptProvisioningData(ctx.sessionKey!, ctx.sessionNonce!, plain));
  };
  const handle = p.start();
  ctx = (p.provisioner.prov as unknown as { contexts: Map<number, { sessionKey: Bytes; sessionNonce: Bytes }> }).contexts.get(handle.id);
  p.run();
  assert.deepEqual(p.device.of("failed").map((e) => e.code), [ErrorCode.CannotAssignAddresses]);
  assert.deepEqual(p.provisioner.of("failed").map((e) => [e.code, e.byPeer]), [[ErrorCode.CannotAssignAddresses, true]]);
});

test("device: no Link Close after its Failed -> its protocol timer closes the link (Timeout) after 60 s", () => {
  const { p } = deviceAgainst([START_NO_OOB]);
  const t0 = p.clock.now();
  p.clock.runFor(PROVISIONING_TIMEOUT_MS + 1000);
  const closed = p.device.last("link-closed");
  assert.equal(closed?.reason, "timeout");
  assert.equal(closed?.byPeer, false);
  assert.ok(p.clock.now() - t0 >= PROVISIONING_TIMEOUT_MS - 1000);
  // Listening again: a new link can provision it.
  assert.equal(p.device.prov.listening, true);
});

test("device: a silent provisioner -> protocol timeout 60 s after the last PDU", () => {
  const { p } = deviceAgainst([INVITE]);
  p.clock.runFor(PROVISIONING_TIMEOUT_MS - 1000);
  assert.equal(p.device.of("link-closed").length, 0);
  p.clock.runFor(2000);
  assert.equal(p.device.last("link-closed")?.reason, "timeout");
  assert.deepEqual(p.device.of("failed"), []);
});

// ---------------------------------------------------------------------------------------------------------
// The real provisioner against a hostile device (the real device with its PDUs rewritten, or a script)
// ---------------------------------------------------------------------------------------------------------

/** Run the 8.17.1 pair with the device's PDUs of `type` rewritten by `f` (null: dropped). */
function provisionerAgainst(type: number, f: (pdu: Bytes, p: ReturnType<typeof pair>) => Bytes | Bytes[] | null, options: Parameters<typeof pair>[0] = {}) {
  const p = pair(options);
  p.air.tamper = (dir, pdu) => (dir === "d2p" && pdu[0] === type ? f(pdu, p) : pdu);
  p.start();
  p.run();
  const failed = p.provisioner.of("failed");
  return { p, failed, code: failed[0]?.code, byPeer: failed[0]?.byPeer };
}

function assertProvisionerFailed(r: ReturnType<typeof provisionerAgainst>, code: number, deviceCompleted = false) {
  assert.equal(r.code, code);
  assert.equal(r.byPeer, false);
  assert.equal(r.failed.length, 1);
  assert.deepEqual(r.p.provisioner.of("complete"), []);
  const pc = r.p.provisioner.last("link-closed")!;
  assert.deepEqual([pc.reason, pc.byPeer], ["error", false], "the provisioner closes with Fail");
  const dc = r.p.device.last("link-closed")!;
  assert.deepEqual([dc.reason, dc.byPeer], ["error", true]);
  assert.equal(r.p.device.of("complete").length, deviceCompleted ? 1 : 0);
}

test("provisioner: the device's Confirmation equal to its own -> Confirmation Failed, link closed with Fail", () => {
  const r = provisionerAgainst(PduType.Confirmation, () => hexToBytes("05" + SAMPLE.cmac.ConfProv));
  assertProvisionerFailed(r, ErrorCode.ConfirmationFailed);
  assert.equal(r.p.air.pdus("p2d").filter((x) => x[0] === PduType.Random).length, 0, "no Random is revealed");
});

test("provisioner: the device's Random equal to its own -> Confirmation Failed", () => {
  const r = provisionerAgainst(PduType.Random, () => concatBytes(Uint8Array.of(6), SAMPLE.cmac.RandProv));
  assertProvisionerFailed(r, ErrorCode.ConfirmationFailed);
  assert.equal(r.p.air.pdus("p2d").filter((x) => x[0] === PduType.Data).length, 0, "no Data is sent");
});

test("provisioner: the device's Confirmation not matching its Random -> Confirmation Failed", () => {
  const r = provisionerAgainst(PduType.Confirmation, (pdu) => {
    const x = pdu.slice();
    x[5] = x[5]! ^ 0x10;
    return x;
  });
  assertProvisionerFailed(r, ErrorCode.ConfirmationFailed);
});

test("provisioner: the device's public key invalid or equal to its own -> Invalid Format", () => {
  assertProvisionerFailed(
    provisionerAgainst(PduType.PublicKey, (pdu) => {
      const x = pdu.slice();
      x[40] = x[40]! ^ 1;
      return x;
    }),
    ErrorCode.InvalidFormat,
  );
  assertProvisionerFailed(provisionerAgainst(PduType.PublicKey, () => concatBytes(Uint8Array.of(3), SAMPLE.PubProv)), ErrorCode.InvalidFormat);
});

test("provisioner: malformed or out-of-turn PDUs from the device", () => {
  // Capabilities with zero elements (Prohibited) -> Invalid Format.
  assertProvisionerFailed(provisionerAgainst(PduType.Capabilities, () => hexToBytes("01" + "0000010000000000000000")), ErrorCode.InvalidFormat);
  // Capabilities with Public Key Type bit 1 or OOB Type bit 2 (Prohibited, 5.4.1.2) -> Invalid Format.
  assertProvisionerFailed(provisionerAgainst(PduType.Capabilities, () => hexToBytes("01" + "0100010200000000000000")), ErrorCode.InvalidFormat);
  assertProvisionerFailed(provisionerAgainst(PduType.Capabilities, () => hexToBytes("01" + "0100010004000000000000")), ErrorCode.InvalidFormat);
  // Provisioning Failed with Error Code 0x00 (Prohibited, 5.4.1.10) -> Invalid Format, not a failure reported by the device.
  const prohibited = provisionerAgainst(PduType.Random, () => Uint8Array.of(PduType.Failed, 0x00));
  assertProvisionerFailed(prohibited, ErrorCode.InvalidFormat);
  assert.deepEqual(prohibited.failed.map((e) => [e.code, e.byPeer, e.reason]), [[ErrorCode.InvalidFormat, false, "Error Code 0x00 Prohibited"]]);
  // Capabilities with no known algorithm.
  assertProvisionerFailed(provisionerAgainst(PduType.Capabilities, () => hexToBytes("01" + "0100040000000000000000")), ErrorCode.InvalidFormat);
  // A Confirmation of the HMAC length under CMAC.
  assertProvisionerFailed(provisionerAgainst(PduType.Confirmation, () => concatBytes(Uint8Array.of(5), new Uint8Array(32).fill(9))), ErrorCode.InvalidFormat);
  // Complete right after Capabilities.
  assertProvisionerFailed(provisionerAgainst(PduType.Capabilities, (pdu) => [pdu, Uint8Array.of(8)]), ErrorCode.UnexpectedPdu);
  // An RFU PDU type.
  assertProvisionerFailed(provisionerAgainst(PduType.Capabilities, () => Uint8Array.of(0x20, 1)), ErrorCode.InvalidPdu);
  // A Record PDU (not supported).
  assertProvisionerFailed(provisionerAgainst(PduType.Capabilities, () => Uint8Array.of(PduType.RecordsList, 0, 0)), ErrorCode.InvalidPdu);
  // Padding bits.
  // (The device sent a good Complete, so it is provisioned; the provisioner does not accept the garbled one.)
  assertProvisionerFailed(provisionerAgainst(PduType.Complete, () => Uint8Array.of(0x88)), ErrorCode.InvalidFormat, true);
});

test("provisioner: a Provisioning Failed from the device is reported with its code, link closed with Fail", () => {
  const r = provisionerAgainst(PduType.Random, () => Uint8Array.of(9, ErrorCode.OutOfResources));
  assert.deepEqual(r.failed.map((e) => [e.code, e.byPeer]), [[ErrorCode.OutOfResources, true]]);
  assert.deepEqual(
    [r.p.provisioner.last("link-closed")!.reason, r.p.provisioner.last("link-closed")!.byPeer],
    ["error", false],
  );
  // The real device's Provisioning Failed, end to end: the provisioner's Data is tampered on the way.
  const p = pair();
  p.air.tamper = (dir, pdu) => {
    if (dir !== "p2d" || pdu[0] !== PduType.Data) return pdu;
    const x = pdu.slice();
    x[3] = x[3]! ^ 0xff;
    return x;
  };
  p.start();
  p.run();
  assert.deepEqual(p.device.of("failed").map((e) => [e.code, e.byPeer]), [[ErrorCode.DecryptionFailed, false]]);
  assert.deepEqual(p.provisioner.of("failed").map((e) => [e.code, e.byPeer]), [[ErrorCode.DecryptionFailed, true]]);
  assert.equal(p.provisioner.last("link-closed")!.reason, "error");
  assert.equal(p.device.last("link-closed")!.reason, "error");
});

test("provisioner: wrong Confirmation from the provisioner side is caught by the device (both sides report)", () => {
  const p = pair();
  p.air.tamper = (dir, pdu) => {
    if (dir !== "p2d" || pdu[0] !== PduType.Confirmation) return pdu;
    const x = pdu.slice();
    x[1] = x[1]! ^ 1;
    return x;
  };
  p.start();
  p.run();
  assert.deepEqual(p.device.of("failed").map((e) => e.code), [ErrorCode.ConfirmationFailed]);
  assert.deepEqual(p.provisioner.of("failed").map((e) => [e.code, e.byPeer]), [[ErrorCode.ConfirmationFailed, true]]);
});

test("provisioner: a device that never answers -> link establishment timeout, link-closed timeout", () => {
  const p = pair();
  // Nobody listens for this UUID.
  p.provisioner.prov.provision(Uint8Array.from({ length: 16 }, (_, i) => i), SAMPLE_DATA, {});
  p.clock.runWhile(() => p.provisioner.of("link-closed").length === 0, 200_000);
  const c = p.provisioner.last("link-closed")!;
  assert.deepEqual([c.reason, c.byPeer], ["timeout", false]);
  assert.ok(p.clock.now() >= 60_000 && p.clock.now() <= 61_000, "after 60 s: " + p.clock.now());
  assert.deepEqual(p.provisioner.of("link-established"), []);
  assert.deepEqual(p.provisioner.of("failed"), []);
  assert.deepEqual(p.provisioner.prov.activeContexts(), []);
});

test("provisioner: a device that opens the link but goes silent -> protocol timeout after 60 s", () => {
  const r = provisionerAgainst(PduType.Capabilities, () => null);
  // Both protocol timers run; whichever expires first closes the link with Timeout.
  assert.equal(r.p.provisioner.last("link-closed")!.reason, "timeout");
  assert.equal(r.p.device.last("link-closed")!.reason, "timeout");
  assert.ok(r.p.clock.now() >= PROVISIONING_TIMEOUT_MS);
  assert.deepEqual(r.failed, []);
});

test("provisioner: a device with too many elements for the address -> Cannot Assign Addresses", () => {
  const p = pair({ sample: false, deviceCapabilities: { numberOfElements: 3, algorithms: 1 } });
  p.setData({ ...SAMPLE_DATA, unicastAddress: 0x7ffe });
  p.start();
  p.run();
  assert.deepEqual(p.provisioner.of("failed").map((e) => [e.code, e.byPeer]), [[ErrorCode.CannotAssignAddresses, false]]);
  assert.equal(p.provisioner.last("link-closed")!.reason, "error");
  // With 2 elements it fits exactly.
  const q = pair({ sample: false, deviceCapabilities: { numberOfElements: 2, algorithms: 1 } });
  q.setData({ ...SAMPLE_DATA, unicastAddress: 0x7ffe });
  q.start();
  q.run();
  assert.equal(q.device.last("complete")?.unicastAddress, 0x7ffe);
});

test("provisioner: an invalid OOB public key from the application -> Invalid Format", () => {
  const p = pair({
    sample: false,
    deviceCapabilities: { numberOfElements: 1, algorithms: 1, publicKeyType: 1 },
    deviceOptions: { keyPair: new NodeCryptoPrimitives().p256GenerateKeyPair() },
    choice: { algorithm: 0, publicKey: 1, method: 0, action: 0, size: 0 },
    provisionerHandlers: { "oob-pubkey-request": (e, n) => n.prov.oobPublicKeyProvide(e.ctx, new Uint8Array(64).fill(1)) },
  });
  p.start();
  p.run();
  assert.deepEqual(p.provisioner.of("failed").map((e) => [e.code, e.byPeer]), [[ErrorCode.InvalidFormat, false]]);
  // A wrong (valid) OOB key: the shared secrets differ, the device finds the provisioner's Confirmation wrong.
  const q = pair({
    sample: false,
    deviceCapabilities: { numberOfElements: 1, algorithms: 1, publicKeyType: 1 },
    deviceOptions: { keyPair: new NodeCryptoPrimitives().p256GenerateKeyPair() },
    choice: { algorithm: 0, publicKey: 1, method: 0, action: 0, size: 0 },
    provisionerHandlers: { "oob-pubkey-request": (e, n) => n.prov.oobPublicKeyProvide(e.ctx, SAMPLE.PubDev) },
  });
  q.start();
  q.run();
  assert.deepEqual(q.device.of("failed").map((e) => e.code), [ErrorCode.ConfirmationFailed]);
  assert.deepEqual(q.provisioner.of("failed").map((e) => [e.code, e.byPeer]), [[ErrorCode.ConfirmationFailed, true]]);
});

test("wrong static OOB value on one side -> Confirmation Failed on the device", () => {
  const p = pair({
    alg: "hmac",
    sample: false,
    provisionerHandlers: { "static-request": (e, n) => n.prov.authDataProvide(e.ctx, new Uint8Array(e.length).fill(1)) },
  });
  p.start();
  p.run();
  assert.deepEqual(p.device.of("failed").map((e) => e.code), [ErrorCode.ConfirmationFailed]);
  assert.deepEqual(p.provisioner.of("failed").map((e) => [e.code, e.byPeer]), [[ErrorCode.ConfirmationFailed, true]]);
});

test("device: a flood of PDUs while it computes ECDH -> Out of Resources", () => {
  const p = pair({ deviceEcdhMs: 5000 });
  p.device.prov.listen(SAMPLE.UUID);
  const raw = rawProvisioner(p.air, SAMPLE.UUID);
  p.clock.runWhile(() => !raw.opened(), 10_000);
  for (const pdu of [INVITE, START_NO_OOB, PUBKEY_PROV]) {
    raw.link.send(pdu);
    p.clock.runFor(100);
  }
  for (let i = 0; i < 9; i++) raw.link.send(concatBytes(Uint8Array.of(5), new Uint8Array(16).fill(i)));
  p.clock.runFor(1000);
  const failed = raw.received.filter((r) => r[0] === PduType.Failed);
  assert.deepEqual(failed.map((f) => f[1]), [ErrorCode.OutOfResources]);
  // The device never used the queued PDUs.
  p.clock.runFor(10_000);
  assert.deepEqual(p.device.of("failed").map((e) => e.code), [ErrorCode.OutOfResources]);
  assert.equal(raw.received.filter((r) => r[0] === PduType.Confirmation).length, 0);
});
