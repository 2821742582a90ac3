/**
 * The mesh modem application (docs/serial-protocol.md): serial commands in, provisioning API calls
 * (modules/prov/api.ts) out, API events back as serial events. Portable: the same code on Node, on the XS
 * host runtime and on the device; the platform gives it a byte sink to the host (`port`), the bytes from
 * the host (`receive()`), the end of the transport (`hostGone()`), a clock, crypto and the bearers.
 *
 * ECDH is always offloaded to the host without a private key on the wire (§2.3): the host's public key
 * for a link comes with PROVISION, the session's key pair is that public key with no private key (the
 * modem never has one), 'ecdh-request' becomes ECDH_REQUEST with the device's public key only, and
 * 'complete' becomes COMPLETE with the two Randoms instead of the DeviceKey, which the host derives.
 */
import type { Bytes, Clock, CryptoPrimitives, Logger, TimerHandle } from "../platform.js";
import { CryptoError } from "../platform.js";
import { LinkCloseReason } from "../bearer/bearer.js";
import type { DeviceFound, LinkEvents, ProvLink, ProvisionerBearer } from "../bearer/bearer.js";
import { NotSupportedError, Provisioning, ProvisioningError } from "../prov/api.js";
import type { ProvContext, ProvEvent } from "../prov/api.js";
import type { ProvisionerRole } from "../prov/common.js";
import { PduType, encodePdu } from "../prov/pdu.js";
import { bytesEqual } from "../crypto/bytes.js";
import { FrameDecoder, FrameType, MAX_PAYLOAD, encodeFrame } from "./frame.js";
import type { Frame, FrameError } from "./frame.js";
import {
  LINK_CLOSED_REASONS,
  PROTOCOL_MAJOR,
  PROTOCOL_MINOR,
  REPLAY_EVENTS,
  ResetReason,
  RoleBits,
  Status,
  decodeCommand,
  encodeEvent,
  encodeHelloResult,
  opName,
  reasonBytes,
} from "./protocol.js";
import type { Command, MeshMessage, MeshSend, MeshSetup, ModemEvent, NetStateResult } from "./protocol.js";
import { SEND_RESULTS, encodeNetState } from "./protocol.js";

/** Where the modem's bytes go: the UART, the pty, the socket. */
export interface SerialSink {
  write(bytes: Bytes): void;
}

export interface ModemOptions {
  port: SerialSink;
  /** The provisioning clock (the air's). */
  clock: Clock;
  /** The clock of the host-liveness timeout and the FRAME_ERROR rate limit (default: `clock`). */
  serialClock?: Clock;
  crypto: CryptoPrimitives;
  /** The provisioning bearer with its scanning (PB-ADV: modules/bearer/adv.ts pbAdvBearer()). */
  bearer: ProvisionerBearer;
  /** The provisioner role (modules/prov/provisioner.ts provisionerRole). */
  provisioner: ProvisionerRole;
  /** Links at once (default 4, docs/serial-protocol.md §5). */
  maxLinks?: number;
  /** Commands the modem holds before answering (default 4, §1.7). */
  credits?: number;
  logger?: Logger;
  /** Reported in STARTED (default power-on). */
  resetReason?: number;
  /**
   * The mesh node for the host (§3.5; modules/serial/mesh.ts ModemMesh), built with the modem's events. Without
   * it the mesh commands answer NOT_SUPPORTED (a provisioning-only modem image).
   */
  mesh?: (events: MeshEvents) => MeshPort;
}

/** What the modem's mesh node tells the host. */
export interface MeshEvents {
  store(key: string, value: Bytes | undefined): void;
  message(m: MeshMessage): void;
}

/** The modem's mesh node as the modem drives it (modules/serial/mesh.ts ModemMesh). */
export interface MeshPort {
  restore(key: string, value: Bytes): void;
  setup(s: MeshSetup): number;
  appKeySet(netKeyIndex: number, appKeyIndex: number, key: Bytes): number;
  netState(): NetStateResult;
  send(m: MeshSend, done: (result: (typeof SEND_RESULTS)[number]) => void): void;
  /** Stop the node (its timers end). */
  stop(): void;
}

