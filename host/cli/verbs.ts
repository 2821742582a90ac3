/**
 * The verbs of meshprov (host/cli/meshprov.ts). A verb is an entry of VERBS: its usage, options, positional
 * arguments and function. config and onoff (host/cli/config.ts) go through the provisioner's own mesh node.
 */
import { UsageError, parseArgs } from "./args.js";
import type { OptionSpecs, Parsed } from "./args.js";
import { HUB_OPTIONS, HUB_USAGE, hubVerb } from "./hub.js";
import { DEVICE_OPTIONS, DEVICE_USAGE, deviceVerb } from "./device.js";
import { EXPORT_USAGE, IMPORT_USAGE, INIT_USAGE, NODES_USAGE, REMOVE_USAGE, exportVerb, importVerb, initVerb, nodesVerb, removeVerb } from "./db-verbs.js";
import { PROVISION_USAGE, SCAN_USAGE, provisionVerb, scanVerb } from "./provision.js";
import { MODEM_OPTIONS, MODEM_USAGE, modemVerb } from "./modem.js";
import { SERIAL_OPTION } from "../serial/cli-bearer.js";
import { CONFIG_OPTIONS, CONFIG_USAGE, ONOFF_OPTIONS, ONOFF_USAGE, configVerb, onoffVerb } from "./config.js";

interface Verb {
  summary: string;
  usage: string;
  options: OptionSpecs;
  positionals: number;
  run(p: Parsed): Promise<void>;
}

const DB = { db: { type: "string" } } as const;

export const VERBS: Record<string, Verb> = {
  hub: { summary: "run the simulated air for devices and provisioners in other processes", usage: HUB_USAGE, options: HUB_OPTIONS, positionals: 0, run: hubVerb },
  device: { summary: "run one simulated device (light or switch) on a hub", usage: DEVICE_USAGE, options: DEVICE_OPTIONS, positionals: 0, run: deviceVerb },
  modem: { summary: "run a mesh modem (serial provisioner) on a hub, for --serial", usage: MODEM_USAGE, options: MODEM_OPTIONS, positionals: 0, run: modemVerb },
  init: { summary: "create a network (keys, IV Index, this provisioner's ranges)", usage: INIT_USAGE, options: { ...DB, name: { type: "string" }, "iv-index": { type: "string" }, "show-keys": { type: "boolean" } }, positionals: 0, run: initVerb },
  scan: { summary: "list the unprovisioned devices heard", usage: SCAN_USAGE, options: { air: { type: "string" }, ...SERIAL_OPTION, timeout: { type: "string" }, json: { type: "boolean" } }, positionals: 0, run: scanVerb },
  provision: {
    summary: "provision a device (or --all) and store it in the database",
    usage: PROVISION_USAGE,
    options: {
      ...DB,
      air: { type: "string" },
      ...SERIAL_OPTION,
      oob: { type: "string" },
      action: { type: "string" },
      size: { type: "string" },
      alg: { type: "string" },
      static: { type: "string" },
      auth: { type: "string" },
      timeout: { type: "string" },
      all: { type: "boolean" },
      links: { type: "string" },
      attempts: { type: "string" },
      attention: { type: "string" },
      json: { type: "boolean" },
      "no-config": { type: "boolean" },
    },
    positionals: 1,
    run: provisionVerb,
  },
  config: { summary: "configure a node: composition, appkey, bind, publication, subscription, relay, ttl, beacon, reset", usage: CONFIG_USAGE, options: CONFIG_OPTIONS, positionals: 6, run: configVerb },
  onoff: { summary: "switch a node or a group on or off (Generic OnOff), or ask its state", usage: ONOFF_USAGE, options: ONOFF_OPTIONS, positionals: 2, run: onoffVerb },
  nodes: { summary: "list the nodes of the database", usage: NODES_USAGE, options: { ...DB, json: { type: "boolean" }, "show-keys": { type: "boolean" } }, positionals: 0, run: nodesVerb },
  remove: { summary: "remove a node from the database", usage: REMOVE_USAGE, options: DB, positionals: 1, run: removeVerb },
  export: { summary: "write the network as a Mesh Configuration Database file", usage: EXPORT_USAGE, options: DB, positionals: 1, run: exportVerb },
  import: { summary: "take a Mesh Configuration Database file as this provisioner's database", usage: IMPORT_USAGE, options: { ...DB, replace: { type: "boolean" } }, positionals: 1, run: importVerb },
};

export const USAGE = `usage: meshprov VERB [options]     (meshprov VERB --help for its options)
${Object.entries(VERBS)
  .map(([name, v]) => `  ${name.padEnd(10)} ${v.summary}`)
  .join("\n")}
The database: --db FILE, else $MESHPROV_DB, else ~/.config/meshprov/mesh-cdb.json.
Three terminals:  meshprov hub  |  meshprov device --air tcp:127.0.0.1:7000 --kind light
                  meshprov init && meshprov scan --air tcp:127.0.0.1:7000 && meshprov provision UUID --air tcp:127.0.0.1:7000
Then:             meshprov config 0x0002 subscription add 0 onoff-server C000 --air …  |  meshprov onoff C000 on --air …`;


/** Run `meshprov ARGV…`: the verb, its options, its --help. `named` is told the verb once it is known. */
export async function dispatch(argv: readonly string[], named: (verb: string) => void = () => {}): Promise<void> {
  const name = argv[0];
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(USAGE + "\n");
    return;
  }
  const verb = VERBS[name];
  if (!verb) throw new UsageError(name.startsWith("-") ? `a verb comes first, not "${name}"` : `unknown verb "${name}"`);
  named(name);
  const p = parseArgs(argv.slice(1), verb.options, verb.positionals);
  if (p.values.help) {
    process.stdout.write(verb.usage + "\n");
    return;
  }
  await verb.run(p);
}
