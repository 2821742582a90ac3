/**
 * meshprov config NODE … and meshprov onoff NODE|GROUP …: the provisioner's node (host/cli/mesh.ts) on a hub's
 * air sends Configuration messages with the node's device key, or Generic OnOff messages with an AppKey, and
 * the database changes only after the node's Status says Success.
 */
import { SigModel } from "../../modules/access/model.js";
import { RequestTimeout } from "../../modules/models/kit.js";
import { addressHex, findNode, parseAddress } from "../cdb/cdb.js";
import type { Cdb, CdbNode } from "../cdb/cdb.js";
import { OperationError, UsageError, flag, int, num, orList, str } from "./args.js";
import type { OptionSpecs, Parsed } from "./args.js";
import { dbPath } from "./common.js";
import { lockedCdb } from "./db-verbs.js";
import {
  PERIOD_RESOLUTIONS_MS,
  appKeyAddStep,
  beaconStep,
  bindStep,
  compositionStep,
  isSelf,
  publicationStep,
  relayStep,
  resetStep,
  runStep,
  subscriptionStep,
  ttlStep,
} from "./mesh.js";
import type { ConfigStep, MeshSession, ModelRef } from "./mesh.js";
import { meshPlaceOf, openMeshLink } from "./mesh-link.js";
import { SERIAL_OPTION } from "../serial/cli-bearer.js";

const say = (text: string): void => void process.stdout.write(text + "\n");

/** The options every verb on the mesh takes: where, which database, how long to wait for a Status. */
export const MESH_OPTIONS: OptionSpecs = {
  db: { type: "string" },
  air: { type: "string" },
  ...SERIAL_OPTION,
  timeout: { type: "string" },
  retries: { type: "string" },
};

const MESH_OPTIONS_USAGE = `  --air ADDR       the hub (tcp:127.0.0.1:PORT or unix:PATH)
  --serial PATH    or a mesh modem (meshprov modem; its mesh node sends for this host)
  --db FILE        the database (default ~/.config/meshprov/mesh-cdb.json)
  --timeout S      wait S seconds for each answer (default 3)
  --retries N      send again N times when no answer came (default 2)`;

export const CONFIG_USAGE = `usage: meshprov config NODE SUBCOMMAND [options]
NODE: the node's unicast address (0x0002), UUID or name in the database. Subcommands:
  composition                              fetch Composition Data page 0 and store the elements and models
  appkey add [--index N]                   add the database's AppKey N (default 0)
  bind ELEMENT MODEL [--appkey N]          bind AppKey N (default 0) to a model
  publication set ELEMENT MODEL ADDR [--appkey N] [--ttl T] [--period S] [--retransmit COUNT,MS]
                                           publish to ADDR (a group C000, a unicast address; 0000 removes it)
  subscription add ELEMENT MODEL ADDR      subscribe a model to a group address
  relay on|off [COUNT INTERVAL]            the Relay feature; COUNT transmissions (1..8), INTERVAL ms (10..320)
  ttl N                                    the Default TTL (0 or 2..127)
  beacon on|off                            the Secure Network Beacon
  reset                                    Node Reset; the node leaves the database once it has answered
ELEMENT: the element's index (0, 1, …) or its address (0x0003). MODEL: onoff-server, onoff-client,
health-server, health-client, 4 hex digits (a SIG model: 1000) or 8 (a vendor model: company, then model).
${MESH_OPTIONS_USAGE}
The database changes only when the node's Status says Success; otherwise one line with the status, exit 1.`;

export const ONOFF_USAGE = `usage: meshprov onoff NODE|GROUP on|off|get [options]
NODE: a node of the database (its Generic OnOff Server's element); GROUP: a group address (C000..FEFF, FFFF)
or a group's name in the database.
  --ack            acknowledged Set: wait for and print the Status (the default for a node)
  --no-ack         Set Unacknowledged (the default for a group)
  --tid N          the Set's Transaction Identifier 0..255 (default: random)
  --appkey N       the AppKey to send with (default 0)
${MESH_OPTIONS_USAGE}
The provisioner's sequence number is kept in FILE.node beside the database, so it never repeats across runs.`;

