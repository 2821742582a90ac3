/**
 * The provisioner on the mesh: its own node (the database's node of this provisioner: its unicast address and
 * device key, the network's NetKey and IV Index) with a Configuration Client and a Generic OnOff Client, joined
 * to a hub's air. `meshprov config`, `meshprov onoff` and the configuration after `meshprov provision` use it.
 *
 * The node's records (its SEQ block, replay protection list, keys and bindings: modules/node/records.ts) are kept
 * in FILE.node beside the database FILE (mode 0600, written atomically like the database, and only while the
 * database's lock is held), so a sequence number is never used twice across runs (Mesh Protocol 1.1, 3.4.4.3:
 * SEQ never repeats under one IV Index; modules/net/state.ts reserves SEQ in blocks, so a run costs at most one
 * block's unused rest).
 */
import type { AirClient } from "../air/client.js";
import { createNode } from "../../modules/node/node.js";
import { SigModel } from "../../modules/access/model.js";
import { ConfigClient, ConfigStatusError } from "../../modules/models/config-client.js";
import type { Target } from "../../modules/models/config-client.js";
import { OnOffClient } from "../../modules/models/onoff.js";
import type { RequestOptions } from "../../modules/models/kit.js";
import { RequestTimeout } from "../../modules/models/kit.js";
import type { Params } from "../../modules/models/codec.js";
import type { CompositionPage0 } from "../../modules/models/composition.js";
import { COMPANY_ID, FeatureBit, VERSION_ID } from "../../modules/models/composition.js";
import { ConfigOp } from "../../modules/models/config-messages.js";
import { addressHex, bytesOf, parseAddress, removeNode } from "../cdb/cdb.js";
import type { Cdb, CdbModel, CdbNode } from "../cdb/cdb.js";
import { writeCdb } from "../cdb/store.js";
import { NodeCryptoPrimitives } from "../node-crypto.js";
import { OperationError } from "./args.js";
import { after, stderrLogger } from "./common.js";
import { FileKeyStorage } from "./file-storage.js";

/** Where the provisioner's own node keeps its records (SEQ, replay list, keys): beside the database. */
export const nodeStatePath = (dbPath: string): string => dbPath + ".node";

/** The database's node of this provisioner (provisioners[0]): its address and device key on the mesh. */
export function selfNode(db: Cdb): CdbNode {
  const uuid = db.provisioners[0]?.UUID.toUpperCase();
  const n = db.nodes.find((x) => x.UUID.toUpperCase() === uuid);
  if (!n) throw new OperationError(`the database has no node for its provisioner ${uuid ?? "(none)"}: it has no address of its own to configure nodes from`);
  return n;
}

export const isSelf = (db: Cdb, n: CdbNode): boolean => db.provisioners.some((p) => p.UUID.toUpperCase() === n.UUID.toUpperCase());

/**
 * The provisioner's Configuration Client and Generic OnOff Client on the mesh, wherever they run: on its own
 * node on a hub's air (openMesh), or on the host with a modem's mesh node sending for them (host/cli/mesh-link.ts).
 * The verbs are written once against this.
 */
export interface MeshSession {
  readonly config: ConfigClient;
  readonly onoff: OnOffClient;
  readonly request: RequestOptions;
  /** The node's key for `n` (Configuration messages go with the target's device key, 4.4.1). */
  target(n: CdbNode): Target;
  /** Resolves once the last message sent has left the radio (before the process leaves the mesh). */
  drain(): Promise<void>;
  close(): void;
}

/**
 * Start the provisioner's node on `client`'s air. `appKeyIndex`: the AppKey its Generic OnOff Client sends with
 * (added to the node and bound to the client, from the database). `firstTid`: the OnOff client's first TID.
 */
