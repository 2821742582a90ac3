/**
 * The simulator command: starts the air hub, N provisionees and a provisioner, provisions them all, and
 * reports per device.
 *
 *   npm run sim -- --devices 5 --oob static --alg hmac --loss 0.2 --seed 7 --pcap out.pcap --json
 *
 * With --json: one JSON object per line per device:
 *   {"name","kind","uuid","provisioned","address","durationMs","closeReason","failureCode","failureReason"}
 * (durationMs: simulated, from the provisioner's first Link Open to that device's Complete; null when none).
 * Without it: a readable summary. Exit status 0 when every (non-silent) device was provisioned, 1 otherwise,
 * 2 for bad arguments.
 */
import { parseArgs } from "node:util";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SimNetwork, capabilitiesFor, INPUT_ACTIONS, OUTPUT_ACTIONS } from "./network.js";
import type { AlgChoice, NetworkOptions, OobChoice, ProvisionerOptions } from "./network.js";
import { buildXsDevice, xsAvailable } from "./xs-device.js";
import { retransmitPolicies } from "../modules/bearer/retransmit.js";
import type { Logger } from "../modules/platform.js";
import { errorCodeName } from "../modules/prov/pdu.js";

const USAGE = `usage: npm run sim -- [options]
  --devices N          provisionees (default 3)
  --kind K             light | switch | mixed (default mixed)
  --oob M              none | static | output | input (default none)
  --action A           output: ${Object.keys(OUTPUT_ACTIONS).join("|")}; input: ${Object.keys(INPUT_ACTIONS).join("|")}
  --size N             OOB size 1..8 (default: 1 for counts, 6 for numbers)
  --alg A              cmac | hmac (default hmac)
  --oob-pubkey         devices offer an OOB public key and the provisioner uses it
  --loss P             packet loss per link 0..1 (default 0)
  --duplicate P        duplication probability (default loss/2)
  --delay MS           extra random delay up to MS, reordering (default 0)
  --seed N             simulation seed (default 1)
  --policy NAME        retransmission policy: ${Object.keys(retransmitPolicies).join(" | ")} (default adaptive)
  --ecdh-ms MS         simulated ECDH time per side (default 30)
  --silent N           add N devices that beacon but never answer
  --beacon-interval MS Unprovisioned Device beacon interval (default 1000)
  --limit S            stop after S simulated seconds (default 600)
  --realtime           run on the wall clock instead of virtual time
  --runtime R          xs (default: each device an XS host runtime process on the hub, built first if
                       needed; node when there is no C compiler) | node (in-process devices)
  --led                (xs) print the devices' LED changes on stderr
  --pcap FILE          write every packet to FILE (LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR)
  --json               one JSON object per line per device
  --verbose            print every provisioning event`;

