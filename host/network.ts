/**
 * A simulated Bluetooth Mesh network on the host: the air hub (host/air), devices running the device
 * application (main.ts) on Node platform services, the provisioner of `meshprov provision --all`
 * (host/cli/engine.ts: several links, retries) provisioning each device of the network it hears, and a person
 * who carries OOB values between them. Used by the simulator command (host/sim.ts), the
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
import { AdvBearer, UnprovisionedBeacons } from "../modules/bearer/adv.js";
import { retransmitPolicies } from "../modules/bearer/retransmit.js";
import type { Bytes, Clock, CryptoPrimitives, Logger } from "../modules/platform.js";
import type { OobUseParams, OobValue, ProvEvent } from "../modules/prov/api.js";
import { strongestOobUse } from "../modules/prov/provisioner.js";
import { UnicastAllocator } from "../modules/prov/addresses.js";
import { Algorithm, AuthenticationMethod, InputOobAction, OobType, OutputOobAction, PublicKeyType, StartPublicKey } from "../modules/prov/pdu.js";
import type { CapabilitiesFields } from "../modules/prov/pdu.js";
import { bytesToHex, hexToBytes } from "../modules/crypto/bytes.js";
import { readU16BE } from "../modules/util/bytes.js";
import { TimedPerson, XsDevice } from "./xs-device.js";
import { ProvisionerEngine } from "./cli/engine.js";
import type { Outcome } from "./cli/engine.js";
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
  /** Links the provisioner opened to it (retries included); null when it was never taken on. */
  attempts: number | null;
  /** Why the provisioner gave up on it (its last attempt's reason); null when provisioned or not given up. */
  givenUp: string | null;
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
  /** Links at once (1..16, default DEFAULT_LINKS) and tries per device (default 3): host/cli/engine.ts. */
  links?: number;
  attempts?: number;
  onEvent?: (event: ProvEvent, time: number) => void;
  /** Each device's outcome: provisioned, or given up (attempts, reason). */
  onOutcome?: (outcome: Outcome) => void;
}

interface Track {
  device: SimDevice;
  linkOpenAt: number | undefined;
  completeAt: number | undefined;
  address: number | null;
  closeReason: string | null;
  failureCode: number | null;
  failureReason: string | null;
  /** The provisioner's last word on the device (provisioned, or given up and why). */
  outcome?: Outcome;
}

export class SimNetwork {
  readonly hub: AirHub;
  readonly crypto: NodeCryptoPrimitives;
  /** The simulated platforms' crypto: `crypto`, with ECDH taking `ecdhComputeMs` of virtual time. */
  readonly platformCrypto: CryptoPrimitives;
  readonly devices: SimDevice[] = [];
  readonly storages = new Map<string, MemoryStorage>();
  provisioner: ProvisionerEngine | undefined;
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
    this.tracks.set(bytesToHex(uuid), { device, linkOpenAt: undefined, completeAt: undefined, address: null, closeReason: null, failureCode: null, failureReason: null });
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

