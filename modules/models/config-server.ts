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
import { SigModel, isConfigurationModel } from "../access/model.js";
import { isUnicast, isSubscribable, isVirtual, UNASSIGNED } from "../net/address.js";
import { CONFIG_TABLE, packTransmit, unpackTransmit } from "./config-messages.js";
import type { Params } from "./codec.js";
import { encodeCompositionPage0 } from "./composition.js";
import { encode, modelFields, modelIdOf, rows } from "./kit.js";

export interface ConfigServerOptions {
  /** The virtual address of a Label UUID (3.4.2.3; MeshCrypto.virtualAddress). */
  virtualAddress(label: Bytes): number;
}

/** Decoded parameters as the handler reads them (the decoder guarantees each field's type, codec.ts). */
type P = { [name: string]: any };

const reply = (ctx: ModelContext, msg: ReceivedMessage, op: number, params: Params = {}, done?: () => void): void =>
  ctx.reply(msg, op, encode(CONFIG_TABLE, op, params), done);

/**
 * Every Configuration message the server receives (the opcodes of TABLE), handled by this one function: a switch rather
 * than a function per opcode, since on the device every function made at import is preloaded in flash.
 */
function handle(params: Params, msg: ReceivedMessage, ctx: ModelContext, server: Model): void {
  const p = params as P;
  const c = ctx.config;
  const op = msg.opcode;
  switch (op) {
    // ---- 4.4.1.2.1 Composition Data: only page 0 exists, so every page request gets page 0 (4.3.2.4) ----
    case 0x8008: {
      const data = encodeCompositionPage0({
        ...c.composition,
        elements: c.elements.map((e) => ({
          location: e.location,
          sigModels: e.models.filter((m) => m.id.companyId === undefined).map((m) => m.id.modelId),
          vendorModels: e.models.filter((m) => m.id.companyId !== undefined).map((m) => ({ companyId: m.id.companyId!, modelId: m.id.modelId })),
        })),
      });
      return reply(ctx, msg, 0x02, { page: 0, data }); // Composition Data Status
    }

    // ---- 4.2.10 Secure Network Beacon: 0x02-0xFF prohibited ----
    case 0x800a: // Beacon Set
    case 0x8009: // Beacon Get
      if (op === 0x800a) {
        if (p.beacon > 1) return;
        c.setBeacon(p.beacon);
      }
      return reply(ctx, msg, 0x800b, { beacon: c.beacon });

    // ---- 4.2.7 Default TTL: 0x01 and 0x80-0xFF prohibited ----
    case 0x800d: // Default TTL Set
    case 0x800c: // Default TTL Get
      if (op === 0x800d) {
        if (p.ttl === 1 || p.ttl > 0x7f) return;
        c.setDefaultTtl(p.ttl);
      }
      return reply(ctx, msg, 0x800e, { ttl: c.defaultTtl });

    // ---- 4.2.9 GATT Proxy, 4.2.12 Friend: not supported (state 0x02); a Set of 0x00/0x01 changes nothing; 0x02-0xFF prohibited ----
    case 0x8013: // GATT Proxy Set
    case 0x8012: // GATT Proxy Get
      if (op === 0x8013 && p.gattProxy > 1) return;
      return reply(ctx, msg, 0x8014, { gattProxy: c.gattProxy });
    case 0x8010: // Friend Set
    case 0x800f: // Friend Get
      if (op === 0x8010 && p.friend > 1) return;
      return reply(ctx, msg, 0x8011, { friend: c.friend });

    // ---- 4.2.8 Relay and 4.2.20 Relay Retransmit: Relay 0x02-0xFF prohibited in a Set; when Relay is not supported nothing changes ----
    case 0x8027: // Relay Set
    case 0x8026: // Relay Get
      if (op === 0x8027) {
        if (p.relay > 1) return;
        if (c.relay !== 2 /* NOT_SUPPORTED */) c.setRelay(p.relay, unpackTransmit(p.relayRetransmit));
      }
      return reply(ctx, msg, 0x8028, { relay: c.relay, relayRetransmit: packTransmit(c.relayRetransmit) });

    // ---- 4.2.19 Network Transmit ----
    case 0x8024: // Network Transmit Set
    case 0x8023: // Network Transmit Get
      if (op === 0x8024) c.setNetworkTransmit(unpackTransmit(p.networkTransmit));
      return reply(ctx, msg, 0x8025, { networkTransmit: packTransmit(c.networkTransmit) });

    // ---- 4.2.5 AppKey List (4.4.1.2.4 / 4.4.1.2.5: AppKey Add/Update/Delete/Get) ----
    case 0x00: // AppKey Add
    case 0x01: // AppKey Update
    case 0x8000: { // AppKey Delete
      const status =
        op === 0x00 ? c.addAppKey(p.netKeyIndex, p.appKeyIndex, p.appKey) : op === 0x01 ? c.updateAppKey(p.netKeyIndex, p.appKeyIndex, p.appKey) : c.deleteAppKey(p.netKeyIndex, p.appKeyIndex);
      return reply(ctx, msg, 0x8003, { status, netKeyIndex: p.netKeyIndex, appKeyIndex: p.appKeyIndex }); // AppKey Status
    }
    case 0x8001: { // AppKey Get
      const r = c.appKeyIndexes(p.netKeyIndex);
      return reply(ctx, msg, 0x8002, { status: r.status, netKeyIndex: p.netKeyIndex, appKeyIndexes: r.status === 0x00 /* SUCCESS */ ? r.value : [] }); // AppKey List
    }

    // ---- 4.2.4 NetKey List (4.4.1.2.2 / 4.4.1.2.3) ----
    case 0x8040: // NetKey Add
    case 0x8045: // NetKey Update
    case 0x8041: { // NetKey Delete
      const status = op === 0x8040 ? c.addNetKey(p.netKeyIndex, p.netKey) : op === 0x8045 ? c.updateNetKey(p.netKeyIndex, p.netKey) : c.deleteNetKey(p.netKeyIndex);
      return reply(ctx, msg, 0x8044, { status, netKeyIndex: p.netKeyIndex }); // NetKey Status
    }
    case 0x8042: // NetKey Get
      return reply(ctx, msg, 0x8043, { netKeyIndexes: c.netKeyIndexes() }); // NetKey List

    // ---- 4.2.14 Key Refresh Phase: Key Refresh is not supported, every known subnet stays in phase 0.
    // A Set with Transition 0x02/0x03 from phase 0 changes nothing (4.2.14, Table 4.23); other values are prohibited. ----
    case 0x8016: // Key Refresh Phase Set
    case 0x8015: // Key Refresh Phase Get
      if (op === 0x8016 && p.transition !== 2 && p.transition !== 3) return;
      return reply(ctx, msg, 0x8017, { status: knownStatus(c, p.netKeyIndex), netKeyIndex: p.netKeyIndex, phase: 0 });

    // ---- 4.2.6 Model to AppKey List (4.4.1.2.6) ----
    case 0x803d: // Model App Bind
    case 0x803f: { // Model App Unbind
      const m = model(p);
      const status = op === 0x803d ? bindable(c, m) ?? c.bindAppKey(m, p.appKeyIndex) : c.unbindAppKey(m, p.appKeyIndex);
      return reply(ctx, msg, 0x803e, { status, elementAddress: m.elementAddress, appKeyIndex: p.appKeyIndex, ...modelFields(m.modelId) }); // Model App Status
    }

    // ---- 4.2.3 Model Publication (4.4.1.2.7) ----
    case 0x8018: { // Model Publication Get
      const m = model(p);
      const r = c.getPublication(m);
      return pubStatus(ctx, msg, r.status, m, r.status === 0x00 /* SUCCESS */ ? r.value : undefined);
    }
    case 0x03: // Model Publication Set
      // 4.3.2.16: the Publish Address of this message is unassigned, unicast or group; a virtual one comes with its Label UUID
      if (isVirtual(p.publishAddress)) return;
      return setPublication(ctx, msg, p, p.publishAddress, undefined);
    case 0x801a: // Model Publication Virtual Address Set
      return setPublication(ctx, msg, p, virtualAddressOf(server, p.label), p.label);

    // ---- 4.2.2 Subscription List (4.4.1.2.8) ----
    case 0x801b: // Model Subscription Add
    case 0x801c: // Model Subscription Delete
    case 0x801e: // Model Subscription Overwrite
      return subscription(ctx, msg, op, model(p), p.address, undefined);
    case 0x8020: // Model Subscription Virtual Address Add
    case 0x8021: // Model Subscription Virtual Address Delete
    case 0x8022: // Model Subscription Virtual Address Overwrite
      return subscription(ctx, msg, op, model(p), virtualAddressOf(server, p.label), p.label);
    case 0x801d: { // Model Subscription Delete All
      const m = model(p);
      const status = c.deleteAllSubscriptions(m);
      return reply(ctx, msg, 0x801f, { status, elementAddress: m.elementAddress, address: UNASSIGNED, ...modelFields(m.modelId) }); // Model Subscription Status
    }

    // ---- SIG/Vendor Model App Get (4.4.1.2.6), SIG/Vendor Model Subscription Get (4.4.1.2.8): status, element, model, then the list (empty on an error) ----
    case 0x804b: // SIG Model App Get -> SIG Model App List
    case 0x804d: // Vendor Model App Get -> Vendor Model App List
    case 0x8029: // SIG Model Subscription Get -> SIG Model Subscription List
    case 0x802b: { // Vendor Model Subscription Get -> Vendor Model Subscription List
      const m = model(p);
      const apps = op === 0x804b || op === 0x804d;
      const r = apps ? c.boundAppKeys(m) : c.subscriptions(m);
      const items = r.status === 0x00 /* SUCCESS */ ? r.value : [];
      return reply(ctx, msg, op + 1, { status: r.status, elementAddress: m.elementAddress, ...modelFields(m.modelId), [apps ? "appKeyIndexes" : "addresses"]: items });
    }

    // ---- 4.2.12 Node Identity: not supported (Identity 0x02) for every known subnet; 0x02-0xFF prohibited in a Set ----
    case 0x8047: // Node Identity Set
    case 0x8046: { // Node Identity Get
      if (op === 0x8047 && p.identity > 1) return;
      const status = knownStatus(c, p.netKeyIndex);
      return reply(ctx, msg, 0x8048, { status, netKeyIndex: p.netKeyIndex, identity: status === 0x00 /* SUCCESS */ ? 2 /* NOT_SUPPORTED */ : 0 });
    }

    // ---- 4.2.21 PollTimeout List: this node is not a Friend, so every LPN's PollTimeout is 0 (the LPN Address must be unicast) ----
    case 0x802d: // Low Power Node PollTimeout Get
      if (!isUnicast(p.lpnAddress)) return;
      return reply(ctx, msg, 0x802e, { lpnAddress: p.lpnAddress, pollTimeout: 0 });

    // ---- 4.2.17 Heartbeat Publication (4.4.1.2.11) ----
    case 0x8038: // Heartbeat Publication Get
      return reply(ctx, msg, 0x06, { status: 0x00 /* SUCCESS */, ...hbPubFields(c) });
    case 0x8039: { // Heartbeat Publication Set
      const dst = p.destination;
      const countLog = p.countLog;
      // prohibited: a virtual destination, CountLog 0x12-0xFE, PeriodLog 0x12-0xFF, TTL 0x80-0xFF (4.3.2.62)
      if (isVirtual(dst) || (countLog > 0x11 && countLog !== 0xff) || p.periodLog > 0x11 || p.ttl > 0x7f) return;
      const requested = { dst, countLog, periodLog: p.periodLog, ttl: p.ttl, features: p.features & 0x000f, netKeyIndex: p.netKeyIndex };
      const status = c.setHeartbeatPublication(requested);
      return reply(ctx, msg, 0x06, {
        status,
        ...(status === 0x00 /* SUCCESS */ ? hbPubFields(c) : { destination: dst, countLog, periodLog: requested.periodLog, ttl: requested.ttl, features: requested.features, netKeyIndex: requested.netKeyIndex }),
      });
    }

    // ---- 4.2.18 Heartbeat Subscription (4.4.1.2.12) ----
    case 0x803b: { // Heartbeat Subscription Set
      const src = p.source;
      const dst = p.destination;
      // prohibited: a source that is not unassigned/unicast, a virtual destination, PeriodLog 0x12-0xFF (4.3.2.65)
      if (!(src === UNASSIGNED || isUnicast(src)) || isVirtual(dst) || p.periodLog > 0x11) return;
      // the destination is unassigned, this node's primary address, or a group; another unicast address is refused with Invalid Address
      const status = isUnicast(dst) && dst !== c.unicastAddress ? 0x01 /* INVALID_ADDRESS */ : c.setHeartbeatSubscription(src, dst, p.periodLog);
      return reply(ctx, msg, 0x803c, { status, ...hbSubFields(c) });
    }
    case 0x803a: // Heartbeat Subscription Get
      return reply(ctx, msg, 0x803c, { status: 0x00 /* SUCCESS */, ...hbSubFields(c) });

    // ---- 4.4.1.2.10 Node Reset: answer first, then forget everything ----
    case 0x8049: {
      let done = false;
      return reply(ctx, msg, 0x804a, {}, () => {
        if (done) return;
        done = true;
        c.reset();
      });
    }
  }
}

