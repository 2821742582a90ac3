/**
 * meshprov scan and meshprov provision: the provisioner on a hub's air (host/cli/engine.ts), the database
 * (host/cdb), and the person at the terminal (prompts on stderr, answers on stdin, or --auth).
 */
import { createInterface } from "node:readline";
import type { Interface } from "node:readline";
import type { Bytes } from "../../modules/platform.js";
import type { OobValue } from "../../modules/prov/api.js";
import { OOB_INFO } from "../../modules/beacon.js";
import { bytesToHex } from "../../modules/crypto/bytes.js";
import { NodeCryptoPrimitives } from "../node-crypto.js";
import { INPUT_ACTIONS, OUTPUT_ACTIONS } from "../network.js";
import type { AlgChoice, OobChoice } from "../network.js";
import { addNode, bytesOf, unicastAllocator, uuidHex, uuidString } from "../cdb/cdb.js";
import { UnicastAllocator } from "../../modules/prov/addresses.js";
import type { Cdb, CdbNode } from "../cdb/cdb.js";
import { configureNew } from "./mesh.js";
import { openMeshLink } from "./mesh-link.js";
import type { MeshPlace } from "./mesh-link.js";
import { writeCdb } from "../cdb/store.js";
import { OperationError, UsageError, choice, flag, hexArg, int, num, str } from "./args.js";
import type { Parsed } from "./args.js";
import { after, airOption, airText, dbPath, joinAir, radioName } from "./common.js";
import type { AirAddress } from "./common.js";
import { lockedCdb } from "./db-verbs.js";
import { serialOf, serialProvision, serialScan } from "../serial/cli-bearer.js";
import { DEFAULT_LINKS, INPUT_NAMES, MAX_LINKS, OUTPUT_VERBS, ProvisionerEngine, isAlphanumericOutput, oobValueOf } from "./engine.js";
import type { AuthAgent, Outcome, Phase } from "./engine.js";

export const SCAN_USAGE = `usage: meshprov scan --air ADDR [--timeout S] [--json]
Lists the Unprovisioned Device beacons heard for S seconds (default 10): UUID, OOB information, URI hash, RSSI.`;

export const PROVISION_USAGE = `usage: meshprov provision UUID --air ADDR [options]
       meshprov provision --all --air ADDR [--links N] [options]
  --oob M          auto (default: the strongest the device offers) | none | static | output | input
  --action A       output: ${Object.keys(OUTPUT_ACTIONS).join("|")}; input: ${Object.keys(INPUT_ACTIONS).join("|")}
  --size N         OOB size 1..8 (default: the device's)
  --alg A          auto (default) | cmac | hmac
  --static HEX     the device's static OOB value (16 or 32 bytes)
  --auth VALUE     the answer to the prompt (what the device shows; the static value), for scripts
  --timeout S      give up when the device's beacon is not heard in S seconds (default 60); with --all,
                   stop when no new device has been heard for S seconds (default 10)
  --all            provision every unprovisioned device heard
  --links N        links at once with --all (default ${DEFAULT_LINKS}, 1..${MAX_LINKS})
  --attempts N     tries per device (default 3)
  --attention S    attention timer asked of the device (default 5 s)
  --db FILE        the database (default ~/.config/meshprov/mesh-cdb.json)
  --no-config      do not configure the new nodes
  --json           one JSON object per line per phase and per device
Prints one line per phase: link, capabilities, public keys, authentication, data, complete. The node (UUID,
addresses, device key, security) is stored in the database. Ctrl-C closes the link and leaves the database as it was.
Then (unless --no-config) each new node is configured over the mesh: its Composition Data is fetched and stored,
AppKey 0 is added and bound to its models that take an AppKey (not the Configuration models), and it is marked
configComplete in the database (meshprov config NODE … for more).`;

const say = (text: string): void => void process.stdout.write(text + "\n");

