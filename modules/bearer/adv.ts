/**
 * The advertising bearer (Mesh Protocol 1.1, 3.3.1): mesh packets travel as AD structures of
 * ADV_NONCONN_IND advertisements, one AD type per use: PB-ADV 0x29 (5.2.1), Mesh Message 0x2A (3.3.1),
 * Mesh Beacon 0x2B (3.10). AdvBearer is the one owner of the Radio: PB-ADV, beacons and network
 * messages share it through subscribe()/send(). It keeps the radio's receiver (and so scanning) on
 * while anyone is subscribed.
 */
import { AD_TYPE } from "../platform.js";
import type { AdvertiseHandle, AdvertiseOptions, Bytes, Clock, Logger, Radio, RadioPacket, TimerHandle } from "../platform.js";
import { decodeBeacon, encodeUnprovisionedBeacon } from "../beacon.js";
import type { DeviceAnnouncement, DeviceBearer, DeviceFound, LinkEvents, ProvLink, ProvisionerBearer } from "./bearer.js";

/**
 * Largest AD data: an advertising PDU's AdvData is 31 octets; one AD structure spends one octet on
 * its length and one on its AD type (3.3.1).
 */
export const AD_DATA_MAX = 29;

/** Raised by AdvBearer for bad arguments. */
export class AdvBearerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AdvBearerError";
  }
}

export type AdvHandler = (packet: RadioPacket) => void;

const TAG = "adv";

export class AdvBearer {
  private readonly handlers = new Map<number, AdvHandler[]>();
  private receiving = false;
  private readonly receiver = (packet: RadioPacket): void => this.dispatch(packet);

  constructor(
    private readonly radio: Radio,
    readonly clock: Clock,
    private readonly logger?: Logger,
  ) {}

