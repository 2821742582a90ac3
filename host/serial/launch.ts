/**
 * The modem as its own process on a hub's air (Node runtime): joins the air as a radio, runs the modem
 * application (modules/serial/modem.ts) and exposes its serial side as a pty (through a small python3
 * relay: Node has no pty without a native addon), a TCP port or a Unix socket, one host at a time. The same
 * application runs elsewhere with the same serial side: on the XS host runtime (runtime "xs", its file descriptor
 * 3) and on the twin, the `modem` firmware under qemu-system-arm (runtime "twin", QEMU's third serial port, CMSDK
 * UART2, connected to this process's private socket: the one QEMU command line for the twin modem, used by
 * `meshprov modem --runtime twin` and host-tests/firmware/twin-modem.ts).
 *
 * `runModem()` is what `meshprov modem --air ADDR` calls (the cli branch's command file): it resolves with
 * the serial address to print once the modem is ready.
 *
 * The air must be a real-time hub: the host's commands come in real time, and a virtual hub would run the
 * provisioning timers ahead of them.
 */
import { createServer } from "node:net";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import type { Server, Socket } from "node:net";
import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import type { Bytes, Logger } from "../../modules/platform.js";
import { startModem } from "../../modules/serial/app.js";
import { ModemMesh } from "../../modules/serial/mesh.js";
import { AirClient } from "../air/client.js";
import { WallClock } from "../air/wall-clock.js";
import { NodeCryptoPrimitives } from "../node-crypto.js";
import { ModemError } from "./driver.js";
import { parseSerialListen } from "./transport.js";
import { ROOT } from "../xs-device.js";

export interface RunModemOptions {
  /** The hub: a TCP port (and host) or a Unix socket path (Node runtime only). */
  air: { port: number; host?: string } | { path: string };
  /** "pty" (default), "tcp:HOST:PORT" (port 0: any) or "unix:PATH". */
  serial?: string;
  /** Links at once (default 4). */
  maxLinks?: number;
  /** The radio's name on the hub (default modem-<pid>). */
  name?: string;
  /**
   * Where the modem application runs: in this Node process (default), as an XS host runtime process, or on the
   * twin (the `modem` firmware image under qemu-system-arm; its links at once are the image's MODEM_LINKS).
   */
  runtime?: "node" | "xs" | "twin";
  /** For runtime "xs": the runtime and the app (host/xs-device.ts buildXsDevice()). */
  xs?: { xsrun: string; app: string };
  /** For runtime "twin": the image (default TWIN_MODEM_ELF) and the emulator (default qemu-system-arm on the PATH). */
  twin?: { elf?: string; qemu?: string };
  /** The modem's log lines (runtime "xs" and "twin": the runtime's output, at "info"; errors at "error"). */
  logger?: Logger;
}

export interface RunningModem {
  /** Where a host connects: a pty path, tcp:HOST:PORT or unix:PATH. */
  serial: string;
  /** Resolves when the modem stopped (the hub went away, the XS process ended, or close()). */
  closed: Promise<void>;
  close(): Promise<void>;
}

/** The modem application, wherever it runs: the host's bytes in, its bytes out. */
interface ModemCore {
  receive(bytes: Bytes): void;
  /** The host closed its side. */
  hostGone(): void;
  sink: (bytes: Bytes) => void;
  readonly ended: Promise<void>;
  stop(): Promise<void>;
}

/** The modem application in this process (modules/serial/app.ts on the air client's radio). */
async function nodeCore(o: RunModemOptions): Promise<ModemCore> {
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
  let handler: (b: Bytes | undefined) => void = () => {};
  const core: ModemCore = {
    sink: () => {},
    receive: (b) => handler(b),
    hostGone: () => handler(undefined),
    ended: air.closed.then(() => undefined),
    stop: async () => {
      handler(undefined);
      serialClock.dispose();
      await air.close();
    },
  };
  startModem(
    { crypto: new NodeCryptoPrimitives(), clock: air.clock, radio: air.radio, ...(o.logger ? { logger: o.logger } : {}) },
    { write: (b) => core.sink(b), onData: (h) => void (handler = h) },
    { serialClock, ...(o.maxLinks !== undefined ? { maxLinks: o.maxLinks } : {}), mesh: (p, e) => new ModemMesh(p, e) },
  );
  return core;
}

/**
 * The modem application on the XS host runtime (its host entry native/xs/js/modem-host.js), its serial link on the child's
 * file descriptor 3. The XS modem notices a host that went away by the host-liveness timeout (§1.8).
 */
