/**
 * Provisioning through a modem over a simulated serial line (host/serial/sim-line.ts), virtual time:
 * one JSON line per configuration with the simulated seconds for all devices and the serial bytes per
 * device, for the `--serial` column of the provisioner benchmark.
 *
 *   tsx host/serial/bench-serial.ts [--devices 100] [--links 4] [--baud none,115200,1000000] [--latency-ms 2] [--seed 1]
 *
 * "none" is the same modem and driver with no line delay: the reference for the serial rows.
 *
 * Devices run the device application in process (No OOB chosen, HMAC); the ECDH of each link is on the
 * host (instant in simulated time), the device's ECDH is charged 30 ms as in the simulator.
 */
import { performance } from "node:perf_hooks";
import { SimNetwork } from "../network.js";
import { NodeCryptoPrimitives, seededRandom } from "../node-crypto.js";
import { AuthenticationMethod } from "../../modules/prov/pdu.js";
import { runVirtual, simModem, untilSettled } from "./sim-line.js";
import { provisionAll } from "./provision-all.js";

function usage(message: string): never {
  process.stderr.write(`bench-serial: ${message}\nusage: tsx host/serial/bench-serial.ts [--devices N] [--links N] [--baud none|B,…] [--latency-ms MS] [--seed N]\n`);
  process.exit(2);
}

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
// "none": the same modem and driver with no line delay at all, the reference the serial rows compare with
const bauds = (opt.baud ?? "none,115200,1000000").split(",").map((b) => (b === "none" ? Infinity : Number(b)));
if (bauds.some((b) => b !== Infinity && (!Number.isInteger(b) || b < 1200))) usage("--baud takes none or whole numbers >= 1200, comma separated");

const noOob = () => ({ algorithm: 1, publicKey: 0, method: AuthenticationMethod.NoOob, action: 0, size: 0 });

for (const baud of bauds) {
  const net = new SimNetwork({ seed, logger: { log() {} } });
  for (let i = 0; i < devices; i++) net.addDevice({ name: `d${i}` });
  const rnd = seededRandom(seed + 7);
  const s = simModem({
    hub: net.hub,
    clock: net.clock,
    modemCrypto: net.crypto,
    hostCrypto: new NodeCryptoPrimitives({ random: seededRandom(seed + 8) }),
    line: { baud, latencyMs: baud === Infinity ? 0 : latencyMs },
    maxLinks: links,
  });
  const cpu0 = performance.now();
  await untilSettled(net.hub.virtualClock, s.driver.connect());
  net.start();
  const t0 = net.clock.now();
  await untilSettled(net.hub.virtualClock, s.driver.scanStart());
  let next = 0x0100;
  const netKey = rnd(16);
  const run = provisionAll(s.driver, {
    links,
    data: () => ({ networkKey: netKey, keyIndex: 0, flags: { keyRefresh: false, ivUpdate: false }, ivIndex: 0, unicastAddress: next++ }),
    handlers: () => ({ oobPolicy: noOob }),
  });
  await runVirtual(net.hub.virtualClock, () => run.done.size + run.failed.size < devices, 600_000);
  const simulatedS = (net.clock.now() - t0) / 1000;
  const cpuMs = performance.now() - cpu0;
  const bytes = s.toModem.bytes + s.toHost.bytes;
  process.stdout.write(
    JSON.stringify({
      devices,
      links,
      serial: baud === Infinity ? "none" : { baud, latencyMs },
      simulatedS: Math.round(simulatedS * 100) / 100,
      serialBytesPerDevice: Math.round(bytes / devices),
      hostToModemBytesPerDevice: Math.round(s.toModem.bytes / devices),
      modemToHostBytesPerDevice: Math.round(s.toHost.bytes / devices),
      processMsPerDevice: Math.round((cpuMs / devices) * 10) / 10,
      success: run.done.size,
      failed: run.failed.size,
    }) + "\n",
  );
  run.stop();
  await net.close();
}
