/**
 * `npm start`: the main job, shown. A simulated network in virtual time where a provisioner finds a light and a
 * switch by their Unprovisioned Device beacons and provisions them: the light with Output OOB (its LED blinks
 * the number, a person counts and types it in), the switch with Input OOB (the provisioner shows a number, the
 * person pushes the switch's button that many times). Every event of the three nodes is printed; then the
 * provisioner configures both over the mesh (host/mesh-network.ts: AppKey Add, Model App Bind, the switch
 * publishes to group 0xC000, the light subscribes) and the switch's button toggles the light a few times; a
 * restart shows the devices coming back provisioned from storage.
 *
 *   npm start [-- --seed N --loss P --alg cmac|hmac]
 */
import type { SimDevice } from "./network.js";
import { LightSwitchNetwork } from "./mesh-network.js";
import type { DeviceEvent } from "../main.js";
import { DeviceApp } from "../main.js";
import { runMeshNode } from "../modules/app/node-runner.js";
import type { ProvEvent } from "../modules/prov/api.js";
import { errorCodeName } from "../modules/prov/pdu.js";
import { bytesToHex } from "../modules/crypto/bytes.js";
import { choice, int, num, parseArgs, runMain } from "./cli/args.js";

const USAGE = `usage: npm start [-- options]
  --seed N        simulation seed (default 2024)
  --loss P        packet loss per link 0..1 (default 0.1)
  --alg A         cmac | hmac (default hmac)
A provisioner, a light and a switch on a simulated air, in virtual time. For a provisioner of your own,
with a database that outlives the run: npx meshprov --help`;
const HINT = "run `npm start -- --help` for the options";

const color = process.stdout.isTTY ? (c: number, s: string) => `\x1b[${c}m${s}\x1b[0m` : (_c: number, s: string) => s;
const line = (t: number, who: string, text: string) => process.stdout.write(`${color(2, (t / 1000).toFixed(3).padStart(8) + " s")}  ${who.padEnd(12)} ${text}\n`);
const short = (uuid: Uint8Array) => bytesToHex(uuid).slice(0, 8);

