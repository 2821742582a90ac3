// Unprovisioned Device beacon codec (Mesh Protocol 1.1, 3.10.2) against the sample data of 8.4.1 and 8.4.2.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BeaconType, OOB_INFO, decodeBeacon, encodeUnprovisionedBeacon, uriHash } from "../modules/beacon.js";
import { MeshCrypto } from "../modules/crypto/mesh.js";
import { bytesToHex, hexToBytes, utf8Encode } from "../modules/crypto/bytes.js";
import { NodeCryptoPrimitives, seededRandom } from "../host/node-crypto.js";
import { BEACONS } from "./crypto/fixtures.js";

const h = hexToBytes;
const mc = new MeshCrypto(new NodeCryptoPrimitives());

test("OOB Information bits (Table 3.54) reproduce the 8.4.1/8.4.2 values", () => {
  assert.equal(OOB_INFO.STRING | OOB_INFO.ON_PIECE_OF_PAPER | OOB_INFO.ON_DEVICE, BEACONS.withoutUri.oobInfo);
  assert.equal(OOB_INFO.NUMBER | OOB_INFO.INSIDE_MANUAL, BEACONS.withUri.oobInfo);
  const bits = Object.values(OOB_INFO);
  assert.equal(new Set(bits).size, bits.length);
  for (const b of bits) assert.equal(b & (b - 1), 0, "one bit each");
  assert.equal(bits.reduce((a, b) => a | b, 0), 0xffff & ~((1 << 9) | (1 << 10)), "bits 9 and 10 are RFU");
});

test("8.4.1 Unprovisioned Device beacon without URI: encode and decode", () => {
  const v = BEACONS.withoutUri;
  const data = encodeUnprovisionedBeacon({ uuid: h(v.uuid), oobInfo: v.oobInfo });
  assert.equal(bytesToHex(data), v.beacon);
  assert.deepEqual(decodeBeacon(data), { type: "unprovisioned", uuid: h(v.uuid), oobInfo: v.oobInfo });
});

test("8.4.2 Unprovisioned Device beacon with URI: URI Hash = first 4 bytes of s1(URI data)", () => {
  const v = BEACONS.withUri;
  // The "https:" scheme is the code point U+0017 in the URI AD data.
  const uriData = "\u0017" + v.uri.slice("https:".length);
  assert.equal(bytesToHex(utf8Encode(uriData)), v.uriData);
  assert.equal(bytesToHex(mc.s1(utf8Encode(uriData))), v.s1UriData);
  const hash = uriHash(mc, uriData);
  assert.equal(bytesToHex(hash), v.s1UriData.slice(0, 8));
  const data = encodeUnprovisionedBeacon({ uuid: h(v.uuid), oobInfo: v.oobInfo, uriHash: hash });
  assert.equal(bytesToHex(data), v.beacon);
  assert.deepEqual(decodeBeacon(data), { type: "unprovisioned", uuid: h(v.uuid), oobInfo: v.oobInfo, uriHash: hash });
});

test("decodeBeacon: other beacon types are passed on, malformed data is a typed 'invalid'", () => {
  const secure = h("01003ecaff672f673370123456788ea261582f364f6f"); // 8.4.3 Secure Network beacon
  assert.deepEqual(decodeBeacon(secure), { type: "other", beaconType: BeaconType.SECURE_NETWORK, data: secure.slice(1) });
  assert.deepEqual(decodeBeacon(Uint8Array.of(0x7f)), { type: "other", beaconType: 0x7f, data: new Uint8Array(0) });
  assert.equal(decodeBeacon(new Uint8Array(0)).type, "invalid");
  for (const n of [1, 2, 17, 18, 20, 21, 22, 24, 31]) {
    const r = decodeBeacon(new Uint8Array(n));
    assert.equal(r.type, "invalid", `length ${n}`);
    if (r.type === "invalid") assert.match(r.reason, /\d+ bytes/);
  }
  assert.equal(decodeBeacon(null as unknown as Uint8Array).type, "invalid");
});

test("decodeBeacon never throws on random data, and encode/decode round-trip random beacons", () => {
  const rnd = seededRandom(51);
  for (let i = 0; i < 500; i++) {
    const data = rnd(i % 30);
    if (i % 2 === 0 && data.length) data[0] = 0;
    assert.doesNotThrow(() => decodeBeacon(data));
  }
  for (let i = 0; i < 100; i++) {
    const uuid = rnd(16);
    const oob = (rnd(1)[0] << 8) | rnd(1)[0];
    const hash = i % 2 ? rnd(4) : undefined;
    const decoded = decodeBeacon(encodeUnprovisionedBeacon({ uuid, oobInfo: oob, uriHash: hash }));
    assert.deepEqual(decoded, hash ? { type: "unprovisioned", uuid, oobInfo: oob, uriHash: hash } : { type: "unprovisioned", uuid, oobInfo: oob });
  }
});

test("decodeBeacon returns copies, not views into the received buffer", () => {
  const data = encodeUnprovisionedBeacon({ uuid: new Uint8Array(16).fill(1), oobInfo: 0, uriHash: Uint8Array.of(1, 2, 3, 4) });
  const r = decodeBeacon(data);
  data.fill(0);
  assert.ok(r.type === "unprovisioned" && r.uuid[0] === 1 && r.uriHash![0] === 1);
});

test("encodeUnprovisionedBeacon: bad arguments throw RangeError", () => {
  const uuid = new Uint8Array(16);
  assert.throws(() => encodeUnprovisionedBeacon({ uuid: new Uint8Array(15), oobInfo: 0 }), RangeError);
  assert.throws(() => encodeUnprovisionedBeacon({ uuid, oobInfo: 0x10000 }), RangeError);
  assert.throws(() => encodeUnprovisionedBeacon({ uuid, oobInfo: -1 }), RangeError);
  assert.throws(() => encodeUnprovisionedBeacon({ uuid, oobInfo: 1.5 }), RangeError);
  assert.throws(() => encodeUnprovisionedBeacon({ uuid, oobInfo: 0, uriHash: new Uint8Array(16) }), RangeError);
});
