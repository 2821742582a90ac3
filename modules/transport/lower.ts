/**
 * The lower transport layer (Mesh Protocol 1.1, 3.5): unsegmented and segmented access and control
 * messages, segmentation and reassembly (SAR, 3.5.3) with Segment Acknowledgments, retransmission,
 * the discard (incomplete) timer, several reassembly contexts at once, and the SeqZero/SeqAuth rules;
 * replay protection (3.9.8) before anything reaches the upper transport.
 *
 * SeqAuth (3.5.3.1): the SEQ of a segmented message's first segment, with the IV Index; SeqZero is its low
 * 13 bits. A received segment's SeqAuth is the largest SEQ' <= SEQ with SEQ' mod 8192 = SeqZero, so every
 * segment of one message is within 8191 of the first. Segment retransmissions use new SEQ values.
 */
import type { Bytes, Clock, Logger, TimerHandle } from "../platform.js";
import { isUnicast } from "../net/address.js";
import type { NetworkHeader } from "../net/pdu.js";
import type { NetworkRx } from "../net/network.js";
import type { ReplayProtectionList } from "./rpl.js";
import {
  ACCESS_SEGMENT_SIZE,
  CONTROL_SEGMENT_SIZE,
  ControlOpcode,
  MAX_SEGMENTS,
  MAX_UNSEGMENTED_ACCESS,
  MAX_UNSEGMENTED_CONTROL,
  decodeLowerPdu,
  decodeSegmentAck,
  encodeLowerPdu,
  encodeSegmentAck,
} from "./pdu.js";
import { DEFAULT_SAR_RECEIVER, DEFAULT_SAR_TRANSMITTER, ackDelayMs, discardTimeoutMs, multicastRetransmissionMs, segmentIntervalMs, unicastRetransmissionMs } from "./sar.js";
import type { SarReceiver, SarTransmitter } from "./sar.js";
import type { SendResult } from "../access/model.js";

const TAG = "lower";

/** A complete upper transport PDU handed up (after reassembly), with what its security needs. */
export interface UpperRx {
  ctl: 0 | 1;
  src: number;
  dst: number;
  ivIndex: number;
  /** SeqAuth's SEQ: the only PDU's SEQ, or the first segment's. */
  seqAuth: number;
  ttl: number;
  netKeyIndex: number;
  rssi?: number;
  segmented: boolean;
  /** Access: AKF, AID, SZMIC. */
  akf: boolean;
  aid: number;
  szmic: boolean;
  /** Control: the opcode. */
  opcode: number;
  /** Access: the Upper Transport Access PDU (encrypted payload || TransMIC); control: the parameters. */
  payload: Bytes;
}

export interface LowerHost {
  allocateSeq(): number | undefined;
  /** IV Index to transmit with, and the current IV Index (for the RPL's stale-entry rule). */
  txIvIndex(): number;
  currentIvIndex(): number;
  sendNetwork(netKeyIndex: number, header: NetworkHeader, pdu: Bytes): boolean;
  defaultTtl(): number;
  isOwnUnicast(address: number): boolean;
  /**
   * Authenticates an upper transport PDU. Returns the function that delivers it, or undefined when it is
   * not authentic (then the RPL is left as it was). The lower transport records the message in the RPL
   * (a flash write when needed) BEFORE it calls that function: a power loss between the two loses the
   * message, never the replay protection.
   */
  deliverUpper(rx: UpperRx): (() => void) | undefined;
}

/** An access message to send, already encrypted by the upper transport with SEQ `seq` as SeqAuth. */
export interface AccessTx {
  netKeyIndex: number;
  src: number;
  dst: number;
  ttl: number;
  ivIndex: number;
  seq: number;
  akf: boolean;
  aid: number;
  szmic: boolean;
  /** Send segmented even when it would fit unsegmented (3.5.2: acknowledged delivery to a unicast address). */
  segmented: boolean;
  upper: Bytes;
}

export interface LowerStats {
  replays: number;
  segmentsReceived: number;
  reassembled: number;
  rxDiscarded: number;
  rxBusy: number;
  malformed: number;
  txFailed: number;
  acksSent: number;
}

