/**
 * The provisioner role of the provisioning protocol (Mesh Protocol 1.1, 5.4; like Zephyr's provisioner.c):
 * scanning its bearers for unprovisioned devices, and per device a link with Invite, Capabilities -> the
 * application's choice (oobUse), Start, public keys (in band or the device's OOB), authentication,
 * Confirmation/Random, Provisioning Data, Complete. On any error the provisioner closes the link with
 * Fail (5.4.4); a Provisioning Failed from the device is reported with its code. Several links at once.
 *
 * Built into an image by passing `provisionerRole` to api.ts's Provisioning.
 */
import type { Bytes } from "../platform.js";
import { LinkCloseReason } from "../bearer/bearer.js";
import type { DeviceFound, ProvLink, ProvisionerBearer, ProvisioningBearer } from "../bearer/bearer.js";
import { bytesToHex, concatBytes } from "../crypto/bytes.js";
import {
  Algorithm,
  AlgorithmsBit,
  AuthenticationMethod,
  ErrorCode,
  InputOobAction,
  MAX_OOB_SIZE,
  OobType,
  OutputOobAction,
  PublicKeyType,
  StartPublicKey,
  PROVISIONING_DATA_LENGTH,
  PduType,
  checkCapabilitiesPdu,
  checkFailedPdu,
  checkProvisioningData,
  encodeProvisioningData,
  errorCodeName,
  errorCodeOf,
} from "./pdu.js";
import type { CapabilitiesFields, CapabilitiesPdu, ConfirmationPdu, FailedPdu, ProvisioningData, ProvisioningPdu, PublicKeyPdu, RandomPdu, StartFields } from "./pdu.js";
import { Phase, ProvisioningError, Session } from "./common.js";
import type {
  AuthPhases,
  OobPolicy,
  OobUseParams,
  PduTable,
  ProvContext,
  ProvisionData,
  ProvisionOptions,
  ProvisionerConfig,
  ProvisionerController,
  ProvisionerRole,
  RoleEnv,
} from "./common.js";
import { checkStartChoice } from "./rules.js";
import type { AddressRange, UnicastAllocator } from "./addresses.js";

/** The provisioner's own phases, named after what is awaited; with the shared ones (common.ts Phase), its state. */
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
} as const;
type ProvisionerPhase = (typeof S)[keyof typeof S];

/** Where the provisioner waits during authentication: the device shows (Output OOB) or we show (Input OOB). */
const PROVISIONER_AUTH: AuthPhases<ProvisionerPhase> = { static: S.WaitStatic, entering: S.WaitAuthInput, shown: S.WaitInputComplete };

/** Every phase of a running session, where a Provisioning Failed from the device may arrive. */
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

/** The provisioner's PDU table: which PDU is expected in which phase (anything else: Unexpected PDU). */
const PROVISIONER_TABLE: PduTable = {
  [PduType.Capabilities]: [S.WaitCapabilities],
  [PduType.PublicKey]: [S.WaitPublicKey],
  [PduType.InputComplete]: [S.WaitInputComplete],
  [PduType.Confirmation]: [S.WaitConfirmation],
  [PduType.Random]: [S.WaitRandom],
  [PduType.Complete]: [S.WaitComplete],
  [PduType.Failed]: ACTIVE,
};

/** The Start fields (5.4.1.3) of the provisioner's choice (nrf_mesh_prov_oob_use parameters). */
export function startFields(choice: OobUseParams): StartFields {
  return {
    algorithm: choice.algorithm,
    publicKey: choice.publicKey,
    authenticationMethod: choice.method,
    authenticationAction: choice.action,
    authenticationSize: choice.size,
  };
}

/** Highest set bit of `bits` among 0..max, or -1. */
function highestBit(bits: number, max: number): number {
  for (let b = max; b >= 0; b--) if (bits & (1 << b)) return b;
  return -1;
}

export interface AutoOobPreferences {
  /** Use the device's OOB public key when it offers one. */
  useOobPublicKey?: boolean;
  /** Use this algorithm (when the device offers it) instead of the strongest offered. */
  algorithm?: number;
}

