/**
 * Test harness for the models: an access layer in miniature (opcode lookup, the opcode table's length
 * limits, the key policy) and an in-memory NodeConfig that keeps the contract's checks (element address,
 * then model, then key indexes: modules/access/model.ts). Every message a model sends is recorded.
 * config-server-node-state.test.ts gives it the node's real state; host-tests/mesh runs the models on the whole stack.
 */
import type {
  ConfigResult,
  ConfigStatus as ConfigStatusT,
  Element,
  HeartbeatPublication,
  HeartbeatSubscription,
  Model,
  ModelAddress,
  ModelContext,
  NodeConfig,
  Publication,
  ReceivedMessage,
  SendCallback,
  SendOptions,
  TransmitState,
} from "../../modules/access/model.js";
import { ConfigStatus, FeatureState, sameModelId } from "../../modules/access/model.js";
import type { Bytes } from "../../modules/platform.js";
import { VirtualClock } from "../../host/virtual-clock.js";
import { COMPANY_ID } from "../../modules/models/composition.js";

export interface Sent {
  opcode: number;
  params: Bytes;
  /** "reply" (to msg.src), "publish", or "send" with its options. */
  how: "reply" | "publish" | "send";
  dst?: number;
  options?: SendOptions;
  time: number;
}

interface ModelState {
  bound: number[];
  subs: number[];
  pub: Publication | undefined;
}

export class FakeConfig implements NodeConfig {
  readonly composition = { cid: COMPANY_ID, pid: 1, vid: 1, crpl: 32, features: 1 };
  netKeys = new Map<number, Bytes>([[0, new Uint8Array(16)]]);
  appKeys = new Map<number, { netKeyIndex: number; key: Bytes }>();
  state = new Map<Model, ModelState>();
  defaultTtl = 5;
  beacon: 0 | 1 = 1;
  relay: FeatureState = FeatureState.ENABLED;
  relayRetransmit: TransmitState = { count: 2, intervalSteps: 1 };
  networkTransmit: TransmitState = { count: 2, intervalSteps: 1 };
  readonly gattProxy = FeatureState.NOT_SUPPORTED;
  readonly friend = FeatureState.NOT_SUPPORTED;
  hbPub: HeartbeatPublication = { dst: 0, countLog: 0, periodLog: 0, ttl: 0, features: 0, netKeyIndex: 0 };
  hbSub: HeartbeatSubscription = { src: 0, dst: 0, periodLog: 0, countLog: 0, minHops: 0, maxHops: 0 };
  resets = 0;
  maxAppKeys = 4;
  maxSubs = 4;

  constructor(
    readonly unicastAddress: number,
    readonly elements: Element[],
  ) {
    for (const e of elements) for (const m of e.models) this.state.set(m, { bound: [], subs: [], pub: undefined });
  }

  private find(a: ModelAddress): { status: ConfigStatusT; model?: Model } {
    const i = a.elementAddress - this.unicastAddress;
    const e = this.elements[i];
    if (!e || i < 0) return { status: ConfigStatus.INVALID_ADDRESS };
    const model = e.models.find((m) => sameModelId(m.id, a.modelId));
    if (!model) return { status: ConfigStatus.INVALID_MODEL };
    return { status: ConfigStatus.SUCCESS, model };
  }

