// The XS modem, composed once for both entries: the firmware entry (modem-main.js: the build's defines) and the
// host entry (modem-host.js: its arguments). The mesh modem application (modules/serial/app.ts,
// docs/serial-protocol.md) on the runtime's radio, clock and crypto, with its serial link on native/xs/js/serial.js,
// and its mesh node for the host (modules/serial/mesh.ts ModemMesh: HELLO's roles bit 2, §3.5).
// Log lines "[level] tag: message" on stdout, never a secret.
import { startModem } from "../../../modules/serial/app.js";
import { ModemMesh } from "../../../modules/serial/mesh.js";
import { xsClock, xsCrypto } from "./platform.js";
import { radio } from "./radio.js";
import * as serial from "./serial.js";
import { makeLogger } from "./trace.js";

/** Runs the modem with at most `maxLinks` (1..16) links at once, logging at `level`; RangeError otherwise. */
export function runModem(maxLinks, level) {
  if (!Number.isInteger(maxLinks) || maxLinks < 1 || maxLinks > 16) throw new RangeError(`modem: links must be 1..16, got ${maxLinks}`);
  startModem({ crypto: xsCrypto, clock: xsClock, radio, logger: makeLogger(level) }, serial, { maxLinks, mesh: (p, e) => new ModemMesh(p, e) });
}