export const CONFIG_OPTIONS: OptionSpecs = { ...MESH_OPTIONS, index: { type: "string" }, appkey: { type: "string" }, ttl: { type: "string" }, period: { type: "string" }, retransmit: { type: "string" } };
export const ONOFF_OPTIONS: OptionSpecs = { ...MESH_OPTIONS, ack: { type: "boolean" }, "no-ack": { type: "boolean" }, tid: { type: "string" }, appkey: { type: "string" } };

/** The request options from --timeout/--retries. */
function requestOptions(p: Parsed): { timeoutMs: number; retries: number } {
  return { timeoutMs: Math.round(num(p, "timeout", 3, 0.1, 600) * 1000), retries: int(p, "retries", 2, 0, 20) };
}

const MODEL_NAMES: Record<string, number> = {
  "onoff-server": SigModel.GENERIC_ONOFF_SERVER,
  "onoff-client": SigModel.GENERIC_ONOFF_CLIENT,
  "health-server": SigModel.HEALTH_SERVER,
  "health-client": SigModel.HEALTH_CLIENT,
};

function modelArg(text: string | undefined): ModelRef {
  if (text === undefined) throw new UsageError("MODEL is missing (onoff-server, onoff-client, health-server, 1000, …)");
  const named = MODEL_NAMES[text.toLowerCase()];
  if (named !== undefined) return { modelId: named };
  const t = text.replace(/^0x/i, "");
  if (/^[0-9a-fA-F]{4}$/.test(t)) return { modelId: parseInt(t, 16) };
  if (/^[0-9a-fA-F]{8}$/.test(t)) return { companyId: parseInt(t.slice(0, 4), 16), modelId: parseInt(t.slice(4), 16) };
  throw new UsageError(`MODEL must be ${orList(Object.keys(MODEL_NAMES))}, 4 hex digits or 8, not "${text}"`);
}

/** ELEMENT: an index, or an address within the node's range. */
function elementArg(text: string | undefined, n: CdbNode): number {
  if (text === undefined) throw new UsageError("ELEMENT is missing (the element's index, 0 for the primary)");
  const base = parseAddress(n.unicastAddress);
  const m = /^0x([0-9a-fA-F]{1,4})$/.exec(text);
  const index = m ? parseInt(m[1]!, 16) - base : /^\d{1,3}$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(index)) throw new UsageError(`ELEMENT must be an index (0, 1, …) or an address (0x${n.unicastAddress}), not "${text}"`);
  if (index < 0 || index >= n.elements.length) throw new OperationError(`node 0x${n.unicastAddress} has no element ${text} (it has ${n.elements.length}: 0x${n.unicastAddress}..0x${addressHex(base + n.elements.length - 1)})`);
  return index;
}

/** A 16-bit address in hex (C000, 0xC000). */
function addressArg(text: string | undefined, what: string): number {
  const m = text === undefined ? null : /^(?:0x)?([0-9a-fA-F]{4})$/.exec(text);
  if (!m) throw new UsageError(`${what} must be 4 hex digits (C000), not "${text ?? ""}"`);
  return parseInt(m[1]!, 16);
}

function onOffArg(text: string | undefined, what: string): boolean {
  if (text !== "on" && text !== "off") throw new UsageError(`${what} must be on or off, not "${text ?? ""}"`);
  return text === "on";
}

function wholeArg(text: string | undefined, what: string, min: number, max: number, step = 1): number {
  if (text === undefined || !/^\d+$/.test(text) || Number(text) < min || Number(text) > max || Number(text) % step !== 0) {
    throw new UsageError(`${what} must be a whole number in ${min}..${max}${step > 1 ? ` in steps of ${step}` : ""}, not "${text ?? ""}"`);
  }
  return Number(text);
}