/**
 * The strongest choice the capabilities allow (the one automatic OOB policy, for the provisioner role and the
 * simulator alike): BTM_ECDH_P256_HMAC_SHA256_AES_CCM when offered (or `preferences.algorithm`), the OOB
 * public key when offered and wanted, and the strongest authentication offered: static OOB (a 128- or 256-bit
 * secret), then Output OOB (alphanumeric, numeric, then counts; the largest size), then Input OOB likewise,
 * then No OOB. Undefined when the device offers no known algorithm.
 */
export function strongestOobUse(caps: CapabilitiesFields, preferences: AutoOobPreferences = {}): OobUseParams | undefined {
  const offered = (alg: number): boolean => alg >= 0 && alg <= Algorithm.BTM_ECDH_P256_HMAC_SHA256_AES_CCM && (caps.algorithms & (1 << alg)) !== 0;
  const algorithm =
    preferences.algorithm !== undefined && offered(preferences.algorithm)
      ? preferences.algorithm
      : caps.algorithms & AlgorithmsBit.BTM_ECDH_P256_HMAC_SHA256_AES_CCM
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
}

/**
 * Check the application's choice against the device's capabilities: the rules the device applies to
 * Start (rules.ts checkStartChoice, 5.4.1.3). Returns a reason, or null when acceptable.
 */
export function checkOobUse(choice: OobUseParams, caps: CapabilitiesFields): string | null {
  return checkStartChoice(startFields(choice), caps);
}

/** The automatic OOB policy: the strongest choice the device offers (rules.ts strongestOobUse). */
export function autoOobPolicy(preferences: AutoOobPreferences = {}): OobPolicy {
  return (caps) => strongestOobUse(caps, preferences);
}

class ProvisionerSession extends Session<ProvisionerPhase> {
  readonly role = "provisioner" as const;
  protected readonly authPhases = PROVISIONER_AUTH;
  private capabilities: CapabilitiesFields | undefined;
  private readonly data: ProvisionData;
  private readonly attentionDuration: number;
  private readonly policy: OobPolicy | undefined;
  /** The addresses allocated to this device after its Capabilities (released unless it completes). */
  private allocated: AddressRange | undefined;

  constructor(
    env: RoleEnv,
    uuid: Bytes,
    data: ProvisionData,
    options: ProvisionOptions,
    private readonly addresses: UnicastAllocator | undefined,
  ) {
    super(env, uuid, S.LinkOpening);
    this.data = { ...data, networkKey: data.networkKey.slice(), flags: { ...data.flags } };
    this.attentionDuration = options.attentionDuration ?? 0;
    this.policy = options.oobPolicy;
  }

  protected table(): PduTable {
    return PROVISIONER_TABLE;
  }

  protected handlePdu(p: ProvisioningPdu, raw: Bytes): void {
    switch (p.type) {
      case PduType.Capabilities:
        return this.onCapabilities(p, raw);
      case PduType.PublicKey:
        return this.onPublicKey(p);
      case PduType.InputComplete:
        return this.onInputComplete();
      case PduType.Confirmation:
        return this.onConfirmation(p);
      case PduType.Random:
        return this.onRandom(p);
      case PduType.Complete:
        return this.onComplete();
      case PduType.Failed:
        return this.onFailed(p);
    }
  }

  /** Open the link on `bearer`; the protocol timer also bounds link establishment (the bearer has its own too). */
  start(bearer: ProvisionerBearer): void {
    this.restartTimer();
    try {
      this.linkValue = bearer.open(this.uuid, this.linkEvents());
    } catch (e) {
      this.stopTimer();
      this.enter(Phase.Closed);
      throw new ProvisioningError("invalid-state", "provision: the bearer refused the link: " + (e instanceof Error ? e.message : String(e)));
    }
  }

