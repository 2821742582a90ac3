/**
 * The modem application's composition (the `modem` firmware variant, the XS host runtime's modem and the
 * Node modem process): the advertising bearer and PB-ADV on the platform's radio, the provisioner role,
 * and the MeshModem on a serial link. Portable: native/xs/js/modem-main.js and host/serial/launch.ts both
 * call startModem().
 */
import type { Bytes, Clock, CryptoPrimitives, Logger, Radio } from "../platform.js";
import { AdvBearer, pbAdvBearer } from "../bearer/adv.js";
import { PbAdv, severalLinksAdv } from "../bearer/pb-adv.js";
import { provisionerRole } from "../prov/provisioner.js";
import { DEFAULT_MAX_LINKS, MeshModem } from "./modem.js";
import type { MeshEvents, MeshPort } from "./modem.js";
import type { ModemMeshPlatform } from "./mesh.js";

/** A serial link: bytes out, and the host's bytes in (undefined once, when the host closed the link). */
export interface SerialLink {
  write(bytes: Bytes): void;
  onData(handler: (bytes: Bytes | undefined) => void): void;
}

export interface ModemPlatform {
  crypto: CryptoPrimitives;
  /** The radio's clock. */
  clock: Clock;
  radio: Radio;
  logger?: Logger;
}

export interface StartModemOptions {
  /** Links at once (default 4). */
  maxLinks?: number;
  /** The host-liveness clock, when the radio's clock is not the wall's (default: the radio's). */
  serialClock?: Clock;
  /**
   * The mesh node for the host (docs/serial-protocol.md §3.5): `(platform, events) => new ModemMesh(platform, events)`
   * (modules/serial/mesh.ts). Without it the modem is provisioning-only (the mesh commands answer NOT_SUPPORTED).
   */
  mesh?: (platform: ModemMeshPlatform, events: MeshEvents) => MeshPort;
  /** Reported in STARTED (default power-on). */
  resetReason?: number;
}

/** Build the modem on `platform` and `serial`, announce it (STARTED) and return it. */
export function startModem(platform: ModemPlatform, serial: SerialLink, options: StartModemOptions = {}): MeshModem {
  const { crypto, clock, radio, logger } = platform;
  const adv = new AdvBearer(radio, clock, logger);
  // several links at once on the one radio: the provisioner's advertising for them (as meshprov's engine)
  const pbAdv = new PbAdv(adv, clock, crypto, { ...(logger ? { logger } : {}), ...severalLinksAdv(options.maxLinks ?? DEFAULT_MAX_LINKS) });
  const modem = new MeshModem({
    port: serial,
    clock,
    ...(options.serialClock ? { serialClock: options.serialClock } : {}),
    crypto,
    bearer: pbAdvBearer(pbAdv, adv, clock),
    provisioner: provisionerRole,
    ...(options.maxLinks !== undefined ? { maxLinks: options.maxLinks } : {}),
    ...(logger ? { logger } : {}),
    ...(options.resetReason !== undefined ? { resetReason: options.resetReason } : {}),
    ...(options.mesh ? { mesh: (events: MeshEvents) => options.mesh!({ crypto, clock, radio, bearer: adv, ...(logger ? { logger } : {}) }, events) } : {}),
  });
  serial.onData((bytes) => (bytes ? modem.receive(bytes) : modem.hostGone()));
  modem.start();
  return modem;
}
