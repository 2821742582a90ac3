// Types for tools/fw/drop-unused.mjs (unused top-level declarations and methods dropped from the app bundle), for TypeScript tests.
export declare function dropUnused(code: string, options?: { internal?: Set<string> }): { code: string; dropped: string[]; methods: string[] };
