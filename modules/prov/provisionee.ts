/**
 * The provisionee (device) role of the provisioning protocol (Mesh Protocol 1.1, 5.4; like Zephyr's
 * prov_device.c): Unprovisioned Device beacons, then per link Invite -> Capabilities, Start, public key
 * exchange, authentication, Confirmation/Random check, Provisioning Data, Complete. Every error sends
 * Provisioning Failed with its code and waits for the provisioner to close the link (5.4.4).
 *
 * Built into an image by passing `provisioneeRole` to api.ts's Provisioning.
 */
import { AD_TYPE } from "../platform.js";
import type { AdvertiseHandle, Bytes } from "../platform.js";
import type { DeviceBearer, LinkCloseReason, LinkEvents } from "../bearer/bearer.js";
import { encodeUnprovisionedBeacon, uriHash } from "../beacon.js";
import { bytesEqual, concatBytes } from "../crypto/bytes.js";
import {
  Algorithm,
  AuthenticationMethod,
  ErrorCode,
  OobType,
  PduType,
  PublicKeyType,
  StartPublicKey,
  checkStartFields,
  decodeProvisioningData,
  errorCodeOf,
} from "./pdu.js";
import type { CapabilitiesFields, ConfirmationPdu, DataPdu, InvitePdu, PublicKeyPdu, RandomPdu, StartPdu } from "./pdu.js";
import {
  AUTH_LENGTH,
  ProvisioningError,
  Session,
  authValueFromOob,
  checkOobValue,
  generateOobValue,
} from "./common.js";
import type {
  AdvPort,
  ListenOptions,
  OobValue,
  PduTable,
  ProvisioneeConfig,
  ProvisioneeController,
  ProvisioneeRole,
  RoleEnv,
} from "./common.js";

const DEFAULT_BEACON_INTERVAL_MS = 2000;

/** Device states, named after the PDU awaited. */
const S = {
  WaitInvite: "wait-invite",
  WaitStart: "wait-start",
  WaitPublicKey: "wait-public-key",
  WaitStatic: "wait-static-oob",
  WaitInput: "wait-input",
  WaitConfirmation: "wait-confirmation",
  WaitRandom: "wait-random",
  WaitData: "wait-data",
  Complete: "complete",
  Failed: "failed",
  Closed: "closed",
} as const;

/** The provisionee's PDU table: which PDU is expected in which state (anything else: Unexpected PDU). */
const DEVICE_TABLE: PduTable<DeviceSession> = {
  [PduType.Invite]: { states: [S.WaitInvite], handle: (s, p, raw) => s.onInvite(p as InvitePdu, raw) },
  [PduType.Start]: { states: [S.WaitStart], handle: (s, p, raw) => s.onStart(p as StartPdu, raw) },
  [PduType.PublicKey]: { states: [S.WaitPublicKey], handle: (s, p) => s.onPublicKey(p as PublicKeyPdu) },
  [PduType.Confirmation]: { states: [S.WaitConfirmation], length: AUTH_LENGTH, handle: (s, p) => s.onConfirmation(p as ConfirmationPdu) },
  [PduType.Random]: { states: [S.WaitRandom], length: AUTH_LENGTH, handle: (s, p) => s.onRandom(p as RandomPdu) },
  [PduType.Data]: { states: [S.WaitData], handle: (s, p) => s.onData(p as DataPdu) },
};

/**
 * Check a Start PDU against the device's capabilities (5.4.1.3, 5.4.2.2): the algorithm offered, an OOB
 * public key only when offered, the method/action/size within the capabilities; a device that supports only
 * OOB-authenticated provisioning refuses No OOB and BTM_ECDH_P256_CMAC_AES128_AES_CCM. Returns a reason or null.
 */
export function checkStartAgainstCapabilities(start: StartPdu, caps: CapabilitiesFields, haveOobKeyPair: boolean): string | null {
  const intrinsic = checkStartFields(start);
  if (intrinsic) return intrinsic;
  if (start.algorithm > Algorithm.BTM_ECDH_P256_HMAC_SHA256_AES_CCM || !(caps.algorithms & (1 << start.algorithm))) {
    return "Algorithm not supported";
  }
  if (start.publicKey === StartPublicKey.OobPublicKey && (!(caps.publicKeyType & PublicKeyType.PublicKeyOobInformationAvailable) || !haveOobKeyPair)) {
    return "OOB public key not offered";
  }
  switch (start.authenticationMethod) {
    case AuthenticationMethod.StaticOob:
      if (!(caps.oobType & OobType.StaticOobInformationAvailable)) return "Static OOB not offered";
      break;
    case AuthenticationMethod.OutputOob:
      if (!caps.outputOobSize || start.authenticationSize > caps.outputOobSize) return "Output OOB size not offered";
      if (!(caps.outputOobAction & (1 << start.authenticationAction))) return "Output OOB action not offered";
      break;
    case AuthenticationMethod.InputOob:
      if (!caps.inputOobSize || start.authenticationSize > caps.inputOobSize) return "Input OOB size not offered";
      if (!(caps.inputOobAction & (1 << start.authenticationAction))) return "Input OOB action not offered";
      break;
  }
  if (
    caps.oobType & OobType.OnlyOobAuthenticatedProvisioningSupported &&
    (start.authenticationMethod === AuthenticationMethod.NoOob || start.algorithm === Algorithm.BTM_ECDH_P256_CMAC_AES128_AES_CCM)
  ) {
    return "only OOB-authenticated provisioning is supported";
  }
  return null;
}