export function openMesh(db: Cdb, dbPath: string, client: AirClient, o: { request: RequestOptions; appKeyIndex?: number; firstTid?: number }): MeshSession {
  const self = selfNode(db);
  const netKey = db.netKeys.find((k) => self.netKeys.some((x) => x.index === k.index)) ?? db.netKeys[0];
  if (!netKey) throw new OperationError("the database has no NetKey");
  const crypto = new NodeCryptoPrimitives();
  const config = new ConfigClient(o.request);
  const onoff = new OnOffClient(o.firstTid ?? crypto.randomBytes(1)[0]!);
  const address = parseAddress(self.unicastAddress);
  const node = createNode(
    { crypto, clock: client.clock, radio: client.radio, storage: new FileKeyStorage(nodeStatePath(dbPath), `the provisioner's node state ${nodeStatePath(dbPath)}`), logger: stderrLogger },
    {
      record: {
        data: { networkKey: bytesOf(netKey.key), keyIndex: netKey.index, flags: { keyRefresh: false, ivUpdate: false }, ivIndex: db.ivIndex ?? 0, unicastAddress: address },
        deviceKey: bytesOf(self.deviceKey),
        numberOfElements: 1,
      },
      elements: [{ location: 0, models: [config, onoff] }],
      composition: { cid: COMPANY_ID, pid: 0, vid: VERSION_ID },
      relaySupported: false,
    },
  );
  if (o.appKeyIndex !== undefined) {
    const app = appKeyOf(db, o.appKeyIndex);
    // the provisioner's own Configuration state, as a Configuration Server would set it (both are idempotent)
    node.state.addAppKey(app.boundNetKey, app.index, bytesOf(app.key));
    node.state.bindAppKey({ elementAddress: address, modelId: { modelId: SigModel.GENERIC_ONOFF_CLIENT } }, app.index);
  }
  node.start();
  return {
    config,
    onoff,
    request: o.request,
    target: (n) => ({ address: parseAddress(n.unicastAddress), deviceKey: bytesOf(n.deviceKey) }),
    // "sent" means handed to the network layer, which transmits it Network Transmit Count + 1 times,
    // (steps + 1) x 10 ms apart (4.2.19), each plus the advertiser's random delay (up to 10 ms)
    drain: () => {
      const t = node.state.config.networkTransmit;
      return after(client, (t.count + 1) * ((t.intervalSteps + 1) * 10 + 10) + 50);
    },
    close: () => node.stop(),
  };
}

export function appKeyOf(db: Cdb, index: number): Cdb["appKeys"][number] {
  const k = db.appKeys.find((x) => x.index === index);
  if (!k) throw new OperationError(`the database has no AppKey ${index} (it has ${db.appKeys.map((x) => x.index).join(", ") || "none"})`);
  return k;
}

// ---- models ----

/** A model as the database writes it: 4 hex digits (SIG) or 8 (vendor: company, then model). */
export type ModelRef = { modelId: number; companyId?: number };
export const modelHex = (m: ModelRef): string => (m.companyId === undefined ? addressHex(m.modelId) : addressHex(m.companyId) + addressHex(m.modelId));

/**
 * Whether a model is used with an AppKey, so that the AppKey is bound to it after provisioning:
 * - the Configuration Server and Client (Mesh Protocol 1.1, 4.4.1, 4.4.2) use the device key only: binding
 *   an AppKey to them is refused (Cannot Bind);
 * - the other Mesh Protocol 1.1 foundation configuration models, SIG IDs 0x0004-0x0015 (Remote Provisioning,
 *   Directed Forwarding, Bridge, Private Beacon, On-Demand Private Proxy, SAR, Opcodes Aggregator, Large
 *   Composition Data, Solicitation PDU RPL Configuration), are configuration models too: not bound;
 * - the Health Server and Client (4.4.3, 4.4.4) send and receive with an AppKey (Health Current Status is
 *   application-key encrypted), so they are bound;
 * - every other SIG model (the Mesh Model specification's: Generic OnOff Server 0x1000 and Client 0x1001, ...)
 *   and every vendor model: bound.
 */
export function takesAppKey(m: ModelRef): boolean {
  if (m.companyId !== undefined) return true;
  if (m.modelId === SigModel.HEALTH_SERVER || m.modelId === SigModel.HEALTH_CLIENT) return true;
  return m.modelId > 0x0015;
}

function modelRefOf(hex: string): ModelRef {
  return hex.length === 8 ? { companyId: parseInt(hex.slice(0, 4), 16), modelId: parseInt(hex.slice(4), 16) } : { modelId: parseInt(hex, 16) };
}

/**
 * Configuration complete (the profile's configComplete): the Composition Data is known, the node has an AppKey,
 * and every model of it that takes an AppKey has one bound. One rule for `config` and for `provision`.
 */
