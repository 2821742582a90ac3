/** Writes text as it is (no newline added). */
export declare function trace(text: string): void;
/** Writes one line "[level] tag: message". level: debug, info, warn or error. */
export declare function log(level: "debug" | "info" | "warn" | "error", tag: string, message: string): void;
/** Writes `value` as one line of JSON (JSON.stringify's text for plain objects, arrays, strings, numbers, booleans, null; others: TypeError). */
export declare function traceJson(value: unknown): void;
/** A logger printing "[level] tag: message" lines at level `name` and above; throws RangeError for an unknown name. */
export declare function makeLogger(name: string): { log(level: string, tag: string, message: string): void; enabled(level: string): boolean };
