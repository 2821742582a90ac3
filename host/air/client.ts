/**
 * AirClient: a radio on a remote AirHub, over the air protocol (docs/air-protocol.md), for a Node process.
 * Exposes `radio` (modules/platform.ts Radio) and `clock` (Clock). In virtual mode the clock is a
 * VirtualClock driven by the hub: it moves only when a TIME, RX or ADV_DONE message says so, and after each
 * the client tells the hub its earliest timer (WAIT_UNTIL). In real mode it is a wall clock aligned with the
 * hub's time at WELCOME.
 */
import { connect as netConnect, type Socket } from "node:net";
import type { AdvertiseHandle, AdvertiseOptions, Bytes, Clock, Logger, Radio, RadioPacket, TimerHandle } from "../../modules/platform.js";
import { VirtualClock } from "../virtual-clock.js";
import { AIR, AirError, type AirMode, type ScanParams } from "./model.js";
import { WallClock } from "./wall-clock.js";
import { decode, encode, FrameReader, PROTOCOL_VERSION, ProtocolError, utf8Encode, type Message } from "./wire.js";

export interface AirClientOptions {
  /** Radio name, unique on the hub (1..64 bytes of UTF-8). */
  name: string;
  /** TCP port on `host` (default 127.0.0.1). */
  port?: number;
  host?: string;
  /** Unix socket path (instead of port). */
  path?: string;
  /** Static random address, 6 bytes, most significant first (default: the hub picks one). */
  address?: Bytes;
  /** Scan parameters (default: the hub's). */
  scan?: Partial<ScanParams>;
  /** Errors in callbacks and from the hub (default: warnings and errors to stderr). */
  logger?: Logger;
}

const defaultLogger: Logger = {
  log(level, tag, message) {
    if (level === "warn" || level === "error") console.error(`[${tag}] ${level}: ${message}`);
  },
};

/** A VirtualClock that tells its owner when a timer is set (to report an earlier WAIT_UNTIL). */
class HubDrivenClock extends VirtualClock {
  onSet: (() => void) | null = null;
  override setTimeout(callback: () => void, ms: number): TimerHandle {
    const h = super.setTimeout(callback, ms);
    this.onSet?.();
    return h;
  }
}

export class AirClient {
  readonly name: string;
  readonly mode: AirMode;
  /** The radio's address, most significant byte first. */
  readonly address: Uint8Array;
  readonly radio: Radio;
  readonly clock: Clock;
  /** Resolves when the connection has ended; `error` is the hub's ERROR message, if it sent one. */
  readonly closed: Promise<{ error?: string }>;

  private readonly socket: Socket;
  private readonly reader: FrameReader;
  private readonly logger: Logger;
  private readonly vclock: HubDrivenClock | null;
  private readonly wall: WallClock | null;
  private receiver: ((packet: RadioPacket) => void) | null = null;
  private readonly onDones = new Map<number, (() => void) | undefined>();
  private nextId = 1;
  /** Wake messages (WELCOME, TIME, RX, ADV_DONE) fully handled. */
  private wakes = 0;
  /** True while a wake is handled but not yet answered with WAIT_UNTIL. */
  private answerDue = true;
  private lastReported = Infinity;
  private updateQueued = false;
  private ended = false;
  private hubError: string | undefined;

