/**
 * The provisioner role of the provisioning protocol (Mesh Protocol 1.1, 5.4; like Zephyr's provisioner.c):
 * scanning for Unprovisioned Device beacons, and per device a link with Invite, Capabilities -> the
 * application's choice (oobUse), Start, public keys (in band or the device's OOB), authentication,
 * Confirmation/Random, Provisioning Data, Complete. On any error the provisioner closes the link with
 * Fail (5.4.4); a Provisioning Failed from the device is reported with its code. Several links at once.
 *
 * Built into an image by passing `provisionerRole` to api.ts's Provisioning.
 */
import { AD_TYPE } from "../platform.js";
import type { Bytes, RadioPacket } from "../platform.js";
import { LinkCloseReason } from "../bearer/bearer.js";
import type { ProvLink, ProvisionerBearer } from "../bearer/bearer.js";
import { decodeBeacon } from "../beacon.js";
import { bytesEqual, bytesToHex, concatBytes } from "../crypto/bytes.js";
import {
  Algorithm,
  AlgorithmsBit,
  AuthenticationMethod,
  ErrorCode,
  InputOobAction,
  MAX_OOB_SIZE,
  OobType,
  OutputOobAction,
  PduType,
  PublicKeyType,
  StartPublicKey,
  checkProvisioningData,
  checkStartFields,
  encodeProvisioningData,
  errorCodeName,
  errorCodeOf,
} from "./pdu.js";
import type {
  CapabilitiesFields,
  CapabilitiesPdu,
  ConfirmationPdu,
  FailedPdu,
  ProvisioningData,
  PublicKeyPdu,
  RandomPdu,
  StartFields,
} from "./pdu.js";
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
  OobPolicy,
  OobUseParams,
  OobValue,
  PduTable,
  ProvContext,
  ProvisionOptions,
  ProvisionerConfig,
  ProvisionerController,
  ProvisionerRole,
  RoleEnv,
} from "./common.js";

/** Provisioner states, named after what is awaited. */
const S = {
  LinkOpening: "link-opening",
  WaitCapabilities: "wait-capabilities",
  WaitOobUse: "wait-oob-use",
  WaitOobPublicKey: "wait-oob-public-key",
  WaitPublicKey: "wait-public-key",
  WaitStatic: "wait-static-oob",
  WaitAuthInput: "wait-auth-input",
  WaitInputComplete: "wait-input-complete",
  WaitConfirmation: "wait-confirmation",
  WaitRandom: "wait-random",
  WaitComplete: "wait-complete",
  Complete: "complete",
  Failed: "failed",
  Closed: "closed",
} as const;

/** Every state of a running session, where a Provisioning Failed from the device may arrive. */
const ACTIVE = [
  S.WaitCapabilities,
  S.WaitOobUse,
  S.WaitOobPublicKey,
  S.WaitPublicKey,
  S.WaitStatic,
  S.WaitAuthInput,
  S.WaitInputComplete,
  S.WaitConfirmation,
  S.WaitRandom,
  S.WaitComplete,
];

/** The provisioner's PDU table: which PDU is expected in which state (anything else: Unexpected PDU). */
const PROVISIONER_TABLE: PduTable<ProvisionerSession> = {
  [PduType.Capabilities]: { states: [S.WaitCapabilities], handle: (s, p, raw) => s.onCapabilities(p as CapabilitiesPdu, raw) },
  [PduType.PublicKey]: { states: [S.WaitPublicKey], handle: (s, p) => s.onPublicKey(p as PublicKeyPdu) },
  [PduType.InputComplete]: { states: [S.WaitInputComplete], handle: (s) => s.onInputComplete() },
  [PduType.Confirmation]: { states: [S.WaitConfirmation], length: AUTH_LENGTH, handle: (s, p) => s.onConfirmation(p as ConfirmationPdu) },
  [PduType.Random]: { states: [S.WaitRandom], length: AUTH_LENGTH, handle: (s, p) => s.onRandom(p as RandomPdu) },
  [PduType.Complete]: { states: [S.WaitComplete], handle: (s) => s.onComplete() },
  [PduType.Failed]: { states: ACTIVE, handle: (s, p) => s.onFailed(p as FailedPdu) },
};

/**
 * Check the application's choice against the device's capabilities (the rules the device applies to
 * Start, 5.4.1.3). Returns a reason, or null when acceptable.
 */
