// Types for tools/fw/inline-scalars.mjs (top-level scalar constants inlined in the app bundle), for TypeScript tests.
export interface InlineScalarsResult {
  code: string;
  inlined: { name: string; value: number | boolean | string; uses: number }[];
}
export declare function inlineScalars(code: string): InlineScalarsResult;
