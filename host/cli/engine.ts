/**
 * The provisioner of `meshprov provision` and of the provisioner benchmark: provisions the devices it is given
 * (or every one it hears) over PB-ADV, several links at once, on any Radio (a remote hub's, or an in-process
 * one), and reports each device's phases and outcome. It knows nothing of files or terminals: the caller gives
 * it an address plan and a person (AuthAgent) and stores the outcomes.
 *
 * Several links (issue 11):
 * - at most `links` links at once (1..16), first heard first served; a device that failed goes to the back of
 *   the queue after a random back-off and is tried at most `attempts` times, its last reason kept;
 * - every link has its own random Link ID (PB-ADV, Mesh Protocol 1.1, 5.3.2: the provisioner picks it; PbAdv
 *   draws it from `randomU32`, here the platform's random source);
 * - congestion control: a link that dies of a timeout (nothing heard: the air is busy, or the device is gone)
 *   halves the number of links allowed at once, each success adds one back (up to `links`), so collisions are
 *   answered with less traffic, never with more.
 */
import { AdvBearer, pbAdvBearer } from "../../modules/bearer/adv.js";
import { PbAdv, severalLinksAdv } from "../../modules/bearer/pb-adv.js";
import type { PbAdvOptions } from "../../modules/bearer/pb-adv.js";
import { LinkCloseReason } from "../../modules/bearer/bearer.js";
import type { DeviceBearer, LinkEvents, ProvLink, ProvisionerBearer } from "../../modules/bearer/bearer.js";
import type { UnicastAllocator } from "../../modules/prov/addresses.js";
import type { Bytes, Clock, CryptoPrimitives, Logger, Radio } from "../../modules/platform.js";
import { Provisioning } from "../../modules/prov/api.js";
import type { OobValue, ProvContext, ProvEvent } from "../../modules/prov/api.js";
import { provisionerRole } from "../../modules/prov/provisioner.js";
import { AuthenticationMethod, errorCodeName, OutputOobAction, PduType } from "../../modules/prov/pdu.js";
import type { CapabilitiesFields } from "../../modules/prov/pdu.js";
import { bytesToHex } from "../../modules/crypto/bytes.js";
import { readU16BE } from "../../modules/util/bytes.js";
import { chooseOob } from "../network.js";
import type { AlgChoice, OobChoice } from "../network.js";

export type Phase = "link" | "capabilities" | "public keys" | "authentication" | "data" | "complete";

/**
 * The person between the provisioner and the device (a terminal, a script, or a simulated person). The answers
 * come through callbacks, at any later time, so that a simulation whose clock runs without yielding to promise
 * jobs (host/air/scheduler.ts, in-process) gets them on time.
 */
export interface AuthAgent {
  /** The device's static OOB value (`length` bytes): `answer` it, or `fail` with the reason. */
  staticValue(uuid: Bytes, length: 16 | 32, answer: (v: Bytes) => void, fail: (reason: string) => void): void;
  /** Output OOB: what the device shows (blinks, beeps, displays). */
  deviceOutput(uuid: Bytes, action: number, size: number, answer: (v: OobValue) => void, fail: (reason: string) => void): void;
  /** Input OOB: what the person is to enter on the device. */
  showInput(uuid: Bytes, value: OobValue, action: number): void;
  /** The device's public key, read out of band (5.4.2.3), when the provisioner uses OOB public keys. */
  publicKey?(uuid: Bytes): Bytes | undefined;
}

export interface Outcome {
  uuid: Bytes;
  ok: boolean;
  unicastAddress?: number;
  elements?: number;
  deviceKey?: Bytes;
  security?: "secure" | "insecure";
  /** Why it failed (the last attempt's reason). */
  reason?: string;
  attempts: number;
}