export function checkOobUse(choice: OobUseParams, caps: CapabilitiesFields): string | null {
  const start: StartFields = {
    algorithm: choice.algorithm,
    publicKey: choice.publicKey,
    authenticationMethod: choice.method,
    authenticationAction: choice.action,
    authenticationSize: choice.size,
  };
  for (const k of ["algorithm", "publicKey", "method", "action", "size"] as const) {
    const v = choice[k];
    if (!Number.isInteger(v) || v < 0 || v > 0xff) return k + " must be an integer 0..255";
  }
  const intrinsic = checkStartFields(start);
  if (intrinsic) return intrinsic;
  if (choice.algorithm > Algorithm.BTM_ECDH_P256_HMAC_SHA256_AES_CCM || !(caps.algorithms & (1 << choice.algorithm))) {
    return "the device does not support this algorithm";
  }
  if (choice.publicKey === StartPublicKey.OobPublicKey && !(caps.publicKeyType & PublicKeyType.PublicKeyOobInformationAvailable)) {
    return "the device offers no OOB public key";
  }
  switch (choice.method) {
    case AuthenticationMethod.StaticOob:
      if (!(caps.oobType & OobType.StaticOobInformationAvailable)) return "the device offers no static OOB";
      break;
    case AuthenticationMethod.OutputOob:
      if (!caps.outputOobSize || choice.size > caps.outputOobSize || !(caps.outputOobAction & (1 << choice.action))) {
        return "the device does not offer this Output OOB action/size";
      }
      break;
    case AuthenticationMethod.InputOob:
      if (!caps.inputOobSize || choice.size > caps.inputOobSize || !(caps.inputOobAction & (1 << choice.action))) {
        return "the device does not offer this Input OOB action/size";
      }
      break;
  }
  if (
    caps.oobType & OobType.OnlyOobAuthenticatedProvisioningSupported &&
    (choice.method === AuthenticationMethod.NoOob || choice.algorithm === Algorithm.BTM_ECDH_P256_CMAC_AES128_AES_CCM)
  ) {
    return "the device supports only OOB-authenticated provisioning (with BTM_ECDH_P256_HMAC_SHA256_AES_CCM)";
  }
  return null;
}

/** Highest set bit of `bits` among 0..max, or -1. */
function highestBit(bits: number, max: number): number {
  for (let b = max; b >= 0; b--) if (bits & (1 << b)) return b;
  return -1;
}

/**
 * An automatic choice: the strongest algorithm the device supports, its OOB public key when offered and
 * `useOobPublicKey`, and the strongest authentication offered: static OOB, then Output OOB (alphanumeric,
 * numeric, then counts; largest size), then Input OOB likewise, then No OOB.
 */
export function autoOobPolicy(preferences: { useOobPublicKey?: boolean } = {}): OobPolicy {
  return (caps) => {
    const algorithm =
      caps.algorithms & AlgorithmsBit.BTM_ECDH_P256_HMAC_SHA256_AES_CCM
        ? Algorithm.BTM_ECDH_P256_HMAC_SHA256_AES_CCM
        : caps.algorithms & AlgorithmsBit.BTM_ECDH_P256_CMAC_AES128_AES_CCM
          ? Algorithm.BTM_ECDH_P256_CMAC_AES128_AES_CCM
          : -1;
    if (algorithm < 0) return undefined;
    const publicKey =
      preferences.useOobPublicKey && caps.publicKeyType & PublicKeyType.PublicKeyOobInformationAvailable
        ? StartPublicKey.OobPublicKey
        : StartPublicKey.NoOobPublicKey;
    const base = { algorithm, publicKey };
    if (caps.oobType & OobType.StaticOobInformationAvailable) return { ...base, method: AuthenticationMethod.StaticOob, action: 0, size: 0 };
    const out = highestBit(caps.outputOobAction, OutputOobAction.OutputAlphanumeric);
    if (caps.outputOobSize > 0 && out >= 0) {
      return { ...base, method: AuthenticationMethod.OutputOob, action: out, size: Math.min(caps.outputOobSize, MAX_OOB_SIZE) };
    }
    const inp = highestBit(caps.inputOobAction, InputOobAction.InputAlphanumeric);
    if (caps.inputOobSize > 0 && inp >= 0) {
      return { ...base, method: AuthenticationMethod.InputOob, action: inp, size: Math.min(caps.inputOobSize, MAX_OOB_SIZE) };
    }
    return { ...base, method: AuthenticationMethod.NoOob, action: 0, size: 0 };
  };
}

class ProvisionerSession extends Session {
  readonly role = "provisioner" as const;
  capabilities: CapabilitiesFields | undefined;
  private readonly data: ProvisioningData;
  private readonly attentionDuration: number;
  private readonly policy: OobPolicy | undefined;

