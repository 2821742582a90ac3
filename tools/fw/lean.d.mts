// Types for tools/fw/lean.mjs (the built-ins the device engine leaves out), for TypeScript tests.
export declare const BUILDER_WRAPS: string[];
export declare const STRIP: { owner: string; name: string; fn: string[] }[];
export declare const STRIP_OWNERS: string[];
export declare function stripWraps(): string[];
export declare function leftOutBuiltins(symbols: Iterable<string>): string[];
export declare function checkStrip(sources: [string, string][]): void;
export declare function stripSource(): string;
export declare function stripTableSource(): string;
export interface UnusedPart {
  name: string;
  opcodes?: string[];
  names?: string[];
  defaults: string[];
  callbacks: string[];
  stubs?: ([string, string] | [string, string, string])[];
  define?: string;
  /** left out of preloaded images only */
  preloaded?: boolean;
  /** kept when a module names one of these */
  symbols?: string[];
}
export declare const UNUSED_PARTS: UnusedPart[];
export declare function opcodesUsed(codes: Iterable<Uint8Array>, info: unknown): Set<string>;
export declare const OPCODES_REFUSED: Record<string, string>;
export declare function refusedOpcodes(used: Set<string>): string[];
export declare function partsLeftOut(used: Set<string>, o?: { preloaded?: boolean; symbols?: Set<string> }): UnusedPart[];
export declare function leftOutFlags(parts: UnusedPart[]): { defaults: string[]; preparation: string[]; ours: string[] };
export interface EngineEdit { file: string; fn: string; from: string; to: string; declare: string; why?: string }
export declare const ENGINE_EDITS: EngineEdit[];
/** A patch of an engine source: a function stubbed, one case of its opcode switch stubbed, or an ENGINE_EDITS edit. */
export interface EnginePatch { fn: string; part: string; case?: string; edit?: EngineEdit }
export declare function patchedSources(parts: UnusedPart[]): Map<string, EnginePatch[]>;
export declare function engineSourcePatched(text: string, stubs: EnginePatch[], file: string, origin?: string): string;
export declare function instructionAt(code: Uint8Array, p: number, info: unknown): { length: number; nested: number };
