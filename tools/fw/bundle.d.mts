// Types for tools/fw/bundle.mjs (the node images' app as one module), for TypeScript tests.
export declare const APP_MODULE: string;
export declare const APP_KINDS: string[];
export declare function bundled(name: string): boolean;
export declare function imageKind(graph: { name: string; js: string }[]): string | null;
export declare function imageLogLevel(graph: { name: string; js: string }[]): string | null;
