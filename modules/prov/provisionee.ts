/**
 * The provisionee (device) role of the provisioning protocol (Mesh Protocol 1.1, 5.4; like Zephyr's
 * prov_device.c): announced on its bearers (PB-ADV: Unprovisioned Device beacons), then per link Invite ->
 * Capabilities, Start, public key exchange, authentication, Confirmation/Random check, Provisioning Data,
 * Complete. Every error sends Provisioning Failed with its code and waits for the provisioner to close the
 * link (5.4.4).
 *
 * Built into an image by passing `provisioneeRole` to api.ts's Provisioning.
 */
import type { Bytes } from "../platform.js";
import { LinkCloseReason } from "../bearer/bearer.js";
import type { DeviceBearer, LinkEvents, ProvLink, ProvisioningBearer } from "../bearer/bearer.js";
import { uriHash } from "../beacon.js";
import { concatBytes } from "../crypto/bytes.js";
import { AlgorithmsBit, ErrorCode, InputOobAction, MAX_OOB_SIZE, OutputOobAction, PduType, PublicKeyType, checkStartFields, decodeProvisioningData, errorCodeOf } from "./pdu.js";
import type { CapabilitiesFields, ConfirmationPdu, DataPdu, InvitePdu, ProvisioningPdu, PublicKeyPdu, RandomPdu, StartPdu } from "./pdu.js";
import { Phase, ProvisioningError, Session } from "./common.js";
import type { AuthPhases, ListenOptions, PduTable, ProvisioneeConfig, ProvisioneeController, ProvisioneeOptions, ProvisioneeRole, RoleEnv, SharedPhase } from "./common.js";
import { checkStartAgainstCapabilities } from "./rules.js";

const DEFAULT_BEACON_INTERVAL_MS = 2000;

/** The device's own phases, named after what is awaited; with the shared ones (common.ts Phase), its state. */
const S = {
  WaitInvite: "wait-invite",
  WaitStart: "wait-start",
  WaitPublicKey: "wait-public-key",
  WaitStatic: "wait-static-oob",
  WaitInput: "wait-input",
  WaitConfirmation: "wait-confirmation",
  WaitRandom: "wait-random",
  WaitData: "wait-data",
} as const;
type DevicePhase = (typeof S)[keyof typeof S];

/** Where the device waits during authentication: it shows (Output OOB) or a person enters (Input OOB). */
const DEVICE_AUTH: AuthPhases<DevicePhase> = { static: S.WaitStatic, entering: S.WaitInput, shown: S.WaitConfirmation };

/** The provisionee's PDU table: which PDU is expected in which phase (anything else: Unexpected PDU). */
const DEVICE_TABLE: PduTable = {
  [PduType.Invite]: [S.WaitInvite],
  [PduType.Start]: [S.WaitStart],
  [PduType.PublicKey]: [S.WaitPublicKey],
  [PduType.Confirmation]: [S.WaitConfirmation],
  [PduType.Random]: [S.WaitRandom],
  [PduType.Data]: [S.WaitData],
};

class DeviceSession extends Session<DevicePhase> {
  readonly role = "provisionee" as const;
  protected readonly authPhases = DEVICE_AUTH;
  private attentionTimer: unknown;
  private attentionOn = false;
  private attentionRemaining = 0;

  constructor(
    env: RoleEnv,
    uuid: Bytes,
    private readonly device: Provisionee,
  ) {
    super(env, uuid, S.WaitInvite);
  }

  protected table(): PduTable {
    return DEVICE_TABLE;
  }

  protected handlePdu(p: ProvisioningPdu, raw: Bytes): void {
    switch (p.type) {
      case PduType.Invite:
        return this.onInvite(p, raw);
      case PduType.Start:
        return this.onStart(p, raw);
      case PduType.PublicKey:
        return this.onPublicKey(p);
      case PduType.Confirmation:
        return this.onConfirmation(p);
      case PduType.Random:
        return this.onRandom(p);
      case PduType.Data:
        return this.onData(p);
    }
  }

  /** The provisioner's Confirmation may come before the application answers a static OOB request: it waits. */
  protected override holds(phase: DevicePhase | SharedPhase): boolean {
    return phase === S.WaitStatic || super.holds(phase);
  }

  /** Send Provisioning Failed and wait for the provisioner to close the link (5.4.4). */
  protected protocolError(code: number, reason: string): void {
    if (this.finished) return;
    this.enter(Phase.Failed);
    this.stopAttention();
    this.send({ type: PduType.Failed, errorCode: code });
    this.reportFailed(code, false, reason);
  }

