/**
 * Test radios for the bearer tests (a full simulated air lives in host/air/):
 * - LoopbackAir: N radios on one virtual clock; every advertising event reaches every other radio that has
 *   a receiver, each copy lost with probability `loss`, duplicated with probability `duplicate`, delayed by
 *   `airDelayMs` plus up to `reorderMs` (so packets overtake each other). Each radio runs its advertisements
 *   one after the other (a FIFO, like a controller's single advertising set); events are `intervalMs` apart
 *   plus advDelay (0..10 ms, seeded).
 * - CaptureRadio: records what is advertised; the test injects received packets.
 */
import type { AdvertiseHandle, AdvertiseOptions, Bytes, Radio, RadioPacket } from "../../modules/platform.js";
import type { VirtualClock } from "../../host/virtual-clock.js";

import { seededUniform } from "../../host/prng.js";

/** A seeded source of numbers in [0, 1): the host side's one PRNG (host/prng.ts). */
export const prng = seededUniform;

export interface LoopbackOptions {
  loss?: number;
  duplicate?: number;
  reorderMs?: number;
  airDelayMs?: number;
  advDelayMaxMs?: number;
  seed?: number;
}

interface Job {
  adType: number;
  data: Bytes;
  remaining: number;
  intervalMs: number;
  onDone: (() => void) | undefined;
  cancelled: boolean;
  timer: unknown;
}

export interface AirEvent {
  time: number;
  from: string;
  adType: number;
  data: Bytes;
}

export class LoopbackAir {
  readonly radios: LoopbackRadio[] = [];
  readonly random: () => number;
  /** Every advertising event that went out. */
  readonly events: AirEvent[] = [];
  /** Return true to drop this copy (in addition to random loss). */
  drop: ((from: LoopbackRadio, to: LoopbackRadio, adType: number, data: Bytes) => boolean) | undefined;
  loss: number;
  readonly duplicate: number;
  readonly reorderMs: number;
  readonly airDelayMs: number;
  readonly advDelayMaxMs: number;

  constructor(
    readonly clock: VirtualClock,
    options: LoopbackOptions = {},
  ) {
    this.random = prng(options.seed ?? 1);
    this.loss = options.loss ?? 0;
    this.duplicate = options.duplicate ?? 0;
    this.reorderMs = options.reorderMs ?? 0;
    this.airDelayMs = options.airDelayMs ?? 1;
    this.advDelayMaxMs = options.advDelayMaxMs ?? 10;
  }

  radio(name: string): LoopbackRadio {
    const r = new LoopbackRadio(this, name);
    this.radios.push(r);
    return r;
  }

  /** @internal one advertising event of `from`. */
  transmit(from: LoopbackRadio, adType: number, data: Bytes): void {
    this.events.push({ time: this.clock.now(), from: from.name, adType, data: data.slice() });
    for (const to of this.radios) {
      if (to === from) continue;
      if (this.drop && this.drop(from, to, adType, data)) continue;
      const copies = this.random() < this.duplicate ? 2 : 1;
      for (let c = 0; c < copies; c++) {
        if (this.random() < this.loss) continue;
        const delay = this.airDelayMs + (this.reorderMs > 0 ? this.random() * this.reorderMs : 0);
        const copy = data.slice();
        this.clock.setTimeout(() => to.deliver({ adType, data: copy, rssi: -50, time: this.clock.now() }), delay);
      }
    }
  }
}

export class LoopbackRadio implements Radio {
  private receiver: ((packet: RadioPacket) => void) | null = null;
  private readonly queue: Job[] = [];
  private current: Job | undefined;
  /** Every advertise() call. */
  readonly advertised: { time: number; adType: number; data: Bytes; options: AdvertiseOptions }[] = [];
  /** Received packets. */
  readonly received: RadioPacket[] = [];

  constructor(
    private readonly air: LoopbackAir,
    readonly name: string,
  ) {}

  get scanning(): boolean {
    return this.receiver !== null;
  }

  advertise(adType: number, data: Bytes, options: AdvertiseOptions, onDone?: () => void): AdvertiseHandle {
    this.advertised.push({ time: this.air.clock.now(), adType, data: data.slice(), options: { ...options } });
    const job: Job = {
      adType,
      data: data.slice(),
      remaining: Math.max(1, options.count),
      intervalMs: options.intervalMs,
      onDone,
      cancelled: false,
      timer: undefined,
    };
    this.queue.push(job);
    this.pump();
    return {
      cancel: () => {
        if (job.cancelled) return;
        job.cancelled = true;
        const i = this.queue.indexOf(job);
        if (i >= 0) this.queue.splice(i, 1);
        if (this.current === job) {
          this.air.clock.clearTimeout(job.timer);
          this.current = undefined;
          this.pump();
        }
      },
    };
  }

  setReceiver(receiver: ((packet: RadioPacket) => void) | null): void {
    this.receiver = receiver;
  }

  /** @internal */
  deliver(packet: RadioPacket): void {
    if (!this.receiver) return;
    this.received.push(packet);
    this.receiver(packet);
  }

  private pump(): void {
    if (this.current || this.queue.length === 0) return;
    const job = this.queue.shift()!;
    this.current = job;
    this.schedule(job, this.air.random() * this.air.advDelayMaxMs);
  }

  private schedule(job: Job, delay: number): void {
    job.timer = this.air.clock.setTimeout(() => {
      if (job.cancelled || this.current !== job) return;
      this.air.transmit(this, job.adType, job.data);
      job.remaining--;
      if (job.remaining > 0) {
        this.schedule(job, job.intervalMs + this.air.random() * this.air.advDelayMaxMs);
        return;
      }
      this.current = undefined;
      job.onDone?.();
      this.pump();
    }, delay);
  }
}

/** Records advertisements; the test feeds received packets with inject(). onDone runs count * interval later. */
export class CaptureRadio implements Radio {
  receiver: ((packet: RadioPacket) => void) | null = null;
  readonly sent: { time: number; adType: number; data: Bytes; options: AdvertiseOptions; cancelled: boolean }[] = [];

  constructor(private readonly clock: VirtualClock) {}

  advertise(adType: number, data: Bytes, options: AdvertiseOptions, onDone?: () => void): AdvertiseHandle {
    const entry = { time: this.clock.now(), adType, data: data.slice(), options: { ...options }, cancelled: false };
    this.sent.push(entry);
    const timer = this.clock.setTimeout(() => onDone?.(), Math.max(1, options.count * options.intervalMs));
    return {
      cancel: () => {
        entry.cancelled = true;
        this.clock.clearTimeout(timer);
      },
    };
  }

  setReceiver(receiver: ((packet: RadioPacket) => void) | null): void {
    this.receiver = receiver;
  }

  inject(adType: number, data: Bytes): void {
    this.receiver?.({ adType, data: data.slice(), rssi: -40, time: this.clock.now() });
  }

  /** Data of the advertisements since index `from`. */
  takeFrom(from: number): Bytes[] {
    return this.sent.slice(from).map((s) => s.data);
  }
}

export function hex(b: Bytes): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

export function unhex(s: string): Uint8Array {
  const clean = s.replace(/[^0-9a-fA-F]/g, "");
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}
