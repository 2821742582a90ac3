/**
 * PB-ADV, the provisioning bearer over the advertising bearer (Mesh Protocol 1.1, 5.2.1), with the
 * Generic Provisioning layer's link establishment and transaction behaviour (5.3.2, 5.3.3).
 *
 * PB-ADV PDU (5.2.1, Table 5.2; AD type «PB-ADV» 0x29): Link ID (32, big-endian) || Transaction Number (8) ||
 * Generic Provisioning PDU (1..24 octets, the PB-ADV MTU).
 *
 * Rules implemented here, by section:
 * - 5.2.1: the provisioner (PB-ADV Client) numbers its transactions 0x00..0x7F, the device (PB-ADV Server)
 *   0x80..0xFF, each starting at the bottom of its range and wrapping within it; a new Transaction Number for
 *   each new Provisioning PDU, the same one for all its segments and retransmissions; an acknowledgment carries
 *   the acknowledged transaction's number. Provisioning Bearer Control PDUs carry Transaction Number 0, ignored
 *   on reception. Link timer: 60 s from the opening of the link, on both sides; the device stops it when it
 *   receives any Provisioning PDU or Link Close (the provisioner here too: see LINK_TIMEOUT_MS); on expiry the
 *   link is closed (Timeout).
 * - 5.3.1.4.3: Link Close is repeated at least three times; it is accepted whatever its Reason.
 * - 5.3.2 link establishment: the provisioner starts the 60 s link establishment timer and sends Link Open
 *   (random Link ID, Device UUID) until Link Ack; on expiry the link is not open: closed(Timeout), and a Link
 *   Close is sent in case the device did open it. A device that is not in a link answers a Link Open for its
 *   UUID with Link Ack. With an open link it ignores every PDU with another Link ID; while it is not yet being
 *   provisioned (no Provisioning PDU received) it answers a repeated Link Open with its own Link ID again.
 * - 5.3.3 transactions: every Generic Provisioning PDU is sent after a random delay of 20..50 ms. Each
 *   Provisioning PDU is one transaction, segmented (Transaction Start up to 20 octets, Transaction Continuation
 *   up to 23; all segments but the last full). The sender retransmits all segments until the Transaction
 *   Acknowledgment; the acknowledgment timer (30 s) starts with the first transmission, and on expiry the
 *   transaction and the link are closed (Link Close, reason Timeout). The receiver reassembles segments in any
 *   order, ignores duplicates, checks TotalLength and the FCS, and acknowledges; a segment of a transaction
 *   already acknowledged is acknowledged again and ignored; older transactions are ignored. A valid segment of
 *   the peer's next transaction also acknowledges ours (the provisioning protocol of 5.4.2 is turn by turn: the
 *   peer answers only what it has received), so a peer that seldom sends Transaction Acknowledgments (BlueZ
 *   meshd) does not hold our next PDU back. This assumes the layer above takes turns, as provisioning does; a
 *   use with both sides sending at will would need explicit acknowledgments only.
 * Several links may be open at once on the provisioner side (demultiplexed by Link ID); packets of unknown
 * links, and malformed packets, are dropped (logged at debug). Nothing here throws on received input.
 */
import type { AdvertiseHandle, AdvertiseOptions, Bytes, Clock, CryptoPrimitives, Logger, RadioPacket, TimerHandle } from "../platform.js";
import { AD_TYPE, logs } from "../platform.js";
import type { DeviceBearer, LinkEvents, ProvisionerBearer, ProvLink } from "./bearer.js";
import { LinkCloseReason } from "./bearer.js";
import type { AdvBearer } from "./adv.js";
import {
  BearerOpcode,
  decodeGenericProvPdu,
  encodeBearerControl,
  encodeTransactionAck,
  GENERIC_PROV_PDU_MAX,
  Reassembler,
  segmentProvisioningPdu,
  UUID_LENGTH,
} from "./gprov.js";
import type { GenericProvErrorCode, GenericProvPdu } from "./gprov.js";
import type { RetransmitPolicy } from "./retransmit.js";
import { defaultRetransmitPolicy } from "./retransmit.js";
import { pduParameterLengths } from "../prov/pdu.js";
import { bytesEqual, readU32BE, writeU32BE } from "../util/bytes.js";

/** The platform's random source (modules/platform.ts): Link IDs (5.3.2) and the 20..50 ms delays (5.3.3). */
export type RandomSource = Pick<CryptoPrimitives, "randomBytes">;

/**
 * The largest Provisioning PDU this build supports (5.4.1: the Type octet and the longest parameters of a
 * supported type, the Provisioning Public Key's 64 octets: 65). A transaction may announce up to
 * gprov.ts TOTAL_LENGTH_MAX (1,469) octets (5.3.1.1); a longer TotalLength than this is refused at its Transaction Start,
 * so a peer cannot make the reassembler hold more than one PDU of this size.
 */
export const PROVISIONING_PDU_MAX = ((): number => {
  let max = 1;
  for (let type = 0; type < 0x40; type++) for (const n of pduParameterLengths(type) ?? []) max = Math.max(max, 1 + n);
  return max;
})();

/** Link ID (4) + Transaction Number (1). */
export const PB_ADV_HEADER_LENGTH = 5;
/** Largest PB-ADV PDU: the 29 octets of AD data. */
export const PB_ADV_PDU_MAX = PB_ADV_HEADER_LENGTH + GENERIC_PROV_PDU_MAX;
/** 5.3.2: link establishment timer. */
export const LINK_ESTABLISHMENT_TIMEOUT_MS = 60_000;
/**
 * 5.2.1: link timer, from the opening of the link. The device stops it on the first Provisioning PDU (or Link
 * Close); the specification names no stop condition for the provisioner on PB-ADV, so it stops the same way
 * (as on PB-GATT, 5.2.2), which keeps a provisioning run longer than 60 s alive.
 */
