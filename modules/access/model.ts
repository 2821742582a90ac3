/**
 * The contract between the node stack (network, transport, access layers and the node state in
 * modules/node/) and the models built on it (Configuration, Health, Generic OnOff, in modules/models/).
 *
 * A model is a plain object: its identity, its opcode table, and the functions that handle each opcode.
 * The access layer (Mesh Protocol 1.1, 3.7) owns elements, keys, bindings, publication and subscription;
 * it decodes the opcode, checks the minimum length, checks that the key is one the model may use, and
 * calls the handler with a ReceivedMessage and the model's ModelContext. Models send through that
 * context. The Configuration Server reads and changes node state only through NodeConfig (below), which
 * modules/node/ implements with its power-loss-safe storage.
 *
 * Everything here is portable TypeScript (no Node API).
 */
import type { Bytes, Clock, Logger } from "../platform.js";

// ---------------------------------------------------------------------------------------------------------
// Opcodes (Mesh Protocol 1.1, 3.7.3.1)
// ---------------------------------------------------------------------------------------------------------

/**
 * An opcode as the number whose big-endian bytes are the opcode on the air:
 * - 1 octet: 0x00..0x7E (0x7F is reserved for future use);
 * - 2 octets: 0x8000..0xBFFF (first octet 10xxxxxx), SIG-defined;
 * - 3 octets: 0xC00000..0xFFFFFF (first octet 11xxxxxx: the 6-bit vendor opcode), followed by the
 *   16-bit Company Identifier, **little-endian on the air** (so vendor opcode 0x01 of company 0x0059
 *   is the number 0xC15900, bytes C1 59 00). Use vendorOpcode() to build one.
 */
export type Opcode = number;

/** The 3-octet opcode number of a vendor's 6-bit opcode and 16-bit company ID (3.7.3.1). */
export function vendorOpcode(opcode6: number, companyId: number): Opcode {
  return ((0xc0 | (opcode6 & 0x3f)) << 16) | ((companyId & 0xff) << 8) | ((companyId >> 8) & 0xff);
}

/** Length in octets of an opcode number (1, 2 or 3); throws RangeError for 0x7F or a value out of range. */
export function opcodeLength(op: Opcode): 1 | 2 | 3 {
  if (Number.isInteger(op) && op >= 0 && op <= 0x7e) return 1;
  if (Number.isInteger(op) && op >= 0x8000 && op <= 0xbfff) return 2;
  if (Number.isInteger(op) && op >= 0xc00000 && op <= 0xffffff) return 3;
  throw new RangeError("opcode 0x" + (Number.isFinite(op) ? op.toString(16) : String(op)) + " is not a valid opcode");
}

// ---------------------------------------------------------------------------------------------------------
// Models and elements (3.7.2)
// ---------------------------------------------------------------------------------------------------------

/**
 * A model identifier (3.7.2): a SIG model has a 16-bit model ID and no company; a vendor model has its
 * 16-bit Company Identifier and a 16-bit model ID (the 32-bit vendor model identifier is
 * companyId << 16 | modelId).
 */
export interface ModelId {
  modelId: number;
  /** Present for vendor models only. */
  companyId?: number;
}

/** SIG model IDs used here (Mesh Protocol 1.1, 4.4; Mesh Model 1.1, 7.3). */
export const SigModel = Object.freeze({
  CONFIGURATION_SERVER: 0x0000,
  CONFIGURATION_CLIENT: 0x0001,
  HEALTH_SERVER: 0x0002,
  HEALTH_CLIENT: 0x0003,
  GENERIC_ONOFF_SERVER: 0x1000,
  GENERIC_ONOFF_CLIENT: 0x1001,
} as const);

/**
 * True for the Configuration Server and Client (4.4.1, 4.4.2): secured with the device key only, so an AppKey is never
 * bound to them (Cannot Bind, 4.4.1.2.6) and they have no publication.
 */
export function isConfigurationModel(id: ModelId): boolean {
  return id.companyId === undefined && (id.modelId === 0x0000 || id.modelId === 0x0001);
}