  netKeyIndexes(): number[] {
    return [...this.netKeys.keys()];
  }
  addNetKey(i: number, key: Bytes): ConfigStatusT {
    const k = this.netKeys.get(i);
    if (k) return k.every((b, j) => b === key[j]) ? ConfigStatus.SUCCESS : ConfigStatus.KEY_INDEX_ALREADY_STORED;
    if (this.netKeys.size >= 2) return ConfigStatus.INSUFFICIENT_RESOURCES;
    this.netKeys.set(i, key);
    return ConfigStatus.SUCCESS;
  }
  updateNetKey(i: number): ConfigStatusT {
    return this.netKeys.has(i) ? ConfigStatus.CANNOT_UPDATE : ConfigStatus.INVALID_NETKEY_INDEX;
  }
  deleteNetKey(i: number): ConfigStatusT {
    if (!this.netKeys.has(i)) return ConfigStatus.SUCCESS;
    if (this.netKeys.size === 1) return ConfigStatus.CANNOT_REMOVE;
    this.netKeys.delete(i);
    return ConfigStatus.SUCCESS;
  }
  appKeyIndexes(net: number): ConfigResult<number[]> {
    if (!this.netKeys.has(net)) return { status: ConfigStatus.INVALID_NETKEY_INDEX };
    return { status: ConfigStatus.SUCCESS, value: [...this.appKeys].filter(([, v]) => v.netKeyIndex === net).map(([k]) => k) };
  }
  addAppKey(net: number, app: number, key: Bytes): ConfigStatusT {
    if (!this.netKeys.has(net)) return ConfigStatus.INVALID_NETKEY_INDEX;
    const k = this.appKeys.get(app);
    if (k) return k.netKeyIndex === net && k.key.every((b, j) => b === key[j]) ? ConfigStatus.SUCCESS : k.netKeyIndex !== net ? ConfigStatus.INVALID_NETKEY_INDEX : ConfigStatus.KEY_INDEX_ALREADY_STORED;
    if (this.appKeys.size >= this.maxAppKeys) return ConfigStatus.INSUFFICIENT_RESOURCES;
    this.appKeys.set(app, { netKeyIndex: net, key });
    return ConfigStatus.SUCCESS;
  }
  updateAppKey(net: number, app: number): ConfigStatusT {
    if (!this.netKeys.has(net)) return ConfigStatus.INVALID_NETKEY_INDEX;
    const k = this.appKeys.get(app);
    if (!k) return ConfigStatus.INVALID_APPKEY_INDEX;
    if (k.netKeyIndex !== net) return ConfigStatus.INVALID_BINDING;
    return ConfigStatus.CANNOT_UPDATE;
  }
  deleteAppKey(net: number, app: number): ConfigStatusT {
    if (!this.netKeys.has(net)) return ConfigStatus.INVALID_NETKEY_INDEX;
    const k = this.appKeys.get(app);
    if (!k) return ConfigStatus.SUCCESS;
    if (k.netKeyIndex !== net) return ConfigStatus.INVALID_BINDING;
    this.appKeys.delete(app);
    for (const s of this.state.values()) {
      s.bound = s.bound.filter((b) => b !== app);
      if (s.pub?.appKeyIndex === app) s.pub = undefined;
    }
    return ConfigStatus.SUCCESS;
  }
  bindAppKey(a: ModelAddress, app: number): ConfigStatusT {
    const f = this.find(a);
    if (!f.model) return f.status;
    if (!this.appKeys.has(app)) return ConfigStatus.INVALID_APPKEY_INDEX;
    const s = this.state.get(f.model)!;
    if (!s.bound.includes(app)) s.bound.push(app);
    return ConfigStatus.SUCCESS;
  }
  unbindAppKey(a: ModelAddress, app: number): ConfigStatusT {
    const f = this.find(a);
    if (!f.model) return f.status;
    if (!this.appKeys.has(app)) return ConfigStatus.INVALID_APPKEY_INDEX;
    const s = this.state.get(f.model)!;
    s.bound = s.bound.filter((b) => b !== app);
    return ConfigStatus.SUCCESS;
  }
  boundAppKeys(a: ModelAddress): ConfigResult<number[]> {
    const f = this.find(a);
    if (!f.model) return { status: f.status as Exclude<ConfigStatusT, 0> };
    return { status: ConfigStatus.SUCCESS, value: [...this.state.get(f.model)!.bound] };
  }
  getPublication(a: ModelAddress): ConfigResult<Publication> {
    const f = this.find(a);
    if (!f.model) return { status: f.status as Exclude<ConfigStatusT, 0> };
    return { status: ConfigStatus.SUCCESS, value: this.state.get(f.model)!.pub ?? { address: 0, appKeyIndex: 0, credentialFlag: false, ttl: 0, period: 0, retransmit: { count: 0, intervalSteps: 0 } } };
  }
  setPublication(a: ModelAddress, p: Publication): ConfigStatusT {
    const f = this.find(a);
    if (!f.model) return f.status;
    if (p.address !== 0 && !this.appKeys.has(p.appKeyIndex)) return ConfigStatus.INVALID_APPKEY_INDEX;
    this.state.get(f.model)!.pub = p.address === 0 ? undefined : p;
    return ConfigStatus.SUCCESS;
  }
  subscriptions(a: ModelAddress): ConfigResult<number[]> {
    const f = this.find(a);
    if (!f.model) return { status: f.status as Exclude<ConfigStatusT, 0> };
    if (f.model.subscribable === false) return { status: ConfigStatus.NOT_A_SUBSCRIBE_MODEL };
    return { status: ConfigStatus.SUCCESS, value: [...this.state.get(f.model)!.subs] };
  }
  addSubscription(a: ModelAddress, address: number): ConfigStatusT {
    const f = this.find(a);
    if (!f.model) return f.status;
    if (f.model.subscribable === false) return ConfigStatus.NOT_A_SUBSCRIBE_MODEL;
    const s = this.state.get(f.model)!;
    if (s.subs.includes(address)) return ConfigStatus.SUCCESS;
    if (s.subs.length >= this.maxSubs) return ConfigStatus.INSUFFICIENT_RESOURCES;
    s.subs.push(address);
    return ConfigStatus.SUCCESS;
  }
  deleteSubscription(a: ModelAddress, address: number): ConfigStatusT {
    const f = this.find(a);
    if (!f.model) return f.status;
    if (f.model.subscribable === false) return ConfigStatus.NOT_A_SUBSCRIBE_MODEL;
    const s = this.state.get(f.model)!;
    s.subs = s.subs.filter((x) => x !== address);
    return ConfigStatus.SUCCESS;
  }
  overwriteSubscription(a: ModelAddress, address: number): ConfigStatusT {
    const f = this.find(a);
    if (!f.model) return f.status;
    if (f.model.subscribable === false) return ConfigStatus.NOT_A_SUBSCRIBE_MODEL;
    this.state.get(f.model)!.subs = [address];
    return ConfigStatus.SUCCESS;
  }
  deleteAllSubscriptions(a: ModelAddress): ConfigStatusT {
    const f = this.find(a);
    if (!f.model) return f.status;
    if (f.model.subscribable === false) return ConfigStatus.NOT_A_SUBSCRIBE_MODEL;
    this.state.get(f.model)!.subs = [];
    return ConfigStatus.SUCCESS;
  }
  setDefaultTtl(ttl: number): ConfigStatusT {
    this.defaultTtl = ttl;
    return ConfigStatus.SUCCESS;
  }
  setBeacon(v: number): ConfigStatusT {
    this.beacon = v as 0 | 1;
    return ConfigStatus.SUCCESS;
  }
  setRelay(v: number, rt: TransmitState): ConfigStatusT {
    this.relay = v as FeatureState;
    this.relayRetransmit = rt;
    return ConfigStatus.SUCCESS;
  }
  setNetworkTransmit(t: TransmitState): ConfigStatusT {
    this.networkTransmit = t;
    return ConfigStatus.SUCCESS;
  }
  heartbeatPublication(): HeartbeatPublication {
    return this.hbPub;
  }
  setHeartbeatPublication(p: HeartbeatPublication): ConfigStatusT {
    if (!this.netKeys.has(p.netKeyIndex)) return ConfigStatus.INVALID_NETKEY_INDEX;
    this.hbPub = p;
    return ConfigStatus.SUCCESS;
  }
  heartbeatSubscription(): HeartbeatSubscription {
    return this.hbSub;
  }
  setHeartbeatSubscription(src: number, dst: number, periodLog: number): ConfigStatusT {
    this.hbSub = src === 0 || dst === 0 ? { src: 0, dst: 0, periodLog: 0, countLog: this.hbSub.countLog, minHops: this.hbSub.minHops, maxHops: this.hbSub.maxHops } : { src, dst, periodLog, countLog: 0, minHops: 0, maxHops: 0 };
    return ConfigStatus.SUCCESS;
  }
  reset(): void {
    this.resets++;
  }
}

