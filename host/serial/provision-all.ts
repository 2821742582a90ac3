/**
 * Provision every unprovisioned device a modem hears, up to `links` at once, with retries: what
 * `meshprov provision --all --serial PATH` runs (the ECDH of every link on the host, host/serial/driver.ts).
 */
import type { Bytes } from "../../modules/platform.js";
import type { ProvisioningData } from "../../modules/prov/api.js";
import { bytesToHex } from "../../modules/crypto/bytes.js";
import type { ModemDriver, ProvisionHandlers, ProvisionResult } from "./driver.js";

export interface ProvisionAllOptions {
  /** Links at once (default: the modem's maxLinks). */
  links?: number;
  /** Which beacons to take (default: all). */
  accept?: (uuid: Bytes) => boolean;
  /** The provisioning data for a device (its unicast address is allocated here by the caller). */
  data: (uuid: Bytes) => ProvisioningData;
  /** Per device: the OOB answers. */
  handlers?: (uuid: Bytes) => ProvisionHandlers;
  /** Attempts per device (default 3). */
  attempts?: number;
  onResult?: (uuid: Bytes, result: ProvisionResult | Error, attempt: number) => void;
}

export interface ProvisionAllRun {
  /** Devices provisioned, by UUID hex. */
  readonly done: Map<string, ProvisionResult>;
  /** Devices given up on, with the last reason. */
  readonly failed: Map<string, Error>;
  /** Links open now. */
  readonly running: number;
  /** The UUIDs with a link open now (Ctrl-C closes them). */
  readonly active: readonly Bytes[];
  /** Stop taking new devices (links already open finish). */
  stop(): void;
}

export function provisionAll(driver: ModemDriver, o: ProvisionAllOptions): ProvisionAllRun {
  const links = o.links ?? driver.hello?.maxLinks ?? 1;
  const attempts = o.attempts ?? 3;
  const done = new Map<string, ProvisionResult>();
  const failed = new Map<string, Error>();
  const tries = new Map<string, number>();
  const queue: Bytes[] = [];
  const queued = new Set<string>();
  /** UUIDs with a link now. */
  const active = new Map<string, Bytes>();
  let running = 0;
  let stopped = false;

  const pump = (): void => {
    while (!stopped && running < links && queue.length) {
      const uuid = queue.shift()!;
      const key = bytesToHex(uuid);
      queued.delete(key);
      const attempt = (tries.get(key) ?? 0) + 1;
      tries.set(key, attempt);
      running++;
      active.set(key, uuid);
      const end = (r: ProvisionResult | Error): void => {
        running--;
        active.delete(key);
        if (r instanceof Error) {
          if (attempt >= attempts) failed.set(key, r);
        } else done.set(key, r);
        o.onResult?.(uuid, r, attempt);
        pump();
      };
      driver.provision(uuid, o.data(uuid), o.handlers?.(uuid) ?? {}).then(end, (e: unknown) => end(e instanceof Error ? e : new Error(String(e))));
    }
  };

  const previous = driver.onEvent;
  driver.onEvent = (e) => {
    previous?.(e);
    if (e.ev !== "unprovisioned" || stopped) return;
    const key = bytesToHex(e.uuid);
    if (done.has(key) || failed.has(key) || queued.has(key) || active.has(key) || (o.accept && !o.accept(e.uuid))) return;
    queue.push(e.uuid);
    queued.add(key);
    pump();
  };
  return {
    done,
    failed,
    get running() {
      return running;
    },
    get active() {
      return [...active.values()];
    },
    stop() {
      stopped = true;
      driver.onEvent = previous;
    },
  };
}
