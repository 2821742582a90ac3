/**
 * Health Client (Mesh Protocol 1.1, 4.4.7): asks a Health Server for its faults, clears them, runs a test,
 * sets its Health Period and Attention Timer (acknowledged, with timeout and retries: kit.ts Requests), and
 * reports the Current Status messages servers publish.
 */
import type { Model, ModelContext, OpcodeEntry } from "../access/model.js";
import { SigModel } from "../access/model.js";
import type { Bytes } from "../platform.js";
import { COMPANY_ID } from "./composition.js";
import { HEALTH_TABLE, HealthOp } from "./health-messages.js";
import type { Params } from "./codec.js";
import { ClientModel, encode, entry } from "./kit.js";
import type { RequestOptions } from "./kit.js";

export interface FaultReport {
  src: number;
  testId: number;
  companyId: number;
  faults: number[];
  /** Current Status (published or answered) or Fault Status (registered faults). */
  kind: "current" | "registered";
}

/** A Health Server reached with an AppKey. */
export interface HealthTarget {
  address: number;
  appKeyIndex: number;
}

export class HealthClient extends ClientModel implements Model {
  readonly id = { modelId: SigModel.HEALTH_CLIENT };
  readonly opcodes: OpcodeEntry[];
  /** Every fault report received (published Current Status included). */
  onFaults: ((r: FaultReport) => void) | undefined;

  constructor(private readonly defaults: RequestOptions = {}) {
    super();
    const report = (kind: FaultReport["kind"]) => (p: Params, msg: { src: number }) => {
      this.onFaults?.({ src: msg.src, testId: p.testId as number, companyId: p.companyId as number, faults: [...(p.faults as Bytes)], kind });
    };
    const T = HEALTH_TABLE;
    this.opcodes = [
      entry(T.get(HealthOp.CurrentStatus)!, (p, msg) => report("current")(p, msg)),
      entry(T.get(HealthOp.FaultStatus)!, (p, msg) => {
        report("registered")(p, msg);
        this.requests?.deliver(msg, p);
      }),
      entry(T.get(HealthOp.PeriodStatus)!, (p, msg) => this.requests?.deliver(msg, p)),
      entry(T.get(HealthOp.AttentionStatus)!, (p, msg) => this.requests?.deliver(msg, p)),
    ];
  }

  private ask(target: HealthTarget, op: number, params: Params, status: number, options: RequestOptions): Promise<Params> {
    if (!this.ctx || !this.requests) return Promise.reject(new Error("Health Client: the node is not running"));
    const { ctx, requests } = this.running("Health Client");
    const bytes = encode(HEALTH_TABLE, op, params);
    return requests.request(
      `${HEALTH_TABLE.get(op)!.name} to 0x${target.address.toString(16).padStart(4, "0")}`,
      () => ctx.send(op, bytes, { dst: target.address, key: { kind: "app", appKeyIndex: target.appKeyIndex } }),
      { src: target.address, opcode: status },
      { ...this.defaults, ...options },
    );
  }

  /** Registered faults (Fault Get, 4.3.3.3). */
  async faults(target: HealthTarget, companyId = COMPANY_ID, options: RequestOptions = {}): Promise<number[]> {
    const p = await this.ask(target, HealthOp.FaultGet, { companyId }, HealthOp.FaultStatus, options);
    return [...(p.faults as Bytes)];
  }

  async clearFaults(target: HealthTarget, companyId = COMPANY_ID, options: RequestOptions = {}): Promise<number[]> {
    const p = await this.ask(target, HealthOp.FaultClear, { companyId }, HealthOp.FaultStatus, options);
    return [...(p.faults as Bytes)];
  }

  async test(target: HealthTarget, testId = 0, companyId = COMPANY_ID, options: RequestOptions = {}): Promise<number[]> {
    const p = await this.ask(target, HealthOp.FaultTest, { testId, companyId }, HealthOp.FaultStatus, options);
    return [...(p.faults as Bytes)];
  }

  async period(target: HealthTarget, fastPeriodDivisor?: number, options: RequestOptions = {}): Promise<number> {
    const p =
      fastPeriodDivisor === undefined
        ? await this.ask(target, HealthOp.PeriodGet, {}, HealthOp.PeriodStatus, options)
        : await this.ask(target, HealthOp.PeriodSet, { fastPeriodDivisor }, HealthOp.PeriodStatus, options);
    return p.fastPeriodDivisor as number;
  }

  /** Attention Timer: get (seconds undefined) or set; resolves with the remaining seconds. */
  async attention(target: HealthTarget, seconds?: number, options: RequestOptions = {}): Promise<number> {
    const p =
      seconds === undefined
        ? await this.ask(target, HealthOp.AttentionGet, {}, HealthOp.AttentionStatus, options)
        : await this.ask(target, HealthOp.AttentionSet, { attention: seconds }, HealthOp.AttentionStatus, options);
    return p.attention as number;
  }
}
