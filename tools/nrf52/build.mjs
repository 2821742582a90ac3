#!/usr/bin/env node
// Firmware build: nRF52840 images for the boards pca10056 (DK) and pca10059 (Dongle), and the Cortex-M4 twin
// (board mps2, for qemu-system-arm -M mps2-an386), in the variants light and switch, and modem (the mesh modem).
// --variant provisioner: the standalone provisioner as a mesh node, preloaded (docs/standalone.md). --variant
// light-node,switch-node: the light and switch with the mesh node (opt-in; over the 420 KB flash target, their own
// budgets: NODE_PARTS; their app bundled into one module, tools/fw/bundle.mjs).
//
//   node tools/nrf52/build.mjs [--board pca10056,pca10059,mps2|all] [--variant light,switch,modem]
//                              [--app xs|smoke] [--no-mbr] [--app-base 0x1000] [--quiet]
//                              [--flash-budget BYTES] [--ram-budget BYTES] [--prelinked] [--histogram] [--no-bundle]
//
// --histogram: after each preloaded image, its flash histogram (tools/fw/histogram.mjs: by part, the preloaded heap
// by kind of slot and by module, from size.json xs.preload.byModule / byKind).
//
// --app xs (the default): the XS engine, its platform layer, the natives and the app's bytecode
// (tools/fw/xs-image.mjs), the machine preloaded (issue 9: tools/fw/preload; the manifest's "<target>-preload"
// platform: built-ins and the app's modules in flash, a 46 KB XS heap); app_main() is the XS runtime's
// (native/xs/nrf52/xsr_device.c).
// --prelinked: the image without the preloaded machine (the manifest's "<target>" platform: the built-ins made at
// boot, the modules run from the prelinked archive in a 136 KB XS heap; docs/firmware.md "Preloading"), in
// build/nrf52840-prelinked/ and build/mps2-prelinked/, with its own RAM budget. (--preload: the default, accepted.)
// --app smoke: the C-only smoke app (native/boards/app_smoke.c), for the HAL's own tests.
//
// Output per image, in build/nrf52840/<board>/<variant>/ (the twin: build/mps2/<variant>/; the smoke app:
// build/smoke/<board>/<variant>/): firmware.elf, firmware.hex (Intel HEX), firmware.bin, firmware.uf2 (family
// 0xADA52840, 256-byte payloads, from the application base address), firmware.map, memory.ld (the layout
// used), size.json {flashBytes, ramStaticBytes, heapBytes, stackBytes, flash breakdown, budgets, ...}.
// Each image's size.json is also printed as one JSON line. Budgets are enforced: the build exits 1, naming the
// image and the budget, when an XS image is over its flash or RAM budget (--flash-budget / --ram-budget replace
// the budgets, e.g. to check that a violation fails the build).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeUf2 } from "./uf2.mjs";

const root = new URL("../..", import.meta.url).pathname;
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const quiet = args.includes("--quiet");
const noMbr = args.includes("--no-mbr");
// --no-bundle: the node images' app as separate modules (tools/fw/bundle.mjs bundles it by default), for comparison
const noBundle = args.includes("--no-bundle");

const PAGE = 0x1000;
const STORAGE_PAGES = 2;
// C stack: the smoke app 8 KB; the XS image 6 KB (peak measured on the twin through a whole provisioning:
// 3.3 KB, with P-256 and the storage natives; the engine stops JavaScript recursion 768 bytes above the bottom).
const STACK = { smoke: 0x2000, xs: 0x1800 };

// Budgets (docs/firmware.md "Budgets"): reported in size.json and enforced (the build fails when one is exceeded).
// The RAM plan is static data + stack + the XS runtime's heaps. The twin runs the nRF52840's XS heap, C heap and
// stack, plus its own board layer (the air link's 2 KB receive ring and frame buffers, the software AES's T-tables:
// 5.7 KB of .data/.bss the nRF52840 has not): its budget is the nRF52840's plus 8 KB for that layer.
// Its flash, likewise, holds that layer (the air link's client, semihosting, the T-table AES) and its instruments
// (--wrap around the radio, P-256 and AES natives, which keep our code out of link-time optimisation there):
// the nRF52840's budget plus 16 KB.
const TWIN_BOARD_LAYER_BYTES = 8 * 1024;
const TWIN_FLASH_LAYER_BYTES = 16 * 1024;
export const BUDGETS = {
  // the whole light image (issue 9: 420 KB)
  flashBytes: { nrf52: 420 * 1024, mps2: 420 * 1024 + TWIN_FLASH_LAYER_BYTES },
  // the default image, its machine preloaded (issue 9): 64 KB (the twin: plus its board layer)
  ramPlanBytes: { nrf52: 64 * 1024, mps2: 64 * 1024 + TWIN_BOARD_LAYER_BYTES },
  // the prelinked image (--prelinked)
  prelinkedRamPlanBytes: { nrf52: 160 * 1024, mps2: 160 * 1024 + TWIN_BOARD_LAYER_BYTES },
};