function oobInfoWords(bits: number): string {
  const names: [number, string][] = [
    [OOB_INFO.OTHER, "other"],
    [OOB_INFO.ELECTRONIC_URI, "URI"],
    [OOB_INFO.MACHINE_READABLE_2D_CODE, "2D code"],
    [OOB_INFO.BAR_CODE, "bar code"],
    [OOB_INFO.NFC, "NFC"],
    [OOB_INFO.NUMBER, "number"],
    [OOB_INFO.STRING, "string"],
    [OOB_INFO.CERTIFICATE_BASED_PROVISIONING, "certificate-based"],
    [OOB_INFO.PROVISIONING_RECORDS, "provisioning records"],
    [OOB_INFO.ON_BOX, "on box"],
    [OOB_INFO.INSIDE_BOX, "inside box"],
    [OOB_INFO.ON_PIECE_OF_PAPER, "on paper"],
    [OOB_INFO.INSIDE_MANUAL, "inside manual"],
    [OOB_INFO.ON_DEVICE, "on device"],
  ];
  const words = names.filter(([b]) => bits & b).map(([, n]) => n);
  return words.length ? words.join(", ") : "none";
}

const crypto = new NodeCryptoPrimitives();


export async function scanVerb(p: Parsed): Promise<void> {
  const serial = serialOf(p);
  const air = serial === undefined ? airOption(p) : undefined;
  const timeoutS = num(p, "timeout", 10, 0.1, 86_400);
  const json = flag(p, "json");
  const seen = new Set<string>();
  const onBeacon = (uuid: Bytes, oobInfo: number, uriHash: Bytes | undefined, rssi: number): void => {
    const key = bytesToHex(uuid);
    const first = !seen.has(key);
    seen.add(key);
    if (json) say(JSON.stringify({ uuid: uuidString(uuid), oobInfo, oob: oobInfoWords(oobInfo), uriHash: uriHash ? bytesToHex(uriHash) : null, rssi }));
    else if (first) say(`${uuidString(uuid)}  OOB: ${oobInfoWords(oobInfo)}${uriHash ? `  URI hash ${bytesToHex(uriHash)}` : ""}  RSSI ${rssi} dBm`);
  };
  const started = (): void => void (json ? undefined : process.stderr.write(`scanning ${timeoutS} s…\n`));
  if (serial !== undefined) await serialScan(serial, timeoutS, onBeacon, started);
  else {
    const client = await joinAir(air!, radioName("scan"));
    const engine = new ProvisionerEngine({
      radio: client.radio,
      clock: client.clock,
      crypto,
      netKey: new Uint8Array(16),
      netKeyIndex: 0,
      ivIndex: 0,
      oob: "none",
      alg: "auto",
      addresses: new UnicastAllocator(),
      auth: { staticValue: (_u, _l, _a, fail) => fail("scan"), deviceOutput: (_u, _a, _s, _v, fail) => fail("scan"), showInput: () => {} },
      onBeacon,
    });
    engine.scan();
    started();
    await after(client, timeoutS * 1000);
    await client.close();
  }
  if (!json) say(`${seen.size} unprovisioned device(s) heard`);
}

/** The person at the terminal: prompts on stderr, answers from stdin lines (or --auth). */
class TerminalPerson implements AuthAgent {
  private rl: Interface | undefined;
  private readonly lines: string[] = [];
  private readonly waiters: ((line: string | null) => void)[] = [];
  private ended = false;

  constructor(
    private readonly auth: string | undefined,
    private readonly staticHex: string | undefined,
    private readonly json: boolean,
  ) {}

  private line(prompt: string): Promise<string> {
    process.stderr.write(prompt);
    if (!this.rl) {
      this.rl = createInterface({ input: process.stdin });
      this.rl.on("line", (l) => {
        const w = this.waiters.shift();
        if (w) w(l);
        else this.lines.push(l);
      });
      this.rl.on("close", () => {
        this.ended = true;
        for (const w of this.waiters.splice(0)) w(null);
      });
      this.rl.on("SIGINT", () => process.emit("SIGINT"));
    }
    const l = this.lines.shift();
    if (l !== undefined) return Promise.resolve(l);
    if (this.ended) return Promise.reject(new Error("no answer: standard input is closed (give --auth VALUE)"));
    return new Promise((resolve, reject) => this.waiters.push((v) => (v === null ? reject(new Error("no answer: standard input is closed (give --auth VALUE)")) : resolve(v))));
  }

