/**
 * Health Server (Mesh Protocol 1.1, 4.4.6; states 4.2.15-4.2.16): Current Fault and Registered Fault arrays
 * of our company, the Health Period (Fast Period Divisor) and the Attention Timer, which the application
 * shows on its LED (like the provisioning attention timer).
 *
 * - Fault Get / Clear / Test with another Company ID than ours are ignored (4.4.6.2: only the company's
 *   fault arrays exist); Fault Test with a Test ID this node does not run is ignored as well.
 * - Test ID 0x00 is our self test: it finds nothing and leaves the registered faults as they are.
 * - The Current Status is published when a fault appears or disappears, and periodically with the model's
 *   publication; while a fault is current the period is divided by 2^FastPeriodDivisor (4.2.16): the server
 *   then publishes on its own timer and the access layer's regular periodic publication is skipped.
 */
import type { Bytes, TimerHandle } from "../platform.js";
import type { Model, ModelContext, OpcodeEntry, ReceivedMessage } from "../access/model.js";
import { SigModel } from "../access/model.js";
import { publishPeriodMs } from "../access/access.js";
import { COMPANY_ID } from "./composition.js";
import { HEALTH_TABLE } from "./health-messages.js";
import type { Params } from "./codec.js";
import { encode, rows } from "./kit.js";

export interface HealthServerOptions {
  companyId?: number;
  /** The Test IDs this node can run (default [0x00]). */
  testIds?: readonly number[];
  /** Runs test `testId`; returns the faults it found (registered with the current ones). Default: none found. */
  runTest?(testId: number): number[];
  /** The Attention Timer turned on or off (4.2.11): the application blinks its LED meanwhile. */
  onAttention?(on: boolean): void;
}

/**
 * Every Health message a Health Server receives (4.3.4), one handler for all (HealthServer.handle): made once when the
 * module loads (preloaded in flash on the device), reaching its server through the `model` argument.
 */
const TABLE = /* @__PURE__ */ rows(
  HEALTH_TABLE,
  [0x8031, 0x802f, 0x8030, 0x8032, 0x8033, 0x8034, 0x8035, 0x8036, 0x8004, 0x8005, 0x8006],
  (p, msg, ctx, model) => (model as HealthServer).handle(p, msg, ctx),
);

export class HealthServer implements Model {
  readonly id = { modelId: SigModel.HEALTH_SERVER };
  readonly opcodes: readonly OpcodeEntry[];
  /** 4.2.16 Health Fast Period Divisor, 0..15. */
  fastPeriodDivisor = 0;
  private current: number[] = [];
  private registered: number[] = [];
  private testId = 0;
  private attentionLeft = 0;
  private attentionTimer: TimerHandle | undefined;
  private ctx: ModelContext | undefined;
  private fastTimer: TimerHandle | undefined;
  private readonly companyId: number;

  constructor(private readonly options: HealthServerOptions = {}) {
    this.companyId = options.companyId ?? COMPANY_ID;
    this.opcodes = TABLE;
  }

  /**
   * @internal A received Health message (4.4.6.2), from the shared opcode table. Fault Get/Clear/Test with another
   * Company ID, and a Fault Test with a Test ID this node does not run, are ignored; the acknowledged messages are
   * answered with their status.
   */
  handle(p: Params, msg: ReceivedMessage, ctx: ModelContext): void {
    const op = msg.opcode;
    const ours = p.companyId === this.companyId;
    let status: number; // the status to answer with: Fault 0x05, Period 0x8037, Attention 0x8007, none 0
    switch (op) {
      case 0x8031: // Fault Get
        if (!ours) return;
        status = 0x05;
        break;
      case 0x802f: // Fault Clear
      case 0x8030: // Fault Clear Unacknowledged
        if (!ours) return;
        this.registered = [];
        status = op === 0x802f ? 0x05 : 0;
        break;
      case 0x8032: // Fault Test
      case 0x8033: { // Fault Test Unacknowledged
        const testId = p.testId as number;
        if (!ours || !(this.options.testIds ?? [0]).includes(testId)) return;
        this.testId = testId;
        for (const f of this.options.runTest?.(testId) ?? []) if (!this.registered.includes(f)) this.registered.push(f);
        status = op === 0x8032 ? 0x05 : 0;
        break;
      }
      case 0x8035: // Period Set
      case 0x8036: // Period Set Unacknowledged
        // 4.3.3.8: Fast Period Divisor 0x10-0xFF is prohibited
        if ((p.fastPeriodDivisor as number) > 15) return;
        this.fastPeriodDivisor = p.fastPeriodDivisor as number;
        this.fastPeriod();
        status = op === 0x8035 ? 0x8037 : 0;
        break;
      case 0x8005: // Attention Set
      case 0x8006: // Attention Set Unacknowledged
        this.attention(p.attention as number);
        status = op === 0x8005 ? 0x8007 : 0;
        break;
      default: // Period Get, Attention Get
        status = op === 0x8034 ? 0x8037 : 0x8007;
    }
    if (status === 0x05) ctx.reply(msg, 0x05, this.faultParams(0x05));
    else if (status !== 0) {
      ctx.reply(msg, status, encode(HEALTH_TABLE, status, status === 0x8037 ? { fastPeriodDivisor: this.fastPeriodDivisor } : { attention: this.attentionLeft }));
    }
  }

