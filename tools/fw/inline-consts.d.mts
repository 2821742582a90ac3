// Types for tools/fw/inline-consts.mjs (constant objects inlined in the app bundle), for TypeScript tests.
export interface InlineConstsResult {
  code: string;
  inlined: { name: string; members: number; uses: number }[];
  refused: { name: string; reason: string }[];
  /** With options.scalars: the top-level scalar constants inlined (tools/fw/inline-scalars.mjs). */
  scalars: { name: string; value: number | boolean | string; uses: number }[];
}
export declare function inlineConsts(code: string, options?: { strings?: boolean; scalars?: boolean }): InlineConstsResult;
