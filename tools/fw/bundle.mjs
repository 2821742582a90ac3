// The app of a firmware image as one module (issue 10: the node image's flash). The image's module graph (the
// entry's and its `preload` modules', tools/fw/xs-image.mjs) is split in two:
//
//   - the app: the portable modules (modules/**, main; TypeScript compiled by tsc), bundled by esbuild into ONE
//     module, APP_MODULE, with tree-shaking (what nothing uses goes: the client halves of the models, the roles
//     the image has not, unused exports) and identifier minification (local and module-level names; never property
//     names): one module record instead of dozens, no import/export bindings between them, fewer keys;
//   - the rest, kept as modules of their own: the natives' JavaScript faces (native/xs/js/*.js, in XS host-function
//     syntax that esbuild cannot read), the entry and the generated config. Their imports of app modules are
//     rewritten to import the bundle's exports (copies in <appDir>/.bundle/, compiled in their place).
//
// The bundle's entry re-exports exactly what the kept modules import, each as `m<i>_<name>` (i: the app module's
// index in the image's sorted list): nothing else is exported, so everything else may be shaken. The host runtime
// (build/xs/app) is not bundled.
//
// bundleApp({ graph, preload, appDir }) -> { graph, preload, bundle } (see below).
import { buildSync } from "esbuild";
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { ROOT } from "../xs/manifest.mjs";
import { CONFIG_MODULE, compileModule } from "../xs/build-app.mjs";
import { writeIfChanged } from "../xs/files.mjs";
import { inlineConsts } from "./inline-consts.mjs";
import { dropUnused } from "./drop-unused.mjs";
import { dropLogs } from "./drop-logs.mjs";
import { cStringTokens, mangleOptions, stringTokens, textTokens } from "./mangle-props.mjs";
import { engineInfo, parseXsb } from "./prelink.mjs";

/** The bundled app's module name (a path from the repository root, as every module's). */
export const APP_MODULE = "app/bundle";

/** Whether a module of the graph belongs to the app bundle: the portable TypeScript modules. */
export function bundled(name) {
  return name === "main" || name.startsWith("modules/");
}

