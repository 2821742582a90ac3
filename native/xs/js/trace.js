// Console output of the XS runtime (native/xs/natives/trace_xs.c): stdout, flushed.
export function trace(text) @ "xs_trace";
export function log(level, tag, message) @ "xs_log";

/**
 * Writes `value` as one line of JSON: JSON.stringify's text for what the event lines hold (plain objects, arrays,
 * strings, numbers, booleans, null; undefined and function members left out). The device engine has no JSON
 * (tools/fw/lean.mjs BUILDER_NAMES: its 7 KB of C), so the entries print with this.
 */
export function traceJson(value) {
  trace(jsonText(value) + "\n");
}

const ESCAPES = { 8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r", 34: '\\"', 92: "\\\\" };

function jsonText(v) {
  if (v === null) return "null";
  switch (typeof v) {
    case "string": {
      let s = '"';
      for (let i = 0; i < v.length; i++) {
        const c = v.charCodeAt(i);
        // control characters and lone surrogates as \u escapes (well-formed JSON.stringify)
        const lone = c >= 0xd800 && c < 0xe000 &&
          !(c < 0xdc00 ? (v.charCodeAt(i + 1) & 0xfc00) === 0xdc00 : (v.charCodeAt(i - 1) & 0xfc00) === 0xd800);
        s += ESCAPES[c] ?? (c < 0x20 || lone ? "\\u" + c.toString(16).padStart(4, "0") : v[i]);
      }
      return s + '"';
    }
    case "number":
      return isFinite(v) ? String(v) : "null";
    case "boolean":
      return v ? "true" : "false";
    case "object": {
      if (Array.isArray(v)) return "[" + v.map((x) => jsonText(x) ?? "null").join(",") + "]";
      let s = "";
      for (const k of Object.keys(v)) {
        const t = jsonText(v[k]);
        if (t !== undefined) s += (s ? "," : "") + jsonText(k) + ":" + t;
      }
      return "{" + s + "}";
    }
    default:
      return undefined;
  }
}

const LEVELS = { debug: 0, info: 1, warn: 2, error: 3, none: 4 };

/** A logger printing "[level] tag: message" lines at level `name` and above; throws RangeError for an unknown name. */
export function makeLogger(name) {
  const level = LEVELS[name];
  if (level === undefined) throw new RangeError(`log level must be debug, info, warn, error or none, got "${name}"`);
  return {
    log(l, tag, message) {
      if ((LEVELS[l] ?? 0) >= level) log(l, tag, message);
    },
    // the modules skip formatting what is not printed (modules/platform.ts Logger.enabled)
    enabled: (l) => (LEVELS[l] ?? 0) >= level,
  };
}
