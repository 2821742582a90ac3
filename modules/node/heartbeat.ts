/**
 * Heartbeat (Mesh Protocol 1.1, 3.6.5.10 message; 4.2.17 publication; 4.2.18 subscription).
 * Publication sends a Heartbeat control message every 2^(PeriodLog-1) s while the count lasts (CountLog
 * 0xFF: for ever), and once more when a feature named in its Features bits changes. The remaining count
 * is kept in RAM (no flash write per heartbeat). Subscription counts the heartbeats from its source to its
 * destination during its period and records the min/max hops (InitTTL - RxTTL + 1).
 */
import type { Clock, TimerHandle } from "../platform.js";
import type { HeartbeatPublication, HeartbeatSubscription } from "../access/model.js";
import type { Heartbeat } from "../transport/pdu.js";

// Powers of two by doubling, not `**`: the device image leaves the exponentiation operator (and libm's pow behind it)
// out when no module uses it (tools/fw/lean.mjs UNUSED_PARTS, docs/xs.md "libc and libm").

/** 2^(log-1) for log 1..0x11, 0 for 0, 0xFFFF for 0xFF (4.2.17.2); exact for every byte value (2^253 at most). */
export function fromLog(log: number): number {
  if (log === 0) return 0;
  if (log === 0xff) return 0xffff;
  let p = 1;
  for (let i = 1; i < log; i++) p *= 2;
  return p;
}

/** The smallest Log whose 2^(Log-1) >= n (0 for 0; 0xFF beyond 0xFFFE for counts). */
export function toLog(n: number): number {
  if (n <= 0) return 0;
  if (n > 0xfffe) return 0xff;
  let log = 1;
  for (let p = 1; p < n; p *= 2) log++;
  return log;
}

export interface HeartbeatHost {
  clock: Clock;
  publication(): HeartbeatPublication;
  setRemainingCountLog(countLog: number): void;
  features(): number;
  send(pub: HeartbeatPublication, hb: Heartbeat): void;
  received?(src: number, dst: number, hops: number, features: number): void;
}

export class HeartbeatRuntime {
  private pubTimer: TimerHandle | undefined;
  private remaining = 0;
  private sub: { src: number; dst: number; endsAt: number; count: number; minHops: number; maxHops: number; periodLog: number } = {
    src: 0, dst: 0, endsAt: 0, count: 0, minHops: 0, maxHops: 0, periodLog: 0,
  };

  constructor(private readonly host: HeartbeatHost) {}

  /** (Re)starts publication from the stored state. */
  restartPublication(): void {
    this.stopPublication();
    const p = this.host.publication();
    this.remaining = p.countLog === 0xff ? Infinity : fromLog(p.countLog);
    if (p.dst === 0 || p.periodLog === 0 || this.remaining === 0) return;
    const period = fromLog(p.periodLog) * 1000;
    const tick = (): void => {
      this.pubTimer = undefined;
      if (this.remaining <= 0) return;
      this.sendOne();
      if (this.remaining > 0) this.pubTimer = this.host.clock.setTimeout(tick, period);
    };
    this.pubTimer = this.host.clock.setTimeout(tick, period);
  }

  stopPublication(): void {
    if (this.pubTimer !== undefined) this.host.clock.clearTimeout(this.pubTimer);
    this.pubTimer = undefined;
  }

  private sendOne(): void {
    const p = this.host.publication();
    if (p.dst === 0) return;
    this.host.send(p, { initTtl: p.ttl, features: this.host.features() });
    if (this.remaining !== Infinity) {
      this.remaining--;
      this.host.setRemainingCountLog(toLog(this.remaining));
    }
  }

  /** A feature changed: a heartbeat when the publication names it (4.2.17.5). */
  featuresChanged(changedBits: number): void {
    const p = this.host.publication();
    if (p.dst !== 0 && (p.features & changedBits) !== 0) this.host.send(p, { initTtl: p.ttl, features: this.host.features() });
  }

  setSubscription(src: number, dst: number, periodLog: number): void {
    const active = src !== 0 && dst !== 0 && periodLog !== 0;
    this.sub = {
      src: active ? src : 0, dst: active ? dst : 0, endsAt: active ? this.host.clock.now() + fromLog(periodLog) * 1000 : 0,
      count: 0, minHops: 0, maxHops: 0, periodLog: active ? periodLog : 0,
    };
  }

  /** True when a heartbeat subscription listens to group address `dst` (the network layer then takes PDUs to it). */
  listensTo(dst: number): boolean {
    return this.sub.dst !== 0 && this.sub.dst === dst && this.host.clock.now() < this.sub.endsAt;
  }

  subscription(): HeartbeatSubscription {
    const s = this.sub;
    const left = Math.max(0, s.endsAt - this.host.clock.now());
    // Remaining period as a Log: the smallest 2^(n-1) seconds covering what is left.
    const periodLog = left > 0 ? toLog(Math.ceil(left / 1000)) : 0;
    return { src: s.src, dst: s.dst, periodLog, countLog: toLog(s.count), minHops: s.minHops, maxHops: s.maxHops };
  }

  /** A Heartbeat message arrived (3.6.5.10). */
  receive(src: number, dst: number, rxTtl: number, hb: Heartbeat): void {
    const s = this.sub;
    if (s.src === 0 || src !== s.src || dst !== s.dst || this.host.clock.now() >= s.endsAt) return;
    const hops = Math.max(1, hb.initTtl - rxTtl + 1);
    s.count = Math.min(s.count + 1, 0xffff);
    s.minHops = s.minHops === 0 ? hops : Math.min(s.minHops, hops);
    s.maxHops = Math.max(s.maxHops, hops);
    this.host.received?.(src, dst, hops, hb.features);
  }
}