class DeviceSession extends Session {
  readonly role = "provisionee" as const;
  private attentionTimer: unknown;
  private attentionOn = false;
  private attentionRemaining = 0;

  constructor(
    env: RoleEnv,
    uuid: Bytes,
    private readonly device: Provisionee,
  ) {
    super(env, uuid);
    this.state = S.WaitInvite;
  }

  protected table(): PduTable<Session> {
    return DEVICE_TABLE as unknown as PduTable<Session>;
  }

  /** Send Provisioning Failed and wait for the provisioner to close the link (5.4.4). */
  protocolError(code: number, reason: string): void {
    if (this.finished) return;
    this.finished = true;
    this.state = S.Failed;
    this.stopAttention();
    this.send({ type: PduType.Failed, errorCode: code });
    this.reportFailed(code, false, reason);
  }

  protected onLinkClosed(_reason: LinkCloseReason, _byPeer: boolean): void {
    this.stopAttention();
    if (this.state !== S.Complete) this.state = S.Closed;
    this.device.sessionEnded(this);
  }

  // ---- Attention Timer: set to the Invite's Attention Duration (5.4.1.1), counts down each second ----

  private startAttention(seconds: number): void {
    if (seconds <= 0) return;
    this.attentionOn = true;
    this.attentionRemaining = seconds;
    this.env.emit({ type: "attention", ctx: this.ctx, on: true, remaining: seconds });
    const tick = (): void => {
      this.attentionTimer = undefined;
      this.attentionRemaining--;
      if (this.attentionRemaining <= 0) this.stopAttention();
      else this.attentionTimer = this.env.clock.setTimeout(tick, 1000);
    };
    this.attentionTimer = this.env.clock.setTimeout(tick, 1000);
  }

  private stopAttention(): void {
    if (!this.attentionOn) return;
    if (this.attentionTimer !== undefined) this.env.clock.clearTimeout(this.attentionTimer);
    this.attentionTimer = undefined;
    this.attentionOn = false;
    this.attentionRemaining = 0;
    this.env.emit({ type: "attention", ctx: this.ctx, on: false, remaining: 0 });
  }

  /** Seconds left on the Attention Timer. */
  get attention(): number {
    return this.attentionRemaining;
  }

  // ---- PDU handlers ----

  onInvite(p: InvitePdu, raw: Bytes): void {
    this.confirmationInputs.setInvite(raw.subarray(1));
    this.env.emit({ type: "invite-received", ctx: this.ctx, attentionDuration: p.attentionDuration });
    if (this.finished) return;
    this.startAttention(p.attentionDuration);
    const caps = this.device.config.capabilities;
    const sent = this.send({ type: PduType.Capabilities, ...caps });
    this.confirmationInputs.setCapabilities(sent.subarray(1));
    this.state = S.WaitStart;
  }

  onStart(p: StartPdu, raw: Bytes): void {
    const reason = checkStartAgainstCapabilities(p, this.device.config.capabilities, !!this.device.config.oobKeyPair);
    if (reason) {
      this.protocolError(ErrorCode.InvalidFormat, reason);
      return;
    }
    this.confirmationInputs.setStart(raw.subarray(1));
    this.useStart(p);
    this.stopAttention();
    if (this.oobPublicKey) {
      this.keyPair = this.device.config.oobKeyPair;
      this.keepKeyPair = true;
    } else {
      // A new key pair for every provisioning session (5.4.2.3).
      this.keyPair = this.newKeyPair();
    }
    this.state = S.WaitPublicKey;
    this.env.emit({
      type: "start-received",
      ctx: this.ctx,
      start: {
        algorithm: p.algorithm,
        publicKey: p.publicKey,
        authenticationMethod: p.authenticationMethod,
        authenticationAction: p.authenticationAction,
        authenticationSize: p.authenticationSize,
      },
    });
  }

