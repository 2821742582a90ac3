/**
 * The access layer (Mesh Protocol 1.1, 3.7): elements and models, message dispatch, publication.
 *
 * Receiving (3.7.4.2): the opcode is decoded (1, 2 or 3 octets); the message goes to every model, on the
 * elements the destination selects, that has the opcode in its table AND may use the key that secured it:
 * - destination: an element's unicast address -> that element; a group or virtual address -> the elements
 *   whose model subscribes to it (for a virtual address, with the same Label UUID); all-nodes -> every
 *   element; all-relays -> every element when the Relay feature is enabled; all-proxies/all-friends ->
 *   none (GATT Proxy and Friend are not supported);
 * - key: the device key only reaches models whose key policy is "device" (the Configuration models); an
 *   application key only reaches models bound to it (4.2.6);
 * - length: a message shorter than the opcode's minimum or longer than its maximum is dropped.
 * A message no model takes (unknown opcode, unbound key, bad length) is ignored without a reply (3.7.4.2)
 * and counted.
 *
 * Sending: replies go back to the source with the same key, after the random response delay (3.7.4.1:
 * 20-50 ms to a unicast request, 20-500 ms otherwise), with TTL 0 when the request came with TTL 0.
 * Publication (3.7.6.1) uses the model's Publish Address, AppKey, TTL and Retransmit state (each
 * retransmission a new network PDU, (steps + 1) * 50 ms apart); the Publish Period triggers the model's
 * periodicPublication().
 */
import type { Bytes, Clock, Logger, TimerHandle } from "../platform.js";
import { ALL_FRIENDS, ALL_NODES, ALL_PROXIES, ALL_RELAYS, isUnicast, isVirtual } from "../net/address.js";
import { bytesEqual } from "../crypto/bytes.js";
import type { AccessRx } from "../transport/upper-layer.js";
import { decodeAccessPayload, encodeAccessPayload } from "./opcode.js";
import type {
  Element,
  Model,
  ModelContext,
  NodeConfig,
  Opcode,
  OpcodeEntry,
  ReceivedMessage,
  SendCallback,
  SendOptions,
} from "./model.js";
import type { AccessSend } from "../transport/upper-layer.js";
import type { NodeState } from "../node/state.js";

const TAG = "access";

/** Largest access payload: 32 segments of 12 octets less a 32-bit TransMIC (3.5.2.2). */
export const MAX_ACCESS_PAYLOAD = 380;

export interface AccessHost {
  state: NodeState;
  clock: Clock;
  logger?: Logger;
  /** Uniform random integer in [0, n). */
  random(n: number): number;
  send(m: AccessSend, payload: Bytes, done?: SendCallback): void;
  /** Remember a peer's device key used to send to it, to accept its answers (Configuration Client). */
  rememberDeviceKey(address: number, key: Bytes): void;
  virtualAddress(label: Bytes): number;
}

export interface AccessStats {
  delivered: number;
  unknownOpcode: number;
  keyNotBound: number;
  badLength: number;
  malformed: number;
}

/** Publish Period (4.2.3.6) in ms: steps * resolution (100 ms, 1 s, 10 s, 10 min). 0 = no periodic publication. */
export function publishPeriodMs(period: number): number {
  const res = [100, 1000, 10000, 600000][(period >> 6) & 3]!;
  return (period & 0x3f) * res;
}

export class AccessLayer {
  readonly stats: AccessStats = { delivered: 0, unknownOpcode: 0, keyNotBound: 0, badLength: 0, malformed: 0 };
  private readonly contexts: ModelContext[][];
  private readonly periodTimers = new Map<string, TimerHandle>();
  private readonly timers = new Set<TimerHandle>();
  private running = false;

  constructor(
    private readonly elements: readonly Element[],
    private readonly host: AccessHost,
  ) {
    this.contexts = elements.map((el, e) => el.models.map((_, m) => this.makeContext(e, m)));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (let e = 0; e < this.elements.length; e++) {
      const models = this.elements[e]!.models;
      for (let m = 0; m < models.length; m++) {
        try {
          models[m]!.attach?.(this.contexts[e]![m]!);
        } catch (err) {
          this.log("error", `attach threw: ${String(err instanceof Error ? err.message : err)}`);
        }
        this.restartPeriodic(e, m);
      }
    }
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    for (const t of this.periodTimers.values()) this.host.clock.clearTimeout(t);
    this.periodTimers.clear();
    for (const t of this.timers) this.host.clock.clearTimeout(t);
    this.timers.clear();
    for (const el of this.elements) for (const model of el.models) {
      try {
        model.detach?.();
      } catch {
        // Models' own problem; stopping goes on.
      }
    }
  }

  /** True when some element takes messages to `dst` (the network layer's "for us" test for groups). */
  acceptsGroup(dst: number): boolean {
    if (dst === ALL_NODES) return true;
    if (dst === ALL_RELAYS) return this.host.state.relay === 1;
    if (dst === ALL_PROXIES || dst === ALL_FRIENDS) return false;
    return this.host.state.subscribes(dst);
  }

