// The XS device entry: builds the Platform from the natives, the board's DeviceIo and the DeviceConfig,
// and runs the device application (main.ts) on it. The same module runs on the host runtime (a simulated
// device on the air hub: `xsrun --air 127.0.0.1:PORT --name NAME build/xs/app native/xs/js/device-main`)
// and on the device.
//
// Configuration: the manifest's defines (DEVICE_KIND light|switch, STATIC_OOB hex or "", BEACON_INTERVAL_MS,
// LOG_LEVEL), overridden on the host by the app's arguments (after `--`):
//   --kind light|switch  --static-oob HEX  --beacon-interval MS  --capabilities JSON  --policy NAME
//   --oob-public-key     --log debug|info|warn|error|none  --heap  --led-events
//
// Output, on stdout: one JSON object per line per application event, {"event": type, "time": ms, ...fields},
// never a secret (no key, no AuthValue, no Output OOB value: that goes to the board's display); plus the
// log lines "[level] tag: message" and the board's lines (LED, display).
// (The simulator reads every line before the hub's time passes it through the runtime's --sync: "mark N" lines
// and the air protocol's MARK, docs/air-protocol.md 3.3.) --heap (benchmarks): each event line carries the engine's
// memory counters at that moment, "heap": {"chunks": bytes, "slots": count}. --led-events (tests): each LED change
// is an event line too, {"event": "led", "on": bool, "time": ms}.
import { DeviceApp } from "../../../main.js";
import { retransmitPolicies } from "../../../modules/bearer/retransmit.js";
import { bytesToHex, hexToBytes } from "../../../modules/crypto/bytes.js";
import { InputOobAction } from "../../../modules/prov/pdu.js";
import * as board from "./board.js";
import defines from "./config.js";
import * as identity from "./identity.js";
import { xsClock, xsCrypto, xsStorage } from "./platform.js";
import { radio } from "./radio.js";
import { args, memory } from "./sys.js";
import { log, trace } from "./trace.js";
import { runMeshNode } from "./mesh.js";

const OOB_KEY = "oobkey";
const LEVELS = { debug: 0, info: 1, warn: 2, error: 3, none: 4 };

function parseArgs(list) {
  const o = {};
  for (let i = 0; i < list.length; i++) {
    const a = list[i];
    if (a === "--oob-public-key" || a === "--heap" || a === "--led-events") o[a.slice(2)] = true;
    else if (a.startsWith("--") && i + 1 < list.length) o[a.slice(2)] = list[++i];
    else throw new RangeError(`device-main: unexpected argument "${a}"`);
  }
  return o;
}

const opts = parseArgs(args());
const kind = String(opts.kind ?? defines.DEVICE_KIND ?? "light");
if (kind !== "light" && kind !== "switch") throw new RangeError(`device-main: kind must be light or switch, got "${kind}"`);
const staticHex = String(opts["static-oob"] ?? defines.STATIC_OOB ?? "");
const beaconIntervalMs = Number(opts["beacon-interval"] ?? defines.BEACON_INTERVAL_MS ?? 1000);
if (!(beaconIntervalMs >= 20)) throw new RangeError("device-main: beacon interval must be at least 20 ms");
const logLevel = LEVELS[String(opts.log ?? defines.LOG_LEVEL ?? "info")] ?? 1;
const heap = opts.heap === true;

const logger = {
  log(level, tag, message) {
    if ((LEVELS[level] ?? 0) >= logLevel) log(level, tag, message);
  },
  // the modules skip formatting what is not printed (modules/platform.ts Logger.enabled)
  enabled: (level) => (LEVELS[level] ?? 0) >= logLevel,
};

function emit(object) {
  if (heap) {
    const m = memory();
    object.heap = { chunks: m.chunks.current, slots: m.slots.current };
  }
  trace(JSON.stringify(object) + "\n");
}