// import/export ... from "spec" statements (the clause may span lines); side-effect-only imports have no clause
const STATEMENT = /(^|[;\n])(\s*)(import|export)(\s+[^'";]*?\s*from\s*|\s*)(["'])([^"']+)\5\s*;?/g;

/** The bindings of an import/export clause: [{ imported, local }] ("*" for a namespace), or null when none. */
function clauseBindings(kind, clause, where) {
  const text = clause.replace(/\sfrom\s*$/, "").trim();
  if (!text) return [];
  const out = [];
  let rest = text;
  if (kind === "export") {
    if (rest === "*") throw new Error(`${where}: "export * from" an app module cannot be bundled (name what it re-exports)`);
    const ns = /^\*\s+as\s+([\w$]+)$/.exec(rest);
    if (ns) return [{ imported: "*", local: ns[1] }];
  } else {
    const ns = /^(?:([\w$]+)\s*,\s*)?\*\s+as\s+([\w$]+)$/.exec(rest);
    if (ns) return [...(ns[1] ? [{ imported: "default", local: ns[1] }] : []), { imported: "*", local: ns[2] }];
    const def = /^([\w$]+)\s*(?:,\s*(\{[\s\S]*\}))?$/.exec(rest);
    if (def) {
      out.push({ imported: "default", local: def[1] });
      if (!def[2]) return out;
      rest = def[2];
    }
  }
  const braces = /^\{([\s\S]*)\}$/.exec(rest.trim());
  if (!braces) throw new Error(`${where}: cannot read the clause "${text}"`);
  for (const part of braces[1].split(",").map((p) => p.trim()).filter(Boolean)) {
    const m = /^([\w$]+)(?:\s+as\s+([\w$]+))?$/.exec(part);
    if (!m) throw new Error(`${where}: cannot read "${part}"`);
    out.push({ imported: m[1], local: m[2] ?? m[1] });
  }
  return out;
}

/** The kinds an image may be built for (modules/app/apps.ts AppKind). */
export const APP_KINDS = ["light", "switch"];

/**
 * The kind of device an image is (DEVICE_KIND of its generated config, native/xs/js/config: the manifest's variant's,
 * which the image's entry passes to the app), or null when it has none of APP_KINDS (a modem, a provisioner) or no
 * config: then the bundle keeps both kinds.
 */
export function imageKind(graph) {
  const config = graph.find((m) => m.name === CONFIG_MODULE);
  if (!config) return null;
  // tools/fw/xs-image.mjs configSource: one `  NAME: <JSON>,` line per define
  const line = /^\s*DEVICE_KIND: (".*"),$/m.exec(readFileSync(config.js, "utf8"));
  const kind = line ? JSON.parse(line[1]) : null;
  return APP_KINDS.includes(kind) ? kind : null;
}

/**
 * The log level an image is built at: LOG_LEVEL of its generated config (native/xs/js/device-main.js makes its
 * logger at it, "warn" when it has none), or null when the graph has no config (then no log call is dropped).
 */
export function imageLogLevel(graph) {
  const config = graph.find((m) => m.name === CONFIG_MODULE);
  if (!config) return null;
  const line = /^\s*LOG_LEVEL: (".*"),$/m.exec(readFileSync(config.js, "utf8"));
  return line ? JSON.parse(line[1]) : "warn";
}

/** The bytecode bytes of a module's JavaScript (the host's xsbc, tools/xs/build-host.mjs; null when it is not built). */
function bytecodeBytes(js, name) {
  const xsbc = join(ROOT, "build", "xs", "host", "xsbc");
  if (!existsSync(xsbc)) return null;
  const xsb = js.replace(/\.js$/, ".xsb");
  compileModule(xsbc, js, xsb, name);
  return parseXsb(new Uint8Array(readFileSync(xsb)), xsb).code.length;
}

/**
 * graph: [{ name, js }] (the image's modules, tools/fw/xs-image.mjs); preload: the manifest's preload list;
 * resolve(referrer, specifier) -> module name; appDir: the image's build directory.
 * Returns { graph, preload, bundle: { name, modules, inputs } }: the graph with the app modules replaced by
 * APP_MODULE (the kept modules' sources rewritten), the preload list likewise (the bundle where its first app module
 * was), and what went into the bundle (modules: the app modules of the graph, sorted; inputs: those esbuild kept
 * code of, with their bytes in the bundle's output).
 */
export function bundleApp({ graph, preload, resolve, appDir }) {
  const app = graph.filter((m) => bundled(m.name)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (!app.length) return { graph, preload, bundle: null };
  const index = new Map(app.map((m, i) => [m.name, i]));
  const exportsWanted = new Map(); // "m<i>_<name>" -> [app module, imported name]
  const alias = (moduleName, imported) => {
    const id = `m${index.get(moduleName)}_${imported === "*" ? "ns" : imported}`;
    exportsWanted.set(id, [moduleName, imported]);
    return id;
  };
  const dir = join(appDir, ".bundle");
  const kept = [];
  for (const m of graph) {
    if (bundled(m.name)) continue;
    const text = readFileSync(m.js, "utf8");
    let changed = false;
    const rewritten = text.replace(STATEMENT, (all, lead, space, kind, clause, _q, spec) => {
      const target = resolve(m.name, spec);
      if (!index.has(target)) return all;
      const where = `module "${m.name}" (${kind} from "${spec}")`;
      const bindings = clauseBindings(kind, clause, where);
      changed = true;
      if (!bindings.length) return `${lead}${space}import "${APP_MODULE}";`;
      const list = bindings.map((b) => `${alias(target, b.imported)} as ${b.local}`).join(", ");
      return `${lead}${space}${kind} { ${list} } from "${APP_MODULE}";`;
    });
    if (!changed) {
      kept.push(m);
      continue;
    }
    const js = join(dir, m.name + ".js");
    writeIfChanged(js, rewritten);
    kept.push({ name: m.name, js });
  }
  // the entry: the kept modules' imports, and every preloaded app module's body (its side effects, if any)
  const lines = ["// Generated by tools/fw/bundle.mjs: what the image's other modules import from its app. Do not edit."];
  const spec = (name) => JSON.stringify("./" + relative(dir, app[index.get(name)].js).replace(/\\/g, "/"));
  for (const [id, [name, imported]] of exportsWanted) {
    lines.push(imported === "*" ? `export * as ${id} from ${spec(name)};` : `export { ${imported} as ${id} } from ${spec(name)};`);
  }
  for (const name of preload.filter((n) => index.has(n))) lines.push(`import ${spec(name)};`);
  const entry = join(dir, "entry.js");
  writeIfChanged(entry, lines.join("\n") + "\n");
  const kind = imageKind(graph);
  const esbuild = (more) => {
    const r = buildSync({
      entryPoints: [entry], bundle: true, format: "esm", target: "es2022", platform: "neutral", write: false,
      treeShaking: true, minifyIdentifiers: true, minifySyntax: true, metafile: true, logLevel: "silent",
      // the image's kind (modules/app/apps.ts createApp): the other kind's models are left out
      ...(kind ? { define: { MESH_APP_KIND: JSON.stringify(kind) } } : {}),
      // the app's modules never import the natives' faces (modules/ is portable): nothing is external
      ...more,
    });
    if (r.errors.length) throw new Error(`bundling the app failed: ${r.errors.map((e) => e.text).join("; ")}`);
    return r;
  };
  // the log calls the image's logger would not print (tools/fw/drop-logs.mjs), dropped before the property names
  // are mangled: their messages' words reserve no name
  const level = imageLogLevel(graph);
  const logsOut = (code) => (level ? dropLogs(code, { level }) : { code, dropped: [], folded: 0, kept: [] });
  // property names mangled (tools/fw/mangle-props.mjs) but those that cross the bundle's edge: the engine's keys,
  // the names in the bundle's strings (as bundled without mangling), the other modules' names, the natives' C names
  const plain = esbuild({});
  const keptTokens = [...engineInfo().ids, ...kept.flatMap((m) => [...textTokens(readFileSync(m.js, "utf8"))]), ...cStringTokens(join(ROOT, "native"))];
  /** The passes after esbuild, from the plain bundle's text: mangled, log calls dropped (or not), constants inlined, unused declarations dropped. */
  const passes = (withLogs) => {
    const { reserved, ...mangle } = mangleOptions([...keptTokens, ...stringTokens(withLogs ? plain.outputFiles[0].text : logsOut(plain.outputFiles[0].text).code)]);
    const r = esbuild(mangle);
    const logs = withLogs ? { code: r.outputFiles[0].text, dropped: [], folded: 0, kept: [] } : logsOut(r.outputFiles[0].text);
    // constant objects inlined (tools/fw/inline-consts.mjs): `X.Name` by its literal, X's declaration dropped
    const consts = inlineConsts(logs.code, { scalars: true });
    // then what esbuild keeps of what nothing uses (tools/fw/drop-unused.mjs): subclasses, frozen objects
    // (and the methods nobody calls, by their mangled names: no name of them crosses the bundle's edge)
    const unused = dropUnused(consts.code, { internal: new Set(Object.values(r.mangleCache).filter((v) => v !== false)) });
    return { r, reserved, logs, consts, unused };
  };
  const { r, reserved, logs, consts, unused } = passes(false);
  const header = "// Generated by tools/fw/bundle.mjs (esbuild: the image's app modules, tree-shaken, identifiers minified; log calls below the image's level dropped; constant objects inlined; unused declarations dropped). Do not edit.\n";
  const out = join(appDir, ".bundle", APP_MODULE + ".js");
  writeIfChanged(out, header + unused.code);
  // what dropping the log calls saved: the same passes without it (JavaScript and bytecode bytes)
  let logsReport = { level, dropped: logs.dropped.length, folded: logs.folded, kept: logs.kept.map((k) => `line ${k.line}: ${k.why}`) };
  if (level && logs.dropped.length + logs.folded) {
    const without = passes(true);
    const outWith = join(appDir, ".bundle", "app", "bundle-with-logs.js");
    writeIfChanged(outWith, header + without.unused.code);
    const [a, b] = [bytecodeBytes(outWith, APP_MODULE), bytecodeBytes(out, APP_MODULE)];
    logsReport = {
      ...logsReport, javascriptBytes: without.unused.code.length - unused.code.length,
      bytecodeBytes: a === null || b === null ? null : a - b, declarationsDropped: unused.dropped.length - without.unused.dropped.length,
      methodsDropped: unused.methods.length - without.unused.methods.length,
    };
  }
  // the property names' map (original -> mangled; false: reserved), for reading the device's messages
  writeIfChanged(join(appDir, ".bundle", "mangle.json"), JSON.stringify(r.mangleCache, null, 1) + "\n");
  const outputs = Object.values(r.metafile.outputs)[0];
  const inputs = Object.fromEntries(Object.entries(outputs.inputs)
    .map(([path, v]) => [relative(ROOT, join(process.cwd(), path)), v.bytesInOutput])
    .filter(([, n]) => n > 0));
  const newPreload = [];
  for (const n of preload) {
    if (!index.has(n)) newPreload.push(n);
    else if (!newPreload.includes(APP_MODULE)) newPreload.push(APP_MODULE);
  }
  return {
    graph: [...kept, { name: APP_MODULE, js: out }],
    preload: newPreload,
    bundle: {
      name: APP_MODULE, modules: app.map((m) => m.name), inputs, exports: exportsWanted.size, kind,
      constants: {
        inlined: consts.inlined.length, members: consts.inlined.reduce((a, c) => a + c.members, 0), uses: consts.inlined.reduce((a, c) => a + c.uses, 0),
        refused: consts.refused.map((c) => `${c.name}: ${c.reason}`),
        scalars: consts.scalars.length,
      },
      dropped: unused.dropped.length, methodsDropped: unused.methods.length,
      logs: logsReport,
      properties: { mangled: Object.values(r.mangleCache ?? {}).filter((v) => v !== false).length, reserved },
    },
  };
}
