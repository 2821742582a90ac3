// A fresh `npm install` is clean: every installed package with an install script (preinstall, install,
// postinstall) has an allowScripts decision in package.json, so npm has nothing to warn about (issue 8,
// defect 8). esbuild's is denied: tsx uses esbuild's platform binary package, which needs no script.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

function installedPackages(dir: string): { name: string; version: string; scripts: Record<string, string> }[] {
  const out: { name: string; version: string; scripts: Record<string, string> }[] = [];
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir)) {
    if (entry.startsWith(".")) continue;
    const path = join(dir, entry);
    if (entry.startsWith("@")) {
      out.push(...installedPackages(path));
      continue;
    }
    const manifest = join(path, "package.json");
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, "utf8"));
      out.push({ name: pkg.name, version: pkg.version, scripts: pkg.scripts ?? {} });
      out.push(...installedPackages(join(path, "node_modules")));
    }
  }
  return out;
}

test("every installed package with an install script has an allowScripts decision in package.json", () => {
  const allow: Record<string, boolean> = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).allowScripts ?? {};
  const decided = (name: string, version: string) =>
    Object.keys(allow).some((k) => k === name || k === `${name}@${version}`);
  const packages = installedPackages(join(root, "node_modules"));
  assert.ok(packages.some((p) => p.name === "esbuild"), "esbuild (tsx's) is installed");
  const withScripts = packages.filter((p) => ["preinstall", "install", "postinstall"].some((s) => s in p.scripts));
  assert.ok(withScripts.length > 0);
  for (const p of withScripts) assert.ok(decided(p.name, p.version), `${p.name}@${p.version} has an install script and no allowScripts entry`);
  assert.equal(allow.esbuild, false);
});
