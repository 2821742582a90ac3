/**
 * The database file on disk:
 * - written atomically: a temporary file in the same directory (mode 0600), written, fsync'd, renamed over the
 *   old one, then the directory fsync'd: a crash or a full disk leaves the old file or the new one, never half;
 * - one writer at a time: `FILE.lock` is created exclusively and holds the writer's pid; a second writer is
 *   refused with a clear message; a lock whose process has died is taken over;
 * - a writer killed in the middle of a write (kill -9) leaves its temporary `.FILE.PID.tmp` behind; the next
 *   writer, holding the lock, removes every temporary of a writer that is no longer running;
 * - read strictly: a file that is not JSON or not a valid database is an error naming the field, and nothing
 *   is written over it.
 */
import { closeSync, constants, fsyncSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeSync, existsSync, chmodSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { CdbError, checkCdb, isoTimestamp } from "./cdb.js";
import type { Cdb } from "./cdb.js";

/** Where a write may be interrupted (a test stops the process at each: host-tests/cdb). */
export type WriteStep = "temp-opened" | "temp-written" | "temp-synced" | "renamed";

/** Write `text` to `path` atomically with mode 0600. `step` is told each point reached (tests). */
export function writeFileAtomic(path: string, text: string, step?: (s: WriteStep) => void): void {
  const dir = dirname(path);
  const tmp = tempPath(path, process.pid);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o600);
  try {
    step?.("temp-opened");
    const data = Buffer.from(text, "utf8");
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
    step?.("temp-written");
    fsyncSync(fd);
    step?.("temp-synced");
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  chmodSync(tmp, 0o600); // the umask may have narrowed it, never widened; be exact
  renameSync(tmp, path);
  step?.("renamed");
  try {
    const dfd = openSync(dir, constants.O_RDONLY);
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // some file systems cannot sync a directory; the rename is still atomic
  }
}

/** The temporary file writer `pid` writes `path` through. */
function tempPath(path: string, pid: number): string {
  return join(dirname(path), `.${basename(path)}.${pid}.tmp`);
}

/**
 * Remove the temporaries of `path` left by writers that died mid-write (kill -9, power loss). Called with the
 * lock held; a temporary of a writer still running (a `meshprov export` to the same name) is left alone.
 * Returns the names removed.
 */
export function removeStaleTemporaries(path: string): string[] {
  const prefix = `.${basename(path)}.`;
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(".tmp")) continue;
    const pid = Number(name.slice(prefix.length, -4));
    if (!Number.isInteger(pid) || pid <= 0 || (pid !== process.pid && alive(pid))) continue;
    rmSync(join(dirname(path), name), { force: true });
    removed.push(name);
  }
  return removed;
}

/** Read and check the database at `path`. Throws CdbError (naming the field) or a missing-file error. */
export function readCdb(path: string): Cdb {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new CdbError("", `${path} does not exist: create a network with \`meshprov init --db ${path}\``);
    throw new CdbError("", `cannot read ${path}: ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new CdbError("", `${path} is not valid JSON (${(e as Error).message}); it was left as it is`);
  }
  try {
    return checkCdb(doc);
  } catch (e) {
    if (e instanceof CdbError) throw new CdbError(e.field, `${e.detail} (in ${path}; it was left as it is)`);
    throw e;
  }
}

/** Serialize (fresh timestamp) and write atomically. */
export function writeCdb(path: string, db: Cdb, step?: (s: WriteStep) => void): void {
  db.timestamp = isoTimestamp();
  checkCdb(JSON.parse(JSON.stringify(db))); // never write a database we would refuse to read
  writeFileAtomic(path, JSON.stringify(db, null, 2) + "\n", step);
}

export class LockedError extends Error {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The writer's lock on a database: FILE.lock, created exclusively. release() removes it. */
export class CdbLock {
  private released = false;
  private constructor(readonly path: string) {}

  static acquire(dbPath: string): CdbLock {
    const path = dbPath + ".lock";
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
        writeSync(fd, `${process.pid}\n`);
        closeSync(fd);
        const lock = new CdbLock(path);
        process.once("exit", () => lock.release());
        removeStaleTemporaries(dbPath);
        return lock;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "ENOENT") throw new CdbError("", `${dbPath} does not exist: create a network with \`meshprov init --db ${dbPath}\``);
        if (code !== "EEXIST") throw new LockedError(`cannot lock ${dbPath}: ${(e as Error).message}`);
      }
      let pid = NaN;
      try {
        pid = Number(readFileSync(path, "utf8").trim());
      } catch {
        continue; // released meanwhile: try again
      }
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
        throw new LockedError(`${dbPath} is in use by another meshprov (pid ${pid}); try again when it has finished`);
      }
      rmSync(path, { force: true }); // its process has died: the lock is stale
    }
    throw new LockedError(`cannot lock ${dbPath}: ${path} keeps coming back`);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    if (existsSync(this.path)) {
      try {
        if (Number(readFileSync(this.path, "utf8").trim()) === process.pid) rmSync(this.path, { force: true });
      } catch {
        // gone
      }
    }
  }
}

/**
 * Open the database for a change: take the lock, read and check it, run `change` (which may be async, e.g. a
 * provisioning), write it if `change` returned true, release the lock. On any error nothing is written.
 */
export async function withCdb(path: string, change: (db: Cdb) => Promise<boolean> | boolean): Promise<void> {
  const lock = CdbLock.acquire(path);
  try {
    const db = readCdb(path);
    if (await change(db)) writeCdb(path, db);
  } finally {
    lock.release();
  }
}
