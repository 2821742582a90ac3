/**
 * The preload generator, first stage (tools/fw/preload.mjs, tools/fw/preload/xspreload.c; issue 9): built against
 * the engine with the device's feature defines plus mxLink, it imports modules and runs their bodies at build
 * time, refuses (by name) a module whose body calls a native, and reports the heap the preparation would hold.
 * Fixture modules are compiled by the host's xsbc. Needs a C compiler (skipped otherwise, like the XS runtime's
 * tests). The emitted preparation and the device booting from it are not built yet (docs/firmware.md).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileModule } from "../../tools/xs/build-app.mjs";
import { runGenerator } from "../../tools/fw/preload.mjs";
import type { PreloadReport } from "../../tools/fw/preload.mjs";
import { prepare, skipReason } from "../xs/xs-harness.js";

const skip = skipReason();

// A small program: objects, closures, Map/Set, typed arrays, classes, getters (issue 9's list).
const FIXTURES: Record<string, string> = {
  "test/shapes": `
export class Shape {
  #sides;
  constructor(sides) { this.#sides = sides; }
  get sides() { return this.#sides; }
}
export class Square extends Shape { constructor() { super(4); } }
let made = 0;
export function counter() { return ++made; }
export const table = new Map([["a", 1], ["b", 2]]);
export const seen = new Set(["x", "y"]);
export const bytes = Uint8Array.of(1, 2, 3, 4);
export const point = { x: 1, get sum() { return this.x + 1; } };
`,
  "test/many": `
import { Square, counter } from "./shapes.js";
export const squares = [];
for (let i = 0; i < 200; i++) squares.push({ i, shape: new Square(), n: counter() });
`,
  "test/frozen": `
export const constants = [];
for (let i = 0; i < 200; i++) constants.push(Object.freeze({ i }));
Object.freeze(constants);
`,
  "test/native": `export function ping(a) @ "xs_fixture_ping";\n`,
  "test/calls-native": `import { ping } from "./native.js";\nexport const answer = ping(1);\n`,
  "test/imports-bad": `import { answer } from "./calls-native.js";\nexport const twice = answer * 2;\n`,
  "test/throws": `export const x = 1;\nthrow new RangeError("not at build time");\n`,
  "test/later": `import { ping } from "./native.js";\nexport function later() { return ping(2); }\n`,
};

type Report = PreloadReport;

/** The fixtures compiled by xsbc into a new directory (removed by the caller). */
async function compileFixtures(): Promise<string> {
  const xs = await prepare();
  const dir = mkdtempSync(join(tmpdir(), "preload-"));
  mkdirSync(join(dir, "test"));
  for (const [name, source] of Object.entries(FIXTURES)) {
    writeFileSync(join(dir, `${name}.js`), source);
    compileModule(xs.xsbc, join(dir, `${name}.js`), join(dir, `${name}.xsb`), name);
  }
  return dir;
}

test("preload: module bodies run at build time; the report counts their objects, frozen ones need no alias", { skip }, async () => {
  const dir = await compileFixtures();
  try {
    const base = await runGenerator(dir, []);
    assert.equal(base.status, 0, base.stderr);
    const b = base.report as Report;
    // the engine's built-ins (the device's lean set), every callback registered by name (mxLink)
    assert.ok(b.callbacks > 300, `callbacks ${b.callbacks}`);
    assert.ok(b.instances > 300 && b.slots > 1500);
    assert.equal(b.modules, 0);

    const shapes = await runGenerator(dir, ["test/shapes"]);
    assert.equal(shapes.status, 0, shapes.stderr);
    const s = shapes.report as Report;
    assert.equal(s.modules, 1);
    assert.ok(s.instances > b.instances + 8, "classes, Map, Set, typed array, object with a getter");
    assert.ok(s.closures > b.closures, "the module's closures (its `let made`)");

    const many = await runGenerator(dir, ["test/shapes", "test/many"]);
    assert.equal(many.status, 0, many.stderr);
    const m = many.report as Report;
    // 200 objects and 200 squares, all writable: an alias each
    assert.ok(m.instances >= s.instances + 400, `${m.instances} vs ${s.instances}`);
    assert.ok(m.aliases >= s.aliases + 400);

    const frozen = await runGenerator(dir, ["test/frozen"]);
    assert.equal(frozen.status, 0, frozen.stderr);
    const f = frozen.report as Report;
    // 201 frozen objects (the 200 and their array): no alias for them
    assert.ok(f.frozen >= b.frozen + 201, `frozen ${f.frozen} vs ${b.frozen}`);
    assert.ok(f.aliases - b.aliases < 10, `aliases ${f.aliases} vs ${b.aliases}`);
    assert.ok(f.flashHeapBytes > b.flashHeapBytes);

    // a native declared but only called from a function: fine (bound, never run)
    const later = await runGenerator(dir, ["test/later"]);
    assert.equal(later.status, 0, later.stderr);
    assert.equal((later.report as Report).natives, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("preload: a module that cannot be preloaded is reported by name, with the native its body calls", { skip }, async () => {
  const dir = await compileFixtures();
  try {
    const last = (stderr: string) => stderr.trim().split("\n").at(-1);
    const direct = await runGenerator(dir, ["test/shapes", "test/calls-native"]);
    assert.equal(direct.status, 1);
    assert.equal(direct.report, null);
    assert.equal(last(direct.stderr),
      'preload: module "test/calls-native" cannot be preloaded: the body of "test/calls-native" calls the native "xs_fixture_ping" ' +
      '(declared by "test/native"): natives need the device, call them from functions');
    // through an import: the preloaded module named, and the body that calls the native
    const indirect = await runGenerator(dir, ["test/imports-bad"]);
    assert.equal(indirect.status, 1);
    assert.match(last(indirect.stderr)!, /^preload: module "test\/imports-bad" cannot be preloaded: the body of "test\/calls-native" calls the native "xs_fixture_ping"/);
    // a body that throws
    const throws = await runGenerator(dir, ["test/throws"]);
    assert.equal(throws.status, 1);
    assert.match(throws.stderr, /RangeError: not at build time/);
    assert.equal(last(throws.stderr), 'preload: module "test/throws" cannot be preloaded: importing it failed (above)');
    // a module that does not exist
    const missing = await runGenerator(dir, ["test/nosuch"]);
    assert.equal(missing.status, 1);
    assert.match(last(missing.stderr)!, /^preload: module "test\/nosuch" cannot be preloaded/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
