/**
 * The firmware images as `npm run build:nrf52` makes them: the XS light and switch images for both boards
 * (PCA10056 DK, PCA10059 Dongle) and the twin, each with its ELF, Intel HEX, binary and UF2, and a size
 * report with the budgets checked: every image within its flash and RAM budget (the build fails otherwise, which
 * the last test shows with a budget below the image). Prints one JSON line "firmware-budget {...}" per image.
 * No image carries a host entry (native/xs/js/device-host.js, ...) or its flags: the firmware entry reads none
 * (host-entries.ts).
 *
 * The light with the mesh node (variant light-node, PCA10056; the twin's is built by twin-node.ts): its app is one
 * module (tools/fw/bundle.mjs), which holds the provisionee's and the servers' modules and not the provisioner's or the
 * clients', its size report names them and gives its heap by module and kind (the census), within NODE_PARTS' budgets;
 * the engine's parts its app never uses (tools/fw/lean.mjs) are not linked.
 *
 * Needs arm-none-eabi-gcc (suite "firmware-images"; not a *.test.ts file, so the plain host-tests suite does
 * not pick it up).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fromUf2 } from "../../tools/nrf52/uf2.mjs";
import { BUDGETS, NODE_PARTS } from "../../tools/nrf52/build.mjs";
import { assertNoHostEntry, hostEntryFlags } from "./host-entries.js";

const root = new URL("../..", import.meta.url).pathname;

interface Size {
  board: string;
  target: "nrf52" | "mps2";
  variant: string;
  appBase: number;
  flashBytes: number;
  flashAvailableBytes: number;
  ramStaticBytes: number;
  heapBytes: number;
  stackBytes: number;
  ramPlanBytes: number;
  flash: Record<string, number>;
  xs: { heapBytes: number; cHeapBytes: number; modules: number; archive: string; archiveBytes: number; keys: number };
  budgets: {
    flash: { limitBytes: number; bytes: number; ok: boolean };
    ram: { limitBytes: number; bytes: number; ok: boolean; parts: Record<string, number> };
  };
}

test("firmware images: every board and variant builds, with its files and a size report checking the budgets", () => {
  const r = spawnSync("node", [join(root, "tools/nrf52/build.mjs"), "--board", "pca10056,pca10059,mps2", "--variant", "light,switch"], {
    encoding: "utf8",
    cwd: root,
  });
  assert.equal(r.status, 0, `build failed:\n${r.stderr}`);
  const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Size & { image: string });
  assert.equal(lines.length, 6);
  const deviceFlags = hostEntryFlags["device-host"]!;
  assert.ok(deviceFlags.length >= 9 && deviceFlags.includes("--static-oob"), `the host entry's flags: ${deviceFlags}`);
  for (const s of lines) {
    const dir = join(root, s.image);
    for (const f of ["firmware.elf", "firmware.hex", "firmware.bin", "firmware.uf2", "firmware.map", "size.json"]) {
      assert.ok(existsSync(join(dir, f)), `${s.image}/${f}`);
    }
    assert.deepEqual(JSON.parse(readFileSync(join(dir, "size.json"), "utf8")), Object.fromEntries(Object.entries(s).filter(([k]) => k !== "image")));
    // the UF2 holds the binary from the application's base (family nRF52840)
    const uf2 = fromUf2(new Uint8Array(readFileSync(join(dir, "firmware.uf2"))));
    assert.equal(uf2.base, s.appBase);
    const bin = new Uint8Array(readFileSync(join(dir, "firmware.bin")));
    assert.deepEqual(uf2.bin.subarray(0, bin.length), bin);
    assert.ok(uf2.bin.length - bin.length < 256 && uf2.bin.subarray(bin.length).every((b) => b === 0), "the last block padded");
    // Intel HEX: records, an end-of-file record
    const hex = readFileSync(join(dir, "firmware.hex"), "utf8").trim().split(/\r?\n/);
    assert.ok(hex.every((l) => /^:[0-9A-F]+$/.test(l)));
    assert.equal(hex[hex.length - 1], ":00000001FF");
    // the report: sizes, the flash breakdown, the budgets
    for (const k of ["flashBytes", "ramStaticBytes", "heapBytes", "stackBytes", "ramPlanBytes"] as const) {
      assert.ok(Number.isInteger(s[k]) && s[k] > 0, `${s.image}: ${k}`);
    }
    assert.ok(s.flashBytes < s.flashAvailableBytes);
    assert.equal(s.ramPlanBytes, s.ramStaticBytes + s.heapBytes + s.stackBytes);
    assert.equal(s.heapBytes, s.xs.heapBytes + s.xs.cHeapBytes);
    const parts = Object.values(s.flash).reduce((a, b) => a + b, 0);
    // (input sections as the map lists them: before the linker merges equal string constants across objects; an LTO
    // image's by symbol, plus what no symbol covers)
    assert.ok(Math.abs(parts - s.flashBytes) < s.flashBytes / 100, `${s.image}: the breakdown (${parts}) adds up to the image (${s.flashBytes})`);
    // (the engine as the device links it: tools/fw/lean.mjs leaves out what the app never uses)
    assert.ok(s.flash.engine! > 100_000 && s.flash.app! > 40_000, `${s.image}: engine ${s.flash.engine} B, app ${s.flash.app} B`);
    assert.equal(s.budgets.flash.bytes, s.flashBytes);
    // the default images have their machine preloaded (issue 9): 420 KB of flash, a 64 KB RAM plan on the nRF52840
    assert.equal(s.budgets.flash.limitBytes, BUDGETS.flashBytes[s.target]);
    assert.equal(BUDGETS.flashBytes.nrf52, 420 * 1024);
    assert.equal(s.budgets.ram.bytes, s.ramPlanBytes);
    assert.equal(s.budgets.ram.limitBytes, BUDGETS.ramPlanBytes[s.target]);
    assert.equal(BUDGETS.ramPlanBytes.nrf52, 64 * 1024);
    // both budgets hold (the build exits 1 otherwise: the test below)
    assert.equal(s.budgets.flash.ok, true, `${s.image}: flash ${s.flashBytes} B over ${s.budgets.flash.limitBytes} B`);
    assert.equal(s.budgets.ram.ok, true, `${s.image}: RAM plan ${s.ramPlanBytes} B over ${s.budgets.ram.limitBytes} B`);
    assert.ok(s.flashBytes <= s.budgets.flash.limitBytes && s.ramPlanBytes <= s.budgets.ram.limitBytes);
    // the firmware entry only (issue 8): the host entry (native/xs/js/device-host.js) is in no image, nor its flags
    assertNoHostEntry(s.image, join(root, s.xs.archive), join(dir, "firmware.bin"), "device-main");
    process.stdout.write(`firmware-budget ${JSON.stringify({
      image: s.image, flashBytes: s.flashBytes, flash: s.flash, ramPlanBytes: s.ramPlanBytes, ram: s.budgets.ram.parts,
      flashOk: s.budgets.flash.ok, ramOk: s.budgets.ram.ok,
    })}\n`);
  }
});

test("firmware images: an image over its flash or RAM budget fails the build, naming the image and the budget", () => {
  const build = (...extra: string[]) =>
    spawnSync("node", [join(root, "tools/nrf52/build.mjs"), "--board", "pca10056", "--variant", "light", ...extra], { encoding: "utf8", cwd: root });
  // within the budgets (a generous RAM budget): exit 0
  const fine = build("--ram-budget", String(256 * 1024));
  assert.equal(fine.status, 0, fine.stderr);
  const size = JSON.parse(fine.stdout.trim()) as Size;
  // the RAM budget one byte below the image's plan
  const ram = build("--ram-budget", String(size.ramPlanBytes - 1));
  assert.equal(ram.status, 1);
  assert.match(ram.stderr, new RegExp(`^build pca10056/light: RAM plan ${size.ramPlanBytes} B is over its budget of ${size.ramPlanBytes - 1} B$`, "m"));
  assert.equal((JSON.parse(ram.stdout.trim()) as Size).budgets.ram.ok, false);
  // the flash budget one byte below the image
  const flash = build("--flash-budget", String(size.flashBytes - 1));
  assert.equal(flash.status, 1);
  assert.match(flash.stderr, new RegExp(`^build pca10056/light: flash ${size.flashBytes} B is over its budget of ${size.flashBytes - 1} B$`, "m"));
  assert.doesNotMatch(flash.stderr, /RAM plan/);
  // exactly at the budgets: within them
  const exact = build("--flash-budget", String(size.flashBytes), "--ram-budget", String(size.ramPlanBytes));
  assert.equal(exact.status, 0, exact.stderr);
  // a mistyped budget: one clear line, no build
  const typo = build("--ram-budget", "64k");
  assert.equal(typo.status, 2);
  assert.equal(typo.stderr, 'build: --ram-budget must be a positive number of bytes, got "64k"\n');
});

test("firmware images: the node light's app is one bundle (the device's halves only), its heap census adds up, within its budgets", () => {
  const b = spawnSync("node", [join(root, "tools/nrf52/build.mjs"), "--board", "pca10056", "--variant", "light-node", "--quiet"], { encoding: "utf8", cwd: root });
  assert.equal(b.status, 0, `build failed (or over its budgets):\n${b.stdout}${b.stderr}`);
  const dir = join(root, "build/nrf52840/pca10056/light-node");
  const size = JSON.parse(readFileSync(join(dir, "size.json"), "utf8"));
  assert.equal(size.budgets.flash.limitBytes, NODE_PARTS.flashBytes.nrf52);
  // issue 10's targets are the node images' budgets: flash within 420 KB, RAM plan within 96 KB
  assert.equal(NODE_PARTS.flashBytes.nrf52, 420 * 1024);
  assert.equal(NODE_PARTS.ramPlanBytes.nrf52, 96 * 1024);
  assert.ok(size.budgets.flash.ok && size.budgets.ram.ok, JSON.stringify(size.budgets));
  // the archive: the bundle, the natives' faces, the entry; no app module of its own
  const archive: string[] = size.xs.archiveModules;
  assert.ok(archive.includes("app/bundle"), archive.join(" "));
  assert.deepEqual(archive.filter((m) => m === "main" || m.startsWith("modules/")), []);
  assert.ok(archive.includes("native/xs/js/device-main") && archive.includes("native/xs/js/crypto"));
  // what the bundle holds (size.json xs.bundle: the app modules it replaced; inputs: those it kept code of)
  const bundle = size.xs.bundle as { name: string; modules: string[]; inputs: Record<string, number> };
  const kept = Object.keys(bundle.inputs).map((p) => p.replace(/^build\/xs-js\//, "").replace(/\.js$/, ""));
  for (const m of ["modules/prov/provisionee", "modules/models/config-server", "modules/models/health-server", "modules/models/onoff", "modules/node/node", "main"]) {
    assert.ok(bundle.modules.includes(m) && kept.includes(m), `the bundle holds ${m}`);
  }
  for (const m of ["modules/prov/provisioner", "modules/models/config-client", "modules/models/health-client"]) {
    assert.ok(!kept.includes(m), `the bundle must not hold ${m}`);
  }
  const strings = new TextDecoder("latin1").decode(readFileSync(join(dir, "firmware.bin")));
  assert.ok(strings.includes("app/bundle"), "the module table names the bundle");
  for (const n of ["ProvisionerSession", "provisionerRole", "modules/prov/provisioner"]) assert.ok(!strings.includes(n), `the image must not name ${n}`);
  // (log-texts) the log calls below its level are not in it (tools/fw/drop-logs.mjs), nor the engine's error
  // formats: their codes are (tools/fw/engine-texts.mjs)
  assert.equal(size.xs.bundle.logs.level, "warn");
  assert.ok(size.xs.bundle.logs.dropped > 0 && size.xs.bundle.logs.bytecodeBytes > 0, JSON.stringify(size.xs.bundle.logs));
  for (const n of ["Link Open ignored", "link timer expired", "node reset"]) assert.ok(!strings.includes(n), `the image holds the debug/info message "${n}"`);
  assert.ok(strings.includes("replay protection list full"), "the warn messages stay");
  assert.ok(!strings.includes("\0set %s: const\0") && !strings.includes("\0get %s: not initialized yet\0"), "the engine's formats are in the image");
  assert.match(strings, /\0E\d+ %s\0/);
  // the census: every slot of the preloaded heap under one module and one kind; the bundle is the biggest module
  const p = size.xs.preload;
  const rows = p.byModule as { name: string; slots: number; heapBytes: number; byKind: Record<string, number> }[];
  assert.equal(rows.reduce((a, r) => a + r.slots, 0), p.heapSlots - 2);
  assert.equal(Object.values(p.byKind as Record<string, { builtin: number; app: number }>).reduce((a, k) => a + k.builtin + k.app, 0), p.heapSlots - 2);
  const modules = rows.filter((r) => !r.name.startsWith("("));
  assert.equal(modules[0]!.name, "app/bundle");
  assert.equal(rows.find((r) => r.name === "(app keys)")!.slots, p.byKind.keys.app);
  // the engine parts its app never uses are not linked (tools/fw/lean.mjs: UNUSED_PARTS, BigInt's operations)
  const nm = spawnSync("arm-none-eabi-nm", ["-S", "--defined-only", join(dir, "firmware.elf")], { encoding: "utf8" });
  assert.equal(nm.status, 0, nm.stderr);
  const linked = new Map(nm.stdout.split("\n").map((l) => l.trim().split(/\s+/)).filter((f) => f.length === 4)
    .map((f) => [f[3]!.replace(/\..*$/, ""), parseInt(f[1]!, 16)]));
  for (const f of ["fxNewGeneratorInstance", "fxNewAsyncInstance", "fxAsyncGeneratorStep", "fx_Generator_prototype_next",
    "fx_AsyncFromSyncIterator_prototype_next", "fxRunImport", "fxLoadModules", "fxExecuteModules", "fxRunEval",
    "fxRunProgramEnvironment", "fxDefinePrivateProperty", "fxNewArgumentsSloppyInstance", "fx_Compartment",
    "fx_ModuleSource", "xsrUnused_fxMapModuleDescriptor", "fx_eval", "fxBigInt_add", "fxBigInt_div", "fxBigintToString",
    "fxBigInt64Getter",
    // libc and libm (docs/xs.md): pow (no `**` in the app: lean.mjs UNUSED_PARTS), log1p (toString(radix): ENGINE_EDITS)
    "pow", "__ieee754_pow", "scalbn", "log1p"]) {
    assert.ok(!linked.has(f), `${f} is linked into the node image`);
  }
  assert.ok((linked.get("fxMapModuleDescriptor") ?? 0) < 64, "fxMapModuleDescriptor is its stub");
  // entry-preload (docs/firmware.md "Boot"): every module preloaded, none loaded at run time; the loader and the promise
  // machinery (its app makes no promise) are not linked, the module body's preamble is its stub
  assert.equal(p.flashParts.otherModulesCode, 0, "every module of the node image is preloaded");
  for (const f of ["fxRunImportNow", "fxFindModule", "fxNewModule", "fxOrderModule", "fxRunScript", "xsrImportModule",
    "gxsrArchiveModules", "fx_Promise", "fx_Promise_prototype_then", "fxResolvePromise", "fxRunPromiseJobs", "fxOnThenable"]) {
    assert.ok(!linked.has(f), `${f} is linked into the node image`);
  }
  assert.ok((linked.get("fxPrepareModule") ?? 0) < 64, "fxPrepareModule is its stub");
  assert.ok(linked.has("xsrStartEntry"));
  assert.ok(linked.has("xsrLeftOut_fxNewGeneratorInstance"));
  // the static built-ins its code never reads (tools/fw/static-uses.mjs; its app names methods parse, create, log,
  // of...): not in the preparation, so not linked; those it reads are
  const preparation = readFileSync(join(root, "build/fw/gen/nrf52-node-light-node/xsr_preparation.c"), "utf8");
  for (const f of ["fx_JSON_parse", "fx_Object_create", "fx_Math_log", "fx_String_raw", "fx_Array_of", "fx_Object_keys"]) {
    assert.doesNotMatch(preparation, new RegExp(`callback = \\{ ${f},`), `the node image's preparation holds ${f}`);
    assert.ok(!linked.has(f), `${f} is linked into the node image`);
  }
  for (const f of ["fx_JSON_stringify", "fx_Math_floor", "fx_TypedArray_of"]) assert.ok(linked.has(f), `${f} is not linked`);
  assert.ok((linked.get("strcmp") ?? 0) < 64, "strcmp is native/xs/nrf52/libc_small.c's, not newlib's unrolled one");
  process.stdout.write(`firmware-node-image ${JSON.stringify({ flashBytes: size.flashBytes, budget: size.budgets.flash.limitBytes, bundled: bundle.modules.length, archive: archive.length, heapSlots: p.heapSlots })}\n`);
});
