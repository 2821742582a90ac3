// Types for tools/fw/static-uses.mjs (the static built-ins the device's code reads), for TypeScript tests.
import type { EngineInfo } from "./prelink.mjs";
export declare const TYPED_ARRAYS: string[];
export declare const STATIC_OWNERS: string[];
export declare const OWNER_LOOKUPS: Record<string, Record<string, string[] | null>>;
/** owner -> the names read ("*": all of its statics) */
export declare function staticUses(modules: { code: Uint8Array; symbols: (string | null)[]; bodyRan: boolean }[], info: EngineInfo): Map<string, Set<string>>;
export declare function staticUsesOfFiles(files: { xsb: string; bodyRan: boolean }[], info: EngineInfo): Map<string, Set<string>>;
export declare function staticsFileText(uses: Map<string, Set<string>>, engineKeys: string[]): string;
export declare function engineOwnerKeys(sites: Map<string, Set<string>>, uses?: Map<string, Set<string>>): string[];
export declare function qualifiedNames(uses: Map<string, Set<string>>): string[];
