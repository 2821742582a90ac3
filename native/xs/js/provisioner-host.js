// The standalone provisioner's host entry, never in a firmware image (manifest.json maps it on the host platform
// only). The provisioner is provisioner-start.js's, as on the firmware; its configuration is the build's defines
// overridden by the app's arguments (after `--` on xsrun's command line):
//   xsrun --air 127.0.0.1:PORT --name NAME build/xs/app native/xs/js/provisioner-host -- [--static-oob HEX]
//         [--oob auto|none] [--log debug|info|warn|error|none] [--heap]
// --heap (measurements): each event line carries the engine's memory counters.
import defines from "./config.js";
import { runProvisioner } from "./provisioner-start.js";
import { args } from "./sys.js";

const SWITCHES = ["--heap"];
const VALUED = ["--static-oob", "--oob", "--log"];
const list = args();
const opts = {};
for (let i = 0; i < list.length; i++) {
  if (SWITCHES.includes(list[i])) opts[list[i].slice(2)] = true;
  else if (VALUED.includes(list[i]) && i + 1 < list.length) opts[list[i].slice(2)] = list[++i];
  else throw new RangeError(`provisioner-host: unexpected argument "${list[i]}"`);
}
runProvisioner(
  String(opts["static-oob"] ?? defines.STATIC_OOB ?? ""),
  String(opts.oob ?? defines.PROVISIONER_OOB ?? "auto"),
  String(opts.log ?? defines.LOG_LEVEL ?? "warn"),
  opts.heap === true,
  Number(defines.PROVISIONER_GROUP ?? 0xc000),
);
