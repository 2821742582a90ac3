// tools/percentile.mjs: the one percentile definition of the benchmarks (nearest rank), and every benchmark that
// reports a median or a p95 uses it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { percentile } from "../../tools/percentile.mjs";

test("nearest rank: p95 of 1..20 is 19, of 1..200 is 190; the median of an even count is the lower middle", () => {
  const to = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
  assert.equal(percentile(to(20), 0.95), 19);
  assert.equal(percentile(to(200), 0.95), 190);
  assert.equal(percentile(to(201), 0.95), 191); // ceil(190.95) = 191
  assert.equal(percentile(to(4), 0.5), 2);
  assert.equal(percentile(to(5), 0.5), 3);
  assert.equal(percentile([7], 0.95), 7);
  assert.equal(percentile([3, 1, 2], 0), 1);
  assert.equal(percentile([3, 1, 2], 1), 3);
});

test("unsorted input is neither required sorted nor changed; no values is NaN; q outside [0, 1] is an error", () => {
  const v = [30, 10, 20, 40];
  assert.equal(percentile(v, 0.75), 30);
  assert.deepEqual(v, [30, 10, 20, 40]);
  assert.ok(Number.isNaN(percentile([], 0.5)));
  assert.equal(JSON.stringify({ p95: percentile([], 0.95) }), '{"p95":null}');
  for (const q of [-0.1, 1.5, NaN, 95]) assert.throws(() => percentile([1, 2], q), RangeError);
});

test("every benchmark that reports a median or a percentile takes it from tools/percentile.mjs", () => {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|mts|mjs|js)$/.test(name) && !name.endsWith(".d.mts") && !name.endsWith(".test.ts")) files.push(p);
    }
  };
  for (const dir of ["host", "tools", "host-tests"]) walk(join(root, dir));
  const reporting = files.filter((f) => /\b(p\d\d(Ms)?|median\w*|quantile|percentile)\s*[:(]/.test(readFileSync(f, "utf8")));
  assert.ok(reporting.length >= 3, `benchmarks found: ${reporting.map((f) => relative(root, f))}`);
  for (const f of reporting) {
    if (f.endsWith(join("tools", "percentile.mjs"))) continue;
    const text = readFileSync(f, "utf8");
    assert.match(text, /from "[./]*\/?(tools\/)?percentile\.mjs"/, `${relative(root, f)} reports percentiles without tools/percentile.mjs`);
    assert.doesNotMatch(text, /function (quantile|median|percentile)\b|const (quantile|median) =/, `${relative(root, f)} defines its own`);
  }
});