/** One node's models under test: deliver messages to them, see what they send. */
export class Harness<C extends NodeConfig = FakeConfig> {
  readonly clock = new VirtualClock();
  readonly sent: Sent[] = [];
  readonly config: C;
  readonly logs: string[] = [];
  private readonly contexts = new Map<Model, ModelContext>();

  /** `config`: the node state the models see (default: the in-memory FakeConfig). */
  constructor(
    readonly elements: Element[],
    readonly unicastAddress = 0x0100,
    config?: C,
  ) {
    this.config = config ?? (new FakeConfig(unicastAddress, elements) as unknown as C);
    elements.forEach((e, elementIndex) => {
      for (const m of e.models) {
        const ctx: ModelContext = {
          elementIndex,
          elementAddress: unicastAddress + elementIndex,
          clock: this.clock,
          logger: { log: (_l, _t, message) => this.logs.push(message) },
          config: this.config,
          reply: (msg: ReceivedMessage, opcode: number, params: Bytes, done?: SendCallback) => {
            this.sent.push({ opcode, params, how: "reply", dst: msg.src, time: this.clock.now() });
            done?.("sent");
          },
          publish: (opcode: number, params: Bytes, done?: SendCallback) => {
            const r = this.config.getPublication({ elementAddress: unicastAddress + elementIndex, modelId: m.id });
            const pub = r.status === 0 && r.value.address !== 0 ? r.value : undefined;
            if (!pub) {
              done?.("not-sent");
              return;
            }
            this.sent.push({ opcode, params, how: "publish", dst: pub.address, time: this.clock.now() });
            done?.("sent");
          },
          send: (opcode: number, params: Bytes, options: SendOptions, done?: SendCallback) => {
            this.sent.push({ opcode, params, how: "send", dst: options.dst, options, time: this.clock.now() });
            done?.("sent");
          },
        };
        this.contexts.set(m, ctx);
        m.attach?.(ctx);
      }
    });
  }

