/**
 * The radio model of the simulated air (docs/air-protocol.md, "Timing model"): radios, directed links, advertising
 * events, scanning, half duplex, collisions and capture, link loss, duplication and delay, counters and observers.
 * It runs on a Clock (virtual or wall) and draws from one seeded PRNG; AirHub (hub.ts) puts it together with the
 * scheduler (scheduler.ts), the TCP server (server.ts) and the pcap writer (pcap.ts).
 *
 * between simulated radios, in virtual time (deterministic from a seed) or on the wall clock.
 *
 * Timing model (docs/air-protocol.md, "Timing model"):
 * - An advertising event sends the PDU on channels 37, 38, 39 in turn. Airtime at the 1M PHY is
 *   (1 preamble + 4 access address + 2 header + 6 AdvA + AD bytes + 3 CRC) x 8 us; 150 us separate the
 *   end of one channel's packet from the start of the next.
 * - A radio's advertisements are queued FIFO and sent one at a time: each runs its `count` events, the next
 *   event starting intervalMs + advDelay after the previous one (advDelay: uniform 0..10 ms, 1 us steps);
 *   the first event of an advertisement starts advDelay after the radio is free (now, or the end of the
 *   event in progress). onDone runs at the end of the last event.
 * - A scanner listens to one channel at a time, 37 -> 38 -> 39, changing every scan interval (default
 *   30 ms, window = interval; a shorter window leaves the rest of each interval deaf). Each radio's scan
 *   rotation has its own random phase. A packet is heard only when it lies wholly inside one window on its
 *   channel and started after the receiver began scanning.
 * - Half duplex: a radio hears nothing while it is in one of its own advertising events (from the start of
 *   channel 37 to the end of channel 39).
 * - Collisions: two packets overlapping in time on one channel collide at a receiver that hears both and
 *   both are lost, unless capture is on (default) and one is at least 10 dB stronger at that receiver, which
 *   then survives. A sender whose link RSSI to the receiver is below the sensitivity (default -95 dBm) is
 *   out of range: neither heard nor interfering.
 * - Per directed link: loss (probability), duplicate (probability of a second copy), delayMs (each copy
 *   is delivered after a uniform random extra delay 0..delayMs, so packets can be reordered) and rssi.
 *   Order of checks per receiver: out of range, not listening, half duplex, collision, link loss.
 *
 * All randomness comes from one seeded PRNG, drawn in event order, so in virtual mode the same seed and the
 * same inputs give the same packets at the same times. Times are ms, rounded to whole microseconds.
 */
import type { AdvertiseHandle, AdvertiseOptions, Bytes, Clock, Logger, Radio, RadioPacket, TimerHandle } from "../../modules/platform.js";
import type { Prng } from "../prng.js";
import { printable, utf8Encode } from "./wire.js";

/** An unpaired UTF-16 surrogate: a string with one has no UTF-8 form. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export type AirMode = "virtual" | "real";
export type AdvChannel = 37 | 38 | 39;

/** Radio conditions on one directed link (sender -> receiver). */
export interface LinkModel {
  /** Probability (0..1) that a packet that reached the receiver intact is lost anyway. */
  loss: number;
  /** Probability (0..1) that a delivered packet is delivered a second time. */
  duplicate: number;
  /** Extra delivery delay: each copy waits a uniform random 0..delayMs (reordering). */
  delayMs: number;
  /** Received signal strength, dBm (reported to the receiver; decides capture and range). */
  rssi: number;
}

export interface ScanParams {
  /** Time on each channel before moving to the next, ms. */
  intervalMs: number;
  /** Listening time at the start of each interval, ms (<= intervalMs). */
  windowMs: number;
}

export interface RadioOptions {
  /** Static random address, 6 bytes, most significant first (default: drawn from the PRNG, top two bits set). */
  address?: Bytes;
  /** This radio's scan parameters (default: the hub's). */
  scan?: Partial<ScanParams>;
}

