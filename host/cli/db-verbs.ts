/**
 * The database verbs: init, nodes, remove, export, import (the Mesh Configuration Database, host/cdb).
 * Secrets (keys) are printed only with --show-keys; the files are the user's only (mode 0600).
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { NodeCryptoPrimitives } from "../node-crypto.js";
import { CdbError, checkCdb, exportForm, findNode, newNetwork, parseAddress, removeNode } from "../cdb/cdb.js";
import type { Cdb, CdbNode } from "../cdb/cdb.js";
import { CdbLock, LockedError, readCdb, withCdb, writeCdb, writeFileAtomic } from "../cdb/store.js";
import { OperationError, UsageError, flag, int, str } from "./args.js";
import type { Parsed } from "./args.js";
import { dbPath } from "./common.js";

export const INIT_USAGE = `usage: meshprov init [--db FILE] [--name NAME] [--iv-index N] [--show-keys]
Creates a network: a NetKey, an AppKey bound to it, the IV Index, and this provisioner with its unicast,
group and scene ranges (the whole unicast range, 0xC000-0xFEFF, scenes 0x0001-0x3333). Refuses an existing file.`;
export const NODES_USAGE = `usage: meshprov nodes [--db FILE] [--json] [--show-keys]
Lists the nodes of the database (the device keys only with --show-keys).`;
export const REMOVE_USAGE = `usage: meshprov remove NODE [--db FILE]
Removes NODE (UUID, unicast address or name) from the database; its addresses are not given to a new node
until the IV Index has moved on by 2 (networkExclusions).`;
export const EXPORT_USAGE = `usage: meshprov export FILE [--db FILE]
Writes the network as a Mesh Configuration Database 1.0.1 file (the nRF Mesh apps import it). It holds the
network's keys: the file is made readable by you only.`;
export const IMPORT_USAGE = `usage: meshprov import FILE [--db FILE] [--replace]
Takes a Mesh Configuration Database file (from the nRF Mesh apps or meshprov export) as this provisioner's
database. The file is checked first; an existing database is replaced only with --replace.`;

const say = (text: string): void => void process.stdout.write(text + "\n");

/** Database problems are failed operations (exit 1) with the file and field named. */
export function dbFailure(e: unknown): never {
  if (e instanceof CdbError || e instanceof LockedError) throw new OperationError(e.message);
  throw e;
}

/**
 * Take the database's lock and read it (a verb that changes it, or sends with the provisioner's SEQ): a missing
 * or corrupt database, or another writer, is a failed operation; the lock is released if the read fails.
 */
export function lockedCdb(path: string): { lock: CdbLock; db: Cdb } {
  let lock: CdbLock;
  try {
    lock = CdbLock.acquire(path);
  } catch (e) {
    dbFailure(e);
  }
  try {
    return { lock, db: readCdb(path) };
  } catch (e) {
    lock.release();
    dbFailure(e);
  }
}

export async function initVerb(p: Parsed): Promise<void> {
  const path = dbPath(p);
  const ivIndex = int(p, "iv-index", 0, 0, 0xffffffff);
  if (existsSync(path)) throw new OperationError(`${path} already exists (a network is there: meshprov nodes --db ${path})`);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const lock = CdbLock.acquire(path);
  try {
    if (existsSync(path)) throw new OperationError(`${path} already exists`);
    const crypto = new NodeCryptoPrimitives();
    const name = str(p, "name");
    const db = newNetwork({ random: (n) => crypto.randomBytes(n), ...(name ? { meshName: name } : {}), ivIndex });
    writeCdb(path, db);
    say(`created network "${db.meshName}" (${db.meshUUID}) in ${path}`);
    say(`  provisioner ${db.provisioners[0]!.provisionerName}: unicast 0x0001-0x7FFF (itself 0x0001), groups 0xC000-0xFEFF`);
    say(`  NetKey 0, AppKey 0 bound to it, IV Index ${ivIndex}`);
    if (flag(p, "show-keys")) {
      say(`  NetKey 0: ${db.netKeys[0]!.key}`);
      say(`  AppKey 0: ${db.appKeys[0]!.key}`);
    }
  } finally {
    lock.release();
  }
}

