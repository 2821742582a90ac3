/**
 * BLE link-layer packets as they go over the air, and a pcap writer for them.
 *
 * Capture format: classic pcap (microsecond timestamps), link type LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR (256):
 * each record is a 10-byte pseudo-header followed by the LE packet without its preamble
 * (access address, PDU header, payload, CRC), bytes in on-air order, dewhitened.
 *
 * Packet layout (Bluetooth Core 5.x, Vol 6 Part B, 2.1 and 2.3): access address 0x8E89BED6 (little-endian),
 * ADV_NONCONN_IND header (PDU type 0x2, TxAdd = 1: random address), AdvA (6 bytes, least significant first),
 * AdvData (here one AD structure: length, type, data) and CRC-24 (Vol 6 Part B 3.1.1: polynomial
 * x^24 + x^10 + x^9 + x^6 + x^4 + x^3 + x + 1, preset 0x555555, data fed least significant bit first,
 * the register sent from position 23 down to position 0).
 */
import { closeSync, openSync, writeSync } from "node:fs";
import type { Bytes } from "../../modules/platform.js";

/** pcap link type of the Bluetooth LE link layer with the RF pseudo-header. */
export const LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR = 256;
/** Access address of the advertising physical channel (Core Vol 6 Part B 2.1.2). */
export const ADV_ACCESS_ADDRESS = 0x8e89bed6;
/** CRC preset on the advertising channels (Core Vol 6 Part B 3.1.1). */
export const ADV_CRC_INIT = 0x555555;
/** Advertising PDU type ADV_NONCONN_IND (Core Vol 6 Part B 2.3). */
export const PDU_ADV_NONCONN_IND = 0x2;

/** Pseudo-header flag bits (LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR). */
export const PHDR_FLAGS = {
  DEWHITENED: 0x0001,
  SIGNAL_POWER_VALID: 0x0002,
  NOISE_POWER_VALID: 0x0004,
  DECRYPTED: 0x0008,
  REFERENCE_AA_VALID: 0x0010,
  AA_OFFENSES_VALID: 0x0020,
  CHANNEL_ALIASED: 0x0040,
  CRC_CHECKED: 0x0400,
  CRC_VALID: 0x0800,
} as const;

/** RF channel (0..39, frequency 2402 + 2k MHz) of an advertising channel index 37, 38 or 39. */
export function rfChannel(advChannel: number): number {
  if (advChannel === 37) return 0; // 2402 MHz
  if (advChannel === 38) return 12; // 2426 MHz
  if (advChannel === 39) return 39; // 2480 MHz
  throw new RangeError(`not an advertising channel: ${advChannel}`);
}

/**
 * CRC-24 of a PDU (header and payload) as the spec's shift register: bit i of the result is position i.
 * `init` is the CRC preset (0x555555 on the advertising channels).
 */
export function bleCrc24(pdu: Bytes, init = ADV_CRC_INIT): number {
  let reg = init & 0xffffff;
  for (let i = 0; i < pdu.length; i++) {
    let byte = pdu[i]!;
    for (let bit = 0; bit < 8; bit++) {
      const feedback = ((reg >>> 23) ^ byte) & 1;
      byte >>>= 1;
      reg = (reg << 1) & 0xffffff;
      if (feedback) reg ^= 0x00065b;
    }
  }
  return reg;
}

function reverse8(b: number): number {
  b = ((b & 0xf0) >>> 4) | ((b & 0x0f) << 4);
  b = ((b & 0xcc) >>> 2) | ((b & 0x33) << 2);
  b = ((b & 0xaa) >>> 1) | ((b & 0x55) << 1);
  return b;
}

/** The 3 CRC bytes in on-air byte order (position 23 is the first bit sent, and bytes go LSB first). */
export function crcBytes(reg: number): Uint8Array {
  return Uint8Array.of(reverse8((reg >>> 16) & 0xff), reverse8((reg >>> 8) & 0xff), reverse8(reg & 0xff));
}

/**
 * A whole ADV_NONCONN_IND link-layer packet (no preamble): access address, header, AdvA, one AD structure
 * (length, `adType`, `data`) and CRC. `advA` is written most significant byte first (as displayed,
 * "C5:..."); on air it goes least significant byte first. TxAdd = 1 (random address).
 */
export function buildAdvNonconnInd(advA: Bytes, adType: number, data: Bytes): Uint8Array {
  if (advA.length !== 6) throw new RangeError("AdvA must be 6 bytes");
  if (data.length > 29) throw new RangeError("AD data longer than 29 bytes does not fit a legacy advertising PDU");
  const payloadLength = 6 + 2 + data.length;
  const out = new Uint8Array(4 + 2 + payloadLength + 3);
  out[0] = ADV_ACCESS_ADDRESS & 0xff;
  out[1] = (ADV_ACCESS_ADDRESS >>> 8) & 0xff;
  out[2] = (ADV_ACCESS_ADDRESS >>> 16) & 0xff;
  out[3] = (ADV_ACCESS_ADDRESS >>> 24) & 0xff;
  out[4] = PDU_ADV_NONCONN_IND | 0x40; // PDU type, TxAdd = 1 (bit 6)
  out[5] = payloadLength;
  for (let i = 0; i < 6; i++) out[6 + i] = advA[5 - i]!;
  out[12] = data.length + 1;
  out[13] = adType & 0xff;
  out.set(data, 14);
  const crcAt = 6 + payloadLength;
  out.set(crcBytes(bleCrc24(out.subarray(4, crcAt))), crcAt);
  return out;
}

