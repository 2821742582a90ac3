/**
 * The standalone provisioner: a device that provisions, by itself, the unprovisioned devices it hears, one at a
 * time, and keeps them in its node table (node-table.ts) in flash.
 *
 * - It scans for Unprovisioned Device beacons (Mesh Protocol 1.1, 3.10.2) and opens a PB-ADV link (5.2.1) to
 *   each device that is not a node yet.
 * - Authentication (5.4.2.4): the strongest method the device offers that this provisioner can carry out
 *   (provisioner.ts strongestOobUse, the one automatic policy, over the capabilities it can serve): Static OOB
 *   when it has the product's static value (the manifest's STATIC_OOB define); Output OOB when a person can
 *   enter what the device shows: a count (Blink, Beep, Vibrate) by pressing the button that many times (the
 *   value is taken `inputSettleMs` after the last press), a number or a string only where the board has an
 *   input (the host runtime's stdin); Input OOB when it can show the value (the serial log's "display" line);
 *   else No OOB. `oob: "none"` restricts it to No OOB.
 * - The device's addresses come from the node table's allocator once its Capabilities tell the element count
 *   (5.4.2.5); they are written as a pending record before Provisioning Data is sent, and the node with its
 *   DeviceKey after Provisioning Complete (node-table.ts).
 * - When the table is full it stops scanning and says so once; it never overwrites a node. A device that is
 *   a node already (it was reset and beacons again) is left alone, said once.
 * - Its own network (NetKey, Key Index 0, IV Index 0, its own address 0x0001 and DeviceKey) is made at the
 *   first start and kept under SELF_KEY in the device record format (modules/device/record.ts); a damaged one
 *   is reported and nothing is provisioned (a new network would strand the stored nodes). Its AppKey (Key Index
 *   0) is made at the first start too and kept under APP_KEY_KEY (16 bytes and their CRC-32); a damaged one is
 *   reported and nothing is configured (another key would be refused by the configured lights, 4.3.2.37).
 * - It is a mesh node itself (modules/node: address 0x0001, its SEQ persisted by the node's state, 3.8.3), with
 *   a Configuration Client and a Generic OnOff Client on its primary element. After each Provisioning Complete
 *   (once the link closed) it configures the new node with its DeviceKey (configure.ts: AppKey Add, Model App Bind
 *   of the Generic OnOff Servers, Model Subscription Add of the lights' group), one node at a time; the node table
 *   records the outcome (configured or refused). A node whose configuration did not finish (no answer, or a
 *   power loss) is configured again at the next start; a refused one is reported and not tried again.
 * - Its button, when no Output OOB count is being entered, publishes a Generic OnOff Set Unacknowledged
 *   (Mesh Model 1.1, 3.2.1.3) with the next TID to the group: the configured lights toggle.
 *
 * Events (onEvent) carry no key and no OOB value except what a person must see (Input OOB goes to io.show).
 */
import type { Bytes, Platform } from "../platform.js";
import { AdvBearer, pbAdvBearer } from "../bearer/adv.js";
import { PbAdv } from "../bearer/pb-adv.js";
import type { PbAdvOptions } from "../bearer/pb-adv.js";
import { Provisioning, AuthenticationMethod, OobType, OutputOobAction, InputOobAction } from "../prov/api.js";
import type { CapabilitiesFields, ProvContext, ProvEvent } from "../prov/api.js";
import { provisionerRole, strongestOobUse } from "../prov/provisioner.js";
import { oobValueKind } from "../prov/rules.js";
import { RECORD_LENGTH, decodeRecord, encodeRecord } from "../device/record.js";
import type { ProvisioningRecord } from "../device/record.js";
import { bytesToHex } from "../crypto/bytes.js";
import { NodeTable, nodeTableCapacity } from "./node-table.js";
import type { NodeEntry, SkippedRecord } from "./node-table.js";
import { createNode } from "../node/node.js";
import type { MeshNode } from "../node/api.js";
import { SigModel } from "../access/model.js";
import { ConfigClient } from "../models/config-client.js";
import { OnOffClient } from "../models/onoff.js";
import type { RequestOptions } from "../models/kit.js";
import { COMPANY_ID, VERSION_ID } from "../models/composition.js";
import { crc32 } from "../device/record.js";
import { readU32BE, writeU32BE } from "../util/bytes.js";
import { APP_KEY_INDEX, LIGHTS_GROUP, NET_KEY_INDEX, configureNode } from "./configure.js";