export function isConfigured(n: CdbNode): boolean {
  if (n.cid === undefined || n.appKeys.length === 0) return false;
  return n.elements.every((e) => e.models.every((m) => !takesAppKey(modelRefOf(m.modelId)) || m.bind.length > 0));
}

/** The model `ref` on element `index` of `n` (created when the Composition Data was not fetched yet). */
export function modelOf(n: CdbNode, index: number, ref: ModelRef): CdbModel {
  const e = n.elements[index];
  if (!e) throw new OperationError(`node 0x${n.unicastAddress} has no element ${index} (it has ${n.elements.length})`);
  const id = modelHex(ref);
  let m = e.models.find((x) => x.modelId.toUpperCase() === id);
  if (!m) e.models.push((m = { modelId: id, subscribe: [], bind: [] }));
  return m;
}

/** Store Composition Data page 0 (4.2.2.1) in the node: identifiers, features, elements and their models. */
export function storeComposition(n: CdbNode, c: CompositionPage0): void {
  if (c.elements.length !== n.elements.length) {
    throw new OperationError(`node 0x${n.unicastAddress}: its Composition Data lists ${c.elements.length} element(s), but it was provisioned with ${n.elements.length}`);
  }
  n.cid = addressHex(c.cid);
  n.pid = addressHex(c.pid);
  n.vid = addressHex(c.vid);
  n.crpl = addressHex(c.crpl);
  // Features (4.2.1.1): a feature the node lacks is 2 (not supported) in the database; a supported one's state
  // is known only once set (relay on|off), so it is left as it was.
  const features: Record<string, number> = { ...(n.features ?? {}) };
  for (const [name, bit] of [["relay", FeatureBit.Relay], ["proxy", FeatureBit.GattProxy], ["friend", FeatureBit.Friend], ["lowPower", FeatureBit.LowPower]] as const) {
    if (!(c.features & bit)) features[name] = 2;
    else if (features[name] === 2) delete features[name];
  }
  n.features = features;
  c.elements.forEach((ce, i) => {
    const e = n.elements[i]!;
    e.location = addressHex(ce.location);
    const refs: ModelRef[] = [...ce.sigModels.map((modelId) => ({ modelId })), ...ce.vendorModels.map((v) => ({ companyId: v.companyId, modelId: v.modelId }))];
    const before = new Map(e.models.map((m) => [m.modelId.toUpperCase(), m]));
    e.models = refs.map((r) => before.get(modelHex(r)) ?? { modelId: modelHex(r), subscribe: [], bind: [] });
  });
}

// ---- one configuration step, and the database after it ----

/** One Configuration request, what its answer must say, and what it changes in the database. */
export interface ConfigStep {
  /** For messages: "Config Model App Bind (element 0x0002, model 1000, AppKey 0)". */
  what: string;
  send(s: MeshSession, t: Target): Promise<Params>;
  /** A problem in an answer that carries no status code (Relay Status says Not Supported, ...), or null. */
  check?(p: Params): string | null;
  /** The change to the database (called only after the answer said Success). */
  apply(db: Cdb, n: CdbNode, p: Params): void;
}

/**
 * Send `step` to node `n`; only when its status says Success, change the database and write it (atomically:
 * host/cdb/store.ts). A status other than Success is one line with the spec's status name (4.3.5); no answer
 * after the retries is one line; in both cases the database is unchanged. Returns the answer.
 */
export async function runStep(s: MeshSession, db: Cdb, dbPath: string, n: CdbNode, step: ConfigStep): Promise<Params> {
  const label = `node 0x${n.unicastAddress}`;
  let p: Params;
  try {
    p = await step.send(s, s.target(n));
  } catch (e) {
    if (e instanceof ConfigStatusError) throw new OperationError(`${label}: ${step.what}: ${statusLine(e)} (the database is unchanged)`);
    if (e instanceof RequestTimeout) throw new OperationError(`${label}: ${step.what}: no answer after ${e.attempts} attempt(s) (is the device on, on this hub, and provisioned?); the database is unchanged`);
    throw e;
  }
  const bad = step.check?.(p);
  if (bad) throw new OperationError(`${label}: ${step.what}: ${bad} (the database is unchanged)`);
  step.apply(db, n, p);
  if (db.nodes.includes(n)) n.configComplete = isConfigured(n);
  writeCdb(dbPath, db);
  return p;
}