/** Counters for benchmarks. Every (transmitted packet, scanning radio other than the sender) pair ends in exactly one of delivered / lost*. */
export interface AirCounters {
  /** Advertising events started. */
  advEvents: number;
  /** Packets transmitted (3 per event: channels 37, 38, 39). */
  txPackets: number;
  /** Packets handed to a receiver (duplicates included). */
  delivered: number;
  /** Extra copies made by link duplication (included in delivered when handed over). */
  duplicated: number;
  lostOutOfRange: number;
  lostNotListening: number;
  lostHalfDuplex: number;
  lostCollision: number;
  /** Lost to the link's loss probability. */
  lostLink: number;
  /** Exceptions thrown by receivers or onDone callbacks (caught and logged). */
  callbackErrors: number;
}

export type LossReason = "out-of-range" | "not-listening" | "half-duplex" | "collision" | "link";

/** What observers see (hub.observe): every transmission, delivery and loss. */
export type AirEvent =
  | { type: "tx"; from: string; channel: AdvChannel; start: number; end: number; adType: number; data: Bytes }
  | {
      type: "rx";
      from: string;
      to: string;
      channel: AdvChannel;
      /** The transmission's start and end; `time` is when it was handed over (end + link delay). */
      start: number;
      end: number;
      time: number;
      rssi: number;
      adType: number;
      data: Bytes;
      duplicate: boolean;
    }
  | { type: "lost"; from: string; to: string; channel: AdvChannel; start: number; end: number; reason: LossReason };

/** Bad arguments to the hub or a radio. */
export class AirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AirError";
  }
}

/** Model constants. */
export const AIR = {
  /** 1M PHY: 8 us per byte. */
  US_PER_BYTE: 8,
  /** Bytes of an ADV_NONCONN_IND besides its AD structures: preamble 1, access address 4, header 2, AdvA 6, CRC 3. */
  OVERHEAD_BYTES: 16,
  /** Gap between the end of one channel's packet and the start of the next within an event. */
  INTER_CHANNEL_MS: 0.15,
  /** advDelay is uniform in 0..ADV_DELAY_MAX_MS. */
  ADV_DELAY_MAX_MS: 10,
  /** Largest AD data: 31 bytes of AdvData minus the AD length and type bytes. */
  MAX_AD_DATA: 29,
  DEFAULT_SCAN_INTERVAL_MS: 30,
  DEFAULT_RSSI: -50,
  CAPTURE_THRESHOLD_DB: 10,
  SENSITIVITY_DBM: -95,
} as const;

/** Airtime of one ADV_NONCONN_IND carrying one AD structure with `dataLength` data bytes, ms. */
export function advAirtimeMs(dataLength: number): number {
  return ((AIR.OVERHEAD_BYTES + 2 + dataLength) * AIR.US_PER_BYTE) / 1000;
}

/** Duration of a whole advertising event (three channels), ms. */
export function advEventMs(dataLength: number): number {
  return q(3 * advAirtimeMs(dataLength) + 2 * AIR.INTER_CHANNEL_MS);
}

/** Round to whole microseconds. */
function q(t: number): number {
  return Math.round(t * 1000) / 1000;
}

interface Adv {
  adType: number;
  data: Uint8Array;
  count: number;
  intervalMs: number;
  onDone: (() => void) | undefined;
  sent: number;
  cancelled: boolean;
  airMs: number;
}

interface AdvEvent {
  radio: SimRadio;
  adv: Adv;
  start: number;
  end: number;
  txs: Tx[];
  timer: TimerHandle | null;
  started: boolean;
  cancelled: boolean;
  last: boolean;
}

interface Tx {
  radio: SimRadio;
  ev: AdvEvent;
  channel: AdvChannel;
  start: number;
  end: number;
}

type Receiver = (packet: RadioPacket, channel: AdvChannel) => void;

