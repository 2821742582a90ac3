/**
 * `meshprov scan|provision … --serial PATH`: the same jobs as with `--air`, through a mesh modem
 * (docs/serial-protocol.md) instead of a hub's air, with the same database. The verbs of host/cli call in here
 * when --serial is given (one line each); everything serial stays in host/serial.
 *
 * Differences from the air path, all from the protocol: the ECDH of every link is computed here (the host keeps
 * the key pairs, §2.3); PROVISION carries the unicast address before the device's Capabilities tell its element
 * count, so a range of one address is taken first and a device with more elements is provisioned again, on
 * the next attempt, with a range of its size (never two nodes on one address).
 */
import type { Bytes } from "../../modules/platform.js";
import type { OobUseParams } from "../../modules/prov/api.js";
import type { CapabilitiesFields } from "../../modules/prov/pdu.js";
import { AuthenticationMethod } from "../../modules/prov/pdu.js";
import { bytesToHex } from "../../modules/crypto/bytes.js";
import type { UnicastAllocator } from "../../modules/prov/addresses.js";
import { NodeCryptoPrimitives } from "../node-crypto.js";
import { chooseOob } from "../network.js";
import { OperationError, UsageError, str } from "../cli/args.js";
import type { Parsed } from "../cli/args.js";
import type { AuthAgent, EngineOptions, Outcome, Phase } from "../cli/engine.js";
import type { OobValue } from "../../modules/prov/common.js";
import { describeCapabilities } from "../cli/engine.js";
import { connectModem } from "./transport.js";
import { ModemError } from "./driver.js";
import type { ModemDriver, ProvisionHandlers, ProvisionResult } from "./driver.js";
import { provisionAll } from "./provision-all.js";
import { FileModemState } from "./modem-state.js";
import { ModemElement } from "./mesh-host.js";
import { WallClock } from "../air/wall-clock.js";
import type { Model } from "../../modules/access/model.js";
import type { MeshSetup } from "../../modules/serial/protocol.js";
import type { ProvisionAllRun } from "./provision-all.js";

/** The option every verb that can go through a modem adds to its table. */
export const SERIAL_OPTION = { serial: { type: "string" } } as const;

/** --serial PATH, or undefined for the air; both given is a usage error. */
export function serialOf(p: Parsed): string | undefined {
  const serial = str(p, "serial");
  if (serial !== undefined && str(p, "air") !== undefined) throw new UsageError("give --air ADDR (a hub) or --serial PATH (a modem), not both");
  return serial;
}

/** Wait `ms` of wall time. */
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** How long a modem that still serves the previous host (one host at a time: it ends a second connection) is waited for. */
const BUSY_WAIT_MS = 1000;

/**
 * A greeted modem, or an OperationError in one line (no such path, nothing answers, another protocol version).
 * A link ended before HELLO was answered is tried again for up to BUSY_WAIT_MS: the modem is still
 * finishing the previous host's connection (provision --serial, then its configuration on a new one).
 */
export async function openModem(serial: string): Promise<{ driver: ModemDriver; close(): void }> {
  const until = Date.now() + BUSY_WAIT_MS;
  for (;;) {
    try {
      return await connectModem(serial, { crypto: new NodeCryptoPrimitives() });
    } catch (e) {
      if (e instanceof ModemError && e.status === undefined && / closed\)$/.test(e.message) && Date.now() < until) {
        await sleep(100);
        continue;
      }
      if (e instanceof ModemError) throw new OperationError(e.message.includes(serial) ? e.message : `${serial}: ${e.message}`);
      throw e;
    }
  }
}


/** meshprov scan --serial: every Unprovisioned Device beacon the modem hears for `timeoutS`, to `onBeacon`. */
export async function serialScan(serial: string, timeoutS: number, onBeacon: (uuid: Bytes, oobInfo: number, uriHash: Bytes | undefined, rssi: number) => void, started?: () => void): Promise<void> {
  const m = await openModem(serial);
  let gone: string | undefined;
  m.driver.onClosed = (why) => (gone = why);
  try {
    m.driver.onEvent = (e) => {
      if (e.ev === "unprovisioned") onBeacon(e.uuid, e.oobInfo, e.uriHash, e.rssi);
    };
    await m.driver.scanStart();
    started?.();
    await sleep(timeoutS * 1000);
    if (gone) throw new ModemError(gone);
    await m.driver.scanStop().catch(() => undefined);
  } catch (e) {
    throw e instanceof ModemError ? new OperationError(`the modem at ${serial} went away (${gone ?? e.message})`) : e;
  } finally {
    m.close();
  }
}