export const DEFAULT_MAX_LINKS = 4;
export const DEFAULT_CREDITS = 4;
/** At most one FRAME_ERROR event per this many ms (§1.5). */
export const FRAME_ERROR_INTERVAL_MS = 100;

const TAG = "modem";

/** What the modem keeps of one link: the API context, the bearer link, the host's public key, the Randoms. */
interface LinkRecord {
  ctx: ProvContext;
  hostPublicKey: Bytes;
  tap: LinkTap;
}

/** The bearer's link as the session sees it, recording the Random PDUs (public, needed by the host). */
class LinkTap implements ProvLink {
  inner: ProvLink | undefined;
  provisionerRandom: Bytes | undefined;
  deviceRandom: Bytes | undefined;
  constructor(readonly uuid: Bytes) {}
  get linkId(): number {
    return this.inner?.linkId ?? 0;
  }
  send(pdu: Bytes, acked?: () => void): void {
    if (pdu[0] === PduType.Random) this.provisionerRandom = pdu.slice(1);
    this.inner?.send(pdu, acked);
  }
  close(reason: LinkCloseReason): void {
    this.inner?.close(reason);
  }
  received(pdu: Bytes): void {
    if (pdu[0] === PduType.Random) this.deviceRandom = pdu.slice(1);
  }
}

/** The provisioning bearer seen through taps; scanning passes through. */
class TapBearer implements ProvisionerBearer {
  lastOpened: LinkTap | undefined;
  readonly scan: ((onFound: (device: DeviceFound) => void) => () => void) | undefined;
  constructor(private readonly inner: ProvisionerBearer) {
    const scan = inner.scan;
    this.scan = scan ? (onFound) => scan.call(inner, onFound) : undefined;
  }
  open(uuid: Bytes, events: LinkEvents): ProvLink {
    const tap = new LinkTap(uuid);
    tap.inner = this.inner.open(uuid, {
      opened: () => events.opened(tap),
      received: (_l, pdu) => {
        tap.received(pdu);
        events.received(tap, pdu);
      },
      closed: (_l, reason, byPeer) => events.closed(tap, reason, byPeer),
    });
    this.lastOpened = tap;
    return tap;
  }
}

/**
 * The platform's crypto with the provisioner's key pair replaced by the host's public key (§2.3): the
 * session asks for a key pair when it sends its Public Key; it gets the public key the host gave for this
 * link and an all-zero placeholder for the private key, which the modem never has and never uses (ECDH is
 * offloaded).
 */
class HostKeyCrypto implements CryptoPrimitives {
  armed: Bytes | undefined;
  constructor(private readonly c: CryptoPrimitives) {}
  aes128(key: Bytes, block: Bytes): Bytes {
    return this.c.aes128(key, block);
  }
  aesCmac(key: Bytes, message: Bytes): Bytes {
    return this.c.aesCmac(key, message);
  }
  aesCcmEncrypt(key: Bytes, nonce: Bytes, plaintext: Bytes, micLength: 4 | 8, aad?: Bytes): Bytes {
    return this.c.aesCcmEncrypt(key, nonce, plaintext, micLength, aad);
  }
  aesCcmDecrypt(key: Bytes, nonce: Bytes, data: Bytes, micLength: 4 | 8, aad?: Bytes): Bytes | null {
    return this.c.aesCcmDecrypt(key, nonce, data, micLength, aad);
  }
  sha256(message: Bytes): Bytes {
    return this.c.sha256(message);
  }
  hmacSha256(key: Bytes, message: Bytes): Bytes {
    return this.c.hmacSha256(key, message);
  }
  p256GenerateKeyPair(): { privateKey: Bytes; publicKey: Bytes } {
    const pub = this.armed;
    if (!pub) throw new CryptoError("the modem has no key pair of its own: the host's public key comes with PROVISION");
    return { privateKey: new Uint8Array(32), publicKey: pub.slice() };
  }
  p256ValidatePublicKey(publicKey: Bytes): boolean {
    return this.c.p256ValidatePublicKey(publicKey);
  }
  p256Ecdh(): Bytes {
    throw new CryptoError("the modem computes no ECDH: it is offloaded to the host");
  }
  randomBytes(length: number): Bytes {
    return this.c.randomBytes(length);
  }
}