/** A radio on the simulated air. Implements Radio (modules/platform.ts). Made by AirHub.createRadio (AirModel.createRadio). */
export class SimRadio implements Radio {
  /** @internal FIFO of advertisements; the head is the one running (or about to). */
  queue: Adv[] = [];
  /** @internal The scheduled, not yet started, event. */
  nextEvent: AdvEvent | null = null;
  /** @internal */
  lastStart = -Infinity;
  /** @internal End of the last started event. */
  freeAt = -Infinity;
  /** @internal Recent and scheduled events (half duplex). */
  busy: AdvEvent[] = [];
  /** @internal */
  receiver: Receiver | null = null;
  /** @internal */
  scanSince = 0;
  /** @internal */
  closed = false;

  /** @internal */
  constructor(
    private readonly hub: AirModel,
    readonly name: string,
    /** Static random address, most significant byte first. */
    readonly address: Uint8Array,
    readonly scan: Readonly<ScanParams>,
    /** @internal Start of a channel-37 scan interval. */
    readonly scanPhase: number,
  ) {}

  advertise(adType: number, data: Bytes, options: AdvertiseOptions, onDone?: () => void): AdvertiseHandle {
    return this.hub._advertise(this, adType, data, options, onDone);
  }

  setReceiver(receiver: ((packet: RadioPacket) => void) | null): void {
    this.hub._setReceiver(this, receiver);
  }

  /** True while a receiver is set. */
  get scanning(): boolean {
    return this.receiver !== null;
  }

  /** Advertisements queued or running. */
  get queuedAdvertisements(): number {
    return this.queue.length;
  }

  /** The channel this radio's scanner is on at `time`, or null in the deaf part of an interval. */
  scanChannelAt(time: number): AdvChannel | null {
    const rel = time - this.scanPhase;
    const k = Math.floor(rel / this.scan.intervalMs);
    if (rel - k * this.scan.intervalMs >= this.scan.windowMs) return null;
    return (37 + (((k % 3) + 3) % 3)) as AdvChannel;
  }

  /** Stop everything (queued advertisements are dropped without onDone) and leave the air. */
  close(): void {
    this.hub._closeRadio(this);
  }
}

function checkLink(m: LinkModel, what: string): LinkModel {
  const prob = (x: number) => typeof x === "number" && x >= 0 && x <= 1;
  if (!prob(m.loss)) throw new AirError(`${what}: loss must be in 0..1`);
  if (!prob(m.duplicate)) throw new AirError(`${what}: duplicate must be in 0..1`);
  if (typeof m.delayMs !== "number" || !(m.delayMs >= 0) || !Number.isFinite(m.delayMs)) throw new AirError(`${what}: delayMs must be a finite number >= 0`);
  if (typeof m.rssi !== "number" || !Number.isFinite(m.rssi)) throw new AirError(`${what}: rssi must be a finite number (dBm)`);
  return { loss: m.loss, duplicate: m.duplicate, delayMs: m.delayMs, rssi: m.rssi };
}

function checkScan(s: Partial<ScanParams> | undefined, base: ScanParams, what: string): ScanParams {
  const intervalMs = s?.intervalMs ?? base.intervalMs;
  const windowMs = s?.windowMs ?? (s?.intervalMs !== undefined ? intervalMs : Math.min(base.windowMs, intervalMs));
  if (!(intervalMs > 0) || !Number.isFinite(intervalMs)) throw new AirError(`${what}: scan intervalMs must be > 0`);
  if (!(windowMs > 0) || !(windowMs <= intervalMs)) throw new AirError(`${what}: scan windowMs must be in (0, intervalMs]`);
  return { intervalMs, windowMs };
}

/** One packet on the air (each channel of each advertising event), for the pcap writer. */
export interface Transmission {
  start: number;
  channel: AdvChannel;
  /** The sender's address, most significant byte first. */
  address: Uint8Array;
  adType: number;
  data: Uint8Array;
  /** The default link's RSSI (a capture has one signal power per packet). */
  rssi: number;
}

export interface AirModelOptions {
  clock: Clock;
  rng: Prng;
  logger: Logger;
  scan?: ScanParams;
  defaultLink?: Partial<LinkModel>;
  capture?: boolean;
  captureThresholdDb?: number;
  sensitivityDbm?: number;
  /** Called when something the scheduler waits for may have changed (a radio, an advertisement). */
  onChange: () => void;
  /** Every packet transmitted (the pcap writer). */
  onTransmit?: (t: Transmission) => void;
}

