/**
 * Configuration Server (Mesh Protocol 1.1, 4.4.1): on the primary element of every node, secured with the
 * device key only, no subscription list. It decodes each Configuration message (config-messages.ts), refuses
 * prohibited values by ignoring the message (4.3.2: "a message with a prohibited value shall be ignored"),
 * changes the node's state through NodeConfig (modules/access/model.ts, which checks element, model and key
 * indexes and stores every change power-loss safe) and answers with the status message and its 4.3.5 status
 * code. Not supported here, and reported so: GATT Proxy, Friend, Node Identity (Not Supported states), Key
 * Refresh (phase stays 0).
 */
import type { Bytes } from "../platform.js";
import type { Model, ModelAddress, ModelContext, NodeConfig, OpcodeEntry, Publication, ReceivedMessage } from "../access/model.js";
import { ConfigStatus, FeatureState, SigModel } from "../access/model.js";
import { isUnicast, isSubscribable, isVirtual, UNASSIGNED } from "../net/address.js";
import { CONFIG_TABLE, ConfigOp, packTransmit, unpackTransmit } from "./config-messages.js";
import type { Params } from "./codec.js";
import { encodeCompositionPage0 } from "./composition.js";
import { encode, entry, modelFields, modelIdOf } from "./kit.js";

const n = (p: Params, k: string): number => p[k] as number;

export interface ConfigServerOptions {
  /** The virtual address of a Label UUID (3.4.2.3; MeshCrypto.virtualAddress). */
  virtualAddress(label: Bytes): number;
}

const on = (op: number, fn: (p: Params, msg: ReceivedMessage, ctx: ModelContext) => void): OpcodeEntry => entry(CONFIG_TABLE.get(op)!, fn);
const reply = (ctx: ModelContext, msg: ReceivedMessage, op: number, params: Params = {}, done?: () => void): void =>
  ctx.reply(msg, op, encode(CONFIG_TABLE, op, params), done);
const model = (p: Params): ModelAddress => ({ elementAddress: n(p, "elementAddress"), modelId: modelIdOf(p) });

/**
 * The opcode table of every Configuration Server but the four Virtual Address messages (they need the server's
 * virtualAddress): made once when the module is imported, frozen (on the device it is preloaded in flash and costs no
 * RAM per node: host-tests/firmware/twin-node.ts), the handlers reaching the node only through their ModelContext.
 */
