/**
 * What the two provisioning roles share (Mesh Protocol 1.1, 5.4; the layout follows Zephyr's prov.c):
 * the events, the ConfirmationInputs, the AuthValue rules (5.4.2.4), OOB value generation, the ECDH step,
 * the provisioning protocol timeout (5.4.4) and the per-link session with its PDU dispatch table.
 *
 * Roles: provisionee.ts (the device) and provisioner.ts. api.ts is the application API.
 */
import type { AdvertiseHandle, AdvertiseOptions, Bytes, Clock, CryptoPrimitives, Logger, RadioPacket } from "../platform.js";
import { LinkCloseReason } from "../bearer/bearer.js";
import type { DeviceBearer, LinkEvents, ProvLink, ProvisionerBearer } from "../bearer/bearer.js";
import { Algorithm, MeshCrypto } from "../crypto/mesh.js";
import { bytesEqual } from "../crypto/bytes.js";
import {
  AuthenticationMethod,
  ErrorCode,
  InputOobAction,
  MAX_OOB_SIZE,
  OutputOobAction,
  decodePdu,
  encodePdu,
  errorCodeName,
  errorCodeOf,
  isRecordPdu,
  pduName,
  pduParameterLengths,
  pduType,
} from "./pdu.js";
import type { CapabilitiesFields, ProvisioningData, ProvisioningPdu, StartFields } from "./pdu.js";

/** Provisioning protocol timeout (5.4.4): 60 s without progress on a link closes it. */
export const PROVISIONING_TIMEOUT_MS = 60_000;

export const LOG_TAG = "prov";

/** PDUs kept while an asynchronous step (ECDH, the application's static OOB) runs. */
export const MAX_PENDING_PDUS = 8;

// ---------------------------------------------------------------------------------------------------------
// Errors raised to the application (bad arguments, wrong moment, role not built in)
// ---------------------------------------------------------------------------------------------------------

/** A role (provisionee or provisioner) or feature that this build does not contain. */
export class NotSupportedError extends Error {
  constructor(what: string) {
    super(what + ": not supported");
    this.name = "NotSupportedError";
  }
}

/** An application API call with a bad argument ("invalid-argument") or at the wrong moment ("invalid-state"). */
export class ProvisioningError extends Error {
  constructor(
    readonly code: "invalid-argument" | "invalid-state",
    message: string,
  ) {
    super(message);
    this.name = "ProvisioningError";
  }
}

// ---------------------------------------------------------------------------------------------------------
// Events (mirroring nrf_mesh_prov_events.h)
// ---------------------------------------------------------------------------------------------------------

export type Role = "provisioner" | "provisionee";

/** The handle of one provisioning link, passed back to the API (oobUse, authDataProvide, ...). */
export interface ProvContext {
  /** Unique per Provisioning instance. */
  readonly id: number;
  readonly role: Role;
  /** Device UUID (16 bytes): the peer's for the provisioner, ours for the provisionee. */
  readonly uuid: Bytes;
}

export type LinkClosedReason = "success" | "timeout" | "error";

/** An OOB value as shown or entered by a person: a count or number, or an alphanumeric string. */
export type OobValue = number | string;

export interface P256KeyPair {
  /** 32 bytes, big-endian. */
  privateKey: Bytes;
  /** X || Y, 64 bytes, big-endian. */
  publicKey: Bytes;
}

