// Console output of the XS runtime (native/xs/natives/trace_xs.c): stdout, flushed.
export function trace(text) @ "xs_trace";
export function log(level, tag, message) @ "xs_log";

/**
 * Writes `value` as one line of JSON: JSON.stringify's text for plain objects, arrays, strings, numbers, booleans,
 * null (native/xs/common/xsr_internal.c; other objects: TypeError). The device engine has no JSON
 * (tools/fw/lean.mjs BUILDER_NAMES: its 7 KB of C), so the entries print their event lines with this.
 */
export function traceJson(value) @ "xs_trace_json";

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
