/**
 * The node's configuration state (Mesh Protocol 1.1, 4.2) with its storage records, implementing the
 * NodeConfig contract the Configuration Server uses (modules/access/model.ts).
 *
 * Records (each one atomic write, see records.ts): mesh.keys (NetKeys and AppKeys), mesh.cfg (Default TTL,
 * beacon, relay, transmit states, heartbeat publication), mesh.models (per model: AppKey bindings,
 * publication, subscriptions). Every change is made on a copy, written, and only then becomes the state:
 * a refused write returns STORAGE_FAILURE and leaves the old state in memory and in flash.
 */
import type { Bytes } from "../platform.js";
import type { MeshCrypto } from "../crypto/mesh.js";
import { bytesEqual } from "../crypto/bytes.js";
import { isConfigurationModel, sameModelId } from "../access/model.js";
import type { ConfigStatus, FeatureState } from "../access/model.js";
import type {
  CompositionInfo,
  ConfigResult,
  Element,
  HeartbeatPublication,
  HeartbeatSubscription,
  ModelAddress,
  ModelId,
  NodeConfig,
  Publication,
  TransmitState,
} from "../access/model.js";
import { isGroup, isSubscribable, isUnicast, isVirtual } from "../net/address.js";
import { deriveNetworkKeys } from "../net/pdu.js";
import type { Subnet } from "../net/network.js";
import { ByteReader, ByteWriter, RecordKey, RecordKind } from "./records.js";
import type { RecordStore } from "./records.js";
import { beaconKey, virtualAddress } from "../net/keys.js";

/** Capacity limits (INSUFFICIENT_RESOURCES beyond them). They also bound each record's size (< 1 KB). */
export const LIMITS = Object.freeze({ netKeys: 4, appKeys: 8, bindingsPerModel: 8, subscriptionsPerModel: 8 } as const);

export interface AppKeyEntry {
  appKeyIndex: number;
  netKeyIndex: number;
  key: Bytes;
  aid: number;
}

export interface Subscription {
  address: number;
  label?: Bytes;
}

export interface ModelState {
  bindings: number[];
  publication: Publication | undefined;
  subscriptions: Subscription[];
}

export interface ConfigValues {
  defaultTtl: number;
  beacon: 0 | 1;
  relay: FeatureState;
  relayRetransmit: TransmitState;
  networkTransmit: TransmitState;
  heartbeatPub: HeartbeatPublication;
}

/** What the running node does when the configuration changes (restart timers, heartbeats, reset). */
export interface StateHooks {
  publicationChanged?(elementIndex: number, modelIndex: number): void;
  heartbeatPublicationChanged?(): void;
  heartbeatSubscription?(): HeartbeatSubscription;
  setHeartbeatSubscription?(src: number, dst: number, periodLog: number): void;
  reset?(): void;
  featuresChanged?(): void;
}

const NO_HEARTBEAT_PUB: Readonly<HeartbeatPublication> = Object.freeze({ dst: 0, countLog: 0, periodLog: 0, ttl: 0, features: 0, netKeyIndex: 0 });

function copyPub(p: Publication): Publication {
  return { ...p, retransmit: { ...p.retransmit }, ...(p.label ? { label: p.label.slice() } : {}) };
}

export class NodeState implements NodeConfig {
  readonly gattProxy = 2 /* NOT_SUPPORTED */;
  readonly friend = 2 /* NOT_SUPPORTED */;
  hooks: StateHooks = {};

  private netKeys: { netKeyIndex: number; key: Bytes }[] = [];
  private appKeys: AppKeyEntry[] = [];
  private subnetCache: Subnet[] = [];
  private cfg: ConfigValues;
  /** models[element][model] */
  private models: ModelState[][];