  /** The provisioner closes the link with Fail on any error (5.4.4) and reports it. */
  protected protocolError(code: number, reason: string): void {
    if (this.finished) return;
    this.enter(Phase.Failed);
    this.reportFailed(code, false, reason);
    this.closeLink(LinkCloseReason.Fail);
  }

  protected override linkOpened(link: ProvLink): void {
    super.linkOpened(link);
    if (this.finished) return;
    const sent = this.send({ type: PduType.Invite, attentionDuration: this.attentionDuration });
    this.confirmationInputs.setInvite(sent.subarray(1));
    this.enter(S.WaitCapabilities);
  }

  protected onLinkClosed(): void {
    // A device that was not provisioned keeps no address.
    if (this.allocated && this.addresses) this.addresses.release(this.allocated);
    this.allocated = undefined;
  }

  // ---- PDU handlers ----

  onCapabilities(p: CapabilitiesPdu, raw: Bytes): void {
    const prohibited = checkCapabilitiesPdu(p); // 5.4.1.2
    if (prohibited) {
      this.protocolError(ErrorCode.InvalidFormat, prohibited);
      return;
    }
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
    // The element count is known now: the device's addresses are allocated (5.4.2.5), unless given.
    if (this.data.unicastAddress === undefined) {
      const r = this.addresses!.allocate(caps.numberOfElements);
      if (!r.ok) {
        this.protocolError(ErrorCode.CannotAssignAddresses, "address allocation: " + r.reason);
        return;
      }
      this.allocated = r.range;
      this.data.unicastAddress = r.range.address;
    }
    const bad = checkProvisioningData(this.data as ProvisioningData, caps.numberOfElements);
    if (bad) {
      this.protocolError(errorCodeOf(bad.error), bad.reason);
      return;
    }
    this.capabilities = caps;
    this.confirmationInputs.setCapabilities(raw.subarray(1));
    this.enter(S.WaitOobUse);
    this.env.emit({ type: "capabilities-received", ctx: this.ctx, capabilities: { ...caps } });
    if (this.policy && this.phase === S.WaitOobUse) {
      const choice = this.policy(caps);
      if (!choice) return;
      const reason = checkOobUse(choice, caps);
      if (reason) this.protocolError(ErrorCode.UnexpectedError, "OOB policy: " + reason);
      else this.oobUse(choice);
    }
  }

  oobUse(choice: OobUseParams): void {
    if (this.phase !== S.WaitOobUse) throw new ProvisioningError("invalid-state", "oobUse: no capabilities are awaiting a choice");
    if (!choice || typeof choice !== "object") throw new ProvisioningError("invalid-argument", "oobUse: parameters missing");
    const reason = checkOobUse(choice, this.capabilities!);
    if (reason) throw new ProvisioningError("invalid-argument", "oobUse: " + reason);
    const start = startFields(choice);
    const sent = this.send({ type: PduType.Start, ...start });
    this.confirmationInputs.setStart(sent.subarray(1));
    this.useStart(start);
    // The provisioner generates a new key pair for every session (5.4.2.3).
    this.keyPair = this.env.primitives.p256GenerateKeyPair();
    if (this.oobPublicKey) {
      this.enter(S.WaitOobPublicKey);
      this.env.emit({ type: "oob-pubkey-request", ctx: this.ctx });
    } else {
      this.confirmationInputs.setPublicKeyProvisioner(this.keyPair.publicKey);
      this.sendPublicKey();
      this.enter(S.WaitPublicKey);
    }
  }

  oobPublicKeyProvide(key: Bytes): void {
    if (this.phase !== S.WaitOobPublicKey) throw new ProvisioningError("invalid-state", "oobPublicKeyProvide: no OOB public key is awaited");
    if (!(key instanceof Uint8Array) || key.length !== 64) throw new ProvisioningError("invalid-argument", "oobPublicKeyProvide: the key must be 64 bytes (X || Y)");
    this.guard(() => {
      if (!this.acceptPeerPublicKey(key)) return;
      this.confirmationInputs.setPublicKeyProvisioner(this.keyPair!.publicKey);
      this.sendPublicKey();
      this.confirmationInputs.setPublicKeyDevice(this.peerPublicKey!);
      this.computeEcdh();
    });
  }

