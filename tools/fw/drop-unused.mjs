// Unused top-level declarations dropped (issue 10: the node image's flash; tools/fw/bundle.mjs runs it on the app
// bundle, after esbuild and tools/fw/inline-consts.mjs).
//
// esbuild's tree-shaking keeps a class that extends another (`class extends Base`: evaluating the heritage may have
// effects, it cannot tell) and `Object.freeze({...})` (a call), so once the image's kind is known
// (modules/app/apps.ts createApp) the other kind's app class (SwitchApp extends MeshApp) stays, and with it the models
// only it uses (OnOffClient extends ClientModel, its request machinery). This pass removes a top-level declaration
// (a function, a class, a variable's declarator) that nothing references but itself and whose definition does
// nothing else when it runs:
//   - a function declaration;
//   - a class whose heritage is none, a top-level class defined before it, or one of the global Error, TypeError,
//     RangeError; with no static block, no static field with an initializer that could do something, no computed
//     member name (an instance field's initializer runs only at `new`, not at the definition);
//   - a variable with no initializer, or with one that is such a class, a function or arrow expression, a literal,
//     `void 0`, an array or object literal of such (members `name: value`, methods, accessors, no spread, no
//     computed name), or `Object.freeze` (the global Object's) of an array or object literal of such, or a call
//     annotated `/* @__PURE__ */` (esbuild's mark: the call has no effect) whose arguments are such or identifiers
//     (the modules' opcode and message tables: modules/models/*.ts);
// never one that is exported, nor one that something kept uses (what only removed declarations use goes too:
// a mark from what is kept, then a sweep). References are resolved by the TypeScript checker (tools/fw/bundle-ast.mjs); an identifier of the same name
// that it cannot resolve counts as a reference.
//
// Then, given the names that never cross the bundle's edge, the class methods nobody calls (unusedMethods below).
//
// dropUnused(code, { internal }) -> { code, dropped: [names], methods: [names of the methods removed] }
import ts from "typescript";
import { applyEdits, checkedSource, declarationsOf, isPropertyName, removalEdits } from "./bundle-ast.mjs";

/** Global constructors whose subclasses' definitions do nothing else (the device engine has them all). */
const PURE_BASES = new Set(["Error", "TypeError", "RangeError"]);

function isLiteralName(name) {
  return ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name);
}