function statusLine(e: ConfigStatusError): string {
  return e.message.slice(e.what.length + 2);
}

/** Composition Data Get, page 0 (4.3.2.4): stored with storeComposition. */
export function compositionStep(): ConfigStep {
  let page: CompositionPage0 | undefined;
  return {
    what: "Config Composition Data Get (page 0)",
    send: async (s, t) => {
      page = await s.config.compositionData(t, s.request);
      return {};
    },
    apply: (_db, n) => storeComposition(n, page!),
  };
}

export function appKeyAddStep(db: Cdb, index: number): ConfigStep {
  const k = appKeyOf(db, index);
  return {
    what: `Config AppKey Add (AppKey ${index})`,
    send: (s, t) => s.config.appKeyAdd(t, k.boundNetKey, k.index, bytesOf(k.key), s.request),
    apply: (_db, n) => {
      if (!n.appKeys.some((x) => x.index === index)) n.appKeys.push({ index, updated: false });
    },
  };
}

export function bindStep(element: number, model: ModelRef, appKeyIndex: number): ConfigStep {
  return {
    what: `Config Model App Bind (element ${element}, model ${modelHex(model)}, AppKey ${appKeyIndex})`,
    send: (s, t) => s.config.modelAppBind(t, t.address + element, appKeyIndex, model, s.request),
    apply: (_db, n) => {
      const m = modelOf(n, element, model);
      if (!m.bind.includes(appKeyIndex)) m.bind.push(appKeyIndex);
    },
  };
}

/** The Publish Period field (4.3.2.16 / the Publish Period state, 4.2.3.4): 6 bits of steps, 2 bits of step resolution. */
export const PERIOD_RESOLUTIONS_MS = [100, 1000, 10_000, 600_000] as const;

export interface Publication {
  address: number;
  appKeyIndex: number;
  ttl: number;
  /** Publish Period: steps 0..63 of resolution PERIOD_RESOLUTIONS_MS[resolution]. */
  steps: number;
  resolution: number;
  /** Publish Retransmit Count and Interval Steps (4.2.3.6, 4.2.3.7): count 0..7, interval 50..1600 ms in steps of 50. */
  retransmitCount: number;
  retransmitIntervalMs: number;
}

export function publicationStep(element: number, model: ModelRef, pub: Publication): ConfigStep {
  return {
    what: `Config Model Publication Set (element ${element}, model ${modelHex(model)}, to 0x${addressHex(pub.address)})`,
    send: (s, t) =>
      s.config.modelPublicationSet(
        t,
        t.address + element,
        model,
        { address: pub.address, appKeyIndex: pub.appKeyIndex, ttl: pub.ttl, period: pub.steps | (pub.resolution << 6), retransmit: pub.retransmitCount | ((pub.retransmitIntervalMs / 50 - 1) << 3) },
        s.request,
      ),
    apply: (db, n) => {
      const m = modelOf(n, element, model);
      if (pub.address === 0) delete m.publish; // the unassigned address: publication removed (4.2.2.2)
      else {
        m.publish = {
          address: addressHex(pub.address),
          index: pub.appKeyIndex,
          ttl: pub.ttl,
          period: { numberOfSteps: pub.steps, resolution: PERIOD_RESOLUTIONS_MS[pub.resolution]! },
          credentials: 0,
          retransmit: { count: pub.retransmitCount, interval: pub.retransmitIntervalMs },
        };
        noteGroup(db, pub.address);
      }
    },
  };
}

export function subscriptionStep(element: number, model: ModelRef, address: number): ConfigStep {
  return {
    what: `Config Model Subscription Add (element ${element}, model ${modelHex(model)}, 0x${addressHex(address)})`,
    send: (s, t) => s.config.modelSubscriptionAdd(t, t.address + element, address, model, s.request),
    apply: (db, n) => {
      const m = modelOf(n, element, model);
      if (!m.subscribe.includes(addressHex(address))) m.subscribe.push(addressHex(address));
      noteGroup(db, address);
    },
  };
}