export class AirModel {
  private readonly clock: Clock;
  private readonly rng: Prng;
  private readonly logger: Logger;
  private readonly scanDefault: ScanParams;
  private readonly capture: boolean;
  private readonly captureDb: number;
  private readonly sensitivity: number;
  private readonly notifyChange: () => void;
  private readonly onTransmit: ((t: Transmission) => void) | undefined;
  private defaultLink: LinkModel;
  private readonly links = new Map<string, Map<string, LinkModel>>();
  /** Copy-on-write list of radios in creation order (delivery order). */
  private radios: SimRadio[] = [];
  private readonly byName = new Map<string, SimRadio>();
  private readonly air: Tx[][] = [[], [], []];
  private readonly pruneAt = [64, 64, 64];
  private readonly c: AirCounters = {
    advEvents: 0,
    txPackets: 0,
    delivered: 0,
    duplicated: 0,
    lostOutOfRange: 0,
    lostNotListening: 0,
    lostHalfDuplex: 0,
    lostCollision: 0,
    lostLink: 0,
    callbackErrors: 0,
  };
  private observers: Array<(e: AirEvent) => void> = [];
  /** Set by AirHub.close(): no new radio. */
  closed = false;

  constructor(o: AirModelOptions) {
    this.clock = o.clock;
    this.rng = o.rng;
    this.logger = o.logger;
    this.notifyChange = o.onChange;
    this.onTransmit = o.onTransmit;
    this.scanDefault = checkScan(o.scan, { intervalMs: AIR.DEFAULT_SCAN_INTERVAL_MS, windowMs: AIR.DEFAULT_SCAN_INTERVAL_MS }, "hub");
    this.capture = o.capture ?? true;
    this.captureDb = o.captureThresholdDb ?? AIR.CAPTURE_THRESHOLD_DB;
    this.sensitivity = o.sensitivityDbm ?? AIR.SENSITIVITY_DBM;
    this.defaultLink = checkLink({ loss: 0, duplicate: 0, delayMs: 0, rssi: AIR.DEFAULT_RSSI, ...o.defaultLink }, "defaultLink");
  }

  /** A new radio on the air. Names are unique (1..64 bytes of UTF-8). */
  createRadio(name: string, opts: RadioOptions = {}): SimRadio {
    if (this.closed) throw new AirError("the hub is closed");
    if (typeof name !== "string" || name.length === 0 || LONE_SURROGATE.test(name) || utf8Encode(name).length > 64)
      throw new AirError("radio name must be 1..64 bytes of UTF-8");
    if (this.byName.has(name)) throw new AirError(`a radio named ${printable(name)} exists`);
    const scan = checkScan(opts.scan, this.scanDefault, `radio ${printable(name)}`);
    let address: Uint8Array;
    if (opts.address !== undefined) {
      if (!(opts.address instanceof Uint8Array) || opts.address.length !== 6) throw new AirError("address must be 6 bytes");
      address = opts.address.slice();
    } else {
      address = new Uint8Array(6);
      for (let i = 0; i < 6; i++) address[i] = this.rng.uint32() & 0xff;
      address[0]! |= 0xc0; // static random device address: the two most significant bits are 1
    }
    const phase = q(this.rng.next() * 3 * scan.intervalMs);
    const r = new SimRadio(this, name, address, scan, phase);
    this.radios = [...this.radios, r];
    this.byName.set(name, r);
    this.notifyChange();
    return r;
  }

  /** The radio with this name, if any. */
  radio(name: string): SimRadio | undefined {
    return this.byName.get(name);
  }

  /** Names of the radios on the air, in creation order. */
  radioNames(): string[] {
    return this.radios.map((r) => r.name);
  }