/** The provisioner's own record (its network and address). */
export const SELF_KEY = "sa.self";
export const SELF_ADDRESS = 0x0001;
/** The provisioner's AppKey record: the key (16 bytes) and the CRC-32 of it (4, big-endian). */
export const APP_KEY_KEY = "sa.app";
export const APP_KEY_RECORD_BYTES = 20;
/** The provisioner's own product identifier in its Composition Data (the light's and switch's: 1, 2). */
export const PROVISIONER_PID = 0x0003;

/** The device's record store page (tools/nrf52/build.mjs PAGE; native/storage/store.h keeps live records in one). */
export const STORE_PAGE_BYTES = 4096;

/**
 * The records the standalone provisioner keeps in the store besides its node records (key and value lengths):
 * its network (SELF_KEY), its AppKey (APP_KEY_KEY), and its mesh node's (modules/node/records.ts: sealed records
 * of 6 + body + 4 bytes): "mesh.keys" (1 NetKey, 1 AppKey: body 40), "mesh.models" (one element, the Configuration
 * and Generic OnOff Clients, one binding: body 11), "mesh.net" (IV index and SEQ block: body 12). "mesh.cfg" is
 * never written (the provisioner has no Configuration Server). Per node: its replay protection entry
 * "mesh.rpl.N" (body 9; N up to two digits), once it answered a Configuration message (3.9.8). Checked against
 * what a run writes (host-tests/standalone/configure.test.ts) and against the C store (node-table.test.ts).
 */
export function standaloneRecords(): { fixed: Array<[number, number]>; perNode: Array<[number, number]> } {
  return {
    fixed: [[SELF_KEY.length, RECORD_LENGTH], [APP_KEY_KEY.length, APP_KEY_RECORD_BYTES], ["mesh.keys".length, 50], ["mesh.models".length, 21], ["mesh.net".length, 22]],
    perNode: [["mesh.rpl.NN".length, 19]],
  };
}

/**
 * The node table's capacity on the device: the nodes whose records (and replay protection entries) fit one store
 * page beside the provisioner's own records (standaloneRecords, node-table.ts nodeTableCapacity): 31
 * (docs/standalone.md "Capacity").
 */
export function standaloneCapacity(): number {
  const r = standaloneRecords();
  return nodeTableCapacity(STORE_PAGE_BYTES, r.fixed, r.perNode);
}

export interface StandaloneIo {
  /** The button: Output OOB counts are entered by pressing it. */
  onButton?(handler: () => void): void;
  /** Values typed by a person (a keypad; stdin on the host runtime): Output OOB numbers and strings. */
  onInput?(handler: (text: string) => void): void;
  /** Shows a value to the person (Input OOB: what to enter into the device). */
  show?(text: string): void;
}

export interface StandaloneConfig {
  /** Node table capacity (node-table.ts nodeTableCapacity: from the flash area, and RAM). */
  capacity: number;
  /** The product's Static OOB value (16 or 32 bytes), used with devices that offer Static OOB. */
  staticOob?: Bytes;
  /** "auto" (default): the strongest method possible; "none": No OOB only. */
  oob?: "auto" | "none";
  /** Attention Duration of the Invite, s (default 5: the device shows which one it is). */
  attentionDuration?: number;
  /** Output OOB count: taken this long after the last button press, ms (default 1500). */
  inputSettleMs?: number;
  pbAdv?: PbAdvOptions;
  /** The group the lights subscribe to and the button publishes to (default LIGHTS_GROUP, 0xC000). */
  group?: number;
  /** The Configuration Client's timeout and retries per request (default 4 s, 4 retries). */
  request?: RequestOptions;
  /** The configuration of a new node starts this long after its provisioning link closed, ms (default 500). */
  configureDelayMs?: number;
}

