/**
 * npm run bench:provisioner: many devices, several links. The provisioner of `meshprov provision --all`
 * (host/cli/engine.ts, addresses from the database's allocator) against N simulated devices (host/network.ts,
 * No OOB, Node runtime, 30 ms simulated ECDH per side) on a virtual air. One JSON line per configuration:
 *
 *   {"devices":100,"links":4,"loss":0,"simulatedS":…,"hostCpuMsPerDevice":…,"success":100,"failed":0,"retries":…,"lostCollision":…}
 *
 * simulatedS: simulated seconds from the first device's power-on (devices are powered on at random moments of
 * the first second) until the last device's outcome; success: devices provisioned. Configurations: links 1, 4, 10, 16 at 0 % and 10 % loss with 100 devices, then the curve for
 * 10, 50, 100, 200, 500 devices with the default links (DEFAULT_LINKS, host/cli/engine.ts).
 *
 *   npm run bench:provisioner [-- --devices N --links N --loss P --seed N --limit S]   (one configuration)
 */
import { SimNetwork } from "./network.js";
import { simProvisioner } from "./cli/sim-provisioner.js";
import { flag, int, num, parseArgs, runMain, str } from "./cli/args.js";
import { serialBenchRows } from "./serial/bench-serial.js";
import { DEFAULT_LINKS, MAX_LINKS } from "./cli/engine.js";

interface Row {
  devices: number;
  links: number;
  loss: number;
  simulatedS: number;
  hostCpuMsPerDevice: number;
  success: number;
  failed: number;
  retries: number;
  lostCollision: number;
}

async function run(devices: number, links: number, loss: number, seed: number, limitS: number): Promise<Row> {
  const net = new SimNetwork({ seed, link: { loss, duplicate: 0, delayMs: 0 }, ecdhComputeMs: 30 });
  for (let i = 0; i < devices; i++) net.addDevice({ name: `d${i}`, kind: i % 2 ? "switch" : "light", capabilities: { outputOobAction: 0, outputOobSize: 0, inputOobAction: 0, inputOobSize: 0 } });
  let success = 0;
  let failed = 0;
  let retries = 0;
  let lastOutcome = 0;
  const { engine } = simProvisioner(net, {
    links,
    onOutcome: (o) => {
      lastOutcome = net.clock.now();
      retries += o.attempts - 1;
      if (o.ok) success++;
      else failed++;
    },
  });
  const cpu0 = process.cpuUsage();
  // The devices are powered on at random moments of the first second (host/network.ts start).
  net.start(1000);
  engine.all();
  await net.hub.runWhile(() => success + failed < devices, limitS * 1000);
  const cpu = process.cpuUsage(cpu0);
  const row: Row = {
    devices,
    links,
    loss,
    simulatedS: Math.round((success + failed === devices ? lastOutcome : net.clock.now()) / 10) / 100,
    hostCpuMsPerDevice: Math.round((cpu.user + cpu.system) / 1000 / devices * 10) / 10,
    success,
    failed,
    retries,
    lostCollision: net.hub.counters.lostCollision,
  };
  await net.close();
  return row;
}

async function main(): Promise<void> {
  const p = parseArgs(process.argv.slice(2), { devices: { type: "string" }, links: { type: "string" }, loss: { type: "string" }, seed: { type: "string" }, limit: { type: "string" }, serial: { type: "boolean" } });
  if (p.values.help) {
    process.stdout.write("usage: npm run bench:provisioner [-- --devices N --links N --loss P --seed N --limit S] [-- --serial [--devices N --links N]]\n");
    return;
  }
  const seed = int(p, "seed", 1, 0, 2 ** 31);
  const limitS = num(p, "limit", 600, 1, 86_400);
  const print = (r: object): void => void process.stdout.write(JSON.stringify(r) + "\n");
  // --serial: the same devices through one mesh modem over a simulated serial line (host/serial/bench-serial.ts)
  if (flag(p, "serial")) return serialBenchRows(print, { devices: int(p, "devices", 100, 1, 2000), links: int(p, "links", 4, 1, 16), seed, limitS });
  if (str(p, "devices") || str(p, "links") || str(p, "loss")) {
    print(await run(int(p, "devices", 100, 1, 2000), int(p, "links", DEFAULT_LINKS, 1, MAX_LINKS), num(p, "loss", 0, 0, 0.9), seed, limitS));
    return;
  }
  for (const loss of [0, 0.1]) for (const links of [1, 4, 10, 16]) print(await run(100, links, loss, seed, limitS));
  for (const devices of [10, 50, 100, 200, 500]) print(await run(devices, DEFAULT_LINKS, 0, seed, limitS));
}

runMain("bench:provisioner", "run `npm run bench:provisioner -- --help`", main);
