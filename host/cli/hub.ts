/**
 * meshprov hub: the simulated air (host/air/hub.ts) as its own process, for devices and provisioners in other
 * processes (docs/air-protocol.md). Real time by default (people and programs join when they like);
 * --virtual runs virtual time as fast as its clients allow (deterministic runs, scripted clients).
 */
import { AirHub } from "../air/hub.js";
import { OperationError, UsageError, flag, int, num, str } from "./args.js";
import type { Parsed } from "./args.js";
import { airText, parseAir } from "./common.js";

export const HUB_USAGE = `usage: meshprov hub [--listen tcp:127.0.0.1:PORT | unix:PATH] [--virtual] [--pcap FILE] [--loss P] [--seed N]
  --listen ADDR   where to listen (default tcp:127.0.0.1:7000; port 0: any free port)
  --virtual       virtual time, as fast as the clients allow (default: real time)
  --pcap FILE     write every packet to FILE (Wireshark decodes the mesh layers)
  --loss P        packet loss per link, 0..1 (default 0)
  --seed N        seed of the air's randomness (default 1)
Prints "listening on ADDR" when ready; Ctrl-C stops it (clients are told, the capture is flushed).`;

export const HUB_OPTIONS = {
  listen: { type: "string" },
  virtual: { type: "boolean" },
  pcap: { type: "string" },
  loss: { type: "string" },
  seed: { type: "string" },
} as const;

export async function hubVerb(p: Parsed): Promise<void> {
  const where = parseAir(str(p, "listen") ?? "tcp:127.0.0.1:7000", "--listen");
  if ("host" in where && where.host !== "127.0.0.1") throw new UsageError("--listen: the hub listens on 127.0.0.1 only (or a unix: socket)");
  const loss = num(p, "loss", 0, 0, 1);
  const seed = int(p, "seed", 1, 0, 2 ** 31);
  const mode = flag(p, "virtual") ? "virtual" : "real";
  const pcap = str(p, "pcap");
  const hub = new AirHub({
    mode,
    seed,
    defaultLink: { loss },
    ...(pcap ? { pcapPath: pcap } : {}),
    logger: { log: (level, tag, message) => (level === "warn" || level === "error" ? process.stderr.write(`[${tag}] ${level}: ${message}\n`) : undefined) },
  });
  const at = await hub.listen("path" in where ? { path: where.path } : { port: where.port }).catch((e: Error) => {
    throw new OperationError(`cannot listen on ${airText(where)}: ${e.message}`);
  });
  const shown = at.path !== undefined ? `unix:${at.path}` : `tcp:127.0.0.1:${at.port}`;
  process.stdout.write(`listening on ${shown} (${mode} time${loss ? `, loss ${loss}` : ""}${pcap ? `, capture ${pcap}` : ""})\n`);
  let closing = false;
  const stop = (): void => {
    if (closing) return;
    closing = true;
    hub.stop();
    void hub.close().then(() => {
      const c = hub.counters;
      process.stdout.write(`hub closed: ${c.advEvents} advertising events, ${c.delivered} deliveries, ${c.lostCollision} lost to collisions\n`);
      process.exit(0);
    });
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  await hub.start();
  if (mode === "real") await new Promise<never>(() => {}); // runs until a signal
}
