// Console output of the XS runtime (native/xs/natives/trace_xs.c): stdout, flushed.
export function trace(text) @ "xs_trace";
export function log(level, tag, message) @ "xs_log";

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