/** The air provisioner's choices (host/cli/engine.ts), and what the modem path needs besides. */
export interface SerialProvisionOptions extends Pick<EngineOptions, "netKey" | "netKeyIndex" | "ivIndex" | "oob" | "alg" | "action" | "size"> {
  serial: string;
  /** One device, or undefined for every device heard (--all). */
  uuid: Bytes | undefined;
  attentionDuration: number;
  links: number;
  attempts: number;
  /** Seconds: no beacon of `uuid` for this long, or (--all) no new device for this long, ends the run. */
  timeoutS: number;
  addresses: UnicastAllocator;
  person: AuthAgent;
  onPhase(uuid: Bytes, phase: Phase, detail: string): void;
  /** Each device's end: store it (and print it). */
  onOutcome(o: Outcome): void;
  /** With --all: which devices to take (default: all; the verb leaves out the database's nodes). */
  accept?(uuid: Bytes): boolean;
  onHeard?(uuid: Bytes): void;
}

/** The driver's phases in the air path's words (host/cli/engine.ts Phase). */
const PHASES: Record<string, Phase> = { link: "link", capabilities: "capabilities", "public-keys": "public keys", authentication: "authentication", data: "data", complete: "complete" };

const DETAILS: Record<string, string> = { link: "open", "public-keys": "exchanged in band (ECDH on this host)", data: "sent" };

/**
 * Provision through the modem: one device (`uuid`) or every one heard, `links` at once, each tried up to
 * `attempts` times; each device's outcome to onOutcome. Resolves with the outcomes when done; Ctrl-C closes
 * the open links (LINK_CLOSE) and rejects with "interrupted".
 */
