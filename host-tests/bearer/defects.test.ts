/**
 * Regression tests for the PB-ADV defects found from outside (issue 8): defect 7 (reassembly limit, Link ID
 * source) and defect 11 (a peer's next PDU acknowledges ours).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { VirtualClock } from "../../host/virtual-clock.js";
import { AdvBearer } from "../../modules/bearer/adv.js";
import { decodePbAdvPdu, PbAdv, PROVISIONING_PDU_MAX } from "../../modules/bearer/pb-adv.js";
import { segmentProvisioningPdu } from "../../modules/bearer/gprov.js";
import type { LinkEvents } from "../../modules/bearer/bearer.js";
import { AD_TYPE } from "../../modules/platform.js";
import type { Bytes } from "../../modules/platform.js";
import { seededRandom } from "../../host/prng.js";
import { CaptureRadio, hex, unhex } from "./loopback.js";
import { runExchange } from "./exchange.js";

const UUID = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);

function deviceOnCapture() {
  const clock = new VirtualClock();
  const radio = new CaptureRadio(clock);
  const pb = new PbAdv(new AdvBearer(radio, clock), clock, { randomBytes: seededRandom(3) });
  const received: Bytes[] = [];
  const events: LinkEvents = { opened: () => {}, received: (_l, pdu) => received.push(pdu), closed: () => {} };
  pb.listen(UUID, events);
  const frame = (tn: number, gp: Bytes | string) => unhex("01020304" + tn.toString(16).padStart(2, "0") + (typeof gp === "string" ? gp : hex(gp)));
  radio.inject(AD_TYPE.PB_ADV, frame(0, "03" + hex(UUID)));
  clock.runFor(100);
  const acks = () => radio.sent.filter((s) => { const d = decodePbAdvPdu(s.data); return d.ok && d.pdu.type === "TransactionAcknowledgment"; }).length;
  return { clock, radio, received, frame, acks };
}

test("defect 7: a transaction longer than the largest Provisioning PDU this build supports is neither acknowledged nor delivered", () => {
  assert.equal(PROVISIONING_PDU_MAX, 65, "the Provisioning Public Key: Type + 64 octets (5.4.1.3)");
  const d = deviceOnCapture();
  const tooLong = Uint8Array.from({ length: PROVISIONING_PDU_MAX + 1 }, (_, i) => i & 0x3f);
  for (const seg of segmentProvisioningPdu(tooLong)) d.radio.inject(AD_TYPE.PB_ADV, d.frame(0, seg));
  d.clock.runFor(200);
  assert.equal(d.acks(), 0, "no acknowledgment");
  assert.equal(d.received.length, 0, "nothing delivered");
  // The largest one is still taken.
  const largest = tooLong.subarray(0, PROVISIONING_PDU_MAX);
  for (const seg of segmentProvisioningPdu(largest)) d.radio.inject(AD_TYPE.PB_ADV, d.frame(0, seg));
  d.clock.runFor(200);
  assert.equal(d.acks(), 1);
  assert.deepEqual(d.received.map(hex), [hex(largest)]);
});

test("defect 7: Link IDs and delays come from the platform's random source, never Math.random", () => {
  const clock = new VirtualClock();
  const radio = new CaptureRadio(clock);
  let asked = 0;
  const random = { randomBytes: (n: number) => (asked++, Uint8Array.from({ length: n }, (_, i) => 0xc0 + i)) };
  const pb = new PbAdv(new AdvBearer(radio, clock), clock, random);
  const saved = Math.random;
  Math.random = () => {
    throw new Error("Math.random used");
  };
  try {
    pb.open(UUID, { opened: () => {}, received: () => {}, closed: () => {} });
    clock.runFor(100);
  } finally {
    Math.random = saved;
  }
  const open = decodePbAdvPdu(radio.sent[0]!.data);
  assert.ok(open.ok && open.pdu.type === "LinkOpen");
  assert.equal(open.linkId, 0xc0c1c2c3);
  assert.ok(asked >= 2, "the Link ID and the 20..50 ms delay");
});

test("defect 11: against a peer that never sends Transaction Acknowledgments, both roles finish as fast as with one that does", () => {
  for (const hub of [false, true]) {
    for (let seed = 1; seed <= 10; seed++) {
      const normal = runExchange({ seed, hub });
      assert.ok(normal.completed && normal.errors.length === 0, `seed ${seed}: ${normal.errors.join(", ")}`);
      for (const neverAcks of ["D", "P"] as const) {
        const r = runExchange({ seed, hub, neverAcks });
        const who = `${hub ? "hub" : "loopback"} seed ${seed}, the ${neverAcks === "D" ? "device" : "provisioner"} never acks`;
        assert.ok(r.completed, `${who}: ${JSON.stringify(r)}`);
        assert.deepEqual(r.errors, [], who);
        // Every PDU the peer answers is acknowledged by that answer, at once; only the provisioner's Start (which
        // the device answers after our Public Key) waits, for one retransmission, before our Public Key
        // supersedes it: two backed-off RTOs of the adaptive policy (150 + 225 ms) and the air's own randomness on top.
        assert.ok(r.timeMs <= normal.timeMs + 600, `${who}: ${r.timeMs} ms, with acks ${normal.timeMs} ms`);
      }
    }
  }
});