/** --period S: seconds, as steps of the finest resolution that holds them (the Publish Period field). */
function periodArg(p: Parsed): { steps: number; resolution: number } {
  const v = str(p, "period");
  if (v === undefined) return { steps: 0, resolution: 0 };
  const ms = Math.round(num(p, "period", 0, 0, 63 * 600)  * 1000);
  for (let r = 0; r < PERIOD_RESOLUTIONS_MS.length; r++) {
    const res = PERIOD_RESOLUTIONS_MS[r]!;
    if (ms % res === 0 && ms / res <= 63) return { steps: ms / res, resolution: r };
  }
  throw new UsageError(`--period ${v}: a period is up to 63 steps of 0.1 s, 1 s, 10 s or 10 min (6.3 s, 63 s, 630 s, 630 min)`);
}

/** --retransmit COUNT,MS: Publish Retransmit count 0..7 and interval 50..1600 ms in steps of 50. */
function retransmitArg(p: Parsed): { count: number; intervalMs: number } {
  const v = str(p, "retransmit");
  if (v === undefined) return { count: 0, intervalMs: 50 };
  const m = /^(\d),(\d{2,4})$/.exec(v);
  const count = m ? Number(m[1]) : NaN;
  const intervalMs = m ? Number(m[2]) : NaN;
  if (!m || count > 7 || intervalMs < 50 || intervalMs > 1600 || intervalMs % 50 !== 0) throw new UsageError(`--retransmit must be COUNT,MS with COUNT 0..7 and MS 50..1600 in steps of 50, not "${v}"`);
  return { count, intervalMs };
}

/**
 * The subcommands: the words they take, the options they allow (beyond MESH_OPTIONS), and the step they make.
 * One entry per subcommand; the words after NODE are matched against `words`.
 */
interface Sub {
  words: string[];
  /** How many more positionals it takes (min, max). */
  args: [number, number];
  options: string[];
  step(a: string[], p: Parsed, n: CdbNode, db: Cdb): ConfigStep;
  done(n: CdbNode | undefined): string;
}

const SUBS: Sub[] = [
  { words: ["composition"], args: [0, 0], options: [], step: () => compositionStep(), done: (n) => `composition stored: CID 0x${n!.cid}, PID 0x${n!.pid}, VID 0x${n!.vid}, CRPL 0x${n!.crpl}; ${n!.elements.map((e) => `element ${e.index}: ${e.models.map((m) => m.modelId).join(" ")}`).join("; ")}` },
  { words: ["appkey", "add"], args: [0, 0], options: ["index"], step: (_a, p, _n, db) => appKeyAddStep(db, int(p, "index", 0, 0, 4095)), done: () => "AppKey added: Success" },
  { words: ["bind"], args: [2, 2], options: ["appkey"], step: (a, p, n) => bindStep(elementArg(a[0], n), modelArg(a[1]), int(p, "appkey", 0, 0, 4095)), done: () => "Model App Bind: Success" },
  {
    words: ["publication", "set"],
    args: [3, 3],
    options: ["appkey", "ttl", "period", "retransmit"],
    step: (a, p, n) => {
      const period = periodArg(p);
      const rt = retransmitArg(p);
      return publicationStep(elementArg(a[0], n), modelArg(a[1]), { address: addressArg(a[2], "ADDR"), appKeyIndex: int(p, "appkey", 0, 0, 4095), ttl: int(p, "ttl", 0xff, 0, 255), ...period, retransmitCount: rt.count, retransmitIntervalMs: rt.intervalMs });
    },
    done: () => "Model Publication Set: Success",
  },
  { words: ["subscription", "add"], args: [3, 3], options: [], step: (a, _p, n) => subscriptionStep(elementArg(a[0], n), modelArg(a[1]), groupOnly(addressArg(a[2], "ADDR"))), done: () => "Model Subscription Add: Success" },
  {
    words: ["relay"],
    args: [1, 3],
    options: [],
    step: (a) => {
      const on = onOffArg(a[0], "relay");
      if (a.length === 2) throw new UsageError("relay on|off COUNT INTERVAL: give both, or neither");
      return relayStep(on, a[1] === undefined ? 1 : wholeArg(a[1], "COUNT", 1, 8), a[2] === undefined ? 20 : wholeArg(a[2], "INTERVAL", 10, 320, 10));
    },
    done: () => "Relay Set: done",
  },
  {
    words: ["ttl"],
    args: [1, 1],
    options: [],
    step: (a) => {
      const ttl = wholeArg(a[0], "the Default TTL", 0, 127);
      if (ttl === 1) throw new UsageError("the Default TTL must be 0 or 2..127 (1 is prohibited, Mesh Protocol 1.1, 4.2.7)");
      return ttlStep(ttl);
    },
    done: () => "Default TTL Set: done",
  },
  { words: ["beacon"], args: [1, 1], options: [], step: (a) => beaconStep(onOffArg(a[0], "beacon")), done: () => "Beacon Set: done" },
  { words: ["reset"], args: [0, 0], options: [], step: () => resetStep(), done: () => "Node Reset: the node has forgotten the network; removed from the database (its addresses are excluded until the IV Index moves on by 2)" },
];

