/**
 * What every model here shares: an opcode-table row made from a message spec (the lengths come from the
 * spec, 3.7.3.2), encoding a message by its table, and acknowledged requests with a timeout and retries
 * (the clients).
 */
import type { Bytes, Clock, TimerHandle } from "../platform.js";
import type { Model, ModelContext, ModelId, OpcodeEntry, ReceivedMessage } from "../access/model.js";
import { isUnicast } from "../net/address.js";
import { decodeParams, encodeParams, lengthRange } from "./codec.js";
import type { MessageSpec, Params, SpecTable } from "./codec.js";

/** What a model does with a decoded message: `p` its parameters, `model` the model it was dispatched to. */
export type Handle = (p: Params, msg: ReceivedMessage, ctx: ModelContext, model: Model) => void;

/** Decodes a message by its spec and hands it on; 3.7.3.2: a message that does not parse is ignored (no status: the fields needed for one are not known). */
function decodeThen(spec: MessageSpec, handle: Handle, msg: ReceivedMessage, ctx: ModelContext, model: Model): void {
  const d = decodeParams(spec, msg.params);
  if (!d.ok) {
    ctx.logger?.log("warn", "models", `dropped from 0x${msg.src.toString(16)}: ${d.reason}`);
    return;
  }
  handle(d.params, msg, ctx, model);
}

function row(spec: MessageSpec, handler: OpcodeEntry["handler"]): OpcodeEntry {
  const { min, max } = lengthRange(spec);
  return max !== Infinity ? { opcode: spec.opcode, minLength: min, maxLength: max, handler } : { opcode: spec.opcode, minLength: min, handler };
}

/** An opcode-table row for `spec`: the access layer checks min/max; the handler gets the decoded parameters. */
export function entry(spec: MessageSpec, handle: Handle): OpcodeEntry {
  return row(spec, (msg, ctx, model) => decodeThen(spec, handle, msg, ctx, model));
}

/**
 * The frozen opcode-table rows of the messages `opcodes` of `table`, all with one handler that decodes by the
 * message's spec and calls `handle` (which dispatches by `msg.opcode`): one function per model rather than one
 * per opcode, since on the device every function made at import is preloaded in flash (3 slots and its captures).
 */
export function rows(table: SpecTable, opcodes: readonly number[], handle: Handle): readonly OpcodeEntry[] {
  const handler = (msg: ReceivedMessage, ctx: ModelContext, model: Model): void => decodeThen(table.get(msg.opcode)!, handle, msg, ctx, model);
  return Object.freeze(opcodes.map((op) => Object.freeze(row(table.get(op)!, handler))));
}

/** Encode a message of `table` by opcode (throws for an opcode not in it: a programming error). */
export function encode(table: SpecTable, opcode: number, params: Params = {}): Bytes {
  const spec = table.get(opcode);
  if (!spec) throw new RangeError(`no message 0x${opcode.toString(16)} in this table`);
  return encodeParams(spec, params);
}

/** The model identifier of decoded parameters (fields "modelId" and, for a vendor model, "companyId"). */
export function modelIdOf(p: Params): ModelId {
  const companyId = p.companyId as number | undefined;
  return companyId === undefined ? { modelId: p.modelId as number } : { modelId: p.modelId as number, companyId };
}

/** The fields of a model identifier, for encoding. */
export function modelFields(id: ModelId): Params {
  return id.companyId === undefined ? { modelId: id.modelId } : { modelId: id.modelId, companyId: id.companyId };
}

/** Timeout and retries of an acknowledged request. */
export interface RequestOptions {
  /** Wait for the answer this long per attempt, ms (default 5000). */
  timeoutMs?: number;
  /** Send again this many times when no answer came (default 3). */
  retries?: number;
}

/** Raised (as the rejection) when a request got no answer after all its attempts. */
export class RequestTimeout extends Error {
  constructor(readonly what: string, readonly attempts: number) {
    super(`${what}: no answer after ${attempts} attempt(s)`);
    this.name = "RequestTimeout";
  }
}

interface Pending {
  src: number;
  opcode: number;
  accept: ((p: Params) => boolean) | undefined;
  resolve: (p: Params) => void;
  timer: TimerHandle | undefined;
}

/**
 * Acknowledged requests of a client model (3.7.3: an acknowledged message is answered by a status; the
 * sender sends it again when none comes, and gives up after a while). Each request is sent, then waits for
 * a message with the status opcode from the destination (and, with `accept`, the right content); after
 * timeoutMs it is sent again, at most `retries` more times, then the promise rejects with RequestTimeout.
 * A unicast request is answered by one node; for a group, the first answer resolves it.
 */
export class Requests {
  private readonly pending: Pending[] = [];

  constructor(private readonly clock: Clock) {}

  request(what: string, send: () => void, answer: { src: number; opcode: number; accept?: (p: Params) => boolean }, options: RequestOptions = {}): Promise<Params> {
    const timeoutMs = options.timeoutMs ?? 5000;
    const attempts = 1 + (options.retries ?? 3);
    return new Promise<Params>((resolve, reject) => {
      let tries = 0;
      const p: Pending = { src: answer.src, opcode: answer.opcode, accept: answer.accept, resolve, timer: undefined };
      const attempt = (): void => {
        if (tries >= attempts) {
          this.remove(p);
          reject(new RequestTimeout(what, attempts));
          return;
        }
        tries++;
        p.timer = this.clock.setTimeout(attempt, timeoutMs);
        send();
      };
      this.pending.push(p);
      attempt();
    });
  }

  /** A status message arrived: resolve the oldest request waiting for it. True when one was waiting. */
  deliver(msg: ReceivedMessage, params: Params): boolean {
    for (const p of this.pending) {
      if (p.opcode !== msg.opcode) continue;
      if (isUnicast(p.src) && p.src !== msg.src) continue;
      if (p.accept && !p.accept(params)) continue;
      this.remove(p);
      p.resolve(params);
      return true;
    }
    return false;
  }

  /** Cancel every waiting request (the model is detached); they never settle. */
  cancelAll(): void {
    for (const p of this.pending.splice(0)) if (p.timer !== undefined) this.clock.clearTimeout(p.timer);
  }

  get waiting(): number {
    return this.pending.length;
  }

  private remove(p: Pending): void {
    const i = this.pending.indexOf(p);
    if (i >= 0) this.pending.splice(i, 1);
    if (p.timer !== undefined) this.clock.clearTimeout(p.timer);
    p.timer = undefined;
  }
}

/** What a client model shares: the context once attached, and its acknowledged requests. */
export abstract class ClientModel {
  protected ctx: ModelContext | undefined;
  protected requests: Requests | undefined;

  attach(ctx: ModelContext): void {
    this.ctx = ctx;
    this.requests = new Requests(ctx.clock);
  }

  detach(): void {
    this.requests?.cancelAll();
    this.ctx = undefined;
  }

  /** The context, or an error naming the model when the node is not running. */
  protected running(name: string): { ctx: ModelContext; requests: Requests } {
    if (!this.ctx || !this.requests) throw new Error(`${name}: the node is not running`);
    return { ctx: this.ctx, requests: this.requests };
  }
}