export interface EngineOptions {
  radio: Radio;
  clock: Clock;
  crypto: CryptoPrimitives;
  logger?: Logger;
  netKey: Bytes;
  netKeyIndex: number;
  ivIndex: number;
  oob: OobChoice;
  alg: AlgChoice | "auto";
  action?: string;
  size?: number;
  /** Use a device's OOB public key when it offers one (auth.publicKey reads it). */
  oobPublicKey?: boolean;
  attentionDuration?: number;
  /** PB-ADV retransmission policy (modules/bearer/retransmit.ts; default adaptive). */
  retransmit?: PbAdvOptions["retransmit"];
  /** Links at once (1..16, default DEFAULT_LINKS). */
  links?: number;
  /** Tries per device (default 3). */
  attempts?: number;
  /** Back-off before a retry: uniform in [1, 2] x this x attempt number, ms (default 1000). */
  backoffMs?: number;
  /** The unicast addresses new nodes get (host/cdb/cdb.ts unicastAllocator: the database's free addresses). */
  addresses: UnicastAllocator;
  auth: AuthAgent;
  onPhase?(uuid: Bytes, phase: Phase, detail: string): void;
  onOutcome?(o: Outcome): void;
  /** Every provisioning event, before the engine acts on it (the simulator's records, the demo's story). */
  onEvent?(e: ProvEvent): void;
  /** Every Unprovisioned Device beacon heard (scan). */
  onBeacon?(uuid: Bytes, oobInfo: number, uriHash: Bytes | undefined, rssi: number): void;
}

interface Entry {
  uuid: Bytes;
  key: string;
  attempts: number;
  reason?: string;
  done: boolean;
}

interface Active {
  entry: Entry;
  ctx: ProvContext;
  link: ProvLink | undefined;
  method: number;
  publicKeyOob: boolean;
  closing: boolean;
  /** The person was asked (a prompt, or a value to enter): a failure then is not the air's, so no retry. */
  askedPerson: boolean;
  failedByPeer?: boolean;
  completed?: { deviceKey: Bytes; elements: number; address: number };
  failure?: string;
  abortReason?: string;
}

export const MAX_LINKS = 16;
/**
 * Links at once unless told otherwise: 10, as ESP-BLE-MESH's most. npm run bench:provisioner, 100 devices, no
 * loss: 4 links 26.8 s of simulated time, 8 links 18.7 s, 10 links 16.7 s (every device, no retry), the
 * issue's target being 20 s; at 10 % loss 33.2 s, 22.8 s, 20.3 s.
 */
export const DEFAULT_LINKS = 10;