export type ProvEvent =
  /** Provisioner: an Unprovisioned Device beacon (3.10.2), de-duplicated per UUID. */
  | { type: "unprovisioned-received"; uuid: Bytes; oobInfo: number; uriHash?: Bytes; rssi: number }
  | { type: "link-established"; ctx: ProvContext }
  | { type: "link-closed"; ctx: ProvContext; reason: LinkClosedReason; byPeer: boolean }
  /** Provisionee: Provisioning Invite received. */
  | { type: "invite-received"; ctx: ProvContext; attentionDuration: number }
  /** Provisionee: the Attention Timer started (`on`, `remaining` seconds) or stopped. */
  | { type: "attention"; ctx: ProvContext; on: boolean; remaining: number }
  /** Provisionee: Provisioning Start received and accepted. */
  | { type: "start-received"; ctx: ProvContext; start: StartFields }
  /** Provisioner: the device's capabilities; answer with oobUse() (unless an auto policy is set). */
  | { type: "capabilities-received"; ctx: ProvContext; capabilities: CapabilitiesFields }
  /**
   * Output the value for a person: the provisionee with Output OOB (blink/beep/vibrate `value` times, or
   * display it), the provisioner with Input OOB (display what the person enters into the device).
   * `method` tells which action table `action` belongs to.
   */
  | { type: "output-request"; ctx: ProvContext; method: AuthenticationMethod; action: number; size: number; value: OobValue }
  /**
   * A value is to be entered: the provisionee with Input OOB (what the person pushed/twisted/typed), the
   * provisioner with Output OOB (what the device showed). Answer with authDataProvide(ctx, value).
   */
  | { type: "input-request"; ctx: ProvContext; method: AuthenticationMethod; action: number; size: number }
  /** Static OOB: answer with authDataProvide(ctx, bytes) of `length` (16 CMAC, 32 HMAC) bytes. */
  | { type: "static-request"; ctx: ProvContext; length: 16 | 32 }
  /** Provisioner: the device's public key is OOB; answer with oobPublicKeyProvide(ctx, key). */
  | { type: "oob-pubkey-request"; ctx: ProvContext }
  /** ECDH offloaded to the application: answer with sharedSecretProvide(ctx, P-256 ECDH X coordinate). */
  | { type: "ecdh-request"; ctx: ProvContext; privateKey: Bytes; peerPublicKey: Bytes }
  /**
   * Provisioning completed. Provisionee: its DeviceKey and the received data. Provisioner: the device's
   * DeviceKey, the data sent (unicastAddress = the device's primary element) and its number of elements.
   */
  | {
      type: "complete";
      ctx: ProvContext;
      deviceKey: Bytes;
      data: ProvisioningData;
      unicastAddress: number;
      numberOfElements: number;
    }
  /**
   * Provisioning failed with `code` (a Provisioning Failed error code): sent by the provisionee, received
   * by the provisioner (`byPeer`), or the provisioner's own finding.
   */
  | { type: "failed"; ctx: ProvContext; code: number; byPeer: boolean; reason: string };

export type ProvEventType = ProvEvent["type"];

// ---------------------------------------------------------------------------------------------------------
// ConfirmationInputs (5.4.2.4.1)
// ---------------------------------------------------------------------------------------------------------

/**
 * ConfirmationInputs = ProvisioningInvitePDUValue (1) || ProvisioningCapabilitiesPDUValue (11) ||
 * ProvisioningStartPDUValue (5) || PublicKeyProvisioner (64) || PublicKeyDevice (64): 145 bytes, accumulated
 * as the PDUs pass (PDU values without the type octet).
 */
export class ConfirmationInputs {
  static readonly LENGTH = 145;
  private readonly buf = new Uint8Array(ConfirmationInputs.LENGTH);
  private filled = 0;

  private put(offset: number, length: number, bit: number, value: Bytes): void {
    if (value.length !== length) throw new RangeError("ConfirmationInputs: field of " + value.length + " bytes");
    this.buf.set(value, offset);
    this.filled |= bit;
  }
  setInvite(value: Bytes): void {
    this.put(0, 1, 1, value);
  }
  setCapabilities(value: Bytes): void {
    this.put(1, 11, 2, value);
  }
  setStart(value: Bytes): void {
    this.put(12, 5, 4, value);
  }
  setPublicKeyProvisioner(key: Bytes): void {
    this.put(17, 64, 8, key);
  }
  setPublicKeyDevice(key: Bytes): void {
    this.put(81, 64, 16, key);
  }
  get complete(): boolean {
    return this.filled === 31;
  }
  bytes(): Bytes {
    if (!this.complete) throw new RangeError("ConfirmationInputs: incomplete");
    return this.buf.slice();
  }
}

// ---------------------------------------------------------------------------------------------------------
// AuthValue (5.4.2.4) and OOB values
// ---------------------------------------------------------------------------------------------------------

/** 10^size, size 1..8. */
function pow10(size: number): number {
  let n = 1;
  for (let i = 0; i < size; i++) n *= 10;
  return n;
}

/** What a person sees or enters for an action: a count (never 0), a number, or alphanumeric characters. */
export type OobValueKind = "count" | "numeric" | "alphanumeric";