/**
 * The opcode table of every Configuration Server: made once when the module is imported, frozen (on the device it is
 * preloaded in flash and costs no RAM per node: host-tests/firmware/twin-node.ts), the handler reaching the node only
 * through its ModelContext and the server (its virtualAddress) through the model it is given.
 */
const TABLE = /* @__PURE__ */ rows(
  CONFIG_TABLE,
  // every Configuration message the server receives, by opcode (4.3.4): a temporary of the import, not kept
  [
    0x8008, // Composition Data Get
    0x8009, 0x800a, // Beacon Get, Set
    0x800c, 0x800d, // Default TTL Get, Set
    0x8012, 0x8013, // GATT Proxy Get, Set
    0x800f, 0x8010, // Friend Get, Set
    0x8026, 0x8027, // Relay Get, Set
    0x8023, 0x8024, // Network Transmit Get, Set
    0x00, 0x01, 0x8000, 0x8001, // AppKey Add, Update, Delete, Get
    0x8040, 0x8045, 0x8041, 0x8042, // NetKey Add, Update, Delete, Get
    0x8015, 0x8016, // Key Refresh Phase Get, Set
    0x803d, 0x803f, 0x804b, 0x804d, // Model App Bind, Unbind, SIG Model App Get, Vendor Model App Get
    0x8018, 0x03, // Model Publication Get, Set
    0x801b, 0x801c, 0x801e, 0x801d, // Model Subscription Add, Delete, Overwrite, Delete All
    0x8029, 0x802b, // SIG, Vendor Model Subscription Get
    0x8046, 0x8047, // Node Identity Get, Set
    0x802d, // Low Power Node PollTimeout Get
    0x8038, 0x8039, // Heartbeat Publication Get, Set
    0x803a, 0x803b, // Heartbeat Subscription Get, Set
    0x8049, // Node Reset
    0x801a, // Model Publication Virtual Address Set
    0x8020, 0x8021, 0x8022, // Model Subscription Virtual Address Add, Delete, Overwrite
  ],
  handle,
);