const SHARED_OPCODES: readonly OpcodeEntry[] = Object.freeze([
  // ---- 4.4.1.2.1 Composition Data: only page 0 exists, so every page request gets page 0 (4.3.2.4) ----
  on(ConfigOp.CompositionDataGet, (_p, msg, ctx) => {
    const c = ctx.config;
    const data = encodeCompositionPage0({
      ...c.composition,
      elements: c.elements.map((e) => ({
        location: e.location,
        sigModels: e.models.filter((m) => m.id.companyId === undefined).map((m) => m.id.modelId),
        vendorModels: e.models.filter((m) => m.id.companyId !== undefined).map((m) => ({ companyId: m.id.companyId!, modelId: m.id.modelId })),
      })),
    });
    reply(ctx, msg, ConfigOp.CompositionDataStatus, { page: 0, data });
  }),

  // ---- 4.2.10 Secure Network Beacon: 0x02-0xFF prohibited ----
  on(ConfigOp.BeaconGet, (_p, msg, ctx) => reply(ctx, msg, ConfigOp.BeaconStatus, { beacon: ctx.config.beacon })),
  on(ConfigOp.BeaconSet, (p, msg, ctx) => {
    if (n(p, "beacon") > 1) return;
    ctx.config.setBeacon(n(p, "beacon"));
    reply(ctx, msg, ConfigOp.BeaconStatus, { beacon: ctx.config.beacon });
  }),

  // ---- 4.2.7 Default TTL: 0x01 and 0x80-0xFF prohibited ----
  on(ConfigOp.DefaultTtlGet, (_p, msg, ctx) => reply(ctx, msg, ConfigOp.DefaultTtlStatus, { ttl: ctx.config.defaultTtl })),
  on(ConfigOp.DefaultTtlSet, (p, msg, ctx) => {
    const ttl = n(p, "ttl");
    if (ttl === 1 || ttl > 0x7f) return;
    ctx.config.setDefaultTtl(ttl);
    reply(ctx, msg, ConfigOp.DefaultTtlStatus, { ttl: ctx.config.defaultTtl });
  }),

  // ---- 4.2.9 GATT Proxy, 4.2.12 Friend: not supported (state 0x02); a Set of 0x00/0x01 changes nothing; 0x02-0xFF prohibited ----
  on(ConfigOp.GattProxyGet, (_p, msg, ctx) => reply(ctx, msg, ConfigOp.GattProxyStatus, { gattProxy: ctx.config.gattProxy })),
  on(ConfigOp.GattProxySet, (p, msg, ctx) => {
    if (n(p, "gattProxy") > 1) return;
    reply(ctx, msg, ConfigOp.GattProxyStatus, { gattProxy: ctx.config.gattProxy });
  }),
  on(ConfigOp.FriendGet, (_p, msg, ctx) => reply(ctx, msg, ConfigOp.FriendStatus, { friend: ctx.config.friend })),
  on(ConfigOp.FriendSet, (p, msg, ctx) => {
    if (n(p, "friend") > 1) return;
    reply(ctx, msg, ConfigOp.FriendStatus, { friend: ctx.config.friend });
  }),

  // ---- 4.2.8 Relay and 4.2.20 Relay Retransmit: Relay 0x02-0xFF prohibited in a Set; when Relay is not supported nothing changes ----
  on(ConfigOp.RelayGet, (_p, msg, ctx) => reply(ctx, msg, ConfigOp.RelayStatus, relayFields(ctx.config))),
  on(ConfigOp.RelaySet, (p, msg, ctx) => {
    if (n(p, "relay") > 1) return;
    const rt = n(p, "relayRetransmit");
    if (ctx.config.relay !== FeatureState.NOT_SUPPORTED) ctx.config.setRelay(n(p, "relay"), unpackTransmit(rt));
    reply(ctx, msg, ConfigOp.RelayStatus, relayFields(ctx.config));
  }),

  // ---- 4.2.19 Network Transmit ----
  on(ConfigOp.NetworkTransmitGet, (_p, msg, ctx) => reply(ctx, msg, ConfigOp.NetworkTransmitStatus, { networkTransmit: packTransmit(ctx.config.networkTransmit) })),
  on(ConfigOp.NetworkTransmitSet, (p, msg, ctx) => {
    const v = n(p, "networkTransmit");
    ctx.config.setNetworkTransmit(unpackTransmit(v));
    reply(ctx, msg, ConfigOp.NetworkTransmitStatus, { networkTransmit: packTransmit(ctx.config.networkTransmit) });
  }),

  // ---- 4.2.5 AppKey List (4.4.1.2.4 / 4.4.1.2.5: AppKey Add/Update/Delete/Get) ----
  on(ConfigOp.AppKeyAdd, (p, msg, ctx) => {
    const status = ctx.config.addAppKey(n(p, "netKeyIndex"), n(p, "appKeyIndex"), p.appKey as Bytes);
    reply(ctx, msg, ConfigOp.AppKeyStatus, { status, netKeyIndex: n(p, "netKeyIndex"), appKeyIndex: n(p, "appKeyIndex") });
  }),
  on(ConfigOp.AppKeyUpdate, (p, msg, ctx) => {
    const status = ctx.config.updateAppKey(n(p, "netKeyIndex"), n(p, "appKeyIndex"), p.appKey as Bytes);
    reply(ctx, msg, ConfigOp.AppKeyStatus, { status, netKeyIndex: n(p, "netKeyIndex"), appKeyIndex: n(p, "appKeyIndex") });
  }),
  on(ConfigOp.AppKeyDelete, (p, msg, ctx) => {
    const status = ctx.config.deleteAppKey(n(p, "netKeyIndex"), n(p, "appKeyIndex"));
    reply(ctx, msg, ConfigOp.AppKeyStatus, { status, netKeyIndex: n(p, "netKeyIndex"), appKeyIndex: n(p, "appKeyIndex") });
  }),
  on(ConfigOp.AppKeyGet, (p, msg, ctx) => {
    const r = ctx.config.appKeyIndexes(n(p, "netKeyIndex"));
    reply(ctx, msg, ConfigOp.AppKeyList, { status: r.status, netKeyIndex: n(p, "netKeyIndex"), appKeyIndexes: r.status === ConfigStatus.SUCCESS ? r.value : [] });
  }),

  // ---- 4.2.4 NetKey List (4.4.1.2.2 / 4.4.1.2.3) ----
  on(ConfigOp.NetKeyAdd, (p, msg, ctx) => {
    const status = ctx.config.addNetKey(n(p, "netKeyIndex"), p.netKey as Bytes);
    reply(ctx, msg, ConfigOp.NetKeyStatus, { status, netKeyIndex: n(p, "netKeyIndex") });
  }),
  on(ConfigOp.NetKeyUpdate, (p, msg, ctx) => {
    const status = ctx.config.updateNetKey(n(p, "netKeyIndex"), p.netKey as Bytes);
    reply(ctx, msg, ConfigOp.NetKeyStatus, { status, netKeyIndex: n(p, "netKeyIndex") });
  }),
  on(ConfigOp.NetKeyDelete, (p, msg, ctx) => {
    const status = ctx.config.deleteNetKey(n(p, "netKeyIndex"));
    reply(ctx, msg, ConfigOp.NetKeyStatus, { status, netKeyIndex: n(p, "netKeyIndex") });
  }),
  on(ConfigOp.NetKeyGet, (_p, msg, ctx) => reply(ctx, msg, ConfigOp.NetKeyList, { netKeyIndexes: ctx.config.netKeyIndexes() })),

  // ---- 4.2.14 Key Refresh Phase: Key Refresh is not supported, every known subnet stays in phase 0.
  // A Set with Transition 0x02/0x03 from phase 0 changes nothing (4.2.14, Table 4.23); other values are prohibited. ----
  on(ConfigOp.KeyRefreshPhaseGet, (p, msg, ctx) => reply(ctx, msg, ConfigOp.KeyRefreshPhaseStatus, krp(ctx.config, n(p, "netKeyIndex")))),
  on(ConfigOp.KeyRefreshPhaseSet, (p, msg, ctx) => {
    const t = n(p, "transition");
    if (t !== 2 && t !== 3) return;
    reply(ctx, msg, ConfigOp.KeyRefreshPhaseStatus, krp(ctx.config, n(p, "netKeyIndex")));
  }),

  // ---- 4.2.6 Model to AppKey List (4.4.1.2.6) ----
  on(ConfigOp.ModelAppBind, (p, msg, ctx) => {
    const m = model(p);
    const status = bindable(ctx.config, m) ?? ctx.config.bindAppKey(m, n(p, "appKeyIndex"));
    reply(ctx, msg, ConfigOp.ModelAppStatus, { status, elementAddress: m.elementAddress, appKeyIndex: n(p, "appKeyIndex"), ...modelFields(m.modelId) });
  }),
  on(ConfigOp.ModelAppUnbind, (p, msg, ctx) => {
    const m = model(p);
    const status = ctx.config.unbindAppKey(m, n(p, "appKeyIndex"));
    reply(ctx, msg, ConfigOp.ModelAppStatus, { status, elementAddress: m.elementAddress, appKeyIndex: n(p, "appKeyIndex"), ...modelFields(m.modelId) });
  }),
  on(ConfigOp.SigModelAppGet, (p, msg, ctx) => list(ctx, msg, ConfigOp.SigModelAppList, model(p), "appKeyIndexes")),
  on(ConfigOp.VendorModelAppGet, (p, msg, ctx) => list(ctx, msg, ConfigOp.VendorModelAppList, model(p), "appKeyIndexes")),

  // ---- 4.2.3 Model Publication (4.4.1.2.7) ----
  on(ConfigOp.ModelPublicationGet, (p, msg, ctx) => {
    const m = model(p);
    const r = ctx.config.getPublication(m);
    pubStatus(ctx, msg, r.status, m, r.status === ConfigStatus.SUCCESS ? r.value : undefined);
  }),
  on(ConfigOp.ModelPublicationSet, (p, msg, ctx) => {
    const address = n(p, "publishAddress");
    // 4.3.2.16: the Publish Address of this message is unassigned, unicast or group; a virtual one comes with its Label UUID
    if (isVirtual(address)) return;
    setPublication(ctx, msg, p, address, undefined);
  }),

  // ---- 4.2.2 Subscription List (4.4.1.2.8) ----
  ...[ConfigOp.ModelSubscriptionAdd, ConfigOp.ModelSubscriptionDelete, ConfigOp.ModelSubscriptionOverwrite].map((op) =>
    on(op, (p, msg, ctx) => subscription(ctx, msg, op, model(p), n(p, "address"), undefined)),
  ),
  on(ConfigOp.ModelSubscriptionDeleteAll, (p, msg, ctx) => {
    const m = model(p);
    const status = ctx.config.deleteAllSubscriptions(m);
    reply(ctx, msg, ConfigOp.ModelSubscriptionStatus, { status, elementAddress: m.elementAddress, address: UNASSIGNED, ...modelFields(m.modelId) });
  }),
  on(ConfigOp.SigModelSubscriptionGet, (p, msg, ctx) => list(ctx, msg, ConfigOp.SigModelSubscriptionList, model(p), "addresses")),
  on(ConfigOp.VendorModelSubscriptionGet, (p, msg, ctx) => list(ctx, msg, ConfigOp.VendorModelSubscriptionList, model(p), "addresses")),

  // ---- 4.2.12 Node Identity: not supported (Identity 0x02) for every known subnet; 0x02-0xFF prohibited in a Set ----
  on(ConfigOp.NodeIdentityGet, (p, msg, ctx) => reply(ctx, msg, ConfigOp.NodeIdentityStatus, identity(ctx.config, n(p, "netKeyIndex")))),
  on(ConfigOp.NodeIdentitySet, (p, msg, ctx) => {
    if (n(p, "identity") > 1) return;
    reply(ctx, msg, ConfigOp.NodeIdentityStatus, identity(ctx.config, n(p, "netKeyIndex")));
  }),

  // ---- 4.2.21 PollTimeout List: this node is not a Friend, so every LPN's PollTimeout is 0 (the LPN Address must be unicast) ----
  on(ConfigOp.LowPowerNodePollTimeoutGet, (p, msg, ctx) => {
    if (!isUnicast(n(p, "lpnAddress"))) return;
    reply(ctx, msg, ConfigOp.LowPowerNodePollTimeoutStatus, { lpnAddress: n(p, "lpnAddress"), pollTimeout: 0 });
  }),

  // ---- 4.2.17 Heartbeat Publication (4.4.1.2.11) ----
  on(ConfigOp.HeartbeatPublicationGet, (_p, msg, ctx) => reply(ctx, msg, ConfigOp.HeartbeatPublicationStatus, { status: ConfigStatus.SUCCESS, ...hbPubFields(ctx.config) })),
  on(ConfigOp.HeartbeatPublicationSet, (p, msg, ctx) => {
    const dst = n(p, "destination");
    const countLog = n(p, "countLog");
    // prohibited: a virtual destination, CountLog 0x12-0xFE, PeriodLog 0x12-0xFF, TTL 0x80-0xFF (4.3.2.62)
    if (isVirtual(dst) || (countLog > 0x11 && countLog !== 0xff) || n(p, "periodLog") > 0x11 || n(p, "ttl") > 0x7f) return;
    const requested = { dst, countLog, periodLog: n(p, "periodLog"), ttl: n(p, "ttl"), features: n(p, "features") & 0x000f, netKeyIndex: n(p, "netKeyIndex") };
    const status = ctx.config.setHeartbeatPublication(requested);
    reply(ctx, msg, ConfigOp.HeartbeatPublicationStatus, {
      status,
      ...(status === ConfigStatus.SUCCESS ? hbPubFields(ctx.config) : { destination: dst, countLog, periodLog: requested.periodLog, ttl: requested.ttl, features: requested.features, netKeyIndex: requested.netKeyIndex }),
    });
  }),

  // ---- 4.2.18 Heartbeat Subscription (4.4.1.2.12) ----
  on(ConfigOp.HeartbeatSubscriptionGet, (_p, msg, ctx) => reply(ctx, msg, ConfigOp.HeartbeatSubscriptionStatus, { status: ConfigStatus.SUCCESS, ...hbSubFields(ctx.config) })),
  on(ConfigOp.HeartbeatSubscriptionSet, (p, msg, ctx) => {
    const src = n(p, "source");
    const dst = n(p, "destination");
    // prohibited: a source that is not unassigned/unicast, a virtual destination, PeriodLog 0x12-0xFF (4.3.2.65)
    if (!(src === UNASSIGNED || isUnicast(src)) || isVirtual(dst) || n(p, "periodLog") > 0x11) return;
    // the destination is unassigned, this node's primary address, or a group; another unicast address is refused with Invalid Address
    const status = isUnicast(dst) && dst !== ctx.config.unicastAddress ? ConfigStatus.INVALID_ADDRESS : ctx.config.setHeartbeatSubscription(src, dst, n(p, "periodLog"));
    reply(ctx, msg, ConfigOp.HeartbeatSubscriptionStatus, { status, ...hbSubFields(ctx.config) });
  }),

  // ---- 4.4.1.2.10 Node Reset: answer first, then forget everything ----
  on(ConfigOp.NodeReset, (_p, msg, ctx) => {
    let done = false;
    const reset = (): void => {
      if (done) return;
      done = true;
      ctx.config.reset();
    };
    reply(ctx, msg, ConfigOp.NodeResetStatus, {}, reset);
  }),
].map((e) => Object.freeze(e)));

