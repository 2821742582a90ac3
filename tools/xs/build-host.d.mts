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