export class ConfigServer implements Model {
  readonly id = { modelId: SigModel.CONFIGURATION_SERVER };
  readonly keyPolicy = "device" as const;
  readonly subscribable = false;
  readonly opcodes: readonly OpcodeEntry[] = TABLE;
  /** @internal the options' virtualAddress, for the shared handler */
  readonly va: (label: Bytes) => number;

  constructor(options: ConfigServerOptions) {
    this.va = options.virtualAddress;
  }
}

function virtualAddressOf(server: Model, label: Bytes): number {
  const va = (server as ConfigServer).va;
  return va(label);
}

const model = (p: P): ModelAddress => ({ elementAddress: p.elementAddress, modelId: modelIdOf(p) });

function subscription(ctx: ModelContext, msg: ReceivedMessage, op: number, m: ModelAddress, address: number, label: Bytes | undefined): void {
    let status: number;
    // 4.3.2.19 ff.: the address is a group (not all-nodes, not RFU) or a virtual address; anything else is Invalid Address
    if (!isSubscribable(address)) status = 0x01 /* INVALID_ADDRESS */;
    else if (op === 0x801b || op === 0x8020) status = ctx.config.addSubscription(m, address, label); // (Virtual Address) Add
    else if (op === 0x801c || op === 0x8021) status = ctx.config.deleteSubscription(m, address, label); // (Virtual Address) Delete
    else status = ctx.config.overwriteSubscription(m, address, label);
    reply(ctx, msg, 0x801f, { status, elementAddress: m.elementAddress, address, ...modelFields(m.modelId) }); // Model Subscription Status
  }