  constructor(env: RoleEnv, uuid: Bytes, data: ProvisioningData, options: ProvisionOptions) {
    super(env, uuid);
    this.data = { ...data, networkKey: data.networkKey.slice(), flags: { ...data.flags } };
    this.attentionDuration = options.attentionDuration ?? 0;
    this.policy = options.oobPolicy;
    this.state = S.LinkOpening;
  }

  protected table(): PduTable<Session> {
    return PROVISIONER_TABLE as unknown as PduTable<Session>;
  }

  /** The provisioner closes the link with Fail on any error (5.4.4) and reports it. */
  protocolError(code: number, reason: string): void {
    if (this.finished) return;
    this.state = S.Failed;
    this.reportFailed(code, false, reason);
    this.closeLink(LinkCloseReason.Fail);
  }

  protected override linkOpened(link: ProvLink): void {
    super.linkOpened(link);
    if (this.finished) return;
    const sent = this.send({ type: PduType.Invite, attentionDuration: this.attentionDuration });
    this.confirmationInputs.setInvite(sent.subarray(1));
    this.state = S.WaitCapabilities;
  }

  protected onLinkClosed(): void {
    if (this.state !== S.Complete) this.state = S.Closed;
  }

  // ---- PDU handlers ----

  onCapabilities(p: CapabilitiesPdu, raw: Bytes): void {
    const caps: CapabilitiesFields = {
      numberOfElements: p.numberOfElements,
      algorithms: p.algorithms,
      publicKeyType: p.publicKeyType,
      oobType: p.oobType,
      outputOobSize: p.outputOobSize,
      outputOobAction: p.outputOobAction,
      inputOobSize: p.inputOobSize,
      inputOobAction: p.inputOobAction,
    };
    const known = AlgorithmsBit.BTM_ECDH_P256_CMAC_AES128_AES_CCM | AlgorithmsBit.BTM_ECDH_P256_HMAC_SHA256_AES_CCM;
    if (!(caps.algorithms & known)) {
      this.protocolError(ErrorCode.InvalidFormat, "the device supports no known algorithm");
      return;
    }
    const bad = checkProvisioningData(this.data, caps.numberOfElements);
    if (bad) {
      this.protocolError(errorCodeOf(bad.error), bad.reason);
      return;
    }
    this.capabilities = caps;
    this.confirmationInputs.setCapabilities(raw.subarray(1));
    this.state = S.WaitOobUse;
    this.env.emit({ type: "capabilities-received", ctx: this.ctx, capabilities: { ...caps } });
    if (this.policy && this.state === S.WaitOobUse) {
      const choice = this.policy(caps);
      if (!choice) return;
      const reason = checkOobUse(choice, caps);
      if (reason) this.protocolError(ErrorCode.UnexpectedError, "OOB policy: " + reason);
      else this.oobUse(choice);
    }
  }

  override oobUse(choice: OobUseParams): void {
    if (this.state !== S.WaitOobUse || this.finished) throw new ProvisioningError("invalid-state", "oobUse: no capabilities are awaiting a choice");
    if (!choice || typeof choice !== "object") throw new ProvisioningError("invalid-argument", "oobUse: parameters missing");
    const reason = checkOobUse(choice, this.capabilities!);
    if (reason) throw new ProvisioningError("invalid-argument", "oobUse: " + reason);
    const start: StartFields = {
      algorithm: choice.algorithm,
      publicKey: choice.publicKey,
      authenticationMethod: choice.method,
      authenticationAction: choice.action,
      authenticationSize: choice.size,
    };
    const sent = this.send({ type: PduType.Start, ...start });
    this.confirmationInputs.setStart(sent.subarray(1));
    this.useStart(start);
    // The provisioner generates a new key pair for every session (5.4.2.3).
    this.keyPair = this.newKeyPair();
    if (this.oobPublicKey) {
      this.state = S.WaitOobPublicKey;
      this.env.emit({ type: "oob-pubkey-request", ctx: this.ctx });
    } else {
      this.sendPublicKey();
      this.state = S.WaitPublicKey;
    }
  }

  private sendPublicKey(): void {
    const own = this.keyPair!.publicKey;
    this.confirmationInputs.setPublicKeyProvisioner(own);
    this.send({ type: PduType.PublicKey, publicKeyX: own.slice(0, 32), publicKeyY: own.slice(32, 64) });
  }