  constructor(
    private readonly mc: MeshCrypto,
    private readonly store: RecordStore,
    readonly unicastAddress: number,
    readonly elements: readonly Element[],
    readonly composition: CompositionInfo,
    initial: { netKeyIndex: number; netKey: Bytes; defaultTtl: number; relaySupported: boolean },
  ) {
    this.cfg = {
      defaultTtl: initial.defaultTtl,
      beacon: 1,
      relay: initial.relaySupported ? 1 /* ENABLED */ : 2 /* NOT_SUPPORTED */,
      relayRetransmit: { count: 2, intervalSteps: 1 },
      networkTransmit: { count: 2, intervalSteps: 1 },
      heartbeatPub: { ...NO_HEARTBEAT_PUB },
    };
    this.models = elements.map((e) => e.models.map(() => ({ bindings: [], publication: undefined, subscriptions: [] })));
    if (!this.loadKeys()) this.netKeys = [{ netKeyIndex: initial.netKeyIndex, key: initial.netKey.slice() }];
    this.loadConfig(initial.relaySupported);
    this.loadModels();
    this.rebuildSubnets();
  }

  // ------------------------------------------------------------------ loading and saving

  private loadKeys(): boolean {
    const body = this.store.load(RecordKey.KEYS, RecordKind.KEYS);
    if (!body) return false;
    try {
      const r = new ByteReader(body);
      const nets = r.u8();
      const netKeys: { netKeyIndex: number; key: Bytes }[] = [];
      for (let i = 0; i < nets; i++) netKeys.push({ netKeyIndex: r.u16(), key: r.bytes(16) });
      const apps = r.u8();
      const appKeys: AppKeyEntry[] = [];
      for (let i = 0; i < apps; i++) {
        const appKeyIndex = r.u16();
        const netKeyIndex = r.u16();
        const key = r.bytes(16);
        appKeys.push({ appKeyIndex, netKeyIndex, key, aid: this.mc.k4(key) });
      }
      r.end();
      if (netKeys.length === 0) return false;
      this.netKeys = netKeys;
      this.appKeys = appKeys;
      return true;
    } catch {
      return false;
    }
  }

  private encodeKeys(netKeys: { netKeyIndex: number; key: Bytes }[], appKeys: AppKeyEntry[]): Bytes {
    const w = new ByteWriter().u8(netKeys.length);
    for (const k of netKeys) w.u16(k.netKeyIndex).bytes(k.key);
    w.u8(appKeys.length);
    for (const k of appKeys) w.u16(k.appKeyIndex).u16(k.netKeyIndex).bytes(k.key);
    return w.done();
  }

  private saveKeys(netKeys: { netKeyIndex: number; key: Bytes }[], appKeys: AppKeyEntry[]): ConfigStatus {
    try {
      this.store.save(RecordKey.KEYS, RecordKind.KEYS, this.encodeKeys(netKeys, appKeys));
    } catch {
      return 0x09 /* STORAGE_FAILURE */;
    }
    this.netKeys = netKeys;
    this.appKeys = appKeys;
    this.rebuildSubnets();
    return 0x00 /* SUCCESS */;
  }

  private loadConfig(relaySupported: boolean): void {
    const body = this.store.load(RecordKey.CONFIG, RecordKind.CONFIG);
    if (!body) return;
    try {
      const r = new ByteReader(body);
      const c: ConfigValues = {
        defaultTtl: r.u8(),
        beacon: (r.u8() & 1) as 0 | 1,
        relay: r.u8() as FeatureState,
        relayRetransmit: { count: r.u8(), intervalSteps: r.u8() },
        networkTransmit: { count: r.u8(), intervalSteps: r.u8() },
        heartbeatPub: { dst: r.u16(), countLog: r.u8(), periodLog: r.u8(), ttl: r.u8(), features: r.u16(), netKeyIndex: r.u16() },
      };
      r.end();
      if (!relaySupported) c.relay = 2 /* NOT_SUPPORTED */;
      this.cfg = c;
    } catch {
      // Corrupt: the defaults stay.
    }
  }

