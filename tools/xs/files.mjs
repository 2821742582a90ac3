// File helpers shared by the XS build scripts (tools/xs/build-app.mjs, tools/xs/build-host.mjs, tools/fw/xs-image.mjs).
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** The file's modification time in ms; -Infinity when it does not exist (older than anything). */
export function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -Infinity;
  }
}

/** Writes text to path (creating its directory) through a temporary file, unless the file already holds it. */
export function writeIfChanged(path, text) {
  if (existsSync(path) && readFileSync(path, "utf8") === text) return;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path + ".tmp", text);
  renameSync(path + ".tmp", path);
}

/** The platform-independent half of the runtime (native/xs/common), linked by the host runtime and every device. */
export const XSR_COMMON_SOURCES = [
  "native/xs/common/xsr_args.c", // argument checks for natives
  "native/xs/common/xsr_bind.c", // host functions bound by name
  "native/xs/common/xsr_load.c", // .xsb decoding, module names, the engine's module hooks
  "native/xs/common/xsr_run.c", // timers, run loop, import of the entry, fatal errors
  "native/xs/common/xsr_internal.c", // the engine's private structures, read in one place
];
