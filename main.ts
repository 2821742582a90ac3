/**
 * The device application: a Bluetooth Mesh provisionee, a light or a switch.
 *
 * It is portable: the same module runs in the Node simulation (host/network.ts), on the XS host runtime and
 * on the nRF52840, with the platform's services (crypto, clock, radio, storage, log) and the board's LED and
 * button passed in. What it does:
 * - unprovisioned: sends Unprovisioned Device beacons and accepts a PB-ADV link (Mesh Protocol 1.1, 5.2.1);
 * - Invite: runs the attention timer on the LED (5.4.1.1: Attention Duration seconds);
 * - authentication: Static OOB when the device has a static value; Output OOB Blink on a light (the LED
 *   blinks the value), Input OOB Push on a switch (the person pushes the button the shown number of times);
 * - Complete: keeps the provisioning record in storage, so a restarted device comes back provisioned.
 * - provisioned (after Complete, or restored): runs the mesh node (modules/node) with the product's models
 *   (modules/app/apps.ts); the button then presses the product's button (the switch toggles the light); a
 *   Node Reset makes it unprovisioned again.
 */
import type { Bytes, Clock, Platform, Storage, TimerHandle } from "./modules/platform.js";
import { AdvBearer, pbAdvDeviceBearer } from "./modules/bearer/adv.js";
import { PbAdvDevice } from "./modules/bearer/pb-adv.js";
import type { PbAdvOptions } from "./modules/bearer/pb-adv.js";
import { DeviceProvisioning } from "./modules/prov/api.js";
import type { P256KeyPair, ProvContext, ProvEvent } from "./modules/prov/api.js";
import { provisioneeRole } from "./modules/prov/provisionee.js";
import { InputOobAction, OobType, OutputOobAction } from "./modules/prov/pdu.js";
import type { CapabilitiesFields } from "./modules/prov/pdu.js";
import { decodeRecord, encodeRecord } from "./modules/device/record.js";
import type { ProvisioningRecord } from "./modules/device/record.js";
import type { MeshApp } from "./modules/app/apps.js";
import type { MeshRunner } from "./modules/app/node-runner.js";
import type { MeshNode, NodeEvent } from "./modules/node/api.js";

export type DeviceKind = "light" | "switch";

/** The board: an LED (the light's lamp, or the board LED) and, on a switch, a button. */
export interface DeviceIo {
  setLed(on: boolean): void;
  /** Calls `handler` on each button press. */
  onButton?(handler: () => void): void;
}

export interface DeviceConfig {
  kind: DeviceKind;
  /** Device UUID, 16 bytes (on the nRF52840: derived from FICR DEVICEID). */
  uuid: Bytes;
  /** Static OOB value (16 or 32 bytes; the first 16 are used with the CMAC algorithm). Absent: no Static OOB. */
  staticOob?: Bytes;
  /** A fixed key pair whose public key the provisioner reads out of band (a QR code). */
  oobKeyPair?: P256KeyPair;
  /** Unprovisioned Device beacon interval, ms (default 1000). */
  beaconIntervalMs?: number;
  /** OOB Information of the beacon (beacon.ts OOB_INFO bits). */
  oobInfo?: number;
  /** Output OOB blink: on and off time, ms (default 300), and the pause between repetitions (default 1500). */
  blinkMs?: number;
  blinkPauseMs?: number;
  /** Input OOB push: the value is taken this long after the last press, ms (default 1500). */
  inputSettleMs?: number;
  /** PB-ADV options (retransmission policy, timers). */
  pbAdv?: PbAdvOptions;
  /** Capabilities beyond the kind's defaults (other OOB actions, more elements). */
  capabilities?: Partial<CapabilitiesFields>;
}

export type DeviceState = "unprovisioned" | "provisioning" | "provisioned";

/** Events of the application: the provisioning stack's, plus 'restored' at start-up from storage. */
export type DeviceEvent = ProvEvent | NodeEvent | { type: "restored"; record: ProvisioningRecord } | { type: "storage-error"; reason: string };

export const STORAGE_KEY = "prov";

/** A blinking pattern on the LED, driven by the clock. */
class Blinker {
  private timer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly io: DeviceIo,
  ) {}

  /** Blink `count` times (on/off `ms` each), pause `pauseMs`, repeat; count 0: blink steadily. */
  start(count: number, ms: number, pauseMs: number): void {
    this.stop();
    let i = 0;
    const step = (): void => {
      const phase = i++;
      const blinks = count > 0 ? count * 2 : 2;
      const inBurst = phase % (blinks + 1);
      if (inBurst < blinks) {
        this.io.setLed(inBurst % 2 === 0);
        this.timer = this.clock.setTimeout(step, ms);
      } else {
        this.io.setLed(false);
        this.timer = this.clock.setTimeout(step, count > 0 ? pauseMs : ms);
      }
    };
    step();
  }

  stop(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.io.setLed(false);
  }
}

