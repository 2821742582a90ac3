/**
 * PB-ADV against the Mesh Protocol 1.1 section 8.7 sample frames, byte for byte: PbAdv is driven with the
 * sample's Link ID; what it advertises is captured and compared, and the sample frames of the other side are
 * fed to it and what it delivers is checked. Transaction segments go out in two passes by default
 * (PB_ADV_DEFAULTS.segmentAdv.count = 2): the capture holds the frames twice, in order.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { VirtualClock } from "../../host/virtual-clock.js";
import { AdvBearer } from "../../modules/bearer/adv.js";
import { PbAdv } from "../../modules/bearer/pb-adv.js";
import type { LinkEvents, ProvLink } from "../../modules/bearer/bearer.js";
import { AD_TYPE } from "../../modules/platform.js";
import { SAMPLE } from "./pbadv-sample.js";
import { CaptureRadio, hex, unhex } from "./loopback.js";

type FrameName = keyof typeof SAMPLE.frames;

/** The Provisioning PDU a sample transaction carries, sliced out of the frames by hand. */
function pduOf(name: FrameName): Uint8Array {
  const frames = SAMPLE.frames[name].map((f) => unhex(f));
  const parts = [frames[0]!.subarray(9), ...frames.slice(1).map((f) => f.subarray(6))];
  return Uint8Array.from(parts.flatMap((p) => Array.from(p)));
}

function ackFrame(tn: number): string {
  return SAMPLE.linkId.toString(16).padStart(8, "0") + tn.toString(16).padStart(2, "0") + "01";
}

function recorder() {
  const log: string[] = [];
  const received: Uint8Array[] = [];
  let link: ProvLink | undefined;
  const events: LinkEvents = {
    opened: (l) => {
      link = l;
      log.push("opened");
    },
    received: (_l, pdu) => {
      received.push(pdu);
      log.push("received " + hex(pdu));
    },
    closed: (_l, reason, byPeer) => log.push(`closed ${reason} ${byPeer}`),
  };
  return { log, received, events, link: () => link };
}

function setup() {
  const clock = new VirtualClock();
  const radio = new CaptureRadio(clock);
  const adv = new AdvBearer(radio, clock);
  const linkIdBytes = Uint8Array.of(SAMPLE.linkId >>> 24, (SAMPLE.linkId >>> 16) & 0xff, (SAMPLE.linkId >>> 8) & 0xff, SAMPLE.linkId & 0xff);
  const pb = new PbAdv(adv, clock, { randomBytes: () => linkIdBytes.slice() });
  let seen = 0;
  /**
   * Frames advertised since the last call, as hex, after 30 ms: every Generic Provisioning PDU goes out after
   * a random 20..50 ms delay (5.3.3); with this random source the delay is 24.2 ms.
   */
  const sent = (): string[] => {
    clock.runFor(30);
    const out = radio.takeFrom(seen).map(hex);
    seen = radio.sent.length;
    return out;
  };
  const feed = (...frames: readonly string[]) => {
    for (const f of frames) radio.inject(AD_TYPE.PB_ADV, unhex(f));
  };
  return { clock, radio, adv, pb, sent, feed };
}

test("provisioner side: the 8.7 provisioning, frame by frame", () => {
  const { pb, sent, feed, clock, radio } = setup();
  const uuid = unhex(SAMPLE.uuid);
  const r = recorder();
  const link = pb.open(uuid, r.events);
  assert.equal(link.linkId, SAMPLE.linkId);
  assert.deepEqual(sent(), SAMPLE.frames.LinkOpen);
  assert.ok(radio.receiver, "scanning while a link is opening");
  // No Link Ack yet: Link Open is retransmitted, unchanged.
  clock.runFor(2000);
  const again = sent();
  assert.ok(again.length >= 2);
  for (const f of again) assert.equal(f, SAMPLE.frames.LinkOpen[0]);
  feed(...SAMPLE.frames.LinkAck);
  assert.deepEqual(r.log, ["opened"]);
  assert.equal(r.link(), link);
  clock.runFor(2000);
  assert.deepEqual(sent(), [], "no Link Open after Link Ack");

  let acked = 0;
  const exchange = (mine: FrameName, myTn: number, theirs?: FrameName, theirTn?: number) => {
    link.send(pduOf(mine), () => acked++);
    assert.deepEqual(sent(), [...SAMPLE.frames[mine], ...SAMPLE.frames[mine]], mine);
    const before = acked;
    feed(mine === "Invite" ? SAMPLE.frames.InviteAck[0] : ackFrame(myTn));
    assert.equal(acked, before + 1, `${mine} acknowledged`);
    if (theirs) {
      const n = r.received.length;
      feed(...SAMPLE.frames[theirs]);
      assert.equal(r.received.length, n + 1, theirs);
      assert.equal(hex(r.received[n]!), hex(pduOf(theirs)), theirs);
      assert.deepEqual(sent(), [ackFrame(theirTn!)], `ack of ${theirs}`);
    }
  };
  exchange("Invite", 0x00, "Capabilities", 0x80);
  exchange("Start", 0x01);
  exchange("PublicKeyProvisioner", 0x02, "PublicKeyDevice", 0x81);
  assert.equal(hex(r.received[1]!), "03" + SAMPLE.pubDev);
  exchange("ConfirmationProvisioner", 0x03, "ConfirmationDevice", 0x82);
  exchange("RandomProvisioner", 0x04, "RandomDevice", 0x83);
  exchange("Data", 0x05, "Complete", 0x84);
  assert.equal(acked, 6);

  link.close(0);
  assert.deepEqual(sent(), SAMPLE.frames.LinkClose);
  assert.ok(radio.sent.at(-1)!.options.count >= 3, "Link Close in at least 3 advertising events");
  assert.ok(!r.log.includes("closed 0 false"), "closed fires once Link Close went out");
  clock.runFor(1000);
  assert.equal(r.log.at(-1), "closed 0 false");
  assert.equal(pb.linkCount, 0);
  assert.equal(radio.receiver, null, "scanning stops with the last link");
  // Anything for the old link is ignored.
  feed(...SAMPLE.frames.Capabilities);
  assert.deepEqual(sent(), []);
});

