/**
 * When to retransmit an unacknowledged PB-ADV transaction or Link Open.
 *
 * Mesh Protocol 1.1, 5.3.3 (Generic Provisioning behavior) makes the sender retransmit all segments of a
 * transaction until the Transaction Acknowledgment arrives, within the 30 s transaction timer, and 5.3.2
 * retransmits Link Open until Link Ack within the 60 s link establishment timer; the interval between
 * retransmissions is left to the implementation. A RetransmitPolicy decides it, and may learn from acks.
 *
 * Times are measured from the moment the last segment of the previous (re)transmission went out (its
 * advertisement's onDone), so the segment count and the radio queue do not inflate the round-trip samples.
 */

export interface RetransmitPolicy {
  /** A short name, for logs and benchmarks. */
  readonly name: string;
  /**
   * Delay in ms before retransmission number `attempt` (1 = the first retransmission), counted from when
   * the last segment of the previous transmission went out. `segmentCount`: segments in the transaction;
   * `advIntervalMs`: the advertising interval the segments use.
   */
  next(attempt: number, segmentCount: number, advIntervalMs: number): number;
  /**
   * The transaction (or Link Open) was acknowledged `rttMs` after its last transmission went out, after
   * `retransmissions` retransmissions (0: an unambiguous round-trip sample; otherwise, Karn's rule, the
   * sample cannot be attributed to one transmission).
   */
  onAck(rttMs: number, retransmissions: number): void;
}

/** Fixed interval: retransmit every `ms` (Zephyr's PB-ADV retransmits every 500 ms). */
export function fixedPolicy(ms: number, perSegmentIntervals = false, name = `fixed-${ms}ms`): RetransmitPolicy {
  return {
    name,
    next: (_attempt, segmentCount, advIntervalMs) => ms + (perSegmentIntervals ? segmentCount * advIntervalMs : 0),
    onAck: () => {},
  };
}

export interface AdaptiveOptions {
  /** RTO before the first round-trip sample, ms. */
  initialRtoMs?: number;
  /** Floor of the RTO, ms (RFC 6298 says 1 s for TCP; an advertising bearer's round trip is tens of ms). */
  minRtoMs?: number;
  /** Ceiling of the RTO and of the backed-off delays, ms. */
  maxRtoMs?: number;
  /** Clock granularity term G of RFC 6298 (ms); the RTO is SRTT + max(G, K * RTTVAR). */
  granularityMs?: number;
  /** Extra delay per advertising interval of the peer's acknowledgment (it may sit behind other advertisements). */
  advIntervalsOfSlack?: number;
  /** RFC 6298 constants. */
  alpha?: number;
  beta?: number;
  k?: number;
  /** Backoff factor between successive retransmissions of one transaction. */
  backoff?: number;
  /**
   * Karn's rule keeps the backed-off RTO until a clean sample: after a transaction that needed
   * retransmissions the base RTO of the next one is multiplied by this (1: forget the backoff).
   */
  carryBackoff?: number;
}

/**
 * Defaults tuned with host-tests/bearer/bench-pbadv.ts (provisioning-shaped exchanges of PB-ADV PDUs,
 * PB_ADV_DEFAULTS advertising, the 20..50 ms delays of 5.3.3), median / p95 to Complete, 300 runs, from
 *   npx tsx host-tests/bearer/bench-pbadv.ts 300 0,0.2,0.3 adaptive --hub     (and without --hub)
 *   npx tsx host-tests/bearer/bench-pbadv.ts 300 0.2 fixed-500ms,fixed-2s --hub
 *   simulated air (host/air hub):  0 %: 685 / 754 ms   20 %: 827 / 1255 ms   30 %: 1009 / 1777 ms
 *   test loopback:                 0 %: 672 / 724 ms   20 %: 806 / 1209 ms   30 %: 1007 / 1652 ms
 *   (fixed-500ms on the hub, 20 %: 1224 / 2316 ms; fixed-2s: 2773 / 6961 ms).
 * A peer that follows 5.3.3 acknowledges 20..50 ms after the transaction's last segment, plus the radio's
 * advDelay: hence the 60 ms floor, which (with RTTVAR) keeps spurious retransmissions rare while a loss is
 * repaired in well under 100 ms; 1.5x backoff and an 800 ms ceiling keep a lossy exchange moving.
 */
