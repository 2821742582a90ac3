/**
 * The light-and-switch story on the simulated air, after provisioning (host/network.ts provisions them):
 * the provisioner's own mesh node (Configuration Client and Health Client, address 0x0001) configures the
 * two devices over the mesh with their device keys (AppKey Add, Model App Bind, the switch's Generic OnOff
 * Client publishes to group 0xC000, the light's Generic OnOff Server subscribes to it), then the switch's
 * button is pressed and the light's lamp follows. Used by `npm run sim -- --network light-switch`,
 * `npm start` and the tests; the devices run in this process (runtime "node") or as XS host runtime
 * processes (runtime "xs").
 */
import { SimNetwork } from "./network.js";
import type { NetworkOptions, ProvisionerOptions, SimDevice } from "./network.js";
import { MemoryStorage } from "./storage.js";
import { createNode } from "../modules/node/node.js";
import type { Node } from "../modules/node/node.js";
import { SigModel } from "../modules/access/model.js";
import type { Model } from "../modules/access/model.js";
import { ConfigClient } from "../modules/models/config-client.js";
import type { Target } from "../modules/models/config-client.js";
import { HealthClient } from "../modules/models/health-client.js";
import { COMPANY_ID, PRODUCT_ID, VERSION_ID } from "../modules/models/composition.js";
import type { RequestOptions } from "../modules/models/kit.js";
import type { Bytes } from "../modules/platform.js";
import type { ProvEvent } from "../modules/prov/api.js";
import type { AirHub } from "./air/hub.js";
import { bytesToHex } from "../modules/crypto/bytes.js";

/** The group the switch publishes to and the light subscribes to. */
export const LIGHTS_GROUP = 0xc000;
/** The provisioner's own unicast address (the devices get 0x0100 and up). */
export const PROVISIONER_ADDRESS = 0x0001;
export const APP_KEY_INDEX = 0;
/** A press is scheduled this far ahead of the hub's time (simulated ms). */
const PRESS_AHEAD_MS = 150;

/** One step of the story, for printing. */
export interface StoryEvent {
  time: number;
  who: string;
  text: string;
}

/** What a press did: the light's lamp after it, and the simulated ms from the press to the lamp's change. */
export interface PressResult {
  press: number;
  lightOn: boolean;
  /** null when the lamp did not change within the wait. */
  latencyMs: number | null;
}

/**
 * Run the virtual clock until `p` settles (or `limitMs` of simulated time passed: then reject). The hub runs in
 * short slices so that promise callbacks (which run between slices) are seen.
 */
export async function settle<T>(hub: AirHub, p: Promise<T>, limitMs: number, what: string): Promise<T> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  const end = hub.clock.now() + limitMs;
  while (!done && hub.clock.now() < end) {
    const now = hub.clock.now();
    const next = hub.virtualClock.nextEventTime();
    // up to the next timer at least, so that a quiet stretch (a request's timeout) is crossed in one slice
    await hub.runWhile(() => !done, Math.min(end - now, next === undefined ? 25 : Math.max(25, next - now + 1)));
    if (!done && hub.clock.now() === now && next === undefined) break; // nothing left to happen
  }
  if (!done) throw new Error(`${what}: not done within ${limitMs / 1000} s of simulated time`);
  return p;
}

/** Let `ms` of simulated time pass (even when nothing is due meanwhile: the hub only runs to its next event). */
export async function advance(hub: AirHub, ms: number): Promise<void> {
  const end = hub.clock.now() + ms;
  hub.clock.setTimeout(() => {}, ms);
  await hub.runWhile(() => hub.clock.now() < end, ms);
}

export interface LightSwitchOptions extends NetworkOptions {
  /** Report each step (the demo prints them). */
  onStory?: (e: StoryEvent) => void;
  /** Provisioner's options (OOB method, ...). Default: the strongest OOB each device offers. */
  provisioner?: ProvisionerOptions;
  /** Timeouts of the configuration requests. */
  request?: RequestOptions;
  /** More models on the provisioner's node (tests). */
  provisionerModels?: Model[];
}

interface Provisioned {
  address: number;
  deviceKey: Bytes;
  netKey: Bytes;
  ivIndex: number;
}

export class LightSwitchNetwork {
  readonly net: SimNetwork;
  readonly light: SimDevice;
  readonly switch: SimDevice;
  readonly configClient = new ConfigClient();
  readonly healthClient = new HealthClient();
  provisionerNode: Node | undefined;
  readonly appKey: Bytes;
  private readonly provisioned = new Map<string, Provisioned>();

