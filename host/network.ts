/**
 * A simulated Bluetooth Mesh network on the host: the air hub (host/air), devices running the device
 * application (main.ts) on Node platform services, a provisioner that scans and provisions each device it
 * hears, and a person who carries OOB values between them. Used by the simulator command (host/sim.ts), the
 * demo (host/demo.ts) and the provisioning benchmark (host/bench-prov.ts).
 */
import { runMeshNode } from "../modules/app/node-runner.js";
import { AirHub } from "./air/hub.js";
import type { AirEvent, LinkModel } from "./air/hub.js";
import { NodeCryptoPrimitives, seededRandom, withEcdhTime } from "./node-crypto.js";
import { MemoryStorage } from "./storage.js";
import { Person } from "./person.js";
import { DeviceApp } from "../main.js";
import type { DeviceConfig, DeviceEvent, DeviceKind } from "../main.js";
import { AdvBearer, UnprovisionedBeacons, pbAdvBearer } from "../modules/bearer/adv.js";
import { PbAdv } from "../modules/bearer/pb-adv.js";
import { retransmitPolicies } from "../modules/bearer/retransmit.js";
import type { Bytes, Clock, CryptoPrimitives, Logger } from "../modules/platform.js";
import { Provisioning } from "../modules/prov/api.js";
import type { OobUseParams, OobValue, ProvContext, ProvEvent } from "../modules/prov/api.js";
import { provisionerRole, strongestOobUse } from "../modules/prov/provisioner.js";
import { UnicastAllocator } from "../modules/prov/addresses.js";
import { Algorithm, AuthenticationMethod, InputOobAction, OobType, OutputOobAction, PublicKeyType, StartPublicKey } from "../modules/prov/pdu.js";
import type { CapabilitiesFields } from "../modules/prov/pdu.js";
import { bytesToHex, hexToBytes } from "../modules/crypto/bytes.js";
import { TimedPerson, XsDevice } from "./xs-device.js";
import type { XsDeviceOptions, XsEventLine } from "./xs-device.js";

/** "auto": the strongest method the device offers (modules/prov/provisioner.ts strongestOobUse: static, output, input, none). */
export type OobChoice = "none" | "static" | "output" | "input" | "auto";
export type AlgChoice = "cmac" | "hmac";

export const OUTPUT_ACTIONS: Record<string, number> = {
  blink: OutputOobAction.Blink,
  beep: OutputOobAction.Beep,
  vibrate: OutputOobAction.Vibrate,
  numeric: OutputOobAction.OutputNumeric,
  alphanumeric: OutputOobAction.OutputAlphanumeric,
};
export const INPUT_ACTIONS: Record<string, number> = {
  push: InputOobAction.Push,
  twist: InputOobAction.Twist,
  numeric: InputOobAction.InputNumeric,
  alphanumeric: InputOobAction.InputAlphanumeric,
};

export interface NetworkOptions {
  seed: number;
  /** Virtual time (deterministic, default) or real time. */
  mode?: "virtual" | "real";
  /** Default link model between every pair of radios. */
  link?: Partial<LinkModel>;
  pcapPath?: string;
  /**
   * Simulated ECDH computation time per side, ms (default 30: a software P-256 on a 64 MHz Cortex-M4), charged
   * by the simulated platform's crypto (host/node-crypto.ts withEcdhTime).
   */
  ecdhComputeMs?: number;
  /** PB-ADV retransmission policy name (retransmitPolicies; default "adaptive"). */
  policy?: string;
  /** How long the simulated person takes to read and enter an OOB value, ms (default 300). */
  personDelayMs?: number;
  logger?: Logger;
  /**
   * Where the devices run: "node" (default: in this process) or "xs" (each a separate XS host runtime process,
   * host/xs-device.ts, joining the hub over TCP; call launch() before start()). Silent devices stay in-process.
   */
  runtime?: "node" | "xs";
  /** For runtime "xs": the runtime and app (host/xs-device.ts buildXsDevice()) and a directory for storage files. */
  xs?: {
    xsrun: string;
    app: string;
    storageDir: string;
    led?: boolean;
    log?: string;
    /** More xsrun options and app arguments for every device (host/xs-device.ts). */
    runtimeArgs?: string[];
    appArgs?: string[];
    onStderr?: (device: string, line: string) => void;
    /** A device's stdout lines that are not events, displays or LED lines (its log). */
    onOther?: (device: string, line: string) => void;
  };
}

