#!/usr/bin/env node
// Fetches the XS engine sources (Moddable SDK's xs/ tree) into build/xs/src, from the npm package
// @agoric/xsnap@0.15.0 (XS 13.3.0), through the ordinary npm client (`npm pack`), and checks the
// tarball against the sha512 integrity pinned below before extracting anything.
//
// Only moddable/xs/{sources,includes,platforms} is extracted. Nothing fetched is committed (build/ is
// git-ignored). The XS sources are LGPL-3.0-or-later (some files also Apache-2.0): see docs/xs.md.
//
// Usage: node tools/xs/fetch-xs.mjs [--force]     exits 0 when build/xs/src is ready, 1 otherwise.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, readdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

export const XS_PACKAGE = "@agoric/xsnap";
export const XS_PACKAGE_VERSION = "0.15.0";
export const XS_TARBALL = "agoric-xsnap-0.15.0.tgz";
/** npm's `dist.integrity` of @agoric/xsnap@0.15.0 (pinned: a different tarball is refused). */
export const XS_INTEGRITY =
  "sha512-ZBm4DZxbtfacxMHVVdJjZi0Y8zOxN77vpu1WwI5RWfPkaRh0aHkz/dVdTGKXalDNzWfz183lljKxlxl3/h0n+A==";
/** The engine version the sources carry (xsCommon.h XS_MAJOR/MINOR/PATCH_VERSION). */
export const XS_VERSION = "13.3.0";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const PKG_DIR = join(ROOT, "build", "xs", "pkg");
export const SRC_DIR = join(ROOT, "build", "xs", "src");
const STAMP = join(SRC_DIR, ".fetched");
const PARTS = ["sources", "includes", "platforms"];

function integrityOf(bytes) {
  return "sha512-" + createHash("sha512").update(bytes).digest("base64");
}

/** True when build/xs/src holds the pinned sources. */
export function xsSourcesReady() {
  try {
    return readFileSync(STAMP, "utf8").trim() === XS_INTEGRITY && existsSync(join(SRC_DIR, "sources", "xsAll.h"));
  } catch {
    return false;
  }
}

function log(msg) {
  process.stderr.write(`fetch-xs: ${msg}\n`);
}

/** Makes sure build/xs/src is there; returns true on success. */
export function fetchXs({ force = false } = {}) {
  if (!force && xsSourcesReady()) return true;
  mkdirSync(PKG_DIR, { recursive: true });
  const tgz = join(PKG_DIR, XS_TARBALL);
  let bytes = existsSync(tgz) ? readFileSync(tgz) : null;
  if (!bytes || integrityOf(bytes) !== XS_INTEGRITY) {
    log(`npm pack ${XS_PACKAGE}@${XS_PACKAGE_VERSION} --pack-destination ${PKG_DIR}`);
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const r = spawnSync(npm, ["pack", `${XS_PACKAGE}@${XS_PACKAGE_VERSION}`, "--pack-destination", PKG_DIR, "--silent"], {
      stdio: ["ignore", "pipe", "inherit"],
      encoding: "utf8",
    });
    if (r.status !== 0 || !existsSync(tgz)) {
      log(`npm pack failed (status ${r.status ?? r.error})`);
      return false;
    }
    bytes = readFileSync(tgz);
  }
  const got = integrityOf(bytes);
  if (got !== XS_INTEGRITY) {
    log(`integrity mismatch for ${XS_TARBALL}:\n  expected ${XS_INTEGRITY}\n  got      ${got}`);
    rmSync(tgz, { force: true });
    return false;
  }
  // Extract only package/moddable/xs/{sources,includes,platforms} into a temporary directory, then swap it in.
  const tmp = join(ROOT, "build", "xs", "src.tmp");
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const members = PARTS.map((p) => `package/moddable/xs/${p}`);
  const r = spawnSync("tar", ["-xzf", tgz, "-C", tmp, "--strip-components=3", ...members], { stdio: "inherit" });
  if (r.status !== 0) {
    log("tar failed");
    return false;
  }
  for (const p of PARTS) {
    if (!existsSync(join(tmp, p)) || readdirSync(join(tmp, p)).length === 0) {
      log(`the tarball has no moddable/xs/${p}`);
      return false;
    }
  }
  const header = readFileSync(join(tmp, "sources", "xsCommon.h"), "utf8");
  const v = ["MAJOR", "MINOR", "PATCH"].map((k) => new RegExp(`#define XS_${k}_VERSION (\\d+)`).exec(header)?.[1]).join(".");
  if (v !== XS_VERSION) {
    log(`expected XS ${XS_VERSION}, the sources say ${v}`);
    return false;
  }
  writeFileSync(join(tmp, ".fetched"), XS_INTEGRITY + "\n");
  rmSync(SRC_DIR, { recursive: true, force: true });
  renameSync(tmp, SRC_DIR);
  log(`XS ${XS_VERSION} sources ready in ${SRC_DIR}`);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exit(fetchXs({ force: process.argv.includes("--force") }) ? 0 : 1);
}
