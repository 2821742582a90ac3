/**
 * The upper transport layer (Mesh Protocol 1.1, 3.6): finds the key of a received access message (AKF/AID
 * and the bound NetKey select the application keys to try, 3.6.4.2; AKF=0 is the device key, only for
 * unicast destinations), decrypts it (with every Label UUID of the virtual destination as additional
 * data, 3.6.4.2), and hands the access payload up; encrypts outgoing access payloads and hands them to the
 * lower transport with the SEQ allocated as their SeqAuth. Transport control messages: Heartbeat (3.6.5.10)
 * goes to the heartbeat handler; the Segment Ack never reaches this layer (the lower transport owns it).
 */
import type { Bytes, CryptoPrimitives } from "../platform.js";
import { isUnicast, isVirtual } from "../net/address.js";
import type { LowerTransport, UpperRx } from "./lower.js";
import { ControlOpcode, decodeHeartbeat } from "./pdu.js";
import type { Heartbeat } from "./pdu.js";
import { decryptAccess, encryptAccess } from "./upper.js";
import type { AccessSecurity } from "./upper.js";
import type { ReceivedMessage, SendResult } from "../access/model.js";

/** A received access payload with its security context: a ReceivedMessage before the opcode is decoded. */
export type AccessRx = Omit<ReceivedMessage, "opcode" | "params" | "elementIndex"> & { payload: Bytes };

export interface UpperHost {
  appKeys(): readonly { appKeyIndex: number; netKeyIndex: number; key: Bytes; aid: number }[];
  deviceKey: Bytes;
  /** Device keys of other nodes this node talks to with their device key (a Configuration Client). */
  remoteDeviceKey(address: number): Bytes | undefined;
  /** Label UUIDs this node knows for a virtual address (from its subscriptions). */
  labelsFor(address: number): Bytes[];
  isOwnUnicast(address: number): boolean;
  allocateSeq(): number | undefined;
  txIvIndex(): number;
  deliverAccess(rx: AccessRx): void;
  heartbeat(src: number, dst: number, rxTtl: number, hb: Heartbeat): void;
}

/** An access message to send (key already resolved). */
export interface AccessSend {
  src: number;
  dst: number;
  label?: Bytes;
  netKeyIndex: number;
  ttl: number;
  /** undefined: device key `deviceKey`. */
  app?: { key: Bytes; aid: number };
  deviceKey?: Bytes;
  bigMic: boolean;
  segmented: boolean;
}

export class UpperTransport {
  /** Access messages no key could decrypt. */
  undecryptable = 0;

  constructor(
    private readonly crypto: CryptoPrimitives,
    private readonly host: UpperHost,
    private readonly lower: LowerTransport,
  ) {}

  /** From the lower transport: authenticates, and returns the function that delivers (undefined: not authentic or not for us). */
  receive(rx: UpperRx): (() => void) | undefined {
    if (rx.ctl === 1) {
      if (rx.opcode === ControlOpcode.HEARTBEAT) {
        const hb = decodeHeartbeat(rx.payload);
        if (!hb) return undefined;
        return () => this.host.heartbeat(rx.src, rx.dst, rx.ttl, hb);
      }
      return undefined;
    }
    const base = { segmented: rx.segmented, bigMic: rx.szmic, seq: rx.seqAuth, src: rx.src, dst: rx.dst, ivIndex: rx.ivIndex };
    const extra = rx.rssi !== undefined ? { rssi: rx.rssi } : {};
    if (!rx.akf) {
      // Device key: only to one of our unicast addresses (3.6.4.2); ours, or a node's we configure.
      if (!isUnicast(rx.dst) || !this.host.isOwnUnicast(rx.dst)) return undefined;
      for (const key of [this.host.deviceKey, this.host.remoteDeviceKey(rx.src)]) {
        if (!key) continue;
        const payload = decryptAccess(this.crypto, { ...base, device: true, key }, rx.payload);
        if (payload) return () => this.host.deliverAccess({ payload, src: rx.src, dst: rx.dst, key: { kind: "device" }, netKeyIndex: rx.netKeyIndex, ttl: rx.ttl, ...extra });
      }
      this.undecryptable++;
      return undefined;
    }
    const labels = isVirtual(rx.dst) ? this.host.labelsFor(rx.dst) : [undefined];
    for (const k of this.host.appKeys()) {
      if (k.aid !== rx.aid || k.netKeyIndex !== rx.netKeyIndex) continue;
      for (const label of labels) {
        const sec: AccessSecurity = { ...base, device: false, key: k.key, ...(label ? { label } : {}) };
        const payload = decryptAccess(this.crypto, sec, rx.payload);
        if (payload) {
          return () => this.host.deliverAccess({
            payload, src: rx.src, dst: rx.dst, key: { kind: "app", appKeyIndex: k.appKeyIndex }, netKeyIndex: rx.netKeyIndex, ttl: rx.ttl,
            ...(label ? { label } : {}), ...extra,
          });
        }
      }
    }
    this.undecryptable++;
    return undefined;
  }

  /** Encrypts and sends; `done` gets the lower transport's result ("not-sent" when no SEQ is left). */
  send(m: AccessSend, payload: Bytes, done?: (r: SendResult) => void): void {
    const seq = this.host.allocateSeq();
    if (seq === undefined) {
      done?.("not-sent");
      return;
    }
    const ivIndex = this.host.txIvIndex();
    const key = m.app ? m.app.key : (m.deviceKey ?? this.host.deviceKey);
    // A 64-bit TransMIC is only for segmented messages (3.6.2.1); a payload too long for one PDU is segmented.
    const segmented = m.segmented || m.bigMic || payload.length + 4 > 15;
    const sec: AccessSecurity = { device: !m.app, key, bigMic: m.bigMic, segmented, seq, src: m.src, dst: m.dst, ivIndex, ...(m.label ? { label: m.label } : {}) };
    const upper = encryptAccess(this.crypto, sec, payload);
    this.lower.sendAccess(
      { netKeyIndex: m.netKeyIndex, src: m.src, dst: m.dst, ttl: m.ttl, ivIndex, seq, akf: !!m.app, aid: m.app ? m.app.aid : 0, szmic: m.bigMic, segmented, upper },
      done,
    );
  }
}