export interface SimDeviceOptions {
  name: string;
  kind?: DeviceKind;
  /** Capabilities beyond the kind's defaults (e.g. other OOB actions). */
  capabilities?: Partial<CapabilitiesFields>;
  /** Offer a static OOB value (32 bytes; the first 16 with CMAC). */
  staticOob?: boolean;
  /** Offer an OOB public key. */
  oobPublicKey?: boolean;
  beaconIntervalMs?: number;
  /** A device that has a radio and beacons but never answers a link (tests timeouts). */
  silent?: boolean;
}

/** What the simulator reports per device (one JSON line each with --json). */
export interface DeviceResult {
  name: string;
  kind: string;
  uuid: string;
  provisioned: boolean;
  address: number | null;
  /** Simulated ms from the provisioner's first Link Open for this device to its Complete. */
  durationMs: number | null;
  closeReason: string | null;
  failureCode: number | null;
  failureReason: string | null;
}

/** One simulated device: the device application with LED and button, or a silent radio. */
export class SimDevice {
  readonly events: { time: number; event: DeviceEvent }[] = [];
  readonly ledLog: { time: number; on: boolean }[] = [];
  /** Called on each application event (the demo prints them). */
  onEvent: ((event: DeviceEvent, time: number) => void) | undefined;
  /** Called on each LED change (the demo prints them). */
  onLed: ((on: boolean) => void) | undefined;
  app: DeviceApp | undefined;
  private buttonHandler: (() => void) | undefined;
  ledOn = false;

  constructor(
    readonly name: string,
    readonly kind: DeviceKind,
    readonly uuid: Bytes,
    readonly staticOob: Bytes | undefined,
    public publicKey: Bytes | undefined,
  ) {}

  /** runtime "xs": the device's process once launched (launch()), and how to start it. */
  xs: XsDevice | undefined;
  xsOptions: Omit<XsDeviceOptions, "port"> | undefined;

  /** The board's button, pressed by the simulated person. */
  pressButton(): void {
    this.buttonHandler?.();
  }

  io(clock: Clock) {
    return {
      setLed: (on: boolean) => {
        if (on === this.ledOn) return;
        this.ledLog.push({ time: clock.now(), on });
        this.ledOn = on;
        this.onLed?.(on);
      },
      onButton: (handler: () => void) => {
        this.buttonHandler = handler;
      },
    };
  }
}

export interface ProvisionerOptions {
  oob?: OobChoice;
  alg?: AlgChoice;
  /** Output/Input OOB action name (OUTPUT_ACTIONS / INPUT_ACTIONS); default: the first the device offers. */
  action?: string;
  /** Output/Input OOB size (default: the device's). */
  size?: number;
  /** Use the device's OOB public key when it offers one. */
  oobPublicKey?: boolean;
  firstAddress?: number;
  ivIndex?: number;
  attentionDuration?: number;
  onEvent?: (event: ProvEvent, time: number) => void;
}

interface Track {
  device: SimDevice;
  linkOpenAt: number | undefined;
  completeAt: number | undefined;
  ctx: ProvContext | undefined;
  address: number | null;
  closeReason: string | null;
  failureCode: number | null;
  failureReason: string | null;
}

export class SimNetwork {
  readonly hub: AirHub;
  readonly crypto: NodeCryptoPrimitives;
  /** The simulated platforms' crypto: `crypto`, with ECDH taking `ecdhComputeMs` of virtual time. */
  readonly platformCrypto: CryptoPrimitives;
  readonly devices: SimDevice[] = [];
  readonly storages = new Map<string, MemoryStorage>();
  provisioner: Provisioning | undefined;
  private readonly person: Person;
  private readonly tracks = new Map<string, Track>();
  private readonly random: (n: number) => Uint8Array;
  private stopObserving: (() => void) | undefined;

