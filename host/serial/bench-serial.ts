/**
 * Provisioning through a modem over a simulated serial line (host/serial/sim-line.ts), virtual time: one JSON
 * line per configuration with the simulated seconds for all devices and the serial bytes per device: the
 * `--serial` rows of `npm run bench:provisioner -- --serial` (host/bench-provisioner.ts calls
 * serialBenchRows()), or by itself:
 *
 *   tsx host/serial/bench-serial.ts [--devices 100] [--links 4] [--baud none,115200,1000000] [--latency-ms 2] [--seed 1]
 *
 * "none" is the same modem and driver with no line delay: the reference for the serial rows.
 *
 * The devices are those of the in-process provisioner's rows (host/bench-provisioner.ts): lights and switches
 * without output/input OOB (No OOB chosen, HMAC), 30 ms of simulated ECDH on each device, powered on at random
 * moments of the first second. The ECDH of each link is on the host (instant in simulated time).
 */
import { pathToFileURL } from "node:url";
import { SimNetwork } from "../network.js";
import { NodeCryptoPrimitives, seededRandom } from "../node-crypto.js";
import { AuthenticationMethod } from "../../modules/prov/pdu.js";
import { readU16BE } from "../../modules/util/bytes.js";
import { runVirtual, simModem, untilSettled } from "./sim-line.js";
import { provisionAll } from "./provision-all.js";

export interface SerialBenchRow {
  devices: number;
  links: number;
  serial: "none" | { baud: number; latencyMs: number };
  simulatedS: number;
  serialBytesPerDevice: number;
  hostToModemBytesPerDevice: number;
  modemToHostBytesPerDevice: number;
  hostCpuMsPerDevice: number;
  success: number;
  failed: number;
}

const noOob = () => ({ algorithm: 1, publicKey: 0, method: AuthenticationMethod.NoOob, action: 0, size: 0 });

/** One configuration: `devices` through one modem with `links` links, on a line of `baud` (Infinity: no line delay). */
export async function serialBenchRow(o: { devices: number; links: number; baud: number; latencyMs: number; seed: number; limitS?: number }): Promise<SerialBenchRow> {
  const { devices, links, baud, seed } = o;
  const net = new SimNetwork({ seed, ecdhComputeMs: 30, logger: { log() {} } });
  for (let i = 0; i < devices; i++) net.addDevice({ name: `d${i}`, kind: i % 2 ? "switch" : "light", capabilities: { outputOobAction: 0, outputOobSize: 0, inputOobAction: 0, inputOobSize: 0 } });
  const rnd = seededRandom(seed + 7);
  const s = simModem({
    hub: net.hub,
    clock: net.clock,
    modemCrypto: net.crypto,
    hostCrypto: new NodeCryptoPrimitives({ random: seededRandom(seed + 8) }),
    line: { baud, latencyMs: baud === Infinity ? 0 : o.latencyMs },
    maxLinks: links,
  });
  const cpu0 = process.cpuUsage();
  await untilSettled(net.hub.virtualClock, s.driver.connect());
  const t0 = net.clock.now();
  // powered on at random moments of the first second, as the in-process rows' devices
  for (const d of net.devices) net.clock.setTimeout(() => d.app!.start(), (readU16BE(net.crypto.randomBytes(2), 0) / 0x10000) * 1000);
  await untilSettled(net.hub.virtualClock, s.driver.scanStart());
  let next = 0x0100;
  const netKey = rnd(16);
  let last = t0;
  const run = provisionAll(s.driver, {
    links,
    data: () => ({ networkKey: netKey, keyIndex: 0, flags: { keyRefresh: false, ivUpdate: false }, ivIndex: 0, unicastAddress: next++ }),
    handlers: () => ({ oobPolicy: noOob }),
    onResult: () => void (last = net.clock.now()),
  });
  const settled = await runVirtual(net.hub.virtualClock, () => run.done.size + run.failed.size < devices, (o.limitS ?? 600) * 1000);
  const cpu = process.cpuUsage(cpu0);
  const bytes = s.toModem.bytes + s.toHost.bytes;
  run.stop();
  s.driver.close();
  await net.close();
  return {
    devices,
    links,
    serial: baud === Infinity ? "none" : { baud, latencyMs: o.latencyMs },
    simulatedS: Math.round(((settled ? last : net.clock.now()) - t0) / 10) / 100,
    serialBytesPerDevice: Math.round(bytes / devices),
    hostToModemBytesPerDevice: Math.round(s.toModem.bytes / devices),
    modemToHostBytesPerDevice: Math.round(s.toHost.bytes / devices),
    hostCpuMsPerDevice: Math.round(((cpu.user + cpu.system) / 1000 / devices) * 10) / 10,
    success: run.done.size,
    failed: run.failed.size,
  };
}

/** The rows of `npm run bench:provisioner -- --serial`: 100 devices through one modem at 115200 and 1 Mbaud (2 ms latency), and with no line delay. */
export async function serialBenchRows(print: (row: SerialBenchRow) => void, o: { devices?: number; links?: number; seed?: number; limitS?: number } = {}): Promise<void> {
  for (const baud of [115200, 1_000_000, Infinity]) {
    print(await serialBenchRow({ devices: o.devices ?? 100, links: o.links ?? 4, baud, latencyMs: 2, seed: o.seed ?? 1, ...(o.limitS !== undefined ? { limitS: o.limitS } : {}) }));
  }
}

function usage(message: string): never {
  process.stderr.write(`bench-serial: ${message}\nusage: tsx host/serial/bench-serial.ts [--devices N] [--links N] [--baud none|B,…] [--latency-ms MS] [--seed N]\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) {
    if (!args[i]!.startsWith("--") || args[i + 1] === undefined) usage(`bad argument "${args[i]}"`);
    opt[args[i]!.slice(2)] = args[i + 1]!;
  }
  for (const k of Object.keys(opt)) if (!["devices", "links", "baud", "latency-ms", "seed"].includes(k)) usage(`unknown option --${k}`);
  const whole = (k: string, d: number, min: number, max: number): number => {
    const v = opt[k] === undefined ? d : Number(opt[k]);
    if (!Number.isInteger(v) || v < min || v > max) usage(`--${k} must be a whole number ${min}..${max}`);
    return v;
  };
  const devices = whole("devices", 100, 1, 1000);
  const links = whole("links", 4, 1, 16);
  const latencyMs = whole("latency-ms", 2, 0, 1000);
  const seed = whole("seed", 1, 0, 2 ** 31);
  const bauds = (opt.baud ?? "none,115200,1000000").split(",").map((b) => (b === "none" ? Infinity : Number(b)));
  if (bauds.some((b) => b !== Infinity && (!Number.isInteger(b) || b < 1200))) usage("--baud takes none or whole numbers >= 1200, comma separated");
  for (const baud of bauds) process.stdout.write(JSON.stringify(await serialBenchRow({ devices, links, baud, latencyMs, seed })) + "\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
