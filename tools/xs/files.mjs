// File helpers shared by the XS build scripts (tools/xs/build-app.mjs, tools/fw/xs-image.mjs).
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
