/**
 * The provisioning application API, mirroring Nordic's nRF5 SDK for Mesh nrf_mesh_prov.h:
 *
 *   nrf_mesh_prov_init                  -> init(options) / new Provisioning(options)
 *   nrf_mesh_prov_generate_keys         -> generateKeys()
 *   nrf_mesh_prov_listen / _listen_stop -> listen(uuid, options) / listenStop()
 *   nrf_mesh_prov_provision             -> provision(uuid, provisioningData, options)
 *   nrf_mesh_prov_oob_use               -> oobUse(ctx, { algorithm, publicKey, method, action, size })
 *   nrf_mesh_prov_auth_data_provide     -> authDataProvide(ctx, data)
 *   nrf_mesh_prov_pubkey_provide        -> oobPublicKeyProvide(ctx, key) (alias pubkeyProvide)
 *   nrf_mesh_prov_shared_secret_provide -> sharedSecretProvide(ctx, secret)
 *   (scanning for unprovisioned beacons) -> scanStart() / scanStop()
 *   nrf_mesh_prov_evt_t                 -> ProvEvent, delivered to options.onEvent
 *
 * The roles are passed in (`roles: { provisionee: provisioneeRole, provisioner: provisionerRole }`), so an
 * image that does not import provisioner.ts does not contain it; calling a role that is not built in throws
 * NotSupportedError. This file imports no role at run time; each role checks its own options (provisionee.ts,
 * provisioner.ts create). A device image constructs DeviceProvisioning, the calls both roles share and the
 * provisionee's, without the provisioner's calls (Provisioning adds them), so that its image carries none of them.
 */
import type { Bytes, Clock, CryptoPrimitives, Logger, Platform } from "../platform.js";
import type { ProvisioningBearer } from "../bearer/bearer.js";
import { MeshCrypto } from "../crypto/mesh.js";
import type { CapabilitiesFields, ProvisioningData } from "./pdu.js";
import { NotSupportedError, ProvisioningError } from "./common.js";
import type { UnicastAllocator } from "./addresses.js";
import type {
  ListenOptions,
  OobUseParams,
  OobValue,
  P256KeyPair,
  ProvContext,
  ProvEvent,
  ProvisionData,
  ProvisionOptions,
  ProvisioneeController,
  ProvisioneeOptions,
  ProvisioneeRole,
  ProvisionerConfig,
  ProvisionerController,
  ProvisionerRole,
  RoleEnv,
  AnySession,
} from "./common.js";

export { NotSupportedError, ProvisioningError };
export { Algorithm, AuthenticationMethod, ErrorCode, InputOobAction, OobType, OutputOobAction, PublicKeyType } from "./pdu.js";
export type { CapabilitiesFields, ProvisioningData, StartFields } from "./pdu.js";
export type { ProvContext, ProvEvent, OobUseParams, OobValue, P256KeyPair, ListenOptions, ProvisionData, ProvisionOptions };
export type { AddressRange, AllocationResult } from "./addresses.js";

/** What only a provisioner's session takes from the application. */
interface ProvisionerSessionInputs {
  oobUse(params: OobUseParams): void;
  oobPublicKeyProvide(key: Bytes): void;
}

export interface ProvisioningRoles {
  provisionee?: ProvisioneeRole;
  provisioner?: ProvisionerRole;
}

export interface ProvisioningOptions extends ProvisioneeOptions, ProvisionerConfig {
  /** The platform's services: crypto, clock and logger are taken from it unless given on their own. */
  platform?: Pick<Platform, "crypto" | "clock" | "logger">;
  /** The platform's crypto primitives (P-256, AES, CMAC, CCM, HMAC, randomness). Required without `platform`. */
  crypto?: CryptoPrimitives;
  /** Required without `platform`. */
  clock?: Clock;
  /**
   * The provisioning bearers, at least one (PB-ADV: modules/bearer/adv.ts pbAdvBearer(), which also carries
   * the Unprovisioned Device beacons; PB-GATT or PB-Remote are added here the same way). The provisionee listens
   * and is announced on each DeviceBearer; the provisioner opens links on its ProvisionerBearers and scans
   * on those that can.
   */
  bearers: readonly ProvisioningBearer[];
  /** The roles built into this image. */
  roles: ProvisioningRoles;
  logger?: Logger;
  /** Offload ECDH to the application: 'ecdh-request' events, answered with sharedSecretProvide(). */
  ecdhOffload?: boolean;
  /**
   * Provisionee (common.ts ProvisioneeOptions): `capabilities`, `keyPair`. Provisioner (ProvisionerConfig):
   * `unprovisionedReportIntervalMs`, `addresses`.
   */
  /** The application's event handler. Exceptions thrown by it are logged, never propagated into the stack. */
  onEvent: (event: ProvEvent) => void;
}