export class DeviceApp {
  readonly prov: DeviceProvisioning;
  /** The application's own observer (the host prints events; tests collect them). */
  onEvent: ((event: DeviceEvent) => void) | undefined;
  private stateValue: DeviceState = "unprovisioned";
  private recordValue: ProvisioningRecord | undefined;
  private readonly blinker: Blinker;
  private pushCount = 0;
  private pushTimer: TimerHandle | undefined;
  private pushCtx: ProvContext | undefined;
  private readonly storage: Storage | undefined;
  private readonly adv: AdvBearer;
  /** The mesh application and node while provisioned. */
  mesh: MeshApp | undefined;
  node: MeshNode | undefined;

  constructor(
    private readonly platform: Platform,
    private readonly io: DeviceIo,
    readonly config: DeviceConfig,
    /** Starts the product's mesh node once provisioned (modules/app/node-runner.ts); absent: provisioning only. */
    private readonly runMesh?: MeshRunner,
  ) {
    if (!(config.uuid instanceof Uint8Array) || config.uuid.length !== 16) throw new RangeError("DeviceApp: uuid must be 16 bytes");
    if (config.staticOob && config.staticOob.length !== 16 && config.staticOob.length !== 32) throw new RangeError("DeviceApp: staticOob must be 16 or 32 bytes");
    this.storage = platform.storage;
    this.blinker = new Blinker(platform.clock, io);
    const adv = (this.adv = new AdvBearer(platform.radio, platform.clock, platform.logger));
    const pbAdv = new PbAdvDevice(adv, platform.clock, platform.crypto, {
      ...(platform.logger ? { logger: platform.logger } : {}),
      ...config.pbAdv,
    });
    this.prov = new DeviceProvisioning({
      crypto: platform.crypto,
      clock: platform.clock,
      bearers: [pbAdvDeviceBearer(pbAdv, adv, platform.clock)],
      roles: { provisionee: provisioneeRole },
      capabilities: this.capabilities(),
      ...(config.oobKeyPair ? { keyPair: config.oobKeyPair } : {}),
      ...(platform.logger ? { logger: platform.logger } : {}),
      onEvent: (e) => this.handle(e),
    });
    io.onButton?.(() => this.buttonPressed());
  }

  /** The Provisioning Capabilities this device offers (5.4.1.2). */
  capabilities(): Partial<CapabilitiesFields> {
    const light = this.config.kind === "light";
    return {
      numberOfElements: 1,
      oobType: this.config.staticOob ? OobType.StaticOobInformationAvailable : 0,
      outputOobSize: light ? 1 : 0,
      outputOobAction: light ? 1 << OutputOobAction.Blink : 0,
      inputOobSize: light ? 0 : 1,
      inputOobAction: light ? 0 : 1 << InputOobAction.Push,
      ...this.config.capabilities,
    };
  }

  get state(): DeviceState {
    return this.stateValue;
  }

  get record(): ProvisioningRecord | undefined {
    return this.recordValue;
  }

  /** Start: come back provisioned from storage, or beacon and wait for a provisioner. */
  start(): void {
    const stored = this.storage?.read(STORAGE_KEY);
    if (stored) {
      const r = decodeRecord(stored);
      if (r.ok) {
        this.recordValue = r.record;
        this.stateValue = "provisioned";
        this.log("info", `provisioned (from storage): address 0x${r.record.data.unicastAddress.toString(16).padStart(4, "0")}`);
        this.emit({ type: "restored", record: r.record });
        this.startMesh(r.record);
        return;
      }
      // A corrupt record is never trusted; the device is unprovisioned (and says so).
      this.log("warn", `stored provisioning record ignored: ${r.reason}`);
      this.emit({ type: "storage-error", reason: r.reason });
    }
    this.listen();
  }

  /** Factory reset: forget the provisioning record and beacon again. */
  reset(): void {
    this.node?.stop();
    this.mesh = this.node = undefined;
    this.storage?.remove(STORAGE_KEY);
    this.recordValue = undefined;
    if (this.prov.listening) this.prov.listenStop();
    this.listen();
  }