  override oobPublicKeyProvide(key: Bytes): void {
    if (this.state !== S.WaitOobPublicKey || this.finished) {
      throw new ProvisioningError("invalid-state", "oobPublicKeyProvide: no OOB public key is awaited");
    }
    if (!(key instanceof Uint8Array) || key.length !== 64) throw new ProvisioningError("invalid-argument", "oobPublicKeyProvide: the key must be 64 bytes (X || Y)");
    this.guard(() => {
      if (!this.acceptPeerPublicKey(key)) return;
      this.sendPublicKey();
      this.confirmationInputs.setPublicKeyDevice(this.peerPublicKey!);
      this.computeEcdh(() => this.authenticate());
    });
  }

  onPublicKey(p: PublicKeyPdu): void {
    const key = concatBytes(p.publicKeyX, p.publicKeyY);
    if (!this.acceptPeerPublicKey(key)) return;
    this.confirmationInputs.setPublicKeyDevice(key);
    this.computeEcdh(() => this.authenticate());
  }

  /** Authentication (5.4.2.4) after the ECDH step. */
  private authenticate(): void {
    switch (this.method) {
      case AuthenticationMethod.NoOob:
        this.authValue = new Uint8Array(this.authLength);
        this.sendConfirmation();
        break;
      case AuthenticationMethod.StaticOob:
        this.state = S.WaitStatic;
        this.env.emit({ type: "static-request", ctx: this.ctx, length: this.authLength });
        break;
      case AuthenticationMethod.OutputOob:
        // The device outputs a value; the person enters it here.
        this.state = S.WaitAuthInput;
        this.env.emit({ type: "input-request", ctx: this.ctx, method: this.method, action: this.action, size: this.size });
        break;
      case AuthenticationMethod.InputOob: {
        // We output a value; the person enters it into the device, which then sends Input Complete.
        const value = generateOobValue((n) => this.env.primitives.randomBytes(n), this.method, this.action, this.size);
        this.authValue = authValueFromOob(value, this.authLength);
        this.state = S.WaitInputComplete;
        this.env.emit({ type: "output-request", ctx: this.ctx, method: this.method, action: this.action, size: this.size, value });
        break;
      }
    }
  }

  override authDataProvide(data: Bytes | OobValue): void {
    if (this.finished) throw new ProvisioningError("invalid-state", "authDataProvide: the session is over");
    if (this.state === S.WaitStatic) {
      if (!(data instanceof Uint8Array) || data.length !== this.authLength) {
        throw new ProvisioningError("invalid-argument", `authDataProvide: static OOB data must be ${this.authLength} bytes`);
      }
      this.authValue = data.slice();
    } else if (this.state === S.WaitAuthInput) {
      const bad = data instanceof Uint8Array ? "a number or string is expected" : checkOobValue(this.method, this.action, this.size, data);
      if (bad) throw new ProvisioningError("invalid-argument", "authDataProvide: " + bad);
      this.authValue = authValueFromOob(data as OobValue, this.authLength);
    } else {
      throw new ProvisioningError("invalid-state", "authDataProvide: no authentication data is awaited");
    }
    this.guard(() => this.sendConfirmation());
  }

  onInputComplete(): void {
    this.sendConfirmation();
  }

  private sendConfirmation(): void {
    const own = this.makeConfirmation();
    this.send({ type: PduType.Confirmation, confirmation: own });
    this.state = S.WaitConfirmation;
  }

  onConfirmation(p: ConfirmationPdu): void {
    // A reflected Confirmation (the device's equal to ours) is refused (5.4.2.4).
    if (bytesEqual(p.confirmation, this.ownConfirmation!)) {
      this.protocolError(ErrorCode.ConfirmationFailed, "device's Confirmation equals ours");
      return;
    }
    this.peerConfirmation = p.confirmation;
    this.send({ type: PduType.Random, random: this.ownRandom! });
    this.state = S.WaitRandom;
  }

  onRandom(p: RandomPdu): void {
    if (bytesEqual(p.random, this.ownRandom!)) {
      this.protocolError(ErrorCode.ConfirmationFailed, "device's Random equals ours");
      return;
    }
    if (!this.checkPeerRandom(p.random, this.ownRandom!, p.random)) {
      this.protocolError(ErrorCode.ConfirmationFailed, "device's Confirmation does not match its Random");
      return;
    }
    const plain = encodeProvisioningData(this.data);
    const enc = this.env.crypto.encryptProvisioningData(this.sessionKey!, this.sessionNonce!, plain);
    plain.fill(0);
    this.send({ type: PduType.Data, encryptedProvisioningData: enc.slice(0, 25), provisioningDataMic: enc.slice(25, 33) });
    this.state = S.WaitComplete;
  }

