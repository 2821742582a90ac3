/**
 * A simulated device running on the XS host runtime: a separate `xsrun` process (the app's bytecode, the host
 * entry native/xs/js/device-host) that joins the air hub over TCP and runs in the hub's virtual time. The simulator
 * (host/network.ts with runtime "xs") follows it through its stdout lines and acts on its board through stdin:
 *
 *   stdout  {"event": type, "time": ms, ...}   one per application event (device-start.js; never a secret)
 *           "display <text>"                  the Output OOB value the device shows (its LED blinks it too)
 *           "LED on" / "LED off"              with --led
 *           "mark N"                          with `hub`: see below
 *   stdin   "button [N/PERIOD] @MS"           the person's presses, at a time of the hub's clock
 *           "input VALUE @MS"                 the person's entries
 *
 * Given the hub (`hub`), the runtime runs with --sync: after handling the hub's wakes it prints "mark N" and sends
 * MARK(N), and the hub holds its virtual time until this reader has read that line (hub.markRead): every line the
 * device printed is read before the hub's time passes it, whatever the pipes' timing (docs/air-protocol.md 3.3).
 * buildXsDevice() builds the runtime and the app.
 */
import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Bytes, Clock } from "../modules/platform.js";
import type { OobValue } from "../modules/prov/api.js";
import { bytesToHex } from "../modules/crypto/bytes.js";
import { Person } from "./person.js";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const DEVICE_ENTRY = "native/xs/js/device-host";

/** One event line of an XS device: {"event": type, "time": ms, ...fields}. */
export interface XsEventLine {
  event: string;
  time: number;
  [field: string]: unknown;
}

export interface XsDeviceOptions {
  xsrun: string;
  /** The app's module root (build/xs/app). */
  app: string;
  /** The hub's TCP port on 127.0.0.1. */
  port: number;
  /** The hub itself (same process): its time then waits for this reader at each of the device's marks (--sync). */
  hub?: { markRead(name: string, mark: number): void };
  name: string;
  kind: "light" | "switch";
  uuid: Bytes;
  /** The storage file (the device's flash). */
  storage: string;
  staticOob?: Bytes;
  capabilities?: object;
  beaconIntervalMs?: number;
  policy?: string;
  /** Deterministic random bytes (xsrun --random-seed): the same device behaves the same on every run. */
  randomSeed?: string;
  /** Offer an OOB public key (the device makes a key pair, keeps it in storage, prints the public key). */
  oobPublicKey?: boolean;
  /** Print LED lines (xsrun --led). */
  led?: boolean;
  /** The device's log level (default "warn"). */
  log?: string;
  /** More xsrun options (e.g. ["--stats"]) and app arguments (e.g. ["--heap"]). */
  runtimeArgs?: string[];
  appArgs?: string[];
  /** Called with every stdout line that is not an event, a display or an LED line (logs). */
  onOther?: (line: string) => void;
  /** Called with each stderr line. */
  onStderr?: (line: string) => void;
}

/** Whether the XS runtime can be built here (a C compiler). */
export async function xsAvailable(): Promise<string | false> {
  const { findCompiler } = await import("../tools/xs/build-host.mjs");
  return findCompiler() ? false : "no C compiler (cc, gcc or clang): install one, e.g. apt-get install gcc";
}

/**
 * Builds (if needed) the XS runtime and the app. Returns xsrun's path and the app's module root. Under the build
 * lock the XS tests' harness takes too (build/xs/.build-lock), so simulators and tests started together do not
 * build at the same time.
 */
