// Constant objects inlined (issue 10: the node image's flash; tools/fw/bundle.mjs runs it on the app bundle).
//
// The app is full of `export const X = { Name: 0x8040, ... } as const` objects (opcodes, fault names, PDU types,
// status codes, phases). On the preloaded heap each costs an object, a property slot per member and a key per member
// name (a 16-byte slot and its string), and each use `X.Name` costs two lookups in the bytecode. This pass replaces
// `X.Name` by its literal value wherever
//   - X is declared once, at the module's top level (var, let or const, not `export`ed in place), by an object literal
//     (or `Object.freeze` of one, the global Object's) whose members are all plain `name: literal` (number, string, boolean; no spread, method, accessor, computed
//     name or __proto__), and
//   - X is never used otherwise: every reference is `X.Name` or `X["Name"]` for one of its own members, read only
//     (not assigned, updated, deleted, called, nor a destructuring or for-in/of target), and none is in top-level
//     code that runs before X's declaration;
// then drops X's declaration. An X used otherwise (passed around, exported, computed access, a name it has not, a
// write) is left as it is, with the reason, in the result's `refused`. Values that are themselves such members
// (`{ A: Y.B }`) are inlined once Y's are: the pass repeats until nothing changes.
//
// Scopes are the TypeScript checker's (the bundle's minified names are reused in inner scopes): a reference is X's
// when the checker resolves it to X's symbol; an identifier named X that it cannot resolve refuses X.
//
// inlineConsts(code, { strings = true }) -> { code, inlined: [{ name, members, uses }], refused: [{ name, reason }] }
// (strings: false also refuses objects with a string member, for measuring what inlining strings costs.)
import ts from "typescript";
import { applyEdits, checkedSource, declarationsOf, isPropertyName, removalEdits } from "./bundle-ast.mjs";
import { inlineScalars } from "./inline-scalars.mjs";

const MAX_PASSES = 8;

/** The literal value of an object member's initializer, as { text, kind }, or null when it is not a literal. */
function literalOf(node, sf) {
  if (ts.isNumericLiteral(node)) return { text: String(Number(node.text)), kind: "number" };
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return { text: JSON.stringify(node.text), kind: "string" };
  if (node.kind === ts.SyntaxKind.TrueKeyword) return { text: "true", kind: "boolean" };
  if (node.kind === ts.SyntaxKind.FalseKeyword) return { text: "false", kind: "boolean" };
  if (ts.isPrefixUnaryExpression(node) && ts.isNumericLiteral(node.operand)) {
    const n = Number(node.operand.text);
    // esbuild's minified booleans: !0, !1
    if (node.operator === ts.SyntaxKind.ExclamationToken) return { text: String(!n), kind: "boolean" };
    if (node.operator === ts.SyntaxKind.MinusToken) return { text: n === 0 ? "-0" : String(-n), kind: "number" };
  }
  if (ts.isParenthesizedExpression(node)) return literalOf(node.expression, sf);
  return null;
}

/** A property name's key as a string, or null (computed). */
function keyOf(name) {
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isStringLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  if (ts.isNumericLiteral(name)) return String(Number(name.text));
  return null;
}

/** The candidate's members (Map key -> literal), or a reason it is none. */
function membersOf(object, sf, strings) {
  const members = new Map();
  for (const p of object.properties) {
    if (!ts.isPropertyAssignment(p)) return { reason: `a member that is not "name: value" (${ts.SyntaxKind[p.kind]})` };
    const key = keyOf(p.name);
    if (key === null) return { reason: "a computed member name" };
    if (key === "__proto__") return { reason: "a __proto__ member" };
    const value = literalOf(p.initializer, sf);
    if (!value) return { reason: `member ${key} is not a literal` };
    if (value.kind === "string" && !strings) return { reason: `member ${key} is a string` };
    members.set(key, value);
  }
  return { members };
}

