/**
 * The network's persistent counters: IV Index, IV Update flag, time spent in the current IV state, and the
 * sequence number block, in ONE record (mesh.net), so that an IV Index change and the SEQ reset that goes
 * with it (3.10.5) are one atomic write.
 *
 * Sequence numbers (3.4.4.3, 3.9.3): 24 bits, never reused with the same IV Index. They are handed out in
 * blocks: the record holds `seqLimit`, the first SEQ NOT yet reserved. Allocating SEQ n when n reaches the
 * limit first writes limit = n + blockSize (one flash write per block); only then is n used. After a
 * reboot the node resumes at the stored limit, so a reboot costs at most one block of SEQ values and a
 * power loss during the write leaves the old limit, below which nothing was ever used from the new block.
 *   blockSize 1024 (default): 1 write per 1024 messages sent (~977 writes per million), ≤ 1024 SEQ lost per reboot;
 *   2^24 SEQ per IV Index, so even 16,000 reboots per IV interval stay within the space.
 */
import { ByteReader, ByteWriter, RecordKey, RecordKind } from "../node/records.js";
import type { RecordStore } from "../node/records.js";

export const SEQ_MAX = 0xffffff;
export const DEFAULT_SEQ_BLOCK = 1024;

export interface NetStateValues {
  ivIndex: number;
  ivUpdate: boolean;
  /** Whole hours spent in the current IV state (3.10.5: the 96-hour rules), counted while powered. */
  hoursInState: number;
  /** Hours since the last IV Index Recovery (3.10.5.2: at most once per 192 hours); 0xFFFF = never. */
  hoursSinceRecovery: number;
  seqLimit: number;
}

export class NetState {
  private v: NetStateValues;
  private nextSeq: number;

  constructor(
    private readonly store: RecordStore,
    initial: { ivIndex: number; ivUpdate: boolean },
    readonly blockSize = DEFAULT_SEQ_BLOCK,
  ) {
    if (!Number.isInteger(blockSize) || blockSize < 1 || blockSize > 0x100000) throw new RangeError("sequence block size must be 1..2^20");
    const stored = store.load(RecordKey.NET, RecordKind.NET);
    let loaded: NetStateValues | undefined;
    if (stored) {
      try {
        const r = new ByteReader(stored);
        loaded = { ivIndex: r.u32(), ivUpdate: r.u8() === 1, hoursInState: r.u16(), hoursSinceRecovery: r.u16(), seqLimit: r.u24() };
        r.end();
      } catch {
        loaded = undefined;
      }
    }
    this.v = loaded ?? { ivIndex: initial.ivIndex >>> 0, ivUpdate: initial.ivUpdate, hoursInState: 0, hoursSinceRecovery: 0xffff, seqLimit: 0 };
    // Everything below the stored limit may have been used before the reboot.
    this.nextSeq = this.v.seqLimit;
  }

  get ivIndex(): number {
    return this.v.ivIndex;
  }
  get ivUpdate(): boolean {
    return this.v.ivUpdate;
  }
  get hoursInState(): number {
    return this.v.hoursInState;
  }
  get hoursSinceRecovery(): number {
    return this.v.hoursSinceRecovery;
  }
  /** The next SEQ that allocate() would return. */
  get seq(): number {
    return this.nextSeq;
  }
  get seqLimit(): number {
    return this.v.seqLimit;
  }

  /** IV Index used to transmit (3.10.5): during IV Update in progress the node still sends with the old one. */
  get txIvIndex(): number {
    return this.v.ivUpdate ? (this.v.ivIndex - 1) >>> 0 : this.v.ivIndex;
  }

  /**
   * The next sequence number, or undefined when the 24-bit space is exhausted (3.4.4.3: the node must not
   * send until the IV Index changes) or storage refused the block write. Throws nothing.
   */
  allocate(): number | undefined {
    // SEQ_MAX itself is never used, so the limit always fits the record's 24 bits.
    if (this.nextSeq >= SEQ_MAX) return undefined;
    if (this.nextSeq >= this.v.seqLimit) {
      const limit = Math.min(this.nextSeq + this.blockSize, SEQ_MAX);
      if (!this.persist({ ...this.v, seqLimit: limit })) return undefined;
    }
    return this.nextSeq++;
  }

  /** Sets the IV state (the IV Update procedure decides); SEQ restarts at 0 when the IV Index goes up in normal state. Returns false on a storage failure. */
  setIv(ivIndex: number, ivUpdate: boolean, resetSeq: boolean, recovery = false): boolean {
    const next: NetStateValues = {
      ivIndex: ivIndex >>> 0,
      ivUpdate,
      hoursInState: 0,
      hoursSinceRecovery: recovery ? 0 : this.v.hoursSinceRecovery,
      seqLimit: resetSeq ? 0 : this.v.seqLimit,
    };
    if (!this.persist(next)) return false;
    if (resetSeq) this.nextSeq = 0;
    return true;
  }

  /** One more hour has passed (persisted, so the 96-hour rules survive reboots within an hour's accuracy). */
  tickHour(): void {
    this.persist({
      ...this.v,
      hoursInState: Math.min(this.v.hoursInState + 1, 0xffff),
      hoursSinceRecovery: this.v.hoursSinceRecovery === 0xffff ? 0xffff : Math.min(this.v.hoursSinceRecovery + 1, 0xfffe),
    });
  }

  private persist(next: NetStateValues): boolean {
    const body = new ByteWriter().u32(next.ivIndex).u8(next.ivUpdate ? 1 : 0).u16(next.hoursInState).u16(next.hoursSinceRecovery).u24(next.seqLimit).done();
    try {
      this.store.save(RecordKey.NET, RecordKind.NET, body);
    } catch {
      return false;
    }
    this.v = next;
    return true;
  }
}