  private saveConfig(c: ConfigValues): ConfigStatus {
    const h = c.heartbeatPub;
    const body = new ByteWriter()
      .u8(c.defaultTtl).u8(c.beacon).u8(c.relay)
      .u8(c.relayRetransmit.count).u8(c.relayRetransmit.intervalSteps)
      .u8(c.networkTransmit.count).u8(c.networkTransmit.intervalSteps)
      .u16(h.dst).u8(h.countLog).u8(h.periodLog).u8(h.ttl).u16(h.features).u16(h.netKeyIndex)
      .done();
    try {
      this.store.save(RecordKey.CONFIG, RecordKind.CONFIG, body);
    } catch {
      return 0x09 /* STORAGE_FAILURE */;
    }
    this.cfg = c;
    return 0x00 /* SUCCESS */;
  }

  private loadModels(): void {
    const body = this.store.load(RecordKey.MODELS, RecordKind.MODELS);
    if (!body) return;
    try {
      const r = new ByteReader(body);
      const n = r.u16();
      const models = this.models.map((el) => el.map(() => ({ bindings: [] as number[], publication: undefined as Publication | undefined, subscriptions: [] as Subscription[] })));
      for (let i = 0; i < n; i++) {
        // Models are stored by element and model identity (not position), so a firmware that reorders
        // or adds models keeps each model's bindings, publication and subscriptions.
        const e = r.u8();
        const vendor = r.u8() === 1;
        const companyId = vendor ? r.u16() : undefined;
        const modelId = r.u16();
        const id: ModelId = companyId === undefined ? { modelId } : { modelId, companyId };
        const m = this.elements[e] ? this.indexOfModel(e, id) : -1;
        const bindings: number[] = [];
        for (let k = r.u8(); k > 0; k--) bindings.push(r.u16());
        let publication: Publication | undefined;
        if (r.u8() === 1) {
          const address = r.u16();
          const hasLabel = r.u8() === 1;
          const label = hasLabel ? r.bytes(16) : undefined;
          publication = {
            address, appKeyIndex: r.u16(), credentialFlag: r.u8() === 1, ttl: r.u8(), period: r.u8(),
            retransmit: { count: r.u8(), intervalSteps: r.u8() }, ...(label ? { label } : {}),
          };
        }
        const subscriptions: Subscription[] = [];
        for (let k = r.u8(); k > 0; k--) {
          const address = r.u16();
          subscriptions.push(r.u8() === 1 ? { address, label: r.bytes(16) } : { address });
        }
        // Records of models the firmware no longer has are skipped.
        if (m >= 0) models[e]![m] = { bindings, publication, subscriptions };
      }
      r.end();
      this.models = models;
    } catch {
      // Corrupt: no bindings, publications or subscriptions (reported by the store).
    }
  }

  private saveModels(models: ModelState[][]): ConfigStatus {
    const w = new ByteWriter();
    let n = 0;
    const body = new ByteWriter();
    for (let e = 0; e < models.length; e++) {
      for (let m = 0; m < models[e]!.length; m++) {
        const s = models[e]![m]!;
        if (!s.bindings.length && !s.publication && !s.subscriptions.length) continue;
        n++;
        const id = this.elements[e]!.models[m]!.id;
        body.u8(e).u8(id.companyId === undefined ? 0 : 1);
        if (id.companyId !== undefined) body.u16(id.companyId);
        body.u16(id.modelId).u8(s.bindings.length);
        for (const b of s.bindings) body.u16(b);
        const p = s.publication;
        if (p) {
          body.u8(1).u16(p.address).u8(p.label ? 1 : 0);
          if (p.label) body.bytes(p.label);
          body.u16(p.appKeyIndex).u8(p.credentialFlag ? 1 : 0).u8(p.ttl).u8(p.period).u8(p.retransmit.count).u8(p.retransmit.intervalSteps);
        } else body.u8(0);
        body.u8(s.subscriptions.length);
        for (const sub of s.subscriptions) {
          body.u16(sub.address).u8(sub.label ? 1 : 0);
          if (sub.label) body.bytes(sub.label);
        }
      }
    }
    w.u16(n).bytes(body.done());
    try {
      this.store.save(RecordKey.MODELS, RecordKind.MODELS, w.done());
    } catch {
      return 0x09 /* STORAGE_FAILURE */;
    }
    this.models = models;
    return 0x00 /* SUCCESS */;
  }

