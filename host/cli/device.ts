/**
 * meshprov device: one device application (main.ts, a light or a switch) as its own process on a hub's air,
 * on Node or on the XS host runtime. It prints what a person would see (attention, the number it blinks,
 * provisioned, the LED) and reads what a person would do on its standard input:
 *   press | press N     push the button (N times)
 *   type VALUE          enter an Input OOB value on its keypad
 *   reset               forget the provisioning (factory reset) and beacon again
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { DeviceApp } from "../../main.js";
import type { DeviceConfig, DeviceEvent, DeviceKind } from "../../main.js";
import type { Bytes, Storage } from "../../modules/platform.js";
import { InputOobAction } from "../../modules/prov/pdu.js";
import { errorCodeName } from "../../modules/prov/pdu.js";
import { NodeCryptoPrimitives } from "../node-crypto.js";
import { MemoryStorage } from "../storage.js";
import { capabilitiesFor, INPUT_ACTIONS, OUTPUT_ACTIONS } from "../network.js";
import type { ProvisionerOptions } from "../network.js";
import { buildXsDevice, xsAvailable, XsDevice } from "../xs-device.js";
import type { XsEventLine } from "../xs-device.js";
import { OperationError, UsageError, choice, hexArg, int, str } from "./args.js";
import type { Parsed } from "./args.js";
import { airOption, airText, joinAir } from "./common.js";
import { OUTPUT_VERBS } from "./engine.js";
import { FileKeyStorage } from "./file-storage.js";
import { runMeshNode } from "../../modules/app/node-runner.js";
import { uuidString } from "../cdb/cdb.js";

export const DEVICE_USAGE = `usage: meshprov device --air ADDR --kind light|switch [options]
  --air ADDR          the hub (tcp:127.0.0.1:PORT or unix:PATH)
  --kind K            light (offers Output OOB blink) | switch (offers Input OOB push)
  --runtime R         node (default) | xs (the XS host runtime, built on first use)
  --oob M             what it offers instead of its kind's default: none | output | input
  --action A          output: ${Object.keys(OUTPUT_ACTIONS).join("|")}; input: ${Object.keys(INPUT_ACTIONS).join("|")}
  --size N            OOB size 1..8
  --static HEX        offer static OOB with this value (16 or 32 bytes)
  --storage FILE      keep the device's flash in FILE (default: in memory, forgotten at exit)
  --uuid HEX          its UUID (default: derived from --storage, else random)
  --name NAME         its radio's name on the hub (default device-<pid>)
Standard input: "press", "press N", "type VALUE", "reset".`;

export const DEVICE_OPTIONS = {
  air: { type: "string" },
  kind: { type: "string" },
  runtime: { type: "string" },
  oob: { type: "string" },
  action: { type: "string" },
  size: { type: "string" },
  static: { type: "string" },
  storage: { type: "string" },
  uuid: { type: "string" },
  name: { type: "string" },
} as const;

const say = (text: string): void => void process.stdout.write(text + "\n");

/** One line for a person per application event (Node runtime). Never a secret. */
function describe(e: DeviceEvent): string | undefined {
  switch (e.type) {
    case "link-established":
      return "a provisioner opened a link";
    case "attention":
      return e.on ? `attention on (${e.remaining} s): the LED blinks` : "attention off";
    case "output-request":
      return `${OUTPUT_VERBS[e.action] ?? "shows"} ${e.value}${e.action <= 2 ? " times" : ""} (give this to the provisioner)`;
    case "input-request":
      return e.action === InputOobAction.Push || e.action === InputOobAction.Twist
        ? "waiting for input: press the button as many times as the provisioner shows (press N)"
        : "waiting for input: type what the provisioner shows (type VALUE)";
    case "complete":
      return `provisioned: address 0x${e.data.unicastAddress.toString(16).padStart(4, "0")}, ${e.numberOfElements} element(s), IV index ${e.data.ivIndex}`;
    case "restored":
      return `provisioned (from storage): address 0x${e.record.data.unicastAddress.toString(16).padStart(4, "0")}`;
    case "failed":
      return `provisioning failed: ${errorCodeName(e.code)} (${e.reason})`;
    case "link-closed":
      return `link closed: ${e.reason}`;
    case "storage-error":
      return `storage: ${e.reason}`;
    case "reset":
      return "node reset by the provisioner: unprovisioned, beaconing";
    default:
      return undefined;
  }
}