async function xsCore(o: RunModemOptions): Promise<ModemCore> {
  if (!o.xs) throw new ModemError("runtime xs needs the XS runtime and app (host/xs-device.ts buildXsDevice())");
  if ("path" in o.air) throw new ModemError("the XS runtime joins a hub over TCP: give --air tcp:HOST:PORT");
  const args = ["--air", `${o.air.host ?? "127.0.0.1"}:${o.air.port}`, "--name", o.name ?? `modem-xs-${process.pid}`, o.xs.app, "native/xs/js/modem-host", "--"];
  if (o.maxLinks !== undefined) args.push("--links", String(o.maxLinks));
  const child = spawn(o.xs.xsrun, args, { stdio: ["ignore", "pipe", "pipe", "pipe"] });
  const fd3 = child.stdio[3] as unknown as import("node:stream").Duplex;
  const lines = (input: NodeJS.ReadableStream, level: "warn" | "error") =>
    createInterface({ input }).on("line", (l) => o.logger?.log(level, "modem-xs", l));
  lines(child.stdout!, "warn");
  lines(child.stderr!, "error");
  const ended = new Promise<void>((r) => child.once("exit", () => r()));
  await new Promise<void>((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", (e) => reject(new ModemError(`cannot run ${o.xs!.xsrun}: ${e.message}`)));
  });
  const core: ModemCore = {
    sink: () => {},
    receive: (b) => void (fd3.destroyed ? undefined : fd3.write(b)),
    hostGone: () => {},
    ended,
    stop: async () => {
      child.kill("SIGTERM");
      await ended;
    },
  };
  fd3.on("data", (d: Buffer) => core.sink(new Uint8Array(d.buffer, d.byteOffset, d.length)));
  fd3.on("error", () => undefined);
  return core;
}