function groupOnly(a: number): number {
  // Subscription addresses are group or virtual addresses (4.2.4; a unicast or the unassigned address is refused)
  if (a < 0xc000) throw new UsageError(`ADDR must be a group address (C000..FFFF), not ${addressHex(a)}`);
  return a;
}

/** Parse NODE SUB… against SUBS; the options it does not take are refused. */
function subOf(p: Parsed): { sub: Sub; rest: string[] } {
  const words = p.positionals.slice(1);
  const sub = SUBS.find((s) => s.words.every((w, i) => words[i] === w));
  if (!sub) throw new UsageError(words.length ? `unknown config subcommand "${words.slice(0, 2).join(" ")}"` : "what to configure? (composition, appkey add, bind, publication set, subscription add, relay, ttl, beacon, reset)");
  const rest = words.slice(sub.words.length);
  if (rest.length < sub.args[0]) throw new UsageError(`config ${sub.words.join(" ")}: ${sub.args[0] - rest.length} more argument(s) needed`);
  if (rest.length > sub.args[1]) throw new UsageError(`config ${sub.words.join(" ")}: unexpected argument "${rest[sub.args[1]]}"`);
  for (const name of Object.keys(p.values)) {
    if (name === "help" || name in MESH_OPTIONS || sub.options.includes(name)) continue;
    throw new UsageError(`--${name} does not go with config ${sub.words.join(" ")}`);
  }
  return { sub, rest };
}

/** The database (read under its lock), the mesh (--air or --serial), and the provisioner's clients on it; `body` runs with them. */
async function onMesh(p: Parsed, appKeyIndex: number | undefined, firstTid: number | undefined, body: (x: { db: Cdb; path: string; mesh: MeshSession }) => Promise<void>): Promise<void> {
  const place = meshPlaceOf(p);
  const request = requestOptions(p);
  const path = dbPath(p);
  const { lock, db } = lockedCdb(path);
  try {
    const link = await openMeshLink(place, db, path, { request, ...(appKeyIndex !== undefined ? { appKeyIndex } : {}), ...(firstTid !== undefined ? { firstTid } : {}) });
    try {
      await Promise.race([body({ db, path, mesh: link.mesh }), link.lost]);
    } finally {
      await link.close();
    }
  } finally {
    lock.release();
  }
}

/** NODE from the database (never the provisioner itself). */
function nodeArg(db: Cdb, path: string, ref: string): CdbNode {
  const n = findNode(db, ref);
  if (!n || isSelf(db, n)) throw new OperationError(`${path} holds no node "${ref}" (meshprov nodes lists them)`);
  return n;
}

export async function configVerb(p: Parsed): Promise<void> {
  const ref = p.positionals[0];
  if (!ref) throw new UsageError("which node? meshprov config NODE SUBCOMMAND (see meshprov config --help)");
  const { sub, rest } = subOf(p);
  requestOptions(p);
  await onMesh(p, undefined, undefined, async ({ db, path, mesh }) => {
    const n = nodeArg(db, path, ref);
    const step = sub.step(rest, p, n, db);
    await runStep(mesh, db, path, n, step);
    say(`node 0x${n.unicastAddress}: ${sub.done(db.nodes.includes(n) ? n : undefined)}${db.nodes.includes(n) && n.configComplete ? " (configuration complete)" : ""}`);
  });
}

