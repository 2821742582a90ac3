/**
 * The modem process:
 *
 *   tsx host/serial/modem-main.ts --air tcp:127.0.0.1:7000 [--serial pty|tcp:HOST:PORT|unix:PATH] [--links N]
 *
 * --runtime xs runs the modem application on the XS host runtime (built on first use) instead of in this
 * process. Prints "serial: ADDRESS" when ready (a pty path, or the address it listens on), then runs until the hub
 * goes away or SIGINT/SIGTERM. A mistake on the command line is one line on stderr and exit code 2; a
 * failure (no hub, no python3 for a pty) one line and exit code 1. `meshprov modem` calls runModem() the
 * same way.
 */
import { runModem } from "./launch.js";
import { buildXsDevice } from "../xs-device.js";

const USAGE = "usage: modem --air tcp:HOST:PORT|unix:PATH [--serial pty|tcp:HOST:PORT|unix:PATH] [--links 1..16] [--runtime node|xs]";

function usage(message: string): never {
  process.stderr.write(`modem: ${message}\n${USAGE}\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
const opt: Record<string, string> = {};
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === "--help" || a === "-h") {
    process.stdout.write(USAGE + "\n");
    process.exit(0);
  }
  if (!a.startsWith("--") || i + 1 >= args.length) usage(`bad argument "${a}"`);
  opt[a.slice(2)] = args[++i]!;
}
for (const k of Object.keys(opt)) if (!["air", "serial", "links", "runtime"].includes(k)) usage(`unknown option --${k}`);
if (!opt.air) usage("--air is needed (where the hub listens)");
const m = /^(?:tcp:)?(?:([^:]+):)?(\d{1,5})$/.exec(opt.air);
const air = opt.air.startsWith("unix:") ? { path: opt.air.slice(5) } : m ? { host: m[1] ?? "127.0.0.1", port: Number(m[2]) } : usage(`--air must be tcp:HOST:PORT or unix:PATH, not "${opt.air}"`);
const links = opt.links === undefined ? 4 : Number(opt.links);
if (!Number.isInteger(links) || links < 1 || links > 16) usage("--links must be a whole number 1..16");
const runtime = opt.runtime ?? "node";
if (runtime !== "node" && runtime !== "xs") usage("--runtime must be node or xs");

try {
  const xs = runtime === "xs" ? await buildXsDevice() : undefined;
  const running = await runModem({
    air,
    runtime,
    ...(xs ? { xs } : {}),
    serial: opt.serial ?? "pty",
    maxLinks: links,
    logger: {
      log(level, tag, message) {
        if (level === "warn" || level === "error") process.stderr.write(`[${tag}] ${level}: ${message}\n`);
      },
    },
  });
  process.stdout.write(`serial: ${running.serial}\n`);
  const stop = () => void running.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  await running.closed;
  process.exit(0);
} catch (e) {
  const code = (e as NodeJS.ErrnoException).code;
  const msg = code === "ECONNREFUSED" || code === "ENOENT" ? `cannot reach the hub at ${opt.air}: nothing listens there` : e instanceof Error ? e.message : String(e);
  process.stderr.write(`modem: ${msg}\n`);
  process.exit(1);
}