/** An API call refused: the status for the response and a reason for the host's log. */
class CommandError extends Error {
  constructor(
    readonly status: Status,
    message: string,
  ) {
    super(message);
  }
}

function statusOf(e: unknown): Status {
  if (e instanceof CommandError) return e.status;
  if (e instanceof RangeError) return Status.InvalidArgument;
  if (e instanceof Error && e.name === "MeshStateError") return Status.InvalidState;
  if (e instanceof NotSupportedError) return Status.NotSupported;
  if (e instanceof ProvisioningError) return e.code === "invalid-argument" ? Status.InvalidArgument : Status.InvalidState;
  return Status.InternalError;
}

export class MeshModem {
  private readonly decoder: FrameDecoder;
  private readonly crypto: HostKeyCrypto;
  private readonly bearer: TapBearer;
  private readonly serialClock: Clock;
  private readonly maxLinks: number;
  private readonly credits: number;
  private prov: Provisioning;
  private readonly links = new Map<number, LinkRecord>();
  private greeted = false;
  private hostTimeoutMs = 0;
  private hostTimer: TimerHandle | undefined;
  private eventSeq = 0;
  /** The last REPLAY_EVENTS event frames, by sequence number (§1.6). */
  private readonly sentEvents: (Bytes | undefined)[] = [];
  private last: { seq: number; code: number; response: Bytes } | undefined;
  /** Events raised while a command runs wait for its response (so PROVISION's ctx is known first). */
  private deferred: ModemEvent[] | undefined;
  /** Event frames REPLAY sends again after its response. */
  private replayed: Bytes[] = [];
  private frameErrorAt = -Infinity;
  private readonly mesh: MeshPort | undefined;
  /** Frames dropped since the start (§1.5). */
  get droppedFrames(): number {
    return this.decoder.dropped;
  }

  constructor(private readonly o: ModemOptions) {
    this.maxLinks = o.maxLinks ?? DEFAULT_MAX_LINKS;
    this.credits = o.credits ?? DEFAULT_CREDITS;
    if (!Number.isInteger(this.maxLinks) || this.maxLinks < 1 || this.maxLinks > 255) throw new RangeError("maxLinks must be 1..255");
    if (!Number.isInteger(this.credits) || this.credits < 1 || this.credits > 255) throw new RangeError("credits must be 1..255");
    this.serialClock = o.serialClock ?? o.clock;
    this.crypto = new HostKeyCrypto(o.crypto);
    this.bearer = new TapBearer(o.bearer);
    this.decoder = new FrameDecoder(
      [FrameType.Command],
      (f) => this.onFrame(f),
      (r) => this.onFrameError(r),
    );
    this.prov = this.makeProvisioning(undefined);
    this.mesh = o.mesh?.({
      store: (key, value) => this.emit({ ev: "store", key, value }),
      message: (m) => this.emit({ ev: "message", ...m }),
    });
  }

  private makeProvisioning(unprovisionedReportIntervalMs: number | undefined): Provisioning {
    return new Provisioning({
      crypto: this.crypto,
      clock: this.o.clock,
      bearers: [this.bearer],
      roles: { provisioner: this.o.provisioner },
      ecdhOffload: true,
      ...(this.o.logger ? { logger: this.o.logger } : {}),
      ...(unprovisionedReportIntervalMs !== undefined ? { unprovisionedReportIntervalMs } : {}),
      onEvent: (e) => this.onProvEvent(e),
    });
  }

  /** Announce the modem (STARTED, §1.8). */
  start(): void {
    this.emit({ ev: "started", major: PROTOCOL_MAJOR, minor: PROTOCOL_MINOR, resetReason: this.o.resetReason ?? ResetReason.PowerOn });
  }