function onePass(code) {
  const { sf, checker } = checkedSource(code);
  // the top-level declarations: name -> { node (declarator or declaration), symbol, start }
  const top = new Map();
  const exported = new Set();
  for (const st of sf.statements) {
    const isExport = st.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    const add = (nameNode, node) => {
      if (isExport) { exported.add(nameNode.text); return; }
      const symbol = checker.getSymbolAtLocation(nameNode);
      if (symbol && declarationsOf(symbol).length === 1) top.set(nameNode.text, { node, symbol });
      else exported.add(nameNode.text); // declared twice: left alone
    };
    if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name) add(st.name, st);
    else if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        if (ts.isIdentifier(d.name)) add(d.name, d);
        else exported.add("*"); // a destructuring declaration: its names are not tracked, nothing is dropped
      }
    } else if (ts.isExportDeclaration(st) && st.exportClause && ts.isNamedExports(st.exportClause)) {
      for (const e of st.exportClause.elements) exported.add((e.propertyName ?? e.name).text);
    } else if (ts.isExportAssignment(st) && ts.isIdentifier(st.expression)) exported.add(st.expression.text);
  }
  if (exported.has("*")) return { code, dropped: [] };

  /** Whether `e` (an expression defining a declaration at `at`) does nothing else when it runs. */
  const pure = (e, at) => {
    if (ts.isParenthesizedExpression(e)) return pure(e.expression, at);
    if (ts.isNumericLiteral(e) || ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) || ts.isBigIntLiteral(e)) return true;
    if ([ts.SyntaxKind.TrueKeyword, ts.SyntaxKind.FalseKeyword, ts.SyntaxKind.NullKeyword].includes(e.kind)) return true;
    if (ts.isPrefixUnaryExpression(e) && ts.isNumericLiteral(e.operand)) return true; // -1, !0
    if (ts.isVoidExpression(e)) return ts.isNumericLiteral(e.expression);
    if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return true;
    if (ts.isClassExpression(e) || ts.isClassDeclaration(e)) return pureClass(e, at);
    if (ts.isArrayLiteralExpression(e)) return e.elements.every((x) => !ts.isSpreadElement(x) && pure(x, at));
    if (ts.isObjectLiteralExpression(e)) {
      return e.properties.every((p) => {
        if (!p.name || !isLiteralName(p.name)) return false;
        if (ts.isPropertyAssignment(p)) return p.name.text !== "__proto__" && pure(p.initializer, at);
        return ts.isMethodDeclaration(p) || ts.isGetAccessor(p) || ts.isSetAccessor(p);
      });
    }
    if (ts.isCallExpression(e) && e.arguments.length === 1 && ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === "freeze" &&
      ts.isIdentifier(e.expression.expression) && e.expression.expression.text === "Object" && checker.getSymbolAtLocation(e.expression.expression) === undefined) {
      const a = e.arguments[0];
      return (ts.isObjectLiteralExpression(a) || ts.isArrayLiteralExpression(a)) && pure(a, at);
    }
    // a call esbuild was told has no effect (`/* @__PURE__ */ f(...)`, the modules' table builders): pure when its
    // arguments are (or name a declaration: reading it does nothing)
    if ((ts.isCallExpression(e) || ts.isNewExpression(e)) && pureAnnotated(e)) {
      return (e.arguments ?? []).every((a) => (ts.isIdentifier(a) && checker.getSymbolAtLocation(a) !== undefined) || (!ts.isSpreadElement(a) && pure(a, at)));
    }
    return false;
  };
  const pureAnnotated = (e) => /\/\*\s*[@#]__PURE__\s*\*\//.test(sf.text.slice(e.pos, e.getStart(sf))); // the comments before it
  const pureClass = (c, at) => {
    if (ts.canHaveDecorators(c) && ts.getDecorators(c)?.length) return false;
    for (const h of c.heritageClauses ?? []) {
      if (h.token !== ts.SyntaxKind.ExtendsKeyword || h.types.length !== 1) return false;
      const base = h.types[0].expression;
      if (!ts.isIdentifier(base)) return false;
      const symbol = checker.getSymbolAtLocation(base);
      if (symbol === undefined) {
        if (!PURE_BASES.has(base.text) || top.has(base.text)) return false;
      } else {
        const d = declarationsOf(symbol);
        const def = d.length === 1 ? d[0] : undefined;
        const isClass = def && (ts.isClassDeclaration(def) || (ts.isVariableDeclaration(def) && def.initializer && ts.isClassExpression(def.initializer)));
        // a top-level class, defined (not only hoisted) before this one
        if (!isClass || def.parent?.parent?.parent !== sf && def.parent !== sf || def.end > at) return false;
      }
    }
    return c.members.every((m) => {
      if (ts.isClassStaticBlockDeclaration(m)) return false;
      if (m.name && !isLiteralName(m.name)) return false;
      const isStatic = ts.canHaveModifiers(m) && m.modifiers?.some((x) => x.kind === ts.SyntaxKind.StaticKeyword);
      if (ts.isPropertyDeclaration(m) && isStatic && m.initializer) return pure(m.initializer, at);
      return true;
    });
  };

  // the references: which top-level names each declaration uses (its owner), and which the rest of the code uses
  const uses = new Map([...top.keys()].map((n) => [n, new Set()]));
  const rootUses = new Set();
  let owner = null;
  const visit = (node) => {
    if (ts.isIdentifier(node) && top.has(node.text)) {
      const t = top.get(node.text);
      const p = node.parent;
      const declaring = (ts.isVariableDeclaration(p) || ts.isFunctionDeclaration(p) || ts.isClassDeclaration(p)) && p.name === node && p === t.node;
      if (!isPropertyName(node) && !declaring) {
        const symbol = ts.isShorthandPropertyAssignment(p) && p.name === node ? checker.getShorthandAssignmentValueSymbol(p) : checker.getSymbolAtLocation(node);
        if (symbol === undefined || symbol === t.symbol) (owner === null ? rootUses : uses.get(owner)).add(node.text);
      }
    }
    ts.forEachChild(node, visit);
  };
  const ownerOf = (node) => {
    for (const [name, t] of top) if (t.node === node) return name;
    return null;
  };
  for (const st of sf.statements) {
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        owner = ownerOf(d);
        visit(d);
      }
    } else {
      owner = ownerOf(st);
      visit(st);
    }
    owner = null;
  }

  // what is live: the exported, what the rest of the code uses, every declaration that does something when it runs,
  // and what any live declaration uses; the rest goes
  const removable = (t) => {
    const n = t.node;
    return ts.isFunctionDeclaration(n) || (ts.isClassDeclaration(n) ? pureClass(n, n.getStart(sf)) : !n.initializer || pure(n.initializer, n.getStart(sf)));
  };
  const live = new Set();
  const work = [...rootUses, ...[...exported].filter((n) => top.has(n)), ...[...top].filter(([, t]) => !removable(t)).map(([n]) => n)];
  while (work.length) {
    const n = work.pop();
    if (live.has(n)) continue;
    live.add(n);
    work.push(...uses.get(n));
  }
  const removed = new Set();
  const dropped = [];
  for (const [name, t] of top) {
    if (live.has(name)) continue;
    removed.add(t.node);
    dropped.push(name);
  }
  if (!removed.size) return { code, dropped };
  return { code: applyEdits(code, removalEdits(sf, removed)), dropped };
}