  onComplete(): void {
    this.state = S.Complete;
    this.finished = true;
    this.log("info", `device provisioned at 0x${this.data.unicastAddress.toString(16).padStart(4, "0")}`);
    this.env.emit({
      type: "complete",
      ctx: this.ctx,
      deviceKey: this.deviceKey!.slice(),
      data: { ...this.data, networkKey: this.data.networkKey.slice(), flags: { ...this.data.flags } },
      unicastAddress: this.data.unicastAddress,
      numberOfElements: this.capabilities!.numberOfElements,
    });
    this.closeLink(LinkCloseReason.Success);
  }

  onFailed(p: FailedPdu): void {
    this.state = S.Failed;
    this.reportFailed(p.errorCode, true, "Provisioning Failed: " + errorCodeName(p.errorCode));
    this.closeLink(LinkCloseReason.Fail);
  }
}

/** The provisioner side: scanning and one session per link. */
class Provisioner implements ProvisionerController {
  scanning = false;
  private unsubscribe: (() => void) | undefined;
  private readonly seen = new Map<string, { time: number; oobInfo: number; uriHash: string }>();
  private readonly reportIntervalMs: number;

  constructor(
    private readonly env: RoleEnv,
    private readonly bearer: ProvisionerBearer,
    private readonly adv: AdvPort | undefined,
    config: ProvisionerConfig,
  ) {
    this.reportIntervalMs = config.unprovisionedReportIntervalMs ?? 10_000;
  }

  provision(uuid: Bytes, data: ProvisioningData, options: ProvisionOptions): ProvContext {
    if (!(uuid instanceof Uint8Array) || uuid.length !== 16) throw new ProvisioningError("invalid-argument", "provision: UUID must be 16 bytes");
    if (!data || typeof data !== "object" || !data.flags) throw new ProvisioningError("invalid-argument", "provision: provisioning data missing");
    const bad = checkProvisioningData(data);
    if (bad) throw new ProvisioningError("invalid-argument", "provision: " + bad.reason);
    const attention = options.attentionDuration ?? 0;
    if (!Number.isInteger(attention) || attention < 0 || attention > 0xff) {
      throw new ProvisioningError("invalid-argument", "provision: attentionDuration must be 0..255 seconds");
    }
    const session = new ProvisionerSession(this.env, uuid.slice(), data, options);
    this.env.register(session);
    // The protocol timer also bounds link establishment (the bearer has its own 60 s timer too).
    session.restartTimer();
    try {
      session.link = this.bearer.open(session.uuid, session.linkEvents());
    } catch (e) {
      session.stopTimer();
      session.finished = true;
      this.env.unregister(session);
      throw new ProvisioningError("invalid-state", "provision: the bearer refused the link: " + (e instanceof Error ? e.message : String(e)));
    }
    return session.ctx;
  }

  scanStart(): void {
    if (this.scanning) return;
    if (!this.adv) throw new ProvisioningError("invalid-state", "scanStart: no advertising bearer was given to init");
    this.scanning = true;
    this.unsubscribe = this.adv.subscribe(AD_TYPE.MESH_BEACON, (packet) => this.onBeacon(packet));
  }

  scanStop(): void {
    if (!this.scanning) return;
    this.scanning = false;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** Unprovisioned Device beacons (3.10.2), reported once per UUID per report interval or when they change. */
  private onBeacon(packet: RadioPacket): void {
    const b = decodeBeacon(packet.data);
    if (b.type !== "unprovisioned") return;
    const key = bytesToHex(b.uuid);
    const hash = b.uriHash ? bytesToHex(b.uriHash) : "";
    const now = this.env.clock.now();
    const last = this.seen.get(key);
    if (last && now - last.time < this.reportIntervalMs && last.oobInfo === b.oobInfo && last.uriHash === hash) return;
    if (this.seen.size >= 256) {
      for (const [k, v] of this.seen) if (now - v.time >= this.reportIntervalMs) this.seen.delete(k);
      if (this.seen.size >= 256) this.seen.clear();
    }
    this.seen.set(key, { time: now, oobInfo: b.oobInfo, uriHash: hash });
    this.env.emit(
      b.uriHash
        ? { type: "unprovisioned-received", uuid: b.uuid, oobInfo: b.oobInfo, uriHash: b.uriHash, rssi: packet.rssi }
        : { type: "unprovisioned-received", uuid: b.uuid, oobInfo: b.oobInfo, rssi: packet.rssi },
    );
  }
}

/** The provisioner role, for api.ts: `new Provisioning({ roles: { provisioner: provisionerRole }, ... })`. */
export const provisionerRole: ProvisionerRole = {
  name: "provisioner",
  create: (env, bearer, adv, config) => new Provisioner(env, bearer, adv, config),
};
