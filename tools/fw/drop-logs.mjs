// Log calls below the image's log level dropped (issue 10: the node image's flash; tools/fw/bundle.mjs runs it on
// the app bundle, before the property names are mangled and before tools/fw/drop-unused.mjs).
//
// The device's logger is native/xs/js/trace.js makeLogger(LOG_LEVEL) (native/xs/js/device-main.js: the build's
// define, "warn" when absent): its log(level, tag, message) prints nothing below that level, its enabled(level) is
// false there. So on an image built at "warn" a statement `x.log("debug", ...)` or `x.log("info", ...)` does nothing
// but build its message, and `x.enabled("debug")` is false. This pass, for the image's level:
//   - removes each such call whose value is not used (a statement, a comma operand, the right of && or || in a
//     statement, an arm of ?: in one) when its receiver and arguments only read (see `pure`): a call with an argument
//     that may do something is kept, and counted (`kept`);
//   - does the same for the calls of a log wrapper: a method (by its name, which mangling keeps the same everywhere)
//     or a top-level function whose body is one statement, `<receiver>.log(p, ...)` with p its parameter and the
//     other arguments only reads (the modules' `this.log(level, message)` helpers, pb-adv's link `note`);
//   - folds `x.enabled("<below>")` to false (x only read);
//   - then an `if` left with nothing to do goes (its condition only read), and tools/fw/drop-unused.mjs removes what
//     only the dropped calls used (message builders, describe helpers, a wrapper with no caller left).
// It proves the shape first (a build error otherwise): every call `.log(` / `.enabled(` in the bundle (and every
// call of a wrapper) has as its level a level literal, a ?: of level literals (kept), or a wrapper's own level
// parameter; nothing in the bundle defines a `log` or `enabled` that is not a wrapper (the only logger is the
// device's, outside the bundle); `Math.log` is the global Math's.
//
// Reads of properties count as reads (the bundle's getters compute, they do not change state), string conversions
// in templates as the built-ins'.
//
// dropLogs(code, { level }) -> { code, level, dropped: [{ line, level, callee }], folded, kept: [{ line, why }], wrappers: [names] }
import ts from "typescript";
import { applyEdits, checkedSource, declarationsOf } from "./bundle-ast.mjs";

/** The logger's levels in order (native/xs/js/trace.js LEVELS; modules/platform.ts LogLevel). */
export const LOG_LEVELS = ["debug", "info", "warn", "error", "none"];

/** Methods of the built-ins whose calls only read (on the strings and numbers the messages are built of). */
const READING_METHODS = new Set(["toString", "padStart", "padEnd", "slice", "join", "toFixed", "substring", "charAt", "indexOf", "includes", "at"]);
/** Global functions that only read their argument. */
const READING_GLOBALS = new Set(["String", "Number", "Boolean"]);

const MAX_PASSES = 6;

function isGlobal(checker, id, name) {
  return ts.isIdentifier(id) && id.text === name && checker.getSymbolAtLocation(id) === undefined;
}

/** The callee's name when `call` calls a property (`a.b(...)`, `a?.b(...)`), else null. */
function methodName(call) {
  const e = call.expression;
  return ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.name) ? e.name.text : null;
}

/** A level literal's text, or null. */
function levelLiteral(e) {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) && LOG_LEVELS.includes(e.text) ? e.text : null;
}

/** Whether `e` is a ?: (or nested ones) of level literals. */
function levelChoice(e) {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  if (levelLiteral(e)) return true;
  return ts.isConditionalExpression(e) && levelChoice(e.whenTrue) && levelChoice(e.whenFalse);
}

function line(sf, node) {
  return sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
}

