// Types for tools/fw/mangle-props.mjs (the app bundle's property names mangled), for TypeScript tests.
export declare function stringTokens(code: string): Set<string>;
export declare function textTokens(text: string): Set<string>;
export declare function cStringTokens(dir: string): Set<string>;
export declare function mangleOptions(reserved: Iterable<string>): { mangleProps: RegExp; mangleCache: Record<string, string | false>; reserved: number };
