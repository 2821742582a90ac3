/**
 * The host side of a mesh modem (docs/serial-protocol.md): the version handshake, commands with credits,
 * timeouts and one retransmission, events, host liveness (PING), and provisioning through the modem with
 * the ECDH on the host (§2.3): the host makes and keeps each link's key pair, answers ECDH_REQUEST with the
 * secret, and derives the DeviceKey itself from COMPLETE's Randoms. Several links at once.
 *
 * Transport-neutral: bytes go out through `write`, come in through `receive()`, and `transportClosed()`
 * ends everything; host/serial/transport.ts connects it to a pty, a tty or TCP.
 */
import type { Bytes, Clock, CryptoPrimitives, Logger, TimerHandle } from "../../modules/platform.js";
import { FrameDecoder, FrameType, encodeFrame } from "../../modules/serial/frame.js";
import type { Frame } from "../../modules/serial/frame.js";
import {
  LINK_CLOSED_REASONS,

  PROTOCOL_MAJOR,
  PROTOCOL_MINOR,
  REPLAY_EVENTS,
  ResetReason,
  Status,
  Ev,
  decodeEvent,
  decodeHelloResult,
  encodeCommand,
  opName,
  reasonText,
  statusName,
} from "../../modules/serial/protocol.js";
import type { Command, HelloResult, MeshMessage, MeshSend, MeshSetup, ModemEvent, NetStateResult } from "../../modules/serial/protocol.js";
import { RoleBits, SEND_RESULTS, decodeNetState } from "../../modules/serial/protocol.js";
import { MeshCrypto } from "../../modules/crypto/mesh.js";
import { ConfirmationInputs } from "../../modules/prov/common.js";
import type { OobUseParams, OobValue, P256KeyPair, ProvisioningData } from "../../modules/prov/api.js";
import type { OobPolicy } from "../../modules/prov/common.js";
import { PduType, decodePdu, encodePdu } from "../../modules/prov/pdu.js";
import type { CapabilitiesFields } from "../../modules/prov/pdu.js";
import { autoOobPolicy } from "../../modules/prov/provisioner.js";
import { bytesToHex } from "../../modules/crypto/bytes.js";

/** A modem that cannot be used: dead, wrong version, or a refused command. The message is one line. */
export class ModemError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "ModemError";
  }
}

export interface ModemDriverOptions {
  write: (bytes: Bytes) => void;
  /** Timeouts and PINGs. */
  clock: Clock;
  /** The host's P-256 (key pairs, ECDH), and the toolbox for the DeviceKey. */
  crypto: CryptoPrimitives;
  /** Per attempt (default 1000 ms, §1.6). */
  commandTimeoutMs?: number;
  /** Retransmissions of a command whose response did not come (default 1). */
  retries?: number;
  /** Asked of the modem in HELLO (default 5000 ms; 0 disables it and the PINGs). */
  hostTimeoutMs?: number;
  logger?: Logger;
}

/** The host's answers for one device; each may be async (a person types it). */
export interface ProvisionHandlers {
  /** Choose the Start fields (default: autoOobPolicy()). */
  oobPolicy?: OobPolicy;
  staticOob?: (length: 16 | 32) => Bytes | Promise<Bytes>;
  /** Output OOB: what the device showed (a person reads it). */
  input?: (request: { method: number; action: number; size: number }) => OobValue | Promise<OobValue>;
  /** Input OOB: the value to show the person, who enters it into the device. */
  output?: (request: { method: number; action: number; size: number; value: OobValue }) => void;
  oobPublicKey?: () => Bytes | Promise<Bytes>;
  /** Progress of the link (one line per phase for the command line). */
  progress?: (phase: "link" | "capabilities" | "public-keys" | "authentication" | "data" | "complete", capabilities?: CapabilitiesFields) => void;
  attentionDuration?: number;
}

export interface ProvisionResult {
  uuid: Bytes;
  unicastAddress: number;
  numberOfElements: number;
  deviceKey: Bytes;
  capabilities: CapabilitiesFields;
  algorithm: number;
  method: number;
}

