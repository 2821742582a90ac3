/**
 * The node facade: builds the whole stack for one provisioned node from its provisioning record, the
 * platform and its elements/models, and runs it.
 *
 *   AdvBearer -> NetworkLayer (net/network.ts) -> LowerTransport (transport/lower.ts, with the RPL)
 *     -> UpperTransport (transport/upper-layer.ts) -> AccessLayer (access/access.ts) -> models
 *   Secure Network beacons and the IV Update procedure (net/beacon.ts), Heartbeat (node/heartbeat.ts),
 *   the persistent state (node/state.ts, net/state.ts, transport/rpl.ts through node/records.ts).
 *
 * Node Reset (4.4.1.2) removes the provisioning record FIRST (one atomic removal: from then on the device
 * boots unprovisioned), then the node's own records; records an interrupted reset leaves behind are
 * bound to the old provisioning (records.ts tag) and ignored by any later one.
 */
import type { Bytes, Logger, TimerHandle } from "../platform.js";
import { AD_TYPE } from "../platform.js";
import { AdvBearer } from "../bearer/adv.js";
import { MeshCrypto } from "../crypto/mesh.js";
import { crc32, encodeRecord } from "../device/record.js";
import type { CompositionInfo } from "../access/model.js";
import { AccessLayer } from "../access/access.js";
import { NetworkLayer } from "../net/network.js";
import { NetState } from "../net/state.js";
import { IV_MAX_IN_PROGRESS_HOURS, IV_RECOVERY_HOURS, IV_UPDATE_SEQ_THRESHOLD, IvUpdate, decodeSecureBeacon, encodeSecureBeacon } from "../net/beacon.js";
import { LowerTransport } from "../transport/lower.js";
import { UpperTransport } from "../transport/upper-layer.js";
import { ReplayProtectionList, DEFAULT_RPL_SIZE } from "../transport/rpl.js";
import { DEFAULT_SAR_RECEIVER, DEFAULT_SAR_TRANSMITTER } from "../transport/sar.js";
import { ControlOpcode, encodeHeartbeat } from "../transport/pdu.js";
import { HeartbeatRuntime } from "./heartbeat.js";
import { NodeState } from "./state.js";
import { RecordKey, RecordStore } from "./records.js";
import type { MeshNode, NodeEvent, NodeOptions, NodePlatform } from "./api.js";
import { virtualAddress } from "../net/keys.js";

const TAG = "node";
const HOUR_MS = 3600 * 1000;
/** Feature bits (4.2.1.1 Features field / Heartbeat Features). */
const FEATURE_RELAY = 1;

export class Node implements MeshNode {
  onEvent: ((event: NodeEvent) => void) | undefined;
  readonly unicastAddress: number;
  readonly deviceKey: Bytes;
  readonly mc: MeshCrypto;
  readonly store: RecordStore;
  readonly netState: NetState;
  readonly state: NodeState;
  readonly rpl: ReplayProtectionList;
  readonly network: NetworkLayer;
  readonly lower: LowerTransport;
  readonly upper: UpperTransport;
  readonly access: AccessLayer;
  readonly iv: IvUpdate;
  readonly heartbeat: HeartbeatRuntime;
  private readonly bearer: AdvBearer;
  private readonly logger: Logger | undefined;
  private readonly remoteDeviceKeys = new Map<number, Bytes>();
  private beaconTimer: TimerHandle | undefined;
  private hourTimer: TimerHandle | undefined;
  private unsubscribeBeacons: (() => void) | undefined;
  private running = false;
  private resetDone = false;
  /** Events raised while constructing (corrupt records found on load), delivered by start(). */
  private readonly early: NodeEvent[] = [];

