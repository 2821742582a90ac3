// The XS device, composed once for both entries: the firmware entry (device-main.js: configuration from the
// build's defines and the factory record) and the host entry (device-host.js: from its arguments). startDevice
// checks the DeviceConfig, builds the Platform from the natives and the board's DeviceIo, and runs the device
// application (main.ts) on it (the entries' logger: trace.js makeLogger). (One export only: on the twin each function and binding costs its heap.)
//
// Output, on stdout: one JSON object per line per application event, {"event": type, "time": ms, ...fields},
// never a secret (no key, no AuthValue, no Output OOB value: that goes to the board's display); plus the
// log lines "[level] tag: message" and the board's lines (LED, display).
// (The simulator reads every line before the hub's time passes it through the runtime's --sync: "mark N" lines
// and the air protocol's MARK, docs/air-protocol.md 3.3.) Options of the host entry: `heap` (each event line
// carries the engine's memory counters at that moment, "heap": {"chunks": bytes, "slots": count}), `ledEvents`
// (each LED change is an event line too, {"event": "led", "on": bool, "time": ms}).
import { DeviceApp } from "../../../main.js";
import { bytesToHex } from "../../../modules/crypto/bytes.js";
import { InputOobAction } from "../../../modules/prov/pdu.js";
import * as board from "./board.js";
import * as identity from "./identity.js";
import { xsClock, xsCrypto, xsStorage } from "./platform.js";
import { radio } from "./radio.js";
import { memory } from "./sys.js";
import { trace } from "./trace.js";
import { runMeshNode } from "./mesh.js";

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

/**
 * Runs the device: `config` a complete DeviceConfig (main.ts; the kind and the beacon interval are checked here,
 * the rest by DeviceApp: RangeError), `o.logger` its logger; `o.heap`, `o.ledEvents` (host entry only, above).
 * Prints the "started" line and starts the app.
 */
export function startDevice(config, o) {
  if (config.kind !== "light" && config.kind !== "switch") throw new RangeError(`device: kind must be light or switch, got "${config.kind}"`);
  if (!(config.beaconIntervalMs >= 20)) throw new RangeError("device: beacon interval must be at least 20 ms");
  const logger = o.logger;
  const emit = (object) => {
    if (o.heap) {
      const m = memory();
      object.heap = { chunks: m.chunks.current, slots: m.slots.current };
    }
    trace(JSON.stringify(object) + "\n");
  };

  let led = false;
  const io = {
    setLed: (on) => {
      board.setLed(!!on);
      if (o.ledEvents && !!on !== led) emit({ event: "led", on: !!on, time: xsClock.now() });
      led = !!on;
    },
    onButton: (handler) => board.onButton(handler),
  };

  // The mesh node, where this platform's image carries it (manifest.json maps native/xs/js/mesh per platform).
  const app = new DeviceApp({ crypto: xsCrypto, clock: xsClock, radio, storage: xsStorage, logger }, io, config, runMeshNode);

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
        board.awaitInput(config.kind === "switch" && app.state === "provisioned" && runMeshNode !== undefined);
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

  const started = { event: "started", time: xsClock.now(), name: identity.name(), kind: config.kind, uuid: bytesToHex(config.uuid), staticOob: !!config.staticOob };
  if (config.oobKeyPair) started.oobPublicKey = bytesToHex(config.oobKeyPair.publicKey);
  emit(started);
  app.start();
  return app;
}