test("device side: the 8.7 provisioning, frame by frame", () => {
  const { pb, sent, feed, clock } = setup();
  const r = recorder();
  pb.listen(unhex(SAMPLE.uuid), r.events);
  // A Link Open for another UUID is ignored.
  feed("0102030400" + "03" + "00".repeat(16));
  assert.deepEqual(sent(), []);
  feed(...SAMPLE.frames.LinkOpen);
  assert.deepEqual(sent(), SAMPLE.frames.LinkAck);
  assert.deepEqual(r.log, ["opened"]);
  const link = r.link()!;
  assert.equal(link.linkId, SAMPLE.linkId);
  assert.equal(hex(link.uuid), SAMPLE.uuid);
  // A repeated Link Open (our Link Ack was lost) is acknowledged again; the link is not opened twice.
  clock.runFor(100);
  feed(...SAMPLE.frames.LinkOpen);
  assert.deepEqual(sent(), SAMPLE.frames.LinkAck);
  // A Link Open with another Link ID is ignored while the link is open.
  feed("aabbccdd0003" + SAMPLE.uuid);
  assert.deepEqual(sent(), []);
  assert.deepEqual(r.log, ["opened"]);

  let acked = 0;
  const exchange = (theirs: FrameName, theirTn: number, mine?: FrameName, myTn?: number) => {
    const n = r.received.length;
    feed(...SAMPLE.frames[theirs]);
    assert.equal(r.received.length, n + 1, theirs);
    assert.equal(hex(r.received[n]!), hex(pduOf(theirs)), theirs);
    assert.deepEqual(sent(), [theirs === "Invite" ? SAMPLE.frames.InviteAck[0] : ackFrame(theirTn)], `ack of ${theirs}`);
    if (mine) {
      link.send(pduOf(mine), () => acked++);
      assert.deepEqual(sent(), [...SAMPLE.frames[mine], ...SAMPLE.frames[mine]], mine);
      feed(ackFrame(myTn!));
      clock.runFor(100);
      assert.deepEqual(sent(), [], `${mine}: no retransmission after the acknowledgment`);
    }
  };
  exchange("Invite", 0x00, "Capabilities", 0x80);
  // Being provisioned now (5.3.2): a repeated Link Open is no longer acknowledged.
  clock.runFor(100);
  feed(...SAMPLE.frames.LinkOpen);
  assert.deepEqual(sent(), []);
  exchange("Start", 0x01);
  exchange("PublicKeyProvisioner", 0x02, "PublicKeyDevice", 0x81);
  assert.equal(hex(r.received[2]!), "03" + SAMPLE.pubProv);
  exchange("ConfirmationProvisioner", 0x03, "ConfirmationDevice", 0x82);
  exchange("RandomProvisioner", 0x04, "RandomDevice", 0x83);
  exchange("Data", 0x05, "Complete", 0x84);
  assert.equal(acked, 5);
  // The provisioner retransmits Data (our ack was lost): acknowledged again, not delivered again.
  clock.runFor(100); // our acknowledgments have gone out
  sent();
  const n = r.received.length;
  feed(...SAMPLE.frames.Data);
  assert.equal(r.received.length, n);
  // One acknowledgment per repeat: the second segment finds it still queued in the radio.
  assert.deepEqual(sent(), [ackFrame(0x05)]);
  clock.runFor(100);
  feed(SAMPLE.frames.Data[1]!);
  assert.deepEqual(sent(), [ackFrame(0x05)], "a Continuation of the repeated transaction is acknowledged too");
  feed(...SAMPLE.frames.RandomProvisioner);
  assert.deepEqual(sent(), [], "an older transaction is ignored");
  assert.equal(r.received.length, n);
  feed(...SAMPLE.frames.LinkClose);
  assert.equal(r.log.at(-1), "closed 0 true");
  clock.runFor(100);
  assert.deepEqual(sent(), [], "nothing sent after the peer's Link Close");
});

test("device side: segments in reverse order and duplicated still deliver once", () => {
  const { pb, sent, feed } = setup();
  const r = recorder();
  pb.listen(unhex(SAMPLE.uuid), r.events);
  feed(...SAMPLE.frames.LinkOpen);
  feed(...SAMPLE.frames.Invite);
  feed(...SAMPLE.frames.Start);
  sent();
  const segs = [...SAMPLE.frames.PublicKeyProvisioner].reverse();
  feed(segs[0]!, segs[0]!, segs[1]!, segs[0]!, segs[2]!, segs[2]!);
  assert.equal(r.received.length, 3);
  assert.equal(hex(r.received[2]!), "03" + SAMPLE.pubProv);
  // One ack for the completion; the late duplicate finds it still queued in the radio.
  assert.deepEqual(sent(), [ackFrame(0x02)]);
});