/** Why a provisioning through the modem ended without a device. */
export class ProvisionFailed extends Error {
  constructor(
    message: string,
    readonly code: number | null,
    readonly closeReason: string | null,
  ) {
    super(message);
    this.name = "ProvisionFailed";
  }
}

/**
 * Where the host keeps the modem's mesh state (docs/serial-protocol.md §3.5): the node's identity for NET_SETUP
 * and the records its STORE events carried (host/serial/modem-state.ts keeps them in a file beside the database).
 */
export interface MeshStateKeeper {
  /** The modem node's identity: the same for every NET_SETUP (its records are bound to it). */
  setup(): MeshSetup;
  /** The records of the last STORE events, by key. */
  records(): ReadonlyMap<string, Bytes>;
  /** A STORE event (value undefined: removed); kept durably before this returns. */
  store(key: string, value: Bytes | undefined): void;
}

interface Pending {
  /** Sent ahead of the others, and while the driver restores a reset modem (§3.5). */
  priority: boolean;
  seq: number;
  code: number;
  frame: Bytes;
  attempts: number;
  timer: TimerHandle | undefined;
  resolve: (result: Bytes) => void;
  reject: (e: Error) => void;
}

interface HostLink {
  uuid: Bytes;
  keyPair: P256KeyPair;
  attention: number;
  handlers: ProvisionHandlers;
  capabilitiesRaw?: Bytes;
  capabilities?: CapabilitiesFields;
  start?: OobUseParams;
  peerPublicKey?: Bytes;
  secret?: Bytes;
  result?: ProvisionResult;
  failure?: { code: number; reason: string };
  /** Why the host closed the link itself. */
  stopped?: string;
  resolve: (r: ProvisionResult) => void;
  reject: (e: Error) => void;
}

export class ModemDriver {
  private readonly decoder: FrameDecoder;
  private readonly mesh: MeshCrypto;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly hostTimeoutMs: number;
  private seq = 0;
  private credits = 1;
  private readonly inFlight = new Map<number, Pending>();
  private readonly queue: Pending[] = [];
  private readonly links = new Map<number, HostLink>();
  private pingTimer: TimerHandle | undefined;
  private expectedSeq: number | undefined;
  private readonly held = new Map<number, Frame>();
  private replaying = false;
  private closed = false;
  hello: HelloResult | undefined;
  /** Every event, decoded (the command line prints scans from here). */
  onEvent: ((e: ModemEvent) => void) | undefined;
  /** Events lost on the wire for good (not recovered by REPLAY). */
  lostEvents = 0;
  /** The serial link ended (the modem died, the cable was pulled): told once, with a one-line reason. */
  onClosed: ((reason: string) => void) | undefined;
  /** Mesh messages the modem's node received (§3.5 MESSAGE). */
  onMessage: ((m: MeshMessage) => void) | undefined;
  /** How many times a reset modem's mesh state was restored. */
  restores = 0;
  private keeper: MeshStateKeeper | undefined;
  /** A reset modem is being greeted and restored: only priority commands go out. */
  private recovering = false;
  private sendTag = 0;
  private readonly sends = new Map<number, (result: string) => void>();

  constructor(private readonly o: ModemDriverOptions) {
    this.mesh = new MeshCrypto(o.crypto);
    this.timeoutMs = o.commandTimeoutMs ?? 1000;
    this.retries = o.retries ?? 1;
    this.hostTimeoutMs = o.hostTimeoutMs ?? 5000;
    this.decoder = new FrameDecoder(
      [FrameType.Response, FrameType.Event],
      (f) => this.onFrame(f),
      (r) => this.log("warn", "dropped a frame from the modem (reason " + r + ")"),
    );
  }

  receive(bytes: Bytes): void {
    this.decoder.push(bytes);
  }