/** The destination of onoff: a node's element with a Generic OnOff Server (else its primary), or a group. */
function onOffTarget(db: Cdb, path: string, ref: string): { dst: number; group: boolean } {
  const g = db.groups.find((x) => x.name === ref);
  if (g) return { dst: parseAddress(g.address), group: true };
  const m = /^(?:0x)?([0-9a-fA-F]{4})$/.exec(ref);
  if (m && parseInt(m[1]!, 16) >= 0xc000) {
    const a = parseInt(m[1]!, 16);
    if (a > 0xfeff && a !== 0xffff) throw new UsageError(`${ref}: not a group address (C000..FEFF, or FFFF for all nodes)`);
    return { dst: a, group: true };
  }
  const n = nodeArg(db, path, ref);
  const base = parseAddress(n.unicastAddress);
  const e = n.elements.find((x) => x.models.some((md) => md.modelId.toUpperCase() === addressHex(SigModel.GENERIC_ONOFF_SERVER)));
  return { dst: base + (e?.index ?? 0), group: false };
}

export async function onoffVerb(p: Parsed): Promise<void> {
  const [ref, what] = p.positionals;
  if (!ref) throw new UsageError("to which node or group? meshprov onoff NODE|GROUP on|off|get");
  if (what !== "on" && what !== "off" && what !== "get") throw new UsageError(`on, off or get, not "${what ?? ""}"`);
  if (flag(p, "ack") && flag(p, "no-ack")) throw new UsageError("--ack or --no-ack, not both");
  if (what === "get" && (flag(p, "ack") || flag(p, "no-ack") || str(p, "tid") !== undefined)) throw new UsageError("--ack, --no-ack and --tid go with on and off");
  const tid = str(p, "tid") !== undefined ? int(p, "tid", 0, 0, 255) : undefined;
  const appKeyIndex = int(p, "appkey", 0, 0, 4095);
  requestOptions(p);
  await onMesh(p, appKeyIndex, tid, async ({ db, path, mesh }) => {
    const { dst, group } = onOffTarget(db, path, ref);
    const to = `0x${addressHex(dst)}`;
    const status = (src: number, present: boolean, target?: boolean, remainingMs?: number): string =>
      `0x${addressHex(src)}: Generic OnOff Status: ${present ? "on" : "off"}${target !== undefined ? ` (target ${target ? "on" : "off"}, ${remainingMs ?? 0} ms to go)` : ""}`;
    try {
      if (what === "get") {
        const s = await mesh.onoff.get({ dst, appKeyIndex }, mesh.request);
        say(status(s.src, s.present));
        return;
      }
      const on = what === "on";
      const ack = flag(p, "ack") || (!group && !flag(p, "no-ack"));
      const tidUsed = mesh.onoff.nextTid;
      if (!ack) {
        const sent = await mesh.onoff.set(on, { to: { dst, appKeyIndex } });
        if (!sent) throw new OperationError(`Generic OnOff Set Unacknowledged to ${to}: not sent`);
        await mesh.drain(); // on the air before the radio leaves
        say(`Generic OnOff Set Unacknowledged ${what} (TID ${tidUsed}) sent to ${to}`);
        return;
      }
      let heard: string | undefined;
      mesh.onoff.onStatus = (s) => (heard ??= status(s.src, s.present, s.target, s.remainingMs));
      const ok = await mesh.onoff.set(on, { ack: true, to: { dst, appKeyIndex }, ...mesh.request });
      say(heard ?? `${to}: Generic OnOff Status`);
      if (!ok) throw new OperationError(`${to} did not take the value ${what}`);
    } catch (e) {
      if (e instanceof RequestTimeout) throw new OperationError(`${e.message} (is the device on, on this hub, and its Generic OnOff Server bound to AppKey ${appKeyIndex}?)`);
      throw e;
    }
  });
}