  /** From the upper transport, after authentication and the replay check. */
  receive(rx: AccessRx): void {
    const d = decodeAccessPayload(rx.payload);
    if (typeof d === "string") {
      this.stats.malformed++;
      return;
    }
    const targets = this.targets(rx);
    let known = false;
    let delivered = false;
    for (const { e, m } of targets) {
      const model = this.elements[e]!.models[m]!;
      const entry = findOpcode(model.opcodes, d.opcode);
      if (!entry) continue;
      known = true;
      if (!this.keyAllowed(model, e, m, rx)) {
        this.stats.keyNotBound++;
        continue;
      }
      if (d.params.length < entry.minLength || (entry.maxLength !== undefined && d.params.length > entry.maxLength)) {
        this.stats.badLength++;
        continue;
      }
      delivered = true;
      this.dispatch(entry, e, m, rx, d.opcode, d.params);
    }
    if (!known) this.stats.unknownOpcode++;
    if (delivered) this.stats.delivered++;
  }

  private targets(rx: AccessRx): { e: number; m: number }[] {
    const out: { e: number; m: number }[] = [];
    const st = this.host.state;
    if (isUnicast(rx.dst)) {
      const e = st.elementIndexOf(rx.dst);
      if (e >= 0) for (let m = 0; m < this.elements[e]!.models.length; m++) out.push({ e, m });
      return out;
    }
    const everyElement = rx.dst === ALL_NODES || (rx.dst === ALL_RELAYS && st.relay === 1);
    for (let e = 0; e < this.elements.length; e++) {
      for (let m = 0; m < this.elements[e]!.models.length; m++) {
        const subs = st.modelState(e, m)?.subscriptions ?? [];
        const hit = subs.filter((s) => s.address === rx.dst && (!isVirtual(rx.dst) || (!!s.label && !!rx.label && bytesEqual(s.label, rx.label)))).length > 0;
        if (everyElement || hit) out.push({ e, m });
      }
    }
    return out;
  }

  private keyAllowed(model: Model, e: number, m: number, rx: AccessRx): boolean {
    const policy = model.keyPolicy ?? "app";
    if (rx.key.kind === "device") return policy === "device";
    if (policy === "device") return false;
    return (this.host.state.modelState(e, m)?.bindings ?? []).includes(rx.key.appKeyIndex);
  }

  private dispatch(entry: OpcodeEntry, e: number, m: number, rx: AccessRx, opcode: Opcode, params: Bytes): void {
    const msg: ReceivedMessage = {
      opcode, params: params.slice(), src: rx.src, dst: rx.dst, key: rx.key, netKeyIndex: rx.netKeyIndex, ttl: rx.ttl, elementIndex: e,
      ...(rx.label ? { label: rx.label } : {}), ...(rx.rssi !== undefined ? { rssi: rx.rssi } : {}),
    };
    try {
      entry.handler(msg, this.contexts[e]![m]!, this.elements[e]!.models[m]!);
    } catch (err) {
      this.log("error", `handler of opcode 0x${opcode.toString(16)} threw: ${String(err instanceof Error ? err.message : err)}`);
    }
  }

  // ------------------------------------------------------------------ sending

  private makeContext(e: number, m: number): ModelContext {
    const host = this.host;
    const self = this;
    const address = (): number => host.state.unicastAddress + e;
    return {
      elementIndex: e,
      get elementAddress() {
        return address();
      },
      clock: host.clock,
      ...(host.logger ? { logger: host.logger } : {}),
      config: host.state as NodeConfig,
      reply(msg: ReceivedMessage, opcode: Opcode, params: Bytes, done?: SendCallback): void {
        const ttl = msg.ttl === 0 ? 0 : host.state.defaultTtl;
        const delay = isUnicast(msg.dst) ? 20 + host.random(31) : 20 + host.random(481);
        const key = msg.key.kind === "app" ? msg.key : ({ kind: "device" } as const);
        self.later(delay, () => self.sendFrom(address(), opcode, params, { dst: msg.src, key, netKeyIndex: msg.netKeyIndex, ttl}, done));
      },
      publish(opcode: Opcode, params: Bytes, done?: SendCallback): void {
        self.publish(e, m, opcode, params, done);
      },
      send(opcode: Opcode, params: Bytes, options: SendOptions, done?: SendCallback): void {
        self.sendFrom(address(), opcode, params, options, done);
      },
    };
  }

