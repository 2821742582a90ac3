/**
 * Configuration messages (Mesh Protocol 1.1, 4.3.2; opcodes 4.3.4, Table 4.197): one table that gives each
 * message's opcode, name and fields (codec.ts encodes, decodes and checks the lengths from it).
 */
import { specTable } from "./codec.js";
import type { MessageSpec } from "./codec.js";

/** Configuration opcodes (4.3.4). */
export const ConfigOp = {
  AppKeyAdd: 0x00,
  AppKeyUpdate: 0x01,
  CompositionDataStatus: 0x02,
  ModelPublicationSet: 0x03,
  HeartbeatPublicationStatus: 0x06,
  AppKeyDelete: 0x8000,
  AppKeyGet: 0x8001,
  AppKeyList: 0x8002,
  AppKeyStatus: 0x8003,
  CompositionDataGet: 0x8008,
  BeaconGet: 0x8009,
  BeaconSet: 0x800a,
  BeaconStatus: 0x800b,
  DefaultTtlGet: 0x800c,
  DefaultTtlSet: 0x800d,
  DefaultTtlStatus: 0x800e,
  FriendGet: 0x800f,
  FriendSet: 0x8010,
  FriendStatus: 0x8011,
  GattProxyGet: 0x8012,
  GattProxySet: 0x8013,
  GattProxyStatus: 0x8014,
  KeyRefreshPhaseGet: 0x8015,
  KeyRefreshPhaseSet: 0x8016,
  KeyRefreshPhaseStatus: 0x8017,
  ModelPublicationGet: 0x8018,
  ModelPublicationStatus: 0x8019,
  ModelPublicationVirtualAddressSet: 0x801a,
  ModelSubscriptionAdd: 0x801b,
  ModelSubscriptionDelete: 0x801c,
  ModelSubscriptionDeleteAll: 0x801d,
  ModelSubscriptionOverwrite: 0x801e,
  ModelSubscriptionStatus: 0x801f,
  ModelSubscriptionVirtualAddressAdd: 0x8020,
  ModelSubscriptionVirtualAddressDelete: 0x8021,
  ModelSubscriptionVirtualAddressOverwrite: 0x8022,
  NetworkTransmitGet: 0x8023,
  NetworkTransmitSet: 0x8024,
  NetworkTransmitStatus: 0x8025,
  RelayGet: 0x8026,
  RelaySet: 0x8027,
  RelayStatus: 0x8028,
  SigModelSubscriptionGet: 0x8029,
  SigModelSubscriptionList: 0x802a,
  VendorModelSubscriptionGet: 0x802b,
  VendorModelSubscriptionList: 0x802c,
  LowPowerNodePollTimeoutGet: 0x802d,
  LowPowerNodePollTimeoutStatus: 0x802e,
  HeartbeatPublicationGet: 0x8038,
  HeartbeatPublicationSet: 0x8039,
  HeartbeatSubscriptionGet: 0x803a,
  HeartbeatSubscriptionSet: 0x803b,
  HeartbeatSubscriptionStatus: 0x803c,
  ModelAppBind: 0x803d,
  ModelAppStatus: 0x803e,
  ModelAppUnbind: 0x803f,
  NetKeyAdd: 0x8040,
  NetKeyDelete: 0x8041,
  NetKeyGet: 0x8042,
  NetKeyList: 0x8043,
  NetKeyStatus: 0x8044,
  NetKeyUpdate: 0x8045,
  NodeIdentityGet: 0x8046,
  NodeIdentitySet: 0x8047,
  NodeIdentityStatus: 0x8048,
  NodeReset: 0x8049,
  NodeResetStatus: 0x804a,
  SigModelAppGet: 0x804b,
  SigModelAppList: 0x804c,
  VendorModelAppGet: 0x804d,
  VendorModelAppList: 0x804e,
} as const;

const ELEMENT = ["elementAddress", "u16"] as const;
const STATUS = ["status", "u8"] as const;
const PUB_FIELDS = [
  ["appKeyIndex,credentialFlag", "pubIdx"],
  ["publishTtl", "u8"],
  ["publishPeriod", "u8"],
  ["publishRetransmit", "u8"],
  ["model", "model"],
] as const;

