// Network PDU (Mesh Protocol 1.1, 3.4.4, 3.9.7.2-3) and transport codecs against the section 8.3 sample data,
// byte for byte in both directions: send builds every intermediate and the final network PDU; receive
// deobfuscates, decrypts and decodes it back to the fields and the access payload. Bad input: wrong NID,
// wrong IV index, a flipped NetMIC bit, truncated PDUs. Crypto cross-checked on node's AES and @noble/ciphers.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { CryptoPrimitives } from "../../modules/platform.js";
import { MeshCrypto } from "../../modules/crypto/mesh.js";
import { accessNonce, networkNonce } from "../../modules/net/nonce.js";
import { bytesToHex as x, hexToBytes as h } from "../../modules/crypto/bytes.js";
import { softCryptoPrimitives } from "../../modules/crypto/soft.js";
import { NodeCryptoPrimitives, seededRandom } from "../../host/node-crypto.js";
import { nobleBase } from "../crypto/noble-base.js";
import { decodeNetworkPdu, deriveNetworkKeys, encodeNetworkPdu, pecb } from "../../modules/net/pdu.js";
import type { NetworkKeys } from "../../modules/net/pdu.js";
import { decodeLowerPdu, encodeLowerPdu } from "../../modules/transport/pdu.js";
import { decryptAccess, encryptAccess } from "../../modules/transport/upper.js";
import { KEYS, MESSAGES, SECURITY_SAMPLES } from "./sample-data.js";
import type { SampleMessage } from "./sample-data.js";
import { beaconKey, virtualAddress } from "../../modules/net/keys.js";

const stacks: [string, CryptoPrimitives][] = [
  ["node", new NodeCryptoPrimitives()],
  ["noble + portable modes", softCryptoPrimitives(nobleBase(seededRandom(7)))],
];

function keysOf(m: SampleMessage): NetworkKeys {
  const k = KEYS[m.credentials];
  return { nid: k.nid, encryptionKey: h(k.encryptionKey), privacyKey: h(k.privacyKey) };
}