  staticValue(uuid: Bytes, length: 16 | 32, answer: (v: Bytes) => void, fail: (reason: string) => void): void {
    this.askStatic(uuid, length).then(answer, (e: Error) => fail(e.message));
  }

  deviceOutput(uuid: Bytes, action: number, size: number, answer: (v: OobValue) => void, fail: (reason: string) => void): void {
    this.askOutput(uuid, action, size).then(answer, (e: Error) => fail(e.message));
  }

  private async askStatic(uuid: Bytes, length: 16 | 32): Promise<Bytes> {
    const text = this.staticHex ?? this.auth ?? (await this.line(`static OOB value of ${uuidString(uuid)} (hex, ${length} bytes): `));
    // With the CMAC algorithm only the first 16 bytes of a 32-byte value are used (Mesh Protocol 1.1, 5.4.2.4)
    const v = hexArg(text, "the static OOB value", [16, 32]);
    if (v.length < length) throw new Error(`the static OOB value must be ${length} bytes for this algorithm`);
    return v.subarray(0, length);
  }

  private async askOutput(uuid: Bytes, action: number, size: number): Promise<OobValue> {
    const alnum = isAlphanumericOutput(action);
    for (;;) {
      const text = this.auth ?? (await this.line(`the device ${uuidString(uuid).slice(0, 8)}… ${OUTPUT_VERBS[action] ?? "shows"} a ${alnum ? `code of ${size} characters` : "number"}: enter it: `));
      const v = oobValueOf(text, alnum);
      if (v !== null) return v;
      if (this.auth !== undefined) throw new UsageError(`--auth ${this.auth}: not a ${alnum ? "code of letters and digits" : "number"}`);
      process.stderr.write(`"${text}" is not a ${alnum ? "code of letters and digits" : "number"}\n`);
    }
  }

  showInput(uuid: Bytes, value: OobValue, action: number): void {
    const how = action <= 1 ? `${INPUT_NAMES[action] === "twist" ? "twist the knob" : "push the button"} ${value} time(s)` : `type ${value}`;
    if (this.json) say(JSON.stringify({ uuid: uuidString(uuid), phase: "authentication", enterOnDevice: value, action: INPUT_NAMES[action] }));
    else say(`  on the device ${uuidString(uuid).slice(0, 8)}…: ${how}`);
  }

  close(): void {
    this.rl?.close();
  }
}

/**
 * Configure the nodes just provisioned (mesh.ts configureNew), one after the other, through the provisioner's
 * node on a radio of its own (--air) or the modem's mesh node (--serial: mesh-link.ts). A node that fails stays
 * provisioned (configComplete false): one line with the reason and the command that finishes it. True when
 * every one was configured.
 */
async function configureAll(db: Cdb, path: string, place: MeshPlace, nodes: CdbNode[], json: boolean): Promise<boolean> {
  const notConfigured = (n: CdbNode, reason: string): void => {
    if (json) say(JSON.stringify({ uuid: n.UUID, address: `0x${n.unicastAddress}`, configured: false, reason }));
    else say(`NOT configured node 0x${n.unicastAddress}: ${reason} (provisioned and stored; meshprov config 0x${n.unicastAddress} … to go on)`);
  };
  let link;
  try {
    link = await openMeshLink(place, db, path, { request: { timeoutMs: 3000, retries: 2 } });
  } catch (e) {
    // a modem without a mesh node (provisioning-only), a hub gone: the nodes stay provisioned and stored
    if (!(e instanceof OperationError)) throw e;
    for (const n of nodes) {
      notConfigured(n, e.message);
    }
    return false;
  }
  const { mesh } = link;
  let all = true;
  const each = async (): Promise<void> => {
    for (const n of nodes) {
      const steps: string[] = [];
      try {
        await configureNew(mesh, db, path, n, db.appKeys[0]?.index ?? 0, (what) => {
          steps.push(what);
          if (!json) say(`  0x${n.unicastAddress}  config         ${what}`);
        });
        if (json) say(JSON.stringify({ uuid: n.UUID, address: `0x${n.unicastAddress}`, configured: true, steps }));
        else say(`configured node 0x${n.unicastAddress}: configuration complete`);
      } catch (e) {
        if (!(e instanceof OperationError)) throw e;
        all = false;
        notConfigured(n, e.message);
      }
    }
  };
  try {
    await Promise.race([each(), link.lost]);
  } finally {
    await link.close();
  }
  return all;
}