export type StandaloneEvent =
  | { type: "started"; nodes: number; pending: number; capacity: number; skipped: SkippedRecord[]; configured: number; refused: number }
  | { type: "provisioning"; uuid: Bytes }
  /** A person is needed: enter what the device shows (input), or into the device what is shown (output). */
  | { type: "auth"; uuid: Bytes; method: number; action: number; size: number; enter: "button" | "input" | "device" | "none" }
  | { type: "node-added"; node: NodeEntry }
  | { type: "provisioning-failed"; uuid: Bytes; reason: string }
  | { type: "full"; capacity: number }
  /** The configuration of the node at `address` begins (`resumed`: it had begun before a restart, or got no answer). */
  | { type: "configuring"; address: number; resumed: boolean }
  /** Configured: `servers` elements' Generic OnOff Servers bound to the AppKey and subscribed to the group. */
  | { type: "configured"; address: number; servers: number }
  /** A step was refused (a status other than Success: not tried again) or not answered (tried at the next start). */
  | { type: "configuration-failed"; address: number; step: string; reason: string; refused: boolean }
  /** The button published a Generic OnOff Set Unacknowledged to the group. */
  | { type: "toggle"; on: boolean; tid: number; group: number }
  | { type: "storage-error"; reason: string };

/** The OOB actions whose values this provisioner can take from a person, given its board. */
function servable(caps: CapabilitiesFields, io: StandaloneIo, config: StandaloneConfig): CapabilitiesFields {
  if (config.oob === "none") return { ...caps, oobType: caps.oobType & ~OobType.StaticOobInformationAvailable, outputOobSize: 0, outputOobAction: 0, inputOobSize: 0, inputOobAction: 0 };
  let out = 0;
  for (let a = OutputOobAction.Blink; a <= OutputOobAction.OutputAlphanumeric; a++) {
    const kind = oobValueKind(AuthenticationMethod.OutputOob, a);
    if (caps.outputOobAction & (1 << a) && (kind === "count" ? !!io.onButton : !!io.onInput)) out |= 1 << a;
  }
  const inp = io.show ? caps.inputOobAction & ((1 << (InputOobAction.InputAlphanumeric + 1)) - 1) : 0;
  return {
    ...caps,
    oobType: config.staticOob ? caps.oobType : caps.oobType & ~OobType.StaticOobInformationAvailable,
    outputOobAction: out,
    outputOobSize: out ? caps.outputOobSize : 0,
    inputOobAction: inp,
    inputOobSize: inp ? caps.inputOobSize : 0,
  };
}

export class StandaloneProvisioner {
  onEvent: ((e: StandaloneEvent) => void) | undefined;
  readonly prov: Provisioning;
  table: NodeTable | undefined;
  private self: ProvisioningRecord | undefined;
  private current: { uuid: Bytes; ctx?: ProvContext; completed?: boolean } | undefined;
  private presses = 0;
  private pressTimer: unknown;
  private awaiting: "button" | "input" | undefined;
  private saidFull = false;
  private readonly adv: AdvBearer;
  /** The provisioner's own mesh node (from start(), once its network and AppKey are known). */
  node: MeshNode | undefined;
  readonly configClient: ConfigClient;
  readonly onoffClient: OnOffClient;
  private appKey: Bytes | undefined;
  /** Nodes waiting for their configuration (primary addresses), and whether one is being configured now. */
  private readonly toConfigure: number[] = [];
  private configuring = false;
  private stopped = false;
  /** The last node heard beaconing again (said once, not on each beacon). */
  private saidNode = "";