  /** Bytes from the host. Never throws. */
  receive(bytes: Bytes): void {
    try {
      this.decoder.push(bytes);
    } catch (e) {
      this.log("error", "receive: " + (e instanceof Error ? e.message : String(e)));
    }
  }

  /** The transport ended (the host closed the pty or the socket): as a host-liveness timeout (§1.8). */
  hostGone(): void {
    this.decoder.reset();
    if (!this.greeted && this.links.size === 0) return;
    this.log("warn", "the host is gone: closing " + this.links.size + " link(s)");
    this.stopHostTimer();
    this.greeted = false;
    this.last = undefined;
    try {
      this.prov.scanStop();
    } catch {
      // not scanning
    }
    for (const l of [...this.links.values()]) l.tap.close(LinkCloseReason.Fail);
    this.emit({ ev: "started", major: PROTOCOL_MAJOR, minor: PROTOCOL_MINOR, resetReason: ResetReason.HostGone });
  }

  /** Stop: the mesh node, scanning and the host-liveness timer (the simulator's reset: a new modem takes over the line). */
  stop(): void {
    this.stopHostTimer();
    this.mesh?.stop();
    try {
      this.prov.scanStop();
    } catch {
      // not scanning
    }
  }

  /** Open links now (for tests and the launcher's status). */
  get openLinks(): number {
    return this.links.size;
  }

  // ---- frames ----

  private onFrameError(reason: FrameError): void {
    const now = this.serialClock.now();
    if (now - this.frameErrorAt < FRAME_ERROR_INTERVAL_MS) return;
    this.frameErrorAt = now;
    this.emit({ ev: "frame-error", reason, droppedTotal: this.decoder.dropped });
  }

  private onFrame(f: Frame): void {
    if (this.greeted) this.restartHostTimer();
    const last = this.last;
    if (last && last.seq === f.seq && last.code === f.code) {
      this.o.port.write(last.response);
      return;
    }
    this.deferred = [];
    let status: Status = Status.Ok;
    let result: Bytes = new Uint8Array(0);
    try {
      const cmd = decodeCommand(f.code, f.payload);
      if ("status" in cmd) throw new CommandError(cmd.status, cmd.reason);
      if (!this.greeted && cmd.op !== "hello") throw new CommandError(Status.InvalidState, "HELLO first");
      result = this.execute(cmd);
    } catch (e) {
      status = statusOf(e);
      const reason = e instanceof Error ? e.message : String(e);
      if (status === Status.VersionMismatch) result = this.helloResult();
      else result = reasonBytes(reason);
      this.log(status === Status.InternalError ? "error" : "info", `${opName(f.code)}: status ${status}: ${reason}`);
    }
    const payload = new Uint8Array(1 + result.length);
    payload[0] = status;
    payload.set(result, 1);
    const response = encodeFrame({ type: FrameType.Response, seq: f.seq, code: f.code, payload });
    this.last = { seq: f.seq, code: f.code, response };
    this.o.port.write(response);
    const events = this.deferred;
    this.deferred = undefined;
    const again = this.replayed;
    this.replayed = [];
    for (const frame of again) this.o.port.write(frame);
    for (const e of events) this.emit(e);
  }

  private helloResult(): Bytes {
    return encodeHelloResult({
      major: PROTOCOL_MAJOR,
      minor: PROTOCOL_MINOR,
      maxPayload: MAX_PAYLOAD,
      credits: this.credits,
      maxLinks: this.maxLinks,
      roles: RoleBits.Provisioner | (this.mesh ? RoleBits.Mesh : 0),
    });
  }

  private link(ctx: number): LinkRecord {
    const l = this.links.get(ctx);
    if (!l) throw new CommandError(Status.InvalidArgument, `unknown or closed context ${ctx}`);
    return l;
  }