  /**
   * The provisioner: the one of `meshprov provision --all` (host/cli/engine.ts): it provisions every device of
   * this network it hears, at most `links` links at once (default 10) first heard first served, retries a device
   * whose link died (with a back-off, at most `attempts` times, the reason kept), and halves its links when links
   * time out, so collisions are answered with less traffic. The simulated person carries OOB values.
   */
  addProvisioner(o: ProvisionerOptions = {}): ProvisionerEngine {
    const radio = this.hub.createRadio("provisioner");
    const netKey = this.random(16);
    const clock = this.hub.clock;
    const device = (uuid: Bytes): SimDevice | undefined => this.tracks.get(bytesToHex(uuid))?.device;
    const engine = new ProvisionerEngine({
      radio,
      clock,
      crypto: this.platformCrypto, // Link IDs from the seeded source; ECDH takes its simulated time
      ...(this.options.logger ? { logger: this.options.logger } : {}),
      netKey,
      netKeyIndex: 0,
      ivIndex: o.ivIndex ?? 0,
      oob: o.oob ?? "none",
      alg: o.alg ?? "auto",
      ...(o.action !== undefined ? { action: o.action } : {}),
      ...(o.size !== undefined ? { size: o.size } : {}),
      ...(o.oobPublicKey ? { oobPublicKey: true } : {}),
      attentionDuration: o.attentionDuration ?? 0,
      ...(o.links !== undefined ? { links: o.links } : {}),
      ...(o.attempts !== undefined ? { attempts: o.attempts } : {}),
      retransmit: this.pbAdvOptions().retransmit,
      // Each device's addresses are assigned when its Capabilities tell its element count.
      addresses: new UnicastAllocator({ first: o.firstAddress ?? 0x0100 }),
      auth: {
        staticValue: (uuid, length, answer, fail) => {
          const v = device(uuid)?.staticOob;
          if (v) answer(v.subarray(0, length));
          else fail("no static OOB value for this device");
        },
        // Output OOB: the person reads the device's output and types it into the provisioner.
        deviceOutput: (uuid, _action, _size, answer) => this.person.enter(uuid, answer),
        // Input OOB: the provisioner shows the value; the person enters it into the device.
        showInput: (uuid, value) => this.person.show(uuid, value),
        publicKey: (uuid) => device(uuid)?.publicKey,
      },
      onEvent: (e) => {
        this.provisionerEvent(e);
        o.onEvent?.(e, clock.now());
      },
      onOutcome: (x) => {
        const t = this.tracks.get(bytesToHex(x.uuid));
        if (t) t.outcome = x;
        o.onOutcome?.(x);
      },
    });
    this.provisioner = engine;
    this.stopObserving = this.hub.observe((ev) => this.observe(ev));
    return engine;
  }

  /** The provisioner's first Link Open to each device, seen on the air (PB-ADV Link Open: GPCF 0b11, opcode 0x00). */
  private observe(ev: AirEvent): void {
    if (ev.type !== "tx" || ev.from !== "provisioner" || ev.adType !== 0x29 || ev.data.length !== 22 || ev.data[5] !== 0x03) return;
    const t = this.tracks.get(bytesToHex(ev.data.subarray(6, 22)));
    if (t && t.linkOpenAt === undefined) t.linkOpenAt = ev.start;
  }

  /** What each device's provisioning came to (the results' fields), from the provisioner's events. */
  private provisionerEvent(e: ProvEvent): void {
    const track = "ctx" in e ? this.tracks.get(bytesToHex(e.ctx.uuid)) : undefined;
    if (!track) return;
    switch (e.type) {
      case "complete":
        track.completeAt = this.hub.clock.now();
        track.address = e.unicastAddress;
        track.failureCode = null; // an earlier attempt's failure is history now
        track.failureReason = null;
        return;
      case "failed":
        if (track.failureCode === null) {
          track.failureCode = e.code;
          track.failureReason = e.reason;
        }
        return;
      case "link-closed":
        track.closeReason = e.reason;
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

  /**
   * Start every device, and the provisioner on every device of this network (as soon as it is heard).
   * `powerOnSpreadMs`: the in-process devices are powered on at random moments of this window (seeded), as
   * devices switched on by people are. 0 (the default) powers them all on at the same instant: their
   * Unprovisioned Device beacons, one per second each, then go out in step and collide on every channel for
   * as long as the run lasts (200 such devices: not one beacon heard) — an artefact of a simulated power-on,
   * not of the provisioner.
   */
  start(powerOnSpreadMs = 0): void {
    for (const d of this.devices) {
      if (!d.app) continue;
      if (powerOnSpreadMs > 0) this.hub.clock.setTimeout(() => d.app!.start(), (readU16BE(this.random(2), 0) / 0x10000) * powerOnSpreadMs);
      else d.app.start();
    }
    if (this.provisioner) for (const t of this.tracks.values()) this.provisioner.add(t.device.uuid);
  }

  /** True when every device's provisioning has ended: provisioned, or given up after its attempts. */
  allDone(): boolean {
    for (const t of this.tracks.values()) if (t.outcome === undefined) return false;
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
      attempts: t.outcome?.attempts ?? null,
      givenUp: t.outcome && !t.outcome.ok ? (t.outcome.reason ?? null) : null,
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
