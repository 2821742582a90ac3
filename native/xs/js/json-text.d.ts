/** The JSON text of `value`, as JSON.stringify(value) writes it, for strings, finite numbers, booleans, null, arrays
 * and plain objects of those (undefined for undefined or a function). */
export declare function jsonText(value: unknown): string | undefined;