  protected onLinkClosed(_reason: LinkCloseReason, _byPeer: boolean): void {
    this.stopAttention();
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

  // ---- PDU handlers ----

  onInvite(p: InvitePdu, raw: Bytes): void {
    this.confirmationInputs.setInvite(raw.subarray(1));
    this.env.emit({ type: "invite-received", ctx: this.ctx, attentionDuration: p.attentionDuration });
    if (this.finished) return;
    this.startAttention(p.attentionDuration);
    const caps = this.device.config.capabilities;
    const sent = this.send({ type: PduType.Capabilities, ...caps });
    this.confirmationInputs.setCapabilities(sent.subarray(1));
    this.enter(S.WaitStart);
  }

  onStart(p: StartPdu, raw: Bytes): void {
    const start = {
      algorithm: p.algorithm,
      publicKey: p.publicKey,
      authenticationMethod: p.authenticationMethod,
      authenticationAction: p.authenticationAction,
      authenticationSize: p.authenticationSize,
    };
    // 5.4.1.3: Prohibited values, then against our Capabilities (5.4.2.2): Invalid Format either way
    const reason = checkStartFields(start) ?? checkStartAgainstCapabilities(start, this.device.config.capabilities, !!this.device.config.oobKeyPair);
    if (reason) {
      this.protocolError(ErrorCode.InvalidFormat, reason);
      return;
    }
    this.confirmationInputs.setStart(raw.subarray(1));
    this.useStart(start);
    this.stopAttention();
    if (this.oobPublicKey) {
      this.keyPair = this.device.config.oobKeyPair;
      this.keepKeyPair = true;
    } else {
      // A new key pair for every provisioning session (5.4.2.3).
      this.keyPair = this.env.primitives.p256GenerateKeyPair();
    }
    this.enter(S.WaitPublicKey);
    this.env.emit({ type: "start-received", ctx: this.ctx, start });
  }

  onPublicKey(p: PublicKeyPdu): void {
    const key = concatBytes(p.publicKeyX, p.publicKeyY);
    if (!this.acceptPeerPublicKey(key)) return;
    this.confirmationInputs.setPublicKeyProvisioner(key);
    this.confirmationInputs.setPublicKeyDevice(this.keyPair!.publicKey);
    if (!this.oobPublicKey) this.sendPublicKey();
    this.computeEcdh();
  }

  /** No OOB, the application's static data, or the value the person entered: on to the Confirmations. */
  protected authValueKnown(): void {
    if (this.phase === S.WaitInput) this.send({ type: PduType.InputComplete });
    this.enter(S.WaitConfirmation);
    this.release();
  }

  onConfirmation(p: ConfirmationPdu): void {
    const own = this.makeConfirmation();
    // A reflected Confirmation (the provisioner's equal to ours) is refused (5.4.2.4).
    if (!this.acceptPeerConfirmation(p.confirmation)) return;
    this.send({ type: PduType.Confirmation, confirmation: own });
    this.enter(S.WaitRandom);
  }

  onRandom(p: RandomPdu): void {
    if (!this.acceptPeerRandom(p.random)) return;
    this.send({ type: PduType.Random, random: this.ownRandom! });
    this.enter(S.WaitData);
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
    const numberOfElements = this.device.config.capabilities.numberOfElements;
    const decoded = decodeProvisioningData(plain, numberOfElements);
    plain.fill(0);
    if (!decoded.ok) {
      this.protocolError(errorCodeOf(decoded.error), decoded.reason);
      return;
    }
    this.send({ type: PduType.Complete });
    this.enter(Phase.Complete);
    const data = decoded.data;
    this.log("info", `provisioned: address 0x${data.unicastAddress.toString(16).padStart(4, "0")}`);
    this.device.provisioned(this);
    this.reportComplete(data, numberOfElements);
  }
}

/** The device side: announced on its bearers while listening, one provisioning session (one link) at a time. */
class Provisionee implements ProvisioneeController {
  listening = false;
  private uuid: Bytes | undefined;
  private announcement: { uuid: Bytes; oobInfo: number; uriHash?: Bytes } | undefined;
  private beaconIntervalMs = DEFAULT_BEACON_INTERVAL_MS;
  private session: DeviceSession | undefined;

  constructor(
    private readonly env: RoleEnv,
    private readonly bearers: readonly DeviceBearer[],
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
    this.announcement =
      options.uri !== undefined ? { uuid: this.uuid, oobInfo, uriHash: uriHash(this.env.crypto, options.uri) } : { uuid: this.uuid, oobInfo };
    this.listening = true;
    for (const b of this.bearers) b.listen(this.uuid, this.linkEvents());
    this.announce(true);
  }

  listenStop(): void {
    if (!this.listening) return;
    this.listening = false;
    for (const b of this.bearers) b.stopListening();
    this.announce(false);
  }

  /** Announce the device on every bearer that can (PB-ADV: Unprovisioned Device beacons, 3.10.2), or stop. */
  private announce(on: boolean): void {
    for (const b of this.bearers) b.announce?.(on ? this.announcement : undefined, this.beaconIntervalMs);
  }