  /** The transport ended: every command and link fails with one clear line. */
  transportClosed(reason = "the serial link closed"): void {
    if (this.closed) return;
    this.closed = true;
    this.stopPing();
    const e = new ModemError(reason);
    for (const p of [...this.inFlight.values(), ...this.queue]) {
      if (p.timer !== undefined) this.o.clock.clearTimeout(p.timer);
      p.reject(e);
    }
    this.inFlight.clear();
    this.queue.length = 0;
    this.dropLinks(reason);
    for (const done of this.sends.values()) done("failed");
    this.sends.clear();
    this.onClosed?.(reason);
  }

  /** Greet the modem (§1.8): one line on a dead or wrong-version modem. */
  async connect(): Promise<HelloResult> {
    this.o.write(Uint8Array.of(0));
    let result: Bytes;
    try {
      result = await this.command({ op: "hello", major: PROTOCOL_MAJOR, minor: PROTOCOL_MINOR, hostTimeoutMs: this.hostTimeoutMs });
    } catch (e) {
      if (e instanceof ModemError && e.status === Status.VersionMismatch) throw e;
      if (e instanceof ModemError && e.status === undefined) throw new ModemError("no modem answers on this serial link (" + e.message + ")");
      throw e;
    }
    const h = decodeHelloResult(result);
    this.hello = h;
    this.credits = Math.max(1, h.credits);
    this.schedulePing();
    return h;
  }

  /** Close the driver's timers (the transport is closed by its owner). */
  close(): void {
    this.transportClosed("the driver was closed");
  }

  // ---- commands ----

  /** Send one command; resolves with the result bytes after an OK status, rejects with ModemError. */
  command(c: Command, priority = false): Promise<Bytes> {
    if (this.closed) return Promise.reject(new ModemError("the serial link is closed"));
    const { code, payload } = encodeCommand(c);
    const seq = this.seq;
    this.seq = (seq + 1) & 0xff;
    return new Promise<Bytes>((resolve, reject) => {
      const p: Pending = { priority, seq, code, frame: encodeFrame({ type: FrameType.Command, seq, code, payload }), attempts: 0, timer: undefined, resolve, reject };
      if (priority) {
        let at = 0;
        while (at < this.queue.length && this.queue[at]!.priority) at++;
        this.queue.splice(at, 0, p);
      } else this.queue.push(p);
      this.pump();
    });
  }

  /** Send queued commands while credits allow (§1.7). */
  private pump(): void {
    while (this.queue.length && this.inFlight.size < this.credits) {
      if (this.recovering && !this.queue[0]!.priority) return;
      const p = this.queue.shift()!;
      this.inFlight.set(p.seq, p);
      this.transmit(p);
    }
  }

  private transmit(p: Pending): void {
    p.attempts++;
    this.o.write(p.frame);
    this.schedulePing();
    p.timer = this.o.clock.setTimeout(() => {
      p.timer = undefined;
      if (p.attempts <= this.retries) {
        this.log("warn", `${opName(p.code)} unanswered, sending it again`);
        this.transmit(p);
        return;
      }
      this.inFlight.delete(p.seq);
      p.reject(new ModemError(`the modem did not answer ${opName(p.code)} within ${this.timeoutMs} ms`));
      this.pump();
    }, this.timeoutMs);
  }

  private onFrame(f: Frame): void {
    if (f.type === FrameType.Response) {
      const p = this.inFlight.get(f.seq);
      if (!p || p.code !== f.code) return; // a late duplicate
      this.inFlight.delete(f.seq);
      if (p.timer !== undefined) this.o.clock.clearTimeout(p.timer);
      const status = f.payload[0] ?? Status.InternalError;
      const rest = f.payload.slice(1);
      if (status === Status.Ok) p.resolve(rest);
      else if (status === Status.VersionMismatch) {
        const m = rest.length >= 2 ? `${rest[0]}.${rest[1]}` : "another version";
        p.reject(new ModemError(`the modem speaks serial protocol ${m}, this host ${PROTOCOL_MAJOR}.${PROTOCOL_MINOR}`, status));
      } else p.reject(new ModemError(`the modem refused ${opName(f.code)}: ${statusName(status)}${rest.length ? " (" + reasonText(rest) + ")" : ""}`, status));
      this.pump();
      return;
    }
    this.eventFrame(f);
  }

