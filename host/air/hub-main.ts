/**
 * A standalone air hub for remote radios (Node AirClients, the XS runtime, ...):
 *
 *   tsx host/air/hub-main.ts [--port N | --path SOCKET] [--mode virtual|real] [--seed N] [--pcap FILE]
 *                            [--scan-interval MS] [--scan-window MS] [--loss P] [--duplicate P] [--delay MS] [--rssi DBM]
 *
 * Prints one JSON line {"listening":{...},"mode":...,"seed":...} when ready. In virtual mode it runs time
 * as fast as the clients allow (conservative synchronisation, docs/air-protocol.md). Ctrl-C (SIGINT) or
 * SIGTERM closes it: clients get BYE, the pcap file is flushed.
 */
import { AirHub, type AirMode, type LinkModel } from "./hub.js";

function usage(msg: string): never {
  process.stderr.write(`hub-main: ${msg}\nusage: tsx host/air/hub-main.ts [--port N | --path SOCKET] [--mode virtual|real] [--seed N] [--pcap FILE] [--scan-interval MS] [--scan-window MS] [--loss P] [--duplicate P] [--delay MS] [--rssi DBM]\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
const opt: Record<string, string> = {};
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (!a.startsWith("--") || i + 1 >= args.length) usage(`bad argument ${a}`);
  opt[a.slice(2)] = args[++i]!;
}
const known = ["port", "path", "mode", "seed", "pcap", "scan-interval", "scan-window", "loss", "duplicate", "delay", "rssi"];
for (const k of Object.keys(opt)) if (!known.includes(k)) usage(`unknown option --${k}`);
const num = (k: string): number | undefined => {
  if (opt[k] === undefined) return undefined;
  const v = Number(opt[k]);
  if (!Number.isFinite(v)) usage(`--${k} needs a number`);
  return v;
};
const mode = (opt.mode ?? "virtual") as AirMode;
if (mode !== "virtual" && mode !== "real") usage("--mode is virtual or real");
const link: Partial<LinkModel> = {};
if (num("loss") !== undefined) link.loss = num("loss")!;
if (num("duplicate") !== undefined) link.duplicate = num("duplicate")!;
if (num("delay") !== undefined) link.delayMs = num("delay")!;
if (num("rssi") !== undefined) link.rssi = num("rssi")!;
const scanInterval = num("scan-interval");
const seed = num("seed") ?? 1;

const hub = new AirHub({
  mode,
  seed,
  defaultLink: link,
  ...(opt.pcap !== undefined ? { pcapPath: opt.pcap } : {}),
  ...(scanInterval !== undefined ? { scan: { intervalMs: scanInterval, windowMs: num("scan-window") ?? scanInterval } } : {}),
  logger: {
    log(level, tag, message) {
      process.stderr.write(`[${tag}] ${level}: ${message}\n`);
    },
  },
});
const where = await hub.listen(opt.path !== undefined ? { path: opt.path } : { port: num("port") ?? 0 });
process.stdout.write(JSON.stringify({ listening: where, mode, seed }) + "\n");
const shutdown = () => {
  hub.stop();
  void hub.close().then(() => {
    process.stderr.write(`[air] counters: ${JSON.stringify(hub.counters)}\n`);
    process.exit(0);
  });
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
await hub.start();