  /** Set the link model from one radio to another (by name; the radios need not exist yet). Missing fields come from the default link. */
  setLink(fromName: string, toName: string, model: Partial<LinkModel>): void {
    const m = checkLink({ ...this.defaultLink, ...model }, `link ${fromName} -> ${toName}`);
    let row = this.links.get(fromName);
    if (!row) this.links.set(fromName, (row = new Map()));
    row.set(toName, m);
  }

  /** The same model both ways. */
  setLinkBoth(a: string, b: string, model: Partial<LinkModel>): void {
    this.setLink(a, b, model);
    this.setLink(b, a, model);
  }

  /** The model used from one radio to another. */
  getLink(fromName: string, toName: string): LinkModel {
    return { ...(this.links.get(fromName)?.get(toName) ?? this.defaultLink) };
  }

  /** Change the default link (pairs set with setLink keep theirs). */
  setDefaultLink(model: Partial<LinkModel>): void {
    this.defaultLink = checkLink({ ...this.defaultLink, ...model }, "defaultLink");
  }

  /** A snapshot of the counters. */
  get counters(): AirCounters {
    return { ...this.c };
  }

  resetCounters(): void {
    for (const k of Object.keys(this.c) as Array<keyof AirCounters>) this.c[k] = 0;
  }

  /** Watch every transmission, delivery and loss. Returns the function that stops watching. */
  observe(listener: (e: AirEvent) => void): () => void {
    this.observers = [...this.observers, listener];
    return () => {
      this.observers = this.observers.filter((l) => l !== listener);
    };
  }

  /** @internal */
  _advertise(r: SimRadio, adType: number, data: Bytes, options: AdvertiseOptions, onDone?: () => void): AdvertiseHandle {
    if (r.closed) throw new AirError(`radio ${printable(r.name)} is closed`);
    if (!Number.isInteger(adType) || adType < 0 || adType > 255) throw new AirError("adType must be an integer 0..255");
    if (!(data instanceof Uint8Array)) throw new AirError("data must be a Uint8Array");
    if (data.length > AIR.MAX_AD_DATA) throw new AirError(`AD data of ${data.length} bytes exceeds ${AIR.MAX_AD_DATA}`);
    const count = options?.count;
    const intervalMs = options?.intervalMs;
    if (!Number.isInteger(count) || count < 1) throw new AirError("count must be an integer >= 1");
    if (typeof intervalMs !== "number" || !(intervalMs >= 0) || !Number.isFinite(intervalMs)) throw new AirError("intervalMs must be a finite number >= 0");
    if (onDone !== undefined && typeof onDone !== "function") throw new AirError("onDone must be a function");
    const adv: Adv = {
      adType,
      data: data.slice(),
      count,
      intervalMs,
      onDone,
      sent: 0,
      cancelled: false,
      airMs: advAirtimeMs(data.length),
    };
    r.queue.push(adv);
    this.pump(r);
    this.notifyChange();
    return { cancel: () => this.cancel(r, adv) };
  }

  /** @internal */
  _setReceiver(r: SimRadio, receiver: ((packet: RadioPacket) => void) | null): void {
    if (receiver !== null && typeof receiver !== "function") throw new AirError("receiver must be a function or null");
    if (r.closed) {
      if (receiver === null) return;
      throw new AirError(`radio ${printable(r.name)} is closed`);
    }
    if (receiver && !r.receiver) r.scanSince = this.clock.now();
    r.receiver = receiver;
  }

  /** @internal */
  _closeRadio(r: SimRadio): void {
    if (r.closed) return;
    for (const adv of r.queue) adv.cancelled = true;
    r.queue = [];
    if (r.nextEvent) this.unschedule(r.nextEvent);
    r.receiver = null;
    r.closed = true;
    this.radios = this.radios.filter((x) => x !== r);
    this.byName.delete(r.name);
    this.notifyChange();
  }

  private at(time: number, fn: () => void): TimerHandle {
    return this.clock.setTimeout(fn, time - this.clock.now());
  }

  private advDelay(): number {
    return this.rng.intInclusive(AIR.ADV_DELAY_MAX_MS * 1000) / 1000;
  }

