/**
 * The provisioning bearer interface (Mesh Protocol 1.1, 5.2): what the provisioning
 * protocol layer (modules/prov/) needs from a bearer. PB-ADV (pb-adv.ts, with the advertising bearer's
 * Unprovisioned Device beacons: adv.ts pbAdvBearer) implements it; a PB-GATT or PB-Remote bearer implements
 * the same and is added to the list of bearers the Provisioning API takes, without touching the roles.
 *
 * A bearer carries whole Provisioning PDUs: segmentation, acknowledgement,
 * retransmission and link timeouts are its business, not the protocol layer's.
 */
import type { Bytes } from "../platform.js";

/** Link Close Reason (Mesh Protocol 1.1, 5.3.1.4.3, Table 5.16); reasons 0x03..0xFF are reported as Fail. */
export const LinkCloseReason = {
  Success: 0x00,
  Timeout: 0x01,
  Fail: 0x02,
} as const;
export type LinkCloseReason = (typeof LinkCloseReason)[keyof typeof LinkCloseReason];

/** Events of one provisioning link, set by the protocol layer. */
export interface LinkEvents {
  /** The link is open (provisioner: Link Ack received; device: Link Open received and acked). */
  opened(link: ProvLink): void;
  /** A complete, FCS-checked Provisioning PDU arrived (first byte: the PDU type). */
  received(link: ProvLink, pdu: Bytes): void;
  /**
   * The link is closed: by the peer's Link Close (`byPeer` true), by our own close(), or by the bearer
   * (link establishment timeout or transaction timeout: reason Timeout). Called exactly once per link.
   */
  closed(link: ProvLink, reason: LinkCloseReason, byPeer: boolean): void;
}

/** One open (or opening) provisioning link. */
export interface ProvLink {
  /** The 32-bit Link ID. */
  readonly linkId: number;
  /** The device UUID (16 bytes) the link was opened to. */
  readonly uuid: Bytes;
  /**
   * Send one Provisioning PDU as one transaction. PDUs are sent in order; a PDU sent while an earlier one
   * is unacknowledged is queued. `acked` runs when the peer acknowledges this transaction.
   */
  send(pdu: Bytes, acked?: () => void): void;
  /** Close the link: Link Close with `reason` is sent (at least 3 times), then `closed` fires. */
  close(reason: LinkCloseReason): void;
}

/** What a device makes known so that provisioners find it: the Unprovisioned Device beacon's fields (3.10.2). */
export interface DeviceAnnouncement {
  /** Device UUID, 16 bytes. */
  uuid: Bytes;
  /** OOB Information (beacon.ts OOB_INFO bits). */
  oobInfo: number;
  /** URI Hash, 4 bytes, when the device advertises a URI. */
  uriHash?: Bytes;
}

/** A device a provisioner's bearer found, with the signal strength it was heard at (dBm). */
export interface DeviceFound extends DeviceAnnouncement {
  rssi: number;
}

/** Provisioner side of a bearer. */
export interface ProvisionerBearer {
  /** Open a link to the device with this UUID. `events.opened` or `events.closed(Timeout)` follows. */
  open(uuid: Bytes, events: LinkEvents): ProvLink;
  /**
   * Optional: report the unprovisioned devices this bearer finds (PB-ADV: Unprovisioned Device beacons on the
   * advertising bearer, 3.10.2; PB-GATT: connectable advertisements). Returns the function that stops.
   */
  scan?(onFound: (device: DeviceFound) => void): () => void;
}

/** Device (provisionee) side of a bearer. */
export interface DeviceBearer {
  /** Accept Link Opens addressed to `uuid`; `events` receives the events of every link so opened (one at a time). */
  listen(uuid: Bytes, events: LinkEvents): void;
  /** Stop accepting new links (an open link is not affected). */
  stopListening(): void;
  /**
   * Optional: make the device discoverable on this bearer (PB-ADV: an Unprovisioned Device beacon every
   * `intervalMs`, 3.10.2), starting now; `undefined` stops. The role stops it while a link is open.
   */
  announce?(announcement: DeviceAnnouncement | undefined, intervalMs: number): void;
}

/** One entry of the list of bearers the Provisioning API takes: a device side, a provisioner side, or both. */
export type ProvisioningBearer = DeviceBearer | ProvisionerBearer | (DeviceBearer & ProvisionerBearer);
