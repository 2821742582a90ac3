/**
 * A deterministic virtual-time Clock (modules/platform.ts) for the host simulation and tests.
 * Time only moves when the owner runs it: a 60 s timeout costs microseconds.
 * Timers due at the same instant fire in the order they were set.
 */
import type { Clock, TimerHandle } from "../modules/platform.js";

interface Timer {
  at: number;
  seq: number;
  callback: () => void;
  cancelled: boolean;
}

export class VirtualClock implements Clock {
  private time: number;
  private seq = 0;
  private heap: Timer[] = [];

  constructor(startMs = 0) {
    this.time = startMs;
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    const timer: Timer = { at: this.time + delay, seq: this.seq++, callback, cancelled: false };
    this.push(timer);
    return timer;
  }

  clearTimeout(handle: TimerHandle): void {
    if (handle && typeof handle === "object" && "cancelled" in handle) (handle as Timer).cancelled = true;
  }

  /** Time of the next pending timer, or undefined. */
  nextEventTime(): number | undefined {
    this.dropCancelled();
    return this.heap[0]?.at;
  }

  /** Number of pending (not cancelled) timers. */
  pending(): number {
    return this.heap.filter((t) => !t.cancelled).length;
  }

  /** Run the next due timer (advancing time to it). Returns false when none is pending. */
  step(): boolean {
    this.dropCancelled();
    const timer = this.pop();
    if (!timer) return false;
    if (timer.at > this.time) this.time = timer.at;
    timer.callback();
    return true;
  }

  /** Run timers until none is left before `endMs` (inclusive), then set the time to `endMs`. */
  runUntil(endMs: number): void {
    for (;;) {
      const next = this.nextEventTime();
      if (next === undefined || next > endMs) break;
      this.step();
    }
    if (endMs > this.time) this.time = endMs;
  }

  /** Run for `ms` of virtual time. */
  runFor(ms: number): void {
    this.runUntil(this.time + ms);
  }

  /**
   * Run until `done()` is true or no timer is left; stops after `limitMs` of virtual time as a safeguard.
   * Returns true when `done()` became true.
   */
  runWhile(notDone: () => boolean, limitMs = 24 * 3600 * 1000): boolean {
    const end = this.time + limitMs;
    while (notDone()) {
      const next = this.nextEventTime();
      if (next === undefined || next > end) return !notDone();
      this.step();
    }
    return true;
  }

  private dropCancelled(): void {
    while (this.heap.length && this.heap[0]!.cancelled) this.pop();
  }

  private less(a: Timer, b: Timer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(t: Timer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private pop(): Timer | undefined {
    const h = this.heap;
    if (!h.length) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
