/**
 * The host side's one seeded pseudo-random generator (the air hub, the simulator's random bytes, the tests'
 * reproducible inputs): xoshiro128** (Blackman and Vigna), its 128-bit state filled from the seed by splitmix32.
 * Not cryptographic (never for real keys); only for reproducible simulations and tests: the same seed gives the
 * same sequence on every platform and, frozen by host-tests/crypto/node-crypto.test.ts, in every version.
 */
export class Prng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError("Prng seed must be a finite number");
    // splitmix32 expands the seed (any finite number; the integer part modulo 2^32 and the high half matter).
    let s = (Math.trunc(seed) ^ Math.trunc(seed / 0x100000000)) >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }

  /** A uniformly distributed 32-bit unsigned integer. */
  uint32(): number {
    const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A number in [0, 1) with 32 bits of randomness. */
  next(): number {
    return this.uint32() / 0x100000000;
  }

  /** An integer in [0, n] inclusive (n a non-negative integer below 2^32). */
  intInclusive(n: number): number {
    return Math.floor(this.next() * (n + 1));
  }

  /** `n` bytes: the uint32() words, least significant byte first. */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const w = this.uint32();
      for (let j = 0; j < 4 && i + j < n; j++) out[i + j] = (w >>> (8 * j)) & 0xff;
    }
    return out;
  }
}

/** A seeded byte source, `(n) => n bytes`, for the simulator's platform and for tests. Not cryptographic. */
export function seededRandom(seed: number): (n: number) => Uint8Array {
  const p = new Prng(seed);
  return (n) => p.bytes(n);
}

/** A seeded source of numbers in [0, 1), for tests. */
export function seededUniform(seed: number): () => number {
  const p = new Prng(seed);
  return () => p.next();
}
