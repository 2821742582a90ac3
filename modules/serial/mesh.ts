/**
 * The modem's mesh node (docs/serial-protocol.md §3.5): after the node stack, a modem also sends and receives
 * mesh messages for the host (a Configuration Client, a Generic OnOff Client on the host talk through it).
 * The node is the stack's own (modules/node), one element, with no model of its own: every access message
 * addressed to it is handed to the host as it is (MESSAGE), and the host's messages go out from its element
 * with the key the host names (SEND).
 *
 * The modem keeps nothing across a reset: its node's storage is in RAM and mirrored to the host (STORE events);
 * after a reset the host gives the records back (RESTORE) before NET_SETUP. The records are the node's own
 * (modules/node/records.ts: the sequence-number block of modules/net/state.ts, the keys, the replay list), so
 * the rules are those of a device that reboots: the SEQ resumes at the stored block limit, never below
 * (Mesh Protocol 1.1, 3.4.4.3: a SEQ is never reused with the same IV Index). One more block is skipped after
 * a restore, so a STORE the host had not received when the modem reset costs SEQ values, never a reuse.
 */
import type { Bytes, Clock, CryptoPrimitives, Logger, Radio, Storage } from "../platform.js";
import type { AdvBearer } from "../bearer/adv.js";
import { createNode } from "../node/node.js";
import type { Node } from "../node/node.js";
import type { Model, ModelContext, SendResult } from "../access/model.js";
import { decodeAccessPayload } from "../access/opcode.js";
import { bytesEqual } from "../crypto/bytes.js";
import { MAX_STORE_KEY } from "./protocol.js";
import { MAX_PAYLOAD } from "./frame.js";
import type { MeshPort } from "./modem.js";
import type { MeshMessage, MeshSend, MeshSetup } from "./protocol.js";

export interface ModemMeshPlatform {
  crypto: CryptoPrimitives;
  clock: Clock;
  radio: Radio;
  logger?: Logger;
  /** The modem's advertising bearer (shared with PB-ADV: one per radio). */
  bearer: AdvBearer;
}

/** Storage in RAM whose every change is told to the host (STORE). */
class MirroredStorage implements Storage {
  readonly map = new Map<string, Bytes>();
  constructor(private readonly changed: (key: string, value: Bytes | undefined) => void) {}
  read(key: string): Bytes | undefined {
    const v = this.map.get(key);
    return v ? v.slice() : undefined;
  }
  write(key: string, value: Bytes): void {
    // a record the host cannot be told of is refused like a failed flash write (the node handles that)
    if (key.length > MAX_STORE_KEY || 2 + key.length + value.length > MAX_PAYLOAD) throw new RangeError(`record ${key} does not fit a STORE event`);
    this.map.set(key, value.slice());
    this.changed(key, value.slice());
  }
  remove(key: string): void {
    if (this.map.delete(key)) this.changed(key, undefined);
  }
}

/** The host's end inside the node: receives every access message for the element, sends what the host asks. */
class HostModel implements Model {
  readonly id = { modelId: 0xffff, companyId: 0xffff };
  readonly keyPolicy = "device" as const;
  readonly opcodes = [];
  readonly subscribable = false;
  ctx: ModelContext | undefined;
  attach(ctx: ModelContext): void {
    this.ctx = ctx;
  }
  detach(): void {
    this.ctx = undefined;
  }
}

export class ModemMesh implements MeshPort {
  private node: Node | undefined;
  private readonly model = new HostModel();
  private storage: MirroredStorage;
  /** Records given back by the host since the last setup (RESTORE). */
  private restored = new Map<string, Bytes>();
  private current: MeshSetup | undefined;

  constructor(
    private readonly platform: ModemMeshPlatform,
    private readonly events: { store(key: string, value: Bytes | undefined): void; message(m: MeshMessage): void },
  ) {
    this.storage = new MirroredStorage((k, v) => this.events.store(k, v));
  }

  get ready(): boolean {
    return this.node !== undefined;
  }

  /** A record from the host, before NET_SETUP. */
  restore(key: string, value: Bytes): void {
    if (this.node) throw new MeshStateError("RESTORE after NET_SETUP: the records are read when the node is set up");
    if (!key.length || key.length > MAX_STORE_KEY) throw new RangeError("a record key is 1..32 characters");
    this.restored.set(key, value.slice());
  }

