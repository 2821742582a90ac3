/**
 * What the two provisioning roles share (Mesh Protocol 1.1, 5.4; the layout follows Zephyr's prov.c):
 * the events, the ConfirmationInputs, the ECDH step, authentication, the Confirmation/Random check, the
 * provisioning protocol timeout (5.4.4) and the per-link session with its one phase and its PDU dispatch
 * table. The rules both roles apply (Start against Capabilities, AuthValue, the automatic OOB choice) are in
 * rules.ts.
 *
 * Roles: provisionee.ts (the device) and provisioner.ts. api.ts is the application API.
 */
import type { Bytes, Clock, CryptoPrimitives, Logger } from "../platform.js";
import { logs } from "../platform.js";
import { LinkCloseReason } from "../bearer/bearer.js";
import type { LinkEvents, ProvLink, ProvisioningBearer } from "../bearer/bearer.js";
import { Algorithm, CONFIRMATION_INPUTS_LENGTH, MeshCrypto } from "../crypto/mesh.js";
import { bytesEqual } from "../util/bytes.js";
import {
  AuthenticationMethod,
  ErrorCode,
  PduType,
  StartPublicKey,
  decodePduFields,
  encodePdu,
  errorCodeName,
  errorCodeOf,
  pduName,
  isSupportedPduType,
  pduType,
} from "./pdu.js";
import type { CapabilitiesFields, ProvisioningData, ProvisioningPdu, StartFields } from "./pdu.js";
import { authValueFromOob, authValueOf, generateOobValue } from "./rules.js";
import type { AuthDataAwaited } from "./rules.js";
import type { UnicastAllocator } from "./addresses.js";

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
  | {
      type: "failed";
      ctx: ProvContext;
      code: number;
      byPeer: boolean;
      reason: string;
      /**
       * Set when the failure is a link closed before Provisioning Complete without a Provisioning Failed: the
       * Link Close reason (e.g. "success" from a peer's bug or a spoofed Link Close), kept visible.
       */
      closeReason?: LinkClosedReason;
    };

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
  static readonly LENGTH = CONFIRMATION_INPUTS_LENGTH;
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
// The environment the roles run in
// ---------------------------------------------------------------------------------------------------------

/** The services every session uses; built by api.ts. */
export interface RoleEnv {
  readonly primitives: CryptoPrimitives;
  readonly crypto: MeshCrypto;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** Raise 'ecdh-request' and wait for sharedSecretProvide instead of computing ECDH. */
  readonly ecdhOffload: boolean;
  /** A new context id. */
  nextId(): number;
  /** Deliver an event to the application (exceptions from the application are caught and logged). */
  emit(event: ProvEvent): void;
  /** The context map of the API: sessions register while their link exists. */
  register(session: AnySession): void;
  unregister(session: AnySession): void;
}

// ---------------------------------------------------------------------------------------------------------
// Session: one provisioning link, either role
// ---------------------------------------------------------------------------------------------------------

/**
 * The phases both roles share; each role adds the phases of its side of the protocol (provisionee.ts,
 * provisioner.ts), and a session is always in exactly one of them.
 */
export const Phase = {
  /** The ECDH step runs (5.4.2.3); PDUs arriving meanwhile wait. */
  Ecdh: "ecdh",
  /** Provisioning Complete sent (provisionee) or received (provisioner): the session succeeded. */
  Complete: "complete",
  /** A protocol error ended the session (Provisioning Failed sent or received, or the provisioner's own finding). */
  Failed: "failed",
  /** The session ended without success or failure of the protocol (protocol timeout): the link is closing. */
  Closing: "closing",
  /** The link is closed. */
  Closed: "closed",
} as const;
export type SharedPhase = (typeof Phase)[keyof typeof Phase];

/**
 * A role's PDU table: the phases in which it expects each PDU type (anything else: Unexpected PDU). The role's
 * handlePdu takes each expected PDU once it is checked. (Phases and a switch rather than rows with a handler
 * each: the table lives in the device's preloaded heap, a closure per row would too.)
 */