export class ConfigServer implements Model {
  readonly id = { modelId: SigModel.CONFIGURATION_SERVER };
  readonly keyPolicy = "device" as const;
  readonly subscribable = false;
  readonly opcodes: readonly OpcodeEntry[];

  constructor(options: ConfigServerOptions) {
    const va = options.virtualAddress;
    this.opcodes = [
      ...SHARED_OPCODES,
      on(ConfigOp.ModelPublicationVirtualAddressSet, (p, msg, ctx) => {
        const label = p.label as Bytes;
        setPublication(ctx, msg, p, va(label), label);
      }),
      ...[ConfigOp.ModelSubscriptionVirtualAddressAdd, ConfigOp.ModelSubscriptionVirtualAddressDelete, ConfigOp.ModelSubscriptionVirtualAddressOverwrite].map((op) =>
        on(op, (p, msg, ctx) => subscription(ctx, msg, op, model(p), va(p.label as Bytes), p.label as Bytes)),
      ),
    ];
  }
}

  /** SIG/Vendor Model App List and Subscription List: status, element, model, then the list (empty on an error). */
function list(ctx: ModelContext, msg: ReceivedMessage, op: number, m: ModelAddress, field: "appKeyIndexes" | "addresses"): void {
    const r = field === "appKeyIndexes" ? ctx.config.boundAppKeys(m) : ctx.config.subscriptions(m);
    const items = r.status === ConfigStatus.SUCCESS ? r.value : [];
    ctx.reply(msg, op, encode(CONFIG_TABLE, op, { status: r.status, elementAddress: m.elementAddress, ...modelFields(m.modelId), [field]: items }));
  }