  onPublicKey(p: PublicKeyPdu): void {
    const key = concatBytes(p.publicKeyX, p.publicKeyY);
    if (!this.acceptPeerPublicKey(key)) return;
    this.confirmationInputs.setPublicKeyDevice(key);
    this.computeEcdh();
  }

  /** No OOB, the application's static data, or the value the person entered: our Confirmation goes out. */
  protected authValueKnown(): void {
    this.sendConfirmation();
  }

  onInputComplete(): void {
    this.sendConfirmation();
  }

  private sendConfirmation(): void {
    const own = this.makeConfirmation();
    this.send({ type: PduType.Confirmation, confirmation: own });
    this.enter(S.WaitConfirmation);
  }

  onConfirmation(p: ConfirmationPdu): void {
    // A reflected Confirmation (the device's equal to ours) is refused (5.4.2.4).
    if (!this.acceptPeerConfirmation(p.confirmation)) return;
    this.send({ type: PduType.Random, random: this.ownRandom! });
    this.enter(S.WaitRandom);
  }

  onRandom(p: RandomPdu): void {
    if (!this.acceptPeerRandom(p.random)) return;
    const plain = encodeProvisioningData(this.data as ProvisioningData);
    const enc = this.env.crypto.encryptProvisioningData(this.sessionKey!, this.sessionNonce!, plain);
    plain.fill(0);
    this.send({
      type: PduType.Data,
      encryptedProvisioningData: enc.slice(0, PROVISIONING_DATA_LENGTH),
      provisioningDataMic: enc.slice(PROVISIONING_DATA_LENGTH),
    });
    this.enter(S.WaitComplete);
  }

  onComplete(): void {
    this.enter(Phase.Complete);
    this.allocated = undefined; // the device keeps its addresses
    const data = this.data as ProvisioningData;
    this.log("info", `device provisioned at 0x${data.unicastAddress.toString(16).padStart(4, "0")}`);
    this.reportComplete(data, this.capabilities!.numberOfElements);
    this.closeLink(LinkCloseReason.Success);
  }

  onFailed(p: FailedPdu): void {
    const prohibited = checkFailedPdu(p); // 5.4.1.10
    if (prohibited) {
      this.protocolError(ErrorCode.InvalidFormat, prohibited);
      return;
    }
    this.enter(Phase.Failed);
    this.reportFailed(p.errorCode, true, "Provisioning Failed: " + errorCodeName(p.errorCode));
    this.closeLink(LinkCloseReason.Fail);
  }
}

/** Unprovisioned devices remembered at most, for reporting each once per interval. */
const MAX_SEEN = 256;

/** The provisioner side: scanning its bearers, one session per link. */
class Provisioner implements ProvisionerController {
  scanning = false;
  private stops: (() => void)[] = [];
  private readonly seen = new Map<string, { time: number; oobInfo: number; uriHash: string }>();
  private readonly reportIntervalMs: number;

  constructor(
    private readonly env: RoleEnv,
    private readonly bearers: readonly ProvisionerBearer[],
    private readonly config: ProvisionerConfig,
  ) {
    this.reportIntervalMs = config.unprovisionedReportIntervalMs ?? 10_000;
  }