  /**
   * Receive every packet of `adType`. Several handlers per AD type are allowed; each gets every packet,
   * in subscription order. Returns the function that unsubscribes this handler (idempotent).
   */
  subscribe(adType: number, handler: AdvHandler): () => void {
    checkAdType(adType);
    if (typeof handler !== "function") throw new AdvBearerError("handler is not a function");
    const list = this.handlers.get(adType) ?? [];
    // Each subscription is its own entry, so the same function subscribed twice is called twice.
    const entry: AdvHandler = (p) => handler(p);
    this.handlers.set(adType, [...list, entry]);
    this.updateReceiver();
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      const current = this.handlers.get(adType) ?? [];
      const rest = current.filter((h) => h !== entry);
      if (rest.length) this.handlers.set(adType, rest);
      else this.handlers.delete(adType);
      this.updateReceiver();
    };
  }

  /** Number of subscriptions (all AD types). */
  get subscriptions(): number {
    let n = 0;
    for (const list of this.handlers.values()) n += list.length;
    return n;
  }

  /**
   * Advertise one AD structure in `options.count` advertising events, `options.intervalMs` apart
   * (the radio queues it behind earlier advertisements). `onDone` runs after the last event went out,
   * not after cancel(). `data` is copied.
   */
  send(adType: number, data: Bytes, options: AdvertiseOptions, onDone?: () => void): AdvertiseHandle {
    checkAdType(adType);
    if (!(data instanceof Uint8Array)) throw new AdvBearerError("AD data is not a Uint8Array");
    if (data.length > AD_DATA_MAX) throw new AdvBearerError(`AD data of ${data.length} octets > ${AD_DATA_MAX}`);
    if (!options || !Number.isInteger(options.count) || options.count < 1)
      throw new AdvBearerError(`advertising count ${options?.count} (an integer >= 1 is needed)`);
    if (!Number.isFinite(options.intervalMs) || options.intervalMs < 0)
      throw new AdvBearerError(`advertising interval ${options.intervalMs} ms`);
    let finished = false;
    const handle = this.radio.advertise(adType, new Uint8Array(data), { count: options.count, intervalMs: options.intervalMs }, () => {
      if (finished) return;
      finished = true;
      if (onDone) this.guard("onDone", onDone);
    });
    return {
      cancel: () => {
        if (finished) return;
        finished = true;
        handle.cancel();
      },
    };
  }

  private dispatch(packet: RadioPacket): void {
    if (!packet || !(packet.data instanceof Uint8Array)) return;
    const list = this.handlers.get(packet.adType);
    if (!list) return;
    // indexed and without a closure per packet: this runs for every packet heard
    for (let i = 0; i < list.length; i++) this.guard("handler", list[i]!, packet);
  }

  private updateReceiver(): void {
    const want = this.handlers.size > 0;
    if (want === this.receiving) return;
    this.receiving = want;
    this.radio.setReceiver(want ? this.receiver : null);
  }

  /** A subscriber's or caller's exception must not unwind into the radio driver. */
  private guard(what: string, f: (packet: RadioPacket) => void, packet?: RadioPacket): void {
    try {
      f(packet!);
    } catch (e) {
      this.logger?.log("error", TAG, `${what} threw: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

function checkAdType(adType: number): void {
  if (!Number.isInteger(adType) || adType < 0 || adType > 0xff) throw new AdvBearerError(`AD type ${adType}`);
}

/** What the beacons need of the advertising bearer (AdvBearer has it). */
export type AdvPort = Pick<AdvBearer, "subscribe" | "send">;

/**
 * Unprovisioned Device beacons (3.10.2) on the advertising bearer, in the Mesh Beacon AD type: a device
 * announces itself with one every interval; a provisioner scans for them (scanUnprovisionedBeacons). They belong
 * to the advertising bearer, not to the provisioning roles: pbAdvDeviceBearer() and pbAdvBearer() attach them to
 * PB-ADV.
 */
export class UnprovisionedBeacons {
  private timer: TimerHandle | undefined;
  private handle: AdvertiseHandle | undefined;

  constructor(
    private readonly adv: AdvPort,
    private readonly clock: Clock,
  ) {}

  /** Send the beacon of `announcement` now and every `intervalMs`; `undefined` stops. Throws RangeError on bad fields. */
  announce(announcement: DeviceAnnouncement | undefined, intervalMs: number): void {
    this.stop();
    if (!announcement) return;
    if (!Number.isFinite(intervalMs) || intervalMs <= 0) throw new RangeError("beacon interval must be > 0 ms");
    const beacon = encodeUnprovisionedBeacon(announcement);
    const tick = (): void => {
      this.handle = this.adv.send(AD_TYPE.MESH_BEACON, beacon, { count: 1, intervalMs: 20 }); // one advertising event a beacon
      this.timer = this.clock.setTimeout(tick, intervalMs);
    };
    this.timer = this.clock.setTimeout(tick, 0);
  }

  private stop(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.handle?.cancel();
    this.handle = undefined;
  }
}

/**
 * Report each Unprovisioned Device beacon (3.10.2) heard on the advertising bearer (other and malformed beacons
 * are ignored): a provisioner's scan. Returns the stop function.
 */
export function scanUnprovisionedBeacons(adv: AdvPort, onFound: (device: DeviceFound) => void): () => void {
  return adv.subscribe(AD_TYPE.MESH_BEACON, (packet: RadioPacket) => {
    const b = decodeBeacon(packet.data);
    if (b.type !== "unprovisioned") return;
    onFound(b.uriHash ? { uuid: b.uuid, oobInfo: b.oobInfo, uriHash: b.uriHash, rssi: packet.rssi } : { uuid: b.uuid, oobInfo: b.oobInfo, rssi: packet.rssi });
  });
}

/**
 * PB-ADV on a device as one entry of the Provisioning API's list of bearers: links from `pbAdv` (pb-adv.ts
 * PbAdvDevice), the device announced by Unprovisioned Device beacons on the advertising bearer it runs on.
 */
export function pbAdvDeviceBearer(pbAdv: DeviceBearer, adv: AdvPort, clock: Clock): DeviceBearer {
  const beacons = new UnprovisionedBeacons(adv, clock);
  return {
    listen: (uuid: Bytes, events: LinkEvents) => pbAdv.listen(uuid, events),
    stopListening: () => pbAdv.stopListening(),
    announce: (announcement, intervalMs) => beacons.announce(announcement, intervalMs),
  };
}

/**
 * PB-ADV with both roles as one entry of the Provisioning API's list of bearers: the device's side
 * (pbAdvDeviceBearer), links opened by `pbAdv` (pb-adv.ts PbAdv), and device discovery from the Unprovisioned
 * Device beacons of the advertising bearer it runs on.
 */
export function pbAdvBearer(pbAdv: DeviceBearer & ProvisionerBearer, adv: AdvPort, clock: Clock): DeviceBearer & ProvisionerBearer {
  return {
    ...pbAdvDeviceBearer(pbAdv, adv, clock),
    open: (uuid: Bytes, events: LinkEvents): ProvLink => pbAdv.open(uuid, events),
    scan: (onFound) => scanUnprovisionedBeacons(adv, onFound),
  };
}
