// The host entry: the XS host runtime's simulated device (host/xs-device.ts: `meshprov device --runtime xs`, the
// simulator, the benchmarks), never in a device image (manifest.json maps it on the host platform only). The
// device is device-start.js's, as on the firmware; its configuration is the build's defines overridden by the
// app's arguments (after `--` on xsrun's command line):
//   --kind light|switch  --static-oob HEX  --beacon-interval MS  --capabilities JSON  --policy NAME
//   --oob-public-key     --log debug|info|warn|error|none  --heap  --led-events
// --heap (benchmarks): each event line carries the engine's memory counters; --led-events (tests): each LED change
// is an event line (device-start.js).
//   build/xs/host/xsrun --air 127.0.0.1:PORT --name NAME build/xs/app native/xs/js/device-host -- --kind switch
import { retransmitPolicies } from "../../../modules/bearer/retransmit.js";
import { hexToBytes } from "../../../modules/crypto/bytes.js";
import defines from "./config.js";
import { startDevice } from "./device-start.js";
import * as identity from "./identity.js";
import { makeLogger } from "./trace.js";
import { xsCrypto, xsStorage } from "./platform.js";
import { args } from "./sys.js";

const OOB_KEY = "oobkey";
const SWITCHES = ["--oob-public-key", "--heap", "--led-events"];
const VALUED = ["--kind", "--static-oob", "--beacon-interval", "--capabilities", "--policy", "--log"];

function parseArgs(list) {
  const o = {};
  for (let i = 0; i < list.length; i++) {
    const a = list[i];
    if (SWITCHES.includes(a)) o[a.slice(2)] = true;
    else if (VALUED.includes(a) && i + 1 < list.length) o[a.slice(2)] = list[++i];
    else throw new RangeError(`device-host: unexpected argument "${a}"`);
  }
  return o;
}

const opts = parseArgs(args());
const config = {
  kind: String(opts.kind ?? defines.DEVICE_KIND ?? "light"),
  uuid: identity.uuid(),
  beaconIntervalMs: Number(opts["beacon-interval"] ?? defines.BEACON_INTERVAL_MS ?? 1000),
};
const staticHex = String(opts["static-oob"] ?? defines.STATIC_OOB ?? "");
if (staticHex) config.staticOob = hexToBytes(staticHex);
if (opts.capabilities) config.capabilities = JSON.parse(opts.capabilities);
if (opts.policy) {
  const policy = retransmitPolicies[opts.policy];
  if (!policy) throw new RangeError(`device-host: unknown retransmission policy "${opts.policy}"`);
  config.pbAdv = { retransmit: policy };
}
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
}

startDevice(config, {
  logger: makeLogger(String(opts.log ?? defines.LOG_LEVEL ?? "warn")),
  heap: opts.heap === true,
  ledEvents: opts["led-events"] === true,
});
