/**
 * Role absence on the firmware images: a light carries the provisionee role and not the provisioner's code; the
 * standalone provisioner (variant `provisioner`) the other way round. Checked on what is flashed: the image's
 * module table and the XS key names (function, class and property names) are strings in firmware.bin, and the
 * prelinked archive lists its modules (build/fw/gen/<target>-<variant>/xsr_archive.c, one comment per module).
 * Each absence check is paired with the presence of the same markers in the other image, so neither can pass
 * on an image that carries no names at all.
 *
 * The provisioner image carries the mesh node with its Configuration Client (configureNode, ConfigClient): the
 * light (provisioning only, or with its node's Configuration Server) carries neither.
 *
 * Also builds the `provisioner` variant for pca10056, pca10059 and mps2 with the light: build.mjs enforces the
 * flash and RAM budgets (exit 1 over them), and each image's size.json is asserted within them here.
 *
 * Needs arm-none-eabi-gcc (suite "firmware-roles"). Not a *.test.ts file, so the host-tests suite does not run it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;

// What only each role's code names (modules/prov/provisioner.ts, modules/prov/provisionee.ts; the standalone
// provisioner's configuration of the lights it provisions, modules/standalone/configure.ts, and its clients).
const PROVISIONER = { module: "modules/prov/provisioner", names: ["ProvisionerSession", "provisionerRole", "strongestOobUse", "autoOobPolicy", "configureNode", "ConfigClient"] };
const PROVISIONEE = { module: "modules/prov/provisionee", names: ["DeviceSession", "provisioneeRole"] };
const BOARDS = ["pca10056", "pca10059", "mps2"] as const;

function imageDir(board: string, variant: string): string {
  return board === "mps2" ? join(root, "build/mps2", variant) : join(root, "build/nrf52840", board, variant);
}

/** The printable strings (6 bytes or more) of a binary, as `strings` finds them. */
function stringsOf(bin: Uint8Array): Set<string> {
  const out = new Set<string>();
  let cur = "";
  for (const b of bin) {
    if (b >= 0x20 && b < 0x7f) cur += String.fromCharCode(b);
    else {
      if (cur.length >= 6) out.add(cur);
      cur = "";
    }
  }
  if (cur.length >= 6) out.add(cur);
  return out;
}

/** The modules of an image's archive (its C source, named by the image's size.json: one comment per module). */
function archiveModules(size: { xs: { archive: string } }): string[] {
  const c = readFileSync(join(root, size.xs.archive), "utf8");
  return [...c.matchAll(/^\/\* ([\w./-]+) \*\/$/gm)].map((m) => m[1]!);
}

test("roles: the light image carries no provisioner code, the provisioner image no provisionee code; both within budgets", () => {
  const b = spawnSync("node", [join(root, "tools/nrf52/build.mjs"), "--board", BOARDS.join(","), "--variant", "light,provisioner", "--quiet"], { encoding: "utf8" });
  assert.equal(b.status, 0, `build failed:\n${b.stdout}${b.stderr}`);
  for (const board of BOARDS) {
    const target = board === "mps2" ? "mps2" : "nrf52";
    const images = {
      light: { dir: imageDir(board, "light"), has: PROVISIONEE, lacks: PROVISIONER },
      provisioner: { dir: imageDir(board, "provisioner"), has: PROVISIONER, lacks: PROVISIONEE },
    };
    for (const [variant, img] of Object.entries(images)) {
      const size = JSON.parse(readFileSync(join(img.dir, "size.json"), "utf8"));
      assert.ok(size.budgets.flash.ok && size.budgets.ram.ok, `${board}/${variant} over budget: ${JSON.stringify(size.budgets)}`);
      const strings = stringsOf(readFileSync(join(img.dir, "firmware.bin")));
      const modules = archiveModules(size);
      const where = `${board}/${variant}`;
      assert.ok(modules.includes(img.has.module), `${where}: its role module ${img.has.module} is in the archive`);
      assert.ok(!modules.includes(img.lacks.module), `${where}: ${img.lacks.module} must not be in the archive`);
      assert.ok(strings.has(img.has.module), `${where}: the module table names ${img.has.module}`);
      assert.ok(!strings.has(img.lacks.module), `${where}: the image must not name ${img.lacks.module}`);
      for (const n of img.has.names) assert.ok(strings.has(n), `${where}: ${n} is in the image`);
      for (const n of img.lacks.names) assert.ok(!strings.has(n), `${where}: ${n} must not be in the image`);
      process.stdout.write(`roles ${JSON.stringify({ image: where, modules: modules.length, flashBytes: size.flashBytes, flashBudget: size.budgets.flash.limitBytes, ramPlanBytes: size.ramPlanBytes, ramBudget: size.budgets.ram.limitBytes })}\n`);
    }
  }
});