  constructor(readonly options: LightSwitchOptions) {
    this.net = new SimNetwork(options.xs ? { ...options, xs: { ...options.xs, led: false, appArgs: [...(options.xs.appArgs ?? []), "--led-events"] } } : options);
    this.light = this.net.addDevice({ name: "light", kind: "light" });
    this.switch = this.net.addDevice({ name: "switch", kind: "switch" });
    this.appKey = this.net.crypto.randomBytes(16);
    const user = options.provisioner?.onEvent;
    this.net.addProvisioner({
      oob: "auto",
      ...options.provisioner,
      onEvent: (e: ProvEvent, t: number) => {
        if (e.type === "complete") {
          const name = this.net.devices.find((d) => bytesSame(d.uuid, e.ctx.uuid))?.name;
          if (name) this.provisioned.set(name, { address: e.unicastAddress, deviceKey: e.deviceKey, netKey: e.data.networkKey, ivIndex: e.data.ivIndex });
        }
        user?.(e, t);
      },
    });
  }

  private story(who: string, text: string, time = this.net.clock.now()): void {
    this.options.onStory?.({ time, who, text });
  }

  /** Start the devices (XS processes first) and provision both. Throws when one was not provisioned. */
  async provision(limitMs = 5 * 60_000): Promise<void> {
    await this.net.launch();
    // an XS light reports its LED as timed event lines (--led-events): the lamp's changes at their exact time
    const xs = this.light.xs;
    if (xs) {
      const person = xs.onEvent;
      xs.onEvent = (e) => {
        person?.(e);
        if (e.event === "led" && typeof e.on === "boolean" && e.on !== this.light.ledOn) {
          this.light.ledLog.push({ time: e.time, on: e.on });
          this.light.ledOn = e.on;
          this.light.onLed?.(e.on);
        }
      };
    }
    this.net.start();
    await this.net.run(limitMs);
    for (const r of this.net.results()) if (!r.provisioned) throw new Error(`${r.name} was not provisioned (${r.failureReason ?? r.closeReason ?? "no answer"})`);
  }

  /** The provisioner's node on the mesh: its own record (address 0x0001, a device key of its own). */
  private startProvisionerNode(): Node {
    const first = [...this.provisioned.values()][0];
    if (!first) throw new Error("nothing provisioned");
    const crypto = this.net.crypto;
    const platform = { crypto, clock: this.net.clock, radio: this.net.hub.createRadio("provisioner-node"), storage: new MemoryStorage(), ...(this.options.logger ? { logger: this.options.logger } : {}) };
    const node = createNode(platform, {
      record: {
        data: { networkKey: first.netKey, keyIndex: 0, flags: { keyRefresh: false, ivUpdate: false }, ivIndex: first.ivIndex, unicastAddress: PROVISIONER_ADDRESS },
        deviceKey: crypto.randomBytes(16),
        numberOfElements: 1,
      },
      elements: [{ location: 0, models: [this.configClient, this.healthClient, ...(this.options.provisionerModels ?? [])] }],
      composition: { cid: COMPANY_ID, pid: 0, vid: VERSION_ID },
      relaySupported: false,
    });
    node.start();
    this.provisionerNode = node;
    return node;
  }

  target(name: "light" | "switch"): Target {
    const p = this.provisioned.get(name);
    if (!p) throw new Error(`${name} is not provisioned`);
    return { address: p.address, deviceKey: p.deviceKey };
  }

  /**
   * Configure over the mesh: the provisioner's node gets the AppKey; each device gets AppKey Add and Model App
   * Bind; the switch's client publishes to 0xC000 and the light's server subscribes to it.
   */
  async configure(limitMs = 5 * 60_000): Promise<void> {
    const node = this.provisionerNode ?? this.startProvisionerNode();
    // the provisioner's own node: the same AppKey, bound to its Health Client (through its own Configuration state)
    node.state.addAppKey(0, APP_KEY_INDEX, this.appKey);
    node.state.bindAppKey({ elementAddress: PROVISIONER_ADDRESS, modelId: { modelId: SigModel.HEALTH_CLIENT } }, APP_KEY_INDEX);
    const cc = this.configClient;
    const o = this.options.request ?? { timeoutMs: 4000, retries: 4 };
    const run = <T>(p: Promise<T>, what: string): Promise<T> => settle(this.net.hub, p, limitMs, what);
    for (const name of ["light", "switch"] as const) {
      const t = this.target(name);
      const c = await run(cc.compositionData(t, o), `${name}: Composition Data Get`);
      this.story("provisioner", `${name} 0x${hex4(t.address)}: Composition Data page 0: CID 0x${hex4(c.cid)}, PID 0x${hex4(c.pid)}, VID 0x${hex4(c.vid)}, models ${c.elements[0]!.sigModels.map((m) => "0x" + hex4(m)).join(" ")}`);
      if (c.pid !== PRODUCT_ID[name]) throw new Error(`${name}: product 0x${hex4(c.pid)}`);
      await run(cc.appKeyAdd(t, 0, APP_KEY_INDEX, this.appKey, o), `${name}: AppKey Add`);
      this.story("provisioner", `${name}: AppKey Add (index ${APP_KEY_INDEX}): Success`);
      const model = { modelId: name === "light" ? SigModel.GENERIC_ONOFF_SERVER : SigModel.GENERIC_ONOFF_CLIENT };
      await run(cc.modelAppBind(t, t.address, APP_KEY_INDEX, model, o), `${name}: Model App Bind`);
      await run(cc.modelAppBind(t, t.address, APP_KEY_INDEX, { modelId: SigModel.HEALTH_SERVER }, o), `${name}: Model App Bind (Health)`);
      this.story("provisioner", `${name}: Model App Bind (Generic OnOff ${name === "light" ? "Server" : "Client"}, Health Server): Success`);
      if (name === "light") {
        await run(cc.modelSubscriptionAdd(t, t.address, LIGHTS_GROUP, model, o), "light: Model Subscription Add");
        this.story("provisioner", `light: Model Subscription Add 0x${hex4(LIGHTS_GROUP)}: Success`);
      } else {
        await run(cc.modelPublicationSet(t, t.address, model, { address: LIGHTS_GROUP, appKeyIndex: APP_KEY_INDEX }, o), "switch: Model Publication Set");
        this.story("provisioner", `switch: Model Publication Set 0x${hex4(LIGHTS_GROUP)}: Success`);
      }
    }
    // the Health Client finds the light: its Attention Timer blinks the lamp for a second (4.2.11)
    const light = { address: this.target("light").address, appKeyIndex: APP_KEY_INDEX };
    const blinks = this.light.ledLog.length;
    const left = await run(this.healthClient.attention(light, 1, o), "light: Health Attention Set");
    await advance(this.net.hub, 1500);
    this.story("provisioner", `light: Health Attention Set 1 s (${left} s left): the lamp blinked ${Math.floor((this.light.ledLog.length - blinks) / 2)} times`);
  }

