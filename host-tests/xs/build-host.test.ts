/**
 * Issue 8, defect 8: the first `npm run sim` after a clone compiles the XS engine for 25-50 s; a quiet build (the
 * simulator's, the tests') must say what it builds and show its progress, not go silent after "sources ready".
 * tools/xs/build-host.mjs's compileAll runs here on a temporary build directory with a stand-in compiler (`true`,
 * or `false` for a failure), its output captured: no engine build is needed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileAll } from "../../tools/xs/build-host.mjs";

function units(dir: string, n: number) {
  return Array.from({ length: n }, (_, i) => {
    const source = join(dir, `f${i}.c`);
    writeFileSync(source, "int x;\n");
    return { source, obj: join(dir, "obj", `f${i}.o`), flags: [], label: `f${i}.c` };
  });
}

async function said(n: number, o: { quiet: boolean; verbose?: boolean; tty?: boolean; cc?: string }): Promise<{ text: string; result: number | Error }> {
  const dir = mkdtempSync(join(tmpdir(), "build-host-"));
  try {
    let text = "";
    const out = { isTTY: o.tty ?? false, write: (s: string) => (text += s) };
    let result: number | Error;
    try {
      result = await compileAll(o.cc ?? "true", units(dir, n), o.verbose ?? false, o.quiet, out);
    } catch (e) {
      result = e as Error;
    }
    return { text, result };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("defect 8: a quiet first build names what it builds, how many files and how long, then its progress", async () => {
  const { text, result } = await said(28, { quiet: true });
  assert.equal(result, 28);
  const lines = text.trimEnd().split("\n");
  assert.equal(lines[0], "xs: building the XS runtime (engine, bytecode compiler, natives): 28 C file(s) to compile, about 25-50 s the first time");
  // progress in about five steps, the last one the whole count
  assert.deepEqual(lines.slice(1), ["xs: compiled 6/28", "xs: compiled 12/28", "xs: compiled 18/28", "xs: compiled 24/28", "xs: compiled 28/28"]);
});

test("defect 8: on a terminal the progress is one line rewritten; a small rebuild gives no time estimate", async () => {
  const { text } = await said(3, { quiet: true, tty: true });
  assert.equal(text, "xs: building the XS runtime (engine, bytecode compiler, natives): 3 C file(s) to compile\n\rxs: compiled 1/3\rxs: compiled 2/3\rxs: compiled 3/3\n");
});

test("build-host: nothing to compile says nothing; a build that is not quiet lists each file instead", async () => {
  assert.equal((await said(0, { quiet: true })).text, "");
  const loud = await said(2, { quiet: false });
  assert.equal(loud.text, "  cc f0.c\n  cc f1.c\n");
});

test("build-host: a compiler failure is an error naming the file", async () => {
  const { text, result } = await said(1, { quiet: true, cc: "false" });
  assert.ok(result instanceof Error && /compiling .*f0\.c failed/.test(result.message), String(result));
  assert.match(text, /^xs: building the XS runtime/);
});
