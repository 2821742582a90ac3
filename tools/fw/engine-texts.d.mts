// Types for tools/fw/engine-texts.mjs (the engine's error messages as codes on the device), for TypeScript tests.
export declare const THROW: RegExp;
export declare function engineSources(srcDir: string): [string, string][];
export declare function messageTable(sources: [string, string][]): string[];
export declare function codedFormat(code: number, format: string): string;
export declare function codedSource(text: string, table: string[], file: string): string;
export declare function decodeMessage(line: string, table: string[]): string;
export declare function tableMarkdown(table: string[], version: string): string;