  // ---- events in order, lost ones asked again (§1.6) ----

  /** An event frame: in sequence it is handled (then any held ones that follow); ahead of a gap it waits for REPLAY. */
  private eventFrame(f: Frame): void {
    if (this.expectedSeq === undefined || f.code === Ev.Started) {
      // the first event, or a modem that (re)started: its numbering starts again
      this.expectedSeq = f.seq;
      this.held.clear();
    }
    const ahead = (f.seq - this.expectedSeq) & 0xff;
    if (ahead >= 128) return; // a replayed event already handled
    if (ahead > 0) {
      this.held.set(f.seq, f);
      if (this.held.size > REPLAY_EVENTS) this.giveUpGap();
      else this.askReplay();
      return;
    }
    this.handleEvent(f);
    this.expectedSeq = (f.seq + 1) & 0xff;
    for (let next = this.held.get(this.expectedSeq); next; next = this.held.get(this.expectedSeq)) {
      this.held.delete(next.seq);
      this.handleEvent(next);
      this.expectedSeq = (next.seq + 1) & 0xff;
    }
  }

  private askReplay(): void {
    if (this.replaying || this.expectedSeq === undefined || this.closed) return;
    this.replaying = true;
    const from = this.expectedSeq;
    this.log("warn", `events from the modem were lost; asking for them again from ${from}`);
    this.command({ op: "replay", fromSeq: from }).then(
      () => {
        this.replaying = false;
        // the replayed frames came right after the response; if the gap is still there, they were lost again
        if (this.expectedSeq === from && this.held.size) this.askReplay();
      },
      () => {
        this.replaying = false;
        if (this.expectedSeq === from) this.giveUpGap();
      },
    );
  }

  /** The missing events cannot be had: count them and go on with the held ones. */
  private giveUpGap(): void {
    if (this.expectedSeq === undefined || !this.held.size) return;
    let first = 256;
    for (const seq of this.held.keys()) first = Math.min(first, (seq - this.expectedSeq) & 0xff);
    this.lostEvents += first;
    this.log("warn", `${first} event(s) from the modem are lost`);
    this.expectedSeq = (this.expectedSeq + first) & 0xff;
    const next = this.held.get(this.expectedSeq)!;
    this.held.delete(next.seq);
    this.eventFrame(next);
  }

  /** PING tells the modem's next event number: events lost at the end show up here. */
  private checkTail(nextSeq: number | undefined): void {
    if (nextSeq === undefined || this.expectedSeq === undefined || nextSeq === this.expectedSeq) return;
    if (((nextSeq - this.expectedSeq) & 0xff) < 128) this.askReplay();
  }

  private handleEvent(f: Frame): void {
    const e = decodeEvent(f.code, f.payload);
    if (!e) {
      this.log("warn", `unknown or malformed event 0x${f.code.toString(16)}`);
      return;
    }
    if (e.ev === "started" && this.hello) this.modemRestarted(e.resetReason);
    if (e.ev === "store") this.keeper?.store(e.key, e.value);
    if (e.ev === "send-done") {
      const done = this.sends.get(e.tag);
      this.sends.delete(e.tag);
      done?.(SEND_RESULTS[e.result] ?? "failed");
    }
    if (e.ev === "message") {
      const { ev: _ev, ...m } = e;
      try {
        this.onMessage?.(m);
      } catch (err) {
        this.log("error", "onMessage threw: " + (err instanceof Error ? err.message : String(err)));
      }
    }
    try {
      this.onEvent?.(e);
    } catch (err) {
      this.log("error", "onEvent threw: " + (err instanceof Error ? err.message : String(err)));
    }
    this.linkEvent(e);
  }