  private cloneModels(): ModelState[][] {
    return this.models.map((el) =>
      el.map((s) => ({ bindings: [...s.bindings], publication: s.publication ? copyPub(s.publication) : undefined, subscriptions: s.subscriptions.map((x) => ({ ...x })) })),
    );
  }

  private rebuildSubnets(): void {
    this.subnetCache = this.netKeys.map((k) => ({
      netKeyIndex: k.netKeyIndex,
      netKey: k.key,
      keys: deriveNetworkKeys(this.mc, k.key),
      networkId: this.mc.k3(k.key),
      beaconKey: beaconKey(this.mc, k.key),
    }));
  }

  // ------------------------------------------------------------------ for the stack

  subnets(): readonly Subnet[] {
    return this.subnetCache;
  }

  appKeyEntries(): readonly AppKeyEntry[] {
    return this.appKeys;
  }

  appKey(appKeyIndex: number): AppKeyEntry | undefined {
    return this.appKeys.filter((k) => k.appKeyIndex === appKeyIndex)[0];
  }

  modelState(elementIndex: number, modelIndex: number): ModelState | undefined {
    return this.models[elementIndex]?.[modelIndex];
  }

  /** Element index of an element address, or -1. */
  elementIndexOf(address: number): number {
    const i = address - this.unicastAddress;
    return i >= 0 && i < this.elements.length ? i : -1;
  }

  isOwnUnicast(address: number): boolean {
    return this.elementIndexOf(address) >= 0;
  }

  /** True when some model of the node subscribes to `address`. */
  subscribes(address: number): boolean {
    for (const el of this.models) for (const s of el) for (const x of s.subscriptions) if (x.address === address) return true;
    return false;
  }

  get config(): Readonly<ConfigValues> {
    return this.cfg;
  }

  // ------------------------------------------------------------------ NodeConfig: lookups

  private locate(model: ModelAddress): { status: ConfigStatus; e: number; m: number } {
    const e = this.elementIndexOf(model.elementAddress);
    if (e < 0) return { status: 0x01 /* INVALID_ADDRESS */, e, m: -1 };
    const m = this.indexOfModel(e, model.modelId);
    if (m < 0) return { status: 0x02 /* INVALID_MODEL */, e, m };
    return { status: 0x00 /* SUCCESS */, e, m };
  }

  private indexOfModel(e: number, id: ModelId): number {
    const models = this.elements[e]!.models;
    for (let m = 0; m < models.length; m++) if (sameModelId(models[m]!.id, id)) return m;
    return -1;
  }

  // ------------------------------------------------------------------ 4.2.4 NetKey List

  private hasNetKey(netKeyIndex: number): boolean {
    return this.netKeys.filter((k) => k.netKeyIndex === netKeyIndex).length > 0;
  }

  netKeyIndexes(): number[] {
    return this.netKeys.map((k) => k.netKeyIndex);
  }

  addNetKey(netKeyIndex: number, key: Bytes): ConfigStatus {
    if (!(netKeyIndex >= 0 && netKeyIndex <= 0xfff) || key.length !== 16) return 0x04 /* INVALID_NETKEY_INDEX */;
    const existing = this.netKeys.filter((k) => k.netKeyIndex === netKeyIndex)[0];
    if (existing) return bytesEqual(existing.key, key) ? 0x00 /* SUCCESS */ : 0x06 /* KEY_INDEX_ALREADY_STORED */;
    if (this.netKeys.length >= LIMITS.netKeys) return 0x05 /* INSUFFICIENT_RESOURCES */;
    return this.saveKeys([...this.netKeys, { netKeyIndex, key: key.slice() }], this.appKeys);
  }

