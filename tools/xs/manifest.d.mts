// Types of manifest.mjs, for the TypeScript tests and tools.
export declare const ROOT: string;
export declare const PLATFORMS: string[];
export declare const CREATION_FIELDS: string[];
export declare class ManifestError extends Error {}
export declare function glob(pattern: string, root?: string): string[];
export interface ManifestModule {
  name: string;
  source: string;
  kind: "ts" | "js";
}
export interface Manifest {
  platform: string;
  modules: ManifestModule[];
  natives: string[];
  preload: string[];
  creation: Record<string, number>;
  defines: Record<string, string | number | boolean>;
  /** Product variants: name -> defines applied over `defines`. */
  variants: Record<string, Record<string, string | number | boolean>>;
  engineDefines: string[];
}
export declare function loadManifest(platform?: string, options?: { root?: string; file?: string }): Manifest;
export declare function hostNamesOf(text: string): string[];
export declare function manifestHostNames(manifest: Manifest, root?: string): string[];
