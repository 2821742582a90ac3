/**
 * Generic OnOff Server and Client (Mesh Model 1.1, 3.2.1 messages, 3.3.1 server behaviour, 3.4 client).
 *
 * Server:
 * - Set / Set Unacknowledged: OnOff 0x02-0xFF and a Transition Time of 0x3F steps are prohibited: ignored
 *   (3.2.1.2). A Set from the same SRC to the same DST with the same TID within 6 seconds is the same
 *   transaction (3.2.1.2, the TID field): not applied again, an acknowledged one
 *   is still answered with the Status.
 * - Transition Time and Delay are honoured: after Delay (5 ms steps), a change to On is seen at once and
 *   lasts; a change to Off keeps the state On until the transition ends (3.1.1.1: "Generic OnOff ... binary
 *   state during a transition"). Without Transition Time the change is instantaneous (this server has no
 *   Generic Default Transition Time). Status carries Target OnOff and Remaining Time during a transition.
 * - Every change of the state is published (3.7.6.1.2) when the model has a publication.
 * Client:
 * - set(): a new transaction gets the next TID (modulo 256); an acknowledged Set is sent again with the same
 *   TID until a Status comes (kit.ts Requests), so a repeated Set is one transaction at the server.
 * - toggle(): the opposite of the last state the client knows (from a Status, or its own last Set that went out).
 */
import type { Bytes, TimerHandle } from "../platform.js";
import type { Model, ModelContext, OpcodeEntry, ReceivedMessage, SendCallback, SendOptions } from "../access/model.js";
import { SigModel } from "../access/model.js";
import { ONOFF_TABLE, DELAY_STEP_MS, encodeTransitionTime, transitionTimeMs } from "./onoff-messages.js";
import type { Params } from "./codec.js";
import { ClientModel, encode, entry, rows } from "./kit.js";
import type { RequestOptions } from "./kit.js";

/** How long a TID identifies a transaction (Mesh Model 1.1, 3.2.1.2: 6 seconds). */
export const TID_WINDOW_MS = 6000;

/** The opcode table of every Generic OnOff Server (Get, Set, Set Unacknowledged): made once when the module loads (in flash on the device). */
const SERVER_TABLE = /* @__PURE__ */ rows(ONOFF_TABLE, [0x8201, 0x8202, 0x8203], (p, msg, ctx, m) => (m as OnOffServer).handle(p, msg, ctx));

export class OnOffServer implements Model {
  readonly id = { modelId: SigModel.GENERIC_ONOFF_SERVER };
  readonly opcodes: readonly OpcodeEntry[];
  private present = false;
  private target: boolean | undefined;
  private transitionEnd = 0;
  private timer: TimerHandle | undefined;
  private last: { src: number; dst: number; tid: number; time: number } | undefined;
  private ctx: ModelContext | undefined;

  /** `onChange` sees every change of the present state (the light's LED). */
  constructor(private readonly onChange?: (on: boolean) => void, initial = false) {
    this.present = initial;
    this.opcodes = SERVER_TABLE;
  }

  /**
   * @internal Get (0x8201), Set (0x8202), Set Unacknowledged (0x8203), from the shared opcode table (Mesh Model 1.1,
   * 3.2.1.2): a repeated TID within 6 s from the same source is not applied again; a Get and a Set are answered.
   */
  handle(p: Params, msg: ReceivedMessage, ctx: ModelContext): void {
    if (msg.opcode !== 0x8201) {
      const onOff = p.onOff as number;
      const tt = p.transitionTime as number | undefined;
      if (onOff > 1 || (tt !== undefined && transitionTimeMs(tt) === undefined)) return; // prohibited values: ignored
      const now = ctx.clock.now();
      const l = this.last;
      const repeated = l !== undefined && l.src === msg.src && l.dst === msg.dst && l.tid === p.tid && now - l.time < TID_WINDOW_MS;
      this.last = { src: msg.src, dst: msg.dst, tid: p.tid as number, time: now };
      if (!repeated) this.begin(onOff === 1, tt === undefined ? 0 : transitionTimeMs(tt)!, ((p.delay as number | undefined) ?? 0) * DELAY_STEP_MS);
    }
    if (msg.opcode !== 0x8203) ctx.reply(msg, 0x8204, this.statusParams());
  }

  attach(ctx: ModelContext): void {
    this.ctx = ctx;
  }

  detach(): void {
    if (this.timer !== undefined) this.ctx?.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.ctx = undefined;
  }

  get onOff(): boolean {
    return this.present;
  }

  periodicPublication(): { opcode: number; params: Bytes } {
    return { opcode: 0x8204 /* Generic OnOff Status */, params: this.statusParams() };
  }

  /** A local change (a button on the light itself): instantaneous, published. */
  setLocal(on: boolean): void {
    this.begin(on, 0, 0);
  }

  private begin(on: boolean, transitionMs: number, delayMs: number): void {
    const clock = this.ctx?.clock;
    if (this.timer !== undefined) clock?.clearTimeout(this.timer);
    this.timer = undefined;
    this.target = undefined;
    const start = (): void => {
      this.timer = undefined;
      if (transitionMs <= 0 || !clock) {
        this.change(on);
        return;
      }
      this.target = on;
      this.transitionEnd = clock.now() + transitionMs;
      // 3.1.1.1: towards On the state is On from the start; towards Off it stays On until the end
      if (on) this.change(true);
      this.timer = clock.setTimeout(() => {
        this.timer = undefined;
        this.target = undefined;
        this.change(on);
      }, transitionMs);
    };
    if (delayMs > 0 && clock) this.timer = clock.setTimeout(start, delayMs);
    else start();
  }