/** True when a and b name the same model. */
export function sameModelId(a: ModelId, b: ModelId): boolean {
  return a.modelId === b.modelId && (a.companyId ?? -1) === (b.companyId ?? -1);
}

/**
 * Which keys a model accepts (3.7.5.1 and 4.4.1): the Configuration Server and Client are secured with
 * the device key only; every other model with the application keys bound to it.
 */
export type KeyPolicy = "device" | "app";

/** One row of a model's opcode table. */
export interface OpcodeEntry {
  opcode: Opcode;
  /** Smallest parameter length in octets (after the opcode); shorter messages are dropped (3.7.3.2). */
  minLength: number;
  /** Largest parameter length; longer messages are dropped. Absent: no limit beyond the transport's. */
  maxLength?: number;
  /**
   * The handler. An exception it throws is logged (never with secrets) and the message is dropped. `model` is the
   * model the message is for: a table shared by every instance of a model (made once at import, in flash on the
   * device) reaches its instance through it rather than through a closure per instance.
   */
  handler(msg: ReceivedMessage, ctx: ModelContext, model: Model): void;
}

/** A model instance on an element. */
export interface Model {
  readonly id: ModelId;
  /** Default "app". */
  readonly keyPolicy?: KeyPolicy;
  /** The opcodes this model receives. An opcode must appear in at most one model of an element. */
  readonly opcodes: readonly OpcodeEntry[];
  /**
   * False for models that have no subscription list (the Configuration Server, 4.4.1); the access layer
   * then answers subscription changes with Not a Subscribe Model. Default true.
   */
  readonly subscribable?: boolean;
  /** Called once when the node starts, with the context the model keeps for sending. */
  attach?(ctx: ModelContext): void;
  /**
   * Periodic publication (3.7.6.1.3): called when the model's Publish Period expires; returns the
   * message to publish (usually the model's current Status), or undefined to publish nothing.
   */
  periodicPublication?(): { opcode: Opcode; params: Bytes } | undefined;
  /** Called on Node Reset and on stop(): cancel timers, forget state. */
  detach?(): void;
}

/** An element (3.7.2): its models. Element 0 is the primary element; its address is the node's unicast address. */
export interface Element {
  /** GATT Namespace Descriptor (Location), 0x0000 = unknown. */
  location: number;
  models: Model[];
}

// ---------------------------------------------------------------------------------------------------------
// Received messages and sending
// ---------------------------------------------------------------------------------------------------------

/** The key that secured a message (3.6.4.2): an application key by its global index, or a device key. */
export type MessageKey =
  | { kind: "app"; appKeyIndex: number }
  /**
   * The device key. On receive: this node's own device key. On send from a client (Configuration Client)
   * to another node: `deviceKey` is that node's device key (the provisioner knows it); absent = our own.
   */
  | { kind: "device"; deviceKey?: Bytes };

/** A message delivered to a model, after all checks (3.7.4.2). */
export interface ReceivedMessage {
  opcode: Opcode;
  /** The parameters, after the opcode. */
  params: Bytes;
  /** Source: a unicast address. */
  src: number;
  /** Destination as sent: this element's unicast address, a group, a virtual address, or a fixed group. */
  dst: number;
  /** For a virtual destination, the Label UUID (16 octets) that matched. */
  label?: Bytes;
  key: { kind: "app"; appKeyIndex: number } | { kind: "device" };
  netKeyIndex: number;
  /** The TTL the message arrived with. */
  ttl: number;
  /** RSSI of the (last) advertising packet, dBm, when the bearer gives one. */
  rssi?: number;
  /** Index of the element that received it. */
  elementIndex: number;
}

