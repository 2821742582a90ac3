// Property names mangled (issue 10: the node image's flash; tools/fw/bundle.mjs): each property name the app bundle
// uses only inside itself becomes a short one (esbuild's mangleProps), so its key's string in flash is shorter.
// A name that crosses the bundle's edge keeps its spelling; the reserve list is derived, never written by hand:
//   - every key the engine has (its built-ins' names: length, push, message, then, prototype, ...; xsinfo's ids);
//   - every identifier-like token in the bundle's string and template literals (names the code builds or looks up
//     from text: the codecs' field names from their text tables, `"x" in o`, o["x"], defineProperty);
//   - every identifier-like token of the image's other modules (the natives' JavaScript faces, the entry, the
//     generated config: the Platform and DeviceConfig they build, the events and fields they read);
//   - every identifier-like token in the natives' C string literals (xsID("rssi"), ...: objects made or read in C).
// Quoted names (o["x"]) are never mangled (esbuild's default).
import ts from "typescript";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const TOKEN = /[A-Za-z_$][\w$]*/g;

/** The identifier-like tokens of the string and template literals of JavaScript `code`. */
export function stringTokens(code) {
  const out = new Set();
  const scanner = ts.createScanner(ts.ScriptTarget.ES2022, false, ts.LanguageVariant.Standard, code);
  // a template's parts after a substitution: the scanner is told when a `}` closes one
  const depth = [];
  for (let t = scanner.scan(); t !== ts.SyntaxKind.EndOfFileToken; t = scanner.scan()) {
    if (t === ts.SyntaxKind.OpenBraceToken) depth.push("{");
    else if (t === ts.SyntaxKind.TemplateHead) depth.push("`");
    else if (t === ts.SyntaxKind.CloseBraceToken) {
      if (depth.pop() === "`") {
        t = scanner.reScanTemplateToken(false);
        if (t === ts.SyntaxKind.TemplateMiddle) depth.push("`");
      }
    }
    if (t === ts.SyntaxKind.StringLiteral || t === ts.SyntaxKind.NoSubstitutionTemplateLiteral || t === ts.SyntaxKind.TemplateHead ||
      t === ts.SyntaxKind.TemplateMiddle || t === ts.SyntaxKind.TemplateTail) {
      for (const m of scanner.getTokenValue().matchAll(TOKEN)) out.add(m[0]);
    }
  }
  return out;
}

/** Every identifier-like token of a text (a module's source, comments included: more is reserved, never less). */
export function textTokens(text) {
  return new Set(text.match(TOKEN) ?? []);
}

/** The identifier-like tokens of the C string literals under `dir` (*.c, *.h, recursively). */
export function cStringTokens(dir) {
  const out = new Set();
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !/\.[ch]$/.test(e.name)) continue;
    const text = readFileSync(join(e.parentPath ?? e.path, e.name), "utf8");
    for (const s of text.matchAll(/"((?:[^"\\\n]|\\.)*)"/g)) for (const m of s[1].matchAll(TOKEN)) out.add(m[0]);
  }
  return out;
}

/**
 * The esbuild options that mangle every property name but the reserved ones ({ mangleProps, mangleCache }), and the
 * reserve list's size. reserved: an iterable of names. Each reserved name is in the cache as `false` (not mangled),
 * which also keeps esbuild from giving a mangled name a reserved one's spelling (no own `at`, `is` or `E` that a
 * built-in of that name could be taken for).
 */
export function mangleOptions(reserved) {
  const names = [...new Set(reserved)].sort();
  return { mangleProps: /^[A-Za-z_$][\w$]*$/, mangleCache: Object.fromEntries(names.map((n) => [n, false])), reserved: names.length };
}
