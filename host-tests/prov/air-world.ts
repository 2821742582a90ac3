/**
 * Whole provisioning runs on the simulated air (host/air/hub.ts AirHub, virtual time) over the real
 * AdvBearer + PB-ADV: a provisioner that scans and provisions every device it hears, and devices that
 * beacon until provisioned. For the end-to-end tests and the provisioning benchmark.
 */
import { AirHub } from "../../host/air/hub.js";
import type { LinkModel } from "../../host/air/hub.js";
import { NodeCryptoPrimitives, seededRandom, withEcdhTime } from "../../host/node-crypto.js";
import { AdvBearer, pbAdvBearer } from "../../modules/bearer/adv.js";
import { PbAdv } from "../../modules/bearer/pb-adv.js";
import type { Bytes, CryptoPrimitives, Logger } from "../../modules/platform.js";
import type { CapabilitiesFields } from "../../modules/prov/pdu.js";
import type { OobUseParams, P256KeyPair } from "../../modules/prov/common.js";
import { provisioneeRole } from "../../modules/prov/provisionee.js";
import { provisionerRole } from "../../modules/prov/provisioner.js";
import { Node, Person, hex, personHandlers } from "./helpers.js";
import type { Handlers } from "./helpers.js";

export const silentLogger: Logger = { log() {} };

export interface DeviceSpec {
  capabilities: Partial<CapabilitiesFields>;
  /** Offer an OOB public key (the provisioner gets it out of band). */
  oobPublicKey?: boolean;
  /** Static OOB value source (16 or 32 bytes asked). */
  staticOob?: (len: number) => Bytes;
}

export interface WorldOptions {
  seed: number;
  link?: Partial<LinkModel>;
  ecdhComputeMs?: number;
}

export class World {
  readonly hub: AirHub;
  readonly crypto: NodeCryptoPrimitives;
  /** The simulated platforms' crypto: ECDH takes options.ecdhComputeMs on the hub's clock. */
  readonly platformCrypto: CryptoPrimitives;
  readonly person: Person;
  readonly devices: { node: Node; uuid: Bytes; keyPair?: P256KeyPair; pb: PbAdv }[] = [];
  provisioner: Node | undefined;
  private readonly linkIds: (n: number) => Uint8Array;

  constructor(readonly options: WorldOptions) {
    this.hub = new AirHub({ mode: "virtual", seed: options.seed, logger: silentLogger, ...(options.link ? { defaultLink: options.link } : {}) });
    this.crypto = new NodeCryptoPrimitives({ random: seededRandom(options.seed) });
    this.platformCrypto = withEcdhTime(this.crypto, this.hub.clock, options.ecdhComputeMs ?? 0);
    this.person = new Person(this.hub.clock, 300);
    this.linkIds = seededRandom(options.seed * 7919 + 1);
  }

  get clock() {
    return this.hub.virtualClock;
  }

  private bearers(name: string) {
    const radio = this.hub.createRadio(name);
    const adv = new AdvBearer(radio, this.hub.clock);
    const pb = new PbAdv(adv, this.hub.clock, { randomBytes: this.linkIds });
    return { adv, pb };
  }

  addDevice(name: string, spec: DeviceSpec, handlers: Handlers = {}): Node {
    const { adv, pb } = this.bearers(name);
    const uuid = this.crypto.randomBytes(16);
    const keyPair = spec.oobPublicKey ? this.crypto.p256GenerateKeyPair() : undefined;
    const staticOob = spec.staticOob ?? ((len: number) => new Uint8Array(len).fill(0x5a));
    const node = new Node(
      name,
      {
        crypto: this.platformCrypto,
        clock: this.hub.clock,
        bearers: [pbAdvBearer(pb, adv, this.hub.clock)],
        roles: { provisionee: provisioneeRole },
        capabilities: { ...spec.capabilities, ...(keyPair ? { publicKeyType: 1 } : {}) },
        ...(keyPair ? { keyPair } : {}),
      },
      { ...personHandlers(this.person, staticOob).device, ...handlers },
    );
    this.devices.push(keyPair ? { node, uuid, keyPair, pb } : { node, uuid, pb });
    return node;
  }

  /**
   * The provisioner: scans, provisions each device heard once, with `choose` picking the Start fields
   * (default: the automatic policy), addresses from 0x0100 upwards.
   */
  addProvisioner(choose?: (caps: CapabilitiesFields, deviceIndex: number) => OobUseParams, handlers: Handlers = {}, staticOob?: (len: number) => Bytes): Node {
    const { adv, pb } = this.bearers("provisioner");
    let nextAddress = 0x0100;
    const started = new Set<string>();
    const netKey = this.crypto.randomBytes(16);
    const node = new Node(
      "provisioner",
      {
        crypto: this.platformCrypto,
        clock: this.hub.clock,
        bearers: [pbAdvBearer(pb, adv, this.hub.clock)],
        roles: { provisioner: provisionerRole },
      },
      {
        ...personHandlers(this.person, staticOob ?? ((len) => new Uint8Array(len).fill(0x5a))).provisioner,
        "unprovisioned-received": (e, n) => {
          const k = hex(e.uuid);
          if (started.has(k) || !this.devices.some((d) => hex(d.uuid) === k)) return;
          started.add(k);
          const address = nextAddress;
          nextAddress += 8;
          n.prov.provision(e.uuid, { networkKey: netKey, keyIndex: 0, flags: { keyRefresh: false, ivUpdate: false }, ivIndex: 0x12345678, unicastAddress: address }, { attentionDuration: 2 });
        },
        "capabilities-received": (e, n) => {
          if (!choose) return;
          const index = this.devices.findIndex((d) => hex(d.uuid) === hex(e.ctx.uuid));
          n.prov.oobUse(e.ctx, choose(e.capabilities, index));
        },
        "oob-pubkey-request": (e, n) => {
          const d = this.devices.find((x) => hex(x.uuid) === hex(e.ctx.uuid));
          // Read out of band (a QR code, say).
          n.prov.oobPublicKeyProvide(e.ctx, d!.keyPair!.publicKey);
        },
        ...handlers,
      },
    );
    this.provisioner = node;
    return node;
  }

  start(beaconIntervalMs = 500): void {
    for (const d of this.devices) d.node.prov.listen(d.uuid, { beaconIntervalMs });
    this.provisioner?.prov.scanStart();
  }

  /** Run until every device's link closed after completing (or `limitMs` of virtual time). */
  runUntilAllDone(limitMs = 10 * 60_000): boolean {
    const done = () =>
      this.devices.every((d) => d.node.of("complete").length > 0 && d.node.of("link-closed").length > 0) &&
      (this.provisioner?.of("link-closed").length ?? 0) >= this.devices.length;
    return this.clock.runWhile(() => !done(), limitMs);
  }
}