function nodeView(n: CdbNode, showKeys: boolean): object {
  const { deviceKey, ...rest } = n;
  return showKeys ? { ...rest, deviceKey } : rest;
}

export async function nodesVerb(p: Parsed): Promise<void> {
  let db: Cdb;
  try {
    db = readCdb(dbPath(p));
  } catch (e) {
    dbFailure(e);
  }
  const showKeys = flag(p, "show-keys");
  const self = new Set(db.provisioners.map((x) => x.UUID.toUpperCase()));
  const nodes = db.nodes.filter((n) => !self.has(n.UUID.toUpperCase()));
  if (flag(p, "json")) {
    for (const n of nodes) say(JSON.stringify(nodeView(n, showKeys)));
    return;
  }
  if (!nodes.length) {
    say(`no nodes yet in ${dbPath(p)} (meshprov provision UUID --air ADDR)`);
    return;
  }
  say(`address  elements  UUID                                  security  configured${showKeys ? "  device key" : ""}`);
  for (const n of nodes.sort((a, b) => parseAddress(a.unicastAddress) - parseAddress(b.unicastAddress))) {
    say(`0x${n.unicastAddress}   ${String(n.elements.length).padEnd(8)}  ${n.UUID}  ${n.security.padEnd(8)}  ${n.configComplete ? "yes" : "no "}${showKeys ? `         ${n.deviceKey}` : ""}`);
  }
}

export async function removeVerb(p: Parsed): Promise<void> {
  const ref = p.positionals[0];
  if (!ref) throw new UsageError("which node? meshprov remove NODE (a UUID, an address or a name)");
  const path = dbPath(p);
  await withCdb(path, (db) => {
    const node = findNode(db, ref);
    if (!node || db.provisioners.some((x) => x.UUID.toUpperCase() === node.UUID.toUpperCase())) throw new OperationError(`${path} holds no node "${ref}"`);
    removeNode(db, node);
    say(`removed node 0x${node.unicastAddress} (${node.UUID}); its ${node.elements.length} address(es) are excluded until IV Index ${(db.ivIndex ?? 0) + 2}`);
    return true;
  }).catch(dbFailure);
}

export async function exportVerb(p: Parsed): Promise<void> {
  const out = p.positionals[0];
  if (!out) throw new UsageError("where to? meshprov export FILE");
  let db: Cdb;
  try {
    db = readCdb(dbPath(p));
  } catch (e) {
    dbFailure(e);
  }
  writeFileAtomic(out, JSON.stringify(exportForm(db), null, 2) + "\n");
  say(`exported "${db.meshName}" (${db.nodes.length} node(s), keys included) to ${out} (mode 0600)`);
}

export async function importVerb(p: Parsed): Promise<void> {
  const from = p.positionals[0];
  if (!from) throw new UsageError("from where? meshprov import FILE");
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(from, "utf8"));
  } catch (e) {
    throw new OperationError(`${from}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : `not valid JSON (${(e as Error).message})`}`);
  }
  let db: Cdb;
  try {
    db = checkCdb(doc);
  } catch (e) {
    if (e instanceof CdbError) throw new OperationError(`${from}: ${e.message} (nothing imported)`);
    throw e;
  }
  const path = dbPath(p);
  if (existsSync(path) && !flag(p, "replace")) throw new OperationError(`${path} already holds a network: give --replace to replace it with ${from}`);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const lock = CdbLock.acquire(path);
  try {
    db.ivIndex ??= 0;
    writeCdb(path, db);
  } finally {
    lock.release();
  }
  say(`imported "${db.meshName}" (${db.nodes.length} node(s)) into ${path}`);
}