/** How a message is sent; the defaults are the node's. */
export interface SendOptions {
  /** Destination: unicast, group, fixed group, or virtual (then give `label` too). */
  dst: number;
  /** Label UUID when dst is a virtual address (3.4.2.3); dst may then be 0 (computed from the label). */
  label?: Bytes;
  key: MessageKey;
  /** Default: the NetKey the AppKey is bound to; for the device key: the primary NetKey (index of the first one). */
  netKeyIndex?: number;
  /** Default: the node's Default TTL (4.2.7). 0..127, or 0xFF for the default. */
  ttl?: number;
  /** Use a 64-bit TransMIC (forces a segmented message, 3.6.2.1). Default: 32-bit. */
  bigMic?: boolean;
  /** Force segmentation even when the message fits one unsegmented PDU (3.5.2). */
  segmented?: boolean;
}

/** What became of a send (reported once, when known). */
export type SendResult =
  /** Unsegmented, or segmented to a group/virtual address: all PDUs handed to the bearer. */
  | "sent"
  /** Segmented to a unicast address: every segment acknowledged (3.5.3.3). */
  | "acked"
  /** Segmented to a unicast address: the SAR transmission gave up (timeout, or the peer cancelled). */
  | "failed"
  /** Nothing was sent: unknown key, no publication, or message too long (3.5.2: at most 380 octets of access payload). */
  | "not-sent";

export type SendCallback = (result: SendResult) => void;

/** What a model is given to send with, and to reach node-wide services. */
export interface ModelContext {
  /** Index of the model's element, and that element's unicast address. */
  readonly elementIndex: number;
  readonly elementAddress: number;
  readonly clock: Clock;
  readonly logger?: Logger;
  /**
   * Answer `msg` (3.7.4.1): to msg.src, with the same key and NetKey, TTL 0 when msg arrived with TTL 0
   * and the Default TTL otherwise, after the spec's random response delay (20-50 ms to a unicast
   * request, 20-500 ms to a group/virtual one).
   */
  reply(msg: ReceivedMessage, opcode: Opcode, params: Bytes, done?: SendCallback): void;
  /**
   * Publish with the model's publication (3.7.6.1): its address, AppKey, TTL and retransmissions.
   * Reports "not-sent" when the model has no publication address or its AppKey is gone.
   */
  publish(opcode: Opcode, params: Bytes, done?: SendCallback): void;
  /** Send one message from this element, at once. */
  send(opcode: Opcode, params: Bytes, options: SendOptions, done?: SendCallback): void;
  /** The node's state, for the Configuration Server (and for any model that wants to read it). */
  readonly config: NodeConfig;
}

// ---------------------------------------------------------------------------------------------------------
// Node state as the Configuration Server sees it (4.2, 4.3.5)
// ---------------------------------------------------------------------------------------------------------

/**
 * Status codes (Mesh Protocol 1.1, 4.3.5). The NodeConfig methods return them; the
 * Configuration Server puts them in its Status messages as they are.
 */
export const ConfigStatus = Object.freeze({
  SUCCESS: 0x00,
  INVALID_ADDRESS: 0x01,
  INVALID_MODEL: 0x02,
  INVALID_APPKEY_INDEX: 0x03,
  INVALID_NETKEY_INDEX: 0x04,
  INSUFFICIENT_RESOURCES: 0x05,
  KEY_INDEX_ALREADY_STORED: 0x06,
  INVALID_PUBLISH_PARAMETERS: 0x07,
  NOT_A_SUBSCRIBE_MODEL: 0x08,
  STORAGE_FAILURE: 0x09,
  FEATURE_NOT_SUPPORTED: 0x0a,
  CANNOT_UPDATE: 0x0b,
  CANNOT_REMOVE: 0x0c,
  CANNOT_BIND: 0x0d,
  TEMPORARILY_UNABLE_TO_CHANGE_STATE: 0x0e,
  CANNOT_SET: 0x0f,
  UNSPECIFIED_ERROR: 0x10,
  INVALID_BINDING: 0x11,
} as const);
export type ConfigStatus = (typeof ConfigStatus)[keyof typeof ConfigStatus];

/** A result: a status, and the value when the status is SUCCESS. */
export type ConfigResult<T> = { status: typeof ConfigStatus.SUCCESS; value: T } | { status: Exclude<ConfigStatus, 0> };