  updateNetKey(netKeyIndex: number, _key: Bytes): ConfigStatus {
    if (!this.hasNetKey(netKeyIndex)) return 0x04 /* INVALID_NETKEY_INDEX */;
    // Key Refresh (3.11.4) is not supported by this node.
    return 0x0b /* CANNOT_UPDATE */;
  }

  deleteNetKey(netKeyIndex: number): ConfigStatus {
    if (!this.hasNetKey(netKeyIndex)) return 0x00 /* SUCCESS */;
    if (this.netKeys.length === 1) return 0x0c /* CANNOT_REMOVE */;
    const gone = new Set(this.appKeys.filter((a) => a.netKeyIndex === netKeyIndex).map((a) => a.appKeyIndex));
    const models = this.cloneModels();
    for (const el of models) for (const s of el) this.forgetAppKeys(s, gone);
    const st = this.saveModels(models);
    if (st !== 0x00 /* SUCCESS */) return st;
    return this.saveKeys(this.netKeys.filter((k) => k.netKeyIndex !== netKeyIndex), this.appKeys.filter((a) => a.netKeyIndex !== netKeyIndex));
  }

  // ------------------------------------------------------------------ 4.2.5 AppKey List

  appKeyIndexes(netKeyIndex: number): ConfigResult<number[]> {
    if (!this.hasNetKey(netKeyIndex)) return { status: 0x04 /* INVALID_NETKEY_INDEX */ };
    return { status: 0x00 /* SUCCESS */, value: this.appKeys.filter((a) => a.netKeyIndex === netKeyIndex).map((a) => a.appKeyIndex) };
  }

  addAppKey(netKeyIndex: number, appKeyIndex: number, key: Bytes): ConfigStatus {
    if (!this.hasNetKey(netKeyIndex)) return 0x04 /* INVALID_NETKEY_INDEX */;
    if (!(appKeyIndex >= 0 && appKeyIndex <= 0xfff) || key.length !== 16) return 0x03 /* INVALID_APPKEY_INDEX */;
    const existing = this.appKey(appKeyIndex);
    if (existing) {
      if (existing.netKeyIndex !== netKeyIndex) return 0x04 /* INVALID_NETKEY_INDEX */;
      return bytesEqual(existing.key, key) ? 0x00 /* SUCCESS */ : 0x06 /* KEY_INDEX_ALREADY_STORED */;
    }
    if (this.appKeys.length >= LIMITS.appKeys) return 0x05 /* INSUFFICIENT_RESOURCES */;
    return this.saveKeys(this.netKeys, [...this.appKeys, { appKeyIndex, netKeyIndex, key: key.slice(), aid: this.mc.k4(key) }]);
  }

  updateAppKey(netKeyIndex: number, appKeyIndex: number, _key: Bytes): ConfigStatus {
    if (!this.hasNetKey(netKeyIndex)) return 0x04 /* INVALID_NETKEY_INDEX */;
    const existing = this.appKey(appKeyIndex);
    if (!existing) return 0x03 /* INVALID_APPKEY_INDEX */;
    if (existing.netKeyIndex !== netKeyIndex) return 0x11 /* INVALID_BINDING */;
    // Key Refresh is not supported.
    return 0x0b /* CANNOT_UPDATE */;
  }

  deleteAppKey(netKeyIndex: number, appKeyIndex: number): ConfigStatus {
    if (!this.hasNetKey(netKeyIndex)) return 0x04 /* INVALID_NETKEY_INDEX */;
    const existing = this.appKey(appKeyIndex);
    if (!existing) return 0x00 /* SUCCESS */;
    if (existing.netKeyIndex !== netKeyIndex) return 0x11 /* INVALID_BINDING */;
    const models = this.cloneModels();
    for (const el of models) for (const s of el) this.forgetAppKeys(s, new Set([appKeyIndex]));
    const st = this.saveModels(models);
    if (st !== 0x00 /* SUCCESS */) return st;
    return this.saveKeys(this.netKeys, this.appKeys.filter((a) => a.appKeyIndex !== appKeyIndex));
  }

