// Running meshprov verbs as processes, and reading their output as it comes.
import { spawn, execFile } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const MESHPROV = "host/cli/meshprov.mjs";

/** A running meshprov process whose stdout lines can be awaited. */
export class Proc {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = "";
  stderr = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];

  constructor(args: string[], env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, [MESHPROV, ...args], { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, ...env } });
    this.child.stdout.setEncoding("utf8");
    this.child.stderr.setEncoding("utf8");
    this.child.stdout.on("data", (d: string) => {
      this.stdout += d;
      this.check();
    });
    this.child.stderr.on("data", (d: string) => {
      this.stderr += d;
      this.check();
    });
    this.child.stdin.on("error", () => {});
    this.exited = new Promise((resolve) => this.child.on("close", (code, signal) => resolve({ code, signal })));
  }

  private check(): void {
    this.waiters = this.waiters.filter((w) => {
      const m = (this.stdout + this.stderr).match(w.re);
      if (m) w.resolve(m);
      return !m;
    });
  }

  /** Resolves with the first match of `re` in the output (stdout then stderr), or rejects after `ms`. */
  wait(re: RegExp, ms = 60_000): Promise<RegExpMatchArray> {
    const m = (this.stdout + this.stderr).match(re);
    if (m) return Promise.resolve(m);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out waiting for ${re}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`)), ms);
      this.waiters.push({
        re,
        resolve: (x) => {
          clearTimeout(t);
          resolve(x);
        },
      });
    });
  }

  write(line: string): void {
    this.child.stdin.write(line + "\n");
  }

  kill(signal: NodeJS.Signals = "SIGTERM"): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}

/** Run a verb to its end. */
export function meshprov(args: string[], input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = execFile(process.execPath, [MESHPROV, ...args], { encoding: "utf8", timeout: 120_000 }, (e, stdout, stderr) => {
      resolve({ code: e ? (typeof e.code === "number" ? e.code : null) : 0, stdout, stderr });
    });
    if (input !== undefined) c.stdin!.end(input);
  });
}

/** A hub on a free port; returns it with its port. */
export async function startHub(args: string[] = []): Promise<{ hub: Proc; port: number; air: string }> {
  const hub = new Proc(["hub", "--listen", "tcp:127.0.0.1:0", ...args]);
  const m = await hub.wait(/listening on tcp:127\.0\.0\.1:(\d+)/, 30_000);
  const port = Number(m[1]);
  return { hub, port, air: `tcp:127.0.0.1:${port}` };
}

/** A device; resolves once it beacons, with its UUID. */
export async function startDevice(air: string, args: string[]): Promise<{ dev: Proc; uuid: string }> {
  const dev = new Proc(["device", "--air", air, ...args]);
  const m = await dev.wait(/^(?:light|switch) ([0-9A-F-]{36}) /m, 120_000);
  await dev.wait(/unprovisioned: beaconing/, 120_000);
  return { dev, uuid: m[1]! };
}

export function tempDir(): { dir: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "meshprov-test-"));
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The usage-error shape: exit 2, one line and one hint, no stack. */
export function usageLines(r: { code: number | null; stderr: string }): string[] {
  return r.stderr.trim().split("\n");
}

/** A hub (with `hubArgs`), a temporary directory with db = DIR/db.json, and the processes to end afterwards. */
export async function scene(hubArgs: string[], body: (s: { dir: string; db: string; air: string; procs: Proc[] }) => Promise<void>): Promise<void> {
  const { dir, done } = tempDir();
  const { hub, air } = await startHub(hubArgs);
  const procs: Proc[] = [hub];
  try {
    await body({ dir, db: join(dir, "db.json"), air, procs });
  } finally {
    for (const p of procs.reverse()) p.kill();
    await Promise.all(procs.map((p) => p.exited));
    done();
  }
}
