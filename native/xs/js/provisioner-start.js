// The standalone provisioner (docs/standalone.md), composed once for both entries: the firmware entry
// (provisioner-main.js: the build's defines) and the host entry (provisioner-host.js: its arguments). The
// standalone provisioner application (modules/standalone/provisioner-app.ts) on the runtime's natives.
//
// Output on stdout: one JSON object per line per application event, {"event": type, "time": ms, ...fields},
// (host entry's heap option, for measurements: each line carries the engine's memory counters, "heap": {"chunks":
// bytes, "slots": count}), never a key (node-added carries the UUID, the address and the element count); an Input
// OOB value goes to the board's display ("display <text>"), as a person must read it. The log lines
// "[level] tag: message". A person enters an Output OOB count (the device blinks or beeps it) by pressing the
// button that many times, a number or string through the board's input (host: a stdin line "input <value>").
import { StandaloneProvisioner, standaloneCapacity } from "../../../modules/standalone/provisioner-app.js";
import { bytesToHex, hexToBytes } from "../../../modules/crypto/bytes.js";
import * as board from "./board.js";
import { xsClock, xsCrypto, xsStorage } from "./platform.js";
import { radio } from "./radio.js";
import { memory } from "./sys.js";
import { makeLogger, trace } from "./trace.js";

// What each event may print: never a key, never an OOB value (the display shows the one a person must read).
function fields(e) {
  switch (e.type) {
    case "started":
      return { nodes: e.nodes, pending: e.pending, capacity: e.capacity, skipped: e.skipped, configured: e.configured, refused: e.refused };
    case "provisioning":
      return { uuid: bytesToHex(e.uuid) };
    case "auth":
      return { uuid: bytesToHex(e.uuid), method: e.method, action: e.action, size: e.size, enter: e.enter };
    case "node-added":
      return { uuid: bytesToHex(e.node.uuid), address: e.node.address, elements: e.node.elements, slot: e.node.slot };
    case "provisioning-failed":
      return { uuid: bytesToHex(e.uuid), reason: e.reason };
    case "full":
      return { capacity: e.capacity };
    case "storage-error":
      return { reason: e.reason };
    case "configuring":
      return { address: e.address, resumed: e.resumed };
    case "configured":
      return { address: e.address, servers: e.servers };
    case "configuration-failed":
      return { address: e.address, step: e.step, reason: e.reason, refused: e.refused };
    case "toggle":
      return { on: e.on, tid: e.tid, group: e.group };
    default:
      return {};
  }
}

function onEvent(e, heap) {
  const line = { event: e.type, time: xsClock.now(), ...fields(e) };
  if (heap) {
    const m = memory();
    line.heap = { chunks: m.chunks.current, slots: m.slots.current };
  }
  trace(JSON.stringify(line) + "\n");
  // the board looks for the person's presses or entries while a value is awaited
  board.awaitInput(e.type === "auth" && e.enter !== "device" && e.enter !== "none");
}

/**
 * Runs the provisioner: `staticOob` a hex string or "", `oob` "auto" or "none", `level` the log level, `heap` the
 * memory counters on each event line (host entry only), `group` the lights' group (0xC000..0xFEFF, Mesh Protocol
 * 1.1 3.4.2.4). RangeError for a bad value.
 */
export function runProvisioner(staticOob, oob, level, heap, group) {
  if (oob !== "auto" && oob !== "none") throw new RangeError(`provisioner: oob must be auto or none, got "${oob}"`);
  if (!(Number.isInteger(group) && group >= 0xc000 && group <= 0xfeff)) throw new RangeError(`provisioner: the group must be 0xC000..0xFEFF, got ${group}`);
  const logger = makeLogger(level);
  const config = { capacity: standaloneCapacity(), oob, group };
  if (staticOob) config.staticOob = hexToBytes(staticOob);
  const io = {
    onButton: (handler) => board.onButton(handler),
    onInput: (handler) => board.onInput(handler),
    show: (text) => board.show(text),
  };
  // Started from the run loop, after the import: the engine does not collect garbage while it links the modules,
  // so the table's load (61 record reads) would otherwise grow the XS heap's slot area for good (docs/standalone.md).
  xsClock.setTimeout(() => {
    const app = new StandaloneProvisioner({ crypto: xsCrypto, clock: xsClock, radio, storage: xsStorage, logger }, io, config);
    app.onEvent = (e) => onEvent(e, heap);
    app.start();
  }, 0);
}