  /** Input OOB numeric/alphanumeric entry (a keypad, or stdin on the host runtime). */
  enterInput(value: number | string): void {
    const ctx = this.prov.activeContexts()[0];
    if (ctx) this.prov.authDataProvide(ctx, value);
  }

  private listen(): void {
    this.stateValue = "unprovisioned";
    this.prov.listen(this.config.uuid, {
      beaconIntervalMs: this.config.beaconIntervalMs ?? 1000,
      ...(this.config.oobInfo !== undefined ? { oobInfo: this.config.oobInfo } : {}),
    });
    this.log("info", `unprovisioned ${this.config.kind}: beaconing`);
  }

  private buttonPressed(): void {
    if (!this.pushCtx) {
      this.mesh?.press();
      return;
    }
    this.pushCount++;
    const clock = this.platform.clock;
    if (this.pushTimer !== undefined) clock.clearTimeout(this.pushTimer);
    this.pushTimer = clock.setTimeout(() => {
      const ctx = this.pushCtx;
      this.pushTimer = undefined;
      this.pushCtx = undefined;
      if (ctx && this.prov.activeContexts().includes(ctx)) this.prov.authDataProvide(ctx, this.pushCount);
    }, this.config.inputSettleMs ?? 1500);
  }

  private handle(e: ProvEvent): void {
    switch (e.type) {
      case "link-established":
        this.stateValue = "provisioning";
        break;
      case "attention":
        if (e.on) this.blinker.start(0, 250, 0);
        else this.blinker.stop();
        break;
      case "static-request": {
        const value = this.config.staticOob;
        if (value) this.prov.authDataProvide(e.ctx, value.length === e.length ? value : padOrCut(value, e.length));
        break;
      }
      case "output-request":
        // The light blinks the value (Output OOB Blink); other actions are not offered by this device.
        if (typeof e.value === "number") this.blinker.start(e.value, this.config.blinkMs ?? 300, this.config.blinkPauseMs ?? 1500);
        break;
      case "input-request":
        if (e.action === InputOobAction.Push) {
          this.pushCount = 0;
          this.pushCtx = e.ctx;
        }
        break;
      case "complete": {
        this.blinker.stop();
        const record: ProvisioningRecord = { data: e.data, deviceKey: e.deviceKey, numberOfElements: e.numberOfElements };
        this.recordValue = record;
        this.stateValue = "provisioned";
        try {
          this.storage?.write(STORAGE_KEY, encodeRecord(record));
        } catch (err) {
          this.log("error", `storing the provisioning record failed: ${err instanceof Error ? err.message : String(err)}`);
        }
        this.log("info", `provisioned: address 0x${e.data.unicastAddress.toString(16).padStart(4, "0")}`);
        this.emit(e);
        this.startMesh(record);
        return;
      }
      case "link-closed":
        this.blinker.stop();
        this.pushCtx = undefined;
        if (this.stateValue === "provisioning") this.stateValue = this.recordValue ? "provisioned" : "unprovisioned";
        break;
      default:
        break;
    }
    this.emit(e);
  }

  /** Run the mesh node of this product on the provisioning record (storage is needed for its state). */
  private startMesh(record: ProvisioningRecord): void {
    const storage = this.storage;
    if (!storage) {
      this.log("warn", "no storage: the mesh node does not run");
      return;
    }
    if (!this.runMesh) {
      this.log("info", "this image carries no mesh node: provisioned, and nothing more runs");
      return;
    }
    try {
      const { mesh, node } = this.runMesh({ platform: { ...this.platform, storage }, io: this.io, kind: this.config.kind, record, bearer: this.adv, recordKey: STORAGE_KEY });
      node.onEvent = (e) => {
        if (e.type === "reset") {
          // 4.4.1.2.10 Node Reset: the node has forgotten everything; beacon as unprovisioned again
          this.mesh = this.node = this.recordValue = undefined;
          node.stop();
          this.listen();
        }
        this.emit(e);
      };
      this.mesh = mesh;
      this.node = node;
      node.start();
    } catch (err) {
      this.log("error", `the mesh node cannot start: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private emit(e: DeviceEvent): void {
    try {
      this.onEvent?.(e);
    } catch (err) {
      this.log("error", `onEvent(${e.type}) threw: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private log(level: "info" | "warn" | "error", message: string): void {
    this.platform.logger?.log(level, "app", message);
  }
}

function padOrCut(value: Bytes, length: number): Bytes {
  const out = new Uint8Array(length);
  out.set(value.subarray(0, length));
  return out;
}