function subscription(ctx: ModelContext, msg: ReceivedMessage, op: number, m: ModelAddress, address: number, label: Bytes | undefined): void {
    let status: number;
    // 4.3.2.19 ff.: the address is a group (not all-nodes, not RFU) or a virtual address; anything else is Invalid Address
    if (!isSubscribable(address)) status = ConfigStatus.INVALID_ADDRESS;
    else if (op === ConfigOp.ModelSubscriptionAdd || op === ConfigOp.ModelSubscriptionVirtualAddressAdd) status = ctx.config.addSubscription(m, address, label);
    else if (op === ConfigOp.ModelSubscriptionDelete || op === ConfigOp.ModelSubscriptionVirtualAddressDelete) status = ctx.config.deleteSubscription(m, address, label);
    else status = ctx.config.overwriteSubscription(m, address, label);
    ctx.reply(msg, ConfigOp.ModelSubscriptionStatus, encode(CONFIG_TABLE, ConfigOp.ModelSubscriptionStatus, { status, elementAddress: m.elementAddress, address, ...modelFields(m.modelId) }));
  }

function setPublication(ctx: ModelContext, msg: ReceivedMessage, p: Params, address: number, label: Bytes | undefined): void {
    const ttl = n(p, "publishTtl");
    // 4.3.2.16: Publish TTL 0x80-0xFE is prohibited
    if (ttl > 0x7f && ttl !== 0xff) return;
    const m: ModelAddress = { elementAddress: n(p, "elementAddress"), modelId: modelIdOf(p) };
    const rt = n(p, "publishRetransmit");
    const pub: Publication = {
      address,
      ...(label ? { label } : {}),
      appKeyIndex: n(p, "appKeyIndex"),
      credentialFlag: n(p, "credentialFlag") === 1,
      ttl,
      period: n(p, "publishPeriod"),
      retransmit: unpackTransmit(rt),
    };
    const status = ctx.config.setPublication(m, pub);
    const stored = status === ConfigStatus.SUCCESS ? ctx.config.getPublication(m) : undefined;
    pubStatus(ctx, msg, status, m, stored && stored.status === ConfigStatus.SUCCESS ? stored.value : pub);
  }