  private change(on: boolean): void {
    const changed = on !== this.present;
    this.present = on;
    if (changed) this.onChange?.(on);
    // 3.7.6.1.2 / Mesh Model 1.1 3.3.1.2.2: publish the Status when the state changes (and when a transition ends)
    if (changed || this.target === undefined) this.ctx?.publish(0x8204 /* Generic OnOff Status */, this.statusParams());
  }

  private statusParams(): Bytes {
    if (this.target === undefined || !this.ctx) return encode(ONOFF_TABLE, 0x8204 /* Generic OnOff Status */, { presentOnOff: this.present ? 1 : 0 });
    const remaining = Math.max(0, this.transitionEnd - this.ctx.clock.now());
    return encode(ONOFF_TABLE, 0x8204 /* Generic OnOff Status */, { presentOnOff: this.present ? 1 : 0, targetOnOff: this.target ? 1 : 0, remainingTime: encodeTransitionTime(remaining) });
  }
}

export interface OnOffSetOptions extends RequestOptions {
  /** Acknowledged Set (waits for the Status, sends again with the same TID) or Set Unacknowledged. Default false. */
  ack?: boolean;
  /** Transition Time and Delay, ms (carried in the message; both or neither). */
  transitionMs?: number;
  delayMs?: number;
  /** Send to this destination with this AppKey instead of the model's publication. */
  to?: { dst: number; appKeyIndex: number; ttl?: number };
}

/** What the client learnt: a Status from a server. */
export interface OnOffStatus {
  src: number;
  present: boolean;
  target?: boolean;
  remainingMs?: number;
}

export class OnOffClient extends ClientModel implements Model {
  readonly id = { modelId: SigModel.GENERIC_ONOFF_CLIENT };
  readonly opcodes: OpcodeEntry[];
  /** The last state this client set or heard. */
  known = false;
  onStatus: ((s: OnOffStatus) => void) | undefined;
  private tid: number;

  /** `firstTid`: where the TIDs start (a random value, so that a restarted client does not repeat a recent TID). */
  constructor(firstTid = 0) {
    super();
    this.tid = firstTid & 0xff;
    this.opcodes = [
      entry(ONOFF_TABLE.get(0x8204 /* Generic OnOff Status */)!, (p, msg) => {
        const s: OnOffStatus = { src: msg.src, present: p.presentOnOff === 1 };
        if (p.targetOnOff !== undefined) {
          s.target = p.targetOnOff === 1;
          s.remainingMs = transitionTimeMs(p.remainingTime as number);
        }
        this.known = s.target ?? s.present;
        this.requests?.deliver(msg, p);
        this.onStatus?.(s);
      }),
    ];
  }

  /** The TID the next transaction will carry. */
  get nextTid(): number {
    return this.tid;
  }

  /** Toggle: set the opposite of what the client knows. */
  toggle(options: OnOffSetOptions = {}): Promise<boolean> {
    return this.set(!this.known, options);
  }

  /** Get: ask a server for its state. */
  get(to: { dst: number; appKeyIndex: number }, options: RequestOptions = {}): Promise<OnOffStatus> {
    const { ctx, requests } = this.running("Generic OnOff Client");
    return requests.request("Generic OnOff Get", () => ctx.send(0x8201 /* Get */, new Uint8Array(0), { dst: to.dst, key: { kind: "app", appKeyIndex: to.appKeyIndex } }), { src: to.dst, opcode: 0x8204 /* Generic OnOff Status */ }, options).then((p) => ({
      src: to.dst,
      present: p.presentOnOff === 1,
    }));
  }

  /**
   * Set the servers' state: one new transaction (the next TID). Resolves when sent (unacknowledged) or when a
   * Status came (acknowledged: true when the server reports the value set); rejects with RequestTimeout.
   */
  set(on: boolean, options: OnOffSetOptions = {}): Promise<boolean> {
    const { ctx, requests } = this.running("Generic OnOff Client");
    const tid = this.tid;
    this.tid = (this.tid + 1) & 0xff;
    const params: Params = { onOff: on ? 1 : 0, tid };
    if (options.transitionMs !== undefined || options.delayMs !== undefined) {
      params.transitionTime = encodeTransitionTime(options.transitionMs ?? 0);
      params.delay = Math.min(0xff, Math.round((options.delayMs ?? 0) / DELAY_STEP_MS));
    }
    const op = options.ack ? 0x8202 /* Set */ : 0x8203 /* Set Unacknowledged */;
    const bytes = encode(ONOFF_TABLE, op, params);
    const to = options.to;
    const send = (done?: SendCallback): void => {
      if (to) {
        const o: SendOptions = { dst: to.dst, key: { kind: "app", appKeyIndex: to.appKeyIndex }, ...(to.ttl !== undefined ? { ttl: to.ttl } : {}) };
        ctx.send(op, bytes, o, done);
      } else ctx.publish(op, bytes, done);
    };
    if (!options.ack) {
      return new Promise((resolve) =>
        send((r) => {
          const ok = r === "sent" || r === "acked";
          if (ok) this.known = on;
          resolve(ok);
        }),
      );
    }
    // to a unicast server its Status answers; to a publication (a group) the first Status from any server
    return requests.request(`Generic OnOff Set (TID ${tid})`, () => send(), { src: to ? to.dst : 0xffff, opcode: 0x8204 /* Generic OnOff Status */ }, options).then(
      (p) => ((p.targetOnOff ?? p.presentOnOff) === 1) === on,
    );
  }

}