export async function serialProvision(o: SerialProvisionOptions): Promise<Outcome[]> {
  const m = await openModem(o.serial);
  const { driver } = m;
  const outcomes: Outcome[] = [];
  /** Addresses given for each UUID's current attempt, and the element count a device asked for. */
  const ranges = new Map<string, { address: number; count: number }>();
  const elementsOf = new Map<string, number>();
  const methodOf = new Map<string, OobUseParams>();
  let lastNew = Date.now();
  /** Why the serial link ended, once it did. */
  let gone: string | undefined;
  let run: ProvisionAllRun | undefined;
  let interrupt = (): void => {};
  const stopped = new Promise<void>((resolve) => (interrupt = resolve));
  const onSignal = (): void => {
    process.stderr.write("interrupted: closing the link; the database is left as it was\n");
    interrupt();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  driver.onClosed = (why) => (gone = why);
  const lost = (why: string) => new OperationError(`the modem at ${o.serial} went away (${why})`);
  try {
    const policy = (key: string) => (caps: CapabilitiesFields): OobUseParams | undefined => {
      const r = ranges.get(key);
      if (r && caps.numberOfElements > r.count) {
        // PROVISION carried a range too small: the next attempt gets one of this size
        elementsOf.set(key, caps.numberOfElements);
        return undefined;
      }
      const choice = chooseOob(caps, { oob: o.oob, ...(o.alg !== "auto" ? { alg: o.alg } : {}), ...(o.action ? { action: o.action } : {}), ...(o.size !== undefined ? { size: o.size } : {}) });
      methodOf.set(key, choice);
      return choice;
    };
    const handlers = (uuid: Bytes): ProvisionHandlers => {
      const key = bytesToHex(uuid);
      return {
        oobPolicy: policy(key),
        attentionDuration: o.attentionDuration,
        staticOob: (length) => new Promise<Bytes>((answer, fail) => o.person.staticValue(uuid, length, answer, (reason) => fail(new Error(reason)))),
        input: (r) => new Promise<OobValue>((answer, fail) => o.person.deviceOutput(uuid, r.action, r.size, answer, (reason) => fail(new Error(reason)))),
        output: (r) => o.person.showInput(uuid, r.value, r.action),
        progress: (phase, caps) => o.onPhase(uuid, PHASES[phase]!, caps ? describeCapabilities(caps) : (DETAILS[phase] ?? "")),
      };
    };
    run = provisionAll(driver, {
      links: Math.min(o.links, driver.hello?.maxLinks ?? o.links),
      attempts: o.attempts,
      accept: (uuid) => {
        const key = bytesToHex(uuid);
        if (o.uuid ? key !== bytesToHex(o.uuid) : o.accept && !o.accept(uuid)) return false;
        if (!o.uuid) {
          lastNew = Date.now();
          o.onHeard?.(uuid);
        }
        return true;
      },
      data: (uuid) => {
        const key = bytesToHex(uuid);
        const count = elementsOf.get(key) ?? 1;
        const a = o.addresses.allocate(count);
        if (!a.ok) throw new OperationError(a.reason);
        ranges.set(key, a.range);
        return { networkKey: o.netKey, keyIndex: o.netKeyIndex, flags: { keyRefresh: false, ivUpdate: false }, ivIndex: o.ivIndex, unicastAddress: a.range.address };
      },
      handlers,
      onResult: (uuid, r, attempt) => {
        if (gone) return; // the modem is gone: one line for that, not one per device
        const key = bytesToHex(uuid);
        const range = ranges.get(key);
        ranges.delete(key);
        if (r instanceof Error) {
          if (range) o.addresses.release(range);
          const last = attempt >= o.attempts;
          if (!last) o.onPhase(uuid, "link", `failed (${r.message}); trying again`);
          else {
            const out: Outcome = { uuid, ok: false, reason: r.message, attempts: attempt };
            outcomes.push(out);
            o.onOutcome(out);
          }
          return;
        }
        const res: ProvisionResult = r;
        if (range && res.numberOfElements < range.count) {
          o.addresses.release(range);
          o.addresses.reserve({ address: range.address, count: res.numberOfElements });
        }
        const choice = methodOf.get(key);
        const secure = (choice?.method ?? AuthenticationMethod.NoOob) !== AuthenticationMethod.NoOob || choice?.publicKey === 1;
        const out: Outcome = { uuid, ok: true, unicastAddress: res.unicastAddress, elements: res.numberOfElements, deviceKey: res.deviceKey, security: secure ? "secure" : "insecure", attempts: attempt };
        outcomes.push(out);
        o.onOutcome(out);
      },
    });
    await driver.scanStart().catch((e: unknown) => {
      throw e instanceof ModemError && gone ? lost(gone) : e;
    });
    const t0 = Date.now();
    let stop = false;
    void stopped.then(() => (stop = true));
    for (;;) {
      if (stop || gone) break;
      if (o.uuid) {
        if (outcomes.length) break;
        if (run.running === 0 && Date.now() - t0 > o.timeoutS * 1000) break;
      } else if (run.running === 0 && Date.now() - lastNew > o.timeoutS * 1000) break;
      await Promise.race([sleep(100), stopped]);
    }
    run.stop();
    if (gone) throw lost(gone);
    if (stop) {
      // Ctrl-C: close the open links cleanly (LINK_CLOSE: PB-ADV Link Close, Mesh Protocol 1.1, 5.3.1.4.3)
      await Promise.all(run.active.map((u) => driver.abort(u).catch(() => undefined)));
      await sleep(300);
      m.close();
      process.exit(130); // as with --air (the database's lock goes with the process: host/cdb/store.ts)
    }
    await driver.scanStop().catch(() => undefined);
    if (o.uuid && !outcomes.length) throw new OperationError(`no beacon from ${bytesToHex(o.uuid)} was heard in ${o.timeoutS} s (is the device on, unprovisioned, and in range of the modem?)`);
    return outcomes;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    run?.stop();
    m.close();
  }
}

/**
 * For `meshprov config|onoff … --serial PATH` (the cli branch's verbs): the modem's mesh node as the
 * provisioner's own node (its address and device key from the database), its state kept beside the database
 * (`DB.modem.json`, host/serial/modem-state.ts) and restored into a modem that reset, the network's AppKeys
 * given to it, and `models` (a ConfigClient, a Generic OnOff Client…) attached on the host (host/serial/mesh-host.ts).
 * Their requests then work as on the provisioner's node on the air. One-line OperationErrors.
 */
export async function openModemMesh(
  serial: string,
  o: { dbPath: string; node: MeshSetup; appKeys: readonly { netKeyIndex: number; appKeyIndex: number; key: Bytes }[]; models: Model[] },
): Promise<{ driver: ModemDriver; element: ModemElement; close(): void }> {
  const m = await openModem(serial);
  const clock = new WallClock();
  try {
    const keeper = FileModemState.open(`${o.dbPath}.modem.json`, o.node);
    await m.driver.attachMesh(keeper);
    for (const k of o.appKeys) await m.driver.appKeySet(k.netKeyIndex, k.appKeyIndex, k.key);
    const element = new ModemElement({ driver: m.driver, clock, address: o.node.unicastAddress, netKeyIndex: o.node.netKeyIndex }, o.models);
    return {
      driver: m.driver,
      element,
      close: () => {
        element.close();
        m.close();
        clock.dispose();
      },
    };
  } catch (e) {
    m.close();
    clock.dispose();
    throw e instanceof ModemError ? new OperationError(`${serial}: ${e.message}`) : e;
  }
}
