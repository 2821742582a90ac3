/**
 * The network layer (Mesh Protocol 1.1, 3.4): receives network PDUs from the advertising bearer, decrypts
 * them with the subnets' keys (3.9.7.2), applies the IV Index receive rule (3.10.5), the network message
 * cache (3.4.6.5), delivers PDUs addressed to this node to the lower transport, and relays the others
 * (3.4.6.3); sends this node's PDUs with its Network Transmit state (4.2.19).
 *
 * Drop rules, each without any reply or state change: no subnet whose NID and NetMIC match (wrong key, bad
 * NetMIC, wrong IV Index), a PDU already in the cache, a PDU whose SRC is one of this node's own element
 * addresses (our own PDU heard back), a SRC that is not unicast, DST unassigned.
 *
 * Relay (3.4.6.3): only with the Relay feature enabled, only PDUs with TTL >= 2 (a PDU received with TTL 0
 * or 1 is never relayed), never a PDU addressed to one of this node's unicast addresses, never our own;
 * relayed with TTL - 1, the same SEQ and SRC and IV Index, with the Relay Retransmit state (4.2.20).
 */
import type { Bytes, Clock, CryptoPrimitives, Logger, TimerHandle } from "../platform.js";
import { AD_TYPE } from "../platform.js";
import type { AdvBearer } from "../bearer/adv.js";
import type { TransmitState } from "../access/model.js";
import { MessageCache } from "./cache.js";
import type { NetState } from "./state.js";
import { decodeNetworkPdu, encodeNetworkPdu, peekIviNid } from "./pdu.js";
import type { NetworkHeader, NetworkKeys } from "./pdu.js";

const TAG = "net";

/** A subnet: one NetKey and the material derived from it (3.9.6.3). */
export interface Subnet {
  netKeyIndex: number;
  netKey: Bytes;
  keys: NetworkKeys;
  networkId: Bytes;
  beaconKey: Bytes;
}

/** A network PDU delivered to the lower transport. */
export interface NetworkRx {
  header: NetworkHeader;
  transportPdu: Bytes;
  netKeyIndex: number;
  rssi?: number;
}

/** What the network layer asks of the node. */
export interface NetworkHost {
  subnets(): readonly Subnet[];
  /** True for this node's element addresses. */
  isOwnUnicast(address: number): boolean;
  /** True when this node takes PDUs to `dst` (own unicast, subscribed group or virtual address, fixed groups that apply). */
  accepts(dst: number): boolean;
  relayEnabled(): boolean;
  relayRetransmit(): TransmitState;
  networkTransmit(): TransmitState;
  deliver(rx: NetworkRx): void;
}

/** Interval of a Network Transmit / Relay Retransmit state: (steps + 1) * 10 ms (4.2.19, 4.2.20). */
export function transmitIntervalMs(t: TransmitState): number {
  return (t.intervalSteps + 1) * 10;
}

/** Counters, for tests and the simulation's figures. */
export interface NetworkStats {
  received: number;
  delivered: number;
  relayed: number;
  sent: number;
  /** PDUs no subnet could decrypt (wrong NID, bad NetMIC, other IV Index, malformed). */
  notForUs: number;
  duplicates: number;
  ownEcho: number;
}

export class NetworkLayer {
  readonly cache: MessageCache;
  readonly stats: NetworkStats = { received: 0, delivered: 0, relayed: 0, sent: 0, notForUs: 0, duplicates: 0, ownEcho: 0 };
  private unsubscribe: (() => void) | undefined;
  private readonly timers = new Set<TimerHandle>();