  constructor(readonly options: NetworkOptions) {
    this.hub = new AirHub({
      mode: options.mode ?? "virtual",
      seed: options.seed,
      ...(options.link ? { defaultLink: options.link } : {}),
      ...(options.pcapPath ? { pcapPath: options.pcapPath } : {}),
      logger: options.logger ?? { log() {} },
    });
    this.random = seededRandom(options.seed);
    this.crypto = new NodeCryptoPrimitives({ random: this.random });
    this.platformCrypto = withEcdhTime(this.crypto, this.hub.clock, options.ecdhComputeMs ?? 30);
    this.person =
      options.runtime === "xs" ? new TimedPerson(this.hub.clock, options.personDelayMs ?? 300) : new Person(this.hub.clock, options.personDelayMs ?? 300);
    if (options.policy && !retransmitPolicies[options.policy]) {
      throw new RangeError(`unknown retransmission policy "${options.policy}" (have: ${Object.keys(retransmitPolicies).join(", ")})`);
    }
  }

  get clock(): Clock {
    return this.hub.clock;
  }

  private pbAdvOptions() {
    const policy = retransmitPolicies[this.options.policy ?? "adaptive"]!;
    return { retransmit: policy };
  }

  /** Add a device running the device application (or a silent radio). Not started until start(). */
  addDevice(o: SimDeviceOptions): SimDevice {
    const uuid = this.random(16);
    const staticOob = o.staticOob ? this.random(32) : undefined;
    const keyPair = o.oobPublicKey ? this.crypto.p256GenerateKeyPair() : undefined;
    const device = new SimDevice(o.name, o.kind ?? "light", uuid, staticOob, keyPair?.publicKey);
    const radio = this.hub.createRadio(o.name);
    this.devices.push(device);
    this.tracks.set(bytesToHex(uuid), { device, linkOpenAt: undefined, completeAt: undefined, ctx: undefined, address: null, closeReason: null, failureCode: null, failureReason: null });
    if (o.silent) {
      // Beacons, never answers: a device whose stack hangs.
      new UnprovisionedBeacons(new AdvBearer(radio, this.hub.clock), this.hub.clock).announce({ uuid, oobInfo: 0 }, o.beaconIntervalMs ?? 1000);
      return device;
    }
    if (this.options.runtime === "xs") {
      const xs = this.options.xs;
      if (!xs) throw new RangeError("runtime xs needs options.xs (the runtime and the app: host/xs-device.ts buildXsDevice())");
      device.xsOptions = {
        xsrun: xs.xsrun,
        app: xs.app,
        name: o.name,
        kind: device.kind,
        uuid,
        storage: `${xs.storageDir}/${o.name}.bin`,
        randomSeed: `sim ${this.options.seed} ${o.name} ${bytesToHex(this.random(16))}`,
        ...(staticOob ? { staticOob } : {}),
        ...(o.capabilities ? { capabilities: o.capabilities } : {}),
        beaconIntervalMs: o.beaconIntervalMs ?? 1000,
        ...(this.options.policy ? { policy: this.options.policy } : {}),
        ...(o.oobPublicKey ? { oobPublicKey: true } : {}),
        ...(xs.led ? { led: true } : {}),
        ...(xs.log ? { log: xs.log } : {}),
        ...(xs.runtimeArgs ? { runtimeArgs: xs.runtimeArgs } : {}),
        ...(xs.appArgs ? { appArgs: xs.appArgs } : {}),
        ...(xs.onStderr ? { onStderr: (line: string) => xs.onStderr!(o.name, line) } : {}),
        ...(xs.onOther ? { onOther: (line: string) => xs.onOther!(o.name, line) } : {}),
      };
      radio.close(); // the device's radio is its process's own connection to the hub
      return device;
    }
    const storage = new MemoryStorage();
    this.storages.set(o.name, storage);
    const config: DeviceConfig = {
      kind: device.kind,
      uuid,
      ...(staticOob ? { staticOob } : {}),
      ...(keyPair ? { oobKeyPair: keyPair } : {}),
      ...(o.capabilities ? { capabilities: o.capabilities } : {}),
      beaconIntervalMs: o.beaconIntervalMs ?? 1000,
      pbAdv: this.pbAdvOptions(),
    };
    const app = new DeviceApp(
      { crypto: this.platformCrypto, clock: this.hub.clock, radio, storage, ...(this.options.logger ? { logger: this.options.logger } : {}) },
      device.io(this.hub.clock),
      config,
      runMeshNode,
    );
    device.app = app;
    app.onEvent = (e) => {
      device.events.push({ time: this.hub.clock.now(), event: e });
      this.devicePerson(device, e);
      device.onEvent?.(e, this.hub.clock.now());
    };
    return device;
  }

