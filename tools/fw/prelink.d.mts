// Types for tools/fw/prelink.mjs (the prelinker of the device's bytecode archive), for TypeScript tests.
export interface EngineInfo {
  idSize: number;
  codeCount: number;
  codeSizes: number[];
  codeNames: string[];
  symbolIdCount: number;
  ids: string[];
  op: { code: number[]; codeArchive: number[]; string: number[]; stringArchive: number[]; regexp: number };
  builtins: Map<string, number>;
  keyBase: number;
}
export interface Xsb {
  version: number[];
  symbols: (string | null)[];
  hosts: Uint8Array | null;
  code: Uint8Array;
}
export interface PrelinkReport {
  modules: { name: string; code: number; hosts: number; symbols: string[] }[];
  codeBytes: number;
  hostsBytes: number;
  keys: number;
  keyNames: string[];
  keyBase: number;
  keyStringBytes: number;
  hostNames: string[];
  functions: number;
  strings: number;
  stringBytes: number;
  ids: number;
  regexps: string[];
  /** names the modules declare but never read (unreadNames): no key, their IDs XS_NO_ID */
  namesDropped: string[];
}
export declare function engineInfo(): EngineInfo;
export declare function parseXsb(bytes: Uint8Array, what: string): Xsb;
export declare function hostNamesOfAtom(hosts: Uint8Array | null): string[];
export declare function relocate(
  code: Uint8Array,
  map: number[],
  info: EngineInfo,
  what: string,
  runInPlace?: boolean,
): { ids: number; functions: number; strings: number; stringBytes: number; regexps: number };
export declare function prelink(options: {
  modules: { name: string; xsb: string }[];
  imports: string[];
  out: string;
  info?: EngineInfo;
  runInPlace?: boolean;
  keepNames?: boolean;
  anonymous?: string[];
}): PrelinkReport;
export declare function unreadNames(xsb: Xsb, info: EngineInfo, options?: { functionNames?: boolean }): Set<number>;