export const LINK_TIMEOUT_MS = 60_000;
/** 5.3.3: acknowledgment (transaction) timer. */
export const TRANSACTION_TIMEOUT_MS = 30_000;
/** 5.3.1.4.3: Link Close is sent at least this many times. */
export const LINK_CLOSE_MIN_TRANSMISSIONS = 3;
/** 5.3.3: every Generic Provisioning PDU is sent after a random delay of 20..50 ms. */
export const GENERIC_PDU_DELAY_MS = { min: 20, max: 50 } as const;

/** First Transaction Numbers (5.2.1). */
export const PROVISIONER_FIRST_TRANSACTION = 0x00;
export const DEVICE_FIRST_TRANSACTION = 0x80;

/** The next Transaction Number, wrapping within the sender's range (0x00..0x7F or 0x80..0xFF). */
export function nextTransactionNumber(tn: number): number {
  return ((tn + 1) & 0x7f) | (tn & 0x80);
}

export type PbAdvDecodeResult =
  | { ok: true; linkId: number; transactionNumber: number; pdu: GenericProvPdu }
  | { ok: false; error: GenericProvErrorCode; message: string };

/** Decode one PB-ADV PDU (5.2.1). Never throws. */
export function decodePbAdvPdu(data: Bytes): PbAdvDecodeResult {
  if (!(data instanceof Uint8Array) || data.length < PB_ADV_HEADER_LENGTH + 1)
    return { ok: false, error: "TooShort", message: `PB-ADV PDU of ${data?.length} octets` };
  if (data.length > PB_ADV_PDU_MAX) return { ok: false, error: "TooLong", message: `PB-ADV PDU of ${data.length} octets` };
  const linkId = readU32BE(data, 0);
  const transactionNumber = data[4]!;
  const r = decodeGenericProvPdu(data.subarray(PB_ADV_HEADER_LENGTH));
  if (!r.ok) return r;
  return { ok: true, linkId, transactionNumber, pdu: r.pdu };
}

/** Encode one PB-ADV PDU (5.2.1) around an encoded Generic Provisioning PDU. */
export function encodePbAdvPdu(linkId: number, transactionNumber: number, genericProvPdu: Bytes): Bytes {
  const out = new Uint8Array(PB_ADV_HEADER_LENGTH + genericProvPdu.length);
  writeU32BE(out, 0, linkId >>> 0);
  out[4] = transactionNumber & 0xff;
  out.set(genericProvPdu, PB_ADV_HEADER_LENGTH);
  return out;
}

/** Raised by PbAdv for bad arguments (wrong UUID length, empty or oversized PDU, unknown close reason). */
export class PbAdvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PbAdvError";
  }
}

export interface PbAdvOptions {
  /**
   * Retransmission policy: a factory (one policy per link; default retransmit.ts defaultRetransmitPolicy, "adaptive") or one
   * policy instance shared by all links.
   */
  retransmit?: RetransmitPolicy | (() => RetransmitPolicy);
  logger?: Logger;
  /** Advertising of the transaction segments: `count` passes over all segments, one event each (each retransmission again). */
  segmentAdv?: AdvertiseOptions;
  /** Advertising of a Transaction Acknowledgment. */
  ackAdv?: AdvertiseOptions;
  /** Advertising of each Link Open (retransmitted until Link Ack). */
  linkOpenAdv?: AdvertiseOptions;
  /** Advertising of a Link Ack. */
  linkAckAdv?: AdvertiseOptions;
  /** Advertising of Link Close; the count is raised to at least 3 (5.3.1.4.3). */
  linkCloseAdv?: AdvertiseOptions;
  /** 5.3.3 random delay before each Generic Provisioning PDU (default 20..50 ms). */
  genericPduDelayMs?: { min: number; max: number };
  /** 5.3.2 link establishment timer (default 60 s). */
  linkEstablishmentTimeoutMs?: number;
  /** 5.2.1 link timer (default 60 s). */
  linkTimeoutMs?: number;
  /** 5.3.3 acknowledgment timer (default 30 s). */
  transactionTimeoutMs?: number;
}

/**
 * Default advertising, 20 ms apart like Zephyr's PB-ADV, small counts. Transaction segments go out in 2 passes
 * (all segments once, then all again: see transmitSegments) and Link Open in 2 events; acknowledgments and
 * Link Ack in 1 (Zephyr: segments once, acks 3 times). The radio sends one advertisement after the other, so
 * every extra ack event delays the response queued behind it, while a lost ack only costs a fast retransmission
 * and a re-ack; the second pass of the segments repairs most losses without a timeout. Measured with
 * host-tests/bearer/bench-pbadv.ts (figures in retransmit.ts). Link Close goes out in 3 events (5.3.1.4.3).
 */
export const PB_ADV_DEFAULTS = {
  segmentAdv: { count: 2, intervalMs: 20 },
  ackAdv: { count: 1, intervalMs: 20 },
  linkOpenAdv: { count: 2, intervalMs: 20 },
  linkAckAdv: { count: 1, intervalMs: 20 },
  linkCloseAdv: { count: LINK_CLOSE_MIN_TRANSMISSIONS, intervalMs: 20 },
} as const;

/**
 * The advertising of a provisioner with `links` links at once on one radio (meshprov's engine, host/cli/engine.ts,
 * and the modem, modules/serial/app.ts). The radio sends one advertisement after the other and is idle during an
 * advertisement's intervals. With more than one link: each segment and Link Open goes out once per
 * (re)transmission instead of twice, so the radio's time goes to other links' PDUs rather than to copies (a lost
 * segment costs that link one retransmission); and Link Close's three transmissions (Mesh Protocol 1.1, 5.3.1.4.3:
 * at least three) go back to back (advDelay apart) instead of 20 ms apart, which idled the radio 40 ms per device.
 * One link: the defaults (PB_ADV_DEFAULTS).
 */