  constructor(
    private readonly platform: Platform,
    private readonly io: StandaloneIo,
    readonly config: StandaloneConfig,
  ) {
    if (config.staticOob && config.staticOob.length !== 16 && config.staticOob.length !== 32) throw new RangeError("standalone: staticOob must be 16 or 32 bytes");
    if (!platform.storage) throw new RangeError("standalone: the node table needs storage");
    // a group address (3.4.2.4): 0xC000..0xFEFF (0xFF00.. are the fixed groups)
    if (config.group !== undefined && !(Number.isInteger(config.group) && config.group >= 0xc000 && config.group <= 0xfeff)) throw new RangeError("standalone: group must be 0xC000..0xFEFF");
    const adv = new AdvBearer(platform.radio, platform.clock, platform.logger);
    this.adv = adv;
    this.configClient = new ConfigClient(config.request ?? { timeoutMs: 4000, retries: 4 });
    this.onoffClient = new OnOffClient(platform.crypto.randomBytes(1)[0]!);
    const pbAdv = new PbAdv(adv, platform.clock, platform.crypto, { ...(platform.logger ? { logger: platform.logger } : {}), ...config.pbAdv });
    this.table = this.openTable();
    this.prov = new Provisioning({
      crypto: platform.crypto,
      clock: platform.clock,
      bearers: [pbAdvBearer(pbAdv, adv, platform.clock)],
      roles: { provisioner: provisionerRole },
      ...(this.table ? { addresses: this.table.allocator } : {}),
      ...(platform.logger ? { logger: platform.logger } : {}),
      onEvent: (e) => this.handle(e),
    });
    io.onButton?.(() => this.pressed());
    io.onInput?.((text) => this.entered(text));
  }

  /** The provisioner's own record (undefined until start() made or read it). */
  get network(): ProvisioningRecord | undefined {
    return this.self;
  }

  private openTable(): NodeTable | undefined {
    try {
      return new NodeTable({ storage: this.platform.storage!, capacity: this.config.capacity, reserved: [{ address: SELF_ADDRESS, count: 1 }], ...(this.platform.logger ? { logger: this.platform.logger } : {}) });
    } catch (e) {
      this.storageError("the node table cannot be opened: " + (e instanceof Error ? e.message : String(e)));
      return undefined;
    }
  }

  /** Read (or make, on the first start) the network, report the table, and scan unless full. */
  start(): void {
    const table = this.table;
    if (!table) return;
    const storage = this.platform.storage!;
    const stored = storage.read(SELF_KEY);
    if (stored) {
      const r = decodeRecord(stored);
      if (!r.ok) {
        this.storageError(`the provisioner's own record is damaged (${r.reason}): not provisioning, a new network would strand the stored nodes`);
        return;
      }
      this.self = r.record;
    } else {
      if (table.used > 0) {
        this.storageError("the provisioner's own record is missing while nodes are stored: not provisioning");
        return;
      }
      const crypto = this.platform.crypto;
      const self: ProvisioningRecord = {
        data: { networkKey: crypto.randomBytes(16), keyIndex: 0, flags: { keyRefresh: false, ivUpdate: false }, ivIndex: 0, unicastAddress: SELF_ADDRESS },
        deviceKey: crypto.randomBytes(16),
        numberOfElements: 1,
      };
      try {
        storage.write(SELF_KEY, encodeRecord(self));
      } catch (e) {
        this.storageError("storing the network failed: " + (e instanceof Error ? e.message : String(e)));
        return;
      }
      this.self = self;
    }
    const nodes = table.nodes;
    let configured = 0;
    let refused = 0;
    for (const n of nodes) {
      if (n.configuration === "configured") configured++;
      else if (n.configuration === "refused") refused++;
    }
    this.emit({ type: "started", nodes: nodes.length, pending: table.pending.length, capacity: table.capacity, skipped: table.skipped.slice(), configured, refused });
    this.startNode();
    // interrupted configurations (a restart, or no answer last time) are resumed: every step is idempotent
    for (const n of table.unconfigured) this.toConfigure.push(n.address);
    this.configureNext();
    if (this.checkFull()) return;
    this.prov.scanStart();
  }

