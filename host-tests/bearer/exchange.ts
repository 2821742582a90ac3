/**
 * A provisioning-shaped exchange over PB-ADV on the loopback air, for the bearer tests and the bearer
 * benchmark: the PDU sizes and turn-taking of Mesh Protocol 1.1 5.4.2 (Invite 2, Capabilities 12, Start 6,
 * Public Keys 65, Confirmations 17, Randoms 17, Data 34, Complete 1), random contents, checked on arrival.
 */
import { VirtualClock } from "../../host/virtual-clock.js";
import { AdvBearer } from "../../modules/bearer/adv.js";
import { PbAdv } from "../../modules/bearer/pb-adv.js";
import type { PbAdvOptions } from "../../modules/bearer/pb-adv.js";
import type { LinkCloseReason, ProvLink } from "../../modules/bearer/bearer.js";
import type { Radio } from "../../modules/platform.js";
import { LoopbackAir, prng } from "./loopback.js";
import { seededRandom } from "../../host/prng.js";
import { AirHub } from "../../host/air/hub.js";
import { withoutTransactionAcks } from "../../host/air/faults.js";
import type { LoopbackOptions } from "./loopback.js";

/** Who sends what, in order; the provisioner's Start and Public Key go back to back. */
export const PROVISIONING_SCRIPT: { from: "P" | "D"; length: number; type: number }[] = [
  { from: "P", length: 2, type: 0x00 }, // Invite
  { from: "D", length: 12, type: 0x01 }, // Capabilities
  { from: "P", length: 6, type: 0x02 }, // Start
  { from: "P", length: 65, type: 0x03 }, // Public Key
  { from: "D", length: 65, type: 0x03 }, // Public Key
  { from: "P", length: 17, type: 0x05 }, // Confirmation
  { from: "D", length: 17, type: 0x05 }, // Confirmation
  { from: "P", length: 17, type: 0x06 }, // Random
  { from: "D", length: 17, type: 0x06 }, // Random
  { from: "P", length: 34, type: 0x07 }, // Data
  { from: "D", length: 1, type: 0x08 }, // Complete
];

export interface ExchangeResult {
  /** Complete arrived at the provisioner. */
  completed: boolean;
  /** Virtual ms from open() to Complete at the provisioner (or to the failure). */
  timeMs: number;
  provisionerClosed: { reason: LinkCloseReason; byPeer: boolean } | undefined;
  deviceClosed: { reason: LinkCloseReason; byPeer: boolean } | undefined;
  /** A PDU arrived twice, out of order or corrupted. */
  errors: string[];
  /** Advertising events on the air. */
  airEvents: number;
}

export interface Party {
  clock: VirtualClock;
  air: LoopbackAir;
}

/** Run one provisioning-shaped exchange between a new provisioner and a new device on `air`. */
export function startExchange(
  air: { clock: VirtualClock },
  provisioner: PbAdv,
  device: PbAdv,
  uuid: Uint8Array,
  seed: number,
  onEnd: (r: ExchangeResult) => void,
): void {
  const clock = air.clock;
  const rnd = prng(seed);
  const pdus = PROVISIONING_SCRIPT.map((s) => {
    const b = new Uint8Array(s.length);
    b[0] = s.type;
    for (let i = 1; i < b.length; i++) b[i] = Math.floor(rnd() * 256);
    return b;
  });
  const t0 = clock.now();
  const result: ExchangeResult = {
    completed: false,
    timeMs: 0,
    provisionerClosed: undefined,
    deviceClosed: undefined,
    errors: [],
    airEvents: 0,
  };
  let next = 0; // index of the next PDU expected by anyone
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    if (!result.completed) result.timeMs = clock.now() - t0;
    onEnd(result);
  };
  /** Send the PDUs of `who` from script position `i` while it is that side's turn. */
  const sendFrom = (link: ProvLink, who: "P" | "D", i: number) => {
    while (i < PROVISIONING_SCRIPT.length && PROVISIONING_SCRIPT[i]!.from === who) link.send(pdus[i++]!);
  };
  const check = (who: "P" | "D", pdu: Uint8Array): boolean => {
    const i = next;
    const want = pdus[i];
    if (!want || PROVISIONING_SCRIPT[i]!.from === who || want.length !== pdu.length || !want.every((v, k) => v === pdu[k])) {
      result.errors.push(`${who} got an unexpected PDU at step ${i}`);
      return false;
    }
    next++;
    return true;
  };
  device.listen(uuid, {
    opened: () => {},
    received: (link, pdu) => {
      if (!check("D", pdu)) return;
      if (next < PROVISIONING_SCRIPT.length && PROVISIONING_SCRIPT[next]!.from === "D") sendFrom(link, "D", next);
    },
    closed: (_l, reason, byPeer) => {
      result.deviceClosed = { reason, byPeer };
    },
  });
  provisioner.open(uuid, {
    opened: (link) => sendFrom(link, "P", 0),
    received: (link, pdu) => {
      if (!check("P", pdu)) return;
      if (next === PROVISIONING_SCRIPT.length) {
        result.completed = true;
        result.timeMs = clock.now() - t0;
        link.close(0);
        return;
      }
      sendFrom(link, "P", next);
    },
    closed: (_l, reason, byPeer) => {
      result.provisionerClosed = { reason, byPeer };
      end();
    },
  });
}

export interface ExchangeOptions extends LoopbackOptions {
  pbAdv?: PbAdvOptions;
  /** Run on the simulated air (host/air/hub.ts: scanning one channel at a time, half duplex, collisions). */
  hub?: boolean;
  /** This side never sends a Transaction Acknowledgment (host/air/faults.ts). */
  neverAcks?: "P" | "D";
}

/** A fresh air with one provisioner and one device; runs the exchange to its end (and the Link Close). */
export function runExchange(options: ExchangeOptions = {}): ExchangeResult {
  const seed = options.seed ?? 1;
  let clock: VirtualClock;
  let radios: [Radio, Radio];
  let events: () => number;
  if (options.hub) {
    const hub = new AirHub({
      mode: "virtual",
      seed,
      logger: { log() {} },
      defaultLink: { loss: options.loss ?? 0, duplicate: options.duplicate ?? 0, delayMs: options.reorderMs ?? 0 },
    });
    clock = hub.virtualClock;
    radios = [hub.createRadio("P"), hub.createRadio("D")];
    events = () => hub.counters.advEvents;
  } else {
    clock = new VirtualClock();
    const air = new LoopbackAir(clock, options);
    radios = [air.radio("P"), air.radio("D")];
    events = () => air.events.length;
  }
  if (options.neverAcks === "P") radios[0] = withoutTransactionAcks(radios[0], clock);
  if (options.neverAcks === "D") radios[1] = withoutTransactionAcks(radios[1], clock);
  const prov = new PbAdv(new AdvBearer(radios[0], clock), clock, { randomBytes: seededRandom(seed * 7919) }, options.pbAdv);
  const dev = new PbAdv(new AdvBearer(radios[1], clock), clock, { randomBytes: seededRandom(seed * 7919 + 1) }, options.pbAdv);
  const uuid = Uint8Array.from({ length: 16 }, (_, i) => (i * 17 + seed) & 0xff);
  let result: ExchangeResult | undefined;
  startExchange({ clock }, prov, dev, uuid, seed, (r) => (result = r));
  clock.runWhile(() => result === undefined, 10 * 60_000);
  // Let the Link Close reach the device.
  clock.runFor(1000);
  result ??= { completed: false, timeMs: clock.now(), provisionerClosed: undefined, deviceClosed: undefined, errors: ["never ended"], airEvents: 0 };
  result.airEvents = events();
  return result;
}