/** The kind of value of an Output or Input OOB action (5.4.2.4: Tables of Output/Input OOB actions). */
export function oobValueKind(method: number, action: number): OobValueKind | undefined {
  if (method === AuthenticationMethod.OutputOob) {
    if (action === OutputOobAction.Blink || action === OutputOobAction.Beep || action === OutputOobAction.Vibrate) return "count";
    if (action === OutputOobAction.OutputNumeric) return "numeric";
    if (action === OutputOobAction.OutputAlphanumeric) return "alphanumeric";
  } else if (method === AuthenticationMethod.InputOob) {
    if (action === InputOobAction.Push || action === InputOobAction.Twist) return "count";
    if (action === InputOobAction.InputNumeric) return "numeric";
    if (action === InputOobAction.InputAlphanumeric) return "alphanumeric";
  }
  return undefined;
}

/** AuthValue of a number: big-endian in the last bytes of `length` (16 or 32) bytes, the rest zero (5.4.2.4). */
export function authValueFromNumber(value: number, length: 16 | 32): Bytes {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError("authValueFromNumber: not a 32-bit value");
  const out = new Uint8Array(length);
  out[length - 4] = (value >>> 24) & 0xff;
  out[length - 3] = (value >>> 16) & 0xff;
  out[length - 2] = (value >>> 8) & 0xff;
  out[length - 1] = value & 0xff;
  return out;
}

const ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** AuthValue of an alphanumeric string: its ASCII characters left-aligned, zero padded (5.4.2.4). */
export function authValueFromString(value: string, length: 16 | 32): Bytes {
  const out = new Uint8Array(length);
  if (value.length > length) throw new RangeError("authValueFromString: string too long");
  for (let i = 0; i < value.length; i++) out[i] = value.charCodeAt(i) & 0xff;
  return out;
}

/**
 * Check an OOB value given by the application for `action`/`size`. Returns a reason, or null when valid:
 * counts are integers 1 .. 10^size - 1, numbers 0 .. 10^size - 1, strings 1..size characters '0'-'9','A'-'Z'.
 */
export function checkOobValue(method: number, action: number, size: number, value: OobValue): string | null {
  const kind = oobValueKind(method, action);
  if (!kind) return "no OOB value for this method/action";
  if (!Number.isInteger(size) || size < 1 || size > MAX_OOB_SIZE) return "size out of 1..8";
  if (kind === "alphanumeric") {
    if (typeof value !== "string") return "an alphanumeric action needs a string";
    if (value.length < 1 || value.length > size) return "string length out of 1.." + size;
    for (let i = 0; i < value.length; i++) if (ALPHANUMERIC.indexOf(value[i]!) < 0) return "characters must be 0-9 or A-Z";
    return null;
  }
  if (typeof value !== "number" || !Number.isInteger(value)) return "a numeric action needs an integer";
  const min = kind === "count" ? 1 : 0;
  if (value < min || value > pow10(size) - 1) return `value out of ${min}..${pow10(size) - 1}`;
  return null;
}

/** AuthValue of a checked OOB value. */
export function authValueFromOob(value: OobValue, length: 16 | 32): Bytes {
  return typeof value === "string" ? authValueFromString(value, length) : authValueFromNumber(value, length);
}

/** A uniform random integer in 0 .. n-1 (n <= 2^32), by rejection sampling on 32-bit draws. */
export function randomBelow(randomBytes: (n: number) => Bytes, n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 0x100000000) throw new RangeError("randomBelow: n out of range");
  const limit = 0x100000000 - (0x100000000 % n);
  for (;;) {
    const b = randomBytes(4);
    const v = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
    if (v < limit) return v % n;
  }
}

/**
 * A random OOB value for an Output OOB (device) or Input OOB (provisioner) action (5.4.2.4): counts
 * (blink, beep, vibrate, push, twist) in 1 .. 10^size - 1, numbers in 0 .. 10^size - 1, strings of `size`
 * characters from '0'-'9', 'A'-'Z'.
 */