function onePass(code, threshold) {
  const { sf, checker } = checkedSource(code);
  const where = (node) => `line ${line(sf, node)}: ${node.getText(sf).slice(0, 100)}`;
  const fail = (why, node) => {
    throw new Error(`drop-logs: ${why} (${where(node)}); the pass cannot tell this call from the device logger's (tools/fw/drop-logs.mjs)`);
  };

  // --- functions that only read: the top-level function declarations (memo; a cycle counts as not reading) ---
  const readingFunction = new Map();
  const isReadingFunction = (decl) => {
    if (readingFunction.has(decl)) return readingFunction.get(decl);
    readingFunction.set(decl, false);
    const ok = !!decl.body && decl.body.statements.every(readingStatement);
    readingFunction.set(decl, ok);
    return ok;
  };
  const readingStatement = (st) => {
    if (ts.isReturnStatement(st)) return !st.expression || pure(st.expression);
    if (ts.isVariableStatement(st)) return st.declarationList.declarations.every((d) => ts.isIdentifier(d.name) && (!d.initializer || pure(d.initializer)));
    if (ts.isIfStatement(st)) return pure(st.expression) && readingStatement(st.thenStatement) && (!st.elseStatement || readingStatement(st.elseStatement));
    if (ts.isBlock(st)) return st.statements.every(readingStatement);
    return false;
  };
  /** Whether evaluating `e` only reads (see the header). */
  const pure = (e) => {
    if (!e) return true;
    if (ts.isParenthesizedExpression(e) || ts.isNonNullExpression?.(e)) return pure(e.expression);
    if (ts.isIdentifier(e) || ts.isStringLiteral(e) || ts.isNumericLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) || ts.isBigIntLiteral(e)) return true;
    if ([ts.SyntaxKind.TrueKeyword, ts.SyntaxKind.FalseKeyword, ts.SyntaxKind.NullKeyword, ts.SyntaxKind.ThisKeyword].includes(e.kind)) return true;
    if (ts.isTemplateExpression(e)) return e.templateSpans.every((s) => pure(s.expression));
    if (ts.isPropertyAccessExpression(e)) return pure(e.expression);
    if (ts.isElementAccessExpression(e)) return pure(e.expression) && pure(e.argumentExpression);
    if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return true;
    if (ts.isConditionalExpression(e)) return pure(e.condition) && pure(e.whenTrue) && pure(e.whenFalse);
    if (ts.isTypeOfExpression(e) || ts.isVoidExpression(e)) return pure(e.expression);
    if (ts.isPrefixUnaryExpression(e)) return e.operator !== ts.SyntaxKind.PlusPlusToken && e.operator !== ts.SyntaxKind.MinusMinusToken && pure(e.operand);
    if (ts.isBinaryExpression(e)) {
      const k = e.operatorToken.kind;
      if (k >= ts.SyntaxKind.FirstAssignment && k <= ts.SyntaxKind.LastAssignment) return false;
      return pure(e.left) && pure(e.right);
    }
    if (ts.isArrayLiteralExpression(e)) return e.elements.every((x) => !ts.isSpreadElement(x) && pure(x));
    if (ts.isObjectLiteralExpression(e)) return e.properties.every((p) => ts.isPropertyAssignment(p) && !ts.isComputedPropertyName(p.name) && pure(p.initializer));
    if (ts.isCallExpression(e)) {
      if (!e.arguments.every((a) => !ts.isSpreadElement(a) && pure(a))) return false;
      const callee = e.expression;
      if (ts.isIdentifier(callee)) {
        if (READING_GLOBALS.has(callee.text) && checker.getSymbolAtLocation(callee) === undefined) return true;
        const d = declarationsOf(checker.getSymbolAtLocation(callee));
        return d.length === 1 && ts.isFunctionDeclaration(d[0]) && d[0].parent === sf && isReadingFunction(d[0]);
      }
      if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.name)) return READING_METHODS.has(callee.name.text) && pure(callee.expression);
      return false;
    }
    return false;
  };

  // --- the wrappers: methods (by name) and top-level functions that pass a parameter on as a logger call's level ---
  // kind "log": the body is that one call (its calls drop like the logger's); "forward": they only pass it on
  const methodWrappers = new Map(); // name -> { index, kind }
  const functionWrappers = new Map(); // declaration -> { index, kind }
  const wrapperOf = (call) => {
    const name = methodName(call);
    if (name === "log") return { index: 0, kind: "log", logger: true };
    if (name === "enabled") return { index: 0, kind: "enabled", logger: true };
    if (name !== null) return methodWrappers.get(name) ?? null;
    if (ts.isIdentifier(call.expression)) {
      const d = declarationsOf(checker.getSymbolAtLocation(call.expression));
      return d.length === 1 ? functionWrappers.get(d[0]) ?? null : null;
    }
    return null;
  };
  const isMathLog = (call) => methodName(call) === "log" && isGlobal(checker, call.expression.expression, "Math");
  /** The parameter index of `fn` that the identifier `id` is, or -1. */
  const paramIndex = (fn, id) => {
    if (!ts.isIdentifier(id)) return -1;
    const d = declarationsOf(checker.getSymbolAtLocation(id));
    return d.length === 1 && ts.isParameter(d[0]) && d[0].parent === fn ? fn.parameters.indexOf(d[0]) : -1;
  };
  const enclosingFunction = (node) => {
    let f = node.parent;
    while (f && !ts.isFunctionLike(f)) f = f.parent;
    return f;
  };
  const calls = [];
  const definitions = []; // `log` / `enabled` defined in the bundle: [name, node]
  const collect = (node) => {
    if (ts.isCallExpression(node)) calls.push(node);
    if ((ts.isMethodDeclaration(node) || ts.isPropertyAssignment(node) || ts.isPropertyDeclaration(node) || ts.isGetAccessor(node)) &&
      node.name && ts.isIdentifier(node.name) && (node.name.text === "log" || node.name.text === "enabled")) definitions.push(node);
    ts.forEachChild(node, collect);
  };
  collect(sf);
  // to a fixed point: a wrapper's wrapper is one too
  for (let changed = true; changed;) {
    changed = false;
    for (const call of calls) {
      if (isMathLog(call)) continue;
      const w = wrapperOf(call);
      if (!w || call.arguments.length <= w.index) continue;
      const fn = enclosingFunction(call);
      if (!fn || !(ts.isMethodDeclaration(fn) || (ts.isFunctionDeclaration(fn) && fn.parent === sf)) || !fn.name || !ts.isIdentifier(fn.name)) continue;
      const index = paramIndex(fn, call.arguments[w.index]);
      if (index < 0) continue;
      const body = fn.body?.statements ?? [];
      const only = body.length === 1 && ts.isExpressionStatement(body[0]) && unwrap(body[0].expression) === call;
      const others = call.arguments.every((a, i) => i === w.index || pure(a)) && pure(call.expression.expression ?? call.expression);
      const kind = w.kind === "log" && only && others ? "log" : "forward";
      const entry = { index, kind };
      if (ts.isMethodDeclaration(fn)) {
        const name = fn.name.text;
        const had = methodWrappers.get(name);
        if (had && (had.index !== index || had.kind !== kind)) {
          // two definitions of one name disagree: the weaker reading for both
          if (had.kind !== "forward" || had.index !== index) { methodWrappers.set(name, { index, kind: "forward", conflict: had.index !== index }); changed = true; }
          continue;
        }
        if (!had) { methodWrappers.set(name, entry); changed = true; }
      } else if (!functionWrappers.has(fn)) { functionWrappers.set(fn, entry); changed = true; }
    }
  }
  for (const [name, w] of methodWrappers) if (w.conflict) fail(`methods named "${name}" pass their level on at different places`, sf.statements[0] ?? sf);
  // every definition of a method of a wrapper's name must be a wrapper (else its calls could be another's)
  const wrapperMethods = new Set();
  const visitDefs = (node) => {
    if (ts.isMethodDeclaration(node) && node.name && ts.isIdentifier(node.name) && methodWrappers.has(node.name.text)) wrapperMethods.add(node);
    ts.forEachChild(node, visitDefs);
  };
  visitDefs(sf);
  const isWrapperDefinition = (fn) => calls.some((c) => enclosingFunction(c) === fn && !isMathLog(c) && wrapperOf(c) && paramIndex(fn, c.arguments[wrapperOf(c).index]) >= 0);
  for (const m of wrapperMethods) if (!isWrapperDefinition(m)) fail(`a method "${m.name.text}" that is not a log wrapper, while another of that name is`, m);
  for (const d of definitions) {
    if (ts.isMethodDeclaration(d) && isWrapperDefinition(d)) continue;
    fail(`"${d.name.text}" is defined in the bundle`, d);
  }

  // --- the proof of shape, and what goes ---
  const dropped = [];
  const kept = [];
  const edits = [];
  let folded = 0;
  const below = (lvl) => LOG_LEVELS.indexOf(lvl) < threshold;
  const droppable = new Map(); // call -> { level, callee }
  for (const call of calls) {
    if (isMathLog(call)) continue;
    const w = wrapperOf(call);
    if (!w) continue;
    const arg = call.arguments[w.index];
    if (!arg) fail(`a call with no level argument`, call);
    const lvl = levelLiteral(arg);
    if (!lvl) {
      if (levelChoice(arg)) continue; // a level chosen at run time: kept
      const fn = enclosingFunction(call);
      if (fn && paramIndex(fn, arg) >= 0 && (ts.isMethodDeclaration(fn) ? methodWrappers.has(fn.name.text) : functionWrappers.has(fn))) continue;
      fail(`the level argument is not a level literal`, call);
    }
    if (!below(lvl)) continue;
    if (w.kind === "enabled") {
      if (pure(call.expression.expression)) { edits.push([call.getStart(sf), call.end, "false"]); folded++; }
      else kept.push({ line: line(sf, call), why: `enabled("${lvl}"): its receiver may do something` });
      continue;
    }
    if (w.kind !== "log") continue; // a forwarding wrapper's call: what it does besides logging stays
    const receiver = ts.isPropertyAccessExpression(call.expression) ? call.expression.expression : null;
    if ((receiver && !pure(receiver)) || !call.arguments.every(pure)) {
      kept.push({ line: line(sf, call), why: `${lvl}: an argument may do something` });
      continue;
    }
    droppable.set(call, { level: lvl, callee: methodName(call) ?? call.expression.getText(sf) });
  }

  // the statements holding droppable calls where their value is unused, rewritten without them
  const paren = (t) => (/^[\w$.]+$/.test(t) ? t : `(${t})`);
  /** The text of `e` (value unused) without the droppable calls (pushed on `out`), or null when nothing is left. */
  const strip = (e, out) => {
    if (ts.isParenthesizedExpression(e)) return strip(e.expression, out);
    if (droppable.has(e)) { out.push(e); return null; }
    if (ts.isBinaryExpression(e)) {
      const k = e.operatorToken.kind;
      if (k === ts.SyntaxKind.CommaToken) {
        const l = strip(e.left, out), r = strip(e.right, out);
        return l === null ? r : r === null ? l : `${l}, ${r}`;
      }
      if (k === ts.SyntaxKind.AmpersandAmpersandToken || k === ts.SyntaxKind.BarBarToken || k === ts.SyntaxKind.QuestionQuestionToken) {
        const r = strip(e.right, out);
        if (r === null) return pure(e.left) ? null : strip(e.left, out);
        return r === e.right.getText(sf) ? e.getText(sf) : `${paren(e.left.getText(sf))} ${e.operatorToken.getText(sf)} ${paren(r)}`;
      }
    }
    if (ts.isConditionalExpression(e)) {
      const t = strip(e.whenTrue, out), f = strip(e.whenFalse, out);
      const c = e.condition.getText(sf);
      if (t === null && f === null) return pure(e.condition) ? null : strip(e.condition, out);
      if (t === null) return `${paren(c)} || ${paren(f)}`;
      if (f === null) return `${paren(c)} && ${paren(t)}`;
      return t === e.whenTrue.getText(sf) && f === e.whenFalse.getText(sf) ? e.getText(sf) : `${paren(c)} ? ${paren(t)} : ${paren(f)}`;
    }
    return e.getText(sf);
  };
  const commit = (found) => {
    for (const call of found) {
      dropped.push({ line: line(sf, call), ...droppable.get(call) });
      droppable.delete(call);
    }
  };
  const removeStatement = (st) => {
    const p = st.parent;
    edits.push([st.getStart(sf), st.end, ts.isBlock(p) || ts.isSourceFile(p) || ts.isCaseOrDefaultClause(p) || ts.isModuleBlock(p) ? "" : ";"]);
  };
  const visit = (node) => {
    if (ts.isExpressionStatement(node)) {
      const found = [];
      const text = strip(node.expression, found);
      if (found.length) {
        commit(found);
        if (text === null) removeStatement(node);
        else edits.push([node.expression.getStart(sf), node.expression.end, /^(\{|function\b|class\b|let\s*\[)/.test(text) ? `(${text})` : text]);
        return; // what is inside a rewritten statement: the next pass
      }
    } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.CommaToken) {
      // `a, b` anywhere: a's value is unused
      const found = [];
      const text = strip(node.left, found);
      if (found.length) {
        commit(found);
        edits.push([node.left.getStart(sf), node.right.getStart(sf), text === null ? "" : `${text}, `]);
        return;
      }
    } else if (ts.isIfStatement(node) && !node.elseStatement && pure(node.expression)) {
      const t = node.thenStatement;
      const found = [];
      const empty = ts.isEmptyStatement(t) || (ts.isBlock(t) && t.statements.length === 0);
      if (empty || (ts.isExpressionStatement(t) && strip(t.expression, found) === null && found.length)) {
        commit(found);
        removeStatement(node);
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  // a droppable call not in a statement's place (its value is used): kept
  for (const [call, d] of droppable) kept.push({ line: line(sf, call), why: `${d.level}: its value is used` });
  return { code: edits.length ? applyEdits(code, edits) : code, dropped, folded, kept, wrappers: [...methodWrappers.keys(), ...[...functionWrappers.keys()].map((f) => f.name.text)], changed: edits.length > 0 };
}

function unwrap(e) {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return e;
}

/**
 * The pass for an image built at `level` (one of LOG_LEVELS; "debug" keeps every call), repeated until nothing
 * changes. Throws when a call's shape is not the logger's (see the header).
 */
export function dropLogs(code, { level = "warn" } = {}) {
  const threshold = LOG_LEVELS.indexOf(level);
  if (threshold < 0) throw new Error(`drop-logs: unknown log level "${level}" (one of ${LOG_LEVELS.join(", ")})`);
  const dropped = [];
  let folded = 0;
  let kept = [];
  let wrappers = [];
  for (let i = 0; i < MAX_PASSES; i++) {
    const r = onePass(code, threshold);
    code = r.code;
    dropped.push(...r.dropped);
    folded += r.folded;
    kept = r.kept;
    if (i === 0) wrappers = r.wrappers;
    if (!r.changed) break;
  }
  return { code, level, dropped, folded, kept, wrappers };
}
