/**
 * The node facade's contract: what the applications (modules/app/) and the simulation (host/mesh-*.ts)
 * use to run a provisioned node. modules/node/node.ts implements it.
 */
import type { Bytes, Platform } from "../platform.js";
import type { AdvBearer } from "../bearer/adv.js";
import type { SarReceiver, SarTransmitter } from "../transport/sar.js";
import type { ProvisioningRecord } from "../device/record.js";
import type { CompositionInfo, Element } from "../access/model.js";

/** Options of a node; the defaults are the spec's and our products'. */
export interface NodeOptions {
  /** The provisioning record (keys, address, IV index, element count) the provisioning left in storage. */
  record: ProvisioningRecord;
  /** The node's elements and models; element i gets address record.data.unicastAddress + i. */
  elements: Element[];
  /** Company, product, version identifiers for Composition Data page 0 (crpl and features are filled in). */
  composition: Pick<CompositionInfo, "cid" | "pid" | "vid">;
  /** Replay protection list size (entries). Default 32. */
  rplSize?: number;
  /** Whether the node supports the Relay feature (then Relay starts enabled). Default true. */
  relaySupported?: boolean;
  /** Default TTL at first start (4.2.7). Default 5. */
  defaultTtl?: number;
  /**
   * IV Update test mode (3.10.5.1): the 96-hour minimum durations are waived, as the spec allows for
   * testing. Default false.
   */
  ivUpdateTestMode?: boolean;
  /** The advertising bearer to share (the device's; one per radio). Default: a new one on platform.radio. */
  bearer?: AdvBearer;
  /** Storage key of the provisioning record, removed first on Node Reset. Default "prov". */
  recordKey?: string;
  /** Sequence numbers reserved per flash write (see modules/net/state.ts). Default 1024. */
  seqBlockSize?: number;
  /** RPL persistence window (see modules/transport/rpl.ts). Default 1: exact, one write per accepted message. */
  rplPersistWindow?: number;
  /** Network message cache entries. Default 64. */
  messageCacheSize?: number;
  /** Reassembly contexts at once. Default 4. */
  maxRxContexts?: number;
  /** SAR states (3.5.3; MshPRT 1.1 defaults). */
  sarTransmitter?: Partial<SarTransmitter>;
  sarReceiver?: Partial<SarReceiver>;
  /** Secure Network beacon interval, ms. Default 10000 (3.10.3). */
  beaconIntervalMs?: number;
}

/** Events the node reports to its application. */
export type NodeEvent =
  /** Node Reset done: storage cleared; the application goes back to unprovisioned. */
  | { type: "reset" }
  /** The IV index or IV Update flag changed (3.10.5). */
  | { type: "iv-index"; ivIndex: number; ivUpdate: boolean }
  /** A Heartbeat message matching the Heartbeat Subscription arrived (3.6.7.2, 4.2.18). */
  | { type: "heartbeat"; src: number; dst: number; hops: number; features: number }
  /** Storage refused a write or held a corrupt record (the record is then ignored). */
  | { type: "storage-error"; reason: string }
  /** A new source's message was refused because the replay protection list is full (3.9.8). */
  | { type: "rpl-full"; src: number };

/** A running node. */
export interface MeshNode {
  readonly unicastAddress: number;
  /** Start receiving and sending (beacons, heartbeats, periodic publications). */
  start(): void;
  /** Stop all timers and receiving; the node can be started again. State stays in storage. */
  stop(): void;
  onEvent: ((event: NodeEvent) => void) | undefined;
  /** This node's device key (for a provisioner's Configuration Client that configures itself). */
  readonly deviceKey: Bytes;
}

/** The platform services a node needs: storage is required (keys, sequence numbers, replay list). */
export type NodePlatform = Platform & { storage: NonNullable<Platform["storage"]> };
