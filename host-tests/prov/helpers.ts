/**
 * Test helpers for the provisioning protocol: the spec's sample data (Mesh Protocol 1.1, 8.17.1 / 8.17.2),
 * a Node wrapping one Provisioning instance with scripted event handlers and an event log, and a "person"
 * who carries OOB values from one side's output to the other side's input.
 */
import { Person } from "../../host/person.js";
export { Person };
import { hexToBytes, bytesToHex } from "../../modules/crypto/bytes.js";
import type { Bytes } from "../../modules/platform.js";
import { Provisioning } from "../../modules/prov/api.js";
import { VirtualClock } from "../../host/virtual-clock.js";
import { NodeCryptoPrimitives, seededRandom, withCrypto, withEcdhTime } from "../../host/node-crypto.js";
import type { CryptoPrimitives } from "../../modules/platform.js";
import { provisioneeRole } from "../../modules/prov/provisionee.js";
import { provisionerRole } from "../../modules/prov/provisioner.js";
import type { CapabilitiesFields } from "../../modules/prov/pdu.js";
import type { OobUseParams } from "../../modules/prov/common.js";
import { LoopbackAir } from "./loopback.js";
import { PROV_CMAC, PROV_COMMON, PROV_HMAC } from "../crypto/fixtures.js";
import type { ProvisioningOptions } from "../../modules/prov/api.js";
import type { ProvContext, ProvEvent } from "../../modules/prov/common.js";
import type { ProvisioningData } from "../../modules/prov/pdu.js";

/** Mesh Protocol 1.1, 8.17 sample data (host-tests/crypto/fixtures.ts), with the values the tests feed in as bytes. */
export const SAMPLE = {
  PrivProv: hexToBytes(PROV_COMMON.PrivProv),
  PubProv: hexToBytes(PROV_COMMON.PubProv),
  PrivDev: hexToBytes(PROV_COMMON.PrivDev),
  PubDev: hexToBytes(PROV_COMMON.PubDev),
  ECDHSecret: hexToBytes(PROV_COMMON.ECDHSecret),
  ProvData: hexToBytes(PROV_COMMON.ProvData),
  UUID: hexToBytes("70cf7c9732a345b691494810d2e9cbf4"),
  cmac: {
    Invite: PROV_CMAC.Invite,
    Capabilities: PROV_CMAC.Capabilities,
    Start: PROV_CMAC.Start,
    RandProv: hexToBytes(PROV_CMAC.RandProv),
    ConfProv: PROV_CMAC.ConfProv,
    RandDev: hexToBytes(PROV_CMAC.RandDev),
    ConfDev: PROV_CMAC.ConfDev,
    DeviceKey: PROV_CMAC.DeviceKey,
    SessionKey: hexToBytes(PROV_CMAC.SessionKey),
    SessionNonce: hexToBytes(PROV_CMAC.SessionNonce),
    EncData: PROV_CMAC.EncData,
    MIC: PROV_CMAC.MIC,
  },
  hmac: {
    Invite: PROV_HMAC.Invite,
    Capabilities: PROV_HMAC.Capabilities,
    Start: PROV_HMAC.Start,
    AuthValue: hexToBytes(PROV_HMAC.AuthValue),
    RandProv: hexToBytes(PROV_HMAC.RandProv),
    ConfProv: PROV_HMAC.ConfProv,
    RandDev: hexToBytes(PROV_HMAC.RandDev),
    ConfDev: PROV_HMAC.ConfDev,
    DeviceKey: PROV_HMAC.DeviceKey,
    EncData: PROV_HMAC.EncData,
    MIC: PROV_HMAC.MIC,
  },
};

/** The sample's Provisioning Data, decoded. */
export const SAMPLE_DATA: ProvisioningData = {
  networkKey: hexToBytes("efb2255e6422d330088e09bb015ed707"),
  keyIndex: 0x0567,
  flags: { keyRefresh: false, ivUpdate: false },
  ivIndex: 0x01020304,
  unicastAddress: 0x0b0c,
};

export function hex(b: Bytes): string {
  return bytesToHex(b);
}

type Handler<K extends ProvEvent["type"]> = (event: Extract<ProvEvent, { type: K }>, node: Node) => void;
export type Handlers = { [K in ProvEvent["type"]]?: Handler<K> };

/** One Provisioning instance with an event log and scripted answers. */
export class Node {
  readonly events: ProvEvent[] = [];
  readonly prov: Provisioning;
  /** Exceptions thrown by handlers (the stack logs and swallows them; tests check this list is empty). */
  readonly handlerErrors: unknown[] = [];

  constructor(
    readonly name: string,
    options: Omit<ProvisioningOptions, "onEvent">,
    public handlers: Handlers = {},
  ) {
    this.prov = new Provisioning({
      ...options,
      onEvent: (e) => {
        this.events.push(e);
        const h = this.handlers[e.type] as ((e: ProvEvent, n: Node) => void) | undefined;
        if (!h) return;
        try {
          h(e, this);
        } catch (err) {
          this.handlerErrors.push(err);
          throw err;
        }
      },
    });
  }

  of<K extends ProvEvent["type"]>(type: K): Extract<ProvEvent, { type: K }>[] {
    return this.events.filter((e) => e.type === type) as Extract<ProvEvent, { type: K }>[];
  }

  types(): string[] {
    return this.events.map((e) => e.type);
  }

  last<K extends ProvEvent["type"]>(type: K): Extract<ProvEvent, { type: K }> | undefined {
    const all = this.of(type);
    return all[all.length - 1];
  }
}

