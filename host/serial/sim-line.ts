/**
 * A simulated serial line on a Clock: 8N1 at a baud rate (10 bit times per byte), one byte stream per
 * direction, each direction busy while its bytes go out, plus a fixed latency (a USB-serial adapter's
 * buffering). Counts the bytes, and can show every byte to a tap (the capture test of §2.3).
 *
 * `simModem()` puts the modem application on an air hub's radio and a ModemDriver on the other end of such a line:
 * the in-process set-up of the tests and of the provisioner benchmark's --serial column.
 */
import type { Bytes, Clock, CryptoPrimitives, Logger } from "../../modules/platform.js";
import { startModem } from "../../modules/serial/app.js";
import type { MeshModem } from "../../modules/serial/modem.js";
import { ModemMesh } from "../../modules/serial/mesh.js";
import type { AirHub } from "../air/hub.js";
import { ResetReason } from "../../modules/serial/protocol.js";
import { ModemDriver } from "./driver.js";
import type { ModemDriverOptions } from "./driver.js";

export interface SerialLineOptions {
  /** Bits per second (8N1: 10 bits per byte). Infinity: no serialisation delay. */
  baud: number;
  /** One-way latency added to every chunk, ms. */
  latencyMs: number;
  /** Tests: the probability that a chunk has one bit flipped (a noisy line), with the seeded `random`. */
  corruptRate?: number;
  random?: (n: number) => Bytes;
}

/** One direction of a serial line. */
export class SimSerialDirection {
  bytes = 0;
  /** Chunks corrupted (corruptRate). */
  corrupted = 0;
  private busyUntil = 0;
  constructor(
    private readonly clock: Clock,
    private readonly o: SerialLineOptions,
    private readonly deliver: (bytes: Bytes) => void,
    private readonly tap?: (bytes: Bytes) => void,
  ) {}

  write(bytes: Bytes): void {
    const copy = bytes.slice();
    this.bytes += copy.length;
    const rate = this.o.corruptRate ?? 0;
    if (rate > 0 && copy.length) {
      const r = this.o.random!(5);
      if (r[0]! / 256 < rate) {
        copy[((r[1]! << 8) | r[2]!) % copy.length]! ^= 1 << (r[3]! & 7);
        this.corrupted++;
      }
    }
    this.tap?.(copy);
    const now = this.clock.now();
    const start = Math.max(now, this.busyUntil);
    this.busyUntil = start + (Number.isFinite(this.o.baud) ? (copy.length * 10 * 1000) / this.o.baud : 0);
    this.clock.setTimeout(() => this.deliver(copy), this.busyUntil + this.o.latencyMs - now);
  }
}

export interface SimModemOptions {
  hub: AirHub;
  clock: Clock;
  /** The modem's crypto (AES, CMAC, validation; it never uses a P-256 private key). */
  modemCrypto: CryptoPrimitives;
  /** The host's crypto (key pairs, ECDH). */
  hostCrypto: CryptoPrimitives;
  line: SerialLineOptions;
  maxLinks?: number;
  /** Give the modem its mesh node (docs/serial-protocol.md §3.5). Default true. */
  mesh?: boolean;
  driver?: Partial<ModemDriverOptions>;
  /** Every byte on the wire, both directions (host → modem "tx", modem → host "rx"). */
  tap?: (direction: "tx" | "rx", bytes: Bytes) => void;
  logger?: Logger;
}

/** A modem on the hub's air (modules/serial/app.ts startModem) and its driver at the other end of a simulated serial line. */
export function simModem(o: SimModemOptions): { modem: MeshModem; driver: ModemDriver; toModem: SimSerialDirection; toHost: SimSerialDirection; reset(): MeshModem } {
  let driver: ModemDriver | undefined;
  let fromHost: (bytes: Bytes | undefined) => void = () => {};
  const toHost = new SimSerialDirection(o.clock, o.line, (b) => driver!.receive(b), o.tap ? (b) => o.tap!("rx", b) : undefined);
  const toModem = new SimSerialDirection(o.clock, o.line, (b) => fromHost(b), o.tap ? (b) => o.tap!("tx", b) : undefined);
  /** The modem application on a fresh radio: at the start, and after a reset (all its RAM lost). */
  let boots = 0;
  const boot = (resetReason?: number): MeshModem => {
    const radio = o.hub.createRadio(boots++ ? `modem-${boots}` : "modem");
    return startModem(
      { crypto: o.modemCrypto, clock: o.clock, radio, ...(o.logger ? { logger: o.logger } : {}) },
      { write: (b) => toHost.write(b), onData: (h) => void (fromHost = h) },
      {
        ...(o.maxLinks !== undefined ? { maxLinks: o.maxLinks } : {}),
        ...(o.mesh === false ? {} : { mesh: (p, e) => new ModemMesh(p, e) }),
        ...(resetReason !== undefined ? { resetReason } : {}),
      },
    );
  };
  let current = boot();
  const modem = current;
  driver = new ModemDriver({
    write: (b) => toModem.write(b),
    clock: o.clock,
    crypto: o.hostCrypto,
    ...(o.logger ? { logger: o.logger } : {}),
    ...o.driver,
  });
  // A reset: the old modem stops dead (its node's timers end; its radio stays on the air, silent) and a new
  // one with nothing in RAM takes over the line.
  const reset = (): MeshModem => {
    current.stop();
    current = boot(ResetReason.Soft);
    return current;
  };
  return { modem, driver, toModem, toHost, reset };
}

/**
 * Run a virtual clock while `notDone()`, letting promise continuations (the driver's async steps) run
 * between timers. Returns true when `notDone()` became false.
 */
export async function runVirtual(
  clock: { step(): boolean; now(): number; nextEventTime(): number | undefined },
  notDone: () => boolean,
  limitMs: number,
): Promise<boolean> {
  const end = clock.now() + limitMs;
  const flush = () => new Promise<void>((r) => setImmediate(r));
  let idle = 0;
  while (notDone()) {
    const next = clock.nextEventTime();
    if (next === undefined) {
      await flush();
      if (++idle > 3) return !notDone();
      continue;
    }
    idle = 0;
    if (next > end) return false;
    clock.step();
    await flush();
  }
  return true;
}

/** Run a virtual clock until `p` settles (at most `limitMs`), then return its value or throw its error. */
export async function untilSettled<T>(
  clock: { step(): boolean; now(): number; nextEventTime(): number | undefined },
  p: Promise<T>,
  limitMs = 60_000,
): Promise<T> {
  let settled = false;
  const watched = p.finally(() => (settled = true));
  watched.catch(() => undefined);
  await runVirtual(clock, () => !settled, limitMs);
  if (!settled) throw new Error(`not settled within ${limitMs} ms of simulated time`);
  return watched;
}
