/**
 * Storage (modules/platform.ts) on the host: in memory for simulations, in files for the host runtime.
 * FileStorage writes a temporary file, syncs it and renames it over the old one, so a crash leaves the
 * old value or the new one, never a mix.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { Bytes, Storage } from "../modules/platform.js";

function checkKey(key: string): void {
  if (typeof key !== "string" || !/^[A-Za-z0-9_.-]{1,64}$/.test(key) || key.startsWith(".")) throw new RangeError(`storage: invalid key "${key}"`);
}

export class MemoryStorage implements Storage {
  private readonly map = new Map<string, Bytes>();

  read(key: string): Bytes | undefined {
    checkKey(key);
    const v = this.map.get(key);
    return v ? v.slice() : undefined;
  }

  write(key: string, value: Bytes): void {
    checkKey(key);
    if (!(value instanceof Uint8Array)) throw new TypeError("storage: value must be a Uint8Array");
    this.map.set(key, value.slice());
  }

  remove(key: string): void {
    checkKey(key);
    this.map.delete(key);
  }
}

export class FileStorage implements Storage {
  constructor(readonly directory: string) {
    mkdirSync(directory, { recursive: true });
  }

  read(key: string): Bytes | undefined {
    checkKey(key);
    try {
      return new Uint8Array(readFileSync(join(this.directory, key)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw e;
    }
  }

  write(key: string, value: Bytes): void {
    checkKey(key);
    if (!(value instanceof Uint8Array)) throw new TypeError("storage: value must be a Uint8Array");
    const path = join(this.directory, key);
    const tmp = path + ".tmp";
    const fd = openSync(tmp, "w", 0o600);
    try {
      writeSync(fd, value);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  }

  remove(key: string): void {
    checkKey(key);
    rmSync(join(this.directory, key), { force: true });
  }
}
