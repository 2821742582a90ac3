// Console output of the XS runtime (native/xs/natives/trace_xs.c): stdout, flushed.
export function trace(text) @ "xs_trace";
export function log(level, tag, message) @ "xs_log";