/** The object literal of an initializer `{ ... }` or `Object.freeze({ ... })` (the global Object's), else null. */
function objectOf(init, checker) {
  if (ts.isObjectLiteralExpression(init)) return init;
  if (ts.isCallExpression(init) && init.arguments.length === 1 && ts.isObjectLiteralExpression(init.arguments[0]) &&
    ts.isPropertyAccessExpression(init.expression) && init.expression.name.text === "freeze" &&
    ts.isIdentifier(init.expression.expression) && init.expression.expression.text === "Object" &&
    checker.getSymbolAtLocation(init.expression.expression) === undefined) return init.arguments[0];
  return null;
}

function isFunctionLike(node) {
  return ts.isFunctionLike(node) || ts.isClassStaticBlockDeclaration(node);
}

/** Whether `node` (a member access) is written, deleted, called or destructured into rather than read. */
function misuse(access) {
  const p = access.parent;
  if (ts.isBinaryExpression(p) && p.left === access && p.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && p.operatorToken.kind <= ts.SyntaxKind.LastAssignment) return "assigned";
  if ((ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p)) && (p.operator === ts.SyntaxKind.PlusPlusToken || p.operator === ts.SyntaxKind.MinusMinusToken)) return "updated";
  if (ts.isDeleteExpression(p)) return "deleted";
  if ((ts.isCallExpression(p) || ts.isNewExpression(p)) && p.expression === access) return "called";
  if (ts.isTaggedTemplateExpression(p) && p.tag === access) return "called";
  if ((ts.isForInStatement(p) || ts.isForOfStatement(p)) && p.initializer === access) return "a for-in/of target";
  // a destructuring assignment's target: [X.A] = ..., ({ k: X.A } = ...), ({ ...X.A } = ...)
  let q = access;
  while (q.parent && (ts.isArrayLiteralExpression(q.parent) || ts.isObjectLiteralExpression(q.parent) || ts.isPropertyAssignment(q.parent) || ts.isSpreadElement(q.parent) || ts.isSpreadAssignment(q.parent) || ts.isShorthandPropertyAssignment(q.parent) || ts.isParenthesizedExpression(q.parent))) q = q.parent;
  if (q !== access && q.parent && ts.isBinaryExpression(q.parent) && q.parent.left === q && q.parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) return "a destructuring target";
  if (q !== access && q.parent && (ts.isForInStatement(q.parent) || ts.isForOfStatement(q.parent)) && q.parent.initializer === q) return "a destructuring target";
  return null;
}

/** The text that replaces a member access: the literal, in parentheses where the grammar needs them. */
function replacementText(access, literal) {
  const p = access.parent;
  const operand = (ts.isPropertyAccessExpression(p) || ts.isElementAccessExpression(p)) && p.expression === access;
  const exponentBase = ts.isBinaryExpression(p) && p.left === access && p.operatorToken.kind === ts.SyntaxKind.AsteriskAsteriskToken;
  return literal.text.startsWith("-") || operand || exponentBase ? `(${literal.text})` : literal.text;
}

