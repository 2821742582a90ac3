/**
 * The `modem` command, as a function the `meshprov modem` verb can call with its arguments
 * (host/serial/modem-main.ts is the same as a process):
 *
 *   modem --air tcp:127.0.0.1:7000 [--serial pty|tcp:HOST:PORT|unix:PATH] [--links N] [--runtime node|xs]
 *
 * Prints "serial: ADDRESS" when ready (a pty path, or the address it listens on), then runs until the hub goes
 * away or SIGINT/SIGTERM. Resolves with the exit code: 0, 2 for a mistake on the command line (one line and
 * the usage on stderr), 1 for a failure (no hub, no python3 for a pty: one line).
 */
import { runModem } from "./launch.js";
import { buildXsDevice } from "../xs-device.js";

export const MODEM_USAGE = "usage: modem --air tcp:HOST:PORT|unix:PATH [--serial pty|tcp:HOST:PORT|unix:PATH] [--links 1..16] [--runtime node|xs]";

class Usage extends Error {}

export async function modemCommand(argv: string[], io = { out: (s: string) => void process.stdout.write(s), err: (s: string) => void process.stderr.write(s) }): Promise<number> {
  let options: Parameters<typeof runModem>[0];
  try {
    const opt: Record<string, string> = {};
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!;
      if (a === "--help" || a === "-h") {
        io.out(MODEM_USAGE + "\n");
        return 0;
      }
      if (!a.startsWith("--") || i + 1 >= argv.length) throw new Usage(`bad argument "${a}"`);
      opt[a.slice(2)] = argv[++i]!;
    }
    for (const k of Object.keys(opt)) if (!["air", "serial", "links", "runtime"].includes(k)) throw new Usage(`unknown option --${k}`);
    if (!opt.air) throw new Usage("--air is needed (where the hub listens)");
    const m = /^(?:tcp:)?(?:([^:]+):)?(\d{1,5})$/.exec(opt.air);
    const air = opt.air.startsWith("unix:") ? { path: opt.air.slice(5) } : m ? { host: m[1] ?? "127.0.0.1", port: Number(m[2]) } : undefined;
    if (!air) throw new Usage(`--air must be tcp:HOST:PORT or unix:PATH, not "${opt.air}"`);
    const links = opt.links === undefined ? 4 : Number(opt.links);
    if (!Number.isInteger(links) || links < 1 || links > 16) throw new Usage("--links must be a whole number 1..16");
    const runtime = opt.runtime ?? "node";
    if (runtime !== "node" && runtime !== "xs") throw new Usage("--runtime must be node or xs");
    options = { air, runtime, serial: opt.serial ?? "pty", maxLinks: links };
  } catch (e) {
    if (!(e instanceof Usage)) throw e;
    io.err(`modem: ${e.message}\n${MODEM_USAGE}\n`);
    return 2;
  }
  try {
    const xs = options.runtime === "xs" ? await buildXsDevice() : undefined;
    const running = await runModem({
      ...options,
      ...(xs ? { xs } : {}),
      logger: {
        log(level, tag, message) {
          if (level === "warn" || level === "error") io.err(`[${tag}] ${level}: ${message}\n`);
        },
      },
    });
    io.out(`serial: ${running.serial}\n`);
    const stop = () => void running.close();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    await running.closed;
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    return 0;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const where = "path" in options.air ? `unix:${options.air.path}` : `tcp:${options.air.host}:${options.air.port}`;
    io.err(`modem: ${code === "ECONNREFUSED" || code === "ENOENT" ? `cannot reach the hub at ${where}: nothing listens there` : e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
