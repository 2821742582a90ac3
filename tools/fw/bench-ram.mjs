#!/usr/bin/env node
// Benchmark: the XS heap with the app's bytecode run in place from flash, and with it copied into the heap.
//
// Builds the twin image (tools/nrf52/build.mjs --board mps2, variant light) twice, both with the same XS heap
// (224 KB, so the second one fits): run in place (the prelinked archive as the firmware has it: function code
// and string literals used where they are, in flash) and copied (the same archive with the engine's ordinary
// opcodes, so functions' code and string literals are copied into the chunk heap, as for loaded bytecode).
// Each boots on qemu-system-arm -M mps2-an386 (no air hub) until the entry module is imported and a full
// garbage collection ran; prints one JSON line with the live chunks and slots of both and the difference.
//
//   node tools/fw/bench-ram.mjs          (needs arm-none-eabi-gcc and qemu-system-arm)
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildImage } from "../nrf52/build.mjs";

const root = new URL("../..", import.meta.url).pathname;
const HEAP = 229376;

function boot(elf) {
  const dir = mkdtempSync(join(tmpdir(), "bench-ram-"));
  try {
    const r = spawnSync("qemu-system-arm", [
      "-M", "mps2-an386", "-nographic", "-monitor", "none", "-icount", "shift=0,sleep=off",
      "-serial", "stdio", "-serial", "null", "-kernel", elf,
      "-semihosting-config", `enable=on,target=native,arg=firmware,arg=--flash=${join(dir, "flash.bin")},arg=--exit-after-ms=200`,
    ], { encoding: "utf8", timeout: 60_000 });
    const lines = (r.stdout ?? "").split("\n");
    const mem = (at) => {
      const line = lines.find((l) => l.startsWith("xs-mem ") && l.includes(`"at":"${at}"`));
      if (!line) throw new Error(`no xs-mem ${at} line in:\n${r.stdout}${r.stderr}`);
      return JSON.parse(line.slice(7));
    };
    return { created: mem("created"), imported: mem("imported-gc") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = {};
for (const [name, runInPlace] of [["inPlace", true], ["copied", false]]) {
  const out = join(root, "build", "fw", "bench", `mps2-light-${name}`);
  const { size } = await buildImage("mps2", "light", { runInPlace, heapBytes: HEAP, out, preload: false });
  const m = boot(join(out, "firmware.elf"));
  results[name] = {
    flashBytes: size.flashBytes,
    liveAfterImport: { chunks: m.imported.chunks, slots: m.imported.slots, bytes: m.imported.chunks + m.imported.slots },
    reservedAfterImport: { chunks: m.imported.chunksReserved, slots: m.imported.slotsReserved },
  };
}
const saved = results.copied.liveAfterImport.bytes - results.inPlace.liveAfterImport.bytes;
process.stdout.write(JSON.stringify({ bench: "xs-run-in-place", heapBytes: HEAP, ...results, liveBytesSavedInPlace: saved }) + "\n");
