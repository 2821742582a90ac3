// Reads manifest.json (the XS build's manifest, see docs/xs.md) for one platform: module names and
// sources, natives, preload, creation, defines. Checks that nothing is listed twice.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
// "<target>-preload": the device with its machine preloaded (tools/nrf52/build.mjs --preload)
export const PLATFORMS = ["host", "nrf52", "mps2", "nrf52-preload", "mps2-preload", "nrf52-node", "mps2-node", "nrf52-provisioner", "mps2-provisioner", "nrf52-modem", "mps2-modem"];

/** XS's creation fields (txCreation, xsAll.h), in the struct's order. */
export const CREATION_FIELDS = [
  "initialChunkSize",
  "incrementalChunkSize",
  "initialHeapCount",
  "incrementalHeapCount",
  "stackCount",
  "initialKeyCount",
  "incrementalKeyCount",
  "nameModulo",
  "symbolModulo",
  "parserBufferSize",
  "parserTableModulo",
  "staticSize",
];

export class ManifestError extends Error {}

function toPosix(p) {
  return p.split(sep).join("/");
}

/** Minimal glob: `*` within a segment, `**` for any number of directories. Returns sorted posix paths. */
export function glob(pattern, root = ROOT) {
  const segs = pattern.split("/");
  let source = "";
  segs.forEach((seg, i) => {
    if (seg === "**") source += "(?:[^/]+/)*";
    else source += seg.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*") + (i === segs.length - 1 ? "" : "/");
  });
  const re = new RegExp("^" + source + "$");
  const base = pattern.split("/").findIndex((s) => s.includes("*"));
  const start = base < 0 ? pattern : pattern.split("/").slice(0, base).join("/");
  const out = [];
  const walk = (dir) => {
    let names;
    try {
      names = readdirSync(join(root, dir));
    } catch {
      return;
    }
    for (const name of names) {
      if (name === "node_modules" || name === "build" || name.startsWith(".")) continue;
      const rel = dir ? `${dir}/${name}` : name;
      const st = statSync(join(root, rel));
      if (st.isDirectory()) walk(rel);
      else if (re.test(rel)) out.push(rel);
    }
  };
  if (base < 0) return existsSync(join(root, pattern)) ? [pattern] : [];
  walk(start);
  return out.sort();
}

function moduleNameOf(source) {
  return source.replace(/\.(d\.ts|ts|mts|js|mjs)$/, "");
}

function checkNumber(where, key, value) {
  if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) throw new ManifestError(`${where}.${key} must be a non-negative integer`);
}

/**
 * The manifest for `platform`:
 *   modules: [{ name, source, kind: "ts" | "js" }] sorted by name
 *   natives: [path] (C sources), preload: [name], creation: {field: n}, defines: {NAME: value},
 *   engineDefines: ["mxRun=1", ...]
 */
