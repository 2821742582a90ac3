/**
 * Test helpers for the provisioning protocol: the spec's sample data (Mesh Protocol 1.1, 8.17.1 / 8.17.2),
 * a Node wrapping one Provisioning instance with scripted event handlers and an event log, and a "person"
 * who carries OOB values from one side's output to the other side's input.
 */
import { hexToBytes, bytesToHex } from "../../modules/crypto/bytes.js";
import type { Bytes, Clock } from "../../modules/platform.js";
import { Provisioning } from "../../modules/prov/api.js";
import type { ProvisioningOptions } from "../../modules/prov/api.js";
import type { OobValue, ProvContext, ProvEvent } from "../../modules/prov/common.js";
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

/**
 * A person between a device and a provisioner: what one side outputs (blinks, displays) is entered into the
 * other side after `delayMs`, whichever comes first.
 */
export class Person {
  private readonly shown = new Map<string, OobValue>();
  private readonly waiting = new Map<string, (v: OobValue) => void>();

  constructor(
    private readonly clock: Clock,
    private readonly delayMs = 500,
  ) {}

  /** A value was output for the device `uuid`. */
  show(uuid: Bytes, value: OobValue): void {
    const k = hex(uuid);
    const w = this.waiting.get(k);
    if (w) {
      this.waiting.delete(k);
      this.clock.setTimeout(() => w(value), this.delayMs);
    } else this.shown.set(k, value);
  }

  /** The other side wants the value for `uuid`. */
  enter(uuid: Bytes, answer: (v: OobValue) => void): void {
    const k = hex(uuid);
    const v = this.shown.get(k);
    if (v !== undefined) {
      this.shown.delete(k);
      this.clock.setTimeout(() => answer(v), this.delayMs);
    } else this.waiting.set(k, answer);
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
