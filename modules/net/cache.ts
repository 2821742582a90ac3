/**
 * Network message cache (Mesh Protocol 1.1, 3.4.6.5): the (SRC, SEQ) of recently seen network PDUs, so a
 * PDU heard again (a retransmission, another relay's copy, our own relayed copy) is neither processed nor
 * relayed twice. A fixed-size ring; the oldest entry is forgotten first.
 */
export const DEFAULT_MESSAGE_CACHE_SIZE = 64;

export class MessageCache {
  private readonly ring: number[];
  private readonly set = new Set<number>();
  private next = 0;

  constructor(readonly size = DEFAULT_MESSAGE_CACHE_SIZE) {
    if (!Number.isInteger(size) || size < 2 || size > 4096) throw new RangeError("message cache size must be 2..4096");
    this.ring = new Array<number>(size).fill(-1);
  }

  private static key(src: number, seq: number): number {
    return src * 0x1000000 + seq;
  }

  has(src: number, seq: number): boolean {
    return this.set.has(MessageCache.key(src, seq));
  }

  /** Adds (src, seq); returns false when it was already there. */
  add(src: number, seq: number): boolean {
    const k = MessageCache.key(src, seq);
    if (this.set.has(k)) return false;
    const old = this.ring[this.next]!;
    if (old >= 0) this.set.delete(old);
    this.ring[this.next] = k;
    this.next = (this.next + 1) % this.size;
    this.set.add(k);
    return true;
  }

  clear(): void {
    this.set.clear();
    this.ring.fill(-1);
  }
}
