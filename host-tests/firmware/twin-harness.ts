/**
 * Starting a Cortex-M4 twin (qemu-system-arm -M mps2-an386) on a simulated air hub, for the twin tests
 * (twin-smoke.ts, twin-e2e.ts, twin-provisioner.ts, twin-node.ts). Not a test file.
 */
import { spawn } from "node:child_process";

// The twin's factory area (native/mps2/hal_mps2.c), where production would have written the factory record
export const TWIN_FACTORY = 0x00100000;

export interface Twin {
  done: Promise<{ code: number | null; log: string }>;
  lines: string[];
  kill(): void;
  /** Presses the twin's button `count` times (bytes 'p' on its UART0 RX: 100 ms down, 100 ms up each). */
  press(count: number): void;
}

/**
 * Starts the twin image `elf` on the hub listening at `port`, its record store in the file `flash`, named `name`;
 * `onLine` sees each log line as it comes; `appArgs` go to the app (after `--`). Killed after `wallLimitMs`.
 * `factory`: a factory record file (tools/fw/factory.mjs), loaded into the twin's factory area before it boots, as
 * production writes a unit's UICR (the firmware entry reads no arguments: docs/firmware.md "Factory data").
 */
export function startTwinImage(elf: string, flash: string, port: number, name: string, onLine: (line: string) => void, appArgs: string[], wallLimitMs: number, factory?: string): Twin {
  return spawnTwin(elf, `tcp:127.0.0.1:${port},nodelay=on`,
    [`--flash=${flash}`, "--air", `--name=${name}`, "--exit-after-ms=600000", ...(appArgs.length ? ["--", ...appArgs] : [])],
    onLine, wallLimitMs, factory ? ["-device", `loader,file=${factory},addr=0x${TWIN_FACTORY.toString(16)},force-raw=on`] : []);
}

/** The wall-clock limit's line in a twin's log when it had to be killed. */
export const WALL_LIMIT_LINE = "(the twin did not exit: wall-clock limit)";

/**
 * The one QEMU launcher of the twin tests: the image `elf` with `serial1` as its UART1 (the air hub's TCP port, or
 * "null"), `firmwareArgs` as the firmware's semihosting arguments, `extra` QEMU arguments before them. Each log line
 * (UART0) goes to `onLine` as it comes; killed after `wallLimitMs` (the log then ends with WALL_LIMIT_LINE).
 */
export function spawnTwin(elf: string, serial1: string, firmwareArgs: string[], onLine: (line: string) => void, wallLimitMs: number, extra: string[] = []): Twin {
  const child = spawn("qemu-system-arm", [
    "-M", "mps2-an386", "-nographic", "-monitor", "none",
    // shift=0: one instruction = 1 ns of virtual time (the twin's instruction counter); sleep=off: idle time
    // is skipped (no timer is armed in the air hub's virtual mode, so it adds nothing)
    "-icount", "shift=0,sleep=off",
    "-serial", "stdio", "-serial", serial1,
    "-kernel", elf,
    ...extra,
    "-semihosting-config", ["enable=on", "target=native", "arg=firmware", ...firmwareArgs.map((x) => `arg=${x}`)].join(","),
  ], { stdio: ["pipe", "pipe", "pipe"] });
  const lines: string[] = [];
  let log = "";
  let pending = "";
  const timer = setTimeout(() => {
    log += `\n${WALL_LIMIT_LINE}\n`;
    child.kill("SIGKILL");
  }, wallLimitMs);
  child.stdout.on("data", (d: Uint8Array) => {
    const s = new TextDecoder().decode(d);
    log += s;
    pending += s;
    let i;
    while ((i = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, i).replace(/\r$/, "");
      pending = pending.slice(i + 1);
      lines.push(line);
      onLine(line);
    }
  });
  child.stderr.on("data", (d: Uint8Array) => (log += new TextDecoder().decode(d)));
  const done = new Promise<{ code: number | null; log: string }>((resolve, reject) => {
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, log });
    });
  });
  return { done, lines, kill: () => child.kill("SIGKILL"), press: (count) => void child.stdin.write("p".repeat(count)) };
}