export function severalLinksAdv(links: number): Pick<PbAdvOptions, "segmentAdv" | "linkOpenAdv" | "linkCloseAdv"> {
  return links > 1 ? { segmentAdv: { count: 1, intervalMs: 20 }, linkOpenAdv: { count: 1, intervalMs: 20 }, linkCloseAdv: { count: LINK_CLOSE_MIN_TRANSMISSIONS, intervalMs: 0 } } : {};
}

const TAG = "pb-adv";

type LinkState = "opening" | "open" | "closing" | "closed";

interface Slot {
  handle: AdvertiseHandle | undefined;
  done: boolean;
}

/** One segment's advertisements in the radio: one per pass. */
interface SegmentSlot {
  handles: (AdvertiseHandle | undefined)[];
  pending: number;
}

interface Transaction {
  tn: number;
  frames: Bytes[];
  slots: (SegmentSlot | undefined)[];
  inFlight: number;
  started: boolean;
  retransmissions: number;
  lastDoneAt: number;
  retransmitTimer: TimerHandle | undefined;
  timeoutTimer: TimerHandle | undefined;
  acked: (() => void) | undefined;
  /**
   * The unacknowledged transaction this one was sent behind (see armRetransmit): its frames come first in
   * `frames` (`count` of them) and go out again with every pass until its own acknowledgment (`acked`), ours,
   * or the peer's next transaction.
   */
  prior: { tn: number; count: number; acked: boolean; onAcked: (() => void) | undefined } | undefined;
}

/** A Generic Provisioning PDU waiting for its 20..50 ms delay (5.3.3); kept in order per link. */
interface OutboxItem {
  readyAt: number;
  run: () => void;
  /** Acknowledgments still go out when we close the link (before our Link Close). */
  keepOnClose: boolean;
}

/**
 * What the links of one PbAdv share: the advertising bearer, the clock, the platform's random source, the
 * advertising and timer configuration, and the way back to their PbAdv (forget, when a link closes).
 */
class LinkContext {
  readonly segmentAdv: AdvertiseOptions;
  readonly ackAdv: AdvertiseOptions;
  readonly linkAckAdv: AdvertiseOptions;
  readonly linkCloseAdv: AdvertiseOptions;
  readonly linkTimeoutMs: number;
  readonly transactionTimeoutMs: number;
  private readonly delayMin: number;
  private readonly delaySpan: number;
  private readonly logger: Logger | undefined;
  /** Debug messages are wanted (modules/platform.ts logs): they are not even formatted otherwise. */
  readonly debug: boolean;
  private readonly retransmit: RetransmitPolicy | (() => RetransmitPolicy);

  constructor(
    private readonly adv: AdvBearer,
    readonly clock: Clock,
    private readonly random: RandomSource,
    options: PbAdvOptions,
    /** The link has closed: its PbAdv forgets it. */
    readonly forget: (link: AdvLink) => void,
  ) {
    this.logger = options.logger;
    this.debug = logs(options.logger, "debug");
    this.retransmit = options.retransmit ?? defaultRetransmitPolicy;
    this.segmentAdv = advOptions(options.segmentAdv, PB_ADV_DEFAULTS.segmentAdv);
    this.ackAdv = advOptions(options.ackAdv, PB_ADV_DEFAULTS.ackAdv);
    this.linkAckAdv = advOptions(options.linkAckAdv, PB_ADV_DEFAULTS.linkAckAdv);
    const close = advOptions(options.linkCloseAdv, PB_ADV_DEFAULTS.linkCloseAdv);
    this.linkCloseAdv = { count: Math.max(LINK_CLOSE_MIN_TRANSMISSIONS, close.count), intervalMs: close.intervalMs };
    const d = options.genericPduDelayMs;
    this.delayMin = finiteAtLeast(d?.min, 0, GENERIC_PDU_DELAY_MS.min);
    this.delaySpan = Math.max(0, finiteAtLeast(d?.max, 0, GENERIC_PDU_DELAY_MS.max) - this.delayMin);
    this.linkTimeoutMs = options.linkTimeoutMs ?? LINK_TIMEOUT_MS;
    this.transactionTimeoutMs = options.transactionTimeoutMs ?? TRANSACTION_TIMEOUT_MS;
  }

  /** The 20..50 ms delay of 5.3.3. */
  randomDelay(): number {
    return this.delayMin + (this.randomU32() / 0x1_0000_0000) * this.delaySpan;
  }