/** Every Configuration message (4.3.2.x), parameters in the spec's order. */
export const CONFIG_MESSAGES: readonly MessageSpec[] = [
  { opcode: ConfigOp.AppKeyAdd, name: "Config AppKey Add", fields: [["netKeyIndex,appKeyIndex", "idx2"], ["appKey", "key16"]] },
  { opcode: ConfigOp.AppKeyUpdate, name: "Config AppKey Update", fields: [["netKeyIndex,appKeyIndex", "idx2"], ["appKey", "key16"]] },
  { opcode: ConfigOp.AppKeyDelete, name: "Config AppKey Delete", fields: [["netKeyIndex,appKeyIndex", "idx2"]] },
  { opcode: ConfigOp.AppKeyStatus, name: "Config AppKey Status", fields: [STATUS, ["netKeyIndex,appKeyIndex", "idx2"]] },
  { opcode: ConfigOp.AppKeyGet, name: "Config AppKey Get", fields: [["netKeyIndex", "idx"]] },
  { opcode: ConfigOp.AppKeyList, name: "Config AppKey List", fields: [STATUS, ["netKeyIndex", "idx"], ["appKeyIndexes", "idxs"]] },
  { opcode: ConfigOp.CompositionDataGet, name: "Config Composition Data Get", fields: [["page", "u8"]] },
  { opcode: ConfigOp.CompositionDataStatus, name: "Config Composition Data Status", fields: [["page", "u8"], ["data", "rest"]] },
  { opcode: ConfigOp.BeaconGet, name: "Config Beacon Get", fields: [] },
  { opcode: ConfigOp.BeaconSet, name: "Config Beacon Set", fields: [["beacon", "u8"]] },
  { opcode: ConfigOp.BeaconStatus, name: "Config Beacon Status", fields: [["beacon", "u8"]] },
  { opcode: ConfigOp.DefaultTtlGet, name: "Config Default TTL Get", fields: [] },
  { opcode: ConfigOp.DefaultTtlSet, name: "Config Default TTL Set", fields: [["ttl", "u8"]] },
  { opcode: ConfigOp.DefaultTtlStatus, name: "Config Default TTL Status", fields: [["ttl", "u8"]] },
  { opcode: ConfigOp.FriendGet, name: "Config Friend Get", fields: [] },
  { opcode: ConfigOp.FriendSet, name: "Config Friend Set", fields: [["friend", "u8"]] },
  { opcode: ConfigOp.FriendStatus, name: "Config Friend Status", fields: [["friend", "u8"]] },
  { opcode: ConfigOp.GattProxyGet, name: "Config GATT Proxy Get", fields: [] },
  { opcode: ConfigOp.GattProxySet, name: "Config GATT Proxy Set", fields: [["gattProxy", "u8"]] },
  { opcode: ConfigOp.GattProxyStatus, name: "Config GATT Proxy Status", fields: [["gattProxy", "u8"]] },
  { opcode: ConfigOp.KeyRefreshPhaseGet, name: "Config Key Refresh Phase Get", fields: [["netKeyIndex", "idx"]] },
  { opcode: ConfigOp.KeyRefreshPhaseSet, name: "Config Key Refresh Phase Set", fields: [["netKeyIndex", "idx"], ["transition", "u8"]] },
  { opcode: ConfigOp.KeyRefreshPhaseStatus, name: "Config Key Refresh Phase Status", fields: [STATUS, ["netKeyIndex", "idx"], ["phase", "u8"]] },
  { opcode: ConfigOp.ModelPublicationGet, name: "Config Model Publication Get", fields: [ELEMENT, ["model", "model"]] },
  { opcode: ConfigOp.ModelPublicationSet, name: "Config Model Publication Set", fields: [ELEMENT, ["publishAddress", "u16"], ...PUB_FIELDS] },
  { opcode: ConfigOp.ModelPublicationVirtualAddressSet, name: "Config Model Publication Virtual Address Set", fields: [ELEMENT, ["label", "key16"], ...PUB_FIELDS] },
  { opcode: ConfigOp.ModelPublicationStatus, name: "Config Model Publication Status", fields: [STATUS, ELEMENT, ["publishAddress", "u16"], ...PUB_FIELDS] },
  { opcode: ConfigOp.ModelSubscriptionAdd, name: "Config Model Subscription Add", fields: [ELEMENT, ["address", "u16"], ["model", "model"]] },
  { opcode: ConfigOp.ModelSubscriptionDelete, name: "Config Model Subscription Delete", fields: [ELEMENT, ["address", "u16"], ["model", "model"]] },
  { opcode: ConfigOp.ModelSubscriptionOverwrite, name: "Config Model Subscription Overwrite", fields: [ELEMENT, ["address", "u16"], ["model", "model"]] },
  { opcode: ConfigOp.ModelSubscriptionDeleteAll, name: "Config Model Subscription Delete All", fields: [ELEMENT, ["model", "model"]] },
  { opcode: ConfigOp.ModelSubscriptionVirtualAddressAdd, name: "Config Model Subscription Virtual Address Add", fields: [ELEMENT, ["label", "key16"], ["model", "model"]] },
  { opcode: ConfigOp.ModelSubscriptionVirtualAddressDelete, name: "Config Model Subscription Virtual Address Delete", fields: [ELEMENT, ["label", "key16"], ["model", "model"]] },
  { opcode: ConfigOp.ModelSubscriptionVirtualAddressOverwrite, name: "Config Model Subscription Virtual Address Overwrite", fields: [ELEMENT, ["label", "key16"], ["model", "model"]] },
  { opcode: ConfigOp.ModelSubscriptionStatus, name: "Config Model Subscription Status", fields: [STATUS, ELEMENT, ["address", "u16"], ["model", "model"]] },
  { opcode: ConfigOp.SigModelSubscriptionGet, name: "Config SIG Model Subscription Get", fields: [ELEMENT, ["model", "sigModel"]] },
  { opcode: ConfigOp.SigModelSubscriptionList, name: "Config SIG Model Subscription List", fields: [STATUS, ELEMENT, ["model", "sigModel"], ["addresses", "u16s"]] },
  { opcode: ConfigOp.VendorModelSubscriptionGet, name: "Config Vendor Model Subscription Get", fields: [ELEMENT, ["model", "vendorModel"]] },
  { opcode: ConfigOp.VendorModelSubscriptionList, name: "Config Vendor Model Subscription List", fields: [STATUS, ELEMENT, ["model", "vendorModel"], ["addresses", "u16s"]] },
  { opcode: ConfigOp.NetworkTransmitGet, name: "Config Network Transmit Get", fields: [] },
  { opcode: ConfigOp.NetworkTransmitSet, name: "Config Network Transmit Set", fields: [["networkTransmit", "u8"]] },
  { opcode: ConfigOp.NetworkTransmitStatus, name: "Config Network Transmit Status", fields: [["networkTransmit", "u8"]] },
  { opcode: ConfigOp.RelayGet, name: "Config Relay Get", fields: [] },
  { opcode: ConfigOp.RelaySet, name: "Config Relay Set", fields: [["relay", "u8"], ["relayRetransmit", "u8"]] },
  { opcode: ConfigOp.RelayStatus, name: "Config Relay Status", fields: [["relay", "u8"], ["relayRetransmit", "u8"]] },
  { opcode: ConfigOp.LowPowerNodePollTimeoutGet, name: "Config Low Power Node PollTimeout Get", fields: [["lpnAddress", "u16"]] },
  { opcode: ConfigOp.LowPowerNodePollTimeoutStatus, name: "Config Low Power Node PollTimeout Status", fields: [["lpnAddress", "u16"], ["pollTimeout", "u24"]] },
  { opcode: ConfigOp.HeartbeatPublicationGet, name: "Config Heartbeat Publication Get", fields: [] },
  {
    opcode: ConfigOp.HeartbeatPublicationSet,
    name: "Config Heartbeat Publication Set",
    fields: [["destination", "u16"], ["countLog", "u8"], ["periodLog", "u8"], ["ttl", "u8"], ["features", "u16"], ["netKeyIndex", "idx"]],
  },
  {
    opcode: ConfigOp.HeartbeatPublicationStatus,
    name: "Config Heartbeat Publication Status",
    fields: [STATUS, ["destination", "u16"], ["countLog", "u8"], ["periodLog", "u8"], ["ttl", "u8"], ["features", "u16"], ["netKeyIndex", "idx"]],
  },
  { opcode: ConfigOp.HeartbeatSubscriptionGet, name: "Config Heartbeat Subscription Get", fields: [] },
  { opcode: ConfigOp.HeartbeatSubscriptionSet, name: "Config Heartbeat Subscription Set", fields: [["source", "u16"], ["destination", "u16"], ["periodLog", "u8"]] },
  {
    opcode: ConfigOp.HeartbeatSubscriptionStatus,
    name: "Config Heartbeat Subscription Status",
    fields: [STATUS, ["source", "u16"], ["destination", "u16"], ["periodLog", "u8"], ["countLog", "u8"], ["minHops", "u8"], ["maxHops", "u8"]],
  },
  { opcode: ConfigOp.ModelAppBind, name: "Config Model App Bind", fields: [ELEMENT, ["appKeyIndex", "idx"], ["model", "model"]] },
  { opcode: ConfigOp.ModelAppUnbind, name: "Config Model App Unbind", fields: [ELEMENT, ["appKeyIndex", "idx"], ["model", "model"]] },
  { opcode: ConfigOp.ModelAppStatus, name: "Config Model App Status", fields: [STATUS, ELEMENT, ["appKeyIndex", "idx"], ["model", "model"]] },
  { opcode: ConfigOp.NetKeyAdd, name: "Config NetKey Add", fields: [["netKeyIndex", "idx"], ["netKey", "key16"]] },
  { opcode: ConfigOp.NetKeyUpdate, name: "Config NetKey Update", fields: [["netKeyIndex", "idx"], ["netKey", "key16"]] },
  { opcode: ConfigOp.NetKeyDelete, name: "Config NetKey Delete", fields: [["netKeyIndex", "idx"]] },
  { opcode: ConfigOp.NetKeyStatus, name: "Config NetKey Status", fields: [STATUS, ["netKeyIndex", "idx"]] },
  { opcode: ConfigOp.NetKeyGet, name: "Config NetKey Get", fields: [] },
  { opcode: ConfigOp.NetKeyList, name: "Config NetKey List", fields: [["netKeyIndexes", "idxs"]] },
  { opcode: ConfigOp.NodeIdentityGet, name: "Config Node Identity Get", fields: [["netKeyIndex", "idx"]] },
  { opcode: ConfigOp.NodeIdentitySet, name: "Config Node Identity Set", fields: [["netKeyIndex", "idx"], ["identity", "u8"]] },
  { opcode: ConfigOp.NodeIdentityStatus, name: "Config Node Identity Status", fields: [STATUS, ["netKeyIndex", "idx"], ["identity", "u8"]] },
  { opcode: ConfigOp.NodeReset, name: "Config Node Reset", fields: [] },
  { opcode: ConfigOp.NodeResetStatus, name: "Config Node Reset Status", fields: [] },
  { opcode: ConfigOp.SigModelAppGet, name: "Config SIG Model App Get", fields: [ELEMENT, ["model", "sigModel"]] },
  { opcode: ConfigOp.SigModelAppList, name: "Config SIG Model App List", fields: [STATUS, ELEMENT, ["model", "sigModel"], ["appKeyIndexes", "idxs"]] },
  { opcode: ConfigOp.VendorModelAppGet, name: "Config Vendor Model App Get", fields: [ELEMENT, ["model", "vendorModel"]] },
  { opcode: ConfigOp.VendorModelAppList, name: "Config Vendor Model App List", fields: [STATUS, ELEMENT, ["model", "vendorModel"], ["appKeyIndexes", "idxs"]] },
];

export const CONFIG_TABLE = specTable(CONFIG_MESSAGES);

/** Network Transmit / Relay Retransmit state (4.2.19, 4.2.20): count (3 bits: transmissions - 1) and interval steps (5 bits, (steps + 1) * 10 ms). */
export function packTransmit(count: number, steps: number): number {
  return (count & 0x07) | ((steps & 0x1f) << 3);
}
export function unpackTransmit(v: number): { count: number; steps: number; intervalMs: number } {
  const steps = v >> 3;
  return { count: v & 0x07, steps, intervalMs: (steps + 1) * 10 };
}

/** Publish Period (4.2.3.4): 6-bit number of steps, 2-bit resolution (100 ms, 1 s, 10 s, 10 min). 0 steps: no periodic publishing. */
export function publishPeriodMs(v: number): number {
  const res = [100, 1000, 10_000, 600_000][v >> 6]!;
  return (v & 0x3f) * res;
}

/** Publish Retransmit (4.2.3.5): 3-bit count, 5-bit interval steps of 50 ms ((steps + 1) * 50 ms). */
export function publishRetransmit(v: number): { count: number; intervalMs: number } {
  return { count: v & 0x07, intervalMs: ((v >> 3) + 1) * 50 };
}