  provision(uuid: Bytes, data: ProvisionData, options: ProvisionOptions): ProvContext {
    if (!(uuid instanceof Uint8Array) || uuid.length !== 16) throw new ProvisioningError("invalid-argument", "provision: UUID must be 16 bytes");
    if (!data || typeof data !== "object" || !data.flags) throw new ProvisioningError("invalid-argument", "provision: provisioning data missing");
    if (data.unicastAddress === undefined && !this.config.addresses) {
      throw new ProvisioningError("invalid-argument", "provision: a unicastAddress is needed (or an address allocator given to init)");
    }
    // Without an address yet, the other fields are checked with a placeholder one.
    const bad = checkProvisioningData({ ...data, unicastAddress: data.unicastAddress ?? 1 });
    if (bad) throw new ProvisioningError("invalid-argument", "provision: " + bad.reason);
    const attention = options.attentionDuration ?? 0;
    if (!Number.isInteger(attention) || attention < 0 || attention > 0xff) {
      throw new ProvisioningError("invalid-argument", "provision: attentionDuration must be 0..255 seconds");
    }
    const index = options.bearer ?? 0;
    const bearer = this.bearers[index];
    if (!Number.isInteger(index) || !bearer) throw new ProvisioningError("invalid-argument", `provision: no bearer ${index}`);
    const session = new ProvisionerSession(this.env, uuid.slice(), data, options, this.config.addresses);
    this.env.register(session);
    try {
      session.start(bearer);
    } catch (e) {
      this.env.unregister(session);
      throw e;
    }
    return session.ctx;
  }

  scanStart(): void {
    if (this.scanning) return;
    const scanners = this.bearers.filter((b) => typeof b.scan === "function");
    if (!scanners.length) throw new ProvisioningError("invalid-state", "scanStart: no bearer given to init can scan for devices");
    this.scanning = true;
    this.stops = scanners.map((b) => b.scan!((d) => this.onFound(d)));
  }

  scanStop(): void {
    if (!this.scanning) return;
    this.scanning = false;
    for (const stop of this.stops) stop();
    this.stops = [];
  }

  /** Unprovisioned devices (3.10.2), reported once per UUID per report interval or when their announcement changes. */
  private onFound(d: DeviceFound): void {
    const key = bytesToHex(d.uuid);
    const hash = d.uriHash ? bytesToHex(d.uriHash) : "";
    const now = this.env.clock.now();
    const last = this.seen.get(key);
    if (last && now - last.time < this.reportIntervalMs && last.oobInfo === d.oobInfo && last.uriHash === hash) return;
    if (this.seen.size >= MAX_SEEN) {
      for (const [k, v] of this.seen) if (now - v.time >= this.reportIntervalMs) this.seen.delete(k);
      if (this.seen.size >= MAX_SEEN) this.seen.clear();
    }
    this.seen.set(key, { time: now, oobInfo: d.oobInfo, uriHash: hash });
    this.env.emit(
      d.uriHash
        ? { type: "unprovisioned-received", uuid: d.uuid, oobInfo: d.oobInfo, uriHash: d.uriHash, rssi: d.rssi }
        : { type: "unprovisioned-received", uuid: d.uuid, oobInfo: d.oobInfo, rssi: d.rssi },
    );
  }
}

/** The provisioner role, for api.ts: `new Provisioning({ roles: { provisioner: provisionerRole }, ... })`. */
export const provisionerRole: ProvisionerRole = {
  name: "provisioner",
  create: (env, bearers, config) => new Provisioner(env, provisionerBearers(bearers), provisionerConfig(config)),
};

/** The ProvisionerBearers of the application's list (at least one); throws ProvisioningError. */
function provisionerBearers(bearers: readonly ProvisioningBearer[]): ProvisionerBearer[] {
  const found = bearers.filter((b): b is ProvisionerBearer => typeof (b as ProvisionerBearer)?.open === "function");
  if (!found.length) throw new ProvisioningError("invalid-argument", "init: the provisioner role needs a ProvisionerBearer");
  return found;
}

/** The provisioner's part of the application's options, checked; throws ProvisioningError. */
function provisionerConfig(options: ProvisionerConfig): ProvisionerConfig {
  const interval = options.unprovisionedReportIntervalMs;
  if (options.addresses !== undefined && typeof options.addresses?.allocate !== "function") {
    throw new ProvisioningError("invalid-argument", "init: addresses must be a UnicastAllocator");
  }
  return {
    ...(interval !== undefined ? { unprovisionedReportIntervalMs: interval } : {}),
    ...(options.addresses ? { addresses: options.addresses } : {}),
  };
}
