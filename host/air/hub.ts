/**
 * The simulated air: an AirHub carries BLE advertising packets (ADV_NONCONN_IND, one AD structure each)
 * between simulated radios, in virtual time (deterministic from a seed) or on the wall clock
 * (docs/air-protocol.md). It puts together, each in its own module:
 * - the radio model (model.ts): radios, links, advertising events, scanning, half duplex, collisions, loss;
 * - the scheduler (scheduler.ts): running the hub's time and keeping remote radios in step;
 * - the TCP server (server.ts): remote radios speaking the air protocol (wire.ts);
 * - the pcap writer (pcap.ts): every transmitted packet to a capture file.
 * All randomness comes from one seeded PRNG (host/prng.ts), drawn in event order.
 */
import type { Clock, Logger } from "../../modules/platform.js";
import { VirtualClock } from "../virtual-clock.js";
import { Prng } from "../prng.js";
import { AirModel, AirError, type AirCounters, type AirEvent, type AirMode, type LinkModel, type RadioOptions, type ScanParams, type SimRadio } from "./model.js";
import { PcapWriter } from "./pcap.js";
import { Scheduler } from "./scheduler.js";
import { AirServer } from "./server.js";
import { WallClock } from "./wall-clock.js";

export { AIR, AirError, SimRadio, advAirtimeMs, advEventMs } from "./model.js";
export type { AdvChannel, AirCounters, AirEvent, AirMode, LinkModel, LossReason, RadioOptions, ScanParams } from "./model.js";

export interface AirHubOptions {
  mode: AirMode;
  /** Seed of the one PRNG (advDelay, scan phases, addresses, loss, duplication, delay). */
  seed: number;
  /** Virtual mode: the clock to drive (default: a new VirtualClock at 0). Ignored in real mode. */
  clock?: VirtualClock;
  /** Write every transmitted packet (each channel of each event) to this pcap file. */
  pcapPath?: string;
  /** The link model of every pair without its own (default: no loss, no duplication, no delay, -50 dBm). */
  defaultLink?: Partial<LinkModel>;
  /** Default scan parameters of every radio (default 30 ms / 30 ms). */
  scan?: ScanParams;
  /** Capture effect: the stronger of two colliding packets survives when >= captureThresholdDb stronger. Default true. */
  capture?: boolean;
  /** Default 10 dB. */
  captureThresholdDb?: number;
  /** Links weaker than this are out of range (neither heard nor interfering). Default -95 dBm. */
  sensitivityDbm?: number;
  /** Where protocol errors and failing callbacks are reported (default: warnings and errors to stderr). */
  logger?: Logger;
}


const defaultLogger: Logger = {
  log(level, tag, message) {
    if (level === "warn" || level === "error") console.error(`[${tag}] ${level}: ${message}`);
  },
};

export class AirHub {
  readonly mode: AirMode;
  readonly seed: number;
  /** The Clock every in-process device uses (virtual: the VirtualClock; real: a wall clock). */
  readonly clock: Clock;
  private readonly vc: VirtualClock | null;
  private readonly wall: WallClock | null;
  private readonly model: AirModel;
  private readonly scheduler: Scheduler;
  private readonly server: AirServer;
  private pcap: PcapWriter | null = null;
  private closed = false;

  constructor(options: AirHubOptions) {
    if (options.mode !== "virtual" && options.mode !== "real") throw new AirError("mode must be 'virtual' or 'real'");
    if (typeof options.seed !== "number" || !Number.isFinite(options.seed)) throw new AirError("seed must be a finite number");
    this.mode = options.mode;
    this.seed = options.seed;
    const logger = options.logger ?? defaultLogger;
    if (this.mode === "virtual") {
      this.vc = options.clock ?? new VirtualClock();
      this.wall = null;
      this.clock = this.vc;
    } else {
      this.vc = null;
      this.wall = new WallClock();
      this.clock = this.wall;
    }
    const pcap = options.pcapPath ? new PcapWriter(options.pcapPath, this.mode === "real" ? Date.now() : 0) : null;
    this.pcap = pcap;
    this.scheduler = new Scheduler(this.mode, this.clock, this.vc, {
      applyPending: () => this.server.applyPending(),
      sendTime: (party, t) => this.server.sendTime(party, t),
      hasSockets: () => this.server.listening,
    });
    this.model = new AirModel({
      clock: this.clock,
      rng: new Prng(options.seed),
      logger,
      ...(options.scan ? { scan: options.scan } : {}),
      ...(options.defaultLink ? { defaultLink: options.defaultLink } : {}),
      ...(options.capture !== undefined ? { capture: options.capture } : {}),
      ...(options.captureThresholdDb !== undefined ? { captureThresholdDb: options.captureThresholdDb } : {}),
      ...(options.sensitivityDbm !== undefined ? { sensitivityDbm: options.sensitivityDbm } : {}),
      onChange: () => this.scheduler.notifyChange(),
      ...(pcap ? { onTransmit: (t) => this.pcap?.writeAdv(t.start, t.channel, t.address, t.adType, t.data, t.rssi) } : {}),
    });
    this.server = new AirServer(this.mode, this.clock, this.model, this.scheduler, logger);
  }