  onPublicKey(p: PublicKeyPdu): void {
    const key = concatBytes(p.publicKeyX, p.publicKeyY);
    if (!this.acceptPeerPublicKey(key)) return;
    const own = this.keyPair!.publicKey;
    this.confirmationInputs.setPublicKeyProvisioner(key);
    this.confirmationInputs.setPublicKeyDevice(own);
    if (!this.oobPublicKey) {
      this.send({ type: PduType.PublicKey, publicKeyX: own.slice(0, 32), publicKeyY: own.slice(32, 64) });
    }
    this.computeEcdh(() => this.authenticate());
  }

  /** Authentication (5.4.2.4) after the ECDH step. */
  private authenticate(): void {
    switch (this.method) {
      case AuthenticationMethod.NoOob:
        this.authValue = new Uint8Array(this.authLength);
        this.state = S.WaitConfirmation;
        break;
      case AuthenticationMethod.StaticOob:
        this.state = S.WaitStatic;
        this.setBusy(true); // the provisioner's Confirmation may come before the application answers
        this.env.emit({ type: "static-request", ctx: this.ctx, length: this.authLength });
        break;
      case AuthenticationMethod.OutputOob: {
        const value = generateOobValue((n) => this.env.primitives.randomBytes(n), this.method, this.action, this.size);
        this.authValue = authValueFromOob(value, this.authLength);
        this.state = S.WaitConfirmation;
        this.env.emit({ type: "output-request", ctx: this.ctx, method: this.method, action: this.action, size: this.size, value });
        break;
      }
      case AuthenticationMethod.InputOob:
        this.state = S.WaitInput;
        this.env.emit({ type: "input-request", ctx: this.ctx, method: this.method, action: this.action, size: this.size });
        break;
    }
  }

  override authDataProvide(data: Bytes | OobValue): void {
    if (this.finished) throw new ProvisioningError("invalid-state", "authDataProvide: the session is over");
    if (this.state === S.WaitStatic) {
      if (!(data instanceof Uint8Array) || data.length !== this.authLength) {
        throw new ProvisioningError("invalid-argument", `authDataProvide: static OOB data must be ${this.authLength} bytes`);
      }
      this.authValue = data.slice();
      this.state = S.WaitConfirmation;
      this.setBusy(false);
      return;
    }
    if (this.state === S.WaitInput) {
      const bad = data instanceof Uint8Array ? "a number or string is expected" : checkOobValue(this.method, this.action, this.size, data);
      if (bad) throw new ProvisioningError("invalid-argument", "authDataProvide: " + bad);
      this.authValue = authValueFromOob(data as OobValue, this.authLength);
      this.state = S.WaitConfirmation;
      this.send({ type: PduType.InputComplete });
      return;
    }
    throw new ProvisioningError("invalid-state", "authDataProvide: no authentication data is awaited");
  }

  onConfirmation(p: ConfirmationPdu): void {
    this.peerConfirmation = p.confirmation;
    const own = this.makeConfirmation();
    // A reflected Confirmation (the provisioner's equal to ours) is refused (5.4.2.4).
    if (bytesEqual(own, p.confirmation)) {
      this.protocolError(ErrorCode.ConfirmationFailed, "provisioner's Confirmation equals ours");
      return;
    }
    this.send({ type: PduType.Confirmation, confirmation: own });
    this.state = S.WaitRandom;
  }

  onRandom(p: RandomPdu): void {
    if (bytesEqual(p.random, this.ownRandom!)) {
      this.protocolError(ErrorCode.ConfirmationFailed, "provisioner's Random equals ours");
      return;
    }
    if (!this.checkPeerRandom(p.random, p.random, this.ownRandom!)) {
      this.protocolError(ErrorCode.ConfirmationFailed, "provisioner's Confirmation does not match its Random");
      return;
    }
    this.send({ type: PduType.Random, random: this.ownRandom! });
    this.state = S.WaitData;
  }

  onData(p: DataPdu): void {
    const plain = this.env.crypto.decryptProvisioningData(
      this.sessionKey!,
      this.sessionNonce!,
      concatBytes(p.encryptedProvisioningData, p.provisioningDataMic),
    );
    if (!plain) {
      this.protocolError(ErrorCode.DecryptionFailed, "Provisioning Data MIC mismatch");
      return;
    }
    const decoded = decodeProvisioningData(plain, this.device.config.capabilities.numberOfElements);
    plain.fill(0);
    if (!decoded.ok) {
      this.protocolError(errorCodeOf(decoded.error), decoded.reason);
      return;
    }
    this.send({ type: PduType.Complete });
    this.state = S.Complete;
    this.finished = true;
    const data = decoded.data;
    this.log("info", `provisioned: address 0x${data.unicastAddress.toString(16).padStart(4, "0")}`);
    this.device.provisioned(this);
    this.env.emit({
      type: "complete",
      ctx: this.ctx,
      deviceKey: this.deviceKey!.slice(),
      data,
      unicastAddress: data.unicastAddress,
      numberOfElements: this.device.config.capabilities.numberOfElements,
    });
  }
}

