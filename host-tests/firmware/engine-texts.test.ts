/**
 * The engine's error messages as codes on the device (tools/fw/engine-texts.mjs; tools/fw/xs-image.mjs compiles the
 * coded copies): every throw of the engine's sources gets its format's code and keeps its conversions, the copies
 * keep every line where it was, the host tool reads each code back to the message (with its arguments), and
 * docs/engine-errors.md is the table of this engine's sources. Needs the engine's sources (a C compiler builds them).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { THROW, codedFormat, codedSource, decodeMessage, engineSources, messageTable, tableMarkdown } from "../../tools/fw/engine-texts.mjs";
import { prepare, skipReason } from "../xs/xs-harness.js";

const skip = skipReason();
const root = new URL("../..", import.meta.url).pathname;
const SRC_DIR = new URL("../../build/xs/src", import.meta.url).pathname;

const SOURCE = [
  `void f(txMachine* the, txString name) {`,
  `\tif (!name) mxTypeError("set %s: const", name);`,
  `\tmxRangeError( "invalid length");`,
  `\tmxRunDebugID(XS_REFERENCE_ERROR, "get %s: not initialized yet", id);`,
  `\tfxThrowMessage(the, path, line, XS_SYNTAX_ERROR, "import %s not found", the->nameBuffer);`,
  `\tmxTypeError("%s: expected %ld arguments, got \\"%d\\" (100%%)", name, 2, 3);`,
  `\tmxTypeError(buffer); /* no literal: left alone */`,
  `\tmxDebugID(XS_TYPE_ERROR, "C: xsSet %s: not extensible", id);`,
  `}`,
].join("\n");

test("engine-texts: each throw's format becomes its code and conversions, the lines stay, and each code reads back", () => {
  const table = messageTable([["x.c", SOURCE]]);
  assert.deepEqual(table, ["%s: expected %ld arguments, got \\\"%d\\\" (100%%)", "C: xsSet %s: not extensible", "get %s: not initialized yet", "import %s not found", "invalid length", "set %s: const"]);
  const coded = codedSource(SOURCE, table, "x.c");
  assert.equal(coded.split("\n").length, SOURCE.split("\n").length);
  assert.equal(coded, [
    `void f(txMachine* the, txString name) {`,
    `\tif (!name) mxTypeError("E6 %s", name);`,
    `\tmxRangeError( "E5");`,
    `\tmxRunDebugID(XS_REFERENCE_ERROR, "E3 %s", id);`,
    `\tfxThrowMessage(the, path, line, XS_SYNTAX_ERROR, "E4 %s", the->nameBuffer);`,
    `\tmxTypeError("E1 %s %ld %d", name, 2, 3);`,
    `\tmxTypeError(buffer); /* no literal: left alone */`,
    `\tmxDebugID(XS_TYPE_ERROR, "E2 %s", id);`,
    `}`,
  ].join("\n"));
  assert.equal(decodeMessage("TypeError: E6 count", table), "TypeError: set count: const");
  assert.equal(decodeMessage("TypeError: E1 radio.advertise 2 3", table), `TypeError: radio.advertise: expected 2 arguments, got "3" (100%)`);
  assert.equal(decodeMessage("import E4 a b", table), "import import a b not found"); // the last argument takes the rest
  assert.equal(decodeMessage("RangeError: E5", table), "RangeError: invalid length");
  assert.equal(decodeMessage("TypeError: E2 o", table), "TypeError: C: xsSet o: not extensible");
  assert.equal(decodeMessage("TypeError: E99 x", table), "TypeError: E99 x"); // no such code: as it is
  assert.equal(decodeMessage("TypeError: boom", table), "TypeError: boom"); // our own messages: as they are
  assert.throws(() => codedSource(`mxTypeError("new one");`, table, "y.c"), /"new one" is not in the table/);
  assert.equal(codedFormat(7, "%ld: missing name"), "E7 %ld");
});

test("engine-texts: the engine's sources: every throw coded (no format left), each code unique, docs/engine-errors.md current", { skip }, async () => {
  await prepare();
  const sources = engineSources(SRC_DIR);
  const table = messageTable(sources);
  assert.ok(table.length > 300, `${table.length} formats`);
  for (const [f, text] of sources) {
    const coded = codedSource(text, table, f);
    assert.equal(coded.split("\n").length, text.split("\n").length, f);
    for (const m of coded.matchAll(THROW)) assert.match(m[2], /^E\d+( %[a-z]+)*$/, `${f}: ${m[0]}`);
  }
  // a code names one format: the decoded message of each is its format
  for (const [i, format] of table.entries()) {
    const plain = !/%/.test(format) && !/\\/.test(format);
    if (plain) assert.equal(decodeMessage(codedFormat(i + 1, format), table), format);
  }
  const manifest = JSON.parse(readFileSync(root + "manifest.json", "utf8"));
  assert.equal(readFileSync(root + "docs/engine-errors.md", "utf8"), tableMarkdown(table, manifest.engine.version),
    "docs/engine-errors.md is stale: node tools/fw/engine-texts.mjs --table > docs/engine-errors.md");
});

test("engine-texts: the command line decodes a device's line; a mistake is one line and exit 2", { skip }, async () => {
  await prepare();
  const table = messageTable(engineSources(SRC_DIR));
  const code = table.indexOf("set %s: const") + 1;
  const ok = spawnSync(process.execPath, [root + "tools/fw/engine-texts.mjs", `TypeError: E${code} count`], { encoding: "utf8" });
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.stdout, "TypeError: set count: const\n");
  const bad = spawnSync(process.execPath, [root + "tools/fw/engine-texts.mjs", "--nope"], { encoding: "utf8" });
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr.trim().split("\n").length, 1);
});