  /** Connect to a hub and join the air. Rejects with AirError when the hub refuses (ERROR) or the connection fails. */
  static connect(opts: AirClientOptions): Promise<AirClient> {
    if (typeof opts?.name !== "string" || opts.name.length === 0 || utf8Encode(opts.name).length > 64) {
      return Promise.reject(new AirError("name must be 1..64 bytes of UTF-8"));
    }
    if (opts.address !== undefined && (!(opts.address instanceof Uint8Array) || opts.address.length !== 6)) {
      return Promise.reject(new AirError("address must be 6 bytes"));
    }
    if (opts.path === undefined && opts.port === undefined) return Promise.reject(new AirError("give a port or a path"));
    const scanIntervalMs = opts.scan?.intervalMs ?? 0;
    const scanWindowMs = opts.scan?.windowMs ?? 0;
    if (!(scanIntervalMs >= 0) || !(scanWindowMs >= 0) || !Number.isFinite(scanIntervalMs) || !Number.isFinite(scanWindowMs)) {
      return Promise.reject(new AirError("scan times must be finite and >= 0"));
    }
    return new Promise<AirClient>((resolve, reject) => {
      const socket = opts.path !== undefined ? netConnect({ path: opts.path }) : netConnect({ port: opts.port!, host: opts.host ?? "127.0.0.1" });
      socket.setNoDelay(true);
      const reader = new FrameReader();
      let settled = false;
      const fail = (e: Error) => {
        if (settled) return;
        settled = true;
        socket.off("data", onData);
        socket.destroy();
        reject(e);
      };
      const onData = (chunk: Uint8Array) => {
        try {
          reader.push(chunk);
          const f = reader.next();
          if (f === null) return;
          const m = decode(f.type, f.body);
          if (m.kind === "error") return fail(new AirError(`the hub refused: ${m.message} (error ${m.code})`));
          if (m.kind !== "welcome") return fail(new AirError(`expected WELCOME, got ${m.kind}`));
          if (m.version !== PROTOCOL_VERSION) return fail(new AirError(`hub speaks protocol version ${m.version}`));
          settled = true;
          socket.off("data", onData);
          socket.off("error", fail);
          resolve(new AirClient(socket, reader, m, opts));
        } catch (e) {
          fail(e instanceof Error ? e : new Error(String(e)));
        }
      };
      socket.on("data", onData);
      socket.once("error", fail);
      socket.once("close", () => fail(new AirError("the connection closed before WELCOME")));
      socket.once("connect", () => {
        socket.write(
          encode({ kind: "hello", version: PROTOCOL_VERSION, name: opts.name, address: opts.address ?? null, scanIntervalMs, scanWindowMs }),
        );
      });
    });
  }

  private constructor(socket: Socket, reader: FrameReader, welcome: Extract<Message, { kind: "welcome" }>, opts: AirClientOptions) {
    this.socket = socket;
    this.reader = reader;
    this.name = opts.name;
    this.mode = welcome.mode;
    this.address = welcome.address;
    this.logger = opts.logger ?? defaultLogger;
    if (this.mode === "virtual") {
      this.vclock = new HubDrivenClock(welcome.now);
      this.vclock.onSet = () => this.timerSet();
      this.wall = null;
      this.clock = this.vclock;
      this.wakes = 1; // WELCOME is the first wake; answered once the caller has had a chance to set up
      this.answerDue = true;
      setImmediate(() => this.answer());
    } else {
      this.vclock = null;
      this.wall = new WallClock(welcome.now);
      this.clock = this.wall;
      this.answerDue = false;
    }
    this.closed = new Promise((resolve) => {
      socket.once("close", () => {
        this.ended = true;
        this.wall?.dispose();
        resolve(this.hubError === undefined ? {} : { error: this.hubError });
      });
    });
    socket.on("error", (e) => {
      if (!this.ended) this.logger.log("warn", "air-client", `${this.name}: ${e.message}`);
    });
    socket.on("data", (chunk: Uint8Array) => this.onData(chunk));
    const self = this;
    this.radio = {
      advertise(adType: number, data: Bytes, options: AdvertiseOptions, onDone?: () => void): AdvertiseHandle {
        return self.advertise(adType, data, options, onDone);
      },
      setReceiver(receiver: ((packet: RadioPacket) => void) | null): void {
        self.setReceiver(receiver);
      },
    };
    if (reader.pending) setImmediate(() => this.onData(new Uint8Array(0)));
  }

  /**
   * Virtual mode: the caller has just written line `mark N` on a side channel its hub's owner reads (e.g. stdout),
   * N counting up from 1; the hub holds time until that reader calls hub.markRead(name, N), so what was written
   * before it is read before the hub's time passes (docs/air-protocol.md 3.3). Real mode: nothing is sent.
   */
  mark(n: number): void {
    if (!Number.isInteger(n) || n < 1 || n > 0xffffffff) throw new AirError("mark must be an integer 1..2^32-1");
    if (this.mode === "virtual") this.send({ kind: "mark", mark: n });
  }

  /** Leave the air: BYE, then the connection closes. */
  async close(): Promise<void> {
    if (!this.ended && this.socket.writable) {
      this.socket.write(encode({ kind: "bye" }));
      this.socket.end();
    }
    this.ended = true;
    await this.closed;
  }

  private send(m: Message): void {
    if (this.ended || !this.socket.writable) throw new AirError(`${this.name}: the connection to the hub is closed`);
    this.socket.write(encode(m));
  }

