// Types of build-host.mjs, for the TypeScript tests and tools.
export declare class NoCompilerError extends Error {}
export declare function findCompiler(): string | null;
export declare function hostDir(options?: { sanitize?: boolean }): string;
export declare function buildHost(options?: { sanitize?: boolean; verbose?: boolean; quiet?: boolean }): Promise<{
  xsrun: string;
  xsbc: string;
  dir: string;
  hosts: string[];
}>;
/** Compiles the units that are out of date, two at a time; what it says goes to `out` (default process.stderr). */
export declare function compileAll(
  cc: string,
  units: { source: string; obj: string; flags: string[]; label: string }[],
  verbose: boolean,
  quiet: boolean,
  out?: { write(text: string): unknown; isTTY?: boolean },
): Promise<number>;