function onePass(code, strings) {
  const { sf, checker } = checkedSource(code);

  // 1. the candidates: top-level declarations by an object literal
  const candidates = new Map(); // name -> { decl, statement, members, symbol, uses: [], reason }
  const refused = [];
  for (const st of sf.statements) {
    if (!ts.isVariableStatement(st)) continue;
    for (const decl of st.declarationList.declarations) {
      if (!ts.isIdentifier(decl.name) || !decl.initializer) continue;
      const object = objectOf(decl.initializer, checker);
      if (!object) continue;
      const name = decl.name.text;
      if (st.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) { refused.push({ name, reason: "exported" }); continue; }
      const m = membersOf(object, sf, strings);
      if (m.reason) { refused.push({ name, reason: m.reason }); continue; }
      const symbol = checker.getSymbolAtLocation(decl.name);
      const declarations = declarationsOf(symbol);
      if (!symbol || declarations.length !== 1) { refused.push({ name, reason: "declared more than once" }); continue; }
      candidates.set(name, { decl, statement: st, members: m.members, symbol, uses: [], reason: null });
    }
  }
  if (!candidates.size) return { code, inlined: [], refused, changed: false };

  // 2. every reference: a read of a member, or a reason to refuse
  const refuse = (c, reason) => { c.reason ??= reason; };
  const visit = (node) => {
    if (ts.isIdentifier(node) && candidates.has(node.text)) {
      const c = candidates.get(node.text);
      const p = node.parent;
      if (node === c.decl.name) {
        // its declaration
      } else if (isPropertyName(node)) {
        // a property's name, not a reference
      } else if (ts.isExportSpecifier(p) || ts.isImportSpecifier(p) || ts.isExportAssignment(p)) {
        if ((p.propertyName ?? p.name) === node || ts.isExportAssignment(p)) refuse(c, "exported");
      } else {
        const symbol = ts.isShorthandPropertyAssignment(p) && p.name === node ? checker.getShorthandAssignmentValueSymbol(p) : checker.getSymbolAtLocation(node);
        if (symbol === undefined) refuse(c, `a reference the checker cannot resolve (at ${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1})`);
        else if (symbol === c.symbol) {
          const where = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
          let key = null;
          if (ts.isPropertyAccessExpression(p) && p.expression === node) key = p.name.text;
          else if (ts.isElementAccessExpression(p) && p.expression === node) {
            const a = p.argumentExpression;
            if (ts.isStringLiteral(a) || ts.isNoSubstitutionTemplateLiteral(a)) key = a.text;
            else if (ts.isNumericLiteral(a)) key = String(Number(a.text));
            else { refuse(c, `a computed access (line ${where})`); key = undefined; }
          } else refuse(c, `used otherwise than X.Name (line ${where}: ${ts.SyntaxKind[p.kind]})`);
          if (typeof key === "string") {
            if (!Object.prototype.hasOwnProperty.call(Object.fromEntries(c.members), key)) refuse(c, `"${key}" is not a member (line ${where})`);
            else {
              const bad = misuse(p);
              if (bad) refuse(c, `${key} ${bad} (line ${where})`);
              else {
                // top-level code before the declaration would see it uninitialised
                let f = p.parent;
                while (f && f !== sf && !isFunctionLike(f)) f = f.parent;
                if (f === sf && p.getStart(sf) < c.decl.end) refuse(c, `read before its declaration runs (line ${where})`);
                else c.uses.push({ access: p, literal: c.members.get(key) });
              }
            }
          }
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);

  // 3. the edits: each use by its literal, each inlined declaration removed
  const edits = []; // [start, end, text]
  const inlined = [];
  const removed = new Set();
  for (const [name, c] of candidates) {
    if (c.reason) { refused.push({ name, reason: c.reason }); continue; }
    for (const u of c.uses) edits.push([u.access.getStart(sf), u.access.end, replacementText(u.access, u.literal)]);
    removed.add(c.decl);
    inlined.push({ name, members: c.members.size, uses: c.uses.length });
  }
  edits.push(...removalEdits(sf, removed));
  return { code: applyEdits(code, edits), inlined, refused, changed: inlined.length > 0 };
}

/**
 * The pass, repeated until nothing changes (members that were other objects' members become literals); with
 * `scalars`, then tools/fw/inline-scalars.mjs (the top-level number, boolean and once-read string constants).
 */
export function inlineConsts(code, { strings = true, scalars = false } = {}) {
  const inlined = [];
  let refused = [];
  for (let i = 0; i < MAX_PASSES; i++) {
    const r = onePass(code, strings);
    code = r.code;
    inlined.push(...r.inlined);
    refused = r.refused;
    if (!r.changed) break;
  }
  if (!scalars) return { code, inlined, refused, scalars: [] };
  // then the top-level scalar constants (tools/fw/inline-scalars.mjs): the members inlined above may have made more
  const s = inlineScalars(code);
  return { code: s.code, inlined, refused, scalars: s.inlined };
}
