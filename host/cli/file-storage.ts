/**
 * A Storage (modules/platform.ts) kept in one file: a JSON object of hex values, written atomically (host/cdb
 * store.ts) at every change, mode 0600. `meshprov device --storage FILE` keeps a device's flash in it, and the
 * provisioner keeps its own node's records (SEQ block, replay list, keys) in one beside the database.
 */
import { readFileSync } from "node:fs";
import type { Bytes, Storage } from "../../modules/platform.js";
import { bytesToHex } from "../../modules/crypto/bytes.js";
import { writeFileAtomic } from "../cdb/store.js";
import { OperationError } from "./args.js";

export class FileKeyStorage implements Storage {
  private readonly map: Record<string, string>;
  /** `what` names the file in an error ("--storage FILE", "the provisioner's node state FILE"). */
  constructor(
    private readonly path: string,
    what = path,
  ) {
    try {
      const v: unknown = JSON.parse(readFileSync(path, "utf8"));
      if (!v || typeof v !== "object" || Array.isArray(v) || !Object.values(v).every((x) => typeof x === "string" && /^([0-9a-f]{2})*$/.test(x))) {
        throw new Error("not a storage file");
      }
      this.map = v as Record<string, string>;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw new OperationError(`${what}: ${(e as Error).message} (not overwritten)`);
      this.map = {};
    }
  }
  read(key: string): Bytes | undefined {
    const v = this.map[key];
    return v === undefined ? undefined : Uint8Array.from(Buffer.from(v, "hex"));
  }
  write(key: string, value: Bytes): void {
    this.map[key] = bytesToHex(value);
    writeFileAtomic(this.path, JSON.stringify(this.map) + "\n");
  }
  remove(key: string): void {
    delete this.map[key];
    writeFileAtomic(this.path, JSON.stringify(this.map) + "\n");
  }
}
