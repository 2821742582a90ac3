/**
 * Test harness of the XS runtime: builds the runtime and the app once (cached in build/, under a lock so
 * that test files running at the same time do not build at the same time), compiles the fixtures
 * (host-tests/xs/fixtures/*.js) to bytecode, and runs modules on xsrun.
 *
 * Fixture modules are named after their paths ("host-tests/xs/fixtures/hello"), so their relative imports
 * ("../../../modules/crypto/mesh.js") resolve to the app's module names.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildApp, compileModule } from "../../tools/xs/build-app.mjs";
import { buildHost, findCompiler } from "../../tools/xs/build-host.mjs";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const FIXTURES = join(ROOT, "host-tests", "xs", "fixtures");
export const TEST_DIR = join(ROOT, "build", "xs", "test");
const LOCK = join(ROOT, "build", "xs", ".build-lock");

/** Why the XS tests cannot run here (no C compiler), or false when they can. */
export function skipReason(): string | false {
  return findCompiler() ? false : "no C compiler (cc): the XS runtime cannot be built here; install gcc (apt-get install gcc)";
}

async function withLock<T>(f: () => Promise<T>): Promise<T> {
  mkdirSync(dirname(LOCK), { recursive: true });
  const deadline = Date.now() + 10 * 60 * 1000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 10 * 60 * 1000) rmSync(LOCK, { recursive: true, force: true });
      } catch {
        // gone meanwhile
      }
      if (Date.now() > deadline) throw new Error("timed out waiting for " + LOCK);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await f();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

export interface XsBuild {
  xsrun: string;
  xsbc: string;
  app: string;
  fixtures: string;
}

let prepared: Promise<XsBuild> | undefined;
const sanitized = new Map<string, Promise<string>>();

/** Builds (if needed) the runtime, the app and the fixtures. */
export function prepare(): Promise<XsBuild> {
  prepared ??= withLock(async () => {
    const app = await buildApp({ quiet: true });
    for (const file of readdirSync(FIXTURES).filter((f) => f.endsWith(".js")).sort()) {
      const name = "host-tests/xs/fixtures/" + file.replace(/\.js$/, "");
      compileModule(app.xsbc, join(FIXTURES, file), join(TEST_DIR, name + ".xsb"), name);
    }
    return { xsrun: app.xsrun, xsbc: app.xsbc, app: app.dir, fixtures: TEST_DIR };
  });
  return prepared;
}

/** The runtime built with -fsanitize=address,undefined (build/xs/host-san/xsrun). */
export function prepareSanitized(): Promise<string> {
  let p = sanitized.get("xsrun");
  if (!p) {
    p = withLock(async () => (await buildHost({ sanitize: true, quiet: true })).xsrun);
    sanitized.set("xsrun", p);
  }
  return p;
}

export interface XsResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs fixture module `name` (e.g. "hello": host-tests/xs/fixtures/hello) on xsrun, with `args` after `--`.
 * `options.xsrun` runs another build of the runtime (the sanitized one).
 */
export async function runFixture(
  name: string,
  args: string[] = [],
  options: { storage?: string; xsrun?: string; extra?: string[] } = {},
): Promise<XsResult> {
  const b = await prepare();
  const argv = [
    ...(options.storage ? ["--storage", options.storage] : []),
    ...(options.extra ?? []),
    "-I",
    b.app,
    b.fixtures,
    "host-tests/xs/fixtures/" + name,
    "--",
    ...args,
  ];
  const r = spawnSync(options.xsrun ?? b.xsrun, argv, {
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, ASAN_OPTIONS: "detect_leaks=0", UBSAN_OPTIONS: "print_stacktrace=1" },
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** Compiles a JavaScript source file with xsbc; returns its status and messages. */
export async function compile(source: string, output: string, extra: string[] = []): Promise<XsResult> {
  const b = await prepare();
  const r = spawnSync(b.xsbc, [...extra, "-o", output, source], { encoding: "utf8" });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** A scratch directory under build/xs/test/tmp, emptied. */
export function scratch(name: string): string {
  const dir = join(TEST_DIR, "tmp", name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

export { existsSync };
