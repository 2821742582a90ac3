/**
 * The Mesh Configuration Database (Mesh Configuration Database Profile 1.0.1): the JSON document the nRF Mesh
 * apps share networks with. This module holds the document's types, makes a new network, checks a document
 * (the schema in mesh-cdb-1.0.1.schema.json, then the rules a schema cannot say: unique keys and UUIDs, node
 * address ranges that do not overlap, key indexes that exist), and adds and removes nodes.
 *
 * Formats (as the nRF Mesh apps write them): UUIDs "8-4-4-4-12" upper case; keys 32 hex digits; addresses 4 hex
 * digits without "0x"; timestamps ISO 8601 with an offset.
 *
 * One field is not in the profile: `ivIndex`, the IV Index this provisioner gives new nodes (the profile leaves
 * it out on purpose: a node learns it from the Secure Network beacon). Like BlueZ's mesh-cfgclient database we
 * keep it in the file and leave it out of `meshprov export`.
 */
import { readFileSync } from "node:fs";
import { Validator } from "@cfworker/json-schema";
import { UnicastAllocator } from "../../modules/prov/addresses.js";
import { bytesToHex, hexToBytes } from "../../modules/crypto/bytes.js";
import type { Schema } from "@cfworker/json-schema";

export const CDB_SCHEMA_URI = "http://json-schema.org/draft-04/schema#";
export const CDB_ID = "https://www.bluetooth.com/specifications/specs/mesh-cdb-1-0-1-schema.json#";
export const CDB_VERSION = "1.0.1";

export interface AddressRange {
  lowAddress: string;
  highAddress: string;
}
export interface SceneRange {
  firstScene: string;
  lastScene: string;
}
export interface CdbProvisioner {
  provisionerName: string;
  UUID: string;
  allocatedUnicastRange: AddressRange[];
  allocatedGroupRange: AddressRange[];
  allocatedSceneRange: SceneRange[];
}
export interface CdbNetKey {
  name: string;
  index: number;
  key: string;
  oldKey?: string;
  phase: 0 | 1 | 2;
  minSecurity: "insecure" | "secure";
  timestamp: string;
}
export interface CdbAppKey {
  name: string;
  index: number;
  boundNetKey: number;
  key: string;
  oldKey?: string;
}
export interface CdbNodeKey {
  index: number;
  updated: boolean;
}
export interface CdbModel {
  modelId: string;
  subscribe: string[];
  publish?: object;
  bind: number[];
}
export interface CdbElement {
  name?: string;
  index: number;
  location: string;
  models: CdbModel[];
}
export interface CdbNode {
  UUID: string;
  unicastAddress: string;
  deviceKey: string;
  security: "insecure" | "secure";
  netKeys: CdbNodeKey[];
  configComplete: boolean;
  name?: string;
  cid?: string;
  pid?: string;
  vid?: string;
  crpl?: string;
  /** Each 0 disabled, 1 enabled, 2 not supported. */
  features?: { relay?: number; proxy?: number; friend?: number; lowPower?: number };
  secureNetworkBeacon?: boolean;
  defaultTTL?: number;
  /** count: transmissions of a relayed PDU (1..8); interval ms (10..320). */
  relayRetransmit?: { count: number; interval: number };
  appKeys: CdbNodeKey[];
  elements: CdbElement[];
  excluded: boolean;
}
export interface CdbExclusion {
  ivIndex: number;
  addresses: string[];
}
export interface Cdb {
  $schema: string;
  id: string;
  version: string;
  meshUUID: string;
  meshName: string;
  timestamp: string;
  partial: boolean;
  provisioners: CdbProvisioner[];
  netKeys: CdbNetKey[];
  appKeys: CdbAppKey[];
  nodes: CdbNode[];
  groups: { name: string; address: string; parentAddress: string }[];
  scenes: { name: string; addresses: string[]; number: string }[];
  networkExclusions: CdbExclusion[];
  /** Not in the profile (see the file comment): the IV Index given to new nodes. */
  ivIndex?: number;
}

/** A database problem: the file is not a Mesh Configuration Database we can use. `field` names where. */
export class CdbError extends Error {
  constructor(
    readonly field: string,
    readonly detail: string,
  ) {
    super(field ? `${field}: ${detail}` : detail);
  }
}

// ---- formats ----

/** Bytes as the profile writes them: upper-case hex. */
export const hex = (b: Uint8Array): string => bytesToHex(b).toUpperCase();
export const addressHex = (a: number): string => a.toString(16).padStart(4, "0").toUpperCase();
export const parseAddress = (s: string): number => parseInt(s, 16);

