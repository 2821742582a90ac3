// The XS modem entry: the mesh modem application (modules/serial/app.ts, docs/serial-protocol.md) on the
// runtime's radio, clock and crypto, with its serial link on native/xs/js/serial.js. Host runtime:
//   xsrun --air 127.0.0.1:PORT --name NAME build/xs/app native/xs/js/modem-main -- [--links N] [--log LEVEL]
// with file descriptor 3 as the serial link (host/serial/launch.ts --runtime xs sets it up). Log lines
// "[level] tag: message" on stdout, never a secret.
import { startModem } from "../../../modules/serial/app.js";
import { xsClock, xsCrypto } from "./platform.js";
import { radio } from "./radio.js";
import * as serial from "./serial.js";
import { args } from "./sys.js";
import { log } from "./trace.js";

const LEVELS = { debug: 0, info: 1, warn: 2, error: 3, none: 4 };
const list = args();
const opts = {};
for (let i = 0; i < list.length; i += 2) {
  if (!list[i].startsWith("--") || i + 1 >= list.length) throw new RangeError(`modem-main: unexpected argument "${list[i]}"`);
  opts[list[i].slice(2)] = list[i + 1];
}
const maxLinks = Number(opts.links ?? 4);
if (!Number.isInteger(maxLinks) || maxLinks < 1 || maxLinks > 16) throw new RangeError("modem-main: --links must be 1..16");
const level = LEVELS[String(opts.log ?? "warn")] ?? 2;
const logger = {
  log(l, tag, message) {
    if ((LEVELS[l] ?? 0) >= level) log(l, tag, message);
  },
};
startModem({ crypto: xsCrypto, clock: xsClock, radio, logger }, serial, { maxLinks });
