/**
 * The command-line conventions of every host command (npm run sim, npm start, meshprov):
 * - `--name value`, `--name=value`, boolean `--flag`, `-h`/`--help`; anything else is a usage error;
 * - a usage error (unknown option, bad value, missing argument) prints ONE line and one hint, exit status 2;
 * - a failed operation (unreachable hub, device that never answers, corrupt database) prints one line, exit 1;
 * - never a stack trace for a user's mistake (MESHPROV_DEBUG=1 adds the stack of an unexpected error).
 */
import { hexToBytes } from "../../modules/crypto/bytes.js";

/** A mistake in the command line: exit status 2. */
export class UsageError extends Error {}

/** An operation that failed (the command line was fine): exit status 1. */
export class OperationError extends Error {}

export type OptionSpec = { type: "string"; short?: string } | { type: "boolean"; short?: string };
export type OptionSpecs = Record<string, OptionSpec>;

export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Parse argv against `specs` (help is always known). Throws UsageError. */
export function parseArgs(argv: readonly string[], specs: OptionSpecs, maxPositionals = 0): Parsed {
  const all: OptionSpecs = { help: { type: "boolean", short: "h" }, ...specs };
  const shorts = new Map<string, string>();
  for (const [name, s] of Object.entries(all)) if (s.short) shorts.set(s.short, name);
  const values: Parsed["values"] = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let name: string | undefined;
    let inline: string | undefined;
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (eq > 0) inline = a.slice(eq + 1);
    } else if (/^-[A-Za-z]$/.test(a)) {
      name = shorts.get(a.slice(1));
      if (!name) throw new UsageError(`unknown option ${a}`);
    } else {
      positionals.push(a);
      continue;
    }
    const spec = all[name];
    if (!spec) throw new UsageError(`unknown option --${name}`);
    if (values[name] !== undefined) throw new UsageError(`--${name} given twice`);
    if (spec.type === "boolean") {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      values[name] = true;
    } else {
      const v = inline ?? argv[++i];
      if (v === undefined || (inline === undefined && v.startsWith("--"))) throw new UsageError(`--${name} needs a value`);
      values[name] = v;
    }
  }
  if (!values.help && positionals.length > maxPositionals) {
    throw new UsageError(maxPositionals === 0 ? `unexpected argument "${positionals[0]}"` : `unexpected argument "${positionals[maxPositionals]}"`);
  }
  return { values, positionals };
}

/** The string value of a string option (undefined when absent). */
export function str(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === "string" ? v : undefined;
}

export function flag(p: Parsed, name: string): boolean {
  return p.values[name] === true;
}

/** A whole number in min..max ("2.5", "-1", "abc", "" are refused). */
export function int(p: Parsed, name: string, def: number, min: number, max: number): number {
  const v = str(p, name);
  if (v === undefined) return def;
  if (!/^[+-]?\d+$/.test(v.trim()) || Number(v) < min || Number(v) > max) {
    throw new UsageError(`--${name} must be a whole number in ${min}..${max}, not "${v}"`);
  }
  return Number(v);
}

/** A decimal number in min..max. */
export function num(p: Parsed, name: string, def: number, min: number, max: number): number {
  const v = str(p, name);
  if (v === undefined) return def;
  const n = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${name} must be a number in ${min}..${max}, not "${v}"`);
  return n;
}

/** One of `choices`. */
export function choice<T extends string>(p: Parsed, name: string, choices: readonly T[], def: T): T {
  const v = str(p, name);
  if (v === undefined) return def;
  if (!(choices as readonly string[]).includes(v)) throw new UsageError(`--${name} must be ${orList(choices)}, not "${v}"`);
  return v as T;
}

/** Hex of exactly one of `lengths` bytes (spaces, colons and dashes allowed between digits). */
export function hexArg(value: string, what: string, lengths: readonly number[]): Uint8Array {
  const clean = value.replace(/[\s:-]/g, "");
  if (!/^([0-9a-fA-F]{2})+$/.test(clean) || !lengths.includes(clean.length / 2)) {
    throw new UsageError(`${what} must be ${orList(lengths.map(String))} bytes of hex, not "${value}"`);
  }
  return hexToBytes(clean);
}

export function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

/**
 * Runs a command's main: a UsageError prints "<name>: <message>" and the hint, exit 2; an OperationError
 * (or any other error) prints "<name>: <message>", exit 1. Only MESHPROV_DEBUG=1 shows a stack.
 */
export function runMain(name: string, hint: string, main: () => Promise<void> | void): void {
  const report = (e: unknown): void => {
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof UsageError) {
      process.stderr.write(`${name}: ${message}\n${hint}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`${name}: ${message}\n`);
    if (process.env.MESHPROV_DEBUG && e instanceof Error && e.stack) process.stderr.write(e.stack + "\n");
    process.exitCode = 1;
  };
  try {
    const r = main();
    if (r) r.catch(report);
  } catch (e) {
    report(e);
  }
}