  /** The VirtualClock (virtual mode only; throws AirError in real mode). */
  get virtualClock(): VirtualClock {
    if (!this.vc) throw new AirError("virtualClock: the hub is in real mode");
    return this.vc;
  }

  // ---------------------------------------------------------------- radios and links (model.ts)

  /** A new radio on the air. Names are unique (1..64 bytes of UTF-8). */
  createRadio(name: string, opts: RadioOptions = {}): SimRadio {
    return this.model.createRadio(name, opts);
  }

  /** The radio with this name, if any. */
  radio(name: string): SimRadio | undefined {
    return this.model.radio(name);
  }

  /** Names of the radios on the air, in creation order. */
  radioNames(): string[] {
    return this.model.radioNames();
  }

  /** Set the link model from one radio to another (by name; the radios need not exist yet). Missing fields come from the default link. */
  setLink(fromName: string, toName: string, model: Partial<LinkModel>): void {
    this.model.setLink(fromName, toName, model);
  }

  /** The same model both ways. */
  setLinkBoth(a: string, b: string, model: Partial<LinkModel>): void {
    this.model.setLinkBoth(a, b, model);
  }

  /** The model used from one radio to another. */
  getLink(fromName: string, toName: string): LinkModel {
    return this.model.getLink(fromName, toName);
  }

  /** Change the default link (pairs set with setLink keep theirs). */
  setDefaultLink(model: Partial<LinkModel>): void {
    this.model.setDefaultLink(model);
  }

  /** A snapshot of the counters. */
  get counters(): AirCounters {
    return this.model.counters;
  }

  resetCounters(): void {
    this.model.resetCounters();
  }

  /** Watch every transmission, delivery and loss. Returns the function that stops watching. */
  observe(listener: (e: AirEvent) => void): () => void {
    return this.model.observe(listener);
  }

  // ---------------------------------------------------------------- running time (scheduler.ts)

  /**
   * Advance virtual time to `endMs`, running every event due until then and keeping remote radios in step
   * (conservative synchronisation: see docs/air-protocol.md). Real mode: resolves when the wall clock gets there.
   * Without remote radios, hub.virtualClock.runUntil(endMs) is equivalent (and synchronous).
   */
  runUntil(endMs: number): Promise<void> {
    return this.scheduler.runUntil(endMs);
  }

  /** runUntil(now + ms). */
  runFor(ms: number): Promise<void> {
    return this.scheduler.runFor(ms);
  }

  /**
   * Run until `notDone()` is false (checked between events), nothing is left to do, or `limitMs` of
   * time has passed. Returns true when `notDone()` became false.
   */
  runWhile(notDone: () => boolean, limitMs?: number): Promise<boolean> {
    return this.scheduler.runWhile(notDone, limitMs);
  }

  /**
   * Virtual mode: run free, as fast as the clients let it, until stop() or close(); when nothing is pending it
   * waits for something to happen (a client message, a new radio, an advertise()). Used by a standalone hub
   * whose radios are all remote. Real mode: nothing to do (time runs by itself).
   */
  start(): Promise<void> {
    return this.scheduler.start();
  }

  /** Stop a start()ed free run. */
  stop(): void {
    this.scheduler.stop();
  }

  // ---------------------------------------------------------------- remote radios (server.ts)

  /**
   * Accept remote radios: TCP on 127.0.0.1 (`port`, 0 or absent: any free port) or a Unix socket (`path`).
   * Resolves with where it listens. Each connection is one radio (docs/air-protocol.md).
   */
  listen(opts: { port?: number; path?: string } = {}): Promise<{ port?: number; path?: string }> {
    return this.server.listen(opts);
  }

  /**
   * The reader of remote radio `name`'s side channel (e.g. the simulator reading an XS device's stdout) has read its
   * line `mark N` (and so every line before it): virtual time may pass again (docs/air-protocol.md 3.3).
   */
  markRead(name: string, mark: number): void {
    this.server.markRead(name, mark);
  }

  /** Number of connected remote radios (past HELLO). */
  get remoteCount(): number {
    return this.server.remoteCount;
  }

  /** Close everything: remote radios get BYE, the server stops, the pcap file is flushed, running loops end. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.model.closed = true;
    this.scheduler.close();
    await this.server.close();
    this.pcap?.close();
    this.pcap = null;
    this.wall?.dispose();
  }
}