  /**
   * STARTED after HELLO: the modem reset (or decided the host was gone) and forgot its links. Each
   * provisioning ends with one line; the host greets it again with connect().
   */
  private modemRestarted(reason: number): void {
    const why = reason === ResetReason.HostGone ? "the modem decided this host was gone (no command within hostTimeoutMs)" : "the modem restarted";
    this.log("warn", why);
    this.hello = undefined;
    this.stopPing();
    this.dropLinks(why + "; the link is lost");
    for (const done of this.sends.values()) done("failed");
    this.sends.clear();
    if (this.keeper && !this.recovering) {
      this.recovering = true;
      void this.recover();
    }
  }

  /**
   * A modem that reset, greeted again and given its mesh state back before anything else is sent (§3.5): HELLO,
   * RESTORE of every record, NET_SETUP. Commands sent meanwhile wait; a failure ends the link (one line).
   */
  private async recover(): Promise<void> {
    try {
      const h = decodeHelloResult(await this.command({ op: "hello", major: PROTOCOL_MAJOR, minor: PROTOCOL_MINOR, hostTimeoutMs: this.hostTimeoutMs }, true));
      this.hello = h;
      this.credits = Math.max(1, h.credits);
      this.schedulePing();
      await this.ensureMesh(true);
      this.restores++;
      this.log("warn", "the modem reset: greeted again and its mesh state restored");
    } catch (e) {
      this.transportClosed(`the modem reset and could not be restored: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.recovering = false;
      this.pump();
    }
  }

  // ---- the mesh node (§3.5) ----

  /**
   * Use the modem's mesh node with the state `keeper` holds: when the modem's node is not set up (a modem that
   * reset, or a new one), its records are given back (RESTORE) and NET_SETUP builds it; from then on a modem
   * reset is restored the same way before any other command. Resolves with the node's IV index and SEQ.
   */
  async attachMesh(keeper: MeshStateKeeper): Promise<NetStateResult> {
    if (this.hello && !(this.hello.roles & RoleBits.Mesh)) throw new ModemError("this modem has no mesh node (a provisioning-only modem)");
    this.keeper = keeper;
    return this.ensureMesh(false);
  }

  private async ensureMesh(priority: boolean): Promise<NetStateResult> {
    const keeper = this.keeper!;
    try {
      return decodeNetState(await this.command({ op: "net-state-get" }, priority));
    } catch (e) {
      if (!(e instanceof ModemError && e.status === Status.InvalidState)) throw e;
    }
    for (const [key, value] of keeper.records()) await this.command({ op: "restore", key, value }, priority);
    await this.command({ op: "net-setup", setup: keeper.setup() }, priority);
    return decodeNetState(await this.command({ op: "net-state-get" }, priority));
  }

  /** The modem node's IV index and next SEQ. */
  async netState(): Promise<NetStateResult> {
    return decodeNetState(await this.command({ op: "net-state-get" }));
  }

  /** Give the modem's node an AppKey (kept in its records, so restored after a reset). */
  async appKeySet(netKeyIndex: number, appKeyIndex: number, appKey: Bytes): Promise<void> {
    await this.command({ op: "app-key-set", netKeyIndex, appKeyIndex, appKey });
  }

  /** Send a mesh message from the modem's node; resolves with its result ("sent", "acked", "failed", "not-sent"). */
  async sendMesh(m: MeshSend): Promise<(typeof SEND_RESULTS)[number]> {
    const tag = this.sendTag;
    this.sendTag = (tag + 1) & 0xffff;
    const done = new Promise<(typeof SEND_RESULTS)[number]>((resolve) => this.sends.set(tag, resolve as (r: string) => void));
    try {
      await this.command({ op: "send", tag, send: m });
    } catch (e) {
      this.sends.delete(tag);
      throw e;
    }
    return done;
  }

  /** Every link ends with `reason`, its private key and secret wiped. */
  private dropLinks(reason: string): void {
    for (const l of this.links.values()) {
      l.keyPair.privateKey.fill(0);
      l.secret?.fill(0);
      l.reject(new ProvisionFailed(reason, null, null));
    }
    this.links.clear();
  }

  // ---- liveness ----

  private schedulePing(): void {
    this.stopPing();
    if (!this.hostTimeoutMs || !this.hello || this.closed) return;
    this.pingTimer = this.o.clock.setTimeout(() => {
      this.pingTimer = undefined;
      this.command({ op: "ping" }).then(
        (r) => this.checkTail(r[0]),
        (e: Error) => this.log("warn", "PING: " + e.message),
      );
    }, Math.max(1, Math.floor(this.hostTimeoutMs / 3)));
  }

  private stopPing(): void {
    if (this.pingTimer !== undefined) this.o.clock.clearTimeout(this.pingTimer);
    this.pingTimer = undefined;
  }

  // ---- provisioning with the ECDH on the host ----

  scanStart(): Promise<Bytes> {
    return this.command({ op: "scan-start" });
  }

  scanStop(): Promise<Bytes> {
    return this.command({ op: "scan-stop" });
  }

  /** Links open now. */
  get openLinks(): number {
    return this.links.size;
  }

  /**
   * Provision the device `uuid` with `data` through the modem. Resolves when the device is provisioned
   * (its DeviceKey derived here), rejects with ProvisionFailed otherwise.
   */
  async provision(uuid: Bytes, data: ProvisioningData, handlers: ProvisionHandlers = {}): Promise<ProvisionResult> {
    const keyPair = this.o.crypto.p256GenerateKeyPair();
    const attention = handlers.attentionDuration ?? 0;
    let ctx: number;
    try {
      const r = await this.command({ op: "provision", uuid, attentionDuration: attention, publicKey: keyPair.publicKey, data });
      ctx = r[0]! | (r[1]! << 8);
    } catch (e) {
      keyPair.privateKey.fill(0);
      throw e;
    }
    return new Promise<ProvisionResult>((resolve, reject) => {
      this.links.set(ctx, { uuid: uuid.slice(), keyPair, attention, handlers, resolve, reject });
    });
  }

  /** Close a link (Ctrl-C): LINK_CLOSE, then the provisioning rejects with the link's end. */
  abort(uuid: Bytes): Promise<void> {
    for (const [ctx, l] of this.links) if (bytesToHex(l.uuid) === bytesToHex(uuid)) return this.command({ op: "link-close", ctx }).then(() => undefined);
    return Promise.resolve();
  }

  private linkEvent(e: ModemEvent): void {
    if (!("ctx" in e)) return;
    const ctx = e.ctx;
    const l = this.links.get(ctx);
    if (!l) return;
    const fail = (why: string) => {
      this.log("warn", `link ${ctx}: ${why}`);
      l.stopped ??= why;
      this.command({ op: "link-close", ctx }).catch(() => undefined);
    };
    const step = (f: () => void | Promise<void>) => {
      Promise.resolve()
        .then(f)
        .catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
    };
    switch (e.ev) {
      case "link-established":
        l.handlers.progress?.("link");
        return;
      case "capabilities": {
        const d = decodePdu(Uint8Array.of(PduType.Capabilities, ...e.capabilities));
        if (!d.ok || d.pdu.type !== PduType.Capabilities) return fail("malformed CAPABILITIES");
        const { type: _t, ...caps } = d.pdu;
        l.capabilitiesRaw = e.capabilities;
        l.capabilities = caps;
        l.handlers.progress?.("capabilities", caps);
        const choice = (l.handlers.oobPolicy ?? autoOobPolicy())(caps);
        if (!choice) return fail("no acceptable OOB method");
        l.start = choice;
        step(async () => {
          await this.command({ op: "oob-use", ctx, params: choice });
          if (!choice.publicKey) l.handlers.progress?.("public-keys");
        });
        return;
      }
      case "oob-pubkey-request":
        step(async () => {
          if (!l.handlers.oobPublicKey) throw new Error("the device's public key is OOB and no key was given");
          await this.command({ op: "oob-pubkey", ctx, publicKey: await l.handlers.oobPublicKey() });
          l.handlers.progress?.("public-keys");
        });
        return;
      case "ecdh-request":
        step(async () => {
          l.peerPublicKey = e.peerPublicKey;
          l.secret = this.o.crypto.p256Ecdh(l.keyPair.privateKey, e.peerPublicKey);
          await this.command({ op: "ecdh-secret", ctx, secret: l.secret });
          if (l.start?.method === 0) l.handlers.progress?.("authentication");
        });
        return;
      case "static-request":
        step(async () => {
          if (!l.handlers.staticOob) throw new Error("static OOB asked and no value was given");
          await this.command({ op: "auth-data", ctx, value: await l.handlers.staticOob(e.length === 32 ? 32 : 16) });
          l.handlers.progress?.("authentication");
        });
        return;
      case "input-request":
        step(async () => {
          if (!l.handlers.input) throw new Error("the device shows a value and nobody enters it");
          await this.command({ op: "auth-data", ctx, value: await l.handlers.input(e) });
          l.handlers.progress?.("authentication");
        });
        return;
      case "output-request":
        if (!l.handlers.output) return fail("a value is to be shown and nobody shows it");
        l.handlers.output(e);
        return;
      case "complete":
        try {
          l.result = this.deriveResult(l, e);
          l.handlers.progress?.("data");
          l.handlers.progress?.("complete");
        } catch (err) {
          fail("cannot derive the DeviceKey: " + (err instanceof Error ? err.message : String(err)));
        }
        return;
      case "failed":
        l.failure = { code: e.code, reason: e.reason };
        return;
      case "link-closed": {
        this.links.delete(ctx);
        l.keyPair.privateKey.fill(0);
        l.secret?.fill(0);
        const reason = LINK_CLOSED_REASONS[e.reason] ?? "error";
        if (l.result && reason === "success") l.resolve(l.result);
        else if (l.failure) l.reject(new ProvisionFailed(`provisioning failed: ${l.failure.reason} (error code ${l.failure.code})`, l.failure.code, reason));
        else if (l.stopped) l.reject(new ProvisionFailed(`provisioning stopped: ${l.stopped}`, null, reason));
        else l.reject(new ProvisionFailed(`the link closed (${reason}${e.byPeer ? ", by the device" : ""})`, null, reason));
        return;
      }
      default:
        return;
    }
  }

  /** The DeviceKey from what the host knows and COMPLETE's Randoms (Mesh Protocol 1.1, 5.4.2.4, 5.4.2.5). */
  private deriveResult(l: HostLink, e: Extract<ModemEvent, { ev: "complete" }>): ProvisionResult {
    if (!l.capabilitiesRaw || !l.capabilities || !l.start || !l.peerPublicKey || !l.secret) throw new Error("COMPLETE before the key exchange");
    const inputs = new ConfirmationInputs();
    inputs.setInvite(Uint8Array.of(l.attention));
    inputs.setCapabilities(l.capabilitiesRaw);
    const s = l.start;
    inputs.setStart(
      encodePdu({
        type: PduType.Start,
        algorithm: s.algorithm,
        publicKey: s.publicKey,
        authenticationMethod: s.method,
        authenticationAction: s.action,
        authenticationSize: s.size,
      }).slice(1),
    );
    inputs.setPublicKeyProvisioner(l.keyPair.publicKey);
    inputs.setPublicKeyDevice(l.peerPublicKey);
    const salt = this.mesh.confirmationSalt(s.algorithm as 0 | 1, inputs.bytes());
    const keys = this.mesh.sessionKeys(l.secret, salt, e.provisionerRandom, e.deviceRandom);
    keys.sessionKey.fill(0);
    keys.sessionNonce.fill(0);
    return {
      uuid: l.uuid,
      unicastAddress: e.unicastAddress,
      numberOfElements: e.numberOfElements,
      deviceKey: keys.deviceKey,
      capabilities: l.capabilities,
      algorithm: s.algorithm,
      method: s.method,
    };
  }

  private log(level: "debug" | "info" | "warn" | "error", message: string): void {
    this.o.logger?.log(level, "serial", message);
  }
}