  /** One command, as API calls (§3.1). Returns the result bytes after the status; throws to refuse. */
  private execute(c: Command): Bytes {
    const none = new Uint8Array(0);
    switch (c.op) {
      case "hello":
        if (c.major !== PROTOCOL_MAJOR) throw new CommandError(Status.VersionMismatch, `host speaks ${c.major}.${c.minor}`);
        this.greeted = true;
        this.hostTimeoutMs = c.hostTimeoutMs;
        this.restartHostTimer();
        return this.helloResult();
      case "ping":
        return Uint8Array.of(this.eventSeq);
      case "replay": {
        const behind = (this.eventSeq - c.fromSeq) & 0xff;
        if (behind > REPLAY_EVENTS) throw new CommandError(Status.InvalidArgument, `events from ${c.fromSeq} are no longer kept`);
        for (let k = behind; k > 0; k--) {
          const frame = this.sentEvents[(this.eventSeq - k) & 0xff];
          if (frame) this.replayed.push(frame);
        }
        return none;
      }
      case "init":
        if (this.links.size) throw new CommandError(Status.InvalidState, "INIT with links open");
        this.prov.scanStop();
        this.prov = this.makeProvisioning(c.unprovisionedReportIntervalMs);
        return none;
      case "scan-start":
        this.prov.scanStart();
        return none;
      case "scan-stop":
        this.prov.scanStop();
        return none;
      case "provision": {
        if (this.links.size >= this.maxLinks) throw new CommandError(Status.NoResources, `all ${this.maxLinks} links in use`);
        for (const l of this.links.values()) {
          if (bytesEqual(l.ctx.uuid, c.uuid)) throw new CommandError(Status.InvalidState, "a link to this UUID is open");
        }
        if (!this.crypto.p256ValidatePublicKey(c.publicKey)) throw new CommandError(Status.InvalidArgument, "the provisioner public key is not a P-256 point");
        this.bearer.lastOpened = undefined;
        const ctx = this.prov.provision(c.uuid, c.data, { attentionDuration: c.attentionDuration });
        const tap = this.bearer.lastOpened as LinkTap | undefined;
        if (!tap) throw new CommandError(Status.InternalError, "the bearer opened no link");
        const id = ctx.id & 0xffff;
        this.links.set(id, { ctx, hostPublicKey: c.publicKey.slice(), tap });
        return Uint8Array.of(id & 0xff, id >>> 8);
      }
      case "oob-use": {
        const l = this.link(c.ctx);
        this.crypto.armed = l.hostPublicKey;
        try {
          this.prov.oobUse(l.ctx, c.params);
        } finally {
          this.crypto.armed = undefined;
        }
        return none;
      }
      case "auth-data":
        this.prov.authDataProvide(this.link(c.ctx).ctx, c.value);
        return none;
      case "oob-pubkey":
        this.prov.oobPublicKeyProvide(this.link(c.ctx).ctx, c.publicKey);
        return none;
      case "ecdh-secret":
        this.prov.sharedSecretProvide(this.link(c.ctx).ctx, c.secret);
        return none;
      case "link-close":
        this.link(c.ctx).tap.close(LinkCloseReason.Fail);
        return none;
      case "listen":
      case "listen-stop":
        throw new NotSupportedError("the provisionee role on this modem");
      case "net-setup": {
        const seq = this.meshPort().setup(c.setup);
        return Uint8Array.of(seq & 0xff, (seq >>> 8) & 0xff, (seq >>> 16) & 0xff, seq >>> 24);
      }
      case "app-key-set": {
        const status = this.meshPort().appKeySet(c.netKeyIndex, c.appKeyIndex, c.appKey);
        if (status !== 0) throw new CommandError(Status.InvalidArgument, `the AppKey was refused (configuration status 0x${status.toString(16)})`);
        return none;
      }
      case "net-state-get":
        return encodeNetState(this.meshPort().netState());
      case "restore":
        this.meshPort().restore(c.key, c.value);
        return none;
      case "send":
        this.meshPort().send(c.send, (r) => this.emit({ ev: "send-done", tag: c.tag, result: SEND_RESULTS.indexOf(r) }));
        return none;
    }
  }

  private meshPort(): MeshPort {
    if (!this.mesh) throw new NotSupportedError("this modem has no mesh node (a provisioning-only image)");
    return this.mesh;
  }

  // ---- events ----