  /** Stop scanning, the mesh node and the configuration (the state stays in storage; a new instance resumes). */
  stop(): void {
    this.stopped = true;
    if (this.prov.scanning) this.prov.scanStop();
    this.node?.stop();
    this.cancelPresses();
  }

  /**
   * The AppKey: read, or made and stored at the first start. Undefined (reported) when its record is damaged, or
   * missing while configured nodes exist: another key would be refused by them (Key Index Already Stored).
   */
  private loadAppKey(): Bytes | undefined {
    const storage = this.platform.storage!;
    let stored: Bytes | undefined;
    try {
      stored = storage.read(APP_KEY_KEY);
    } catch (e) {
      this.storageError("the AppKey cannot be read: " + (e instanceof Error ? e.message : String(e)));
      return undefined;
    }
    if (stored) {
      if (stored.length !== APP_KEY_RECORD_BYTES || readU32BE(stored, 16) !== crc32(stored.subarray(0, 16))) {
        this.storageError("the AppKey record is damaged: not configuring, another key would be refused by the configured nodes");
        return undefined;
      }
      return stored.slice(0, 16);
    }
    for (const n of this.table!.nodes) {
      if (n.configuration === "configured") {
        this.storageError("the AppKey record is missing while configured nodes are stored: not configuring");
        return undefined;
      }
    }
    const key = this.platform.crypto.randomBytes(16);
    const record = new Uint8Array(APP_KEY_RECORD_BYTES);
    record.set(key, 0);
    writeU32BE(record, 16, crc32(key));
    try {
      storage.write(APP_KEY_KEY, record);
    } catch (e) {
      this.storageError("storing the AppKey failed: " + (e instanceof Error ? e.message : String(e)));
      return undefined;
    }
    return key;
  }

  /** The provisioner's own node (3.4, 4.2): its network, address 0x0001, the AppKey bound to its OnOff Client. */
  private startNode(): void {
    const appKey = this.loadAppKey();
    if (!appKey) return;
    try {
      const node = createNode(this.platform as Platform & { storage: NonNullable<Platform["storage"]> }, {
        record: this.self!,
        elements: [{ location: 0, models: [this.configClient, this.onoffClient] }],
        composition: { cid: COMPANY_ID, pid: PROVISIONER_PID, vid: VERSION_ID },
        bearer: this.adv,
        recordKey: SELF_KEY,
        relaySupported: false,
        // one replay protection entry per node that answers it (3.9.8: a full list refuses new sources)
        rplSize: this.table!.capacity,
      });
      node.onEvent = (e) => {
        if (e.type === "storage-error") this.storageError("the mesh node: " + e.reason);
        else if (e.type === "rpl-full") this.log("warn", `replay protection list full: 0x${e.src.toString(16)} refused`);
      };
      // its own Configuration state, as a Configuration Server would set it (both idempotent: written once)
      const st = node.state.addAppKey(NET_KEY_INDEX, APP_KEY_INDEX, appKey);
      const bound = st === 0 ? node.state.bindAppKey({ elementAddress: SELF_ADDRESS, modelId: { modelId: SigModel.GENERIC_ONOFF_CLIENT } }, APP_KEY_INDEX) : st;
      if (bound !== 0) throw new Error(`its own AppKey could not be stored (status 0x${bound.toString(16)})`);
      node.start();
      this.node = node;
      this.appKey = appKey;
    } catch (e) {
      this.storageError("the mesh node cannot start: " + (e instanceof Error ? e.message : String(e)));
    }
  }

