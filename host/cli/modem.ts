/**
 * meshprov modem: the modem application (modules/serial) as its own process on a hub's air, its serial side
 * a pty (or a TCP/Unix listener) for `meshprov … --serial PATH` or any host (docs/serial-protocol.md).
 * The work is host/serial/modem-command.ts's; this file maps it onto meshprov's conventions.
 */
import { OperationError, UsageError, str } from "./args.js";
import type { OptionSpecs, Parsed } from "./args.js";
import { ModemUsage, modemOptions, serveModem } from "../serial/modem-command.js";
import type { RunModemOptions } from "../serial/launch.js";

export const MODEM_USAGE = `usage: meshprov modem --air ADDR [--runtime node|xs|twin] [--serial pty|tcp:HOST:PORT|unix:PATH] [--links N]
Runs a mesh modem (the serial provisioner's device) on the hub's air and prints where its serial side is
("serial: /dev/pts/5"; needs python3 for a pty), then stays up until Ctrl-C. The hub must run in real time
(meshprov hub without --virtual). Drive it with meshprov scan|provision|config|onoff --serial PATH.
  --runtime R      node (default), xs (the XS host runtime, as on the device) or twin (the modem firmware,
                   build/mps2/modem/firmware.elf, on qemu-system-arm; the hub at tcp:HOST:PORT)
  --serial S       pty (default), tcp:HOST:PORT (port 0: any free one) or unix:PATH
  --links N        links at once, 1..16 (default 4; the twin: its image's)`;

export const MODEM_OPTIONS: OptionSpecs = { air: { type: "string" }, serial: { type: "string" }, links: { type: "string" }, runtime: { type: "string" } };

export async function modemVerb(p: Parsed): Promise<void> {
  let options: RunModemOptions;
  try {
    options = modemOptions({ air: str(p, "air") ?? process.env.MESHPROV_AIR, serial: str(p, "serial"), links: str(p, "links"), runtime: str(p, "runtime") });
  } catch (e) {
    throw e instanceof ModemUsage ? new UsageError(e.message) : e;
  }
  try {
    await serveModem(options, (serial) => void process.stdout.write(`serial: ${serial}\n`), (line) => void process.stderr.write(line + "\n"));
  } catch (e) {
    throw new OperationError(e instanceof Error ? e.message : String(e));
  }
}