  private ctxOf(ctx: ProvContext): number {
    return ctx.id & 0xffff;
  }

  /** An API event as a serial event (§3.2). */
  private onProvEvent(e: ProvEvent): void {
    switch (e.type) {
      case "unprovisioned-received":
        this.emit(
          e.uriHash
            ? { ev: "unprovisioned", uuid: e.uuid, oobInfo: e.oobInfo, rssi: e.rssi, uriHash: e.uriHash }
            : { ev: "unprovisioned", uuid: e.uuid, oobInfo: e.oobInfo, rssi: e.rssi },
        );
        return;
      case "link-established":
        this.emit({ ev: "link-established", ctx: this.ctxOf(e.ctx) });
        return;
      case "link-closed":
        this.links.delete(this.ctxOf(e.ctx));
        this.emit({ ev: "link-closed", ctx: this.ctxOf(e.ctx), reason: LINK_CLOSED_REASONS.indexOf(e.reason), byPeer: e.byPeer });
        return;
      case "capabilities-received":
        this.emit({ ev: "capabilities", ctx: this.ctxOf(e.ctx), capabilities: encodePdu({ type: PduType.Capabilities, ...e.capabilities }).slice(1) });
        return;
      case "static-request":
        this.emit({ ev: "static-request", ctx: this.ctxOf(e.ctx), length: e.length });
        return;
      case "input-request":
        this.emit({ ev: "input-request", ctx: this.ctxOf(e.ctx), method: e.method, action: e.action, size: e.size });
        return;
      case "output-request":
        this.emit({ ev: "output-request", ctx: this.ctxOf(e.ctx), method: e.method, action: e.action, size: e.size, value: e.value });
        return;
      case "oob-pubkey-request":
        this.emit({ ev: "oob-pubkey-request", ctx: this.ctxOf(e.ctx) });
        return;
      case "ecdh-request":
        // Only the device's public key: the private key of the event is the placeholder (HostKeyCrypto).
        this.emit({ ev: "ecdh-request", ctx: this.ctxOf(e.ctx), peerPublicKey: e.peerPublicKey });
        return;
      case "complete": {
        const l = this.links.get(this.ctxOf(e.ctx));
        const rp = l?.tap.provisionerRandom;
        const rd = l?.tap.deviceRandom;
        if (!rp || !rd) {
          this.log("error", "complete without both Randoms");
          return;
        }
        // Never the DeviceKey (§2.3): the host derives it.
        this.emit({ ev: "complete", ctx: this.ctxOf(e.ctx), unicastAddress: e.unicastAddress, numberOfElements: e.numberOfElements, provisionerRandom: rp, deviceRandom: rd });
        return;
      }
      case "failed":
        this.emit({ ev: "failed", ctx: this.ctxOf(e.ctx), code: e.code, byPeer: e.byPeer, reason: e.reason });
        return;
      default:
        return; // provisionee events: not on this modem
    }
  }

  private emit(e: ModemEvent): void {
    if (this.deferred) {
      this.deferred.push(e);
      return;
    }
    const { code, payload } = encodeEvent(e);
    const seq = this.eventSeq;
    this.eventSeq = (seq + 1) & 0xff;
    const frame = encodeFrame({ type: FrameType.Event, seq, code, payload });
    this.sentEvents[seq] = frame;
    this.sentEvents[(seq - REPLAY_EVENTS) & 0xff] = undefined;
    this.o.port.write(frame);
  }

  // ---- host liveness (§1.8) ----

  private restartHostTimer(): void {
    this.stopHostTimer();
    if (!this.hostTimeoutMs) return;
    this.hostTimer = this.serialClock.setTimeout(() => {
      this.hostTimer = undefined;
      this.hostGone();
    }, this.hostTimeoutMs);
  }

  private stopHostTimer(): void {
    if (this.hostTimer !== undefined) this.serialClock.clearTimeout(this.hostTimer);
    this.hostTimer = undefined;
  }

  private log(level: "debug" | "info" | "warn" | "error", message: string): void {
    this.o.logger?.log(level, TAG, message);
  }
}

