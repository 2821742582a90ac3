// Types for tools/fw/lean.mjs (the built-ins the device engine leaves out), for TypeScript tests.
export declare const BUILDER_WRAPS: string[];
export declare const STRIP: { owner: string; name: string; fn: string[] }[];
export declare const STRIP_OWNERS: string[];
export declare function stripWraps(): string[];
export declare function leftOutBuiltins(symbols: Iterable<string>): string[];
export declare function checkStrip(sources: [string, string][]): void;
export declare function stripSource(): string;
export declare function stripTableSource(): string;