function setPublication(ctx: ModelContext, msg: ReceivedMessage, p: P, address: number, label: Bytes | undefined): void {
    const ttl = p.publishTtl;
    // 4.3.2.16: Publish TTL 0x80-0xFE is prohibited
    if (ttl > 0x7f && ttl !== 0xff) return;
    const m = model(p);
    const pub: Publication = {
      address,
      ...(label ? { label } : {}),
      appKeyIndex: p.appKeyIndex,
      credentialFlag: p.credentialFlag === 1,
      ttl,
      period: p.publishPeriod,
      retransmit: unpackTransmit(p.publishRetransmit),
    };
    const status = ctx.config.setPublication(m, pub);
    const stored = status === 0x00 /* SUCCESS */ ? ctx.config.getPublication(m) : undefined;
    pubStatus(ctx, msg, status, m, stored && stored.status === 0x00 /* SUCCESS */ ? stored.value : pub);
  }

function pubStatus(ctx: ModelContext, msg: ReceivedMessage, status: number, m: ModelAddress, pub: Publication | undefined): void {
    reply(ctx, msg, 0x8019, { // Model Publication Status
        status,
        elementAddress: m.elementAddress,
        publishAddress: pub?.address ?? UNASSIGNED,
        appKeyIndex: pub?.appKeyIndex ?? 0,
        credentialFlag: pub?.credentialFlag ? 1 : 0,
        publishTtl: pub?.ttl ?? 0,
        publishPeriod: pub?.period ?? 0,
        publishRetransmit: pub ? packTransmit(pub.retransmit) : 0,
        ...modelFields(m.modelId),
      });
  }