  /** Configure the next node of the queue (one at a time); see configure.ts. */
  private configureNext(): void {
    if (this.configuring || this.stopped || !this.node || !this.appKey) return;
    const address = this.toConfigure.shift();
    if (address === undefined) return;
    const node = this.table!.nodeAt(address);
    if (!node || node.configuration !== undefined) {
      this.configureNext();
      return;
    }
    this.configuring = true;
    this.emit({ type: "configuring", address, resumed: !this.fresh.includes(address) });
    const group = this.config.group ?? LIGHTS_GROUP;
    void configureNode(this.configClient, { address, deviceKey: node.deviceKey! }, this.appKey, group).then((r) => {
      if (this.stopped) return; // a stopped provisioner (power lost) records nothing: the next start resumes
      this.configuring = false;
      this.fresh = this.fresh.filter((a) => a !== address);
      if (r.ok || r.refused) {
        try {
          this.table!.setConfiguration(address, r.ok ? "configured" : "refused");
        } catch (e) {
          this.storageError("storing the configuration failed: " + (e instanceof Error ? e.message : String(e)));
        }
      }
      if (r.ok) this.emit({ type: "configured", address, servers: r.servers });
      else {
        this.log("warn", `node 0x${address.toString(16)}: ${r.step}: ${r.reason}${r.refused ? " (refused: not tried again)" : " (tried again at the next start)"}`);
        this.emit({ type: "configuration-failed", address, step: r.step, reason: r.reason, refused: r.refused });
      }
      this.configureNext();
    });
  }

  /** Nodes provisioned by this run, not configured yet (their configuration is not a resumed one). */
  private fresh: number[] = [];

  /** The button, when no Output OOB count is entered: Generic OnOff Set Unacknowledged to the group, next TID. */
  private toggle(): void {
    if (!this.node || !this.appKey) {
      this.log("info", "button: the mesh node is not running");
      return;
    }
    const group = this.config.group ?? LIGHTS_GROUP;
    const tid = this.onoffClient.nextTid;
    const on = !this.onoffClient.known;
    void this.onoffClient.set(on, { to: { dst: group, appKeyIndex: APP_KEY_INDEX } }).then((sent) => {
      if (sent) this.emit({ type: "toggle", on, tid, group });
      else this.log("warn", "button: the Generic OnOff Set was not sent");
    });
  }

  /** True (and scanning stopped, said once) when the table has no free slot. */
  private checkFull(): boolean {
    if (!this.table!.full) return false;
    if (this.prov.scanning) this.prov.scanStop();
    if (!this.saidFull) {
      this.saidFull = true;
      this.log("warn", `the node table is full (${this.table!.capacity} nodes): provisioning stopped`);
      this.emit({ type: "full", capacity: this.table!.capacity });
    }
    return true;
  }

  private handle(e: ProvEvent): void {
    switch (e.type) {
      case "unprovisioned-received":
        this.heard(e.uuid);
        return;
      case "capabilities-received": {
        const choice = strongestOobUse(servable(e.capabilities, this.io, this.config));
        try {
          if (!choice) throw new Error("the device offers no known algorithm");
          this.prov.oobUse(e.ctx, choice);
        } catch (err) {
          this.log("warn", `no usable authentication: ${err instanceof Error ? err.message : String(err)}`);
        }
        return;
      }
      case "static-request": {
        const value = new Uint8Array(e.length);
        value.set(this.config.staticOob!.subarray(0, e.length));
        this.prov.authDataProvide(e.ctx, value);
        return;
      }
      case "input-request": {
        // Output OOB: the device shows a value, the person enters it here (5.4.2.4)
        const count = oobValueKind(e.method, e.action) === "count";
        this.awaiting = count ? "button" : "input";
        this.presses = 0;
        this.emit({ type: "auth", uuid: this.current!.uuid, method: e.method, action: e.action, size: e.size, enter: this.awaiting });
        this.log("info", count ? "Output OOB: press the button as many times as the device blinks/beeps" : "Output OOB: enter the value the device shows");
        return;
      }
      case "output-request":
        // Input OOB: the person enters this value into the device
        this.emit({ type: "auth", uuid: this.current!.uuid, method: e.method, action: e.action, size: e.size, enter: "device" });
        this.io.show?.(String(e.value));
        return;
      case "complete": {
        const cur = this.current;
        if (!cur) return;
        cur.completed = true;
        try {
          const node = this.table!.complete(cur.uuid, e.unicastAddress, e.deviceKey);
          this.emit({ type: "node-added", node });
          this.fresh.push(node.address);
        } catch (err) {
          // the pending record stays: its range is never handed out again
          this.storageError("storing the node failed: " + (err instanceof Error ? err.message : String(err)));
        }
        return;
      }
      case "failed":
        if (this.current) this.emit({ type: "provisioning-failed", uuid: this.current.uuid, reason: e.reason });
        return;
      case "link-closed":
        if (this.current && !this.current.completed && e.reason !== "success") {
          this.emit({ type: "provisioning-failed", uuid: this.current.uuid, reason: "link closed: " + e.reason });
        }
        if (this.current?.completed) {
          // the new node starts its mesh node after Complete (5.4.4): configured a moment later
          const address = this.table!.nodeOf(this.current.uuid)?.address;
          if (address !== undefined) {
            this.platform.clock.setTimeout(() => {
              this.toConfigure.push(address);
              this.configureNext();
            }, this.config.configureDelayMs ?? 500);
          }
        }
        this.finish();
        return;
      default:
        return;
    }
  }