/** Feature states (4.2.8 Relay, 4.2.9 GATT Proxy, 4.2.12 Friend): 0 disabled, 1 enabled, 2 not supported. */
export const FeatureState = Object.freeze({ DISABLED: 0, ENABLED: 1, NOT_SUPPORTED: 2 } as const);
export type FeatureState = (typeof FeatureState)[keyof typeof FeatureState];

/** Network Transmit (4.2.19) and Relay Retransmit (4.2.20): count 0..7 (transmissions = count + 1), interval steps 0..31 (interval = (steps + 1) * 10 ms). */
export interface TransmitState {
  count: number;
  intervalSteps: number;
}

/** Model Publication (4.2.3). */
export interface Publication {
  /** Publish Address: 0x0000 = unassigned (publication disabled); unicast, group or virtual. */
  address: number;
  /** The Label UUID when address is virtual. */
  label?: Bytes;
  appKeyIndex: number;
  /** Publish Friendship Credentials Flag (4.2.3.4). Friendship is not supported: the flag is stored and reported, and managed flooding credentials are used. */
  credentialFlag: boolean;
  /** Publish TTL 0..127, or 0xFF = use the Default TTL. */
  ttl: number;
  /** Publish Period (4.2.3.6) as on the air: bits 0-5 number of steps, bits 6-7 step resolution (100 ms, 1 s, 10 s, 10 min). 0 = no periodic publication. */
  period: number;
  /** Publish Retransmit Count 0..7 and Interval Steps 0..31 (interval = (steps + 1) * 50 ms) (4.2.3.7/8). */
  retransmit: TransmitState;
}

/** Heartbeat Publication (4.2.17). Count and period are logarithmic on the air; here the Log values. */
export interface HeartbeatPublication {
  /** 0x0000 = disabled; unicast, group (not virtual). */
  dst: number;
  /** 0x00 = none, 0x01..0x11 = 2^(n-1) messages, 0xFF = indefinitely (4.2.17.2). Counts down as they are sent. */
  countLog: number;
  /** 0x00..0x11: period 2^(n-1) seconds (0 = none) (4.2.17.3). */
  periodLog: number;
  ttl: number;
  /** Feature bits that trigger a heartbeat when they change (bit 0 Relay, 1 Proxy, 2 Friend, 3 LPN). */
  features: number;
  netKeyIndex: number;
}

/** Heartbeat Subscription (4.2.18). */
export interface HeartbeatSubscription {
  /** 0x0000 = disabled. */
  src: number;
  dst: number;
  /** Remaining period, Log (0x00..0x11). */
  periodLog: number;
  /** Number of heartbeats received, Log (0x00..0x11, 0xFF = more than 0xFFFE). */
  countLog: number;
  /** Smallest and largest hops of the heartbeats received (0 when none). */
  minHops: number;
  maxHops: number;
}

/** Composition data facts the node owns (4.2.2.1): the models helper encodes page 0 from these and the elements. */
export interface CompositionInfo {
  cid: number;
  pid: number;
  vid: number;
  /** Minimum number of replay protection list entries (the configured RPL size). */
  crpl: number;
  /** Features bit field: bit 0 Relay, 1 Proxy, 2 Friend, 3 Low Power, as supported. */
  features: number;
}

/** A model addressed by a Configuration message: the element address, then the model identifier. */
export interface ModelAddress {
  elementAddress: number;
  modelId: ModelId;
}

/**
 * The node's configuration state (4.2), for the Configuration Server. Every change is stored before the
 * method returns (power-loss safe); a storage failure returns STORAGE_FAILURE and leaves the old state.
 * Checks follow 4.4.1.2: element address first (INVALID_ADDRESS), then model (INVALID_MODEL), then keys.
 */
export interface NodeConfig {
  readonly unicastAddress: number;
  /** The elements with their models, in order (element i has address unicastAddress + i). */
  readonly elements: readonly Element[];
  readonly composition: CompositionInfo;