/** Check the CRC of a whole LE packet (as built above: access address first, CRC last). */
export function checkLlCrc(packet: Bytes, init = ADV_CRC_INIT): boolean {
  if (packet.length < 4 + 2 + 3) return false;
  const crcAt = packet.length - 3;
  const want = crcBytes(bleCrc24(packet.subarray(4, crcAt), init));
  return packet[crcAt] === want[0] && packet[crcAt + 1] === want[1] && packet[crcAt + 2] === want[2];
}

/** The 10-byte LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR pseudo-header. Signal power in dBm (int8). */
export function blePseudoHeader(advChannel: number, signalDbm: number, flags: number): Uint8Array {
  const h = new Uint8Array(10);
  h[0] = rfChannel(advChannel);
  h[1] = Math.max(-128, Math.min(127, Math.round(signalDbm))) & 0xff;
  h[2] = 0x80; // noise power -128 dBm (not valid)
  h[3] = 0; // access address offenses
  h[4] = ADV_ACCESS_ADDRESS & 0xff;
  h[5] = (ADV_ACCESS_ADDRESS >>> 8) & 0xff;
  h[6] = (ADV_ACCESS_ADDRESS >>> 16) & 0xff;
  h[7] = (ADV_ACCESS_ADDRESS >>> 24) & 0xff;
  h[8] = flags & 0xff;
  h[9] = (flags >>> 8) & 0xff;
  return h;
}

const DEFAULT_FLAGS =
  PHDR_FLAGS.DEWHITENED | PHDR_FLAGS.SIGNAL_POWER_VALID | PHDR_FLAGS.REFERENCE_AA_VALID | PHDR_FLAGS.CRC_CHECKED | PHDR_FLAGS.CRC_VALID;

/**
 * Writes a pcap file (little-endian, microsecond timestamps). Records are buffered and written in chunks;
 * close() flushes and closes the file. Timestamps are `epochMs + timeMs`.
 */
export class PcapWriter {
  private fd: number | null;
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  /** Records written so far. */
  records = 0;

  constructor(
    readonly path: string,
    readonly epochMs = 0,
    linkType = LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR,
  ) {
    this.fd = openSync(path, "w");
    const h = new Uint8Array(24);
    const v = new DataView(h.buffer);
    v.setUint32(0, 0xa1b2c3d4, true); // magic: microsecond resolution
    v.setUint16(4, 2, true);
    v.setUint16(6, 4, true);
    v.setInt32(8, 0, true); // thiszone
    v.setUint32(12, 0, true); // sigfigs
    v.setUint32(16, 65535, true); // snaplen
    v.setUint32(20, linkType, true);
    this.push(h);
  }

  /** One record with the given bytes at `timeMs`. */
  writeRecord(timeMs: number, bytes: Bytes): void {
    if (this.fd === null) return;
    const us = Math.max(0, Math.round((this.epochMs + timeMs) * 1000));
    const h = new Uint8Array(16);
    const v = new DataView(h.buffer);
    v.setUint32(0, Math.floor(us / 1e6), true);
    v.setUint32(4, us % 1e6, true);
    v.setUint32(8, bytes.length, true);
    v.setUint32(12, bytes.length, true);
    this.push(h);
    this.push(bytes);
    this.records++;
    if (this.buffered >= 65536) this.flush();
  }

  /**
   * Keep every copy of a segment of a multi-segment PB-ADV transaction. Off by default: Wireshark reassembles
   * PB-ADV transactions keyed by Link ID and Transaction Number only, so the second copy of a segment (the same
   * event on the next channel, or a retransmission) is reported as a malformed overlapping fragment. With this
   * off, the first copy of each segment is written and later identical copies are counted in `repeatsSkipped`.
   */
  keepRepeatedSegments = false;
  /** Copies of already-written PB-ADV segments left out (see keepRepeatedSegments). */
  repeatsSkipped = 0;
  private readonly segmentsSeen = new Set<string>();

  /** One ADV_NONCONN_IND carrying one AD structure, sent on `advChannel` at `timeMs`. */
  writeAdv(timeMs: number, advChannel: number, advA: Bytes, adType: number, data: Bytes, signalDbm = -50): void {
    if (!this.keepRepeatedSegments && adType === 0x29 && data.length >= 6) {
      // Generic Provisioning PDU after Link ID (4) and Transaction Number (1): GPCF in the low 2 bits.
      const gpcf = data[5]! & 0x03;
      const multiSegment = (gpcf === 0 && data[5]! >> 2 !== 0) || gpcf === 2;
      if (multiSegment) {
        let key = "";
        for (let i = 0; i < data.length; i++) key += String.fromCharCode(data[i]!);
        if (this.segmentsSeen.has(key)) {
          this.repeatsSkipped++;
          return;
        }
        this.segmentsSeen.add(key);
      }
    }
    const ll = buildAdvNonconnInd(advA, adType, data);
    const rec = new Uint8Array(10 + ll.length);
    rec.set(blePseudoHeader(advChannel, signalDbm, DEFAULT_FLAGS), 0);
    rec.set(ll, 10);
    this.writeRecord(timeMs, rec);
  }

  flush(): void {
    if (this.fd === null || this.buffered === 0) return;
    const all = new Uint8Array(this.buffered);
    let at = 0;
    for (const c of this.chunks) {
      all.set(c, at);
      at += c.length;
    }
    this.chunks = [];
    this.buffered = 0;
    let done = 0;
    while (done < all.length) done += writeSync(this.fd, all, done, all.length - done);
  }

  close(): void {
    if (this.fd === null) return;
    this.flush();
    closeSync(this.fd);
    this.fd = null;
  }

  private push(b: Uint8Array): void {
    this.chunks.push(b);
    this.buffered += b.length;
  }
}