  private advertise(adType: number, data: Bytes, options: AdvertiseOptions, onDone?: () => void): AdvertiseHandle {
    if (!Number.isInteger(adType) || adType < 0 || adType > 255) throw new AirError("adType must be an integer 0..255");
    if (!(data instanceof Uint8Array)) throw new AirError("data must be a Uint8Array");
    if (data.length > AIR.MAX_AD_DATA) throw new AirError(`AD data of ${data.length} bytes exceeds ${AIR.MAX_AD_DATA}`);
    const count = options?.count;
    const intervalMs = options?.intervalMs;
    if (!Number.isInteger(count) || count < 1 || count > 0xffff) throw new AirError("count must be an integer 1..65535");
    if (typeof intervalMs !== "number" || !(intervalMs >= 0) || !Number.isFinite(intervalMs)) throw new AirError("intervalMs must be a finite number >= 0");
    let id = this.nextId;
    while (this.onDones.has(id)) id = (id + 1) >>> 0 || 1;
    this.nextId = (id + 1) >>> 0 || 1;
    this.send({ kind: "advertise", id, adType, count, intervalMs, data });
    this.onDones.set(id, onDone);
    return {
      cancel: () => {
        if (!this.onDones.has(id)) return;
        this.onDones.delete(id);
        if (!this.ended) this.send({ kind: "cancel", id });
      },
    };
  }

  private setReceiver(receiver: ((packet: RadioPacket) => void) | null): void {
    if (receiver !== null && typeof receiver !== "function") throw new AirError("receiver must be a function or null");
    const was = this.receiver !== null;
    this.receiver = receiver;
    if (was !== (receiver !== null)) {
      this.send({ kind: "scan", on: receiver !== null });
      }
  }

  private timerSet(): void {
    if (this.answerDue || this.updateQueued || this.ended) return;
    this.updateQueued = true;
    queueMicrotask(() => {
      this.updateQueued = false;
      if (this.answerDue || this.ended) return;
      const next = this.vclock!.nextEventTime() ?? Infinity;
      if (next < this.lastReported) this.report(next);
    });
  }

  private answer(): void {
    if (!this.answerDue || this.ended) return;
    this.answerDue = false;
    this.report(this.vclock!.nextEventTime() ?? Infinity);
  }

  private report(next: number): void {
    this.lastReported = next;
    try {
      this.send({ kind: "waitUntil", time: next, wakes: this.wakes });
    } catch {
      /* closed */
    }
  }

  private onData(chunk: Uint8Array): void {
    if (this.ended) return;
    let woke = false;
    this.socket.cork();
    try {
      this.reader.push(chunk);
      for (;;) {
        const f = this.reader.next();
        if (f === null) break;
        if (this.handle(decode(f.type, f.body))) woke = true;
        if (this.ended) break;
      }
    } catch (e) {
      const msg = e instanceof ProtocolError ? `protocol error ${e.code}: ${e.message}` : String(e);
      this.logger.log("error", "air-client", `${this.name}: ${msg}; closing`);
      this.ended = true;
      this.socket.destroy();
    }
    if (woke && this.mode === "virtual") this.answer();
    if (!this.socket.destroyed) this.socket.uncork();
  }

  /** Handle one message; true when it was a wake (to be answered with WAIT_UNTIL). */
  private handle(m: Message): boolean {
    const virtual = this.mode === "virtual";
    switch (m.kind) {
      case "time":
        if (!virtual) return false;
        this.wake(() => this.runTo(m.time));
        return true;
      case "rx":
        if (virtual) this.wake(() => this.runTo(m.time));
        if (this.receiver) {
          const r = this.receiver;
          const p: RadioPacket = { adType: m.adType, data: m.data, rssi: m.rssi, time: m.time };
          this.safely("receiver", () => r(p));
        }
        if (virtual) this.runTo(m.time);
        return virtual;
      case "advDone": {
        if (virtual) this.wake(() => this.runTo(m.time));
        const done = this.onDones.get(m.id);
        if (this.onDones.delete(m.id) && done) this.safely("onDone", done);
        if (virtual) this.runTo(m.time);
        return virtual;
      }
      case "error":
        this.hubError = `${m.message} (error ${m.code})`;
        this.logger.log("error", "air-client", `${this.name}: the hub reports: ${this.hubError}`);
        return false;
      case "hubBye":
        this.ended = true;
        this.socket.end();
        return false;
      default:
        throw new ProtocolError(3, `unexpected ${m.kind} from the hub`);
    }
  }

  private wake(first: () => void): void {
    this.wakes = (this.wakes + 1) >>> 0;
    this.answerDue = true;
    first();
  }

  private runTo(t: number): void {
    const vc = this.vclock!;
    try {
      vc.runUntil(Math.max(t, vc.now()));
    } catch (e) {
      this.logger.log("error", "air-client", `${this.name}: a timer threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }

  private safely(what: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.logger.log("error", "air-client", `${this.name}: ${what} threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }
}
