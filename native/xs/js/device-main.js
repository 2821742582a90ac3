// The firmware entry: what the device images run (tools/nrf52/build.mjs: nRF52840 and its Cortex-M4 twin). It
// reads no arguments. Its configuration is the build's defines (manifest.json "defines" and the variant's:
// DEVICE_KIND light|switch, STATIC_OOB hex or "", BEACON_INTERVAL_MS, LOG_LEVEL) and, over them, this unit's
// factory record (modules/factory/record.ts, docs/firmware.md "Factory data"), read from the factory area: its
// Static OOB value, its UUID (else the FICR-derived one), its Output and Input OOB Capabilities. An absent or
// corrupt record gives one log line and the build's defaults. The device itself: device-start.js.
// (The host runtime's simulated devices run device-host.js, with arguments.)
import { hexToBytes } from "../../../modules/crypto/bytes.js";
import { decodeFactoryRecord } from "../../../modules/factory/record.js";
import defines from "./config.js";
import { startDevice } from "./device-start.js";
import * as identity from "./identity.js";
import { makeLogger } from "./trace.js";

// The factory area's bytes (a copy; undefined where there is none): native/xs/natives/nrf52/factory_xs.c (the UICR
// customer registers on the nRF52840, the factory area on the twin), native/xs/natives/host/factory_host.c (none).
// Declared here, not in a module of its own: each module costs the twin's heap.
function readFactoryArea() @ "xs_factory_read";

// Its body only declares: in a preloaded image (every device image but --prelinked) it runs at build time, in the
// preload generator, where no native answers. The device starts in start(), which the body registers as the entry's
// start function (globalThis.xsrStart): the runtime calls it once every module is there (native/xs/common/xsr_run.c
// xsrStartEntry; docs/firmware.md "Boot").
function start() {
  const logger = makeLogger(String(defines.LOG_LEVEL ?? "warn"));
  const config = {
    kind: String(defines.DEVICE_KIND ?? "light"),
    uuid: identity.uuid(),
    beaconIntervalMs: Number(defines.BEACON_INTERVAL_MS ?? 1000),
  };
  if (defines.STATIC_OOB) config.staticOob = hexToBytes(String(defines.STATIC_OOB));

  // (in a block: nothing of the record stays alive while the device starts)
  {
    const found = decodeFactoryRecord(readFactoryArea());
    if (found.ok) {
      const r = found.record;
      if (r.staticOob) config.staticOob = r.staticOob;
      if (r.uuid) config.uuid = r.uuid;
      if (r.output || r.input) config.capabilities = {};
      if (r.output) {
        config.capabilities.outputOobSize = r.output.size;
        config.capabilities.outputOobAction = r.output.action;
      }
      if (r.input) {
        config.capabilities.inputOobSize = r.input.size;
        config.capabilities.inputOobAction = r.input.action;
      }
    } else {
      // one line, at warn: a unit without its factory data is a production fault, not a reason to stop
      logger.log("warn", "factory", `${found.reason}: the build's defaults`);
    }
  }
  startDevice(config, { logger });
}
globalThis.xsrStart = start;