export async function provisionVerb(p: Parsed): Promise<void> {
  const all = flag(p, "all");
  const uuidArg = p.positionals[0];
  if (all && uuidArg) throw new UsageError("give a UUID or --all, not both");
  if (!all && !uuidArg) throw new UsageError("which device? meshprov provision UUID (see meshprov scan), or --all");
  const uuid = uuidArg ? hexArg(uuidArg, "the UUID", [16]) : undefined;
  const serial = serialOf(p);
  const air = serial === undefined ? airOption(p) : undefined;
  const oob: OobChoice = choice(p, "oob", ["auto", "none", "static", "output", "input"], "auto");
  const action = str(p, "action");
  if ((action !== undefined || str(p, "size") !== undefined) && oob !== "output" && oob !== "input") throw new UsageError("--action and --size need --oob output or --oob input");
  if (action !== undefined) choice(p, "action", Object.keys(oob === "output" ? OUTPUT_ACTIONS : INPUT_ACTIONS), "");
  const size = str(p, "size") !== undefined ? int(p, "size", 1, 1, 8) : undefined;
  const alg: AlgChoice | "auto" = choice(p, "alg", ["auto", "cmac", "hmac"], "auto");
  const staticHex = str(p, "static");
  if (staticHex !== undefined) hexArg(staticHex, "--static", [16, 32]);
  if (str(p, "links") !== undefined && !all) throw new UsageError("--links goes with --all");
  const links = int(p, "links", DEFAULT_LINKS, 1, MAX_LINKS);
  const attempts = int(p, "attempts", 3, 1, 10);
  const attention = int(p, "attention", 5, 0, 255);
  const timeoutS = num(p, "timeout", all ? 10 : 60, 0.1, 86_400);
  const json = flag(p, "json");
  const auth = str(p, "auth");
  const path = dbPath(p);

  // The database first: a missing or corrupt one, or another writer, stops us before the air is touched.
  const { lock, db } = lockedCdb(path);
  try {
    if (uuid && db.nodes.some((n) => n.UUID.replace(/-/g, "").toLowerCase() === bytesToHex(uuid))) {
      throw new OperationError(`${path} already holds the node ${uuidString(uuid)} (meshprov remove it first to provision it again)`);
    }
    const prov = db.provisioners[0]!;
    const netKey = db.netKeys[0]!;
    const person = new TerminalPerson(auth, staticHex, json);
    const outcomes: Outcome[] = [];
    const phaseLine = (u: Bytes, phase: Phase, detail: string): void => {
      if (json) say(JSON.stringify({ uuid: uuidString(u), phase, detail }));
      else say(`  ${uuidString(u).slice(0, 8)}…  ${phase.padEnd(14)} ${detail}`);
    };
    const stored = (o: Outcome): void => {
      outcomes.push(o);
      if (o.ok) {
        try {
          addNode(db, { uuid: o.uuid, unicastAddress: o.unicastAddress!, elements: o.elements!, deviceKey: o.deviceKey!, security: o.security!, netKeyIndex: netKey.index });
          writeCdb(path, db);
        } catch (e) {
          o.ok = false;
          o.reason = `provisioned, but not stored: ${(e as Error).message}`;
        }
      }
      const address = o.unicastAddress !== undefined ? `0x${o.unicastAddress.toString(16).padStart(4, "0")}` : null;
      if (json) say(JSON.stringify({ uuid: uuidString(o.uuid), ok: o.ok, address: o.ok ? address : null, elements: o.elements ?? null, attempts: o.attempts, reason: o.reason ?? null }));
      else if (o.ok) say(`provisioned ${uuidString(o.uuid)}: node ${address}, ${o.elements} element(s), ${o.security}; stored in ${path}`);
      else say(`NOT provisioned ${uuidString(o.uuid)}: ${o.reason} (${o.attempts} attempt(s))`);
    };
    if (serial !== undefined) {
      // through a mesh modem (host/serial/cli-bearer.ts): the same phases, outcomes and database
      if (!json) say(uuid ? `provisioning ${uuidString(uuid)} through ${serial}` : `provisioning every device heard through ${serial}`);
      const known = new Set(db.nodes.map((n) => n.UUID.replace(/-/g, "").toLowerCase()));
      try {
        await serialProvision({ serial, uuid, netKey: bytesOf(netKey.key), netKeyIndex: netKey.index, ivIndex: db.ivIndex ?? 0, oob, alg, ...(action ? { action } : {}), ...(size !== undefined ? { size } : {}), attentionDuration: attention, links: all ? links : 1, attempts, timeoutS, addresses: unicastAllocator(db, prov), person, onPhase: phaseLine, onOutcome: stored, accept: (u) => !known.has(bytesToHex(u)), onHeard: (u) => (json ? undefined : say(`heard ${uuidString(u)}`)) });
      } finally {
        person.close();
      }
    } else {
    const client = await joinAir(air!, radioName("provisioner"));
    const known = new Set(db.nodes.map((n) => n.UUID.replace(/-/g, "").toLowerCase()));
    let lastNew = client.clock.now();
    let engine: ProvisionerEngine;
    engine = new ProvisionerEngine({
      radio: client.radio,
      clock: client.clock,
      crypto,
      logger: { log: () => {} },
      netKey: bytesOf(netKey.key),
      netKeyIndex: netKey.index,
      ivIndex: db.ivIndex ?? 0,
      oob,
      alg,
      ...(action ? { action } : {}),
      ...(size !== undefined ? { size } : {}),
      attentionDuration: attention,
      links: all ? links : 1,
      attempts,
      addresses: unicastAllocator(db, prov),
      auth: person,
      onPhase: phaseLine,
      onBeacon: (u) => {
        if (all && !known.has(bytesToHex(u))) {
          known.add(bytesToHex(u));
          lastNew = client.clock.now();
          if (!json) say(`heard ${uuidString(u)}`);
        }
      },
      onOutcome: stored,
    });
    let interrupted = false;
    const onSignal = (): void => {
      if (interrupted) return;
      interrupted = true;
      process.stderr.write("interrupted: closing the link; the database is left as it was\n");
      void engine.abort("interrupted").then(async () => {
        person.close();
        await client.close();
        lock.release();
        process.exit(130);
      });
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    if (uuid) {
      if (!json) say(`provisioning ${uuidString(uuid)} on ${airText(air!)}`);
      engine.add(uuid);
      const deadline = client.clock.now() + timeoutS * 1000;
      while (outcomes.length === 0) {
        if (!engine.busy && engine.handled === 0 && client.clock.now() >= deadline) break;
        await after(client, 200);
      }
      if (outcomes.length === 0) {
        await client.close();
        throw new OperationError(`no beacon from ${uuidString(uuid)} was heard in ${timeoutS} s (is the device on, unprovisioned, and on this hub?)`);
      }
    } else {
      engine.all();
      while (engine.busy || client.clock.now() - lastNew < timeoutS * 1000) await after(client, 200);
    }
    person.close();
    await client.close();
    }
    const ok = outcomes.filter((o) => o.ok).length;
    if (all && !json) say(`${ok} of ${outcomes.length} device(s) provisioned`);
    if (uuid && !outcomes[0]!.ok) throw new OperationError(`${uuidString(uuid)} was not provisioned: ${outcomes[0]!.reason}`);
    if (all && ok < outcomes.length) process.exitCode = 1;
    if (!flag(p, "no-config") && ok > 0) {
      const fresh = outcomes.filter((o) => o.ok).map((o) => db.nodes.find((n) => uuidHex(n.UUID) === bytesToHex(o.uuid))).filter((n) => n !== undefined);
      if (!(await configureAll(db, path, serial !== undefined ? { serial } : { air: air! }, fresh, json))) process.exitCode = 1;
    }
  } finally {
    lock.release();
  }
}