interface RxContext {
  src: number;
  dst: number;
  ivIndex: number;
  seqAuth: number;
  segN: number;
  ctl: 0 | 1;
  akf: boolean;
  aid: number;
  szmic: boolean;
  opcode: number;
  netKeyIndex: number;
  ttl: number;
  rssi?: number;
  segments: (Bytes | undefined)[];
  received: number;
  complete: boolean;
  ackTimer?: TimerHandle;
  discardTimer?: TimerHandle;
}

interface TxContext {
  tx: AccessTx;
  segments: Bytes[];
  segN: number;
  seqZero: number;
  acked: number;
  unicast: boolean;
  retransLeft: number;
  noProgressLeft: number;
  multicastLeft: number;
  timer?: TimerHandle;
  done?: (r: SendResult) => void;
  firstRound: boolean;
  /** True while a round of segments is going out (false while waiting for acks or the next round). */
  sending: boolean;
}

function fullMask(segN: number): number {
  return segN === 31 ? 0xffffffff : ((1 << (segN + 1)) - 1) >>> 0;
}

export class LowerTransport {
  readonly stats: LowerStats = { replays: 0, segmentsReceived: 0, reassembled: 0, rxDiscarded: 0, rxBusy: 0, malformed: 0, txFailed: 0, acksSent: 0 };
  private readonly rx: RxContext[] = [];
  private readonly tx: TxContext[] = [];
  private readonly txQueue: { ctx: TxContext }[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly host: LowerHost,
    private readonly rpl: ReplayProtectionList,
    readonly sarTx: SarTransmitter = DEFAULT_SAR_TRANSMITTER,
    readonly sarRx: SarReceiver = DEFAULT_SAR_RECEIVER,
    /** Reassembly contexts at once (different sources, or one source and different messages in turn). */
    readonly maxRxContexts = 4,
    private readonly logger?: Logger,
  ) {}

  // ---------------------------------------------------------------- receive