export function loadManifest(platform = "host", { root = ROOT, file = "manifest.json" } = {}) {
  if (!PLATFORMS.includes(platform)) throw new ManifestError(`unknown platform ${platform} (one of ${PLATFORMS.join(", ")})`);
  const path = join(root, file);
  const m = JSON.parse(readFileSync(path, "utf8"));
  const p = (m.platforms ?? {})[platform] ?? {};

  // modules: name -> source; "*" globs name files after their paths
  const modules = new Map();
  const sources = new Map();
  const add = (name, source, where) => {
    if (modules.has(name)) throw new ManifestError(`module "${name}" is listed twice (${where}; first from ${modules.get(name).source})`);
    if (sources.has(source)) throw new ManifestError(`source ${source} is listed twice (${where})`);
    if (!existsSync(join(root, source))) throw new ManifestError(`module "${name}": no file ${source}`);
    const kind = /\.m?ts$/.test(source) ? "ts" : /\.m?js$/.test(source) ? "js" : null;
    if (!kind) throw new ManifestError(`module "${name}": ${source} is neither .ts nor .js`);
    modules.set(name, { name, source, kind });
    sources.set(source, name);
  };
  for (const section of [m.modules ?? {}, p.modules ?? {}]) {
    for (const [key, value] of Object.entries(section)) {
      if (key === "//") continue;
      if (key === "*") {
        for (const pattern of Array.isArray(value) ? value : [value]) {
          for (const source of glob(pattern, root)) {
            if (source.endsWith(".d.ts")) continue;
            add(moduleNameOf(source), source, `"*": ${pattern}`);
          }
        }
      } else {
        if (typeof value !== "string") throw new ManifestError(`module "${key}": the source must be a string`);
        add(key, value, `"${key}"`);
      }
    }
  }

  const natives = [];
  for (const list of [m.natives ?? [], p.natives ?? []]) {
    for (const pattern of list) {
      const files = pattern.includes("*") ? glob(pattern, root) : [pattern];
      for (const f of files) {
        if (!existsSync(join(root, f))) throw new ManifestError(`native ${f} does not exist`);
        if (natives.includes(f)) throw new ManifestError(`native ${f} is listed twice`);
        natives.push(f);
      }
    }
  }

  const preload = [...(m.preload ?? []), ...(p.preload ?? [])];
  for (const [i, name] of preload.entries()) {
    if (preload.indexOf(name) !== i) throw new ManifestError(`preload "${name}" is listed twice`);
    if (!modules.has(name)) throw new ManifestError(`preload "${name}" is not a module of the manifest`);
  }

  const creation = {};
  for (const [where, c] of [["creation", m.creation ?? {}], [`platforms.${platform}.creation`, p.creation ?? {}]]) {
    for (const [k, v] of Object.entries(c)) {
      if (k === "//") continue;
      if (!CREATION_FIELDS.includes(k)) throw new ManifestError(`${where}.${k} is not an XS creation field (${CREATION_FIELDS.join(", ")})`);
      checkNumber(where, k, v);
      creation[k] = v;
    }
  }
  for (const k of CREATION_FIELDS) if (!(k in creation)) throw new ManifestError(`creation.${k} is missing`);

  const defines = { ...(m.defines ?? {}), ...(p.defines ?? {}) };
  for (const [k, v] of Object.entries(defines)) {
    if (!/^[A-Z_][A-Z0-9_]*$/.test(k)) throw new ManifestError(`define ${k}: names are upper case C identifiers`);
    if (!["string", "number", "boolean"].includes(typeof v)) throw new ManifestError(`define ${k}: a string, number or boolean`);
  }
  const engineDefines = [...(m.engine?.defines ?? []), ...(p.engine?.defines ?? [])];

  // variants: name -> defines applied over "defines" (build-app.mjs --variant NAME)
  const variants = {};
  for (const [name, v] of Object.entries(m.variants ?? {})) {
    if (name === "//") continue;
    if (!v || typeof v !== "object" || Array.isArray(v)) throw new ManifestError(`variant ${name}: an object of defines`);
    for (const [k, value] of Object.entries(v)) {
      if (!(k in defines)) throw new ManifestError(`variant ${name}: ${k} is not one of the manifest's defines`);
      if (!["string", "number", "boolean"].includes(typeof value)) throw new ManifestError(`variant ${name}: ${k} must be a string, number or boolean`);
    }
    variants[name] = { ...v };
  }

  return {
    platform,
    modules: [...modules.values()].sort((a, b) => (a.name < b.name ? -1 : 1)),
    natives,
    preload,
    creation,
    defines,
    variants,
    engineDefines,
  };
}

/** Host-function names (`@ "xs_name"`) that a JavaScript source declares. */
export function hostNamesOf(text) {
  const names = [];
  for (const match of text.matchAll(/\)\s*@\s*"([A-Za-z_][A-Za-z0-9_]*)"/g)) names.push(match[1]);
  return names;
}

/** All host-function names the manifest's JavaScript modules declare, sorted, each once. */
export function manifestHostNames(manifest, root = ROOT) {
  const seen = new Map();
  for (const mod of manifest.modules) {
    if (mod.kind !== "js") continue;
    for (const name of hostNamesOf(readFileSync(join(root, mod.source), "utf8"))) {
      if (seen.has(name) && seen.get(name) !== mod.name) {
        throw new ManifestError(`host function ${name} is declared by both ${seen.get(name)} and ${mod.name}`);
      }
      seen.set(name, mod.name);
    }
  }
  return [...seen.keys()].sort();
}

export { toPosix, relative };