  constructor(
    private readonly platform: NodePlatform,
    private readonly options: NodeOptions,
  ) {
    const rec = options.record;
    const data = rec.data;
    if (!options.elements.length) throw new RangeError("node: at least one element is needed");
    if (options.elements.length !== rec.numberOfElements) throw new RangeError(`node: ${options.elements.length} elements, but provisioned with ${rec.numberOfElements}`);
    this.logger = platform.logger;
    this.unicastAddress = data.unicastAddress;
    this.deviceKey = rec.deviceKey.slice();
    this.mc = new MeshCrypto(platform.crypto);
    this.bearer = options.bearer ?? new AdvBearer(platform.radio, platform.clock, platform.logger);
    this.store = new RecordStore(platform.storage, crc32(encodeRecord(rec)), (key, reason) => {
      this.log("warn", `storage record ${key} ignored: ${reason}`);
      this.emit({ type: "storage-error", reason: `${key}: ${reason}` });
    });
    this.netState = new NetState(this.store, { ivIndex: data.ivIndex, ivUpdate: data.flags.ivUpdate }, options.seqBlockSize);
    const rplSize = options.rplSize ?? DEFAULT_RPL_SIZE;
    const composition: CompositionInfo = { ...options.composition, crpl: rplSize, features: options.relaySupported === false ? 0 : FEATURE_RELAY };
    this.state = new NodeState(this.mc, this.store, data.unicastAddress, options.elements, composition, {
      netKeyIndex: data.keyIndex, netKey: data.networkKey, defaultTtl: options.defaultTtl ?? 5, relaySupported: options.relaySupported !== false,
    });
    this.rpl = new ReplayProtectionList(this.store, rplSize, options.rplPersistWindow ?? 1, (src) => {
      this.log("warn", `replay protection list full: message from 0x${src.toString(16)} refused`);
      this.emit({ type: "rpl-full", src });
    });
    const clock = platform.clock;
    // one function each for what several layers ask (NetworkHost, LowerTransportHost, UpperTransportHost)
    const isOwnUnicast = (a: number): boolean => this.state.isOwnUnicast(a);
    const txIvIndex = (): number => this.netState.txIvIndex;
    const allocateSeq = (): number | undefined => {
      const seq = this.netState.allocate();
      if (seq === undefined) this.log("warn", "no sequence number available: message not sent");
      else if (seq >= IV_UPDATE_SEQ_THRESHOLD && !this.netState.ivUpdate) this.iv.check();
      return seq;
    };
    this.network = new NetworkLayer(this.bearer, platform.crypto, clock, this.netState, {
      subnets: () => this.state.subnets(),
      isOwnUnicast,
      accepts: (dst) => this.state.isOwnUnicast(dst) || this.access.acceptsGroup(dst) || this.heartbeat.listensTo(dst),
      relayEnabled: () => this.state.relay === 1 /* FeatureState.ENABLED */,
      relayRetransmit: () => this.state.relayRetransmit,
      networkTransmit: () => this.state.networkTransmit,
      deliver: (rx) => this.lower.receive(rx),
    }, options.messageCacheSize, platform.logger);
    this.lower = new LowerTransport(clock, {
      allocateSeq,
      txIvIndex,
      currentIvIndex: () => this.netState.ivIndex,
      sendNetwork: (netKeyIndex, header, pdu) => this.network.send(netKeyIndex, header, pdu),
      defaultTtl: () => this.state.defaultTtl,
      isOwnUnicast,
      deliverUpper: (rx) => this.upper.receive(rx),
    }, this.rpl, { ...DEFAULT_SAR_TRANSMITTER, ...options.sarTransmitter }, { ...DEFAULT_SAR_RECEIVER, ...options.sarReceiver }, options.maxRxContexts ?? 4, platform.logger);
    this.upper = new UpperTransport(platform.crypto, {
      appKeys: () => this.state.appKeyEntries(),
      deviceKey: this.deviceKey,
      remoteDeviceKey: (a) => this.remoteDeviceKeys.get(a),
      labelsFor: (address) => {
        const out: Bytes[] = [];
        for (let e = 0; e < this.options.elements.length; e++) {
          for (let m = 0; m < this.options.elements[e]!.models.length; m++) {
            for (const s of this.state.modelState(e, m)?.subscriptions ?? []) if (s.address === address && s.label) out.push(s.label);
          }
        }
        return out;
      },
      isOwnUnicast,
      allocateSeq,
      txIvIndex,
      deliverAccess: (rx) => this.access.receive(rx),
      heartbeat: (src, dst, rxTtl, hb) => this.heartbeat.receive(src, dst, rxTtl, hb),
    }, this.lower);
    this.access = new AccessLayer(options.elements, {
      state: this.state,
      clock,
      ...(platform.logger ? { logger: platform.logger } : {}),
      random: (n) => this.random(n),
      send: (m, payload, done) => this.upper.send(m, payload, done),
      rememberDeviceKey: (address, key) => {
        // Bounded: a provisioner configures its nodes one at a time; keep the 64 most recent.
        this.remoteDeviceKeys.delete(address);
        this.remoteDeviceKeys.set(address, key.slice());
        if (this.remoteDeviceKeys.size > 64) this.remoteDeviceKeys.delete(this.remoteDeviceKeys.keys().next().value!);
      },
      virtualAddress: (label) => virtualAddress(this.mc, label),
    });
    this.iv = new IvUpdate(this.netState, !!options.ivUpdateTestMode, () => {
      this.emit({ type: "iv-index", ivIndex: this.netState.ivIndex, ivUpdate: this.netState.ivUpdate });
      if (this.running) this.scheduleBeacon(100);
    });
    this.heartbeat = new HeartbeatRuntime({
      clock,
      publication: () => this.state.heartbeatPublication(),
      setRemainingCountLog: (log) => this.state.updateHeartbeatCount(log),
      features: () => this.features(),
      send: (pub, hb) => {
        this.lower.sendControl(pub.netKeyIndex, this.unicastAddress, pub.dst, pub.ttl, ControlOpcode.HEARTBEAT, encodeHeartbeat(hb));
      },
      received: (src, dst, hops, features) => this.emit({ type: "heartbeat", src, dst, hops, features }),
    });
    this.state.hooks = {
      publicationChanged: (e, m) => this.access.restartPeriodic(e, m),
      heartbeatPublicationChanged: () => this.heartbeat.restartPublication(),
      heartbeatSubscription: () => this.heartbeat.subscription(),
      setHeartbeatSubscription: (src, dst, periodLog) => this.heartbeat.setSubscription(src, dst, periodLog),
      featuresChanged: () => this.heartbeat.featuresChanged(FEATURE_RELAY),
      reset: () => this.reset(),
    };
  }