  /** Link events for the bearers: each opened link gets a new session, one at a time across all bearers. */
  private linkEvents(): LinkEvents {
    return {
      opened: (link: ProvLink) => {
        if (this.session) {
          // Another bearer's link is being provisioned: this one is refused.
          link.close(LinkCloseReason.Fail);
          return;
        }
        const session = new DeviceSession(this.env, this.uuid!, this);
        this.session = session;
        this.env.register(session);
        this.announce(false);
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
    if (this.listening) this.announce(true);
  }

  /** Called by the session on Complete: the device is provisioned, no more beacons or links. */
  provisioned(_session: DeviceSession): void {
    this.listenStop();
  }
}

/** Check provisionee capabilities (5.4.1.2 field ranges). Returns a reason or null. */
export function checkCapabilities(c: CapabilitiesFields, haveKeyPair: boolean): string | null {
  const int = (v: number, max: number): boolean => Number.isInteger(v) && v >= 0 && v <= max;
  if (!int(c.numberOfElements, 0xff) || c.numberOfElements < 1) return "numberOfElements must be 1..255";
  const algs = AlgorithmsBit.BTM_ECDH_P256_CMAC_AES128_AES_CCM | AlgorithmsBit.BTM_ECDH_P256_HMAC_SHA256_AES_CCM;
  if (!int(c.algorithms, 0xffff) || !(c.algorithms & algs) || c.algorithms & ~algs) return "algorithms must be a non-empty set of the known algorithm bits";
  if (!int(c.publicKeyType, 1)) return "publicKeyType must be 0 or 1";
  if (c.publicKeyType & PublicKeyType.PublicKeyOobInformationAvailable && !haveKeyPair) return "an OOB public key needs keyPair";
  if (!int(c.oobType, 3)) return "oobType must use bits 0-1 only";
  if (!int(c.outputOobSize, MAX_OOB_SIZE) || !int(c.inputOobSize, MAX_OOB_SIZE)) return "OOB sizes must be 0..8";
  if (!int(c.outputOobAction, (1 << (OutputOobAction.OutputAlphanumeric + 1)) - 1)) return "outputOobAction has RFU bits";
  if (!int(c.inputOobAction, (1 << (InputOobAction.InputAlphanumeric + 1)) - 1)) return "inputOobAction has RFU bits";
  if ((c.outputOobSize === 0) !== (c.outputOobAction === 0)) return "outputOobSize and outputOobAction must both be set or both 0";
  if ((c.inputOobSize === 0) !== (c.inputOobAction === 0)) return "inputOobSize and inputOobAction must both be set or both 0";
  return null;
}


/**
 * The provisionee's configuration from the application's options: its DeviceBearers, the Capabilities (defaults
 * completed, checked) and a copy of its fixed key pair (api.ts checked its shape). Throws ProvisioningError.
 */
function provisioneeConfig(bearers: readonly ProvisioningBearer[], options: ProvisioneeOptions): { bearers: DeviceBearer[]; config: ProvisioneeConfig } {
  const deviceBearers = bearers.filter((b): b is DeviceBearer => typeof (b as DeviceBearer)?.listen === "function" && typeof (b as DeviceBearer).stopListening === "function");
  if (!deviceBearers.length) throw new ProvisioningError("invalid-argument", "init: the provisionee role needs a DeviceBearer");
  const keyPair = options.keyPair ? { privateKey: options.keyPair.privateKey.slice(), publicKey: options.keyPair.publicKey.slice() } : undefined;
  const capabilities: CapabilitiesFields = {
    numberOfElements: 1,
    algorithms: AlgorithmsBit.BTM_ECDH_P256_CMAC_AES128_AES_CCM | AlgorithmsBit.BTM_ECDH_P256_HMAC_SHA256_AES_CCM,
    publicKeyType: keyPair ? PublicKeyType.PublicKeyOobInformationAvailable : 0,
    oobType: 0,
    outputOobSize: 0,
    outputOobAction: 0,
    inputOobSize: 0,
    inputOobAction: 0,
    ...options.capabilities,
  };
  const bad = checkCapabilities(capabilities, !!keyPair);
  if (bad) throw new ProvisioningError("invalid-argument", "init: capabilities: " + bad);
  return { bearers: deviceBearers, config: keyPair ? { capabilities, oobKeyPair: keyPair } : { capabilities } };
}

/** The provisionee role, for api.ts: `new DeviceProvisioning({ roles: { provisionee: provisioneeRole }, ... })`. */
export const provisioneeRole: ProvisioneeRole = {
  name: "provisionee",
  create: (env, bearers, options) => {
    const c = provisioneeConfig(bearers, options);
    return new Provisionee(env, c.bearers, c.config);
  },
};
