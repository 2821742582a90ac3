/**
 * The scheduler of the simulated air: runs the hub's time and keeps remote radios in step (docs/air-protocol.md 3:
 * conservative synchronisation). Virtual mode: it advances the VirtualClock only while every remote radio is idle
 * (all wakes acknowledged, all output marks read), to the earlier of the hub's next event and the clients' next
 * timers. Real mode: time runs by itself; run* wait on the wall clock.
 */
import type { Clock } from "../../modules/platform.js";
import type { VirtualClock } from "../virtual-clock.js";
import { AirError } from "./model.js";

/** A remote radio's synchronisation state (server.ts keeps one per connection). */
export interface SyncParty {
  readonly name: string;
  /** Wake messages (WELCOME, TIME, RX, ADV_DONE) sent / acknowledged by WAIT_UNTIL. */
  wakesSent: number;
  wakesDone: number;
  /** Its next timer (WAIT_UNTIL). */
  waitUntil: number;
  /** Output marks: the last announced (MARK), the last its reader confirmed (markRead). */
  markSent: number;
  markRead: number;
}

export interface SchedulerHooks {
  /** Apply the commands the clients sent, in the deterministic order (server.ts). */
  applyPending(): void;
  /** Send TIME(t) to a party (a wake). */
  sendTime(party: SyncParty, t: number): void;
  /** True while sockets must be given a turn now and then (the server listens). */
  hasSockets(): boolean;
}

export class Scheduler {
  /** Remote radios past HELLO, sorted by name (the deterministic order of synchronisation). */
  private participants: SyncParty[] = [];
  private hasPending = false;
  private idleWaiter: (() => void) | null = null;
  private changeWaiter: (() => void) | null = null;
  private running = false;
  private stopRequested = false;
  private closed = false;

  constructor(
    private readonly mode: "virtual" | "real",
    private readonly clock: Clock,
    private readonly vc: VirtualClock | null,
    private readonly hooks: SchedulerHooks,
  ) {}

  /** The parties, in synchronisation order (by name). */
  get parties(): readonly SyncParty[] {
    return this.participants;
  }

  join(party: SyncParty): void {
    let i = 0;
    while (i < this.participants.length && this.participants[i]!.name < party.name) i++;
    this.participants = [...this.participants.slice(0, i), party, ...this.participants.slice(i)];
  }

  leave(party: SyncParty): void {
    this.participants = this.participants.filter((c) => c !== party);
    this.checkIdle();
    this.notifyChange();
  }

  /** A client command is waiting to be applied at the next synchronisation point. */
  commandPending(): void {
    this.hasPending = true;
  }

  /** Ends every run loop (the hub is closing). */
  close(): void {
    this.closed = true;
    this.wakeWaiters();
  }


  /**
   * Advance virtual time to `endMs`, running every event due until then and keeping remote radios in step
   * (conservative synchronisation: see docs/air-protocol.md). Real mode: resolves when the wall clock gets there.
   * Without remote radios, hub.virtualClock.runUntil(endMs) is equivalent (and synchronous).
   */
  async runUntil(endMs: number): Promise<void> {
    if (this.mode === "real") {
      await this.sleepUntil(endMs, null);
      return;
    }
    await this.exclusive(() => this.drive(endMs, null, false));
    if (!this.closed && endMs > this.vc!.now()) this.vc!.runUntil(endMs);
  }

  /** runUntil(now + ms). */
  async runFor(ms: number): Promise<void> {
    await this.runUntil(this.clock.now() + ms);
  }

  /**
   * Run until `notDone()` is false (checked between events), nothing is left to do, or `limitMs` of
   * time has passed. Returns true when `notDone()` became false.
   */
  async runWhile(notDone: () => boolean, limitMs = 24 * 3600 * 1000): Promise<boolean> {
    const end = this.clock.now() + limitMs;
    if (this.mode === "real") return this.sleepUntil(end, notDone);
    await this.exclusive(() => this.drive(end, notDone, false));
    return !notDone();
  }

  /**
   * Virtual mode: run free, as fast as the clients let it, until stop() or close(); when nothing is pending it
   * waits for something to happen (a client message, a new radio, an advertise()). Used by a standalone hub
   * whose radios are all remote. Real mode: nothing to do (time runs by itself).
   */
  start(): Promise<void> {
    if (this.mode === "real") return Promise.resolve();
    this.stopRequested = false;
    return this.exclusive(() => this.drive(Infinity, null, true));
  }

  /** Stop a start()ed free run. */
  stop(): void {
    this.stopRequested = true;
    this.wakeWaiters();
  }

  private async exclusive(fn: () => Promise<void>): Promise<void> {
    if (this.running) throw new AirError("the hub is already running (one runUntil/runWhile/start at a time)");
    if (this.closed) throw new AirError("the hub is closed");
    this.running = true;
    try {
      await fn();
    } finally {
      this.running = false;
    }
  }

  private busy(): boolean {
    for (const c of this.participants) if (c.wakesDone < c.wakesSent || c.markRead < c.markSent) return true;
    return false;
  }

  private async drive(endMs: number, notDone: (() => boolean) | null, freeRun: boolean): Promise<void> {
    const vc = this.vc!;
    let steps = 0;
    for (;;) {
      if (this.participants.length) {
        while (this.busy() && !this.closed && !this.stopRequested) await new Promise<void>((res) => (this.idleWaiter = res));
        if (this.hasPending) {
          this.hasPending = false;
          this.hooks.applyPending();
        }
      }
      if (this.closed || (freeRun && this.stopRequested)) return;
      if (notDone && !notDone()) return;
      const hubNext = vc.nextEventTime() ?? Infinity;
      let clientNext = Infinity;
      for (const c of this.participants) if (c.waitUntil < clientNext) clientNext = c.waitUntil;
      const next = Math.min(hubNext, clientNext);
      if (next > endMs || next === Infinity) {
        if (!freeRun) return;
        await new Promise<void>((res) => (this.changeWaiter = res));
        continue;
      }
      if (hubNext <= clientNext) vc.step();
      else this.wakeClients(clientNext);
      if (++steps % 2048 === 0 && this.hooks.hasSockets()) await new Promise<void>((res) => setImmediate(res));
    }
  }

  private wakeClients(t: number): void {
    const vc = this.vc!;
    if (t > vc.now()) vc.runUntil(t); // no hub timer is due before t
    const now = vc.now();
    for (const c of this.participants) {
      if (c.waitUntil <= now) {
        c.waitUntil = Infinity;
        this.hooks.sendTime(c, now);
      }
    }
  }

  private async sleepUntil(endMs: number, notDone: (() => boolean) | null): Promise<boolean> {
    for (;;) {
      if (this.closed) return notDone ? !notDone() : true;
      if (notDone && !notDone()) return true;
      const left = endMs - this.clock.now();
      if (left <= 0) return notDone ? !notDone() : true;
      await new Promise<void>((res) => setTimeout(res, notDone ? Math.min(left, 5) : left));
    }
  }

  private wakeWaiters(): void {
    const i = this.idleWaiter;
    const c = this.changeWaiter;
    this.idleWaiter = this.changeWaiter = null;
    i?.();
    c?.();
  }

  /** Something a free run waits for may have happened (a client message, a new radio, an advertise()). */
  notifyChange(): void {
    const c = this.changeWaiter;
    if (c) {
      this.changeWaiter = null;
      c();
    }
  }

  /** A party may have become idle. */
  checkIdle(): void {
    if (this.idleWaiter && !this.busy()) {
      const i = this.idleWaiter;
      this.idleWaiter = null;
      i();
    }
  }
}