  receive(n: NetworkRx): void {
    const h = n.header;
    const lower = decodeLowerPdu(h.ctl, n.transportPdu);
    if (typeof lower === "string") {
      this.stats.malformed++;
      this.logger?.log("debug", TAG, `dropped from 0x${h.src.toString(16)}: ${lower}`);
      return;
    }
    if (!lower.seg) {
      if (lower.ctl === 1 && lower.opcode === ControlOpcode.SEGMENT_ACK) {
        this.segmentAck(h, lower.params);
        return;
      }
      const verdict = this.replayCheck(h.src, h.ivIndex, h.seq);
      if (verdict === "full") {
        this.rpl.refused(h.src);
        return;
      }
      if (verdict !== "new") {
        this.stats.replays++;
        return;
      }
      const up: UpperRx = {
        ctl: lower.ctl, src: h.src, dst: h.dst, ivIndex: h.ivIndex, seqAuth: h.seq, ttl: h.ttl, netKeyIndex: n.netKeyIndex,
        segmented: false, akf: lower.ctl === 0 ? lower.akf : false, aid: lower.ctl === 0 ? lower.aid : 0, szmic: false,
        opcode: lower.ctl === 1 ? lower.opcode : 0, payload: lower.ctl === 0 ? lower.upper : lower.params,
        ...(n.rssi !== undefined ? { rssi: n.rssi } : {}),
      };
      this.handUp(up);
      return;
    }
    // Segmented (3.5.3.4).
    this.stats.segmentsReceived++;
    const seqAuth = h.seq - ((h.seq - lower.seqZero) & 0x1fff);
    if (seqAuth < 0) {
      this.stats.malformed++;
      return;
    }
    // Every segment but the last is full (3.5.2.2, 3.5.2.4); checked before a context is taken for it.
    const size = lower.ctl ? CONTROL_SEGMENT_SIZE : ACCESS_SEGMENT_SIZE;
    if ((lower.segO < lower.segN && lower.segment.length !== size) || lower.segment.length === 0) {
      this.stats.malformed++;
      return;
    }
    const unicastDst = isUnicast(h.dst);
    let ctx: RxContext | undefined = this.rx.filter((c) => c.src === h.src)[0];
    if (ctx && ctx.seqAuth === seqAuth && ctx.ivIndex === h.ivIndex) {
      if (ctx.complete) {
        // A segment of a message already received: acknowledge it again (3.5.3.4).
        if (unicastDst) this.sendAck(ctx, fullMask(ctx.segN));
        return;
      }
    } else {
      const verdict = this.replayCheck(h.src, h.ivIndex, seqAuth);
      if (verdict === "full") {
        this.rpl.refused(h.src);
        return;
      }
      if (verdict === "same") {
        // Completed earlier (the context is gone): acknowledge all segments again.
        if (unicastDst) this.sendAckRaw(h.dst, h.src, lower.seqZero, h.ttl, n.netKeyIndex, fullMask(lower.segN));
        return;
      }
      if (verdict === "replay" || (ctx && (h.ivIndex < ctx.ivIndex || (h.ivIndex === ctx.ivIndex && seqAuth < ctx.seqAuth)))) {
        this.stats.replays++;
        return;
      }
      // A newer message from this source replaces its older, unfinished one.
      if (ctx) this.dropRx(ctx);
      if (this.rx.length >= this.maxRxContexts) {
        // No room: tell a unicast sender at once with an empty Block Ack (3.5.3.4), so it stops.
        this.stats.rxBusy++;
        if (unicastDst) this.sendAckRaw(h.dst, h.src, lower.seqZero, h.ttl, n.netKeyIndex, 0);
        return;
      }
      ctx = {
        src: h.src, dst: h.dst, ivIndex: h.ivIndex, seqAuth, segN: lower.segN, ctl: lower.ctl,
        akf: lower.ctl === 0 ? lower.akf : false, aid: lower.ctl === 0 ? lower.aid : 0, szmic: lower.ctl === 0 ? lower.szmic : false,
        opcode: lower.ctl === 1 ? lower.opcode : 0, netKeyIndex: n.netKeyIndex, ttl: h.ttl, segments: new Array(lower.segN + 1).fill(undefined),
        received: 0, complete: false,
      };
      this.rx.push(ctx);
    }
    // Every segment of one message carries the same header fields.
    const sameHeader = lower.segN === ctx.segN && lower.ctl === ctx.ctl && (lower.ctl === 1 ? lower.opcode === ctx.opcode : lower.akf === ctx.akf && lower.aid === ctx.aid && lower.szmic === ctx.szmic);
    if (!sameHeader) {
      this.stats.malformed++;
      return;
    }
    ctx.ttl = h.ttl;
    if (n.rssi !== undefined) ctx.rssi = n.rssi;
    if (!ctx.segments[lower.segO]) {
      ctx.segments[lower.segO] = lower.segment.slice();
      ctx.received++;
    }
    this.restartDiscard(ctx);
    if (ctx.received === ctx.segN + 1) {
      this.complete(ctx, unicastDst);
      return;
    }
    if (unicastDst && ctx.ackTimer === undefined) {
      const c = ctx;
      c.ackTimer = this.clock.setTimeout(() => {
        c.ackTimer = undefined;
        if (!c.complete && this.rx.includes(c)) this.sendAck(c, this.blockAck(c));
      }, ackDelayMs(this.sarRx, ctx.segN));
    }
  }

  private complete(ctx: RxContext, unicastDst: boolean): void {
    ctx.complete = true;
    if (ctx.ackTimer !== undefined) this.clock.clearTimeout(ctx.ackTimer);
    ctx.ackTimer = undefined;
    let total = 0;
    for (const s of ctx.segments) total += s!.length;
    const payload = new Uint8Array(total);
    let o = 0;
    for (const s of ctx.segments) {
      payload.set(s!, o);
      o += s!.length;
    }
    this.stats.reassembled++;
    if (unicastDst) {
      this.sendAck(ctx, fullMask(ctx.segN));
      // Above the threshold, the acknowledgment is repeated (SAR Acknowledgment Retransmissions Count).
      if (ctx.segN + 1 > this.sarRx.segmentsThreshold) {
        for (let i = 1; i <= this.sarRx.ackRetransmissionsCount; i++) {
          const c = ctx;
          this.clock.setTimeout(() => this.sendAck(c, fullMask(c.segN)), i * (this.sarRx.receiverSegmentIntervalStep + 1) * 10);
        }
      }
    }
    // The finished context stays until its discard timer, to acknowledge late repeats of its segments.
    this.handUp({
      ctl: ctx.ctl, src: ctx.src, dst: ctx.dst, ivIndex: ctx.ivIndex, seqAuth: ctx.seqAuth, ttl: ctx.ttl, netKeyIndex: ctx.netKeyIndex,
      segmented: true, akf: ctx.akf, aid: ctx.aid, szmic: ctx.szmic, opcode: ctx.opcode, payload,
      ...(ctx.rssi !== undefined ? { rssi: ctx.rssi } : {}),
    });
  }

