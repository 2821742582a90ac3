/**
 * The modem's PB-ADV advertising with several links at once (modules/bearer/pb-adv.ts severalLinksAdv, the rule
 * meshprov's engine uses too): with one link the defaults (every segment in two passes, Link Close's three
 * transmissions 20 ms apart); with more than one, each segment once per transmission and Link Close's three
 * transmissions (Mesh Protocol 1.1, 5.3.1.4.3: at least three) back to back. Counted on the air, one provisioning each.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { rig } from "./helpers.js";
import { untilSettled } from "../../host/serial/sim-line.js";
import { AuthenticationMethod } from "../../modules/prov/pdu.js";
import { severalLinksAdv } from "../../modules/bearer/pb-adv.js";

const AD_TYPE_PB_ADV = 0x29;
const noOob = () => ({ algorithm: 1, publicKey: 0, method: AuthenticationMethod.NoOob, action: 0, size: 0 });

/** The modem's PB-ADV advertising events (channel 37 only: one per event) during one provisioning. */
async function modemAdv(maxLinks: number): Promise<{ start: number; data: Uint8Array }[]> {
  const r = rig({ seed: 41, maxLinks, mesh: false });
  const tx: { start: number; data: Uint8Array }[] = [];
  r.net.hub.observe((e) => {
    if (e.type === "tx" && e.from === "modem" && e.channel === 37 && e.adType === AD_TYPE_PB_ADV) tx.push({ start: e.start, data: e.data.slice() });
  });
  await untilSettled(r.net.hub.virtualClock, r.driver.connect());
  r.net.start();
  await untilSettled(r.net.hub.virtualClock, r.driver.provision(r.devices[0]!.uuid, r.data(0x0100), { oobPolicy: noOob }), 120_000);
  await r.run(() => true, 2000); // the Link Close's transmissions
  return tx;
}

// Generic Provisioning Control Format 0b11 with opcode 0x02 (Link Close), after Link ID (4) and Transaction Number (1)
const isLinkClose = (d: Uint8Array) => d.length >= 7 && d[5] === ((0x02 << 2) | 0x03);
// Transaction Start (0b00) or Continuation (0b10): a segment
const isSegment = (d: Uint8Array) => d.length >= 6 && ((d[5]! & 0x03) === 0 || (d[5]! & 0x03) === 2);

test("severalLinksAdv: one link the defaults, several the once-per-transmission segments and back-to-back Link Close", () => {
  assert.deepEqual(severalLinksAdv(1), {});
  const four = severalLinksAdv(4);
  assert.equal(four.segmentAdv?.count, 1);
  assert.equal(four.linkOpenAdv?.count, 1);
  assert.ok((four.linkCloseAdv?.count ?? 0) >= 3 && four.linkCloseAdv?.intervalMs === 0);
});

test("the modem advertises as severalLinksAdv says: 4 links, each segment once and Link Close back to back; 1 link, twice and 20 ms apart", { timeout: 120_000 }, async () => {
  const one = await modemAdv(1);
  const four = await modemAdv(4);
  // segment events and distinct segments: one link sends each at least twice (two passes), four links once per
  // transmission (a retransmission adds one)
  const segments = (tx: { data: Uint8Array }[]) => {
    const seg = tx.filter((t) => isSegment(t.data)).map((t) => Array.from(t.data).join(","));
    return { events: seg.length, distinct: new Set(seg).size };
  };
  const s1 = segments(one);
  const s4 = segments(four);
  assert.ok(s1.distinct > 5 && s1.events >= 2 * s1.distinct, `1 link: ${JSON.stringify(s1)}`);
  assert.ok(s4.distinct > 5 && s4.events < 2 * s4.distinct, `4 links: ${JSON.stringify(s4)}`);
  const gaps = (tx: { start: number; data: Uint8Array }[]) => {
    const starts = tx.filter((t) => isLinkClose(t.data)).map((t) => t.start);
    assert.ok(starts.length >= 3, `Link Close sent ${starts.length} times`);
    return starts.slice(1).map((s, i) => s - starts[i]!);
  };
  assert.ok(gaps(one).every((g) => g >= 20), `1 link: Link Close 20 ms apart (${gaps(one)})`);
  assert.ok(gaps(four).every((g) => g < 20), `4 links: Link Close back to back (${gaps(four)})`);
});