export async function buildXsDevice(): Promise<{ xsrun: string; app: string }> {
  const { buildApp } = await import("../tools/xs/build-app.mjs");
  const lock = join(ROOT, "build", "xs", ".build-lock");
  mkdirSync(dirname(lock), { recursive: true });
  const deadline = Date.now() + 10 * 60 * 1000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > 10 * 60 * 1000) rmSync(lock, { recursive: true, force: true }); // stale
      } catch {
        // gone meanwhile
      }
      if (Date.now() > deadline) throw new Error("timed out waiting for " + lock);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    const app = await buildApp({ quiet: true });
    if (!app.modules.includes(DEVICE_ENTRY)) throw new Error(`the app has no module ${DEVICE_ENTRY} (manifest.json)`);
    return { xsrun: app.xsrun, app: app.dir };
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export class XsDevice {
  /** Event lines, in order. */
  readonly events: XsEventLine[] = [];
  /** Display lines: what the device showed, with the time of the event line before it. */
  readonly displays: { time: number; text: string }[] = [];
  /** LED changes (with --led), with the time of the last event line (LED lines carry no time). */
  readonly leds: boolean[] = [];
  /** The "started" line's fields. */
  started: XsEventLine | undefined;
  onEvent: ((e: XsEventLine) => void) | undefined;
  onDisplay: ((text: string) => void) | undefined;
  onLed: ((on: boolean) => void) | undefined;
  /** Resolves with the exit status (or signal) when the process has ended and its output has been read. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly stderr: string[] = [];
  private readonly child: ChildProcessWithoutNullStreams;
  private stdoutRest = "";
  private stderrRest = "";
  private startedWaiter: ((e: XsEventLine | Error) => void) | undefined;

  private constructor(readonly options: XsDeviceOptions) {
    const o = options;
    const args = ["--air", `127.0.0.1:${o.port}`, "--name", o.name, "--uuid", bytesToHex(o.uuid), "--storage", o.storage];
    if (o.led) args.push("--led");
    if (o.hub) args.push("--sync");
    if (o.randomSeed) args.push("--random-seed", o.randomSeed);
    if (o.runtimeArgs) args.push(...o.runtimeArgs);
    args.push(o.app, DEVICE_ENTRY, "--", "--kind", o.kind, "--log", o.log ?? "warn");
    if (o.staticOob) args.push("--static-oob", bytesToHex(o.staticOob));
    if (o.capabilities) args.push("--capabilities", JSON.stringify(o.capabilities));
    if (o.beaconIntervalMs !== undefined) args.push("--beacon-interval", String(o.beaconIntervalMs));
    if (o.policy) args.push("--policy", o.policy);
    if (o.oobPublicKey) args.push("--oob-public-key");
    if (o.appArgs) args.push(...o.appArgs);
    if (!existsSync(o.xsrun)) throw new Error(`${o.xsrun} does not exist: build the XS runtime first (npm run build:xs)`);
    this.child = spawn(o.xsrun, args, { stdio: ["pipe", "pipe", "pipe"] });
    this.child.stdout.setEncoding("utf8");
    this.child.stderr.setEncoding("utf8");
    this.child.stdout.on("data", (chunk: string) => this.stdoutData(chunk));
    this.child.stderr.on("data", (chunk: string) => this.stderrData(chunk));
    this.child.stdin.on("error", () => {
      /* the device has gone: its exit status says why */
    });
    const stdoutDone = new Promise<void>((res) => this.child.stdout.on("end", () => res()));
    const stderrDone = new Promise<void>((res) => this.child.stderr.on("end", () => res()));
    this.exited = new Promise((resolve) => {
      this.child.on("close", (code, signal) => {
        void Promise.all([stdoutDone, stderrDone]).then(() => {
          if (this.stdoutRest) this.line(this.stdoutRest);
          this.stdoutRest = "";
          this.startedWaiter?.(new Error(`XS device ${o.name} exited (${code ?? signal}) before starting:\n${this.stderr.join("\n")}`));
          resolve({ code, signal });
        });
      });
    });
  }

  /** Starts the process; resolves once the device has joined the hub and printed its "started" line. */
  static async spawn(options: XsDeviceOptions): Promise<XsDevice> {
    const d = new XsDevice(options);
    const r = await new Promise<XsEventLine | Error>((resolve) => {
      if (d.started) resolve(d.started);
      else d.startedWaiter = resolve;
    });
    d.startedWaiter = undefined;
    if (r instanceof Error) throw r;
    return d;
  }

  get name(): string {
    return this.options.name;
  }

  /**
   * The person presses the button at hub time `at` (ms; absent: as soon as the device reads it); `count` times,
   * `periodMs` apart, for an Input OOB Push. One line whatever the count (the board keeps a run of presses as one
   * pending command), so every count the provisioner can pick (1 .. 10^8 - 1) reaches the device whole.
   */
  pressButton(at?: number, count = 1, periodMs = 150): void {
    if (!Number.isInteger(count) || count < 1 || count > 99_999_999) throw new RangeError(`press count ${count} out of 1..99999999`);
    if (!(periodMs > 0) || !Number.isFinite(periodMs)) throw new RangeError(`press period ${periodMs} must be a finite number > 0`);
    const when = at === undefined ? "" : ` @${at}`;
    this.write(count === 1 ? `button${when}\n` : `button ${count}/${periodMs}${when}\n`);
  }

  /** The person enters an Input OOB value at hub time `at` (ms; absent: as soon as the device reads it). */
  enterInput(value: number | string, at?: number): void {
    const text = String(value);
    if (!/^[A-Za-z0-9]{1,64}$/.test(text)) throw new RangeError(`input value "${text}" has characters a keypad does not`);
    this.write(`input ${text}${at === undefined ? "" : ` @${at}`}\n`);
  }

  /** Ends the process (SIGTERM) if it is still running. */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGTERM");
  }

  private write(text: string): void {
    // A small write to a pipe with nothing queued goes out at once (libuv writes synchronously when it can): the
    // text is in the pipe before the hub sends the device its next wake, which is when the device reads stdin.
    this.child.stdin.write(text);
  }

  private stdoutData(chunk: string): void {
    const text = this.stdoutRest + chunk;
    const lines = text.split("\n");
    this.stdoutRest = lines.pop() ?? "";
    for (const l of lines) this.line(l);
  }

  private stderrData(chunk: string): void {
    const text = this.stderrRest + chunk;
    const lines = text.split("\n");
    this.stderrRest = lines.pop() ?? "";
    for (const l of lines) {
      this.stderr.push(l);
      this.options.onStderr?.(l);
    }
  }

  private line(l: string): void {
    if (l.startsWith("{")) {
      let e: XsEventLine;
      try {
        e = JSON.parse(l) as XsEventLine;
      } catch {
        this.options.onOther?.(l);
        return;
      }
      if (typeof e.event !== "string" || typeof e.time !== "number") {
        this.options.onOther?.(l);
        return;
      }
      this.events.push(e);
      if (e.event === "started") {
        this.started = e;
        this.startedWaiter?.(e);
      }
      this.onEvent?.(e);
      return;
    }
    if (l.startsWith("display ")) {
      const last = this.events[this.events.length - 1];
      const text = l.slice("display ".length);
      this.displays.push({ time: last ? last.time : 0, text });
      this.onDisplay?.(text);
      return;
    }
    const mark = /^mark ([1-9][0-9]{0,9})$/.exec(l);
    if (mark && this.options.hub) {
      // Every line before this one has been handled: the hub's time may pass.
      this.options.hub.markRead(this.options.name, Number(mark[1]));
      return;
    }
    if (l === "LED on" || l === "LED off") {
      this.leds.push(l === "LED on");
      this.onLed?.(l === "LED on");
      return;
    }
    this.options.onOther?.(l);
  }
}

