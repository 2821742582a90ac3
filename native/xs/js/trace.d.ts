/** Writes text as it is (no newline added). */
export declare function trace(text: string): void;
/** Writes one line "[level] tag: message". level: debug, info, warn or error. */
export declare function log(level: "debug" | "info" | "warn" | "error", tag: string, message: string): void;
/** A logger printing "[level] tag: message" lines at level `name` and above; throws RangeError for an unknown name. */
export declare function makeLogger(name: string): { log(level: string, tag: string, message: string): void; enabled(level: string): boolean };