/** The device side: beacons while listening, one provisioning session per link. */
class Provisionee implements ProvisioneeController {
  listening = false;
  private uuid: Bytes | undefined;
  private beacon: Bytes | undefined;
  private beaconIntervalMs = DEFAULT_BEACON_INTERVAL_MS;
  private beaconTimer: unknown;
  private beaconHandle: AdvertiseHandle | undefined;
  private session: DeviceSession | undefined;

  constructor(
    private readonly env: RoleEnv,
    private readonly bearer: DeviceBearer,
    private readonly adv: AdvPort | undefined,
    readonly config: ProvisioneeConfig,
  ) {}

  listen(uuid: Bytes, options: ListenOptions): void {
    if (this.listening) throw new ProvisioningError("invalid-state", "listen: already listening");
    if (!(uuid instanceof Uint8Array) || uuid.length !== 16) throw new ProvisioningError("invalid-argument", "listen: UUID must be 16 bytes");
    const oobInfo = options.oobInfo ?? 0;
    if (!Number.isInteger(oobInfo) || oobInfo < 0 || oobInfo > 0xffff) {
      throw new ProvisioningError("invalid-argument", "listen: oobInfo must be a 16-bit integer");
    }
    const interval = options.beaconIntervalMs ?? DEFAULT_BEACON_INTERVAL_MS;
    if (!Number.isFinite(interval) || interval <= 0) throw new ProvisioningError("invalid-argument", "listen: beaconIntervalMs must be > 0");
    if (options.uri !== undefined && typeof options.uri !== "string") throw new ProvisioningError("invalid-argument", "listen: uri must be a string");
    this.uuid = uuid.slice();
    this.beaconIntervalMs = interval;
    this.beacon = encodeUnprovisionedBeacon(
      options.uri !== undefined
        ? { uuid: this.uuid, oobInfo, uriHash: uriHash(this.env.crypto, options.uri) }
        : { uuid: this.uuid, oobInfo },
    );
    this.listening = true;
    this.bearer.listen(this.uuid, this.linkEvents());
    this.scheduleBeacon(0);
  }

  listenStop(): void {
    if (!this.listening) return;
    this.listening = false;
    this.bearer.stopListening();
    this.stopBeacons();
  }

  /** Link events for the bearer: each opened link gets a new session (the bearer runs one at a time). */
  private linkEvents(): LinkEvents {
    return {
      opened: (link) => {
        const session = new DeviceSession(this.env, this.uuid!, this);
        this.session = session;
        this.env.register(session);
        this.stopBeacons();
        session.linkEvents().opened(link);
      },
      received: (link, pdu) => {
        const s = this.session;
        if (s && s.link === link) s.linkEvents().received(link, pdu);
      },
      closed: (link, reason, byPeer) => {
        const s = this.session;
        if (s && s.link === link) s.linkEvents().closed(link, reason, byPeer);
      },
    };
  }

  /** Called by the session when its link closed. */
  sessionEnded(session: DeviceSession): void {
    if (this.session !== session) return;
    this.session = undefined;
    if (this.listening) this.scheduleBeacon(0);
  }

  /** Called by the session on Complete: the device is provisioned, no more beacons or links. */
  provisioned(_session: DeviceSession): void {
    this.listenStop();
  }

  // ---- Unprovisioned Device beacon (3.10.2) in the Mesh Beacon AD type ----

  private scheduleBeacon(delayMs: number): void {
    if (!this.adv || this.beaconTimer !== undefined) return;
    this.beaconTimer = this.env.clock.setTimeout(() => {
      this.beaconTimer = undefined;
      if (!this.listening || this.session) return;
      this.beaconHandle = this.adv!.send(AD_TYPE.MESH_BEACON, this.beacon!, { count: 1, intervalMs: 20 });
      this.scheduleBeacon(this.beaconIntervalMs);
    }, delayMs);
  }

  private stopBeacons(): void {
    if (this.beaconTimer !== undefined) this.env.clock.clearTimeout(this.beaconTimer);
    this.beaconTimer = undefined;
    this.beaconHandle?.cancel();
    this.beaconHandle = undefined;
  }
}

/** The provisionee role, for api.ts: `new Provisioning({ roles: { provisionee: provisioneeRole }, ... })`. */
export const provisioneeRole: ProvisioneeRole = {
  name: "provisionee",
  create: (env, bearer, adv, config) => new Provisionee(env, bearer, adv, config),
};
