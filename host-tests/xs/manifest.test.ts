/**
 * manifest.json and its reader (tools/xs/manifest.mjs): the real manifest is valid for every platform;
 * module names come from paths; nothing may be listed twice; creation fields are XS's.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CREATION_FIELDS, ManifestError, PLATFORMS, hostNamesOf, loadManifest, manifestHostNames } from "../../tools/xs/manifest.mjs";

test("the project's manifest.json loads for every platform", () => {
  for (const platform of PLATFORMS) {
    const m = loadManifest(platform);
    assert.deepEqual(Object.keys(m.creation).sort(), [...CREATION_FIELDS].sort(), platform);
    assert.ok(m.modules.some((x) => x.name === "modules/crypto/mesh" && x.kind === "ts"));
    assert.ok(m.modules.some((x) => x.name === "native/xs/js/crypto" && x.kind === "js"));
    assert.ok(m.natives.includes("native/xs/natives/crypto_xs.c"));
  }
  const host = loadManifest("host");
  assert.ok(host.natives.includes("native/xs/host/xsr_platform.c"));
  // the device: its entry, the radio on every platform, the host's air client and board; variants per kind
  assert.ok(host.modules.some((x) => x.name === "native/xs/js/device-main"));
  assert.ok(host.natives.includes("native/xs/natives/radio_xs.c") && host.natives.includes("native/air/air_client.c"));
  assert.deepEqual(host.variants.switch, { DEVICE_KIND: "switch" });
  assert.deepEqual(host.variants.light, { DEVICE_KIND: "light" });
  const names = manifestHostNames(host);
  assert.ok(names.includes("xs_crypto_aes128") && names.includes("xs_timer_set") && names.includes("xs_storage_write"));
  for (const n of ["xs_radio_advertise", "xs_radio_cancel", "xs_radio_set_receiver", "xs_board_set_led", "xs_identity_uuid", "xs_sys_memory"]) assert.ok(names.includes(n), n);
  assert.deepEqual(names, [...names].sort());
});

test("host-function names are found in `@ \"name\"` declarations", () => {
  assert.deepEqual(
    hostNamesOf('export function a(x) @ "xs_a";\nfunction b() @"xs_b";\nconst s = "@ \\"not\\"";\n'),
    ["xs_a", "xs_b"],
  );
});

function scratchManifest(manifest: unknown, files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "xs-manifest-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  writeFileSync(join(root, "manifest.json"), JSON.stringify(manifest));
  return root;
}

const CREATION = Object.fromEntries(CREATION_FIELDS.map((f) => [f, 16]));

test("a module, a source, a native or a preload listed twice is an error", () => {
  const files = { "lib/a.ts": "", "lib/b.js": "", "n/x.c": "", "n/y.c": "" };
  const cases: [string, unknown][] = [
    ["module name twice", { creation: CREATION, modules: { "*": ["lib/*.ts"], "lib/a": "lib/b.js" } }],
    ["source twice", { creation: CREATION, modules: { a: "lib/a.ts", b: "lib/a.ts" } }],
    ["native twice", { creation: CREATION, modules: {}, natives: ["n/x.c"], platforms: { host: { natives: ["n/*.c"] } } }],
    ["preload twice", { creation: CREATION, modules: { a: "lib/b.js" }, preload: ["a", "a"] }],
    ["preload not a module", { creation: CREATION, modules: {}, preload: ["nope"] }],
    ["missing file", { creation: CREATION, modules: { a: "lib/none.js" } }],
    ["unknown creation field", { creation: { ...CREATION, heapSize: 1 }, modules: {} }],
    ["missing creation field", { creation: { initialChunkSize: 1 }, modules: {} }],
    ["negative creation", { creation: { ...CREATION, stackCount: -1 }, modules: {} }],
    ["bad define name", { creation: CREATION, modules: {}, defines: { "device-kind": "light" } }],
    ["variant of an unknown define", { creation: CREATION, modules: {}, defines: { DEVICE_KIND: "light" }, variants: { x: { OTHER: 1 } } }],
    ["variant not an object", { creation: CREATION, modules: {}, defines: { DEVICE_KIND: "light" }, variants: { x: ["switch"] } }],
  ];
  for (const [label, manifest] of cases) {
    const root = scratchManifest(manifest, files);
    try {
      assert.throws(() => loadManifest("host", { root }), ManifestError, label);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
});

test("globs name modules after their paths; platform sections add natives and override creation", () => {
  const root = scratchManifest(
    {
      creation: CREATION,
      modules: { "*": ["src/**/*.ts"], "native/js": "native/js.js" },
      natives: ["n/common.c"],
      defines: { DEVICE_KIND: "light" },
      platforms: { host: { natives: ["n/host.c"], creation: { stackCount: 99 }, defines: { DEVICE_KIND: "switch" } } },
    },
    { "src/a.ts": "", "src/deep/b.ts": "", "src/types.d.ts": "", "native/js.js": "", "n/common.c": "", "n/host.c": "" },
  );
  try {
    const m = loadManifest("host", { root });
    assert.deepEqual(m.modules.map((x) => x.name), ["native/js", "src/a", "src/deep/b"]);
    assert.deepEqual(m.natives, ["n/common.c", "n/host.c"]);
    assert.equal(m.creation.stackCount, 99);
    assert.equal(m.defines.DEVICE_KIND, "switch");
    const nrf = loadManifest("nrf52", { root });
    assert.deepEqual(nrf.natives, ["n/common.c"]);
    assert.equal(nrf.creation.stackCount, 16);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
