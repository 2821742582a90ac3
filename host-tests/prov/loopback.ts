/**
 * A PDU-level loopback provisioning bearer for the protocol tests: reliable, in order, a fixed delay per
 * hop on a VirtualClock, with a trace of every Provisioning PDU and a tamper hook for hostile-peer tests.
 * (The end-to-end tests run over the real PB-ADV on the simulated air instead.)
 */
import type { Bytes } from "../../modules/platform.js";
import { LinkCloseReason } from "../../modules/bearer/bearer.js";
import type { DeviceBearer, LinkEvents, ProvLink, ProvisionerBearer } from "../../modules/bearer/bearer.js";
import type { VirtualClock } from "../../host/virtual-clock.js";

export type Direction = "p2d" | "d2p";

export interface TraceEntry {
  dir: Direction;
  linkId: number;
  pdu: Bytes;
}

/**
 * Rewrites a PDU on its way: return the PDU (possibly changed), null to drop it, or several PDUs
 * (the first replaces it, the rest are injected after it).
 */
export type Tamper = (dir: Direction, pdu: Bytes) => Bytes | Bytes[] | null;

interface Side {
  link: LoopLink;
  events: LinkEvents;
  closed: boolean;
  /** close() was called: nothing more is sent. */
  closing?: boolean;
  /** Frees the device for the next link. */
  release?: () => void;
}

class LoopLink implements ProvLink {
  peer: Side | undefined;
  self!: Side;
  constructor(
    private readonly air: LoopbackAir,
    readonly linkId: number,
    readonly uuid: Bytes,
    readonly dir: Direction,
  ) {}

  send(pdu: Bytes, acked?: () => void): void {
    if (this.self.closed || this.self.closing) return;
    this.air.transmit(this, pdu.slice(), acked);
  }

  close(reason: LinkCloseReason): void {
    this.air.close(this, reason);
  }
}

export class LoopbackAir {
  readonly trace: TraceEntry[] = [];
  tamper: Tamper | undefined;
  private readonly devices = new Map<string, { events: LinkEvents; busy: boolean }>();
  private nextLinkId = 0x23af5850;

  constructor(
    readonly clock: VirtualClock,
    readonly hopMs = 10,
    readonly linkEstablishmentTimeoutMs = 60_000,
  ) {}

  /** PDUs of one direction (after tampering), in order. */
  pdus(dir?: Direction): Bytes[] {
    return this.trace.filter((t) => !dir || t.dir === dir).map((t) => t.pdu);
  }

  deviceBearer(): DeviceBearer {
    let mine: string | undefined;
    return {
      listen: (uuid, events) => {
        mine = hex(uuid);
        const old = this.devices.get(mine);
        this.devices.set(mine, { events, busy: old?.busy ?? false });
      },
      stopListening: () => {
        if (mine !== undefined) {
          const d = this.devices.get(mine);
          if (d && !d.busy) this.devices.delete(mine);
          else if (d) d.events = noEvents;
        }
      },
    };
  }

  provisionerBearer(): ProvisionerBearer {
    return {
      open: (uuid, events) => {
        const linkId = this.nextLinkId++;
        const pLink = new LoopLink(this, linkId, uuid.slice(), "p2d");
        pLink.self = { link: pLink, events, closed: false };
        const key = hex(uuid);
        this.clock.setTimeout(() => {
          const dev = this.devices.get(key);
          if (!dev || dev.busy || dev.events === noEvents || pLink.self.closed) {
            // No Link Ack: the link establishment timer closes the link (5.3.2).
            this.clock.setTimeout(() => this.finish(pLink.self, LinkCloseReason.Timeout, false), this.linkEstablishmentTimeoutMs - this.hopMs);
            return;
          }
          dev.busy = true;
          const dLink = new LoopLink(this, linkId, uuid.slice(), "d2p");
          const dSide: Side = { link: dLink, events: dev.events, closed: false };
          dLink.self = dSide;
          dLink.peer = pLink.self;
          pLink.peer = dSide;
          const release = () => {
            dev.busy = false;
            if (dev.events === noEvents) this.devices.delete(key);
          };
          dSide.release = release;
          dev.events.opened(dLink);
          this.clock.setTimeout(() => {
            if (!pLink.self.closed) pLink.self.events.opened(pLink);
          }, this.hopMs);
        }, this.hopMs);
        return pLink;
      },
    };
  }

  /** @internal */
  transmit(link: LoopLink, pdu: Bytes, acked?: () => void): void {
    let out: Bytes[] = [pdu];
    if (this.tamper) {
      const t = this.tamper(link.dir, pdu);
      out = t === null ? [] : Array.isArray(t) ? t : [t];
    }
    for (const p of out) this.trace.push({ dir: link.dir, linkId: link.linkId, pdu: p });
    const peer = link.peer;
    this.clock.setTimeout(() => {
      if (!peer || peer.closed) return;
      for (const p of out) if (!peer.closed) peer.events.received(peer.link, p);
      this.clock.setTimeout(() => {
        if (!link.self.closed && acked && out.length) acked();
      }, this.hopMs);
    }, this.hopMs);
  }

  /** @internal */
  close(link: LoopLink, reason: LinkCloseReason): void {
    const self = link.self;
    if (self.closed || self.closing) return;
    self.closing = true;
    const peer = link.peer;
    this.clock.setTimeout(() => {
      if (peer && !peer.closed) this.finish(peer, reason, true);
    }, this.hopMs);
    this.clock.setTimeout(() => this.finish(self, reason, false), this.hopMs * 3);
  }

  private finish(side: Side, reason: LinkCloseReason, byPeer: boolean): void {
    if (side.closed) return;
    side.closed = true;
    side.release?.();
    side.events.closed(side.link, reason, byPeer);
  }
}

const noEvents: LinkEvents = { opened() {}, received() {}, closed() {} };

function hex(b: Bytes): string {
  return Buffer.from(b).toString("hex");
}
