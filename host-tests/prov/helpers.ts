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
import { NodeCryptoPrimitives, seededRandom } from "../../host/node-crypto.js";
import { provisioneeRole } from "../../modules/prov/provisionee.js";
import { provisionerRole } from "../../modules/prov/provisioner.js";
import type { CapabilitiesFields } from "../../modules/prov/pdu.js";
import type { OobUseParams } from "../../modules/prov/common.js";
import { LoopbackAir } from "./loopback.js";
import type { ProvisioningOptions } from "../../modules/prov/api.js";
import type { ProvContext, ProvEvent } from "../../modules/prov/common.js";
import type { ProvisioningData } from "../../modules/prov/pdu.js";

/** Mesh Protocol 1.1, 8.17 sample data (from the spec; copied here so a clone of the project has it). */
export const SAMPLE = {
  PrivProv: hexToBytes("06a516693c9aa31a6084545d0c5db641b48572b97203ddffb7ac73f7d0457663"),
  PubProv: hexToBytes(
    "2c31a47b5779809ef44cb5eaaf5c3e43d5f8faad4a8794cb987e9b03745c78dd919512183898dfbecd52e2408e43871fd021109117bd3ed4eaf8437743715d4f",
  ),
  PrivDev: hexToBytes("529aa0670d72cd6497502ed473502b037e8803b5c60829a5a3caa219505530ba"),
  PubDev: hexToBytes(
    "f465e43ff23d3f1b9dc7dfc04da8758184dbc966204796eccf0d6cf5e16500cc0201d048bcbbd899eeefc424164e33c201c2b010ca6b4d43a8a155cad8ecb279",
  ),
  ECDHSecret: hexToBytes("ab85843a2f6d883f62e5684b38e307335fe6e1945ecd19604105c6f23221eb69"),
  ProvData: hexToBytes("efb2255e6422d330088e09bb015ed707056700010203040b0c"),
  UUID: hexToBytes("70cf7c9732a345b691494810d2e9cbf4"),
  cmac: {
    Invite: "00",
    Capabilities: "0100010000000000000000",
    Start: "0000000000",
    RandProv: hexToBytes("8b19ac31d58b124c946209b5db1021b9"),
    ConfProv: "b38a114dfdca1fe153bd2c1e0dc46ac2",
    RandDev: hexToBytes("55a2a2bca04cd32ff6f346bd0a0c1a3a"),
    ConfDev: "eeba521c196b52cc2e37aa40329f554e",
    DeviceKey: "0520adad5e0142aa3e325087b4ec16d8",
    SessionKey: hexToBytes("c80253af86b33dfa450bbdb2a191fea3"),
    SessionNonce: hexToBytes("da7ddbe78b5f62b81d6847487e"),
    EncData: "d0bd7f4a89a2ff6222af59a90a60ad58acfe3123356f5cec29",
    MIC: "73e0ec50783b10c7",
  },
  hmac: {
    Invite: "00",
    Capabilities: "0100030001000000000000",
    Start: "0100010000",
    AuthValue: hexToBytes("906d73a3c7a7cb3ff730dca68a46b9c18d673f50e078202311473ebbe253669f"),
    RandProv: hexToBytes("36f968b94a13000e64b223576390db6bcc6d62f02617c369ee3f5b3e89df7e1f"),
    ConfProv: "c99b54617ae646f5f32cf7e1ea6fcc49fd69066078eba9580fa6c7031833e6c8",
    RandDev: hexToBytes("5b9b1fc6a64b2de8bece53187ee989c6566db1fc7dc8580a73dafdd6211d56a5"),
    ConfDev: "56e3722d291373d38c995d6f942c02928c96abb015c233557d7974b6e2df662b",
    DeviceKey: "2770852a737cf05d8813768f22af3a2d",
    EncData: "f9df98cbb736be1f600659ac4c37821a82db31e410a03de769",
    MIC: "3a2a0428fbdaf321",
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
  const device = new Node(
    "device",
    {
      crypto,
      clock,
      pbAdv: air.deviceBearer(),
      roles: { provisionee: provisioneeRole },
      capabilities: o.deviceCapabilities ?? (alg === "cmac" ? { numberOfElements: 1, algorithms: 0x0001 } : { numberOfElements: 1, algorithms: 0x0003, oobType: 0x01 }),
      ...(sample ? { testHooks: { keyPair: () => ({ privateKey: SAMPLE.PrivDev, publicKey: SAMPLE.PubDev }), random: () => s.RandDev } } : {}),
      ...o.deviceOptions,
    },
    { "static-request": (e, n) => n.prov.authDataProvide(e.ctx, SAMPLE.hmac.AuthValue.slice(0, e.length)), ...o.deviceHandlers },
  );
  const choice = o.choice ?? (alg === "cmac" ? { algorithm: 0, publicKey: 0, method: 0, action: 0, size: 0 } : { algorithm: 1, publicKey: 0, method: 1, action: 0, size: 0 });
  const provisioner = new Node(
    "provisioner",
    {
      crypto,
      clock,
      pbAdv: air.provisionerBearer(),
      roles: { provisioner: provisionerRole },
      ...(sample ? { testHooks: { keyPair: () => ({ privateKey: SAMPLE.PrivProv, publicKey: SAMPLE.PubProv }), random: () => s.RandProv } } : {}),
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
