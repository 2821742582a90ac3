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
 *   is reported and nothing is provisioned (a new network would strand the stored nodes).
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

/** The provisioner's own record (its network and address). */
export const SELF_KEY = "sa.self";
export const SELF_ADDRESS = 0x0001;

/** The device's record store page (tools/nrf52/build.mjs PAGE; native/storage/store.h keeps live records in one). */
export const STORE_PAGE_BYTES = 4096;

/**
 * The node table's capacity on the device: the nodes whose records fit one store page beside the provisioner's
 * own record (node-table.ts nodeTableCapacity), 61 (docs/standalone.md "Capacity").
 */
export function standaloneCapacity(): number {
  return nodeTableCapacity(STORE_PAGE_BYTES, [[SELF_KEY.length, RECORD_LENGTH]]);
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
}

export type StandaloneEvent =
  | { type: "started"; nodes: number; pending: number; capacity: number; skipped: SkippedRecord[] }
  | { type: "provisioning"; uuid: Bytes }
  /** A person is needed: enter what the device shows (input), or into the device what is shown (output). */
  | { type: "auth"; uuid: Bytes; method: number; action: number; size: number; enter: "button" | "input" | "device" | "none" }
  | { type: "node-added"; node: NodeEntry }
  | { type: "provisioning-failed"; uuid: Bytes; reason: string }
  | { type: "full"; capacity: number }
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
  /** The last node heard beaconing again (said once, not on each beacon). */
  private saidNode = "";

  constructor(
    private readonly platform: Platform,
    private readonly io: StandaloneIo,
    readonly config: StandaloneConfig,
  ) {
    if (config.staticOob && config.staticOob.length !== 16 && config.staticOob.length !== 32) throw new RangeError("standalone: staticOob must be 16 or 32 bytes");
    if (!platform.storage) throw new RangeError("standalone: the node table needs storage");
    const adv = new AdvBearer(platform.radio, platform.clock, platform.logger);
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
    this.emit({ type: "started", nodes: table.nodes.length, pending: table.pending.length, capacity: table.capacity, skipped: table.skipped.slice() });
    if (this.checkFull()) return;
    this.prov.scanStart();
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
        this.finish();
        return;
      default:
        return;
    }
  }

  private heard(uuid: Bytes): void {
    const table = this.table!;
    if (this.current || !this.self || this.checkFull()) return;
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
    if (this.awaiting !== "button") {
      this.log("info", "button: nothing to enter now");
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