  /** The person reads what the device outputs, and enters what the provisioner shows. */
  private devicePerson(device: SimDevice, e: DeviceEvent): void {
    if (e.type === "output-request") this.person.show(device.uuid, e.value);
    if (e.type === "input-request") {
      this.person.enter(device.uuid, (v) => {
        if (e.action === InputOobAction.Push && typeof v === "number") {
          for (let i = 0; i < v; i++) this.hub.clock.setTimeout(() => device.pressButton(), i * 150);
        } else device.app?.enterInput(v);
      });
    }
  }

  /** The provisioner: scans, and provisions every device of this network it hears, once. */
  addProvisioner(o: ProvisionerOptions = {}): Provisioning {
    const radio = this.hub.createRadio("provisioner");
    const adv = new AdvBearer(radio, this.hub.clock);
    const pbAdv = new PbAdv(adv, this.hub.clock, { randomBytes: this.random }, this.pbAdvOptions());
    const netKey = this.random(16);
    const started = new Set<string>();
    const clock = this.hub.clock;
    const prov: Provisioning = new Provisioning({
      crypto: this.platformCrypto,
      clock,
      bearers: [pbAdvBearer(pbAdv, adv, clock)],
      roles: { provisioner: provisionerRole },
      // Each device's addresses are assigned when its Capabilities tell its element count.
      addresses: new UnicastAllocator({ first: o.firstAddress ?? 0x0100 }),
      ...(this.options.logger ? { logger: this.options.logger } : {}),
      onEvent: (e) => {
        this.provisionerEvent(prov, e, o, netKey, started);
        o.onEvent?.(e, clock.now());
      },
    });
    this.provisioner = prov;
    this.stopObserving = this.hub.observe((ev) => this.observe(ev));
    return prov;
  }

  /** The provisioner's first Link Open to each device, seen on the air (PB-ADV Link Open: GPCF 0b11, opcode 0x00). */
  private observe(ev: AirEvent): void {
    if (ev.type !== "tx" || ev.from !== "provisioner" || ev.adType !== 0x29 || ev.data.length !== 22 || ev.data[5] !== 0x03) return;
    const t = this.tracks.get(bytesToHex(ev.data.subarray(6, 22)));
    if (t && t.linkOpenAt === undefined) t.linkOpenAt = ev.start;
  }

  private provisionerEvent(prov: Provisioning, e: ProvEvent, o: ProvisionerOptions, netKey: Bytes, started: Set<string>): void {
    const track = "ctx" in e ? this.tracks.get(bytesToHex(e.ctx.uuid)) : undefined;
    switch (e.type) {
      case "unprovisioned-received": {
        const k = bytesToHex(e.uuid);
        const t = this.tracks.get(k);
        if (!t || started.has(k)) return;
        started.add(k);
        t.ctx = prov.provision(
          e.uuid,
          { networkKey: netKey, keyIndex: 0, flags: { keyRefresh: false, ivUpdate: false }, ivIndex: o.ivIndex ?? 0 },
          { attentionDuration: o.attentionDuration ?? 0 },
        );
        return;
      }
      case "capabilities-received":
        prov.oobUse(e.ctx, chooseOob(e.capabilities, o));
        return;
      case "oob-pubkey-request":
        if (track?.device.publicKey) prov.oobPublicKeyProvide(e.ctx, track.device.publicKey);
        return;
      case "static-request":
        if (track?.device.staticOob) prov.authDataProvide(e.ctx, track.device.staticOob.subarray(0, e.length));
        return;
      case "output-request":
        // Input OOB: the provisioner shows the value; the person enters it into the device.
        this.person.show(e.ctx.uuid, e.value);
        return;
      case "input-request":
        // Output OOB: the person reads the device's output and types it into the provisioner.
        this.person.enter(e.ctx.uuid, (v) => {
          if (prov.activeContexts().includes(e.ctx)) prov.authDataProvide(e.ctx, v);
        });
        return;
      case "complete":
        if (track) {
          track.completeAt = this.hub.clock.now();
          track.address = e.unicastAddress;
        }
        return;
      case "failed":
        if (track && track.failureCode === null) {
          track.failureCode = e.code;
          track.failureReason = e.reason;
        }
        return;
      case "link-closed":
        if (track) track.closeReason = e.reason;
        return;
      default:
        return;
    }
  }

