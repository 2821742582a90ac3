/** Writes text as it is (no newline added). */
export declare function trace(text: string): void;
/** Writes one line "[level] tag: message". level: debug, info, warn or error. */
export declare function log(level: "debug" | "info" | "warn" | "error", tag: string, message: string): void;