  /** 32 random bits from the platform's random source (big-endian). */
  randomU32(): number {
    return readU32BE(this.random.randomBytes(4), 0);
  }
  advertise(frame: Bytes, options: AdvertiseOptions, onDone?: () => void): AdvertiseHandle | undefined {
    try {
      return this.adv.send(AD_TYPE.PB_ADV, frame, options, onDone);
    } catch (e) {
      this.log("error", `advertise failed: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }
  newPolicy(): RetransmitPolicy {
    const r = this.retransmit;
    return typeof r === "function" ? r() : r;
  }
  timer(ms: number, f: () => void): TimerHandle {
    return this.clock.setTimeout(() => this.call(f), ms);
  }
  /** Callbacks of the layer above must not unwind into the radio or the clock. */
  call(f: () => void): void {
    try {
      f();
    } catch (e) {
      this.log("error", `callback threw: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  log(level: "debug" | "info" | "warn" | "error", message: string): void {
    this.logger?.log(level, TAG, message);
  }
}

/**
 * One PB-ADV link: the device's (PB-ADV Server, opened by a Link Open) as it is, and the machinery both roles
 * share (OpeningLink adds the provisioner's link establishment). It owns its whole state (our transactions and
 * their retransmission, the peer's transactions and their reassembly, its timers, the 20..50 ms outbox) and
 * changes it only through its own methods; its PbAdvDevice/PbAdv only hands it the packets of its Link ID (receive).
 */
class AdvLink implements ProvLink {
  protected state: LinkState = "open";
  /** Our next Transaction Number. */
  private txNext: number;
  /** The peer's last completed transaction, or -1. */
  private rxLast = -1;
  /** The peer's next expected transaction. */
  private rxNext: number;
  private readonly reassembler = new Reassembler(PROVISIONING_PDU_MAX);
  private readonly queue: { pdu: Bytes; acked: (() => void) | undefined }[] = [];
  private tx: Transaction | undefined;
  private readonly outbox: OutboxItem[] = [];
  private outboxTimer: TimerHandle | undefined;
  /** 5.2.1 link timer. */
  private linkTimer: TimerHandle | undefined;
  /** Acknowledgment / Link Ack on their way out (delay or radio queue), so that repeats do not pile up. */
  private ackPending: { tn: number; done: boolean } | undefined;
  private linkAckPending: { done: boolean } | undefined;

  constructor(
    protected readonly ctx: LinkContext,
    readonly linkId: number,
    readonly uuid: Bytes,
    protected readonly events: LinkEvents,
    protected readonly policy: RetransmitPolicy,
    /** 5.2.1: our first Transaction Number (the device's by default); the peer's is the other range's first. */
    firstTransaction: number = DEVICE_FIRST_TRANSACTION,
  ) {
    this.txNext = firstTransaction;
    this.rxNext = firstTransaction === DEVICE_FIRST_TRANSACTION ? PROVISIONER_FIRST_TRANSACTION : DEVICE_FIRST_TRANSACTION;
  }

  /** Log a message about this link: "link <Link ID>: message". */
  protected note(level: "debug" | "info", message: string): void {
    this.ctx.log(level, `link ${hex32(this.linkId)}: ${message}`);
  }

  /** The device is "being provisioned" once it has received a Provisioning PDU (5.3.2). */
  get beingProvisioned(): boolean {
    return this.rxLast !== -1;
  }

  /** 5.3.2, device side: a Link Open for our UUID opened this link: Link Ack, the link timer, `opened`. */
  acceptOpen(): void {
    this.sendLinkAck();
    this.startLinkTimer();
    this.ctx.call(() => this.events.opened(this));
  }

  /** 5.3.2, device side: the provisioner repeats its Link Open (our Link Ack was lost). */
  linkOpenRepeated(): void {
    if (this.beingProvisioned) {
      if (this.ctx.debug) this.note("debug", `repeated Link Open ignored: being provisioned`);
      return;
    }
    if (this.ctx.debug) this.note("debug", `repeated Link Open, Link Ack again`);
    this.sendLinkAck();
  }

  /** A PB-ADV PDU of this link (any but Link Open; a Link Ack means nothing to a device: OpeningLink takes it). */
  receive(tn: number, pdu: GenericProvPdu): void {
    switch (pdu.type) {
      case "LinkClose": {
        // 5.3.1.4.3: accepted whatever the Reason; an unrecognized one is reported as Fail.
        const known = pdu.reason <= LinkCloseReason.Fail;
        if (this.ctx.debug) this.note("debug", `Link Close, reason 0x${hex8(pdu.reason)}`);
        this.closeLink(known ? (pdu.reason as LinkCloseReason) : LinkCloseReason.Fail, true, false);
        return;
      }
      case "TransactionAcknowledgment":
        this.onTransactionAck(tn);
        return;
      case "TransactionStart":
      case "TransactionContinuation":
        this.onSegment(tn, pdu);
        return;
      default:
        return;
    }
  }

  send(pdu: Bytes, acked?: () => void): void {
    if (!(pdu instanceof Uint8Array) || pdu.length === 0 || pdu.length > PROVISIONING_PDU_MAX)
      throw new PbAdvError(`Provisioning PDU of ${pdu?.length} octets (1..${PROVISIONING_PDU_MAX})`);
    if (this.state === "closing" || this.state === "closed") {
      if (this.ctx.debug) this.note("debug", `send on a closed link ignored`);
      return;
    }
    this.queue.push({ pdu: new Uint8Array(pdu), acked }); // a copy; cheaper than slice() on XS
    this.startNextTransaction();
  }
  close(reason: LinkCloseReason): void {
    if (reason !== LinkCloseReason.Success && reason !== LinkCloseReason.Timeout && reason !== LinkCloseReason.Fail)
      throw new PbAdvError(`Link Close reason ${reason}`);
    this.closeLink(reason, false, true);
  }
  /** Hand `run` its Generic Provisioning PDU after the random delay, after everything queued before it. */
  protected enqueue(run: () => void, keepOnClose = false): void {
    this.outbox.push({ readyAt: this.ctx.clock.now() + this.ctx.randomDelay(), run, keepOnClose });
    this.pumpOutbox();
  }
  private pumpOutbox(): void {
    if (this.outboxTimer !== undefined || this.outbox.length === 0) return;
    const head = this.outbox[0]!;
    this.outboxTimer = this.ctx.timer(Math.max(0, head.readyAt - this.ctx.clock.now()), () => {
      this.outboxTimer = undefined;
      if (this.outbox[0] !== head) return;
      this.outbox.shift();
      if (this.state === "opening" || this.state === "open" || (this.state === "closing" && head.keepOnClose)) head.run();
      this.pumpOutbox();
    });
  }
  /** Start the next queued PDU's transaction; behind `prior`, still unacknowledged, when given. */
  protected startNextTransaction(prior?: Transaction): void {
    if (this.state !== "open" || this.tx || this.queue.length === 0) return;
    const { pdu, acked } = this.queue.shift()!;
    const tn = this.txNext;
    this.txNext = nextTransactionNumber(tn);
    const own = segmentProvisioningPdu(pdu).map((gp) => encodePbAdvPdu(this.linkId, tn, gp));
    const frames = prior ? [...prior.frames, ...own] : own;
    const tx: Transaction = {
      tn,
      frames,
      slots: frames.map(() => undefined),
      inFlight: 0,
      started: false,
      retransmissions: 0,
      lastDoneAt: 0,
      retransmitTimer: undefined,
      timeoutTimer: undefined,
      acked,
      prior: prior ? { tn: prior.tn, count: prior.frames.length, acked: false, onAcked: prior.acked } : undefined,
    };
    this.tx = tx;
    if (this.ctx.debug) this.note("debug", `transaction 0x${hex8(tn)}, ${pdu.length} octets in ${frames.length} segment(s)`);
    this.enqueue(() => {
      if (this.tx !== tx) return;
      tx.started = true;
      // 5.3.3: the acknowledgment timer starts with the first message of the transaction.
      tx.timeoutTimer = this.ctx.timer(this.ctx.transactionTimeoutMs, () => {
        tx.timeoutTimer = undefined;
        if (this.tx !== tx) return;
        this.note("info", `transaction 0x${hex8(tn)} not acknowledged within ${this.ctx.transactionTimeoutMs} ms`);
        this.closeLink(LinkCloseReason.Timeout, false, true);
      });
      this.transmitSegments(tx);
    });
  }
  /**
   * Advertise every segment of the transaction that is not already queued in the radio. The segments go out
   * in `segmentAdv.count` passes (A B C, A B C) rather than each in `count` events (A A B B C C): the receiver
   * has a whole copy after the first pass, and the second pass repairs a loss without waiting for a timeout.
   */
  private transmitSegments(tx: Transaction): void {
    const passes = this.ctx.segmentAdv.count;
    const once: AdvertiseOptions = { count: 1, intervalMs: this.ctx.segmentAdv.intervalMs };
    const first = tx.prior?.acked ? tx.prior.count : 0;
    for (let i = first; i < tx.frames.length; i++) {
      if (tx.slots[i]) continue;
      const slot: SegmentSlot = { handles: [], pending: passes };
      tx.slots[i] = slot;
      tx.inFlight++;
    }
    for (let pass = 0; pass < passes; pass++) {
      for (let i = first; i < tx.frames.length; i++) {
        const slot = tx.slots[i];
        if (!slot || slot.handles.length > pass) continue;
        let done = false;
        const handle = this.ctx.advertise(tx.frames[i]!, once, () => {
          done = true;
          if (this.tx !== tx || tx.slots[i] !== slot) return;
          if (--slot.pending > 0) return;
          tx.slots[i] = undefined;
          tx.inFlight--;
          if (tx.inFlight === 0) this.armRetransmit(tx);
        });
        slot.handles.push(done ? undefined : handle);
        if (!handle && !done) {
          // The radio refused it: count it as gone out.
          if (--slot.pending === 0 && tx.slots[i] === slot) {
            tx.slots[i] = undefined;
            tx.inFlight--;
            if (tx.inFlight === 0) this.armRetransmit(tx);
          }
        }
      }
    }
  }
  private armRetransmit(tx: Transaction): void {
    tx.lastDoneAt = this.ctx.clock.now();
    const delay = this.policy.next(tx.retransmissions + 1, tx.frames.length, this.ctx.segmentAdv.intervalMs);
    tx.retransmitTimer = this.ctx.timer(delay, () => {
      tx.retransmitTimer = undefined;
      if (this.tx !== tx || this.state !== "open") return;
      if (!tx.prior && this.queue.length > 0) {
        // 5.3.3 leaves the retransmission schedule to the implementation. The one PDU the peer does not answer
        // (the provisioner's Start, answered only after our Public Key, 5.4.2.2) must not hold our next PDU back
        // for an acknowledgment a peer may never send (BlueZ meshd seldom does): instead of retransmitting it
        // alone, the next transaction starts with this one's segments in front, both going out until the
        // peer acknowledges them or answers. A receiver takes transactions in order (5.3.3), so it gets this one
        // before the next even when all its earlier copies were lost.
        if (this.ctx.debug) this.note("debug", `transaction 0x${hex8(tx.tn)} unacknowledged, the next one goes out behind it`);
        this.finishTransaction(tx);
        this.tx = undefined;
        this.startNextTransaction(tx);
        return;
      }
      tx.retransmissions++;
      if (this.ctx.debug) this.note("debug", `retransmitting transaction 0x${hex8(tx.tn)} (#${tx.retransmissions})`);
      this.transmitSegments(tx);
    });
  }
  /** 5.3.3: Transaction Acknowledgment, after the random delay; not again while the last one is on its way. */
  private sendAck(tn: number): void {
    const pending = this.ackPending;
    if (pending && pending.tn === tn && !pending.done) return;
    const entry = { tn, done: false };
    this.ackPending = entry;
    const frame = encodePbAdvPdu(this.linkId, tn, encodeTransactionAck());
    this.enqueue(
      () => {
        if (!this.ctx.advertise(frame, this.ctx.ackAdv, () => (entry.done = true))) entry.done = true;
      },
      true,
    );
  }
  private sendLinkAck(): void {
    const pending = this.linkAckPending;
    if (pending && !pending.done) return;
    const entry = { done: false };
    this.linkAckPending = entry;
    const frame = encodePbAdvPdu(this.linkId, 0, encodeBearerControl(BearerOpcode.LinkAck));
    this.enqueue(
      () => {
        if (!this.ctx.advertise(frame, this.ctx.linkAckAdv, () => (entry.done = true))) entry.done = true;
      },
      true,
    );
  }
  /** 5.2.1: the link timer runs from the opening of the link. */
  protected startLinkTimer(): void {
    this.linkTimer = this.ctx.timer(this.ctx.linkTimeoutMs, () => {
      this.linkTimer = undefined;
      if (this.state !== "open") return;
      this.note("info", `link timer expired`);
      this.closeLink(LinkCloseReason.Timeout, false, true);
    });
  }
  private stopLinkTimer(): void {
    if (this.linkTimer !== undefined) this.ctx.clock.clearTimeout(this.linkTimer);
    this.linkTimer = undefined;
  }
  /** Stop all timers and transmissions of the link; pending acknowledgments are kept when `keepAcks`. */
  protected stopEverything(keepAcks: boolean): void {
    const kept = keepAcks ? this.outbox.filter((item) => item.keepOnClose) : [];
    if (kept[0] !== this.outbox[0] && this.outboxTimer !== undefined) {
      this.ctx.clock.clearTimeout(this.outboxTimer);
      this.outboxTimer = undefined;
    }
    this.outbox.length = 0;
    this.outbox.push(...kept);
    this.stopLinkTimer();
    const tx = this.tx;
    if (tx) this.finishTransaction(tx);
    this.tx = undefined;
    this.queue.length = 0;
    this.reassembler.reset();
  }
  private finishTransaction(tx: Transaction): void {
    if (tx.retransmitTimer !== undefined) this.ctx.clock.clearTimeout(tx.retransmitTimer);
    if (tx.timeoutTimer !== undefined) this.ctx.clock.clearTimeout(tx.timeoutTimer);
    tx.retransmitTimer = undefined;
    tx.timeoutTimer = undefined;
    for (let i = 0; i < tx.slots.length; i++) {
      const slot = tx.slots[i];
      if (slot) for (let j = 0; j < slot.handles.length; j++) slot.handles[j]?.cancel();
    }
    tx.slots.fill(undefined);
    tx.inFlight = 0;
  }
  /**
   * End the link. With `sendClose`, the acknowledgments still pending go out, then Link Close after the random
   * delay in at least 3 advertising events (5.3.1.4.3), and `closed` fires once it has; otherwise `closed`
   * fires at once. The Link ID is forgotten at once: later packets of the link are ignored.
   */
  protected closeLink(reason: LinkCloseReason, byPeer: boolean, sendClose: boolean): void {
    if (this.state === "closing" || this.state === "closed") return;
    this.stopEverything(sendClose);
    this.ctx.forget(this);
    if (this.ctx.debug) this.note("debug", `closed, reason ${reason}${byPeer ? " (by peer)" : ""}`);
    const finish = (): void => {
      if (this.state === "closed") return;
      this.state = "closed";
      this.ctx.call(() => this.events.closed(this, reason, byPeer));
    };
    if (!sendClose) {
      finish();
      return;
    }
    this.state = "closing";
    const frame = encodePbAdvPdu(this.linkId, 0, encodeBearerControl(BearerOpcode.LinkClose, Uint8Array.of(reason)));
    this.enqueue(
      () => {
        let done = false;
        const handle = this.ctx.advertise(frame, this.ctx.linkCloseAdv, () => {
          done = true;
          finish();
        });
        if (!handle && !done) finish();
      },
      true,
    );
  }
  /** 5.3.3, sender side. */
  private onTransactionAck(tn: number): void {
    const tx = this.tx;
    if (this.state === "open" && tx?.prior && !tx.prior.acked && tx.prior.tn === tn) {
      // The transaction sent in front of this one is acknowledged: its segments stop going out.
      this.priorAcknowledged(tx.prior);
      return;
    }
    if (this.state !== "open" || !tx || !tx.started || tx.tn !== tn) {
      if (this.ctx.debug) this.note("debug", `acknowledgment of transaction 0x${hex8(tn)} ignored`);
      return;
    }
    // An acknowledgment before the last segment's last event went out gives no clean round-trip sample.
    this.transactionAcknowledged(tx, tx.inFlight === 0);
  }
  /**
   * Our transaction `tx` reached the peer: end it, hand the round trip to the policy when it is a clean sample,
   * call its `acked`, and start the next one at once.
   */
  private transactionAcknowledged(tx: Transaction, sample: boolean): void {
    const rtt = this.ctx.clock.now() - tx.lastDoneAt;
    this.finishTransaction(tx);
    this.tx = undefined;
    if (tx.prior) this.priorAcknowledged(tx.prior); // the receiver takes transactions in order
    if (sample && !tx.prior) this.policy.onAck(rtt, tx.retransmissions);
    if (tx.acked) {
      const acked = tx.acked;
      this.ctx.call(acked);
    }
    this.startNextTransaction();
  }
  private priorAcknowledged(prior: NonNullable<Transaction["prior"]>): void {
    if (prior.acked) return;
    prior.acked = true;
    if (prior.onAcked) this.ctx.call(prior.onAcked);
  }
  /** 5.3.3, receiver side. */
  private onSegment(tn: number, pdu: GenericProvPdu & { type: "TransactionStart" | "TransactionContinuation" }): void {
    if (this.state !== "open") return;
    if (tn === this.rxLast) {
      // A segment of a transaction already acknowledged: acknowledge again, ignore the segment.
      if (this.ctx.debug) this.note("debug", `repeated transaction 0x${hex8(tn)}, acknowledged again`);
      this.sendAck(tn);
      return;
    }
    if (tn !== this.rxNext) {
      if (this.ctx.debug) this.note("debug", `transaction 0x${hex8(tn)} ignored (expected 0x${hex8(this.rxNext)})`);
      return;
    }
    const r = this.reassembler.add(pdu);
    if (r.status === "error") {
      if (this.ctx.debug) this.note("debug", `transaction 0x${hex8(tn)}: ${r.error} (${r.message})`);
      return;
    }
    // 5.3.3 and 5.4.2: the provisioning protocol is turn by turn, so a peer builds its next Provisioning PDU only
    // once it has received ours (Invite -> Capabilities, Start and Public Key -> Public Key, Confirmation ->
    // Confirmation, Random -> Random, Data -> Complete, any -> Failed). A valid segment of the peer's next
    // transaction therefore acknowledges our transaction on the air, even when its Transaction Acknowledgment
    // was lost or never sent (BlueZ meshd replaces a queued acknowledgment by its next PDU): the next step goes
    // out at once instead of after retransmissions. Not a clean round-trip sample (the peer's own delays).
    const ours = this.tx;
    if (ours && ours.started) {
      if (this.ctx.debug) this.note("debug", `transaction 0x${hex8(ours.tn)} acknowledged by the peer's transaction 0x${hex8(tn)}`);
      this.transactionAcknowledged(ours, false);
    }
    switch (r.status) {
      case "incomplete":
      case "duplicate":
        return;
      case "complete":
        this.rxLast = tn;
        this.rxNext = nextTransactionNumber(tn);
        this.stopLinkTimer(); // 5.2.1: a Provisioning PDU arrived
        this.sendAck(tn);
        this.ctx.call(() => this.events.received(this, r.pdu));
        return;
    }
  }
}

/** The provisioner's link establishment (5.3.2): Link Open's advertising and the link establishment timer. */
interface OpeningOptions {
  adv: AdvertiseOptions;
  timeoutMs: number;
}

/**
 * The provisioner's link (PB-ADV Client): an AdvLink that opens itself (5.3.2: the link establishment timer,
 * Link Open until Link Ack) and numbers its transactions from 0x00 (5.2.1).
 */
class OpeningLink extends AdvLink {
  /** Link Open state. */
  private openSlot: Slot | undefined;
  private openRetransmissions = 0;
  private openLastDoneAt = 0;
  private openTimer: TimerHandle | undefined;
  private establishmentTimer: TimerHandle | undefined;

  constructor(
    ctx: LinkContext,
    linkId: number,
    uuid: Bytes,
    events: LinkEvents,
    policy: RetransmitPolicy,
    private readonly opening: OpeningOptions,
  ) {
    super(ctx, linkId, uuid, events, policy, PROVISIONER_FIRST_TRANSACTION);
    this.state = "opening";
  }

  /** 5.3.2, provisioner side: the link establishment timer, and Link Open until Link Ack. */
  startOpening(): void {
    this.establishmentTimer = this.ctx.timer(this.opening.timeoutMs, () => {
      this.establishmentTimer = undefined;
      if (this.state !== "opening") return;
      this.note("info", `no Link Ack within ${this.opening.timeoutMs} ms`);
      this.closeLink(LinkCloseReason.Timeout, false, true);
    });
    this.enqueue(() => this.sendLinkOpen());
  }

  override receive(tn: number, pdu: GenericProvPdu): void {
    if (pdu.type !== "LinkAck") super.receive(tn, pdu);
    else if (this.state === "opening") this.onLinkAck(); // else a repeated Link Ack
  }
  protected override stopEverything(keepAcks: boolean): void {
    this.stopOpenTimers();
    this.openSlot?.handle?.cancel();
    this.openSlot = undefined;
    super.stopEverything(keepAcks);
  }
  private sendLinkOpen(): void {
    if (this.state !== "opening") return;
    const frame = encodePbAdvPdu(this.linkId, 0, encodeBearerControl(BearerOpcode.LinkOpen, this.uuid));
    const slot: Slot = { handle: undefined, done: false };
    this.openSlot = slot;
    const handle = this.ctx.advertise(frame, this.opening.adv, () => {
      slot.done = true;
      if (this.openSlot !== slot || this.state !== "opening") return;
      this.openSlot = undefined;
      this.openLastDoneAt = this.ctx.clock.now();
      const delay = this.policy.next(this.openRetransmissions + 1, 1, this.opening.adv.intervalMs);
      this.openTimer = this.ctx.timer(delay, () => {
        this.openTimer = undefined;
        if (this.state !== "opening") return;
        this.openRetransmissions++;
        this.sendLinkOpen();
      });
    });
    if (!slot.done) slot.handle = handle;
  }
  /** 5.3.2, provisioner side: the link establishment timer and the Link Open retransmission timer. */
  private stopOpenTimers(): void {
    if (this.establishmentTimer !== undefined) this.ctx.clock.clearTimeout(this.establishmentTimer);
    if (this.openTimer !== undefined) this.ctx.clock.clearTimeout(this.openTimer);
    this.establishmentTimer = undefined;
    this.openTimer = undefined;
  }
  /** 5.3.2, provisioner side. */
  private onLinkAck(): void {
    // A Link Ack before our Link Open's last event went out gives no clean round-trip sample.
    const sample = this.openSlot === undefined;
    const rtt = this.ctx.clock.now() - this.openLastDoneAt;
    this.stopOpenTimers();
    this.openSlot?.handle?.cancel();
    this.openSlot = undefined;
    this.state = "open";
    if (sample) this.policy.onAck(rtt, this.openRetransmissions);
    if (this.ctx.debug) this.note("debug", `open`);
    this.startLinkTimer();
    this.ctx.call(() => this.events.opened(this));
    this.startNextTransaction();
  }
}

/**
 * PB-ADV on the device (PB-ADV Server, 5.2.1): it accepts Link Opens for the UUID it listens for (5.3.2), one
 * link at a time, and carries that link's transactions (5.3.3). A device image needs nothing more; PbAdv adds the
 * provisioner's side (opening links) for the images that provision others.
 */
export class PbAdvDevice implements DeviceBearer {
  /** The links that are opening or open, by Link ID (one at most on a device; a provisioner's several). */
  protected readonly links = new Map<number, AdvLink>();
  private deviceLink: AdvLink | undefined;
  private listening: { uuid: Bytes; events: LinkEvents } | undefined;
  private unsubscribe: (() => void) | undefined;
  protected readonly ctx: LinkContext;

  constructor(
    private readonly adv: AdvBearer,
    clock: Clock,
    random: RandomSource,
    options: PbAdvOptions = {},
  ) {
    this.ctx = new LinkContext(adv, clock, random, options, (link) => this.forget(link));
  }

  // ---- DeviceBearer ----

  listen(uuid: Bytes, events: LinkEvents): void {
    this.listening = { uuid: checkedUuid(uuid), events };
    this.refreshSubscription();
  }

  stopListening(): void {
    this.listening = undefined;
    this.refreshSubscription();
  }

  // ---- receiving ----

  /** A link has closed: its Link ID is forgotten at once (later packets of it are ignored). */
  private forget(link: AdvLink): void {
    if (this.links.get(link.linkId) === link) this.links.delete(link.linkId);
    if (this.deviceLink === link) this.deviceLink = undefined;
    this.refreshSubscription();
  }

  protected refreshSubscription(): void {
    const want = this.listening !== undefined || this.links.size > 0;
    if (want && !this.unsubscribe) {
      this.unsubscribe = this.adv.subscribe(AD_TYPE.PB_ADV, (p) => this.onPacket(p));
    } else if (!want && this.unsubscribe) {
      const u = this.unsubscribe;
      this.unsubscribe = undefined;
      u();
    }
  }

  private onPacket(packet: RadioPacket): void {
    const r = decodePbAdvPdu(packet.data);
    if (!r.ok) {
      if (this.ctx.debug) this.ctx.log("debug", `malformed PB-ADV PDU dropped: ${r.error} (${r.message})`);
      return;
    }
    const { linkId, transactionNumber: tn, pdu } = r;
    if (pdu.type === "LinkOpen") {
      this.onLinkOpen(linkId, pdu.uuid);
      return;
    }
    const link = this.links.get(linkId);
    if (!link) {
      if (this.ctx.debug) this.ctx.log("debug", `${pdu.type} for unknown link ${hex32(linkId)} ignored`);
      return;
    }
    link.receive(tn, pdu);
  }

  /** 5.3.2, device side. */
  protected onLinkOpen(linkId: number, uuid: Bytes): void {
    const current = this.deviceLink;
    if (current) {
      if (current.linkId === linkId) current.linkOpenRepeated();
      else if (this.ctx.debug) this.ctx.log("debug", `Link Open ${hex32(linkId)} ignored: in link ${hex32(current.linkId)}`);
      return;
    }
    const listening = this.listening;
    if (!listening || !bytesEqual(uuid, listening.uuid)) return;
    const link = new AdvLink(this.ctx, linkId, listening.uuid, listening.events, this.ctx.newPolicy());
    this.links.set(linkId, link);
    this.deviceLink = link;
    if (this.ctx.debug) this.ctx.log("debug", `link ${hex32(linkId)}: opened by a provisioner`);
    link.acceptOpen();
  }
}

/**
 * PB-ADV with both roles: the device's (PbAdvDevice) and the provisioner's (PB-ADV Client), which opens links
 * (5.3.2), several at once, demultiplexed by Link ID.
 */
export class PbAdv extends PbAdvDevice implements ProvisionerBearer {
  private readonly opening: OpeningOptions;

  constructor(adv: AdvBearer, clock: Clock, random: RandomSource, options: PbAdvOptions = {}) {
    super(adv, clock, random, options);
    this.opening = {
      adv: advOptions(options.linkOpenAdv, PB_ADV_DEFAULTS.linkOpenAdv),
      timeoutMs: options.linkEstablishmentTimeoutMs ?? LINK_ESTABLISHMENT_TIMEOUT_MS,
    };
  }

  /** Number of links that are opening or open. */
  get linkCount(): number {
    return this.links.size;
  }

  /** 5.3.2, device side, with links of our own: a Link Open with the Link ID of one of them is not for us. */
  protected override onLinkOpen(linkId: number, uuid: Bytes): void {
    const link = this.links.get(linkId);
    if (link instanceof OpeningLink) {
      if (this.ctx.debug) this.ctx.log("debug", `Link Open ${hex32(linkId)} ignored: Link ID in use by a provisioner link`);
      return;
    }
    super.onLinkOpen(linkId, uuid);
  }

  /** 5.3.2: open a link to the device with this UUID (Link Open until Link Ack, 60 s at most). */
  open(uuid: Bytes, events: LinkEvents): ProvLink {
    const id = checkedUuid(uuid);
    let linkId = this.ctx.randomU32();
    for (let i = 0; this.links.has(linkId) && i < 1000; i++) linkId = this.ctx.randomU32();
    if (this.links.has(linkId)) throw new PbAdvError("no free Link ID");
    const link = new OpeningLink(this.ctx, linkId, id, events, this.ctx.newPolicy(), this.opening);
    this.links.set(linkId, link);
    this.refreshSubscription();
    if (this.ctx.debug) this.ctx.log("debug", `link ${hex32(linkId)}: opening`);
    link.startOpening();
    return link;
  }
}

/** A copy of a Device UUID argument (Link Open's, 5.3.1.4.1: 16 octets); throws PbAdvError otherwise. */
function checkedUuid(uuid: Bytes): Bytes {
  if (!(uuid instanceof Uint8Array) || uuid.length !== UUID_LENGTH) throw new PbAdvError("Device UUID must be 16 octets");
  return uuid.slice();
}

function advOptions(given: AdvertiseOptions | undefined, fallback: AdvertiseOptions): AdvertiseOptions {
  const count = given && Number.isInteger(given.count) && given.count >= 1 ? given.count : fallback.count;
  const intervalMs = given && Number.isFinite(given.intervalMs) && given.intervalMs >= 0 ? given.intervalMs : fallback.intervalMs;
  return { count, intervalMs };
}

function finiteAtLeast(v: number | undefined, min: number, fallback: number): number {
  return v !== undefined && Number.isFinite(v) && v >= min ? v : fallback;
}


function hex32(v: number): string {
  return (v >>> 0).toString(16).padStart(8, "0");
}

function hex8(v: number): string {
  return (v & 0xff).toString(16).padStart(2, "0");
}