export class ProvisionerEngine {
  readonly prov: Provisioning;
  private readonly entries = new Map<string, Entry>();
  private readonly queue: Entry[] = [];
  private readonly active = new Map<number, Active>();
  private readonly maxLinks: number;
  private window: number;
  private readonly attemptsMax: number;
  private acceptAll = false;
  private stopped = false;
  private readonly waiting = new Set<string>();
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly o: EngineOptions) {
    this.maxLinks = o.links ?? DEFAULT_LINKS;
    if (!Number.isInteger(this.maxLinks) || this.maxLinks < 1 || this.maxLinks > MAX_LINKS) throw new RangeError(`links must be 1..${MAX_LINKS}`);
    this.window = this.maxLinks;
    this.attemptsMax = o.attempts ?? 3;
    const adv = new AdvBearer(o.radio, o.clock, o.logger);
    // Link IDs and PB-ADV's random delays from the platform's random source
    const pbAdv = new PbAdv(adv, o.clock, o.crypto, {
      ...(o.logger ? { logger: o.logger } : {}),
      ...(o.retransmit ? { retransmit: o.retransmit } : {}),
      // several links share this one radio (modules/bearer/pb-adv.ts severalLinksAdv)
      ...severalLinksAdv(this.maxLinks),
    });
    this.prov = new Provisioning({
      crypto: o.crypto,
      clock: o.clock,
      bearers: [pbAdvBearer(this.observed(pbAdv), adv, o.clock)],
      roles: { provisioner: provisionerRole },
      addresses: o.addresses,
      ...(o.logger ? { logger: o.logger } : {}),
      unprovisionedReportIntervalMs: 1000,
      onEvent: (e) => this.event(e),
    });
  }

  /** Scan; provision `uuid` as soon as its beacon is heard. */
  add(uuid: Bytes): void {
    const key = bytesToHex(uuid);
    if (!this.entries.has(key)) this.waiting.add(key);
    this.prov.scanStart();
  }

  /** Scan; provision every device heard. */
  all(): void {
    this.acceptAll = true;
    this.prov.scanStart();
  }

  /** Scan only (onBeacon). */
  scan(): void {
    this.prov.scanStart();
  }

  /** True while a device is queued or being provisioned. */
  get busy(): boolean {
    return this.queue.length > 0 || this.active.size > 0;
  }

  /** How many devices were taken on so far (heard, and queued or provisioned or given up). */
  get handled(): number {
    return this.entries.size;
  }

  /** Close every open link (Link Close, reason Fail) and stop: Ctrl-C. Resolves when the links are closed. */
  async abort(reason: string, waitMs = 1500): Promise<void> {
    this.stopped = true;
    this.prov.scanStop();
    this.queue.length = 0;
    this.waiting.clear();
    for (const a of this.active.values()) {
      a.abortReason = reason;
      a.entry.attempts = this.attemptsMax;
      a.link?.close(LinkCloseReason.Fail);
    }
    if (!this.active.size) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, waitMs);
      this.idleWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** The provisioner bearer, observed: which link is whose, and the phases from the PDUs that pass. */
  private observed(pbAdv: PbAdv): DeviceBearer & ProvisionerBearer {
    return {
      listen: (uuid, events) => pbAdv.listen(uuid, events),
      stopListening: () => pbAdv.stopListening(),
      open: (uuid: Bytes, events: LinkEvents): ProvLink => {
        const a = this.opening;
        // The session sees only this wrapper (in open()'s result and in every event), so every PDU it sends passes here.
        const observedLink: ProvLink = {
          get linkId() {
            return link.linkId;
          },
          get uuid() {
            return link.uuid;
          },
          send: (pdu: Bytes, acked?: () => void) => {
            if (a) {
              if (pdu[0] === PduType.PublicKey) this.phase(a, "public keys", a.publicKeyOob ? "the device's key read out of band" : "exchanged in band");
              else if (pdu[0] === PduType.Confirmation) this.phase(a, "authentication", methodName(a.method));
              else if (pdu[0] === PduType.Data) this.phase(a, "data", "sent");
            }
            link.send(pdu, acked);
          },
          close: (reason) => link.close(reason),
        };
        const link: ProvLink = pbAdv.open(uuid, {
          opened: () => events.opened(observedLink),
          received: (_l, pdu) => {
            if (a && pdu[0] === PduType.Complete) this.phase(a, "complete", "");
            events.received(observedLink, pdu);
          },
          closed: (_l, reason, byPeer) => events.closed(observedLink, reason, byPeer),
        });
        if (a) a.link = observedLink;
        return observedLink;
      },
    };
  }

  private phase(a: Active, p: Phase, detail: string): void {
    this.o.onPhase?.(a.entry.uuid, p, detail);
  }

  private event(e: ProvEvent): void {
    this.o.onEvent?.(e);
    if (e.type === "unprovisioned-received") {
      this.o.onBeacon?.(e.uuid, e.oobInfo, e.uriHash, e.rssi);
      const key = bytesToHex(e.uuid);
      if (this.entries.has(key) || (!this.acceptAll && !this.waiting.has(key))) return;
      this.waiting.delete(key);
      const entry: Entry = { uuid: e.uuid.slice(), key, attempts: 0, done: false };
      this.entries.set(key, entry);
      this.queue.push(entry);
      this.pump();
      return;
    }
    if (!("ctx" in e)) return;
    const a = this.active.get(e.ctx.id);
    if (!a) return;
    try {
      this.session(a, e);
    } catch (err) {
      this.abortOne(a, err instanceof Error ? err.message : String(err));
    }
  }

  private session(a: Active, e: ProvEvent): void {
    const prov = this.prov;
    switch (e.type) {
      case "link-established":
        this.phase(a, "link", "open");
        return;
      case "capabilities-received": {
        const c = e.capabilities;
        this.phase(a, "capabilities", describeCapabilities(c));
        const choice = chooseOob(c, {
          oob: this.o.oob,
          ...(this.o.alg !== "auto" ? { alg: this.o.alg } : {}),
          ...(this.o.action ? { action: this.o.action } : {}),
          ...(this.o.size !== undefined ? { size: this.o.size } : {}),
          ...(this.o.oobPublicKey ? { oobPublicKey: true } : {}),
        });
        const offered = offers(c, choice.method, choice.action, choice.algorithm);
        if (offered) {
          this.abortOne(a, offered);
          return;
        }
        a.method = choice.method;
        a.publicKeyOob = choice.publicKey === 1;
        prov.oobUse(e.ctx, choice);
        return;
      }
      case "oob-pubkey-request": {
        const key = this.o.auth.publicKey?.(a.entry.uuid);
        if (key) prov.oobPublicKeyProvide(e.ctx, key);
        else this.abortOne(a, "the device's OOB public key is not known");
        return;
      }
      case "static-request":
        a.askedPerson = true;
        this.o.auth.staticValue(
          a.entry.uuid,
          e.length,
          (v) => this.answer(a, e.ctx, v),
          (reason) => this.abortOne(a, reason),
        );
        return;
      case "input-request":
        a.askedPerson = true;
        this.o.auth.deviceOutput(
          a.entry.uuid,
          e.action,
          e.size,
          (v) => this.answer(a, e.ctx, v),
          (reason) => this.abortOne(a, reason),
        );
        return;
      case "output-request":
        a.askedPerson = true;
        this.o.auth.showInput(a.entry.uuid, e.value, e.action);
        return;
      case "complete":
        a.completed = { deviceKey: e.deviceKey.slice(), elements: e.numberOfElements, address: e.unicastAddress };
        return;
      case "failed":
        a.failure ??= `${errorCodeName(e.code)}${e.byPeer ? " (reported by the device)" : ""}: ${e.reason}`;
        if (e.byPeer) a.failedByPeer = true;
        return;
      case "link-closed":
        this.finish(a, e.reason);
        return;
      default:
        return;
    }
  }

  private answer(a: Active, ctx: ProvContext, v: Bytes | OobValue): void {
    if (!this.prov.activeContexts().includes(ctx)) return;
    try {
      this.prov.authDataProvide(ctx, v);
    } catch (err) {
      this.abortOne(a, err instanceof Error ? err.message : String(err));
    }
  }

  private abortOne(a: Active, reason: string): void {
    a.abortReason ??= reason;
    a.entry.attempts = this.attemptsMax; // the same answer next time: do not retry
    if (a.link && !a.closing) {
      a.closing = true;
      a.link.close(LinkCloseReason.Fail);
    }
  }

  private finish(a: Active, closeReason: string): void {
    this.active.delete(a.ctx.id);
    const entry = a.entry;
    if (a.completed && closeReason === "success") {
      this.window = Math.min(this.maxLinks, this.window + 1);
      entry.done = true;
      const outcome: Outcome = {
        uuid: entry.uuid,
        ok: true,
        unicastAddress: a.completed.address,
        elements: a.completed.elements,
        deviceKey: a.completed.deviceKey,
        security: a.method !== AuthenticationMethod.NoOob || a.publicKeyOob ? "secure" : "insecure",
        attempts: entry.attempts,
      };
      this.o.onOutcome?.(outcome);
    } else {
      if (closeReason === "timeout") this.window = Math.max(1, Math.floor(this.window / 2));
      entry.reason = a.abortReason ?? a.failure ?? (closeReason === "timeout" ? "the device stopped answering (link timeout)" : `the link closed (${closeReason})`);
      // Retry what the air may have caused (a link that timed out or closed), not a refusal by the device or the
      // person's answer (Provisioning Failed, a wrong value, no answer in time): those would only repeat.
      const airFault = !a.failedByPeer && a.abortReason === undefined && !a.askedPerson && (closeReason === "timeout" || a.failure === undefined);
      if (airFault && entry.attempts < this.attemptsMax) {
        const delay = (1 + this.unit()) * (this.o.backoffMs ?? 1000) * entry.attempts;
        this.o.clock.setTimeout(() => {
          this.queue.push(entry);
          this.pump();
        }, delay);
        this.o.onPhase?.(entry.uuid, "link", `failed (${entry.reason}); trying again in ${(delay / 1000).toFixed(1)} s`);
        return;
      }
      entry.done = true;
      this.o.onOutcome?.({ uuid: entry.uuid, ok: false, reason: entry.reason, attempts: entry.attempts });
    }
    this.pump();
    if (!this.busy) for (const w of this.idleWaiters.splice(0)) w();
  }

  private unit(): number {
    return readU16BE(this.o.crypto.randomBytes(2), 0) / 0x10000;
  }

  /** Start links while the window allows. */
  private pump(): void {
    while (!this.stopped && this.active.size < this.window && this.queue.length > 0) {
      const entry = this.queue.shift()!;
      entry.attempts++;
      const a: Active = { entry, ctx: undefined as unknown as ProvContext, link: undefined, method: 0, publicKeyOob: false, closing: false, askedPerson: false };
      this.opening = a;
      try {
        a.ctx = this.prov.provision(
          entry.uuid,
          {
            networkKey: this.o.netKey,
            keyIndex: this.o.netKeyIndex,
            flags: { keyRefresh: false, ivUpdate: false },
            ivIndex: this.o.ivIndex,
            // no unicastAddress: the allocator gives the device its range once Capabilities tell its element count
          },
          { attentionDuration: this.o.attentionDuration ?? 0 },
        );
      } finally {
        this.opening = undefined;
      }
      this.active.set(a.ctx.id, a);
    }
  }

  /** The device whose link provision() is opening (the bearer's open() runs inside provision()). */
  private opening: Active | undefined;
}