/** Handlers for a device and a provisioner that answer every request through `person` and `staticOob`. */
export function personHandlers(person: Person, staticOob: (len: number) => Bytes): { device: Handlers; provisioner: Handlers } {
  const both: Handlers = {
    "static-request": (e, n) => n.prov.authDataProvide(e.ctx, staticOob(e.length)),
    "output-request": (e) => person.show(e.ctx.uuid, e.value),
    "input-request": (e, n) =>
      person.enter(e.ctx.uuid, (v) => {
        if (n.prov.activeContexts().includes(e.ctx)) n.prov.authDataProvide(e.ctx, v);
      }),
  };
  return { device: { ...both }, provisioner: { ...both } };
}

export function ctxOf(node: Node): ProvContext | undefined {
  return node.prov.activeContexts()[0];
}

export interface PairOptions {
  alg?: "cmac" | "hmac";
  deviceCapabilities?: Partial<CapabilitiesFields>;
  choice?: OobUseParams;
  /** Use the 8.17 sample keys and randoms (default true). */
  sample?: boolean;
  deviceHandlers?: Handlers;
  provisionerHandlers?: Handlers;
  deviceOptions?: Partial<Omit<ProvisioningOptions, "onEvent">>;
  provisionerOptions?: Partial<Omit<ProvisioningOptions, "onEvent">>;
  /** ECDH time on the clock of the device's / provisioner's simulated platform, ms (default 0). */
  deviceEcdhMs?: number;
  provisionerEcdhMs?: number;
  /** Change the device's / provisioner's platform crypto (a failing engine, ...). */
  deviceCrypto?: (c: CryptoPrimitives) => CryptoPrimitives;
  provisionerCrypto?: (c: CryptoPrimitives) => CryptoPrimitives;
}

/**
 * A platform's crypto that draws the given key pair and Random, as the 8.17 sample did (a test platform
 * injected into the API; the product has no hook for it): p256GenerateKeyPair returns `keyPair`, and
 * randomBytes of the Random's length returns `random`; everything else is `base`.
 */
export function sampleCrypto(base: CryptoPrimitives, keyPair: { privateKey: Bytes; publicKey: Bytes }, random: Bytes): CryptoPrimitives {
  return withCrypto(base, {
    p256GenerateKeyPair: () => ({ privateKey: keyPair.privateKey.slice(), publicKey: keyPair.publicKey.slice() }),
    randomBytes: (n) => (n === random.length ? random.slice() : base.randomBytes(n)),
  });
}

/**
 * A device and a provisioner on a loopback bearer, set up as in the 8.17 sample (keys and randoms fixed),
 * not started. `start()` listens and provisions; `run()` runs until both links closed.
 */
export function pair(o: PairOptions = {}) {
  const alg = o.alg ?? "cmac";
  const s = SAMPLE[alg];
  const sample = o.sample ?? true;
  const clock = new VirtualClock();
  const air = new LoopbackAir(clock);
  const crypto = new NodeCryptoPrimitives({ random: seededRandom(3) });
  const platform = (fixed: CryptoPrimitives, change: ((c: CryptoPrimitives) => CryptoPrimitives) | undefined, ecdhMs: number | undefined) =>
    withEcdhTime(change ? change(fixed) : fixed, clock, ecdhMs ?? 0);
  const deviceCrypto = platform(sample ? sampleCrypto(crypto, { privateKey: SAMPLE.PrivDev, publicKey: SAMPLE.PubDev }, s.RandDev) : crypto, o.deviceCrypto, o.deviceEcdhMs);
  const provisionerCrypto = platform(
    sample ? sampleCrypto(crypto, { privateKey: SAMPLE.PrivProv, publicKey: SAMPLE.PubProv }, s.RandProv) : crypto,
    o.provisionerCrypto,
    o.provisionerEcdhMs,
  );
  const device = new Node(
    "device",
    {
      crypto: deviceCrypto,
      clock,
      bearers: [air.deviceBearer()],
      roles: { provisionee: provisioneeRole },
      capabilities: o.deviceCapabilities ?? (alg === "cmac" ? { numberOfElements: 1, algorithms: 0x0001 } : { numberOfElements: 1, algorithms: 0x0003, oobType: 0x01 }),
      ...o.deviceOptions,
    },
    { "static-request": (e, n) => n.prov.authDataProvide(e.ctx, SAMPLE.hmac.AuthValue.slice(0, e.length)), ...o.deviceHandlers },
  );
  const choice = o.choice ?? (alg === "cmac" ? { algorithm: 0, publicKey: 0, method: 0, action: 0, size: 0 } : { algorithm: 1, publicKey: 0, method: 1, action: 0, size: 0 });
  const provisioner = new Node(
    "provisioner",
    {
      crypto: provisionerCrypto,
      clock,
      bearers: [air.provisionerBearer()],
      roles: { provisioner: provisionerRole },
      ...o.provisionerOptions,
    },
    {
      "capabilities-received": (e, n) => n.prov.oobUse(e.ctx, choice),
      "static-request": (e, n) => n.prov.authDataProvide(e.ctx, SAMPLE.hmac.AuthValue.slice(0, e.length)),
      ...o.provisionerHandlers,
    },
  );
  let data: ProvisioningData = SAMPLE_DATA;
  return {
    clock,
    air,
    crypto,
    device,
    provisioner,
    setData(d: ProvisioningData) {
      data = d;
    },
    start() {
      device.prov.listen(SAMPLE.UUID);
      return provisioner.prov.provision(SAMPLE.UUID, data, { attentionDuration: 0 });
    },
    /** Run until both sides' links closed (or `limitMs`). */
    run(limitMs = 200_000) {
      clock.runWhile(() => provisioner.of("link-closed").length === 0 || device.of("link-closed").length === 0, limitMs);
    },
  };
}