export function generateOobValue(randomBytes: (n: number) => Bytes, method: number, action: number, size: number): OobValue {
  const kind = oobValueKind(method, action);
  if (!kind || !Number.isInteger(size) || size < 1 || size > MAX_OOB_SIZE) {
    throw new RangeError("generateOobValue: no OOB value for this method/action/size");
  }
  if (kind === "alphanumeric") {
    let s = "";
    for (let i = 0; i < size; i++) s += ALPHANUMERIC[randomBelow(randomBytes, ALPHANUMERIC.length)]!;
    return s;
  }
  if (kind === "count") return 1 + randomBelow(randomBytes, pow10(size) - 1);
  return randomBelow(randomBytes, pow10(size));
}

// ---------------------------------------------------------------------------------------------------------
// The environment the roles run in
// ---------------------------------------------------------------------------------------------------------

/** What the roles need from the advertising bearer (modules/bearer/adv.ts AdvBearer): beacons and scanning. */
export interface AdvPort {
  subscribe(adType: number, handler: (packet: RadioPacket) => void): () => void;
  send(adType: number, data: Bytes, options: AdvertiseOptions, onDone?: () => void): AdvertiseHandle;
}

/**
 * Test hooks: fixed key pairs and randoms (the spec's sample data, 8.17). Each returns undefined to fall back
 * to the crypto primitives.
 */
export interface ProvTestHooks {
  /** The key pair of a new session (provisioner, or provisionee without OOB public key). */
  keyPair?(role: Role): P256KeyPair | undefined;
  /** The Random of a session (16 or 32 bytes). */
  random?(role: Role, length: number): Bytes | undefined;
}

/** The services every session uses; built by api.ts. */
export interface RoleEnv {
  readonly primitives: CryptoPrimitives;
  readonly crypto: MeshCrypto;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** Simulated ECDH computation time on the Clock, ms (0: synchronous). */
  readonly ecdhComputeMs: number;
  /** Raise 'ecdh-request' and wait for sharedSecretProvide instead of computing ECDH. */
  readonly ecdhOffload: boolean;
  readonly hooks?: ProvTestHooks;
  /** A new context id. */
  nextId(): number;
  /** Deliver an event to the application (exceptions from the application are caught and logged). */
  emit(event: ProvEvent): void;
  /** The context map of the API: sessions register while their link exists. */
  register(session: Session): void;
  unregister(session: Session): void;
}

// ---------------------------------------------------------------------------------------------------------
// Session: one provisioning link, either role
// ---------------------------------------------------------------------------------------------------------

/**
 * One row of a role's PDU table: in which states the PDU type is expected, the exact parameter length when it
 * depends on the session (Confirmation and Random: 16 or 32 octets by algorithm; the fixed lengths are the
 * codec's, pdu.ts), and its handler.
 */
export interface PduRule<S extends Session> {
  readonly states: readonly string[];
  readonly length?: (session: S) => number;
  readonly handle: (session: S, pdu: ProvisioningPdu, raw: Bytes) => void;
}

/** The exact length of Confirmation and Random in a session: the AuthValue length of its algorithm (5.4.1.6). */
export const AUTH_LENGTH = (session: Session): number => session.authLength;

export type PduTable<S extends Session> = Readonly<Partial<Record<number, PduRule<S>>>>;

/**
 * One provisioning link, the common part of both roles: PDU dispatch through the role's table (Invalid PDU,
 * Unexpected PDU and Invalid Format before any handler runs), the 60 s protocol timer, the ECDH step, the
 * queue of PDUs that arrive while an asynchronous step runs, and the key material.
 */
export abstract class Session {
  readonly id: number;
  abstract readonly role: Role;
  state = "idle";
  /** True once the session reached Complete, failed, or its link closed: no PDU is handled any more. */
  finished = false;
  /** The link is closed (the bearer reported it). */
  closed = false;
  link: ProvLink | undefined;

  readonly confirmationInputs = new ConfirmationInputs();
  algorithm: Algorithm = Algorithm.BTM_ECDH_P256_CMAC_AES128_AES_CCM;
  authLength: 16 | 32 = 16;
  method: number = AuthenticationMethod.NoOob;
  action = 0;
  size = 0;
  oobPublicKey = false;
  keyPair: P256KeyPair | undefined;
  peerPublicKey: Bytes | undefined;
  ecdhSecret: Bytes | undefined;
  authValue: Bytes | undefined;
  confirmationSalt: Bytes | undefined;
  confirmationKey: Bytes | undefined;
  ownRandom: Bytes | undefined;
  ownConfirmation: Bytes | undefined;
  peerConfirmation: Bytes | undefined;
  sessionKey: Bytes | undefined;
  sessionNonce: Bytes | undefined;
  deviceKey: Bytes | undefined;

