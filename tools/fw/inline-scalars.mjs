// Top-level scalar constants inlined in the app bundle (issue 10: the node image's flash; tools/fw/inline-consts.mjs
// runs it after the constant objects).
//
// The app's modules name their numbers: `export const LINK_TIMEOUT_MS = 60_000`, `const TAG = "pb-adv"`, sizes,
// limits, opcodes. esbuild keeps each as a top-level `var` of the bundle (it inlines no constant across modules), and
// on the preloaded heap each costs a variable slot (16 B) plus one closure slot in every function that reads it (XS
// functions capture the module variables they use, xsp_census.c "closures"); a read is a closure lookup. This pass
// replaces each read of X by X's value wherever
//   - X is declared once, at the module's top level (var, let or const, not `export`ed), by a number or boolean
//     literal, or by an arithmetic expression of such literals and of other constants this pass inlines (folded to
//     its number: `var Rt = bt + us * Ct`), or by a string literal read only once (a string read twice stays a
//     variable: the bytecode would carry it twice);
//   - X is never written (assigned, updated, a destructuring or for-in/of target) nor exported, every reference is
//     resolved by the checker to X's symbol, and no read is in top-level code before X's declaration;
// then drops X's declaration. The pass repeats until nothing changes (a folded expression's operands first).
//
// inlineScalars(code) -> { code, inlined: [{ name, value, uses }] }
import ts from "typescript";
import { applyEdits, checkedSource, declarationsOf, isPropertyName, removalEdits } from "./bundle-ast.mjs";

const MAX_PASSES = 8;

/** A folded value: { value, kind: "number" | "boolean" | "string" } or null when `node` is not a constant expression. */
function constantOf(node) {
  if (ts.isParenthesizedExpression(node)) return constantOf(node.expression);
  if (ts.isNumericLiteral(node)) return { value: Number(node.text.replace(/_/g, "")), kind: "number" }; // 60_000: Number() reads no separator
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return { value: node.text, kind: "string" };
  if (node.kind === ts.SyntaxKind.TrueKeyword) return { value: true, kind: "boolean" };
  if (node.kind === ts.SyntaxKind.FalseKeyword) return { value: false, kind: "boolean" };
  if (ts.isPrefixUnaryExpression(node)) {
    const v = constantOf(node.operand);
    if (!v || v.kind === "string") return null;
    // esbuild's minified booleans: !0, !1
    if (node.operator === ts.SyntaxKind.ExclamationToken) return { value: !v.value, kind: "boolean" };
    if (v.kind !== "number") return null;
    if (node.operator === ts.SyntaxKind.MinusToken) return { value: -v.value, kind: "number" };
    if (node.operator === ts.SyntaxKind.TildeToken) return { value: ~v.value, kind: "number" };
    return null;
  }
  if (ts.isBinaryExpression(node)) {
    const a = constantOf(node.left);
    const b = constantOf(node.right);
    if (!a || !b || a.kind !== "number" || b.kind !== "number") return null;
    const x = a.value;
    const y = b.value;
    const K = ts.SyntaxKind;
    const ops = {
      [K.PlusToken]: () => x + y, [K.MinusToken]: () => x - y, [K.AsteriskToken]: () => x * y, [K.SlashToken]: () => x / y,
      [K.PercentToken]: () => x % y, [K.AsteriskAsteriskToken]: () => x ** y, [K.LessThanLessThanToken]: () => x << y,
      [K.GreaterThanGreaterThanToken]: () => x >> y, [K.GreaterThanGreaterThanGreaterThanToken]: () => x >>> y,
      [K.AmpersandToken]: () => x & y, [K.BarToken]: () => x | y, [K.CaretToken]: () => x ^ y,
    };
    const op = ops[node.operatorToken.kind];
    return op ? { value: op(), kind: "number" } : null;
  }
  return null;
}

/** The literal's text where it replaces an identifier (in parentheses where the grammar needs them). */
function literalText(c, ref) {
  let text;
  if (c.kind === "string") text = JSON.stringify(c.value);
  else if (c.kind === "boolean") text = c.value ? "!0" : "!1";
  else if (Object.is(c.value, -0)) text = "-0";
  else if (!Number.isFinite(c.value)) return null; // NaN, Infinity: left as they are
  else text = String(c.value);
  const p = ref.parent;
  const operand = (ts.isPropertyAccessExpression(p) || ts.isElementAccessExpression(p) || ts.isCallExpression(p)) && p.expression === ref;
  const unaryOrPower = ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p) ||
    (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.AsteriskAsteriskToken);
  // a negative number always (`a-X` is not `a--5`); `!0` and numbers where an operand is (`(5).toString()`)
  return text.startsWith("-") || ((operand || unaryOrPower) && c.kind !== "string") ? `(${text})` : text;
}