for (const [name, prims] of stacks) {
  const mc = new MeshCrypto(prims);

  test(`[${name}] 8.1.3-8.1.6: k2 (flooding, friendship), k3, k4 with the section's own keys`, () => {
    const s = SECURITY_SAMPLES;
    for (const v of [s.k2Flooding, s.k2Friendship]) {
      const k = mc.k2(h(s.netKey), h(v.p));
      assert.deepEqual({ nid: k.nid, e: x(k.encryptionKey), p: x(k.privacyKey) }, { nid: v.nid, e: v.encryptionKey, p: v.privacyKey });
    }
    assert.equal(x(mc.k3(h(s.netKey))), s.networkId);
    assert.equal(mc.k4(h(s.appKey)), s.aid);
  });

  test(`[${name}] 8.2.1-8.2.7: NID, EncryptionKey, PrivacyKey, Network ID, AID, BeaconKey of the 8.3 keys`, () => {
    const k = deriveNetworkKeys(mc, h(KEYS.netKey));
    assert.equal(k.nid, KEYS.flooding.nid);
    assert.equal(x(k.encryptionKey), KEYS.flooding.encryptionKey);
    assert.equal(x(k.privacyKey), KEYS.flooding.privacyKey);
    const f = mc.k2(h(KEYS.netKey), h(KEYS.friendship.p));
    assert.equal(f.nid, KEYS.friendship.nid);
    assert.equal(x(f.encryptionKey), KEYS.friendship.encryptionKey);
    assert.equal(x(mc.k3(h(KEYS.netKey))), KEYS.networkId);
    assert.equal(mc.k4(h(KEYS.appKey)), KEYS.aid);
    assert.equal(x(beaconKey(mc, h(KEYS.netKey))), KEYS.beaconKey);
  });

  for (const m of MESSAGES) {
    test(`[${name}] 8.3.${m.n}: send builds every PDU byte for byte`, () => {
      const keys = keysOf(m);
      for (const p of m.pdus) {
        assert.equal(x(networkNonce(m.ctl, m.ttl, p.seq, m.src, m.ivIndex)), p.networkNonce, "network nonce");
        const pdu = encodeNetworkPdu(prims, keys, { ivIndex: m.ivIndex, ctl: m.ctl, ttl: m.ttl, seq: p.seq, src: m.src, dst: m.dst }, h(p.lowerTransportPdu));
        const enc = pdu.subarray(7);
        assert.equal(x(enc), p.encDstTransportPdu + p.netMic, "EncDST || EncTransportPDU || NetMIC");
        assert.equal(enc.length - p.encDstTransportPdu.length / 2, p.netMicSize / 8, "NetMIC size");
        assert.equal(x(pecb(prims, keys.privacyKey, m.ivIndex, enc)), p.pecb, "PECB");
        assert.equal(x(pdu), p.networkPdu, "network PDU");
      }
      if (m.access) {
        // Upper transport: encrypt the access payload, then segment it exactly as the sample does.
        const a = m.access;
        const seq0 = m.pdus[0]!.seq;
        const device = a.key === "device";
        const sec = {
          device, key: h(device ? KEYS.devKey : KEYS.appKey), bigMic: a.szmic === 1, segmented: m.seg === 1,
          seq: seq0, src: m.src, dst: m.dst, ivIndex: m.ivIndex, ...(a.label ? { label: h(a.label) } : {}),
        };
        assert.equal(x(accessNonce(device, m.seg === 1 && a.szmic === 1, seq0, m.src, m.dst, m.ivIndex)), a.nonce, "access nonce");
        const upper = encryptAccess(prims, sec, h(a.accessPayload));
        assert.equal(x(upper), a.upperTransportPdu, "upper transport PDU");
        if (a.label) assert.equal(virtualAddress(mc, h(a.label)), m.dst, "virtual address of the label");
        assert.equal(a.aid, device ? 0 : mc.k4(h(KEYS.appKey)));
        m.pdus.forEach((p, i) => {
          const lower = m.seg
            ? encodeLowerPdu({ seg: true, ctl: 0, akf: !device, aid: a.aid, szmic: a.szmic === 1, seqZero: m.seqZero!, segO: i, segN: m.segN!, segment: upper.subarray(i * 12, i * 12 + 12) })
            : encodeLowerPdu({ seg: false, ctl: 0, akf: !device, aid: a.aid, upper });
          assert.equal(x(lower), p.lowerTransportPdu, `lower transport PDU ${i}`);
        });
      }
      if (m.control && !m.seg) {
        const lower = encodeLowerPdu({ seg: false, ctl: 1, opcode: m.control.opcode, params: h(m.control.parameters) });
        assert.equal(x(lower), m.pdus[0]!.lowerTransportPdu, "control lower transport PDU");
      }
    });

    test(`[${name}] 8.3.${m.n}: receive decodes every PDU back to its fields`, () => {
      const keys = keysOf(m);
      const segments: Uint8Array[] = [];
      for (const p of m.pdus) {
        const r = decodeNetworkPdu(prims, keys, m.ivIndex, h(p.networkPdu));
        assert.ok(r, "decodes");
        assert.deepEqual(r.header, { ivIndex: m.ivIndex, ctl: m.ctl, ttl: m.ttl, seq: p.seq, src: m.src, dst: m.dst });
        assert.equal(x(r.transportPdu), p.lowerTransportPdu);
        const lower = decodeLowerPdu(m.ctl, r.transportPdu);
        assert.ok(typeof lower !== "string", String(lower));
        assert.equal(lower.seg, m.seg === 1);
        if (lower.seg) {
          assert.equal(lower.seqZero, m.seqZero);
          assert.equal(lower.segN, m.segN);
          assert.equal(lower.segO, p.segO);
          segments[lower.segO] = lower.segment;
        } else if (lower.ctl === 0) {
          segments[0] = lower.upper;
        } else {
          assert.equal(lower.opcode, m.control!.opcode);
          assert.equal(x(lower.params), m.control!.parameters);
        }
        // Bad input: wrong NID, wrong IV index, a flipped NetMIC bit, truncation are all "not for us".
        const bad = h(p.networkPdu);
        bad[bad.length - 1]! ^= 1;
        assert.equal(decodeNetworkPdu(prims, keys, m.ivIndex, bad), undefined, "bad NetMIC");
        assert.equal(decodeNetworkPdu(prims, { ...keys, nid: keys.nid ^ 1 }, m.ivIndex, h(p.networkPdu)), undefined, "wrong NID");
        assert.equal(decodeNetworkPdu(prims, keys, m.ivIndex - 2, h(p.networkPdu)), undefined, "IV index - 2");
        assert.equal(decodeNetworkPdu(prims, keys, m.ivIndex, h(p.networkPdu).subarray(0, 13)), undefined, "truncated");
      }
      if (m.access) {
        const a = m.access;
        const upper = Buffer.concat(segments);
        assert.equal(x(upper), a.upperTransportPdu, "reassembled upper transport PDU");
        const device = a.key === "device";
        const sec = {
          device, key: h(device ? KEYS.devKey : KEYS.appKey), bigMic: a.szmic === 1, segmented: m.seg === 1,
          seq: m.pdus[0]!.seq, src: m.src, dst: m.dst, ivIndex: m.ivIndex, ...(a.label ? { label: h(a.label) } : {}),
        };
        const payload = decryptAccess(prims, sec, upper);
        assert.ok(payload, "TransMIC matches");
        assert.equal(x(payload), a.accessPayload);
        // The wrong key (or no label for a virtual destination) fails the TransMIC.
        assert.equal(decryptAccess(prims, { ...sec, key: h(device ? KEYS.appKey : KEYS.devKey) }, upper), null);
        if (a.label) assert.equal(decryptAccess(prims, { ...sec, label: new Uint8Array(16) }, upper), null);
      }
    });
  }
}