  /**
   * runtime "xs": listen on 127.0.0.1 (a free port) and start each XS device's process, one after the other (in
   * the order they were added, so the hub makes their radios in a fixed order: deterministic), each joining the
   * hub before the next starts. Nothing for runtime "node".
   */
  async launch(): Promise<void> {
    const pending = this.devices.filter((d) => d.xsOptions && !d.xs);
    if (!pending.length) return;
    this.xsPort ??= (await this.hub.listen({ port: 0 })).port!;
    const port = this.xsPort;
    for (const device of pending) {
      const xs = await XsDevice.spawn({ ...device.xsOptions!, port, hub: this.hub });
      device.xs = xs;
      const pk = xs.started?.oobPublicKey;
      if (typeof pk === "string") device.publicKey = hexToBytes(pk);
      xs.onEvent = (e) => this.xsDevicePerson(device, xs, e);
      xs.onDisplay = (text) => {
        const last = xs.events[xs.events.length - 1];
        const action = last && last.event === "output-request" ? Number(last.action) : -1;
        const value: OobValue = action === OutputOobAction.OutputAlphanumeric || !/^[0-9]+$/.test(text) ? text : Number(text);
        (this.person as TimedPerson).show(device.uuid, value, last ? last.time : this.hub.clock.now());
      };
      xs.onLed = (on) => {
        device.ledLog.push({ time: this.hub.clock.now(), on });
        device.ledOn = on;
        device.onLed?.(on);
      };
    }
  }

  private xsPort: number | undefined;

  /** The person and an XS device: entries go to its stdin ahead of time, stamped with when they happen. */
  private xsDevicePerson(device: SimDevice, xs: XsDevice, e: XsEventLine): void {
    if (e.event !== "input-request") return;
    const action = Number(e.action);
    (this.person as TimedPerson).enterAhead(
      device.uuid,
      (v, due) => {
        if (action === InputOobAction.Push && typeof v === "number") {
          xs.pressButton(due, v, 150);
        } else xs.enterInput(v, due);
      },
      e.time,
    );
  }

  /** Start every device and the provisioner's scanning. */
  start(): void {
    for (const d of this.devices) d.app?.start();
    this.provisioner?.scanStart();
  }

  /** True when every device's provisioning has ended (its link closed after completion or failure). */
  allDone(): boolean {
    for (const t of this.tracks.values()) if (t.closeReason === null) return false;
    return true;
  }

  /** Run (virtual time) until every device is done or `limitMs` of simulated time has passed. */
  async run(limitMs = 10 * 60_000): Promise<boolean> {
    return this.hub.runWhile(() => !this.allDone(), limitMs);
  }

  results(): DeviceResult[] {
    return [...this.tracks.values()].map((t) => ({
      name: t.device.name,
      kind: t.device.kind,
      uuid: bytesToHex(t.device.uuid),
      // an XS device must say so too (its "complete" line): both sides agree
      provisioned: t.completeAt !== undefined && (!t.device.xs || t.device.xs.events.some((e) => e.event === "complete")),
      address: t.address,
      durationMs: t.completeAt !== undefined && t.linkOpenAt !== undefined ? Math.round((t.completeAt - t.linkOpenAt) * 1000) / 1000 : null,
      closeReason: t.closeReason,
      failureCode: t.failureCode,
      failureReason: t.failureReason,
    }));
  }