  // 4.2.4 NetKey List (Key Refresh is not supported: updateNetKey answers CANNOT_UPDATE)
  netKeyIndexes(): number[];
  addNetKey(netKeyIndex: number, key: Bytes): ConfigStatus;
  updateNetKey(netKeyIndex: number, key: Bytes): ConfigStatus;
  /** The last NetKey cannot be deleted (CANNOT_REMOVE); deleting one also deletes its AppKeys. */
  deleteNetKey(netKeyIndex: number): ConfigStatus;

  // 4.2.5 AppKey List
  /** The AppKey indexes bound to a NetKey, or INVALID_NETKEY_INDEX. */
  appKeyIndexes(netKeyIndex: number): ConfigResult<number[]>;
  addAppKey(netKeyIndex: number, appKeyIndex: number, key: Bytes): ConfigStatus;
  /** Key Refresh is not supported: CANNOT_UPDATE for a known key, the index errors otherwise. */
  updateAppKey(netKeyIndex: number, appKeyIndex: number, key: Bytes): ConfigStatus;
  /** Deleting an AppKey that is not stored is SUCCESS (4.4.1.2); also removes it from bindings and publications. */
  deleteAppKey(netKeyIndex: number, appKeyIndex: number): ConfigStatus;

  // 4.2.6 Model to AppKey List
  bindAppKey(model: ModelAddress, appKeyIndex: number): ConfigStatus;
  unbindAppKey(model: ModelAddress, appKeyIndex: number): ConfigStatus;
  boundAppKeys(model: ModelAddress): ConfigResult<number[]>;

  // 4.2.3 Model Publication
  getPublication(model: ModelAddress): ConfigResult<Publication>;
  /** address 0x0000 disables publication (the other fields are then cleared). */
  setPublication(model: ModelAddress, publication: Publication): ConfigStatus;

  // 4.2.2 Subscription List (address is a group or virtual address; for virtual give the label)
  subscriptions(model: ModelAddress): ConfigResult<number[]>;
  addSubscription(model: ModelAddress, address: number, label?: Bytes): ConfigStatus;
  deleteSubscription(model: ModelAddress, address: number, label?: Bytes): ConfigStatus;
  overwriteSubscription(model: ModelAddress, address: number, label?: Bytes): ConfigStatus;
  deleteAllSubscriptions(model: ModelAddress): ConfigStatus;

  // 4.2.7 Default TTL, 4.2.10 Secure Network Beacon, 4.2.8 Relay, 4.2.19/4.2.20 transmit
  /** 0x00 or 0x02..0x7F. */
  defaultTtl: number;
  /** Secure Network Beacon state: 0 not broadcasting, 1 broadcasting. */
  beacon: 0 | 1;
  relay: FeatureState;
  relayRetransmit: TransmitState;
  networkTransmit: TransmitState;
  /** GATT Proxy, Friend, Node Identity: not supported in this stack. */
  readonly gattProxy: FeatureState;
  readonly friend: FeatureState;

  /** Setters that store; they return STORAGE_FAILURE or CANNOT_SET where they refuse. */
  setDefaultTtl(ttl: number): ConfigStatus;
  setBeacon(state: number): ConfigStatus;
  setRelay(state: number, retransmit: TransmitState): ConfigStatus;
  setNetworkTransmit(transmit: TransmitState): ConfigStatus;

  // 4.2.17 / 4.2.18 Heartbeat
  heartbeatPublication(): HeartbeatPublication;
  /** INVALID_NETKEY_INDEX for an unknown NetKey; starts/stops the periodic heartbeats. */
  setHeartbeatPublication(pub: HeartbeatPublication): ConfigStatus;
  heartbeatSubscription(): HeartbeatSubscription;
  /** Setting src/dst starts a new subscription period and clears the counters (4.2.18); src or dst 0x0000 disables it. */
  setHeartbeatSubscription(src: number, dst: number, periodLog: number): ConfigStatus;

  /**
   * Node Reset (4.4.1.2): call after the Node Reset Status has been sent (use the reply's done callback).
   * Forgets every key, address and configuration, power-loss safe, and raises the node's "reset" event so
   * the application goes back to sending Unprovisioned Device beacons.
   */
  reset(): void;
}
