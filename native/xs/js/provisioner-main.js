// The XS entry of the standalone provisioner (the firmware variant `provisioner`; docs/standalone.md): the
// standalone provisioner application (modules/standalone/provisioner-app.ts) on the runtime's natives. The same
// module runs on the device and on the host runtime:
//   xsrun --air 127.0.0.1:PORT --name NAME build/xs/app native/xs/js/provisioner-main -- [--static-oob HEX]
//         [--oob auto|none] [--log debug|info|warn|error|none] [--heap]
// Configuration: the manifest's defines (STATIC_OOB hex or "", LOG_LEVEL), overridden on the host by the
// arguments after `--`.
//
// Output on stdout: one JSON object per line per application event, {"event": type, "time": ms, ...fields},
// (--heap, for measurements: each line carries the engine's memory counters, "heap": {"chunks": bytes, "slots": count}),
// never a key (node-added carries the UUID, the address and the element count); an Input OOB value goes to the
// board's display ("display <text>"), as a person must read it. The log lines "[level] tag: message".
// A person enters an Output OOB count (the device blinks or beeps it) by pressing the button that many times,
// a number or string through the board's input (host: a stdin line "input <value>").
import { StandaloneProvisioner, standaloneCapacity } from "../../../modules/standalone/provisioner-app.js";
import { bytesToHex, hexToBytes } from "../../../modules/crypto/bytes.js";
import * as board from "./board.js";
import defines from "./config.js";
import { xsClock, xsCrypto, xsStorage } from "./platform.js";
import { radio } from "./radio.js";
import { args, memory } from "./sys.js";
import { log, trace } from "./trace.js";

const LEVELS = { debug: 0, info: 1, warn: 2, error: 3, none: 4 };

const list = args();
const opts = {};
for (let i = 0; i < list.length; i++) {
  if (list[i] === "--heap") opts.heap = true;
  else if (list[i].startsWith("--") && i + 1 < list.length) opts[list[i].slice(2)] = list[++i];
  else throw new RangeError(`provisioner-main: unexpected argument "${list[i]}"`);
}
const staticHex = String(opts["static-oob"] ?? defines.STATIC_OOB ?? "");
const oob = String(opts.oob ?? "auto");
if (oob !== "auto" && oob !== "none") throw new RangeError(`provisioner-main: --oob must be auto or none, got "${oob}"`);
const level = LEVELS[String(opts.log ?? defines.LOG_LEVEL ?? "info")] ?? 1;
const logger = {
  log(l, tag, message) {
    if ((LEVELS[l] ?? 0) >= level) log(l, tag, message);
  },
};

const config = { capacity: standaloneCapacity(), oob };
if (staticHex) config.staticOob = hexToBytes(staticHex);

const io = {
  onButton: (handler) => board.onButton(handler),
  onInput: (handler) => board.onInput(handler),
  show: (text) => board.show(text),
};


// What each event may print: never a key, never an OOB value (the display shows the one a person must read).
function fields(e) {
  switch (e.type) {
    case "started":
      return { nodes: e.nodes, pending: e.pending, capacity: e.capacity, skipped: e.skipped };
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
    default:
      return {};
  }
}

function onEvent(e) {
  const line = { event: e.type, time: xsClock.now(), ...fields(e) };
  if (opts.heap) {
    const m = memory();
    line.heap = { chunks: m.chunks.current, slots: m.slots.current };
  }
  trace(JSON.stringify(line) + "\n");
  // the board looks for the person's presses or entries while a value is awaited
  board.awaitInput(e.type === "auth" && e.enter !== "device" && e.enter !== "none");
}

// Started from the run loop, after the import: the engine does not collect garbage while it links the modules,
// so the table's load (61 record reads) would otherwise grow the XS heap's slot area for good (docs/standalone.md).
xsClock.setTimeout(() => {
  const app = new StandaloneProvisioner({ crypto: xsCrypto, clock: xsClock, radio, storage: xsStorage, logger }, io, config);
  app.onEvent = onEvent;
  app.start();
}, 0);