/** Success for a known NetKey Index, else Invalid NetKey Index (Key Refresh Phase, Node Identity: 4.3.5). */
function knownStatus(c: NodeConfig, netKeyIndex: number): number {
  return c.netKeyIndexes().includes(netKeyIndex) ? 0x00 /* SUCCESS */ : 0x04 /* INVALID_NETKEY_INDEX */;
}

/**
 * 4.4.1.2.6: the Configuration Server and Client use the device key only; binding an AppKey to them is
 * Cannot Bind (after the element and model checks, which NodeConfig makes: its status wins when it fails).
 */
function bindable(c: NodeConfig, m: ModelAddress): number | undefined {
  if (!isConfigurationModel(m.modelId)) return undefined;
  const probe = c.boundAppKeys(m);
  return probe.status !== 0x00 /* SUCCESS */ ? probe.status : 0x0d /* CANNOT_BIND */;
}

function hbPubFields(c: NodeConfig): Params {
  const h = c.heartbeatPublication();
  return { destination: h.dst, countLog: h.countLog, periodLog: h.periodLog, ttl: h.ttl, features: h.features, netKeyIndex: h.netKeyIndex };
}

function hbSubFields(c: NodeConfig): Params {
  const h = c.heartbeatSubscription();
  return { source: h.src, destination: h.dst, periodLog: h.periodLog, countLog: h.countLog, minHops: h.minHops, maxHops: h.maxHops };
}

