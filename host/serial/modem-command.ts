/**
 * The `modem` command: `meshprov modem` (host/cli/modem.ts) and host/serial/modem-main.ts (the same as a
 * process of its own):
 *
 *   modem --air tcp:127.0.0.1:7000 [--serial pty|tcp:HOST:PORT|unix:PATH] [--links N] [--runtime node|xs|twin]
 *
 * --runtime twin: the `modem` firmware on the twin under qemu-system-arm (host/serial/launch.ts), its links at once
 * the image's (MODEM_LINKS: no --links).
 * Prints "serial: ADDRESS" when ready (a pty path, or the address it listens on), then runs until the hub goes
 * away or SIGINT/SIGTERM. A mistake on the command line is a ModemUsage (one line and the usage, exit 2); a
 * failure (no hub, no python3 for a pty) is a ModemError (one line, exit 1).
 */
import { runModem } from "./launch.js";
import type { RunModemOptions } from "./launch.js";
import { ModemError } from "./driver.js";
import { buildXsDevice } from "../xs-device.js";

export const MODEM_USAGE = "usage: modem --air tcp:HOST:PORT|unix:PATH [--serial pty|tcp:HOST:PORT|unix:PATH] [--links 1..16] [--runtime node|xs|twin]";

/** A mistake on the modem's command line. */
export class ModemUsage extends Error {}

/** The options as given (strings), checked into what runModem() takes. Throws ModemUsage. */
export function modemOptions(opt: { air?: string | undefined; serial?: string | undefined; links?: string | undefined; runtime?: string | undefined }): RunModemOptions {
  if (!opt.air) throw new ModemUsage("--air is needed (where the hub listens)");
  const m = /^(?:tcp:)?(?:([^:]+):)?(\d{1,5})$/.exec(opt.air);
  const air = opt.air.startsWith("unix:") ? { path: opt.air.slice(5) } : m ? { host: m[1] ?? "127.0.0.1", port: Number(m[2]) } : undefined;
  if (!air) throw new ModemUsage(`--air must be tcp:HOST:PORT or unix:PATH, not "${opt.air}"`);
  const runtime = opt.runtime ?? "node";
  if (runtime !== "node" && runtime !== "xs" && runtime !== "twin") throw new ModemUsage("--runtime must be node, xs or twin");
  if (runtime === "twin") {
    // the firmware reads no arguments: its links at once are the image's MODEM_LINKS (docs/firmware-modem.md)
    if (opt.links !== undefined) throw new ModemUsage("--links is not for --runtime twin: the image's links at once are its MODEM_LINKS");
    if (!("port" in air)) throw new ModemUsage("--runtime twin joins the hub over TCP: --air tcp:HOST:PORT");
    return { air, runtime, serial: opt.serial ?? "pty" };
  }
  const links = opt.links === undefined ? 4 : Number(opt.links);
  if (!Number.isInteger(links) || links < 1 || links > 16) throw new ModemUsage("--links must be a whole number 1..16");
  return { air, runtime, serial: opt.serial ?? "pty", maxLinks: links };
}

/**
 * Run the modem until the hub goes away or SIGINT/SIGTERM; `ready` is told the serial address. Rejects
 * with a one-line ModemError when the modem cannot start.
 */
export async function serveModem(options: RunModemOptions, ready: (serial: string) => void, err: (line: string) => void): Promise<void> {
  let running: Awaited<ReturnType<typeof runModem>>;
  try {
    const xs = options.runtime === "xs" ? await buildXsDevice() : undefined;
    running = await runModem({
      ...options,
      ...(xs ? { xs } : {}),
      logger: {
        log(level, tag, message) {
          if (level === "warn" || level === "error") err(`[${tag}] ${level}: ${message}`);
        },
      },
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const where = "path" in options.air ? `unix:${options.air.path}` : `tcp:${options.air.host ?? "127.0.0.1"}:${options.air.port}`;
    throw new ModemError(code === "ECONNREFUSED" || code === "ENOENT" ? `cannot reach the hub at ${where}: nothing listens there` : e instanceof Error ? e.message : String(e));
  }
  ready(running.serial);
  const stop = () => void running.close();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  await running.closed;
  process.off("SIGINT", stop);
  process.off("SIGTERM", stop);
}

/** The command as a process: resolves with the exit code (0, 1 failure, 2 usage). */
export async function modemCommand(argv: string[], io = { out: (s: string) => void process.stdout.write(s), err: (s: string) => void process.stderr.write(s) }): Promise<number> {
  let options: RunModemOptions;
  try {
    const opt: Record<string, string> = {};
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!;
      if (a === "--help" || a === "-h") {
        io.out(MODEM_USAGE + "\n");
        return 0;
      }
      if (!a.startsWith("--") || i + 1 >= argv.length) throw new ModemUsage(`bad argument "${a}"`);
      opt[a.slice(2)] = argv[++i]!;
    }
    for (const k of Object.keys(opt)) if (!["air", "serial", "links", "runtime"].includes(k)) throw new ModemUsage(`unknown option --${k}`);
    options = modemOptions(opt);
  } catch (e) {
    if (!(e instanceof ModemUsage)) throw e;
    io.err(`modem: ${e.message}\n${MODEM_USAGE}\n`);
    return 2;
  }
  try {
    await serveModem(options, (serial) => io.out(`serial: ${serial}\n`), (line) => io.err(line + "\n"));
    return 0;
  } catch (e) {
    io.err(`modem: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