/** 16 bytes as an RFC 4122 UUID string, upper case (8-4-4-4-12). */
export function uuidString(b: Uint8Array): string {
  const h = hex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The 32 hex digits of a UUID string in either format, lower case. */
export function uuidHex(s: string): string {
  return s.replace(/-/g, "").toLowerCase();
}

/** The bytes of a key or UUID field (checked hex). */
export const bytesOf = (h: string): Uint8Array => hexToBytes(h.replace(/-/g, ""));

/** ISO 8601 with the local offset, seconds precision ("2026-12-07T12:00:00+00:00"), as the nRF Mesh apps write. */
export function isoTimestamp(d = new Date()): string {
  const off = -d.getTimezoneOffset();
  const local = new Date(d.getTime() + off * 60_000).toISOString().slice(0, 19);
  const sign = off >= 0 ? "+" : "-";
  const a = Math.abs(off);
  return `${local}${sign}${String(Math.floor(a / 60)).padStart(2, "0")}:${String(a % 60).padStart(2, "0")}`;
}

// ---- a new network ----

/** Unicast addresses (Mesh Protocol 1.1, 3.4.2.2): 0x0001..0x7FFF; group addresses 0xC000..0xFEFF (3.4.2.4). */
export const UNICAST_MAX = 0x7fff;

export interface NewNetworkOptions {
  random: (n: number) => Uint8Array;
  meshName?: string;
  provisionerName?: string;
  ivIndex?: number;
  now?: Date;
}

/**
 * A new network: a NetKey (index 0) and an AppKey (index 0) bound to it, and this provisioner with the whole
 * unicast range, the group range 0xC000..0xFEFF and scenes 0x0001..0x3333. The provisioner is a node itself
 * (at 0x0001, its own device key), so it has an address for configuration messages.
 */
export function newNetwork(o: NewNetworkOptions): Cdb {
  const now = isoTimestamp(o.now);
  const uuid = (): string => {
    const b = o.random(16);
    b[6] = (b[6]! & 0x0f) | 0x40; // RFC 4122 version 4
    b[8] = (b[8]! & 0x3f) | 0x80;
    return uuidString(b);
  };
  const provisionerUuid = uuid();
  const name = o.provisionerName ?? "meshprov";
  return {
    $schema: CDB_SCHEMA_URI,
    id: CDB_ID,
    version: CDB_VERSION,
    meshUUID: uuid(),
    meshName: o.meshName ?? "meshprov network",
    timestamp: now,
    partial: false,
    provisioners: [
      {
        provisionerName: name,
        UUID: provisionerUuid,
        allocatedUnicastRange: [{ lowAddress: "0001", highAddress: addressHex(UNICAST_MAX) }],
        allocatedGroupRange: [{ lowAddress: "C000", highAddress: "FEFF" }],
        allocatedSceneRange: [{ firstScene: "0001", lastScene: "3333" }],
      },
    ],
    netKeys: [{ name: "Network Key 1", index: 0, key: hex(o.random(16)), phase: 0, minSecurity: "secure", timestamp: now }],
    appKeys: [{ name: "Application Key 1", index: 0, boundNetKey: 0, key: hex(o.random(16)) }],
    nodes: [
      {
        UUID: provisionerUuid,
        unicastAddress: "0001",
        deviceKey: hex(o.random(16)),
        security: "secure",
        netKeys: [{ index: 0, updated: false }],
        configComplete: true,
        name,
        appKeys: [{ index: 0, updated: false }],
        elements: [{ name: "Primary Element", index: 0, location: "0000", models: [] }],
        excluded: false,
      },
    ],
    groups: [],
    scenes: [],
    networkExclusions: [],
    ivIndex: o.ivIndex ?? 0,
  };
}

// ---- checking ----

let validator: Validator | undefined;

/** The schema (host/cdb/mesh-cdb-1.0.1.schema.json). */
export function cdbSchema(): Schema {
  return JSON.parse(readFileSync(new URL("./mesh-cdb-1.0.1.schema.json", import.meta.url), "utf8")) as Schema;
}

/** "#/nodes/2/unicastAddress" -> "nodes[2].unicastAddress" */
function fieldName(pointer: string): string {
  const parts = pointer.replace(/^#\/?/, "").split("/").filter(Boolean).map((p) => decodeURIComponent(p).replace(/~1/g, "/").replace(/~0/g, "~"));
  let out = "";
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
  return out || "(top level)";
}

/** Schema errors, most specific first: [{field, message}]. */
export function schemaErrors(doc: unknown): { field: string; message: string }[] {
  validator ??= new Validator(cdbSchema(), "4", false);
  const r = validator.validate(doc);
  if (r.valid) return [];
  // The deepest error names the field best ("nodes[0].unicastAddress", not "nodes").
  const errors = [...r.errors].sort((a, b) => b.instanceLocation.length - a.instanceLocation.length);
  return errors.map((e) => ({ field: fieldName(e.instanceLocation), message: e.error }));
}

/** The rules the schema cannot say. Returns the first problem, or null. */
function semanticProblem(db: Cdb): CdbError | null {
  const netIdx = new Set<number>();
  for (const [i, k] of db.netKeys.entries()) {
    if (netIdx.has(k.index)) return new CdbError(`netKeys[${i}].index`, `index ${k.index} is used twice`);
    netIdx.add(k.index);
  }
  const appIdx = new Set<number>();
  for (const [i, k] of db.appKeys.entries()) {
    if (appIdx.has(k.index)) return new CdbError(`appKeys[${i}].index`, `index ${k.index} is used twice`);
    if (!netIdx.has(k.boundNetKey)) return new CdbError(`appKeys[${i}].boundNetKey`, `no NetKey has index ${k.boundNetKey}`);
    appIdx.add(k.index);
  }
  for (const [i, p] of db.provisioners.entries()) {
    for (const [j, r] of p.allocatedUnicastRange.entries()) {
      if (parseAddress(r.lowAddress) > parseAddress(r.highAddress)) return new CdbError(`provisioners[${i}].allocatedUnicastRange[${j}]`, "lowAddress is above highAddress");
    }
  }
  const uuids = new Map<string, number>();
  const ranges: { lo: number; hi: number; i: number }[] = [];
  for (const [i, n] of db.nodes.entries()) {
    const u = uuidHex(n.UUID);
    if (uuids.has(u)) return new CdbError(`nodes[${i}].UUID`, `the same UUID as nodes[${uuids.get(u)}]`);
    uuids.set(u, i);
    const lo = parseAddress(n.unicastAddress);
    const hi = lo + n.elements.length - 1;
    if (hi > UNICAST_MAX) return new CdbError(`nodes[${i}].elements`, `${n.elements.length} elements from 0x${n.unicastAddress} run past 0x7FFF`);
    const clash = ranges.find((r) => lo <= r.hi && r.lo <= hi);
    if (clash) return new CdbError(`nodes[${i}].unicastAddress`, `its addresses overlap those of nodes[${clash.i}]`);
    ranges.push({ lo, hi, i });
    for (const [j, k] of n.netKeys.entries()) if (!netIdx.has(k.index)) return new CdbError(`nodes[${i}].netKeys[${j}].index`, `no NetKey has index ${k.index}`);
    for (const [j, k] of n.appKeys.entries()) if (!appIdx.has(k.index)) return new CdbError(`nodes[${i}].appKeys[${j}].index`, `no AppKey has index ${k.index}`);
    for (const [j, e] of n.elements.entries()) if (e.index !== j) return new CdbError(`nodes[${i}].elements[${j}].index`, `must be ${j}`);
  }
  return null;
}

/**
 * Check a parsed document and return it as a Cdb: the profile's schema, our `ivIndex`, then the rules above.
 * Throws CdbError naming the first bad field.
 */
export function checkCdb(doc: unknown): Cdb {
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new CdbError("", "not a JSON object");
  const { ivIndex, ...spec } = doc as Record<string, unknown>;
  if (ivIndex !== undefined && !(Number.isInteger(ivIndex) && (ivIndex as number) >= 0 && (ivIndex as number) <= 0xffffffff)) {
    throw new CdbError("ivIndex", "must be a whole number 0..4294967295");
  }
  const errors = schemaErrors(spec);
  if (errors.length) throw new CdbError(errors[0]!.field, errors[0]!.message);
  const db = doc as Cdb;
  db.networkExclusions ??= [];
  const bad = semanticProblem(db);
  if (bad) throw bad;
  return db;
}

/** The document without our `ivIndex`: what `meshprov export` writes (and other tools import). */
export function exportForm(db: Cdb): Omit<Cdb, "ivIndex"> {
  const { ivIndex: _iv, ...spec } = db;
  return spec;
}

// ---- nodes and addresses ----

/**
 * Mesh Configuration Database Profile 1.0.1, networkExclusions (the reason: Mesh Protocol 1.1, message replay
 * protection): the addresses of a removed node may be given to a new node only once the IV Index has moved on
 * by at least 2 since the removal, when no replay protection list can still hold a sequence number for them.
 */
export function exclusionInForce(x: CdbExclusion, ivIndex: number): boolean {
  return ivIndex < x.ivIndex + 2;
}

/**
 * The allocator the provisioning stack gives new nodes their addresses from (modules/prov/addresses.ts, after
 * Capabilities): the provisioner's unicast range (the first one, when a database lists several), with every
 * node's addresses and the exclusions still in force already taken.
 */
export function unicastAllocator(db: Cdb, provisioner: CdbProvisioner): UnicastAllocator {
  const range = provisioner.allocatedUnicastRange[0];
  if (!range) throw new CdbError("provisioners[0].allocatedUnicastRange", "the provisioner has no unicast range");
  const a = new UnicastAllocator({ first: parseAddress(range.lowAddress), last: parseAddress(range.highAddress) });
  const take = (address: number, count: number): void => {
    // ranges outside ours (other provisioners' nodes) cannot collide with what we hand out
    const lo = Math.max(address, a.first);
    const hi = Math.min(address + count - 1, a.last);
    if (lo <= hi) a.reserve({ address: lo, count: hi - lo + 1 });
  };
  for (const n of db.nodes) take(parseAddress(n.unicastAddress), n.elements.length);
  for (const x of db.networkExclusions) if (exclusionInForce(x, db.ivIndex ?? 0)) for (const ad of x.addresses) take(parseAddress(ad), 1);
  return a;
}

export interface NewNode {
  uuid: Uint8Array;
  unicastAddress: number;
  elements: number;
  deviceKey: Uint8Array;
  /** The algorithm and OOB used: "secure" unless provisioned with no OOB authentication (CDB profile). */
  security: "insecure" | "secure";
  netKeyIndex: number;
  name?: string;
}

/** Add a provisioned node (not yet configured: configComplete false, no AppKey, elements without models). */
export function addNode(db: Cdb, n: NewNode): CdbNode {
  const node: CdbNode = {
    UUID: uuidString(n.uuid),
    unicastAddress: addressHex(n.unicastAddress),
    deviceKey: hex(n.deviceKey),
    security: n.security,
    netKeys: [{ index: n.netKeyIndex, updated: false }],
    configComplete: false,
    ...(n.name ? { name: n.name } : {}),
    appKeys: [],
    elements: Array.from({ length: n.elements }, (_, index) => ({ index, location: "0000", models: [] })),
    excluded: false,
  };
  const existing = db.nodes.findIndex((x) => uuidHex(x.UUID) === uuidHex(node.UUID));
  if (existing >= 0) throw new CdbError(`nodes[${existing}]`, `the database already holds a node with UUID ${node.UUID}`);
  db.nodes.push(node);
  const bad = semanticProblem(db);
  if (bad) {
    db.nodes.pop();
    throw bad;
  }
  return node;
}

/** Remove a node: its addresses go to networkExclusions at the current IV Index (not reused until it allows). */
export function removeNode(db: Cdb, node: CdbNode): void {
  const i = db.nodes.indexOf(node);
  if (i < 0) return;
  db.nodes.splice(i, 1);
  const iv = db.ivIndex ?? 0;
  const lo = parseAddress(node.unicastAddress);
  const addresses = node.elements.map((_, k) => addressHex(lo + k));
  const x = db.networkExclusions.find((e) => e.ivIndex === iv);
  if (x) x.addresses.push(...addresses);
  else db.networkExclusions.push({ ivIndex: iv, addresses });
}

/** A node by UUID (32 hex digits or 8-4-4-4-12), unicast address (0x0100 or 0100) or name. */
export function findNode(db: Cdb, ref: string): CdbNode | undefined {
  const r = ref.trim();
  if (/^[0-9a-fA-F-]{32,36}$/.test(r) && uuidHex(r).length === 32) return db.nodes.find((n) => uuidHex(n.UUID) === uuidHex(r));
  const m = /^(0x)?([0-9a-fA-F]{1,4})$/.exec(r);
  if (m) {
    const a = parseInt(m[2]!, 16);
    const byAddress = db.nodes.find((n) => {
      const lo = parseAddress(n.unicastAddress);
      return a >= lo && a < lo + n.elements.length;
    });
    if (byAddress) return byAddress;
  }
  return db.nodes.find((n) => n.name === r);
}