/** The budgets of an image of `target` (preloaded, the default, or prelinked), with the command line's
 * --flash-budget / --ram-budget over them. */
export function budgetsFor(target, overrides = {}, preload = true) {
  const number = (name, v) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive number of bytes, got "${v}"`);
    return n;
  };
  return {
    flashBytes: number("--flash-budget", overrides.flashBytes) ?? BUDGETS.flashBytes[target],
    ramPlanBytes: number("--ram-budget", overrides.ramPlanBytes) ?? (preload ? BUDGETS.ramPlanBytes : BUDGETS.prelinkedRamPlanBytes)[target],
  };
}

/** The budgets an image's size report exceeds, one line each (empty when it is within them). */
export function budgetViolations(size) {
  const out = [];
  const b = size.budgets;
  if (!b) return out;
  if (!b.flash.ok) out.push(`flash ${b.flash.bytes} B is over its budget of ${b.flash.limitBytes} B`);
  if (!b.ram.ok) out.push(`RAM plan ${b.ram.bytes} B is over its budget of ${b.ram.limitBytes} B`);
  return out;
}

// Layouts (docs/firmware.md "Memory map").
const BOARDS = {
  pca10056: { define: "BOARD_PCA10056", target: "nrf52", appBase: 0x0, appEnd: 0x100000, ram: [0x20000000, 0x40000] },
  // The Dongle's factory bootloader (Nordic open USB DFU): MBR at 0x0..0x1000 (it keeps 8 bytes of RAM at
  // 0x20000000), application from 0x1000, bootloader from 0xE0000. --no-mbr: an erased Dongle programmed by SWD.
  pca10059: noMbr
    ? { define: "BOARD_PCA10059", target: "nrf52", appBase: 0x0, appEnd: 0x100000, ram: [0x20000000, 0x40000] }
    : { define: "BOARD_PCA10059", target: "nrf52", appBase: 0x1000, appEnd: 0xe0000, ram: [0x20000008, 0x40000 - 8] },
  // The twin: the nRF52840's 1 MB / 256 KB cut out of the mps2-an386 memory map (SSRAM1 at 0x0, SSRAM2 at 0x20000000).
  mps2: { define: "BOARD_MPS2_AN386", target: "mps2", appBase: 0x0, appEnd: 0x100000, ram: [0x20000000, 0x40000] },
};

const HAL_COMMON = [
  "native/boards/fmt.c", "native/boards/swtimer.c", "native/boards/ident.c", "native/boards/attention.c",
  "native/storage/store.c", "native/storage/prov_record.c",
];
const TARGET_SOURCES = {
  nrf52: [
    "native/nrf52/startup.c", "native/nrf52/main.c", "native/nrf52/clock.c", "native/nrf52/rtc.c", "native/nrf52/rng.c",
    "native/nrf52/ficr.c", "native/nrf52/gpio.c", "native/nrf52/uarte.c", "native/nrf52/nvmc.c", "native/nrf52/radio.c",
    "native/nrf52/hal_nrf52.c", "native/storage/flash_nrf52.c", "native/nrf52/radio_core.c",
  ],
  mps2: [
    "native/mps2/startup.c", "native/nrf52/main.c", "native/mps2/hal_mps2.c", "native/mps2/semihost.c",
    "native/mps2/air_uart.c", "native/air/air_client.c", "native/storage/flash_ram.c",
  ],
};
// Variants that are more than defines (docs/firmware-modem.md): their entry module, the natives and the board
// sources they add, the C defines per board. The others are device-main with the manifest's variant defines.
const VARIANT_PARTS = {
  // the mesh modem (issue 12): modules/serial on a serial port (native/boards/serial_port.h); the DK's UARTE0 is
  // the port on the J-Link VCOM, so its log is off
  modem: {
    entry: "native/xs/js/modem-main",
    natives: ["native/xs/natives/nrf52/serial_device.c"],
    sources: { pca10056: ["native/nrf52/uarte_serial.c"], pca10059: ["native/nrf52/usbd.c", "native/nrf52/cdc_acm.c"], mps2: ["native/mps2/uart_serial.c"] },
    defines: { pca10056: ["HAL_LOG_OFF"] },
    // with its mesh node (modules/serial/mesh.ts): the machine preloaded, the manifest's "<target>-modem" platforms
    // (the modem's and the node's modules in flash, as the node images'); its budgets: MODEM_PARTS below
  },
  // the standalone provisioner as a mesh node (issue 12, docs/standalone.md "RAM"): preloaded on its own platforms
  // (manifest.json "<target>-provisioner": its modules, the node's, the Configuration and Generic OnOff Clients;
  // C heap 12 KB as the node images). Over the 420 KB flash target as the node images: its own stated budgets, the
  // measured flash plus about 2 % (517,344 B on the PCA10056: 516 KB; the twin: plus its layer); RAM plan 136 KB on
  // the nRF52840 (the twin: plus its 8 KB layer)
  provisioner: {
    entry: "native/xs/js/provisioner-main",
    natives: [],
    sources: {},
    node: true,
    platform: "provisioner",
    // not bundled (tools/fw/bundle.mjs): host-tests/firmware/roles.ts finds its roles by module and class names
    bundle: false,
    flashBytes: { nrf52: 516 * 1024, mps2: 516 * 1024 + TWIN_FLASH_LAYER_BYTES },
    ramPlanBytes: { nrf52: 136 * 1024, mps2: 136 * 1024 + TWIN_BOARD_LAYER_BYTES },
  },
};
// The light and switch with the mesh node (issue 10 on the device; opt-in, not in the default build): the manifest's
// "<target>-node" platforms (native/xs/js/mesh -> mesh-node.js, the node's modules preloaded as one bundle:
// tools/fw/bundle.mjs; XS heap 74 KB, C heap 12 KB). Budgets: issue 10's targets, flash 420 KB (measured 403,668 B on
// the PCA10056 light-node and 411,492 B on the switch-node: npm run build:nrf52 -- --board pca10056 --variant
// light-node,switch-node; docs/firmware.md "Flash"; the twin: plus its 16 KB layer) and RAM plan 96 KB on the
// nRF52840 (the twin: plus its 8 KB layer).
export const NODE_PARTS = {
  node: true,
  flashBytes: { nrf52: 420 * 1024, mps2: 420 * 1024 + TWIN_FLASH_LAYER_BYTES },
  ramPlanBytes: { nrf52: 96 * 1024, mps2: 96 * 1024 + TWIN_BOARD_LAYER_BYTES },
};
VARIANT_PARTS["light-node"] = NODE_PARTS;
VARIANT_PARTS["switch-node"] = NODE_PARTS;
// The mesh modem with its mesh node (issue 12, docs/firmware-modem.md "Sizes and the RAM budget"): preloaded as the
// node images (the "<target>-modem" platforms, the node's C heap), XS heap 96 KB, at least 4 links at once. Over the
// 420 KB flash target (the node's modules and the provisioner's, preloaded: 466,312 B on the PCA10056, 467,944 B on
// the Dongle): its own stated budgets, that plus about 2 %, 467 KB flash (the twin: plus its layer); RAM plan 128 KB on the nRF52840 (the twin: plus its 8 KB layer), half the RAM
// (the prelinked provisioning-only modem needed 232 KB).
const MODEM_PARTS = {
  node: true,
  platform: "modem",
  // not bundled (tools/fw/bundle.mjs): host-tests/firmware/twin-modem.ts checks what the image holds by module
  bundle: false,
  flashBytes: { nrf52: 467 * 1024, mps2: 467 * 1024 + TWIN_FLASH_LAYER_BYTES },
  ramPlanBytes: { nrf52: 128 * 1024, mps2: 128 * 1024 + TWIN_BOARD_LAYER_BYTES },
};
Object.assign(VARIANT_PARTS.modem, MODEM_PARTS);
const LINKER = { nrf52: "native/nrf52/nrf52840.ld", mps2: "native/mps2/mps2.ld" };

const CFLAGS = [
  "-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16",
  "-std=c99", "-Os", "-g", "-Wall", "-Wextra", "-Werror",
  "-ffunction-sections", "-fdata-sections", "-fno-common", "-ffreestanding",
];

function run(cmd, argv) {
  const r = spawnSync(cmd, argv, { encoding: "utf8", cwd: root, maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(" ")}\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

const hex = (n) => "0x" + n.toString(16).toUpperCase().padStart(8, "0");

/**
 * Bytes per category from the linker map: flash (.text, .ARM.exidx, and .data's initial values) and RAM
 * (.data, .bss, .xsheap). `groups` maps object paths to a category; archives are "libc", other objects "hal".
 * Sizes are the input sections' (before the linker merges equal string constants across objects: the sum
 * can exceed the image by a few hundred bytes).
 */
export function mapBreakdown(mapText, groups) {
  const flash = {};
  const ram = {};
  const add = (table, k, n) => (table[k] = (table[k] ?? 0) + n);
  const start = mapText.indexOf("Linker script and memory map");
  const lines = mapText.slice(start < 0 ? 0 : start).split("\n");
  let out = null;
  let pending = null;
  const category = (file) => {
    if (groups[file]) return groups[file];
    if (/\.a\(/.test(file) || /\/lib[^/]*\.a$/.test(file)) return "libc";
    return "hal";
  };
  const account = (size, file) => {
    if (!out || !size) return;
    const cat = category(file.trim());
    if (out === ".text" || out === ".ARM.exidx") add(flash, cat, size);
    else if (out === ".data") {
      add(flash, cat, size);
      add(ram, cat, size);
    } else if (out === ".bss" || out === ".xsheap") add(ram, cat, size);
  };
  for (const line of lines) {
    let m;
    if ((m = /^(\.[\w.]+|\/DISCARD\/)/.exec(line))) {
      out = m[1];
      pending = null;
      continue;
    }
    if ((m = /^ (\S+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$/.exec(line)) && m[1] !== "*fill*") {
      account(parseInt(m[3], 16), m[4]);
      pending = null;
    } else if ((m = /^ (\.\S+)$/.exec(line))) pending = m[1];
    else if (pending && (m = /^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$/.exec(line))) {
      account(parseInt(m[2], 16), m[3]);
      pending = null;
    }
  }
  return { flash, ram };
}

/**
 * Bytes per category of an LTO image (its objects are the link's own partitions, so the map cannot say where code
 * came from): each symbol's size, by the source file its debug information names (nm -l). Code and data without a
 * symbol (string literals, literal pools, padding) are "unattributed": flash or RAM minus the symbols' sum.
 */
export function symbolBreakdown(elf, ramBase, flashBytes, ramBytes) {
  const flash = {};
  const ram = {};
  const category = (file) => {
    if (!file) return "unattributed";
    if (/\/build\/xs\/src\//.test(file)) return "engine";
    if (/xsr_preparation\.c$/.test(file)) return "preloaded";
    if (/xsr_archive\.c$/.test(file)) return "app";
    if (/\/native\/crypto\//.test(file)) return "crypto";
    if (/\/native\/xs\/natives\//.test(file)) return "natives";
    if (/\/native\/xs\/|\/build\/fw\/gen\//.test(file)) return "xsPlatform";
    if (/newlib|libgcc|gcc\//.test(file)) return "libc";
    return "hal";
  };
  for (const line of run("arm-none-eabi-nm", ["-S", "-l", "--defined-only", elf]).split("\n")) {
    const m = /^([0-9a-f]+) ([0-9a-f]+) (\w) (\S+)(?:\t(\S+?):\d+)?$/.exec(line.trim());
    if (!m) continue;
    const address = parseInt(m[1], 16);
    const size = parseInt(m[2], 16);
    const type = m[3].toLowerCase();
    // the generated data have no line information: named by their symbols
    const cat = !m[5] && /^gx(Heap|Stack|Keys|Names|Symbols|Code|Bytes|Table)/.test(m[4]) ? "preloaded"
      : !m[5] && /^gxsrArchive|^hosts\d/.test(m[4]) ? "app" : category(m[5]);
    if (address < ramBase) flash[cat] = (flash[cat] ?? 0) + size;
    else if (type === "d" || type === "b") ram[cat] = (ram[cat] ?? 0) + size;
  }
  const sum = (t) => Object.values(t).reduce((a, n) => a + n, 0);
  flash.unattributed = (flash.unattributed ?? 0) + Math.max(0, flashBytes - sum(flash));
  ram.unattributed = (ram.unattributed ?? 0) + Math.max(0, ramBytes - sum(ram));
  return { flash, ram };
}

/**
 * The preloaded image's flash by part (size.json xs.preload.flashParts), from the ELF's symbol sizes and the
 * linker map's categories: the engine's code; the preparation's heap slots, of which the key slots (16 bytes a
 * key), its XS stack, its key/name/symbol tables; the archive's code of the preloaded modules (the functions'
 * code the heap points at, and the module bodies', which only ran at build time) and of the others; the key
 * strings and tables.
 */
export function preloadFlashParts(elf, flash, info) {
  const sizes = {};
  for (const line of run("arm-none-eabi-nm", ["-S", "-t", "d", elf]).split("\n")) {
    const m = /^\d+ (\d+) \w (\S+)$/.exec(line.trim());
    if (m) {
      const name = m[2].replace(/\.lto_priv\.\d+$/, ""); // LTO renames file-local symbols
      sizes[name] = (sizes[name] ?? 0) + Number(m[1]);
    }
  }
  const sum = (re) => Object.entries(sizes).filter(([k]) => re.test(k)).reduce((a, [, n]) => a + n, 0);
  const p = info.preload;
  const archiveCode = (names) => names.reduce((a, name) => a + (sizes[`gxsrArchiveCode${info.archiveModules.indexOf(name)}`] ?? 0), 0);
  const preloadedNames = info.archiveModules.filter((n) => info.preloadModules.includes(n));
  const otherNames = info.archiveModules.filter((n) => !info.preloadModules.includes(n));
  return {
    engineCode: flash.engine ?? 0,
    preparation: flash.preloaded ?? 0,
    heapSlots: sizes.gxHeap ?? 0,
    keySlots: (p.keys ?? 0) * 16,
    stackSlots: sizes.gxStack ?? 0,
    keyNameSymbolTables: (sizes.gxKeys ?? 0) + (sizes.gxNames ?? 0) + (sizes.gxSymbols ?? 0),
    preparationData: sum(/^gx(Code|Bytes|Table)\d+$/),
    archive: flash.app ?? 0,
    preloadedModulesCode: archiveCode(preloadedNames),
    moduleBodiesCode: info.moduleBodyBytes,
    otherModulesCode: archiveCode(otherNames),
    keyStrings: (sizes.gxsrArchiveKeyStrings ?? 0) + (sizes.gxsrArchiveKeyOffsets ?? 0),
    hostTables: sum(/^hosts\d+/),
  };
}

/**
 * Builds one image. Options: app "xs" | "smoke"; for measurements (tools/fw/bench-ram.mjs) runInPlace false
 * (the app's code and string literals copied into the XS heap, as the engine does for loaded bytecode),
 * heapBytes (the XS heap instead of the manifest's staticSize) and out (the output directory).
 */
export async function buildImage(board, variant, { app = "xs", runInPlace = true, heapBytes = 0, out: outDir = null, budgets: budgetOverrides = {}, preload = true } = {}) {
  const b = BOARDS[board];
  if (!b) throw new Error(`unknown board ${board}`);
  const parts = app === "xs" ? VARIANT_PARTS[variant] : undefined;
  // the variants with their own entry keep the prelinked machine and their stated budgets unless they have a platform
  // of their own: the manifest's preload lists are the device entry's modules; the node variants, the provisioner and
  // the modem are preloaded (their platform)
  if (parts) preload = !!parts.node;
  if (app !== "xs" && app !== "smoke") throw new Error(`unknown app ${app} (xs or smoke)`);
  const base = opt("--app-base") ? Number(opt("--app-base")) : b.appBase;
  const out = outDir ?? (app === "smoke"
    ? join(root, "build/smoke", board, variant)
    : b.target === "mps2" ? join(root, preload || parts ? "build/mps2" : "build/mps2-prelinked", variant)
    : join(root, preload || parts ? "build/nrf52840" : "build/nrf52840-prelinked", board, variant));
  mkdirSync(out, { recursive: true });
  const storageStart = b.appEnd - STORAGE_PAGES * PAGE;
  writeFileSync(join(out, "memory.ld"), [
    `/* ${board}: generated by tools/nrf52/build.mjs */`,
    "MEMORY",
    "{",
    `    FLASH (rx) : ORIGIN = ${hex(base)}, LENGTH = ${hex(storageStart - base)}`,
    `    STORAGE (r) : ORIGIN = ${hex(storageStart)}, LENGTH = ${hex(STORAGE_PAGES * PAGE)}`,
    `    RAM (rwx) : ORIGIN = ${hex(b.ram[0])}, LENGTH = ${hex(b.ram[1])}`,
    "}",
    `__stack_size = ${hex(STACK[app])};`,
    "",
  ].join("\n"));

  let xs = null;
  if (app === "xs") {
    const { prepareXsImage } = await import("../fw/xs-image.mjs");
    xs = await prepareXsImage({ target: b.target, variant, quiet, runInPlace, heapBytes, preload, node: !!parts?.node, ...(noBundle || parts?.bundle === false ? { bundle: false } : {}), ...(parts?.platform ? { platform: parts.platform } : {}), ...(parts?.entry ? { entry: parts.entry, natives: parts.natives, creation: parts.creation } : {}) });
  }
  const sources = [...(app === "smoke" ? ["native/boards/app_smoke.c"] : []), ...HAL_COMMON, ...TARGET_SOURCES[b.target], ...(parts?.sources?.[board] ?? [])];
  const elf = join(out, "firmware.elf");
  const mapFile = join(out, "firmware.map");
  const halFlags = [...CFLAGS, `-D${b.define}`, `-DAPP_VARIANT="${variant}"`, ...(parts?.defines?.[board] ?? []).map((d) => `-D${d}`)];
  let hal = sources;
  if (xs?.lto) {
    // link-time optimisation (the preloaded image): the link runs with -w for the engine's sake (tools/fw/xs-image.mjs),
    // so the HAL is compiled first, with its -Wall -Wextra -Werror
    const { compileAll } = await import("../fw/xs-image.mjs");
    const flags = [...halFlags, ...(xs.ltoHal ? ["-flto"] : [])];
    const dir = join(out, "obj", createHash("sha256").update(flags.join("\0")).digest("hex").slice(0, 10));
    const units = sources.map((f) => ({ source: join(root, f), flags, obj: join(dir, f.replace(/\//g, "_").replace(/\.c$/, ".o")) }));
    await compileAll(units, quiet);
    hal = units.map((u) => u.obj);
  }
  run("arm-none-eabi-gcc", [
    ...halFlags,
    ...hal, ...(xs ? xs.objects : []),
    "-nostartfiles", "--specs=nano.specs", "--specs=nosys.specs",
    "-L", out, "-L", join(root, "native/nrf52"), "-L", join(root, "native/mps2"),
    "-T", join(root, LINKER[b.target]),
    ...(xs ? xs.linkFlags : []),
    "-Wl,--gc-sections", "-Wl,--no-warn-rwx-segments", `-Wl,-Map=${mapFile}`, "-o", elf,
    ...(xs ? ["-lm"] : []),
  ]);
  run("arm-none-eabi-objcopy", ["-O", "ihex", elf, join(out, "firmware.hex")]);
  run("arm-none-eabi-objcopy", ["-O", "binary", elf, join(out, "firmware.bin")]);
  writeUf2(join(out, "firmware.bin"), base, join(out, "firmware.uf2"));

  const syms = {};
  for (const line of run("arm-none-eabi-nm", [elf]).split("\n")) {
    const m = /^([0-9a-f]+) \w (\S+)$/.exec(line.trim());
    if (m) syms[m[2]] = parseInt(m[1], 16);
  }
  const flashBytes = syms.__flash_end - base;
  const xsHeapBytes = (syms.__xsheap_end ?? 0) - (syms.__xsheap_start ?? 0);
  const ramStaticBytes = syms.__bss_end - b.ram[0];
  const stackBytes = syms.__stack_top - syms.__stack_bottom;
  const size = {
    board, variant, target: b.target, app,
    appBase: base, appEnd: b.appEnd, storageStart, storageBytes: STORAGE_PAGES * PAGE,
    flashBytes,
    flashAvailableBytes: storageStart - base,
    ramStaticBytes,
    heapBytes: app === "xs" ? xsHeapBytes : syms.__heap_end - syms.__heap_start,
    stackBytes,
    ramBytes: b.ram[1],
  };
  if (xs) {
    const { flash, ram } = xs.lto ? symbolBreakdown(elf, b.ram[0], flashBytes, ramStaticBytes + xsHeapBytes) : mapBreakdown(readFileSync(mapFile, "utf8"), xs.groups);
    const c = xs.info.creation;
    size.ramFreeBytes = syms.__heap_end - syms.__heap_start;
    size.ramPlanBytes = ramStaticBytes + xsHeapBytes + stackBytes;
    size.xs = {
      heapBytes: c.staticSize,
      cHeapBytes: xs.info.cHeapBytes,
      creation: c,
      modules: xs.info.modules,
      archive: xs.info.archive,
      archiveBytes: xs.info.archiveBytes,
      keys: xs.info.keys,
      keyBase: xs.info.keyBase,
      runInPlace: xs.info.runInPlace,
      functions: xs.info.functions,
      strings: xs.info.strings,
      stringBytes: xs.info.stringBytes,
      engineDefines: xs.info.engineDefines,
      // the app bundle (tools/fw/bundle.mjs; the node images): { name, modules (the app modules it holds), inputs }
      bundle: xs.info.bundle ?? null,
      // the archive's modules (roles and tests check what an image carries)
      archiveModules: xs.info.archiveModules,
      // the preparation (--preload): modules, the heap it holds (slots, aliases), its bytes in flash, and what
      // the preloaded image's flash is made of (preloadFlashParts)
      preload: xs.info.preload ? { ...xs.info.preload, flashBytes: flash.preloaded ?? 0, flashParts: preloadFlashParts(elf, flash, xs.info) } : null,
    };
    size.flash = flash;
    size.ram = ram;
    const limits = budgetsFor(b.target, { ...budgetOverrides, flashBytes: budgetOverrides.flashBytes ?? parts?.flashBytes?.[b.target], ramPlanBytes: budgetOverrides.ramPlanBytes ?? parts?.ramPlanBytes?.[b.target] }, preload);
    size.budgets = {
      flash: { limitBytes: limits.flashBytes, bytes: flashBytes, ok: flashBytes <= limits.flashBytes },
      ram: {
        limitBytes: limits.ramPlanBytes,
        bytes: size.ramPlanBytes,
        ok: size.ramPlanBytes <= limits.ramPlanBytes,
        parts: { staticBytes: ramStaticBytes, xsHeapBytes: c.staticSize, cHeapBytes: xs.info.cHeapBytes, stackBytes },
      },
    };
  }
  writeFileSync(join(out, "size.json"), JSON.stringify(size, null, 2) + "\n");
  return { out, size };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const boardArg = opt("--board", "pca10056,pca10059");
  const boards = boardArg === "all" ? Object.keys(BOARDS) : boardArg.split(",");
  const variants = opt("--variant", "light,switch,modem").split(",");
  const app = opt("--app", "xs");
  const budgets = { flashBytes: opt("--flash-budget"), ramPlanBytes: opt("--ram-budget") };
  const preload = !args.includes("--prelinked");
  let failed = false;
  try {
    budgetsFor("nrf52", budgets);
  } catch (e) {
    process.stderr.write(`build: ${e.message}\n`);
    process.exit(2);
  }
  for (const board of boards) {
    for (const variant of variants) {
      try {
        const { out, size } = await buildImage(board, variant, { app, budgets, preload });
        if (!quiet) process.stdout.write(JSON.stringify({ image: out.slice(root.length), ...size }) + "\n");
        if (args.includes("--histogram") && size.xs?.preload?.byModule) {
          const { histogram } = await import("../fw/histogram.mjs");
          process.stderr.write(histogram(size).join("\n") + "\n");
        }
        for (const v of budgetViolations(size)) {
          failed = true;
          process.stderr.write(`build ${board}/${variant}: ${v}\n`);
        }
      } catch (e) {
        failed = true;
        process.stderr.write(`build ${board}/${variant} failed: ${e.message}\n`);
      }
    }
  }
  process.exit(failed ? 1 : 0);
}