export const ADAPTIVE_DEFAULTS: Required<AdaptiveOptions> = {
  initialRtoMs: 150,
  minRtoMs: 60,
  maxRtoMs: 800,
  granularityMs: 10,
  advIntervalsOfSlack: 0,
  alpha: 1 / 8,
  beta: 1 / 4,
  k: 4,
  backoff: 1.5,
  carryBackoff: 1.25,
};

/**
 * Adaptive retransmission: an RTT estimator in the spirit of RFC 6298 with Karn's algorithm, a low floor
 * (the advertising bearer's round trip is short), a fast first retransmission and exponential backoff.
 */
export class AdaptivePolicy implements RetransmitPolicy {
  readonly name = "adaptive";
  private readonly o: Required<AdaptiveOptions>;
  private srtt: number | undefined;
  private rttvar = 0;
  private rto: number;
  private carry = 1;

  constructor(options: AdaptiveOptions = {}) {
    this.o = { ...ADAPTIVE_DEFAULTS, ...options };
    this.rto = this.o.initialRtoMs;
  }

  /** The current base RTO, ms (for tests and logs). */
  get currentRtoMs(): number {
    return this.rto;
  }

  /** The smoothed RTT, ms, once sampled. */
  get smoothedRttMs(): number | undefined {
    return this.srtt;
  }

  next(attempt: number, _segmentCount: number, advIntervalMs: number): number {
    const o = this.o;
    const floor = o.minRtoMs + o.advIntervalsOfSlack * Math.max(0, advIntervalMs);
    const base = Math.max(floor, this.rto) * this.carry;
    const n = Math.max(1, Math.floor(attempt));
    // backoff^(n-1) by multiplications, not Math.pow (the device leaves libm's pow out: docs/xs.md "libc and libm"),
    // stopping once the ceiling is reached (a factor >= 1 only grows): equal to base * Math.pow(backoff, n - 1)
    // whenever the powers are exact, as the default 1.5's are (3^k < 2^53) up to the ceiling
    let f = 1;
    for (let i = 1; i < n && !(o.backoff >= 1 && base * f >= o.maxRtoMs); i++) f *= o.backoff;
    return Math.min(o.maxRtoMs, base * f);
  }

  onAck(rttMs: number, retransmissions: number): void {
    const o = this.o;
    if (retransmissions > 0) {
      // Karn: no sample from a retransmitted transaction; keep part of the backoff for the next one.
      this.carry = Math.min(o.maxRtoMs / Math.max(1, this.rto), this.carry * o.carryBackoff);
      return;
    }
    const r = Math.max(0, Number.isFinite(rttMs) ? rttMs : 0);
    if (this.srtt === undefined) {
      this.srtt = r;
      this.rttvar = r / 2;
    } else {
      this.rttvar = (1 - o.beta) * this.rttvar + o.beta * Math.abs(this.srtt - r);
      this.srtt = (1 - o.alpha) * this.srtt + o.alpha * r;
    }
    this.rto = Math.min(o.maxRtoMs, Math.max(o.minRtoMs, this.srtt + Math.max(o.granularityMs, o.k * this.rttvar)));
    this.carry = 1;
  }
}

export function adaptivePolicy(options?: AdaptiveOptions): RetransmitPolicy {
  return new AdaptivePolicy(options);
}

/** The default policy's factory (retransmitPolicies[DEFAULT_RETRANSMIT_POLICY]): one adaptive policy per link. */
export const defaultRetransmitPolicy = (): RetransmitPolicy => new AdaptivePolicy();

/** The shipped policies, by name. "adaptive" (defaultRetransmitPolicy) is the default. */
export const retransmitPolicies: Record<string, () => RetransmitPolicy> = {
  adaptive: defaultRetransmitPolicy,
  // Zephyr's PB-ADV: every 500 ms.
  "fixed-500ms": () => fixedPolicy(500),
  // 2 s plus one advertising interval per segment.
  "fixed-2s": () => fixedPolicy(2000, true, "fixed-2s"),
};

export const DEFAULT_RETRANSMIT_POLICY = "adaptive";