  /** Stop observing, flush the capture and close the hub (XS devices get BYE and end; they are waited for). */
  async close(): Promise<void> {
    this.stopObserving?.();
    await this.hub.close();
    const xs = this.devices.map((d) => d.xs).filter((x): x is XsDevice => x !== undefined);
    const timer = setTimeout(() => xs.forEach((x) => x.kill()), 5000);
    await Promise.all(xs.map((x) => x.exited));
    clearTimeout(timer);
  }
}

/**
 * The provisioner's choice of Start fields for a device's capabilities (5.4.1.3), from the command line's
 * wishes; "auto" is the one automatic policy (modules/prov/provisioner.ts strongestOobUse).
 */
export function chooseOob(caps: CapabilitiesFields, o: ProvisionerOptions): OobUseParams {
  const wanted = o.alg === "hmac" ? Algorithm.BTM_ECDH_P256_HMAC_SHA256_AES_CCM : o.alg === "cmac" ? Algorithm.BTM_ECDH_P256_CMAC_AES128_AES_CCM : undefined;
  const oob = o.oob ?? "none";
  if (oob === "auto") {
    const auto = strongestOobUse(caps, { ...(o.oobPublicKey ? { useOobPublicKey: true } : {}), ...(wanted !== undefined ? { algorithm: wanted } : {}) });
    if (auto) return auto;
  }
  const hmacOffered = (caps.algorithms & (1 << Algorithm.BTM_ECDH_P256_HMAC_SHA256_AES_CCM)) !== 0;
  const algorithm = wanted ?? (hmacOffered ? Algorithm.BTM_ECDH_P256_HMAC_SHA256_AES_CCM : Algorithm.BTM_ECDH_P256_CMAC_AES128_AES_CCM);
  const publicKey =
    o.oobPublicKey && caps.publicKeyType & PublicKeyType.PublicKeyOobInformationAvailable ? StartPublicKey.OobPublicKey : StartPublicKey.NoOobPublicKey;
  const lowest = (bits: number): number => {
    for (let i = 0; i < 16; i++) if (bits & (1 << i)) return i;
    return 0;
  };
  switch (oob) {
    case "static":
      return { algorithm, publicKey, method: AuthenticationMethod.StaticOob, action: 0, size: 0 };
    case "output": {
      const action = o.action !== undefined ? OUTPUT_ACTIONS[o.action]! : lowest(caps.outputOobAction);
      return { algorithm, publicKey, method: AuthenticationMethod.OutputOob, action, size: o.size ?? caps.outputOobSize };
    }
    case "input": {
      const action = o.action !== undefined ? INPUT_ACTIONS[o.action]! : lowest(caps.inputOobAction);
      return { algorithm, publicKey, method: AuthenticationMethod.InputOob, action, size: o.size ?? caps.inputOobSize };
    }
    default:
      return { algorithm, publicKey, method: AuthenticationMethod.NoOob, action: 0, size: 0 };
  }
}

/** The device capabilities a simulated device needs for the provisioner's OOB wishes. */
export function capabilitiesFor(o: ProvisionerOptions): Partial<CapabilitiesFields> {
  const caps: Partial<CapabilitiesFields> = { algorithms: 0x0003 };
  if (o.oob === "output" || o.oob === "input") {
    const out = o.oob === "output";
    const table = out ? OUTPUT_ACTIONS : INPUT_ACTIONS;
    const action = o.action !== undefined ? table[o.action] : out ? OutputOobAction.Blink : InputOobAction.Push;
    if (action === undefined) throw new RangeError(`unknown ${o.oob} action "${o.action}" (have: ${Object.keys(table).join(", ")})`);
    // Counts (blink, beep, vibrate, push, twist) default to one digit, numbers and strings to six.
    const size = o.size ?? (action <= (out ? OutputOobAction.Vibrate : InputOobAction.Twist) ? 1 : 6);
    caps.outputOobAction = out ? 1 << action : 0;
    caps.outputOobSize = out ? size : 0;
    caps.inputOobAction = out ? 0 : 1 << action;
    caps.inputOobSize = out ? 0 : size;
  }
  if (o.oob === "static") caps.oobType = OobType.StaticOobInformationAvailable;
  return caps;
}
