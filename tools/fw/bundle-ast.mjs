// What the app bundle's passes after esbuild share (tools/fw/inline-consts.mjs, tools/fw/drop-unused.mjs): the
// bundle parsed and bound by the TypeScript checker (its scopes: the bundle's minified names are reused in inner
// scopes), and text edits applied to it, with a top-level declarator's removal.
import ts from "typescript";

/** The bundle's text parsed as an ES module: { sf, checker }. */
export function checkedSource(code) {
  const fileName = "/bundle.js";
  const sf = ts.createSourceFile(fileName, code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const options = { allowJs: true, noLib: true, noResolve: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, types: [] };
  const host = {
    getSourceFile: (f) => (f === fileName ? sf : undefined),
    writeFile: () => {},
    getDefaultLibFileName: () => "/lib.d.ts",
    useCaseSensitiveFileNames: () => true,
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => "/",
    getNewLine: () => "\n",
    fileExists: (f) => f === fileName,
    readFile: (f) => (f === fileName ? code : undefined),
    directoryExists: () => true,
    getDirectories: () => [],
  };
  return { sf, checker: ts.createProgram([fileName], options, host).getTypeChecker() };
}

/** Whether an identifier names a property, a label or a meta property (`o.x`, `{ x: v }`, `x() {}`, `{ x: y } = o`) rather than a binding. */
export function isPropertyName(node) {
  const p = node.parent;
  return ((ts.isPropertyAccessExpression(p) || ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p) || ts.isPropertyDeclaration(p) ||
    ts.isGetAccessor(p) || ts.isSetAccessor(p) || ts.isPropertySignature(p)) && p.name === node) ||
    (ts.isBindingElement(p) && p.propertyName === node) || ts.isLabeledStatement(p) || ts.isBreakOrContinueStatement(p) || ts.isMetaProperty(p);
}

/** A symbol's declarations proper (in JavaScript the checker also counts `X.A = v` among X's: an expando). */
export function declarationsOf(symbol) {
  return (symbol?.declarations ?? []).filter((d) => ts.isVariableDeclaration(d) || ts.isFunctionDeclaration(d) || ts.isClassDeclaration(d) ||
    ts.isParameter(d) || ts.isImportClause(d) || ts.isImportSpecifier(d) || ts.isNamespaceImport(d));
}

/**
 * The edits that remove `removed` (a Set of nodes: top-level variable declarators, function or class declarations)
 * from the statements of `sf` holding them: a statement left with no declarator goes whole.
 */
export function removalEdits(sf, removed) {
  const edits = [];
  for (const st of sf.statements) {
    if (removed.has(st)) { edits.push([st.getStart(sf), st.end, ""]); continue; }
    if (!ts.isVariableStatement(st)) continue;
    const decls = st.declarationList.declarations;
    if (!decls.some((d) => removed.has(d))) continue;
    const keep = decls.filter((d) => !removed.has(d));
    if (!keep.length) { edits.push([st.getStart(sf), st.end, ""]); continue; }
    // a declarator's text runs to the next one's start; after the last one kept, from that one's end
    const lastKept = decls.indexOf(keep[keep.length - 1]);
    decls.forEach((d, i) => {
      if (!removed.has(d)) return;
      if (i < lastKept) edits.push([d.getStart(sf), decls[i + 1].getStart(sf), ""]);
      else edits.push([decls[lastKept].end, d.end, ""]);
    });
  }
  return edits;
}

/** `code` with edits [start, end, text] applied (removals may overlap: they merge; a replacement may not). */
export function applyEdits(code, edits) {
  edits = [...edits].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged = [];
  for (const e of edits) {
    const last = merged[merged.length - 1];
    if (last && e[0] < last[1]) {
      if (e[2] || last[2]) throw new Error("bundle passes: overlapping edits");
      last[1] = Math.max(last[1], e[1]);
    } else merged.push([...e]);
  }
  let out = "";
  let at = 0;
  for (const [s, e, t] of merged) {
    out += code.slice(at, s) + t;
    at = e;
  }
  return out + code.slice(at);
}