  private handUp(up: UpperRx): void {
    try {
      const deliver = this.host.deliverUpper(up);
      if (!deliver) return;
      const local = this.host.isOwnUnicast(up.src);
      if (!local && !this.rpl.accept(up.src, up.ivIndex, up.seqAuth, this.host.currentIvIndex())) {
        this.logger?.log("warn", TAG, `message from 0x${up.src.toString(16)} dropped: the replay list could not record it`);
        return;
      }
      deliver();
    } catch (e) {
      this.logger?.log("error", TAG, "upper transport threw: " + (e instanceof Error ? e.message : String(e)));
    }
  }

  /**
   * The replay check. A PDU from one of our own addresses can only have come through the local interface
   * (the network layer drops our own PDUs heard over the air), so it takes no RPL entry and no flash write.
   */
  private replayCheck(src: number, ivIndex: number, seq: number): "new" | "same" | "replay" | "full" {
    if (this.host.isOwnUnicast(src)) return "new";
    return this.rpl.check(src, ivIndex, seq, this.host.currentIvIndex());
  }

  private restartDiscard(ctx: RxContext): void {
    if (ctx.discardTimer !== undefined) this.clock.clearTimeout(ctx.discardTimer);
    ctx.discardTimer = this.clock.setTimeout(() => {
      ctx.discardTimer = undefined;
      // SAR Discard timer (3.5.3.4): an incomplete message is dropped, no acknowledgment is sent.
      if (!ctx.complete) {
        this.stats.rxDiscarded++;
        this.logger?.log("debug", TAG, `incomplete message from 0x${ctx.src.toString(16)} discarded`);
      }
      this.dropRx(ctx);
    }, discardTimeoutMs(this.sarRx));
  }

  private dropRx(ctx: RxContext): void {
    if (ctx.ackTimer !== undefined) this.clock.clearTimeout(ctx.ackTimer);
    if (ctx.discardTimer !== undefined) this.clock.clearTimeout(ctx.discardTimer);
    const i = this.rx.indexOf(ctx);
    if (i >= 0) this.rx.splice(i, 1);
  }

  private blockAck(ctx: RxContext): number {
    let m = 0;
    for (let i = 0; i < ctx.segments.length; i++) if (ctx.segments[i]) m |= 1 << i;
    return m >>> 0;
  }

  private sendAck(ctx: RxContext, blockAck: number): void {
    this.sendAckRaw(ctx.dst, ctx.src, ctx.seqAuth & 0x1fff, ctx.ttl, ctx.netKeyIndex, blockAck);
  }

  /** A Segment Ack from `from` (the segmented message's destination) to its source; TTL 0 answers TTL 0 (3.5.3.4). */
  private sendAckRaw(from: number, to: number, seqZero: number, rxTtl: number, netKeyIndex: number, blockAck: number): void {
    if (!this.host.isOwnUnicast(from)) return;
    this.stats.acksSent++;
    this.sendControl(netKeyIndex, from, to, rxTtl === 0 ? 0 : this.host.defaultTtl(), ControlOpcode.SEGMENT_ACK, encodeSegmentAck({ obo: false, seqZero, blockAck }));
  }

  // ---------------------------------------------------------------- send