  constructor(
    private readonly adv: AdvBearer,
    private readonly crypto: CryptoPrimitives,
    private readonly clock: Clock,
    private readonly state: NetState,
    private readonly host: NetworkHost,
    cacheSize?: number,
    private readonly logger?: Logger,
  ) {
    this.cache = new MessageCache(cacheSize);
  }

  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.adv.subscribe(AD_TYPE.MESH_MESSAGE, (p) => this.receive(p.data, p.rssi));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    for (const t of this.timers) this.clock.clearTimeout(t);
    this.timers.clear();
  }

  /** IV Index for a received IVI bit (3.10.5): the current one when IVI matches its low bit, else current - 1. */
  rxIvIndex(ivi: number): number {
    const cur = this.state.ivIndex;
    return (cur & 1) === ivi ? cur : (cur - 1) >>> 0;
  }

  /** Processes one received network PDU (AD data of a Mesh Message AD structure). Never throws. */
  receive(pdu: Bytes, rssi?: number): void {
    this.stats.received++;
    const peek = peekIviNid(pdu);
    if (!peek) {
      this.stats.notForUs++;
      return;
    }
    const ivIndex = this.rxIvIndex(peek.ivi);
    for (const subnet of this.host.subnets()) {
      if (subnet.keys.nid !== peek.nid) continue;
      const r = decodeNetworkPdu(this.crypto, subnet.keys, ivIndex, pdu);
      if (!r) continue;
      const h = r.header;
      if (!this.cache.add(h.src, h.seq)) {
        this.stats.duplicates++;
        return;
      }
      if (this.host.isOwnUnicast(h.src)) {
        this.stats.ownEcho++;
        return;
      }
      if (this.host.accepts(h.dst)) {
        this.stats.delivered++;
        this.host.deliver({ header: h, transportPdu: r.transportPdu, netKeyIndex: subnet.netKeyIndex, ...(rssi !== undefined ? { rssi } : {}) });
      }
      if (this.host.relayEnabled() && h.ttl >= 2 && !this.host.isOwnUnicast(h.dst)) this.relay(subnet, h, r.transportPdu);
      return;
    }
    this.stats.notForUs++;
  }

  /**
   * Sends a PDU of this node (the caller allocated `seq` and chose the IV Index it encrypts with). A PDU to
   * one of our own unicast addresses is delivered locally and not sent; one to a group we take is both
   * delivered locally and sent (3.4.6: the local interface). Returns false for an unknown subnet.
   */
  send(netKeyIndex: number, header: NetworkHeader, transportPdu: Bytes): boolean {
    const subnet = this.host.subnets().filter((s) => s.netKeyIndex === netKeyIndex)[0];
    if (!subnet) return false;
    this.cache.add(header.src, header.seq);
    const local = this.host.isOwnUnicast(header.dst) || this.host.accepts(header.dst);
    if (local) {
      const rx: NetworkRx = { header: { ...header }, transportPdu: transportPdu.slice(), netKeyIndex };
      this.later(0, () => this.host.deliver(rx));
    }
    if (this.host.isOwnUnicast(header.dst)) return true;
    const pdu = encodeNetworkPdu(this.crypto, subnet.keys, header, transportPdu);
    const t = this.host.networkTransmit();
    this.stats.sent++;
    this.adv.send(AD_TYPE.MESH_MESSAGE, pdu, { count: t.count + 1, intervalMs: transmitIntervalMs(t) });
    return true;
  }

  private relay(subnet: Subnet, h: NetworkHeader, transportPdu: Bytes): void {
    const pdu = encodeNetworkPdu(this.crypto, subnet.keys, { ...h, ttl: h.ttl - 1 }, transportPdu);
    const t = this.host.relayRetransmit();
    this.stats.relayed++;
    // A small random delay (0..15 ms) so that relays that heard the same PDU do not all transmit at once.
    const delay = this.crypto.randomBytes(1)[0]! & 0x0f;
    this.later(delay, () => {
      try {
        this.adv.send(AD_TYPE.MESH_MESSAGE, pdu, { count: t.count + 1, intervalMs: transmitIntervalMs(t) });
      } catch (e) {
        this.logger?.log("warn", TAG, "relay failed: " + (e instanceof Error ? e.message : String(e)));
      }
    });
  }

  private later(ms: number, f: () => void): void {
    const t = this.clock.setTimeout(() => {
      this.timers.delete(t);
      f();
    }, ms);
    this.timers.add(t);
  }
}
