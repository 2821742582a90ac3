/**
 * The modem as its own process on a hub's air (Node runtime): joins the air as a radio, runs the modem
 * application (modules/serial/modem.ts) and exposes its serial side as a pty (through a small python3
 * relay: Node has no pty without a native addon), a TCP port or a Unix socket, one host at a time.
 *
 * `runModem()` is what `meshprov modem --air ADDR` calls (the cli branch's command file): it resolves with
 * the serial address to print once the modem is ready.
 *
 * The air must be a real-time hub: the host's commands come in real time, and a virtual hub would run the
 * provisioning timers ahead of them.
 */
import { createServer } from "node:net";
import type { Server, Socket } from "node:net";
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import type { Bytes, Logger } from "../../modules/platform.js";
import { AdvBearer } from "../../modules/bearer/adv.js";
import { PbAdv } from "../../modules/bearer/pb-adv.js";
import { provisionerRole } from "../../modules/prov/provisioner.js";
import { MeshModem } from "../../modules/serial/modem.js";
import { AirClient } from "../air/client.js";
import { WallClock } from "../air/wall-clock.js";
import { NodeCryptoPrimitives } from "../node-crypto.js";
import { ModemError } from "./driver.js";
import { parseSerialListen } from "./transport.js";

export interface RunModemOptions {
  /** The hub: a TCP port (and host) or a Unix socket path. */
  air: { port: number; host?: string } | { path: string };
  /** "pty" (default), "tcp:HOST:PORT" (port 0: any) or "unix:PATH". */
  serial?: string;
  /** Links at once (default 4). */
  maxLinks?: number;
  /** The radio's name on the hub (default modem-<pid>). */
  name?: string;
  logger?: Logger;
}

export interface RunningModem {
  /** Where a host connects: a pty path, tcp:HOST:PORT or unix:PATH. */
  serial: string;
  modem: MeshModem;
  /** Resolves when the modem stopped (the hub went away, or close()). */
  closed: Promise<void>;
  close(): Promise<void>;
}

/** The pty relay: a pty in raw mode whose slave path goes to stderr, its master relayed to stdin/stdout. */
const PTY_RELAY = `
import os, pty, select, sys, tty
m, s = pty.openpty()
tty.setraw(s)
sys.stderr.write(os.ttyname(s) + "\\n")
sys.stderr.flush()
while True:
    r, _, _ = select.select([m, 0], [], [])
    if m in r:
        d = os.read(m, 4096)
        if not d:
            break
        os.write(1, d)
    if 0 in r:
        d = os.read(0, 4096)
        if not d:
            break
        while d:
            d = d[os.write(m, d):]
`;

export async function runModem(o: RunModemOptions): Promise<RunningModem> {
  const serialText = o.serial ?? "pty";
  const listen = parseSerialListen(serialText);
  const air = await AirClient.connect({
    name: o.name ?? `modem-${process.pid}`,
    ...("path" in o.air ? { path: o.air.path } : { port: o.air.port, ...(o.air.host ? { host: o.air.host } : {}) }),
    ...(o.logger ? { logger: o.logger } : {}),
  });
  if (air.mode !== "real") {
    await air.close();
    throw new ModemError("the modem needs a real-time hub (meshprov hub without --virtual): a virtual hub would not wait for the host");
  }
  const serialClock = new WallClock();
  const crypto = new NodeCryptoPrimitives();
  const adv = new AdvBearer(air.radio, air.clock, o.logger);
  const pbAdv = new PbAdv(adv, air.clock, o.logger ? { logger: o.logger } : {});
  let sink: (b: Bytes) => void = () => {};
  const modem = new MeshModem({
    port: { write: (b) => sink(b) },
    clock: air.clock,
    serialClock,
    crypto,
    pbAdv,
    advBearer: adv,
    provisioner: provisionerRole,
    ...(o.maxLinks !== undefined ? { maxLinks: o.maxLinks } : {}),
    ...(o.logger ? { logger: o.logger } : {}),
  });

  let server: Server | undefined;
  let relay: ChildProcess | undefined;
  let serial: string;
  if (listen.kind === "pty") {
    const child = spawn("python3", ["-c", PTY_RELAY], { stdio: ["pipe", "pipe", "pipe"] });
    relay = child;
    serial = await new Promise<string>((resolve, reject) => {
      child.once("error", () => reject(new ModemError("a pty needs python3 (or use --serial tcp:127.0.0.1:0)")));
      child.once("exit", (code) => reject(new ModemError(`the pty relay ended (exit ${code})`)));
      createInterface({ input: child.stderr! }).once("line", (line) => resolve(line.trim()));
    });
    child.removeAllListeners("exit");
    sink = (b) => void child.stdin!.write(b);
    child.stdout!.on("data", (d: Buffer) => modem.receive(new Uint8Array(d.buffer, d.byteOffset, d.length)));
  } else {
    let host: Socket | undefined;
    const srv = createServer((socket) => {
      if (host) {
        socket.end();
        return; // one host at a time
      }
      host = socket;
      socket.setNoDelay(true);
      sink = (b) => void (socket.destroyed ? undefined : socket.write(b));
      socket.on("data", (d: Buffer) => modem.receive(new Uint8Array(d.buffer, d.byteOffset, d.length)));
      socket.on("error", () => socket.destroy());
      socket.on("close", () => {
        host = undefined;
        sink = () => {};
        modem.hostGone();
      });
      modem.start();
    });
    server = srv;
    serial = await new Promise<string>((resolve, reject) => {
      srv.once("error", (e: NodeJS.ErrnoException) => reject(new ModemError(`cannot listen on ${serialText}: ${e.code ?? e.message}`)));
      const ready = () => {
        const a = srv.address();
        resolve(typeof a === "string" ? `unix:${a}` : a ? `tcp:${listen.kind === "tcp" ? listen.host : "127.0.0.1"}:${a.port}` : serialText);
      };
      if (listen.kind === "tcp") srv.listen(listen.port, listen.host, ready);
      else srv.listen(listen.path, ready);
    });
  }
  modem.start();

  let stopped = false;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  const close = async (): Promise<void> => {
    if (stopped) return closed;
    stopped = true;
    modem.hostGone();
    server?.close();
    relay?.kill();
    serialClock.dispose();
    await air.close();
    resolveClosed();
  };
  void air.closed.then(() => close());
  return { serial, modem, closed, close };
}