  /** Sends one access message from `src`; resolves keys, NetKey, TTL and virtual addresses. */
  sendFrom(src: number, opcode: Opcode, params: Bytes, o: SendOptions, done?: SendCallback): void {
    const report = (r: Parameters<SendCallback>[0]): void => {
      try {
        done?.(r);
      } catch (err) {
        this.log("error", `send callback threw: ${String(err instanceof Error ? err.message : err)}`);
      }
    };
    let payload: Bytes;
    try {
      payload = encodeAccessPayload(opcode, params);
    } catch {
      report("not-sent");
      return;
    }
    if (payload.length > MAX_ACCESS_PAYLOAD) {
      report("not-sent");
      return;
    }
    const st = this.host.state;
    let dst = o.dst;
    if (o.label) {
      if (o.label.length !== 16) return report("not-sent");
      dst = this.host.virtualAddress(o.label);
    }
    if (!(dst >= 1 && dst <= 0xffff)) return report("not-sent");
    const ttl = o.ttl === undefined || o.ttl === 0xff ? st.defaultTtl : o.ttl;
    if (!(ttl >= 0 && ttl <= 127)) return report("not-sent");
    let m: AccessSend;
    if (o.key.kind === "app") {
      const k = st.appKey(o.key.appKeyIndex);
      // An AppKey is used only on the NetKey it is bound to (4.2.5).
      if (!k || (o.netKeyIndex !== undefined && o.netKeyIndex !== k.netKeyIndex)) return report("not-sent");
      m = { src, dst, netKeyIndex: k.netKeyIndex, ttl, app: { key: k.key, aid: k.aid }, bigMic: !!o.bigMic, segmented: !!o.segmented, ...(o.label ? { label: o.label } : {}) };
    } else {
      // The device key secures unicast messages only (3.6.4.2).
      if (!isUnicast(dst)) return report("not-sent");
      const deviceKey = o.key.deviceKey;
      if (deviceKey) {
        if (deviceKey.length !== 16) return report("not-sent");
        this.host.rememberDeviceKey(dst, deviceKey);
      }
      const netKeyIndex = o.netKeyIndex ?? st.netKeyIndexes()[0]!;
      // Without deviceKey: our own (a server's reply, or a message to one of our own elements).
      m = { src, dst, netKeyIndex, ttl, bigMic: !!o.bigMic, segmented: !!o.segmented, ...(deviceKey ? { deviceKey } : {}) };
    }
    if (st.subnets().filter((s) => s.netKeyIndex === m.netKeyIndex).length === 0) return report("not-sent");
    this.host.send(m, payload, report);
  }

  /** Publishes with the model's publication state, with its retransmissions. */
  publish(e: number, m: number, opcode: Opcode, params: Bytes, done?: SendCallback): void {
    const p = this.host.state.modelState(e, m)?.publication;
    if (!p || p.address === 0 || !this.host.state.appKey(p.appKeyIndex)) {
      done?.("not-sent");
      return;
    }
    const src = this.host.state.unicastAddress + e;
    const options: SendOptions = { dst: p.address, key: { kind: "app", appKeyIndex: p.appKeyIndex }, ttl: p.ttl, ...(p.label ? { label: p.label } : {}) };
    this.sendFrom(src, opcode, params, options, done);
    const interval = (p.retransmit.intervalSteps + 1) * 50;
    for (let i = 1; i <= p.retransmit.count; i++) this.later(i * interval, () => this.sendFrom(src, opcode, params, options));
  }

  /** Called when a model's publication changed: (re)starts its periodic publication. */
  restartPeriodic(e: number, m: number): void {
    const key = `${e}/${m}`;
    const old = this.periodTimers.get(key);
    if (old !== undefined) this.host.clock.clearTimeout(old);
    this.periodTimers.delete(key);
    if (!this.running) return;
    const model = this.elements[e]?.models[m];
    const p = this.host.state.modelState(e, m)?.publication;
    if (!model?.periodicPublication || !p || p.address === 0) return;
    const ms = publishPeriodMs(p.period);
    if (ms <= 0) return;
    const tick = (): void => {
      this.periodTimers.set(key, this.host.clock.setTimeout(tick, ms));
      let msg: { opcode: Opcode; params: Bytes } | undefined;
      try {
        msg = model.periodicPublication!();
      } catch (err) {
        this.log("error", `periodicPublication threw: ${String(err instanceof Error ? err.message : err)}`);
      }
      if (msg) this.publish(e, m, msg.opcode, msg.params);
    };
    this.periodTimers.set(key, this.host.clock.setTimeout(tick, ms));
  }

  private later(ms: number, f: () => void): void {
    const t = this.host.clock.setTimeout(() => {
      this.timers.delete(t);
      if (this.running) f();
    }, ms);
    this.timers.add(t);
  }

  private log(level: "error" | "warn" | "info" | "debug", message: string): void {
    this.host.logger?.log(level, TAG, message);
  }
}

/** The table row of `opcode` (a loop: no array or closure per received message, on the device's hot path). */
function findOpcode(table: readonly OpcodeEntry[], opcode: number): OpcodeEntry | undefined {
  for (let i = 0; i < table.length; i++) if (table[i]!.opcode === opcode) return table[i];
  return undefined;
}