  get ivIndex(): number {
    return this.netState.ivIndex;
  }

  /** Feature bits in use (Heartbeat Features): Relay when enabled. */
  features(): number {
    return this.state.relay === 1 /* FeatureState.ENABLED */ ? FEATURE_RELAY : 0;
  }

  start(): void {
    if (this.running || this.resetDone) return;
    this.running = true;
    for (const e of this.early.splice(0)) this.emit(e);
    this.network.start();
    this.unsubscribeBeacons = this.bearer.subscribe(AD_TYPE.MESH_BEACON, (p) => this.beaconReceived(p.data));
    this.access.start();
    this.heartbeat.restartPublication();
    this.scheduleBeacon(this.random(1000) + 100);
    this.scheduleHour();
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.network.stop();
    this.unsubscribeBeacons?.();
    this.unsubscribeBeacons = undefined;
    this.access.stop();
    this.lower.stop();
    this.heartbeat.stopPublication();
    if (this.beaconTimer !== undefined) this.platform.clock.clearTimeout(this.beaconTimer);
    if (this.hourTimer !== undefined) this.platform.clock.clearTimeout(this.hourTimer);
    this.beaconTimer = this.hourTimer = undefined;
  }

  /** Secure Network beacons of every subnet, now (3.10.3). */
  sendBeacons(): void {
    for (const s of this.state.subnets()) {
      const b = encodeSecureBeacon(this.platform.crypto, s.beaconKey, { keyRefresh: false, ivUpdate: this.netState.ivUpdate, networkId: s.networkId, ivIndex: this.netState.ivIndex });
      this.bearer.send(AD_TYPE.MESH_BEACON, b, { count: 1, intervalMs: 20 });
    }
  }

  private beaconReceived(data: Bytes): void {
    if (data.length < 1 || data[0] !== 0x01) return;
    for (const s of this.state.subnets()) {
      const b = decodeSecureBeacon(this.platform.crypto, s.beaconKey, s.networkId, data);
      if (!b) continue;
      const d = this.iv.onBeacon(b.ivIndex, b.ivUpdate);
      if (d !== "ignored") this.log("info", `Secure Network beacon IV 0x${b.ivIndex.toString(16)}${b.ivUpdate ? " (update)" : ""}: ${d}`);
      return;
    }
  }

  private scheduleBeacon(ms: number): void {
    if (this.beaconTimer !== undefined) this.platform.clock.clearTimeout(this.beaconTimer);
    this.beaconTimer = this.platform.clock.setTimeout(() => {
      this.beaconTimer = undefined;
      if (!this.running) return;
      if (this.state.beacon === 1) this.sendBeacons();
      this.scheduleBeacon(this.options.beaconIntervalMs ?? 10000);
    }, ms);
  }

  /** The IV clocks count whole hours while they matter (up to 192 h), then stop writing. */
  private scheduleHour(): void {
    this.hourTimer = this.platform.clock.setTimeout(() => {
      this.hourTimer = undefined;
      if (!this.running) return;
      const s = this.netState;
      if (s.hoursInState < IV_MAX_IN_PROGRESS_HOURS || (s.hoursSinceRecovery !== 0xffff && s.hoursSinceRecovery < IV_RECOVERY_HOURS)) s.tickHour();
      this.iv.check();
      this.scheduleHour();
    }, HOUR_MS);
  }

  /** Node Reset: forget everything, power-loss safe (see the file comment). The node cannot be started again. */
  reset(): void {
    this.stop();
    this.resetDone = true;
    const st = this.platform.storage;
    const remove = (key: string): void => {
      try {
        st.remove(key);
      } catch (e) {
        this.emit({ type: "storage-error", reason: `${key}: remove failed: ${e instanceof Error ? e.message : String(e)}` });
      }
    };
    remove(this.options.recordKey ?? "prov");
    for (const key of [RecordKey.NET, RecordKey.KEYS, RecordKey.CONFIG, RecordKey.MODELS]) remove(key);
    for (let i = 0; i < this.rpl.size; i++) remove(RecordKey.RPL_PREFIX + i);
    this.remoteDeviceKeys.clear();
    this.log("info", "node reset");
    this.emit({ type: "reset" });
  }

  private random(n: number): number {
    const b = this.platform.crypto.randomBytes(4);
    const v = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
    return n <= 1 ? 0 : v % n;
  }

  private emit(e: NodeEvent): void {
    if (!this.onEvent && !this.running) {
      this.early.push(e);
      return;
    }
    try {
      this.onEvent?.(e);
    } catch (err) {
      this.log("error", "event handler threw: " + (err instanceof Error ? err.message : String(err)));
    }
  }

  private log(level: "error" | "warn" | "info" | "debug", message: string): void {
    this.logger?.log(level, TAG, message);
  }
}

/** A node for a provisioning record (see NodeOptions). Call start() to run it. */
export function createNode(platform: NodePlatform, options: NodeOptions): Node {
  return new Node(platform, options);
}