function isKeyPair(k: unknown): k is P256KeyPair {
  const kp = k as P256KeyPair;
  return !!kp && kp.privateKey instanceof Uint8Array && kp.privateKey.length === 32 && kp.publicKey instanceof Uint8Array && kp.publicKey.length === 64;
}

/**
 * The Provisioning API of a device image: the calls both roles share and the provisionee's. Provisioning adds
 * the provisioner's calls; constructed with the provisioner role, this class throws NotSupportedError.
 */
export class DeviceProvisioning {
  private readonly contexts = new Map<number, AnySession>();
  private readonly provisionee: ProvisioneeController | undefined;
  protected readonly provisioner: ProvisionerController | undefined;
  private readonly crypto: CryptoPrimitives;
  private nextContextId = 1;

  constructor(options: ProvisioningOptions) {
    if (!options || typeof options !== "object") throw new ProvisioningError("invalid-argument", "init: options missing");
    const { bearers, roles } = options;
    const crypto = options.crypto ?? options.platform?.crypto;
    const clock = options.clock ?? options.platform?.clock;
    if (!crypto || !clock || !roles) throw new ProvisioningError("invalid-argument", "init: crypto, clock (or platform), bearers and roles are required");
    if (!Array.isArray(bearers) || bearers.length === 0) throw new ProvisioningError("invalid-argument", "init: bearers must be a non-empty list");
    if (typeof options.onEvent !== "function") throw new ProvisioningError("invalid-argument", "init: onEvent must be a function");
    if (options.keyPair !== undefined && !isKeyPair(options.keyPair)) {
      throw new ProvisioningError("invalid-argument", "init: keyPair needs a 32-byte privateKey and a 64-byte publicKey");
    }
    if (options.keyPair && !crypto.p256ValidatePublicKey(options.keyPair.publicKey)) {
      throw new ProvisioningError("invalid-argument", "init: keyPair.publicKey is not a valid P-256 point");
    }
    this.crypto = crypto;
    const logger = options.logger ?? options.platform?.logger;
    const onEvent = options.onEvent;
    const contexts = this.contexts;
    const env: RoleEnv = {
      primitives: crypto,
      crypto: new MeshCrypto(crypto),
      clock,
      ...(logger ? { logger } : {}),
      ecdhOffload: !!options.ecdhOffload,
      nextId: () => this.nextContextId++,
      emit: (event) => {
        try {
          onEvent(event);
        } catch (e) {
          logger?.log("error", "prov", `onEvent(${event.type}) threw: ${e instanceof Error ? e.message : String(e)}`);
        }
      },
      register: (s) => void contexts.set(s.id, s),
      unregister: (s) => void contexts.delete(s.id),
    };

    if (roles.provisionee) this.provisionee = roles.provisionee.create(env, bearers, options);
    if (roles.provisioner) {
      // the provisioner's calls are Provisioning's (new.target: this class was constructed, not a subclass)
      if (new.target === DeviceProvisioning) throw new NotSupportedError("provisioner role of DeviceProvisioning (use Provisioning)");
      this.provisioner = roles.provisioner.create(env, bearers, options);
    }
  }

  private device(): ProvisioneeController {
    if (!this.provisionee) throw new NotSupportedError("provisionee role");
    return this.provisionee;
  }

  protected session(ctx: ProvContext, what: string): AnySession {
    const s = ctx && typeof ctx === "object" ? this.contexts.get(ctx.id) : undefined;
    if (!s || s.ctx !== ctx) throw new ProvisioningError("invalid-state", what + ": unknown or closed provisioning context");
    return s;
  }