function describe(e: ProvEvent | DeviceEvent): string | undefined {
  switch (e.type) {
    case "unprovisioned-received":
      return `heard an Unprovisioned Device beacon from ${short(e.uuid)}… (RSSI ${e.rssi} dBm)`;
    case "link-established":
      return `PB-ADV link open (${short(e.ctx.uuid)}…)`;
    case "invite-received":
      return `Provisioning Invite: attention for ${e.attentionDuration} s`;
    case "attention":
      return e.on ? `attention timer on (${e.remaining} s): LED blinking` : "attention timer off";
    case "capabilities-received": {
      const c = e.capabilities;
      return `capabilities of ${short(e.ctx.uuid)}…: ${c.numberOfElements} element(s), algorithms 0x${c.algorithms.toString(16)}, output OOB 0x${c.outputOobAction.toString(16)}/${c.outputOobSize}, input OOB 0x${c.inputOobAction.toString(16)}/${c.inputOobSize}`;
    }
    case "start-received":
      return `Provisioning Start: algorithm ${e.start.algorithm}, public key ${e.start.publicKey ? "OOB" : "in band"}, method ${["No OOB", "Static OOB", "Output OOB", "Input OOB"][e.start.authenticationMethod] ?? e.start.authenticationMethod}`;
    case "output-request":
      return e.ctx.role === "provisionee" ? `Output OOB: blinking the LED ${e.value} times` : `Input OOB: shows "${e.value}" for the person to enter on the device`;
    case "input-request":
      return e.ctx.role === "provisionee" ? "Input OOB: waiting for button pushes" : "Output OOB: asks the person what the device shows";
    case "static-request":
      return "Static OOB value requested";
    case "oob-pubkey-request":
      return "OOB public key requested";
    case "ecdh-request":
      return "ECDH requested";
    case "complete":
      return e.ctx.role === "provisionee"
        ? `provisioned: unicast address 0x${e.data.unicastAddress.toString(16).padStart(4, "0")}, IV index ${e.data.ivIndex}`
        : `Provisioning Complete from ${short(e.ctx.uuid)}…: address 0x${e.unicastAddress.toString(16).padStart(4, "0")}, device key received (kept in memory only)`;
    case "failed":
      return `provisioning FAILED: ${errorCodeName(e.code)} (${e.reason})`;
    case "link-closed":
      return `link closed: ${e.reason}${e.byPeer ? " (by peer)" : ""}`;
    case "restored":
      return `booted provisioned from storage: address 0x${e.record.data.unicastAddress.toString(16).padStart(4, "0")}`;
    case "storage-error":
      return `storage: ${e.reason}`;
    default:
      return undefined;
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), { seed: { type: "string" }, loss: { type: "string" }, alg: { type: "string" } });
  if (args.values.help) {
    process.stdout.write(USAGE + "\n");
    return;
  }
  const seed = int(args, "seed", 2024, 0, 2 ** 31);
  const loss = num(args, "loss", 0.1, 0, 0.9);
  const alg = choice(args, "alg", ["cmac", "hmac"], "hmac");
  const ls = new LightSwitchNetwork({
    seed,
    link: { loss, duplicate: loss / 2, delayMs: 5 },
    personDelayMs: 1200,
    provisioner: {
      oob: "auto",
      alg,
      attentionDuration: 3,
      onEvent: (e, t) => {
        const text = describe(e);
        if (text) line(t, "provisioner", text);
      },
    },
    onStory: (e) => line(e.time, e.who, e.text),
  });
  const net = ls.net;
  process.stdout.write(`meshprov demo: a provisioner, a light and a switch on a simulated air (loss ${loss * 100} %, seed ${seed}, virtual time)\n\n`);
  const light = ls.light;
  const sw = ls.switch;
  for (const d of [light, sw]) {
    d.onEvent = (e, t) => {
      const text = describe(e);
      if (text) line(t, d.name, text);
    };
    let pushes = 0;
    if (d.kind === "switch") {
      const press = d.pressButton.bind(d);
      d.pressButton = () => {
        pushes++;
        if (d.app?.state !== "provisioned") line(net.clock.now(), d.name, `button pushed (${pushes})`);
        press();
      };
    }
  }
  await ls.provision();
  process.stdout.write("\nresults:\n");
  const results = net.results();
  if (!results.every((r) => r.provisioned)) process.exitCode = 1;
  for (const r of results) {
    process.stdout.write(
      `  ${r.name.padEnd(8)} ${r.provisioned ? "provisioned" : "NOT provisioned"}  address ${r.address !== null ? "0x" + r.address.toString(16).padStart(4, "0") : "-"}  ${r.durationMs !== null ? (r.durationMs / 1000).toFixed(2) + " s from Link Open to Complete" : ""}${r.failureCode !== null ? " failed: " + errorCodeName(r.failureCode) : ""}\n`,
    );
  }
  process.stdout.write("\nconfiguring over the mesh, then pressing the switch:\n");
  await ls.configure();
  for (let i = 1; i <= 4; i++) await ls.press(i);
  // Restart both devices on the same storage: they come back provisioned and do not beacon.
  process.stdout.write("\nrestarting the devices (same storage):\n");
  for (const d of [light, sw] as SimDevice[]) {
    const storage = net.storages.get(d.name)!;
    const radio = net.hub.createRadio(d.name + "-rebooted");
    const app = new DeviceApp({ crypto: net.crypto, clock: net.clock, radio, storage }, d.io(net.clock), d.app!.config, runMeshNode);
    app.onEvent = (e) => {
      const text = describe(e);
      if (text) line(net.clock.now(), d.name, text);
    };
    app.start();
  }
  await ls.close();
}

runMain("demo", HINT, main);