  private forgetAppKeys(s: ModelState, gone: Set<number>): void {
    s.bindings = s.bindings.filter((b) => !gone.has(b));
    // A publication whose AppKey is deleted is disabled (4.2.3.3).
    if (s.publication && gone.has(s.publication.appKeyIndex)) s.publication = undefined;
  }

  // ------------------------------------------------------------------ 4.2.6 Model to AppKey List

  bindAppKey(model: ModelAddress, appKeyIndex: number): ConfigStatus {
    const l = this.locate(model);
    if (l.status !== 0x00 /* SUCCESS */) return l.status;
    if (!this.appKey(appKeyIndex)) return 0x03 /* INVALID_APPKEY_INDEX */;
    // The Configuration models use the device key only (4.4.1).
    if (isConfigurationModel(model.modelId) || this.elements[l.e]!.models[l.m]!.keyPolicy === "device") return 0x0d /* CANNOT_BIND */;
    const s = this.models[l.e]![l.m]!;
    if (s.bindings.includes(appKeyIndex)) return 0x00 /* SUCCESS */;
    if (s.bindings.length >= LIMITS.bindingsPerModel) return 0x05 /* INSUFFICIENT_RESOURCES */;
    const models = this.cloneModels();
    models[l.e]![l.m]!.bindings.push(appKeyIndex);
    return this.saveModels(models);
  }

  unbindAppKey(model: ModelAddress, appKeyIndex: number): ConfigStatus {
    const l = this.locate(model);
    if (l.status !== 0x00 /* SUCCESS */) return l.status;
    if (!this.appKey(appKeyIndex)) return 0x03 /* INVALID_APPKEY_INDEX */;
    if (isConfigurationModel(model.modelId)) return 0x0d /* CANNOT_BIND */;
    const models = this.cloneModels();
    this.forgetAppKeys(models[l.e]![l.m]!, new Set([appKeyIndex]));
    const st = this.saveModels(models);
    if (st === 0x00 /* SUCCESS */) this.hooks.publicationChanged?.(l.e, l.m);
    return st;
  }

  boundAppKeys(model: ModelAddress): ConfigResult<number[]> {
    const l = this.locate(model);
    if (l.status !== 0x00 /* SUCCESS */) return { status: l.status as Exclude<ConfigStatus, 0> };
    return { status: 0x00 /* SUCCESS */, value: [...this.models[l.e]![l.m]!.bindings] };
  }

  // ------------------------------------------------------------------ 4.2.3 Model Publication

  getPublication(model: ModelAddress): ConfigResult<Publication> {
    const l = this.locate(model);
    if (l.status !== 0x00 /* SUCCESS */) return { status: l.status as Exclude<ConfigStatus, 0> };
    const p = this.models[l.e]![l.m]!.publication;
    return {
      status: 0x00 /* SUCCESS */,
      value: p ? copyPub(p) : { address: 0, appKeyIndex: 0, credentialFlag: false, ttl: 0, period: 0, retransmit: { count: 0, intervalSteps: 0 } },
    };
  }

  setPublication(model: ModelAddress, p: Publication): ConfigStatus {
    const l = this.locate(model);
    if (l.status !== 0x00 /* SUCCESS */) return l.status;
    if (isConfigurationModel(model.modelId)) return 0x07 /* INVALID_PUBLISH_PARAMETERS */;
    const models = this.cloneModels();
    if (p.address === 0) {
      models[l.e]![l.m]!.publication = undefined;
    } else {
      if (!this.appKey(p.appKeyIndex)) return 0x03 /* INVALID_APPKEY_INDEX */;
      const validTtl = (p.ttl >= 0 && p.ttl <= 0x7f) || p.ttl === 0xff;
      const validAddress = isUnicast(p.address) || isGroup(p.address) || (isVirtual(p.address) && p.label?.length === 16);
      if (!validTtl || !validAddress || p.retransmit.count > 7 || p.retransmit.intervalSteps > 31 || p.period > 0xff) return 0x07 /* INVALID_PUBLISH_PARAMETERS */;
      if (isVirtual(p.address) && virtualAddress(this.mc, p.label!) !== p.address) return 0x07 /* INVALID_PUBLISH_PARAMETERS */;
      models[l.e]![l.m]!.publication = copyPub(p);
    }
    const st = this.saveModels(models);
    if (st === 0x00 /* SUCCESS */) this.hooks.publicationChanged?.(l.e, l.m);
    return st;
  }