  /** Schedule the radio's next event, if it has none scheduled and something to send. */
  private pump(r: SimRadio): void {
    if (r.nextEvent || r.closed) return;
    const adv = r.queue[0];
    if (!adv) return;
    const now = this.clock.now();
    const delay = this.advDelay();
    let start = adv.sent === 0 ? Math.max(now, r.freeAt) + delay : Math.max(r.lastStart + adv.intervalMs + delay, r.freeAt);
    start = q(Math.max(start, now));
    const ev: AdvEvent = { radio: r, adv, start, end: start, txs: [], timer: null, started: false, cancelled: false, last: false };
    const gap = adv.airMs + AIR.INTER_CHANNEL_MS;
    for (let i = 0; i < 3; i++) {
      const s = q(start + i * gap);
      const tx: Tx = { radio: r, ev, channel: (37 + i) as AdvChannel, start: s, end: q(s + adv.airMs) };
      ev.txs.push(tx);
      this.register(i, tx, now);
    }
    ev.end = ev.txs[2]!.end;
    if (r.busy.length >= 8) r.busy = r.busy.filter((e) => !e.cancelled && e.end >= now - 1);
    r.busy.push(ev);
    r.nextEvent = ev;
    ev.timer = this.at(start, () => this.startEvent(ev));
  }

  private register(i: number, tx: Tx, now: number): void {
    let list = this.air[i]!;
    if (list.length >= this.pruneAt[i]!) {
      list = this.air[i] = list.filter((t) => !t.ev.cancelled && t.end >= now - 1);
      this.pruneAt[i] = Math.max(64, list.length * 2);
    }
    list.push(tx);
  }

  private startEvent(ev: AdvEvent): void {
    const r = ev.radio;
    const adv = ev.adv;
    ev.started = true;
    ev.timer = null;
    r.nextEvent = null;
    r.lastStart = ev.start;
    r.freeAt = ev.end;
    adv.sent++;
    this.c.advEvents++;
    this.c.txPackets += 3;
    for (const tx of ev.txs) this.at(tx.end, () => this.evaluate(tx));
    if (adv.sent >= adv.count) {
      ev.last = true;
      const i = r.queue.indexOf(adv);
      if (i >= 0) r.queue.splice(i, 1);
    }
    this.pump(r);
  }

  private unschedule(ev: AdvEvent): void {
    ev.cancelled = true;
    if (ev.timer !== null) this.clock.clearTimeout(ev.timer);
    ev.timer = null;
    if (ev.radio.nextEvent === ev) ev.radio.nextEvent = null;
  }

  private cancel(r: SimRadio, adv: Adv): void {
    if (adv.cancelled) return;
    adv.cancelled = true; // an event already on the air finishes; onDone will not run
    const i = r.queue.indexOf(adv);
    if (i >= 0) r.queue.splice(i, 1);
    if (r.nextEvent && r.nextEvent.adv === adv) {
      this.unschedule(r.nextEvent);
      this.pump(r);
    }
  }

  private listens(r: SimRadio, tx: Tx): boolean {
    if (tx.start < r.scanSince) return false;
    const interval = r.scan.intervalMs;
    const rel = tx.start - r.scanPhase;
    const k = Math.floor(rel / interval);
    const offset = rel - k * interval;
    if (offset + (tx.end - tx.start) > r.scan.windowMs + 1e-9) return false;
    return 37 + (((k % 3) + 3) % 3) === tx.channel;
  }

  private transmitting(r: SimRadio, a: number, b: number): boolean {
    for (const ev of r.busy) if (!ev.cancelled && ev.start < b && ev.end > a) return true;
    return false;
  }

  private linkOf(from: SimRadio, to: SimRadio): LinkModel {
    const row = this.links.get(from.name);
    if (row === undefined) return this.defaultLink;
    return row.get(to.name) ?? this.defaultLink;
  }

  private collides(tx: Tx, r: SimRadio, rssi: number): boolean {
    for (const o of this.air[tx.channel - 37]!) {
      if (o === tx || o.ev.cancelled || o.radio === tx.radio || o.radio === r) continue;
      if (o.start >= tx.end || o.end <= tx.start) continue;
      const ro = this.linkOf(o.radio, r).rssi;
      if (ro < this.sensitivity) continue;
      if (this.capture && rssi - ro >= this.captureDb) continue;
      return true;
    }
    return false;
  }