test("8.3.17 is 8.3.16 relayed: same SEQ, TTL - 1", () => {
  const m17 = MESSAGES.find((m) => m.n === 17)!;
  const m16 = MESSAGES.find((m) => m.n === 16)!;
  assert.deepEqual(m17.sameAs, { message: 16, pdu: 0, relay: true });
  assert.equal(m17.pdus[0]!.lowerTransportPdu, m16.pdus[0]!.lowerTransportPdu);
  assert.equal(m17.ttl, m16.ttl - 1);
});

test("lower transport: malformed PDUs are reasons, not exceptions", () => {
  assert.match(String(decodeLowerPdu(0, new Uint8Array(0))), /empty/);
  assert.match(String(decodeLowerPdu(0, h("0001020304"))), /shorter/);
  assert.match(String(decodeLowerPdu(0, h("80000000"))), /shorter/);
  // SegO 2 > SegN 1 (3.5.2.2).
  assert.match(String(decodeLowerPdu(0, h("8026ac4100"))), /outside SegN/);
  assert.match(String(decodeLowerPdu(1, h("80a6ac0100"))), /RFU/);
});

test("random inputs: network PDUs and upper transport PDUs agree between node:crypto and @noble/ciphers, and round-trip", () => {
  const [a, b] = [stacks[0]![1], stacks[1]![1]];
  const rnd = seededRandom(2024);
  for (let i = 0; i < 200; i++) {
    const r = rnd(64);
    const keys = deriveNetworkKeys(new MeshCrypto(a), r.subarray(0, 16));
    const ctl = (r[16]! & 1) as 0 | 1;
    const hdr = { ivIndex: ((r[17]! << 24) | (r[18]! << 16) | (r[19]! << 8) | r[20]!) >>> 0, ctl, ttl: r[21]! & 0x7f, seq: ((r[22]! << 16) | (r[23]! << 8) | r[24]!) >>> 0, src: 1 + (((r[25]! << 8) | r[26]!) % 0x7fff), dst: 1 + (((r[27]! << 8) | r[28]!) % 0xffff) };
    const transport = r.subarray(30, 30 + 1 + (r[29]! % (ctl ? 12 : 16)));
    const pa = encodeNetworkPdu(a, keys, hdr, transport);
    assert.equal(x(encodeNetworkPdu(b, keys, hdr, transport)), x(pa));
    const back = decodeNetworkPdu(b, keys, hdr.ivIndex, pa);
    assert.ok(back);
    assert.deepEqual(back.header, hdr);
    assert.equal(x(back.transportPdu), x(transport));
    const sec = { device: (r[29]! & 2) !== 0, key: r.subarray(40, 56), bigMic: (r[29]! & 4) !== 0, segmented: true, seq: hdr.seq, src: hdr.src, dst: hdr.dst, ivIndex: hdr.ivIndex, ...((r[29]! & 8) !== 0 ? { label: r.subarray(44, 60) } : {}) };
    const payload = rnd(1 + (r[30]! % 60));
    const ua = encryptAccess(a, sec, payload);
    assert.equal(x(encryptAccess(b, sec, payload)), x(ua));
    assert.equal(x(decryptAccess(b, sec, ua)!), x(payload));
  }
});