/** Whether identifier `ref` is written rather than read (assigned, updated, a destructuring or for-in/of target). */
function written(ref) {
  const p = ref.parent;
  if (ts.isBinaryExpression(p) && p.left === ref && p.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && p.operatorToken.kind <= ts.SyntaxKind.LastAssignment) return true;
  if ((ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p)) && (p.operator === ts.SyntaxKind.PlusPlusToken || p.operator === ts.SyntaxKind.MinusMinusToken)) return true;
  let q = ref;
  while (q.parent && (ts.isArrayLiteralExpression(q.parent) || ts.isObjectLiteralExpression(q.parent) || ts.isPropertyAssignment(q.parent) || ts.isSpreadElement(q.parent) || ts.isSpreadAssignment(q.parent) || ts.isShorthandPropertyAssignment(q.parent) || ts.isParenthesizedExpression(q.parent))) q = q.parent;
  if (q.parent && ts.isBinaryExpression(q.parent) && q.parent.left === q && q.parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) return true;
  if (q.parent && (ts.isForInStatement(q.parent) || ts.isForOfStatement(q.parent)) && q.parent.initializer === q) return true;
  return false;
}

function onePass(code) {
  const { sf, checker } = checkedSource(code);
  const candidates = new Map(); // symbol -> { name, decl, constant, refs: [], reason }
  for (const st of sf.statements) {
    if (!ts.isVariableStatement(st)) continue;
    if (st.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
    for (const decl of st.declarationList.declarations) {
      if (!ts.isIdentifier(decl.name) || !decl.initializer) continue;
      const constant = constantOf(decl.initializer);
      if (!constant) continue;
      const symbol = checker.getSymbolAtLocation(decl.name);
      if (!symbol || declarationsOf(symbol).length !== 1) continue;
      candidates.set(symbol, { name: decl.name.text, decl, constant, refs: [], reason: null });
    }
  }
  if (!candidates.size) return { code, inlined: [], changed: false };
  const names = new Set([...candidates.values()].map((c) => c.name));
  const visit = (node) => {
    if (ts.isIdentifier(node) && names.has(node.text) && !isPropertyName(node)) {
      const p = node.parent;
      const symbol = ts.isShorthandPropertyAssignment(p) && p.name === node ? checker.getShorthandAssignmentValueSymbol(p) : checker.getSymbolAtLocation(node);
      const c = symbol && candidates.get(symbol);
      if (c && node !== c.decl.name) {
        if (ts.isExportSpecifier(p) || ts.isExportAssignment(p)) c.reason ??= "exported";
        else if (ts.isShorthandPropertyAssignment(p)) c.reason ??= "a shorthand property";
        else if (written(node)) c.reason ??= "written";
        else {
          let f = p;
          while (f && f !== sf && !(ts.isFunctionLike(f) || ts.isClassStaticBlockDeclaration(f))) f = f.parent;
          if (f === sf && node.getStart(sf) < c.decl.end) c.reason ??= "read before its declaration runs";
          else c.refs.push(node);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  const edits = [];
  const removed = new Set();
  const inlined = [];
  for (const c of candidates.values()) {
    if (c.reason) continue;
    if (c.constant.kind === "string" && c.refs.length > 1) continue;
    const texts = c.refs.map((ref) => literalText(c.constant, ref));
    if (texts.some((t) => t === null)) continue;
    c.refs.forEach((ref, i) => edits.push([ref.getStart(sf), ref.end, texts[i]]));
    removed.add(c.decl);
    inlined.push({ name: c.name, value: c.constant.value, uses: c.refs.length });
  }
  edits.push(...removalEdits(sf, removed));
  return { code: applyEdits(code, edits), inlined, changed: edits.length > 0 };
}

/** The pass, repeated until nothing changes (a constant whose initializer read others is folded once they are inlined). */
export function inlineScalars(code) {
  const inlined = [];
  for (let i = 0; i < MAX_PASSES; i++) {
    const r = onePass(code);
    code = r.code;
    inlined.push(...r.inlined);
    if (!r.changed) break;
  }
  return { code, inlined };
}
