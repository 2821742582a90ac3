/**
 * Replay protection list (Mesh Protocol 1.1, 3.9.8): for each source it has accepted messages from, the
 * highest (IV Index, SEQ) seen, or for segmented messages the SeqAuth. A message whose (IV Index, SEQ) is
 * not above its source's entry is a replay and is discarded without a reply and without state change.
 *
 * Persistence (power-loss safe): each entry lives in its own storage slot (mesh.rpl.<i>) holding a
 * *ceiling* P: the highest SEQ the node may have accepted from that source. Accepting SEQ s with s > P
 * first writes P = s + window - 1, and only then delivers the message; so after any power loss the
 * reloaded entry is at or above every SEQ really accepted, and no replay is ever accepted.
 *   window 1 (default): one flash write per accepted message (exact; nothing is lost on reboot);
 *   window W > 1: one write per W messages of a source, and after a reboot up to W - 1 of that source's
 *   next messages are refused as possible replays (a product option for nodes that receive a lot).
 *
 * Size and full list: `size` entries (the Composition Data CRPL). A known source always keeps its entry
 * (its messages are never dropped because the list is full). A new source takes a free slot, or the slot
 * of an entry whose IV Index is below the current IV Index - 1 (no message of that age can be accepted
 * any more, 3.10.5). When there is none, the new source's message is refused and reported through
 * onFull (a log line and a NodeEvent), never dropped silently.
 */
import { ByteReader, ByteWriter, RecordKey, RecordKind } from "../node/records.js";
import type { RecordStore } from "../node/records.js";

export const DEFAULT_RPL_SIZE = 32;
const SEQ_MAX = 0xffffff;

interface Entry {
  src: number;
  ivIndex: number;
  /** Highest SEQ (or SeqAuth's SEQ) accepted. */
  seq: number;
  /** The persisted ceiling for (ivIndex). */
  persistedIv: number;
  persistedSeq: number;
}

export type RplVerdict = "new" | "same" | "replay" | "full";

function cmp(ivA: number, seqA: number, ivB: number, seqB: number): number {
  if (ivA !== ivB) return ivA < ivB ? -1 : 1;
  return seqA === seqB ? 0 : seqA < seqB ? -1 : 1;
}

export class ReplayProtectionList {
  private readonly slots: (Entry | undefined)[];
  /** Messages refused because the list was full (for the docs' figures and tests). */
  fullDrops = 0;

  constructor(
    private readonly store: RecordStore,
    readonly size = DEFAULT_RPL_SIZE,
    readonly window = 1,
    private readonly onFull?: (src: number) => void,
  ) {
    if (!Number.isInteger(size) || size < 1 || size > 1024) throw new RangeError("RPL size must be 1..1024");
    if (!Number.isInteger(window) || window < 1 || window > 0x10000) throw new RangeError("RPL persist window must be 1..65536");
    this.slots = new Array(size).fill(undefined);
    for (let i = 0; i < size; i++) {
      const body = store.load(RecordKey.RPL_PREFIX + i, RecordKind.RPL);
      if (!body) continue;
      try {
        const r = new ByteReader(body);
        const src = r.u16();
        const ivIndex = r.u32();
        const seq = r.u24();
        r.end();
        if (src >= 1 && src <= 0x7fff && this.slotOf(src) < 0) {
          this.slots[i] = { src, ivIndex, seq, persistedIv: ivIndex, persistedSeq: seq };
        }
      } catch {
        // A corrupt slot is reported by the store; the slot is free again.
      }
    }
  }

  /** Number of sources held. */
  get count(): number {
    return this.slots.filter((e) => e !== undefined).length;
  }

  /** The entry of a source, for tests and diagnostics. */
  entry(src: number): { ivIndex: number; seq: number } | undefined {
    const e = this.slots[this.slotOf(src)];
    return e ? { ivIndex: e.ivIndex, seq: e.seq } : undefined;
  }

  /**
   * What (ivIndex, seq) from src would be: "new" (above the entry, or an unknown source with room),
   * "same" (equal to the entry: for SeqAuth, a segment of a message already completed), "replay", or "full".
   * No state changes.
   */
  check(src: number, ivIndex: number, seq: number, currentIvIndex: number): RplVerdict {
    const e = this.slots[this.slotOf(src)];
    if (e) {
      const c = cmp(ivIndex, seq, e.ivIndex, e.seq);
      return c > 0 ? "new" : c === 0 ? "same" : "replay";
    }
    return this.freeSlot(currentIvIndex) >= 0 ? "new" : "full";
  }

  /**
   * Records (ivIndex, seq) from src after check() said "new"; persists first when needed. Returns false when
   * the message must be dropped: storage refused the write, or the list is full (reported via onFull).
   */
  accept(src: number, ivIndex: number, seq: number, currentIvIndex: number): boolean {
    let i = this.slotOf(src);
    if (i < 0) {
      i = this.freeSlot(currentIvIndex);
      if (i < 0) {
        this.refused(src);
        return false;
      }
    }
    const e = this.slots[i];
    if (e && cmp(ivIndex, seq, e.ivIndex, e.seq) <= 0) return false;
    const needWrite = !e || ivIndex !== e.persistedIv || seq > e.persistedSeq;
    let persistedIv = e ? e.persistedIv : ivIndex;
    let persistedSeq = e ? e.persistedSeq : seq;
    if (needWrite) {
      persistedIv = ivIndex;
      persistedSeq = Math.min(seq + this.window - 1, SEQ_MAX);
      try {
        this.store.save(RecordKey.RPL_PREFIX + i, RecordKind.RPL, new ByteWriter().u16(src).u32(ivIndex).u24(persistedSeq).done());
      } catch {
        return false;
      }
    }
    this.slots[i] = { src, ivIndex, seq, persistedIv, persistedSeq };
    return true;
  }

  /** A new source's message refused because the list is full (check() said "full"): counted and reported. */
  refused(src: number): void {
    this.fullDrops++;
    this.onFull?.(src);
  }

  private freeSlot(currentIvIndex: number): number {
    const free = this.slots.indexOf(undefined);
    if (free >= 0) return free;
    // 3.10.5: messages with an IV Index below current - 1 are never accepted, so such entries protect nothing.
    for (let i = 0; i < this.slots.length; i++) {
      const e = this.slots[i];
      if (e !== undefined && e.ivIndex + 1 < currentIvIndex) return i;
    }
    return -1;
  }

  /** The slot holding src, or -1. */
  private slotOf(src: number): number {
    for (let i = 0; i < this.slots.length; i++) if (this.slots[i]?.src === src) return i;
    return -1;
  }
}