function fail(message: string): never {
  process.stderr.write(`sim: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function num(v: string | undefined, name: string, def: number, min: number, max: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) fail(`--${name} must be a number in ${min}..${max}`);
  return n;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        devices: { type: "string" },
        kind: { type: "string" },
        oob: { type: "string" },
        action: { type: "string" },
        size: { type: "string" },
        alg: { type: "string" },
        "oob-pubkey": { type: "boolean" },
        loss: { type: "string" },
        duplicate: { type: "string" },
        delay: { type: "string" },
        seed: { type: "string" },
        policy: { type: "string" },
        "ecdh-ms": { type: "string" },
        silent: { type: "string" },
        "beacon-interval": { type: "string" },
        limit: { type: "string" },
        realtime: { type: "boolean" },
        runtime: { type: "string" },
        led: { type: "boolean" },
        pcap: { type: "string" },
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
    process.stdout.write(USAGE + "\n");
    return;
  }
  const devices = num(values.devices, "devices", 3, 0, 1000);
  const kind = values.kind ?? "mixed";
  if (!["light", "switch", "mixed"].includes(kind)) fail("--kind must be light, switch or mixed");
  const oob = (values.oob ?? "none") as OobChoice;
  if (!["none", "static", "output", "input"].includes(oob)) fail("--oob must be none, static, output or input");
  const alg = (values.alg ?? "hmac") as AlgChoice;
  if (!["cmac", "hmac"].includes(alg)) fail("--alg must be cmac or hmac");
  if (values.action && oob !== "output" && oob !== "input") fail("--action needs --oob output or --oob input");
  if (values.action && !(oob === "output" ? OUTPUT_ACTIONS : INPUT_ACTIONS)[values.action]?.toString()) fail(`unknown ${oob} action "${values.action}"`);
  const loss = num(values.loss, "loss", 0, 0, 1);
  const duplicate = num(values.duplicate, "duplicate", loss / 2, 0, 1);
  const delayMs = num(values.delay, "delay", 0, 0, 10_000);
  const seed = num(values.seed, "seed", 1, 0, 2 ** 31);
  const policy = values.policy ?? "adaptive";
  if (!retransmitPolicies[policy]) fail(`unknown policy "${policy}"`);
  let runtime = values.runtime ?? "xs";
  if (runtime !== "node" && runtime !== "xs") fail("--runtime must be xs or node");
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
      storageDir = mkdtempSync(join(tmpdir(), "meshprov-sim-"));
      xs = {
        ...built,
        storageDir,
        ...(values.led ? { led: true } : {}),
        ...(values.verbose ? { log: "info" } : {}),
        onStderr: (device, line) => process.stderr.write(`${device}: ${line}\n`),
        ...(values.verbose ? { onOther: (device: string, line: string) => process.stderr.write(`${device}: ${line}\n`) } : {}),
      };
    }
  }
  const json = !!values.json;

  const provOptions: ProvisionerOptions = {
    oob,
    alg,
    ...(values.action ? { action: values.action } : {}),
    ...(values.size ? { size: num(values.size, "size", 1, 1, 8) } : {}),
    oobPublicKey: !!values["oob-pubkey"],
    ...(values.verbose
      ? {
          onEvent: (e, t) => {
            if (e.type === "unprovisioned-received") return;
            const who = "ctx" in e ? e.ctx.uuid.slice(0, 4).reduce((s, b) => s + b.toString(16).padStart(2, "0"), "") : "";
            process.stderr.write(`${(t / 1000).toFixed(3).padStart(9)}s provisioner ${who} ${e.type}${e.type === "failed" ? " " + errorCodeName(e.code) : ""}${e.type === "link-closed" ? " " + e.reason : ""}\n`);
          },
        }
      : {}),
  };
  const logger: Logger | undefined = values.verbose
    ? { log: (level, tag, message) => (level !== "debug" ? process.stderr.write(`[${level}] ${tag}: ${message}\n`) : undefined) }
    : undefined;

  let net: SimNetwork;
  try {
    net = new SimNetwork({
      seed,
      mode: values.realtime ? "real" : "virtual",
      link: { loss, duplicate, delayMs },
      ...(values.pcap ? { pcapPath: values.pcap } : {}),
      ecdhComputeMs: num(values["ecdh-ms"], "ecdh-ms", 30, 0, 60_000),
      policy,
      ...(logger ? { logger } : {}),
      runtime: runtime as "node" | "xs",
      ...(xs ? { xs } : {}),
    });
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
  const caps = capabilitiesFor(provOptions);
  const beaconIntervalMs = num(values["beacon-interval"], "beacon-interval", 1000, 20, 60_000);
  for (let i = 0; i < devices; i++) {
    const k = kind === "mixed" ? (i % 2 ? "switch" : "light") : (kind as "light" | "switch");
    net.addDevice({ name: `${k}-${i + 1}`, kind: k, capabilities: caps, staticOob: oob === "static", oobPublicKey: !!values["oob-pubkey"], beaconIntervalMs });
  }
  const silent = num(values.silent, "silent", 0, 0, 100);
  for (let i = 0; i < silent; i++) net.addDevice({ name: `silent-${i + 1}`, silent: true, beaconIntervalMs });
  net.addProvisioner(provOptions);
  if (values.led) {
    for (const d of net.devices) d.onLed = (on) => process.stderr.write(`${(net.clock.now() / 1000).toFixed(3).padStart(9)}s ${d.name} LED ${on ? "on" : "off"}\n`);
  }
  try {
    await net.launch();
  } catch (e) {
    await net.close();
    if (storageDir) rmSync(storageDir, { recursive: true, force: true });
    throw e;
  }
  net.start();
  const limitMs = num(values.limit, "limit", 600, 1, 86_400) * 1000;
  await net.run(limitMs);
  const results = net.results();
  await net.close();
  if (storageDir) rmSync(storageDir, { recursive: true, force: true });

  if (json) {
    for (const r of results) process.stdout.write(JSON.stringify(r) + "\n");
  } else {
    process.stdout.write(
      `simulated ${results.length} device(s) on the ${runtime === "xs" ? "XS runtime" : "Node runtime"}: oob=${oob}${values.action ? "/" + values.action : ""} alg=${alg}${values["oob-pubkey"] ? " oob-pubkey" : ""} loss=${loss} policy=${policy} seed=${seed}\n`,
    );
    process.stdout.write("device        uuid                              address  result       time      \n");
    for (const r of results) {
      const result = r.provisioned ? "provisioned" : r.failureCode !== null ? `failed:${errorCodeName(r.failureCode)}` : `closed:${r.closeReason ?? "never"}`;
      process.stdout.write(
        `${r.name.padEnd(13)} ${r.uuid} ${r.address !== null ? "0x" + r.address.toString(16).padStart(4, "0") : "-     "}   ${result.padEnd(12)} ${r.durationMs !== null ? (r.durationMs / 1000).toFixed(3) + " s" : "-"}\n`,
      );
    }
    const c = net.hub.counters;
    process.stdout.write(
      `air: ${c.advEvents} advertising events, ${c.delivered} deliveries, lost ${c.lostLink} to the link model, ${c.lostCollision} to collisions, ${c.lostHalfDuplex} to half duplex, ${c.lostNotListening} to scanners on other channels\n`,
    );
    if (values.pcap) process.stdout.write(`capture: ${values.pcap} (tshark -r ${values.pcap} -V)\n`);
  }
  const ok = results.filter((r) => !r.name.startsWith("silent-")).every((r) => r.provisioned);
  process.exitCode = ok ? 0 : 1;
}

main().catch((e) => {
  process.stderr.write(`sim: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