  private evaluate(tx: Tx): void {
    const from = tx.radio;
    const ev = tx.ev;
    const adv = ev.adv;
    this.onTransmit?.({ start: tx.start, channel: tx.channel, address: from.address, adType: adv.adType, data: adv.data, rssi: this.defaultLink.rssi });
    if (this.observers.length) {
      this.emit({ type: "tx", from: from.name, channel: tx.channel, start: tx.start, end: tx.end, adType: adv.adType, data: adv.data.slice() });
    }
    const radios = this.radios;
    for (let i = 0; i < radios.length; i++) {
      const r = radios[i]!;
      if (r === from || r.receiver === null || r.closed) continue;
      const link = this.linkOf(from, r);
      let reason: LossReason | null = null;
      if (link.rssi < this.sensitivity) reason = "out-of-range";
      else if (!this.listens(r, tx)) reason = "not-listening";
      else if (this.transmitting(r, tx.start, tx.end)) reason = "half-duplex";
      else if (this.collides(tx, r, link.rssi)) reason = "collision";
      else if (link.loss > 0 && this.rng.next() < link.loss) reason = "link";
      if (reason !== null) {
        this.lost(tx, r, reason);
        continue;
      }
      this.deliver(tx, r, link, false);
      if (link.duplicate > 0 && this.rng.next() < link.duplicate) {
        this.c.duplicated++;
        this.deliver(tx, r, link, true);
      }
    }
    if (ev.last && tx === ev.txs[2] && !adv.cancelled && !from.closed && adv.onDone) {
      const done = adv.onDone;
      adv.onDone = undefined;
      this.safely(`onDone of ${printable(from.name)}`, done);
    }
  }

  private lost(tx: Tx, r: SimRadio, reason: LossReason): void {
    switch (reason) {
      case "out-of-range":
        this.c.lostOutOfRange++;
        break;
      case "not-listening":
        this.c.lostNotListening++;
        break;
      case "half-duplex":
        this.c.lostHalfDuplex++;
        break;
      case "collision":
        this.c.lostCollision++;
        break;
      case "link":
        this.c.lostLink++;
        break;
    }
    if (this.observers.length) {
      this.emit({ type: "lost", from: tx.radio.name, to: r.name, channel: tx.channel, start: tx.start, end: tx.end, reason });
    }
  }

  private deliver(tx: Tx, r: SimRadio, link: LinkModel, duplicate: boolean): void {
    const delay = link.delayMs > 0 ? q(this.rng.next() * link.delayMs) : 0;
    const time = q(tx.end + delay);
    if (delay === 0) this.handOver(tx, r, link.rssi, time, duplicate);
    else this.at(time, () => this.handOver(tx, r, link.rssi, time, duplicate));
  }

  private handOver(tx: Tx, r: SimRadio, rssi: number, time: number, duplicate: boolean): void {
    const receiver = r.receiver;
    if (receiver === null || r.closed) {
      this.lost(tx, r, "not-listening"); // scanning stopped while the packet was delayed
      return;
    }
    this.c.delivered++;
    const adv = tx.ev.adv;
    if (this.observers.length) {
      this.emit({
        type: "rx",
        from: tx.radio.name,
        to: r.name,
        channel: tx.channel,
        start: tx.start,
        end: tx.end,
        time,
        rssi,
        adType: adv.adType,
        data: adv.data.slice(),
        duplicate,
      });
    }
    const packet: RadioPacket = { adType: adv.adType, data: adv.data.slice(), rssi, time };
    this.safely(`receiver of ${printable(r.name)}`, () => receiver(packet, tx.channel));
  }

  private safely(what: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.c.callbackErrors++;
      this.logger.log("error", "air", `${what} threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }

  private emit(e: AirEvent): void {
    for (const l of this.observers) l(e);
  }
}
