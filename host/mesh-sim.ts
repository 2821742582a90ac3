/**
 * `npm run sim -- --network light-switch --presses N [--json] [--runtime node|xs] [--seed N] [--loss P] [--pcap FILE]`
 *
 * A provisioner provisions a light and a switch (PB-ADV), configures them over the mesh (AppKey Add, Model App
 * Bind, the switch publishes to 0xC000, the light subscribes), then the switch's button is pressed N times.
 * With --json: first one line per device as the provisioning simulator prints them, then one line per press:
 *   {"press": i, "lightOn": true|false, "latencyMs": ms}   (simulated ms from the press to the lamp's change; null if none)
 * Exit status 0 when every press toggled the light, 1 otherwise, 2 for bad arguments.
 * host/sim.ts hands a command line with --network to run().
 */
import { parseArgs } from "node:util";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LightSwitchNetwork } from "./mesh-network.js";
import type { PressResult } from "./mesh-network.js";
import { buildXsDevice, xsAvailable } from "./xs-device.js";
import type { NetworkOptions } from "./network.js";
import type { Logger } from "../modules/platform.js";

export const MESH_USAGE = `usage: npm run sim -- --network light-switch [options]
  --presses N          presses of the switch's button (default 5)
  --runtime R          node | xs (default xs when a C compiler is there, else node)
  --seed N             simulation seed (default 1)
  --loss P             packet loss per link 0..1 (default 0)
  --pcap FILE          write every packet to FILE (tshark decodes it: docs/models.md)
  --pcap-keys FILE     write the simulated network's keys as tshark options to FILE:
                         tshark -2 -r CAPTURE $(cat FILE)   (simulated keys only; never a real network's)
  --json               one JSON object per line: devices, then presses
  --verbose            log the stacks on stderr`;

function fail(message: string): never {
  process.stderr.write(`sim: ${message}\n${MESH_USAGE}\n`);
  process.exit(2);
}

function num(v: string | undefined, name: string, def: number, min: number, max: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) fail(`--${name} must be a number in ${min}..${max}`);
  return n;
}

export async function run(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        network: { type: "string" },
        presses: { type: "string" },
        runtime: { type: "string" },
        seed: { type: "string" },
        loss: { type: "string" },
        pcap: { type: "string" },
        "pcap-keys": { type: "string" },
        json: { type: "boolean" },
        verbose: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
  if (values.help) {
    process.stdout.write(MESH_USAGE + "\n");
    return 0;
  }
  if (values.network !== "light-switch") fail(`unknown network "${values.network ?? ""}" (have: light-switch)`);
  const presses = num(values.presses, "presses", 5, 0, 10_000);
  const seed = num(values.seed, "seed", 1, 0, 2 ** 31);
  const loss = num(values.loss, "loss", 0, 0, 0.9);
  let runtime = values.runtime ?? "xs";
  if (runtime !== "node" && runtime !== "xs") fail("--runtime must be xs or node");
  const json = !!values.json;
  const logger: Logger | undefined = values.verbose ? { log: (level, tag, m) => (level !== "debug" ? process.stderr.write(`[${level}] ${tag}: ${m}\n`) : undefined) } : undefined;
  let xs: NetworkOptions["xs"];
  let storageDir: string | undefined;
  if (runtime === "xs") {
    const missing = await xsAvailable();
    if (missing) {
      if (values.runtime === "xs") fail(`--runtime xs: ${missing}`);
      process.stderr.write(`sim: the XS runtime cannot be built here (${missing}): running the devices on node\n`);
      runtime = "node";
    } else {
      const built = await buildXsDevice();
      storageDir = mkdtempSync(join(tmpdir(), "meshprov-mesh-"));
      xs = { ...built, storageDir, onStderr: (device, line) => process.stderr.write(`${device}: ${line}\n`), ...(values.verbose ? { log: "info" } : {}) };
    }
  }
  const say = (text: string): void => {
    if (!json) process.stdout.write(text + "\n");
  };
  const ls = new LightSwitchNetwork({
    seed,
    link: { loss, duplicate: loss / 2 },
    ...(values.pcap ? { pcapPath: values.pcap } : {}),
    ...(logger ? { logger } : {}),
    runtime: runtime as "node" | "xs",
    ...(xs ? { xs } : {}),
    onStory: (e) => say(`${(e.time / 1000).toFixed(3).padStart(9)} s  ${e.who.padEnd(11)} ${e.text}`),
  });
  const results: PressResult[] = [];
  try {
    try {
      await ls.provision();
    } finally {
      for (const r of ls.net.results()) {
        if (json) process.stdout.write(JSON.stringify(r) + "\n");
        else say(`${r.name}: ${r.provisioned ? `provisioned at 0x${r.address!.toString(16).padStart(4, "0")}` : "NOT provisioned"}`);
      }
    }
    await ls.configure();
    for (let i = 1; i <= presses; i++) {
      const r = await ls.press(i);
      results.push(r);
      if (json) process.stdout.write(JSON.stringify(r) + "\n");
    }
  } catch (e) {
    process.stderr.write(`sim: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    await ls.close();
    if (values["pcap-keys"]) writeFileSync(values["pcap-keys"], ls.tsharkKeyArgs().join(" ").replace(/ (?=-o )/g, "\n") + "\n", { mode: 0o600 });
    if (storageDir) rmSync(storageDir, { recursive: true, force: true });
  }
  say(`${presses} press(es) on the ${runtime === "xs" ? "XS runtime" : "Node runtime"}: the light followed ${results.filter((r, i) => r.lightOn === (i % 2 === 0)).length}`);
  if (values.pcap) say(`capture: ${values.pcap} (decrypt with tshark: docs/models.md)`);
  return results.every((r, i) => r.latencyMs !== null && r.lightOn === (i % 2 === 0)) ? 0 : 1;
}
