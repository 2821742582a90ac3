// Types for tools/fw/preload.mjs (the preload generator), for TypeScript tests.
/** The generator's `preload {json}` line: the heap a preparation of these modules would hold. */
export interface PreloadReport {
  modules: number;
  callbacks: number;
  natives: number;
  slots: number;
  chunkBytes: number;
  keys: number;
  instances: number;
  frozen: number;
  aliases: number;
  closures: number;
  flashHeapBytes: number;
}
/** The generator's `preload-census {json}` line (with emit): the heap by module and by kind of slot. */
export interface PreloadCensus {
  kinds: string[];
  /** "(built-ins)", "(machine)", "(app keys)", then the modules; byKind in the order of kinds */
  modules: { name: string; slots: number; functions: number; stringBytes: number; byKind: number[] }[];
}
export declare function buildGenerator(options?: { quiet?: boolean; archive?: string | null }): Promise<string>;
export declare function runGenerator(
  dir: string,
  modules: string[],
  options?: { keys?: string | null; emit?: string | null; creation?: Record<string, number> | null; archive?: string | null; keep?: string | null; statics?: string | null },
): Promise<{ status: number | null; stdout: string; stderr: string; report: PreloadReport | null; emitted: Record<string, number> | null; census: PreloadCensus | null;
  /** the modules whose bodies the generator dropped (with emit), and the archive compacted for them (with archive) */
  bodies: string[] | null;
  compacted: { modules: { name: string; before: number; after: number }[]; kept: { name: string; why: string }[]; savedBytes: number } | null }>;
export declare function buildRunner(preparationC: string, options?: { quiet?: boolean; archive?: string | null }): Promise<string>;
/** The keys something names at run time besides the app's bytecode (the strip always keeps them). */
export declare function runtimeKeys(): string[];
/** runtimeKeys with where each is looked up: the engine's source files, or "native/xs". */
export declare function runtimeKeySites(): Map<string, Set<string>>;
/** Writes the strip's statics file (tools/fw/static-uses.mjs) for an image's .xsb files; returns its path. */
export declare function writeStaticsFile(path: string, files: { xsb: string; bodyRan: boolean }[]): string;
/** Writes the strip's keep file: the modules' symbols and the run-time keys, one a line; returns its path. */
export declare function writeKeepFile(path: string, symbolLists: string[][]): string;
