// Types for tools/fw/drop-unused.mjs (unused top-level declarations dropped from the app bundle), for TypeScript tests.
export declare function dropUnused(code: string): { code: string; dropped: string[] };
