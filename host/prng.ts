/**
 * The host side's one seeded pseudo-random generator (the air hub, the simulator's random bytes, the tests'
 * reproducible inputs): sfc32 (Chris Doty-Humphrey's Small Fast Counter), seeded through splitmix32. Not
 * cryptographic (never for real keys); only for reproducible simulations and tests: the same seed gives the same
 * sequence on every platform.
 */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

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
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** A uniformly distributed 32-bit unsigned integer. */
  uint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
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