function pubStatus(ctx: ModelContext, msg: ReceivedMessage, status: number, m: ModelAddress, pub: Publication | undefined): void {
    ctx.reply(
      msg,
      ConfigOp.ModelPublicationStatus,
      encode(CONFIG_TABLE, ConfigOp.ModelPublicationStatus, {
        status,
        elementAddress: m.elementAddress,
        publishAddress: pub?.address ?? UNASSIGNED,
        appKeyIndex: pub?.appKeyIndex ?? 0,
        credentialFlag: pub?.credentialFlag ? 1 : 0,
        publishTtl: pub?.ttl ?? 0,
        publishPeriod: pub?.period ?? 0,
        publishRetransmit: pub ? packTransmit(pub.retransmit) : 0,
        ...modelFields(m.modelId),
      }),
    );
  }

function relayFields(c: NodeConfig): Params {
  return { relay: c.relay, relayRetransmit: packTransmit(c.relayRetransmit) };
}

function krp(c: NodeConfig, netKeyIndex: number): Params {
  const known = c.netKeyIndexes().includes(netKeyIndex);
  return { status: known ? ConfigStatus.SUCCESS : ConfigStatus.INVALID_NETKEY_INDEX, netKeyIndex, phase: 0 };
}

function identity(c: NodeConfig, netKeyIndex: number): Params {
  const known = c.netKeyIndexes().includes(netKeyIndex);
  return { status: known ? ConfigStatus.SUCCESS : ConfigStatus.INVALID_NETKEY_INDEX, netKeyIndex, identity: known ? FeatureState.NOT_SUPPORTED : 0 };
}

/**
 * 4.4.1.2.6: the Configuration Server and Client use the device key only; binding an AppKey to them is
 * Cannot Bind (after the element and model checks, which NodeConfig makes: its status wins when it fails).
 */
function bindable(c: NodeConfig, m: ModelAddress): number | undefined {
  const isConfig = m.modelId.companyId === undefined && (m.modelId.modelId === SigModel.CONFIGURATION_SERVER || m.modelId.modelId === SigModel.CONFIGURATION_CLIENT);
  if (!isConfig) return undefined;
  const probe = c.boundAppKeys(m);
  return probe.status !== ConfigStatus.SUCCESS ? probe.status : ConfigStatus.CANNOT_BIND;
}

function hbPubFields(c: NodeConfig): Params {
  const h = c.heartbeatPublication();
  return { destination: h.dst, countLog: h.countLog, periodLog: h.periodLog, ttl: h.ttl, features: h.features, netKeyIndex: h.netKeyIndex };
}

function hbSubFields(c: NodeConfig): Params {
  const h = c.heartbeatSubscription();
  return { source: h.src, destination: h.dst, periodLog: h.periodLog, countLog: h.countLog, minHops: h.minHops, maxHops: h.maxHops };
}