/** A group address used by a node that the database does not list yet goes into its groups. */
function noteGroup(db: Cdb, address: number): void {
  if (address < 0xc000 || address > 0xfeff) return;
  const a = addressHex(address);
  if (!db.groups.some((g) => g.address.toUpperCase() === a)) db.groups.push({ name: `Group ${a}`, address: a, parentAddress: "0000" });
}

/** Relay Set (4.3.2.12): Relay 0/1, Relay Retransmit count (transmissions 1..8) and interval (10..320 ms). */
export function relayStep(on: boolean, count: number, intervalMs: number): ConfigStep {
  const relay = on ? 1 : 0;
  return {
    what: `Config Relay Set (${on ? "on" : "off"})`,
    send: (s, t) => s.config.request(t, ConfigOp.RelaySet, { relay, relayRetransmit: (count - 1) | ((intervalMs / 10 - 1) << 3) }, s.request),
    // Relay Status 0x02: the Relay feature is not supported (4.2.8)
    check: (p) => (p.relay === 2 ? "the node does not support the Relay feature (Relay Status: Not Supported)" : p.relay !== relay ? `the node reports Relay ${String(p.relay)}` : null),
    apply: (_db, n) => {
      n.features = { ...(n.features ?? {}), relay };
      n.relayRetransmit = { count, interval: intervalMs };
    },
  };
}

/** Beacon Set (4.3.2.14): the Secure Network Beacon state. */
export function beaconStep(on: boolean): ConfigStep {
  return {
    what: `Config Beacon Set (${on ? "on" : "off"})`,
    send: (s, t) => s.config.request(t, ConfigOp.BeaconSet, { beacon: on ? 1 : 0 }, s.request),
    check: (p) => (p.beacon !== (on ? 1 : 0) ? `the node reports Secure Network Beacon ${String(p.beacon)}` : null),
    apply: (_db, n) => void (n.secureNetworkBeacon = on),
  };
}

/** Default TTL Set (4.3.2.7): 0x00 or 0x02..0x7F (4.2.7; 0x01 and 0x80.. are prohibited). */
export function ttlStep(ttl: number): ConfigStep {
  return {
    what: `Config Default TTL Set (${ttl})`,
    send: (s, t) => s.config.request(t, ConfigOp.DefaultTtlSet, { ttl }, s.request),
    check: (p) => (p.ttl !== ttl ? `the node reports Default TTL ${String(p.ttl)}` : null),
    apply: (_db, n) => void (n.defaultTTL = ttl),
  };
}

/**
 * Node Reset (4.3.2.53, 4.4.1.2.10): the node forgets the network. Only after its Status does the database
 * drop it; its addresses go to networkExclusions (not reused until the IV Index allows it).
 */
export function resetStep(): ConfigStep {
  return {
    what: "Config Node Reset",
    send: (s, t) => s.config.nodeReset(t, s.request),
    apply: (db, n) => removeNode(db, n),
  };
}

/**
 * What `meshprov provision` does after provisioning (unless --no-config): Composition Data page 0, AppKey Add,
 * and the AppKey bound to every model that takes one (takesAppKey). Each step is stored as it succeeds; the
 * node is configComplete at the end. `onStep` is told each step done.
 */
export async function configureNew(s: MeshSession, db: Cdb, dbPath: string, n: CdbNode, appKeyIndex: number, onStep: (what: string) => void): Promise<void> {
  await runStep(s, db, dbPath, n, compositionStep());
  onStep(`composition: CID 0x${n.cid}, PID 0x${n.pid}, VID 0x${n.vid}, models ${n.elements.map((e) => e.models.map((m) => m.modelId).join(" ")).join(" | ")}`);
  await runStep(s, db, dbPath, n, appKeyAddStep(db, appKeyIndex));
  onStep(`AppKey ${appKeyIndex} added`);
  for (const e of n.elements) {
    for (const m of [...e.models]) {
      const ref = modelRefOf(m.modelId);
      if (!takesAppKey(ref) || m.bind.includes(appKeyIndex)) continue;
      await runStep(s, db, dbPath, n, bindStep(e.index, ref, appKeyIndex));
      onStep(`AppKey ${appKeyIndex} bound to element ${e.index} model ${m.modelId}`);
    }
  }
}
