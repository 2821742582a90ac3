/**
 * The simulator command: starts the air hub, N provisionees and the provisioner of `meshprov provision --all`
 * (host/cli/engine.ts: --links at once, retries), provisions them all, and reports per device.
 *
 *   npm run sim -- --devices 5 --oob static --alg hmac --loss 0.2 --seed 7 --pcap out.pcap --json
 *
 * With --json: one JSON object per line per device:
 *   {"name","kind","uuid","provisioned","address","durationMs","closeReason","failureCode","failureReason","attempts","givenUp","reason"}
 * (durationMs: simulated, from the provisioner's first Link Open to that device's Complete; null when none).
 * Without it: a readable summary. Exit status 0 when every (non-silent) device was provisioned, 1 otherwise,
 * 2 for bad arguments.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SimNetwork, capabilitiesFor, INPUT_ACTIONS, OUTPUT_ACTIONS } from "./network.js";
import type { AlgChoice, DeviceResult, NetworkOptions, OobChoice, ProvisionerOptions } from "./network.js";
import { buildXsDevice, xsAvailable } from "./xs-device.js";
import { retransmitPolicies } from "../modules/bearer/retransmit.js";
import type { Logger } from "../modules/platform.js";
import { errorCodeName } from "../modules/prov/pdu.js";
import { bytesToHex } from "../modules/crypto/bytes.js";
import { OperationError, UsageError, choice, int, num, parseArgs, runMain } from "./cli/args.js";
import type { OptionSpecs } from "./cli/args.js";
import { DEFAULT_LINKS, MAX_LINKS } from "./cli/engine.js";

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
  --links N            provisioning links at once (default ${DEFAULT_LINKS}, 1..${MAX_LINKS}), as meshprov provision --all
  --attempts N         tries per device (default 3)
  --power-on MS        (node) the devices are switched on at random moments of the first MS ms
                       (default 1000; 0: all at the same instant, their beacons then collide in step)
  --limit S            stop after S simulated seconds (default 600)
  --realtime           run on the wall clock instead of virtual time
  --runtime R          xs (default: each device an XS host runtime process on the hub, built first if
                       needed; node when there is no C compiler) | node (in-process devices)
  --led                (xs) print the devices' LED changes on stderr
  --pcap FILE          write every packet to FILE (LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR)
  --json               one JSON object per line per device
  --verbose            print every provisioning event
  --network light-switch  a light and a switch, provisioned, configured, the switch pressed (--presses N; see --network light-switch --help)`;

const HINT = "run `npm run sim -- --help` for the options";

const OPTIONS: OptionSpecs = {
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
  links: { type: "string" },
  attempts: { type: "string" },
  "power-on": { type: "string" },
  limit: { type: "string" },
  realtime: { type: "boolean" },
  runtime: { type: "string" },
  led: { type: "boolean" },
  pcap: { type: "string" },
  json: { type: "boolean" },
  verbose: { type: "boolean" },
};

async function main(): Promise<void> {
  // a mesh network after provisioning (the light and the switch): host/mesh-sim.ts
  if (process.argv.slice(2).some((a) => a === "--network" || a.startsWith("--network="))) {
    process.exitCode = await (await import("./mesh-sim.js")).run(process.argv.slice(2));
    return;
  }
  const args = parseArgs(process.argv.slice(2), OPTIONS);
  const values = args.values as Record<string, string | undefined> & Record<"oob-pubkey" | "realtime" | "led" | "json" | "verbose" | "help", boolean | undefined>;
  if (values.help) {
    process.stdout.write(USAGE + "\n");
    return;
  }
  const devices = int(args, "devices", 3, 1, 1000);
  const kind = choice(args, "kind", ["light", "switch", "mixed"], "mixed");
  const oob: OobChoice = choice(args, "oob", ["none", "static", "output", "input"], "none");
  const alg: AlgChoice = choice(args, "alg", ["cmac", "hmac"], "hmac");
  if (values.action && oob !== "output" && oob !== "input") throw new UsageError("--action needs --oob output or --oob input");
  if (values.size && oob !== "output" && oob !== "input") throw new UsageError("--size needs --oob output or --oob input");
  if (values.action) choice(args, "action", Object.keys(oob === "output" ? OUTPUT_ACTIONS : INPUT_ACTIONS), "");
  const size = values.size ? int(args, "size", 1, 1, 8) : undefined;
  const loss = num(args, "loss", 0, 0, 1);
  const duplicate = num(args, "duplicate", loss / 2, 0, 1);
  const delayMs = num(args, "delay", 0, 0, 10_000);
  const seed = int(args, "seed", 1, 0, 2 ** 31);
  const policy = choice(args, "policy", Object.keys(retransmitPolicies), "adaptive");
  const ecdhComputeMs = num(args, "ecdh-ms", 30, 0, 60_000);
  const silent = int(args, "silent", 0, 0, 100);
  const beaconIntervalMs = num(args, "beacon-interval", 1000, 20, 60_000);
  const limitMs = num(args, "limit", 600, 1, 86_400) * 1000;
  const links = int(args, "links", DEFAULT_LINKS, 1, MAX_LINKS);
  const attempts = int(args, "attempts", 3, 1, 10);
  const powerOnMs = num(args, "power-on", 1000, 0, 60_000);
  let runtime = choice(args, "runtime", ["xs", "node"], "xs");
  let xs: NetworkOptions["xs"];
  let storageDir: string | undefined;
  if (runtime === "xs") {
    const missing = await xsAvailable();
    if (missing) {
      if (values.runtime === "xs") throw new OperationError(`--runtime xs: ${missing}`);
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

  // The UUIDs whose Unprovisioned Device beacon the provisioner heard (to say why a device was never provisioned).
  const heard = new Set<string>();
  const provOptions: ProvisionerOptions = {
    oob,
    alg,
    ...(values.action ? { action: values.action } : {}),
    ...(size !== undefined ? { size } : {}),
    oobPublicKey: !!values["oob-pubkey"],
    links,
    attempts,
    onEvent: (e, t) => {
      if (e.type === "unprovisioned-received") heard.add(bytesToHex(e.uuid));
      else if (values.verbose) {
        const who = "ctx" in e ? e.ctx.uuid.slice(0, 4).reduce((s, b) => s + b.toString(16).padStart(2, "0"), "") : "";
        process.stderr.write(`${(t / 1000).toFixed(3).padStart(9)}s provisioner ${who} ${e.type}${e.type === "failed" ? " " + errorCodeName(e.code) : ""}${e.type === "link-closed" ? " " + e.reason : ""}\n`);
      }
    },
  };
  const logger: Logger | undefined = values.verbose
    ? { log: (level, tag, message) => (level !== "debug" ? process.stderr.write(`[${level}] ${tag}: ${message}\n`) : undefined) }
    : undefined;

  const net = new SimNetwork({
      seed,
      mode: values.realtime ? "real" : "virtual",
      link: { loss, duplicate, delayMs },
      ...(values.pcap ? { pcapPath: values.pcap } : {}),
    ecdhComputeMs,
    policy,
    ...(logger ? { logger } : {}),
    runtime,
    ...(xs ? { xs } : {}),
  });
  const caps = capabilitiesFor(provOptions);
  for (let i = 0; i < devices; i++) {
    const k = kind === "mixed" ? (i % 2 ? "switch" : "light") : (kind as "light" | "switch");
    net.addDevice({ name: `${k}-${i + 1}`, kind: k, capabilities: caps, staticOob: oob === "static", oobPublicKey: !!values["oob-pubkey"], beaconIntervalMs });
  }
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
  net.start(powerOnMs);
  await net.run(limitMs);
  const results = net.results().map((r) => explain(r, heard, limitMs));
  await net.close();
  if (storageDir) rmSync(storageDir, { recursive: true, force: true });

  if (json) {
    for (const r of results) process.stdout.write(JSON.stringify(r) + "\n");
  } else {
    process.stdout.write(
      `simulated ${results.length} device(s) on the ${runtime === "xs" ? "XS runtime" : "Node runtime"}: oob=${oob}${values.action ? "/" + values.action : ""} alg=${alg}${values["oob-pubkey"] ? " oob-pubkey" : ""} loss=${loss} policy=${policy} seed=${seed}\n`,
    );
    process.stdout.write("device        uuid                              address  result       time\n");
    for (const r of results) {
      const result = r.provisioned ? "provisioned" : r.failureCode !== null ? `failed:${errorCodeName(r.failureCode)}` : r.closeReason ? `closed:${r.closeReason}` : (r.reason ?? "-");
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

/**
 * A device's result as the user sees it: an address only for a provisioned device (one that was never
 * provisioned has none), and a reason for every device that was not provisioned.
 */
function explain(r: DeviceResult, heard: Set<string>, limitMs: number): DeviceResult & { reason: string | null } {
  let reason: string | null = null;
  if (!r.provisioned) {
    if (r.givenUp !== null) reason = `given up after ${r.attempts} attempt(s): ${r.givenUp} (the link closed: ${r.closeReason ?? "-"})`;
    else if (r.failureCode !== null) reason = `provisioning failed: ${errorCodeName(r.failureCode)} (${r.failureReason ?? ""})`;
    else if (r.closeReason !== null) reason = `the link closed: ${r.closeReason}`;
    else if (!heard.has(r.uuid)) reason = `no Unprovisioned Device beacon was heard in ${limitMs / 1000} s`;
    else reason = `not finished in ${limitMs / 1000} s`;
  }
  return { ...r, address: r.provisioned ? r.address : null, reason };
}

runMain("sim", HINT, main);