/** The twin modem's image (tools/nrf52/build.mjs --board mps2 --variant modem). */
export const TWIN_MODEM_ELF = join(ROOT, "build/mps2/modem/firmware.elf");
const TWIN_MODEM_BUILD = "node tools/nrf52/build.mjs --board mps2 --variant modem";
/** The twin's line once its modem runs (native/xs/nrf52/xsr_device.c: the entry imported, the modem started). */
const TWIN_READY = /^xs-mem \{"at":"imported"/;
/** The twin's lines that are errors (a fault, an uncaught exception, the runtime's abort, a non-zero exit). */
const TWIN_ERROR = /hard fault|unexpected exception|uncaught exception|xs-mem \{"at":"abort"|twin: exit [1-9]|^\[error\]/;

/**
 * The modem firmware on the twin (qemu-system-arm -M mps2-an386, real time: no -icount): its radio (UART1) a client
 * of the hub's TCP port, its serial port (UART2) a client of a private Unix socket of this process, relayed to the
 * host. Resolves once the twin's modem runs. One line (ModemError) when QEMU or the image is missing.
 */
async function twinCore(o: RunModemOptions): Promise<ModemCore> {
  const elf = o.twin?.elf ?? TWIN_MODEM_ELF;
  const qemu = o.twin?.qemu ?? "qemu-system-arm";
  const shown = relative(process.cwd(), elf);
  if (!existsSync(elf)) throw new ModemError(`the twin modem's image ${shown && !shown.startsWith("..") ? shown : elf} is missing: build it with ${TWIN_MODEM_BUILD}`);
  if (spawnSync(qemu, ["--version"]).error) throw new ModemError(`the twin modem runs on ${qemu}, which is not installed (apt-get install qemu-system-arm)`);
  if ("path" in o.air) throw new ModemError("the twin joins a hub over TCP: give --air tcp:HOST:PORT");
  const hub = `${o.air.host ?? "127.0.0.1"}:${o.air.port}`;
  const dir = mkdtempSync(join(tmpdir(), "twin-modem-"));
  const sock = join(dir, "serial.sock");
  let uart: import("node:net").Socket | undefined;
  const server = createServer((s) => {
    if (uart) return void s.destroy(); // QEMU is the only client
    uart = s;
    s.on("data", (d: Buffer) => core.sink(new Uint8Array(d.buffer, d.byteOffset, d.length)));
    s.on("error", () => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(sock, resolve);
  });
  const child = spawn(qemu, [
    "-M", "mps2-an386", "-nographic", "-monitor", "none",
    "-serial", "stdio", "-serial", `tcp:${hub},nodelay=on`, "-serial", `unix:${sock}`,
    "-kernel", elf,
    "-semihosting-config", ["enable=on", "target=native", "arg=firmware", `arg=--flash=${join(dir, "flash.bin")}`, "arg=--air", `arg=--name=${o.name ?? `twin-modem-${process.pid}`}`].join(","),
  ], { stdio: ["ignore", "pipe", "pipe"] });
  const ended = new Promise<void>((r) => child.once("close", () => r()));
  void ended.then(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  let ready!: () => void;
  const started = new Promise<void>((r) => (ready = r));
  // QEMU's complaints before the twin runs make the one-line error below; after, they are the log's errors
  let running = false;
  const early: string[] = [];
  const lines = (input: NodeJS.ReadableStream, stderr: boolean) =>
    createInterface({ input }).on("line", (l) => {
      if (TWIN_READY.test(l)) {
        running = true;
        ready();
      }
      if (stderr && !running) early.push(l.replace(/^qemu-system-arm: /, ""));
      else o.logger?.log(stderr || TWIN_ERROR.test(l) ? "error" : "info", "twin-modem", l);
    });
  const why = () =>
    early.some((l) => /connection refused/i.test(l) && l.includes(hub)) // QEMU could not connect UART1 to the hub
      ? `cannot reach the hub at tcp:${hub}: nothing listens there`
      : `the twin modem ended before it ran (${qemu} exit ${child.exitCode ?? child.signalCode}${early[0] ? `: ${early[0]}` : ""})`;
  lines(child.stdout!, false);
  lines(child.stderr!, true);
  const core: ModemCore = {
    sink: () => {},
    receive: (b) => void (uart && !uart.destroyed ? uart.write(b) : undefined),
    hostGone: () => {}, // the twin's UART has no host-present line: the modem's hostTimeoutMs (§1.8)
    ended,
    stop: async () => {
      child.kill("SIGKILL");
      await ended;
    },
  };
  try {
    await Promise.race([
      started,
      new Promise((_r, reject) => child.once("error", (e) => reject(new ModemError(`cannot run ${qemu}: ${e.message}`)))),
      ended.then(() => Promise.reject(new ModemError(why()))),
      new Promise((_r, reject) => setTimeout(() => reject(new ModemError("the twin modem did not start within 60 s")), 60_000).unref()),
    ]);
  } catch (e) {
    await core.stop();
    throw e;
  }
  return core;
}

/**
 * The pty relay: a pty in raw mode whose slave path goes to stderr, its master relayed to stdin/stdout. The
 * relay holds no slave descriptor, so the master reports a hangup (POLLHUP) while no host has the pty open:
 * a host that closes it is reported with a "hangup" line on stderr, and bytes for no host are dropped.
 */
const PTY_RELAY = `
import os, pty, select, sys, time, tty
m, s = pty.openpty()
tty.setraw(s)
sys.stderr.write(os.ttyname(s) + "\\n")
sys.stderr.flush()
os.close(s)
p = select.poll()
p.register(m, select.POLLIN)
p.register(0, select.POLLIN)
connected = False
while True:
    ev = dict(p.poll(-1 if connected else 50))
    hup = ev.get(m, 0) & select.POLLHUP and not ev.get(m, 0) & select.POLLIN
    if not connected and m not in ev:
        connected = True
    if ev.get(m, 0) & select.POLLIN:
        try:
            d = os.read(m, 4096)
        except OSError:
            d = b""
        if d:
            connected = True
            os.write(1, d)
    elif hup:
        if connected:
            connected = False
            sys.stderr.write("hangup\\n")
            sys.stderr.flush()
        else:
            time.sleep(0.05)
    if ev.get(0, 0):
        d = os.read(0, 4096)
        if not d:
            break
        while d and connected:
            try:
                d = d[os.write(m, d):]
            except OSError:
                break
`;

export async function runModem(o: RunModemOptions): Promise<RunningModem> {
  const serialText = o.serial ?? "pty";
  const listen = parseSerialListen(serialText);
  const core = o.runtime === "xs" ? await xsCore(o) : o.runtime === "twin" ? await twinCore(o) : await nodeCore(o);
  let server: Server | undefined;
  let relay: ChildProcess | undefined;
  let serial: string;
  try {
    if (listen.kind === "pty") {
      const child = spawn("python3", ["-c", PTY_RELAY], { stdio: ["pipe", "pipe", "pipe"] });
      relay = child;
      serial = await new Promise<string>((resolve, reject) => {
        child.once("error", () => reject(new ModemError("a pty needs python3 (or use --serial tcp:127.0.0.1:0)")));
        child.once("exit", (code) => reject(new ModemError(`the pty relay ended (exit ${code})`)));
        let first = true;
        createInterface({ input: child.stderr! }).on("line", (line) => {
          if (first) {
            first = false;
            resolve(line.trim());
          } else if (line === "hangup") core.hostGone();
        });
      });
      child.removeAllListeners("exit");
      core.sink = (b) => void child.stdin!.write(b);
      child.stdout!.on("data", (d: Buffer) => core.receive(new Uint8Array(d.buffer, d.byteOffset, d.length)));
    } else {
      let host: Socket | undefined;
      const srv = createServer((socket) => {
        if (host) {
          socket.end();
          return; // one host at a time
        }
        host = socket;
        socket.setNoDelay(true);
        core.sink = (b) => void (socket.destroyed ? undefined : socket.write(b));
        socket.on("data", (d: Buffer) => core.receive(new Uint8Array(d.buffer, d.byteOffset, d.length)));
        socket.on("error", () => socket.destroy());
        socket.on("close", () => {
          host = undefined;
          core.sink = () => {};
          core.hostGone();
        });
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
  } catch (e) {
    relay?.kill();
    await core.stop();
    throw e;
  }

  let stopped = false;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  const close = async (): Promise<void> => {
    if (stopped) return closed;
    stopped = true;
    server?.close();
    relay?.kill();
    await core.stop();
    resolveClosed();
  };
  void core.ended.then(() => close());
  return { serial, closed, close };
}