  /**
   * The simulated network's keys as tshark's btmesh key tables want them (docs/models.md, "Wireshark"): one
   * `-o uat:...` argument per row: NetKey/AppKey/IV index, then each node's device key and address.
   */
  tsharkKeyArgs(): string[] {
    const first = [...this.provisioned.values()][0];
    if (!first) return [];
    const hex = (b: Bytes): string => "0x" + bytesToHex(b);
    const args = ["-o", `uat:btmesh_nw_keys:"${hex(first.netKey)}","${hex(this.appKey)}","0x${first.ivIndex.toString(16).padStart(8, "0")}"`];
    for (const p of this.provisioned.values()) args.push("-o", `uat:btmesh_dev_keys:"${hex(p.deviceKey)}","0x${hex4(p.address)}"`);
    return args;
  }

  /** The light's lamp (its LED once provisioned). */
  get lightOn(): boolean {
    return this.light.ledOn;
  }

  /**
   * Press the switch's button and wait (simulated) until the light's lamp changes or `waitMs` passed. The
   * latency is from the press to the lamp's change, in simulated ms.
   */
  async press(i: number, waitMs = 2000): Promise<PressResult> {
    const hub = this.net.hub;
    const clock = hub.clock;
    const before = this.light.ledLog.length;
    // The press happens PRESS_AHEAD_MS from now: an XS device gets the line ahead of its time (its process reads
    // it while the hub waits), as the simulated person's entries do (host/xs-device.ts).
    const at = clock.now() + PRESS_AHEAD_MS;
    if (this.switch.xs) {
      this.switch.xs.pressButton(at);
      await new Promise((r) => setTimeout(r, 30));
    } else clock.setTimeout(() => this.switch.pressButton(), PRESS_AHEAD_MS);
    // keep the hub's time moving while we wait (a quiet network has no timer of its own that soon)
    let waiting = true;
    const tick = (): void => {
      if (waiting) clock.setTimeout(tick, 10);
    };
    tick();
    // in slices, so that an XS device's output lines (the light's LED) are read as time goes
    const end = at + waitMs;
    while (clock.now() < end && (clock.now() < at || this.light.ledLog.length === before)) {
      await hub.runWhile(() => clock.now() < at || this.light.ledLog.length === before, 10);
      if (this.light.xs) await new Promise((r) => setTimeout(r, 1));
    }
    this.story("switch", `button pressed (${i}): Generic OnOff Set Unacknowledged to 0x${hex4(LIGHTS_GROUP)}`, at);
    const change = this.light.ledLog[before];
    const result: PressResult = { press: i, lightOn: this.light.ledOn, latencyMs: change ? round3(change.time - at) : null };
    this.story("light", change ? `lamp ${change.on ? "ON" : "OFF"} (${result.latencyMs} ms after the press)` : "lamp unchanged", change?.time);
    // let the rest of the press's traffic (retransmissions, relays) end before the next one
    await advance(hub, 200);
    waiting = false;
    return result;
  }

  async close(): Promise<void> {
    this.provisionerNode?.stop();
    await this.net.close();
  }
}

function bytesSame(a: Bytes, b: Bytes): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, "0");
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