  /** An asynchronous step runs (ECDH, a value from the application): PDUs wait in `pending`. */
  private busy = false;
  private readonly pending: Bytes[] = [];
  private timer: unknown;
  private waitingEcdh: ((secret: Bytes) => void) | undefined;
  private ecdhTimer: unknown;

  protected constructor(
    readonly env: RoleEnv,
    readonly uuid: Bytes,
  ) {
    this.id = env.nextId();
  }

  private context: ProvContext | undefined;

  /** The application's handle of this session: id, role and UUID only (frozen). */
  get ctx(): ProvContext {
    return (this.context ??= Object.freeze({ id: this.id, role: this.role, uuid: this.uuid.slice() }));
  }

  /** The role's PDU table. */
  protected abstract table(): PduTable<Session>;

  /**
   * A protocol error in this session: the provisionee sends Provisioning Failed and waits for the link to
   * close; the provisioner closes the link (5.4.4). Both report 'failed'.
   */
  abstract protocolError(code: number, reason: string): void;

  /** Called once, when the link closed (after the common clean-up). */
  protected abstract onLinkClosed(reason: LinkCloseReason, byPeer: boolean): void;

  // ---- application inputs; the roles override what they accept ----

  /** Static OOB bytes or an Input/Output OOB value from the application. */
  authDataProvide(_data: Bytes | OobValue): void {
    throw new ProvisioningError("invalid-state", "authDataProvide: no authentication data is awaited");
  }

  /** The device's OOB public key (provisioner). */
  oobPublicKeyProvide(_key: Bytes): void {
    throw new ProvisioningError("invalid-state", "oobPublicKeyProvide: only a provisioner context awaits an OOB public key");
  }

  /** The application's choice after 'capabilities-received' (provisioner). */
  oobUse(_choice: unknown): void {
    throw new ProvisioningError("invalid-state", "oobUse: only a provisioner context awaits an OOB choice");
  }

  /** The ECDH secret computed by the application after 'ecdh-request'. */
  sharedSecretProvide(secret: Bytes): void {
    const done = this.waitingEcdh;
    if (!done || this.finished) throw new ProvisioningError("invalid-state", "sharedSecretProvide: no ECDH request is pending");
    if (!(secret instanceof Uint8Array) || secret.length !== 32) {
      throw new ProvisioningError("invalid-argument", "sharedSecretProvide: the shared secret must be 32 bytes");
    }
    this.waitingEcdh = undefined;
    done(secret.slice());
  }

  // ---- logging (never secrets) ----

  log(level: "debug" | "info" | "warn" | "error", message: string): void {
    this.env.logger?.log(level, LOG_TAG, `${this.role}#${this.id} ${message}`);
  }

  // ---- link plumbing ----

  /** The LinkEvents object for the bearer, routed to this session. */
  linkEvents(): LinkEvents {
    return {
      opened: (link) => this.guard(() => this.linkOpened(link)),
      received: (_link, pdu) => this.guard(() => this.receive(pdu)),
      closed: (_link, reason, byPeer) => this.guard(() => this.linkClosed(reason, byPeer)),
    };
  }

  /** Overridden by the roles; the base records the link and starts the protocol timer. */
  protected linkOpened(link: ProvLink): void {
    this.link = link;
    this.restartTimer();
    this.env.emit({ type: "link-established", ctx: this.ctx });
  }

  private linkClosed(reason: LinkCloseReason, byPeer: boolean): void {
    if (this.closed) return;
    this.closed = true;
    this.finished = true;
    this.waitingEcdh = undefined;
    this.pending.length = 0;
    this.stopTimer();
    if (this.ecdhTimer !== undefined) this.env.clock.clearTimeout(this.ecdhTimer);
    this.ecdhTimer = undefined;
    this.onLinkClosed(reason, byPeer);
    this.env.unregister(this);
    this.env.emit({ type: "link-closed", ctx: this.ctx, reason: closeReasonName(reason), byPeer });
    this.wipe();
  }