  /**
   * Deliver a message as the access layer would (3.7.4.2): the model of the element that has the opcode,
   * the key policy, the table's length limits. Returns false when the access layer drops it.
   */
  deliver(opcode: number, params: Bytes, o: { src?: number; dst?: number; key?: ReceivedMessage["key"]; elementIndex?: number; ttl?: number } = {}): boolean {
    const elementIndex = o.elementIndex ?? 0;
    for (const m of this.elements[elementIndex]!.models) {
      const e = m.opcodes.find((x) => x.opcode === opcode);
      if (!e) continue;
      const key = o.key ?? (m.keyPolicy === "device" ? { kind: "device" as const } : { kind: "app" as const, appKeyIndex: 0 });
      const bound = this.config.boundAppKeys({ elementAddress: this.unicastAddress + elementIndex, modelId: m.id });
      if ((m.keyPolicy ?? "app") === "device" ? key.kind !== "device" : key.kind !== "app" || bound.status !== 0 || !bound.value.includes(key.appKeyIndex)) return false;
      if (params.length < e.minLength || (e.maxLength !== undefined && params.length > e.maxLength)) return false;
      e.handler({ opcode, params, src: o.src ?? 0x0001, dst: o.dst ?? this.unicastAddress + elementIndex, key, netKeyIndex: 0, ttl: o.ttl ?? 5, elementIndex }, this.contexts.get(m)!, m);
      return true;
    }
    return false;
  }

  /** The messages sent since the last take(). */
  take(): Sent[] {
    return this.sent.splice(0);
  }
}