  /** A new P-256 key pair (nrf_mesh_prov_generate_keys), e.g. for a device's fixed OOB public key. */
  generateKeys(): P256KeyPair {
    return this.crypto.p256GenerateKeyPair();
  }

  // ---- provisionee ----

  /** Start beaconing and accept provisioning links to `uuid` (nrf_mesh_prov_listen). */
  listen(uuid: Bytes, options: ListenOptions = {}): void {
    this.device().listen(uuid, options);
  }

  /** Stop beaconing and accepting links; an open link is not affected (nrf_mesh_prov_listen_stop). */
  listenStop(): void {
    this.device().listenStop();
  }

  get listening(): boolean {
    return this.provisionee?.listening ?? false;
  }

  // ---- both ----

  /**
   * Authentication data after 'static-request' (16 or 32 bytes) or 'input-request' (a number for counts and
   * numeric actions, a string of '0'-'9','A'-'Z' for alphanumeric ones) (nrf_mesh_prov_auth_data_provide).
   */
  authDataProvide(ctx: ProvContext, data: Bytes | OobValue): void {
    this.session(ctx, "authDataProvide").authDataProvide(data);
  }

  /** The ECDH shared secret (32 bytes) after 'ecdh-request' (nrf_mesh_prov_shared_secret_provide). */
  sharedSecretProvide(ctx: ProvContext, secret: Bytes): void {
    this.session(ctx, "sharedSecretProvide").sharedSecretProvide(secret);
  }

  /** The contexts of the links that exist now. */
  activeContexts(): ProvContext[] {
    return [...this.contexts.values()].map((s) => s.ctx);
  }
}

/**
 * The Provisioning API with both roles (nrf_mesh_prov_init): DeviceProvisioning and the provisioner's calls, which
 * throw NotSupportedError when the provisioner role is not built in.
 */
export class Provisioning extends DeviceProvisioning {
  private prov(): ProvisionerController {
    if (!this.provisioner) throw new NotSupportedError("provisioner role");
    return this.provisioner;
  }

  /** A provisioner's session: only it awaits an OOB choice or an OOB public key. */
  private provisionerSession(ctx: ProvContext, what: string): ProvisionerSessionInputs {
    const s = this.session(ctx, what);
    if (s.role !== "provisioner") throw new ProvisioningError("invalid-state", what + ": only a provisioner context awaits it");
    return s as unknown as ProvisionerSessionInputs;
  }

  // ---- provisioner ----

  /**
   * Provision the device `uuid` with `data` (nrf_mesh_prov_provision). Without `data.unicastAddress`, the
   * `addresses` allocator given to init assigns the device's range after its Capabilities. Returns the link's context.
   */
  provision(uuid: Bytes, data: ProvisionData, options: ProvisionOptions = {}): ProvContext {
    return this.prov().provision(uuid, data, options);
  }

  /** Report Unprovisioned Device beacons as 'unprovisioned-received' events. */
  scanStart(): void {
    this.prov().scanStart();
  }

  scanStop(): void {
    this.prov().scanStop();
  }

  get scanning(): boolean {
    return this.provisioner?.scanning ?? false;
  }

  /** The choice after 'capabilities-received' (nrf_mesh_prov_oob_use). */
  oobUse(ctx: ProvContext, params: OobUseParams): void {
    this.prov();
    this.provisionerSession(ctx, "oobUse").oobUse(params);
  }

  /** The device's OOB public key after 'oob-pubkey-request' (nrf_mesh_prov_pubkey_provide). */
  oobPublicKeyProvide(ctx: ProvContext, publicKey: Bytes): void {
    this.prov();
    this.provisionerSession(ctx, "oobPublicKeyProvide").oobPublicKeyProvide(publicKey);
  }

  /** Alias of oobPublicKeyProvide, the nRF5 name. */
  pubkeyProvide(ctx: ProvContext, publicKey: Bytes): void {
    this.oobPublicKeyProvide(ctx, publicKey);
  }
}

/** nrf_mesh_prov_init. */
export function init(options: ProvisioningOptions): Provisioning {
  return new Provisioning(options);
}
