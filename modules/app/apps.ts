/**
 * Our two products as mesh nodes (after provisioning):
 * - the light: Configuration Server, Health Server, Generic OnOff Server; its lamp (the LED) follows the
 *   Generic OnOff state, and blinks while the Health Attention Timer runs (4.2.11), then shows the state again;
 * - the switch: Configuration Server, Health Server, Generic OnOff Client; a button press publishes a
 *   Generic OnOff Set Unacknowledged with the next TID to the client's publish address (the provisioner sets
 *   it, e.g. group 0xC000); its LED blinks while the Attention Timer runs.
 * Both have one element. Composition Data page 0 carries our CID, the product's PID and the VID
 * (models/composition.ts).
 */
import type { Bytes, Clock, TimerHandle } from "../platform.js";
import type { Element } from "../access/model.js";
import type { CompositionInfo } from "../access/model.js";
import { ConfigServer } from "../models/config-server.js";
import { HealthServer } from "../models/health-server.js";
import { OnOffClient, OnOffServer } from "../models/onoff.js";
import { COMPANY_ID, PRODUCT_ID, VERSION_ID } from "../models/composition.js";

export type AppKind = "light" | "switch";

/** The board as the mesh application sees it. */
export interface AppIo {
  setLed(on: boolean): void;
}

export interface AppServices {
  clock: Clock;
  /** Virtual address of a Label UUID (MeshCrypto.virtualAddress). */
  virtualAddress(label: Bytes): number;
  /** Random bytes (the switch's first TID). */
  randomBytes(n: number): Bytes;
  /** Called on every change of the light's lamp (the simulation and the demo print it). */
  onLamp?(on: boolean): void;
}

/** Attention: blink the LED every 250 ms while on; afterwards `rest()` tells what the LED shows. */
class AttentionLed {
  private timer: TimerHandle | undefined;
  private phase = false;

  constructor(
    private readonly clock: Clock,
    private readonly io: AppIo,
    private readonly rest: () => boolean,
  ) {}

  get active(): boolean {
    return this.timer !== undefined;
  }

  set(on: boolean): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (!on) {
      this.io.setLed(this.rest());
      return;
    }
    const step = (): void => {
      this.phase = !this.phase;
      this.io.setLed(this.phase);
      this.timer = this.clock.setTimeout(step, 250);
    };
    step();
  }
}

/** What both products share: the Configuration and Health Servers, and the composition. */
export abstract class MeshApp {
  abstract readonly kind: AppKind;
  readonly config: ConfigServer;
  readonly health: HealthServer;
  protected readonly attention: AttentionLed;

  constructor(
    protected readonly io: AppIo,
    protected readonly services: AppServices,
  ) {
    this.config = new ConfigServer({ virtualAddress: services.virtualAddress });
    this.attention = new AttentionLed(services.clock, io, () => this.ledAtRest());
    this.health = new HealthServer({ onAttention: (on) => this.attention.set(on) });
  }

  /** The node's elements (element 0, the primary). */
  abstract elements(): Element[];

  /** CID, PID, VID for Composition Data page 0. */
  composition(): Pick<CompositionInfo, "cid" | "pid" | "vid"> {
    return { cid: COMPANY_ID, pid: this.kind === "light" ? PRODUCT_ID.light : PRODUCT_ID.switch, vid: VERSION_ID };
  }

  /** The button was pressed (a provisioned node). */
  abstract press(): void;

  protected abstract ledAtRest(): boolean;
}

export class LightApp extends MeshApp {
  readonly kind = "light" as const;
  readonly onoff: OnOffServer;

  constructor(io: AppIo, services: AppServices) {
    super(io, services);
    this.onoff = new OnOffServer((on) => {
      if (!this.attention.active) io.setLed(on);
      services.onLamp?.(on);
    });
  }

  elements(): Element[] {
    return [{ location: 0, models: [this.config, this.health, this.onoff] }];
  }

  /** A button on the light itself toggles it locally (and publishes the new state). */
  press(): void {
    this.onoff.setLocal(!this.onoff.onOff);
  }

  protected ledAtRest(): boolean {
    return this.onoff.onOff;
  }
}

export class SwitchApp extends MeshApp {
  readonly kind = "switch" as const;
  readonly onoff: OnOffClient;

  constructor(io: AppIo, services: AppServices) {
    super(io, services);
    this.onoff = new OnOffClient(services.randomBytes(1)[0]!);
  }

  elements(): Element[] {
    return [{ location: 0, models: [this.config, this.health, this.onoff] }];
  }

  /** Publish Set Unacknowledged with the next TID: the opposite of the last state the switch knows. */
  press(): void {
    void this.onoff.toggle();
  }

  protected ledAtRest(): boolean {
    return false;
  }
}

/**
 * The one kind an image is built for: the node images' bundle (tools/fw/bundle.mjs) defines MESH_APP_KIND from the
 * generated config's DEVICE_KIND (the manifest's variant, the same value the image's entry passes as the kind), so
 * the other kind's models are left out of it. Unbundled (Node, the XS host runtime) it is not defined: both kinds.
 */
declare const MESH_APP_KIND: AppKind | undefined;

export function createApp(kind: AppKind, io: AppIo, services: AppServices): MeshApp {
  if (typeof MESH_APP_KIND === "string") {
    // an image built for one kind asked for the other: fail loudly, naming what it left out
    if (kind !== MESH_APP_KIND) throw new TypeError(`createApp: this image carries the ${MESH_APP_KIND}'s models only, not the ${String(kind)}'s`);
    return MESH_APP_KIND === "light" ? new LightApp(io, services) : new SwitchApp(io, services);
  }
  return kind === "light" ? new LightApp(io, services) : new SwitchApp(io, services);
}
