/**
 * What the meshprov verbs share: where the database is, how an air address is written and joined.
 */
import { homedir } from "node:os";
import { join } from "node:path";
import { AirClient } from "../air/client.js";
import type { Logger } from "../../modules/platform.js";
import { OperationError, UsageError, str } from "./args.js";
import type { Parsed } from "./args.js";

/** --db FILE, else $MESHPROV_DB, else ~/.config/meshprov/mesh-cdb.json. */
export function dbPath(p: Parsed): string {
  return str(p, "db") ?? process.env.MESHPROV_DB ?? join(process.env.XDG_CONFIG_HOME ?? join(homedir(), ".config"), "meshprov", "mesh-cdb.json");
}

export type AirAddress = { port: number; host: string } | { path: string };

/** "tcp:HOST:PORT", "HOST:PORT", "PORT" or "unix:PATH". */
export function parseAir(text: string, what = "--air"): AirAddress {
  if (text.startsWith("unix:")) {
    const path = text.slice(5);
    if (!path) throw new UsageError(`${what} unix: needs a path`);
    return { path };
  }
  const m = /^(?:tcp:)?(?:([^:]+):)?(\d{1,5})$/.exec(text);
  if (!m || Number(m[2]) > 65535) throw new UsageError(`${what} must be tcp:HOST:PORT, HOST:PORT, PORT or unix:PATH, not "${text}"`);
  return { host: m[1] === "localhost" || !m[1] ? "127.0.0.1" : m[1], port: Number(m[2]) };
}

export function airText(a: AirAddress): string {
  return "path" in a ? `unix:${a.path}` : `tcp:${a.host}:${a.port}`;
}

/** The --air option, required. */
export function airOption(p: Parsed): AirAddress {
  const v = str(p, "air") ?? process.env.MESHPROV_AIR;
  if (v === undefined) throw new UsageError("--air ADDR is needed (where `meshprov hub` listens, e.g. --air tcp:127.0.0.1:7000)");
  return parseAir(v);
}

/** Warnings and errors of the stack and the air client on stderr, one line each. */
export const stderrLogger: Logger = {
  log(level, tag, message) {
    if (level === "warn" || level === "error") process.stderr.write(`[${tag}] ${level}: ${message}\n`);
  },
};

/** Join the air at `a` as radio `name`. An unreachable hub is an OperationError with a hint. */
export async function joinAir(a: AirAddress, name: string): Promise<AirClient> {
  try {
    return await AirClient.connect({ name, ...("path" in a ? { path: a.path } : { port: a.port, host: a.host }), logger: stderrLogger });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ECONNREFUSED" || code === "ENOENT" ? "nothing listens there" : e instanceof Error ? e.message : String(e);
    throw new OperationError(`cannot reach the hub at ${airText(a)}: ${why} (start one with \`meshprov hub --listen ${airText(a)}\`)`);
  }
}

/** A radio name unique on the hub: `prefix-<pid>`. */
export const radioName = (prefix: string): string => `${prefix}-${process.pid}`;

/** Wait `ms` on the hub's clock (virtual or real); an OperationError if the hub goes away meanwhile. */
export async function after(client: AirClient, ms: number): Promise<void> {
  let gone = false;
  await Promise.race([new Promise<void>((r) => void client.clock.setTimeout(r, ms)), client.closed.then(() => void (gone = true))]);
  if (gone) throw new OperationError("the hub closed the connection");
}
