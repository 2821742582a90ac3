/**
 * Serial transports on Node, without native addons: TCP (`tcp:HOST:PORT`, the twin's QEMU serial backend
 * or a modem process), Unix sockets (`unix:PATH`), and ttys/ptys by path (`/dev/ttyACM0`, `/dev/pts/7`),
 * opened with fs and put in raw mode with stty when it is a real tty. `connectModem()` opens one and
 * greets the modem with a ModemDriver (host/serial/driver.ts).
 */
import { connect as netConnect } from "node:net";
import type { Socket } from "node:net";
import { closeSync, constants, createReadStream, openSync, writeSync } from "node:fs";
import { spawnSync } from "node:child_process";
import type { Bytes, CryptoPrimitives, Logger } from "../../modules/platform.js";
import type { HelloResult } from "../../modules/serial/protocol.js";
import { WallClock } from "../air/wall-clock.js";
import { ModemDriver, ModemError } from "./driver.js";
import type { ModemDriverOptions } from "./driver.js";

/** A byte stream to a modem. */
export interface SerialTransport {
  write(bytes: Bytes): void;
  onData(handler: (bytes: Bytes) => void): void;
  onClose(handler: (reason: string) => void): void;
  close(): void;
  /** What was opened, for messages. */
  readonly name: string;
}

export type SerialAddress = { kind: "tcp"; host: string; port: number } | { kind: "unix"; path: string } | { kind: "tty"; path: string };

/** "tcp:HOST:PORT", "unix:PATH", or a device path. Throws ModemError (one line) for anything else. */
export function parseSerial(text: string): SerialAddress {
  if (text.startsWith("tcp:")) {
    const m = /^tcp:(?:([^:]+):)?(\d{1,5})$/.exec(text);
    if (!m || Number(m[2]) > 65535) throw new ModemError(`--serial tcp: must be tcp:HOST:PORT, not "${text}"`);
    return { kind: "tcp", host: m[1] && m[1] !== "localhost" ? m[1] : "127.0.0.1", port: Number(m[2]) };
  }
  if (text.startsWith("unix:")) {
    if (text.length === 5) throw new ModemError("--serial unix: needs a path");
    return { kind: "unix", path: text.slice(5) };
  }
  if (!text.startsWith("/")) throw new ModemError(`--serial must be a device path (/dev/ttyACM0, /dev/pts/N), tcp:HOST:PORT or unix:PATH, not "${text}"`);
  return { kind: "tty", path: text };
}

/** Where a modem process offers its serial side: a pty, or a TCP/Unix listener. */
export type SerialListen = { kind: "pty" } | { kind: "tcp"; host: string; port: number } | { kind: "unix"; path: string };

export function parseSerialListen(text: string): SerialListen {
  if (text === "pty") return { kind: "pty" };
  const a = parseSerial(text);
  if (a.kind === "tty") throw new ModemError(`a modem offers --serial pty, tcp:HOST:PORT or unix:PATH, not "${text}"`);
  return a;
}

function socketTransport(socket: Socket, name: string): SerialTransport {
  socket.setNoDelay?.(true);
  const closers: ((r: string) => void)[] = [];
  let ended = false;
  const end = (r: string) => {
    if (ended) return;
    ended = true;
    for (const c of closers) c(r);
  };
  socket.on("close", () => end(`${name} closed`));
  socket.on("error", (e) => end(`${name}: ${e.message}`));
  return {
    name,
    write: (b) => void (socket.destroyed ? undefined : socket.write(b)),
    onData: (h) => void socket.on("data", (d: Buffer) => h(new Uint8Array(d.buffer, d.byteOffset, d.length))),
    onClose: (h) => void closers.push(h),
    close: () => socket.destroy(),
  };
}

/** Open a serial address. Rejects with a one-line ModemError. */
export function openSerial(text: string, options: { baud?: number } = {}): Promise<SerialTransport> {
  let a: SerialAddress;
  try {
    a = parseSerial(text);
  } catch (e) {
    return Promise.reject(e);
  }
  if (a.kind === "tty") {
    try {
      // Raw 8N1 at the baud rate; a pty made by the modem launcher is raw already, so a failure here is not one.
      spawnSync("stty", ["-F", a.path, "raw", "-echo", String(options.baud ?? 115200)], { stdio: "ignore" });
      const fd = openSync(a.path, constants.O_RDWR | constants.O_NOCTTY);
      const rs = createReadStream("", { fd, autoClose: false, highWaterMark: 4096 });
      const closers: ((r: string) => void)[] = [];
      let closed = false;
      const end = (r: string) => {
        if (closed) return;
        closed = true;
        rs.destroy();
        try {
          closeSync(fd);
        } catch {
          // already closed
        }
        for (const c of closers) c(r);
      };
      rs.on("end", () => end(`${a.path} closed`));
      rs.on("error", (e) => end(`${a.path}: ${e.message}`));
      return Promise.resolve({
        name: a.path,
        write: (b) => {
          if (closed) return;
          try {
            writeSync(fd, b);
          } catch (e) {
            end(`${a.path}: ${(e as Error).message}`);
          }
        },
        onData: (h) => void rs.on("data", (d) => h(new Uint8Array((d as Buffer).buffer, (d as Buffer).byteOffset, (d as Buffer).length))),
        onClose: (h) => void closers.push(h),
        close: () => end(`${a.path} closed`),
      });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return Promise.reject(new ModemError(`cannot open ${a.path}: ${code === "ENOENT" ? "no such device" : code === "EACCES" ? "permission denied (are you in the dialout group?)" : (e as Error).message}`));
    }
  }
  return new Promise((resolve, reject) => {
    const name = a.kind === "tcp" ? `tcp:${a.host}:${a.port}` : `unix:${a.path}`;
    const socket = a.kind === "tcp" ? netConnect({ host: a.host, port: a.port }) : netConnect({ path: a.path });
    socket.once("connect", () => {
      socket.removeAllListeners("error");
      resolve(socketTransport(socket, name));
    });
    socket.once("error", (e: NodeJS.ErrnoException) => {
      reject(new ModemError(`cannot reach the modem at ${name}: ${e.code === "ECONNREFUSED" || e.code === "ENOENT" ? "nothing listens there" : e.message}`));
    });
  });
}

/** Open `serial`, greet the modem, and return its driver. Rejects with a one-line ModemError. */
export async function connectModem(
  serial: string,
  o: { crypto: CryptoPrimitives; logger?: Logger; driver?: Partial<ModemDriverOptions> },
): Promise<{ driver: ModemDriver; hello: HelloResult; transport: SerialTransport; close(): void }> {
  const transport = await openSerial(serial);
  const clock = new WallClock();
  const driver = new ModemDriver({ write: (b) => transport.write(b), clock, crypto: o.crypto, ...(o.logger ? { logger: o.logger } : {}), ...o.driver });
  transport.onData((b) => driver.receive(b));
  transport.onClose((r) => driver.transportClosed(r));
  const close = () => {
    driver.close();
    transport.close();
    clock.dispose();
  };
  try {
    const hello = await driver.connect();
    return { driver, hello, transport, close };
  } catch (e) {
    close();
    throw e;
  }
}