function methodName(m: number): string {
  return ["no OOB", "static OOB", "output OOB", "input OOB"][m] ?? `method ${m}`;
}

/** The provisioner's choice against what the device offers (Mesh Protocol 1.1, 5.4.1.3: Start fields a Capabilities PDU allows). */
function offers(c: CapabilitiesFields, method: number, action: number, algorithm: number): string | null {
  if (!(c.algorithms & (1 << algorithm))) return `the device does not offer the ${algorithm === 1 ? "HMAC" : "CMAC"} algorithm`;
  if (method === AuthenticationMethod.StaticOob && !(c.oobType & 1)) return "the device offers no static OOB";
  if (method === AuthenticationMethod.OutputOob && !(c.outputOobAction & (1 << action))) return "the device does not offer that output OOB action";
  if (method === AuthenticationMethod.InputOob && !(c.inputOobAction & (1 << action))) return "the device does not offer that input OOB action";
  return null;
}

export function describeCapabilities(c: CapabilitiesFields): string {
  const out: string[] = [`${c.numberOfElements} element${c.numberOfElements === 1 ? "" : "s"}`];
  const algs = [c.algorithms & 1 ? "CMAC" : "", c.algorithms & 2 ? "HMAC" : ""].filter(Boolean).join("+");
  out.push(algs);
  if (c.oobType & 1) out.push("static OOB");
  if (c.outputOobAction) out.push(`output OOB (${actionNames(c.outputOobAction, OUTPUT_NAMES)}, size ${c.outputOobSize})`);
  if (c.inputOobAction) out.push(`input OOB (${actionNames(c.inputOobAction, INPUT_NAMES)}, size ${c.inputOobSize})`);
  if (c.publicKeyType & 1) out.push("OOB public key");
  return out.join(", ");
}

export const OUTPUT_NAMES = ["blink", "beep", "vibrate", "numeric", "alphanumeric"];
/** What a person sees a device do for each Output OOB action (5.4.1.2, Output OOB Action field). */
export const OUTPUT_VERBS = ["blinks", "beeps", "vibrates", "shows", "shows"];
export const INPUT_NAMES = ["push", "twist", "numeric", "alphanumeric"];
const actionNames = (bits: number, names: string[]): string => names.filter((_, i) => bits & (1 << i)).join("/");

/** An OOB value typed by a person, as the stack takes it: a string for alphanumeric actions, else a number. */
export function oobValueOf(text: string, alphanumeric: boolean): OobValue | null {
  const t = text.trim();
  if (alphanumeric) return /^[0-9A-Za-z]{1,8}$/.test(t) ? t.toUpperCase() : null;
  return /^\d{1,8}$/.test(t) ? Number(t) : null;
}

export const isAlphanumericOutput = (action: number): boolean => action === OutputOobAction.OutputAlphanumeric;