  // ------------------------------------------------------------------ 4.2.2 Subscription List

  subscriptions(model: ModelAddress): ConfigResult<number[]> {
    const l = this.locate(model);
    if (l.status !== 0x00 /* SUCCESS */) return { status: l.status as Exclude<ConfigStatus, 0> };
    if (this.elements[l.e]!.models[l.m]!.subscribable === false) return { status: 0x08 /* NOT_A_SUBSCRIBE_MODEL */ };
    return { status: 0x00 /* SUCCESS */, value: this.models[l.e]![l.m]!.subscriptions.map((s) => s.address) };
  }

  private changeSubscriptions(model: ModelAddress, address: number | undefined, label: Bytes | undefined, f: (list: Subscription[], sub?: Subscription) => Subscription[] | ConfigStatus): ConfigStatus {
    const l = this.locate(model);
    if (l.status !== 0x00 /* SUCCESS */) return l.status;
    let sub: Subscription | undefined;
    if (address !== undefined) {
      if (label) {
        if (label.length !== 16) return 0x01 /* INVALID_ADDRESS */;
        sub = { address: virtualAddress(this.mc, label), label: label.slice() };
      } else {
        // A virtual address without its Label UUID cannot be subscribed (the label is needed to decrypt).
        if (!isSubscribable(address) || isVirtual(address)) return 0x01 /* INVALID_ADDRESS */;
        sub = { address };
      }
    }
    if (this.elements[l.e]!.models[l.m]!.subscribable === false) return 0x08 /* NOT_A_SUBSCRIBE_MODEL */;
    const models = this.cloneModels();
    const r = f(models[l.e]![l.m]!.subscriptions, sub);
    if (typeof r === "number") return r;
    if (r.length > LIMITS.subscriptionsPerModel) return 0x05 /* INSUFFICIENT_RESOURCES */;
    models[l.e]![l.m]!.subscriptions = r;
    return this.saveModels(models);
  }

  private static same(a: Subscription, b: Subscription): boolean {
    return a.address === b.address && (!a.label || !b.label || bytesEqual(a.label, b.label));
  }

  addSubscription(model: ModelAddress, address: number, label?: Bytes): ConfigStatus {
    return this.changeSubscriptions(model, address, label, (list, sub) => (list.filter((x) => NodeState.same(x, sub!)).length > 0 ? list : [...list, sub!]));
  }

  deleteSubscription(model: ModelAddress, address: number, label?: Bytes): ConfigStatus {
    return this.changeSubscriptions(model, address, label, (list, sub) => list.filter((x) => !NodeState.same(x, sub!)));
  }

  overwriteSubscription(model: ModelAddress, address: number, label?: Bytes): ConfigStatus {
    return this.changeSubscriptions(model, address, label, (_list, sub) => [sub!]);
  }

  deleteAllSubscriptions(model: ModelAddress): ConfigStatus {
    return this.changeSubscriptions(model, undefined, undefined, () => []);
  }

  // ------------------------------------------------------------------ simple states

  get defaultTtl(): number {
    return this.cfg.defaultTtl;
  }
  get beacon(): 0 | 1 {
    return this.cfg.beacon;
  }
  get relay(): FeatureState {
    return this.cfg.relay;
  }
  get relayRetransmit(): TransmitState {
    return { ...this.cfg.relayRetransmit };
  }
  get networkTransmit(): TransmitState {
    return { ...this.cfg.networkTransmit };
  }