  /** Forget the secrets of the session. */
  private wipe(): void {
    for (const b of [this.ecdhSecret, this.authValue, this.confirmationKey, this.sessionKey, this.sessionNonce]) b?.fill(0);
    if (this.keyPair && !this.keepKeyPair) this.keyPair.privateKey.fill(0);
  }

  /** True when the key pair is the application's fixed OOB key pair, which must survive the session. */
  protected keepKeyPair = false;

  /** Close the link (Link Close with `reason`); `closed` follows from the bearer. */
  closeLink(reason: LinkCloseReason): void {
    if (this.closed || !this.link) return;
    this.finished = true;
    this.stopTimer();
    this.link.close(reason);
  }

  /** Send one PDU (returned encoded); the protocol timer restarts when the peer acknowledges it. */
  send(pdu: ProvisioningPdu): Bytes {
    const bytes = encodePdu(pdu);
    const link = this.link;
    if (!link || this.closed) return bytes;
    this.log("debug", "send " + pduName(pdu.type));
    link.send(bytes, () => {
      if (!this.finished) this.restartTimer();
    });
    return bytes;
  }

  /** Protocol timer (5.4.4): restarted on each PDU received or acknowledged; expiry closes the link. */
  restartTimer(): void {
    this.stopTimer();
    this.timer = this.env.clock.setTimeout(() => {
      this.timer = undefined;
      if (this.closed) return;
      this.log("warn", "provisioning protocol timeout");
      this.finished = true;
      this.link?.close(LinkCloseReason.Timeout);
    }, PROVISIONING_TIMEOUT_MS);
  }

