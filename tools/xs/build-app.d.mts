// Types of build-app.mjs, for the TypeScript tests and tools.
export declare const APP_DIR: string;
export declare const JS_DIR: string;
export declare const CONFIG_MODULE: string;
export declare function compileTypeScript(options?: { force?: boolean }): void;
export declare function compileModule(xsbc: string, js: string, xsb: string, name: string): boolean;
export declare function buildApp(options?: {
  defines?: Record<string, string>;
  /** A variant of manifest.json's "variants" (its defines over "defines"). */
  variant?: string;
  out?: string;
  force?: boolean;
  verbose?: boolean;
  quiet?: boolean;
}): Promise<{
  dir: string;
  modules: string[];
  xsrun: string;
  xsbc: string;
  entry: string | null;
  preload: string[];
  defines: Record<string, string | number | boolean>;
}>;