  setDefaultTtl(ttl: number): ConfigStatus {
    // 4.2.7: 0x00 or 0x02..0x7F; 0x01 and 0x80..0xFF are prohibited.
    if (!Number.isInteger(ttl) || ttl === 1 || ttl < 0 || ttl > 0x7f) return 0x0f /* CANNOT_SET */;
    return this.saveConfig({ ...this.cfg, defaultTtl: ttl });
  }

  setBeacon(state: number): ConfigStatus {
    if (state !== 0 && state !== 1) return 0x0f /* CANNOT_SET */;
    return this.saveConfig({ ...this.cfg, beacon: state });
  }

  setRelay(state: number, retransmit: TransmitState): ConfigStatus {
    if ((state !== 0 && state !== 1) || !validTransmit(retransmit)) return 0x0f /* CANNOT_SET */;
    // 4.2.8: a node without the Relay feature stays "not supported".
    const relay = this.cfg.relay === 2 /* NOT_SUPPORTED */ ? 2 /* NOT_SUPPORTED */ : (state as FeatureState);
    const changed = relay !== this.cfg.relay;
    const st = this.saveConfig({ ...this.cfg, relay, relayRetransmit: { ...retransmit } });
    if (st === 0x00 /* SUCCESS */ && changed) this.hooks.featuresChanged?.();
    return st;
  }

  setNetworkTransmit(t: TransmitState): ConfigStatus {
    if (!validTransmit(t)) return 0x0f /* CANNOT_SET */;
    return this.saveConfig({ ...this.cfg, networkTransmit: { ...t } });
  }

  // ------------------------------------------------------------------ heartbeat

  heartbeatPublication(): HeartbeatPublication {
    return { ...this.cfg.heartbeatPub };
  }

  setHeartbeatPublication(pub: HeartbeatPublication): ConfigStatus {
    if (!this.hasNetKey(pub.netKeyIndex)) return 0x04 /* INVALID_NETKEY_INDEX */;
    if (pub.dst !== 0 && !isUnicast(pub.dst) && !isGroup(pub.dst)) return 0x0f /* CANNOT_SET */;
    if ((pub.countLog > 0x11 && pub.countLog !== 0xff) || pub.periodLog > 0x11 || pub.ttl > 0x7f) return 0x0f /* CANNOT_SET */;
    const st = this.saveConfig({ ...this.cfg, heartbeatPub: pub.dst === 0 ? { ...NO_HEARTBEAT_PUB, netKeyIndex: pub.netKeyIndex } : { ...pub } });
    if (st === 0x00 /* SUCCESS */) this.hooks.heartbeatPublicationChanged?.();
    return st;
  }

  /** The heartbeat runtime counts down the remaining count (4.2.17.2) without a flash write per heartbeat. */
  updateHeartbeatCount(countLog: number): void {
    this.cfg = { ...this.cfg, heartbeatPub: { ...this.cfg.heartbeatPub, countLog } };
  }

  heartbeatSubscription(): HeartbeatSubscription {
    return this.hooks.heartbeatSubscription?.() ?? { src: 0, dst: 0, periodLog: 0, countLog: 0, minHops: 0, maxHops: 0 };
  }

  setHeartbeatSubscription(src: number, dst: number, periodLog: number): ConfigStatus {
    if ((src !== 0 && !isUnicast(src)) || (dst !== 0 && !isUnicast(dst) && !isGroup(dst)) || periodLog > 0x11) return 0x0f /* CANNOT_SET */;
    this.hooks.setHeartbeatSubscription?.(src, dst, periodLog);
    return 0x00 /* SUCCESS */;
  }

  reset(): void {
    this.hooks.reset?.();
  }
}

function validTransmit(t: TransmitState): boolean {
  return Number.isInteger(t.count) && t.count >= 0 && t.count <= 7 && Number.isInteger(t.intervalSteps) && t.intervalSteps >= 0 && t.intervalSteps <= 31;
}
