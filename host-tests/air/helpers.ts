// Shared test helpers for the air tests (not a test file itself).
import type { Logger, LogLevel } from "../../modules/platform.js";
import type { AirEvent } from "../../host/air/hub.js";

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