/**
 * The simulated person (host/person.ts) with explicit times, for XS devices: their lines are read a little after
 * the hub time they carry, so each side says when it showed or asked (`at`), and the person acts `delayMs`
 * after the later of the two, as the in-process Person does. `enterAhead` gives the value as soon as it is
 * known, with the time the person acts: an XS device is told in advance (stdin, stamped), since it cannot be
 * interrupted at an arbitrary time of the hub's clock.
 */
export class TimedPerson extends Person {
  private readonly shownAt = new Map<string, { value: OobValue; at: number }>();
  private readonly waitingAt = new Map<string, (v: OobValue, due: number) => void>();

  constructor(
    private readonly timedClock: Clock,
    private readonly timedDelayMs = 500,
  ) {
    super(timedClock, timedDelayMs);
  }

  override show(uuid: Bytes, value: OobValue, at = this.timedClock.now()): void {
    const k = bytesToHex(uuid);
    const w = this.waitingAt.get(k);
    if (w) {
      this.waitingAt.delete(k);
      w(value, at + this.timedDelayMs);
    } else this.shownAt.set(k, { value, at });
  }

  override enter(uuid: Bytes, answer: (v: OobValue) => void, at = this.timedClock.now()): void {
    this.enterAhead(uuid, (v, due) => this.timedClock.setTimeout(() => answer(v), Math.max(0, due - this.timedClock.now())), at);
  }

  enterAhead(uuid: Bytes, answer: (v: OobValue, due: number) => void, at = this.timedClock.now()): void {
    const k = bytesToHex(uuid);
    const s = this.shownAt.get(k);
    if (s !== undefined) {
      this.shownAt.delete(k);
      answer(s.value, Math.max(at, s.at) + this.timedDelayMs);
    } else this.waitingAt.set(k, answer);
  }
}