/** The same for an XS device's event lines (native/xs/js/device-start.js, run by the host entry device-host.js; its Output OOB value comes as a display line). */
function describeXs(e: XsEventLine): string | undefined {
  const addr = (a: unknown): string => `0x${Number(a).toString(16).padStart(4, "0")}`;
  switch (e.event) {
    case "link-established":
      return "a provisioner opened a link";
    case "attention":
      return e.on ? `attention on (${String(e.remaining)} s): the LED blinks` : "attention off";
    case "input-request":
      return Number(e.action) <= InputOobAction.Twist
        ? "waiting for input: press the button as many times as the provisioner shows (press N)"
        : "waiting for input: type what the provisioner shows (type VALUE)";
    case "complete":
      return `provisioned: address ${addr(e.address)}, ${String(e.numberOfElements)} element(s), IV index ${String(e.ivIndex)}`;
    case "restored":
      return `provisioned (from storage): address ${addr(e.address)}`;
    case "failed":
      return `provisioning failed: ${errorCodeName(Number(e.code))} (${String(e.reason)})`;
    case "link-closed":
      return `link closed: ${String(e.reason)}`;
    case "storage-error":
      return `storage: ${String(e.reason)}`;
    default:
      return undefined;
  }
}

export async function deviceVerb(p: Parsed): Promise<void> {
  const air = airOption(p);
  if (str(p, "kind") === undefined) throw new UsageError("--kind light|switch is needed");
  const kind: DeviceKind = choice(p, "kind", ["light", "switch"], "light");
  const runtime = choice(p, "runtime", ["node", "xs"], "node");
  const oob = choice(p, "oob", ["none", "output", "input", "default"], "default");
  const action = str(p, "action");
  if ((action !== undefined || str(p, "size") !== undefined) && oob !== "output" && oob !== "input") throw new UsageError("--action and --size need --oob output or --oob input");
  if (action !== undefined) choice(p, "action", Object.keys(oob === "output" ? OUTPUT_ACTIONS : INPUT_ACTIONS), "");
  const size = str(p, "size") !== undefined ? int(p, "size", 1, 1, 8) : undefined;
  const staticHex = str(p, "static");
  const staticOob = staticHex !== undefined ? hexArg(staticHex, "--static", [16, 32]) : undefined;
  const storagePath = str(p, "storage");
  const uuidHexArg = str(p, "uuid");
  const uuid = uuidHexArg !== undefined
    ? hexArg(uuidHexArg, "--uuid", [16])
    : storagePath !== undefined
      ? Uint8Array.from(createHash("sha256").update("meshprov device " + resolve(storagePath)).digest().subarray(0, 16))
      : Uint8Array.from(new NodeCryptoPrimitives().randomBytes(16));
  const name = str(p, "name") ?? `device-${process.pid}`;
  const wishes: ProvisionerOptions = oob === "default" ? {} : { oob, ...(action ? { action } : {}), ...(size !== undefined ? { size } : {}) };
  const capabilities = oob === "default" ? undefined : oob === "none" ? { outputOobAction: 0, outputOobSize: 0, inputOobAction: 0, inputOobSize: 0 } : capabilitiesFor(wishes);

  say(`${kind} ${uuidString(uuid)} (${runtime} runtime${storagePath ? `, storage ${storagePath}` : ", storage in memory"}) joining ${airText(air)}`);
  if (runtime === "xs") await runXs(air, { name, kind, uuid, staticOob, capabilities, storagePath });
  else await runNode(air, { name, kind, uuid, staticOob, capabilities, storagePath });
}

interface DeviceSetup {
  name: string;
  kind: DeviceKind;
  uuid: Bytes;
  staticOob: Bytes | undefined;
  capabilities: object | undefined;
  storagePath: string | undefined;
}

/** Standard input, one command a line: calls `act` with the parsed command; bad lines get one line on stderr. */
function readCommands(act: (cmd: { press?: number; type?: string; reset?: true }) => void): void {
  const rl = createInterface({ input: process.stdin });
  rl.on("line", (line) => {
    const w = line.trim().split(/\s+/).filter(Boolean);
    if (!w.length) return;
    if (w[0] === "press" && w.length <= 2 && (w.length === 1 || /^\d{1,3}$/.test(w[1]!))) act({ press: w.length === 1 ? 1 : Number(w[1]) });
    else if (w[0] === "type" && w.length === 2 && /^[A-Za-z0-9]{1,16}$/.test(w[1]!)) act({ type: w[1]! });
    else if (w[0] === "reset" && w.length === 1) act({ reset: true });
    else process.stderr.write(`device: unknown command "${line.trim()}" (press, press N, type VALUE, reset)\n`);
  });
}