export type PduTable = Readonly<Partial<Record<number, readonly string[]>>>;

/** The peer of each role, as reasons name it. */
const PEER = { provisioner: "device", provisionee: "provisioner" } as const;

/** A session of either role (its phase type is the role's own). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySession = Session<any>;

/** Where a role goes during authentication (5.4.2.4): the phases it waits in. */
export interface AuthPhases<P extends string> {
  /** Waiting for the application's static OOB data. */
  static: P;
  /** Waiting for the value a person enters (read off the peer's output). */
  entering: P;
  /** This side showed its value; waiting for the peer (device: its Confirmation; provisioner: Input Complete). */
  shown: P;
}

/**
 * One provisioning link, the common part of both roles: its one phase (a union of the shared phases and the
 * role's own), PDU dispatch through the role's table (Invalid PDU, Unexpected PDU and Invalid Format before
 * any handler runs), the 60 s protocol timer, the ECDH step, authentication, the Confirmation/Random check,
 * the queue of PDUs that arrive while an asynchronous step runs, and the key material (private to the
 * session and its role).
 */
export abstract class Session<P extends string = string> {
  readonly id: number;
  abstract readonly role: Role;
  /** The one phase the session is in. */
  protected phase: P | SharedPhase;
  /** The link, once open (provisioner: once opening). */
  protected linkValue: ProvLink | undefined;

  protected readonly confirmationInputs = new ConfirmationInputs();
  protected algorithm: Algorithm = Algorithm.BTM_ECDH_P256_CMAC_AES128_AES_CCM;
  /** AuthValue, Random and Confirmation length of the session's algorithm (5.4.2.4): 16 or 32. */
  private authLength: 16 | 32 = 16;
  protected method: number = AuthenticationMethod.NoOob;
  protected action = 0;
  protected size = 0;
  protected oobPublicKey = false;
  protected keyPair: P256KeyPair | undefined;
  /** True when the key pair is the application's fixed OOB key pair, which must survive the session. */
  protected keepKeyPair = false;
  protected peerPublicKey: Bytes | undefined;
  private ecdhSecret: Bytes | undefined;
  private authValue: Bytes | undefined;
  private confirmationSalt: Bytes | undefined;
  private confirmationKey: Bytes | undefined;
  protected ownRandom: Bytes | undefined;
  protected ownConfirmation: Bytes | undefined;
  private peerConfirmation: Bytes | undefined;
  protected sessionKey: Bytes | undefined;
  protected sessionNonce: Bytes | undefined;
  protected deviceKey: Bytes | undefined;

  private readonly pending: Bytes[] = [];
  private timer: unknown;
  private waitingEcdh: ((secret: Bytes | undefined) => void) | undefined;

  protected constructor(
    protected readonly env: RoleEnv,
    protected readonly uuid: Bytes,
    initial: P,
  ) {
    this.id = env.nextId();
    this.phase = initial;
  }

  private context: ProvContext | undefined;

  /** The application's handle of this session: id, role and UUID only (frozen). */
  get ctx(): ProvContext {
    return (this.context ??= Object.freeze({ id: this.id, role: this.role, uuid: this.uuid.slice() }));
  }

  /** The link, once open (provisioner: once opening). */
  get link(): ProvLink | undefined {
    return this.linkValue;
  }

  /** True once the session succeeded, failed or its link is closing or closed: no PDU is handled any more. */
  get finished(): boolean {
    const p = this.phase;
    return p === Phase.Complete || p === Phase.Failed || p === Phase.Closing || p === Phase.Closed;
  }

  protected enter(phase: P | SharedPhase): void {
    this.phase = phase;
  }

  /** True in the phases where arriving PDUs wait (the ECDH step; the roles add theirs). */
  protected holds(phase: P | SharedPhase): boolean {
    return phase === Phase.Ecdh;
  }

  /** The role's PDU table. */
  protected abstract table(): PduTable;

  /** A PDU the role's table expects in the current phase, decoded and checked (`raw`: its octets). */
  protected abstract handlePdu(pdu: ProvisioningPdu, raw: Bytes): void;