  /** An unsegmented transport control message (3.5.2.3): at most 11 octets of parameters. Returns false when not sent. */
  sendControl(netKeyIndex: number, src: number, dst: number, ttl: number, opcode: number, params: Bytes): boolean {
    if (params.length > MAX_UNSEGMENTED_CONTROL) return false;
    const seq = this.host.allocateSeq();
    if (seq === undefined) return false;
    const pdu = encodeLowerPdu({ seg: false, ctl: 1, opcode, params });
    return this.host.sendNetwork(netKeyIndex, { ivIndex: this.host.txIvIndex(), ctl: 1, ttl, seq, src, dst }, pdu);
  }

  /** Sends an access message; `done` gets "sent", "acked" or "failed". */
  sendAccess(m: AccessTx, done?: (r: SendResult) => void): void {
    const maxLen = ACCESS_SEGMENT_SIZE * MAX_SEGMENTS;
    if (m.upper.length > maxLen) {
      done?.("not-sent");
      return;
    }
    if (!m.segmented && !m.szmic && m.upper.length <= MAX_UNSEGMENTED_ACCESS) {
      const pdu = encodeLowerPdu({ seg: false, ctl: 0, akf: m.akf, aid: m.aid, upper: m.upper });
      const ok = this.host.sendNetwork(m.netKeyIndex, { ivIndex: m.ivIndex, ctl: 0, ttl: m.ttl, seq: m.seq, src: m.src, dst: m.dst }, pdu);
      done?.(ok ? "sent" : "not-sent");
      return;
    }
    const segN = Math.ceil(m.upper.length / ACCESS_SEGMENT_SIZE) - 1;
    const segments: Bytes[] = [];
    for (let i = 0; i <= segN; i++) segments.push(m.upper.subarray(i * ACCESS_SEGMENT_SIZE, (i + 1) * ACCESS_SEGMENT_SIZE));
    // To one of our own elements the segments go through the local interface once: no acks, no repeats.
    const local = this.host.isOwnUnicast(m.dst);
    const unicast = isUnicast(m.dst) && !local;
    const ctx: TxContext = {
      tx: m, segments, segN, seqZero: m.seq & 0x1fff, acked: 0, unicast,
      retransLeft: this.sarTx.unicastRetransmissionsCount, noProgressLeft: this.sarTx.unicastRetransmissionsWithoutProgressCount,
      multicastLeft: local ? 0 : this.sarTx.multicastRetransmissionsCount, firstRound: true, sending: false,
      ...(done ? { done } : {}),
    };
    // 3.5.3.3: one segmented message at a time to a destination; later ones wait their turn.
    if (this.tx.filter((c) => c.tx.dst === m.dst).length > 0) this.txQueue.push({ ctx });
    else this.startTx(ctx);
  }

  /** Number of segmented messages being sent or waiting. */
  get pendingTx(): number {
    return this.tx.length + this.txQueue.length;
  }

  private startTx(ctx: TxContext): void {
    this.tx.push(ctx);
    this.sendRound(ctx);
  }

  /** Sends every unacknowledged segment, one segment interval apart, then arms the retransmission timer. */
  private sendRound(ctx: TxContext): void {
    const pending: number[] = [];
    for (let i = 0; i <= ctx.segN; i++) if (!(ctx.acked & (1 << i))) pending.push(i);
    let k = 0;
    ctx.sending = true;
    const step = (): void => {
      if (!this.tx.includes(ctx)) return;
      while (k < pending.length && ctx.acked & (1 << pending[k]!)) k++;
      if (k >= pending.length) {
        ctx.sending = false;
        this.armRetransmission(ctx);
        return;
      }
      const segO = pending[k++]!;
      if (!this.sendSegment(ctx, segO)) {
        this.finishTx(ctx, "failed");
        return;
      }
      ctx.timer = this.clock.setTimeout(step, k < pending.length ? segmentIntervalMs(this.sarTx) : 0);
    };
    step();
  }

  private sendSegment(ctx: TxContext, segO: number): boolean {
    const m = ctx.tx;
    // The first transmission of segment 0 uses SeqAuth's SEQ; every other PDU takes a new one.
    const seq = ctx.firstRound && segO === 0 ? m.seq : this.host.allocateSeq();
    if (seq === undefined) return false;
    // This stack sends segmented access messages only (its control messages, Segment Ack and Heartbeat, fit one PDU).
    const lower = encodeLowerPdu({ seg: true, ctl: 0, akf: m.akf, aid: m.aid, szmic: m.szmic, seqZero: ctx.seqZero, segO, segN: ctx.segN, segment: ctx.segments[segO]! });
    return this.host.sendNetwork(m.netKeyIndex, { ivIndex: m.ivIndex, ctl: 0, ttl: m.ttl, seq, src: m.src, dst: m.dst }, lower);
  }