async function runNode(air: ReturnType<typeof airOption>, d: DeviceSetup): Promise<void> {
  const client = await joinAir(air, d.name);
  const storage: Storage = d.storagePath ? new FileKeyStorage(d.storagePath, `--storage ${d.storagePath}`) : new MemoryStorage();
  let led = false;
  let button: (() => void) | undefined;
  const config: DeviceConfig = { kind: d.kind, uuid: d.uuid, ...(d.staticOob ? { staticOob: d.staticOob } : {}), ...(d.capabilities ? { capabilities: d.capabilities } : {}) };
  const app = new DeviceApp(
    { crypto: new NodeCryptoPrimitives(), clock: client.clock, radio: client.radio, storage },
    {
      setLed: (on) => {
        if (on !== led) say(on ? "LED on" : "LED off");
        led = on;
      },
      onButton: (h) => (button = h),
    },
    config,
    runMeshNode, // once provisioned, the product's mesh node runs (configured by meshprov config, toggled by onoff)
  );
  app.onEvent = (e) => {
    const text = describe(e);
    if (text) say(text);
  };
  readCommands((c) => {
    if (c.press) for (let i = 0; i < c.press; i++) button?.();
    else if (c.type !== undefined) {
      try {
        app.enterInput(/^\d+$/.test(c.type) ? Number(c.type) : c.type.toUpperCase());
      } catch (e) {
        process.stderr.write(`device: input refused: ${(e as Error).message}\n`);
      }
    } else if (c.reset) {
      app.reset();
      say("reset: unprovisioned, beaconing");
    }
  });
  app.start();
  if (app.state === "unprovisioned") say("unprovisioned: beaconing");
  const stop = (): void => void client.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  const r = await client.closed;
  say(`the hub closed${r.error ? `: ${r.error}` : ""}`);
  process.exit(0);
}

async function runXs(air: ReturnType<typeof airOption>, d: DeviceSetup): Promise<void> {
  if (!("port" in air) || air.host !== "127.0.0.1") throw new UsageError("--runtime xs joins a hub on tcp:127.0.0.1:PORT only");
  const missing = await xsAvailable();
  if (missing) throw new OperationError(`--runtime xs: ${missing}`);
  const built = await buildXsDevice();
  const tmp = d.storagePath ? undefined : mkdtempSync(join(tmpdir(), "meshprov-device-"));
  const storage = d.storagePath ?? join(tmp!, "flash.bin");
  const spawn = (): Promise<XsDevice> =>
    XsDevice.spawn({
      ...built,
      port: air.port,
      name: d.name,
      kind: d.kind,
      uuid: d.uuid,
      storage,
      ...(d.staticOob ? { staticOob: d.staticOob } : {}),
      ...(d.capabilities ? { capabilities: d.capabilities } : {}),
      led: true,
      onStderr: (line) => process.stderr.write(line + "\n"),
    }).catch((e: Error) => {
      throw new OperationError(`the XS device did not start: ${e.message.split("\n")[0]}`);
    });
  let xs = await spawn();
  const wire = (x: XsDevice): void => {
    x.onEvent = (e) => {
      const text = describeXs(e);
      if (text) say(text);
    };
    x.onDisplay = (text) => {
      const last = x.events[x.events.length - 1];
      const action = last?.event === "output-request" ? Number(last.action) : 3;
      say(`${OUTPUT_VERBS[action] ?? "shows"} ${text}${action <= 2 ? " times" : ""} (give this to the provisioner)`);
    };
    x.onLed = (on) => say(on ? "LED on" : "LED off");
  };
  wire(xs);
  const provisioned = xs.events.some((e) => e.event === "restored");
  if (!provisioned) say("unprovisioned: beaconing");
  let resetting = false;
  readCommands((c) => {
    if (c.press) xs.pressButton(undefined, c.press); // one line for a run of presses (the board's pending list is short)
    else if (c.type !== undefined) xs.enterInput(c.type);
    else if (c.reset) {
      // The XS board has no reset line: the person power-cycles it with its flash erased.
      resetting = true;
      xs.kill();
      void xs.exited.then(async () => {
        rmSync(storage, { force: true });
        xs = await spawn();
        wire(xs);
        resetting = false;
        say("reset: unprovisioned, beaconing");
        void watch();
      });
    }
  });
  const cleanup = (): void => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  };
  const stop = (): void => {
    xs.kill();
    void xs.exited.then(() => {
      cleanup();
      process.exit(0);
    });
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  const watch = async (): Promise<void> => {
    const me = xs;
    const r = await me.exited;
    if (resetting || me !== xs) return;
    cleanup();
    say(`the XS device ended (${r.code ?? r.signal})`);
    process.exit(r.code === 0 ? 0 : 1);
  };
  await watch();
}
