/**
 * Configuration messages (Mesh Protocol 1.1, 4.3.2; opcodes 4.3.4, Table 4.197): one table that gives each
 * message's opcode, name and fields (codec.ts encodes, decodes and checks the lengths from it).
 */
import { specTable } from "./codec.js";
import type { TransmitState } from "../access/model.js";

/** Configuration opcodes (4.3.4). */
export const ConfigOp = Object.freeze({
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
} as const);

/**
 * Every Configuration message (4.3.2.x), parameters in the spec's order: one line each, "<opcode in hex> <name>=<fields>"
 * (codec.ts SpecTable; the opcodes are ConfigOp's). One string: on the device it stays in flash with the bytecode, the
 * table costs no object per message.
 */
export const CONFIG_TABLE = /* @__PURE__ */ specTable(`
0 Config AppKey Add=netKeyIndex,appKeyIndex:idx2 appKey:key16
1 Config AppKey Update=netKeyIndex,appKeyIndex:idx2 appKey:key16
8000 Config AppKey Delete=netKeyIndex,appKeyIndex:idx2
8003 Config AppKey Status=status:u8 netKeyIndex,appKeyIndex:idx2
8001 Config AppKey Get=netKeyIndex:idx
8002 Config AppKey List=status:u8 netKeyIndex:idx appKeyIndexes:idxs
8008 Config Composition Data Get=page:u8
2 Config Composition Data Status=page:u8 data:rest
8009 Config Beacon Get=
800a Config Beacon Set=beacon:u8
800b Config Beacon Status=beacon:u8
800c Config Default TTL Get=
800d Config Default TTL Set=ttl:u8
800e Config Default TTL Status=ttl:u8
800f Config Friend Get=
8010 Config Friend Set=friend:u8
8011 Config Friend Status=friend:u8
8012 Config GATT Proxy Get=
8013 Config GATT Proxy Set=gattProxy:u8
8014 Config GATT Proxy Status=gattProxy:u8
8015 Config Key Refresh Phase Get=netKeyIndex:idx
8016 Config Key Refresh Phase Set=netKeyIndex:idx transition:u8
8017 Config Key Refresh Phase Status=status:u8 netKeyIndex:idx phase:u8
8018 Config Model Publication Get=elementAddress:u16 model:model
3 Config Model Publication Set=elementAddress:u16 publishAddress:u16 appKeyIndex,credentialFlag:pubIdx publishTtl:u8 publishPeriod:u8 publishRetransmit:u8 model:model
801a Config Model Publication Virtual Address Set=elementAddress:u16 label:key16 appKeyIndex,credentialFlag:pubIdx publishTtl:u8 publishPeriod:u8 publishRetransmit:u8 model:model
8019 Config Model Publication Status=status:u8 elementAddress:u16 publishAddress:u16 appKeyIndex,credentialFlag:pubIdx publishTtl:u8 publishPeriod:u8 publishRetransmit:u8 model:model
801b Config Model Subscription Add=elementAddress:u16 address:u16 model:model
801c Config Model Subscription Delete=elementAddress:u16 address:u16 model:model
801e Config Model Subscription Overwrite=elementAddress:u16 address:u16 model:model
801d Config Model Subscription Delete All=elementAddress:u16 model:model
8020 Config Model Subscription Virtual Address Add=elementAddress:u16 label:key16 model:model
8021 Config Model Subscription Virtual Address Delete=elementAddress:u16 label:key16 model:model
8022 Config Model Subscription Virtual Address Overwrite=elementAddress:u16 label:key16 model:model
801f Config Model Subscription Status=status:u8 elementAddress:u16 address:u16 model:model
8029 Config SIG Model Subscription Get=elementAddress:u16 model:sigModel
802a Config SIG Model Subscription List=status:u8 elementAddress:u16 model:sigModel addresses:u16s
802b Config Vendor Model Subscription Get=elementAddress:u16 model:vendorModel
802c Config Vendor Model Subscription List=status:u8 elementAddress:u16 model:vendorModel addresses:u16s
8023 Config Network Transmit Get=
8024 Config Network Transmit Set=networkTransmit:u8
8025 Config Network Transmit Status=networkTransmit:u8
8026 Config Relay Get=
8027 Config Relay Set=relay:u8 relayRetransmit:u8
8028 Config Relay Status=relay:u8 relayRetransmit:u8
802d Config Low Power Node PollTimeout Get=lpnAddress:u16
802e Config Low Power Node PollTimeout Status=lpnAddress:u16 pollTimeout:u24
8038 Config Heartbeat Publication Get=
8039 Config Heartbeat Publication Set=destination:u16 countLog:u8 periodLog:u8 ttl:u8 features:u16 netKeyIndex:idx
6 Config Heartbeat Publication Status=status:u8 destination:u16 countLog:u8 periodLog:u8 ttl:u8 features:u16 netKeyIndex:idx
803a Config Heartbeat Subscription Get=
803b Config Heartbeat Subscription Set=source:u16 destination:u16 periodLog:u8
803c Config Heartbeat Subscription Status=status:u8 source:u16 destination:u16 periodLog:u8 countLog:u8 minHops:u8 maxHops:u8
803d Config Model App Bind=elementAddress:u16 appKeyIndex:idx model:model
803f Config Model App Unbind=elementAddress:u16 appKeyIndex:idx model:model
803e Config Model App Status=status:u8 elementAddress:u16 appKeyIndex:idx model:model
8040 Config NetKey Add=netKeyIndex:idx netKey:key16
8045 Config NetKey Update=netKeyIndex:idx netKey:key16
8041 Config NetKey Delete=netKeyIndex:idx
8044 Config NetKey Status=status:u8 netKeyIndex:idx
8042 Config NetKey Get=
8043 Config NetKey List=netKeyIndexes:idxs
8046 Config Node Identity Get=netKeyIndex:idx
8047 Config Node Identity Set=netKeyIndex:idx identity:u8
8048 Config Node Identity Status=status:u8 netKeyIndex:idx identity:u8
8049 Config Node Reset=
804a Config Node Reset Status=
804b Config SIG Model App Get=elementAddress:u16 model:sigModel
804c Config SIG Model App List=status:u8 elementAddress:u16 model:sigModel appKeyIndexes:idxs
804d Config Vendor Model App Get=elementAddress:u16 model:vendorModel
804e Config Vendor Model App List=status:u8 elementAddress:u16 model:vendorModel appKeyIndexes:idxs
`);

/**
 * Network Transmit (4.2.19) and Relay Retransmit (4.2.20) on the air: Count in bits 0-2 (transmissions - 1),
 * Interval Steps in bits 3-7 ((steps + 1) * 10 ms). Publish Retransmit (4.2.3.7/8) has the same layout.
 */
export function packTransmit(t: TransmitState): number {
  return (t.count & 0x07) | ((t.intervalSteps & 0x1f) << 3);
}
export function unpackTransmit(v: number): TransmitState {
  return { count: v & 0x07, intervalSteps: (v >> 3) & 0x1f };
}