  private armRetransmission(ctx: TxContext): void {
    ctx.firstRound = false;
    if (!ctx.unicast) {
      // To a group or virtual address: the whole message again, multicast count times, then done (3.5.3.3).
      if (ctx.multicastLeft <= 0) {
        this.finishTx(ctx, "sent");
        return;
      }
      ctx.multicastLeft--;
      ctx.timer = this.clock.setTimeout(() => this.sendRound(ctx), multicastRetransmissionMs(this.sarTx));
      return;
    }
    ctx.timer = this.clock.setTimeout(() => {
      if (ctx.retransLeft <= 0 || ctx.noProgressLeft <= 0) {
        this.logger?.log("info", TAG, `segmented message to 0x${ctx.tx.dst.toString(16)} not acknowledged`);
        this.finishTx(ctx, "failed");
        return;
      }
      ctx.retransLeft--;
      ctx.noProgressLeft--;
      this.sendRound(ctx);
    }, unicastRetransmissionMs(this.sarTx, ctx.tx.ttl));
  }

  private segmentAck(h: NetworkHeader, params: Bytes): void {
    const ack = decodeSegmentAck(params);
    if (!ack) {
      this.stats.malformed++;
      return;
    }
    const ctx = this.tx.filter((c) => c.unicast && c.tx.dst === h.src && c.seqZero === ack.seqZero && this.host.isOwnUnicast(h.dst) && c.tx.src === h.dst)[0];
    if (!ctx) return;
    if (ack.blockAck === 0) {
      // The receiver cannot take the message (busy) or cancelled it (3.5.3.3).
      this.finishTx(ctx, "failed");
      return;
    }
    const valid = ack.blockAck & fullMask(ctx.segN);
    const progress = (valid & ~ctx.acked) !== 0;
    ctx.acked = (ctx.acked | valid) >>> 0;
    if (ctx.acked === fullMask(ctx.segN)) {
      this.finishTx(ctx, "acked");
      return;
    }
    if (progress) {
      // Progress: the without-progress count starts again. While a round is going out it simply skips
      // the newly acknowledged segments; after it, the missing segments go out again now (3.5.3.3).
      ctx.noProgressLeft = this.sarTx.unicastRetransmissionsWithoutProgressCount;
      if (ctx.sending) return;
      if (ctx.timer !== undefined) this.clock.clearTimeout(ctx.timer);
      if (ctx.retransLeft <= 0) {
        this.finishTx(ctx, "failed");
        return;
      }
      ctx.retransLeft--;
      this.sendRound(ctx);
    }
  }

  private finishTx(ctx: TxContext, result: SendResult): void {
    if (ctx.timer !== undefined) this.clock.clearTimeout(ctx.timer);
    const i = this.tx.indexOf(ctx);
    if (i >= 0) this.tx.splice(i, 1);
    if (result === "failed") this.stats.txFailed++;
    try {
      ctx.done?.(result);
    } catch (e) {
      this.logger?.log("error", TAG, "send callback threw: " + (e instanceof Error ? e.message : String(e)));
    }
    const waiting = this.txQueue.filter((q) => q.ctx.tx.dst === ctx.tx.dst)[0];
    if (waiting) {
      this.txQueue.splice(this.txQueue.indexOf(waiting), 1);
      this.startTx(waiting.ctx);
    }
  }

  /** Stops every timer and forgets every context (node stop or reset). Pending sends report "failed". */
  stop(): void {
    for (const c of [...this.rx]) this.dropRx(c);
    for (const c of [...this.tx]) {
      if (c.timer !== undefined) this.clock.clearTimeout(c.timer);
    }
    const pending = [...this.tx, ...this.txQueue.map((q) => q.ctx)];
    this.tx.length = 0;
    this.txQueue.length = 0;
    for (const c of pending) c.done?.("failed");
  }
}