  /** The role's authentication phases. */
  protected abstract readonly authPhases: AuthPhases<P>;

  /**
   * A protocol error in this session: the provisionee sends Provisioning Failed and waits for the link to
   * close; the provisioner closes the link (5.4.4). Both report 'failed'.
   */
  protected abstract protocolError(code: number, reason: string): void;

  /** The AuthValue is known (No OOB, the application's static data, or the value entered): continue. */
  protected abstract authValueKnown(): void;

  /** Called once, when the link closed (after the common clean-up). */
  protected abstract onLinkClosed(reason: LinkCloseReason, byPeer: boolean): void;

  // ---- application inputs; the roles override what they accept ----

  /**
   * Static OOB bytes or an Input/Output OOB value from the application (nrf_mesh_prov_auth_data_provide), in
   * the phase that awaits it (rules.ts authValueOf checks it).
   */
  authDataProvide(data: Bytes | OobValue): void {
    if (this.finished) throw new ProvisioningError("invalid-state", "authDataProvide: the session is over");
    const awaited: AuthDataAwaited | undefined =
      this.phase === this.authPhases.static
        ? { kind: "static", length: this.authLength }
        : this.phase === this.authPhases.entering
          ? { kind: "oob", method: this.method, action: this.action, size: this.size, length: this.authLength }
          : undefined;
    if (!awaited) throw new ProvisioningError("invalid-state", "authDataProvide: no authentication data is awaited");
    const r = authValueOf(awaited, data);
    if (!r.ok) throw new ProvisioningError("invalid-argument", "authDataProvide: " + r.reason);
    this.authValue = r.authValue;
    this.guard(() => this.authValueKnown());
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

  /** Debug messages are wanted (modules/platform.ts logs): they are not even formatted otherwise. */
  protected get debugging(): boolean {
    return logs(this.env.logger, "debug");
  }

  protected log(level: "debug" | "info" | "warn" | "error", message: string): void {
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
    this.linkValue = link;
    this.restartTimer();
    this.env.emit({ type: "link-established", ctx: this.ctx });
  }

  private linkClosed(reason: LinkCloseReason, byPeer: boolean): void {
    if (this.phase === Phase.Closed) return;
    const before = this.phase;
    this.enter(Phase.Closed);
    this.waitingEcdh = undefined;
    this.pending.length = 0;
    this.stopTimer();
    // A link closed before Provisioning Complete is a failed provisioning, even with reason Success (a spoofed
    // Link Close or a peer's bug): the application hears 'failed', with the close reason (5.3.1.4.3, 5.4.4).
    if (reason === LinkCloseReason.Success && before !== Phase.Complete && before !== Phase.Failed) {
      this.reportFailed(ErrorCode.UnexpectedError, byPeer, `link closed (reason Success${byPeer ? ", by the " + PEER[this.role] : ""}) before Provisioning Complete`, "success");
    }
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

  /** Close the link (Link Close with `reason`); `closed` follows from the bearer. */
  protected closeLink(reason: LinkCloseReason): void {
    if (this.phase === Phase.Closed || !this.linkValue) return;
    if (!this.finished) this.enter(Phase.Closing);
    this.stopTimer();
    this.linkValue.close(reason);
  }

  /** Send one PDU (returned encoded); the protocol timer restarts when the peer acknowledges it. */
  protected send(pdu: ProvisioningPdu): Bytes {
    const bytes = encodePdu(pdu);
    const link = this.linkValue;
    if (!link || this.phase === Phase.Closed) return bytes;
    if (this.debugging) this.log("debug", "send " + pduName(pdu.type));
    link.send(bytes, () => {
      if (!this.finished) this.restartTimer();
    });
    return bytes;
  }

  /** Protocol timer (5.4.4): restarted on each PDU received or acknowledged; expiry closes the link. */
  protected restartTimer(): void {
    this.stopTimer();
    this.timer = this.env.clock.setTimeout(() => {
      this.timer = undefined;
      if (this.phase === Phase.Closed) return;
      this.log("warn", "provisioning protocol timeout");
      if (!this.finished) this.enter(Phase.Closing);
      this.linkValue?.close(LinkCloseReason.Timeout);
    }, PROVISIONING_TIMEOUT_MS);
  }

  protected stopTimer(): void {
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
   * PDU), expected in the current phase (else Unexpected PDU), well-formed (else Invalid Format; the Prohibited
   * values of a PDU type are checked by the role's handler of it, pdu.ts's checks, also Invalid Format). Each
   * refusal is logged once, by protocolError (reportFailed: the error code's name and the reason).
   */
  private receive(raw: Bytes): void {
    if (this.finished) return;
    this.restartTimer();
    if (this.holds(this.phase)) {
      // A well-behaved peer has at most a PDU or two in flight here; a flood is refused.
      if (this.pending.length >= MAX_PENDING_PDUS) {
        this.protocolError(ErrorCode.OutOfResources, "too many PDUs while busy");
        return;
      }
      this.pending.push(raw);
      return;
    }
    const type = pduType(raw);
    if (type < 0 || !isSupportedPduType(type)) {
      this.protocolError(ErrorCode.InvalidPdu, type < 0 ? "empty PDU" : pduName(type) + " not supported");
      return;
    }
    const states = this.table()[type];
    if (!states || states.indexOf(this.phase) < 0) {
      this.protocolError(ErrorCode.UnexpectedPdu, `${pduName(type)} in state ${this.phase}`);
      return;
    }
    const decoded = decodePduFields(raw);
    if (!decoded.ok) {
      this.protocolError(errorCodeOf(decoded.error), decoded.reason);
      return;
    }
    // 5.4.1.6, 5.4.1.7: Confirmation and Random are as long as the session's AuthValue (the codec allows 16 or 32).
    if ((type === PduType.Confirmation || type === PduType.Random) && raw.length - 1 !== this.authLength) {
      this.protocolError(ErrorCode.InvalidFormat, `${pduName(type)} of ${raw.length - 1} octets, ${this.authLength} expected by the algorithm`);
      return;
    }
    if (this.debugging) this.log("debug", "received " + pduName(type));
    this.handlePdu(decoded.pdu, raw);
  }

  /** Handle the PDUs that arrived while the session held them, once it no longer does. */
  protected release(): void {
    while (!this.holds(this.phase) && !this.finished && this.pending.length) this.receive(this.pending.shift()!);
  }

  // ---- shared protocol steps ----

  /** Use the Start fields (5.4.1.3): algorithm, OOB public key, authentication method/action/size. */
  protected useStart(start: StartFields): void {
    this.algorithm = start.algorithm as Algorithm;
    this.authLength = MeshCrypto.authValueLength(this.algorithm);
    this.method = start.authenticationMethod;
    this.action = start.authenticationAction;
    this.size = start.authenticationSize;
    this.oobPublicKey = start.publicKey === StartPublicKey.OobPublicKey;
  }

  /** Send this side's public key (5.4.1.4). */
  protected sendPublicKey(): void {
    const own = this.keyPair!.publicKey;
    this.send({ type: PduType.PublicKey, publicKeyX: own.slice(0, 32), publicKeyY: own.slice(32, 64) });
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
   * The ECDH step: ECDHSecret = P-256 ECDH(own private key, peer public key) (5.4.2.3), by the platform's
   * primitives (p256EcdhAsync when the platform computes it later, else p256Ecdh) or by the application
   * ('ecdh-request' -> sharedSecretProvide). PDUs arriving meanwhile wait. The peer's key was validated
   * already, so a failure here is ours: Unexpected Error. Then authentication starts.
   */
  protected computeEcdh(): void {
    const keyPair = this.keyPair!;
    const peer = this.peerPublicKey!;
    this.enter(Phase.Ecdh);
    const finish = (secret: Bytes | undefined): void => {
      if (this.phase !== Phase.Ecdh) return;
      if (!secret || secret.length !== 32) {
        this.protocolError(ErrorCode.UnexpectedError, "ECDH failed");
        return;
      }
      this.ecdhSecret = secret;
      this.authenticate();
      this.release();
    };
    if (this.env.ecdhOffload) {
      this.waitingEcdh = (secret) => this.guard(() => finish(secret));
      this.env.emit({ type: "ecdh-request", ctx: this.ctx, privateKey: keyPair.privateKey, peerPublicKey: peer });
      return;
    }
    const p = this.env.primitives;
    if (p.p256EcdhAsync) {
      try {
        p.p256EcdhAsync(keyPair.privateKey, peer, (secret) => this.guard(() => finish(secret)));
      } catch {
        finish(undefined);
      }
      return;
    }
    let secret: Bytes | undefined;
    try {
      secret = p.p256Ecdh(keyPair.privateKey, peer);
    } catch {
      secret = undefined;
    }
    finish(secret);
  }

  /**
   * Authentication (5.4.2.4) after the ECDH step: No OOB (a zero AuthValue), Static OOB (the application's
   * data), or an Output/Input OOB value that one side shows (generated here: the device for Output OOB, the
   * provisioner for Input OOB) and a person enters on the other side.
   */
  private authenticate(): void {
    switch (this.method) {
      case AuthenticationMethod.NoOob:
        this.authValue = new Uint8Array(this.authLength);
        this.authValueKnown();
        return;
      case AuthenticationMethod.StaticOob:
        this.enter(this.authPhases.static);
        this.env.emit({ type: "static-request", ctx: this.ctx, length: this.authLength });
        return;
    }
    const weShow = (this.method === AuthenticationMethod.OutputOob) === (this.role === "provisionee");
    if (weShow) {
      const value = generateOobValue((n) => this.env.primitives.randomBytes(n), this.method, this.action, this.size);
      this.authValue = authValueFromOob(value, this.authLength);
      this.enter(this.authPhases.shown);
      this.env.emit({ type: "output-request", ctx: this.ctx, method: this.method as AuthenticationMethod, action: this.action, size: this.size, value });
    } else {
      this.enter(this.authPhases.entering);
      this.env.emit({ type: "input-request", ctx: this.ctx, method: this.method as AuthenticationMethod, action: this.action, size: this.size });
    }
  }

  /** ConfirmationSalt, ConfirmationKey, a new Random and this side's Confirmation (5.4.2.4). */
  protected makeConfirmation(): Bytes {
    const c = this.env.crypto;
    this.confirmationSalt = c.confirmationSalt(this.algorithm, this.confirmationInputs.bytes());
    this.confirmationKey = c.confirmationKey(this.algorithm, this.ecdhSecret!, this.confirmationSalt, this.authValue!);
    this.ownRandom = this.env.primitives.randomBytes(this.authLength);
    this.ownConfirmation = c.confirmation(this.algorithm, this.confirmationKey, this.ownRandom, this.authValue!);
    return this.ownConfirmation;
  }

  /**
   * Take the peer's Confirmation (5.4.2.4); one equal to ours (reflected) is refused with Confirmation Failed.
   * Returns false when refused.
   */
  protected acceptPeerConfirmation(confirmation: Bytes): boolean {
    if (this.ownConfirmation && bytesEqual(confirmation, this.ownConfirmation)) {
      this.protocolError(ErrorCode.ConfirmationFailed, `${PEER[this.role]}'s Confirmation equals ours`);
      return false;
    }
    this.peerConfirmation = confirmation;
    return true;
  }

  /**
   * The peer's Random (5.4.2.4): refused (Confirmation Failed) when equal to ours or when it does not match
   * the peer's Confirmation; else the session keys are derived (5.4.2.5). Returns false when refused.
   */
  protected acceptPeerRandom(peerRandom: Bytes): boolean {
    if (bytesEqual(peerRandom, this.ownRandom!)) {
      this.protocolError(ErrorCode.ConfirmationFailed, `${PEER[this.role]}'s Random equals ours`);
      return false;
    }
    const c = this.env.crypto;
    const expected = c.confirmation(this.algorithm, this.confirmationKey!, peerRandom, this.authValue!);
    if (!bytesEqual(expected, this.peerConfirmation!)) {
      this.protocolError(ErrorCode.ConfirmationFailed, `${PEER[this.role]}'s Confirmation does not match its Random`);
      return false;
    }
    const [provisionerRandom, deviceRandom] = this.role === "provisioner" ? [this.ownRandom!, peerRandom] : [peerRandom, this.ownRandom!];
    const keys = c.sessionKeys(this.ecdhSecret!, this.confirmationSalt!, provisionerRandom, deviceRandom);
    this.sessionKey = keys.sessionKey;
    this.sessionNonce = keys.sessionNonce;
    this.deviceKey = keys.deviceKey;
    return true;
  }

  /** Report 'failed' to the application. */
  protected reportFailed(code: number, byPeer: boolean, reason: string, closeReason?: LinkClosedReason): void {
    this.log("warn", `failed: ${errorCodeName(code)}${byPeer ? " (from peer)" : ""}: ${reason}`);
    this.env.emit(closeReason ? { type: "failed", ctx: this.ctx, code, byPeer, reason, closeReason } : { type: "failed", ctx: this.ctx, code, byPeer, reason });
  }

  /** Report 'complete' to the application. */
  protected reportComplete(data: ProvisioningData, numberOfElements: number): void {
    this.env.emit({
      type: "complete",
      ctx: this.ctx,
      deviceKey: this.deviceKey!.slice(),
      data: { ...data, networkKey: data.networkKey.slice(), flags: { ...data.flags } },
      unicastAddress: data.unicastAddress,
      numberOfElements,
    });
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

/** What the application gives the provisionee role (api.ts ProvisioningOptions), checked by the role. */
export interface ProvisioneeOptions {
  /**
   * The Provisioning Capabilities to offer. Default: 1 element, both algorithms, OOB public key when `keyPair`
   * is given, no static/output/input OOB.
   */
  capabilities?: Partial<CapabilitiesFields>;
  /** The fixed key pair whose public key the provisioner reads OOB (see api.ts generateKeys()). */
  keyPair?: P256KeyPair;
}

export interface ProvisioneeRole {
  readonly name: "provisionee";
  /**
   * The device side on the DeviceBearers of `bearers` (each accepts links; those that can also announce the
   * device). Throws ProvisioningError("invalid-argument") for no DeviceBearer or bad options.
   */
  create(env: RoleEnv, bearers: readonly ProvisioningBearer[], options: ProvisioneeOptions): ProvisioneeController;
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
  /** Which of the provisioner's bearers opens the link (index into the list given to init; default 0). */
  bearer?: number;
}

/** Provisioning Data for provision(): without a Unicast Address, the provisioner's allocator assigns one after Capabilities. */
export type ProvisionData = Omit<ProvisioningData, "unicastAddress"> & { unicastAddress?: number };

export interface ProvisionerController {
  provision(uuid: Bytes, data: ProvisionData, options: ProvisionOptions): ProvContext;
  scanStart(): void;
  scanStop(): void;
  readonly scanning: boolean;
}

export interface ProvisionerConfig {
  /** Report the same UUID again only after this many ms (default 10000), or when its beacon changes. */
  unprovisionedReportIntervalMs?: number;
  /**
   * Assigns each device's unicast addresses once its Capabilities tell its element count (addresses.ts
   * UnicastAllocator); provision() may then leave out the Unicast Address.
   */
  addresses?: UnicastAllocator;
}

export interface ProvisionerRole {
  readonly name: "provisioner";
  /**
   * The provisioner side on the ProvisionerBearers of `bearers` (links are opened on the first, or the one
   * ProvisionOptions names). Throws ProvisioningError("invalid-argument") for no ProvisionerBearer or a bad config.
   */
  create(env: RoleEnv, bearers: readonly ProvisioningBearer[], config: ProvisionerConfig): ProvisionerController;
}