  private heard(uuid: Bytes): void {
    const table = this.table!;
    if (this.current || !this.self || this.stopped || this.checkFull()) return;
    if (table.nodeOf(uuid)) {
      const hex = bytesToHex(uuid);
      if (this.saidNode !== hex) {
        this.saidNode = hex;
        this.log("info", `device ${hex} is a node already: not provisioned again (the node table is never overwritten)`);
      }
      return;
    }
    this.current = { uuid: uuid.slice() };
    table.allocator.device = this.current.uuid;
    const d = this.self.data;
    try {
      this.current.ctx = this.prov.provision(uuid, { networkKey: d.networkKey, keyIndex: d.keyIndex, flags: d.flags, ivIndex: d.ivIndex }, { attentionDuration: this.config.attentionDuration ?? 5 });
      this.emit({ type: "provisioning", uuid: this.current.uuid });
    } catch (err) {
      this.log("warn", `provisioning ${bytesToHex(uuid)} not started: ${err instanceof Error ? err.message : String(err)}`);
      this.finish();
    }
  }

  private finish(): void {
    this.current = undefined;
    this.table!.allocator.device = undefined;
    this.awaiting = undefined;
    this.cancelPresses();
    this.checkFull();
  }

  private cancelPresses(): void {
    if (this.pressTimer !== undefined) this.platform.clock.clearTimeout(this.pressTimer as never);
    this.pressTimer = undefined;
  }

  private pressed(): void {
    if (this.stopped) return;
    if (this.awaiting !== "button") {
      this.toggle();
      return;
    }
    this.presses++;
    this.cancelPresses();
    this.pressTimer = this.platform.clock.setTimeout(() => {
      this.pressTimer = undefined;
      this.provide(this.presses);
    }, this.config.inputSettleMs ?? 1500);
  }

  private entered(text: string): void {
    if (this.awaiting !== "input") {
      this.log("warn", "input ignored: no value is awaited");
      return;
    }
    // numbers for Output Numeric, strings for Output Alphanumeric (the stack checks them, 5.4.2.4)
    let digits = text.length > 0;
    for (let i = 0; i < text.length; i++) if (text[i]! < "0" || text[i]! > "9") digits = false;
    this.provide(digits ? Number(text) : text);
  }

  private provide(value: number | string): void {
    const ctx = this.current?.ctx;
    this.awaiting = undefined;
    if (!ctx || !this.prov.activeContexts().includes(ctx)) return;
    try {
      this.prov.authDataProvide(ctx, value);
    } catch (err) {
      this.log("warn", `value rejected: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private storageError(reason: string): void {
    this.log("error", reason);
    this.emit({ type: "storage-error", reason });
  }

  private emit(e: StandaloneEvent): void {
    try {
      this.onEvent?.(e);
    } catch (err) {
      this.log("error", `onEvent(${e.type}) threw: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private log(level: "info" | "warn" | "error", message: string): void {
    this.platform.logger?.log(level, "standalone", message);
  }
}