  attach(ctx: ModelContext): void {
    this.ctx = ctx;
    this.fastPeriod();
  }

  detach(): void {
    this.attention(0);
    if (this.fastTimer !== undefined) this.ctx?.clock.clearTimeout(this.fastTimer);
    this.fastTimer = undefined;
    this.ctx = undefined;
  }

  /** 3.7.6.1.3 periodic publication: the Current Status (skipped while the fast period runs its own timer). */
  periodicPublication(): { opcode: number; params: Bytes } | undefined {
    if (this.fastTimer !== undefined) return undefined;
    return { opcode: 0x04 /* Health Current Status */, params: this.faultParams(0x04 /* Health Current Status */) };
  }

  /**
   * 4.2.16 Health Fast Period Divisor: while a fault is current, publish every Publish Period / 2^divisor.
   * Call after a change of the faults, the divisor or the publication (the Configuration Server's Publication
   * Set reaches the model only through its periodic publication, so the period is read again at each tick).
   */
  fastPeriod(): void {
    const ctx = this.ctx;
    if (this.fastTimer !== undefined) ctx?.clock.clearTimeout(this.fastTimer);
    this.fastTimer = undefined;
    if (!ctx || !this.current.length || this.fastPeriodDivisor === 0) return;
    const pub = ctx.config.getPublication({ elementAddress: ctx.elementAddress, modelId: this.id });
    const period = pub.status === 0 && pub.value.address !== 0 ? publishPeriodMs(pub.value.period) : 0;
    if (period === 0) return;
    this.fastTimer = ctx.clock.setTimeout(() => {
      this.fastTimer = undefined;
      this.publishCurrent();
      this.fastPeriod();
    }, Math.max(1, Math.floor(period / (1 << this.fastPeriodDivisor)))); // 0..15 (no `**` on the device: docs/xs.md)
  }

  /** The application reports a fault (4.2.15.1): it is current and registered; the Current Status is published. */
  raiseFault(fault: number): void {
    if (fault === 0 || fault > 0xff) throw new RangeError("fault must be 0x01..0xFF");
    if (!this.registered.includes(fault)) this.registered.push(fault);
    if (this.current.includes(fault)) return;
    this.current.push(fault);
    this.publishCurrent();
    this.fastPeriod();
  }

  /** The condition is gone: no longer current (it stays registered until a Fault Clear). */
  clearFault(fault: number): void {
    const i = this.current.indexOf(fault);
    if (i < 0) return;
    this.current.splice(i, 1);
    this.publishCurrent();
    this.fastPeriod();
  }

  get currentFaults(): readonly number[] {
    return this.current;
  }

  get registeredFaults(): readonly number[] {
    return this.registered;
  }

  /** Attention Timer remaining, seconds (4.2.11). */
  get attentionSeconds(): number {
    return this.attentionLeft;
  }

  /** Set the Attention Timer (4.2.11): seconds 0..255; 0 turns attention off. */
  attention(seconds: number): void {
    const clock = this.ctx?.clock;
    const wasOn = this.attentionLeft > 0;
    if (this.attentionTimer !== undefined && clock) clock.clearTimeout(this.attentionTimer);
    this.attentionTimer = undefined;
    this.attentionLeft = seconds & 0xff;
    const tick = (): void => {
      this.attentionLeft--;
      if (this.attentionLeft > 0) this.attentionTimer = clock!.setTimeout(tick, 1000);
      else {
        this.attentionTimer = undefined;
        this.options.onAttention?.(false);
      }
    };
    if (this.attentionLeft > 0 && clock) this.attentionTimer = clock.setTimeout(tick, 1000);
    const isOn = this.attentionLeft > 0;
    if (isOn !== wasOn) this.options.onAttention?.(isOn);
  }

  private faultParams(op: number): Bytes {
    const faults = op === 0x04 /* Health Current Status */ ? this.current : this.registered;
    return encode(HEALTH_TABLE, op, { testId: this.testId, companyId: this.companyId, faults: Uint8Array.from(faults) });
  }

  private publishCurrent(): void {
    this.ctx?.publish(0x04 /* Health Current Status */, this.faultParams(0x04 /* Health Current Status */));
  }
}