/**
 * The methods nobody calls: a class's method or accessor (static or not) whose name is one of `internal` (names that
 * never cross the bundle's edge: the mangled ones, tools/fw/mangle-props.mjs) and that no other place of the code
 * names as a property (o.x, { x }, { x: v }, { x } = o, another class's x). A prototype's methods are reached by name
 * only (not copied by spread or assignment, not enumerable), so such a method can never run. Repeats until nothing
 * changes (a removed method may have been the only caller of another).
 */
function unusedMethods(code, internal) {
  const names = [];
  for (;;) {
    const sf = ts.createSourceFile("/bundle.js", code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
    const defs = new Map(); // name -> [method nodes]
    const used = new Set();
    const visit = (node) => {
      if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) {
        const p = node.parent;
        if ((ts.isMethodDeclaration(p) || ts.isGetAccessor(p) || ts.isSetAccessor(p)) && p.name === node && ts.isClassLike(p.parent)) {
          if (!defs.has(node.text)) defs.set(node.text, []);
          defs.get(node.text).push(p);
        } else if (isPropertyName(node) || (ts.isShorthandPropertyAssignment(p) && p.name === node) ||
          (ts.isBindingElement(p) && !p.propertyName && p.name === node && ts.isObjectBindingPattern(p.parent))) used.add(node.text);
      } else if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) used.add(node.text);
      ts.forEachChild(node, visit);
    };
    visit(sf);
    const removed = [...defs].filter(([name]) => internal.has(name) && !used.has(name));
    if (!removed.length) return { code, names };
    names.push(...removed.map(([name]) => name));
    code = applyEdits(code, removed.flatMap(([, nodes]) => nodes.map((n) => [n.getStart(sf), n.end, ""])));
  }
}

/**
 * The pass: the methods nobody calls (when `internal` names the bundle's own property names), then a mark and sweep
 * over the top-level declarations (cycles of unused ones go too).
 */
export function dropUnused(code, { internal = new Set() } = {}) {
  const methods = unusedMethods(code, internal);
  return { ...onePass(methods.code), methods: methods.names };
}
