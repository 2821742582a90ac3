/**
 * Drives the native crypto module's line-oriented CLI (native/crypto/test/crypto_cli.c) from tests.
 *
 * buildCli() runs `make -C native cli` (the binary is built with address and undefined-behaviour
 * sanitizers) and returns null, or a reason to skip when there is no C compiler or make.
 * runCli() sends all lines in one process and returns one output line per input line.
 * Protocol: see the header of crypto_cli.c ("op hex hex ...", "-" = empty, errors "ERR <code>").
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const CLI_PATH = fileURLToPath(new URL("../../build/native/host/crypto_cli", import.meta.url));

function have(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
}

/** Builds the CLI; returns null on success or the reason it cannot be built (the caller skips). */
export function buildCli(): string | null {
  for (const cmd of ["cc", "make"]) {
    if (!have(cmd)) return `${cmd} not found: install a C compiler and make (e.g. apt-get install gcc make) to run the native crypto differential tests`;
  }
  const r = spawnSync("make", ["-s", "--no-print-directory", "-C", "native", "cli"], { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`make -C native cli failed:\n${r.stdout}\n${r.stderr}`);
  return null;
}

/** Runs the CLI once on all lines; returns its output lines (one per input line). */
export function runCli(lines: readonly string[]): string[] {
  const r = spawnSync(CLI_PATH, [], {
    input: lines.join("\n") + "\n",
    encoding: "utf8",
    maxBuffer: 1 << 28,
    env: { ...process.env, ASAN_OPTIONS: "detect_leaks=0" },
  });
  if (r.status !== 0) throw new Error(`crypto_cli exited with ${r.status}:\n${r.stderr}`);
  const out = r.stdout.split("\n");
  out.pop(); // after the last newline
  if (out.length !== lines.length) throw new Error(`crypto_cli answered ${out.length} lines for ${lines.length}`);
  return out;
}

export function toHex(b: Uint8Array): string {
  if (b.length === 0) return "-";
  let s = "";
  for (const x of b) s += x.toString(16).padStart(2, "0");
  return s;
}

export function fromHex(s: string): Uint8Array {
  if (s === "-") return new Uint8Array(0);
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Deterministic pseudo-random bytes (the host side's one PRNG, host/prng.ts), so a failure can be replayed from its seed. */
export { seededRandom as seededBytes } from "../../host/prng.js";
