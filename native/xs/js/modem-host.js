// The XS modem's host entry (host/serial/launch.ts --runtime xs), never in a firmware image (manifest.json maps
// it on the host platform only). The modem is modem-start.js's, as on the firmware; its configuration is the
// build's defines overridden by the app's arguments (after `--` on xsrun's command line):
//   xsrun --air 127.0.0.1:PORT --name NAME build/xs/app native/xs/js/modem-host -- [--links N] [--log LEVEL]
// with file descriptor 3 as the serial link (host/serial/launch.ts sets it up).
import defines from "./config.js";
import { runModem } from "./modem-start.js";
import { args } from "./sys.js";

const VALUED = ["--links", "--log"];
const list = args();
const opts = {};
for (let i = 0; i < list.length; i++) {
  if (VALUED.includes(list[i]) && i + 1 < list.length) opts[list[i].slice(2)] = list[++i];
  else throw new RangeError(`modem-host: unexpected argument "${list[i]}"`);
}
runModem(Number(opts.links ?? defines.MODEM_LINKS ?? 4), String(opts.log ?? defines.LOG_LEVEL ?? "warn"));
