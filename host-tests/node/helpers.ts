// Test helpers for the node stack: nodes from a provisioning record on a LoopbackAir or a CaptureRadio,
// a recording test model, storage that can lose power at a chosen write.
import type { Bytes, Radio, Storage } from "../../modules/platform.js";
import { AD_TYPE } from "../../modules/platform.js";
import { hexToBytes } from "../../modules/crypto/bytes.js";
import { crc32, encodeRecord } from "../../modules/device/record.js";
import type { ProvisioningRecord } from "../../modules/device/record.js";
import type { Element, Model, ModelContext, OpcodeEntry, ReceivedMessage } from "../../modules/access/model.js";
import { createNode } from "../../modules/node/node.js";
import type { Node } from "../../modules/node/node.js";
import type { NodeOptions } from "../../modules/node/api.js";
import { ByteWriter, RecordKey, RecordKind, RecordStore } from "../../modules/node/records.js";
import { MemoryStorage } from "../../host/storage.js";
import { NodeCryptoPrimitives, seededRandom } from "../../host/node-crypto.js";
import type { VirtualClock } from "../../host/virtual-clock.js";

export const NET_KEY = hexToBytes("7dd7364cd842ad18c17c2b820c84c3d6");
export const APP_KEY = hexToBytes("63964771734fbd76e3b40519d1d94a48");

export function record(address: number, opts: { netKey?: Bytes; keyIndex?: number; ivIndex?: number; ivUpdate?: boolean; devKey?: Bytes; elements?: number } = {}): ProvisioningRecord {
  const devKey = opts.devKey ?? Uint8Array.from({ length: 16 }, (_, i) => (address * 7 + i * 13) & 0xff);
  return {
    data: {
      networkKey: opts.netKey ?? NET_KEY,
      keyIndex: opts.keyIndex ?? 0,
      flags: { keyRefresh: false, ivUpdate: !!opts.ivUpdate },
      ivIndex: opts.ivIndex ?? 0,
      unicastAddress: address,
    },
    deviceKey: devKey,
    numberOfElements: opts.elements ?? 1,
  };
}

/** A model that records what it receives and answers opcodes listed in `replies`. */
export class TestModel implements Model {
  readonly received: ReceivedMessage[] = [];
  ctx: ModelContext | undefined;
  readonly opcodes: OpcodeEntry[];
  constructor(
    readonly id: { modelId: number; companyId?: number },
    opcodes: { opcode: number; minLength?: number; maxLength?: number; reply?: { opcode: number; params: Bytes } }[],
    readonly keyPolicy: "app" | "device" = "app",
  ) {
    this.opcodes = opcodes.map((o) => ({
      opcode: o.opcode,
      minLength: o.minLength ?? 0,
      ...(o.maxLength !== undefined ? { maxLength: o.maxLength } : {}),
      handler: (msg, ctx) => {
        this.received.push(msg);
        if (o.reply) ctx.reply(msg, o.reply.opcode, o.reply.params);
      },
    }));
  }
  attach(ctx: ModelContext): void {
    this.ctx = ctx;
  }
}

export interface TestNode {
  node: Node;
  storage: Storage;
  models: TestModel[];
  rec: ProvisioningRecord;
  events: string[];
}

export function makeNode(
  radio: Radio,
  clock: VirtualClock,
  rec: ProvisioningRecord,
  models: TestModel[],
  opts: Partial<NodeOptions> & { storage?: Storage; seed?: number } = {},
): TestNode {
  const storage = opts.storage ?? new MemoryStorage();
  const crypto = new NodeCryptoPrimitives({ random: seededRandom(opts.seed ?? rec.data.unicastAddress) });
  const elements: Element[] = [{ location: 0, models }];
  const events: string[] = [];
  const node = createNode({ crypto, clock, radio, storage }, { record: rec, elements, composition: { cid: 0xffff, pid: 1, vid: 1 }, ...opts });
  node.onEvent = (e) => events.push(JSON.stringify(e));
  return { node, storage, models, rec, events };
}

/** Presets the node's next SEQ (and IV state) in storage, as a node that already sent that many messages. */
export function presetSeq(storage: Storage, rec: ProvisioningRecord, seq: number, ivIndex = rec.data.ivIndex, ivUpdate = false): void {
  const store = new RecordStore(storage, crc32(encodeRecord(rec)));
  store.save(RecordKey.NET, RecordKind.NET, new ByteWriter().u32(ivIndex).u8(ivUpdate ? 1 : 0).u16(200).u16(0xffff).u24(seq).done());
}

/** Storage whose writes fail ("power lost") from the `failAt`-th write on, counting from 1; reads see what was written before. */
export class PowerLossStorage implements Storage {
  writes = 0;
  failAt = Infinity;
  constructor(readonly inner: Storage = new MemoryStorage()) {}
  read(key: string): Bytes | undefined {
    return this.inner.read(key);
  }
  write(key: string, value: Bytes): void {
    this.writes++;
    if (this.writes >= this.failAt) throw new Error("power lost");
    this.inner.write(key, value);
  }
  remove(key: string): void {
    if (this.writes >= this.failAt) throw new Error("power lost");
    this.inner.remove(key);
  }
}

/** Network PDUs a CaptureRadio advertised since `from`. */
export function meshPdus(sent: { adType: number; data: Bytes }[], from = 0): Bytes[] {
  return sent.slice(from).filter((s) => s.adType === AD_TYPE.MESH_MESSAGE).map((s) => s.data);
}