  stopTimer(): void {
    if (this.timer !== undefined) this.env.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Run `f`, turning any exception into Unexpected Error: nothing escapes into the bearer. */
  protected guard(f: () => void): void {
    try {
      f();
    } catch (e) {
      this.log("error", "internal error: " + (e instanceof Error ? e.name + ": " + e.message : String(e)));
      if (!this.finished) this.protocolError(ErrorCode.UnexpectedError, "internal error");
    }
  }

  // ---- PDU dispatch ----

  /**
   * One PDU from the bearer. Checks, in this order (as Zephyr and nRF5 do): the type is known (else Invalid
   * PDU), expected in the current state (else Unexpected PDU), well-formed (else Invalid Format).
   */
  receive(raw: Bytes): void {
    if (this.finished) return;
    this.restartTimer();
    if (this.busy) {
      // A well-behaved peer has at most a PDU or two in flight here; a flood is refused.
      if (this.pending.length >= MAX_PENDING_PDUS) {
        this.protocolError(ErrorCode.OutOfResources, "too many PDUs while busy");
        return;
      }
      this.pending.push(raw);
      return;
    }
    const type = pduType(raw);
    if (type < 0 || pduParameterLengths(type) === undefined) {
      this.log("warn", "received " + (type < 0 ? "empty PDU" : isRecordPdu(type) ? pduName(type) + " (not supported)" : pduName(type)));
      this.protocolError(ErrorCode.InvalidPdu, type < 0 ? "empty PDU" : pduName(type) + " not supported");
      return;
    }
    const rule = this.table()[type];
    if (!rule || rule.states.indexOf(this.state) < 0) {
      this.log("warn", `unexpected ${pduName(type)} in state ${this.state}`);
      this.protocolError(ErrorCode.UnexpectedPdu, `${pduName(type)} in state ${this.state}`);
      return;
    }
    const decoded = decodePdu(raw);
    if (!decoded.ok) {
      this.log("warn", "malformed PDU: " + decoded.reason);
      this.protocolError(errorCodeOf(decoded.error), decoded.reason);
      return;
    }
    if (rule.length && raw.length - 1 !== rule.length(this)) {
      this.log("warn", `${pduName(type)} of ${raw.length - 1} octets, ${rule.length(this)} expected`);
      this.protocolError(ErrorCode.InvalidFormat, `${pduName(type)} length does not match the algorithm`);
      return;
    }
    this.log("debug", "received " + pduName(type));
    rule.handle(this, decoded.pdu, raw);
  }

  /** Enter (true) or leave (false) an asynchronous step; leaving replays the PDUs that arrived meanwhile. */
  protected setBusy(busy: boolean): void {
    this.busy = busy;
    this.drain();
  }

  private drain(): void {
    while (!this.busy && !this.finished && this.pending.length) this.receive(this.pending.shift()!);
  }

  // ---- shared protocol steps ----

  /** Use the algorithm of the Start PDU. */
  protected useStart(start: StartFields): void {
    this.algorithm = start.algorithm as Algorithm;
    this.authLength = MeshCrypto.authValueLength(this.algorithm);
    this.method = start.authenticationMethod;
    this.action = start.authenticationAction;
    this.size = start.authenticationSize;
    this.oobPublicKey = start.publicKey === 1;
  }

  /** A new P-256 key pair for this session (the test hook may fix it). */
  protected newKeyPair(): P256KeyPair {
    const fixed = this.env.hooks?.keyPair?.(this.role);
    if (fixed) return { privateKey: fixed.privateKey.slice(), publicKey: fixed.publicKey.slice() };
    return this.env.primitives.p256GenerateKeyPair();
  }

  /** This session's Random (5.4.2.4), 16 or 32 bytes. */
  protected newRandom(): Bytes {
    const fixed = this.env.hooks?.random?.(this.role, this.authLength);
    if (fixed && fixed.length === this.authLength) return fixed.slice();
    return this.env.primitives.randomBytes(this.authLength);
  }

  /**
   * Check the peer's public key (5.4.2.3): equal to ours, or not a valid P-256 point -> Invalid Format.
   * Returns false (after the protocol error) when refused.
   */
  protected acceptPeerPublicKey(key: Bytes): boolean {
    if (this.keyPair && bytesEqual(key, this.keyPair.publicKey)) {
      this.protocolError(ErrorCode.InvalidFormat, "peer public key equals ours");
      return false;
    }
    let valid = false;
    try {
      valid = this.env.primitives.p256ValidatePublicKey(key);
    } catch {
      valid = false;
    }
    if (!valid) {
      this.protocolError(ErrorCode.InvalidFormat, "peer public key is not a valid P-256 point");
      return false;
    }
    this.peerPublicKey = key.slice();
    return true;
  }

  /**
   * The ECDH step: ECDHSecret = P-256 ECDH(own private key, peer public key), computed by the primitives
   * (after `ecdhComputeMs` on the Clock when set) or by the application ('ecdh-request' ->
   * sharedSecretProvide). PDUs arriving meanwhile wait. `then` runs with the secret stored.
   */
  protected computeEcdh(then: () => void): void {
    const keyPair = this.keyPair!;
    const peer = this.peerPublicKey!;
    this.busy = true;
    const finish = (secret: Bytes | undefined): void => {
      if (this.finished) return;
      if (!secret) {
        this.protocolError(ErrorCode.InvalidFormat, "ECDH failed");
        return;
      }
      this.ecdhSecret = secret;
      this.busy = false;
      // The continuation may start another asynchronous step (a value from the application): setBusy(true).
      then();
      this.drain();
    };
    const compute = (): Bytes | undefined => {
      try {
        return this.env.primitives.p256Ecdh(keyPair.privateKey, peer);
      } catch {
        return undefined;
      }
    };
    if (this.env.ecdhOffload) {
      this.waitingEcdh = (secret) => this.guard(() => finish(secret));
      this.env.emit({ type: "ecdh-request", ctx: this.ctx, privateKey: keyPair.privateKey, peerPublicKey: peer });
    } else if (this.env.ecdhComputeMs > 0) {
      this.ecdhTimer = this.env.clock.setTimeout(() => {
        this.ecdhTimer = undefined;
        this.guard(() => finish(compute()));
      }, this.env.ecdhComputeMs);
    } else {
      finish(compute());
    }
  }

  /** ConfirmationSalt, ConfirmationKey, a new Random and this side's Confirmation (5.4.2.4). */
  protected makeConfirmation(): Bytes {
    const c = this.env.crypto;
    this.confirmationSalt = c.confirmationSalt(this.algorithm, this.confirmationInputs.bytes());
    this.confirmationKey = c.confirmationKey(this.algorithm, this.ecdhSecret!, this.confirmationSalt, this.authValue!);
    this.ownRandom = this.newRandom();
    this.ownConfirmation = c.confirmation(this.algorithm, this.confirmationKey, this.ownRandom, this.authValue!);
    return this.ownConfirmation;
  }

  /** The peer's Random against its Confirmation; derives the session keys when it matches (5.4.2.4, 5.4.2.5). */
  protected checkPeerRandom(peerRandom: Bytes, provisionerRandom: Bytes, deviceRandom: Bytes): boolean {
    const c = this.env.crypto;
    const expected = c.confirmation(this.algorithm, this.confirmationKey!, peerRandom, this.authValue!);
    if (!bytesEqual(expected, this.peerConfirmation!)) return false;
    const keys = c.sessionKeys(this.ecdhSecret!, this.confirmationSalt!, provisionerRandom, deviceRandom);
    this.sessionKey = keys.sessionKey;
    this.sessionNonce = keys.sessionNonce;
    this.deviceKey = keys.deviceKey;
    return true;
  }

  /** Report 'failed' to the application. */
  protected reportFailed(code: number, byPeer: boolean, reason: string): void {
    this.log("warn", `failed: ${errorCodeName(code)}${byPeer ? " (from peer)" : ""}: ${reason}`);
    this.env.emit({ type: "failed", ctx: this.ctx, code, byPeer, reason });
  }
}

export function closeReasonName(reason: LinkCloseReason): LinkClosedReason {
  return reason === LinkCloseReason.Success ? "success" : reason === LinkCloseReason.Timeout ? "timeout" : "error";
}


// ---------------------------------------------------------------------------------------------------------
// Role plug-ins: api.ts takes these, so an image without provisioner.ts does not contain it
// ---------------------------------------------------------------------------------------------------------

export interface ListenOptions {
  /** OOB Information of the beacon (beacon.ts OOB_INFO bits). */
  oobInfo?: number;
  /** URI advertised with the URI AD type: its hash goes into the beacon (3.10.2). */
  uri?: string;
  /** Unprovisioned Device beacon interval, ms (default 2000). */
  beaconIntervalMs?: number;
}

/** The device's configuration for the provisionee role. */
export interface ProvisioneeConfig {
  capabilities: CapabilitiesFields;
  /** Fixed key pair whose public key the provisioner gets OOB (Public Key Type bit 0). */
  oobKeyPair?: P256KeyPair;
}

export interface ProvisioneeController {
  listen(uuid: Bytes, options: ListenOptions): void;
  listenStop(): void;
  readonly listening: boolean;
}

export interface ProvisioneeRole {
  readonly name: "provisionee";
  create(env: RoleEnv, bearer: DeviceBearer, adv: AdvPort | undefined, config: ProvisioneeConfig): ProvisioneeController;
}

/** The provisioner's choice for one device (Provisioning Start fields, 5.4.1.3). */
export interface OobUseParams {
  algorithm: number;
  /** 0: no OOB public key, 1: the device's public key comes OOB. */
  publicKey: number;
  /** AuthenticationMethod. */
  method: number;
  /** Authentication Action (Output/Input OOB action value), 0 for No OOB / Static. */
  action: number;
  /** Authentication Size (1..8), 0 for No OOB / Static. */
  size: number;
}

/** Chooses the Start fields from the capabilities; undefined leaves the choice to the application. */
export type OobPolicy = (capabilities: CapabilitiesFields) => OobUseParams | undefined;

export interface ProvisionOptions {
  /** Attention Duration of the Invite, seconds (0..255, default 0). */
  attentionDuration?: number;
  /** Choose the Start fields automatically (see provisioner.ts autoOobPolicy). */
  oobPolicy?: OobPolicy;
}

export interface ProvisionerController {
  provision(uuid: Bytes, data: ProvisioningData, options: ProvisionOptions): ProvContext;
  scanStart(): void;
  scanStop(): void;
  readonly scanning: boolean;
}

export interface ProvisionerConfig {
  /** Report the same UUID again only after this many ms (default 10000), or when its beacon changes. */
  unprovisionedReportIntervalMs?: number;
}

export interface ProvisionerRole {
  readonly name: "provisioner";
  create(env: RoleEnv, bearer: ProvisionerBearer, adv: AdvPort | undefined, config: ProvisionerConfig): ProvisionerController;
}
