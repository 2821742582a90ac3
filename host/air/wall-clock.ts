/**
 * A wall-clock Clock (modules/platform.ts) for the real-time air: milliseconds since the clock was made
 * (plus `startMs`), timers on Node's setTimeout. dispose() cancels every pending timer.
 */
import { performance } from "node:perf_hooks";
import type { Clock, TimerHandle } from "../../modules/platform.js";

export class WallClock implements Clock {
  private readonly origin: number;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(startMs = 0) {
    this.origin = performance.now() - startMs;
  }

  now(): number {
    return performance.now() - this.origin;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    const handle = setTimeout(() => {
      this.timers.delete(handle);
      callback();
    }, delay);
    this.timers.add(handle);
    return handle;
  }

  clearTimeout(handle: TimerHandle): void {
    const h = handle as ReturnType<typeof setTimeout>;
    if (this.timers.delete(h)) clearTimeout(h);
  }

  /** Number of pending timers. */
  pending(): number {
    return this.timers.size;
  }

  /** Cancel every pending timer (used when the owner shuts down). */
  dispose(): void {
    for (const h of this.timers) clearTimeout(h);
    this.timers.clear();
  }
}