const config = {
  kind,
  uuid: identity.uuid(),
  beaconIntervalMs,
};
if (staticHex) config.staticOob = hexToBytes(staticHex);
if (opts.capabilities) config.capabilities = JSON.parse(opts.capabilities);
if (opts.policy) {
  const policy = retransmitPolicies[opts.policy];
  if (!policy) throw new RangeError(`device-main: unknown retransmission policy "${opts.policy}"`);
  config.pbAdv = { retransmit: policy };
}
let oobPublicKey;
if (opts["oob-public-key"]) {
  // The device's own key pair, made once and kept (like a key written at manufacture); the public key is
  // printed in the "started" line, as a QR code on the box would show it.
  let pair = xsStorage.read(OOB_KEY);
  if (!pair || pair.length !== 96 || !xsCrypto.p256ValidatePublicKey(pair.slice(32))) {
    const made = xsCrypto.p256GenerateKeyPair();
    pair = new Uint8Array(96);
    pair.set(made.privateKey, 0);
    pair.set(made.publicKey, 32);
    xsStorage.write(OOB_KEY, pair);
  }
  config.oobKeyPair = { privateKey: pair.slice(0, 32), publicKey: pair.slice(32) };
  oobPublicKey = bytesToHex(config.oobKeyPair.publicKey);
}

let led = false;
const io = {
  setLed: (on) => {
    board.setLed(!!on);
    if (opts["led-events"] && !!on !== led) emit({ event: "led", on: !!on, time: xsClock.now() });
    led = !!on;
  },
  onButton: (handler) => board.onButton(handler),
};

// The mesh node, where this platform's image carries it (manifest.json maps native/xs/js/mesh per platform).
const app = new DeviceApp({ crypto: xsCrypto, clock: xsClock, radio, storage: xsStorage, logger }, io, config, runMeshNode);

// The fields of each event that may be printed: never keys, AuthValue, OOB values or Provisioning Data keys.
function fields(e) {
  switch (e.type) {
    case "link-closed":
      return { reason: e.reason, byPeer: e.byPeer };
    case "invite-received":
      return { attentionDuration: e.attentionDuration };
    case "attention":
      return { on: e.on, remaining: e.remaining };
    case "start-received":
      return { algorithm: e.start.algorithm, publicKey: e.start.publicKey, method: e.start.authenticationMethod, action: e.start.authenticationAction, size: e.start.authenticationSize };
    case "output-request":
    case "input-request":
      return { method: e.method, action: e.action, size: e.size };
    case "static-request":
      return { length: e.length };
    case "complete":
      return { address: e.data.unicastAddress, numberOfElements: e.numberOfElements, ivIndex: e.data.ivIndex, keyIndex: e.data.keyIndex };
    case "failed":
      return { code: e.code, byPeer: e.byPeer, reason: e.reason };
    case "restored":
      return { address: e.record.data.unicastAddress, numberOfElements: e.record.numberOfElements, ivIndex: e.record.data.ivIndex, keyIndex: e.record.data.keyIndex };
    case "storage-error":
      return { reason: e.reason };
    default:
      return {};
  }
}

let inputAction = -1;

app.onEvent = (e) => {
  emit({ event: e.type, time: xsClock.now(), ...fields(e) });
  switch (e.type) {
    case "output-request":
      board.show(String(e.value)); // after the event line; the LED blinks it too (main.ts)
      break;
    case "input-request":
      inputAction = e.action;
      board.awaitInput(true);
      break;
    case "complete":
    case "link-closed":
    case "failed":
    case "restored":
    case "reset":
      inputAction = -1;
      // a provisioned switch's button is its job (it toggles the light): the board keeps looking for presses
      board.awaitInput(kind === "switch" && app.state === "provisioned" && runMeshNode !== undefined);
      break;
    default:
      break;
  }
};

board.onInput((text) => {
  if (inputAction < 0) {
    logger.log("warn", "board", "input ignored: no value is awaited");
    return;
  }
  if (inputAction === InputOobAction.Push) {
    logger.log("warn", "board", "input ignored: this device takes its value from the button");
    return;
  }
  // Input Numeric and Twist take a number, Input Alphanumeric a string (5.4.2.4)
  const value = inputAction === InputOobAction.InputAlphanumeric ? text : Number(text);
  if (typeof value === "number" && !(Number.isInteger(value) && value >= 0)) {
    logger.log("warn", "board", `input ignored: "${text}" is not a number`);
    return;
  }
  try {
    app.enterInput(value);
  } catch (err) {
    logger.log("warn", "board", `input rejected: ${err instanceof Error ? err.message : String(err)}`);
  }
});

const started = { event: "started", time: xsClock.now(), name: identity.name(), kind, uuid: bytesToHex(config.uuid), staticOob: !!config.staticOob };
if (oobPublicKey) started.oobPublicKey = oobPublicKey;
emit(started);
app.start();
