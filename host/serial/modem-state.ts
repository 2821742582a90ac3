/**
 * Where the host keeps a modem's mesh state (docs/serial-protocol.md §3.5): the modem node's identity (its
 * address, NetKey, IV index at setup, its own device key) and the records of its STORE events (the SEQ block,
 * the keys, the replay list), so that a modem that reset gets them back before it sends anything and its SEQ
 * never goes backwards (Mesh Protocol 1.1, 3.4.4.3).
 *
 * FileModemState keeps them in a JSON file beside the database (`DB.modem.json`, the user's only, written
 * atomically like the database: a crash leaves the old file or the new one).
 */
import { existsSync, readFileSync } from "node:fs";
import type { Bytes } from "../../modules/platform.js";
import type { MeshSetup } from "../../modules/serial/protocol.js";
import { bytesToHex, hexToBytes } from "../../modules/crypto/bytes.js";
import { writeFileAtomic } from "../cdb/store.js";
import type { MeshStateKeeper } from "./driver.js";
import { ModemError } from "./driver.js";

/** In memory: tests, and a host that does not outlive its modem. */
export class MemoryModemState implements MeshStateKeeper {
  readonly map = new Map<string, Bytes>();
  constructor(private readonly identity: MeshSetup) {}
  setup(): MeshSetup {
    return this.identity;
  }
  records(): ReadonlyMap<string, Bytes> {
    return this.map;
  }
  store(key: string, value: Bytes | undefined): void {
    if (value) this.map.set(key, value.slice());
    else this.map.delete(key);
  }
}

interface StateFile {
  setup: { unicastAddress: number; netKeyIndex: number; netKey: string; ivIndex: number; ivUpdate: boolean; deviceKey: string };
  records: Record<string, string>;
}

const HEX = /^([0-9a-f]{2})*$/;

/** In a file: `meshprov … --serial` keeps the modem's state beside its database. */
export class FileModemState extends MemoryModemState {
  private constructor(
    readonly path: string,
    identity: MeshSetup,
  ) {
    super(identity);
  }

  /**
   * The state in `path`, or a new one for `wanted` (the provisioner's own node: its address and device key
   * from the database). A file for another NetKey, address or device key is refused (one line): replacing it
   * would start that node's SEQ again at 0. The IV index is the file's (the node's records are bound to it).
   */
  static open(path: string, wanted: MeshSetup): FileModemState {
    if (existsSync(path)) {
      const f = FileModemState.parse(path);
      const s = f.setup;
      if (s.unicastAddress === wanted.unicastAddress && s.netKeyIndex === wanted.netKeyIndex && s.netKey === bytesToHex(wanted.netKey) && s.deviceKey === bytesToHex(wanted.deviceKey)) {
        const st = new FileModemState(path, { ...wanted, ivIndex: s.ivIndex, ivUpdate: s.ivUpdate });
        for (const [k, v] of Object.entries(f.records)) st.map.set(k, hexToBytes(v));
        return st;
      }
      throw new ModemError(`${path} holds the modem state of another network or address; remove it to start the modem node afresh`);
    }
    const st = new FileModemState(path, wanted);
    st.save();
    return st;
  }

  private static parse(path: string): StateFile {
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(path, "utf8"));
    } catch (e) {
      throw new ModemError(`${path}: not a modem state file (${e instanceof Error ? e.message : String(e)})`);
    }
    const d = doc as Partial<StateFile>;
    const s = d?.setup;
    const bad = (field: string): never => {
      throw new ModemError(`${path}: ${field} is missing or wrong`);
    };
    if (!s || typeof s !== "object") bad("setup");
    if (!Number.isInteger(s!.unicastAddress) || s!.unicastAddress < 1 || s!.unicastAddress > 0x7fff) bad("setup.unicastAddress");
    if (!Number.isInteger(s!.netKeyIndex) || s!.netKeyIndex < 0 || s!.netKeyIndex > 0xfff) bad("setup.netKeyIndex");
    if (!Number.isInteger(s!.ivIndex) || s!.ivIndex < 0 || s!.ivIndex > 0xffffffff) bad("setup.ivIndex");
    if (typeof s!.ivUpdate !== "boolean") bad("setup.ivUpdate");
    for (const k of ["netKey", "deviceKey"] as const) if (typeof s![k] !== "string" || s![k].length !== 32 || !HEX.test(s![k])) bad(`setup.${k}`);
    if (!d.records || typeof d.records !== "object") bad("records");
    for (const [k, v] of Object.entries(d.records!)) if (typeof v !== "string" || !HEX.test(v) || k.length < 1 || k.length > 32) bad(`records.${k}`);
    return d as StateFile;
  }

  override store(key: string, value: Bytes | undefined): void {
    super.store(key, value);
    this.save();
  }

  private save(): void {
    const s = this.setup();
    const f: StateFile = {
      setup: { unicastAddress: s.unicastAddress, netKeyIndex: s.netKeyIndex, netKey: bytesToHex(s.netKey), ivIndex: s.ivIndex, ivUpdate: s.ivUpdate, deviceKey: bytesToHex(s.deviceKey) },
      records: Object.fromEntries([...this.map].map(([k, v]) => [k, bytesToHex(v)])),
    };
    writeFileAtomic(this.path, JSON.stringify(f, null, 2) + "\n");
  }
}
