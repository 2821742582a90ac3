/**
 * Issue 8 ("the firmware entry has no test flags; tests use their own entry"), checked on a built image: no host
 * entry (native/xs/js/device-host.js, modem-host.js, provisioner-host.js: mapped on the host platform only) is in
 * its archive, and none of their flags is in its binary. Used by images.ts (light, switch), twin-modem.ts and
 * twin-provisioner.ts (modem, provisioner).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;
export const HOST_ENTRIES = ["device-host", "modem-host", "provisioner-host"];

/** Each host entry's flags, as it lists them ("--name" literals in its source). */
export const hostEntryFlags: Record<string, string[]> = Object.fromEntries(
  HOST_ENTRIES.map((e) => [e, [...readFileSync(join(root, `native/xs/js/${e}.js`), "utf8").matchAll(/"(--[a-z-]+)"/g)].map((m) => m[1]!)]),
);

/** Asserts that the image `label` (archive C source `archivePath`, binary `binPath`) has its firmware entry only. */
export function assertNoHostEntry(label: string, archivePath: string, binPath: string, firmwareEntry: string): void {
  const archive = readFileSync(archivePath, "utf8");
  assert.ok(archive.includes(`"native/xs/js/${firmwareEntry}"`), `${label}: its firmware entry ${firmwareEntry} is in the archive`);
  const image = readFileSync(binPath).toString("latin1");
  for (const [entry, flags] of Object.entries(hostEntryFlags)) {
    assert.ok(flags.length >= 1, `${entry}'s flags`);
    assert.ok(!archive.includes(entry), `${label}: the host entry ${entry} is in the archive`);
    for (const flag of flags) {
      assert.ok(!image.includes(flag), `${label}: the host entry's flag ${flag} is in the image`);
      // its name as a whole string (a property key, a literal), not inside another (e.g. "wait-static-oob")
      if (flag.slice(2).includes("-")) assert.doesNotMatch(image, new RegExp(`(^|[^\\x20-\\x7e])${flag.slice(2)}\\0`), `${label}: "${flag.slice(2)}" is in the image`);
    }
  }
}