  /** Build the node from `s` and the restored records; returns the next SEQ it will use. */
  setup(s: MeshSetup): number {
    if (s.netKey.length !== 16 || s.deviceKey.length !== 16) throw new RangeError("keys are 16 bytes");
    if (!(s.unicastAddress >= 1 && s.unicastAddress <= 0x7fff)) throw new RangeError("the node's address must be unicast");
    if (s.netKeyIndex > 0xfff) throw new RangeError("a NetKey index is 0..4095");
    if (this.node && this.current && sameSetup(this.current, s) && !this.restored.size) return this.node.netState.seq; // already so: nothing changes
    this.stop();
    this.current = { ...s, netKey: s.netKey.slice(), deviceKey: s.deviceKey.slice() };
    const had = this.restored.size > 0;
    // the records as they were when the modem reset (not told back to the host: it has them)
    this.storage = new MirroredStorage((k, v) => this.events.store(k, v));
    for (const [k, v] of this.restored) this.storage.map.set(k, v);
    this.restored = new Map();
    const p = this.platform;
    const node = createNode(
      { crypto: p.crypto, clock: p.clock, radio: p.radio, storage: this.storage, ...(p.logger ? { logger: p.logger } : {}) },
      {
        record: {
          data: { networkKey: s.netKey, keyIndex: s.netKeyIndex, flags: { keyRefresh: false, ivUpdate: s.ivUpdate }, ivIndex: s.ivIndex, unicastAddress: s.unicastAddress },
          deviceKey: s.deviceKey,
          numberOfElements: 1,
        },
        elements: [{ location: 0, models: [this.model] }],
        composition: { cid: 0xffff, pid: 0, vid: 0 },
        relaySupported: false,
        bearer: p.bearer,
      },
    );
    // Every access message for the element goes to the host, whatever its opcode (the node has no model of its own).
    node.access.receive = (rx) => {
      const d = decodeAccessPayload(rx.payload);
      if (typeof d === "string") return;
      this.events.message({
        src: rx.src,
        dst: rx.dst,
        netKeyIndex: rx.netKeyIndex,
        appKeyIndex: rx.key.kind === "app" ? rx.key.appKeyIndex : undefined,
        ttl: rx.ttl,
        rssi: rx.rssi ?? -128,
        payload: rx.payload.slice(),
      });
    };
    if (had) {
      // One block further than the host's last record: a STORE lost in the reset costs SEQ values, never a reuse.
      const skip = node.netState.blockSize;
      for (let i = 0; i < skip; i++) node.netState.allocate();
    }
    node.start();
    this.node = node;
    return node.netState.seq;
  }

  appKeySet(netKeyIndex: number, appKeyIndex: number, key: Bytes): number {
    return this.running().state.addAppKey(netKeyIndex, appKeyIndex, key);
  }

  /** The IV index, IV Update flag and next SEQ. */
  netState(): { ivIndex: number; ivUpdate: boolean; seq: number; seqLimit: number } {
    const n = this.running().netState;
    return { ivIndex: n.ivIndex, ivUpdate: n.ivUpdate, seq: n.seq, seqLimit: n.seqLimit };
  }

  /** Send from the node's element; `done` gets the result. Throws on a malformed payload or no node. */
  send(m: MeshSend, done: (r: SendResult) => void): void {
    this.running();
    const ctx = this.model.ctx;
    if (!ctx) throw new MeshStateError("the node is not running");
    const d = decodeAccessPayload(m.payload);
    if (typeof d === "string") throw new RangeError("the access payload: " + d);
    const key = "appKeyIndex" in m.key ? { kind: "app" as const, appKeyIndex: m.key.appKeyIndex } : { kind: "device" as const, deviceKey: m.key.deviceKey };
    ctx.send(d.opcode, d.params, { dst: m.dst, key, netKeyIndex: m.netKeyIndex, ttl: m.ttl }, done);
  }

  stop(): void {
    this.node?.stop();
    this.node = undefined;
    this.current = undefined;
  }

  private running(): Node {
    if (!this.node) throw new MeshStateError("NET_SETUP first");
    return this.node;
  }
}

function sameSetup(a: MeshSetup, b: MeshSetup): boolean {
  return a.unicastAddress === b.unicastAddress && a.netKeyIndex === b.netKeyIndex && a.ivIndex === b.ivIndex && a.ivUpdate === b.ivUpdate && bytesEqual(a.netKey, b.netKey) && bytesEqual(a.deviceKey, b.deviceKey);
}

/** A mesh command in the wrong state (INVALID_STATE). */
export class MeshStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MeshStateError";
  }
}
