// Shared test helpers for the air tests (not a test file itself).
import type { Logger, LogLevel } from "../../modules/platform.js";
import type { AirEvent } from "../../host/air/hub.js";
import { connect, type Socket } from "node:net";
import { decode, FrameReader, type Message } from "../../host/air/wire.js";

export const hex = (s: string): Uint8Array => Uint8Array.from((s.match(/../g) ?? []).map((x) => parseInt(x, 16)));
export const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

/** A logger that keeps what it is told. */
export function memoryLogger(): Logger & { lines: Array<{ level: LogLevel; tag: string; message: string }> } {
  const lines: Array<{ level: LogLevel; tag: string; message: string }> = [];
  return {
    lines,
    log(level, tag, message) {
      lines.push({ level, tag, message });
    },
  };
}

/** One line per air event, for comparing runs. */
export function eventLine(e: AirEvent): string {
  switch (e.type) {
    case "tx":
      return `tx ${e.from} ch${e.channel} ${e.start}-${e.end} ${e.adType} ${toHex(e.data)}`;
    case "rx":
      return `rx ${e.from}->${e.to} ch${e.channel} ${e.start}-${e.end} @${e.time} ${e.rssi} ${toHex(e.data)}${e.duplicate ? " dup" : ""}`;
    case "lost":
      return `lost ${e.from}->${e.to} ch${e.channel} ${e.start}-${e.end} ${e.reason}`;
  }
}

/** Byte i as a sequence marker, so packets can be told apart. */
export function seqData(i: number, length = 4): Uint8Array {
  const d = new Uint8Array(length);
  d[0] = i >> 8;
  d[1] = i & 0xff;
  return d;
}

/** A raw protocol client: sends bytes as given, keeps every decoded frame from the hub. */
export interface Raw {
  socket: Socket;
  frames: Message[];
  closed: Promise<void>;
  send(bytes: Uint8Array | number[]): void;
  waitFor(pred: (m: Message) => boolean): Promise<Message>;
}

export function raw(port: number): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: "127.0.0.1" });
    const reader = new FrameReader();
    const frames: Message[] = [];
    let waiters: Array<() => void> = [];
    const closed = new Promise<void>((res) => socket.once("close", () => res()));
    socket.on("data", (d: Uint8Array) => {
      reader.push(d);
      for (let f = reader.next(); f; f = reader.next()) frames.push(decode(f.type, f.body));
      const w = waiters;
      waiters = [];
      for (const f of w) f();
    });
    socket.on("error", () => {});
    socket.once("connect", () =>
      resolve({
        socket,
        frames,
        closed,
        send: (b) => socket.write(Uint8Array.from(b)),
        waitFor: async (pred) => {
          for (;;) {
            const m = frames.find(pred);
            if (m) return m;
            await new Promise<void>((res) => waiters.push(res));
          }
        },
      }),
    );
    socket.once("error", reject);
  });
}

